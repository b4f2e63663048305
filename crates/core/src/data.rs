//! Dataset registry and seeded generators: 2D classification toys and 1D regression toys.
//!
//! 2D sets live in TensorFlow Playground's scale (`src/dataset.ts`): inputs within the plot domain
//! [−6, 6]². `noise` ∈ [0, 1] is, for every set, the standard deviation σ of a Gaussian perturbation in data
//! units: 2D sets add σ·N(0, I) to the clean point (the label stays the one of the clean point); 1D sets add
//! σ·N(0, 1) to the target. Perturbations are truncated to the plot domain (redrawn, up to 16 times, then
//! clamped), so [`DatasetKind::domain`] contains every sample. Class `c` is given to sample `i` when
//! `i mod K = c`, so class counts differ by at most one.
//!
//! The `custom` sets generate nothing: their points are the ones added by clicking (`points`, which also
//! assembles generated − removed + added points with their ids before the split).

mod points;

pub use points::{assemble, AddedPoint, DataPoint, Labelled, PointId, MAX_ADDED};

use crate::keyed_enum;
use crate::linalg::Matrix;
use crate::loss::Head;
use crate::rng::{normal, uniform, Rng};
use std::f64::consts::{PI, TAU};

keyed_enum! {
    /// Every dataset the page offers. Keys live in URLs: never rename one.
    pub enum DatasetKind {
        Circle => ("circle", "Circle", "Class 1 inside a disc, class 0 in a ring around it."),
        Xor => ("xor", "XOR", "Four quadrants; the label is the sign of x1·x2."),
        Gaussians => ("gaussians", "Two Gaussians", "Two isotropic Gaussian blobs, one per class."),
        Spiral => ("spiral", "Two spirals", "Two interleaved spiral arms, one per class."),
        Moons => ("moons", "Moons", "Two interleaving half circles."),
        Spiral3 => ("spiral-3", "Three spirals", "Three interleaved spiral arms: a 3-class problem."),
        SineGap => ("sine-gap", "Sine with a gap", "y = sin(x) + noise, with no inputs in the middle of the range: uncertainty should grow in the gap."),
        Cubic => ("cubic", "Cubic", "y = x³/27 + noise for x in [−4, 4] (x³ scaled to stay O(1)): the classic uncertainty toy."),
        Custom => ("custom", "Custom (click)", "Starts empty: click on the plot to add points of either class."),
        CustomCurve => ("custom-curve", "Custom curve (click)", "Starts empty: click on the plot to add (x, y) points for a curve fit."),
    }
}

/// What a dataset asks the network to do; decides the output width and which heads fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    /// Two classes; targets 1 × n with values 0 / 1.
    Binary,
    /// K classes; targets K × n one-hot.
    MultiClass(usize),
    /// Real targets 1 × n.
    Regression,
}

impl Task {
    /// Stable key used by the catalog: `binary`, `multiclass` or `regression`.
    pub fn key(self) -> &'static str {
        match self {
            Task::Binary => "binary",
            Task::MultiClass(_) => "multiclass",
            Task::Regression => "regression",
        }
    }

    /// Number of classes: 2 for binary, K for multi-class, `None` for regression.
    pub fn classes(self) -> Option<usize> {
        match self {
            Task::Binary => Some(2),
            Task::MultiClass(k) => Some(k),
            Task::Regression => None,
        }
    }

    /// Network output width: 1 for binary (one logit) and regression, K for multi-class (softmax).
    pub fn output_dim(self) -> usize {
        match self {
            Task::MultiClass(k) => k,
            Task::Binary | Task::Regression => 1,
        }
    }

    /// The heads that suit this task; the first is the default. Binary: sigmoid-bce, tanh-mse, linear-mse;
    /// multi-class: softmax-ce; regression: linear-mse.
    pub fn heads(self) -> &'static [Head] {
        match self {
            Task::Binary => &[Head::SigmoidBce, Head::TanhMse, Head::LinearMse],
            Task::MultiClass(_) => &[Head::SoftmaxCe],
            Task::Regression => &[Head::LinearMse],
        }
    }

    /// The default head of this task (the first of [`Task::heads`]).
    pub fn default_head(self) -> Head {
        self.heads()[0]
    }
}

/// Half-width of the 2D plot domain (TF Playground's [−6, 6]²).
const HALF: f64 = 6.0;
/// Outer radius of the 2D sets (circle, XOR, spirals), as in TF Playground.
const RADIUS: f64 = 5.0;

impl DatasetKind {
    /// The task: Spiral3 is 3-class, SineGap, Cubic and CustomCurve are regression, the rest binary.
    pub fn task(self) -> Task {
        match self {
            Self::Spiral3 => Task::MultiClass(3),
            Self::SineGap | Self::Cubic | Self::CustomCurve => Task::Regression,
            _ => Task::Binary,
        }
    }

    /// Input dimension: 2 for the classification sets, 1 for the regression sets.
    pub fn input_dim(self) -> usize {
        match self.task() {
            Task::Regression => 1,
            _ => 2,
        }
    }

    /// Plot domain `[x_min, x_max, y_min, y_max]`. 2D sets: [−6, 6]². Regression: x ∈ [−6, 6] (wider than the
    /// inputs, to show extrapolation), y ∈ [−3, 3] for sine-gap and [−4, 4] for cubic and custom-curve.
    /// Contains every sample; added points must lie in it.
    pub fn domain(self) -> [f64; 4] {
        match self {
            Self::SineGap => [-HALF, HALF, -3.0, 3.0],
            Self::Cubic | Self::CustomCurve => [-HALF, HALF, -4.0, 4.0],
            _ => [-HALF, HALF, -HALF, HALF],
        }
    }

    /// False for the `custom` sets, which generate no points (only clicked ones).
    pub fn is_generated(self) -> bool {
        !matches!(self, Self::Custom | Self::CustomCurve)
    }

    /// How many points [`generate`] makes for `n` requested samples: `n`, or 0 for the custom sets.
    pub fn generated_count(self, n: usize) -> usize {
        if self.is_generated() {
            n
        } else {
            0
        }
    }
}

/// Samples as columns: `x` is `input_dim × n`; `y` holds the targets (binary 1 × n of 0/1, multi-class
/// K × n one-hot, regression 1 × n); `labels` the class per sample (empty for regression).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Inputs, one sample per column.
    pub x: Matrix,
    /// Targets, one sample per column.
    pub y: Matrix,
    /// Class index per sample; empty for regression.
    pub labels: Vec<usize>,
}

impl Dataset {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.ncols()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The samples at `idx` (in that order; repeats allowed), e.g. a minibatch. Indices must be `< len()`.
    pub fn select(&self, idx: &[usize]) -> Dataset {
        Dataset {
            x: self.x.select_columns(idx),
            y: self.y.select_columns(idx),
            labels: if self.labels.is_empty() {
                Vec::new()
            } else {
                idx.iter().map(|&i| self.labels[i]).collect()
            },
        }
    }
}

/// A train / test partition of one dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Training samples.
    pub train: Dataset,
    /// Held-out samples.
    pub test: Dataset,
}

/// `n` samples of `kind` with noise σ = `noise` (data units, see the module doc; valid range [0, 1], a
/// non-finite or negative value counts as 0). Deterministic for a given generator state.
///
/// Sets (class `c` of sample `i` is `i mod K`):
/// - circle: class 1 at radius U(0, 2.5), class 0 at radius U(3.5, 5), angle U(0, 2π) (TF Playground);
/// - xor: |x1|, |x2| ~ U(0.3, 5) with signs drawn so that class 1 ⇔ x1·x2 > 0;
/// - gaussians: N((2, 2), I) for class 1, N((−2, −2), I) for class 0;
/// - spiral / spiral-3: s ~ U(0, 1), r = 5s, θ = 3.5π·s + 2πc/K, x = (r sin θ, r cos θ) (TF Playground);
/// - moons: sklearn's make_moons scaled by 3 and centred: class 0 = 3(cos t − 0.5, sin t − 0.25), class 1 =
///   3(0.5 − cos t, 0.25 − sin t), t ~ U(0, π);
/// - sine-gap: x ~ U([−4, −1] ∪ [1, 4]), y = sin x + σ·N(0, 1);
/// - cubic: x ~ U(−4, 4), y = x³/27 + σ·N(0, 1) (Hernández-Lobato & Adams 2015 use y = x³ + N(0, 3²); dividing
///   by 27 keeps y in [−2.4, 2.4], and their noise corresponds to σ = 1/9, close to the default 0.1);
/// - custom, custom-curve: no points at all (shapes `d × 0`), whatever `n`.
pub fn generate(kind: DatasetKind, n: usize, noise: f64, rng: &mut Rng) -> Dataset {
    let n = kind.generated_count(n);
    let sigma = if noise.is_finite() {
        noise.max(0.0)
    } else {
        0.0
    };
    let task = kind.task();
    let k = task.classes().unwrap_or(0);
    let d = kind.input_dim();
    let dom = kind.domain();
    let mut x = Matrix::zeros(d, n);
    let mut y = Matrix::zeros(task.output_dim(), n);
    let mut labels = Vec::with_capacity(if k > 0 { n } else { 0 });
    for i in 0..n {
        if d == 1 {
            let (xi, fx) = curve_point(kind, rng);
            x[(0, i)] = xi;
            y[(0, i)] = perturb(fx, sigma, dom[2], dom[3], rng);
            continue;
        }
        let c = i % k;
        let (px, py) = clean_point(kind, c, k, rng);
        x[(0, i)] = perturb(px, sigma, dom[0], dom[1], rng);
        x[(1, i)] = perturb(py, sigma, dom[2], dom[3], rng);
        match task {
            Task::MultiClass(_) => y[(c, i)] = 1.0,
            _ => y[(0, i)] = c as f64,
        }
        labels.push(c);
    }
    Dataset { x, y, labels }
}

/// A noise-free 2D point of class `c` out of `k`.
fn clean_point(kind: DatasetKind, c: usize, k: usize, rng: &mut Rng) -> (f64, f64) {
    let u = |rng: &mut Rng, a: f64, b: f64| a + (b - a) * uniform(rng);
    match kind {
        DatasetKind::Circle => {
            let r = if c == 1 {
                u(rng, 0.0, 0.5 * RADIUS)
            } else {
                u(rng, 0.7 * RADIUS, RADIUS)
            };
            let t = u(rng, 0.0, TAU);
            (r * t.cos(), r * t.sin())
        }
        DatasetKind::Xor => {
            let (a, b) = (u(rng, 0.3, RADIUS), u(rng, 0.3, RADIUS));
            let sx = if uniform(rng) < 0.5 { -1.0 } else { 1.0 };
            // Class 1: same signs (x1·x2 > 0); class 0: opposite signs.
            let sy = if c == 1 { sx } else { -sx };
            (sx * a, sy * b)
        }
        DatasetKind::Gaussians => {
            let m = if c == 1 { 2.0 } else { -2.0 };
            (m + normal(rng), m + normal(rng))
        }
        DatasetKind::Moons => {
            let t = u(rng, 0.0, PI);
            if c == 0 {
                (3.0 * (t.cos() - 0.5), 3.0 * (t.sin() - 0.25))
            } else {
                (3.0 * (0.5 - t.cos()), 3.0 * (0.25 - t.sin()))
            }
        }
        // Spiral, Spiral3 (the regression sets never reach here).
        _ => {
            let s = uniform(rng);
            let r = RADIUS * s;
            let t = 3.5 * PI * s + TAU * c as f64 / k.max(1) as f64;
            (r * t.sin(), r * t.cos())
        }
    }
}

/// A noise-free 1D regression point (x, f(x)).
fn curve_point(kind: DatasetKind, rng: &mut Rng) -> (f64, f64) {
    if kind == DatasetKind::SineGap {
        // U([−4, −1] ∪ [1, 4]): a draw on [0, 6) mapped onto the two pieces.
        let v = 6.0 * uniform(rng);
        let x = if v < 3.0 { -4.0 + v } else { v - 2.0 };
        (x, x.sin())
    } else {
        let x = -4.0 + 8.0 * uniform(rng);
        (x, x.powi(3) / 27.0)
    }
}

/// `v + σ·N(0, 1)` truncated to [lo, hi]: redrawn up to 16 times, then clamped.
fn perturb(v: f64, sigma: f64, lo: f64, hi: f64, rng: &mut Rng) -> f64 {
    if sigma == 0.0 {
        return v.clamp(lo, hi);
    }
    for _ in 0..16 {
        let w = v + sigma * normal(rng);
        if (lo..=hi).contains(&w) {
            return w;
        }
    }
    v.clamp(lo, hi)
}

/// Shuffles the samples (Fisher–Yates with `rng`) and puts the first `round(n · test_fraction)` into `test`,
/// the rest into `train`. When n ≥ 2 each side gets at least one sample; n = 1 goes to `train`.
/// `test_fraction` is validated to [0.1, 0.9] by the config; a non-finite value counts as 0.
pub fn split(ds: Dataset, test_fraction: f64, rng: &mut Rng) -> Split {
    let (train, test) = partition(ds.len(), test_fraction, rng);
    Split {
        test: ds.select(&test),
        train: ds.select(&train),
    }
}

/// The index lists `(train, test)` that [`split`] uses for `n` samples (same draws from `rng`), so callers
/// can carry per-sample data such as [`PointId`]s through the split.
pub fn partition(n: usize, test_fraction: f64, rng: &mut Rng) -> (Vec<usize>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = ((i + 1) as f64 * uniform(rng)) as usize;
        idx.swap(i, j.min(i));
    }
    let f = if test_fraction.is_finite() {
        test_fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let n_test = if n >= 2 {
        ((n as f64 * f).round() as usize).clamp(1, n - 1)
    } else {
        0
    };
    let train = idx.split_off(n_test);
    (train, idx)
}
