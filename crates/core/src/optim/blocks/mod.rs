//! Gradient transformations with explicit state and a pure update: the building blocks of every optimizer.
//!
//! A block maps an incoming direction `u` (the raw gradient for the first block) to a new direction, reading
//! and writing only its own [`BlockState`]. Blocks are chained by [`super::Optimizer`]; only
//! [`Block::ScaleByLr`] applies the minus sign, so every other block works in "gradient-like" units.
//! Where PyTorch and optax disagree, each variant says which one it follows.
//!
//! Conventions shared by the blocks: `0 / 0 := 0` (a coordinate or tensor whose gradient is 0 does not move,
//! even with ε = 0), ε is added *outside* the square root (PyTorch; optax's `scale_by_rss` and default
//! `scale_by_rms` put it inside). The update formulas live in the family files: `adaptive` (momentum, Adagrad,
//! RMSProp, Adam, weight decay), `trust` (sign, p-norm, normalization, trust ratios), `curvature` (Mahalanobis,
//! natural gradient, Newton), `path` (Path-SGD) and `noise` (gradient noise, the learning-rate step with its
//! schedule and Langevin noise).

mod adaptive;
mod curvature;
mod noise;
mod path;
mod trust;

use super::layout::Layout;
use super::schedule::Schedule;
use crate::linalg::{Matrix, Vector};
use crate::rng::Rng;

pub use curvature::MAX_NATURAL_PARAMS;
pub(crate) use noise::gradient_noise_sigma;
pub use path::path_gamma;

/// What a block may read besides the incoming direction and its own state.
///
/// Grows (read-only) as blocks need more: per-layer blocks read `layout`, decoupled weight decay and
/// Path-SGD read `params`; Newton-type blocks read `hessian`; the natural gradient reads `per_sample_grads`;
/// schedules and gradient noise read `step`.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Current parameters θₜ (before this update).
    pub params: &'a Vector,
    /// Grouping of the flat vector ([`Layout::flat`] unless the caller set one).
    pub layout: &'a Layout,
    /// The Hessian ∇²f(θₜ) when the caller can afford it (2D surfaces, tiny networks); `None` otherwise.
    pub hessian: Option<&'a Matrix>,
    /// The minibatch's per-sample gradients, one column per sample (P × B), when the caller provides them
    /// (the f64 trainer does for optimizers with [`super::OptimizerKind::needs_per_sample_grads`]).
    pub per_sample_grads: Option<&'a Matrix>,
    /// Number of updates applied before this one (0 on the first): the t of schedules and gradient noise.
    pub step: u64,
}

impl<'a> Ctx<'a> {
    /// A context with parameters and layout only (no curvature, no per-sample gradients, step 0).
    pub fn new(params: &'a Vector, layout: &'a Layout) -> Ctx<'a> {
        Ctx {
            params,
            layout,
            hessian: None,
            per_sample_grads: None,
            step: 0,
        }
    }
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
    /// Adagrad as the lecture notes write it: output `(1/√t) · u / √(Mean(u²₁..ₜ))` elementwise, t = 1 on the
    /// first update, no ε (`0 / 0 := 0`).
    ///
    /// Since `Mean = s / t` with `s = Σ u²`, the two `√t` cancel and this equals PyTorch's Adagrad
    /// ([`Block::ScaleByRss`]) with ε = 0 and `s₀ = 0`: the notes' `1/√t` is the decaying step that
    /// guarantees convergence, made explicit. Differences from PyTorch's form: no ε (PyTorch 1e-10 outside
    /// the root), so the first step is exactly `−lr · sign(g)`. Source: the notes; Duchi et al. (2011).
    ScaleByMeanSquare,
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
    /// Sign: output `sign(u)` elementwise, `sign(0) = 0`: the step of the trust region `|Δθᵢ| ≤ lr` for every
    /// coordinate (the notes' per-coordinate trust region). Invariant to positive diagonal scaling of the
    /// gradient. Source: the notes; Bernstein et al. (2018) signSGD (optax `scale_by_sign`).
    Sign,
    /// p-norm proximal direction: output `sign(u)|u|^{1/(p−1)}` elementwise, the minimiser of
    /// `⟨u, d⟩ + (1/p)‖d‖_p^p` (negated): the notes' "p-norm SGD". p = 2 is the identity (SGD); p → 1 tends to
    /// a very aggressive step, p → ∞ to sign SGD. p ∈ (1, 10], default 3. Source: the notes (proximal problem).
    PNorm {
        /// The norm's p > 1.
        p: f64,
    },
    /// Normalization: output `u / ‖u‖₂` over all parameters (`per_group = false`) or per group of the
    /// [`Layout`] (per tensor with `Layout::mlp`); a zero (group) gradient gives a zero output. With lr as the
    /// radius ε this is the notes' trust-region step `Δθ = −ε g/‖g‖`. optax: `normalize_by_update_norm`
    /// (global); per tensor is the notes' "normalizing per layer / tensor".
    Normalize {
        /// Normalize each layout group separately instead of the whole vector.
        per_group: bool,
    },
    /// Layer-wise trust ratio (LARS): per layout group l, output `η · ‖θ_l‖ / ‖u_l‖ · u_l`.
    ///
    /// When ‖θ_l‖ = 0 (zero-initialised biases) or ‖u_l‖ = 0 the ratio is 1, i.e. that tensor takes a plain
    /// `−lr · u_l` step — optax `scale_by_trust_ratio` does the same; You et al. do not say. No weight decay
    /// term in the ratio (You et al.'s `β‖θ‖` in the denominator; combine with AdamW-style decay instead).
    /// η (`trust`) ∈ (0, 1], default 0.01 (You et al. 2017 use 0.001 with large global lr). Source: You,
    /// Gitman & Ginsburg (2017), LARS.
    TrustRatio {
        /// Trust coefficient η.
        trust: f64,
    },
    /// Mahalanobis step: output `M⁻¹ u` for a 2-parameter problem with M = [[m11, m12], [m12, m22]]
    /// (symmetric positive definite, checked by `OptimizerKind::check_hypers`); the proximal step with the
    /// metric `‖Δθ‖_M` of the notes. Identity on vectors of any other length (surfaces only).
    Mahalanobis {
        /// M₁₁.
        m11: f64,
        /// M₁₂ = M₂₁.
        m12: f64,
        /// M₂₂.
        m22: f64,
    },
    /// Natural gradient with the damped empirical Fisher: output `(F + λI)⁻¹ u`, `F = (1/B) Σᵢ gᵢ gᵢᵀ` over the
    /// columns gᵢ of [`Ctx::per_sample_grads`], solved by Cholesky. Without per-sample gradients (or with a
    /// size mismatch) the block is the identity (a gradient step). Dense: O(P² B + P³) per step, so only for at
    /// most [`MAX_NATURAL_PARAMS`] parameters. λ (`damping`) ∈ (0, 10], default 0.1. Sources: Amari (1998);
    /// the empirical-Fisher caveats of Kunstner et al. (2019).
    NaturalGradient {
        /// Damping λ added to the Fisher's diagonal.
        damping: f64,
    },
    /// Newton direction: output `H⁻¹ u` with H = [`Ctx::hessian`] (LU solve). Without a Hessian, or when it is
    /// singular, the block is the identity (a gradient step). Invariant under linear reparameterization
    /// θ = A y. Source: the notes; Nocedal & Wright (2006), ch. 3.
    Newton,
    /// Saddle-free Newton: output `(|H| + δI)⁻¹ u` with `|H| = V|Λ|Vᵀ` from the eigen-decomposition of
    /// [`Ctx::hessian`], so negative-curvature directions are descended instead of attracting the step.
    /// Without a Hessian (or if the eigen-decomposition fails) the block is the identity. δ (`damping`) ∈
    /// [0, 10], default 1e-3. Source: Dauphin et al. (2014).
    SaddleFreeNewton {
        /// Damping δ added to |H|'s eigenvalues.
        damping: f64,
    },
    /// Path-SGD scaling: output `uᵢ / γᵢ`, γ(w) = Σ over input→output paths through w of the product of the
    /// other weights squared (biases are weights from a constant unit of value 1); see [`path_gamma`].
    /// Reads `Layout::widths` and the parameters in `Mlp::params` order; parameters past the affine ones
    /// (batch-norm γ, β) and layouts without widths (2D surfaces) pass through unchanged. `0 / 0 := 0`.
    /// Invariant to ReLU node rescaling. Source: Neyshabur, Salakhutdinov & Srebro (2015), eq. (7) with p = 2.
    PathScale,
    /// Gaussian gradient noise: output `u + N(0, σₜ² I)` with `σₜ² = η / (1 + t)^γ`, t = [`Ctx::step`]
    /// (0 on the first update). η = 0 switches it off (no draws). η ∈ [0, 10], default 0 (Neelakantan et al.
    /// 2015 pick η from {0.01, 0.3, 1.0}); γ ∈ [0, 2], default 0.55 (theirs). Source: Neelakantan et al.
    /// (2015), "Adding gradient noise improves learning for very deep networks".
    AddGradientNoise {
        /// Noise scale η.
        eta: f64,
        /// Annealing exponent γ.
        gamma: f64,
    },
    /// The final step: output `−lrₜ · u + N(0, 2 lrₜ T I)`, lrₜ = lr · schedule(t) with t = [`Ctx::step`]. The
    /// only block that applies the minus sign.
    ///
    /// lr ∈ (0, 10] for users (0 is accepted here and leaves the parameters unchanged). Schedules: see
    /// [`Schedule`]. The noise is stochastic gradient Langevin dynamics (Welling & Teh 2011: Δθ = −(ε/2)∇U +
    /// N(0, ε), i.e. with lr = ε/2 and temperature T = 1 the variance 2·lr); T = 0 switches it off (no draws).
    /// The issue text writes the variance as 2·lr/temperature, i.e. its parameter is an inverse temperature;
    /// we use the temperature T itself (variance 2·lr·T) so that T = 0 is plain SGD and larger T means more
    /// noise, as in physics and in the SGLD literature. Source: optax `scale_by_learning_rate` for the step.
    ScaleByLr {
        /// Learning rate η.
        lr: f64,
        /// Multiplier of lr by step.
        schedule: Schedule,
        /// Langevin temperature T ∈ [0, 1].
        temperature: f64,
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
    /// [`Block::ScaleByRss`] and [`Block::ScaleByMeanSquare`]: the running sum of squares s.
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
    /// Noise blocks ([`Block::AddGradientNoise`], [`Block::ScaleByLr`]): their own seeded generator
    /// (re-seeded by `Optimizer::with_seed`).
    Noise {
        /// The generator the Gaussian draws come from.
        rng: Rng,
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
    /// Fresh state for `n` parameters (zeros; Adagrad's sum starts at `initial_accumulator`; noise blocks get
    /// the generator of seed 0, see `Optimizer::with_seed`).
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
            Block::ScaleByMeanSquare => BlockState::Rss {
                sum_sq: Vector::zeros(n),
            },
            Block::ScaleByRms { .. } => BlockState::Rms {
                mean_sq: Vector::zeros(n),
            },
            Block::ScaleByAdam { .. } => BlockState::Adam {
                m: Vector::zeros(n),
                v: Vector::zeros(n),
                count: 0,
            },
            Block::AddGradientNoise { .. } | Block::ScaleByLr { .. } => BlockState::Noise {
                rng: crate::rng::seeded(0, 0),
            },
            Block::AddDecayedWeights { .. }
            | Block::Sign
            | Block::PNorm { .. }
            | Block::Normalize { .. }
            | Block::TrustRatio { .. }
            | Block::Mahalanobis { .. }
            | Block::NaturalGradient { .. }
            | Block::Newton
            | Block::SaddleFreeNewton { .. }
            | Block::PathScale => BlockState::Empty,
        }
    }

    /// Whether `state` was made by this kind of block for `n` parameters.
    pub fn state_fits(&self, state: &BlockState, n: usize) -> bool {
        match (self, state) {
            (Block::Trace { .. }, BlockState::Trace { v }) => v.len() == n,
            (Block::ScaleByRss { .. } | Block::ScaleByMeanSquare, BlockState::Rss { sum_sq }) => {
                sum_sq.len() == n
            }
            (Block::ScaleByRms { .. }, BlockState::Rms { mean_sq }) => mean_sq.len() == n,
            (Block::ScaleByAdam { .. }, BlockState::Adam { m, v, .. }) => {
                m.len() == n && v.len() == n
            }
            (
                Block::AddGradientNoise { .. } | Block::ScaleByLr { .. },
                BlockState::Noise { .. },
            ) => true,
            (_, BlockState::Empty) => matches!(self.init(0), BlockState::Empty),
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
                adaptive::trace(&mut u, v, momentum, nesterov);
            }
            (Block::ScaleByRss { eps, .. }, BlockState::Rss { sum_sq }) => {
                adaptive::rss(&mut u, sum_sq, eps);
            }
            (Block::ScaleByMeanSquare, BlockState::Rss { sum_sq }) => {
                adaptive::mean_square(&mut u, sum_sq, ctx.step + 1);
            }
            (Block::ScaleByRms { rho, eps }, BlockState::Rms { mean_sq }) => {
                adaptive::rms(&mut u, mean_sq, rho, eps);
            }
            (Block::ScaleByAdam { beta1, beta2, eps }, BlockState::Adam { m, v, count }) => {
                adaptive::adam(&mut u, m, v, count, (beta1, beta2, eps));
            }
            (Block::AddDecayedWeights { weight_decay }, _) if ctx.params.len() == u.len() => {
                u.axpy(weight_decay, ctx.params, 1.0);
            }
            (Block::Sign, _) => u.apply(|x| *x = trust::sign(*x)),
            (Block::PNorm { p }, _) => u.apply(|x| *x = trust::pnorm(*x, p)),
            (Block::Normalize { per_group }, _) => trust::normalize(&mut u, ctx.layout, per_group),
            (Block::TrustRatio { trust: eta }, _) => trust::trust_ratio(&mut u, ctx, eta),
            (Block::Mahalanobis { m11, m12, m22 }, _) => {
                curvature::mahalanobis(&mut u, [m11, m12, m22]);
            }
            (Block::NaturalGradient { damping }, _) => {
                curvature::natural(&mut u, ctx.per_sample_grads, damping);
            }
            (Block::Newton, _) => curvature::newton(&mut u, ctx.hessian),
            (Block::SaddleFreeNewton { damping }, _) => {
                curvature::saddle_free_newton(&mut u, ctx.hessian, damping);
            }
            (Block::PathScale, _) => path::scale(&mut u, ctx),
            (Block::AddGradientNoise { eta, gamma }, BlockState::Noise { rng }) => {
                noise::add_gradient_noise(&mut u, rng, eta, gamma, ctx.step);
            }
            (
                Block::ScaleByLr {
                    lr,
                    schedule,
                    temperature,
                },
                BlockState::Noise { rng },
            ) => noise::scale_by_lr(&mut u, rng, lr * schedule.multiplier(ctx.step), temperature),
            // Unreachable: the state was made to fit above (or decay with a mismatched params length).
            _ => {}
        }
        u
    }
}
