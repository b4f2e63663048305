//! Training objective: data loss + weight penalty and its flat gradient by batched backpropagation, through
//! batch-normalization layers in training mode.

use nalgebra::{DMatrixView, DMatrixViewMut};

use super::batchnorm::Moments;
use super::forward::{self, NormMode, Trace};
use super::Mlp;
use crate::dropout::{DropoutConfig, Masks};
use crate::loss::{self, LossGrad, Regularizer};
use crate::{Matrix, Vector};

impl Mlp {
    /// Training objective on a batch and its gradient.
    ///
    /// `x` is input × batch, `y` the targets as in `data.rs` (out × batch; 0/1 for binary, one-hot for
    /// multi-class, values for regression). `masks` are raw Z per layer input (from
    /// [`crate::dropout::sample_masks`], or fixed in tests); the forward multiplies layer input l by Z_l, and by
    /// 1/p too for inverted Bernoulli dropout (the randomised predictor f(x, Z; θ) of the notes). A `None` or
    /// missing mask leaves that input clean.
    ///
    /// Returns `data_loss` = (1/B) Σ_i l(y_i, f(x_i, z_i; θ)) (the unbiased estimate of the notes), `penalty` =
    /// R(W) of `reg` with strength `lambda` over weights only (λ/2 Σw² or λ Σ|w|), and `grad` = ∂(data_loss +
    /// penalty)/∂θ in the [`Mlp::params`] order. Batched: one gemm per layer forward, two backward.
    ///
    /// Batch-normalization layers run in training mode (the batch's own mean and variance, differentiated
    /// through); their running averages are not touched (`&self`): see [`Mlp::train_pass`].
    pub fn loss_and_grad(
        &self,
        x: &Matrix,
        y: &Matrix,
        dropout: &DropoutConfig,
        masks: &Masks,
        reg: Regularizer,
        lambda: f64,
    ) -> LossGrad {
        self.train_pass(x, y, dropout, masks, reg, lambda).0
    }

    /// [`Mlp::loss_and_grad`] plus the batch statistics of every hidden layer's normalization (`None` for a
    /// layer without one), to pass to [`Mlp::update_running_stats`] once the step is taken.
    pub fn train_pass(
        &self,
        x: &Matrix,
        y: &Matrix,
        dropout: &DropoutConfig,
        masks: &Masks,
        reg: Regularizer,
        lambda: f64,
    ) -> (LossGrad, Vec<Option<Moments>>) {
        let noise = forward::train_noise(dropout, masks, self.layers.len());
        let mut trace = Trace::default();
        let mut delta = self.forward(x, &noise, NormMode::Batch, Some(&mut trace));
        // delta = ∂data_loss/∂z_L (already divided by the batch size).
        let data_loss = loss::loss_and_delta(self.head, &mut delta, y);

        let mut grad = Vector::zeros(self.param_count());
        let norm_offsets = self.norm_offsets();
        let mut penalty = 0.0;
        let mut end = self.affine_param_count();
        for l in (0..self.layers.len()).rev() {
            let layer = &self.layers[l];
            let (rows, cols) = layer.w.shape();
            let start = end - rows * cols - rows;
            let (gw, gb) = grad.as_mut_slice()[start..end].split_at_mut(rows * cols);
            end = start;

            // ∂L/∂W_l = δ_l u_lᵀ (out × in), written straight into the flat gradient; ∂L/∂b_l = Σ_batch δ_l.
            let u = &trace.inputs[l];
            DMatrixViewMut::from_slice(gw, rows, cols).gemm(1.0, &delta, &transposed(u), 0.0);
            for column in delta.column_iter() {
                for (g, d) in gb.iter_mut().zip(column.iter()) {
                    *g += d;
                }
            }
            penalty += reg.penalty(lambda, layer.w.as_slice());
            reg.add_gradient(lambda, layer.w.as_slice(), gw);

            if l > 0 {
                // ∂L/∂u_l = W_lᵀ δ_l; ∂L/∂h = the same noise factors (u is linear in h); δ_{l−1} = ∂L/∂h ⊙ σ'(z_{l−1}).
                let mut back = layer.w.tr_mul(&delta);
                noise[l].apply(&mut back);
                back.component_mul_assign(&trace.derivs[l - 1]);
                // Through the normalization of layer l − 1: ∂L/∂y → ∂L/∂γ, ∂L/∂β and ∂L/∂z.
                let prev = &self.layers[l - 1];
                delta = match (&prev.norm, &trace.norms[l - 1], norm_offsets[l - 1]) {
                    (Some(norm), Some(cache), Some(at)) => {
                        let units = norm.units();
                        let (gg, gb) = grad.as_mut_slice()[at..at + 2 * units].split_at_mut(units);
                        norm.backward(cache, &back, gg, gb)
                    }
                    _ => back,
                };
            }
        }
        let moments = trace
            .norms
            .into_iter()
            .map(|c| c.map(|c| c.moments))
            .collect();
        let lg = LossGrad {
            data_loss,
            penalty,
            grad,
        };
        (lg, moments)
    }

    /// Moves every normalization layer's running averages towards the batch statistics from
    /// [`Mlp::train_pass`] ([`super::BatchNorm::update_running`]); layers without a norm are skipped.
    pub fn update_running_stats(&mut self, moments: &[Option<Moments>]) {
        for (layer, m) in self.layers.iter_mut().zip(moments) {
            if let (Some(norm), Some(m)) = (layer.norm.as_mut(), m) {
                norm.update_running(m);
            }
        }
    }
}

/// A zero-copy transposed view of a column-major matrix (swapped strides), so δ uᵀ needs no transposed copy.
fn transposed(m: &Matrix) -> DMatrixView<'_, f64, nalgebra::Dyn, nalgebra::Dyn> {
    let (rows, cols) = m.shape();
    DMatrixView::from_slice_with_strides(m.as_slice(), cols, rows, rows, 1)
}
