//! Preconditioned directions: a fixed Mahalanobis metric, the damped empirical Fisher (natural gradient),
//! Newton and saddle-free Newton (formulas and sources on [`super::Block`]).

use crate::linalg::{Matrix, Vector};

/// Most parameters the natural-gradient block accepts in the Playground: the dense Fisher has P² entries and
/// its Cholesky factorisation costs P³/3 flops per step (9 M at P = 300, a few ms in wasm), plus P² B to
/// build it; beyond that a step would take longer than an animation frame.
pub const MAX_NATURAL_PARAMS: usize = 300;

/// `u ← M⁻¹ u` for M = [[m11, m12], [m12, m22]] on 2-vectors (closed-form inverse); other lengths, and a
/// singular M (never validated), leave `u` unchanged.
pub(super) fn mahalanobis(u: &mut Vector, [m11, m12, m22]: [f64; 3]) {
    let det = m11 * m22 - m12 * m12;
    if u.len() != 2 || det == 0.0 {
        return;
    }
    let (a, b) = (u[0], u[1]);
    u[0] = (m22 * a - m12 * b) / det;
    u[1] = (m11 * b - m12 * a) / det;
}

/// `u ← ((1/B) G Gᵀ + λ I)⁻¹ u` for per-sample gradients G (P × B), by Cholesky. Identity without G, with a
/// size mismatch, or if the factorisation fails (it cannot for λ > 0 in exact arithmetic).
pub(super) fn natural(u: &mut Vector, grads: Option<&Matrix>, damping: f64) {
    let Some(g) = grads else { return };
    let (p, b) = g.shape();
    if p != u.len() || b == 0 {
        return;
    }
    let mut fisher = Matrix::from_diagonal_element(p, p, damping);
    fisher.gemm(1.0 / b as f64, g, &g.transpose(), 1.0);
    if let Some(chol) = fisher.cholesky() {
        chol.solve_mut(u);
    }
}

/// `u ← H⁻¹ u` by LU; identity without H, with a size mismatch or a singular H.
pub(super) fn newton(u: &mut Vector, hessian: Option<&Matrix>) {
    let Some(h) = hessian else { return };
    if h.shape() != (u.len(), u.len()) {
        return;
    }
    if let Some(x) = h.clone().lu().solve(u) {
        if x.iter().all(|v| v.is_finite()) {
            *u = x;
        }
    }
}

/// `u ← (V (|Λ| + δ) Vᵀ)⁻¹ u = V diag(1 / (|λᵢ| + δ)) Vᵀ u`; a direction with |λᵢ| + δ = 0 gets 0 (`0/0 := 0`
/// as elsewhere). Identity without H, with a size mismatch or a failed eigen-decomposition.
pub(super) fn saddle_free_newton(u: &mut Vector, hessian: Option<&Matrix>, damping: f64) {
    let Some(h) = hessian else { return };
    if h.shape() != (u.len(), u.len()) {
        return;
    }
    let Some(eig) = nalgebra::SymmetricEigen::try_new(h.clone(), f64::EPSILON, 0) else {
        return;
    };
    let mut coords = eig.eigenvectors.tr_mul(u);
    for (c, lambda) in coords.iter_mut().zip(eig.eigenvalues.iter()) {
        let d = lambda.abs() + damping;
        *c = if d == 0.0 { 0.0 } else { *c / d };
    }
    *u = &eig.eigenvectors * coords;
}
