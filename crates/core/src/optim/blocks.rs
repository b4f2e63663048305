//! Gradient transformations with explicit state and a pure update: the building blocks of every optimizer.
//!
//! A block maps an incoming direction `u` (the raw gradient for the first block) to a new direction, reading
//! and writing only its own [`BlockState`]. Blocks are chained by [`super::Optimizer`]; only
//! [`Block::ScaleByLr`] applies the minus sign, so every other block works in "gradient-like" units.
//! Where PyTorch and optax disagree, each variant says which one it follows.
//!
//! Conventions shared by the adaptive blocks: `0 / 0 := 0` (a coordinate whose gradient has always been 0
//! does not move, even with ε = 0), ε is added *outside* the square root (PyTorch; optax's `scale_by_rss`
//! and default `scale_by_rms` put it inside).

use super::layout::Layout;
use crate::linalg::{Matrix, Vector};

/// What a block may read besides the incoming direction and its own state.
///
/// Grows (read-only) as blocks need more: per-layer blocks read `layout`, decoupled weight decay and
/// Path-SGD read `params`; Newton-type blocks read `hessian`.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Current parameters θₜ (before this update).
    pub params: &'a Vector,
    /// Grouping of the flat vector ([`Layout::flat`] unless the caller set one).
    pub layout: &'a Layout,
    /// The Hessian ∇²f(θₜ) when the caller can afford it (2D surfaces, tiny networks); `None` otherwise.
    pub hessian: Option<&'a Matrix>,
}

/// One gradient transformation. Hyperparameters live in the variant; mutable statistics live in the matching
/// [`BlockState`] made by [`Block::init`]. Ranges are those validated by `config.rs` (see `hyperparams()`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Block {
    /// Momentum trace: `v ← μ v + u`; output `v` (heavy ball) or `u + μ v` (Nesterov, with the new `v`).
    ///
    /// No dampening. State `v₀ = 0`. `momentum` μ ∈ [0, 1), default 0.9. Sources: Polyak (1964); Sutskever et
    /// al. (2013) for Nesterov. PyTorch `SGD(momentum, nesterov)` and optax `trace(decay, nesterov)` agree on
    /// both forms (the Nesterov output `g + μ v` is PyTorch's formula, identical to optax's).
    Trace {
        /// Decay μ of the trace.
        momentum: f64,
        /// Output `u + μ v` instead of `v`.
        nesterov: bool,
    },
    /// Adagrad scaling: `s ← s + u²`; output `u / (√s + ε)` elementwise.
    ///
    /// Follows PyTorch `Adagrad`: `s₀ = initial_accumulator = 0` and ε outside the root, default ε 1e-10
    /// (optax `scale_by_rss` uses `s₀ = 0.1` and `u / √(s + ε)` with ε 1e-7). Without lr decay.
    /// Source: Duchi, Hazan & Singer (2011). ε ∈ [0, 1]; initial_accumulator ≥ 0.
    ScaleByRss {
        /// ε added to `√s`.
        eps: f64,
        /// Starting value of every entry of `s`.
        initial_accumulator: f64,
    },
    /// RMSProp scaling: `s ← ρ s + (1−ρ) u²`; output `u / (√s + ε)` elementwise, no bias correction.
    ///
    /// Follows PyTorch `RMSprop` (uncentred, no momentum): `s₀ = 0`, ρ (`alpha`) default 0.99, ε 1e-8 outside the
    /// root. optax `rmsprop` defaults to decay 0.9 and ε inside the root (`eps_in_sqrt=True`).
    /// Source: Tieleman & Hinton (2012), Lecture 6.5. ρ ∈ [0, 1), ε ∈ [0, 1].
    ScaleByRms {
        /// Decay ρ of the mean square.
        rho: f64,
        /// ε added to `√s`.
        eps: f64,
    },
    /// Adam scaling: `m ← β₁ m + (1−β₁) u`, `v ← β₂ v + (1−β₂) u²`, `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`;
    /// output `m̂ / (√v̂ + ε)` elementwise, with t = 1 on the first update.
    ///
    /// The bias correction divides by `1 − βᵗ` (not `1 − β`, a bug of older browser libraries).
    /// Defaults β₁ 0.9, β₂ 0.999, ε 1e-8 outside the root — PyTorch `Adam` and optax `scale_by_adam` agree
    /// (optax's `eps_root` is fixed to 0 here). Source: Kingma & Ba (2015), Algorithm 1.
    /// β₁, β₂ ∈ [0, 1), ε ∈ [0, 1]. With ε = 0 the output is invariant to positive scaling of the gradients.
    ScaleByAdam {
        /// First-moment decay β₁.
        beta1: f64,
        /// Second-moment decay β₂.
        beta2: f64,
        /// ε added to `√v̂`.
        eps: f64,
    },
    /// Decoupled weight decay: output `u + λ θ` (θ = current parameters).
    ///
    /// Placed before [`Block::ScaleByLr`], so the decay is multiplied by lr: `Δθ = −lr (u + λ θ)`, as PyTorch
    /// `AdamW` (`θ ← θ (1 − lr λ)`) and optax `adamw` do. Loshchilov & Hutter (2019) multiply by a schedule
    /// multiplier ηₜ instead of lr; we follow the libraries. λ ∈ [0, 1], default 0.01 (PyTorch; optax 1e-4).
    AddDecayedWeights {
        /// Decay λ.
        weight_decay: f64,
    },
    /// The final step: output `−lr · u`. The only block that applies the minus sign.
    ///
    /// lr ∈ (0, 10] for users (0 is accepted here and leaves the parameters unchanged). Source: optax
    /// `scale_by_learning_rate`.
    ScaleByLr {
        /// Learning rate η.
        lr: f64,
    },
}

/// The mutable statistics of one [`Block`], created by [`Block::init`]. Vectors have one entry per parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockState {
    /// Stateless block.
    Empty,
    /// [`Block::Trace`]: the momentum buffer v.
    Trace {
        /// Momentum buffer.
        v: Vector,
    },
    /// [`Block::ScaleByRss`]: the running sum of squares s.
    Rss {
        /// Σ u².
        sum_sq: Vector,
    },
    /// [`Block::ScaleByRms`]: the exponential mean square s.
    Rms {
        /// EWA of u².
        mean_sq: Vector,
    },
    /// [`Block::ScaleByAdam`]: both moments and the update count t.
    Adam {
        /// First moment m.
        m: Vector,
        /// Second moment v.
        v: Vector,
        /// Number of updates applied so far (t after the update).
        count: u64,
    },
}

/// `a / b` with `0 / 0 := 0` (b ≥ 0 here, and b = 0 only when every gradient so far was 0).
fn safe_div(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

impl Block {
    /// Fresh state for `n` parameters (zeros; Adagrad's sum starts at `initial_accumulator`).
    pub fn init(&self, n: usize) -> BlockState {
        match *self {
            Block::Trace { .. } => BlockState::Trace {
                v: Vector::zeros(n),
            },
            Block::ScaleByRss {
                initial_accumulator,
                ..
            } => BlockState::Rss {
                sum_sq: Vector::from_element(n, initial_accumulator),
            },
            Block::ScaleByRms { .. } => BlockState::Rms {
                mean_sq: Vector::zeros(n),
            },
            Block::ScaleByAdam { .. } => BlockState::Adam {
                m: Vector::zeros(n),
                v: Vector::zeros(n),
                count: 0,
            },
            Block::AddDecayedWeights { .. } | Block::ScaleByLr { .. } => BlockState::Empty,
        }
    }

    /// Whether `state` was made by this kind of block for `n` parameters.
    pub fn state_fits(&self, state: &BlockState, n: usize) -> bool {
        match (self, state) {
            (Block::Trace { .. }, BlockState::Trace { v }) => v.len() == n,
            (Block::ScaleByRss { .. }, BlockState::Rss { sum_sq }) => sum_sq.len() == n,
            (Block::ScaleByRms { .. }, BlockState::Rms { mean_sq }) => mean_sq.len() == n,
            (Block::ScaleByAdam { .. }, BlockState::Adam { m, v, .. }) => {
                m.len() == n && v.len() == n
            }
            (Block::AddDecayedWeights { .. } | Block::ScaleByLr { .. }, BlockState::Empty) => true,
            _ => false,
        }
    }

    /// Transforms the direction `u`, updating `state`. A state that does not fit (other block kind or length)
    /// is replaced by a fresh one first, so this never panics.
    pub fn update(&self, mut u: Vector, state: &mut BlockState, ctx: &Ctx) -> Vector {
        if !self.state_fits(state, u.len()) {
            *state = self.init(u.len());
        }
        match (*self, state) {
            (Block::Trace { momentum, nesterov }, BlockState::Trace { v }) => {
                v.zip_apply(&u, |vi, ui| *vi = momentum * *vi + ui);
                if nesterov {
                    u.zip_apply(v, |ui, vi| *ui += momentum * vi);
                } else {
                    u.copy_from(v);
                }
            }
            (Block::ScaleByRss { eps, .. }, BlockState::Rss { sum_sq }) => {
                sum_sq.zip_apply(&u, |si, ui| *si += ui * ui);
                u.zip_apply(sum_sq, |ui, si| *ui = safe_div(*ui, si.sqrt() + eps));
            }
            (Block::ScaleByRms { rho, eps }, BlockState::Rms { mean_sq }) => {
                mean_sq.zip_apply(&u, |si, ui| *si = rho * *si + (1.0 - rho) * ui * ui);
                u.zip_apply(mean_sq, |ui, si| *ui = safe_div(*ui, si.sqrt() + eps));
            }
            (Block::ScaleByAdam { beta1, beta2, eps }, BlockState::Adam { m, v, count }) => {
                *count += 1;
                m.zip_apply(&u, |mi, ui| *mi = beta1 * *mi + (1.0 - beta1) * ui);
                v.zip_apply(&u, |vi, ui| *vi = beta2 * *vi + (1.0 - beta2) * ui * ui);
                let t = *count as f64;
                let (c1, c2) = (1.0 - beta1.powf(t), 1.0 - beta2.powf(t));
                u.zip_zip_apply(m, v, |ui, mi, vi| {
                    *ui = safe_div(mi / c1, (vi / c2).sqrt() + eps);
                });
            }
            (Block::AddDecayedWeights { weight_decay }, _) if ctx.params.len() == u.len() => {
                u.axpy(weight_decay, ctx.params, 1.0);
            }
            (Block::ScaleByLr { lr }, _) => u *= -lr,
            // Unreachable: the state was made to fit above.
            _ => {}
        }
        u
    }
}
