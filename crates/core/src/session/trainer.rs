//! The two training paths behind one small enum: the f32 fast net ([`Net`]), and the f64 reference model with
//! the f64 [`Optimizer`] for what the fast net does not know (batch normalization, and the optimizers whose
//! blocks [`Optimizer32`] does not mirror: normalized gradients, LARS, Path-SGD, the natural gradient, which
//! also gets the minibatch's per-sample gradients here). Both take the session's
//! minibatch indices, dropout masks from its mask stream and weight noise from its weight-noise stream, so
//! batching, recording, stopping and edits stay in `session.rs`.

use crate::config::Config;
use crate::dropout::{sample_masks, Masks};
use crate::fast::{Net, Objective, Optimizer32};
use crate::mlp::Mlp;
use crate::optim::{Hyper, Optimizer, OptimizerKind};
use crate::rng::Rng;
use crate::weight_noise;
use crate::{Matrix, Vector};

/// The session's random streams that a training step reads.
pub(super) struct StepRngs<'a> {
    pub masks: &'a mut Rng,
    pub weight_noise: &'a mut Rng,
}

/// Which dataset an evaluation runs on.
#[derive(Debug, Clone, Copy)]
pub(super) enum Set {
    Train,
    Test,
}

/// The trainer of a session.
pub(super) enum Trainer {
    /// f32, several times faster; the f64 [`Mlp`] mirrors it after each `Session::step` call.
    Fast(Box<Fast>),
    /// f64 on the [`Mlp`] itself (used with batch normalization).
    Reference(Box<Reference>),
}

pub(super) struct Fast {
    net: Net,
    optimizer: Optimizer32,
    /// f32 copies of the network inputs (one sample per column) and training targets, and the minibatch.
    train_x: Vec<f32>,
    train_y: Vec<f32>,
    test_x: Vec<f32>,
    /// Rows of a target column (network outputs).
    outputs: usize,
    batch_x: Vec<f32>,
    batch_y: Vec<f32>,
    /// Weight-noise scratch: the clean f32 parameters, and an f64 model the noisy ones are written through
    /// (the net's public API takes parameters from an [`Mlp`]; f32 → f64 → f32 is exact, so restoring is too).
    clean: Vec<f32>,
    noisy: Option<Mlp>,
}

pub(super) struct Reference {
    optimizer: Optimizer,
    train_x: Matrix,
    train_y: Matrix,
    test_x: Matrix,
}

impl Trainer {
    /// Whether `kind` on `mlp` trains on the f64 reference path: with normalization layers, or when the f32
    /// optimizer does not mirror `kind` ([`Optimizer32::supports`]).
    pub fn needs_reference(kind: OptimizerKind, mlp: &Mlp) -> bool {
        mlp.has_batch_norm() || !Optimizer32::supports(kind)
    }

    /// The fast trainer unless [`Trainer::needs_reference`]. `train_x`, `test_x` are network inputs
    /// (features × n), `train_y` the training targets. The optimizer's noise is seeded from the config seed
    /// ([`optimizer_seed`]).
    pub fn new(
        mlp: &Mlp,
        config: &Config,
        train_x: Matrix,
        train_y: &Matrix,
        test_x: Matrix,
    ) -> Trainer {
        let n = mlp.param_count();
        let seed = optimizer_seed(config.seed);
        if Self::needs_reference(config.optimizer, mlp) {
            let optimizer = Optimizer::new(config.optimizer, &config.hyper, n)
                .with_layout(mlp.layout())
                .with_seed(seed);
            return Trainer::Reference(Box::new(Reference {
                optimizer,
                train_x,
                train_y: train_y.clone(),
                test_x,
            }));
        }
        let f32s = |m: &Matrix| m.iter().map(|&v| v as f32).collect::<Vec<f32>>();
        Trainer::Fast(Box::new(Fast {
            net: Net::from_mlp(mlp, Objective::Head(mlp.head)),
            optimizer: Optimizer32::new(config.optimizer, &config.hyper, n).with_seed(seed),
            train_x: f32s(&train_x),
            train_y: f32s(train_y),
            test_x: f32s(&test_x),
            outputs: train_y.nrows(),
            batch_x: Vec::new(),
            batch_y: Vec::new(),
            clean: Vec::new(),
            noisy: None,
        }))
    }

    /// Whether this is the f64 reference path.
    pub fn is_reference(&self) -> bool {
        matches!(self, Trainer::Reference(_))
    }

    /// One step on the training columns `idx`: dropout masks from `rngs.masks`, then (σ = `wnoise` > 0) the
    /// forward and backward pass at θ + σ ε with ε from `rngs.weight_noise`, then the update applied to θ.
    /// Returns false, leaving the parameters (and running averages) as they were, when the loss or an updated
    /// parameter is not finite. `mlp` is the f64 model: the one trained on the reference path, the (possibly
    /// stale) mirror on the fast path.
    pub fn step(&mut self, mlp: &mut Mlp, idx: &[usize], cfg: &Config, rngs: StepRngs<'_>) -> bool {
        match self {
            Trainer::Fast(f) => f.step(mlp, idx, cfg, rngs),
            Trainer::Reference(r) => r.step(mlp, idx, cfg, rngs),
        }
    }

    /// Brings the f64 model up to date with the trained parameters (a no-op on the reference path).
    pub fn sync(&self, mlp: &mut Mlp) {
        if let Trainer::Fast(f) = self {
            f.net.write_params_to(mlp);
        }
    }

    /// Makes the trainer use `mlp`'s parameters after an edit of the f64 model (no-op on the reference path).
    pub fn load(&mut self, mlp: &Mlp) {
        if let Trainer::Fast(f) = self {
            f.net.copy_params_from(mlp);
        }
    }

    /// The current parameters in f32, flat order (what `weights=` freezes).
    pub fn params_f32(&self, mlp: &Mlp) -> Vec<f32> {
        match self {
            Trainer::Fast(f) => f.net.params().to_vec(),
            Trainer::Reference(_) => mlp.params().iter().map(|&v| v as f32).collect(),
        }
    }

    /// Test-time outputs (after the head) on a whole set, `outputs × n`: the fast net's f32 forward pass
    /// (within ~1e-6 of [`Mlp::predict`]) or the f64 model's (normalization with running averages).
    pub fn outputs(&self, mlp: &Mlp, set: Set, cfg: &Config, rows: usize) -> Matrix {
        match self {
            Trainer::Fast(f) => {
                let x = match set {
                    Set::Train => &f.train_x,
                    Set::Test => &f.test_x,
                };
                let out = f.net.predict(x, &cfg.dropout);
                let cols = out.len() / rows.max(1);
                Matrix::from_iterator(rows, cols, out.iter().map(|&v| f64::from(v)))
            }
            Trainer::Reference(r) => {
                let x = match set {
                    Set::Train => &r.train_x,
                    Set::Test => &r.test_x,
                };
                mlp.predict(x, &cfg.dropout)
            }
        }
    }

    /// New hyperparameters for the same optimizer (state kept), or a fresh optimizer of another kind (seeded
    /// from `seed`, the config seed). The caller makes a new trainer instead when the path changes
    /// ([`Trainer::needs_reference`]).
    pub fn set_optimizer(&mut self, kind: OptimizerKind, hyper: &Hyper, mlp: &Mlp, seed: u64) {
        let n = mlp.param_count();
        match self {
            Trainer::Fast(f) if f.optimizer.kind() == kind => f.optimizer.set_hyper(hyper),
            Trainer::Fast(f) => {
                f.optimizer = Optimizer32::new(kind, hyper, n).with_seed(optimizer_seed(seed));
            }
            Trainer::Reference(r) if r.optimizer.kind() == kind => r.optimizer.set_hyper(hyper),
            Trainer::Reference(r) => {
                r.optimizer = Optimizer::new(kind, hyper, n)
                    .with_layout(mlp.layout())
                    .with_seed(optimizer_seed(seed));
            }
        }
    }
}

impl Fast {
    fn step(&mut self, mlp: &Mlp, idx: &[usize], cfg: &Config, rngs: StepRngs<'_>) -> bool {
        gather(&mut self.batch_x, &self.train_x, cfg.features.len(), idx);
        gather(&mut self.batch_y, &self.train_y, self.outputs, idx);
        self.net.draw_noise(&cfg.dropout, idx.len(), rngs.masks);
        let sigma = cfg.weight_noise;
        let perturbed = sigma > 0.0;
        if perturbed {
            // θ → θ + σε through the f64 scratch model; `clean` keeps θ for the restore.
            self.clean.clear();
            self.clean.extend_from_slice(self.net.params());
            let noisy = self.noisy.get_or_insert_with(|| mlp.clone());
            write_flat(noisy, &self.clean);
            weight_noise::perturb(affine_slots(noisy), sigma, rngs.weight_noise);
            self.net.copy_params_from(noisy);
        }
        let loss = self.net.loss_and_grad(
            &self.batch_x,
            &self.batch_y,
            cfg.regularizer,
            cfg.lambda as f32,
        );
        if perturbed {
            // Back to θ exactly (f32 → f64 → f32 is the identity), so the update below is applied to θ.
            if let Some(noisy) = self.noisy.as_mut() {
                write_flat(noisy, &self.clean);
                self.net.copy_params_from(noisy);
            }
        }
        // `apply` keeps the parameters when any updated one would be non-finite.
        loss.total().is_finite() && self.net.apply(&mut self.optimizer)
    }
}

impl Reference {
    fn step(&mut self, mlp: &mut Mlp, idx: &[usize], cfg: &Config, rngs: StepRngs<'_>) -> bool {
        let x = self.train_x.select_columns(idx);
        let y = self.train_y.select_columns(idx);
        let masks = sample_masks(&cfg.dropout, &mlp.widths(), idx.len(), rngs.masks);
        let theta = mlp.params();
        let sigma = cfg.weight_noise;
        let noisy = (sigma > 0.0).then(|| {
            let mut noisy = mlp.clone();
            let mut p = theta.clone();
            weight_noise::perturb(p.iter_mut(), sigma, rngs.weight_noise);
            noisy.set_params(&p);
            noisy
        });
        let net: &Mlp = noisy.as_ref().unwrap_or(mlp);
        let (lg, moments) =
            net.train_pass(&x, &y, &cfg.dropout, &masks, cfg.regularizer, cfg.lambda);
        if !lg.total().is_finite() {
            return false;
        }
        let per_sample = self
            .optimizer
            .kind()
            .needs_per_sample_grads()
            .then(|| per_sample_grads(net, &x, &y, cfg, &masks));
        let step =
            self.optimizer
                .update_with_per_sample_grads(&lg.grad, &theta, per_sample.as_ref());
        let next: Vector = &theta + step;
        if !next.iter().all(|v| v.is_finite()) {
            return false;
        }
        mlp.set_params(&next);
        mlp.update_running_stats(&moments);
        true
    }
}

/// The seed of the optimizer's noise blocks for a config seed: a draw from its own stream
/// ([`super::stream::OPTIMIZER_NOISE`]), so the other streams and existing runs are untouched.
pub(super) fn optimizer_seed(seed: u64) -> u64 {
    use rand::RngExt;
    crate::rng::seeded(seed, super::stream::OPTIMIZER_NOISE).random::<u64>()
}

/// The gradient of every sample of the batch on its own (P × B, one column each, same masks and penalty),
/// for the natural gradient's Fisher. B single-column passes: affordable for the small networks it allows.
fn per_sample_grads(net: &Mlp, x: &Matrix, y: &Matrix, cfg: &Config, masks: &Masks) -> Matrix {
    let mut g = Matrix::zeros(net.param_count(), x.ncols());
    for j in 0..x.ncols() {
        let col_masks: Masks = masks
            .iter()
            .map(|m| m.as_ref().map(|m| m.columns(j, 1).into_owned()))
            .collect();
        let one = net.loss_and_grad(
            &x.columns(j, 1).into_owned(),
            &y.columns(j, 1).into_owned(),
            &cfg.dropout,
            &col_masks,
            cfg.regularizer,
            cfg.lambda,
        );
        g.set_column(j, &one.grad);
    }
    g
}

/// The W and b entries of `mlp` in flat order (what the f32 net holds).
fn affine_slots(mlp: &mut Mlp) -> impl Iterator<Item = &mut f64> {
    mlp.layers
        .iter_mut()
        .flat_map(|l| l.w.iter_mut().chain(l.b.iter_mut()))
}

/// Writes f32 parameters (flat W, b order) into `mlp` as f64.
fn write_flat(mlp: &mut Mlp, values: &[f32]) {
    for (dst, &src) in affine_slots(mlp).zip(values) {
        *dst = f64::from(src);
    }
}

/// Copies the columns `idx` of a column-major `width × n` matrix into `dst`, one after another.
fn gather(dst: &mut Vec<f32>, src: &[f32], width: usize, idx: &[usize]) {
    dst.clear();
    for &i in idx {
        dst.extend(src[i * width..(i + 1) * width].iter().copied());
    }
}
