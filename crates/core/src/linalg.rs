//! Numeric aliases shared by the whole core: f64 vectors and column-major matrices from nalgebra.

/// A dense column vector of f64 (flat parameters, gradients, biases).
pub type Vector = nalgebra::DVector<f64>;
/// A dense column-major f64 matrix. Batches are stored one sample per column (features × batch).
pub type Matrix = nalgebra::DMatrix<f64>;
