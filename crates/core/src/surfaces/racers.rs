//! The optimizers of an Optimizers-lab query: racer tokens (`adam/lr:0.003`, the Race lab's form) checked against
//! the optimizer catalog generically (any key, any hyperparameter with its range), and their display names.

use crate::optim::{HyperParam, OptimizerKind};
use crate::registry::Keyed;
use crate::session::Racer;
use crate::{Error, Result};

/// A user value echoed in a message, cut to 40 characters so a hostile URL cannot flood the page.
pub(super) fn cut(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        s.push('…');
    }
    s
}

/// An error of the `racers` field naming the racer (1-based) and, when known, its optimizer.
pub(super) fn racer_error(
    i: usize,
    kind: Option<OptimizerKind>,
    message: impl std::fmt::Display,
) -> Error {
    let who = match kind {
        Some(k) => format!("racer {} ({k})", i + 1),
        None => format!("racer {}", i + 1),
    };
    Error::invalid("racers", format!("{who}: {message}"))
}

/// Checks one hyperparameter value with the catalog's own check (range, or a choice index).
pub(super) fn check_hyper(
    i: usize,
    kind: OptimizerKind,
    name: &str,
    v: f64,
    shown: &str,
) -> Result<()> {
    let p = hyper_param(i, kind, name)?;
    p.check(v, shown).map_err(|e| racer_error(i, Some(kind), e))
}

/// The catalog entry of hyperparameter `name` of `kind`, or an error listing the allowed names.
fn hyper_param(i: usize, kind: OptimizerKind, name: &str) -> Result<&'static HyperParam> {
    kind.hyperparams()
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = kind.hyperparams().iter().map(|p| p.name).collect();
            let msg = format!(
                "\"{}\" is not a hyperparameter of {kind}; allowed: {}",
                cut(name),
                names.join(", ")
            );
            racer_error(i, Some(kind), msg)
        })
}

/// The joint checks of a racer's hyperparameters (e.g. Mahalanobis' M positive definite).
pub(super) fn check_racer(i: usize, r: &Racer) -> Result<()> {
    r.optimizer
        .check_hypers(&r.hyper)
        .map_err(|e| racer_error(i, Some(r.optimizer), e))
}

/// Parses one racer token (`adam/lr:0.003`, `adam/schedule:cosine`): the racer with its readable parts, and
/// the errors.
pub(super) fn parse_racer(i: usize, token: &str) -> (Option<Racer>, Vec<Error>) {
    let mut parts = token.split('/');
    let key = parts.next().unwrap_or_default().trim();
    let Some(kind) = OptimizerKind::from_key(key) else {
        let msg = format!(
            "unknown optimizer \"{}\"; allowed: {}",
            cut(key),
            OptimizerKind::keys_joined()
        );
        return (None, vec![racer_error(i, None, msg)]);
    };
    let mut racer = Racer::with_defaults(kind);
    let mut errors = Vec::new();
    for part in parts {
        let Some((name, text)) = part.split_once(':') else {
            let msg = format!("expected name:value, got \"{}\"", cut(part));
            errors.push(racer_error(i, Some(kind), msg));
            continue;
        };
        let parsed = hyper_param(i, kind, name.trim()).and_then(|p| {
            p.parse(text)
                .map(|v| (p.name, v))
                .map_err(|e| racer_error(i, Some(kind), e))
        });
        match parsed {
            Ok((name, v)) => {
                racer.hyper.insert(name.to_string(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        if let Err(e) = check_racer(i, &racer) {
            // The joint check failed: fall back to the defaults, which always pass it.
            errors.push(e);
            racer = Racer::with_defaults(kind);
        }
    }
    (Some(racer), errors)
}

/// A racer's display name: the optimizer's label and its non-default hyperparameters (`Adam, lr 0.05`).
pub fn racer_label(r: &Racer) -> String {
    let mut t = r.optimizer.label().to_string();
    for p in r.optimizer.hyperparams() {
        match r.hyper.get(p.name) {
            Some(&v) if v != p.default => t.push_str(&format!(", {} {}", p.name, p.format(v))),
            _ => {}
        }
    }
    t
}
