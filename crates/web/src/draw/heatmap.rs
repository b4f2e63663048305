//! Heatmaps as RGBA pixel buffers (pure, natively tested) and their blit into a canvas rectangle.
//!
//! Grid layout everywhere: row-major, row 0 is the top of the plot (y_max), x runs left to right, which is also
//! the memory layout of `ImageData`. Blitting: the nx × ny buffer goes into a small reused scratch canvas with
//! one `putImageData`, then one `drawImage` scales it onto the plot rectangle.
//!
//! Measured in headless Chromium (software raster, release build, 100 × 100 grid onto 600 × 600 device pixels,
//! each draw flushed): `drawImage` without smoothing ≈ 0.3 ms; with bilinear smoothing ("low") ≈ 2.4 ms
//! ("medium" 4.4, "high" 8.0); expanding to device pixels in Rust plus one full-size `putImageData` ≈ 0.6–1.3 ms.
//! So the default is [`BlitMode::Pixelated`]; [`BlitMode::Smooth`] is there for stills or a GPU canvas.
//! `tests/draw.rs::heatmap_blit_cost` re-measures both.

use std::cell::RefCell;

use wasm_bindgen::{Clamped, JsCast, JsError};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::colour::{self, Rgb};
use super::js_err;

/// How a grid is scaled onto its destination rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlitMode {
    /// Nearest-cell scaling (`imageSmoothingEnabled = false`): crisp cells, cheapest (default).
    Pixelated,
    /// Bilinear scaling between cell centres: smooth boundaries, several times slower on a software canvas.
    Smooth,
}

/// A destination rectangle in canvas (device) pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

fn fill_rgba(nx: usize, ny: usize, mut cell: impl FnMut(usize) -> Rgb) -> Vec<u8> {
    let mut out = Vec::with_capacity(nx * ny * 4);
    for i in 0..nx * ny {
        let [r, g, b] = cell(i);
        out.extend_from_slice(&[r, g, b, 255]);
    }
    out
}

/// RGBA buffer (nx·ny·4 bytes, opaque) for a binary grid of P(class 1) values through [`colour::binary_fast`].
/// Errors when `probs.len() != nx · ny`.
pub fn binary_rgba(probs: &[f64], nx: usize, ny: usize) -> Result<Vec<u8>, String> {
    if probs.len() != nx * ny {
        return Err(format!(
            "heatmap: expected {nx}×{ny} = {} values, got {}",
            nx * ny,
            probs.len()
        ));
    }
    Ok(fill_rgba(nx, ny, |i| colour::binary_fast(probs[i])))
}

/// RGBA buffer for a multi-class grid: `probs` holds K consecutive probabilities per cell (cell-major,
/// nx·ny·K values), coloured by [`colour::multiclass`]. Errors on a size mismatch or K = 0.
pub fn multiclass_rgba(probs: &[f64], nx: usize, ny: usize, k: usize) -> Result<Vec<u8>, String> {
    if k == 0 || probs.len() != nx * ny * k {
        return Err(format!(
            "heatmap: expected {nx}×{ny}×{k} = {} values, got {}",
            nx * ny * k,
            probs.len()
        ));
    }
    Ok(fill_rgba(nx, ny, |i| {
        colour::multiclass(&probs[i * k..(i + 1) * k])
    }))
}

/// Hard decision regions for a binary grid, in place: P(class 1) ≥ 0.5 becomes 1, below 0.5 becomes 0 (the
/// predicted class at full colour); non-finite values stay as they are (drawn white: no information).
pub fn discretize_binary(probs: &mut [f64]) {
    for p in probs.iter_mut().filter(|p| p.is_finite()) {
        *p = if *p >= 0.5 { 1.0 } else { 0.0 };
    }
}

/// Hard decision regions for a multi-class grid (K probabilities per cell, cell-major), in place: each cell becomes
/// the one-hot vector of its most probable class (the first on a tie). A cell with a non-finite value is left
/// alone (drawn white). A trailing partial cell (length not a multiple of K) is ignored.
pub fn discretize_multiclass(probs: &mut [f64], k: usize) {
    if k == 0 {
        return;
    }
    for cell in probs.chunks_exact_mut(k) {
        if !cell.iter().all(|p| p.is_finite()) {
            continue;
        }
        let mut best = 0;
        for (i, &p) in cell.iter().enumerate() {
            if p > cell[best] {
                best = i;
            }
        }
        for (i, p) in cell.iter_mut().enumerate() {
            *p = if i == best { 1.0 } else { 0.0 };
        }
    }
}

thread_local! {
    /// Reused scratch canvas (and its context) for [`BlitMode::Smooth`]: one per thread, resized on demand.
    static SCRATCH: RefCell<Option<(HtmlCanvasElement, CanvasRenderingContext2d)>> = const { RefCell::new(None) };
}

/// The 2D context of a canvas.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .map_err(|e| js_err("canvas.getContext", e))?
        .ok_or_else(|| JsError::new("canvas has no 2d context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| JsError::new("canvas context is not a CanvasRenderingContext2D"))
}

fn scratch(nx: u32, ny: u32) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), JsError> {
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .ok_or_else(|| JsError::new("no document for the heatmap scratch canvas"))?;
            let canvas = document
                .create_element("canvas")
                .map_err(|e| js_err("createElement", e))?
                .dyn_into::<HtmlCanvasElement>()
                .map_err(|_| JsError::new("created element is not a canvas"))?;
            let ctx = context_2d(&canvas)?;
            *slot = Some((canvas, ctx));
        }
        let (canvas, ctx) = slot
            .as_ref()
            .ok_or_else(|| JsError::new("heatmap scratch canvas missing"))?;
        if canvas.width() != nx {
            canvas.set_width(nx);
        }
        if canvas.height() != ny {
            canvas.set_height(ny);
        }
        Ok((canvas.clone(), ctx.clone()))
    })
}

/// Draws an nx × ny RGBA buffer into `dest` on `ctx`. Cost for a 100 × 100 grid onto ~600 × 600 device pixels:
/// see `tests/draw.rs::heatmap_blit_cost`.
pub fn blit(
    ctx: &CanvasRenderingContext2d,
    rgba: &[u8],
    nx: usize,
    ny: usize,
    dest: Rect,
    mode: BlitMode,
) -> Result<(), JsError> {
    if nx == 0 || ny == 0 || dest.w < 1.0 || dest.h < 1.0 {
        return Ok(());
    }
    if rgba.len() != nx * ny * 4 {
        return Err(JsError::new(
            "heatmap: RGBA buffer size does not match the grid",
        ));
    }
    let (nxu, nyu) = (u32::try_from(nx)?, u32::try_from(ny)?);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), nxu, nyu)
        .map_err(|e| js_err("ImageData", e))?;
    let (canvas, sctx) = scratch(nxu, nyu)?;
    sctx.put_image_data(&image, 0.0, 0.0)
        .map_err(|e| js_err("putImageData", e))?;
    ctx.save();
    ctx.set_image_smoothing_enabled(mode == BlitMode::Smooth);
    let r = ctx
        .draw_image_with_html_canvas_element_and_dw_and_dh(&canvas, dest.x, dest.y, dest.w, dest.h)
        .map_err(|e| js_err("drawImage", e));
    ctx.restore();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_buffer_layout_and_values() -> Result<(), String> {
        // 2 × 2: top row (y_max) first, x left to right.
        let buf = binary_rgba(&[0.0, 1.0, 0.5, 0.5], 2, 2)?;
        assert_eq!(buf.len(), 16);
        assert_eq!(&buf[0..3], &colour::binary(0.0));
        assert_eq!(&buf[4..7], &colour::binary(1.0));
        assert_eq!(&buf[8..12], &[255, 255, 255, 255]);
        assert!(buf.chunks(4).all(|p| p[3] == 255));
        Ok(())
    }

    #[test]
    fn size_mismatch_is_an_error_not_a_panic() {
        assert!(binary_rgba(&[0.5; 3], 2, 2).is_err());
        assert!(multiclass_rgba(&[0.5; 8], 2, 2, 3).is_err());
        assert!(multiclass_rgba(&[], 0, 0, 0).is_err());
    }

    #[test]
    fn discretize_thresholds_and_argmax() {
        let mut b = [0.0, 0.49, 0.5, 0.93, f64::NAN];
        discretize_binary(&mut b);
        assert_eq!(&b[..4], &[0.0, 0.0, 1.0, 1.0]);
        assert!(b[4].is_nan());
        let mut m = [
            0.2,
            0.5,
            0.3,
            /* tie: first */ 0.4,
            0.4,
            0.2,
            /* unknown */ f64::NAN,
            0.5,
            0.5,
            0.9,
        ];
        discretize_multiclass(&mut m, 3);
        assert_eq!(&m[..6], &[0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
        assert!(m[6].is_nan() && m[7] == 0.5);
        assert_eq!(m[9], 0.9, "a partial trailing cell is left alone");
        discretize_multiclass(&mut m, 0);
    }

    #[test]
    fn multiclass_buffer_cell_major() -> Result<(), String> {
        let probs = [1.0, 0.0, 0.0, /* cell 1 */ 0.0, 1.0, 0.0];
        let buf = multiclass_rgba(&probs, 2, 1, 3)?;
        assert_eq!(&buf[0..3], &colour::multiclass(&[1.0, 0.0, 0.0]));
        assert_eq!(&buf[4..7], &colour::multiclass(&[0.0, 1.0, 0.0]));
        Ok(())
    }
}
