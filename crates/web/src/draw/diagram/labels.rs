//! The diagram's text, drawn with the canvas's `fillText` over the blitted buffer: column titles and their
//! second lines (the longest variant that fits the room between neighbouring columns), the feature names left
//! of the first column and the "+k" notes under truncated columns. Widths come from `measureText`, cached.

use std::cell::RefCell;

use wasm_bindgen::JsError;

use super::{Layout, Scene, TOP};
use crate::draw::colour::{self, Rgb, INK};
use crate::draw::{js_err, Surface};

/// Muted text colour for subtitles, notes and the bias squares' edges (the page's `--muted`).
pub(super) const MUTED: Rgb = [0x55, 0x60, 0x70];

/// The first of `options` no wider than `max` device px in the context's current font (else the last), and
/// its width.
fn fitting<'a>(s: &Surface, font: &str, options: &'a [String], max: f64) -> (&'a str, f64) {
    let width = |t: &str| measure(s, font, t);
    for o in options {
        let w = width(o);
        if w <= max {
            return (o, w);
        }
    }
    options.last().map_or(("", 0.0), |o| (o.as_str(), width(o)))
}

/// Most text widths kept; the cache is emptied when it would grow past this.
const MAX_WIDTHS: usize = 256;

thread_local! {
    /// Text widths by (font, text): the labels are the same every frame, and `measureText` is not free.
    static WIDTHS: RefCell<std::collections::HashMap<(String, String), f64>> = RefCell::new(Default::default());
}

/// Width in device px of `text` in `font` (which must be the context's current font), cached.
fn measure(s: &Surface, font: &str, text: &str) -> f64 {
    let key = (font.to_string(), text.to_string());
    if let Some(w) = WIDTHS.with(|c| c.borrow().get(&key).copied()) {
        return w;
    }
    let w = s.ctx.measure_text(text).map_or(0.0, |m| m.width());
    WIDTHS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_WIDTHS {
            c.clear();
        }
        c.insert(key, w);
    });
    w
}

/// Room for a column's labels, CSS px left and right of its centre: half the way to each neighbour (less a
/// gap), or to the canvas edge for the first and last columns.
fn label_room(lay: &Layout, c: usize) -> (f64, f64) {
    let x = lay.columns[c].x;
    let left = match c.checked_sub(1).and_then(|p| lay.columns.get(p)) {
        Some(prev) => (x - prev.x) / 2.0 - 3.0,
        None => x - 2.0,
    };
    let right = match lay.columns.get(c + 1) {
        Some(next) => (next.x - x) / 2.0 - 3.0,
        None => lay.width - x - 2.0,
    };
    (left.max(0.0), right.max(0.0))
}

pub(super) fn labels(s: &Surface, lay: &Layout, scene: &Scene<'_>) -> Result<(), JsError> {
    let ctx = &s.ctx;
    let family = "system-ui, sans-serif";
    ctx.set_text_align("center");
    ctx.set_text_baseline("alphabetic");
    let text = |t: &str, x: f64, y: f64| {
        ctx.fill_text(t, s.px(x), s.px(y))
            .map_err(|e| js_err("fillText", e))
    };
    let title_font = format!("600 {}px {family}", s.px(12.0).round());
    let small_font = format!("{}px {family}", s.px(11.0).round());
    let name_font = format!("{}px {family}", s.px(12.0).round());
    // The first variant that fits the room, centred on the column unless an edge pushes it aside.
    let place = |font: &str, options: &[String], c: usize, y: f64| -> Result<(), JsError> {
        let (left, right) = label_room(lay, c);
        let (t, w) = fitting(s, font, options, s.px(left + right));
        let half = w / s.scale / 2.0;
        let x = lay.columns[c].x;
        let cx = x.min(x + right - half).max(x - left + half);
        text(t, cx, y)
    };
    for (c, col) in lay.columns.iter().enumerate() {
        let Some(info) = scene.columns.get(c) else {
            continue;
        };
        ctx.set_font(&title_font);
        ctx.set_fill_style_str(&colour::css(INK, 1.0));
        place(&title_font, &info.titles, c, 16.0)?;
        ctx.set_font(&small_font);
        ctx.set_fill_style_str(&colour::css(MUTED, 1.0));
        place(&small_font, &info.subtitles, c, 31.0)?;
        if col.units.len() < col.total {
            let last = col.units.last().map_or(TOP, |u| u.y + u.size);
            text(
                &format!("+{}", col.total - col.units.len()),
                col.x,
                last + 13.0,
            )?;
        }
        if !info.unit_labels.is_empty() {
            ctx.set_text_align("right");
            ctx.set_text_baseline("middle");
            ctx.set_font(&name_font);
            ctx.set_fill_style_str(&colour::css(INK, 1.0));
            for u in &col.units {
                if let Some(name) = info.unit_labels.get(u.unit) {
                    text(name, u.x - 5.0, u.y + u.size / 2.0)?;
                }
            }
            ctx.set_text_align("center");
            ctx.set_text_baseline("alphabetic");
        }
    }
    Ok(())
}
