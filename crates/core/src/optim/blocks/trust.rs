//! Trust-region directions: sign, the p-norm proximal step, global / per-tensor normalization and LARS trust
//! ratios (formulas and sources on [`super::Block`]).

use super::super::layout::Layout;
use super::Ctx;
use crate::linalg::Vector;
use std::ops::Range;

/// `sign(x)` with `sign(0) = 0` (f64::signum gives ±1 for ±0).
pub(crate) fn sign(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x.signum()
    }
}

/// `sign(x) |x|^{1/(p−1)}`.
pub(crate) fn pnorm(x: f64, p: f64) -> f64 {
    sign(x) * x.abs().powf(1.0 / (p - 1.0))
}

/// The groups a per-group block acts on: the layout's (clipped to `0..n`) or one group `0..n`.
fn groups(layout: &Layout, n: usize, per_group: bool) -> Vec<Range<usize>> {
    if per_group {
        layout
            .groups
            .iter()
            .map(|g| g.start.min(n)..g.end.min(n))
            .collect()
    } else {
        std::iter::once(0..n).collect()
    }
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

/// `u ← u / ‖u‖` globally or per layout group; a zero group stays zero.
pub(super) fn normalize(u: &mut Vector, layout: &Layout, per_group: bool) {
    let n = u.len();
    for g in groups(layout, n, per_group) {
        let part = &mut u.as_mut_slice()[g];
        let len = norm(part);
        if len > 0.0 {
            part.iter_mut().for_each(|x| *x /= len);
        }
    }
}

/// Per layout group l: `u_l ← η ‖θ_l‖ / ‖u_l‖ · u_l`, ratio 1 when either norm is 0.
pub(super) fn trust_ratio(u: &mut Vector, ctx: &Ctx, eta: f64) {
    let n = u.len();
    if ctx.params.len() != n {
        return;
    }
    for g in groups(ctx.layout, n, true) {
        let theta = norm(&ctx.params.as_slice()[g.clone()]);
        let part = &mut u.as_mut_slice()[g];
        let grad = norm(part);
        if theta > 0.0 && grad > 0.0 {
            let ratio = eta * theta / grad;
            part.iter_mut().for_each(|x| *x *= ratio);
        }
    }
}
