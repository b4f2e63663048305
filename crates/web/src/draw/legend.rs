//! Legends, two kinds, both drawn with plotters elements:
//!
//! - [`draw_box`]: a box of plotters' series labels (`configure_series_labels`) inside the plot, in the corner the
//!   data leaves most free (the loss chart, whose curves usually fall away from the upper right). Rendered once
//!   per (entries, scale) into an offscreen canvas and stamped with one `drawImage` per frame: plotters lays
//!   series labels out by measuring each entry's text twice through its browser font layer, which appends a
//!   `<span>` to `document.body` and reads its size, a forced style and layout pass of ≈ 0.3–0.6 ms in headless
//!   Chromium (≈ 1–2 ms a frame for two entries, 2.5–4.5 ms for four). The stamp costs a few µs.
//! - [`draw_strip`]: a row of entries above the plot, wrapping when narrow (the data plot, where points and the
//!   boundary fill the whole plotting area and a box would hide some). Laid out with the canvas's `measureText`
//!   (no DOM layout), so it is drawn directly each frame.

use std::cell::RefCell;

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{JsCast, JsError};
use web_sys::HtmlCanvasElement;

use super::colour::{Rgb, INK};
use super::markers::legend_marker;
use super::{heatmap, js_err, plot_err, rgba, Marker, Root, Surface, FONT_PX};

/// What a legend entry shows beside its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Swatch {
    /// A solid line in the colour.
    Line(Rgb),
    /// A dashed line in the colour.
    Dashed(Rgb),
    /// A data-point marker.
    Point(Marker),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub swatch: Swatch,
    pub text: String,
}

impl Entry {
    pub fn new(swatch: Swatch, text: impl Into<String>) -> Self {
        Entry {
            swatch,
            text: text.into(),
        }
    }
}

/// Swatch length in CSS pixels, and the gaps after a swatch and after an entry.
const SWATCH: f64 = 22.0;
const SWATCH_GAP: f64 = 4.0;
const ENTRY_GAP: f64 = 14.0;
/// Height of a strip-legend row in CSS pixels.
const ROW: f64 = 18.0;

/// The function drawing `swatch` with its left end at the given point, centred vertically on it.
fn swatch_maker(
    s: &Surface,
    swatch: Swatch,
) -> impl Fn((i32, i32)) -> DynElement<'static, CanvasBackend, (i32, i32)> {
    let scale = s.scale;
    let len = s.ipx(SWATCH - 2.0) as i32;
    let stroke = s.ipx(2.0);
    let (dash, gap) = (s.ipx(6.0), s.ipx(4.0));
    move |(x, y)| match swatch {
        Swatch::Line(c) => PathElement::new(
            vec![(x, y), (x + len, y)],
            rgba(c, 1.0).stroke_width(stroke),
        )
        .into_dyn(),
        Swatch::Dashed(c) => {
            let style = rgba(c, 1.0).stroke_width(stroke);
            DashedPathElement::new(vec![(x, y), (x + len, y)], dash, gap, style).into_dyn()
        }
        Swatch::Point(m) => legend_marker((x + len / 2, y), scale, m),
    }
}

/// Lays a strip legend out left to right within `width` device pixels, wrapping: each entry's offset from the
/// strip's top-left corner, and the strip's height (0 without entries).
pub(crate) fn strip_layout(s: &Surface, entries: &[Entry], width: f64) -> (Vec<(f64, f64)>, f64) {
    let mut pos = Vec::with_capacity(entries.len());
    let (mut x, mut y) = (0.0, 0.0);
    for e in entries {
        let w = s.px(SWATCH + SWATCH_GAP) + s.widest([e.text.clone()]);
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += s.px(ROW);
        }
        pos.push((x, y));
        x += w + s.px(ENTRY_GAP);
    }
    let height = if entries.is_empty() {
        0.0
    } else {
        y + s.px(ROW)
    };
    (pos, height)
}

/// Draws a strip legend with its top-left corner at `(x0, y0)`, entries at the offsets from [`strip_layout`].
pub(crate) fn draw_strip(
    s: &Surface,
    root: &Root,
    entries: &[Entry],
    offsets: &[(f64, f64)],
    (x0, y0): (f64, f64),
) -> Result<(), JsError> {
    let text = s.text().pos(Pos::new(HPos::Left, VPos::Center));
    for (e, &(dx, dy)) in entries.iter().zip(offsets) {
        let x = (x0 + dx).round() as i32;
        let y = (y0 + dy + s.px(ROW) / 2.0).round() as i32;
        root.draw(&swatch_maker(s, e.swatch)((x, y)))
            .map_err(plot_err("legend"))?;
        let tx = x + s.px(SWATCH + SWATCH_GAP).round() as i32;
        root.draw(&Text::new(e.text.as_str(), (tx, y), text.clone()))
            .map_err(plot_err("legend"))?;
    }
    Ok(())
}

/// A rendered legend box: the canvas holding it and the box size in device pixels.
#[derive(Clone)]
struct Sprite {
    canvas: HtmlCanvasElement,
    w: f64,
    h: f64,
}

type Key = (u64, Vec<Entry>);

/// Most legends kept (entry sets × scales in use); the cache is emptied when it would grow past this.
const MAX_LEGENDS: usize = 16;

thread_local! {
    static LEGENDS: RefCell<Vec<(Key, Sprite)>> = const { RefCell::new(Vec::new()) };
}

/// Draws the legend box for `entries` in the corner of the plotting rectangle `(xs, ys)` that covers the fewest
/// of the plotted pixel positions `data` (upper right, lower left, lower right, upper left on a tie).
pub(crate) fn draw_box(
    s: &Surface,
    (xs, ys): &(std::ops::Range<i32>, std::ops::Range<i32>),
    entries: &[Entry],
    data: &[(i32, i32)],
) -> Result<(), JsError> {
    if entries.is_empty() {
        return Ok(());
    }
    let sprite = sprite(s, entries)?;
    let inset = s.px(6.0).round();
    let (left, right) = (
        f64::from(xs.start) + inset,
        f64::from(xs.end) - sprite.w - inset,
    );
    let (top, bottom) = (
        f64::from(ys.start) + inset,
        f64::from(ys.end) - sprite.h - inset,
    );
    let (x, y) = corner(
        [(right, top), (left, bottom), (right, bottom), (left, top)],
        (sprite.w, sprite.h),
        data,
    );
    s.ctx
        .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            &sprite.canvas,
            0.0,
            0.0,
            sprite.w,
            sprite.h,
            x,
            y,
            sprite.w,
            sprite.h,
        )
        .map_err(|e| js_err("drawImage legend", e))
}

/// The first of the `candidates` (top-left corners of a `w × h` box) covering the fewest of `data`.
fn corner(candidates: [(f64, f64); 4], (w, h): (f64, f64), data: &[(i32, i32)]) -> (f64, f64) {
    let covered = |&(x, y): &(f64, f64)| {
        data.iter()
            .filter(|&&(px, py)| {
                let (px, py) = (f64::from(px), f64::from(py));
                px >= x && px <= x + w && py >= y && py <= y + h
            })
            .count()
    };
    let mut best = (usize::MAX, candidates[0]);
    for c in candidates {
        let n = covered(&c);
        if n < best.0 {
            best = (n, c);
        }
    }
    best.1
}

fn sprite(s: &Surface, entries: &[Entry]) -> Result<Sprite, JsError> {
    let key = (s.scale.to_bits(), entries.to_vec());
    if let Some(hit) = LEGENDS.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }) {
        return Ok(hit);
    }
    let sprite = render(s, entries)?;
    LEGENDS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_LEGENDS {
            c.clear();
        }
        c.push((key, sprite.clone()));
    });
    Ok(sprite)
}

/// Renders the legend with plotters into a fresh transparent canvas and finds the box's extent.
fn render(s: &Surface, entries: &[Entry]) -> Result<Sprite, JsError> {
    let canvas = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsError::new("no document for the legend"))?
        .create_element("canvas")
        .map_err(|e| js_err("createElement", e))?
        .dyn_into::<HtmlCanvasElement>()
        .map_err(|_| JsError::new("created element is not a canvas"))?;
    // Generous room: the box is cropped to what plotters drew.
    let line = s.px(FONT_PX * 1.25);
    let w = s.widest(entries.iter().map(|e| e.text.clone())) + s.px(80.0);
    let h = entries.len() as f64 * (line + s.px(4.0)) + s.px(40.0);
    canvas.set_width(w.ceil() as u32);
    canvas.set_height(h.ceil() as u32);

    let root = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| JsError::new("legend canvas has no 2d context"))?
        .into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(plot_err("legend layout"))?;
    let swatch = s.ipx(SWATCH);
    for e in entries {
        let make = swatch_maker(s, e.swatch);
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())
            .map_err(plot_err("legend"))?
            .label(e.text.as_str())
            .legend(make);
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::Coordinate(1, 1))
        .margin(s.ipx(5.0))
        .legend_area_size(swatch + s.ipx(SWATCH_GAP))
        .label_font(s.text())
        .background_style(WHITE.mix(0.85))
        .border_style(rgba(INK, 0.35))
        .draw()
        .map_err(plot_err("legend"))?;
    root.present().map_err(plot_err("legend"))?;

    // The box's extent: the last column and row with any ink (the background fills the box).
    let (cw, ch) = (canvas.width().max(1), canvas.height().max(1));
    let data = heatmap::context_2d(&canvas)?
        .get_image_data(0.0, 0.0, f64::from(cw), f64::from(ch))
        .map_err(|e| js_err("getImageData legend", e))?
        .data();
    let (mut right, mut bottom) = (0u32, 0u32);
    for (i, px) in data.chunks_exact(4).enumerate() {
        if px[3] > 0 {
            let i = i as u32;
            right = right.max(i % cw + 1);
            bottom = bottom.max(i / cw + 1);
        }
    }
    Ok(Sprite {
        canvas,
        w: f64::from(right),
        h: f64::from(bottom),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_goes_where_the_data_is_not() {
        let corners = [(80.0, 0.0), (0.0, 80.0), (80.0, 80.0), (0.0, 0.0)];
        // Nothing plotted: the first choice (upper right).
        assert_eq!(corner(corners, (20.0, 20.0), &[]), (80.0, 0.0));
        // A flat curve along the top: a bottom corner, lower left first.
        let top: Vec<(i32, i32)> = (0..100).map(|x| (x, 5)).collect();
        assert_eq!(corner(corners, (20.0, 20.0), &top), (0.0, 80.0));
        // A rising curve: lower right and upper left are free; lower right comes first.
        let rising: Vec<(i32, i32)> = (0..100).map(|x| (x, 100 - x)).collect();
        assert_eq!(corner(corners, (20.0, 20.0), &rising), (80.0, 80.0));
    }
}
