//! The network diagram: where the columns, unit thumbnails and links go ([`layout`], pure, in CSS pixels) and how
//! a frame is rendered ([`render`] into one RGBA [`Pixmap`], then [`draw`] blits it with a single `putImageData`
//! and adds the few text labels with `fillText`).
//!
//! Layout: one column per layer (features, hidden layers, output), evenly spaced, each column's units stacked
//! and centred vertically as square thumbnails of one common size. The size is the largest that fits both ways:
//! at most half the column pitch (so links keep room), at most [`MAX_UNIT`], and the tallest column must fit
//! between the label band ([`TOP`]) and the controls band ([`BOTTOM`], where the page overlays its +/− buttons).
//! When even [`MIN_UNIT`] thumbnails do not fit (a layer of 256 units), a column shows its first units and a
//! "+k" note; links are drawn between shown units only. Links run from the right edge of a source thumbnail to
//! the left edge of a target thumbnail, so the fan of each unit is easy to follow.
//!
//! Rendering: links first (thickness ∝ |w|, clamped to [`LINK_MIN`] … [`LINK_MAX`] CSS px; colour = sign on the
//! data plot's scale: blue positive, orange negative; opacity grows with |w| and falls with the number of links
//! between the two columns; strongest drawn last), then the thumbnails ([`thumbnail`]) with a grey frame and a
//! small bias square on the lower-left corner (fill strength ∝ |b|, colour = sign). A highlighted unit gets a
//! heavy dark frame and its own links stay vivid while the others fade. Text comes last ([`labels`]).
//!
//! Cost (release wasm, headless Chromium on a loaded 2-core machine, six hidden layers of eight: 51 thumbnails,
//! 344 links; `node bench/diagram-cost.mjs`): on the 408 × 334 px canvas of the 1440 px page ≈ 1.7–2.5 ms per
//! frame (links ≈ 1.3–1.8 ms, thumbnails ≈ 0.6, `putImageData` ≈ 0.2, text ≈ 0.3); `Session::unit_grids` adds
//! ≈ 0.1 ms at 25–40 cells per side since it runs in f32 (the f64 pass added ≈ 0.8 ms at 25 and 2.3 ms at 40).
//! 650 × 500 px ≈ 4–6 ms. Canvas strokes for the links (one path per
//! colour / width / opacity bucket) measured no faster on the software canvas than the raster here, so the links
//! stay in the buffer.

use std::cell::RefCell;

use wasm_bindgen::{Clamped, JsError};
use web_sys::{HtmlCanvasElement, ImageData};

mod labels;
mod layout;
pub mod raster;
pub mod thumbnail;

use super::colour::{self, Rgb, INK, WHITE};
use super::{js_err, Surface};
use labels::MUTED;
pub use layout::{
    layout, Column, Layout, Link, UnitBox, BOTTOM, LEFT, MAX_UNIT, MIN_UNIT, RIGHT, TOP,
};
use raster::Pixmap;
use thumbnail::{UnitScale, FRAME};

/// Link stroke width range, CSS px: width = clamp(LINK_MIN + LINK_PER_UNIT · |w|, LINK_MIN, LINK_MAX).
pub const LINK_MIN: f64 = 0.6;
pub const LINK_MAX: f64 = 5.0;
const LINK_PER_UNIT: f64 = 1.4;
/// Up to this many links between two columns draw at full opacity; denser layers fade by √(this / count) (at
/// most to [`MIN_DENSITY_ALPHA`]) so a 16 × 16 layer stays a readable texture rather than a solid block.
const DENSE_LINKS: f64 = 64.0;
const MIN_DENSITY_ALPHA: f64 = 0.4;

/// What one column shows besides its thumbnails.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    /// Title variants, longest first ("hidden 1", "h1"): the first that fits the column pitch is drawn.
    pub titles: Vec<String>,
    /// Second-line variants, longest first ("8 · tanh", "8").
    pub subtitles: Vec<String>,
    /// Names drawn left of the thumbnails (the feature column); empty for none.
    pub unit_labels: Vec<String>,
    /// How the column's values are coloured.
    pub scale: UnitScale,
}

/// Everything a frame shows, besides the geometry.
pub struct Scene<'a> {
    pub columns: &'a [ColumnInfo],
    /// Unit values `[column][unit][cell]`: `res × res` cells (2-D) or `res` points along x (1-D).
    pub grids: &'a [Vec<Vec<f64>>],
    pub res: usize,
    pub one_d: bool,
    /// Weight of link (layer, to, from) as in [`Link`].
    pub weight: &'a dyn Fn(usize, usize, usize) -> f64,
    /// Bias of (column, unit); None for the features.
    pub bias: &'a dyn Fn(usize, usize) -> Option<f64>,
    /// The emphasised (column, unit), if any.
    pub highlight: Option<(usize, usize)>,
}

/// The sign colour of a weight or bias: blue positive, orange negative (the class 1 / class 0 colours).
pub fn sign_colour(w: f64) -> Rgb {
    colour::class_colour(usize::from(w > 0.0))
}

/// Link stroke width in CSS px for weight `w` (non-finite → the thinnest).
pub fn link_width(w: f64) -> f64 {
    if w.is_finite() {
        (LINK_MIN + LINK_PER_UNIT * w.abs()).clamp(LINK_MIN, LINK_MAX)
    } else {
        LINK_MIN
    }
}

/// One link as drawn: end points (CSS px), stroke width (CSS px), colour and opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub a: (f64, f64),
    pub b: (f64, f64),
    pub width: f64,
    pub colour: Rgb,
    pub alpha: f64,
}

/// The links' strokes in drawing order: faded ones first, then by |w|, so strong and highlighted links end up
/// on top.
pub fn strokes(lay: &Layout, scene: &Scene<'_>) -> Vec<Stroke> {
    let touches = |l: &Link, (c, u): (usize, usize)| {
        (l.layer == c && l.from == u) || (l.layer + 1 == c && l.to == u)
    };
    let mut links: Vec<(f64, bool, &Link)> = lay
        .links
        .iter()
        .map(|l| {
            let on = scene.highlight.is_some_and(|h| touches(l, h));
            ((scene.weight)(l.layer, l.to, l.from), on, l)
        })
        .collect();
    links.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.abs().total_cmp(&b.0.abs())));
    let mut per_layer = vec![0usize; lay.columns.len()];
    for l in &lay.links {
        if let Some(n) = per_layer.get_mut(l.layer) {
            *n += 1;
        }
    }
    let density = |layer: usize| {
        let n = per_layer.get(layer).copied().unwrap_or(1).max(1) as f64;
        (DENSE_LINKS / n).sqrt().clamp(MIN_DENSITY_ALPHA, 1.0)
    };
    links
        .into_iter()
        .map(|(w, on, l)| {
            let strength = if w.is_finite() { w.abs().min(1.0) } else { 0.0 };
            let mut alpha = (0.35 + 0.65 * strength) * if on { 1.0 } else { density(l.layer) };
            if scene.highlight.is_some() && !on {
                alpha *= 0.25;
            }
            Stroke {
                a: l.a,
                b: l.b,
                width: link_width(w),
                colour: sign_colour(w),
                alpha,
            }
        })
        .collect()
}

/// Renders links, thumbnails, frames and bias markers into `p` (resized to the layout × `scale`).
pub fn render(p: &mut Pixmap, lay: &Layout, scene: &Scene<'_>, scale: f64) {
    let px = |v: f64| v * scale;
    p.reset(
        px(lay.width).round() as usize,
        px(lay.height).round() as usize,
        WHITE,
    );
    for k in strokes(lay, scene) {
        let (a, b) = ((px(k.a.0), px(k.a.1)), (px(k.b.0), px(k.b.1)));
        p.line(a, b, px(k.width), k.colour, k.alpha);
    }
    for (c, col) in lay.columns.iter().enumerate() {
        let scale_c = scene
            .columns
            .get(c)
            .map_or(UnitScale::OwnRange, |i| i.scale);
        for u in &col.units {
            let (x, y, s) = (px(u.x).round(), px(u.y).round(), px(u.size).round());
            let values = scene
                .grids
                .get(c)
                .and_then(|g| g.get(u.unit))
                .map_or(&[][..], |v| v.as_slice());
            if scene.one_d {
                p.fill_rect(x, y, s, s, WHITE);
                thumbnail::curve(p, values, scale_c, (x, y, s), scale);
            } else if values.len() == scene.res * scene.res {
                thumbnail::heat(p, values, scene.res, scale_c, (x, y, s));
            } else {
                p.fill_rect(x, y, s, s, WHITE);
            }
            if scene.highlight == Some((c, u.unit)) {
                let t = px(2.5).round().max(2.0);
                p.stroke_rect(x - t, y - t, s + 2.0 * t, s + 2.0 * t, t, INK);
            } else {
                p.stroke_rect(x, y, s, s, px(1.0).round(), FRAME);
            }
            if let Some(b) = (scene.bias)(c, u.unit) {
                let m = px((0.22 * u.size).clamp(4.0, 9.0)).round();
                let (bx, by) = ((x - m / 2.0).round(), (y + s - m / 2.0).round());
                let strength = if b.is_finite() { b.abs().min(1.0) } else { 0.0 };
                p.fill_rect(bx, by, m, m, MUTED);
                let t = px(1.0).round();
                let fill = colour::mix(WHITE, sign_colour(b), 0.15 + 0.85 * strength);
                p.fill_rect(bx + t, by + t, m - 2.0 * t, m - 2.0 * t, fill);
            }
        }
    }
}

thread_local! {
    /// The frame buffer, reused between frames (≈ 4 bytes per device pixel).
    static FRAME_BUFFER: RefCell<Pixmap> = RefCell::new(Pixmap::new(0, 0, WHITE));
}

/// Draws a frame on `canvas` (its width/height attributes in device pixels): `lay` must be the layout for the
/// canvas's CSS size. One `putImageData` of the whole buffer, then the column titles, feature names and "+k"
/// notes as canvas text.
pub fn draw(canvas: &HtmlCanvasElement, lay: &Layout, scene: &Scene<'_>) -> Result<(), JsError> {
    let s = Surface::new(canvas)?;
    if s.width == 0 || s.height == 0 {
        return Ok(());
    }
    FRAME_BUFFER.with(|fb| -> Result<(), JsError> {
        let mut p = fb.borrow_mut();
        render(&mut p, lay, scene, s.scale);
        let (w, h) = (u32::try_from(p.width)?, u32::try_from(p.height)?);
        if w == 0 || h == 0 {
            return Ok(());
        }
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&p.data), w, h)
            .map_err(|e| js_err("ImageData", e))?;
        s.ctx
            .put_image_data(&image, 0.0, 0.0)
            .map_err(|e| js_err("putImageData", e))
    })?;
    labels::labels(&s, lay, scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_draws_links_thumbnails_and_highlight() {
        let widths = [2, 3, 1];
        let lay = layout(&widths, 300.0, 220.0);
        let cols: Vec<ColumnInfo> = widths
            .iter()
            .map(|_| ColumnInfo {
                titles: vec!["t".into()],
                subtitles: vec![],
                unit_labels: vec![],
                scale: UnitScale::Symmetric(1.0),
            })
            .collect();
        let grids: Vec<Vec<Vec<f64>>> = widths.iter().map(|&n| vec![vec![0.9; 16]; n]).collect();
        let scene = Scene {
            columns: &cols,
            grids: &grids,
            res: 4,
            one_d: false,
            weight: &|_, _, _| -1.0,
            bias: &|c, _| (c > 0).then_some(0.5),
            highlight: Some((1, 0)),
        };
        let mut p = Pixmap::new(0, 0, WHITE);
        render(&mut p, &lay, &scene, 1.0);
        assert_eq!((p.width, p.height), (300, 220));
        let u = lay.columns[1].units[1];
        let centre = p.get((u.x + u.size / 2.0) as usize, (u.y + u.size / 2.0) as usize);
        assert_eq!(centre, Some(colour::binary_fast(0.95)));
        let l = lay.links[0];
        let mid = p.get(
            ((l.a.0 + l.b.0) / 2.0) as usize,
            ((l.a.1 + l.b.1) / 2.0) as usize,
        );
        assert!(mid.is_some_and(|c| c != WHITE), "link drawn");
        let h = lay.columns[1].units[0];
        assert_eq!(
            p.get(h.x as usize - 1, (h.y + 3.0) as usize),
            Some(INK),
            "highlight frame"
        );
        // Scaled ×2: the buffer doubles.
        render(&mut p, &lay, &scene, 2.0);
        assert_eq!((p.width, p.height), (600, 440));
    }
}
