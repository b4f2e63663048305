//! The run-control and network-state fields: stop-at (`stop`), weight edits (`edits`) and frozen weights
//! (`weights`), with their parsers and the helpers a session uses to record edits.

use super::field::{items, shown, Field, Ops};
use super::{Config, ValidConfig, MAX_SEED};
use crate::codec::{base64url_decode, base64url_encode};
use crate::{Error, Result};

/// Largest |value| of a weight edit.
pub const MAX_EDIT_VALUE: f64 = 100.0;
/// Most weight edits one config may hold.
pub const MAX_EDITS: usize = 10_000;
/// Largest N of `stop=epochs:N`.
pub const MAX_STOP_EPOCHS: u64 = 1_000_000;
/// Largest L of `stop=loss:L`.
pub const MAX_STOP_LOSS: f64 = 1000.0;

/// When training stops by itself. Default: never.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum StopAt {
    /// Train until paused (`none`).
    #[default]
    Never,
    /// Stop as soon as epoch ≥ N after a step (`epochs:N`, N in [1, 10⁶]): after exactly
    /// ⌈N · train / batch⌉ steps.
    Epochs(u64),
    /// Stop at the first loss-history record (about once per epoch, and at step 0) whose training loss is
    /// ≤ L (`loss:L`, L in (0, 1000]).
    Loss(f64),
}

impl StopAt {
    /// The query form: `none`, `epochs:N` or `loss:L` (shortest float form).
    pub fn token(self) -> String {
        match self {
            StopAt::Never => "none".into(),
            StopAt::Epochs(n) => format!("epochs:{n}"),
            StopAt::Loss(l) => format!("loss:{l}"),
        }
    }
}

/// One weight edit: at `step` (optimizer steps taken when it was made), parameter `index` (flat
/// [`crate::mlp::Mlp::params`] order) was set to `value`. Query form `step:index:value`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightEdit {
    /// Steps taken before the edit (0 = applied to the initial network).
    pub step: u64,
    /// Flat parameter index.
    pub index: usize,
    /// The new value; f32 because the network trains in f32 (written in shortest f32 form).
    pub value: f32,
}

pub(super) const STOP: Ops = Ops {
    write: |c| c.stop.token(),
    read: |f, c, t| {
        c.stop = parse_stop(f, t)?;
        check_stop(f, c)
    },
    check: check_stop,
    reset: |c| c.stop = StopAt::Never,
};

fn parse_stop(f: &Field, t: &str) -> Result<StopAt> {
    let bad = || {
        Error::Parse {
        field: f.key.into(),
        value: shown(t),
        reason: format!(
            "expected none, epochs:N with N in [1, {MAX_STOP_EPOCHS}] or loss:L with L in (0, {MAX_STOP_LOSS}]"
        ),
    }
    };
    if t == "none" {
        Ok(StopAt::Never)
    } else if let Some(n) = t.strip_prefix("epochs:") {
        n.parse().map(StopAt::Epochs).map_err(|_| bad())
    } else if let Some(l) = t.strip_prefix("loss:") {
        l.parse().map(StopAt::Loss).map_err(|_| bad())
    } else {
        Err(bad())
    }
}

fn check_stop(f: &Field, c: &Config) -> Result<()> {
    match c.stop {
        StopAt::Epochs(n) if !(1..=MAX_STOP_EPOCHS).contains(&n) => Err(Error::out_of_range(
            f.key,
            format!("epochs:N with N in [1, {MAX_STOP_EPOCHS}]"),
            c.stop.token(),
        )),
        StopAt::Loss(l) if !(l > 0.0 && l <= MAX_STOP_LOSS) => Err(Error::out_of_range(
            f.key,
            format!("loss:L with L in (0, {MAX_STOP_LOSS}]"),
            c.stop.token(),
        )),
        _ => Ok(()),
    }
}

pub(super) const EDITS: Ops = Ops {
    write: |c| {
        let list: Vec<String> = c
            .edits
            .iter()
            .map(|e| format!("{}:{}:{}", e.step, e.index, e.value))
            .collect();
        list.join(",")
    },
    read: |f, c, t| {
        let parse = |item: &str| {
            let bad = || f.parse_error(item, "step:index:value items");
            let mut parts = item.split(':');
            let (Some(s), Some(i), Some(v), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            Ok(WeightEdit {
                step: s.parse().map_err(|_| bad())?,
                index: i.parse().map_err(|_| bad())?,
                value: v.parse().map_err(|_| bad())?,
            })
        };
        c.edits = items(t).into_iter().map(parse).collect::<Result<_>>()?;
        check_edits(f, c)
    },
    check: check_edits,
    reset: |c| c.edits.clear(),
};

fn check_edits(f: &Field, c: &Config) -> Result<()> {
    if c.edits.len() > MAX_EDITS {
        let value = format!("{} edits", c.edits.len());
        return Err(Error::out_of_range(
            f.key,
            format!("at most {MAX_EDITS} edits"),
            value,
        ));
    }
    if !c.edits.windows(2).all(|w| w[0].step <= w[1].step) {
        return Err(Error::invalid(f.key, "edits must be in step order"));
    }
    let count = c.param_count();
    for e in &c.edits {
        let token = format!("{}:{}:{}", e.step, e.index, e.value);
        check_edit(f.key, count, e.index, f64::from(e.value), &token)?;
        if e.step > MAX_SEED {
            return Err(Error::out_of_range(
                f.key,
                format!("steps in [0, {MAX_SEED}]"),
                token,
            ));
        }
    }
    Ok(())
}

/// An index below the parameter count and a finite value with |value| ≤ [`MAX_EDIT_VALUE`].
pub(crate) fn check_edit(
    field: &str,
    count: usize,
    index: usize,
    value: f64,
    shown: &str,
) -> Result<()> {
    if index >= count {
        let allowed = format!("parameter indices in [0, {}]", count.saturating_sub(1));
        return Err(Error::out_of_range(field, allowed, shown));
    }
    if !(value.is_finite() && value.abs() <= MAX_EDIT_VALUE) {
        let allowed = format!("values in [−{MAX_EDIT_VALUE}, {MAX_EDIT_VALUE}]");
        return Err(Error::out_of_range(field, allowed, shown));
    }
    Ok(())
}

pub(super) const WEIGHTS: Ops = Ops {
    write: |c| base64url_encode(&encode_weights(&c.weights)),
    read: |f, c, t| {
        let bytes = base64url_decode(f.key, t)?;
        if bytes.len() % 4 != 0 {
            return Err(Error::Parse {
                field: f.key.into(),
                value: shown(t),
                reason: format!("{} bytes is not a whole number of f32 values", bytes.len()),
            });
        }
        c.weights = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        check_weights(f, c)
    },
    check: check_weights,
    reset: |c| c.weights.clear(),
};

/// Little-endian f32 bytes of the parameters (the `weights` payload before base64url).
pub fn encode_weights(weights: &[f32]) -> Vec<u8> {
    weights.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn check_weights(f: &Field, c: &Config) -> Result<()> {
    if c.weights.is_empty() {
        return Ok(());
    }
    let count = c.param_count();
    if c.weights.len() != count {
        let msg = format!(
            "{} values given, but the network has {count} parameters (features, hidden layers and output \
             must be as when the weights were frozen)",
            c.weights.len()
        );
        return Err(Error::invalid(f.key, msg));
    }
    match c.weights.iter().position(|w| !w.is_finite()) {
        Some(i) => Err(Error::invalid(f.key, format!("value {i} is not finite"))),
        None => Ok(()),
    }
}

impl Config {
    /// Drops every weight edit (`edits`).
    pub fn clear_edits(&mut self) {
        self.edits.clear();
    }
}

impl ValidConfig {
    /// Records an already-checked edit ([`check_edit`]) after every edit at the same or an earlier step, so
    /// `edits` stays in step order; returns its position. The config stays valid.
    pub(crate) fn record_edit(&mut self, edit: WeightEdit) -> usize {
        let at = self.0.edits.partition_point(|e| e.step <= edit.step);
        self.0.edits.insert(at, edit);
        at
    }
}
