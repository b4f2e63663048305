//! The optimizer catalog: per [`OptimizerKind`], its hyperparameters and the chain of blocks that implements it.
//!
//! Adding an optimizer is one entry here (a `hyperparams()` arm and a `chain()` arm) plus at most one new
//! [`Block`], plus its line in `keyed_enum!`. Planned entries and their blocks: sign SGD = `sign -> lr`;
//! p-norm SGD (Δθᵢ = −lr sign(gᵢ)|gᵢ|^{1/(p−1)}, the proximal step in the p-norm) = `pnorm(p) -> lr`; normalized
//! GD / trust region (Δθ = −lr g/‖g‖) = `normalize(global) -> lr`; per-layer trust region =
//! `normalize(per group of `Layout`) -> lr`; Path-SGD = `path_scale -> lr` (reads `Layout::widths` and the
//! parameters); Newton = `newton -> lr` (needs a curvature oracle in [`super::Ctx`]).

use super::{Block, Hyper, HyperParam, OptimizerKind};

/// Learning rate η: the final block multiplies the direction by −η. Range (0, 10].
const fn lr(default: f64) -> HyperParam {
    HyperParam {
        name: "lr",
        label: "Learning rate",
        default,
        min: 0.0,
        max: 10.0,
        min_inclusive: false,
        doc: "Step size η in Δθ = −η · direction; range (0, 10].",
    }
}

/// Upper bound used for decay rates in [0, 1): `HyperParam` has no exclusive-max flag, so the largest
/// allowed value is 0.9999 (a rate of exactly 1 freezes the average and zeroes Adam's bias correction).
pub const MAX_DECAY: f64 = 0.9999;

const MOMENTUM: HyperParam = HyperParam {
    name: "momentum",
    label: "Momentum μ",
    default: 0.9,
    min: 0.0,
    max: MAX_DECAY,
    min_inclusive: true,
    doc: "Trace decay μ in v ← μ v + g (Polyak 1964; PyTorch/optax form without dampening); range [0, 1).",
};

const EPS_ADAGRAD: HyperParam = HyperParam {
    name: "eps",
    label: "Epsilon ε",
    default: 1e-10,
    min: 0.0,
    max: 1.0,
    min_inclusive: true,
    doc: "ε outside the root in g / (√s + ε); PyTorch default 1e-10 (optax 1e-7); range [0, 1].",
};

const EPS: HyperParam = HyperParam {
    name: "eps",
    label: "Epsilon ε",
    default: 1e-8,
    min: 0.0,
    max: 1.0,
    min_inclusive: true,
    doc: "ε outside the root in g / (√v + ε) (PyTorch and optax); default 1e-8; range [0, 1].",
};

const RHO: HyperParam = HyperParam {
    name: "rho",
    label: "Decay ρ",
    default: 0.99,
    min: 0.0,
    max: MAX_DECAY,
    min_inclusive: true,
    doc: "RMSProp decay ρ in s ← ρ s + (1−ρ) g²; default 0.99 as PyTorch `alpha` (optax `decay` 0.9); range [0, 1).",
};

const BETA1: HyperParam = HyperParam {
    name: "beta1",
    label: "β₁",
    default: 0.9,
    min: 0.0,
    max: MAX_DECAY,
    min_inclusive: true,
    doc: "First-moment decay β₁ in m ← β₁ m + (1−β₁) g (Kingma & Ba 2015); default 0.9; range [0, 1).",
};

const BETA2: HyperParam = HyperParam {
    name: "beta2",
    label: "β₂",
    default: 0.999,
    min: 0.0,
    max: MAX_DECAY,
    min_inclusive: true,
    doc: "Second-moment decay β₂ in v ← β₂ v + (1−β₂) g² (Kingma & Ba 2015); default 0.999; range [0, 1).",
};

const WEIGHT_DECAY: HyperParam = HyperParam {
    name: "weight_decay",
    label: "Weight decay λ",
    default: 0.01,
    min: 0.0,
    max: 1.0,
    min_inclusive: true,
    doc: "Decoupled decay λ in Δθ = −η (m̂/(√v̂+ε) + λ θ), multiplied by η as PyTorch and optax \
          (Loshchilov & Hutter 2019); default 0.01; range [0, 1].",
};

const SGD_PARAMS: &[HyperParam] = &[lr(0.03)];
const MOMENTUM_PARAMS: &[HyperParam] = &[lr(0.03), MOMENTUM];
const ADAGRAD_PARAMS: &[HyperParam] = &[lr(0.1), EPS_ADAGRAD];
const RMSPROP_PARAMS: &[HyperParam] = &[lr(0.01), RHO, EPS];
const ADAM_PARAMS: &[HyperParam] = &[lr(0.01), BETA1, BETA2, EPS];
const ADAMW_PARAMS: &[HyperParam] = &[lr(0.01), BETA1, BETA2, EPS, WEIGHT_DECAY];

impl OptimizerKind {
    /// The hyperparameters this optimizer reads, in display (and URL) order, with defaults and ranges.
    ///
    /// Defaults: SGD lr 0.03; momentum / Nesterov lr 0.03, μ 0.9; Adagrad lr 0.1, ε 1e-10 (PyTorch);
    /// RMSProp lr 0.01, ρ 0.99 (PyTorch), ε 1e-8; Adam lr 0.01, β₁ 0.9, β₂ 0.999, ε 1e-8; AdamW adds
    /// weight_decay 0.01. Ranges: lr (0, 10]; μ, β₁, β₂, ρ [0, 1) (max [`MAX_DECAY`]); ε [0, 1]
    /// (0 allowed for invariance tests); weight_decay [0, 1].
    pub fn hyperparams(self) -> &'static [HyperParam] {
        match self {
            Self::Sgd => SGD_PARAMS,
            Self::Momentum | Self::Nesterov => MOMENTUM_PARAMS,
            Self::Adagrad => ADAGRAD_PARAMS,
            Self::Rmsprop => RMSPROP_PARAMS,
            Self::Adam => ADAM_PARAMS,
            Self::AdamW => ADAMW_PARAMS,
        }
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
/// when λ = 0), so `Optimizer::set_hyper` can keep every state.
pub fn chain(kind: OptimizerKind, hyper: &Hyper) -> Vec<Block> {
    let h = |name: &str| hyper_value(kind, hyper, name);
    let lr = Block::ScaleByLr { lr: h("lr") };
    let adam = || Block::ScaleByAdam {
        beta1: h("beta1"),
        beta2: h("beta2"),
        eps: h("eps"),
    };
    match kind {
        OptimizerKind::Sgd => vec![lr],
        OptimizerKind::Momentum | OptimizerKind::Nesterov => vec![
            Block::Trace {
                momentum: h("momentum"),
                nesterov: kind == OptimizerKind::Nesterov,
            },
            lr,
        ],
        OptimizerKind::Adagrad => vec![
            Block::ScaleByRss {
                eps: h("eps"),
                initial_accumulator: 0.0,
            },
            lr,
        ],
        OptimizerKind::Rmsprop => vec![
            Block::ScaleByRms {
                rho: h("rho"),
                eps: h("eps"),
            },
            lr,
        ],
        OptimizerKind::Adam => vec![adam(), lr],
        OptimizerKind::AdamW => vec![
            adam(),
            Block::AddDecayedWeights {
                weight_decay: h("weight_decay"),
            },
            lr,
        ],
    }
}
