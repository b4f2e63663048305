//! The multilayer perceptron as plain data: layers of (W, b), batched forward with a cache, backward to one flat gradient.
//!
//! Submodules: `activation` (σ(z) and σ'(z) per unit), `init` (He / Glorot / Playground weights), `forward`
//! (batched forward pass with optional trace and the per-layer input noise), `train` (loss and flat gradient),
//! `units` (every layer's test-time output, for the diagram), `batchnorm` (the optional normalization layer),
//! `params` (the flat parameter vector), `rescale` (function-preserving rescalings of hidden units) and
//! `reparam` (what a rescaling does to the function and the gradient).

mod activation;
mod batchnorm;
mod forward;
mod init;
mod params;
mod reparam;
mod rescale;
mod train;
mod units;

use crate::dropout::{DropoutConfig, Masks};
use crate::keyed_enum;
use crate::loss::Head;
use crate::rng::Rng;
use crate::{Matrix, Vector};

pub use crate::loss::LossGrad;
pub(crate) use activation::sigmoid;
pub use activation::LEAKY_SLOPE;
pub use batchnorm::{BatchNorm, Moments, Norm, BN_EPS, BN_MOMENTUM};
pub use reparam::{rescale_report, LayerGradNorms, RescaleReport};
pub use rescale::{Rescale, MAX_RESCALE, MAX_RESCALE_SPREAD, MIN_RESCALE};

keyed_enum! {
    /// Hidden-layer activation functions.
    pub enum Activation {
        Relu => ("relu", "ReLU", "max(0, z)"),
        LeakyRelu => ("leaky-relu", "Leaky ReLU", "max(0.01 z, z)"),
        Tanh => ("tanh", "tanh", "tanh(z)"),
        Sigmoid => ("sigmoid", "Sigmoid", "1 / (1 + e^(-z))"),
        Linear => ("linear", "Linear", "z (no non-linearity)"),
    }
}

keyed_enum! {
    /// Weight initialisation schemes.
    pub enum Init {
        He => ("he", "He", "W ~ N(0, 2 / fan_in), biases 0 (He et al. 2015); suits ReLU."),
        Glorot => ("glorot", "Glorot", "W ~ U(±√(6 / (fan_in + fan_out))), biases 0 (Glorot & Bengio 2010); suits tanh/sigmoid."),
        Uniform => ("uniform", "Playground uniform", "W ~ U(-0.5, 0.5), biases 0.1, as TensorFlow Playground initialises."),
    }
}

/// The shape of a network: what [`Mlp::new`] builds. Validated by `config.rs` (widths ≥ 1, the head suits the
/// output dimension); the model itself assumes valid input.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpSpec {
    /// Number of input features (2 for the 2D datasets, 1 for the curves).
    pub input_dim: usize,
    /// Width of each hidden layer, input side first; empty = a single affine layer (logistic/softmax regression).
    pub hidden: Vec<usize>,
    /// Activation of each hidden layer. A shorter list is padded with its last entry (tanh if empty).
    pub activations: Vec<Activation>,
    /// Number of outputs: 1 for `sigmoid-bce` / `tanh-mse`, K classes for `softmax-ce`, any for `linear-mse`.
    pub output_dim: usize,
    /// Output activation fused with its loss.
    pub head: Head,
    /// Weight initialisation.
    pub init: Init,
}

/// One affine layer followed by an activation: h = σ(W u + b), where u is the (possibly noisy) layer input;
/// with a normalization layer h = σ(BN(W u + b)).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Weights, out × in (row i holds the incoming weights of unit i).
    pub w: Matrix,
    /// Biases, length out.
    pub b: Vector,
    /// Activation σ of this layer. The output layer uses [`Activation::Linear`]; its [`Head`] applies the output
    /// non-linearity and the loss.
    pub activation: Activation,
    /// Batch normalization between the linear map and the activation (hidden layers only; `None` = none).
    pub norm: Option<BatchNorm>,
}

/// A multilayer perceptron: hidden layers, then an output layer read through a [`Head`].
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    /// Layers from the input side; the last one is the output layer.
    pub layers: Vec<Layer>,
    /// Output activation and loss.
    pub head: Head,
}

impl Mlp {
    /// A freshly initialised network for `spec`, drawing weights from `rng` layer by layer (column-major within
    /// each W) with `spec.init` ([`Init::weights_and_bias`]).
    pub fn new(spec: &MlpSpec, rng: &mut Rng) -> Mlp {
        let mut widths = Vec::with_capacity(spec.hidden.len() + 2);
        widths.push(spec.input_dim);
        widths.extend_from_slice(&spec.hidden);
        widths.push(spec.output_dim);
        let n_hidden = spec.hidden.len();
        let layers = widths
            .windows(2)
            .enumerate()
            .map(|(l, pair)| {
                let (w, b) = spec.init.weights_and_bias(pair[0], pair[1], rng);
                let activation = if l < n_hidden {
                    spec.activations
                        .get(l)
                        .or(spec.activations.last())
                        .copied()
                        .unwrap_or(Activation::Tanh)
                } else {
                    Activation::Linear
                };
                Layer {
                    w,
                    b,
                    activation,
                    norm: None,
                }
            })
            .collect();
        Mlp {
            layers,
            head: spec.head,
        }
    }

    /// The same network with a fresh [`BatchNorm`] (γ = 1, β = 0, running mean 0, variance 1) after every
    /// hidden layer's linear map; the output layer is never normalized. Draws nothing, so a network and its
    /// normalized version share W and b.
    pub fn with_batch_norm(mut self) -> Mlp {
        let n_hidden = self.layers.len().saturating_sub(1);
        for layer in &mut self.layers[..n_hidden] {
            layer.norm = Some(BatchNorm::new(layer.b.len()));
        }
        self
    }

    /// Whether any layer has batch normalization.
    pub fn has_batch_norm(&self) -> bool {
        self.layers.iter().any(|l| l.norm.is_some())
    }

    /// Layer widths `[input, hidden..., output]` (what [`crate::dropout::sample_masks`] expects; it ignores the
    /// output width).
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = Vec::with_capacity(self.layers.len() + 1);
        if let Some(first) = self.layers.first() {
            widths.push(first.w.ncols());
        }
        widths.extend(self.layers.iter().map(|l| l.w.nrows()));
        widths
    }

    /// Deterministic test-time output after the head's activation (probabilities for `sigmoid-bce`, class
    /// probabilities for `softmax-ce`, values for the MSE heads), out × batch. Normalization layers use their
    /// running averages.
    ///
    /// Each layer input is multiplied by [`crate::dropout::LayerNoise::test_factor`]: p for Bernoulli dropout with
    /// [`crate::dropout::DropoutScaling::WeightScaling`] (a = W(x ⊙ E[Z]) = (pW)x, Hinton et al. 2012, for every
    /// p, not only 0.5), and 1 otherwise (inverted dropout already scaled by 1/p in training; Gaussian noise has
    /// E[Z] = 1). For a network that is linear in each noisy input this is the exact ensemble mean E_Z[f(x, Z)].
    pub fn predict(&self, x: &Matrix, dropout: &DropoutConfig) -> Matrix {
        let noise = forward::test_noise(dropout, self.layers.len());
        let mut out = self.forward(x, &noise, forward::NormMode::Running, None);
        self.head.activate(&mut out);
        out
    }

    /// The training-mode output after the head's activation, out × batch: no noise, and normalization layers
    /// use the batch's own mean and variance (what [`Mlp::loss_and_grad`] sees without dropout). Equals
    /// [`Mlp::predict`] for a network without normalization layers and without weight-scaling dropout.
    pub fn predict_training_mode(&self, x: &Matrix) -> Matrix {
        let noise = vec![forward::InputNoise::Clean; self.layers.len()];
        let mut out = self.forward(x, &noise, forward::NormMode::Batch, None);
        self.head.activate(&mut out);
        out
    }

    /// One stochastic forward pass with the given masks, as in training (Z times 1/p for inverted Bernoulli
    /// dropout), after the head's activation, out × batch. Averaging many such passes is the Monte-Carlo
    /// ensemble E_Z[f(x, Z)] of the notes; a layer whose mask is `None` (or missing) is left unchanged.
    /// Normalization layers use their running averages (a prediction, not a training step).
    pub fn predict_with_masks(&self, x: &Matrix, dropout: &DropoutConfig, masks: &Masks) -> Matrix {
        let noise = forward::train_noise(dropout, masks, self.layers.len());
        let mut out = self.forward(x, &noise, forward::NormMode::Running, None);
        self.head.activate(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;

    fn spec() -> MlpSpec {
        MlpSpec {
            input_dim: 2,
            hidden: vec![3, 4],
            activations: vec![Activation::Relu],
            output_dim: 2,
            head: Head::SoftmaxCe,
            init: Init::Glorot,
        }
    }

    #[test]
    fn shapes_widths_and_padded_activations() {
        let mlp = Mlp::new(&spec(), &mut seeded(1, 0));
        assert_eq!(mlp.widths(), vec![2, 3, 4, 2]);
        assert_eq!(mlp.param_count(), 3 * 2 + 3 + 4 * 3 + 4 + 2 * 4 + 2);
        let acts: Vec<_> = mlp.layers.iter().map(|l| l.activation).collect();
        assert_eq!(
            acts,
            vec![Activation::Relu, Activation::Relu, Activation::Linear]
        );
        assert_eq!((mlp.layers[1].w.nrows(), mlp.layers[1].w.ncols()), (4, 3));
    }

    #[test]
    fn params_layout_is_w_column_major_then_b() {
        let mlp = Mlp::new(&spec(), &mut seeded(1, 0));
        let p = mlp.params();
        let w1 = &mlp.layers[0].w;
        assert_eq!(p[0], w1[(0, 0)]);
        assert_eq!(p[1], w1[(1, 0)]);
        assert_eq!(p[3], w1[(0, 1)]);
        assert_eq!(p[6], mlp.layers[0].b[0]);
        assert_eq!(p[9], mlp.layers[1].w[(0, 0)]);
        assert_eq!(p[p.len() - 1], mlp.layers[2].b[1]);
    }

    #[test]
    fn params_round_trip_exactly() {
        let source = Mlp::new(&spec(), &mut seeded(1, 0));
        let mut target = Mlp::new(&spec(), &mut seeded(2, 0));
        assert_ne!(source.params(), target.params());
        target.set_params(&source.params());
        assert_eq!(target, source);
        let bumped = source.params().map(|v| v + 0.25);
        target.set_params(&bumped);
        assert_eq!(target.params(), bumped);
    }
}
