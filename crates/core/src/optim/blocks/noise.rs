//! Injected noise: Gaussian gradient noise (Neelakantan et al. 2015) and the learning-rate step with its
//! schedule and Langevin noise (SGLD, Welling & Teh 2011). Formulas on [`super::Block`].

use crate::linalg::Vector;
use crate::rng::{normal, Rng};

/// `u ← u + σₜ ξ`, `σₜ² = η / (1 + t)^γ`, ξ ~ N(0, I) drawn in index order; no draw when η = 0.
pub(super) fn add_gradient_noise(u: &mut Vector, rng: &mut Rng, eta: f64, gamma: f64, t: u64) {
    if eta > 0.0 {
        let sigma = gradient_noise_sigma(eta, gamma, t);
        u.iter_mut().for_each(|x| *x += sigma * normal(rng));
    }
}

/// σₜ = √(η / (1 + t)^γ).
pub(crate) fn gradient_noise_sigma(eta: f64, gamma: f64, t: u64) -> f64 {
    (eta / (1.0 + t as f64).powf(gamma)).sqrt()
}

/// `u ← −lrₜ u + √(2 lrₜ T) ξ`, ξ ~ N(0, I) drawn in index order; no draw when T = 0 or lrₜ = 0.
pub(super) fn scale_by_lr(u: &mut Vector, rng: &mut Rng, lr_t: f64, temperature: f64) {
    *u *= -lr_t;
    if temperature > 0.0 && lr_t > 0.0 {
        let sigma = (2.0 * lr_t * temperature).sqrt();
        u.iter_mut().for_each(|x| *x += sigma * normal(rng));
    }
}
