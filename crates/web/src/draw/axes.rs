//! Axes drawn straight on the canvas context: plot rectangle layout, axis lines, ticks, tick labels, titles and
//! optional grid lines.
//!
//! Why not plotters' mesh: in the browser plotters measures every label by inserting a `<span>` into the page and
//! reading its size, a forced layout per label (≈ 4 ms per chart in headless Chromium, more on a busy page, and
//! it unwraps `document.body`). Canvas `fillText` with alignment needs no measurement for placement; only the
//! y-label width is measured once, with `measureText`.

use wasm_bindgen::JsError;

use super::colour::{css, INK};
use super::{js_err, Frame, Surface};

/// One axis: its data range (in plotted units), tick positions, a label formatter and a title.
pub(crate) struct Axis<'a> {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub format: &'a dyn Fn(f64) -> String,
    pub title: &'a str,
}

const TICK: f64 = 4.0;
const GAP: f64 = 3.0;

/// Lays out the plot rectangle: `top` device pixels reserved above (legend), room for x labels and title below
/// and for the widest y label and the rotated title on the left.
pub(crate) fn frame(s: &Surface, top: f64, x: &Axis<'_>, y: &Axis<'_>) -> Frame {
    s.ctx.set_font(&s.font());
    let widest = y
        .ticks
        .iter()
        .map(|&t| {
            let text = (y.format)(t);
            s.ctx
                .measure_text(&text)
                .map_or(s.font_px() * 0.6 * text.len() as f64, |m| m.width())
        })
        .fold(0.0, f64::max);
    let margin = s.px(8.0);
    let line = s.font_px() * 1.25;
    let left = margin + line + s.px(GAP) + widest + s.px(TICK + GAP);
    let bottom_area = s.px(TICK + GAP) + line + s.px(GAP) + line;
    // Room on the right for half of the last x label, which is centred on the right edge when it sits there.
    let last_half = x
        .ticks
        .iter()
        .copied()
        .filter(|&t| t <= x.hi.max(x.lo))
        .fold(None, |acc: Option<f64>, t| {
            Some(acc.map_or(t, |a| a.max(t)))
        })
        .filter(|&t| (x.hi - t).abs() <= 0.05 * (x.hi - x.lo).abs())
        .map_or(0.0, |t| {
            let text = (x.format)(t);
            s.ctx
                .measure_text(&text)
                .map_or(s.font_px() * 0.3 * text.len() as f64, |m| m.width() / 2.0)
        });
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    Frame {
        left: left.round(),
        top: top.round(),
        right: (w - margin - last_half.max(s.px(4.0)))
            .round()
            .max(left.round() + 1.0),
        bottom: (h - margin - bottom_area).round().max(top.round() + 1.0),
        window: [x.lo, x.hi, y.lo, y.hi],
    }
}

/// Draws grid lines (when `grid`), the left and bottom axis lines, ticks, labels and titles around `f`.
pub(crate) fn draw(
    s: &Surface,
    f: &Frame,
    x: &Axis<'_>,
    y: &Axis<'_>,
    grid: bool,
) -> Result<(), JsError> {
    let ctx = &s.ctx;
    let inside_x = |t: f64| t >= x.lo.min(x.hi) && t <= x.hi.max(x.lo);
    let inside_y = |t: f64| t >= y.lo.min(y.hi) && t <= y.hi.max(y.lo);
    let xs: Vec<(f64, f64)> = x
        .ticks
        .iter()
        .filter(|&&t| inside_x(t))
        .map(|&t| (t, f.map(t, y.lo).0.round() + 0.5))
        .collect();
    let ys: Vec<(f64, f64)> = y
        .ticks
        .iter()
        .filter(|&&t| inside_y(t))
        .map(|&t| (t, f.map(x.lo, t).1.round() + 0.5))
        .collect();

    ctx.save();
    ctx.set_line_width(s.px(1.0).round().max(1.0));
    if grid {
        ctx.set_stroke_style_str(&css(INK, 0.12));
        ctx.begin_path();
        for &(_, px) in &xs {
            ctx.move_to(px, f.top);
            ctx.line_to(px, f.bottom);
        }
        for &(_, py) in &ys {
            ctx.move_to(f.left, py);
            ctx.line_to(f.right, py);
        }
        ctx.stroke();
    }
    let tick = s.px(TICK);
    let (l, b) = (f.left - 0.5, f.bottom + 0.5);
    ctx.set_stroke_style_str(&css(INK, 1.0));
    ctx.begin_path();
    ctx.move_to(l, f.top);
    ctx.line_to(l, b);
    ctx.line_to(f.right, b);
    for &(_, px) in &xs {
        ctx.move_to(px, b);
        ctx.line_to(px, b + tick);
    }
    for &(_, py) in &ys {
        ctx.move_to(l, py);
        ctx.line_to(l - tick, py);
    }
    ctx.stroke();

    ctx.set_font(&s.font());
    ctx.set_fill_style_str(&css(INK, 1.0));
    let text =
        |t: &str, px: f64, py: f64| ctx.fill_text(t, px, py).map_err(|e| js_err("fillText", e));
    ctx.set_text_align("center");
    ctx.set_text_baseline("top");
    let label_y = b + tick + s.px(GAP);
    for &(t, px) in &xs {
        text(&(x.format)(t), px, label_y)?;
    }
    let line = s.font_px() * 1.25;
    text(
        x.title,
        (f.left + f.right) / 2.0,
        label_y + line + s.px(GAP),
    )?;
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    for &(t, py) in &ys {
        text(&(y.format)(t), l - tick - s.px(GAP), py)?;
    }
    ctx.translate(s.px(8.0) + line / 2.0, (f.top + f.bottom) / 2.0)
        .map_err(|e| js_err("translate", e))?;
    ctx.rotate(-std::f64::consts::FRAC_PI_2)
        .map_err(|e| js_err("rotate", e))?;
    ctx.set_text_align("center");
    text(y.title, 0.0, 0.0)?;
    ctx.restore();
    Ok(())
}

/// About one tick per `spacing_css` CSS pixels along `len` device pixels (at least 2).
pub(crate) fn tick_count(s: &Surface, len: f64, spacing_css: f64) -> usize {
    ((len / s.px(spacing_css)).floor() as usize).clamp(2, 10)
}
