//! The data plot with plotters: decision-boundary heatmap with train/test points (classification) or the fitted
//! curve over the data (1D regression), with axes, axis titles and a legend row above the plot (a box inside
//! would hide points: they and the heatmap fill the whole plotting area).
//!
//! The heatmap is an RGBA pixel buffer blitted into the plotting area's pixel rectangle (plotters'
//! `get_pixel_range`); 10 000 plotters rectangles would cost ~10 ms a frame. Markers: training points are filled
//! circles in the class colour with a dark outline; test points are hollow rings (class colour between two dark
//! edges), so the split reads by shape as well as by colour. They are cached sprites stamped at plotters' pixel
//! coordinates ([`super::markers`]): plotters' circles are one canvas path each, ≈ 4–5 ms for 200 filled and
//! outlined points in headless Chromium against ≈ 1–2 ms stamped.
//!
//! The classification plot is equal-aspect (one data unit is as many pixels across as up, so a circle of data is
//! round): the plotting area is narrowed and centred, or shortened, to the domain's aspect. Options add hard
//! decision regions (`discretize`) and a colour-scale row under the legend ([`super::scale`]). Each draw records
//! where the plot went ([`super::hit`]) so the page can turn a click into data coordinates.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsError;
use web_sys::HtmlCanvasElement;

use super::colour::{class_colour, Rgb, TRAIN_LINE};
use super::heatmap::{self, BlitMode};
use super::legend::{self, Entry, Swatch};
use super::scale::{self, ColourScale};
use super::{
    draw_markers, finite_runs, format_tick, hit, linear_labels, plot_err, rgba, Marker, Root,
    Surface,
};

/// A plotting area's pixel rectangle: x range, y range (device pixels, ends exclusive).
type PixelRect = (std::ops::Range<i32>, std::ops::Range<i32>);

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
    /// Hard decision regions: every cell in the colour of its predicted class (P(class 1) ≥ 0.5, or the most
    /// probable class) instead of the probability shading. Classification only.
    pub discretize: bool,
    /// A colour-scale row above the plot saying what the background colours mean. Classification only.
    pub legend: bool,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            show_test: true,
            show_train: true,
            grid: 100,
            blit: BlitMode::Smooth,
            discretize: false,
            legend: false,
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

/// Pixel positions, through `map`, of the points of class `k` (any class when `k` is None).
fn class_points(
    p: &Points<'_>,
    map: impl Fn(f64, f64) -> (f64, f64),
    k: Option<usize>,
) -> Vec<(f64, f64)> {
    let n = p.x.len().min(p.y.len());
    (0..n)
        .filter(|&i| k.is_none_or(|k| p.labels.get(i) == Some(&k)))
        .map(|i| map(p.x[i], p.y[i]))
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

type Chart<'a> = ChartContext<'a, CanvasBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// What goes around a data plot's plotting area.
struct Decor<'e> {
    /// The strip legend above the plot.
    legend: &'e [Entry],
    /// The heatmap's colour scale, in a row below the strip legend.
    scale: Option<ColourScale>,
    /// Axis titles (x, y).
    titles: (&'e str, &'e str),
    /// A faint grid.
    grid: bool,
    /// Equal data units per pixel on both axes: the plotting area is narrowed (and centred) or shortened to the
    /// domain's aspect, so circles in the data come out round.
    equal_aspect: bool,
}

/// Extra horizontal and vertical room (device pixels) that gives a `w × h` plot the aspect `ratio` (= data width /
/// data height), as `(narrow_by, shorten_by)`; at most one of them is non-zero.
pub fn aspect_trim(w: f64, h: f64, ratio: f64) -> (f64, f64) {
    if !(w > 0.0 && h > 0.0 && ratio.is_finite() && ratio > 0.0) {
        return (0.0, 0.0);
    }
    if w > h * ratio {
        ((w - h * ratio).floor(), 0.0)
    } else {
        (0.0, (h - w / ratio).floor())
    }
}

/// Builds the chart over `domain` with the legend rows above it and label areas sized to the tick labels, calls
/// `under_axes` with the plotting area's pixel rectangle (the heatmap goes there), then draws the axes and the
/// legend rows, and records the plot's geometry for [`super::hit`]. Returns the chart and the rectangle; `None`
/// when the canvas leaves no room for a plot (nothing drawn).
fn build<'a>(
    s: &Surface,
    root: &'a Root,
    domain: [f64; 4],
    d: &Decor<'_>,
    under_axes: impl FnOnce(&PixelRect) -> Result<(), JsError>,
) -> Result<Option<(Chart<'a>, PixelRect)>, JsError> {
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let (n_x, n_y) = (s.label_count(w, 60.0), s.label_count(h, 40.0));
    let x_labels = linear_labels(domain[0], domain[1], n_x, format_tick);
    let y_labels = linear_labels(domain[2], domain[3], n_y, format_tick);
    let mut frame = s.frame(&x_labels, &y_labels);
    let (plot_left, full_w) = frame.plot_x(s.width);
    let gap = s.px(6.0);
    // The legend rows wrap within the full plot width (not the equal-aspect one: narrower rows could wrap, lower
    // the plot and narrow it again), and their height sets the plot's top.
    let (offsets, legend_h) = legend::strip_layout(s, d.legend, full_w);
    let scale_rows = d.scale.map(|k| scale::layout(s, k, full_w));
    let scale_h = scale_rows.as_ref().map_or(0.0, |l| l.height);
    let pad = |x: f64| if x > 0.0 { x + gap } else { 0.0 };
    let top = s.px(8.0) + pad(legend_h) + pad(scale_h);
    if d.equal_aspect {
        let plot_h = h - top - f64::from(frame.x_area + frame.bottom);
        let ratio = (domain[1] - domain[0]) / (domain[3] - domain[2]);
        let (narrow, shorten) = aspect_trim(full_w, plot_h, ratio);
        let half = (narrow / 2.0).floor();
        frame.left += half as u32;
        frame.right += (narrow - half) as u32;
        frame.bottom += shorten as u32;
    }
    let mut chart = s
        .chart(root, &frame, top)
        .build_cartesian_2d(domain[0]..domain[1], domain[2]..domain[3])
        .map_err(plot_err("data plot layout"))?;
    let rect = chart.plotting_area().get_pixel_range();
    if rect.0.end - rect.0.start < 10 || rect.1.end - rect.1.start < 10 {
        return Ok(None);
    }
    under_axes(&rect)?;
    let fmt = |v: &f64| format_tick(*v);
    let mut mesh = chart.configure_mesh();
    s.style_mesh(&mut mesh, d.grid);
    mesh.x_labels(n_x)
        .y_labels(n_y)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .x_desc(d.titles.0)
        .y_desc(d.titles.1)
        .draw()
        .map_err(plot_err("data plot axes"))?;
    let y0 = s.px(8.0);
    legend::draw_strip(s, root, d.legend, &offsets, (plot_left, y0))?;
    if let Some(l) = &scale_rows {
        let y = y0 + if legend_h > 0.0 { legend_h + gap } else { 0.0 };
        scale::draw(s, root, l, (plot_left, y))?;
    }
    hit::record(&s.canvas, hit::PlotGeometry::of(&chart, domain, &rect));
    Ok(Some((chart, rect)))
}

/// Legend entries for the split, in a neutral or the given colour.
fn split_entries(opts: &PlotOptions, colour: Rgb) -> Vec<Entry> {
    let mut e = Vec::new();
    if opts.show_train {
        e.push(Entry::new(Swatch::Point(Marker::Filled(colour)), "train"));
    }
    if opts.show_test {
        e.push(Entry::new(Swatch::Point(Marker::Hollow(colour)), "test"));
    }
    e
}

/// Stamps the markers of `pts` (those of class `k`, or all when None) at plotters' pixel coordinates.
fn stamp(
    s: &Surface,
    chart: &Chart<'_>,
    pts: &Points<'_>,
    k: Option<usize>,
    marker: Marker,
) -> Result<(), JsError> {
    let map = |x: f64, y: f64| {
        let (px, py) = chart.backend_coord(&(x, y));
        (f64::from(px), f64::from(py))
    };
    draw_markers(s, &class_points(pts, map, k), marker)
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
    hit::forget(canvas);
    let s = Surface::new(canvas)?;
    let root = s.root()?;
    if s.is_tiny() {
        return Ok(());
    }
    let classes = match background {
        Background::Binary(_) => 2,
        Background::MultiClass(k, _) => (*k).max(1),
    };
    let scale = opts.legend.then_some(match (background, opts.discretize) {
        (Background::Binary(_), false) => ColourScale::Binary,
        (Background::MultiClass(k, _), false) => ColourScale::MultiClass(*k),
        (_, true) => ColourScale::Regions(classes),
    });
    // A scale that names every class (regions, the multi-class blend) makes the class entries redundant.
    let names_classes = matches!(
        scale,
        Some(ColourScale::Regions(_) | ColourScale::MultiClass(_))
    );
    let mut entries: Vec<Entry> = if names_classes {
        Vec::new()
    } else {
        (0..classes)
            .map(|k| {
                Entry::new(
                    Swatch::Point(Marker::Filled(class_colour(k))),
                    format!("class {k}"),
                )
            })
            .collect()
    };
    entries.extend(split_entries(opts, NEUTRAL));
    let heat = |rect: &PixelRect| {
        let r = heatmap::Rect {
            x: f64::from(rect.0.start),
            y: f64::from(rect.1.start),
            w: f64::from(rect.0.end - rect.0.start),
            h: f64::from(rect.1.end - rect.1.start),
        };
        let (nx, ny) = grid_size(opts.grid, r.w, r.h);
        let rgba_buf = match background {
            Background::Binary(f) => {
                let mut p = f(nx, ny);
                if opts.discretize {
                    heatmap::discretize_binary(&mut p);
                }
                heatmap::binary_rgba(&p, nx, ny)
            }
            Background::MultiClass(k, f) => {
                let mut p = f(nx, ny);
                if opts.discretize {
                    heatmap::discretize_multiclass(&mut p, *k);
                }
                heatmap::multiclass_rgba(&p, nx, ny, *k)
            }
        }
        .map_err(|m| JsError::new(&m))?;
        // Hard regions are flat colour: crisp cells show the true boundary, smoothing would only blur it.
        let mode = if opts.discretize {
            BlitMode::Pixelated
        } else {
            opts.blit
        };
        heatmap::blit(&s.ctx, &rgba_buf, nx, ny, r, mode)
    };
    let decor = Decor {
        legend: &entries,
        scale,
        titles: ("x1", "x2"),
        grid: false,
        equal_aspect: true,
    };
    let Some((chart, rect)) = build(&s, &root, domain, &decor, heat)? else {
        return Ok(());
    };
    s.clip(&rect);
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
                stamp(&s, &chart, pts, Some(k), marker)?;
            }
        }
        Ok::<(), JsError>(())
    })();
    s.ctx.restore();
    drawn?;
    root.present().map_err(plot_err("data plot"))
}

/// 1D regression plot: the model's curve (`curve_x`, `curve_y`) over the train/test data in `domain`, axes x/y,
/// a light grid and a legend. Non-finite curve values break the curve.
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
    hit::forget(canvas);
    let s = Surface::new(canvas)?;
    let root = s.root()?;
    if s.is_tiny() {
        return Ok(());
    }
    let mut entries = vec![Entry::new(Swatch::Line(TRAIN_LINE), "model")];
    entries.extend(split_entries(opts, DATA_POINT));
    let decor = Decor {
        legend: &entries,
        scale: None,
        titles: ("x", "y"),
        grid: true,
        equal_aspect: false,
    };
    let Some((mut chart, rect)) = build(&s, &root, domain, &decor, |_| Ok(()))? else {
        return Ok(());
    };

    // Far-off values (a diverging model) are pulled in to a few plot heights: the clip hides them either way, and
    // plotters maps to i32 pixels.
    let span = domain[3] - domain[2];
    let (y_lo, y_hi) = (domain[2] - 4.0 * span, domain[3] + 4.0 * span);
    let runs = finite_runs(curve_x.iter().zip(curve_y).map(|(&x, &y)| {
        (
            x,
            if y.is_finite() {
                y.clamp(y_lo, y_hi)
            } else {
                y
            },
        )
    }));
    let style = rgba(TRAIN_LINE, 1.0).stroke_width(s.ipx(2.5));
    s.clip(&rect);
    let drawn = (|| {
        if opts.show_train {
            stamp(&s, &chart, &train, None, Marker::Filled(DATA_POINT))?;
        }
        if opts.show_test {
            stamp(&s, &chart, &test, None, Marker::Hollow(DATA_POINT))?;
        }
        chart
            .draw_series(runs.into_iter().map(|run| PathElement::new(run, style)))
            .map_err(plot_err("model curve"))?;
        Ok::<(), JsError>(())
    })();
    s.ctx.restore();
    drawn?;
    root.present().map_err(plot_err("data plot"))
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
    fn aspect_trim_narrows_or_shortens() {
        assert_eq!(aspect_trim(500.0, 400.0, 1.0), (100.0, 0.0));
        assert_eq!(aspect_trim(400.0, 500.0, 1.0), (0.0, 100.0));
        assert_eq!(aspect_trim(400.0, 400.0, 1.0), (0.0, 0.0));
        assert_eq!(aspect_trim(400.0, 400.0, 2.0), (0.0, 200.0));
        assert_eq!(aspect_trim(0.0, 400.0, 1.0), (0.0, 0.0));
        assert_eq!(aspect_trim(400.0, 400.0, f64::NAN), (0.0, 0.0));
    }

    #[test]
    fn class_points_filter_by_label() {
        // The unit square onto 100 × 100 pixels, y down.
        let map = |x: f64, y: f64| (100.0 * x, 100.0 * (1.0 - y));
        let p = Points {
            x: &[0.0, 1.0, 0.5],
            y: &[0.0, 1.0, 0.5],
            labels: &[0, 1, 0],
        };
        assert_eq!(
            class_points(&p, map, Some(0)),
            vec![(0.0, 100.0), (50.0, 50.0)]
        );
        assert_eq!(class_points(&p, map, Some(1)), vec![(100.0, 0.0)]);
        assert_eq!(class_points(&p, map, None).len(), 3);
        // Missing labels never panic: such points belong to no class.
        let q = Points {
            x: &[0.0, 1.0],
            y: &[0.0, 1.0],
            labels: &[],
        };
        assert!(class_points(&q, map, Some(0)).is_empty());
    }
}
