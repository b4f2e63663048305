//! A training session: model, optimizer state, data, seeded RNG streams, step counter and statistics.
//!
//! The training loop lives here, never in the UI: the page calls [`Session::step`] with a number of steps per
//! animation frame and draws the small results. Everything is a pure function of the validated config, so the
//! same URL gives the same parameters after the same number of steps however the steps are chunked into calls.
//!
//! Training and the loss / accuracy statistics run on the f32 fast path ([`crate::fast::Net`], several times
//! faster, above all in wasm); the f64 [`Mlp`] is the reference copy that [`Session::mlp`], the grid and curve
//! predictions and analysis read. It is synced from the fast net at the end of every [`Session::step`] call, so
//! what callers see never depends on how steps were chunked. With batch normalization (`bn=hidden`), which
//! the fast net does not know, the session trains the f64 model itself with the f64 [`crate::optim::Optimizer`]
//! (the `trainer` submodule holds both paths; batching, recording, stopping and edits are shared).
//!
//! The network sees the config's input features of the raw points ([`crate::features`]); the datasets kept
//! here ([`Session::train`], [`Session::test`], [`Session::points`]) stay in raw coordinates for plotting.
//! Submodules: `view` (grid / curve predictions, per-unit grids, points), `edit` (weight indices, weight
//! edits, frozen weights), `stop` (the stop-at condition), `trainer` (the f32 and f64 training paths), `race`
//! (sessions that differ only in the optimizer or in a rescaling of the initial network), `race_spec` (the
//! Race lab's URL state).

mod edit;
mod race;
mod race_spec;
mod stop;
mod trainer;
mod view;

pub use race::{race_configs, rescaled_pair, Race, Racer, MAX_RACERS};
pub use race_spec::{racers_token, RaceMode, RaceSpec};

use crate::config::{Config, ValidConfig};
use crate::data::{self, Dataset, PointId, Split, Task};
use crate::features::{self, Feature};
use crate::loss::{accuracy, data_loss};
use crate::mlp::{Mlp, Norm, Rescale};
use crate::rng::{seeded, Rng};
use crate::{Error, Result, Vector};
use rand::seq::SliceRandom;
use trainer::{Set, StepRngs, Trainer};

/// RNG streams (with the config's seed, [`crate::rng::seeded`]): each consumer of randomness has its own, so
/// e.g. changing the batch size leaves the data alone. Public so that tests and tools can reproduce a
/// session's draws. Ids are never renumbered; new consumers get new ids.
pub mod stream {
    /// Data generation.
    pub const DATA: u64 = 1;
    /// The train / test split.
    pub const SPLIT: u64 = 2;
    /// Weight initialisation.
    pub const INIT: u64 = 3;
    /// Minibatch shuffles.
    pub const BATCHES: u64 = 4;
    /// Dropout masks (both training paths draw them alike).
    pub const MASKS: u64 = 5;
    /// Weight noise ε of `wnoise`, one N(0, 1) per parameter and step.
    pub const WEIGHT_NOISE: u64 = 6;
    /// The per-unit scales of `rescale=random:σ` (and of [`super::Session::rescale_report`]).
    pub const RESCALE: u64 = 7;
    /// The seed of the optimizer's noise blocks (gradient noise, Langevin noise): one u64 drawn from it.
    pub const OPTIMIZER_NOISE: u64 = 8;
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
    /// Mean data loss on the training set (no dropout noise, no penalty); NaN when the set is empty.
    pub train_loss: f64,
    /// Mean data loss on the test set; NaN when the set is empty.
    pub test_loss: f64,
    /// Training accuracy in [0, 1] for classification (NaN for an empty set); `None` for regression.
    pub train_acc: Option<f64>,
    /// Test accuracy in [0, 1] for classification; `None` for regression.
    pub test_acc: Option<f64>,
    /// Whether the stop-at condition has been reached ([`Session::stopped`]).
    pub stopped: bool,
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
///
/// Any number of points works, including 0 or 1: with no training point, [`Session::step`] takes no step;
/// the losses of an empty set are NaN (not divergence).
pub struct Session {
    config: ValidConfig,
    /// The f64 reference model (synced from the fast trainer, see the module docs; trained itself with `bn`).
    mlp: Mlp,
    /// The training path with its optimizer state and its copies of the inputs.
    trainer: Trainer,
    data: Split,
    batch_rng: Rng,
    mask_rng: Rng,
    weight_noise_rng: Rng,
    /// A shuffled permutation of the training indices; minibatches are consecutive slices of it.
    order: Vec<usize>,
    cursor: usize,
    /// The training-set indices of the last minibatch.
    batch_idx: Vec<usize>,
    step: u64,
    record_every: u64,
    history: Vec<HistoryPoint>,
    diverged_at: Option<u64>,
    /// Where each training / test sample comes from.
    train_ids: Vec<PointId>,
    test_ids: Vec<PointId>,
    /// How many of `config.edits` have been applied (they are in step order).
    applied_edits: usize,
    stopped: bool,
}

impl Session {
    /// A fresh session: assembles (generated − removed + added points) and splits the data, initialises the
    /// network (or loads the frozen `weights`; adds the normalization layers of `bn`), rescales it (`rescale`,
    /// scales from [`stream::RESCALE`]), makes the optimizer state, records the step-0 losses and then applies
    /// the step-0 weight edits (a record at step s always shows the network before that step's edits).
    pub fn new(config: ValidConfig) -> Session {
        let all = data::assemble(
            config.dataset,
            config.samples,
            config.noise,
            &config.removed,
            &config.added,
            &mut seeded(config.seed, stream::DATA),
        );
        let (train_idx, test_idx) = data::partition(
            all.data.len(),
            config.test_fraction,
            &mut seeded(config.seed, stream::SPLIT),
        );
        let pick = |idx: &[usize]| idx.iter().map(|&i| all.ids[i]).collect::<Vec<_>>();
        let (train_ids, test_ids) = (pick(&train_idx), pick(&test_idx));
        let split = Split {
            train: all.data.select(&train_idx),
            test: all.data.select(&test_idx),
        };
        let mut mlp = Mlp::new(&config.mlp_spec(), &mut seeded(config.seed, stream::INIT));
        if config.norm == Norm::Hidden {
            mlp = mlp.with_batch_norm();
        }
        if !config.weights.is_empty() {
            let frozen = config.weights.iter().map(|&w| f64::from(w));
            mlp.set_params(&Vector::from_iterator(config.weights.len(), frozen));
        }
        if config.rescale != Rescale::None {
            let rng = &mut seeded(config.seed, stream::RESCALE);
            mlp = mlp.reparameterize(&config.rescale.scales(&mlp.hidden_widths(), rng));
        }
        let trainer = Trainer::new(
            &mlp,
            &config,
            features::apply(&config.features, &split.train.x),
            &split.train.y,
            features::apply(&config.features, &split.test.x),
        );
        let train_n = split.train.x.ncols();
        let batch = config.batch_size.min(train_n).max(1);
        // Record the loss curves about once per epoch, so evaluation costs no more than training.
        let record_every = train_n.div_ceil(batch).max(1) as u64;
        let mut session = Session {
            mlp,
            trainer,
            data: split,
            batch_rng: seeded(config.seed, stream::BATCHES),
            mask_rng: seeded(config.seed, stream::MASKS),
            weight_noise_rng: seeded(config.seed, stream::WEIGHT_NOISE),
            order: (0..train_n).collect(),
            cursor: train_n, // forces a shuffle before the first batch
            batch_idx: Vec::new(),
            step: 0,
            record_every,
            history: Vec::new(),
            diverged_at: None,
            train_ids,
            test_ids,
            applied_edits: 0,
            stopped: false,
            config,
        };
        session.record();
        session.stopped = session.stop_reached();
        // Like every edit, the step-0 ones come after the step's record (as when made live).
        session.apply_due_edits(false);
        session
    }

    /// Runs up to `n` optimizer steps (forward, backward, update on one minibatch each) and returns the
    /// statistics after them. Stops early, and takes no step at all while [`Session::stopped`] or when the
    /// training set is empty. On a non-finite loss or parameter, the step is undone and
    /// `Err(Diverged { step })` returned.
    pub fn step(&mut self, n: u32) -> Result<Stats> {
        if let Some(step) = self.diverged_at {
            return Err(Error::Diverged { step });
        }
        if self.data.train.is_empty() {
            return Ok(self.stats());
        }
        let mut result = Ok(());
        for _ in 0..n {
            if self.stopped {
                break;
            }
            result = self.step_once();
            if result.is_err() {
                break;
            }
        }
        self.trainer.sync(&mut self.mlp);
        result.map(|()| self.stats())
    }

    fn step_once(&mut self) -> Result<()> {
        self.next_batch();
        let rngs = StepRngs {
            masks: &mut self.mask_rng,
            weight_noise: &mut self.weight_noise_rng,
        };
        let finite = self
            .trainer
            .step(&mut self.mlp, &self.batch_idx, &self.config, rngs);
        let next_step = self.step + 1;
        // A non-finite step leaves the parameters as they were.
        if !finite {
            self.diverged_at = Some(next_step);
            return Err(Error::Diverged { step: next_step });
        }
        self.step = next_step;
        if self.step.is_multiple_of(self.record_every) {
            self.record();
        }
        self.stopped = self.stop_reached();
        self.apply_due_edits(true);
        Ok(())
    }

    /// The next minibatch's training indices into `batch_idx`: consecutive slices of a permutation reshuffled
    /// every epoch (sampling without replacement within an epoch, as PyTorch's DataLoader with shuffle=True).
    fn next_batch(&mut self) {
        let n = self.data.train.x.ncols();
        let batch = self.config.batch_size.min(n).max(1);
        if self.cursor + batch > n {
            self.order.shuffle(&mut self.batch_rng);
            self.cursor = 0;
        }
        self.batch_idx.clear();
        self.batch_idx
            .extend_from_slice(&self.order[self.cursor..self.cursor + batch]);
        self.cursor += batch;
    }

    /// The training-set indices (columns of [`Session::train`]) of the last step's minibatch; empty before the
    /// first step. Depends only on the seed, the training-set size and the batch size (its own stream), so
    /// sessions that differ in the optimizer see the same sequence.
    pub fn batch_indices(&self) -> &[usize] {
        &self.batch_idx
    }

    /// Whether this session trains on the f64 reference path (with `bn=hidden`) instead of the f32 fast net.
    pub fn uses_reference_path(&self) -> bool {
        self.trainer.is_reference()
    }

    fn record(&mut self) {
        let (train_loss, _) = self.evaluate(Set::Train);
        let (test_loss, _) = self.evaluate(Set::Test);
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

    /// Mean data loss and accuracy (classification only) of the test-time network on a dataset. The forward
    /// pass is the trainer's (the fast net's [`crate::fast::Net::predict`], within ~1e-6 of
    /// [`Mlp::predict`], or the f64 model's); loss and accuracy are the f64 definitions of `loss.rs`.
    fn evaluate(&self, which: Set) -> (f64, Option<f64>) {
        let set: &Dataset = match which {
            Set::Train => &self.data.train,
            Set::Test => &self.data.test,
        };
        let classification = self.config.dataset.task() != Task::Regression;
        if set.is_empty() {
            return (f64::NAN, classification.then_some(f64::NAN));
        }
        let out = self
            .trainer
            .outputs(&self.mlp, which, &self.config, set.y.nrows());
        let loss = data_loss(self.mlp.head, &out, &set.y);
        let acc = classification.then(|| accuracy(self.mlp.head, &out, &set.labels));
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
        let (train_loss, train_acc) = self.evaluate(Set::Train);
        let (test_loss, test_acc) = self.evaluate(Set::Test);
        let (step, epoch) = self.progress();
        Stats {
            step,
            epoch,
            train_loss,
            test_loss,
            train_acc,
            test_acc,
            stopped: self.stopped,
        }
    }

    /// The network's input features, in the order of the input layer.
    pub fn features(&self) -> &[Feature] {
        &self.config.features
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
    /// optimizer state is kept; a different optimizer starts from a fresh state), the regularizer, λ, the
    /// stop-at condition (a changed condition is re-evaluated now, so raising the epoch limit un-stops) and
    /// the display options (kept only for [`Session::config`]'s query). Everything else in `config` is ignored
    /// (the session keeps its own weight edits): structural changes need a new session.
    pub fn set_live(&mut self, config: &ValidConfig) {
        if Trainer::needs_reference(config.optimizer, &self.mlp) != self.trainer.is_reference() {
            // The other training path: a fresh trainer from the current parameters.
            self.trainer.sync(&mut self.mlp);
            let mut c = (*self.config).clone();
            c.optimizer = config.optimizer;
            c.hyper = config.hyper.clone();
            self.trainer = Trainer::new(
                &self.mlp,
                &c,
                features::apply(&c.features, &self.data.train.x),
                &self.data.train.y,
                features::apply(&c.features, &self.data.test.x),
            );
        } else {
            let seed = self.config.seed;
            self.trainer
                .set_optimizer(config.optimizer, &config.hyper, &self.mlp, seed);
        }
        let mut next: Config = (*self.config).clone();
        next.optimizer = config.optimizer;
        next.hyper = config.hyper.clone();
        next.regularizer = config.regularizer;
        next.lambda = config.lambda;
        next.stop = config.stop;
        next.display = config.display;
        // The merged config only takes already-validated values from two valid configs.
        if let Ok(valid) = next.validate() {
            let changed = valid.stop != self.config.stop;
            self.config = valid;
            if changed {
                self.stopped = self.stop_reached();
            }
        }
    }
}
