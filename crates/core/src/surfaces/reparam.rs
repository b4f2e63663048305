//! The reparameterization x = Ay of the Optimizers lab: a validated invertible 2 × 2 matrix A, the maps between
//! x and y, the pulled-back gradient Aᵀ∇f and Hessian AᵀHA, and the presets the page offers.
//!
//! Lecture 8 ("gradient descent depends on the parameterization"): GD on h(y) = f(Ay) moves x by
//! −lr·AAᵀ∇f(x); the example g(y) = f(y/2) is A = ½I, whose GD step in x is a quarter of the original one.

use super::functions::{Hess, P2};
use crate::{Error, Result};

/// Largest |entry| of A allowed (larger entries make the view's scale meaningless).
pub const MAX_ENTRY: f64 = 100.0;
/// Smallest |det A| / max|aᵢⱼ|² allowed: below it A is numerically singular.
const MIN_RELATIVE_DET: f64 = 1e-6;

/// A validated invertible A (row-major `[a11, a12, a21, a22]`) and its inverse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reparam {
    a: [f64; 4],
    inv: [f64; 4],
}

fn mul([a, b, c, d]: [f64; 4], [x, y]: P2) -> P2 {
    [a * x + b * y, c * x + d * y]
}

fn shown(a: &[f64; 4]) -> String {
    format!("[[{}, {}], [{}, {}]]", a[0], a[1], a[2], a[3])
}

impl Reparam {
    /// The identity (no reparameterization).
    pub const IDENTITY: Reparam = Reparam {
        a: [1.0, 0.0, 0.0, 1.0],
        inv: [1.0, 0.0, 0.0, 1.0],
    };

    /// Checks A: every entry finite with |aᵢⱼ| ≤ [`MAX_ENTRY`], not all zero, and |det A| ≥ 1e-6 · max|aᵢⱼ|²
    /// (invertible with room to spare). Errors name the field `reparam`, the rule and A.
    pub fn new(a: [f64; 4]) -> Result<Reparam> {
        if a.iter().any(|v| !v.is_finite() || v.abs() > MAX_ENTRY) {
            return Err(Error::out_of_range(
                "reparam",
                format!("entries of A in [−{MAX_ENTRY}, {MAX_ENTRY}]"),
                shown(&a),
            ));
        }
        let det = a[0] * a[3] - a[1] * a[2];
        let big = a.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        if big == 0.0 || det.abs() < MIN_RELATIVE_DET * big * big {
            return Err(Error::invalid(
                "reparam",
                format!(
                    "A = {} is singular (det A = {det}); x = Ay needs an invertible A",
                    shown(&a)
                ),
            ));
        }
        let inv = [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det];
        Ok(Reparam { a, inv })
    }

    /// A, row-major.
    pub fn matrix(&self) -> [f64; 4] {
        self.a
    }

    /// x = Ay.
    pub fn to_x(&self, y: P2) -> P2 {
        mul(self.a, y)
    }

    /// y = A⁻¹x.
    pub fn to_y(&self, x: P2) -> P2 {
        mul(self.inv, x)
    }

    /// ∇h(y) = Aᵀ ∇f(x) for h(y) = f(Ay).
    pub fn pull_gradient(&self, g: P2) -> P2 {
        let [a, b, c, d] = self.a;
        mul([a, c, b, d], g)
    }

    /// ∇²h(y) = Aᵀ H A for h(y) = f(Ay).
    pub fn pull_hessian(&self, h: Hess) -> Hess {
        let [a11, a12, a21, a22] = self.a;
        let am = [[a11, a12], [a21, a22]];
        let mut ha = [[0.0; 2]; 2];
        for i in 0..2 {
            for j in 0..2 {
                ha[i][j] = h[i][0] * am[0][j] + h[i][1] * am[1][j];
            }
        }
        let mut out = [[0.0; 2]; 2];
        for i in 0..2 {
            for j in 0..2 {
                out[i][j] = am[0][i] * ha[0][j] + am[1][i] * ha[1][j];
            }
        }
        out
    }

    /// True for A = I exactly.
    pub fn is_identity(&self) -> bool {
        self.a == Self::IDENTITY.a
    }
}

/// A named A the page offers as a one-click preset.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ReparamPreset {
    /// Stable key.
    pub key: &'static str,
    /// Button label.
    pub label: &'static str,
    /// What it shows.
    pub doc: &'static str,
    /// A, row-major.
    pub a: [f64; 4],
}

/// The presets, in display order (identity first).
pub const PRESETS: &[ReparamPreset] = &[
    ReparamPreset {
        key: "identity",
        label: "Identity",
        doc: "x = y: every method as usual.",
        a: [1.0, 0.0, 0.0, 1.0],
    },
    ReparamPreset {
        key: "half",
        label: "½I (lecture: g(y) = f(y/2))",
        doc: "x = y/2, i.e. g(y) = f(y/2) from lecture 8: GD's step in x shrinks to ¼ (AAᵀ = ¼I); Adam's and sign's to ½; Newton's does not change.",
        a: [0.5, 0.0, 0.0, 0.5],
    },
    ReparamPreset {
        key: "diagonal",
        label: "Diagonal diag(3, ⅓)",
        doc: "Stretch x₁ by 3 and shrink x₂ by 3: GD's step becomes diag(9, 1/9)∇f; per-coordinate methods (Adam, sign) only see diag(3, ⅓).",
        a: [3.0, 0.0, 0.0, 1.0 / 3.0],
    },
    ReparamPreset {
        key: "rotate-scale",
        label: "Rotation 45° × scale 2",
        doc: "A = 2R(45°): GD's step scales by AAᵀ = 4I (same direction), but per-coordinate methods now mix the coordinates and change direction.",
        a: [
            std::f64::consts::SQRT_2,
            -std::f64::consts::SQRT_2,
            std::f64::consts::SQRT_2,
            std::f64::consts::SQRT_2,
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_invert_each_other_and_pullbacks_follow_the_chain_rule() -> Result<()> {
        let r = Reparam::new([2.0, 1.0, -0.5, 3.0])?;
        let x = [0.7, -1.3];
        let back = r.to_x(r.to_y(x));
        assert!((back[0] - x[0]).abs() < 1e-14 && (back[1] - x[1]).abs() < 1e-14);
        // Aᵀ[1, 0] is A's first row read as a column: (a11, a12).
        assert_eq!(r.pull_gradient([1.0, 0.0]), [2.0, 1.0]);
        // AᵀIA = AᵀA.
        let h = r.pull_hessian([[1.0, 0.0], [0.0, 1.0]]);
        assert_eq!(h, [[4.25, 0.5], [0.5, 10.0]]);
        Ok(())
    }

    #[test]
    fn bad_matrices_name_the_field_and_the_value() {
        let e = Reparam::new([1.0, 2.0, 2.0, 4.0]).err();
        assert_eq!(e.as_ref().and_then(|e| e.field()), Some("reparam"));
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("singular") && msg.contains("[[1, 2], [2, 4]]"),
            "{msg}"
        );
        assert!(Reparam::new([0.0; 4]).is_err());
        let msg = Reparam::new([1.0, 0.0, 0.0, f64::NAN])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            msg.starts_with("reparam:") && msg.contains("[−100, 100]"),
            "{msg}"
        );
        assert!(Reparam::new([101.0, 0.0, 0.0, 1.0]).is_err());
        for p in PRESETS {
            assert!(Reparam::new(p.a).is_ok(), "{}", p.key);
        }
    }
}
