//! Multiplicative noise on layer inputs: Bernoulli dropout (keep probability p) and Gaussian N(1, σ²) noise.

use crate::keyed_enum;

keyed_enum! {
    /// The kind of multiplicative noise on one layer's input.
    pub enum NoiseKind {
        None => ("none", "None", "No noise on this layer."),
        Bernoulli => ("bernoulli", "Bernoulli dropout", "Each unit kept with probability p (Z ~ Bernoulli(p)), else zeroed."),
        Gaussian => ("gaussian", "Gaussian noise", "Each unit multiplied by Z ~ N(1, σ²) (Gaussian dropout, Srivastava et al. 2014)."),
    }
}

keyed_enum! {
    /// Where the 1/p correction of Bernoulli dropout goes.
    pub enum DropoutScaling {
        Inverted => ("inverted", "Inverted (scale by 1/p in training)", "Training multiplies kept units by 1/p; test uses the network unchanged (PyTorch, Keras)."),
        WeightScaling => ("weight-scaling", "Weight scaling at test (the notes)", "Training uses Z unscaled; test replaces Z by E[Z] = p, i.e. a = (pW)x (Hinton et al. 2012)."),
    }
}

/// Noise on one layer's *input*: index 0 of [`DropoutConfig::layers`] is the network input, index i the output of
/// hidden layer i.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerNoise {
    /// Which noise (none, Bernoulli, Gaussian).
    pub kind: NoiseKind,
    /// Keep probability p of Bernoulli dropout, in (0, 1]; p = 1 keeps every unit. Default 1.
    pub keep_prob: f64,
    /// Standard deviation σ ≥ 0 of Gaussian noise N(1, σ²). Default 0.
    pub sigma: f64,
}

impl LayerNoise {
    /// No noise on this layer.
    pub const NONE: LayerNoise = LayerNoise { kind: NoiseKind::None, keep_prob: 1.0, sigma: 0.0 };
}

/// Dropout for a whole network: one [`LayerNoise`] per layer input (input layer + each hidden layer).
#[derive(Debug, Clone, PartialEq)]
pub struct DropoutConfig {
    /// Length = number of hidden layers + 1; entry 0 is the network input.
    pub layers: Vec<LayerNoise>,
    /// Where Bernoulli dropout's 1/p correction goes (training or test time).
    pub scaling: DropoutScaling,
}

impl DropoutConfig {
    /// No noise anywhere, for a network with `hidden_layers` hidden layers.
    pub fn none(hidden_layers: usize) -> Self {
        DropoutConfig { layers: vec![LayerNoise::NONE; hidden_layers + 1], scaling: DropoutScaling::Inverted }
    }
}
