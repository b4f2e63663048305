//! The per-element f32 formulas of the fast trainer: activations with their derivatives, the output objectives
//! (the heads of `loss.rs` plus the autoencoder's mean square), and the weight penalties.
//!
//! Each mirrors its f64 definition (cited on every item) with tanh and sigmoid taken from [`super::tanh`]; the
//! tests of `fast::net` pin them to the f64 reference through whole-network losses and gradients.

use super::tanh::{sigmoid, tanh};
use crate::loss::{Head, Regularizer};
use crate::mlp::{Activation, LEAKY_SLOPE};

/// What the output layer's pre-activations z are trained against (targets y as in `data.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// A playground head, exactly as [`crate::loss::loss_and_delta`] defines it (mean over the batch).
    Head(Head),
    /// (1 / (B·K)) Σ (σ(z) − y)² over all B·K outputs, σ the logistic function: the WORKLOADS.md T2
    /// autoencoder loss (sigmoid outputs, mean squared error over every output). Gradient 2(o − y) o (1 − o) / (B·K).
    SigmoidMeanSquare,
}

/// Applies activation `act` to the pre-activations in `z` (becoming h = σ(z), times the noise factor when
/// given) and writes into `gate` what backpropagation multiplies by: σ'(z) (times the same factor). With
/// noise factors m = c·Z the layer's next input is u = h ⊙ m, and ∂L/∂z = (∂L/∂u) ⊙ m ⊙ σ'(z) = (∂L/∂u) ⊙ gate.
/// σ and σ' as [`Activation::value`] and [`Activation::derivative_from_output`], with the fast tanh/sigmoid.
pub fn activate(act: Activation, z: &mut [f32], gate: &mut [f32], noise: Option<&[f32]>) {
    let slope = LEAKY_SLOPE as f32;
    match act {
        // Written as a comparison, not `f32::max` (a libm call in wasm); NaN maps to 0 as `max(NaN, 0)` does.
        Activation::Relu => fused(
            z,
            gate,
            noise,
            |z| if z > 0.0 { (z, 1.0) } else { (0.0, 0.0) },
        ),
        Activation::LeakyRelu => fused(z, gate, noise, |z| {
            if z > 0.0 {
                (z, 1.0)
            } else {
                (slope * z, slope)
            }
        }),
        Activation::Tanh => fused(z, gate, noise, |z| {
            let h = tanh(z);
            (h, 1.0 - h * h)
        }),
        Activation::Sigmoid => fused(z, gate, noise, |z| {
            let h = sigmoid(z);
            (h, h * (1.0 - h))
        }),
        Activation::Linear => fused(z, gate, noise, |z| (z, 1.0)),
    }
}

/// Applies activation `act` in place (test-time forward passes need no derivative).
pub fn apply(act: Activation, z: &mut [f32]) {
    let slope = LEAKY_SLOPE as f32;
    match act {
        Activation::Relu => z
            .iter_mut()
            .for_each(|v| *v = if *v > 0.0 { *v } else { 0.0 }),
        Activation::LeakyRelu => z
            .iter_mut()
            .for_each(|v| *v = if *v > 0.0 { *v } else { slope * *v }),
        Activation::Tanh => z.iter_mut().for_each(|v| *v = tanh(*v)),
        Activation::Sigmoid => z.iter_mut().for_each(|v| *v = sigmoid(*v)),
        Activation::Linear => {}
    }
}

/// The output non-linearity of `objective` in place on `outputs × batch` pre-activations, as
/// [`Head::activate`]: sigmoid, softmax per column (max-shifted), identity, tanh.
pub fn activate_output(objective: Objective, z: &mut [f32], outputs: usize) {
    match objective {
        Objective::Head(Head::SigmoidBce) | Objective::SigmoidMeanSquare => {
            apply(Activation::Sigmoid, z)
        }
        Objective::Head(Head::TanhMse) => apply(Activation::Tanh, z),
        Objective::Head(Head::LinearMse) => {}
        Objective::Head(Head::SoftmaxCe) => {
            for column in z.chunks_exact_mut(outputs.max(1)) {
                let m = column.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                column.iter_mut().for_each(|v| *v = (*v - m).exp());
                let sum: f32 = column.iter().sum();
                column.iter_mut().for_each(|v| *v /= sum);
            }
        }
    }
}

/// The loop of [`activate`], monomorphized per activation so it vectorizes.
#[inline(always)]
fn fused(z: &mut [f32], gate: &mut [f32], noise: Option<&[f32]>, f: impl Fn(f32) -> (f32, f32)) {
    match noise {
        None => {
            for (zi, gi) in z.iter_mut().zip(gate.iter_mut()) {
                let (h, d) = f(*zi);
                *zi = h;
                *gi = d;
            }
        }
        Some(m) => {
            for ((zi, gi), mi) in z.iter_mut().zip(gate.iter_mut()).zip(m) {
                let (h, d) = f(*zi);
                *zi = h * mi;
                *gi = d * mi;
            }
        }
    }
}

/// Σ of the per-sample losses of the output pre-activations `z` (`outputs × batch`, column-major) against `y`,
/// divided as the objective says (the mean), and `z` overwritten by ∂loss/∂z. The formulas are those of
/// [`crate::loss::loss_and_delta`] per head: sigmoid-bce softplus(z) − y z with gradient (σ(z) − y)/B;
/// softmax-ce with the max-shifted log-sum-exp, gradient (softmax(z) Σy − y)/B; linear-mse ½ Σ_k (z − y)²,
/// gradient (z − y)/B; tanh-mse ½ (tanh z − (2y − 1))², gradient (o − t)(1 − o²)/B; and [`Objective::SigmoidMeanSquare`].
pub fn loss_and_delta(objective: Objective, z: &mut [f32], y: &[f32], outputs: usize) -> f64 {
    debug_assert_eq!(z.len(), y.len(), "outputs and targets");
    let batch = z.len() / outputs.max(1);
    if batch == 0 {
        return 0.0;
    }
    let inv_b = 1.0 / batch as f32;
    match objective {
        Objective::Head(Head::SigmoidBce) => {
            let total = map_sum(z, y, |z, y| {
                let loss = z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
                (loss, (sigmoid(z) - y) * inv_b)
            });
            total / batch as f64
        }
        Objective::Head(Head::LinearMse) => {
            let total = map_sum(z, y, |z, y| (0.5 * (z - y) * (z - y), (z - y) * inv_b));
            total / batch as f64
        }
        Objective::Head(Head::TanhMse) => {
            let total = map_sum(z, y, |z, y| {
                let (o, t) = (tanh(z), 2.0 * y - 1.0);
                (0.5 * (o - t) * (o - t), (o - t) * (1.0 - o * o) * inv_b)
            });
            total / batch as f64
        }
        Objective::Head(Head::SoftmaxCe) => softmax_ce(z, y, outputs, inv_b) / batch as f64,
        Objective::SigmoidMeanSquare => {
            let inv_n = inv_b / outputs as f32;
            let total = map_sum(z, y, |z, y| {
                let o = sigmoid(z);
                let e = o - y;
                (e * e, 2.0 * e * o * (1.0 - o) * inv_n)
            });
            total / z.len() as f64
        }
    }
}

/// Applies `f(z, y) -> (loss, delta)` to every pair, writes delta into `z`, returns Σ loss. The sum runs in 8
/// independent lanes (then adds them in f64), so the loop vectorizes despite strict float ordering.
#[inline(always)]
fn map_sum(z: &mut [f32], y: &[f32], f: impl Fn(f32, f32) -> (f32, f32)) -> f64 {
    const LANES: usize = 8;
    let mut lanes = [0.0f32; LANES];
    let mut zc = z.chunks_exact_mut(LANES);
    let mut yc = y.chunks_exact(LANES);
    for (zs, ys) in (&mut zc).zip(&mut yc) {
        for i in 0..LANES {
            let (l, d) = f(zs[i], ys[i]);
            lanes[i] += l;
            zs[i] = d;
        }
    }
    for (zi, &yi) in zc.into_remainder().iter_mut().zip(yc.remainder()) {
        let (l, d) = f(*zi, yi);
        lanes[0] += l;
        *zi = d;
    }
    lanes.iter().map(|&l| f64::from(l)).sum()
}

/// Softmax cross-entropy per column, as `loss::loss_and_delta`: −Σ_k y_k log_softmax(z)_k; delta
/// (p Σy − y)/B. Returns the sum over the batch.
fn softmax_ce(z: &mut [f32], y: &[f32], outputs: usize, inv_b: f32) -> f64 {
    let mut total = 0.0f64;
    for (zc, yc) in z.chunks_exact_mut(outputs).zip(y.chunks_exact(outputs)) {
        let m = zc.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let log_sum = zc.iter().map(|v| (v - m).exp()).sum::<f32>().ln() + m;
        let y_sum: f32 = yc.iter().sum();
        for (zi, &yi) in zc.iter_mut().zip(yc) {
            let log_p = *zi - log_sum;
            if yi != 0.0 {
                total -= f64::from(yi * log_p);
            }
            *zi = (log_p.exp() * y_sum - yi) * inv_b;
        }
    }
    total
}

/// [`Regularizer::penalty`] in f32 over the weights `w`: 0, λ/2 Σ w² (L2) or λ Σ |w| (L1), summed in lanes.
pub fn penalty(reg: Regularizer, lambda: f32, w: &[f32]) -> f64 {
    let sum = |f: fn(f32) -> f32| {
        let mut lanes = [0.0f32; 8];
        let mut chunks = w.chunks_exact(8);
        for c in &mut chunks {
            for i in 0..8 {
                lanes[i] += f(c[i]);
            }
        }
        let rest: f64 = chunks.remainder().iter().map(|&v| f64::from(f(v))).sum();
        lanes.iter().map(|&l| f64::from(l)).sum::<f64>() + rest
    };
    match reg {
        Regularizer::None => 0.0,
        Regularizer::L2 => 0.5 * f64::from(lambda) * sum(|v| v * v),
        Regularizer::L1 => f64::from(lambda) * sum(f32::abs),
    }
}

/// [`Regularizer::add_gradient`] in f32: adds λ w (L2) or λ sign(w) with sign(0) = 0 (L1) to `grad`.
pub fn add_penalty_gradient(reg: Regularizer, lambda: f32, w: &[f32], grad: &mut [f32]) {
    match reg {
        Regularizer::None => {}
        Regularizer::L2 => {
            for (g, &v) in grad.iter_mut().zip(w) {
                *g += lambda * v;
            }
        }
        Regularizer::L1 => {
            for (g, &v) in grad.iter_mut().zip(w) {
                let sign = if v > 0.0 {
                    1.0
                } else if v < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                *g += lambda * sign;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Keyed;

    #[test]
    fn activations_and_gates_match_the_f64_definitions() {
        let zs: Vec<f32> = (-40..=40).map(|i| i as f32 * 0.1).collect();
        let noise: Vec<f32> = (0..zs.len())
            .map(|i| if i % 3 == 0 { 0.0 } else { 2.0 })
            .collect();
        for &act in Activation::ALL {
            for with_noise in [false, true] {
                let (mut h, mut g) = (zs.clone(), vec![0.0; zs.len()]);
                activate(act, &mut h, &mut g, with_noise.then_some(&noise[..]));
                for (i, &z) in zs.iter().enumerate() {
                    let m = if with_noise { f64::from(noise[i]) } else { 1.0 };
                    let a = act.value(f64::from(z));
                    let d = act.derivative_from_output(a);
                    assert!((f64::from(h[i]) - a * m).abs() < 1e-6, "{act} h({z})");
                    assert!((f64::from(g[i]) - d * m).abs() < 1e-6, "{act} gate({z})");
                }
            }
        }
    }

    #[test]
    fn penalties_match_the_f64_regularizers() {
        let w = [3.0f32, -4.0, 0.0, 0.5, -0.25, 1.0, 2.0, -1.5, 0.75, 0.0];
        let w64: Vec<f64> = w.iter().map(|&v| f64::from(v)).collect();
        for &reg in Regularizer::ALL {
            assert!(
                (penalty(reg, 0.1, &w) - reg.penalty(0.1, &w64)).abs() < 1e-6,
                "{reg}"
            );
            let mut g = [1.0f32; 10];
            let mut g64 = [1.0f64; 10];
            add_penalty_gradient(reg, 0.5, &w, &mut g);
            reg.add_gradient(0.5, &w64, &mut g64);
            for (a, b) in g.iter().zip(&g64) {
                assert!((f64::from(*a) - b).abs() < 1e-6, "{reg}");
            }
        }
    }
}
