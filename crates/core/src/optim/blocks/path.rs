//! Path-SGD (Neyshabur, Salakhutdinov & Srebro 2015): each weight's step divided by the path norm of the
//! other weights on the paths through it, computed in one forward and one backward pass.

use super::{safe_div, Ctx};
use crate::linalg::Vector;

/// γ(w) for every affine parameter of an MLP with these `widths`, in `Mlp::params` order (per layer W
/// column-major fan_out × fan_in, then b): the sum over input→output paths through w of the product of the
/// *other* weights squared. Biases are weights from a constant unit of value 1 in the layer below.
///
/// Two passes: forward sums of squared path products from the inputs, `a₀ = 1`,
/// `a_l[i] = Σ_j W_l[i,j]² a_{l−1}[j] + b_l[i]²`; backward from the outputs, `c_L = 1`,
/// `c_{l−1}[j] = Σ_i W_l[i,j]² c_l[i]`. Then `γ(W_l[i,j]) = a_{l−1}[j] c_l[i]` and `γ(b_l[i]) = c_l[i]`.
/// Returns `None` when `params` is shorter than the affine parameters the widths describe.
pub fn path_gamma(widths: &[usize], params: &[f64]) -> Option<Vec<f64>> {
    let layers: Vec<(usize, usize, usize)> = widths
        .windows(2)
        .scan(0, |start, w| {
            let at = *start;
            *start += w[0] * w[1] + w[1];
            Some((at, w[0], w[1]))
        })
        .collect();
    let total = layers.last().map_or(0, |&(at, i, o)| at + i * o + o);
    if params.len() < total {
        return None;
    }
    let w2 = |at: usize, fan_out: usize, i: usize, j: usize| params[at + j * fan_out + i].powi(2);
    // Forward: a[l] has widths[l] entries.
    let mut a = vec![vec![1.0; widths.first().copied().unwrap_or(0)]];
    for &(at, fan_in, fan_out) in &layers {
        let below = &a[a.len() - 1];
        let bias = at + fan_in * fan_out;
        let next: Vec<f64> = (0..fan_out)
            .map(|i| {
                (0..fan_in)
                    .map(|j| w2(at, fan_out, i, j) * below[j])
                    .sum::<f64>()
                    + params[bias + i].powi(2)
            })
            .collect();
        a.push(next);
    }
    // Backward: c[l] has widths[l] entries.
    let mut c = vec![Vec::new(); widths.len()];
    c[widths.len() - 1] = vec![1.0; widths[widths.len() - 1]];
    for (l, &(at, fan_in, fan_out)) in layers.iter().enumerate().rev() {
        c[l] = (0..fan_in)
            .map(|j| {
                (0..fan_out)
                    .map(|i| w2(at, fan_out, i, j) * c[l + 1][i])
                    .sum()
            })
            .collect();
    }
    let mut gamma = vec![0.0; total];
    for (l, &(at, fan_in, fan_out)) in layers.iter().enumerate() {
        for j in 0..fan_in {
            for i in 0..fan_out {
                gamma[at + j * fan_out + i] = a[l][j] * c[l + 1][i];
            }
        }
        let bias = at + fan_in * fan_out;
        gamma[bias..bias + fan_out].copy_from_slice(&c[l + 1]);
    }
    Some(gamma)
}

/// `uᵢ ← uᵢ / γᵢ` over the affine parameters (`0 / 0 := 0`, and a weight with γ = 0 does not move); the rest
/// and layouts without widths pass through.
pub(super) fn scale(u: &mut Vector, ctx: &Ctx) {
    if ctx.layout.widths.len() < 2 || ctx.params.len() != u.len() {
        return;
    }
    let Some(gamma) = path_gamma(&ctx.layout.widths, ctx.params.as_slice()) else {
        return;
    };
    for (ui, g) in u.iter_mut().zip(gamma) {
        *ui = safe_div(*ui, g);
    }
}
