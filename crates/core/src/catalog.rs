//! The catalog the page builds every option list from: registries, optimizer hyperparameters, the config
//! field table and the default query, as one JSON document (shape pinned in `docs/ARCHITECTURE.md`).

use crate::config::{Config, FIELDS};
use crate::data::{DatasetKind, Task};
use crate::dropout::{DropoutScaling, NoiseKind};
use crate::features::Feature;
use crate::loss::{Head, Regularizer};
use crate::mlp::{Activation, Init, Norm};
use crate::optim::OptimizerKind;
use crate::registry::Keyed;
use serde_json::{json, Value};

/// `[{"key","label","doc"}]` for every entry of a registry, in display order.
fn entries<T: Keyed>() -> Vec<Value> {
    T::ALL
        .iter()
        .map(|v| json!({"key": v.key(), "label": v.label(), "doc": v.doc()}))
        .collect()
}

/// The catalog as a JSON value (see [`catalog_json`]).
pub fn catalog() -> Value {
    let datasets: Vec<Value> = DatasetKind::ALL
        .iter()
        .map(|&d| {
            let task = d.task();
            json!({"key": d.key(), "label": d.label(), "doc": d.doc(), "task": task.key(),
                   "classes": task.classes(), "inputDim": d.input_dim(), "domain": d.domain(),
                   "generated": d.is_generated()})
        })
        .collect();
    // The tasks that occur, in dataset order, one per kind.
    let mut tasks: Vec<Task> = Vec::new();
    for d in DatasetKind::ALL {
        if !tasks.iter().any(|t| t.key() == d.task().key()) {
            tasks.push(d.task());
        }
    }
    let heads: Vec<Value> = Head::ALL
        .iter()
        .map(|&h| {
            let suits: Vec<&str> = tasks
                .iter()
                .filter(|t| t.heads().contains(&h))
                .map(|t| t.key())
                .collect();
            json!({"key": h.key(), "label": h.label(), "doc": h.doc(), "tasks": suits})
        })
        .collect();
    let optimizers: Vec<Value> = OptimizerKind::ALL
        .iter()
        .map(|&o| {
            let hyper: Vec<Value> = o
                .hyperparams()
                .iter()
                .map(|p| {
                    // A choice's default is its key (the query text), as the page writes it back.
                    let default = if p.is_choice() {
                        json!(p.format(p.default))
                    } else {
                        json!(p.default)
                    };
                    json!({"name": p.name, "label": p.label, "default": default, "min": p.min, "max": p.max,
                           "minInclusive": p.min_inclusive, "doc": p.doc, "choices": p.choices,
                           "omitDefault": p.omit_default})
                })
                .collect();
            json!({"key": o.key(), "label": o.label(), "doc": o.doc(), "network": o.on_networks(),
                   "hyperparams": hyper})
        })
        .collect();
    let features: Vec<Value> = Feature::ALL
        .iter()
        .map(|&f| {
            let dims: Vec<usize> = [1, 2].into_iter().filter(|&d| f.valid_for(d)).collect();
            json!({"key": f.key(), "label": f.label(), "doc": f.doc(), "inputDims": dims})
        })
        .collect();
    let defaults = Config::default();
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|f| {
            json!({"key": f.key, "label": f.label, "kind": f.kind.key(), "choices": f.choices, "min": f.min,
                   "max": f.max, "maxItems": f.max_items, "default": f.write(&defaults), "omitEmpty": f.omit_empty,
                   "omitDefault": f.omit_default, "doc": f.doc})
        })
        .collect();
    json!({
        "datasets": datasets,
        "activations": entries::<Activation>(),
        "inits": entries::<Init>(),
        "regularizers": entries::<Regularizer>(),
        "noiseKinds": entries::<NoiseKind>(),
        "dropoutScalings": entries::<DropoutScaling>(),
        "norms": entries::<Norm>(),
        "features": features,
        "heads": heads,
        "optimizers": optimizers,
        "fields": fields,
        "defaultQuery": defaults.to_query(),
    })
}

/// The catalog as a JSON string: `datasets` (key, label, doc, task, classes — null for regression —,
/// inputDim, domain, generated — false for the click-only custom sets), `activations`, `inits`,
/// `regularizers`, `noiseKinds`, `dropoutScalings`, `norms` (key, label, doc), `features` (key, label, doc,
/// inputDims: the raw input dimensions where the feature exists), `heads` (+ `tasks` they suit), `optimizers`
/// (+ `network`: whether it trains networks — false for the 2D-surface methods —, and `hyperparams` with name,
/// label, default — the key for a choice —, min, max, minInclusive, doc, choices — keys, empty for numbers —
/// and omitDefault — left out of links at the default), `fields` (key, label, kind,
/// choices, min, max, maxItems, default, omitEmpty, omitDefault, doc — in query order) and `defaultQuery`.
pub fn catalog_json() -> String {
    catalog().to_string()
}
