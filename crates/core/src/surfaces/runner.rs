//! [`SurfaceRun`]: several optimizers started at the same point of one surface, stepped side by side on
//! h(y) = f(Ay), each with its decimated trajectory in x, its current f and its divergence status.

use super::functions::P2;
use super::reparam::Reparam;
use super::spec::SurfaceSpec;
use super::trail::{Trail, TrailPoint};
use super::Surface;
use crate::linalg::{Matrix, Vector};
use crate::optim::Optimizer;
use crate::rng::{normal, seeded, Rng};
use crate::session::Racer;
use crate::Result;

/// A trajectory is stopped as diverged once it is farther from the view's centre than this many view
/// half-widths (in x or in y): far enough that nothing on screen is lost, near enough that on the unbounded
/// saddles the escaped run's f (about −100× the view's values) leaves the f chart readable for the others.
pub const ESCAPE_FACTOR: f64 = 10.0;

/// The random stream of the gradient noise (every racer draws the same sequence, so runs differ only by the
/// optimizer).
const NOISE_STREAM: u64 = 11;

/// Why and when a trajectory stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    /// The step whose update was rejected (the trajectory keeps the state before it).
    pub step: u64,
    /// Human reason, shown beside the optimizer's name.
    pub reason: String,
}

/// One optimizer's run: its state in y, its trail in x, its status.
#[derive(Debug, Clone)]
pub struct RacerRun {
    racer: Racer,
    optimizer: Optimizer,
    y: P2,
    step: u64,
    trail: Trail,
    diverged: Option<Divergence>,
    rng: Rng,
}

impl RacerRun {
    /// The optimizer and its hyperparameters.
    pub fn racer(&self) -> &Racer {
        &self.racer
    }

    /// The latest iterate in x with its f.
    pub fn current(&self) -> TrailPoint {
        self.trail.last()
    }

    /// The current iterate in y (the optimizer's own coordinates).
    pub fn y(&self) -> P2 {
        self.y
    }

    /// Steps taken.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The decimated path and the recent iterates.
    pub fn trail(&self) -> &Trail {
        &self.trail
    }

    /// `Some` once the run diverged (it then stops).
    pub fn diverged(&self) -> Option<&Divergence> {
        self.diverged.as_ref()
    }
}

/// Everything one step needs besides the racer.
struct Problem<'a> {
    surface: &'a Surface,
    reparam: &'a Reparam,
    noise: f64,
    centre: P2,
    half: P2,
}

impl RacerRun {
    fn step_once(&mut self, pb: &Problem<'_>) {
        let x = pb.reparam.to_x(self.y);
        let e = pb.surface.eval(x);
        let mut g = e.g;
        if pb.noise > 0.0 {
            // A stochastic gradient in x (the noise belongs to the loss, not to the coordinates).
            g[0] += pb.noise * normal(&mut self.rng);
            g[1] += pb.noise * normal(&mut self.rng);
        }
        let gy = pb.reparam.pull_gradient(g);
        let hy = pb.reparam.pull_hessian(e.h);
        let grad = Vector::from_row_slice(&gy);
        let params = Vector::from_row_slice(&self.y);
        let hess = Matrix::from_row_slice(2, 2, &[hy[0][0], hy[0][1], hy[1][0], hy[1][1]]);
        let u = self
            .optimizer
            .update_with_hessian(&grad, &params, Some(&hess));
        let next = [self.y[0] + u[0], self.y[1] + u[1]];
        let step = self.step + 1;
        let x = pb.reparam.to_x(next);
        let f = pb.surface.value(x);
        let reason = if !(x[0].is_finite() && x[1].is_finite() && f.is_finite()) {
            Some("the iterate or f became NaN or infinite; lower the learning rate".to_string())
        } else if (0..2).any(|i| (x[i] - pb.centre[i]).abs() > ESCAPE_FACTOR * pb.half[i]) {
            Some(format!(
                "left the plot by more than {ESCAPE_FACTOR}× its size (x = ({:.3e}, {:.3e}))",
                x[0], x[1]
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            self.diverged = Some(Divergence { step, reason });
            return;
        }
        self.y = next;
        self.step = step;
        self.trail.push(TrailPoint { step, x, f });
    }
}

/// Several optimizers on one surface from one start, under one reparameterization x = Ay.
#[derive(Debug, Clone)]
pub struct SurfaceRun {
    surface: Surface,
    reparam: Reparam,
    view: [f64; 4],
    noise: f64,
    runs: Vec<RacerRun>,
}

impl SurfaceRun {
    /// A fresh run of `spec` (validated first: errors name the field). Every racer starts at `spec.start`
    /// (y₀ = A⁻¹x₀) with a fresh optimizer state.
    pub fn new(spec: &SurfaceSpec) -> Result<SurfaceRun> {
        spec.validate()?;
        let surface = spec.surface();
        let reparam = Reparam::new(spec.reparam)?;
        let y0 = reparam.to_y(spec.start);
        let start = TrailPoint {
            step: 0,
            x: spec.start,
            f: surface.value(spec.start),
        };
        let runs = spec
            .racers
            .iter()
            .map(|r| RacerRun {
                racer: r.clone(),
                // Every racer's update noise (SGLD, gradient noise) from the lab's seed: a link replays exactly.
                optimizer: Optimizer::new(r.optimizer, &r.hyper, 2).with_seed(spec.seed),
                y: y0,
                step: 0,
                trail: Trail::new(start),
                diverged: None,
                rng: seeded(spec.seed, NOISE_STREAM),
            })
            .collect();
        Ok(SurfaceRun {
            view: spec.surface.view(),
            surface,
            reparam,
            noise: spec.noise,
            runs,
        })
    }

    /// Advances every running trajectory by `n` steps; a diverged one stays where it stopped.
    pub fn step(&mut self, n: u32) {
        let [x0, x1, y0, y1] = self.view;
        let pb = Problem {
            surface: &self.surface,
            reparam: &self.reparam,
            noise: self.noise,
            centre: [(x0 + x1) / 2.0, (y0 + y1) / 2.0],
            half: [(x1 - x0) / 2.0, (y1 - y0) / 2.0],
        };
        for run in &mut self.runs {
            for _ in 0..n {
                if run.diverged.is_some() {
                    break;
                }
                run.step_once(&pb);
            }
        }
    }

    /// The runs, in racer order.
    pub fn runs(&self) -> &[RacerRun] {
        &self.runs
    }

    /// The surface.
    pub fn surface(&self) -> &Surface {
        &self.surface
    }

    /// The reparameterization.
    pub fn reparam(&self) -> &Reparam {
        &self.reparam
    }

    /// The plot window `[x_min, x_max, y_min, y_max]`.
    pub fn view(&self) -> [f64; 4] {
        self.view
    }

    /// The largest step count of any run (a diverged run stops counting).
    pub fn step_count(&self) -> u64 {
        self.runs.iter().map(|r| r.step).max().unwrap_or(0)
    }

    /// True when every run has diverged.
    pub fn all_diverged(&self) -> bool {
        self.runs.iter().all(|r| r.diverged.is_some())
    }
}
