//! [`Net`]: an f32 copy of an MLP's parameters trained with preallocated workspaces — batched forward, loss
//! and backward with the packed kernels of `kernels.rs`, no allocation per step once the batch size is known.

use super::elementwise::{self, Objective};
use super::kernels::{transpose, Gemm, Start, View};
use super::noise::Noise;
use super::optim::Optimizer32;
use super::simd::F32x4;
use super::sparse::{gemm_sparse, sampled_wt_d, Csc};
use crate::dropout::{DropoutConfig, Masks};
use crate::loss::Regularizer;
use crate::mlp::{Activation, Mlp};
use crate::rng::Rng;

/// A layer input (or gate) with fewer non-zeros than this fraction goes through the sparse products.
const SPARSE_BELOW: f64 = 0.5;
/// ... provided the layer has at least this many weights: below it the dense small-product kernel is faster
/// than building the non-zero lists (measured on a 16-16 ReLU network with dropout).
const SPARSE_MIN_WEIGHTS: usize = 4096;
/// A large hidden layer whose outputs dropout keeps at fewer than this fraction computes only the kept ones
/// (the dropped outputs are exactly zero whatever the product gives).
const SAMPLED_BELOW: f64 = 0.75;

/// One affine layer: W (`fan_out × fan_in`, column-major) at `params[offset..]`, then b (`fan_out`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shape {
    fan_in: usize,
    fan_out: usize,
    activation: Activation,
    offset: usize,
}

impl Shape {
    fn weights(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.fan_in * self.fan_out
    }

    fn end(&self) -> usize {
        self.offset + (self.fan_in + 1) * self.fan_out
    }
}

/// The training loss on one batch, as [`crate::loss::LossGrad`] without the gradient (which stays in the net).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loss {
    /// Data loss (the objective's mean).
    pub data_loss: f64,
    /// Weight penalty R(W).
    pub penalty: f64,
}

impl Loss {
    /// data_loss + penalty.
    pub fn total(&self) -> f64 {
        self.data_loss + self.penalty
    }
}

/// An f32 MLP with its gradient and workspaces. Parameters and gradient are flat in the [`Mlp::params`]
/// order (W₁ column-major, b₁, W₂, b₂, …), so they convert one-to-one to the f64 reference model.
///
/// Activations are stored one sample per column (`width × batch`, column-major) as in the f64 model. The
/// buffers are sized for the current batch and reused; a different batch size only resizes them.
#[derive(Debug, Clone)]
pub struct Net {
    layers: Vec<Shape>,
    /// `[input, hidden..., output]`.
    widths: Vec<usize>,
    objective: Objective,
    params: Vec<f32>,
    grad: Vec<f32>,
    /// acts[0] is the (noisy) input; acts[l + 1] the (noisy) output of layer l, and z_L then ∂loss/∂z_L for the
    /// last one. The backward pass overwrites acts[l] by ∂loss/∂z_{l−1} once layer l's gradient is done.
    acts: Vec<Vec<f32>>,
    /// For hidden layer l: σ'(z_l) ⊙ (noise factors of the next layer input).
    gates: Vec<Vec<f32>>,
    noise: Noise,
    gemm: Gemm,
    /// The non-zeros of each layer input u_l by column (forward) and by row (weight gradient), valid when
    /// `sparse_input[l]` says u_l was sparse in this batch.
    input_columns: Vec<Csc>,
    input_rows: Vec<Csc>,
    sparse_input: Vec<bool>,
    /// Whether layer l computed only the outputs its dropout keeps (see `SAMPLED_BELOW`) in this batch.
    sampled_output: Vec<bool>,
    /// Scratch: the non-zero pattern of a gate, and the rows of a sparse δ.
    pattern: Csc,
    delta_rows: Csc,
    /// Scratch: the transpose of a weight matrix (its rows contiguous) for the sampled forward product.
    transposed: Vec<f32>,
}

impl Net {
    /// An f32 copy of `mlp` (its layer shapes, activations and parameters) trained against `objective`.
    pub fn from_mlp(mlp: &Mlp, objective: Objective) -> Net {
        let mut offset = 0;
        let layers: Vec<Shape> = mlp
            .layers
            .iter()
            .map(|layer| {
                let shape = Shape {
                    fan_in: layer.w.ncols(),
                    fan_out: layer.w.nrows(),
                    activation: layer.activation,
                    offset,
                };
                offset = shape.end();
                shape
            })
            .collect();
        let n = layers.len();
        let mut net = Net {
            widths: mlp.widths(),
            layers,
            objective,
            params: vec![0.0; offset],
            grad: vec![0.0; offset],
            acts: vec![Vec::new(); n + 1],
            gates: vec![Vec::new(); n.saturating_sub(1)],
            noise: Noise::clean(n),
            gemm: Gemm::new(),
            input_columns: vec![Csc::default(); n],
            input_rows: vec![Csc::default(); n],
            sparse_input: vec![false; n],
            sampled_output: vec![false; n],
            pattern: Csc::default(),
            delta_rows: Csc::default(),
            transposed: Vec::new(),
        };
        net.copy_params_from(mlp);
        net
    }

    /// Overwrites the parameters with `mlp`'s (same shapes), rounded to f32.
    pub fn copy_params_from(&mut self, mlp: &Mlp) {
        let values = mlp.layers.iter().flat_map(|l| l.w.iter().chain(l.b.iter()));
        for (dst, &src) in self.params.iter_mut().zip(values) {
            *dst = src as f32;
        }
    }

    /// Writes the parameters into `mlp` (same shapes) as f64, for analysis, prediction and export.
    pub fn write_params_to(&self, mlp: &mut Mlp) {
        let slots = mlp
            .layers
            .iter_mut()
            .flat_map(|l| l.w.iter_mut().chain(l.b.iter_mut()));
        for (dst, &src) in slots.zip(&self.params) {
            *dst = f64::from(src);
        }
    }

    /// Flat parameters in the [`Mlp::params`] order.
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// Gradient of the last [`Net::loss_and_grad`], same order.
    pub fn grad(&self) -> &[f32] {
        &self.grad
    }

    /// Layer widths `[input, hidden..., output]`.
    pub fn widths(&self) -> &[usize] {
        &self.widths
    }

    /// Deterministic test-time outputs (after the output non-linearity) for the batch `x` (`input × batch`),
    /// `output × batch` column-major — the f32 counterpart of [`Mlp::predict`]: each layer input is scaled by
    /// [`crate::dropout::LayerNoise::test_factor`] (p for weight-scaling Bernoulli dropout, else 1). Uses its own
    /// buffers (it takes `&self`), so it allocates: meant for evaluation, not for every step.
    pub fn predict(&self, x: &[f32], dropout: &DropoutConfig) -> Vec<f32> {
        let batch = x.len() / self.layers[0].fan_in.max(1);
        let mut gemm = Gemm::new();
        let mut input = x.to_vec();
        for (l, shape) in self.layers.iter().enumerate() {
            let scale = dropout
                .layers
                .get(l)
                .map_or(1.0, |noise| noise.test_factor(dropout.scaling))
                as f32;
            if scale != 1.0 {
                input.iter_mut().for_each(|v| *v *= scale);
            }
            let (w, b) =
                self.params[shape.offset..shape.end()].split_at(shape.fan_in * shape.fan_out);
            let mut z = vec![0.0; shape.fan_out * batch];
            let w = View::col_major(w, shape.fan_out, shape.fan_in);
            gemm.run(
                &mut z,
                w,
                View::col_major(&input, shape.fan_in, batch),
                Start::Bias(b),
            );
            if l + 1 < self.layers.len() {
                elementwise::apply(shape.activation, &mut z);
            } else {
                elementwise::activate_output(self.objective, &mut z, shape.fan_out);
            }
            input = z;
        }
        input
    }

    /// Whether the last [`Net::loss_and_grad`] skipped zeros of some layer input (for tests and benchmarks).
    pub fn used_sparse_products(&self) -> bool {
        self.sparse_input.iter().any(|&s| s)
    }

    /// Whether the last [`Net::loss_and_grad`] computed only the kept outputs of some layer followed by dropout
    /// (for tests and benchmarks).
    pub fn used_sampled_products(&self) -> bool {
        self.sampled_output.iter().any(|&s| s)
    }

    /// Draws this batch's dropout noise from `rng` (the same draws as [`crate::dropout::sample_masks`]).
    pub fn draw_noise(&mut self, dropout: &DropoutConfig, batch: usize, rng: &mut Rng) {
        self.noise.draw(dropout, &self.widths, batch, rng);
    }

    /// Uses the given raw f64 masks (Z per layer input) for the next passes; `None` entries are clean.
    pub fn set_masks(&mut self, dropout: &DropoutConfig, masks: &Masks) {
        self.noise.set(dropout, masks);
    }

    /// Removes all noise (clean passes).
    pub fn clear_noise(&mut self) {
        self.noise.clear();
    }

    /// Training loss on the batch `x` (`input × batch`, column-major) with targets `y` (`output × batch`) under
    /// the current noise, and its gradient (kept in the net, see [`Net::grad`]) — the f32 counterpart of
    /// [`Mlp::loss_and_grad`]: same objective, penalty λ/2 Σw² or λ Σ|w| over weights only, same order.
    pub fn loss_and_grad(&mut self, x: &[f32], y: &[f32], reg: Regularizer, lambda: f32) -> Loss {
        let batch = x.len() / self.layers[0].fan_in.max(1);
        self.forward(x, batch);
        let last = self.layers.len();
        let out = self.layers[last - 1].fan_out;
        let data_loss = elementwise::loss_and_delta(self.objective, &mut self.acts[last], y, out);
        let penalty = self.backward(batch, reg, lambda);
        Loss { data_loss, penalty }
    }

    /// One optimizer step from the current gradient: the parameters become θ + Δθ if every one of them is
    /// finite (returns true); otherwise they stay as they were and this returns false. The proposal is built in
    /// the gradient buffer and adopted by swapping the two, so the step reads each array once; the gradient
    /// is not available afterwards.
    pub fn apply(&mut self, optimizer: &mut Optimizer32) -> bool {
        let finite = optimizer.propose(&mut self.grad, &self.params);
        if finite {
            std::mem::swap(&mut self.params, &mut self.grad);
        }
        finite
    }

    /// Whether layer input l can have many exact zeros: the output of a ReLU layer, or dropout on it. Only
    /// those inputs are scanned for the sparse products; elsewhere the scan would be wasted.
    fn may_be_sparse(&self, l: usize) -> bool {
        let relu = l > 0 && self.layers[l - 1].activation == Activation::Relu;
        self.large(l) && (relu || self.noise.may_zero(l))
    }

    /// Whether layer l is large enough for the sparse products to pay.
    fn large(&self, l: usize) -> bool {
        self.layers[l].fan_in * self.layers[l].fan_out >= SPARSE_MIN_WEIGHTS
    }

    /// The batched forward pass: leaves z_L in acts[L], noisy activations and gates for the backward pass.
    fn forward(&mut self, x: &[f32], batch: usize) {
        let n = self.layers.len();
        for (l, shape) in self.layers.iter().enumerate() {
            self.acts[l + 1].resize(shape.fan_out * batch, 0.0);
            if l + 1 < n {
                self.gates[l].resize(shape.fan_out * batch, 0.0);
            }
        }
        let input = &mut self.acts[0];
        input.clear();
        match self.noise.factors(0) {
            Some(m) => input.extend(x.iter().zip(m).map(|(v, f)| v * f)),
            None => input.extend_from_slice(x),
        }
        for l in 0..n {
            let shape = self.layers[l];
            let sparse = self.may_be_sparse(l) && {
                self.input_columns[l].set_columns(&self.acts[l], shape.fan_in);
                self.input_columns[l].density() < SPARSE_BELOW
            };
            self.sparse_input[l] = sparse;
            // Outputs that dropout zeroes need not be computed (only for a dense input: a sparse one is cheaper).
            let sampled = !sparse && l + 1 < n && self.large(l) && self.noise.may_zero(l + 1) && {
                let kept = self.noise.factors(l + 1).unwrap_or_default();
                self.pattern.set_columns(kept, shape.fan_out);
                self.pattern.density() < SAMPLED_BELOW
            };
            self.sampled_output[l] = sampled;
            let (done, rest) = self.acts.split_at_mut(l + 1);
            let (u, z) = (&done[l], &mut rest[0]);
            let (w, b) =
                self.params[shape.offset..shape.end()].split_at(shape.fan_in * shape.fan_out);
            // z = W u + b for the whole batch.
            if sparse {
                gemm_sparse(
                    z,
                    w,
                    shape.fan_out,
                    &self.input_columns[l],
                    Start::Bias(b),
                    false,
                );
                self.input_rows[l].set_rows(u, shape.fan_in);
            } else if sampled {
                // Only where the next input's noise is non-zero: z = (Wᵀ)ᵀ u + b there, 0 elsewhere.
                transpose(&mut self.transposed, w, shape.fan_out, shape.fan_in);
                let (k, kept) = (shape.fan_in, &self.pattern);
                sampled_wt_d(z, &self.transposed, u, k, kept, Some(b));
            } else {
                let w = View::col_major(w, shape.fan_out, shape.fan_in);
                self.gemm.run(
                    z,
                    w,
                    View::col_major(u, shape.fan_in, batch),
                    Start::Bias(b),
                );
            }
            if l + 1 < n {
                let gate = &mut self.gates[l];
                elementwise::activate(shape.activation, z, gate, self.noise.factors(l + 1));
            }
        }
    }

    /// Backpropagation from ∂loss/∂z_L in acts[L]: fills the gradient and returns the penalty.
    fn backward(&mut self, batch: usize, reg: Regularizer, lambda: f32) -> f64 {
        let mut penalty = 0.0;
        // Whether δ_l (in acts[l + 1]) is sparse: only where the gate below let it through.
        let mut sparse_delta = false;
        for l in (0..self.layers.len()).rev() {
            let shape = self.layers[l];
            let large = self.large(l);
            let prev_relu = l > 0 && self.layers[l - 1].activation == Activation::Relu;
            let (before, from_l1) = self.acts.split_at_mut(l + 1);
            let (u, delta) = (&mut before[l], &from_l1[0]);
            let (gw, gb) = self.grad[shape.offset..shape.end()].split_at_mut(shape.weights().len());
            // ∂L/∂W_l = δ_l u_lᵀ, skipping zeros of u_l or of δ_l (then computed transposed: u_l δ_lᵀ).
            if self.sparse_input[l] {
                gemm_sparse(
                    gw,
                    delta,
                    shape.fan_out,
                    &self.input_rows[l],
                    Start::Zero,
                    false,
                );
            } else if sparse_delta && large {
                self.delta_rows.set_rows(delta, shape.fan_out);
                gemm_sparse(gw, u, shape.fan_in, &self.delta_rows, Start::Zero, true);
            } else {
                let ut = View::col_major(u, shape.fan_in, batch).t();
                self.gemm.run(
                    gw,
                    View::col_major(delta, shape.fan_out, batch),
                    ut,
                    Start::Zero,
                );
            }
            // ∂L/∂b_l = Σ over the batch of δ_l.
            sum_columns(gb, delta);
            let w = &self.params[shape.weights()];
            if reg != Regularizer::None {
                penalty += elementwise::penalty(reg, lambda, w);
                elementwise::add_penalty_gradient(reg, lambda, w, gw);
            }
            if l > 0 {
                // ∂L/∂u_l = W_lᵀ δ_l, written over u_l (no longer needed); then δ_{l−1} = ∂L/∂u_l ⊙ gate_{l−1}.
                // Where the gate is zero (inactive ReLU, dropped unit) the product is not needed at all.
                let gate = &self.gates[l - 1];
                sparse_delta = large && (prev_relu || self.noise.may_zero(l)) && {
                    self.pattern.set_columns(gate, shape.fan_in);
                    self.pattern.density() < SPARSE_BELOW
                };
                if sparse_delta {
                    sampled_wt_d(u, w, delta, shape.fan_out, &self.pattern, None);
                } else {
                    let wt = View::col_major(w, shape.fan_out, shape.fan_in).t();
                    let delta_view = View::col_major(delta, shape.fan_out, batch);
                    self.gemm.run(u, wt, delta_view, Start::Zero);
                }
                for (d, g) in u.iter_mut().zip(gate) {
                    *d *= g;
                }
            }
        }
        penalty
    }
}

/// sums = Σ_j column j of the column-major `sums.len() × n` matrix `columns` (the bias gradient Σ_j δ_j),
/// adding the columns in order (the same sums as a scalar loop). Eight rows at a time stay in two vector
/// registers across all the columns: accumulating in memory instead chains every add through a store and a
/// reload (about 8 % of a T1 step in wasm).
fn sum_columns(sums: &mut [f32], columns: &[f32]) {
    let rows = sums.len();
    if rows == 0 {
        return;
    }
    let mut blocks = sums.chunks_exact_mut(8);
    for (b, block) in (&mut blocks).enumerate() {
        let i0 = 8 * b;
        let (mut lo, mut hi) = (F32x4::zero(), F32x4::zero());
        for column in columns.chunks_exact(rows) {
            let rows8 = &column[i0..i0 + 8];
            lo = lo + F32x4::load(rows8);
            hi = hi + F32x4::load(&rows8[4..]);
        }
        lo.store(block);
        hi.store(&mut block[4..]);
    }
    let tail = blocks.into_remainder();
    let from = rows - tail.len();
    for (i, sum) in tail.iter_mut().enumerate() {
        *sum = columns
            .iter()
            .skip(from + i)
            .step_by(rows)
            .fold(0.0, |acc, v| acc + v);
    }
}

#[cfg(test)]
mod sum_tests {
    use super::sum_columns;

    #[test]
    fn column_sums_equal_the_in_order_scalar_sums_for_ragged_heights() {
        for rows in [1, 3, 8, 11, 16, 21] {
            let n = 7;
            let columns: Vec<f32> = (0..rows * n)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
                .collect();
            let mut sums = vec![f32::NAN; rows];
            sum_columns(&mut sums, &columns);
            for (i, &sum) in sums.iter().enumerate() {
                let expected = (0..n).fold(0.0f32, |acc, j| acc + columns[j * rows + i]);
                assert_eq!(sum.to_bits(), expected.to_bits(), "rows {rows}, row {i}");
            }
        }
    }
}
