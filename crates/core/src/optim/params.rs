//! Every optimizer hyperparameter's metadata (name, default, range, source), the shared schedule and noise
//! hyperparameters, and the generic check / parse / format of a value.

use super::schedule::SCHEDULES;
use super::HyperParam;
use crate::{Error, Result};

/// A numeric hyperparameter (the common case).
const fn num(
    name: &'static str,
    label: &'static str,
    default: f64,
    (min, max, min_inclusive): (f64, f64, bool),
    doc: &'static str,
) -> HyperParam {
    HyperParam {
        name,
        label,
        default,
        min,
        max,
        min_inclusive,
        doc,
        choices: &[],
        omit_default: false,
    }
}

/// A shared hyperparameter (omitted from links at its default).
const fn shared(p: HyperParam) -> HyperParam {
    HyperParam {
        omit_default: true,
        ..p
    }
}

/// Learning rate η: the final block multiplies the direction by −η. Range (0, 10].
pub(super) const fn lr(default: f64) -> HyperParam {
    num(
        "lr",
        "Learning rate",
        default,
        (0.0, 10.0, false),
        "Step size η in Δθ = −η · direction; range (0, 10].",
    )
}

/// Upper bound used for decay rates in [0, 1): `HyperParam` has no exclusive-max flag, so the largest
/// allowed value is 0.9999 (a rate of exactly 1 freezes the average and zeroes Adam's bias correction).
pub const MAX_DECAY: f64 = 0.9999;

pub(super) const MOMENTUM: HyperParam = num(
    "momentum",
    "Momentum μ",
    0.9,
    (0.0, MAX_DECAY, true),
    "Trace decay μ in v ← μ v + g (Polyak 1964; PyTorch/optax form without dampening); range [0, 1).",
);

pub(super) const EPS_ADAGRAD: HyperParam = num(
    "eps",
    "Epsilon ε",
    1e-10,
    (0.0, 1.0, true),
    "ε outside the root in g / (√s + ε); PyTorch default 1e-10 (optax 1e-7); range [0, 1].",
);

pub(super) const EPS: HyperParam = num(
    "eps",
    "Epsilon ε",
    1e-8,
    (0.0, 1.0, true),
    "ε outside the root in g / (√v + ε) (PyTorch and optax); default 1e-8; range [0, 1].",
);

pub(super) const RHO: HyperParam = num(
    "rho",
    "Decay ρ",
    0.99,
    (0.0, MAX_DECAY, true),
    "RMSProp decay ρ in s ← ρ s + (1−ρ) g²; default 0.99 as PyTorch `alpha` (optax `decay` 0.9); range [0, 1).",
);

pub(super) const BETA1: HyperParam = num(
    "beta1",
    "β₁",
    0.9,
    (0.0, MAX_DECAY, true),
    "First-moment decay β₁ in m ← β₁ m + (1−β₁) g (Kingma & Ba 2015); default 0.9; range [0, 1).",
);

pub(super) const BETA2: HyperParam = num(
    "beta2",
    "β₂",
    0.999,
    (0.0, MAX_DECAY, true),
    "Second-moment decay β₂ in v ← β₂ v + (1−β₂) g² (Kingma & Ba 2015); default 0.999; range [0, 1).",
);

pub(super) const WEIGHT_DECAY: HyperParam = num(
    "weight_decay",
    "Weight decay λ",
    0.01,
    (0.0, 1.0, true),
    "Decoupled decay λ in Δθ = −η (m̂/(√v̂+ε) + λ θ), multiplied by η as PyTorch and optax \
     (Loshchilov & Hutter 2019); default 0.01; range [0, 1].",
);

pub(super) const P: HyperParam = num(
    "p",
    "Norm p",
    3.0,
    (1.0, 10.0, false),
    "The p of the proximal term (1/p)‖Δθ‖_p^p: Δθᵢ = −lr sign(gᵢ)|gᵢ|^{1/(p−1)}; p = 2 is SGD, large p \
     tends to sign SGD (the notes); default 3; range (1, 10].",
);

pub(super) const TRUST: HyperParam = num(
    "trust",
    "Trust coefficient η",
    0.01,
    (0.0, 1.0, false),
    "LARS trust coefficient η in Δθ_l = −lr η ‖θ_l‖/‖g_l‖ g_l; ratio 1 when ‖θ_l‖ or ‖g_l‖ is 0 (as optax); \
     You et al. (2017) use 0.001 with a large lr; default 0.01; range (0, 1].",
);

pub(super) const FISHER_DAMPING: HyperParam = num(
    "damping",
    "Damping λ",
    0.1,
    (0.0, 10.0, false),
    "λ in (F + λI)⁻¹ g, F the minibatch's empirical Fisher (1/B) Σ gᵢgᵢᵀ; keeps the solve well posed when \
     B < P; default 0.1; range (0, 10].",
);

pub(super) const SFN_DAMPING: HyperParam = num(
    "damping",
    "Damping δ",
    1e-3,
    (0.0, 10.0, true),
    "δ in (|H| + δI)⁻¹ g (Dauphin et al. 2014); bounds the step along flat directions; default 0.001; \
     range [0, 10].",
);

pub(super) const M11: HyperParam = num(
    "m11",
    "M₁₁",
    1.0,
    (0.0, 100.0, false),
    "Entry (1,1) of the metric M in Δθ = −lr M⁻¹ g; M must be symmetric positive definite \
     (m11 > 0, m11·m22 > m12²); default 1; range (0, 100].",
);

pub(super) const M12: HyperParam = num(
    "m12",
    "M₁₂ = M₂₁",
    0.0,
    (-100.0, 100.0, true),
    "Off-diagonal entry of the metric M (symmetric); M must be positive definite: m12² < m11·m22; \
     default 0; range [−100, 100].",
);

pub(super) const M22: HyperParam = num(
    "m22",
    "M₂₂",
    1.0,
    (0.0, 100.0, false),
    "Entry (2,2) of the metric M in Δθ = −lr M⁻¹ g; default 1; range (0, 100].",
);

const SCHEDULE: HyperParam = shared(HyperParam {
    choices: SCHEDULES,
    ..num(
        "schedule",
        "LR schedule",
        0.0,
        (0.0, 3.0, true),
        "Multiplier of lr at update t (0 first): constant 1; inv-sqrt 1/√(t+1); step γ^⌊t/k⌋; cosine \
         ½(1 + cos(π min(t,T)/T)) (optax / PyTorch schedules).",
    )
});

const DECAY_EVERY: HyperParam = shared(num(
    "decay_every",
    "Decay every k",
    1000.0,
    (1.0, 1e6, true),
    "Step schedule: lr × γ every k updates (PyTorch StepLR step_size); default 1000; range [1, 1000000].",
));

const DECAY_RATE: HyperParam = shared(num(
    "decay_rate",
    "Decay factor γ",
    0.5,
    (0.0, 1.0, false),
    "Step schedule: factor γ per decay (PyTorch StepLR gamma); default 0.5; range (0, 1].",
));

const HORIZON: HyperParam = shared(num(
    "horizon",
    "Cosine horizon T",
    10000.0,
    (1.0, 1e7, true),
    "Cosine schedule: updates T until lr reaches 0 (then it stays 0); default 10000; range [1, 10000000].",
));

const GRAD_NOISE: HyperParam = shared(num(
    "grad_noise",
    "Gradient noise η",
    0.0,
    (0.0, 10.0, true),
    "Gaussian noise added to the gradient with variance η/(1+t)^γ (Neelakantan et al. 2015, who use η in \
     {0.01, 0.3, 1}); 0 = off; range [0, 10].",
));

const GRAD_NOISE_DECAY: HyperParam = shared(num(
    "grad_noise_decay",
    "Gradient noise decay γ",
    0.55,
    (0.0, 2.0, true),
    "Annealing exponent γ of the gradient-noise variance η/(1+t)^γ; default 0.55 (Neelakantan et al. 2015); \
     range [0, 2].",
));

const TEMPERATURE: HyperParam = shared(num(
    "temperature",
    "Langevin temperature T",
    0.0,
    (0.0, 1.0, true),
    "SGLD (Welling & Teh 2011): N(0, 2·lr·T) added to every parameter step; T is a temperature (the issue's \
     2·lr/temperature uses its inverse); 0 = off; range [0, 1].",
));

/// The hyperparameters every optimizer has after its own: the lr schedule and the injected noise. All default
/// to "off", and `to_query` omits them at their defaults.
pub const SHARED: &[HyperParam] = &[
    SCHEDULE,
    DECAY_EVERY,
    DECAY_RATE,
    HORIZON,
    GRAD_NOISE,
    GRAD_NOISE_DECAY,
    TEMPERATURE,
];

/// `&[own…, SHARED…]` as one static slice.
macro_rules! with_shared {
    ($($p:expr),* $(,)?) => {
        &[$($p,)* SHARED[0], SHARED[1], SHARED[2], SHARED[3], SHARED[4], SHARED[5], SHARED[6]]
    };
}
pub(super) use with_shared;

/// `[lo, hi]` or `(lo, hi]` in shortest float form.
fn interval(lo: f64, hi: f64, lo_inclusive: bool) -> String {
    format!("{}{lo}, {hi}]", if lo_inclusive { '[' } else { '(' })
}

/// A user value echoed in a message, cut to 40 characters.
fn shown(text: &str) -> String {
    text.chars().take(40).collect()
}

impl HyperParam {
    /// Whether this is a choice (its value an index into `choices`).
    pub fn is_choice(&self) -> bool {
        !self.choices.is_empty()
    }

    /// The allowed values as text: `[0, 1)`-style interval, or the choice keys joined by ", ".
    pub fn allowed(&self) -> String {
        if self.is_choice() {
            self.choices.join(", ")
        } else {
            interval(self.min, self.max, self.min_inclusive)
        }
    }

    /// Checks a value: a finite number in range, or a whole index of `choices`. The error names the
    /// hyperparameter, the allowed values and `shown_value`.
    pub fn check(&self, v: f64, shown_value: &str) -> Result<()> {
        let above_min = if self.min_inclusive {
            v >= self.min
        } else {
            v > self.min
        };
        let whole = !self.is_choice() || v.fract() == 0.0;
        if v.is_finite() && above_min && v <= self.max && whole {
            Ok(())
        } else {
            Err(Error::out_of_range(
                self.name,
                self.allowed(),
                shown(shown_value),
            ))
        }
    }

    /// Parses query text: a choice key (its index) or a number, then [`HyperParam::check`]s it.
    pub fn parse(&self, text: &str) -> Result<f64> {
        let t = text.trim();
        if self.is_choice() {
            return match self.choices.iter().position(|&c| c == t) {
                Some(i) => Ok(i as f64),
                None => Err(Error::UnknownKey {
                    field: self.name.into(),
                    allowed: self.allowed(),
                    value: shown(t),
                }),
            };
        }
        let v = t.parse::<f64>().map_err(|_| Error::Parse {
            field: self.name.into(),
            value: shown(t),
            reason: format!("expected a number in {}", self.allowed()),
        })?;
        self.check(v, t).map(|()| v)
    }

    /// Query text of a value: the choice key, or the number in shortest round-trip form.
    pub fn format(&self, v: f64) -> String {
        match self.choices.get(v as usize) {
            Some(key) if self.is_choice() && v >= 0.0 && v.fract() == 0.0 => (*key).to_string(),
            _ => format!("{v}"),
        }
    }
}
