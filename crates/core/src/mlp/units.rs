//! Every layer's output under the test-time rule, for the network diagram's per-unit thumbnails.

use super::forward::test_noise;
use super::Mlp;
use crate::dropout::DropoutConfig;
use crate::Matrix;

impl Mlp {
    /// The output of every layer for the batch `x` (input × batch) under the test-time rule of
    /// [`Mlp::predict`] (each layer input scaled by its test factor, normalization with running averages):
    /// hidden layers after their activation (before the next layer's input scaling), then the output layer
    /// after the head's activation, which is exactly [`Mlp::predict`]. One `out_l × batch` matrix per layer.
    pub fn layer_outputs(&self, x: &Matrix, dropout: &DropoutConfig) -> Vec<Matrix> {
        let noise = test_noise(dropout, self.layers.len());
        let n_layers = self.layers.len();
        let mut outputs: Vec<Matrix> = Vec::with_capacity(n_layers);
        for (l, layer) in self.layers.iter().enumerate() {
            let mut input = outputs.last().unwrap_or(x).clone();
            noise[l].apply(&mut input);
            let mut z = Matrix::from_fn(layer.b.len(), input.ncols(), |i, _| layer.b[i]);
            z.gemm(1.0, &layer.w, &input, 1.0);
            if l + 1 < n_layers {
                if let Some(norm) = &layer.norm {
                    norm.forward_running(&mut z);
                }
                layer.activation.apply(&mut z);
            } else {
                self.head.activate(&mut z);
            }
            outputs.push(z);
        }
        outputs
    }
}
