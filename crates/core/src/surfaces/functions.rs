//! The formulas: value, gradient and Hessian of every surface, written out analytically (the sums of squares
//! through their residuals r, ∇r, ∇²r: f = Σ r², ∇f = Σ 2r∇r, ∇²f = Σ 2(∇r∇rᵀ + r∇²r)).

use super::{Surface, SurfaceKind};

/// A point (or vector) of the plane.
pub type P2 = [f64; 2];
/// A symmetric 2 × 2 matrix, row-major.
pub type Hess = [[f64; 2]; 2];

/// f, ∇f and ∇²f at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Eval {
    pub f: f64,
    pub g: P2,
    pub h: Hess,
}

/// One residual r with its gradient and Hessian.
type Residual = (f64, P2, Hess);

fn sum_of_squares(res: &[Residual]) -> Eval {
    let mut e = Eval {
        f: 0.0,
        g: [0.0; 2],
        h: [[0.0; 2]; 2],
    };
    for &(r, dr, ddr) in res {
        e.f += r * r;
        for i in 0..2 {
            e.g[i] += 2.0 * r * dr[i];
            for j in 0..2 {
                e.h[i][j] += 2.0 * (dr[i] * dr[j] + r * ddr[i][j]);
            }
        }
    }
    e
}

/// Q = R(θ) diag(1, κ) R(θ)ᵀ as (a, b, c) with Q = [[a, b], [b, c]]; θ in degrees.
pub(super) fn quadratic_matrix(kappa: f64, angle_deg: f64) -> [f64; 3] {
    let (s, c) = angle_deg.to_radians().sin_cos();
    [
        c * c + kappa * s * s,
        c * s * (1.0 - kappa),
        s * s + kappa * c * c,
    ]
}

fn rosenbrock(b: f64, [x, y]: P2) -> [Residual; 2] {
    let sb = b.sqrt();
    [
        (1.0 - x, [-1.0, 0.0], [[0.0; 2]; 2]),
        (
            sb * (y - x * x),
            [-2.0 * sb * x, sb],
            [[-2.0 * sb, 0.0], [0.0, 0.0]],
        ),
    ]
}

fn beale([x, y]: P2) -> [Residual; 3] {
    let (y2, y3) = (y * y, y * y * y);
    [
        (1.5 - x + x * y, [y - 1.0, x], [[0.0, 1.0], [1.0, 0.0]]),
        (
            2.25 - x + x * y2,
            [y2 - 1.0, 2.0 * x * y],
            [[0.0, 2.0 * y], [2.0 * y, 2.0 * x]],
        ),
        (
            2.625 - x + x * y3,
            [y3 - 1.0, 3.0 * x * y2],
            [[0.0, 3.0 * y2], [3.0 * y2, 6.0 * x * y]],
        ),
    ]
}

fn himmelblau([x, y]: P2) -> [Residual; 2] {
    [
        (x * x + y - 11.0, [2.0 * x, 1.0], [[2.0, 0.0], [0.0, 0.0]]),
        (x + y * y - 7.0, [1.0, 2.0 * y], [[0.0, 0.0], [0.0, 2.0]]),
    ]
}

/// f at `p` (the heatmap's hot path: no derivatives).
pub(super) fn value(s: &Surface, p: P2) -> f64 {
    let [x, y] = p;
    match s.kind {
        SurfaceKind::Quadratic => {
            let [a, b, c] = s.q;
            0.5 * (a * x * x + 2.0 * b * x * y + c * y * y)
        }
        SurfaceKind::Rosenbrock => (1.0 - x).powi(2) + s.param(0) * (y - x * x).powi(2),
        SurfaceKind::Beale => {
            (1.5 - x + x * y).powi(2)
                + (2.25 - x + x * y * y).powi(2)
                + (2.625 - x + x * y * y * y).powi(2)
        }
        SurfaceKind::Himmelblau => (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2),
        SurfaceKind::Saddle => x * x - y * y,
        SurfaceKind::MonkeySaddle => x * x * x - 3.0 * x * y * y,
        SurfaceKind::DoubleWell => (x * x - 1.0).powi(2) + s.param(0) * x + y * y,
    }
}

/// f, ∇f and ∇²f at `p`.
pub(super) fn eval(s: &Surface, p: P2) -> Eval {
    let [x, y] = p;
    match s.kind {
        SurfaceKind::Quadratic => {
            let [a, b, c] = s.q;
            Eval {
                f: value(s, p),
                g: [a * x + b * y, b * x + c * y],
                h: [[a, b], [b, c]],
            }
        }
        // f from `value` (the same rounding as the heatmap and the recorded values).
        SurfaceKind::Rosenbrock => Eval {
            f: value(s, p),
            ..sum_of_squares(&rosenbrock(s.param(0), p))
        },
        SurfaceKind::Beale => Eval {
            f: value(s, p),
            ..sum_of_squares(&beale(p))
        },
        SurfaceKind::Himmelblau => Eval {
            f: value(s, p),
            ..sum_of_squares(&himmelblau(p))
        },
        SurfaceKind::Saddle => Eval {
            f: value(s, p),
            g: [2.0 * x, -2.0 * y],
            h: [[2.0, 0.0], [0.0, -2.0]],
        },
        SurfaceKind::MonkeySaddle => Eval {
            f: value(s, p),
            g: [3.0 * x * x - 3.0 * y * y, -6.0 * x * y],
            h: [[6.0 * x, -6.0 * y], [-6.0 * y, -6.0 * x]],
        },
        SurfaceKind::DoubleWell => Eval {
            f: value(s, p),
            g: [4.0 * x * (x * x - 1.0) + s.param(0), 2.0 * y],
            h: [[12.0 * x * x - 4.0, 0.0], [0.0, 2.0]],
        },
    }
}

/// The deep minimum of the double well with tilt `a`: the root of 4x³ − 4x + a = 0 on the side a pushes
/// towards (Newton from x = ∓1.5; the cubic is convex there, so the iteration is monotone), y = 0.
pub(super) fn double_well_min(a: f64) -> f64 {
    let mut x: f64 = if a > 0.0 { -1.5 } else { 1.5 };
    for _ in 0..60 {
        let d = 12.0 * x * x - 4.0;
        let step = (4.0 * x * (x * x - 1.0) + a) / d;
        x -= step;
        if step.abs() < 1e-15 {
            break;
        }
    }
    (x * x - 1.0).powi(2) + a * x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Keyed;

    /// Sample points of a surface's view (a 5 × 5 grid, off the axes so no term is exactly 0).
    fn probes(kind: SurfaceKind) -> Vec<P2> {
        let [x0, x1, y0, y1] = kind.view();
        let mut out = Vec::new();
        for i in 0..5 {
            for j in 0..5 {
                let t = |k: usize, a: f64, b: f64| a + (b - a) * (0.13 + 0.18 * k as f64);
                out.push([t(i, x0, x1), t(j, y0, y1)]);
            }
        }
        out
    }

    fn surfaces() -> Vec<Surface> {
        let mut out: Vec<Surface> = SurfaceKind::ALL
            .iter()
            .map(|&k| Surface::new(k, &k.default_params()))
            .collect();
        out.push(Surface::new(SurfaceKind::Quadratic, &[250.0, -70.0]));
        out.push(Surface::new(SurfaceKind::Rosenbrock, &[3.0]));
        out.push(Surface::new(SurfaceKind::DoubleWell, &[-0.8]));
        out
    }

    /// Centred differences, relative error against max(1, |value|) below 1e-6 (step 1e-5 in f64).
    #[test]
    fn gradients_and_hessians_match_finite_differences() {
        let h = 1e-5;
        for s in surfaces() {
            for p in probes(s.kind()) {
                let e = s.eval(p);
                assert_eq!(e.f, s.value(p), "{:?} value paths agree at {p:?}", s.kind());
                for i in 0..2 {
                    let mut a = p;
                    let mut b = p;
                    a[i] += h;
                    b[i] -= h;
                    let fd = (s.value(a) - s.value(b)) / (2.0 * h);
                    let scale = e.g[i].abs().max(1.0);
                    assert!(
                        (fd - e.g[i]).abs() / scale < 1e-6,
                        "{:?} ∂f/∂p{i} at {p:?}: analytic {} fd {fd}",
                        s.kind(),
                        e.g[i]
                    );
                    let (ga, gb) = (s.eval(a).g, s.eval(b).g);
                    for j in 0..2 {
                        let fd = (ga[j] - gb[j]) / (2.0 * h);
                        let scale = e.h[i][j].abs().max(1.0);
                        assert!(
                            (fd - e.h[i][j]).abs() / scale < 1e-6,
                            "{:?} H[{i}][{j}] at {p:?}: analytic {} fd {fd}",
                            s.kind(),
                            e.h[i][j]
                        );
                    }
                }
                assert_eq!(e.h[0][1], e.h[1][0], "{:?} Hessian symmetric", s.kind());
            }
        }
    }

    #[test]
    fn known_minima_and_curvatures() {
        let at = |k: SurfaceKind, p: P2| Surface::new(k, &k.default_params()).eval(p);
        assert_eq!(at(SurfaceKind::Rosenbrock, [1.0, 1.0]).f, 0.0);
        assert_eq!(at(SurfaceKind::Rosenbrock, [1.0, 1.0]).g, [0.0, 0.0]);
        assert_eq!(at(SurfaceKind::Beale, [3.0, 0.5]).f, 0.0);
        assert_eq!(at(SurfaceKind::Himmelblau, [3.0, 2.0]).f, 0.0);
        // The quadratic's Hessian has eigenvalues 1 and κ whatever the angle: trace 1 + κ, determinant κ.
        let q = Surface::new(SurfaceKind::Quadratic, &[40.0, 25.0])
            .eval([0.3, -0.2])
            .h;
        assert!((q[0][0] + q[1][1] - 41.0).abs() < 1e-12);
        assert!((q[0][0] * q[1][1] - q[0][1] * q[1][0] - 40.0).abs() < 1e-10);
        // Saddle: one negative eigenvalue of two (index ½); monkey saddle: zero Hessian at 0.
        assert_eq!(
            at(SurfaceKind::Saddle, [0.0, 0.0]).h,
            [[2.0, 0.0], [0.0, -2.0]]
        );
        assert_eq!(at(SurfaceKind::MonkeySaddle, [0.0, 0.0]).h, [[0.0; 2]; 2]);
    }

    #[test]
    fn double_well_has_a_deep_and_a_shallow_minimum() {
        let s = Surface::new(SurfaceKind::DoubleWell, &[0.3]);
        let deep = s.min_value().unwrap_or(f64::NAN);
        // The deep minimum is on the left (a > 0) and below the shallow one on the right.
        let shallow = (0..2000)
            .map(|i| s.value([0.5 + i as f64 * 0.001, 0.0]))
            .fold(f64::INFINITY, f64::min);
        let left = (0..2000)
            .map(|i| s.value([-1.5 + i as f64 * 0.001, 0.0]))
            .fold(f64::INFINITY, f64::min);
        assert!((left - deep).abs() < 1e-6, "{left} vs {deep}");
        assert!(deep < shallow - 0.5, "deep {deep} shallow {shallow}");
        assert!(Surface::new(SurfaceKind::DoubleWell, &[0.0])
            .min_value()
            .is_some_and(|v| v.abs() < 1e-20));
        assert!(Surface::new(SurfaceKind::Saddle, &[]).min_value().is_none());
    }

    #[test]
    fn default_starts_lie_in_their_views() {
        for &k in SurfaceKind::ALL {
            let [x0, x1, y0, y1] = k.view();
            let [x, y] = k.start();
            assert!(x0 < x && x < x1 && y0 < y && y < y1, "{k}");
            assert!(Surface::new(k, &k.default_params())
                .value(k.start())
                .is_finite());
        }
    }
}
