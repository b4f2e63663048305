//! Train/test loss against step: log-scale y, train solid blue, test dashed vermillion, legend on top.
//!
//! The y axis is always logarithmic: losses are positive and the interesting part of training is often a slow
//! decline over decades, which a linear axis flattens into the floor; an axis that switched scale mid-run would
//! jump. Ticks come from [`super::ticks::log_ticks`], which still labels narrow ranges (0.62 … 0.69). Non-finite
//! and non-positive losses break the line instead of being drawn; a one-point history shows as a dot.

use wasm_bindgen::JsError;
use web_sys::HtmlCanvasElement;

use super::axes::{self, Axis};
use super::colour::{TEST_LINE, TRAIN_LINE};
use super::{
    draw_legend, draw_polyline, format_tick, legend_height, ticks, LegendEntry, Marker, Surface,
};

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
    let pad = ((y1 - y0) * 0.05).max(0.02);
    (y0, y1) = (y0 - pad, y1 + pad);

    LossView {
        x: (x0, x1),
        log_y: (y0, y1),
        train,
        test,
    }
}

/// Draws the loss chart into `canvas` (size from its width/height attributes). Never panics on odd data.
pub fn draw_loss_chart(canvas: &HtmlCanvasElement, data: LossData<'_>) -> Result<(), JsError> {
    let s = Surface::new(canvas)?;
    s.clear();
    if s.is_tiny() {
        return Ok(());
    }
    let v = view(data, (s.width as usize).max(2));
    let legend = [
        LegendEntry {
            marker: Marker::Line(TRAIN_LINE),
            text: "train".into(),
        },
        LegendEntry {
            marker: Marker::Dashed(TEST_LINE),
            text: "test".into(),
        },
    ];
    let margin = s.px(8.0);
    let legend_h = legend_height(&s, &legend, f64::from(s.width) - 2.0 * margin);

    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let x_fmt = |x: f64| format_tick(x);
    let y_fmt = |y: f64| format_tick(10f64.powf(y));
    let (lo, hi) = (10f64.powf(v.log_y.0), 10f64.powf(v.log_y.1));
    let y_count = axes::tick_count(&s, h - legend_h, 40.0);
    let x = Axis {
        lo: v.x.0,
        hi: v.x.1,
        ticks: ticks::nice_linear(v.x.0, v.x.1, axes::tick_count(&s, w, 70.0)),
        format: &x_fmt,
        title: "step",
    };
    let y = Axis {
        lo: v.log_y.0,
        hi: v.log_y.1,
        ticks: ticks::log_ticks(lo, hi, y_count)
            .iter()
            .map(|t| t.log10())
            .collect(),
        format: &y_fmt,
        title: "loss",
    };
    let frame = axes::frame(&s, margin + legend_h + s.px(4.0), &x, &y);
    axes::draw(&s, &frame, &x, &y, true)?;

    let to_px = |pts: &[(f64, f64)]| -> Vec<(f64, f64)> {
        pts.iter()
            .map(|&(x, y)| {
                if y.is_finite() {
                    frame.map(x, y)
                } else {
                    (f64::NAN, f64::NAN)
                }
            })
            .collect()
    };
    frame.clip(&s.ctx);
    let drawn = draw_polyline(&s, &to_px(&v.train), TRAIN_LINE, 2.0, false)
        .and_then(|()| draw_polyline(&s, &to_px(&v.test), TEST_LINE, 2.0, true));
    s.ctx.restore();
    drawn?;
    draw_legend(
        &s,
        &legend,
        frame.left,
        margin,
        f64::from(s.width) - frame.left - margin,
    )
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
}
