//! One config field (a URL key): its catalog metadata and the generic read / write / check / reset logic.
//! Numbers need only a getter and a setter, their range comes from the row; lists and context-dependent
//! choices supply their own functions (see `table.rs`).

use super::Config;
use crate::registry::Keyed;
use crate::{Error, Result};

/// The value form of a field, as named in the catalog's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A whole number in `[min, max]`.
    Int,
    /// A finite number in `[min, max]`.
    Float,
    /// One registry key (the catalog list named by `choices`).
    Choice,
    /// Comma-separated whole numbers, each in `[min, max]`, at most `max_items`.
    IntList,
    /// Comma-separated registry keys.
    ChoiceList,
    /// Comma-separated `none` / `b<p>` / `g<σ>` tokens.
    NoiseList,
    /// `none`, `epochs:N` or `loss:L` (the stop-at condition).
    Stop,
    /// State the page writes through its own controls (clicked points, removed points, weight edits, frozen
    /// weights): compact text, not a form control; omitted from the query when empty.
    Encoded,
    /// `none`, a scale `s` or `random:σ` (the rescaling of the initial network).
    Rescale,
    /// `true` or `false` (the page's display options).
    Bool,
}

impl FieldKind {
    /// The catalog key: `int`, `float`, `choice`, `int-list`, `choice-list`, `noise-list`, `stop`, `encoded`,
    /// `rescale` or `bool`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Int => "int",
            Self::Float => "float",
            Self::Choice => "choice",
            Self::IntList => "int-list",
            Self::ChoiceList => "choice-list",
            Self::NoiseList => "noise-list",
            Self::Stop => "stop",
            Self::Encoded => "encoded",
            Self::Rescale => "rescale",
            Self::Bool => "bool",
        }
    }
}

/// One URL key of the config: metadata for the catalog and the page, plus how to read, write and check it.
#[derive(Debug)]
pub struct Field {
    /// The URL key (stable, kebab-case).
    pub key: &'static str,
    /// Human label for the control.
    pub label: &'static str,
    /// The value form.
    pub kind: FieldKind,
    /// Name of the catalog list holding the allowed keys (choice kinds), e.g. `"datasets"`.
    pub choices: Option<&'static str>,
    /// Smallest allowed value (inclusive) of a number or of each list item.
    pub min: Option<f64>,
    /// Largest allowed value (inclusive) of a number or of each list item.
    pub max: Option<f64>,
    /// Longest allowed list.
    pub max_items: Option<usize>,
    /// One sentence: meaning, units and context-dependent rules.
    pub doc: &'static str,
    /// Whether `to_query` leaves the key out when its value is empty (the [`FieldKind::Encoded`] fields).
    pub omit_empty: bool,
    /// Whether `to_query` leaves the key out when its value is the default (fields added after the default
    /// query was pinned: `bn`, `rescale`, `wnoise` and the display options), so existing links keep their exact
    /// form.
    pub omit_default: bool,
    pub(super) access: Access,
}

/// Reads a number field.
pub(super) type Get<T> = fn(&Config) -> T;
/// Stores a number field (unchecked).
pub(super) type Set<T> = fn(&mut Config, T);

/// How a field maps onto [`Config`].
#[derive(Debug)]
pub(super) enum Access {
    Int { get: Get<u64>, set: Set<u64> },
    Float { get: Get<f64>, set: Set<f64> },
    Other(Ops),
}

/// Field-specific logic of lists and context-dependent choices.
#[derive(Debug)]
pub(super) struct Ops {
    /// Canonical query text.
    pub write: fn(&Config) -> String,
    /// Parse, check and store; fields earlier in the table are final, later ones still hold defaults.
    pub read: fn(&Field, &mut Config, &str) -> Result<()>,
    /// Range, length and fit with earlier fields.
    pub check: fn(&Field, &Config) -> Result<()>,
    /// The default in context (e.g. one tanh per hidden layer, the task's default head).
    pub reset: fn(&mut Config),
}

/// An integer row with its inclusive range.
pub(super) const fn int(
    key: &'static str,
    label: &'static str,
    range: (u64, u64),
    access: (Get<u64>, Set<u64>),
    doc: &'static str,
) -> Field {
    let (get, set) = access;
    Field {
        min: Some(range.0 as f64),
        max: Some(range.1 as f64),
        ..row(
            key,
            label,
            FieldKind::Int,
            None,
            doc,
            Access::Int { get, set },
        )
    }
}

/// A float row with its inclusive range.
pub(super) const fn float(
    key: &'static str,
    label: &'static str,
    range: (f64, f64),
    access: (Get<f64>, Set<f64>),
    doc: &'static str,
) -> Field {
    let (get, set) = access;
    Field {
        min: Some(range.0),
        max: Some(range.1),
        ..row(
            key,
            label,
            FieldKind::Float,
            None,
            doc,
            Access::Float { get, set },
        )
    }
}

/// A row with its own [`Ops`]; `choices` names the catalog list of allowed keys.
pub(super) const fn row(
    key: &'static str,
    label: &'static str,
    kind: FieldKind,
    choices: Option<&'static str>,
    doc: &'static str,
    access: Access,
) -> Field {
    Field {
        key,
        label,
        kind,
        choices,
        min: None,
        max: None,
        max_items: None,
        doc,
        omit_empty: false,
        omit_default: false,
        access,
    }
}

impl Field {
    /// Whether `to_query` leaves this field out for the value text `v` (see `omit_empty`, `omit_default`);
    /// `default` is the config the default text is taken from.
    pub fn omitted(&self, v: &str, default: &Config) -> bool {
        (self.omit_empty && v.is_empty()) || (self.omit_default && v == self.write(default))
    }

    /// The canonical query text of this field's value (`to_query` writes `key=` + this).
    pub fn write(&self, c: &Config) -> String {
        match self.access {
            Access::Int { get, .. } => get(c).to_string(),
            Access::Float { get, .. } => format!("{}", get(c)),
            Access::Other(ref o) => (o.write)(c),
        }
    }

    /// Parses `text` (already percent-decoded) into `c`, or returns the error naming field, range and value.
    /// On error `c` may be left with a partial value: call [`Field::reset`].
    pub fn read(&self, c: &mut Config, text: &str) -> Result<()> {
        let t = text.trim();
        match self.access {
            Access::Int { set, .. } => {
                let v = t
                    .parse::<u64>()
                    .map_err(|_| self.parse_error(t, "a whole number"))?;
                self.check_int(v)?;
                set(c, v);
                Ok(())
            }
            Access::Float { set, .. } => {
                let v = t
                    .parse::<f64>()
                    .map_err(|_| self.parse_error(t, "a number"))?;
                self.check_float(v, t)?;
                set(c, v);
                Ok(())
            }
            Access::Other(ref o) => (o.read)(self, c, t),
        }
    }

    /// Checks this field of `c` (range, length, fit with earlier fields).
    pub fn check(&self, c: &Config) -> Result<()> {
        match self.access {
            Access::Int { get, .. } => self.check_int(get(c)),
            Access::Float { get, .. } => {
                let v = get(c);
                self.check_float(v, &format!("{v}"))
            }
            Access::Other(ref o) => (o.check)(self, c),
        }
    }

    /// Sets this field of `c` to its default, given the fields before it (e.g. one tanh per hidden layer).
    pub fn reset(&self, c: &mut Config) {
        let d = Config::default();
        match self.access {
            Access::Int { get, set } => set(c, get(&d)),
            Access::Float { get, set } => set(c, get(&d)),
            Access::Other(ref o) => (o.reset)(c),
        }
    }

    /// Stores a number without any check (for tests and tools that build out-of-range configs on purpose).
    /// Returns false for non-numeric fields. Integers saturate (`v as u64`).
    pub fn set_number_unchecked(&self, c: &mut Config, v: f64) -> bool {
        match self.access {
            Access::Int { set, .. } => set(c, v as u64),
            Access::Float { set, .. } => set(c, v),
            Access::Other(_) => return false,
        }
        true
    }

    /// The allowed range as text, e.g. `[10, 2000]` (empty for choices).
    pub fn range_text(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => interval(lo, hi, true),
            _ => String::new(),
        }
    }

    fn check_int(&self, v: u64) -> Result<()> {
        let (lo, hi) = (self.min.unwrap_or(0.0), self.max.unwrap_or(f64::MAX));
        let ok = (v as f64) >= lo && (v as f64) <= hi;
        ok.then_some(())
            .ok_or_else(|| Error::out_of_range(self.key, self.range_text(), v))
    }

    fn check_float(&self, v: f64, shown: &str) -> Result<()> {
        let (lo, hi) = (self.min.unwrap_or(f64::MIN), self.max.unwrap_or(f64::MAX));
        let ok = v.is_finite() && v >= lo && v <= hi;
        ok.then_some(())
            .ok_or_else(|| Error::out_of_range(self.key, self.range_text(), shown))
    }

    pub(super) fn parse_error(&self, text: &str, what: &str) -> Error {
        let reason = format!("expected {what} in {}", self.range_text());
        Error::Parse {
            field: self.key.into(),
            value: shown(text),
            reason,
        }
    }
}

/// `[lo, hi]` or `(lo, hi]` in shortest float form.
pub(super) fn interval(lo: f64, hi: f64, lo_inclusive: bool) -> String {
    format!("{}{lo}, {hi}]", if lo_inclusive { '[' } else { '(' })
}

/// A user value echoed in a message, cut to 40 characters so a hostile URL cannot flood the page.
pub(super) fn shown(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        s.push('…');
    }
    s
}

/// The registry entry with key `text`, or an error listing the allowed keys.
pub(super) fn parse_key<T: Keyed>(f: &Field, text: &str) -> Result<T> {
    T::from_key(text).ok_or_else(|| Error::UnknownKey {
        field: f.key.into(),
        allowed: T::keys_joined(),
        value: shown(text),
    })
}

/// Splits a list value; the empty string is the empty list.
pub(super) fn items(text: &str) -> Vec<&str> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split(',').map(str::trim).collect()
    }
}
