//! The optimizer catalog applied in place to f32 slices: the same block chains as [`crate::optim`], with f32
//! states and no allocation per step.
//!
//! The chain (which blocks, in which order, with which hyperparameters) comes from [`crate::optim::chain`], so
//! the catalog stays the one definition of every optimizer; this file only re-states each block's per-element
//! update for f32 slices (documented on [`Block`]), and the tests pin it to the f64 [`crate::optim::Optimizer`]
//! for every optimizer it supports. Only elementwise blocks are mirrored ([`Optimizer32::supports`]): those
//! that need a whole-vector norm, the layout, curvature or per-sample gradients train on the f64 path.

use super::simd::F32x4;
use crate::optim::{chain, Block, Hyper, OptimizerKind};
use crate::rng::{normal, seeded, Rng};

/// The f32 state of one block (one entry per parameter), mirroring [`crate::optim::BlockState`].
#[derive(Debug, Clone, PartialEq)]
enum State {
    /// Stateless block.
    Empty,
    /// Momentum buffer v.
    Trace(Vec<f32>),
    /// Adagrad's Σ u², or RMSProp's EWA of u².
    Squares(Vec<f32>),
    /// Adam's moments m, v and the update count t.
    Adam {
        m: Vec<f32>,
        v: Vec<f32>,
        count: u64,
    },
    /// The generator of a noise block (seeded as the f64 optimizer's: `seeded(seed, block index)`).
    Noise(Rng),
}

impl State {
    fn new(block: &Block, n: usize) -> State {
        match *block {
            Block::Trace { .. } => State::Trace(vec![0.0; n]),
            Block::ScaleByRss {
                initial_accumulator,
                ..
            } => State::Squares(vec![initial_accumulator as f32; n]),
            Block::ScaleByRms { .. } | Block::ScaleByMeanSquare => State::Squares(vec![0.0; n]),
            Block::ScaleByAdam { .. } => State::Adam {
                m: vec![0.0; n],
                v: vec![0.0; n],
                count: 0,
            },
            Block::AddGradientNoise { .. } | Block::ScaleByLr { .. } => State::Noise(seeded(0, 0)),
            _ => State::Empty,
        }
    }
}

/// Whether the f32 mirror implements this block (the elementwise ones).
fn mirrored(block: &Block) -> bool {
    matches!(
        block,
        Block::Trace { .. }
            | Block::ScaleByRss { .. }
            | Block::ScaleByMeanSquare
            | Block::ScaleByRms { .. }
            | Block::ScaleByAdam { .. }
            | Block::AddDecayedWeights { .. }
            | Block::Sign
            | Block::PNorm { .. }
            | Block::AddGradientNoise { .. }
            | Block::ScaleByLr { .. }
    )
}

/// Elements per chunk of [`Optimizer32::propose`]: every block runs over one chunk (gradient, states and
/// parameters all in L1) before the next chunk is loaded, so the whole step reads each array once.
const CHUNK: usize = 512;

/// An optimizer from the catalog working on f32 parameters in one pass: see [`Optimizer32::propose`].
#[derive(Debug, Clone, PartialEq)]
pub struct Optimizer32 {
    kind: OptimizerKind,
    blocks: Vec<Block>,
    states: Vec<State>,
    /// This step's constants per block (kept to avoid an allocation per step).
    steps: Vec<Step>,
    /// Updates applied so far (the t of schedules, gradient noise and the notes' Adagrad).
    count: u64,
}

/// A block's per-step constants (Adam's bias corrections for this t, f32 hyperparameters).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Trace {
        mu: f32,
        nesterov: bool,
    },
    Rss {
        eps: f32,
    },
    MeanSquare {
        inv_t: f32,
        decay: f32,
    },
    Sign,
    PNorm {
        power: f32,
    },
    Noise {
        sigma: f64,
    },
    Rms {
        rho: f32,
        eps: f32,
    },
    Adam {
        b1: f32,
        b2: f32,
        eps: f32,
        inv_c1: f32,
        inv_c2: f32,
    },
    Decay {
        wd: f32,
    },
    Lr {
        scale: f32,
        sigma: f64,
    },
    /// A block the mirror does not implement (never built: see [`Optimizer32::supports`]).
    Unsupported,
}

impl Optimizer32 {
    /// A fresh optimizer for `n_params` parameters (missing hyperparameters take their defaults).
    pub fn new(kind: OptimizerKind, hyper: &Hyper, n_params: usize) -> Optimizer32 {
        let blocks = chain(kind, hyper);
        let states = blocks.iter().map(|b| State::new(b, n_params)).collect();
        Optimizer32 {
            kind,
            blocks,
            states,
            steps: Vec::new(),
            count: 0,
        }
        .with_seed(0)
    }

    /// Whether the f32 mirror implements every block of `kind`'s chain (all elementwise: SGD, momentum,
    /// Nesterov, the Adagrads, RMSProp, Adam(W), sign, p-norm, with any schedule and noise). The others —
    /// normalized gradients, LARS, Path-SGD, the natural gradient and the surface-only methods — need the
    /// whole gradient, the layout, curvature or per-sample gradients, and train on the f64 reference path.
    pub fn supports(kind: OptimizerKind) -> bool {
        chain(kind, &Hyper::new()).iter().all(mirrored)
    }

    /// Seeds the noise blocks exactly as [`crate::optim::Optimizer::with_seed`] does, so both paths draw the
    /// same noise.
    pub fn with_seed(mut self, seed: u64) -> Optimizer32 {
        for (i, state) in self.states.iter_mut().enumerate() {
            if let State::Noise(rng) = state {
                *rng = seeded(seed, i as u64);
            }
        }
        self
    }

    /// The optimizer's kind.
    pub fn kind(&self) -> OptimizerKind {
        self.kind
    }

    /// Changes hyperparameters keeping every state (the catalog's block sequence depends only on the kind).
    pub fn set_hyper(&mut self, hyper: &Hyper) {
        self.blocks = chain(self.kind, hyper);
    }

    /// One step, proposed: on entry `u` holds the gradient; on return it holds θ + Δθ, the parameters after
    /// the update that [`crate::optim::Optimizer::update`] would compute in f64 (`params` = θ is only read).
    /// Returns whether every proposed parameter is finite; the caller then adopts `u` (e.g. by swapping the
    /// buffers) or keeps θ. The states advance either way, as the f64 optimizer's do.
    ///
    /// Every block of the catalog is elementwise, so the chain runs chunk by chunk in a single pass over the
    /// arrays (gradient, states, parameters), which is what bounds large models: a block that needs the whole
    /// gradient first (a global norm) would need a pass of its own here.
    ///
    /// One deliberate difference from the f64 blocks: states that decay below `f32::MIN_POSITIVE` (≈ 1.2e-38;
    /// e.g. Adam's moments for a dead ReLU unit, whose gradient stays 0) are flushed to 0 instead of going
    /// subnormal, which on x86 — wasm included — costs a microcode assist per operation (T2 slowed 3–5× after
    /// ~750 steps without it). No update changes by more than ~1e-30 · lr.
    pub fn propose(&mut self, u: &mut [f32], params: &[f32]) -> bool {
        let n = u.len();
        self.steps.clear();
        for (block, state) in self.blocks.iter().zip(self.states.iter_mut()) {
            if !fits(block, state, n) {
                *state = State::new(block, n);
            }
            self.steps.push(prepare(block, state, self.count));
        }
        self.count += 1;
        // A noiseless learning-rate step at the end of the chain (every catalog chain ends in one) is folded
        // into the final add: p + (−lr·u) is the same two roundings as scaling first, in one pass instead of two.
        let (blocks, scale) = match self.steps.split_last() {
            Some((&Step::Lr { scale, sigma: 0.0 }, rest)) => (rest.len(), scale),
            _ => (self.steps.len(), 1.0),
        };
        let mut finite = true;
        for begin in (0..n).step_by(CHUNK) {
            let range = begin..(begin + CHUNK).min(n);
            let (uc, pc) = (&mut u[range.clone()], &params[range.clone()]);
            for (step, state) in self.steps[..blocks].iter().zip(self.states.iter_mut()) {
                run(*step, state, range.clone(), uc, pc);
            }
            finite &= add_scaled_checking_finite(uc, pc, scale);
        }
        finite
    }
}

/// A block's constants for update `t` (0-based); Adam's update count advances here (once per step).
fn prepare(block: &Block, state: &mut State, t: u64) -> Step {
    match *block {
        Block::Trace { momentum, nesterov } => Step::Trace {
            mu: momentum as f32,
            nesterov,
        },
        Block::ScaleByRss { eps, .. } => Step::Rss { eps: eps as f32 },
        Block::ScaleByRms { rho, eps } => Step::Rms {
            rho: rho as f32,
            eps: eps as f32,
        },
        Block::ScaleByAdam { beta1, beta2, eps } => {
            let t = match state {
                State::Adam { count, .. } => {
                    *count += 1;
                    *count as f64
                }
                _ => 1.0,
            };
            Step::Adam {
                b1: beta1 as f32,
                b2: beta2 as f32,
                eps: eps as f32,
                inv_c1: (1.0 / (1.0 - beta1.powf(t))) as f32,
                inv_c2: (1.0 / (1.0 - beta2.powf(t))) as f32,
            }
        }
        Block::AddDecayedWeights { weight_decay } => Step::Decay {
            wd: weight_decay as f32,
        },
        Block::ScaleByMeanSquare => {
            let t = (t + 1) as f64;
            Step::MeanSquare {
                inv_t: (1.0 / t) as f32,
                decay: (1.0 / t.sqrt()) as f32,
            }
        }
        Block::Sign => Step::Sign,
        Block::PNorm { p } => Step::PNorm {
            power: (1.0 / (p - 1.0)) as f32,
        },
        Block::AddGradientNoise { eta, gamma } => Step::Noise {
            sigma: if eta > 0.0 {
                crate::optim::gradient_noise_sigma(eta, gamma, t)
            } else {
                0.0
            },
        },
        Block::ScaleByLr {
            lr,
            schedule,
            temperature,
        } => {
            let lr_t = lr * schedule.multiplier(t);
            let sigma = if temperature > 0.0 && lr_t > 0.0 {
                (2.0 * lr_t * temperature).sqrt()
            } else {
                0.0
            };
            Step::Lr {
                scale: -lr_t as f32,
                sigma,
            }
        }
        _ => Step::Unsupported,
    }
}

/// `x += σ ξ` with ξ ~ N(0, 1) drawn in index order (the f64 draw rounded once).
fn add_noise(u: &mut [f32], rng: &mut Rng, sigma: f64) {
    if sigma > 0.0 {
        for x in u.iter_mut() {
            *x += (sigma * normal(rng)) as f32;
        }
    }
}

/// One block on one chunk (`range` of the full vector); formulas, defaults and sources are on [`Block`].
fn run(step: Step, state: &mut State, range: std::ops::Range<usize>, u: &mut [f32], p: &[f32]) {
    let splat = F32x4::splat;
    match (step, state) {
        (Step::Trace { mu, nesterov }, State::Trace(v)) => {
            // v ← μ v + u; u ← v (heavy ball) or u + μ v (Nesterov).
            let m = splat(mu);
            lanes2(u, &mut v[range], |u, v| {
                let v = (m * v + u).flush_subnormal();
                (if nesterov { u + m * v } else { v }, v)
            });
        }
        (Step::Rss { eps }, State::Squares(s)) => {
            // s ← s + u²; u ← u / (√s + ε), 0 / 0 := 0.
            lanes2(u, &mut s[range], |u, s| {
                let s = (s + u * u).flush_subnormal();
                (u.div_or_zero(s.sqrt() + splat(eps)), s)
            });
        }
        (Step::Rms { rho, eps }, State::Squares(s)) => {
            // s ← ρ s + (1 − ρ) u²; u ← u / (√s + ε).
            lanes2(u, &mut s[range], |u, s| {
                let s = (splat(rho) * s + splat(1.0 - rho) * u * u).flush_subnormal();
                (u.div_or_zero(s.sqrt() + splat(eps)), s)
            });
        }
        (
            Step::Adam {
                b1,
                b2,
                eps,
                inv_c1,
                inv_c2,
            },
            State::Adam { m, v, .. },
        ) => {
            // m ← β₁ m + (1−β₁) u; v ← β₂ v + (1−β₂) u²; u ← (m / c₁) / (√(v / c₂) + ε), c = 1 − βᵗ.
            let (m, v) = (&mut m[range.clone()], &mut v[range]);
            lanes3(u, m, v, |g, m, v| {
                let m = (splat(b1) * m + splat(1.0 - b1) * g).flush_subnormal();
                let v = (splat(b2) * v + splat(1.0 - b2) * g * g).flush_subnormal();
                (
                    (m * splat(inv_c1)).div_or_zero((v * splat(inv_c2)).sqrt() + splat(eps)),
                    m,
                    v,
                )
            });
        }
        (Step::Decay { wd }, State::Empty) => {
            // u ← u + λ θ.
            for (ui, pi) in u.iter_mut().zip(p) {
                *ui += wd * pi;
            }
        }
        (Step::MeanSquare { inv_t, decay }, State::Squares(s)) => {
            // s ← s + u²; u ← (1/√t) u / √(s / t), 0 / 0 := 0.
            lanes2(u, &mut s[range], |u, s| {
                let s = (s + u * u).flush_subnormal();
                (u.div_or_zero((s * splat(inv_t)).sqrt()) * splat(decay), s)
            });
        }
        (Step::Sign, State::Empty) => {
            // u ← sign(u), sign(0) = 0.
            for x in u.iter_mut() {
                *x = if *x == 0.0 { 0.0 } else { x.signum() };
            }
        }
        (Step::PNorm { power }, State::Empty) => {
            // u ← sign(u) |u|^{1/(p−1)}.
            for x in u.iter_mut() {
                *x = if *x == 0.0 {
                    0.0
                } else {
                    x.signum() * x.abs().powf(power)
                };
            }
        }
        (Step::Noise { sigma }, State::Noise(rng)) => add_noise(u, rng, sigma),
        (Step::Lr { scale, sigma }, State::Noise(rng)) => {
            // u ← −lrₜ · u + √(2 lrₜ T) ξ.
            for ui in u.iter_mut() {
                *ui *= scale;
            }
            add_noise(u, rng, sigma);
        }
        // Unreachable: `propose` made every state fit its block.
        _ => {}
    }
}

/// u ← p + scale·u (scale 1 is exact: plain p + u), returning whether every result is finite. 0·x is ±0 for
/// finite x and NaN otherwise, so one vector sum of those decides, without a branch per element.
#[inline(always)]
fn add_scaled_checking_finite(u: &mut [f32], p: &[f32], scale: f32) -> bool {
    let (mut probe, zero, lanes) = (F32x4::zero(), F32x4::zero(), F32x4::splat(scale));
    let mut us = u.chunks_exact_mut(4);
    let mut ps = p.chunks_exact(4);
    for (uc, pc) in (&mut us).zip(&mut ps) {
        let next = F32x4::load(pc) + F32x4::load(uc) * lanes;
        probe = probe + next * zero;
        next.store(uc);
    }
    let mut finite = probe.sum() == 0.0;
    for (ui, pi) in us.into_remainder().iter_mut().zip(ps.remainder()) {
        *ui = pi + *ui * scale;
        finite &= ui.is_finite();
    }
    finite
}

/// Runs `f(u, s) -> (u', s')` over two equal-length slices four lanes at a time (the tail through zero-padded
/// lanes), writing both back: the loop shape of the one-state blocks, vectorized in wasm too.
#[inline(always)]
fn lanes2(u: &mut [f32], s: &mut [f32], f: impl Fn(F32x4, F32x4) -> (F32x4, F32x4)) {
    let mut us = u.chunks_exact_mut(4);
    let mut ss = s.chunks_exact_mut(4);
    for (uc, sc) in (&mut us).zip(&mut ss) {
        let (nu, ns) = f(F32x4::load(uc), F32x4::load(sc));
        nu.store(uc);
        ns.store(sc);
    }
    let (ut, st) = (us.into_remainder(), ss.into_remainder());
    let (mut ub, mut sb) = ([0.0; 4], [0.0; 4]);
    ub[..ut.len()].copy_from_slice(ut);
    sb[..st.len()].copy_from_slice(st);
    let (nu, ns) = f(F32x4::load(&ub), F32x4::load(&sb));
    ut.copy_from_slice(&nu.to_array()[..ut.len()]);
    st.copy_from_slice(&ns.to_array()[..st.len()]);
}

/// [`lanes2`] with two state slices (Adam's m and v).
#[inline(always)]
fn lanes3(
    u: &mut [f32],
    m: &mut [f32],
    v: &mut [f32],
    f: impl Fn(F32x4, F32x4, F32x4) -> (F32x4, F32x4, F32x4),
) {
    let mut us = u.chunks_exact_mut(4);
    let mut ms = m.chunks_exact_mut(4);
    let mut vs = v.chunks_exact_mut(4);
    for ((uc, mc), vc) in (&mut us).zip(&mut ms).zip(&mut vs) {
        let (nu, nm, nv) = f(F32x4::load(uc), F32x4::load(mc), F32x4::load(vc));
        nu.store(uc);
        nm.store(mc);
        nv.store(vc);
    }
    let (ut, mt, vt) = (
        us.into_remainder(),
        ms.into_remainder(),
        vs.into_remainder(),
    );
    let (mut ub, mut mb, mut vb) = ([0.0; 4], [0.0; 4], [0.0; 4]);
    ub[..ut.len()].copy_from_slice(ut);
    mb[..mt.len()].copy_from_slice(mt);
    vb[..vt.len()].copy_from_slice(vt);
    let (nu, nm, nv) = f(F32x4::load(&ub), F32x4::load(&mb), F32x4::load(&vb));
    ut.copy_from_slice(&nu.to_array()[..ut.len()]);
    mt.copy_from_slice(&nm.to_array()[..mt.len()]);
    vt.copy_from_slice(&nv.to_array()[..vt.len()]);
}

/// Whether `state` was made by `block` for `n` parameters.
fn fits(block: &Block, state: &State, n: usize) -> bool {
    match (block, state) {
        (Block::Trace { .. }, State::Trace(v)) => v.len() == n,
        (
            Block::ScaleByRss { .. } | Block::ScaleByRms { .. } | Block::ScaleByMeanSquare,
            State::Squares(s),
        ) => s.len() == n,
        (Block::ScaleByAdam { .. }, State::Adam { m, v, .. }) => m.len() == n && v.len() == n,
        (Block::AddGradientNoise { .. } | Block::ScaleByLr { .. }, State::Noise(_)) => true,
        (_, State::Empty) => matches!(State::new(block, 0), State::Empty),
        _ => false,
    }
}

#[cfg(test)]
#[path = "optim_tests.rs"]
mod tests;
