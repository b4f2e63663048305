//! Benchmark workloads shared by the native and the browser benches, defined in `shared/bench/WORKLOADS.md`:
//! the exact data generator (mulberry32), the networks, and a timing protocol that takes its clock as an argument.

use crate::dropout::{DropoutConfig, DropoutScaling, LayerNoise};
use crate::fast::{Net, Objective, Optimizer32};
use crate::loss::{Head, Regularizer};
use crate::mlp::{Activation, Init, Mlp, MlpSpec};
use crate::optim::{Hyper, OptimizerKind};
use crate::rng::{seeded, Rng};
use crate::Matrix;

/// mulberry32, the 32-bit generator the peers' data is drawn with (WORKLOADS.md, "Data").
pub struct Mulberry32(u32);

impl Mulberry32 {
    /// A generator with the given state.
    pub fn new(seed: u32) -> Self {
        Mulberry32(seed)
    }

    /// The next uint32.
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x6D2B_79F5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        t ^ (t >> 14)
    }

    /// Uniform in [0, 1) with 24 bits: `(r() >>> 8) / 16777216`.
    pub fn uniform(&mut self) -> f64 {
        f64::from(self.next_u32() >> 8) / 16_777_216.0
    }
}

/// The benchmarks' 500-point two-spiral (seed 42): inputs 2 × 500 and labels ±1, shuffled as WORKLOADS.md says.
pub fn bench_spiral() -> (Matrix, Vec<f64>) {
    let mut r = Mulberry32::new(42);
    let mut points = Vec::with_capacity(500);
    for c in 0..2 {
        for i in 0..250 {
            let rad = 5.0 * i as f64 / 250.0;
            let t =
                1.75 * std::f64::consts::TAU * i as f64 / 250.0 + c as f64 * std::f64::consts::PI;
            let x = rad * t.sin() + (r.uniform() - 0.5) * 0.2;
            let y = rad * t.cos() + (r.uniform() - 0.5) * 0.2;
            points.push((x, y, if c == 0 { 1.0 } else { -1.0 }));
        }
    }
    for i in (1..points.len()).rev() {
        let j = r.next_u32() as usize % (i + 1);
        points.swap(i, j);
    }
    let x = Matrix::from_fn(2, points.len(), |row, col| {
        if row == 0 {
            points[col].0
        } else {
            points[col].1
        }
    });
    (x, points.iter().map(|p| p.2).collect())
}

/// T1 / T1b: MLP 2-8-8-1, tanh hidden and output, ½·mean (o − y)², y ∈ {±1}, plain SGD lr 0.03, minibatches
/// taken as fixed in-order slices of the spiral, wrapping around. Trains through the f32 fast path
/// ([`crate::fast::Net`]) from Glorot weights drawn by the f64 reference model (fixed seed).
pub struct SpiralSgd {
    net: Net,
    optimizer: Optimizer32,
    /// Inputs of every minibatch, one after another (2 × batch each, column-major).
    xs: Vec<f32>,
    /// Targets of every minibatch (1 × batch each; 0/1, which the tanh-mse head maps to ∓1).
    ys: Vec<f32>,
    next: usize,
    /// Minibatch size (10 for T1, 100 for T1b).
    pub batch: usize,
}

impl SpiralSgd {
    /// The workload with this minibatch size (1 ..= 500). Weights are Glorot-initialised from a fixed seed.
    pub fn new(batch: usize) -> Self {
        let batch = batch.clamp(1, 500);
        let (x, labels) = bench_spiral();
        let n = labels.len();
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for k in 0..n.div_ceil(batch) {
            for c in (0..batch).map(|i| (k * batch + i) % n) {
                xs.extend(x.column(c).iter().map(|&v| v as f32));
                // The tanh-mse head takes 0/1 targets and trains against t = 2y − 1, i.e. the ±1 labels.
                ys.push(if labels[c] > 0.0 { 1.0 } else { 0.0 });
            }
        }
        let spec = MlpSpec {
            input_dim: 2,
            hidden: vec![8, 8],
            activations: vec![Activation::Tanh; 2],
            output_dim: 1,
            head: Head::TanhMse,
            init: Init::Glorot,
        };
        let mlp = Mlp::new(&spec, &mut seeded(42, 0));
        let hyper = Hyper::from([("lr".to_string(), 0.03)]);
        SpiralSgd {
            net: Net::from_mlp(&mlp, Objective::Head(Head::TanhMse)),
            optimizer: Optimizer32::new(OptimizerKind::Sgd, &hyper, mlp.param_count()),
            xs,
            ys,
            next: 0,
            batch,
        }
    }

    /// Runs `steps` SGD steps; returns the mean minibatch loss over them (so the caller can check it decreases).
    pub fn run(&mut self, steps: u32) -> f64 {
        let batches = self.ys.len() / self.batch;
        let mut total = 0.0;
        for _ in 0..steps {
            let k = self.next;
            self.next = (self.next + 1) % batches;
            let x = &self.xs[k * 2 * self.batch..(k + 1) * 2 * self.batch];
            let y = &self.ys[k * self.batch..(k + 1) * self.batch];
            total += self
                .net
                .loss_and_grad(x, y, Regularizer::None, 0.0)
                .data_loss;
            self.net.apply(&mut self.optimizer);
        }
        total / f64::from(steps.max(1))
    }
}

/// Number of samples and features of the T2 autoencoder data.
pub const AUTOENCODER_SHAPE: (usize, usize) = (5000, 784);

/// The T2 inputs (seed 7): 5000 × 784 mulberry32 uniforms in [0, 1), row-major (one sample after another),
/// which is also our column-major `784 × 5000` layout with one sample per column.
pub fn autoencoder_inputs() -> Vec<f32> {
    let mut r = Mulberry32::new(7);
    let (n, d) = AUTOENCODER_SHAPE;
    (0..n * d).map(|_| r.uniform() as f32).collect()
}

/// T2: autoencoder 784-256-784 (P = 402,448), ReLU hidden, inverted Bernoulli dropout keep 0.5 on the hidden
/// activations, sigmoid outputs, mean of (o − x)² over all outputs, Adam lr 1e-3 (β 0.9 / 0.999, ε 1e-8),
/// batch 64 taken as fixed in-order slices of the 5000 inputs, wrapping around (as T1). Glorot initial weights
/// (the Keras / PyTorch-style default for a sigmoid output) from a fixed seed; masks from the session RNG type.
pub struct Autoencoder {
    net: Net,
    optimizer: Optimizer32,
    dropout: DropoutConfig,
    mask_rng: Rng,
    /// The inputs with the first `batch` samples appended again, so every wrapped batch is one slice.
    data: Vec<f32>,
    next: usize,
    /// Minibatch size (64).
    pub batch: usize,
}

impl Autoencoder {
    /// The T2 workload with minibatch 64.
    pub fn new() -> Self {
        let batch = 64;
        let (_, d) = AUTOENCODER_SHAPE;
        let mut data = autoencoder_inputs();
        data.extend_from_within(..batch * d);
        let spec = MlpSpec {
            input_dim: d,
            hidden: vec![256],
            activations: vec![Activation::Relu],
            output_dim: d,
            head: Head::LinearMse, // unused: the net trains Objective::SigmoidMeanSquare
            init: Init::Glorot,
        };
        let mlp = Mlp::new(&spec, &mut seeded(7, 0));
        let hyper = Hyper::from([("lr".to_string(), 1e-3)]);
        let keep = LayerNoise::bernoulli(0.5);
        Autoencoder {
            net: Net::from_mlp(&mlp, Objective::SigmoidMeanSquare),
            optimizer: Optimizer32::new(OptimizerKind::Adam, &hyper, mlp.param_count()),
            dropout: DropoutConfig {
                layers: vec![LayerNoise::NONE, keep],
                scaling: DropoutScaling::Inverted,
            },
            mask_rng: seeded(7, 5),
            data,
            next: 0,
            batch,
        }
    }

    /// Runs `steps` Adam steps; returns the mean minibatch loss over them.
    pub fn run(&mut self, steps: u32) -> f64 {
        let (n, d) = AUTOENCODER_SHAPE;
        let batches = n.div_ceil(self.batch);
        let mut total = 0.0;
        for _ in 0..steps {
            // Batch k covers samples k·B .. k·B + B (mod n): one slice thanks to the appended copy.
            let start = self.next * self.batch * d;
            self.next = (self.next + 1) % batches;
            let x = &self.data[start..start + self.batch * d];
            self.net
                .draw_noise(&self.dropout, self.batch, &mut self.mask_rng);
            total += self
                .net
                .loss_and_grad(x, x, Regularizer::None, 0.0)
                .data_loss;
            self.net.apply(&mut self.optimizer);
        }
        total / f64::from(steps.max(1))
    }
}

impl Default for Autoencoder {
    fn default() -> Self {
        Self::new()
    }
}

/// A throughput measurement: samples per second of each timed window.
#[derive(Debug, Clone, PartialEq)]
pub struct Throughput {
    /// Samples/s of each timed window, in the order measured.
    pub windows: Vec<f64>,
}

impl Throughput {
    /// Median of the windows.
    pub fn median(&self) -> f64 {
        let mut w = self.windows.clone();
        w.sort_by(f64::total_cmp);
        w.get(w.len() / 2).copied().unwrap_or(0.0)
    }

    /// Smallest and largest window.
    pub fn min_max(&self) -> (f64, f64) {
        let min = self.windows.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self
            .windows
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (min, max)
    }
}

/// The WORKLOADS.md protocol: warm up for at least `warmup_s` and 5 steps, then `windows` windows of at least
/// `window_s` each. `now` returns seconds (`Instant` natively, `performance.now()/1000` in the browser);
/// `run(k)` performs k steps. Steps per call grow until a call lasts ~10 ms, so the clock costs nothing.
pub fn measure(
    now: &dyn Fn() -> f64,
    run: &mut dyn FnMut(u32),
    samples_per_step: usize,
    warmup_s: f64,
    window_s: f64,
    windows: usize,
) -> Throughput {
    let mut chunk: u32 = 5;
    let start = now();
    let mut warm_steps = 0u64;
    while now() - start < warmup_s || warm_steps < 5 {
        let t = now();
        run(chunk);
        warm_steps += u64::from(chunk);
        if now() - t < 0.01 {
            chunk = chunk.saturating_mul(2);
        }
    }
    let windows = (0..windows)
        .map(|_| {
            let t0 = now();
            let mut steps = 0u64;
            while now() - t0 < window_s {
                run(chunk);
                steps += u64::from(chunk);
            }
            (steps as f64) * samples_per_step as f64 / (now() - t0)
        })
        .collect();
    Throughput { windows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mulberry32_matches_its_reference_outputs() {
        // Reference: the JavaScript function of WORKLOADS.md run by hand in Node 20 with seed 42:
        // mulberry32(42)() x3 -> 2581720956, 1925393290, 3661312704.
        let mut r = Mulberry32::new(42);
        assert_eq!(
            [r.next_u32(), r.next_u32(), r.next_u32()],
            [2581720956, 1925393290, 3661312704]
        );
    }

    #[test]
    fn spiral_has_500_balanced_points_within_radius() {
        let (x, y) = bench_spiral();
        assert_eq!(x.shape(), (2, 500));
        assert_eq!(y.iter().filter(|&&v| v > 0.0).count(), 250);
        assert!(x.column_iter().all(|c| c.norm() < 5.2));
    }

    #[test]
    fn t1_and_t1b_losses_decrease() {
        for batch in [10, 100] {
            let mut w = SpiralSgd::new(batch);
            let first = w.run(50);
            for _ in 0..20 {
                w.run(500);
            }
            let last = w.run(50);
            assert!(last < 0.9 * first, "batch {batch}: {first} -> {last}");
        }
    }

    #[test]
    fn t2_inputs_are_the_documented_uniforms_and_the_loss_decreases() {
        let x = autoencoder_inputs();
        assert_eq!(x.len(), 5000 * 784);
        let mut r = Mulberry32::new(7);
        assert_eq!(x[0], r.uniform() as f32);
        assert!(x.iter().all(|v| (0.0..1.0).contains(v)));
        let mut w = Autoencoder::new();
        let first = w.run(3);
        assert!(
            w.net.used_sparse_products() && w.net.used_sampled_products(),
            "ReLU + dropout zeros are skipped, and dropped hidden units are not computed"
        );
        w.run(60);
        let last = w.run(3);
        // Uniform noise has no structure to find quickly: the loss first falls to the constant predictor's
        // 1/12 ≈ 0.0833 (from ≈ 0.091 at the Glorot start).
        assert!(last < 0.95 * first, "{first} -> {last}");
    }
}
