//! The declarative table of config fields (TF Playground's `state.ts` idea): one row per URL key, in query
//! order, drives parsing, validation, `to_query` and the catalog's "fields" list.

use super::display::{DISCRETIZE, LEGEND, TEST_POINTS};
use super::edits::{EDITS, STOP, WEIGHTS};
use super::field::{float, int, items, parse_key, row, Access, Field, FieldKind, Ops};
use super::inputs::{DEL, FEAT, PTS};
use super::noise::DROP;
use super::reparam::{MAX_WEIGHT_NOISE, RESCALE};
use super::{Config, DEFAULT_ACTIVATION, MAX_SEED};
use crate::mlp::Norm;
use crate::optim::{OptimizerKind, MAX_NATURAL_PARAMS};
use crate::registry::Keyed;
use crate::{Error, Result};

/// Largest number of hidden layers.
pub const MAX_LAYERS: usize = 6;
/// Largest hidden-layer width.
pub const MAX_WIDTH: usize = 256;
/// Largest Gaussian noise σ on a layer input.
pub const MAX_SIGMA: f64 = 2.0;

/// A plain registry choice stored at `Config::$f`; default from `Config::default()`.
macro_rules! choice {
    ($($f:ident).+) => {
        Access::Other(Ops {
            write: |c| c.$($f).+.key().to_string(),
            read: |f, c, t| {
                c.$($f).+ = parse_key(f, t)?;
                Ok(())
            },
            check: |_, _| Ok(()),
            reset: |c| c.$($f).+ = Config::default().$($f).+,
        })
    };
}

/// The optimizer: a registry key that must train networks and fit the network (see [`check_optimizer`]).
const OPT: Ops = Ops {
    write: |c| c.optimizer.key().to_string(),
    read: |f, c, t| {
        c.optimizer = parse_key(f, t)?;
        check_optimizer(f, c)
    },
    check: check_optimizer,
    reset: |c| c.optimizer = Config::default().optimizer,
};

/// Surfaces-only optimizers are rejected, and the natural gradient needs a small network without batch
/// normalization (its dense Fisher; per-sample gradients are not defined through batch statistics).
fn check_optimizer(f: &Field, c: &Config) -> Result<()> {
    let kind = c.optimizer;
    if !kind.on_networks() {
        let msg = format!(
            "{kind} works on 2D surfaces only; allowed for networks: {}",
            OptimizerKind::network_keys()
        );
        return Err(Error::invalid(f.key, msg));
    }
    if kind.needs_per_sample_grads() {
        let n = c.param_count();
        if n > MAX_NATURAL_PARAMS {
            let msg = format!(
                "{kind} solves with the dense Fisher matrix: at most {MAX_NATURAL_PARAMS} parameters, this \
                 network has {n}"
            );
            return Err(Error::invalid(f.key, msg));
        }
        if c.norm != Norm::None {
            let msg = format!("{kind} needs per-sample gradients, which bn=hidden does not have");
            return Err(Error::invalid(f.key, msg));
        }
    }
    Ok(())
}

/// Every URL key in query order (the chosen optimizer's hyperparameters follow, in `hyperparams()` order).
pub static FIELDS: &[Field] = &[
    int(
        "seed",
        "Seed",
        (0, MAX_SEED),
        (|c| c.seed, |c, v| c.seed = v),
        "Seed of every random stream (data, initialisation, batches, dropout); at most 2^53 − 1 so that \
         JavaScript keeps it exact.",
    ),
    row(
        "dataset",
        "Dataset",
        FieldKind::Choice,
        Some("datasets"),
        "The data set; it fixes the task, the input width and the allowed heads.",
        choice!(dataset),
    ),
    int(
        "n",
        "Samples",
        (10, 2000),
        (|c| c.samples as u64, |c, v| c.samples = v as usize),
        "Number of samples generated, before the train/test split.",
    ),
    float(
        "noise",
        "Noise",
        (0.0, 1.0),
        (|c| c.noise, |c, v| c.noise = v),
        "Standard deviation σ of the data noise in data units (2D sets: on the inputs; curves: on the \
         targets).",
    ),
    float(
        "test",
        "Test fraction",
        (0.1, 0.9),
        (|c| c.test_fraction, |c, v| c.test_fraction = v),
        "Fraction of the samples held out for testing.",
    ),
    encoded(
        "pts",
        "Added points",
        "Points added by clicking, in the dataset's plot domain: base64url (no padding) of 5 bytes per \
         point, i16 LE round(100·x), i16 LE round(100·y), u8 label (0 on regression sets, where y is the \
         target). They join the generated points before the train/test split.",
        PTS,
    ),
    encoded(
        "del",
        "Removed points",
        "Indices of generated points removed by clicking: base64url of the increasing indices, delta-coded, \
         each delta unsigned LEB128. Indices below the number of generated points (none on custom sets).",
        DEL,
    ),
    Field {
        max_items: Some(9),
        ..row(
            "feat",
            "Input features",
            FieldKind::ChoiceList,
            Some("features"),
            "The network's inputs, computed from the raw coordinates; at least one. 1-D sets allow only \
             x1, x1sq, sin1, cos1. Default: x1,x2 on 2-D sets, x1 on 1-D sets.",
            Access::Other(FEAT),
        )
    },
    Field {
        min: Some(1.0),
        max: Some(MAX_WIDTH as f64),
        max_items: Some(MAX_LAYERS),
        ..row(
            "hidden",
            "Hidden layers",
            FieldKind::IntList,
            None,
            "Width of each hidden layer, input side first, e.g. 4,2; empty for no hidden layer.",
            Access::Other(HIDDEN),
        )
    },
    Field {
        max_items: Some(MAX_LAYERS),
        ..row(
            "act",
            "Activation",
            FieldKind::ChoiceList,
            Some("activations"),
            "Activation of each hidden layer; a single value applies to every hidden layer.",
            Access::Other(ACT),
        )
    },
    row(
        "head",
        "Output head",
        FieldKind::Choice,
        Some("heads"),
        "Output activation and loss; must suit the dataset's task (default: the task's first head).",
        Access::Other(HEAD),
    ),
    row(
        "init",
        "Initialisation",
        FieldKind::Choice,
        Some("inits"),
        "Weight initialisation scheme.",
        choice!(init),
    ),
    omitted_at_default(row(
        "bn",
        "Normalization",
        FieldKind::Choice,
        Some("norms"),
        "none, or hidden: batch normalization after every hidden layer's linear map, before the activation \
         (learnable γ, β per unit; batch statistics in training, running averages with momentum 0.1 at test; \
         ε = 1e-5). Adds γ, β after every W, b in the flat parameter order; trains on the f64 path (slower).",
        choice!(norm),
    )),
    omitted_at_default(row(
        "rescale",
        "Rescale initial units",
        FieldKind::Rescale,
        None,
        "Rescale the initial network without changing its function: none, s (every hidden unit by s in \
         [0.01, 100]) or random:σ (each unit by e^(σε), σ in [0, 2]). Without bn: incoming weights and bias \
         × s, outgoing weights × 1/s (relu, leaky-relu and linear layers only); with bn=hidden: the weights \
         and bias before each normalization × s. Applied after the initialisation or the frozen weights.",
        Access::Other(RESCALE),
    )),
    Field {
        max_items: Some(MAX_LAYERS + 1),
        ..row(
            "drop",
            "Dropout / noise",
            FieldKind::NoiseList,
            Some("noiseKinds"),
            "Noise on each layer input, network input first: none, b<p> (Bernoulli, keep p in (0, 1]) or \
             g<σ> (Gaussian N(1, σ²), σ in [0, 2]). A single value applies to every hidden layer and the \
             input gets none.",
            Access::Other(DROP),
        )
    },
    row(
        "dscale",
        "Dropout scaling",
        FieldKind::Choice,
        Some("dropoutScalings"),
        "Where Bernoulli dropout's 1/p correction goes: training (inverted) or test (weight scaling).",
        choice!(dropout.scaling),
    ),
    omitted_at_default(float(
        "wnoise",
        "Weight noise σ",
        (0.0, MAX_WEIGHT_NOISE),
        (|c| c.weight_noise, |c, v| c.weight_noise = v),
        "Gaussian weight noise: each training step's forward and backward pass use θ + σε with ε ~ N(0, I) \
         drawn afresh (every parameter), and the gradient is applied to θ. 0 = off.",
    )),
    row(
        "reg",
        "Regularizer",
        FieldKind::Choice,
        Some("regularizers"),
        "Weight penalty added to the data loss (biases are not penalised).",
        choice!(regularizer),
    ),
    float(
        "lambda",
        "Penalty λ",
        (0.0, 1.0),
        (|c| c.lambda, |c, v| c.lambda = v),
        "Strength λ of the weight penalty.",
    ),
    row(
        "opt",
        "Optimizer",
        FieldKind::Choice,
        Some("optimizers"),
        "The optimizer; its hyperparameters (lr, momentum, ...) follow as keys of their own. Only the \
         optimizers that train networks (the catalog's `network` flag); natural needs at most 300 parameters \
         and no bn.",
        Access::Other(OPT),
    ),
    int(
        "batch",
        "Batch size",
        (1, 2000),
        (|c| c.batch_size as u64, |c, v| c.batch_size = v as usize),
        "Minibatch size; a batch larger than the training set means full batch.",
    ),
    row(
        "stop",
        "Stop at",
        FieldKind::Stop,
        None,
        "Stop training by itself: none, epochs:N (N in [1, 1000000]: once N passes over the training set \
         are done) or loss:L (L in (0, 1000]: at the first loss record, about once per epoch, with training \
         loss ≤ L). Changes apply live.",
        Access::Other(STOP),
    ),
    TEST_POINTS,
    DISCRETIZE,
    LEGEND,
    encoded(
        "edits",
        "Weight edits",
        "Weight edits in step order: step:index:value items (the value set at that step, flat parameter \
         index in the order W1 column-major, b1, W2, b2, …; |value| ≤ 100, shortest f32 form).",
        EDITS,
    ),
    encoded(
        "weights",
        "Frozen weights",
        "All parameters frozen into the link, replacing the initialisation: base64url of the f32 LE values \
         in flat order; exactly as many as the network has.",
        WEIGHTS,
    ),
];

/// A row left out of the query while at its default (so links made before the field existed keep their form).
const fn omitted_at_default(field: Field) -> Field {
    Field {
        omit_default: true,
        ..field
    }
}

/// A row of page-managed state, omitted from the query when empty.
const fn encoded(key: &'static str, label: &'static str, doc: &'static str, ops: Ops) -> Field {
    Field {
        omit_empty: true,
        ..row(
            key,
            label,
            FieldKind::Encoded,
            None,
            doc,
            Access::Other(ops),
        )
    }
}

const HIDDEN: Ops = Ops {
    write: |c| {
        c.hidden
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",")
    },
    read: |f, c, t| {
        let mut hidden = Vec::new();
        for item in items(t) {
            let w = item.parse::<usize>();
            hidden.push(w.map_err(|_| f.parse_error(item, "comma-separated widths"))?);
        }
        check_hidden(f, &hidden)?;
        c.hidden = hidden;
        Ok(())
    },
    check: |f, c| check_hidden(f, &c.hidden),
    reset: |c| c.hidden = Config::default().hidden,
};

/// One key when every hidden layer has the same activation, else one per layer.
const ACT: Ops = Ops {
    write: |c| {
        let a = &c.activations;
        let same = a.len() == c.hidden.len() && a.windows(2).all(|w| w[0] == w[1]);
        let shown = if same && !a.is_empty() {
            &a[..1]
        } else {
            &a[..]
        };
        shown.iter().map(|a| a.key()).collect::<Vec<_>>().join(",")
    },
    read: |f, c, t| {
        let acts = items(t).into_iter().map(|s| parse_key(f, s));
        let acts = acts.collect::<Result<Vec<_>>>()?;
        c.activations = match acts.len() {
            n if n == c.hidden.len() => acts,
            1 => vec![acts[0]; c.hidden.len()],
            n => return Err(length_error(f, n, c.hidden.len(), "hidden layer")),
        };
        Ok(())
    },
    check: |f, c| match c.activations.len() {
        n if n == c.hidden.len() => Ok(()),
        n => Err(length_error(f, n, c.hidden.len(), "hidden layer")),
    },
    reset: |c| c.activations = vec![DEFAULT_ACTIVATION; c.hidden.len()],
};

const HEAD: Ops = Ops {
    write: |c| c.head.key().to_string(),
    read: |f, c, t| {
        c.head = parse_key(f, t)?;
        check_head(f, c)
    },
    check: check_head,
    reset: |c| c.head = c.dataset.task().default_head(),
};

fn check_hidden(f: &Field, hidden: &[usize]) -> Result<()> {
    if hidden.len() > MAX_LAYERS {
        let allowed = format!("at most {MAX_LAYERS} hidden layers");
        return Err(Error::out_of_range(
            f.key,
            allowed,
            format!("{} layers", hidden.len()),
        ));
    }
    match hidden.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
        Some(w) => Err(Error::out_of_range(
            f.key,
            format!("widths in {}", f.range_text()),
            w,
        )),
        None => Ok(()),
    }
}

fn check_head(f: &Field, c: &Config) -> Result<()> {
    let task = c.dataset.task();
    if task.heads().contains(&c.head) {
        return Ok(());
    }
    let allowed = task
        .heads()
        .iter()
        .map(|h| h.key())
        .collect::<Vec<_>>()
        .join(", ");
    let msg = format!(
        "\"{}\" does not suit the {} task of dataset {}; allowed: {allowed}",
        c.head,
        task.key(),
        c.dataset
    );
    Err(Error::invalid(f.key, msg))
}

pub(super) fn length_error(f: &Field, got: usize, want: usize, what: &str) -> Error {
    let msg = format!("{got} values for {want} {what}(s); allowed: one value, or exactly {want}");
    Error::invalid(f.key, msg)
}
