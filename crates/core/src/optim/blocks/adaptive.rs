//! Elementwise updates of the momentum and adaptive-scaling blocks (formulas and sources on [`super::Block`]).

use super::safe_div;
use crate::linalg::Vector;

/// `v ← μ v + u`; `u ← v` (heavy ball) or `u + μ v` (Nesterov).
pub(super) fn trace(u: &mut Vector, v: &mut Vector, momentum: f64, nesterov: bool) {
    v.zip_apply(u, |vi, ui| *vi = momentum * *vi + ui);
    if nesterov {
        u.zip_apply(v, |ui, vi| *ui += momentum * vi);
    } else {
        u.copy_from(v);
    }
}

/// `s ← s + u²`; `u ← u / (√s + ε)`.
pub(super) fn rss(u: &mut Vector, sum_sq: &mut Vector, eps: f64) {
    sum_sq.zip_apply(u, |si, ui| *si += ui * ui);
    u.zip_apply(sum_sq, |ui, si| *ui = safe_div(*ui, si.sqrt() + eps));
}

/// The notes' Adagrad: `s ← s + u²`; `u ← (1/√t) · u / √(s / t)`, t = 1 on the first update.
pub(super) fn mean_square(u: &mut Vector, sum_sq: &mut Vector, t: u64) {
    let t = t as f64;
    let decay = 1.0 / t.sqrt();
    sum_sq.zip_apply(u, |si, ui| *si += ui * ui);
    u.zip_apply(sum_sq, |ui, si| {
        *ui = decay * safe_div(*ui, (si / t).sqrt())
    });
}

/// `s ← ρ s + (1−ρ) u²`; `u ← u / (√s + ε)`.
pub(super) fn rms(u: &mut Vector, mean_sq: &mut Vector, rho: f64, eps: f64) {
    mean_sq.zip_apply(u, |si, ui| *si = rho * *si + (1.0 - rho) * ui * ui);
    u.zip_apply(mean_sq, |ui, si| *ui = safe_div(*ui, si.sqrt() + eps));
}

/// Adam with bias correction by `1 − βᵗ`; `hyper` = (β₁, β₂, ε).
pub(super) fn adam(
    u: &mut Vector,
    m: &mut Vector,
    v: &mut Vector,
    count: &mut u64,
    (beta1, beta2, eps): (f64, f64, f64),
) {
    *count += 1;
    m.zip_apply(u, |mi, ui| *mi = beta1 * *mi + (1.0 - beta1) * ui);
    v.zip_apply(u, |vi, ui| *vi = beta2 * *vi + (1.0 - beta2) * ui * ui);
    let t = *count as f64;
    let (c1, c2) = (1.0 - beta1.powf(t), 1.0 - beta2.powf(t));
    u.zip_zip_apply(m, v, |ui, mi, vi| {
        *ui = safe_div(mi / c1, (vi / c2).sqrt() + eps);
    });
}
