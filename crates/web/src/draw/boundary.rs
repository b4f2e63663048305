//! The data plot: decision-boundary heatmap with train/test points (classification) or the fitted curve over
//! the data (1D regression), with axes and a legend above the plot.
//!
//! Markers: training points are filled circles in the class colour with a dark outline; test points are hollow
//! rings (class colour between two dark edges), so the split reads by shape as well as by colour.

use wasm_bindgen::JsError;
use web_sys::HtmlCanvasElement;

use super::axes::{self, Axis};
use super::colour::{class_colour, Rgb, TRAIN_LINE};
use super::heatmap::{self, BlitMode};
use super::{
    draw_legend, draw_markers, draw_polyline, format_tick, legend_height, ticks, Frame,
    LegendEntry, Marker, Surface,
};

/// Neutral grey for the "train"/"test" legend entries (shape only).
const NEUTRAL: Rgb = [0x99, 0x99, 0x99];
/// Colour of regression data points (Okabe–Ito orange).
const DATA_POINT: Rgb = [0xE6, 0x9F, 0x00];

/// Points as parallel arrays: first coordinate, second coordinate (x2, or the target y for regression), and the
/// class per point (empty for regression).
#[derive(Debug, Clone, Copy, Default)]
pub struct Points<'a> {
    pub x: &'a [f64],
    pub y: &'a [f64],
    pub labels: &'a [usize],
}

/// How the background heatmap is produced once the plot knows its grid size.
pub enum Background<'a> {
    /// `f(nx, ny)` returns nx·ny values P(class 1), row-major from the top row (y_max).
    Binary(&'a dyn Fn(usize, usize) -> Vec<f64>),
    /// `f(nx, ny)` returns nx·ny·K class probabilities, cell-major, rows from the top.
    MultiClass(usize, &'a dyn Fn(usize, usize) -> Vec<f64>),
}

/// Options shared by both data plots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotOptions {
    /// Draw the test points.
    pub show_test: bool,
    /// Draw the training points.
    pub show_train: bool,
    /// Heatmap cells along the longer side of the plot (clamped to 4 ..= 400; default 100).
    pub grid: usize,
    /// Scaling of the heatmap onto the plot.
    pub blit: BlitMode,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            show_test: true,
            show_train: true,
            grid: 100,
            blit: BlitMode::Smooth,
        }
    }
}

/// Grid size for a plot rectangle of w × h pixels: `grid` cells along the longer side, the other side in
/// proportion (at least 2 cells each way).
pub fn grid_size(grid: usize, w: f64, h: f64) -> (usize, usize) {
    let g = grid.clamp(4, 400);
    if !(w > 0.0 && h > 0.0) {
        return (g, g);
    }
    let short = |a: f64, b: f64| ((g as f64 * a / b).round() as usize).clamp(2, g);
    if w >= h {
        (g, short(h, w))
    } else {
        (short(w, h), g)
    }
}

/// Pixel positions of the points of class `k` (any class when `k` is None) inside `frame`.
fn class_points(p: &Points<'_>, frame: &Frame, k: Option<usize>) -> Vec<(f64, f64)> {
    let n = p.x.len().min(p.y.len());
    (0..n)
        .filter(|&i| k.is_none_or(|k| p.labels.get(i) == Some(&k)))
        .map(|i| frame.map(p.x[i], p.y[i]))
        .collect()
}

fn window_ok(d: [f64; 4]) -> Result<[f64; 4], JsError> {
    if d.iter().all(|v| v.is_finite()) && d[1] > d[0] && d[3] > d[2] {
        Ok(d)
    } else {
        Err(JsError::new(&format!(
            "plot domain {d:?} is empty or not finite"
        )))
    }
}

/// Lays out the chart with axes titled `x_title`/`y_title` over `domain`, calls `under_axes(frame)` (for the
/// heatmap), then draws the axes and returns the frame.
fn chart_frame(
    s: &Surface,
    domain: [f64; 4],
    legend_h: f64,
    x_title: &str,
    y_title: &str,
    under_axes: impl FnOnce(&Frame) -> Result<(), JsError>,
) -> Result<Frame, JsError> {
    let fmt = |v: f64| format_tick(v);
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let x = Axis {
        lo: domain[0],
        hi: domain[1],
        ticks: ticks::nice_linear(domain[0], domain[1], axes::tick_count(s, w, 60.0)),
        format: &fmt,
        title: x_title,
    };
    let y = Axis {
        lo: domain[2],
        hi: domain[3],
        ticks: ticks::nice_linear(
            domain[2],
            domain[3],
            axes::tick_count(s, h - legend_h, 40.0),
        ),
        format: &fmt,
        title: y_title,
    };
    let frame = axes::frame(s, s.px(12.0) + legend_h, &x, &y);
    under_axes(&frame)?;
    axes::draw(s, &frame, &x, &y, false)?;
    Ok(frame)
}

fn split_entries(opts: &PlotOptions, train: Rgb, test: Rgb) -> Vec<LegendEntry> {
    let mut e = Vec::new();
    if opts.show_train {
        e.push(LegendEntry {
            marker: Marker::Filled(train),
            text: "train".into(),
        });
    }
    if opts.show_test {
        e.push(LegendEntry {
            marker: Marker::Hollow(test),
            text: "test".into(),
        });
    }
    e
}

/// Decision-boundary plot for 2D classification: heatmap of the model's prediction over `domain`
/// (`[x_min, x_max, y_min, y_max]`), train and test points coloured by class, axes x1/x2 and a legend.
pub fn draw_classification(
    canvas: &HtmlCanvasElement,
    domain: [f64; 4],
    background: &Background<'_>,
    train: Points<'_>,
    test: Points<'_>,
    opts: &PlotOptions,
) -> Result<(), JsError> {
    let domain = window_ok(domain)?;
    let s = Surface::new(canvas)?;
    s.clear();
    if s.is_tiny() {
        return Ok(());
    }
    let classes = match background {
        Background::Binary(_) => 2,
        Background::MultiClass(k, _) => (*k).max(1),
    };
    let mut legend: Vec<LegendEntry> = (0..classes)
        .map(|k| LegendEntry {
            marker: Marker::Filled(class_colour(k)),
            text: format!("class {k}"),
        })
        .collect();
    legend.extend(split_entries(opts, NEUTRAL, NEUTRAL));
    let margin = s.px(8.0);
    let legend_h = legend_height(&s, &legend, f64::from(s.width) - 2.0 * margin);

    let frame = chart_frame(&s, domain, legend_h, "x1", "x2", |frame| {
        let r = frame.rect();
        let (nx, ny) = grid_size(opts.grid, r.w, r.h);
        let rgba = match background {
            Background::Binary(f) => heatmap::binary_rgba(&f(nx, ny), nx, ny),
            Background::MultiClass(k, f) => heatmap::multiclass_rgba(&f(nx, ny), nx, ny, *k),
        }
        .map_err(|m| JsError::new(&m))?;
        heatmap::blit(&s.ctx, &rgba, nx, ny, r, opts.blit)
    })?;

    frame.clip(&s.ctx);
    let drawn = (|| {
        for (show, pts, hollow) in [
            (opts.show_train, &train, false),
            (opts.show_test, &test, true),
        ] {
            if !show {
                continue;
            }
            for k in 0..classes {
                let c = class_colour(k);
                let marker = if hollow {
                    Marker::Hollow(c)
                } else {
                    Marker::Filled(c)
                };
                draw_markers(&s, &class_points(pts, &frame, Some(k)), marker)?;
            }
        }
        Ok::<(), JsError>(())
    })();
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

/// 1D regression plot: the model's curve (`curve_x`, `curve_y`) over the train/test data in `domain`, axes x/y
/// and a legend.
pub fn draw_regression(
    canvas: &HtmlCanvasElement,
    domain: [f64; 4],
    curve_x: &[f64],
    curve_y: &[f64],
    train: Points<'_>,
    test: Points<'_>,
    opts: &PlotOptions,
) -> Result<(), JsError> {
    let domain = window_ok(domain)?;
    let s = Surface::new(canvas)?;
    s.clear();
    if s.is_tiny() {
        return Ok(());
    }
    let mut legend = vec![LegendEntry {
        marker: Marker::Line(TRAIN_LINE),
        text: "model".into(),
    }];
    legend.extend(split_entries(opts, DATA_POINT, DATA_POINT));
    let margin = s.px(8.0);
    let legend_h = legend_height(&s, &legend, f64::from(s.width) - 2.0 * margin);
    let frame = chart_frame(&s, domain, legend_h, "x", "y", |_| Ok(()))?;

    frame.clip(&s.ctx);
    let drawn = (|| {
        if opts.show_train {
            draw_markers(
                &s,
                &class_points(&train, &frame, None),
                Marker::Filled(DATA_POINT),
            )?;
        }
        if opts.show_test {
            draw_markers(
                &s,
                &class_points(&test, &frame, None),
                Marker::Hollow(DATA_POINT),
            )?;
        }
        let curve: Vec<(f64, f64)> = curve_x
            .iter()
            .zip(curve_y)
            .map(|(&x, &y)| frame.map(x, y))
            .collect();
        draw_polyline(&s, &curve, TRAIN_LINE, 2.5, false)
    })();
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
    fn grid_follows_aspect() {
        assert_eq!(grid_size(100, 600.0, 600.0), (100, 100));
        assert_eq!(grid_size(100, 600.0, 300.0), (100, 50));
        assert_eq!(grid_size(100, 300.0, 600.0), (50, 100));
        assert_eq!(grid_size(100, 1000.0, 1.0), (100, 2));
        assert_eq!(grid_size(0, 0.0, 0.0), (4, 4));
        assert_eq!(grid_size(10_000, 10.0, 10.0), (400, 400));
    }

    #[test]
    fn class_points_filter_by_label() {
        let frame = Frame {
            left: 0.0,
            right: 100.0,
            top: 0.0,
            bottom: 100.0,
            window: [0.0, 1.0, 0.0, 1.0],
        };
        let p = Points {
            x: &[0.0, 1.0, 0.5],
            y: &[0.0, 1.0, 0.5],
            labels: &[0, 1, 0],
        };
        assert_eq!(
            class_points(&p, &frame, Some(0)),
            vec![(0.0, 100.0), (50.0, 50.0)]
        );
        assert_eq!(class_points(&p, &frame, Some(1)), vec![(100.0, 0.0)]);
        assert_eq!(class_points(&p, &frame, None).len(), 3);
        // Missing labels never panic: such points belong to no class.
        let q = Points {
            x: &[0.0, 1.0],
            y: &[0.0, 1.0],
            labels: &[],
        };
        assert!(class_points(&q, &frame, Some(0)).is_empty());
    }
}
