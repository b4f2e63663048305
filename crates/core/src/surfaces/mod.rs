//! 2-D test surfaces for the Optimizers lab: analytic value, gradient and Hessian, a reparameterization x = Ay,
//! a runner that steps several optimizers side by side, and the lab's URL state.
//!
//! Everything is f64 and pure. The runner optimizes h(y) = f(Ay) (gradient Aᵀ∇f, Hessian AᵀHA, passed to
//! [`crate::optim::Optimizer::update_with_hessian`] so curvature-based optimizers work) and reports the iterates
//! in x = Ay, where the student compares them (lecture 8: gradient descent depends on the parameterization).

mod functions;
mod racers;
mod reparam;
mod runner;
mod spec;
mod trail;

pub use functions::{Eval, Hess, P2};
pub use racers::racer_label;
pub use reparam::{Reparam, ReparamPreset, MAX_ENTRY, PRESETS};
pub use runner::{Divergence, RacerRun, SurfaceRun, ESCAPE_FACTOR};
pub use spec::{default_racers, SurfaceSpec, MAX_NOISE, MAX_SPEED};
pub use trail::{Trail, TrailPoint, CLOUD_LEN, MAX_TRAIL};

use crate::keyed_enum;
use crate::optim::OptimizerKind;

keyed_enum! {
    /// The surfaces of the Optimizers lab. Keys live in URLs: never rename one.
    pub enum SurfaceKind {
        Quadratic => ("quadratic", "Ill-conditioned quadratic", "f = ½ pᵀQp with Q = R(θ) diag(1, κ) R(θ)ᵀ: eigenvalues 1 and κ, the first eigenvector at angle θ. GD's speed is set by κ; the rotation decides whether a per-coordinate method (Adam, sign) can help."),
        Rosenbrock => ("rosenbrock", "Rosenbrock", "f = (1 − x)² + b (y − x²)²: a curved, narrow valley with the minimum 0 at (1, 1) (Rosenbrock 1960)."),
        Beale => ("beale", "Beale", "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat plateaus and steep walls, minimum 0 at (3, 0.5)."),
        Himmelblau => ("himmelblau", "Himmelblau", "f = (x² + y − 11)² + (x + y² − 7)²: four minima of value 0, one at (3, 2); which one a method reaches depends on its path."),
        Saddle => ("saddle", "Saddle x² − y²", "f = x² − y²: a saddle point at 0 (Hessian index ½). GD started near the x axis stalls near the saddle before escaping along y; Newton is attracted to it."),
        MonkeySaddle => ("monkey-saddle", "Monkey saddle x³ − 3xy²", "f = x³ − 3xy²: a degenerate saddle (zero Hessian at 0) with three descending valleys; second-order information vanishes at the origin."),
        DoubleWell => ("double-well", "Double well", "f = (x² − 1)² + a·x + y²: a shallow minimum near x = +1 and a deep one near x = −1 (tilt a > 0). Deterministic methods stay where they fall; gradient noise (σ) can carry an iterate over the barrier."),
    }
}

/// Metadata of one surface parameter (κ, θ, …), exported to the page through the lab catalog.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SurfaceParam {
    /// Stable key (also the URL key).
    pub name: &'static str,
    /// Human label.
    pub label: &'static str,
    /// Default value.
    pub default: f64,
    /// Smallest allowed value (inclusive).
    pub min: f64,
    /// Largest allowed value (inclusive).
    pub max: f64,
    /// One sentence: meaning and role in the formula.
    pub doc: &'static str,
}

const KAPPA: SurfaceParam = SurfaceParam {
    name: "kappa",
    label: "Condition number κ",
    default: 10.0,
    min: 1.0,
    max: 10_000.0,
    doc: "Ratio of the Hessian's eigenvalues (κ and 1); GD needs lr < 2/κ to converge and ~κ steps per e-fold of error. Range [1, 10000].",
};

const ANGLE: SurfaceParam = SurfaceParam {
    name: "angle",
    label: "Rotation θ (degrees)",
    default: 30.0,
    min: -180.0,
    max: 180.0,
    doc: "Angle of the eigenvector with eigenvalue 1 against the x axis; 0 aligns the valley with the coordinate axes. Range [−180, 180].",
};

const ROSENBROCK_B: SurfaceParam = SurfaceParam {
    name: "b",
    label: "Valley steepness b",
    default: 100.0,
    min: 1.0,
    max: 1000.0,
    doc: "b in (1 − x)² + b (y − x²)²; the classic value is 100. Range [1, 1000].",
};

const TILT: SurfaceParam = SurfaceParam {
    name: "tilt",
    label: "Tilt a",
    default: 0.3,
    min: -1.5,
    max: 1.5,
    doc: "a in (x² − 1)² + a·x + y²: a > 0 makes the left well deeper; both wells exist while |a| < 8/(3√3) ≈ 1.54. Range [−1.5, 1.5].",
};

impl SurfaceKind {
    /// The parameters this surface reads, in display (and URL) order.
    pub fn params(self) -> &'static [SurfaceParam] {
        match self {
            Self::Quadratic => &[KAPPA, ANGLE],
            Self::Rosenbrock => &[ROSENBROCK_B],
            Self::DoubleWell => &[TILT],
            Self::Beale | Self::Himmelblau | Self::Saddle | Self::MonkeySaddle => &[],
        }
    }

    /// The default plot window `[x_min, x_max, y_min, y_max]`.
    pub fn view(self) -> [f64; 4] {
        match self {
            Self::Quadratic | Self::Saddle => [-3.0, 3.0, -3.0, 3.0],
            Self::Rosenbrock => [-2.0, 2.0, -1.0, 3.0],
            Self::Beale => [-4.5, 4.5, -4.5, 4.5],
            Self::Himmelblau => [-5.0, 5.0, -5.0, 5.0],
            Self::MonkeySaddle => [-2.0, 2.0, -2.0, 2.0],
            Self::DoubleWell => [-2.0, 2.0, -1.5, 1.5],
        }
    }

    /// The learning rate the default racers use here instead of the catalog's (tuned for the networks), where
    /// the catalog's would diverge or crawl: steep surfaces need smaller steps for SGD and momentum, and Adam,
    /// whose step is about lr per coordinate, a larger one to cross the view in a few hundred steps.
    ///
    /// Chosen by a scan from the default start (1000 steps each, lr on a 1-2-5 grid): the largest stable lr
    /// for SGD and momentum one notch down, Adam the first lr reaching f < 0.01. The saddles keep the
    /// catalog's values: leaving the plot is their lesson.
    pub fn suggested_lr(self, optimizer: OptimizerKind) -> Option<f64> {
        use OptimizerKind::{Adam, Momentum, Sgd};
        match (self, optimizer) {
            (Self::Rosenbrock, Sgd) => Some(0.002),
            (Self::Rosenbrock, Momentum) => Some(0.0005),
            (Self::Rosenbrock, Adam) => Some(0.05),
            (Self::Beale | Self::Himmelblau, Sgd) => Some(0.005),
            (Self::Beale | Self::Himmelblau, Momentum) => Some(0.001),
            (Self::Beale | Self::Himmelblau, Adam) => Some(0.02),
            _ => None,
        }
    }

    /// The default start point (inside [`SurfaceKind::view`]), chosen to show the surface's lesson.
    pub fn start(self) -> P2 {
        match self {
            Self::Quadratic => [-2.5, 2.0],
            Self::Rosenbrock => [-1.2, 1.0],
            Self::Beale => [1.0, 1.5],
            Self::Himmelblau => [0.0, 0.0],
            Self::Saddle => [-2.5, 0.01],
            Self::MonkeySaddle => [1.5, 0.1],
            Self::DoubleWell => [1.7, 1.0],
        }
    }

    /// Whether contour levels are log-spaced (non-negative surfaces with minimum 0, where the interesting
    /// structure spans decades) rather than evenly spaced.
    pub fn log_levels(self) -> bool {
        matches!(
            self,
            Self::Quadratic | Self::Rosenbrock | Self::Beale | Self::Himmelblau
        )
    }

    /// Default parameter values, in [`SurfaceKind::params`] order.
    pub fn default_params(self) -> Vec<f64> {
        self.params().iter().map(|p| p.default).collect()
    }
}

/// A surface with its parameter values: evaluates f, ∇f and ∇²f. Build with [`Surface::new`] (values assumed
/// validated by [`SurfaceSpec`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Surface {
    kind: SurfaceKind,
    params: Vec<f64>,
    /// Quadratic: the entries (a, b, c) of Q = [[a, b], [b, c]]; unused otherwise.
    q: [f64; 3],
}

impl Surface {
    /// `kind` with `params` in [`SurfaceKind::params`] order; missing values take their defaults.
    pub fn new(kind: SurfaceKind, params: &[f64]) -> Surface {
        let params: Vec<f64> = kind
            .params()
            .iter()
            .enumerate()
            .map(|(i, p)| params.get(i).copied().unwrap_or(p.default))
            .collect();
        let q = if kind == SurfaceKind::Quadratic {
            functions::quadratic_matrix(params[0], params[1])
        } else {
            [0.0; 3]
        };
        Surface { kind, params, q }
    }

    /// The surface's kind.
    pub fn kind(&self) -> SurfaceKind {
        self.kind
    }

    /// The parameter values, in [`SurfaceKind::params`] order.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    fn param(&self, i: usize) -> f64 {
        self.params.get(i).copied().unwrap_or(f64::NAN)
    }

    /// f at `p`.
    pub fn value(&self, p: P2) -> f64 {
        functions::value(self, p)
    }

    /// f, ∇f and ∇²f at `p`.
    pub fn eval(&self, p: P2) -> Eval {
        functions::eval(self, p)
    }

    /// The global minimum value f*, or `None` when f is unbounded below (the saddles).
    pub fn min_value(&self) -> Option<f64> {
        match self.kind {
            SurfaceKind::Saddle | SurfaceKind::MonkeySaddle => None,
            SurfaceKind::DoubleWell => Some(functions::double_well_min(self.param(0))),
            _ => Some(0.0),
        }
    }
}
