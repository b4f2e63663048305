//! The batched forward pass shared by prediction and training, how each layer input is perturbed, and which
//! statistics a batch-normalization layer uses.

use std::borrow::Cow;

use super::batchnorm::NormCache;
use super::Mlp;
use crate::dropout::{DropoutConfig, Masks};
use crate::Matrix;

/// What happens to one layer's input u before W multiplies it.
#[derive(Debug, Clone, Copy)]
pub(super) enum InputNoise<'m> {
    /// u = h.
    Clean,
    /// u = s · h (test-time weight scaling, s = p).
    Scale(f64),
    /// u = c · (h ⊙ Z) with the raw mask Z and the train-time factor c (1/p for inverted Bernoulli, else 1).
    Mask(&'m Matrix, f64),
}

impl InputNoise<'_> {
    /// Multiplies a matrix shaped like the layer input in place by the same factors: the forward applies it to
    /// h, the backward to ∂L/∂u to get ∂L/∂h, since u is linear in h.
    pub(super) fn apply(self, m: &mut Matrix) {
        match self {
            InputNoise::Clean => {}
            InputNoise::Scale(s) => *m *= s,
            InputNoise::Mask(z, c) => {
                debug_assert_eq!(m.shape(), z.shape(), "dropout mask shape");
                m.component_mul_assign(z);
                if c != 1.0 {
                    *m *= c;
                }
            }
        }
    }
}

/// Test-time noise per layer: scale by `LayerNoise::test_factor` (p for weight-scaling Bernoulli), else clean.
pub(super) fn test_noise(dropout: &DropoutConfig, n_layers: usize) -> Vec<InputNoise<'static>> {
    (0..n_layers)
        .map(|l| {
            match dropout
                .layers
                .get(l)
                .map(|noise| noise.test_factor(dropout.scaling))
            {
                Some(s) if s != 1.0 => InputNoise::Scale(s),
                _ => InputNoise::Clean,
            }
        })
        .collect()
}

/// Train-time noise per layer: the given mask times `LayerNoise::train_factor`; `None` or missing masks are clean.
pub(super) fn train_noise<'m>(
    dropout: &DropoutConfig,
    masks: &'m Masks,
    n_layers: usize,
) -> Vec<InputNoise<'m>> {
    (0..n_layers)
        .map(|l| match masks.get(l) {
            Some(Some(z)) => {
                let c = dropout
                    .layers
                    .get(l)
                    .map_or(1.0, |noise| noise.train_factor(dropout.scaling));
                InputNoise::Mask(z, c)
            }
            _ => InputNoise::Clean,
        })
        .collect()
}

/// Which statistics batch-normalization layers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NormMode {
    /// The current batch's mean and variance (training).
    Batch,
    /// The running averages (test time, predictions).
    Running,
}

/// What the backward pass needs from the forward pass.
#[derive(Debug, Default)]
pub(super) struct Trace<'x> {
    /// u_l, the (noisy) input that W_l multiplied, for every layer; the network input is borrowed when clean.
    pub inputs: Vec<Cow<'x, Matrix>>,
    /// σ'(y_l) of every hidden layer (not the output layer), out_l × batch; y_l = z_l without a norm layer.
    pub derivs: Vec<Matrix>,
    /// The batch-normalization cache of every hidden layer (`None` without a norm layer or in running mode).
    pub norms: Vec<Option<NormCache>>,
}

impl Mlp {
    /// Runs the layers on x (input × batch) with per-layer input noise and returns the output layer's
    /// pre-activation z_L (out × batch; the head is not applied). Hidden layers with a [`super::BatchNorm`]
    /// normalize z_l before the activation with the statistics `mode` picks. With `trace` it also records what
    /// backpropagation needs. Allocates two matrices per layer when tracing, one otherwise.
    pub(super) fn forward<'x>(
        &self,
        x: &'x Matrix,
        noise: &[InputNoise<'_>],
        mode: NormMode,
        mut trace: Option<&mut Trace<'x>>,
    ) -> Matrix {
        let n_layers = self.layers.len();
        let mut input: Cow<'x, Matrix> = Cow::Borrowed(x);
        for (l, layer) in self.layers.iter().enumerate() {
            match noise.get(l) {
                Some(&InputNoise::Clean) | None => {}
                Some(&n) => n.apply(input.to_mut()),
            }
            debug_assert_eq!(layer.w.ncols(), input.nrows(), "layer {l} input width");
            // z = W u + b for the whole batch: broadcast b, then one gemm.
            let mut z = Matrix::from_fn(layer.b.len(), input.ncols(), |i, _| layer.b[i]);
            z.gemm(1.0, &layer.w, &*input, 1.0);
            if l + 1 < n_layers {
                let cache = match (&layer.norm, mode) {
                    (Some(norm), NormMode::Batch) => Some(norm.forward_train(&mut z)),
                    (Some(norm), NormMode::Running) => {
                        norm.forward_running(&mut z);
                        None
                    }
                    (None, _) => None,
                };
                layer.activation.apply(&mut z);
                if let Some(t) = trace.as_deref_mut() {
                    t.norms.push(cache);
                    let act = layer.activation;
                    t.derivs.push(z.map(|a| act.derivative_from_output(a)));
                }
            }
            let used = std::mem::replace(&mut input, Cow::Owned(z));
            if let Some(t) = trace.as_deref_mut() {
                t.inputs.push(used);
            }
        }
        input.into_owned()
    }
}
