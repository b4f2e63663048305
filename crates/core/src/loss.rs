//! Output heads (output activation fused with its loss) and weight regularizers.

use crate::keyed_enum;
use crate::mlp::sigmoid;
use crate::{Matrix, Vector};

keyed_enum! {
    /// Output layer activation together with the loss it is trained with.
    pub enum Head {
        SigmoidBce => ("sigmoid-bce", "Sigmoid + cross-entropy", "One sigmoid output p; loss −y log p − (1−y) log(1−p), y ∈ {0, 1}."),
        SoftmaxCe => ("softmax-ce", "Softmax + cross-entropy", "K softmax outputs; loss −log p_y."),
        LinearMse => ("linear-mse", "Linear + squared error", "Linear outputs; loss ½ (o − y)²."),
        TanhMse => ("tanh-mse", "tanh + squared error", "One tanh output o; loss ½ (o − y)², y ∈ {−1, +1} (TF Playground's choice)."),
    }
}

keyed_enum! {
    /// Weight penalties added to the data loss (biases are not penalised).
    pub enum Regularizer {
        None => ("none", "None", "No penalty."),
        L2 => ("l2", "L2", "λ/2 · Σ w² over all weights (not biases)."),
        L1 => ("l1", "L1", "λ · Σ |w| over all weights (not biases); subgradient 0 at w = 0."),
    }
}

/// Probabilities are clamped to [PROB_FLOOR, 1 − PROB_FLOOR] when a loss is computed from outputs (not logits) in
/// [`data_loss`], so a saturated prediction costs at most −ln(1e-15) ≈ 34.5 per sample instead of ∞.
pub const PROB_FLOOR: f64 = 1e-15;

/// What [`crate::mlp::Mlp::loss_and_grad`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct LossGrad {
    /// Data loss, mean over the batch of the per-sample loss of the head (≥ 0).
    pub data_loss: f64,
    /// Regularizer penalty R(W) (≥ 0; 0 for [`Regularizer::None`] or λ = 0).
    pub penalty: f64,
    /// Gradient of `data_loss + penalty` in the flat [`crate::mlp::Mlp::params`] order.
    pub grad: Vector,
}

impl LossGrad {
    /// The training objective data_loss + penalty.
    pub fn total(&self) -> f64 {
        self.data_loss + self.penalty
    }
}

impl Head {
    /// Output non-linearity applied in place to the output layer's pre-activations z (out × batch):
    /// sigmoid 1/(1+e^(−z)) ∈ (0, 1); softmax e^(z_k − m) / Σ_j e^(z_j − m) per column with m = max_j z_j (no
    /// overflow); identity; tanh ∈ (−1, 1).
    pub fn activate(self, z: &mut Matrix) {
        match self {
            Head::SigmoidBce => z.apply(|v| *v = sigmoid(*v)),
            Head::SoftmaxCe => {
                for mut column in z.column_iter_mut() {
                    let m = column.max();
                    column.apply(|v| *v = (*v - m).exp());
                    let s = column.sum();
                    column /= s;
                }
            }
            Head::LinearMse => {}
            Head::TanhMse => z.apply(|v| *v = v.tanh()),
        }
    }
}

/// Mean per-sample loss from the output layer's pre-activations z (logits, out × batch), and z overwritten in
/// place by ∂loss/∂z (already divided by the batch size B). Per sample, with targets y as in `data.rs`:
/// - sigmoid-bce: softplus(z) − y z = −y ln σ(z) − (1−y) ln(1−σ(z)), softplus(z) = max(z,0) + ln(1+e^(−|z|));
///   gradient σ(z) − y (fused).
/// - softmax-ce: −Σ_k y_k log_softmax(z)_k with the max-shifted log-sum-exp; gradient softmax(z) Σy − y, i.e.
///   p − y for one-hot y (fused).
/// - linear-mse: ½ Σ_k (z_k − y_k)² (summed over outputs); gradient z − y (fused).
/// - tanh-mse: ½ (tanh z − t)² with t = 2y − 1 ∈ {−1, 1}; gradient (o − t)(1 − o²), o = tanh z.
pub fn loss_and_delta(head: Head, z: &mut Matrix, y: &Matrix) -> f64 {
    debug_assert_eq!(z.shape(), y.shape(), "outputs and targets shape");
    let batch = z.ncols();
    if batch == 0 {
        return 0.0;
    }
    let inv_b = 1.0 / batch as f64;
    let mut total = 0.0;
    match head {
        Head::SigmoidBce | Head::LinearMse | Head::TanhMse => {
            z.zip_apply(y, |zi, yi| {
                let (l, g) = elementwise_loss_grad(head, *zi, yi);
                total += l;
                *zi = g * inv_b;
            });
        }
        Head::SoftmaxCe => {
            for (mut zc, yc) in z.column_iter_mut().zip(y.column_iter()) {
                let m = zc.max();
                let log_sum = zc.iter().map(|v| (v - m).exp()).sum::<f64>().ln() + m;
                let y_sum = yc.sum();
                for (zi, &yi) in zc.iter_mut().zip(yc.iter()) {
                    let log_p = *zi - log_sum;
                    if yi != 0.0 {
                        total -= yi * log_p;
                    }
                    *zi = (log_p.exp() * y_sum - yi) * inv_b;
                }
            }
        }
    }
    total * inv_b
}

/// (loss, ∂loss/∂z) of one output unit for the element-wise heads.
fn elementwise_loss_grad(head: Head, z: f64, y: f64) -> (f64, f64) {
    match head {
        Head::SigmoidBce => (
            z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z,
            sigmoid(z) - y,
        ),
        Head::TanhMse => {
            let (o, t) = (z.tanh(), 2.0 * y - 1.0);
            (0.5 * (o - t) * (o - t), (o - t) * (1.0 - o * o))
        }
        Head::LinearMse | Head::SoftmaxCe => (0.5 * (z - y) * (z - y), z - y),
    }
}

/// Mean over the batch of the per-sample loss, from outputs *after* the head's activation (what
/// [`crate::mlp::Mlp::predict`] returns) and targets y as in `data.rs`: −y ln o − (1−y) ln(1−o) (sigmoid-bce);
/// −Σ_k y_k ln o_k (softmax-ce); ½ Σ_k (o_k − y_k)² (linear-mse); ½ (o − (2y−1))² (tanh-mse). Probabilities are
/// clamped to [[`PROB_FLOOR`], 1 − [`PROB_FLOOR`]]; otherwise equal to the `data_loss` of `loss_and_grad`.
pub fn data_loss(head: Head, outputs: &Matrix, y: &Matrix) -> f64 {
    debug_assert_eq!(outputs.shape(), y.shape(), "outputs and targets shape");
    let batch = outputs.ncols();
    if batch == 0 {
        return 0.0;
    }
    let clamp = |o: f64| o.clamp(PROB_FLOOR, 1.0 - PROB_FLOOR);
    let xlogp = |y: f64, p: f64| if y == 0.0 { 0.0 } else { y * clamp(p).ln() };
    let total: f64 = outputs
        .iter()
        .zip(y.iter())
        .map(|(&o, &y)| match head {
            Head::SigmoidBce => -xlogp(y, o) - xlogp(1.0 - y, 1.0 - o),
            Head::SoftmaxCe => -xlogp(y, o),
            Head::LinearMse => 0.5 * (o - y) * (o - y),
            Head::TanhMse => 0.5 * (o - (2.0 * y - 1.0)).powi(2),
        })
        .sum();
    total / batch as f64
}

/// Fraction of samples whose predicted class equals `labels[i]`, in [0, 1], from outputs after the head's
/// activation. Binary with one output: class 1 iff o ≥ 0.5 (sigmoid-bce, linear-mse on 0/1 targets) or o ≥ 0
/// (tanh-mse); several outputs: argmax (first on ties). NaN when `labels` is empty (regression has no accuracy).
pub fn accuracy(head: Head, outputs: &Matrix, labels: &[usize]) -> f64 {
    debug_assert_eq!(outputs.ncols(), labels.len(), "one label per output column");
    if labels.is_empty() {
        return f64::NAN;
    }
    let threshold = if head == Head::TanhMse { 0.0 } else { 0.5 };
    let correct = outputs
        .column_iter()
        .zip(labels)
        .filter(|(column, &label)| {
            let predicted = if column.len() == 1 {
                usize::from(column[0] >= threshold)
            } else {
                column
                    .iter()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |best, (k, &v)| {
                        if v > best.1 {
                            (k, v)
                        } else {
                            best
                        }
                    })
                    .0
            };
            predicted == label
        })
        .count();
    correct as f64 / labels.len() as f64
}

impl Regularizer {
    /// Penalty on the weights `w` (never the biases): 0 (none), λ/2 Σ w² (L2, "weight decay"), λ Σ |w| (L1).
    /// λ ≥ 0, validated in `config.rs` (range 0 ..= 1, default 0.001).
    pub fn penalty(self, lambda: f64, w: &[f64]) -> f64 {
        match self {
            Regularizer::None => 0.0,
            Regularizer::L2 => 0.5 * lambda * w.iter().map(|v| v * v).sum::<f64>(),
            Regularizer::L1 => lambda * w.iter().map(|v| v.abs()).sum::<f64>(),
        }
    }

    /// Adds the penalty's (sub)gradient to `grad` (same length as `w`): λ w (L2), λ sign(w) with sign(0) = 0 (L1).
    pub fn add_gradient(self, lambda: f64, w: &[f64], grad: &mut [f64]) {
        debug_assert_eq!(w.len(), grad.len(), "weights and gradient length");
        let slope = |v: f64| match self {
            Regularizer::None => 0.0,
            Regularizer::L2 => v,
            Regularizer::L1 => {
                if v > 0.0 {
                    1.0
                } else if v < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
        };
        if self != Regularizer::None {
            for (g, &v) in grad.iter_mut().zip(w) {
                *g += lambda * slope(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed per-sample losses (values below from the formulas with a calculator).
    #[test]
    fn known_losses_from_logits_and_outputs_agree() {
        let y = Matrix::from_row_slice(1, 2, &[1.0, 0.0]);
        let z = Matrix::from_row_slice(1, 2, &[0.0, 2.0]);
        // BCE: ln 2 = 0.693147..., softplus(2) = 2.126928...; mean = 1.410038...
        let expected = (std::f64::consts::LN_2 + (1.0 + 2f64.exp()).ln()) / 2.0;
        let mut delta = z.clone();
        let l = loss_and_delta(Head::SigmoidBce, &mut delta, &y);
        assert!((l - expected).abs() < 1e-15, "{l}");
        assert!((delta[0] - (0.5 - 1.0) / 2.0).abs() < 1e-15);
        let mut o = z.clone();
        Head::SigmoidBce.activate(&mut o);
        assert!((data_loss(Head::SigmoidBce, &o, &y) - expected).abs() < 1e-14);

        // Softmax over (0, ln 3): p = (1/4, 3/4); target class 0: −ln(1/4) = ln 4.
        let z = Matrix::from_column_slice(2, 1, &[0.0, 3f64.ln()]);
        let y = Matrix::from_column_slice(2, 1, &[1.0, 0.0]);
        let mut delta = z.clone();
        assert!((loss_and_delta(Head::SoftmaxCe, &mut delta, &y) - 4f64.ln()).abs() < 1e-15);
        assert!((delta[0] + 0.75).abs() < 1e-15 && (delta[1] - 0.75).abs() < 1e-15);
        let mut o = z.clone();
        Head::SoftmaxCe.activate(&mut o);
        assert!((data_loss(Head::SoftmaxCe, &o, &y) - 4f64.ln()).abs() < 1e-15);

        // tanh-mse: z = 0, y = 1 → t = 1, ½(0 − 1)² = 0.5; linear-mse sums outputs: ½(1² + 2²) = 2.5.
        let mut delta = Matrix::from_element(1, 1, 0.0);
        assert_eq!(
            loss_and_delta(Head::TanhMse, &mut delta, &Matrix::from_element(1, 1, 1.0)),
            0.5
        );
        assert_eq!(delta[0], -1.0);
        let mut delta = Matrix::from_column_slice(2, 1, &[1.0, 2.0]);
        assert_eq!(
            loss_and_delta(Head::LinearMse, &mut delta, &Matrix::zeros(2, 1)),
            2.5
        );
    }

    #[test]
    fn saturated_logits_stay_finite() {
        let z = Matrix::from_column_slice(2, 1, &[1000.0, -1000.0]);
        let y = Matrix::from_column_slice(2, 1, &[0.0, 1.0]);
        let mut delta = z.clone();
        assert_eq!(loss_and_delta(Head::SoftmaxCe, &mut delta, &y), 2000.0);
        let mut o = z.clone();
        Head::SoftmaxCe.activate(&mut o);
        assert!((data_loss(Head::SoftmaxCe, &o, &y) + PROB_FLOOR.ln()).abs() < 1e-9);
        let mut delta = Matrix::from_element(1, 1, -800.0);
        assert_eq!(
            loss_and_delta(
                Head::SigmoidBce,
                &mut delta,
                &Matrix::from_element(1, 1, 1.0)
            ),
            800.0
        );
    }

    #[test]
    fn accuracy_thresholds_and_argmax() {
        let o = Matrix::from_row_slice(1, 4, &[0.2, 0.5, 0.7, 0.49]);
        assert_eq!(accuracy(Head::SigmoidBce, &o, &[0, 1, 1, 1]), 0.75);
        let o = Matrix::from_row_slice(1, 3, &[-0.1, 0.0, 0.3]);
        assert_eq!(accuracy(Head::TanhMse, &o, &[0, 1, 0]), 2.0 / 3.0);
        let o = Matrix::from_column_slice(3, 2, &[0.1, 0.7, 0.2, 0.5, 0.1, 0.4]);
        assert_eq!(accuracy(Head::SoftmaxCe, &o, &[1, 2]), 0.5);
        assert!(accuracy(Head::LinearMse, &Matrix::zeros(1, 0), &[]).is_nan());
    }

    #[test]
    fn penalties_skip_nothing_they_should_not() {
        let w = [3.0, -4.0, 0.0];
        assert_eq!(Regularizer::L2.penalty(0.1, &w), 0.5 * 0.1 * 25.0);
        assert_eq!(Regularizer::L1.penalty(0.1, &w), 0.1 * 7.0);
        assert_eq!(Regularizer::None.penalty(0.1, &w), 0.0);
        let mut g = [1.0; 3];
        Regularizer::L1.add_gradient(0.5, &w, &mut g);
        assert_eq!(g, [1.5, 0.5, 1.0]);
        let mut g = [0.0; 3];
        Regularizer::L2.add_gradient(0.5, &w, &mut g);
        assert_eq!(g, [1.5, -2.0, 0.0]);
    }
}
