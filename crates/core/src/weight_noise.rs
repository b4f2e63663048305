//! Gaussian weight noise, the notes' noise on the parameters: one training step's forward and backward pass see
//! θ + σ ε with ε ~ N(0, I), and the gradient is applied to the clean θ.

use crate::rng::{normal, Rng};

/// Adds σ ε_i to every value in iteration order, ε_i ~ N(0, 1) drawn from `rng` ([`crate::rng::normal`], one
/// draw per value). σ = 0 draws nothing and leaves the values bitwise unchanged, so a run with weight noise
/// off is the plain run. A session calls it on the flat parameters ([`crate::mlp::Mlp::params`] order) with
/// its own stream (`session::stream::WEIGHT_NOISE`), once per step.
pub fn perturb<'a>(values: impl IntoIterator<Item = &'a mut f64>, sigma: f64, rng: &mut Rng) {
    if sigma == 0.0 {
        return;
    }
    for v in values {
        *v += sigma * normal(rng);
    }
}
