//! The frame every "value against step" chart shares (loss chart, race chart, the Optimizers lab's f chart):
//! step on a linear x axis, the value on a log y axis with 1-2-5 ticks, tick labels, a faint grid and titles.

use plotters::coord::combinators::LogCoord;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsError;

use super::loss_chart::{format_step, log_ticks};
use super::{format_tick, linear_labels, plot_err, Root, Surface};

/// A chart with step on x and a log-scaled value on y.
pub(crate) type LogStepChart<'a> =
    ChartContext<'a, CanvasBackend, Cartesian2d<RangedCoordf64, WithKeyPoints<LogCoord<f64>>>>;

/// Lays out and draws the axes of a log-y chart over steps `x` and values `y` (both ends > 0) on `root`, with
/// the y axis titled `y_desc`; `what` names the chart in errors. `None` when the plotting area is too small to
/// draw in (the caller draws nothing more).
pub(crate) fn log_step_chart<'a>(
    s: &Surface,
    root: &'a Root,
    x: (f64, f64),
    y: (f64, f64),
    y_desc: &str,
    what: &'static str,
) -> Result<Option<LogStepChart<'a>>, JsError> {
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let y_ticks = log_ticks(y.0, y.1, s.label_count(h, 40.0));
    let n_x = s.label_count(w, 70.0);
    let x_labels = linear_labels(x.0, x.1, n_x, format_step);
    let y_labels: Vec<String> = y_ticks.iter().map(|&t| format_tick(t)).collect();
    let frame = s.frame(&x_labels, &y_labels);
    let mut chart = s
        .chart(root, &frame, s.px(8.0))
        .build_cartesian_2d(x.0..x.1, (y.0..y.1).log_scale().with_key_points(y_ticks))
        .map_err(plot_err(what))?;
    let rect = chart.plotting_area().get_pixel_range();
    if rect.0.end - rect.0.start < 10 || rect.1.end - rect.1.start < 10 {
        return Ok(None);
    }
    let x_fmt = |x: &f64| format_step(*x);
    let y_fmt = |y: &f64| format_tick(*y);
    let mut mesh = chart.configure_mesh();
    s.style_mesh(&mut mesh, true);
    mesh.x_labels(n_x)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc("step")
        .y_desc(y_desc)
        .draw()
        .map_err(plot_err(what))?;
    Ok(Some(chart))
}
