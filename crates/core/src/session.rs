//! A training session: model, optimizer state, data, seeded RNG streams, step counter and statistics.
//!
//! The training loop lives here, never in the UI: the page calls [`Session::step`] with a number of steps per
//! animation frame and draws the small results. Everything is a pure function of the validated config, so the
//! same URL gives the same parameters after the same number of steps however the steps are chunked into calls.
//!
//! Training and the loss / accuracy statistics run on the f32 fast path ([`crate::fast::Net`], several times
//! faster, above all in wasm); the f64 [`Mlp`] is the reference copy that [`Session::mlp`], the grid and curve
//! predictions and analysis read. It is synced from the fast net at the end of every [`Session::step`] call, so
//! what callers see never depends on how steps were chunked.

use crate::config::{Config, ValidConfig};
use crate::data::{self, Dataset, Split, Task};
use crate::fast::{Net, Objective, Optimizer32};
use crate::loss::{accuracy, data_loss, Head};
use crate::mlp::Mlp;
use crate::rng::{seeded, Rng};
use crate::{Error, Matrix, Result};
use rand::seq::SliceRandom;

/// RNG streams: each consumer of randomness has its own, so e.g. changing the batch size leaves the data alone.
mod stream {
    pub const DATA: u64 = 1;
    pub const SPLIT: u64 = 2;
    pub const INIT: u64 = 3;
    pub const BATCHES: u64 = 4;
    pub const MASKS: u64 = 5;
}

/// At most this many points are kept in the loss history; beyond it the history is thinned by half and the
/// recording interval doubles, so memory and drawing cost stay bounded on long runs.
const MAX_HISTORY: usize = 2000;

/// Losses and accuracies at one step, evaluated on the full train and test sets without noise (test-time rule).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Optimizer steps taken so far.
    pub step: u64,
    /// Passes over the training set so far: step × batch / train size.
    pub epoch: f64,
    /// Mean data loss on the training set (no dropout noise, no penalty).
    pub train_loss: f64,
    /// Mean data loss on the test set.
    pub test_loss: f64,
    /// Training accuracy in [0, 1] for classification; `None` for regression.
    pub train_acc: Option<f64>,
    /// Test accuracy in [0, 1] for classification; `None` for regression.
    pub test_acc: Option<f64>,
}

/// One recorded point of the loss curves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryPoint {
    /// Step at which the losses were evaluated.
    pub step: u64,
    /// Training-set loss at that step.
    pub train_loss: f64,
    /// Test-set loss at that step.
    pub test_loss: f64,
}

/// A training run in progress. Construct from a [`ValidConfig`]; after divergence, every further step returns
/// the same [`Error::Diverged`] and the model keeps its last finite parameters until the page makes a new session.
pub struct Session {
    config: ValidConfig,
    /// The f64 reference model (synced from `net`, see the module docs).
    mlp: Mlp,
    /// The f32 copy that trains, with its optimizer (the catalog's chain, f32 states).
    net: Net,
    optimizer: Optimizer32,
    data: Split,
    /// f32 copies of the inputs and training targets (one sample per column), and the current minibatch.
    train_x: Vec<f32>,
    train_y: Vec<f32>,
    test_x: Vec<f32>,
    batch_x: Vec<f32>,
    batch_y: Vec<f32>,
    batch_rng: Rng,
    mask_rng: Rng,
    /// A shuffled permutation of the training indices; minibatches are consecutive slices of it.
    order: Vec<usize>,
    cursor: usize,
    step: u64,
    record_every: u64,
    history: Vec<HistoryPoint>,
    diverged_at: Option<u64>,
}

impl Session {
    /// A fresh session: generates and splits the data, initialises the network and the optimizer state.
    pub fn new(config: ValidConfig) -> Session {
        let dataset = data::generate(
            config.dataset,
            config.samples,
            config.noise,
            &mut seeded(config.seed, stream::DATA),
        );
        let split = data::split(
            dataset,
            config.test_fraction,
            &mut seeded(config.seed, stream::SPLIT),
        );
        let mlp = Mlp::new(&config.mlp_spec(), &mut seeded(config.seed, stream::INIT));
        let net = Net::from_mlp(&mlp, Objective::Head(mlp.head));
        let optimizer = Optimizer32::new(config.optimizer, &config.hyper, mlp.param_count());
        let f32s = |m: &Matrix| m.iter().map(|&v| v as f32).collect::<Vec<f32>>();
        let (train_x, train_y) = (f32s(&split.train.x), f32s(&split.train.y));
        let test_x = f32s(&split.test.x);
        let train_n = split.train.x.ncols();
        let batch = config.batch_size.min(train_n).max(1);
        // Record the loss curves about once per epoch, so evaluation costs no more than training.
        let record_every = train_n.div_ceil(batch).max(1) as u64;
        let mut session = Session {
            mlp,
            net,
            optimizer,
            data: split,
            train_x,
            train_y,
            test_x,
            batch_x: Vec::new(),
            batch_y: Vec::new(),
            batch_rng: seeded(config.seed, stream::BATCHES),
            mask_rng: seeded(config.seed, stream::MASKS),
            order: (0..train_n).collect(),
            cursor: train_n, // forces a shuffle before the first batch
            step: 0,
            record_every,
            history: Vec::new(),
            diverged_at: None,
            config,
        };
        session.record();
        session
    }

    /// Runs `n` optimizer steps (forward, backward, update on one minibatch each) and returns the statistics
    /// after them. On a non-finite loss or parameter, the step is undone and `Err(Diverged { step })` returned.
    pub fn step(&mut self, n: u32) -> Result<Stats> {
        if let Some(step) = self.diverged_at {
            return Err(Error::Diverged { step });
        }
        let result = (0..n).try_for_each(|_| self.step_once());
        self.net.write_params_to(&mut self.mlp);
        result.map(|()| self.stats())
    }

    fn step_once(&mut self) -> Result<()> {
        self.next_batch();
        let cfg = &self.config;
        let batch = self.batch_y.len() / self.data.train.y.nrows().max(1);
        self.net.draw_noise(&cfg.dropout, batch, &mut self.mask_rng);
        let loss = self.net.loss_and_grad(
            &self.batch_x,
            &self.batch_y,
            cfg.regularizer,
            cfg.lambda as f32,
        );
        let next_step = self.step + 1;
        // `apply` keeps the parameters when any updated one would be non-finite.
        if !loss.total().is_finite() || !self.net.apply(&mut self.optimizer) {
            self.diverged_at = Some(next_step);
            return Err(Error::Diverged { step: next_step });
        }
        self.step = next_step;
        if self.step.is_multiple_of(self.record_every) {
            self.record();
        }
        Ok(())
    }

    /// The next minibatch into `batch_x` / `batch_y`: consecutive slices of a permutation reshuffled every epoch
    /// (sampling without replacement within an epoch, as PyTorch's DataLoader with shuffle=True).
    fn next_batch(&mut self) {
        let n = self.data.train.x.ncols();
        let batch = self.config.batch_size.min(n).max(1);
        if self.cursor + batch > n {
            self.order.shuffle(&mut self.batch_rng);
            self.cursor = 0;
        }
        let idx = &self.order[self.cursor..self.cursor + batch];
        self.cursor += batch;
        gather(
            &mut self.batch_x,
            &self.train_x,
            self.data.train.x.nrows(),
            idx,
        );
        gather(
            &mut self.batch_y,
            &self.train_y,
            self.data.train.y.nrows(),
            idx,
        );
    }

    fn record(&mut self) {
        let (train_loss, _) = self.evaluate(&self.data.train, &self.train_x);
        let (test_loss, _) = self.evaluate(&self.data.test, &self.test_x);
        self.history.push(HistoryPoint {
            step: self.step,
            train_loss,
            test_loss,
        });
        if self.history.len() > MAX_HISTORY {
            // Keep step 0 and every point on the doubled grid.
            let every = self.record_every * 2;
            self.history.retain(|p| p.step.is_multiple_of(every));
            self.record_every = every;
        }
    }

    /// Mean data loss and accuracy (classification only) of the test-time network on a dataset (`x` = its
    /// inputs in f32). The forward pass is the fast net's ([`Net::predict`], within ~1e-6 of
    /// [`Mlp::predict`]); loss and accuracy are the f64 definitions of `loss.rs`.
    fn evaluate(&self, set: &Dataset, x: &[f32]) -> (f64, Option<f64>) {
        let out = self.net.predict(x, &self.config.dropout);
        let out = Matrix::from_iterator(
            set.y.nrows(),
            set.y.ncols(),
            out.iter().map(|&v| f64::from(v)),
        );
        let loss = data_loss(self.mlp.head, &out, &set.y);
        let acc = match self.config.dataset.task() {
            Task::Regression => None,
            _ => Some(accuracy(self.mlp.head, &out, &set.labels)),
        };
        (loss, acc)
    }

    /// Steps taken and epochs (passes over the training set) so far; cheap, unlike [`Session::stats`].
    pub fn progress(&self) -> (u64, f64) {
        let train_n = self.data.train.x.ncols().max(1);
        let batch = self.config.batch_size.min(train_n).max(1);
        (
            self.step,
            (self.step as f64) * batch as f64 / train_n as f64,
        )
    }

    /// Statistics at the current step (a forward pass over the full train and test sets).
    pub fn stats(&self) -> Stats {
        let (train_loss, train_acc) = self.evaluate(&self.data.train, &self.train_x);
        let (test_loss, test_acc) = self.evaluate(&self.data.test, &self.test_x);
        let (step, epoch) = self.progress();
        Stats {
            step,
            epoch,
            train_loss,
            test_loss,
            train_acc,
            test_acc,
        }
    }

    /// The step at which training diverged, if it did.
    pub fn diverged_at(&self) -> Option<u64> {
        self.diverged_at
    }

    /// The recorded loss curves (about one point per epoch, thinned on long runs).
    pub fn history(&self) -> &[HistoryPoint] {
        &self.history
    }

    /// The validated configuration this session runs.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The network in its current state.
    pub fn mlp(&self) -> &Mlp {
        &self.mlp
    }

    /// Training data.
    pub fn train(&self) -> &Dataset {
        &self.data.train
    }

    /// Test data.
    pub fn test(&self) -> &Dataset {
        &self.data.test
    }

    /// Plot domain `[x_min, x_max, y_min, y_max]` of the dataset.
    pub fn domain(&self) -> [f64; 4] {
        self.config.dataset.domain()
    }

    /// Applies the settings that may change mid-run without a reset: the optimizer's hyperparameters (the
    /// optimizer state is kept; a different optimizer starts from a fresh state), the regularizer and λ.
    /// Everything else in `config` is ignored: structural changes need a new session.
    pub fn set_live(&mut self, config: &ValidConfig) {
        if config.optimizer == self.config.optimizer {
            self.optimizer.set_hyper(&config.hyper);
        } else {
            self.optimizer =
                Optimizer32::new(config.optimizer, &config.hyper, self.mlp.param_count());
        }
        let mut next: Config = (*self.config).clone();
        next.optimizer = config.optimizer;
        next.hyper = config.hyper.clone();
        next.regularizer = config.regularizer;
        next.lambda = config.lambda;
        // The merged config only takes already-validated values from two valid configs.
        if let Ok(valid) = next.validate() {
            self.config = valid;
        }
    }

    /// Test-time predictions on an `nx × ny` grid over the domain, rows from the top (y_max) down, x left to
    /// right. Binary heads give P(class 1) per cell; softmax gives K probabilities per cell, cell-major.
    /// Regression sessions return an empty vector (use [`Session::predict_curve`]).
    pub fn predict_grid(&self, nx: usize, ny: usize) -> Vec<f64> {
        if self.config.dataset.input_dim() != 2 || nx == 0 || ny == 0 {
            return Vec::new();
        }
        let [x0, x1, y0, y1] = self.domain();
        let centre =
            |i: usize, n: usize, lo: f64, hi: f64| lo + (hi - lo) * (i as f64 + 0.5) / n as f64;
        let grid = Matrix::from_fn(2, nx * ny, |r, c| {
            let (row, col) = (c / nx, c % nx);
            if r == 0 {
                centre(col, nx, x0, x1)
            } else {
                centre(ny - 1 - row, ny, y0, y1)
            }
        });
        let out = self.mlp.predict(&grid, &self.config.dropout);
        match self.mlp.head {
            Head::SoftmaxCe => out.as_slice().to_vec(),
            head => out.iter().map(|&o| binary_probability(head, o)).collect(),
        }
    }

    /// Test-time predictions of a 1D regression network at `n` evenly spaced inputs across the domain.
    pub fn predict_curve(&self, n: usize) -> (Vec<f64>, Vec<f64>) {
        if self.config.dataset.input_dim() != 1 || n < 2 {
            return (Vec::new(), Vec::new());
        }
        let [x0, x1, _, _] = self.domain();
        let xs: Vec<f64> = (0..n)
            .map(|i| x0 + (x1 - x0) * i as f64 / (n - 1) as f64)
            .collect();
        let out = self
            .mlp
            .predict(&Matrix::from_row_slice(1, n, &xs), &self.config.dropout);
        (xs, out.row(0).iter().copied().collect())
    }
}

/// Copies the columns `idx` of a column-major `width × n` matrix into `dst`, one after another.
fn gather(dst: &mut Vec<f32>, src: &[f32], width: usize, idx: &[usize]) {
    dst.clear();
    for &i in idx {
        dst.extend(src[i * width..(i + 1) * width].iter().copied());
    }
}

/// P(class 1) from a binary head's output: the sigmoid output itself, (o + 1)/2 for tanh, clamped for linear.
fn binary_probability(head: Head, o: f64) -> f64 {
    match head {
        Head::TanhMse => 0.5 * (o + 1.0),
        _ => o.clamp(0.0, 1.0),
    }
}
