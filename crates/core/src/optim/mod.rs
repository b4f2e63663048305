//! Optimizers as chains of small composable blocks (the optax idea), and the catalog that names them.

use crate::keyed_enum;

keyed_enum! {
    /// Every optimizer in the catalog. Keys live in URLs: never rename one.
    pub enum OptimizerKind {
        Sgd => ("sgd", "SGD", "Δθ = −lr · g"),
        Momentum => ("momentum", "Heavy-ball momentum", "v ← μ v + g; Δθ = −lr · v"),
        Nesterov => ("nesterov", "Nesterov momentum", "v ← μ v + g; Δθ = −lr · (g + μ v)"),
        Adagrad => ("adagrad", "Adagrad", "s ← s + g²; Δθ = −lr · g / (√s + ε)"),
        Rmsprop => ("rmsprop", "RMSProp", "s ← ρ s + (1−ρ) g²; Δθ = −lr · g / (√s + ε)"),
        Adam => ("adam", "Adam", "bias-corrected EWAs of g and g²; Δθ = −lr · m̂ / (√v̂ + ε)"),
        AdamW => ("adamw", "AdamW", "Adam with decoupled weight decay: Δθ = −lr · (m̂ / (√v̂ + ε) + λ θ)"),
    }
}

/// Metadata of one optimizer hyperparameter, exported to the page through the catalog.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct HyperParam {
    /// Stable key (also the URL key), following optax / the papers: `lr`, `beta1`, `beta2`, `eps`, `momentum`, `weight_decay`, `rho`.
    pub name: &'static str,
    /// Human label.
    pub label: &'static str,
    /// Default value.
    pub default: f64,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Whether `min` itself is allowed (false for e.g. lr > 0).
    pub min_inclusive: bool,
    /// One sentence: meaning, formula role, source.
    pub doc: &'static str,
}

/// Hyperparameter values by name (`lr`, `momentum`, ...). Names missing from the map take their defaults.
pub type Hyper = std::collections::BTreeMap<String, f64>;

mod blocks;
mod catalog;
mod chain;
mod layout;

pub use blocks::{Block, BlockState, Ctx};
pub use catalog::{chain, hyper_value, MAX_DECAY};
pub use chain::Optimizer;
pub use layout::Layout;
