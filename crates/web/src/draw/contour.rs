//! The Optimizers lab's background: f sampled on a grid over the view, coloured by a pale sequential map and
//! crossed by contour lines, as one RGBA buffer (pure, natively tested; blitted by [`super::surface_plot`]).
//!
//! Levels: on the non-negative surfaces with minimum 0 (quadratic, Rosenbrock, Beale, Himmelblau) they are
//! log-spaced, three per decade of f − f* over five decades below the grid's largest value, so the valley floor
//! keeps its structure next to walls 10⁵ high; on the others (saddles, double well) 20 even steps between the
//! grid's extremes. Colours: viridis (perceptually uniform, readable with the common colour-vision deficiencies)
//! faded to 38 % towards white, so the Okabe–Ito trajectories on top keep their contrast; a contour line is its
//! band's colour darkened towards ink.

use saddle_core::surfaces::Surface as Landscape;

use super::colour::{mix, Rgb, INK, WHITE};

/// Viridis at t = 0, ¼, ½, ¾, 1 (matplotlib's values, rounded to bytes).
const VIRIDIS: [Rgb; 5] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
];
/// How far the fill goes from white towards viridis.
const FILL_STRENGTH: f64 = 0.38;
/// How far a contour line goes from its fill towards ink.
const LINE_STRENGTH: f64 = 0.4;
/// Log levels: lines per decade and decades shown below the largest value.
const PER_DECADE: f64 = 3.0;
const DECADES: f64 = 5.0;
/// Linear levels: bands between the extremes.
const BANDS: f64 = 20.0;

/// The fill colour at t ∈ [0, 1] (clamped; non-finite is white).
pub fn fill(t: f64) -> Rgb {
    if !t.is_finite() {
        return WHITE;
    }
    let u = t.clamp(0.0, 1.0) * 4.0;
    let i = (u.floor() as usize).min(3);
    mix(
        WHITE,
        mix(VIRIDIS[i], VIRIDIS[i + 1], u - i as f64),
        FILL_STRENGTH,
    )
}

/// How values map to colours and contour bands, fitted to one grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    log: bool,
    /// Log: f* (values are f − f*); linear: the grid's minimum.
    reference: f64,
    /// The mapped coordinate's range (log10 of f − f*, or f).
    lo: f64,
    hi: f64,
}

impl Levels {
    /// Levels for a grid of `values`: log-spaced above `f_star` (or the grid minimum) when `log`, else even.
    pub fn fit(values: &[f64], log: bool, f_star: Option<f64>) -> Levels {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (min, max) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (min, max) = if min <= max { (min, max) } else { (0.0, 1.0) };
        if log {
            let reference = f_star.unwrap_or(min).min(min);
            let hi = (max - reference).max(1e-300).log10();
            Levels {
                log,
                reference,
                lo: hi - DECADES,
                hi,
            }
        } else {
            Levels {
                log,
                reference: min,
                lo: min,
                hi: if max > min { max } else { min + 1.0 },
            }
        }
    }

    /// The mapped coordinate of f (log10 of f − f*, floored at the lowest level; or f).
    fn coord(&self, f: f64) -> f64 {
        if self.log {
            (f - self.reference).max(10f64.powf(self.lo)).log10()
        } else {
            f
        }
    }

    /// Position in [0, 1] of f on the colour map.
    pub fn t(&self, f: f64) -> f64 {
        (self.coord(f) - self.lo) / (self.hi - self.lo)
    }

    /// The contour band of f: neighbouring cells in different bands draw a line.
    pub fn band(&self, f: f64) -> i64 {
        if !f.is_finite() {
            return i64::MIN;
        }
        let c = self.coord(f);
        if self.log {
            (c * PER_DECADE).floor() as i64
        } else {
            ((c - self.lo) / (self.hi - self.lo) * BANDS).floor() as i64
        }
    }
}

/// f at the centres of an nx × ny grid over `view` (`[x_min, x_max, y_min, y_max]`), row-major from the top row.
pub fn sample(surface: &Landscape, view: [f64; 4], nx: usize, ny: usize) -> Vec<f64> {
    let [x0, x1, y0, y1] = view;
    let mut out = Vec::with_capacity(nx * ny);
    for r in 0..ny {
        let y = y1 - (r as f64 + 0.5) / ny as f64 * (y1 - y0);
        for c in 0..nx {
            let x = x0 + (c as f64 + 0.5) / nx as f64 * (x1 - x0);
            out.push(surface.value([x, y]));
        }
    }
    out
}

/// RGBA (opaque) for a grid of values: the fill of each cell, darkened where the band differs from the cell to
/// the right or below (one-cell-wide contour lines). Wrong sizes give an empty buffer.
pub fn rgba(values: &[f64], nx: usize, ny: usize, levels: &Levels) -> Vec<u8> {
    if values.len() != nx * ny {
        return Vec::new();
    }
    let bands: Vec<i64> = values.iter().map(|&f| levels.band(f)).collect();
    let mut out = Vec::with_capacity(nx * ny * 4);
    for r in 0..ny {
        for c in 0..nx {
            let i = r * nx + c;
            let mut colour = fill(levels.t(values[i]));
            let right = c + 1 < nx && bands[i + 1] != bands[i];
            let below = r + 1 < ny && bands[i + nx] != bands[i];
            if right || below {
                colour = mix(colour, INK, LINE_STRENGTH);
            }
            out.extend_from_slice(&[colour[0], colour[1], colour[2], 255]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use saddle_core::surfaces::SurfaceKind;

    #[test]
    fn log_levels_are_three_per_decade_above_f_star() {
        let l = Levels::fit(&[0.0, 1.0, 1000.0], true, Some(0.0));
        assert_eq!(l.band(1.0), 0);
        assert_eq!(l.band(10.0), 3);
        assert_eq!(l.band(0.05), -4);
        assert!((l.t(1000.0) - 1.0).abs() < 1e-12);
        // Below the lowest level everything is one band (no speckle at the minimum).
        assert_eq!(l.band(0.0), l.band(1e-12));
        assert_eq!(l.t(0.0), 0.0);
    }

    #[test]
    fn linear_levels_cover_negative_values() {
        let l = Levels::fit(&[-9.0, 0.0, 9.0], false, None);
        assert_eq!(l.t(-9.0), 0.0);
        assert_eq!(l.t(9.0), 1.0);
        assert_eq!(l.band(0.0), 10);
        assert_eq!(Levels::fit(&[f64::NAN], false, None).t(0.5), 0.5);
    }

    #[test]
    fn buffer_has_lines_between_bands_and_sampling_starts_top_left() {
        let s = Landscape::new(SurfaceKind::Saddle, &[]);
        let v = sample(&s, [-1.0, 1.0, -1.0, 1.0], 4, 4);
        // Top-left cell centre is (-0.75, 0.75): f = 0.
        assert_eq!(v[0], 0.0);
        assert_eq!(v[1], 0.0625 - 0.5625);
        let l = Levels::fit(&v, false, None);
        let buf = rgba(&v, 4, 4, &l);
        assert_eq!(buf.len(), 64);
        assert!(buf.chunks(4).all(|p| p[3] == 255));
        assert_ne!(&buf[0..3], &fill(l.t(v[0])), "a line leaves the first cell");
        assert!(rgba(&v, 3, 3, &l).is_empty());
        assert_eq!(fill(0.0), mix(WHITE, VIRIDIS[0], FILL_STRENGTH));
        assert_eq!(fill(1.0), mix(WHITE, VIRIDIS[4], FILL_STRENGTH));
    }
}
