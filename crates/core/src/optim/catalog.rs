//! The optimizer catalog: per [`OptimizerKind`], its hyperparameters, where it runs, and the chain of blocks
//! that implements it.
//!
//! Adding an optimizer is one entry here (a `hyperparams()` arm and a `chain()` arm) plus at most one new
//! [`Block`], plus its line in `keyed_enum!`. Every chain is `[gradient noise] → the optimizer's own blocks →
//! lr step (schedule, Langevin noise)`: the shared schedule and noise hyperparameters ([`super::SHARED`]) work
//! with every optimizer.

use super::params::{
    lr, with_shared, BETA1, BETA2, EPS, EPS_ADAGRAD, FISHER_DAMPING, M11, M12, M22, MOMENTUM, P,
    RHO, SFN_DAMPING, SHARED, TRUST, WEIGHT_DECAY,
};
use super::schedule::Schedule;
use super::{Block, Hyper, HyperParam, OptimizerKind};
use crate::registry::Keyed;
use crate::{Error, Result};

const SGD_PARAMS: &[HyperParam] = with_shared![lr(0.03)];
const MOMENTUM_PARAMS: &[HyperParam] = with_shared![lr(0.03), MOMENTUM];
const ADAGRAD_PARAMS: &[HyperParam] = with_shared![lr(0.1), EPS_ADAGRAD];
const RMSPROP_PARAMS: &[HyperParam] = with_shared![lr(0.01), RHO, EPS];
const ADAM_PARAMS: &[HyperParam] = with_shared![lr(0.01), BETA1, BETA2, EPS];
const ADAMW_PARAMS: &[HyperParam] = with_shared![lr(0.01), BETA1, BETA2, EPS, WEIGHT_DECAY];
const ADAGRAD_NOTES_PARAMS: &[HyperParam] = with_shared![lr(0.1)];
const SIGN_PARAMS: &[HyperParam] = with_shared![lr(0.01)];
const PNORM_PARAMS: &[HyperParam] = with_shared![lr(0.03), P];
const NORMALIZED_PARAMS: &[HyperParam] = with_shared![lr(0.01)];
const LARS_PARAMS: &[HyperParam] = with_shared![lr(1.0), TRUST];
const PATH_PARAMS: &[HyperParam] = with_shared![lr(0.03)];
const NATURAL_PARAMS: &[HyperParam] = with_shared![lr(0.1), FISHER_DAMPING];
const MAHALANOBIS_PARAMS: &[HyperParam] = with_shared![lr(0.03), M11, M12, M22];
const NEWTON_PARAMS: &[HyperParam] = with_shared![lr(1.0)];
const SFN_PARAMS: &[HyperParam] = with_shared![lr(1.0), SFN_DAMPING];

impl OptimizerKind {
    /// The hyperparameters this optimizer reads, in display (and URL) order, with defaults and ranges: its own,
    /// then the shared schedule and noise ones ([`super::SHARED`]).
    ///
    /// Defaults: SGD lr 0.03; momentum / Nesterov lr 0.03, μ 0.9; Adagrad lr 0.1, ε 1e-10 (PyTorch);
    /// RMSProp lr 0.01, ρ 0.99 (PyTorch), ε 1e-8; Adam lr 0.01, β₁ 0.9, β₂ 0.999, ε 1e-8; AdamW adds
    /// weight_decay 0.01; notes' Adagrad lr 0.1; sign lr 0.01; p-norm lr 0.03, p 3; normalized and per-layer
    /// normalized lr 0.01 (the trust radius); LARS lr 1, trust 0.01 (a 1 % relative step per tensor); Path-SGD
    /// lr 0.03; natural gradient lr 0.1, damping 0.1; Mahalanobis lr 0.03, M = I; Newton lr 1; saddle-free
    /// Newton lr 1, damping 0.001. Ranges: lr (0, 10]; μ, β₁, β₂, ρ [0, 1) (max [`super::MAX_DECAY`]); ε
    /// [0, 1] (0 allowed for invariance tests); weight_decay [0, 1]; the others on their [`HyperParam`].
    pub fn hyperparams(self) -> &'static [HyperParam] {
        match self {
            Self::Sgd => SGD_PARAMS,
            Self::Momentum | Self::Nesterov => MOMENTUM_PARAMS,
            Self::Adagrad => ADAGRAD_PARAMS,
            Self::Rmsprop => RMSPROP_PARAMS,
            Self::Adam => ADAM_PARAMS,
            Self::AdamW => ADAMW_PARAMS,
            Self::AdagradNotes => ADAGRAD_NOTES_PARAMS,
            Self::Sign => SIGN_PARAMS,
            Self::PNorm => PNORM_PARAMS,
            Self::Normalized | Self::LayerNormalized => NORMALIZED_PARAMS,
            Self::Lars => LARS_PARAMS,
            Self::PathSgd => PATH_PARAMS,
            Self::Natural => NATURAL_PARAMS,
            Self::Mahalanobis => MAHALANOBIS_PARAMS,
            Self::Newton => NEWTON_PARAMS,
            Self::SaddleFreeNewton => SFN_PARAMS,
        }
    }

    /// Whether the optimizer trains networks (the Playground and the Race lab list only these). False for
    /// the 2D-surface methods: Mahalanobis (its M is a user-given 2×2 matrix) and the Newton methods (they
    /// need the dense Hessian, which the network trainers do not compute).
    pub fn on_networks(self) -> bool {
        !matches!(
            self,
            Self::Mahalanobis | Self::Newton | Self::SaddleFreeNewton
        )
    }

    /// Whether the update reads the minibatch's per-sample gradients ([`super::Ctx::per_sample_grads`]).
    pub fn needs_per_sample_grads(self) -> bool {
        self == Self::Natural
    }

    /// Whether the update reads the Hessian ([`super::Ctx::hessian`]); without it these fall back to a
    /// gradient step.
    pub fn needs_hessian(self) -> bool {
        matches!(self, Self::Newton | Self::SaddleFreeNewton)
    }

    /// The keys of the network-capable optimizers, for error messages.
    pub fn network_keys() -> String {
        Self::ALL
            .iter()
            .filter(|k| k.on_networks())
            .map(|k| k.key())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks a full set of values: every given name is one of this optimizer's hyperparameters and in range,
    /// and the joint constraints hold (Mahalanobis: M symmetric positive definite, m11 · m22 > m12²). The first
    /// problem is returned, naming the hyperparameter.
    pub fn check_hypers(self, hyper: &Hyper) -> Result<()> {
        let params = self.hyperparams();
        for (name, &v) in hyper {
            let Some(p) = params.iter().find(|p| p.name == name) else {
                let names: Vec<&str> = params.iter().map(|p| p.name).collect();
                let msg = format!(
                    "not a hyperparameter of {self}; allowed: {}",
                    names.join(", ")
                );
                return Err(Error::invalid(name, msg));
            };
            p.check(v, &p.format(v))?;
        }
        if self == Self::Mahalanobis {
            let h = |n: &str| hyper_value(self, hyper, n);
            let (m11, m12, m22) = (h("m11"), h("m12"), h("m22"));
            if !(m11 > 0.0 && m22 > 0.0 && m11 * m22 - m12 * m12 > 0.0) {
                let msg = format!(
                    "M = [[m11, m12], [m12, m22]] = [[{m11}, {m12}], [{m12}, {m22}]] is not positive \
                     definite: need m11 > 0, m22 > 0 and m12² < m11·m22"
                );
                return Err(Error::invalid("m12", msg));
            }
        }
        Ok(())
    }
}

/// The value of `name` for `kind`: from `hyper` if present, else the default from [`OptimizerKind::hyperparams`];
/// NaN if `kind` does not declare `name` (a catalog bug, caught by the tests).
pub fn hyper_value(kind: OptimizerKind, hyper: &Hyper, name: &str) -> f64 {
    match hyper.get(name) {
        Some(&v) => v,
        None => kind
            .hyperparams()
            .iter()
            .find(|p| p.name == name)
            .map_or(f64::NAN, |p| p.default),
    }
}

/// The blocks implementing `kind` with these hyperparameters (missing names take their defaults).
///
/// The sequence of block kinds depends only on `kind`, never on the values (e.g. AdamW keeps its decay block
/// when λ = 0, every chain keeps its noise blocks when the noise is off), so `Optimizer::set_hyper` can keep
/// every state.
pub fn chain(kind: OptimizerKind, hyper: &Hyper) -> Vec<Block> {
    let h = |name: &str| hyper_value(kind, hyper, name);
    debug_assert!(SHARED.iter().all(|p| !h(p.name).is_nan()));
    let adam = || Block::ScaleByAdam {
        beta1: h("beta1"),
        beta2: h("beta2"),
        eps: h("eps"),
    };
    let own = match kind {
        OptimizerKind::Sgd => vec![],
        OptimizerKind::Momentum | OptimizerKind::Nesterov => vec![Block::Trace {
            momentum: h("momentum"),
            nesterov: kind == OptimizerKind::Nesterov,
        }],
        OptimizerKind::Adagrad => vec![Block::ScaleByRss {
            eps: h("eps"),
            initial_accumulator: 0.0,
        }],
        OptimizerKind::Rmsprop => vec![Block::ScaleByRms {
            rho: h("rho"),
            eps: h("eps"),
        }],
        OptimizerKind::Adam => vec![adam()],
        OptimizerKind::AdamW => vec![
            adam(),
            Block::AddDecayedWeights {
                weight_decay: h("weight_decay"),
            },
        ],
        OptimizerKind::AdagradNotes => vec![Block::ScaleByMeanSquare],
        OptimizerKind::Sign => vec![Block::Sign],
        OptimizerKind::PNorm => vec![Block::PNorm { p: h("p") }],
        OptimizerKind::Normalized => vec![Block::Normalize { per_group: false }],
        OptimizerKind::LayerNormalized => vec![Block::Normalize { per_group: true }],
        OptimizerKind::Lars => vec![Block::TrustRatio { trust: h("trust") }],
        OptimizerKind::PathSgd => vec![Block::PathScale],
        OptimizerKind::Natural => vec![Block::NaturalGradient {
            damping: h("damping"),
        }],
        OptimizerKind::Mahalanobis => vec![Block::Mahalanobis {
            m11: h("m11"),
            m12: h("m12"),
            m22: h("m22"),
        }],
        OptimizerKind::Newton => vec![Block::Newton],
        OptimizerKind::SaddleFreeNewton => vec![Block::SaddleFreeNewton {
            damping: h("damping"),
        }],
    };
    let noise = Block::AddGradientNoise {
        eta: h("grad_noise"),
        gamma: h("grad_noise_decay"),
    };
    let step = Block::ScaleByLr {
        lr: h("lr"),
        schedule: Schedule::from_index(
            h("schedule"),
            h("decay_every"),
            h("decay_rate"),
            h("horizon"),
        ),
        temperature: h("temperature"),
    };
    std::iter::once(noise)
        .chain(own)
        .chain(std::iter::once(step))
        .collect()
}
