//! [`Optimizer`]: a chain of blocks with their states, built from the catalog and applied once per step.

use super::{chain, Block, BlockState, Ctx, Hyper, Layout, OptimizerKind};
use crate::linalg::{Matrix, Vector};

/// An optimizer: the blocks of [`chain`]`(kind, hyper)` and one [`BlockState`] per block.
///
/// Usage: `params += opt.update(&grad, &params)` once per step.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimizer {
    kind: OptimizerKind,
    blocks: Vec<Block>,
    states: Vec<BlockState>,
    layout: Layout,
    steps: u64,
    seed: u64,
}

impl Optimizer {
    /// A fresh optimizer for `n_params` parameters; names missing from `hyper` take their defaults, extra
    /// names are ignored. Values are assumed validated (`config.rs`). The layout is [`Layout::flat`].
    pub fn new(kind: OptimizerKind, hyper: &Hyper, n_params: usize) -> Optimizer {
        let blocks = chain(kind, hyper);
        let states = blocks.iter().map(|b| b.init(n_params)).collect();
        Optimizer {
            kind,
            blocks,
            states,
            layout: Layout::flat(n_params),
            steps: 0,
            seed: 0,
        }
        .with_seed(0)
    }

    /// Seeds the generators of the noise blocks (gradient noise, Langevin noise): block i draws from
    /// `rng::seeded(seed, i)`, so the same seed gives the same noise on every machine. `new` uses seed 0.
    /// Restarts the noise sequences; call it before the first update.
    pub fn with_seed(mut self, seed: u64) -> Optimizer {
        self.seed = seed;
        for (i, state) in self.states.iter_mut().enumerate() {
            if let BlockState::Noise { rng } = state {
                *rng = crate::rng::seeded(seed, i as u64);
            }
        }
        self
    }

    /// The seed of the noise blocks ([`Optimizer::with_seed`]).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Sets the parameter grouping read by per-layer blocks (e.g. `Layout::mlp(&mlp.widths())`).
    pub fn with_layout(mut self, layout: Layout) -> Optimizer {
        self.layout = layout;
        self
    }

    /// The update to add to the parameters: `params += update(grad, params)`.
    ///
    /// Runs `grad` through every block in order; the last block ([`Block::ScaleByLr`]) returns `−lr · u`.
    /// `grad` and `params` must have the optimizer's length (states are re-created if they do not).
    pub fn update(&mut self, grad: &Vector, params: &Vector) -> Vector {
        self.update_with_hessian(grad, params, None)
    }

    /// [`Optimizer::update`] with the Hessian at `params`, for blocks that use curvature (Newton); blocks
    /// that do not need it ignore it.
    pub fn update_with_hessian(
        &mut self,
        grad: &Vector,
        params: &Vector,
        hessian: Option<&Matrix>,
    ) -> Vector {
        self.update_with(grad, params, hessian, None)
    }

    /// [`Optimizer::update`] with the minibatch's per-sample gradients (P × B, one column per sample), for
    /// the natural gradient ([`OptimizerKind::needs_per_sample_grads`]); other blocks ignore them.
    pub fn update_with_per_sample_grads(
        &mut self,
        grad: &Vector,
        params: &Vector,
        per_sample_grads: Option<&Matrix>,
    ) -> Vector {
        self.update_with(grad, params, None, per_sample_grads)
    }

    fn update_with(
        &mut self,
        grad: &Vector,
        params: &Vector,
        hessian: Option<&Matrix>,
        per_sample_grads: Option<&Matrix>,
    ) -> Vector {
        let ctx = Ctx {
            params,
            layout: &self.layout,
            hessian,
            per_sample_grads,
            step: self.steps,
        };
        let mut u = grad.clone();
        for (block, state) in self.blocks.iter().zip(self.states.iter_mut()) {
            u = block.update(u, state, &ctx);
        }
        self.steps += 1;
        u
    }

    /// Changes hyperparameters (lr, β, …) keeping every state (moments, traces, step count): live edits.
    /// Names missing from `hyper` return to their defaults.
    pub fn set_hyper(&mut self, hyper: &Hyper) {
        self.blocks = chain(self.kind, hyper);
        // The catalog's block sequence depends only on the kind, so states (and the noise generators) still
        // fit; a mismatch (never expected) is repaired lazily by `Block::update`.
    }

    /// Number of `update` calls so far.
    pub fn step_count(&self) -> u64 {
        self.steps
    }

    /// The optimizer's kind.
    pub fn kind(&self) -> OptimizerKind {
        self.kind
    }

    /// The chain of blocks, in application order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The state of each block (same order as [`Optimizer::blocks`]).
    pub fn states(&self) -> &[BlockState] {
        &self.states
    }

    /// The parameter layout read by per-layer blocks.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}
