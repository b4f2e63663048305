//! The Optimizers lab's main plot: the surface as a contour map ([`super::contour`], cached per surface and size),
//! axes x and y at equal aspect (so a gradient step is visibly perpendicular to the contours), each optimizer's
//! trajectory as a polyline in its colour over a white halo, a distinct marker shape at its current point (× when
//! it diverged), optionally the cloud of its last iterates, the start point, and a legend row above the plot with
//! each optimizer's name and current f. Records the plot's geometry so the page can turn a click into (x, y).
//!
//! Cost per frame: the background is one `drawImage` of a cached offscreen canvas; six ≤ 2 048-point polylines,
//! the markers and the legend row are canvas paths and text (the whole plot ≈ 3–4 ms in headless Chromium on a
//! busy 2-core machine, `docs/BENCHMARKS.md`); with the cloud on, 400 small squares per optimizer.

use std::cell::RefCell;
use std::f64::consts::TAU;

use saddle_core::surfaces::Surface as Landscape;
use wasm_bindgen::{Clamped, JsCast, JsError};
use web_sys::{HtmlCanvasElement, ImageData};

use super::boundary::aspect_trim;
use super::colour::{css, Rgb, INK};
use super::contour::{self, Levels};
use super::heatmap;
use super::legend::{self, Entry, Swatch};
use super::{format_tick, hit, js_err, linear_labels, plot_err, Surface};

/// One optimizer's drawing: its path and recent iterates in x, colour, marker shape index and legend text.
#[derive(Debug, Clone)]
pub struct Track {
    pub path: Vec<(f64, f64)>,
    pub cloud: Vec<(f64, f64)>,
    pub colour: Rgb,
    pub shape: usize,
    pub legend: String,
    pub diverged: bool,
}

/// Everything the plot shows.
pub struct Scene<'a> {
    pub surface: &'a Landscape,
    pub view: [f64; 4],
    pub start: (f64, f64),
    pub tracks: &'a [Track],
    pub cloud: bool,
}

/// Marker shapes in racer order: circle, square, triangle, diamond, inverted triangle, pentagon.
pub const SHAPES: [&str; 6] = ["●", "■", "▲", "◆", "▼", "⬟"];

/// Largest background grid side (cells); larger plots scale the buffer up.
const MAX_GRID: usize = 720;

type CacheKey = (String, Vec<u64>, [u64; 4], usize, usize);

thread_local! {
    /// Rendered backgrounds (an nx × ny canvas each) by surface, parameters, view and grid size: a frame then
    /// costs one `drawImage`, not a 2 MB `putImageData`. A few canvases at most.
    static BACKGROUNDS: RefCell<Vec<(CacheKey, HtmlCanvasElement)>> = const { RefCell::new(Vec::new()) };
}

/// The background of `surface` over `view` on an nx × ny grid, rendered once into an offscreen canvas.
fn background(
    surface: &Landscape,
    view: [f64; 4],
    nx: usize,
    ny: usize,
) -> Result<HtmlCanvasElement, JsError> {
    let key: CacheKey = (
        surface.kind().to_string(),
        surface.params().iter().map(|v| v.to_bits()).collect(),
        view.map(f64::to_bits),
        nx,
        ny,
    );
    if let Some(c) = BACKGROUNDS.with(|c| {
        c.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, c)| c.clone())
    }) {
        return Ok(c);
    }
    let values = contour::sample(surface, view, nx, ny);
    let levels = Levels::fit(&values, surface.kind().log_levels(), surface.min_value());
    let rgba = contour::rgba(&values, nx, ny, &levels);
    let canvas = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsError::new("no document for the surface background"))?
        .create_element("canvas")
        .map_err(|e| js_err("createElement", e))?
        .dyn_into::<HtmlCanvasElement>()
        .map_err(|_| JsError::new("created element is not a canvas"))?;
    let (w, h) = (u32::try_from(nx)?, u32::try_from(ny)?);
    canvas.set_width(w);
    canvas.set_height(h);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), w, h)
        .map_err(|e| js_err("ImageData", e))?;
    heatmap::context_2d(&canvas)?
        .put_image_data(&image, 0.0, 0.0)
        .map_err(|e| js_err("putImageData", e))?;
    BACKGROUNDS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 4 {
            c.remove(0);
        }
        c.push((key, canvas.clone()));
    });
    Ok(canvas)
}

/// Adds marker `shape` of radius `r` centred at (x, y) to the current path.
fn shape_path(s: &Surface, shape: usize, (x, y): (f64, f64), r: f64) -> Result<(), JsError> {
    let ctx = &s.ctx;
    let polygon = |n: usize, phase: f64, r: f64| {
        for k in 0..n {
            let a = phase + TAU * k as f64 / n as f64;
            let (px, py) = (x + r * a.cos(), y - r * a.sin());
            if k == 0 {
                ctx.move_to(px, py);
            } else {
                ctx.line_to(px, py);
            }
        }
        ctx.close_path();
    };
    let up = TAU / 4.0;
    match shape % SHAPES.len() {
        0 => {
            ctx.move_to(x + r, y);
            ctx.arc(x, y, r, 0.0, TAU).map_err(|e| js_err("arc", e))?;
        }
        1 => ctx.rect(x - 0.85 * r, y - 0.85 * r, 1.7 * r, 1.7 * r),
        2 => polygon(3, up, 1.2 * r),
        3 => polygon(4, up, 1.2 * r),
        4 => polygon(3, -up, 1.2 * r),
        _ => polygon(5, up, 1.1 * r),
    }
    Ok(())
}

fn stroke_path(s: &Surface, pts: &[(f64, f64)], colour: &str, width: f64) {
    let ctx = &s.ctx;
    ctx.begin_path();
    let mut pen_down = false;
    for &(x, y) in pts {
        if !(x.is_finite() && y.is_finite()) {
            pen_down = false;
            continue;
        }
        if pen_down {
            ctx.line_to(x, y);
        } else {
            ctx.move_to(x, y);
            pen_down = true;
        }
    }
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(width);
    ctx.stroke();
}

/// Draws the scene into `canvas` (size from its width/height attributes).
pub fn draw_surface_plot(canvas: &HtmlCanvasElement, scene: &Scene<'_>) -> Result<(), JsError> {
    let s = Surface::new(canvas)?;
    let root = s.root()?;
    if s.is_tiny() {
        hit::forget(canvas);
        return Ok(());
    }
    let view = scene.view;
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let (n_x, n_y) = (s.label_count(w, 60.0), s.label_count(h, 40.0));
    let mut frame = s.frame(
        &linear_labels(view[0], view[1], n_x, format_tick),
        &linear_labels(view[2], view[3], n_y, format_tick),
    );
    let (plot_left, full_w) = frame.plot_x(s.width);
    let entries: Vec<Entry> = scene
        .tracks
        .iter()
        .map(|t| Entry::new(Swatch::Line(t.colour), t.legend.clone()))
        .collect();
    let (offsets, legend_h) = legend::strip_layout(&s, &entries, full_w);
    let top = s.px(8.0)
        + if legend_h > 0.0 {
            legend_h + s.px(6.0)
        } else {
            0.0
        };
    let plot_h = h - top - f64::from(frame.x_area + frame.bottom);
    let ratio = (view[1] - view[0]) / (view[3] - view[2]);
    let (narrow, shorten) = aspect_trim(full_w, plot_h, ratio);
    let half = (narrow / 2.0).floor();
    frame.left += half as u32;
    frame.right += (narrow - half) as u32;
    frame.bottom += shorten as u32;
    let mut chart = s
        .chart(&root, &frame, top)
        .build_cartesian_2d(view[0]..view[1], view[2]..view[3])
        .map_err(plot_err("surface plot layout"))?;
    let rect = chart.plotting_area().get_pixel_range();
    let (rw, rh) = (rect.0.end - rect.0.start, rect.1.end - rect.1.start);
    if rw < 10 || rh < 10 {
        hit::forget(canvas);
        return Ok(());
    }
    let nx = (rw as usize).min(MAX_GRID);
    let ny = ((rh as usize) * nx / (rw as usize)).clamp(1, MAX_GRID);
    let bg = background(scene.surface, view, nx, ny)?;
    s.ctx.save();
    s.ctx.set_image_smoothing_enabled(false);
    let drawn = s.ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &bg,
        f64::from(rect.0.start),
        f64::from(rect.1.start),
        f64::from(rw),
        f64::from(rh),
    );
    s.ctx.restore();
    drawn.map_err(|e| js_err("drawImage", e))?;
    let fmt = |v: &f64| format_tick(*v);
    let mut mesh = chart.configure_mesh();
    s.style_mesh(&mut mesh, false);
    mesh.x_labels(n_x)
        .y_labels(n_y)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .x_desc("x")
        .y_desc("y")
        .draw()
        .map_err(plot_err("surface plot axes"))?;
    legend::draw_strip(&s, &root, &entries, &offsets, (plot_left, s.px(8.0)))?;
    let geometry = hit::PlotGeometry::of(&chart, view, &rect);
    hit::record(canvas, geometry);

    let px = |(x, y): (f64, f64)| geometry.to_pixel(x, y);
    s.clip(&rect);
    s.ctx.set_line_join("round");
    s.ctx.set_line_cap("round");
    // With the cloud on, the path steps back (faint and thin) so the recent iterates read as a distribution.
    let (halo, line, alpha) = if scene.cloud {
        (0.0, 1.0, 0.3)
    } else {
        (4.0, 2.0, 1.0)
    };
    for t in scene.tracks {
        let pts: Vec<(f64, f64)> = t.path.iter().map(|&p| px(p)).collect();
        if halo > 0.0 {
            stroke_path(&s, &pts, "rgba(255,255,255,0.8)", s.px(halo));
        }
        stroke_path(&s, &pts, &css(t.colour, alpha), s.px(line));
    }
    if scene.cloud {
        let side = s.px(4.0).round().max(2.0);
        for t in scene.tracks {
            s.ctx.set_fill_style_str(&css(t.colour, 0.75));
            for &p in &t.cloud {
                let (x, y) = px(p);
                s.ctx.fill_rect(
                    (x - side / 2.0).round(),
                    (y - side / 2.0).round(),
                    side,
                    side,
                );
            }
        }
    }
    // The start: an ink ring with a dot.
    let (sx, sy) = px(scene.start);
    s.ctx.begin_path();
    s.ctx
        .arc(sx, sy, s.px(7.0), 0.0, TAU)
        .map_err(|e| js_err("arc", e))?;
    s.ctx.set_stroke_style_str(&css(INK, 1.0));
    s.ctx.set_line_width(s.px(2.0));
    s.ctx.stroke();
    s.ctx.begin_path();
    s.ctx
        .arc(sx, sy, s.px(2.0), 0.0, TAU)
        .map_err(|e| js_err("arc", e))?;
    s.ctx.set_fill_style_str(&css(INK, 1.0));
    s.ctx.fill();
    let r = s.px(6.0);
    for t in scene.tracks {
        let Some(&last) = t.path.last() else { continue };
        let at = px(last);
        s.ctx.begin_path();
        shape_path(&s, t.shape, at, r)?;
        s.ctx.set_fill_style_str(&css(t.colour, 1.0));
        s.ctx.fill();
        s.ctx.set_stroke_style_str(&css(INK, 1.0));
        s.ctx.set_line_width(s.px(1.25));
        s.ctx.stroke();
        if t.diverged {
            let d = s.px(9.0);
            s.ctx.begin_path();
            s.ctx.move_to(at.0 - d, at.1 - d);
            s.ctx.line_to(at.0 + d, at.1 + d);
            s.ctx.move_to(at.0 - d, at.1 + d);
            s.ctx.line_to(at.0 + d, at.1 - d);
            s.ctx.set_line_width(s.px(2.5));
            s.ctx.stroke();
        }
    }
    s.ctx.restore();
    root.present().map_err(plot_err("surface plot"))
}
