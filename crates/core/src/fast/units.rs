//! Every layer's test-time output in f32, for drawing (the network diagram's unit thumbnails, one forward pass
//! of a few thousand grid points per animation frame): the f64 model's parameters rounded to f32 and pushed
//! through the fast matrix product and the rational tanh / sigmoid of [`super::tanh`].
//!
//! It mirrors [`Mlp::layer_outputs`] (each layer input scaled by its dropout test factor, hidden layers after
//! their activation, the output after the head) and handles batch normalization by folding the running
//! averages into the affine map before it: with a = γ / √(v + ε), BN(W u + b) = (a ⊙ W) u + a ⊙ (b − μ) + β.
//! The values agree with the f64 reference to ~1e-5 (f32 rounding of parameters and sums, the rational tanh's
//! 4e-7): far below what a thumbnail shows, and several times cheaper than f64 with `f64::tanh` in wasm.

use super::elementwise::{self, Objective};
use super::kernels::{Gemm, Start, View};
use crate::dropout::DropoutConfig;
use crate::mlp::{Layer, Mlp};

/// One layer's parameters in f32 with normalization folded in: W (`out × in`, column-major) and b.
fn folded(layer: &Layer) -> (Vec<f32>, Vec<f32>) {
    let (rows, cols) = layer.w.shape();
    let scale: Vec<f64> = match &layer.norm {
        Some(n) => (0..rows)
            .map(|i| n.gamma[i] / (n.running_var[i] + n.eps).sqrt())
            .collect(),
        None => vec![1.0; rows],
    };
    // nalgebra stores column-major, as the kernels read W.
    let w: Vec<f32> = (0..cols)
        .flat_map(|j| (0..rows).map(move |i| (i, j)))
        .map(|(i, j)| (scale[i] * layer.w[(i, j)]) as f32)
        .collect();
    let b: Vec<f32> = (0..rows)
        .map(|i| match &layer.norm {
            Some(n) => (scale[i] * (layer.b[i] - n.running_mean[i]) + n.beta[i]) as f32,
            None => layer.b[i] as f32,
        })
        .collect();
    (w, b)
}

/// The output of every layer of `mlp` for the batch `x` (`input × batch`, column-major, one sample per column)
/// under the test-time rule, in f32: one `out_l × batch` column-major buffer per layer — hidden layers after
/// their activation, then the output layer after the head's activation. The f32 counterpart of
/// [`Mlp::layer_outputs`] (see the module doc for the agreement); empty for an empty network.
pub fn layer_outputs(mlp: &Mlp, x: &[f32], dropout: &DropoutConfig) -> Vec<Vec<f32>> {
    let mut outputs = Vec::with_capacity(mlp.layers.len());
    forward(mlp, x, dropout, |z| outputs.push(z));
    outputs
}

/// The network's test-time output for the batch `x` (`input × batch`, column-major), `output × batch`
/// column-major after the head: the last of [`layer_outputs`] without keeping the others (the data plot's
/// decision grid). Empty for an empty network.
pub fn predict(mlp: &Mlp, x: &[f32], dropout: &DropoutConfig) -> Vec<f32> {
    let mut last = Vec::new();
    forward(mlp, x, dropout, |z| last = z);
    last
}

/// The forward pass, handing each layer's output to `emit` in order (the next layer reads its own copy, which
/// the dropout test factor may scale).
fn forward(mlp: &Mlp, x: &[f32], dropout: &DropoutConfig, mut emit: impl FnMut(Vec<f32>)) {
    let Some(first) = mlp.layers.first() else {
        return;
    };
    let batch = x.len() / first.w.ncols().max(1);
    let n_layers = mlp.layers.len();
    let mut gemm = Gemm::new();
    let mut input: Vec<f32> = x.to_vec();
    for (l, layer) in mlp.layers.iter().enumerate() {
        let factor = dropout
            .layers
            .get(l)
            .map_or(1.0, |noise| noise.test_factor(dropout.scaling)) as f32;
        if factor != 1.0 {
            input.iter_mut().for_each(|v| *v *= factor);
        }
        let (fan_out, fan_in) = layer.w.shape();
        let (w, b) = folded(layer);
        let mut z = vec![0.0f32; fan_out * batch];
        gemm.run(
            &mut z,
            View::col_major(&w, fan_out, fan_in),
            View::col_major(&input, fan_in, batch),
            Start::Bias(&b),
        );
        if l + 1 < n_layers {
            elementwise::apply(layer.activation, &mut z);
            input.clone_from(&z);
        } else {
            elementwise::activate_output(Objective::Head(mlp.head), &mut z, fan_out);
        }
        emit(z);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropout::{DropoutScaling, LayerNoise};
    use crate::loss::Head;
    use crate::mlp::{Activation, Init, MlpSpec};
    use crate::rng::seeded;
    use crate::Matrix;
    use rand::RngExt;

    fn mlp(activations: &[Activation], head: Head, outputs: usize, bn: bool) -> Mlp {
        let spec = MlpSpec {
            input_dim: 3,
            hidden: vec![7; activations.len()],
            activations: activations.to_vec(),
            output_dim: outputs,
            head,
            init: Init::Glorot,
        };
        let mut rng = seeded(4, 0);
        let mut m = Mlp::new(&spec, &mut rng);
        if bn {
            m = m.with_batch_norm();
            for layer in m.layers.iter_mut() {
                if let Some(n) = layer.norm.as_mut() {
                    for i in 0..n.gamma.len() {
                        n.gamma[i] = rng.random_range(0.5..2.0);
                        n.beta[i] = rng.random_range(-0.5..0.5);
                        n.running_mean[i] = rng.random_range(-0.3..0.3);
                        n.running_var[i] = rng.random_range(0.2..3.0);
                    }
                }
            }
        }
        m
    }

    /// Largest |f32 − f64| over every layer and sample.
    fn max_diff(m: &Mlp, dropout: &DropoutConfig) -> f64 {
        let mut rng = seeded(9, 1);
        let x = Matrix::from_fn(3, 37, |_, _| rng.random_range(-6.0..6.0));
        let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let fast = layer_outputs(m, &xf, dropout);
        let reference = m.layer_outputs(&x, dropout);
        assert_eq!(fast.len(), reference.len());
        fast.iter()
            .zip(&reference)
            .flat_map(|(f, r)| {
                assert_eq!(f.len(), r.len());
                f.iter()
                    .zip(r.iter())
                    .map(|(&a, &b)| (f64::from(a) - b).abs())
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn every_layer_matches_the_f64_reference() {
        use Activation::*;
        let none = DropoutConfig::none(3);
        for (acts, head, k) in [
            (vec![Tanh, Relu, Sigmoid], Head::SigmoidBce, 1),
            (vec![LeakyRelu, Linear, Tanh], Head::SoftmaxCe, 3),
            (vec![Tanh, Tanh, Tanh], Head::TanhMse, 1),
            (vec![Relu, Relu, Relu], Head::LinearMse, 1),
        ] {
            let d = max_diff(&mlp(&acts, head, k, false), &none);
            assert!(d < 1e-5, "{acts:?} {head}: {d}");
            let d = max_diff(&mlp(&acts, head, k, true), &none);
            assert!(d < 1e-5, "{acts:?} {head} with batch norm: {d}");
        }
        // Weight-scaling dropout multiplies each layer input by its keep probability at test time.
        let mut dropout = DropoutConfig::none(3);
        dropout.scaling = DropoutScaling::WeightScaling;
        dropout.layers[0] = LayerNoise::bernoulli(0.8);
        dropout.layers[2] = LayerNoise::bernoulli(0.5);
        let m = mlp(&[Tanh, Relu, Tanh], Head::SigmoidBce, 1, false);
        assert!(max_diff(&m, &dropout) < 1e-5);
        let x = [0.5f32, -1.0, 2.0, 3.0, 0.0, -4.0];
        let all = layer_outputs(&m, &x, &dropout);
        assert_eq!(all.last(), Some(&predict(&m, &x, &dropout)));
        assert!(layer_outputs(
            &Mlp {
                layers: vec![],
                head: Head::SigmoidBce
            },
            &[1.0],
            &dropout
        )
        .is_empty());
    }
}
