//! The data-side fields: input features (`feat`), clicked points (`pts`) and removed generated points
//! (`del`), with their compact codecs, and the Config helpers the page's clicks go through.

use super::field::{items, parse_key, Field, Ops};
use super::Config;
use crate::codec::{base64url_decode, base64url_encode, leb128_push, leb128_read_all};
use crate::data::{AddedPoint, DataPoint, DatasetKind, PointId, Task, MAX_ADDED};
use crate::features::{self, Feature};
use crate::registry::Keyed;
use crate::{Error, Result};

/// Bytes per point in `pts`: i16 LE round(x·100), i16 LE round(y·100), u8 label.
const POINT_BYTES: usize = 5;

/// `feat`: registry keys in [`Feature::ALL`] order; any order is read, duplicates are an error.
pub(super) const FEAT: Ops = Ops {
    write: |c| {
        let keys: Vec<&str> = c.features.iter().map(|f| f.key()).collect();
        keys.join(",")
    },
    read: |f, c, t| {
        let mut list = items(t)
            .into_iter()
            .map(|s| parse_key::<Feature>(f, s))
            .collect::<Result<Vec<_>>>()?;
        list.sort_by_key(|x| x.rank());
        if let Some(w) = list.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::invalid(f.key, format!("{} is given twice", w[0])));
        }
        c.features = list;
        check_features(f, c)
    },
    check: check_features,
    reset: |c| c.features = features::defaults(c.dataset.input_dim()),
};

fn check_features(f: &Field, c: &Config) -> Result<()> {
    let dim = c.dataset.input_dim();
    if c.features.is_empty() {
        return Err(Error::invalid(
            f.key,
            "at least one input feature is needed",
        ));
    }
    if let Some(bad) = c.features.iter().find(|x| !x.valid_for(dim)) {
        let allowed: Vec<&str> = Feature::ALL
            .iter()
            .filter(|x| x.valid_for(dim))
            .map(|x| x.key())
            .collect();
        let msg = format!(
            "feature {bad} needs a 2-D dataset, and {} has one input; allowed: {}",
            c.dataset,
            allowed.join(", ")
        );
        return Err(Error::invalid(f.key, msg));
    }
    let ordered = c.features.windows(2).all(|w| w[0].rank() < w[1].rank());
    if !ordered {
        let msg = "features must be distinct and in the order x1, x2, x1sq, x2sq, x1x2, sin1, sin2, cos1, cos2";
        return Err(Error::invalid(f.key, msg));
    }
    Ok(())
}

/// `pts`: base64url of 5 bytes per point (see [`POINT_BYTES`]); empty when there are none.
pub(super) const PTS: Ops = Ops {
    write: |c| base64url_encode(&encode_points(&c.added)),
    read: |f, c, t| {
        let bytes = base64url_decode(f.key, t)?;
        if bytes.len() % POINT_BYTES != 0 {
            return Err(Error::Parse {
                field: f.key.into(),
                value: super::field::shown(t),
                reason: format!(
                    "{} bytes is not a whole number of 5-byte points",
                    bytes.len()
                ),
            });
        }
        c.added = bytes
            .chunks_exact(POINT_BYTES)
            .map(|b| AddedPoint {
                x_centi: i16::from_le_bytes([b[0], b[1]]),
                y_centi: i16::from_le_bytes([b[2], b[3]]),
                label: b[4],
            })
            .collect();
        check_points(f, c)
    },
    check: check_points,
    reset: |c| c.added.clear(),
};

/// The `pts` bytes of a point list.
pub fn encode_points(points: &[AddedPoint]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(points.len() * POINT_BYTES);
    for p in points {
        bytes.extend_from_slice(&p.x_centi.to_le_bytes());
        bytes.extend_from_slice(&p.y_centi.to_le_bytes());
        bytes.push(p.label);
    }
    bytes
}

fn check_points(f: &Field, c: &Config) -> Result<()> {
    if c.added.len() > MAX_ADDED {
        let value = format!("{} points", c.added.len());
        return Err(Error::out_of_range(
            f.key,
            format!("at most {MAX_ADDED} points"),
            value,
        ));
    }
    c.added
        .iter()
        .try_for_each(|p| check_point(f.key, c.dataset, p.x(), p.y(), p.label))
}

/// A point inside the dataset's plot domain with a label below its class count (0 for regression).
fn check_point(field: &str, kind: DatasetKind, x: f64, y: f64, label: u8) -> Result<()> {
    let [x0, x1, y0, y1] = kind.domain();
    let inside = (x0..=x1).contains(&x) && (y0..=y1).contains(&y);
    if !inside {
        let allowed = format!("points in x ∈ [{x0}, {x1}], y ∈ [{y0}, {y1}] for dataset {kind}");
        return Err(Error::out_of_range(field, allowed, format!("({x}, {y})")));
    }
    let labels = match kind.task() {
        Task::Regression => 1,
        task => task.classes().unwrap_or(1),
    };
    if usize::from(label) >= labels {
        let allowed = match kind.task() {
            Task::Regression => format!("label 0 (dataset {kind} is a regression)"),
            _ => format!("labels 0 to {} for dataset {kind}", labels - 1),
        };
        return Err(Error::out_of_range(
            field,
            allowed,
            format!("label {label}"),
        ));
    }
    Ok(())
}

/// `del`: sorted generated indices, delta-coded (first index, then differences ≥ 1), each delta unsigned
/// LEB128, the bytes in base64url; empty when nothing is removed.
pub(super) const DEL: Ops = Ops {
    write: |c| base64url_encode(&encode_removed(&c.removed)),
    read: |f, c, t| {
        let bytes = base64url_decode(f.key, t)?;
        let deltas = leb128_read_all(f.key, &bytes)?;
        let mut removed = Vec::with_capacity(deltas.len());
        let mut at: u64 = 0;
        for (k, d) in deltas.into_iter().enumerate() {
            if k > 0 && d == 0 {
                return Err(Error::invalid(f.key, "an index is removed twice"));
            }
            at = at
                .checked_add(d)
                .filter(|&v| v < 1 << 32)
                .ok_or_else(|| Error::invalid(f.key, "an index beyond 2^32"))?;
            removed.push(at as usize);
        }
        c.removed = removed;
        check_removed(f, c)
    },
    check: check_removed,
    reset: |c| c.removed.clear(),
};

/// The `del` bytes of a strictly increasing index list.
pub fn encode_removed(removed: &[usize]) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut last = 0;
    for (k, &i) in removed.iter().enumerate() {
        let delta = if k == 0 { i } else { i.saturating_sub(last) };
        leb128_push(&mut bytes, delta as u64);
        last = i;
    }
    bytes
}

fn check_removed(f: &Field, c: &Config) -> Result<()> {
    if !c.removed.windows(2).all(|w| w[0] < w[1]) {
        return Err(Error::invalid(f.key, "indices must be increasing"));
    }
    let generated = c.dataset.generated_count(c.samples);
    match c.removed.last() {
        Some(&i) if i >= generated => {
            let allowed = if generated == 0 {
                format!("no index: dataset {} generates no points", c.dataset)
            } else {
                format!("indices of generated points in [0, {}]", generated - 1)
            };
            Err(Error::out_of_range(f.key, allowed, i))
        }
        _ => Ok(()),
    }
}

impl Config {
    /// Adds a clicked point (rounded to 0.01 data units): `(x, y)` on 2-D sets, `(x, target)` on 1-D sets,
    /// with class `label` (0 for regression). Errors (field `pts`): outside the dataset's plot domain, a label
    /// not below the class count, or more than [`MAX_ADDED`] points.
    pub fn add_point(&mut self, x: f64, y: f64, label: u8) -> Result<()> {
        check_point("pts", self.dataset, x, y, label)?;
        if self.added.len() >= MAX_ADDED {
            let allowed = format!("at most {MAX_ADDED} points");
            return Err(Error::out_of_range("pts", allowed, self.added.len() + 1));
        }
        let shown = format!("({x}, {y})");
        let p = AddedPoint::rounded(x, y, label)
            .ok_or_else(|| Error::out_of_range("pts", "finite coordinates", shown))?;
        self.added.push(p);
        Ok(())
    }

    /// Removes the point of `points` (from `Session::points`) nearest to `(x, y)` if it lies within `radius`
    /// data units (Euclidean, in the plot's (x, y) plane): a generated point joins `del`, an added one leaves
    /// `pts`. Returns whether a point was removed.
    pub fn remove_point_near(&mut self, points: &[DataPoint], x: f64, y: f64, radius: f64) -> bool {
        let nearest = points
            .iter()
            .map(|p| (p.id, (p.x - x).hypot(p.y - y)))
            .filter(|&(_, d)| d <= radius)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match nearest {
            Some((PointId::Generated(i), _)) => match self.removed.binary_search(&i) {
                Ok(_) => false,
                Err(at) => {
                    self.removed.insert(at, i);
                    true
                }
            },
            Some((PointId::Added(j), _)) if j < self.added.len() => {
                self.added.remove(j);
                true
            }
            _ => false,
        }
    }

    /// Switches the dataset as the page does: clears `pts` and `del`; resets `feat` to the new set's
    /// defaults when a feature does not exist there or when it held the old set's defaults; resets the head
    /// when it does not suit the new task; clears `edits` and `weights` when the parameter count changes.
    pub fn set_dataset(&mut self, kind: DatasetKind) {
        let old_defaults = features::defaults(self.dataset.input_dim());
        let params = self.param_count();
        self.dataset = kind;
        let dim = kind.input_dim();
        if self.features == old_defaults || self.features.iter().any(|f| !f.valid_for(dim)) {
            self.features = features::defaults(dim);
        }
        if !kind.task().heads().contains(&self.head) {
            self.head = kind.task().default_head();
        }
        self.added.clear();
        self.removed.clear();
        if self.param_count() != params {
            self.edits.clear();
            self.weights.clear();
        }
    }
}
