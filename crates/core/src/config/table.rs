//! The declarative table of config fields (TF Playground's `state.ts` idea): one row per URL key, in query
//! order, drives parsing, validation, `to_query` and the catalog's "fields" list.

use super::field::{float, int, items, parse_key, row, shown, Access, Field, FieldKind, Ops};
use super::{Config, DEFAULT_ACTIVATION, MAX_SEED};
use crate::dropout::{LayerNoise, NoiseKind};
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
        "The optimizer; its hyperparameters (lr, momentum, ...) follow as keys of their own.",
        choice!(optimizer),
    ),
    int(
        "batch",
        "Batch size",
        (1, 2000),
        (|c| c.batch_size as u64, |c, v| c.batch_size = v as usize),
        "Minibatch size; a batch larger than the training set means full batch.",
    ),
];

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

/// Full list, or one token when the input has no noise and every hidden layer the same.
const DROP: Ops = Ops {
    write: write_drop,
    read: |f, c, t| {
        let layers = items(t).into_iter().map(|s| parse_noise(f, s));
        let layers = layers.collect::<Result<Vec<_>>>()?;
        let want = c.hidden.len() + 1;
        c.dropout.layers = match layers.len() {
            n if n == want => layers,
            1 => std::iter::once(LayerNoise::NONE)
                .chain(vec![layers[0]; want - 1])
                .collect(),
            n => return Err(length_error(f, n, want, "layer input")),
        };
        Ok(())
    },
    check: |f, c| {
        let want = c.hidden.len() + 1;
        if c.dropout.layers.len() != want {
            return Err(length_error(f, c.dropout.layers.len(), want, "layer input"));
        }
        c.dropout.layers.iter().try_for_each(|l| check_noise(f, l))
    },
    reset: |c| c.dropout.layers = vec![LayerNoise::NONE; c.hidden.len() + 1],
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

fn length_error(f: &Field, got: usize, want: usize, what: &str) -> Error {
    let msg = format!("{got} values for {want} {what}(s); allowed: one value, or exactly {want}");
    Error::invalid(f.key, msg)
}

/// `none`, `b<p>` (Bernoulli keep probability) or `g<σ>` (Gaussian standard deviation), range-checked.
fn parse_noise(f: &Field, token: &str) -> Result<LayerNoise> {
    let number = |rest: &str| {
        rest.parse::<f64>()
            .map_err(|_| f.parse_error(token, "none, b<p> or g<σ>"))
    };
    let noise = if token == "none" {
        LayerNoise::NONE
    } else if let Some(rest) = token.strip_prefix('b') {
        LayerNoise::bernoulli(number(rest)?)
    } else if let Some(rest) = token.strip_prefix('g') {
        LayerNoise::gaussian(number(rest)?)
    } else {
        return Err(Error::Parse {
            field: f.key.into(),
            value: shown(token),
            reason: "expected none, b<p> with p in (0, 1] or g<σ> with σ in [0, 2]".into(),
        });
    };
    check_noise(f, &noise)?;
    Ok(noise)
}

/// Range, then canonical form: the parameter the kind does not use must hold its neutral value (keep_prob 1,
/// sigma 0), so that the query form is lossless.
fn check_noise(f: &Field, l: &LayerNoise) -> Result<()> {
    let (p, s) = (l.keep_prob, l.sigma);
    match l.kind {
        NoiseKind::Bernoulli if !(p > 0.0 && p <= 1.0) => Err(Error::out_of_range(
            f.key,
            "b<p> with p in (0, 1]",
            noise_token(l),
        )),
        NoiseKind::Gaussian if !(0.0..=MAX_SIGMA).contains(&s) => {
            let allowed = format!("g<σ> with σ in [0, {MAX_SIGMA}]");
            Err(Error::out_of_range(f.key, allowed, noise_token(l)))
        }
        NoiseKind::None | NoiseKind::Gaussian if p != 1.0 => {
            let msg = format!("{} noise must have keep_prob 1, not {p}", l.kind);
            Err(Error::invalid(f.key, msg))
        }
        NoiseKind::None | NoiseKind::Bernoulli if s != 0.0 => {
            let msg = format!("{} noise must have sigma 0, not {s}", l.kind);
            Err(Error::invalid(f.key, msg))
        }
        _ => Ok(()),
    }
}

fn noise_token(l: &LayerNoise) -> String {
    match l.kind {
        NoiseKind::None => "none".into(),
        NoiseKind::Bernoulli => format!("b{}", l.keep_prob),
        NoiseKind::Gaussian => format!("g{}", l.sigma),
    }
}

/// The full list, or one token when the input has no noise and every hidden layer has the same.
fn write_drop(c: &Config) -> String {
    let l = &c.dropout.layers;
    let compress = l.len() >= 2
        && l.len() == c.hidden.len() + 1
        && l[0] == LayerNoise::NONE
        && l[1..].windows(2).all(|w| w[0] == w[1]);
    let shown = if compress { &l[1..2] } else { &l[..] };
    shown.iter().map(noise_token).collect::<Vec<_>>().join(",")
}
