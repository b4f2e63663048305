//! Training objective: data loss + weight penalty and its flat gradient by batched backpropagation.

use nalgebra::{DMatrixView, DMatrixViewMut};

use super::forward::{self, Trace};
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
    pub fn loss_and_grad(
        &self,
        x: &Matrix,
        y: &Matrix,
        dropout: &DropoutConfig,
        masks: &Masks,
        reg: Regularizer,
        lambda: f64,
    ) -> LossGrad {
        let noise = forward::train_noise(dropout, masks, self.layers.len());
        let mut trace = Trace::default();
        let mut delta = self.forward(x, &noise, Some(&mut trace));
        // delta = ∂data_loss/∂z_L (already divided by the batch size).
        let data_loss = loss::loss_and_delta(self.head, &mut delta, y);

        let mut grad = Vector::zeros(self.param_count());
        let mut penalty = 0.0;
        let mut end = grad.len();
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
                delta = back;
            }
        }
        LossGrad {
            data_loss,
            penalty,
            grad,
        }
    }
}

/// A zero-copy transposed view of a column-major matrix (swapped strides), so δ uᵀ needs no transposed copy.
fn transposed(m: &Matrix) -> DMatrixView<'_, f64, nalgebra::Dyn, nalgebra::Dyn> {
    let (rows, cols) = m.shape();
    DMatrixView::from_slice_with_strides(m.as_slice(), cols, rows, rows, 1)
}
