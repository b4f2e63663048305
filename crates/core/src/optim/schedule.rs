//! Learning-rate schedules: the multiplier of lr at update t, shared by every optimizer.

/// Keys of the `schedule` hyperparameter, in index order (the value stored in `Hyper` is the index).
pub const SCHEDULES: &[&str] = &["constant", "inv-sqrt", "step", "cosine"];

/// The multiplier `m(t)` of lr at update t (t = 0 on the first update, as optax counts), so every schedule
/// starts at 1. Sources: optax `constant_schedule`, `exponential_decay(staircase=True)`,
/// `cosine_decay_schedule` (alpha = 0); the notes' Adagrad for 1/√t.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Schedule {
    /// `m = 1` (`constant`, the default).
    #[default]
    Constant,
    /// `m = 1/√(t + 1)` (`inv-sqrt`): the decay that guarantees convergence of the notes' Adagrad.
    InvSqrt,
    /// `m = γ^⌊t / k⌋` (`step`): × γ every k updates. k (`decay_every`) ∈ [1, 10⁶], default 1000; γ
    /// (`decay_rate`) ∈ (0, 1], default 0.5. PyTorch `StepLR(step_size=k, gamma=γ)`.
    Step {
        /// k: updates between decays.
        every: f64,
        /// γ: factor per decay.
        rate: f64,
    },
    /// `m = ½ (1 + cos(π min(t, T) / T))` (`cosine`): from 1 down to 0 at t = T, then 0. T (`horizon`) ∈
    /// [1, 10⁷], default 10000. Loshchilov & Hutter (2017) without restarts; PyTorch `CosineAnnealingLR`
    /// (η_min = 0) and optax `cosine_decay_schedule` (alpha = 0) agree.
    Cosine {
        /// T: updates until lr reaches 0.
        horizon: f64,
    },
}

impl Schedule {
    /// The schedule with index `index` in [`SCHEDULES`] (constant for an unknown index) and its parameters.
    pub fn from_index(index: f64, every: f64, rate: f64, horizon: f64) -> Schedule {
        match index as i64 {
            1 => Schedule::InvSqrt,
            2 => Schedule::Step { every, rate },
            3 => Schedule::Cosine { horizon },
            _ => Schedule::Constant,
        }
    }

    /// The multiplier at update t (0-based).
    pub fn multiplier(self, t: u64) -> f64 {
        let t = t as f64;
        match self {
            Schedule::Constant => 1.0,
            Schedule::InvSqrt => 1.0 / (t + 1.0).sqrt(),
            Schedule::Step { every, rate } => rate.powf((t / every.max(1.0)).floor()),
            Schedule::Cosine { horizon } => {
                let h = horizon.max(1.0);
                0.5 * (1.0 + (std::f64::consts::PI * t.min(h) / h).cos())
            }
        }
    }
}
