//! Optimizers as chains of small composable blocks (the optax idea), and the catalog that names them.

use crate::keyed_enum;

keyed_enum! {
    /// Every optimizer in the catalog. Keys live in URLs: never rename one. Surfaces-only entries (those whose
    /// [`OptimizerKind::on_networks`] is false) come last.
    pub enum OptimizerKind {
        Sgd => ("sgd", "SGD", "Δθ = −lr · g"),
        Momentum => ("momentum", "Heavy-ball momentum", "v ← μ v + g; Δθ = −lr · v"),
        Nesterov => ("nesterov", "Nesterov momentum", "v ← μ v + g; Δθ = −lr · (g + μ v)"),
        Adagrad => ("adagrad", "Adagrad", "s ← s + g²; Δθ = −lr · g / (√s + ε)"),
        Rmsprop => ("rmsprop", "RMSProp", "s ← ρ s + (1−ρ) g²; Δθ = −lr · g / (√s + ε)"),
        Adam => ("adam", "Adam", "bias-corrected EWAs of g and g²; Δθ = −lr · m̂ / (√v̂ + ε)"),
        AdamW => ("adamw", "AdamW", "Adam with decoupled weight decay: Δθ = −lr · (m̂ / (√v̂ + ε) + λ θ)"),
        AdagradNotes => ("adagrad-notes", "Adagrad (lecture notes' form)", "Δθ = −(lr/√t) · g / √Mean(g²₁..ₜ): equals PyTorch's Adagrad with ε = 0"),
        Sign => ("sign", "sign SGD", "Δθ = −lr · sign(g): the per-coordinate trust-region step"),
        PNorm => ("pnorm", "p-norm SGD", "Δθᵢ = −lr · sign(gᵢ)|gᵢ|^{1/(p−1)}: the proximal step in ‖Δθ‖_p^p; p = 2 is SGD"),
        Normalized => ("normalized", "Normalized gradient", "Δθ = −lr · g / ‖g‖: the trust-region step of radius lr"),
        LayerNormalized => ("layer-normalized", "Per-layer normalized gradient", "Δθ_l = −lr · g_l / ‖g_l‖ for every tensor l"),
        Lars => ("lars", "LARS trust ratio", "Δθ_l = −lr · η ‖θ_l‖ / ‖g_l‖ · g_l for every tensor l (You et al. 2017)"),
        PathSgd => ("path-sgd", "Path-SGD", "Δw = −lr · g_w / γ(w), γ the path norm through w of the other weights (Neyshabur et al. 2015)"),
        Natural => ("natural", "Natural gradient (empirical Fisher)", "Δθ = −lr · (F + λI)⁻¹ g, F = (1/B) Σ gᵢ gᵢᵀ over the minibatch; networks of at most 300 parameters"),
        Mahalanobis => ("mahalanobis", "Mahalanobis SGD", "Δθ = −lr · M⁻¹ g with a fixed SPD 2×2 matrix M (2D surfaces)"),
        Newton => ("newton", "Newton", "Δθ = −lr · H⁻¹ g (2D surfaces)"),
        SaddleFreeNewton => ("saddle-free-newton", "Saddle-free Newton", "Δθ = −lr · (|H| + δI)⁻¹ g, |H| from the eigen-decomposition (Dauphin et al. 2014; 2D surfaces)"),
    }
}

/// Metadata of one optimizer hyperparameter, exported to the page through the catalog.
///
/// A number when `choices` is empty; otherwise a choice whose value (in [`Hyper`]) is the index into
/// `choices` and whose query text is the key (`schedule=cosine`); `min` = 0 and `max` = the last index then.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct HyperParam {
    /// Stable key (also the URL key), following optax / the papers: `lr`, `beta1`, `beta2`, `eps`, `momentum`, `weight_decay`, `rho`.
    pub name: &'static str,
    /// Human label.
    pub label: &'static str,
    /// Default value (an index for choices).
    pub default: f64,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Whether `min` itself is allowed (false for e.g. lr > 0).
    pub min_inclusive: bool,
    /// One sentence: meaning, formula role, source.
    pub doc: &'static str,
    /// The keys of a choice-valued hyperparameter; empty for numbers.
    pub choices: &'static [&'static str],
    /// Whether `to_query` leaves it out at its default: the hyperparameters every optimizer shares (schedule,
    /// noise), added after links were pinned, so existing links keep their exact form.
    pub omit_default: bool,
}

/// Hyperparameter values by name (`lr`, `momentum`, ...). Names missing from the map take their defaults.
pub type Hyper = std::collections::BTreeMap<String, f64>;

mod blocks;
mod catalog;
mod chain;
mod layout;
mod params;
mod schedule;

pub(crate) use blocks::gradient_noise_sigma;
pub use blocks::{path_gamma, Block, BlockState, Ctx, MAX_NATURAL_PARAMS};
pub use catalog::{chain, hyper_value};
pub use chain::Optimizer;
pub use layout::Layout;
pub use params::{MAX_DECAY, SHARED};
pub use schedule::{Schedule, SCHEDULES};
