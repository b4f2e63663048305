//! Batch normalization of a hidden layer's pre-activations (Ioffe & Szegedy 2015): batch statistics in training,
//! running averages at test time, learnable per-unit scale γ and shift β, forward and backward in f64.

use crate::keyed_enum;
use crate::{Matrix, Vector};

keyed_enum! {
    /// Where the network normalizes (the `bn` config key).
    pub enum Norm {
        None => ("none", "None", "No normalization layer."),
        Hidden => ("hidden", "Batch norm (hidden layers)", "Batch normalization after every hidden layer's linear map, before its activation: y = γ (z − μ_B) / √(σ²_B + ε) + β with the minibatch's mean and variance in training and running averages at test time (Ioffe & Szegedy 2015). Trains on the f64 reference path."),
    }
}

/// ε added to the variance inside the square root: 1e-5, PyTorch's `nn.BatchNorm1d` default (Keras uses 1e-3).
pub const BN_EPS: f64 = 1e-5;
/// Weight of the new batch in the running averages: running ← (1 − m) · running + m · batch with m = 0.1,
/// PyTorch's convention and default. Keras writes the same rule with the weight of the *old* value,
/// `momentum = 0.99` (so m = 0.01 there): the two differ in convention and in default.
pub const BN_MOMENTUM: f64 = 0.1;

/// One batch-normalization layer over `units` pre-activations z (a row of the layer's `out × batch` matrix per
/// unit): y = γ ⊙ x̂ + β with x̂ = (z − μ) / √(v + ε).
///
/// Training mode uses the minibatch mean μ_B and the biased variance v_B = (1/B) Σ (z − μ_B)², as PyTorch;
/// test mode uses `running_mean` and `running_var`. γ and β are parameters (they follow every W and b in the
/// flat parameter vector, see [`crate::mlp::Mlp::params`]); the running averages are state, updated by
/// [`BatchNorm::update_running`] after each training step and never touched by the optimizer.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchNorm {
    /// Per-unit scale γ. Initial 1.
    pub gamma: Vector,
    /// Per-unit shift β. Initial 0.
    pub beta: Vector,
    /// Running mean of z used at test time. Initial 0 (PyTorch).
    pub running_mean: Vector,
    /// Running (unbiased) variance of z used at test time. Initial 1 (PyTorch).
    pub running_var: Vector,
    /// ε inside the root; default [`BN_EPS`]. Tests set 0 to check the exact scale invariance.
    pub eps: f64,
    /// Running-average weight m of the new batch; default [`BN_MOMENTUM`], range (0, 1].
    pub momentum: f64,
}

/// Per-unit statistics of one training batch, for the running averages.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    /// Batch mean μ_B per unit.
    pub mean: Vector,
    /// Biased batch variance v_B = (1/B) Σ (z − μ_B)² per unit (the one the forward pass divides by).
    pub var: Vector,
    /// Batch size B.
    pub batch: usize,
}

/// What the backward pass needs from a training-mode forward pass.
#[derive(Debug, Clone)]
pub(super) struct NormCache {
    /// x̂ = (z − μ_B) / √(v_B + ε), units × batch.
    pub xhat: Matrix,
    /// 1 / √(v_B + ε) per unit.
    pub inv_std: Vector,
    pub moments: Moments,
}

impl BatchNorm {
    /// γ = 1, β = 0, running mean 0, running variance 1, ε = [`BN_EPS`], momentum [`BN_MOMENTUM`] (PyTorch's
    /// initial state).
    pub fn new(units: usize) -> BatchNorm {
        BatchNorm {
            gamma: Vector::from_element(units, 1.0),
            beta: Vector::zeros(units),
            running_mean: Vector::zeros(units),
            running_var: Vector::from_element(units, 1.0),
            eps: BN_EPS,
            momentum: BN_MOMENTUM,
        }
    }

    /// Number of units (and of γ's and β's).
    pub fn units(&self) -> usize {
        self.gamma.len()
    }

    /// Training mode in place: z (units × batch) becomes y = γ x̂ + β with the batch's own statistics; returns
    /// the cache for [`BatchNorm::backward`]. A batch of one gives x̂ = 0, so y = β (PyTorch refuses that case;
    /// here it is defined but teaches nothing).
    pub(super) fn forward_train(&self, z: &mut Matrix) -> NormCache {
        let (units, batch) = z.shape();
        let b = batch.max(1) as f64;
        let mut mean = Vector::zeros(units);
        let mut var = Vector::zeros(units);
        let mut inv_std = Vector::zeros(units);
        for i in 0..units {
            let row = z.row(i);
            let m = row.sum() / b;
            let v = row.iter().map(|&v| (v - m) * (v - m)).sum::<f64>() / b;
            mean[i] = m;
            var[i] = v;
            inv_std[i] = 1.0 / (v + self.eps).sqrt();
        }
        let mut xhat = z.clone();
        for (j, mut column) in xhat.column_iter_mut().enumerate() {
            for (i, x) in column.iter_mut().enumerate() {
                *x = (*x - mean[i]) * inv_std[i];
                z[(i, j)] = self.gamma[i] * *x + self.beta[i];
            }
        }
        NormCache {
            xhat,
            inv_std,
            moments: Moments { mean, var, batch },
        }
    }

    /// Test mode in place: z becomes γ (z − running_mean) / √(running_var + ε) + β.
    pub(super) fn forward_running(&self, z: &mut Matrix) {
        for mut column in z.column_iter_mut() {
            for (i, v) in column.iter_mut().enumerate() {
                let inv = 1.0 / (self.running_var[i] + self.eps).sqrt();
                *v = self.gamma[i] * (*v - self.running_mean[i]) * inv + self.beta[i];
            }
        }
    }

    /// Backward through a training-mode pass: given dy = ∂L/∂y (units × batch), adds ∂L/∂γ_i = Σ_j dy_ij x̂_ij
    /// and ∂L/∂β_i = Σ_j dy_ij to `g_gamma`, `g_beta`, and returns ∂L/∂z with the batch statistics
    /// differentiated too: with d = γ ⊙ dy, ∂L/∂z_ij = (1/√(v_i + ε)) · (d_ij − mean_j d_ij − x̂_ij ·
    /// mean_j(d_ij x̂_ij)).
    pub(super) fn backward(
        &self,
        cache: &NormCache,
        dy: &Matrix,
        g_gamma: &mut [f64],
        g_beta: &mut [f64],
    ) -> Matrix {
        let (units, batch) = dy.shape();
        let b = batch.max(1) as f64;
        let mut dz = Matrix::zeros(units, batch);
        for i in 0..units {
            let (mut sum_d, mut sum_dx, mut sum_dy_x) = (0.0, 0.0, 0.0);
            for j in 0..batch {
                let x = cache.xhat[(i, j)];
                let d = self.gamma[i] * dy[(i, j)];
                sum_d += d;
                sum_dx += d * x;
                sum_dy_x += dy[(i, j)] * x;
                g_beta[i] += dy[(i, j)];
            }
            g_gamma[i] += sum_dy_x;
            let (mean_d, mean_dx) = (sum_d / b, sum_dx / b);
            for j in 0..batch {
                let x = cache.xhat[(i, j)];
                let d = self.gamma[i] * dy[(i, j)];
                dz[(i, j)] = cache.inv_std[i] * (d - mean_d - x * mean_dx);
            }
        }
        dz
    }

    /// Moves the running averages towards one batch's statistics (PyTorch): running_mean ← (1 − m) ·
    /// running_mean + m · μ_B and running_var ← (1 − m) · running_var + m · v_B · B / (B − 1) (the unbiased
    /// variance; for B = 1 the biased one, 0).
    pub fn update_running(&mut self, moments: &Moments) {
        let m = self.momentum;
        let b = moments.batch;
        let unbias = if b > 1 {
            b as f64 / (b - 1) as f64
        } else {
            1.0
        };
        for i in 0..self.units().min(moments.mean.len()) {
            self.running_mean[i] = (1.0 - m) * self.running_mean[i] + m * moments.mean[i];
            self.running_var[i] = (1.0 - m) * self.running_var[i] + m * moments.var[i] * unbias;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_output_has_mean_beta_and_std_gamma() {
        let mut bn = BatchNorm::new(2);
        bn.gamma = Vector::from_vec(vec![2.0, 0.5]);
        bn.beta = Vector::from_vec(vec![-1.0, 3.0]);
        bn.eps = 0.0;
        let mut z = Matrix::from_row_slice(2, 4, &[1.0, 2.0, 3.0, 6.0, -5.0, 0.0, 5.0, 10.0]);
        let cache = bn.forward_train(&mut z);
        assert_eq!(cache.moments.mean, Vector::from_vec(vec![3.0, 2.5]));
        assert_eq!(cache.moments.var[0], 3.5);
        for (i, (g, b)) in [(2.0, -1.0), (0.5, 3.0)].iter().enumerate() {
            let row = z.row(i);
            let mean = row.sum() / 4.0;
            let sd = (row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 4.0).sqrt();
            assert!((mean - b).abs() < 1e-12 && (sd - g).abs() < 1e-12, "{i}");
        }
    }

    #[test]
    fn running_averages_follow_pytorch() {
        let mut bn = BatchNorm::new(1);
        let moments = Moments {
            mean: Vector::from_vec(vec![2.0]),
            var: Vector::from_vec(vec![3.0]),
            batch: 4,
        };
        bn.update_running(&moments);
        // 0.9 · 0 + 0.1 · 2; 0.9 · 1 + 0.1 · 3 · 4/3.
        assert!((bn.running_mean[0] - 0.2).abs() < 1e-15);
        assert!((bn.running_var[0] - 1.3).abs() < 1e-15);
        let mut z = Matrix::from_element(1, 1, 0.2 + 1.3f64.sqrt());
        bn.forward_running(&mut z);
        assert!((z[(0, 0)] - (1.3 / (1.3 + BN_EPS)).sqrt()).abs() < 1e-15);
    }
}
