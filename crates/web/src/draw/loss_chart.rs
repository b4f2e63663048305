//! Train/test loss against step with plotters: log-scale y, train solid blue, test dashed vermillion, grid,
//! axis titles and a legend box (plotters series labels) in the plot corner the curves leave free.
//!
//! The y axis is always logarithmic: losses are positive and the interesting part of training is often a slow
//! decline over decades, which a linear axis flattens into the floor; an axis that switched scale mid-run would
//! jump. Plotters' own log key points leave spans narrower than a decade unlabelled (0.62 … 0.69 has no power of
//! ten), so the ticks come from [`log_ticks`]. Non-finite and non-positive losses break the line instead of being
//! drawn; a one-point history shows as a dot.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use wasm_bindgen::JsError;
use web_sys::HtmlCanvasElement;

use super::colour::{TEST_LINE, TRAIN_LINE};
use super::legend::{self, Entry, Swatch};
use super::step_chart::log_step_chart;
use super::{finite_runs, format_tick, plot_err, rgba, Surface};

/// Loss curves as plain data: `steps[i]` with `train[i]`, `test[i]` (equal lengths; extra entries are ignored).
#[derive(Debug, Clone, Copy, Default)]
pub struct LossData<'a> {
    pub steps: &'a [f64],
    pub train: &'a [f64],
    pub test: &'a [f64],
}

/// What the chart shows, computed without a canvas (tested natively).
#[derive(Debug, Clone, PartialEq)]
pub struct LossView {
    /// Step range [x0, x1], x1 > x0.
    pub x: (f64, f64),
    /// log10(loss) range [y0, y1], y1 > y0.
    pub log_y: (f64, f64),
    /// (step, log10 loss) points; NaN marks a break (non-finite or non-positive loss).
    pub train: Vec<(f64, f64)>,
    pub test: Vec<(f64, f64)>,
}

fn log_or_nan(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v.log10()
    } else {
        f64::NAN
    }
}

/// Builds the view, keeping at most about `max_points` points per series (every k-th point plus the last one:
/// a loss history of 100 000 steps draws as fast as one of 1 000).
pub fn view(data: LossData<'_>, max_points: usize) -> LossView {
    let n = data.steps.len().min(data.train.len()).min(data.test.len());
    let stride = n.div_ceil(max_points.max(2)).max(1);
    let mut idx: Vec<usize> = (0..n).step_by(stride).collect();
    if n > 0 && idx.last() != Some(&(n - 1)) {
        idx.push(n - 1);
    }
    let series = |ys: &[f64]| -> Vec<(f64, f64)> {
        idx.iter()
            .filter(|&&i| data.steps[i].is_finite())
            .map(|&i| (data.steps[i], log_or_nan(ys[i])))
            .collect()
    };
    let train = series(data.train);
    let test = series(data.test);

    let xs = train.iter().map(|p| p.0);
    let (mut x0, mut x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if !(x0.is_finite() && x1.is_finite()) {
        (x0, x1) = (0.0, 1.0);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }

    let ys = train
        .iter()
        .chain(&test)
        .map(|p| p.1)
        .filter(|y| y.is_finite());
    let (mut y0, mut y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    if !(y0.is_finite() && y1.is_finite()) {
        (y0, y1) = (-1.0, 0.0);
    }
    // Keep 10^y finite and normal for the axis (losses beyond 1e±300 are clamped to the edge).
    (y0, y1) = (y0.clamp(-300.0, 299.0), y1.clamp(-299.0, 300.0));
    let pad = ((y1 - y0) * 0.05).max(0.02);
    (y0, y1) = (y0 - pad, y1 + pad);

    LossView {
        x: (x0, x1),
        log_y: (y0, y1),
        train,
        test,
    }
}

/// Ticks (in loss units) for a log axis showing [lo, hi] (lo > 0), at most about `max` of them. Spans of a
/// decade or more tick at powers of ten (every k-th decade when there are many), adding 2× and 5× (or 3×) when
/// few decades show; narrower spans take plotters' linear "nice" ticks in loss units, so a loss that moves between 0.62 and 0.69
/// still gets labelled ticks.
pub(super) fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || lo <= 0.0 || hi <= lo || max == 0 {
        return Vec::new();
    }
    let (d0, d1) = (lo.log10().ceil() as i32, hi.log10().floor() as i32);
    let decades = d1 - d0 + 1;
    if decades < 1 || (decades == 1 && hi / lo < 10.0) {
        let linear = RangedCoordf64::from(lo..hi);
        let mut t = linear.key_points(max.min(6));
        if t.len() < 2 {
            t = linear.key_points(10);
        }
        return t;
    }
    // Powers of ten with 2× and 5× between, or 3×, or bare powers (every k-th decade when there are many): the
    // densest that stays within `max`.
    let at = |multiples: &[f64], every: i32| -> Vec<f64> {
        let mut out = Vec::new();
        for d in (d0 - 1)..=d1 {
            if (d - d0).rem_euclid(every) != 0 {
                continue;
            }
            for &m in multiples {
                // Dividing for negative exponents keeps 3 × 10⁻¹ at exactly 0.3.
                let v = if d >= 0 {
                    m * 10f64.powi(d)
                } else {
                    m / 10f64.powi(-d)
                };
                if v >= lo && v <= hi {
                    out.push(v);
                }
            }
        }
        out
    };
    for multiples in [&[1.0, 2.0, 5.0][..], &[1.0, 3.0]] {
        let t = at(multiples, 1);
        if t.len() <= max {
            return t;
        }
    }
    at(&[1.0], ((decades as usize).div_ceil(max)).max(1) as i32)
}

/// Step label: plain below 10 000, then thousands and millions with a suffix (20k, 1.5M) rather than mixing
/// "50000" with "1e5" on one axis.
pub(super) fn format_step(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", format_tick(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", format_tick(v / 1e3))
    } else {
        format_tick(v)
    }
}

/// Draws the loss chart into `canvas` (size from its width/height attributes). Never panics on odd data:
/// plotters errors become `JsError`s.
pub fn draw_loss_chart(canvas: &HtmlCanvasElement, data: LossData<'_>) -> Result<(), JsError> {
    let s = Surface::new(canvas)?;
    let root = s.root()?;
    if s.is_tiny() {
        return Ok(());
    }
    let v = view(data, (s.width as usize).max(2));
    let (lo, hi) = (10f64.powf(v.log_y.0), 10f64.powf(v.log_y.1));
    let Some(mut chart) = log_step_chart(&s, &root, v.x, (lo, hi), "loss", "loss chart")? else {
        return Ok(());
    };
    let rect = chart.plotting_area().get_pixel_range();

    let width = s.ipx(2.0);
    let to_value = |pts: &[(f64, f64)]| finite_runs(pts.iter().map(|&(x, y)| (x, 10f64.powf(y))));
    let train = to_value(&v.train);
    let test = to_value(&v.test);
    chart
        .draw_series(
            train.iter().map(|run| {
                PathElement::new(run.clone(), rgba(TRAIN_LINE, 1.0).stroke_width(width))
            }),
        )
        .map_err(plot_err("train loss"))?;
    // The test curve is dashed through the context's own line dash, which plotters-canvas leaves alone: one
    // stroke per run, where plotters' `DashedPathElement` strokes every dash separately (≈ +0.5–1 ms a frame for
    // a 700-point curve in headless Chromium).
    s.set_dash(&[6.0, 4.0])?;
    let drawn =
        chart
            .draw_series(test.iter().map(|run| {
                PathElement::new(run.clone(), rgba(TEST_LINE, 1.0).stroke_width(width))
            }));
    s.set_dash(&[])?;
    drawn.map_err(plot_err("test loss"))?;
    // One-point runs have no segment: show them as dots (a one-step history is still visible).
    let r = s.ipx(2.5);
    for (runs, colour) in [(&train, TRAIN_LINE), (&test, TEST_LINE)] {
        chart
            .draw_series(
                runs.iter()
                    .filter(|run| run.len() == 1)
                    .map(|run| Circle::new(run[0], r, rgba(colour, 1.0).filled())),
            )
            .map_err(plot_err("loss dots"))?;
    }
    let plotted: Vec<(i32, i32)> = train
        .iter()
        .chain(&test)
        .flatten()
        .map(|p| chart.backend_coord(p))
        .collect();
    legend::draw_box(
        &s,
        &rect,
        &[
            Entry::new(Swatch::Line(TRAIN_LINE), "train"),
            Entry::new(Swatch::Dashed(TEST_LINE), "test"),
        ],
        &plotted,
    )?;
    root.present().map_err(plot_err("loss chart"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_history_has_a_valid_view() {
        let v = view(LossData::default(), 100);
        assert!(v.x.1 > v.x.0 && v.log_y.1 > v.log_y.0);
        assert!(v.train.is_empty() && v.test.is_empty());
    }

    #[test]
    fn single_point() {
        let v = view(
            LossData {
                steps: &[0.0],
                train: &[0.7],
                test: &[0.8],
            },
            100,
        );
        assert_eq!(v.x, (0.0, 1.0));
        assert!(v.log_y.0 < 0.7f64.log10() && v.log_y.1 > 0.8f64.log10());
        assert_eq!(v.train.len(), 1);
    }

    #[test]
    fn non_finite_and_non_positive_break_the_line() {
        let steps = [0.0, 1.0, 2.0, 3.0];
        let v = view(
            LossData {
                steps: &steps,
                train: &[1.0, f64::NAN, f64::INFINITY, 0.0],
                test: &[-1.0; 4],
            },
            100,
        );
        assert_eq!(v.train[0], (0.0, 0.0));
        assert!(v.train[1..].iter().all(|p| p.1.is_nan()));
        assert!(v.test.iter().all(|p| p.1.is_nan()));
        assert!(v.log_y.0.is_finite() && v.log_y.1 > v.log_y.0);
    }

    #[test]
    fn decimation_keeps_last_point() {
        let steps: Vec<f64> = (0..10_000).map(f64::from).collect();
        let loss: Vec<f64> = steps.iter().map(|s| 1.0 / (1.0 + s)).collect();
        let v = view(
            LossData {
                steps: &steps,
                train: &loss,
                test: &loss,
            },
            500,
        );
        assert!(v.train.len() <= 502);
        assert_eq!(v.train.last().map(|p| p.0), Some(9999.0));
        assert_eq!(v.x, (0.0, 9999.0));
    }

    #[test]
    fn mismatched_lengths_use_the_shortest() {
        let v = view(
            LossData {
                steps: &[0.0, 1.0, 2.0],
                train: &[1.0, 0.5],
                test: &[1.0],
            },
            100,
        );
        assert_eq!(v.train.len(), 1);
    }

    #[test]
    fn log_ticks_decades_and_narrow() {
        assert_eq!(log_ticks(1e-4, 1.0, 8), vec![1e-4, 1e-3, 1e-2, 1e-1, 1.0]);
        assert_eq!(log_ticks(0.05, 2.0, 8), vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
        let narrow = log_ticks(0.62, 0.69, 6);
        assert!(
            narrow.len() >= 2 && narrow.iter().all(|&v| (0.62..=0.69).contains(&v)),
            "{narrow:?}"
        );
        let labels: Vec<String> = narrow.iter().map(|&t| format_tick(t)).collect();
        assert!(labels.iter().all(|l| l.len() <= 5), "{labels:?}");
        assert_eq!(log_ticks(0.0018, 0.7, 6), vec![0.003, 0.01, 0.03, 0.1, 0.3]);
        assert_eq!(log_ticks(0.0018, 0.7, 3), vec![0.01, 0.1]);
        let many = log_ticks(1e-12, 1e3, 6);
        assert!(many.len() <= 6 && !many.is_empty(), "{many:?}");
        assert!(log_ticks(0.0, 1.0, 5).is_empty());
        assert!(log_ticks(f64::NAN, 1.0, 5).is_empty());
    }

    #[test]
    fn step_labels() {
        assert_eq!(format_step(0.0), "0");
        assert_eq!(format_step(5000.0), "5000");
        assert_eq!(format_step(20000.0), "20k");
        assert_eq!(format_step(100000.0), "100k");
        assert_eq!(format_step(1.5e6), "1.5M");
    }
}
