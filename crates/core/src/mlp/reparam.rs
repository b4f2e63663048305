//! What a reparameterization does: the largest change of the network's output on a data matrix, and each
//! layer's gradient norm before and after (the forward pass may stay while the backward pass does not).

use super::Mlp;
use crate::dropout::DropoutConfig;
use crate::loss::Regularizer;
use crate::Matrix;

/// Gradient norms of one layer's tensors for the original and the reparameterized network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerGradNorms {
    /// ‖∂L/∂W_l‖ (Frobenius) of the original network.
    pub w_before: f64,
    /// ‖∂L/∂W_l‖ of the reparameterized network.
    pub w_after: f64,
    /// ‖∂L/∂b_l‖ of the original network.
    pub b_before: f64,
    /// ‖∂L/∂b_l‖ of the reparameterized network.
    pub b_after: f64,
}

/// The result of [`rescale_report`].
#[derive(Debug, Clone, PartialEq)]
pub struct RescaleReport {
    /// max over samples and outputs of |f_after(x) − f_before(x)|, test-time outputs after the head.
    pub max_output_change: f64,
    /// One entry per layer (hidden layers first, then the output layer).
    pub layers: Vec<LayerGradNorms>,
}

/// Compares `original` and `rescaled` (same shapes) on the data `x` (input × n) with targets `y`: the largest
/// output change under the test-time rule ([`Mlp::predict`] with `dropout`'s test factors), and the gradient
/// norms per layer of the clean data loss (no dropout masks, no penalty; normalization in training mode, the
/// whole of `x` as one batch). For a ReLU network rescaled by [`Mlp::rescale_hidden`] the first is round-off
/// (≈ 1e-15) while the norms differ: a unit scaled by s has its incoming gradient divided by s and its
/// outgoing gradient multiplied by s.
pub fn rescale_report(
    original: &Mlp,
    rescaled: &Mlp,
    x: &Matrix,
    y: &Matrix,
    dropout: &DropoutConfig,
) -> RescaleReport {
    let before = original.predict(x, dropout);
    let after = rescaled.predict(x, dropout);
    let max_output_change = before
        .iter()
        .zip(after.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let norms = |mlp: &Mlp| {
        let grad = mlp
            .loss_and_grad(x, y, dropout, &Vec::new(), Regularizer::None, 0.0)
            .grad;
        let mut at = 0;
        mlp.layers
            .iter()
            .map(|l| {
                let (nw, nb) = (l.w.len(), l.b.len());
                let w = grad.rows(at, nw).norm();
                let b = grad.rows(at + nw, nb).norm();
                at += nw + nb;
                (w, b)
            })
            .collect::<Vec<_>>()
    };
    let layers = norms(original)
        .into_iter()
        .zip(norms(rescaled))
        .map(
            |((w_before, b_before), (w_after, b_after))| LayerGradNorms {
                w_before,
                w_after,
                b_before,
                b_after,
            },
        )
        .collect();
    RescaleReport {
        max_output_change,
        layers,
    }
}
