//! The multilayer perceptron as plain data: layers of (W, b), batched forward with a cache, backward to one flat gradient.

use crate::keyed_enum;

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
