//! Points added by clicking and removed generated points: the stored form ([`AddedPoint`]), the ids that tie
//! a plotted point back to the URL state ([`PointId`], [`DataPoint`]) and the assembly of the full point list.

use super::{generate, Dataset, DatasetKind, Task};
use crate::rng::Rng;
use crate::Matrix;

/// Most points the `pts` field may hold (the generated sets' largest `n`).
pub const MAX_ADDED: usize = 2000;

/// A point added by clicking, as stored in the URL (`pts`): coordinates in hundredths of a data unit (the
/// click is rounded to 0.01), and a class label (0 for regression, where `y` is the target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddedPoint {
    /// round(x · 100).
    pub x_centi: i16,
    /// round(y · 100): the second coordinate, or the target on 1-D sets.
    pub y_centi: i16,
    /// Class index (< the dataset's classes); 0 on regression sets.
    pub label: u8,
}

impl AddedPoint {
    /// The point rounded to hundredths; `None` when a coordinate is not finite or outside ±327.67.
    pub fn rounded(x: f64, y: f64, label: u8) -> Option<AddedPoint> {
        let centi = |v: f64| {
            let c = (v * 100.0).round();
            (c.is_finite() && c.abs() <= f64::from(i16::MAX)).then_some(c as i16)
        };
        Some(AddedPoint {
            x_centi: centi(x)?,
            y_centi: centi(y)?,
            label,
        })
    }

    /// x in data units.
    pub fn x(self) -> f64 {
        f64::from(self.x_centi) / 100.0
    }

    /// y (second coordinate or regression target) in data units.
    pub fn y(self) -> f64 {
        f64::from(self.y_centi) / 100.0
    }
}

/// Where a sample comes from: the i-th generated point (index before removals, as `del` stores it) or the
/// j-th added point (index into `pts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PointId {
    /// Index into the generated points.
    Generated(usize),
    /// Index into the added points.
    Added(usize),
}

/// One sample in raw coordinates for plotting and hit-testing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataPoint {
    /// First input coordinate.
    pub x: f64,
    /// Second input coordinate on 2-D sets; the target on 1-D (regression) sets.
    pub y: f64,
    /// Class index on classification sets; `None` on regression sets.
    pub label: Option<usize>,
    /// Where the point comes from.
    pub id: PointId,
    /// Whether the point is in the test set (else the training set).
    pub test: bool,
}

/// A dataset with the [`PointId`] of every sample (column).
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// The samples.
    pub data: Dataset,
    /// `ids[i]` is where column i comes from.
    pub ids: Vec<PointId>,
}

/// The generated points of `kind` ([`generate`] with `n`, `noise`, `rng`) minus the indices in `removed`
/// (out-of-range indices are ignored), followed by the `added` points, with their ids. Added labels are
/// clamped to the last class (the config validates them; this keeps inner code panic-free).
pub fn assemble(
    kind: DatasetKind,
    n: usize,
    noise: f64,
    removed: &[usize],
    added: &[AddedPoint],
    rng: &mut Rng,
) -> Labelled {
    let generated = generate(kind, n, noise, rng);
    let mut keep = vec![true; generated.len()];
    for &i in removed {
        if let Some(k) = keep.get_mut(i) {
            *k = false;
        }
    }
    let kept: Vec<usize> = (0..generated.len()).filter(|&i| keep[i]).collect();
    let base = generated.select(&kept);
    let task = kind.task();
    let (d, rows, m) = (base.x.nrows(), base.y.nrows(), base.len());
    let total = m + added.len();
    let mut x = Matrix::zeros(d, total);
    let mut y = Matrix::zeros(rows, total);
    x.columns_mut(0, m).copy_from(&base.x);
    y.columns_mut(0, m).copy_from(&base.y);
    let mut labels = base.labels;
    for (j, p) in added.iter().enumerate() {
        let col = m + j;
        let label = usize::from(p.label).min(task.classes().unwrap_or(1).saturating_sub(1));
        if d == 1 {
            x[(0, col)] = p.x();
            y[(0, col)] = p.y();
        } else {
            x[(0, col)] = p.x();
            x[(1, col)] = p.y();
        }
        match task {
            Task::MultiClass(_) => y[(label, col)] = 1.0,
            Task::Binary => y[(0, col)] = label as f64,
            Task::Regression => {}
        }
        if task != Task::Regression {
            labels.push(label);
        }
    }
    let ids = kept
        .into_iter()
        .map(PointId::Generated)
        .chain((0..added.len()).map(PointId::Added))
        .collect();
    Labelled {
        data: Dataset { x, y, labels },
        ids,
    }
}
