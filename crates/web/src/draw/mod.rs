//! Canvas drawing with plotters + plotters-canvas: palettes, heatmap blits, the data/decision-boundary plot and
//! the loss chart.
//!
//! Every chart takes plain data and an `HtmlCanvasElement`, sizes itself from the element's `width`/`height`
//! attributes (device pixels; the page sets them from CSS size × devicePixelRatio) and scales fonts, strokes and
//! markers by the device-pixel ratio. Axes, ticks, tick labels, grid, lines and legends are plotters elements on a
//! [`CanvasBackend`]; heatmaps are one RGBA pixel buffer blitted into the plotting area's pixel rectangle
//! ([`heatmap`]); data points are cached sprites stamped at plotters' pixel coordinates ([`markers`]).
//!
//! Text: plotters-canvas draws every string with the canvas's own `fillText` (no font files, so plotters needs
//! no `ttf` feature). Plotters *measures* text only to lay out series labels (the loss chart's legend box): on
//! wasm32 its font layer appends a `<span>` to `document.body`, reads its size (a forced layout, ≈ 0.5 ms) and
//! removes it, so that box is rendered once and cached ([`legend`]). Tick labels are never measured by plotters
//! here (y labels sit in a left label area, x labels below); label-area sizes and the data plot's legend row are
//! laid out with the canvas's `measureText`, which needs no layout.
//!
//! `document.body`: plotters' font layer unwraps it (a panic on a document without a body, or in a worker). We
//! only draw from a loaded page: the page's module script runs after `<body>` exists and the browser tests
//! append their canvases to `body`, so that unwrap cannot fire; don't call the draw functions from elsewhere.
//!
//! Per-frame costs: `tests/draw.rs::heatmap_blit_cost`.

pub mod boundary;
pub mod colour;
pub mod contour;
pub mod diagram;
pub mod heatmap;
pub mod hit;
mod legend;
pub mod loss_chart;
mod markers;
pub mod race;
pub mod scale;
mod step_chart;
pub mod surface_plot;
pub mod value_chart;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontDesc, RGBAColor};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{JsError, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use colour::{Rgb, INK};
pub(crate) use markers::draw_markers;

/// Base font size in CSS pixels for tick labels, axis titles and legends.
pub(crate) const FONT_PX: f64 = 12.0;
/// Font family used for all chart text.
const FONT_FAMILY: &str = "sans-serif";
/// Tick mark length in CSS pixels.
const TICK: f64 = 4.0;

/// The root drawing area of a chart: the whole canvas through plotters-canvas.
pub(crate) type Root = DrawingArea<CanvasBackend, Shift>;

/// Maps a JS exception into a `JsError` with context.
pub(crate) fn js_err(what: &str, e: JsValue) -> JsError {
    JsError::new(&format!(
        "{what}: {}",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    ))
}

/// Maps a plotters drawing error into a `JsError` with context.
pub(crate) fn plot_err<E: std::error::Error + Send + Sync>(
    what: &'static str,
) -> impl Fn(DrawingAreaErrorKind<E>) -> JsError {
    move |e| JsError::new(&format!("{what}: {e}"))
}

/// A plotters colour from an sRGB triple and an alpha.
pub(crate) fn rgba(c: Rgb, alpha: f64) -> RGBAColor {
    RGBColor(c[0], c[1], c[2]).mix(alpha)
}

/// Device pixels per CSS pixel of `canvas`: its width attribute over its CSS width, else devicePixelRatio;
/// clamped to [1, 4].
pub fn device_scale(canvas: &HtmlCanvasElement) -> f64 {
    let client = f64::from(canvas.client_width());
    let scale = if client > 0.0 {
        f64::from(canvas.width()) / client
    } else {
        web_sys::window().map_or(1.0, |w| w.device_pixel_ratio())
    };
    if scale.is_finite() {
        scale.clamp(1.0, 4.0)
    } else {
        1.0
    }
}

/// A canvas ready to draw on: its context, size in device pixels and the device-pixel scale.
pub(crate) struct Surface {
    pub canvas: HtmlCanvasElement,
    pub ctx: CanvasRenderingContext2d,
    pub width: u32,
    pub height: u32,
    /// Device pixels per CSS pixel (canvas width / client width, else devicePixelRatio), clamped to [1, 4].
    pub scale: f64,
}

impl Surface {
    pub fn new(canvas: &HtmlCanvasElement) -> Result<Self, JsError> {
        let ctx = heatmap::context_2d(canvas)?;
        let (width, height) = (canvas.width(), canvas.height());
        let scale = device_scale(canvas);
        Ok(Surface {
            canvas: canvas.clone(),
            ctx,
            width,
            height,
            scale,
        })
    }

    /// True when the canvas is too small to draw anything useful (the chart is skipped, not an error).
    pub fn is_tiny(&self) -> bool {
        self.width < 40 || self.height < 40
    }

    /// `n` CSS pixels in device pixels.
    pub fn px(&self, n: f64) -> f64 {
        n * self.scale
    }

    /// `n` CSS pixels in whole device pixels (at least 1), for plotters' integer sizes.
    pub fn ipx(&self, n: f64) -> u32 {
        (self.px(n).round() as u32).max(1)
    }

    /// Font of `size_css` CSS pixels for plotters text.
    pub fn font(&self, size_css: f64) -> FontDesc<'static> {
        (FONT_FAMILY, self.px(size_css).round()).into_font()
    }

    /// The ink-coloured text style for tick labels, titles and legends.
    pub fn text(&self) -> TextStyle<'static> {
        self.font(FONT_PX).color(&rgba(INK, 1.0))
    }

    /// Width in device pixels of the widest of `labels` in the base font, measured with the canvas's
    /// `measureText` (no DOM layout).
    pub fn widest(&self, labels: impl IntoIterator<Item = String>) -> f64 {
        let size = self.px(FONT_PX).round();
        self.ctx.set_font(&format!("{size}px {FONT_FAMILY}"));
        labels
            .into_iter()
            .map(|t| {
                self.ctx
                    .measure_text(&t)
                    .map_or(size * 0.6 * t.chars().count() as f64, |m| m.width())
            })
            .fold(0.0, f64::max)
    }

    /// The plotters drawing area over the whole canvas, cleared to white. Lines join round (plotters-canvas never
    /// sets the join, and the canvas default mitre spikes on noisy loss curves).
    pub fn root(&self) -> Result<Root, JsError> {
        let backend = CanvasBackend::with_canvas_object(self.canvas.clone())
            .ok_or_else(|| JsError::new("canvas has no 2d context for plotters"))?;
        let root = backend.into_drawing_area();
        root.fill(&WHITE).map_err(plot_err("clear canvas"))?;
        self.ctx.set_line_join("round");
        self.ctx.set_line_cap("butt");
        Ok(root)
    }

    /// About one tick label per `spacing_css` CSS pixels along `len` device pixels (2 ..= 10).
    pub fn label_count(&self, len: f64, spacing_css: f64) -> usize {
        ((len / self.px(spacing_css)).floor() as usize).clamp(2, 10)
    }

    /// Margins and label areas sized for the tick labels (measured with `measureText`): left area = rotated
    /// title + widest y label + tick and gap; bottom area = tick, gap, labels, title; right margin = half the last
    /// x label (centred on the plot's right edge).
    pub fn frame(&self, x_labels: &[String], y_labels: &[String]) -> Frame {
        let tick = f64::from(self.ipx(TICK));
        let line = self.px(FONT_PX * 1.25);
        let y_area = self.widest(y_labels.iter().cloned()) + 2.0 * tick + line + self.px(4.0);
        let x_area = 2.0 * tick + 2.0 * line + self.px(2.0);
        let half_last = x_labels
            .last()
            .map_or(0.0, |t| self.widest([t.clone()]) / 2.0);
        Frame {
            left: self.ipx(6.0),
            right: self.ipx(8.0).max(half_last.ceil() as u32 + 2),
            bottom: self.ipx(4.0),
            x_area: x_area.ceil() as u32,
            y_area: y_area.ceil() as u32,
        }
    }

    /// A chart builder on `root` with the margins and label areas of `f` and `top` device pixels above the plot.
    pub fn chart<'a, 'b>(
        &self,
        root: &'a Root,
        f: &Frame,
        top: f64,
    ) -> ChartBuilder<'a, 'b, CanvasBackend> {
        let mut b = ChartBuilder::on(root);
        b.margin_top(top.round().max(0.0) as u32)
            .margin_left(f.left)
            .margin_bottom(f.bottom)
            .margin_right(f.right)
            .x_label_area_size(f.x_area)
            .y_label_area_size(f.y_area);
        b
    }

    /// Mesh styling shared by the charts: ink axes with ticks, tick labels and titles in the base font, bold grid
    /// lines faint (`grid`) or off, no light lines.
    pub fn style_mesh<X, Y>(&self, mesh: &mut MeshStyle<'_, '_, X, Y, CanvasBackend>, grid: bool)
    where
        X: Ranged,
        Y: Ranged,
    {
        if !grid {
            mesh.disable_mesh();
        }
        mesh.label_style(self.text())
            .axis_desc_style(self.text())
            .set_all_tick_mark_size(self.ipx(TICK))
            .axis_style(rgba(INK, 1.0).stroke_width(1))
            .bold_line_style(rgba(INK, 0.12).stroke_width(1))
            .light_line_style(TRANSPARENT);
    }

    /// Sets the context's line dash to `pattern_css` (dash, gap, … in CSS pixels; empty = solid).
    pub fn set_dash(&self, pattern_css: &[f64]) -> Result<(), JsError> {
        let segs = js_sys::Array::new();
        for &d in pattern_css {
            segs.push(&JsValue::from_f64(self.px(d).round()));
        }
        self.ctx
            .set_line_dash(&segs)
            .map_err(|e| js_err("setLineDash", e))
    }

    /// Clips subsequent context drawing to the pixel rectangle `(xs, ys)` (pair with `ctx.restore()`).
    pub fn clip(&self, (xs, ys): &(std::ops::Range<i32>, std::ops::Range<i32>)) {
        self.ctx.save();
        self.ctx.begin_path();
        self.ctx.rect(
            f64::from(xs.start),
            f64::from(ys.start),
            f64::from(xs.end - xs.start),
            f64::from(ys.end - ys.start),
        );
        self.ctx.clip();
    }
}

/// Margins and label-area sizes around a plot, in device pixels (see [`Surface::frame`]).
pub(crate) struct Frame {
    pub left: u32,
    pub right: u32,
    pub bottom: u32,
    /// Height of the x label area (below the plot).
    pub x_area: u32,
    /// Width of the y label area (left of the plot).
    pub y_area: u32,
}

impl Frame {
    /// Left edge and width of the plotting area on a canvas `width` device pixels wide.
    pub fn plot_x(&self, width: u32) -> (f64, f64) {
        let left = self.left + self.y_area;
        let w = width.saturating_sub(left + self.right);
        (f64::from(left), f64::from(w))
    }
}

/// How a data point is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// Filled circle in the colour with a thin dark outline (training points).
    Filled(Rgb),
    /// Ring in the colour between two dark edges, hollow inside (test points).
    Hollow(Rgb),
}

/// Runs of consecutive finite points (a non-finite coordinate breaks the line); each run keeps its order.
pub(crate) fn finite_runs(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            if let Some(run) = runs.last_mut() {
                run.push((x, y));
            }
        } else if runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// The labels plotters will draw for about `n` ticks on a linear axis over `lo..hi`, formatted by `format`
/// (measured beforehand to size the label areas).
pub(crate) fn linear_labels(lo: f64, hi: f64, n: usize, format: fn(f64) -> String) -> Vec<String> {
    plotters::coord::types::RangedCoordf64::from(lo..hi)
        .key_points(n)
        .into_iter()
        .map(format)
        .collect()
}

/// Short tick label: up to 4 significant digits, no trailing zeros, exponent form for very small/large values.
pub(crate) fn format_tick(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        let s = format!("{v:.1e}");
        return s.replace(".0e", "e");
    }
    let decimals = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(-6.0), "-6");
        assert_eq!(format_tick(2.5), "2.5");
        assert_eq!(format_tick(0.1), "0.1");
        assert_eq!(format_tick(0.30000000000000004), "0.3");
        assert_eq!(format_tick(1234.56), "1235");
        assert_eq!(format_tick(1e-5), "1e-5");
        assert_eq!(format_tick(200000.0), "2e5");
        assert_eq!(format_tick(f64::NAN), "");
    }

    #[test]
    fn runs_break_at_non_finite_points() {
        let n = f64::NAN;
        let runs = finite_runs([
            (0.0, 1.0),
            (1.0, 2.0),
            (2.0, n),
            (3.0, 4.0),
            (n, 5.0),
            (f64::INFINITY, 0.0),
        ]);
        assert_eq!(runs, vec![vec![(0.0, 1.0), (1.0, 2.0)], vec![(3.0, 4.0)]]);
        assert!(finite_runs([(n, n)]).is_empty());
        assert!(finite_runs(Vec::new()).is_empty());
    }
}
