//! Unit thumbnails of the network diagram: how a unit's values map onto the orange ↔ white ↔ blue scale of the
//! data plot ([`UnitScale`]), a 2-D thumbnail (bilinear heatmap) and a 1-D thumbnail (a small curve), drawn into
//! the diagram's [`Pixmap`].
//!
//! One colour language everywhere: a unit's output v becomes p ∈ [0, 1] and then [`colour::binary_fast`], so
//! negative values are orange, zero white, positive blue (the weights' sign colours too), and an output unit of a
//! binary classifier looks exactly like the decision heatmap (p = P(class 1)).

use super::raster::Pixmap;
use crate::draw::colour::{self, Rgb, TRAIN_LINE};

/// How a unit's values become p ∈ [0, 1] (p = ½ is white).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnitScale {
    /// p = ½ + ½ v / s for a unit bounded by |v| ≤ s (tanh and sigmoid units: s = 1, so magnitudes compare
    /// across units and over training; softmax class probabilities: white → blue).
    Symmetric(f64),
    /// p = ½ + ½ v / max|v| over the unit's own values: features and unbounded units (ReLU, linear), whose shape
    /// matters more than their scale. An all-zero unit (a dead ReLU) stays white.
    OwnRange,
    /// p = v clamped to [0, 1]: a binary classifier's output probability, as in the data plot.
    Probability,
}

impl UnitScale {
    /// The affine map v ↦ a + b·v to p for these values.
    pub fn affine(self, values: &[f64]) -> (f64, f64) {
        match self {
            UnitScale::Symmetric(s) if s > 0.0 => (0.5, 0.5 / s),
            UnitScale::Symmetric(_) => (0.5, 0.0),
            UnitScale::Probability => (0.0, 1.0),
            UnitScale::OwnRange => {
                let m = values
                    .iter()
                    .filter(|v| v.is_finite())
                    .fold(0.0_f64, |m, v| m.max(v.abs()));
                if m > 1e-12 {
                    (0.5, 0.5 / m)
                } else {
                    (0.5, 0.0)
                }
            }
        }
    }

    /// The value range a 1-D curve thumbnail shows: [−s, s] for `Symmetric(s)`, [0, 1] for probabilities, the
    /// values' own range (5 % padding; ±1 around a flat curve) otherwise.
    pub fn curve_range(self, values: &[f64]) -> (f64, f64) {
        match self {
            UnitScale::Symmetric(s) if s > 0.0 => (-s, s),
            UnitScale::Probability => (0.0, 1.0),
            _ => {
                let (lo, hi) = values
                    .iter()
                    .filter(|v| v.is_finite())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                        (a.min(v), b.max(v))
                    });
                if !(lo.is_finite() && hi.is_finite()) {
                    (-1.0, 1.0)
                } else if hi - lo < 1e-9 {
                    (lo - 1.0, hi + 1.0)
                } else {
                    let pad = 0.05 * (hi - lo);
                    (lo - pad, hi + pad)
                }
            }
        }
    }
}

/// The colour of value `v` under the map `(a, b)` from [`UnitScale::affine`] (non-finite → white).
pub fn value_colour((a, b): (f64, f64), v: f64) -> Rgb {
    colour::binary_fast(a + b * v)
}

/// Light grey of the zero line in curve thumbnails and of thumbnail borders.
pub const FRAME: Rgb = [0x9a, 0xa3, 0xaf];

/// Draws a 2-D thumbnail: the `res × res` values (row-major, top row first) as a heatmap in the square at
/// (x, y) with side `side` device pixels.
pub fn heat(
    p: &mut Pixmap,
    values: &[f64],
    res: usize,
    scale: UnitScale,
    (x, y, side): (f64, f64, f64),
) {
    let (a, b) = scale.affine(values);
    // p quantised to 1/LUT_STEPS through a table fetched once per thumbnail (≤ 1/4 of an 8-bit step).
    let lut = lut();
    let (a, b) = (a * LUT_STEPS as f64 + 0.5, b * LUT_STEPS as f64);
    p.value_grid(values, res, (x, y, side), |v| {
        let q = a + b * v;
        if q.is_finite() {
            lut[q.clamp(0.0, LUT_STEPS as f64) as usize]
        } else {
            colour::WHITE
        }
    });
}

/// Steps of the thumbnail colour table.
const LUT_STEPS: usize = 1024;

/// [`colour::binary`] at p = i / [`LUT_STEPS`], i = 0 ..= LUT_STEPS.
fn lut() -> &'static [Rgb] {
    static LUT: std::sync::OnceLock<Vec<Rgb>> = std::sync::OnceLock::new();
    LUT.get_or_init(|| {
        (0..=LUT_STEPS)
            .map(|i| colour::binary(i as f64 / LUT_STEPS as f64))
            .collect()
    })
}

/// Draws a 1-D thumbnail: the values (evenly spaced along x) as a curve in the square at (x, y), over a faint
/// zero line when zero is in range, with the area between the curve and zero tinted by sign. `px` is the
/// device-pixel scale (line widths).
pub fn curve(
    p: &mut Pixmap,
    values: &[f64],
    scale: UnitScale,
    (x, y, side): (f64, f64, f64),
    px: f64,
) {
    let n = values.len();
    if n < 2 || side < 2.0 {
        return;
    }
    let (lo, hi) = scale.curve_range(values);
    let inset = px.max(1.0) * 2.0;
    let h = side - 2.0 * inset;
    let to_y = |v: f64| y + inset + h * (1.0 - (v.clamp(lo, hi) - lo) / (hi - lo));
    let zero = to_y(0.0);
    let step = (side - 2.0 * inset) / (n - 1) as f64;
    let pts: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            (
                x + inset + step * i as f64,
                if v.is_finite() { to_y(v) } else { f64::NAN },
            )
        })
        .collect();
    if lo < 0.0 && hi > 0.0 {
        // Tint the area between the curve and zero: orange below, blue above (the sign colours).
        let tint = |above: bool| {
            colour::mix(
                colour::WHITE,
                colour::class_colour(usize::from(above)),
                0.25,
            )
        };
        for w in pts.windows(2) {
            let (xa, ya) = w[0];
            if !ya.is_finite() {
                continue;
            }
            let top = ya.min(zero);
            p.fill_rect(xa, top, step.max(1.0), (ya - zero).abs(), tint(ya < zero));
        }
        p.line((x + inset, zero), (x + side - inset, zero), px, FRAME, 1.0);
    }
    let runs = crate::draw::finite_runs(pts);
    for run in runs {
        p.polyline(&run, 1.5 * px, TRAIN_LINE, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_to_the_shared_colour_language() {
        let v = [-2.0, 0.0, 4.0];
        assert_eq!(UnitScale::Symmetric(1.0).affine(&v), (0.5, 0.5));
        assert_eq!(UnitScale::OwnRange.affine(&v), (0.5, 0.125));
        assert_eq!(UnitScale::OwnRange.affine(&[0.0; 4]), (0.5, 0.0));
        assert_eq!(UnitScale::OwnRange.affine(&[f64::NAN, 1.0]), (0.5, 0.5));
        assert_eq!(UnitScale::Probability.affine(&v), (0.0, 1.0));
        let map = UnitScale::OwnRange.affine(&v);
        assert_eq!(value_colour(map, 0.0), colour::WHITE);
        assert_eq!(value_colour(map, 4.0), colour::binary(1.0));
        assert_eq!(value_colour(map, f64::NAN), colour::WHITE);
        // A probability of 0.8 looks as it does in the data plot.
        assert_eq!(
            value_colour(UnitScale::Probability.affine(&[]), 0.8),
            colour::binary_fast(0.8)
        );
    }

    #[test]
    fn curve_ranges() {
        assert_eq!(UnitScale::Symmetric(1.0).curve_range(&[5.0]), (-1.0, 1.0));
        assert_eq!(UnitScale::Probability.curve_range(&[]), (0.0, 1.0));
        let (lo, hi) = UnitScale::OwnRange.curve_range(&[0.0, 10.0]);
        assert!(lo < 0.0 && hi > 10.0);
        assert_eq!(UnitScale::OwnRange.curve_range(&[3.0, 3.0]), (2.0, 4.0));
        assert_eq!(UnitScale::OwnRange.curve_range(&[f64::NAN]), (-1.0, 1.0));
    }

    #[test]
    fn thumbnails_draw_inside_their_square() {
        let mut p = Pixmap::new(40, 40, colour::WHITE);
        let vals: Vec<f64> = (0..25).map(|i| f64::from(i % 5) - 2.0).collect();
        heat(&mut p, &vals, 5, UnitScale::OwnRange, (10.0, 10.0, 20.0));
        assert_eq!(p.get(10, 20), Some(colour::binary_fast(0.0)));
        assert_eq!(p.get(29, 20), Some(colour::binary_fast(1.0)));
        assert_eq!(p.get(9, 20), Some(colour::WHITE));
        assert_eq!(p.get(30, 20), Some(colour::WHITE));
        let mut q = Pixmap::new(40, 40, colour::WHITE);
        let wave: Vec<f64> = (0..30).map(|i| (f64::from(i) * 0.3).sin()).collect();
        curve(
            &mut q,
            &wave,
            UnitScale::Symmetric(1.0),
            (5.0, 5.0, 30.0),
            1.0,
        );
        let inked = (0..40 * 40)
            .filter(|i| q.get(i % 40, i / 40) != Some(colour::WHITE))
            .count();
        assert!(inked > 60, "{inked}");
        assert!((0..40)
            .all(|i| q.get(i, 0) == Some(colour::WHITE) && q.get(0, i) == Some(colour::WHITE)));
    }
}
