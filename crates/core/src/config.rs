//! Run configuration: one declarative field table ([`FIELDS`]) drives validation with field-naming messages,
//! the lossless URL query form and the catalog's field list.
//!
//! Query rules (`from_query`): a leading `#` or `?` is ignored; pairs are `key=value` joined by `&`; keys and
//! values are percent-decoded (`%2C` → `,`; `+` stays `+`). A missing key takes its default *in context* (one
//! tanh per hidden layer, the dataset task's default head, the optimizer's default hyperparameters). A bad
//! value falls back the same way and yields an [`Error`] naming the field, the allowed range and the value.
//! Unknown keys, a hyperparameter the chosen optimizer does not read, and repeated keys (the first value is
//! used, as `URLSearchParams.get`) are reported as errors too, so a typo never vanishes silently.

mod display;
mod edits;
mod field;
mod inputs;
mod noise;
mod reparam;
mod table;

pub use display::Display;
pub(crate) use edits::check_edit;
pub use edits::{
    encode_weights, StopAt, WeightEdit, MAX_EDITS, MAX_EDIT_VALUE, MAX_STOP_EPOCHS, MAX_STOP_LOSS,
};
pub use field::{Field, FieldKind};
pub use inputs::{encode_points, encode_removed};
pub use reparam::MAX_WEIGHT_NOISE;
pub use table::{FIELDS, MAX_LAYERS, MAX_SIGMA, MAX_WIDTH};

use crate::data::{AddedPoint, DatasetKind, Task};
use crate::dropout::DropoutConfig;
use crate::features::{self, Feature};
use crate::loss::{Head, Regularizer};
use crate::mlp::{Activation, Init, MlpSpec, Norm, Rescale};
use crate::optim::{hyper_value, Hyper, OptimizerKind};
use crate::registry::Keyed;
use crate::{Error, Result};
use field::shown;
use std::collections::BTreeMap;

/// Largest seed: 2^53 − 1, the largest integer a JavaScript number holds exactly.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// Hidden-layer activation used when the query names none.
pub const DEFAULT_ACTIVATION: Activation = Activation::Tanh;

/// Everything that defines a run. Ranges and defaults: see [`FIELDS`] (and `docs/ARCHITECTURE.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Seed of every random stream. Default 1; range [0, 2^53 − 1].
    pub seed: u64,
    /// The dataset. Default circle.
    pub dataset: DatasetKind,
    /// Samples generated before the split. Default 400; range [10, 2000].
    pub samples: usize,
    /// Data noise σ in data units (see `data.rs`). Default 0.1; range [0, 1].
    pub noise: f64,
    /// Held-out fraction. Default 0.5; range [0.1, 0.9].
    pub test_fraction: f64,
    /// Points added by clicking (`pts`), joined to the generated ones before the split. Default none.
    pub added: Vec<AddedPoint>,
    /// Increasing indices of generated points removed by clicking (`del`). Default none.
    pub removed: Vec<usize>,
    /// The network's input features (`feat`), in [`Feature`] registry order. Default x1,x2 (1-D sets: x1).
    pub features: Vec<Feature>,
    /// Hidden widths, input side first. Default [4, 2]; at most 6 layers, widths [1, 256].
    pub hidden: Vec<usize>,
    /// One activation per hidden layer (same length as `hidden`). Default tanh.
    pub activations: Vec<Activation>,
    /// Output head; must be in `dataset.task().heads()`. Default sigmoid-bce.
    pub head: Head,
    /// Weight initialisation. Default glorot.
    pub init: Init,
    /// Normalization layers (`bn`): none, or batch normalization after every hidden linear map (the session
    /// then trains on the f64 reference path). Default none.
    pub norm: Norm,
    /// Function-preserving rescaling of the initial network (`rescale`), applied after the initialisation
    /// or the frozen weights: node rescaling without `bn`, the weights before each normalization with it.
    /// Default none.
    pub rescale: Rescale,
    /// Weight noise σ (`wnoise`): each training step's forward and backward pass use θ + σ ε with
    /// ε ~ N(0, I); the gradient is applied to θ. Default 0 (off); range [0, 1].
    pub weight_noise: f64,
    /// Noise per layer input (`hidden.len() + 1` entries) and the scaling rule. Default none, inverted.
    pub dropout: DropoutConfig,
    /// Weight penalty. Default none.
    pub regularizer: Regularizer,
    /// Penalty strength λ. Default 0.001; range [0, 1].
    pub lambda: f64,
    /// Optimizer. Default sgd.
    pub optimizer: OptimizerKind,
    /// The optimizer's hyperparameters by name; missing names take `hyperparams()` defaults.
    pub hyper: Hyper,
    /// Minibatch size. Default 10; range [1, 2000].
    pub batch_size: usize,
    /// When training stops by itself (`stop`). Default never.
    pub stop: StopAt,
    /// Weight edits in step order (`edits`). Default none.
    pub edits: Vec<WeightEdit>,
    /// Frozen parameters replacing the initialisation (`weights`), f32 in flat order; empty = initialise.
    pub weights: Vec<f32>,
    /// How the page draws the data plot (`test-points`, `discretize`, `legend`); no effect on training.
    /// Default: test points shown, shading, no colour scale.
    pub display: Display,
}

impl Default for Config {
    fn default() -> Self {
        let hidden = vec![4, 2];
        Config {
            seed: 1,
            dataset: DatasetKind::Circle,
            samples: 400,
            noise: 0.1,
            test_fraction: 0.5,
            added: Vec::new(),
            removed: Vec::new(),
            features: features::defaults(2),
            activations: vec![DEFAULT_ACTIVATION; hidden.len()],
            head: Head::SigmoidBce,
            init: Init::Glorot,
            norm: Norm::None,
            rescale: Rescale::None,
            weight_noise: 0.0,
            dropout: DropoutConfig::none(hidden.len()),
            hidden,
            regularizer: Regularizer::None,
            lambda: 0.001,
            optimizer: OptimizerKind::Sgd,
            hyper: default_hyper(OptimizerKind::Sgd),
            batch_size: 10,
            stop: StopAt::Never,
            edits: Vec::new(),
            weights: Vec::new(),
            display: Display::default(),
        }
    }
}

/// Every hyperparameter of `kind` at its default value.
pub fn default_hyper(kind: OptimizerKind) -> Hyper {
    kind.hyperparams()
        .iter()
        .map(|p| (p.name.to_string(), p.default))
        .collect()
}

/// A [`Config`] that passed [`Config::validate`] (with missing hyperparameters filled in). Only `validate`
/// makes one, so a session built from it can assume valid input.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidConfig(Config);

impl std::ops::Deref for ValidConfig {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.0
    }
}

impl ValidConfig {
    /// The validated config, for editing (validate again before use).
    pub fn into_inner(self) -> Config {
        self.0
    }
}

impl Config {
    /// The dataset's task.
    pub fn task(&self) -> Task {
        self.dataset.task()
    }

    /// The network shape: input width = number of features, output width 1 (binary, regression) or K (K
    /// classes).
    pub fn mlp_spec(&self) -> MlpSpec {
        MlpSpec {
            input_dim: self.features.len(),
            hidden: self.hidden.clone(),
            activations: self.activations.clone(),
            output_dim: self.task().output_dim(),
            head: self.head,
            init: self.init,
        }
    }

    /// Number of network parameters Σ_l out_l · (in_l + 1) for [`Config::mlp_spec`], plus γ and β of every
    /// hidden unit with `bn=hidden` (2 Σ hidden widths; they follow every W and b in the flat order).
    pub fn param_count(&self) -> usize {
        let spec = self.mlp_spec();
        let mut widths = vec![spec.input_dim];
        widths.extend_from_slice(&spec.hidden);
        widths.push(spec.output_dim);
        let affine: usize = widths.windows(2).map(|w| (w[0] + 1) * w[1]).sum();
        match self.norm {
            Norm::None => affine,
            Norm::Hidden => affine + 2 * spec.hidden.iter().sum::<usize>(),
        }
    }

    /// Sets the optimizer and resets `hyper` to its defaults (what the page does when the choice changes).
    pub fn set_optimizer(&mut self, kind: OptimizerKind) {
        self.optimizer = kind;
        self.hyper = default_hyper(kind);
    }

    /// The first error of [`Config::validate_all`], or the config with missing hyperparameters filled in.
    pub fn validate(&self) -> Result<ValidConfig> {
        if let Some(e) = self.validate_all().into_iter().next() {
            return Err(e);
        }
        let mut c = self.clone();
        c.hyper = self.filled_hyper();
        Ok(ValidConfig(c))
    }

    /// Every problem, in query order: each field's range / length / fit with the dataset, then each
    /// hyperparameter (unknown to the optimizer, or out of its range).
    pub fn validate_all(&self) -> Vec<Error> {
        let mut errors: Vec<Error> = FIELDS.iter().filter_map(|f| f.check(self).err()).collect();
        let params = self.optimizer.hyperparams();
        let before = errors.len();
        for (name, &v) in &self.hyper {
            match params.iter().find(|p| p.name == name) {
                None => errors.push(not_a_hyperparam(name, self.optimizer)),
                Some(p) => errors.extend(p.check(v, &p.format(v)).err()),
            }
        }
        if errors.len() == before {
            // Joint constraints (e.g. a positive-definite metric) once every value is in range.
            errors.extend(self.optimizer.check_hypers(&self.filled_hyper()).err());
        }
        errors
    }

    /// `key=value` pairs joined by `&`, every field in [`FIELDS`] order (the [`FieldKind::Encoded`] ones only
    /// when not empty, `bn`, `rescale`, `wnoise` and the display options only when not at their default, see
    /// [`Field::omitted`]), then the chosen optimizer's hyperparameters; floats in shortest round-trip form, so
    /// `from_query(&c.to_query()).0 == c` for every valid `c` whose `hyper` names every hyperparameter (as
    /// `validate`, `Default` and `from_query` make).
    pub fn to_query(&self) -> String {
        let defaults = Config::default();
        let fields = FIELDS.iter().filter_map(|f| {
            let v = f.write(self);
            (!f.omitted(&v, &defaults)).then(|| format!("{}={v}", f.key))
        });
        let kind = self.optimizer;
        let hyper = kind.hyperparams().iter().filter_map(|p| {
            let v = hyper_value(kind, &self.hyper, p.name);
            (!(p.omit_default && v == p.default)).then(|| format!("{}={}", p.name, p.format(v)))
        });
        fields.chain(hyper).collect::<Vec<_>>().join("&")
    }

    /// Parses a query (rules in the module doc). Never panics; always returns a valid config and the errors
    /// (empty when the query was fully valid).
    pub fn from_query(q: &str) -> (Config, Vec<Error>) {
        let mut errors = Vec::new();
        let mut given: BTreeMap<String, String> = BTreeMap::new();
        let mut order = Vec::new();
        for (k, v) in pairs(q) {
            if let std::collections::btree_map::Entry::Vacant(slot) = given.entry(k.clone()) {
                slot.insert(v);
                order.push(k);
            } else {
                let msg = "given more than once; the first value is used";
                errors.push(Error::invalid(&shown(&k), msg));
            }
        }
        let mut c = Config::default();
        for f in FIELDS {
            match given.get(f.key) {
                None => f.reset(&mut c),
                Some(text) => {
                    if let Err(e) = f.read(&mut c, text) {
                        errors.push(e);
                        f.reset(&mut c);
                    }
                }
            }
        }
        c.hyper = default_hyper(c.optimizer);
        for p in c.optimizer.hyperparams() {
            if let Some(text) = given.get(p.name) {
                match p.parse(text) {
                    Ok(v) => {
                        c.hyper.insert(p.name.into(), v);
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        if let Err(e) = c.optimizer.check_hypers(&c.hyper) {
            // A jointly invalid set (e.g. a metric that is not positive definite) falls back to the defaults.
            errors.push(e);
            c.hyper = default_hyper(c.optimizer);
        }
        for k in order {
            if FIELDS.iter().any(|f| f.key == k) || c.hyper.contains_key(&k) {
                continue;
            }
            let any_optimizer = OptimizerKind::ALL
                .iter()
                .any(|o| o.hyperparams().iter().any(|p| p.name == k));
            errors.push(if any_optimizer {
                not_a_hyperparam(&k, c.optimizer)
            } else {
                let keys: Vec<&str> = FIELDS.iter().map(|f| f.key).collect();
                Error::invalid(
                    &shown(&k),
                    format!(
                        "unknown key; allowed: {}, and the optimizer's hyperparameters",
                        keys.join(", ")
                    ),
                )
            });
        }
        (c, errors)
    }

    /// `hyper` with every hyperparameter of the chosen optimizer present (defaults for missing names).
    fn filled_hyper(&self) -> Hyper {
        let kind = self.optimizer;
        kind.hyperparams()
            .iter()
            .map(|p| (p.name.to_string(), hyper_value(kind, &self.hyper, p.name)))
            .collect()
    }
}

fn not_a_hyperparam(name: &str, kind: OptimizerKind) -> Error {
    let names: Vec<&str> = kind.hyperparams().iter().map(|p| p.name).collect();
    let msg = format!(
        "not a hyperparameter of {kind}; allowed: {}",
        names.join(", ")
    );
    Error::invalid(&shown(name), msg)
}

/// Decoded `(key, value)` pairs; empty segments skipped, a segment without `=` has the empty value.
fn pairs(q: &str) -> Vec<(String, String)> {
    let q = q.trim();
    let q = q.strip_prefix('#').unwrap_or(q);
    let q = q.strip_prefix('?').unwrap_or(q);
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|seg| {
            let (k, v) = seg.split_once('=').unwrap_or((seg, ""));
            (percent_decode(k).trim().to_string(), percent_decode(v))
        })
        .collect()
}

/// `%XX` → byte (invalid escapes kept verbatim, `+` stays); invalid UTF-8 becomes U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|&c| (c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
