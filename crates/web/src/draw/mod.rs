//! Canvas drawing: palettes, heatmap blits, the data/decision-boundary plot and the loss chart.
//!
//! Every chart takes plain data and an `HtmlCanvasElement`, sizes itself from the element's `width`/`height`
//! attributes (device pixels; the page sets them from CSS size × devicePixelRatio) and scales fonts, strokes and
//! markers by the device-pixel ratio. Heatmaps go through one RGBA pixel buffer; axes, points, lines and
//! legends are batched canvas paths and `fillText` (one path per colour and style, not per point). See
//! [`axes`] for why the axes are not drawn with plotters.

mod axes;
pub mod boundary;
pub mod colour;
pub mod heatmap;
pub mod loss_chart;
mod markers;
mod ticks;

use std::f64::consts::TAU;

use wasm_bindgen::{JsError, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use colour::{css, Rgb, INK};
pub(crate) use markers::draw_markers;

/// Base font size in CSS pixels for tick labels and legends.
const FONT_PX: f64 = 12.0;
/// Font family used for all chart text.
const FONT_FAMILY: &str = "sans-serif";

/// Maps a JS exception into a `JsError` with context.
pub(crate) fn js_err(what: &str, e: JsValue) -> JsError {
    JsError::new(&format!(
        "{what}: {}",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    ))
}

/// A canvas ready to draw on: its context, size in device pixels and the device-pixel scale.
pub(crate) struct Surface {
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
        let client = f64::from(canvas.client_width());
        let mut scale = if client > 0.0 {
            f64::from(width) / client
        } else {
            web_sys::window().map_or(1.0, |w| w.device_pixel_ratio())
        };
        if !scale.is_finite() {
            scale = 1.0;
        }
        let scale = scale.clamp(1.0, 4.0);
        Ok(Surface {
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

    /// Base font size in device pixels.
    pub fn font_px(&self) -> f64 {
        self.px(FONT_PX)
    }

    /// The CSS font string for the base size.
    pub fn font(&self) -> String {
        format!("{}px {FONT_FAMILY}", self.font_px().round())
    }

    /// Clears the whole canvas to white.
    pub fn clear(&self) {
        self.ctx.set_fill_style_str("#ffffff");
        self.ctx
            .fill_rect(0.0, 0.0, f64::from(self.width), f64::from(self.height));
    }
}

/// The plotting rectangle in device pixels and the data window it shows; maps data to pixels in f64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// `[x_min, x_max, y_min, y_max]` shown.
    pub window: [f64; 4],
}

impl Frame {
    pub fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let [x0, x1, y0, y1] = self.window;
        let px = self.left + (x - x0) / (x1 - x0) * (self.right - self.left);
        let py = self.top + (y1 - y) / (y1 - y0) * (self.bottom - self.top);
        (px, py)
    }

    pub fn rect(&self) -> heatmap::Rect {
        heatmap::Rect {
            x: self.left,
            y: self.top,
            w: self.right - self.left,
            h: self.bottom - self.top,
        }
    }

    /// Clips subsequent drawing on `ctx` to this frame (pair with `ctx.restore()`).
    pub fn clip(&self, ctx: &CanvasRenderingContext2d) {
        ctx.save();
        ctx.begin_path();
        ctx.rect(
            self.left,
            self.top,
            self.right - self.left,
            self.bottom - self.top,
        );
        ctx.clip();
    }
}

/// How a point or legend entry is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// Filled circle in the colour with a thin dark outline (training points).
    Filled(Rgb),
    /// Ring in the colour between two dark edges, hollow inside (test points).
    Hollow(Rgb),
    /// Solid line segment (legend only).
    Line(Rgb),
    /// Dashed line segment (legend only).
    Dashed(Rgb),
}

/// Strokes a polyline through `points` (pixels), breaking it at non-finite points. Dashed when `dashed`.
pub(crate) fn draw_polyline(
    s: &Surface,
    points: &[(f64, f64)],
    colour: Rgb,
    width_css: f64,
    dashed: bool,
) -> Result<(), JsError> {
    let ctx = &s.ctx;
    ctx.save();
    set_dash(s, dashed)?;
    ctx.set_stroke_style_str(&css(colour, 1.0));
    ctx.set_line_width(s.px(width_css));
    ctx.set_line_join("round");
    ctx.begin_path();
    // Runs of consecutive finite points become subpaths; a run of one point has no segment, so it becomes a dot
    // (so a one-point history is still visible).
    let mut lone = Vec::new();
    let mut run: Option<((f64, f64), usize)> = None;
    for &(x, y) in points.iter().chain(std::iter::once(&(f64::NAN, f64::NAN))) {
        if x.is_finite() && y.is_finite() {
            match &mut run {
                Some((_, n)) => {
                    ctx.line_to(x, y);
                    *n += 1;
                }
                None => {
                    ctx.move_to(x, y);
                    run = Some(((x, y), 1));
                }
            }
        } else {
            if let Some((first, 1)) = run {
                lone.push(first);
            }
            run = None;
        }
    }
    ctx.stroke();
    ctx.restore();
    draw_dots(s, &lone, colour)
}

fn draw_dots(s: &Surface, dots: &[(f64, f64)], colour: Rgb) -> Result<(), JsError> {
    if dots.is_empty() {
        return Ok(());
    }
    let ctx = &s.ctx;
    let r = s.px(2.5);
    ctx.begin_path();
    for &(x, y) in dots {
        ctx.move_to(x + r, y);
        ctx.arc(x, y, r, 0.0, TAU).map_err(|e| js_err("arc", e))?;
    }
    ctx.set_fill_style_str(&css(colour, 1.0));
    ctx.fill();
    Ok(())
}

fn set_dash(s: &Surface, dashed: bool) -> Result<(), JsError> {
    let segs = js_sys::Array::new();
    if dashed {
        segs.push(&JsValue::from_f64(s.px(6.0)));
        segs.push(&JsValue::from_f64(s.px(4.0)));
    }
    s.ctx
        .set_line_dash(&segs)
        .map_err(|e| js_err("setLineDash", e))
}

/// One legend entry: a marker and its text.
pub(crate) struct LegendEntry {
    pub marker: Marker,
    pub text: String,
}

const LEGEND_SWATCH: f64 = 22.0;
const LEGEND_GAP: f64 = 14.0;
const LEGEND_ROW: f64 = 18.0;

/// Lays entries out left to right from `x0`, wrapping within `width`; returns each entry's top-left and the total
/// height (device pixels).
fn legend_layout(
    s: &Surface,
    entries: &[LegendEntry],
    x0: f64,
    width: f64,
) -> (Vec<(f64, f64)>, f64) {
    s.ctx.set_font(&s.font());
    let mut pos = Vec::with_capacity(entries.len());
    let (mut x, mut y) = (x0, 0.0);
    for e in entries {
        let text_w = s
            .ctx
            .measure_text(&e.text)
            .map_or(s.font_px() * 0.6 * e.text.len() as f64, |m| m.width());
        let w = s.px(LEGEND_SWATCH + 4.0) + text_w;
        if x > x0 && x + w > x0 + width {
            x = x0;
            y += s.px(LEGEND_ROW);
        }
        pos.push((x, y));
        x += w + s.px(LEGEND_GAP);
    }
    let height = if entries.is_empty() {
        0.0
    } else {
        y + s.px(LEGEND_ROW)
    };
    (pos, height)
}

/// Height the legend needs when drawn across `width` device pixels.
pub(crate) fn legend_height(s: &Surface, entries: &[LegendEntry], width: f64) -> f64 {
    legend_layout(s, entries, 0.0, width).1
}

/// Draws a horizontal, wrapping legend with its top-left corner at (x0, y0).
pub(crate) fn draw_legend(
    s: &Surface,
    entries: &[LegendEntry],
    x0: f64,
    y0: f64,
    width: f64,
) -> Result<(), JsError> {
    let (pos, _) = legend_layout(s, entries, x0, width);
    let ctx = &s.ctx;
    let mid = s.px(LEGEND_ROW) / 2.0;
    for (e, &(x, y)) in entries.iter().zip(&pos) {
        let cy = y0 + y + mid;
        let cx = x + s.px(LEGEND_SWATCH) / 2.0;
        match e.marker {
            Marker::Filled(_) | Marker::Hollow(_) => draw_markers(s, &[(cx, cy)], e.marker)?,
            Marker::Line(c) => {
                draw_polyline(s, &[(x, cy), (x + s.px(LEGEND_SWATCH), cy)], c, 2.0, false)?
            }
            Marker::Dashed(c) => {
                draw_polyline(s, &[(x, cy), (x + s.px(LEGEND_SWATCH), cy)], c, 2.0, true)?
            }
        }
        ctx.set_font(&s.font());
        ctx.set_fill_style_str(&css(INK, 1.0));
        ctx.set_text_baseline("middle");
        ctx.set_text_align("left");
        ctx.fill_text(&e.text, x + s.px(LEGEND_SWATCH + 4.0), cy)
            .map_err(|e| js_err("fillText", e))?;
    }
    Ok(())
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
    fn frame_maps_corners() {
        let f = Frame {
            left: 10.0,
            right: 110.0,
            top: 20.0,
            bottom: 220.0,
            window: [-6.0, 6.0, -6.0, 6.0],
        };
        assert_eq!(f.map(-6.0, 6.0), (10.0, 20.0));
        assert_eq!(f.map(6.0, -6.0), (110.0, 220.0));
        assert_eq!(f.map(0.0, 0.0), (60.0, 120.0));
    }
}
