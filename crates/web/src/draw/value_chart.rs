//! The Optimizers lab's small chart: f against step, one line per optimizer in its colour. On surfaces with a
//! known minimum f* the y axis is log-scale f − f* (convergence rates are slopes; f − f* ≤ 0 sits on the floor
//! 1e-16); on the saddles, unbounded below, it is linear f.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use wasm_bindgen::JsError;
use web_sys::HtmlCanvasElement;

use super::colour::Rgb;
use super::loss_chart::format_step;
use super::step_chart::log_step_chart;
use super::{finite_runs, format_tick, linear_labels, plot_err, rgba, Surface};

/// Smallest f − f* shown on the log axis (rounding makes a converged run touch 0).
const FLOOR: f64 = 1e-16;

/// One optimizer's values: `(step, f)` pairs and its colour.
pub struct Series<'a> {
    pub points: &'a [(f64, f64)],
    pub colour: Rgb,
}

/// The plotted y of f: log10(max(f − f*, floor)) with a known f*, else f.
fn y_of(f: f64, f_star: Option<f64>) -> f64 {
    match f_star {
        Some(m) if f.is_finite() => (f - m).max(FLOOR).log10(),
        Some(_) => f64::NAN,
        None => f,
    }
}

/// x and y ranges of the plotted points (padded; defaults when nothing is finite).
fn ranges(series: &[Vec<(f64, f64)>]) -> ((f64, f64), (f64, f64)) {
    let (mut x0, mut x1, mut y0, mut y1) = (0.0, 1.0, f64::INFINITY, f64::NEG_INFINITY);
    for &(x, y) in series.iter().flatten() {
        x1 = f64::max(x1, x);
        x0 = f64::min(x0, x);
        if y.is_finite() {
            (y0, y1) = (y0.min(y), y1.max(y));
        }
    }
    if y0 > y1 || y0.is_nan() {
        (y0, y1) = (0.0, 1.0);
    }
    let pad = ((y1 - y0) * 0.05).max(0.05);
    ((x0, x1), (y0 - pad, y1 + pad))
}

/// Draws each series' finite runs (`to_y` maps the plotted y back to the axis' value).
fn lines<Y>(
    s: &Surface,
    chart: &mut ChartContext<'_, plotters_canvas::CanvasBackend, Cartesian2d<RangedCoordf64, Y>>,
    series: &[Series<'_>],
    plotted: &[Vec<(f64, f64)>],
    to_y: impl Fn(f64) -> f64,
) -> Result<(), JsError>
where
    Y: Ranged<ValueType = f64>,
{
    for (c, pts) in series.iter().zip(plotted) {
        let runs = finite_runs(pts.iter().map(|&(x, y)| (x, to_y(y))));
        let style = rgba(c.colour, 1.0).stroke_width(s.ipx(2.0));
        chart
            .draw_series(runs.into_iter().map(|r| PathElement::new(r, style)))
            .map_err(plot_err("value curve"))?;
    }
    Ok(())
}

/// Draws the chart; `f_star` picks the log (Some) or linear (None) axis.
pub fn draw_value_chart(
    canvas: &HtmlCanvasElement,
    series: &[Series<'_>],
    f_star: Option<f64>,
) -> Result<(), JsError> {
    let s = Surface::new(canvas)?;
    let root = s.root()?;
    if s.is_tiny() {
        return Ok(());
    }
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let plotted: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|c| {
            c.points
                .iter()
                .map(|&(x, f)| (x, y_of(f, f_star)))
                .collect()
        })
        .collect();
    let ((x0, x1), (ya, yb)) = ranges(&plotted);
    let n_x = s.label_count(w, 70.0);
    let x_fmt = |x: &f64| format_step(*x);
    let y_fmt = |y: &f64| format_tick(*y);
    let n_y = s.label_count(h, 36.0);
    if f_star.is_some() {
        let (lo, hi) = (10f64.powf(ya), 10f64.powf(yb));
        let Some(mut chart) =
            log_step_chart(&s, &root, (x0, x1), (lo, hi), "f − f*", "value chart")?
        else {
            return Ok(());
        };
        lines(&s, &mut chart, series, &plotted, |y| 10f64.powf(y))?;
    } else {
        let x_labels = linear_labels(x0, x1, n_x, format_step);
        let y_labels = linear_labels(ya, yb, n_y, format_tick);
        let frame = s.frame(&x_labels, &y_labels);
        let mut chart = s
            .chart(&root, &frame, s.px(8.0))
            .build_cartesian_2d(x0..x1, ya..yb)
            .map_err(plot_err("value chart layout"))?;
        let mut mesh = chart.configure_mesh();
        s.style_mesh(&mut mesh, true);
        mesh.x_labels(n_x)
            .y_labels(n_y)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc("step")
            .y_desc("f")
            .draw()
            .map_err(plot_err("value chart axes"))?;
        lines(&s, &mut chart, series, &plotted, |y| y)?;
    }
    root.present().map_err(plot_err("value chart"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_floors_converged_values_and_linear_keeps_negatives() {
        assert_eq!(y_of(0.0, Some(0.0)), -16.0);
        assert_eq!(y_of(100.0, Some(0.0)), 2.0);
        assert!(y_of(f64::NAN, Some(0.0)).is_nan());
        assert_eq!(y_of(-4.0, None), -4.0);
        let ((x0, x1), (y0, y1)) = ranges(&[vec![(0.0, -2.0), (50.0, 3.0)]]);
        assert_eq!((x0, x1), (0.0, 50.0));
        assert!(y0 < -2.0 && y1 > 3.0);
    }
}
