//! A small RGBA raster for the network diagram: filled and outlined rectangles, anti-aliased thick lines and
//! bilinear-scaled value grids, all written into one opaque pixel buffer that the page blits with a single
//! `putImageData` (pure Rust, tested natively).
//!
//! Why not canvas paths: the diagram of six hidden layers of eight units has ~450 links and 50 thumbnails; one
//! stroked path per link (each with its own colour and width) costs ≈ 10–20 µs on a software canvas, while the
//! span-limited distance test below touches only the pixels near each line (≈ length × (width + 3) pixels).
//!
//! Coordinates are device pixels with the origin at the top-left corner of the buffer; pixel (i, j) covers
//! [i, i + 1) × [j, j + 1) and its centre is (i + ½, j + ½). Blending is linear in sRGB values (as the canvas
//! does by default).

use crate::draw::colour::Rgb;

/// An opaque RGBA pixel buffer, row-major from the top row (the memory layout of `ImageData`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pixmap {
    pub width: usize,
    pub height: usize,
    /// width · height · 4 bytes; alpha is always 255.
    pub data: Vec<u8>,
}

impl Pixmap {
    /// A `width × height` buffer filled with `bg`.
    pub fn new(width: usize, height: usize, bg: Rgb) -> Pixmap {
        let mut p = Pixmap {
            width,
            height,
            data: Vec::new(),
        };
        p.reset(width, height, bg);
        p
    }

    /// Resizes (reusing the allocation) and fills with `bg` (a plain memset for white or any grey).
    pub fn reset(&mut self, width: usize, height: usize, bg: Rgb) {
        self.width = width;
        self.height = height;
        self.data.clear();
        if bg[0] == bg[1] && bg[1] == bg[2] && bg[0] == 255 {
            self.data.resize(width * height * 4, 255);
        } else {
            self.data.reserve(width * height * 4);
            let px = [bg[0], bg[1], bg[2], 255];
            for _ in 0..width * height {
                self.data.extend_from_slice(&px);
            }
        }
    }

    /// The colour at (x, y), or None outside.
    pub fn get(&self, x: usize, y: usize) -> Option<Rgb> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y * self.width + x) * 4;
        Some([self.data[i], self.data[i + 1], self.data[i + 2]])
    }

    /// Pixel index range [lo, hi) of the rectangle's span along one axis, clipped to `0..n`.
    fn span(start: f64, len: f64, n: usize) -> (usize, usize) {
        let lo = start.round().max(0.0) as usize;
        let hi = (start + len).round().max(0.0) as usize;
        (lo.min(n), hi.min(n))
    }

    /// Fills the rectangle [x, x + w) × [y, y + h), snapped to whole pixels, with `c`.
    pub fn fill_rect(&mut self, x: f64, y: f64, w: f64, h: f64, c: Rgb) {
        let (x0, x1) = Self::span(x, w, self.width);
        let (y0, y1) = Self::span(y, h, self.height);
        for row in y0..y1 {
            let base = row * self.width;
            for col in x0..x1 {
                let i = (base + col) * 4;
                self.data[i..i + 3].copy_from_slice(&c);
            }
        }
    }

    /// Outlines the rectangle with a border `t` pixels thick (inside the rectangle's edge).
    pub fn stroke_rect(&mut self, x: f64, y: f64, w: f64, h: f64, t: f64, c: Rgb) {
        let t = t.max(1.0).round();
        self.fill_rect(x, y, w, t, c);
        self.fill_rect(x, y + h - t, w, t, c);
        self.fill_rect(x, y, t, h, c);
        self.fill_rect(x + w - t, y, t, h, c);
    }

    /// Draws the segment (x1, y1)–(x2, y2) with round caps, `width` pixels wide, colour `c` at opacity
    /// `alpha`, anti-aliased by pixel-centre distance (coverage = clamp(width/2 + ½ − distance, 0, 1)). Lines
    /// thinner than a pixel come out proportionally fainter. Non-finite input draws nothing.
    pub fn line(
        &mut self,
        (x1, y1): (f64, f64),
        (x2, y2): (f64, f64),
        width: f64,
        c: Rgb,
        alpha: f64,
    ) {
        if ![x1, y1, x2, y2, width, alpha].iter().all(|v| v.is_finite()) || alpha <= 0.0 {
            return;
        }
        let hw = (width / 2.0).max(0.05);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len2 = dx * dx + dy * dy;
        // Exact distance from a pixel centre to the segment (projection clamped to the ends: round caps); only
        // used beyond the ends, where the caps are.
        let cap_coverage = |px: f64, py: f64| -> f64 {
            let t = if len2 > 0.0 {
                (((px - x1) * dx + (py - y1) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (px - (x1 + t * dx), py - (y1 + t * dy));
            (hw + 0.5 - (ex * ex + ey * ey).sqrt()).clamp(0.0, 1.0)
        };
        let alpha = alpha.min(1.0);
        let reach = hw + 1.0;
        // Walk the major axis; across it only the pixels within reach of the line are visited.
        let x_major = dx.abs() >= dy.abs();
        let (a0, a1, b0, db_da) = if x_major {
            let (lo, hi) = (x1.min(x2), x1.max(x2));
            let slope = if dx != 0.0 { dy / dx } else { 0.0 };
            (lo, hi, (x1, y1), slope)
        } else {
            let (lo, hi) = (y1.min(y2), y1.max(y2));
            let slope = if dy != 0.0 { dx / dy } else { 0.0 };
            (lo, hi, (y1, x1), slope)
        };
        // Between the ends the distance to the line is the offset across the major axis times cos θ.
        let cos = 1.0 / (1.0 + db_da * db_da).sqrt();
        // Half-extent across the major axis of the pixels a line `hw` wide can touch (coverage > 0 needs
        // distance < hw + ½, i.e. an offset < (hw + ½) / cos across the major axis).
        let across = (hw + 0.5) / cos;
        // Clipped to the buffer, so far-off segments cost nothing.
        let (major_n, minor_n) = if x_major {
            (self.width as f64, self.height as f64)
        } else {
            (self.height as f64, self.width as f64)
        };
        let (stride_m, stride_n) = if x_major {
            (4, self.width * 4)
        } else {
            (self.width * 4, 4)
        };
        let colour = c.map(i32::from);
        let alpha256 = alpha * 256.0;
        let start = (a0 - reach).floor().max(0.0) as i64;
        let end = (a1 + reach).ceil().min(major_n) as i64;
        for m in start..end {
            let centre_m = m as f64 + 0.5;
            let inside = centre_m >= a0 && centre_m <= a1;
            let along = centre_m.clamp(a0, a1);
            let centre_n = b0.1 + (along - b0.0) * db_da;
            let (n0, n1) = if inside {
                (
                    (centre_n - across - 0.5).ceil().max(0.0) as i64,
                    (centre_n + across - 0.5).floor().min(minor_n - 1.0) as i64 + 1,
                )
            } else {
                (
                    (centre_n - across - 1.0).floor().max(0.0) as i64,
                    (centre_n + across + 1.0).ceil().min(minor_n) as i64,
                )
            };
            let base = m as usize * stride_m;
            if inside {
                // Distance to the line, stepping across: |offset| · cos, the offset growing by 1 per pixel.
                let mut offset = n0 as f64 + 0.5 - centre_n;
                for n in n0..n1 {
                    let cov = (hw + 0.5 - offset.abs() * cos).min(1.0);
                    offset += 1.0;
                    blend(
                        &mut self.data,
                        base + n as usize * stride_n,
                        &colour,
                        (cov * alpha256) as i32,
                    );
                }
            } else {
                for n in n0..n1 {
                    let cov = if x_major {
                        cap_coverage(centre_m, n as f64 + 0.5)
                    } else {
                        cap_coverage(n as f64 + 0.5, centre_m)
                    };
                    blend(
                        &mut self.data,
                        base + n as usize * stride_n,
                        &colour,
                        (cov * alpha256) as i32,
                    );
                }
            }
        }
    }

    /// Draws a polyline (consecutive points joined; non-finite points break it).
    pub fn polyline(&mut self, points: &[(f64, f64)], width: f64, c: Rgb, alpha: f64) {
        for pair in points.windows(2) {
            self.line(pair[0], pair[1], width, c, alpha);
        }
    }

    /// Scales an `n × n` grid of values into the square [x, x + side)² with bilinear interpolation between cell
    /// centres (edges clamped), colouring each interpolated value with `colour`.
    pub fn value_grid(
        &mut self,
        values: &[f64],
        n: usize,
        (x, y, side): (f64, f64, f64),
        colour: impl Fn(f64) -> Rgb,
    ) {
        if n == 0 || values.len() != n * n {
            return;
        }
        let (x0, x1) = Self::span(x, side, self.width);
        let (y0, y1) = Self::span(y, side, self.height);
        let (ox, oy) = (x.round(), y.round());
        let side_px = side.round().max(1.0);
        let cells = n as f64 / side_px;
        let last = (n - 1) as f64;
        // Fractional cell coordinate of each column, computed once per thumbnail.
        let cols: Vec<(usize, usize, f64)> = (x0..x1)
            .map(|col| {
                let g = ((col as f64 - ox + 0.5) * cells - 0.5).clamp(0.0, last);
                let i = g.floor();
                (i as usize, (i as usize + 1).min(n - 1), g - i)
            })
            .collect();
        let mut line = vec![0.0; n];
        for row in y0..y1 {
            let g = ((row as f64 - oy + 0.5) * cells - 0.5).clamp(0.0, last);
            let j = g.floor();
            let (r0, r1, ty) = (j as usize * n, (j as usize + 1).min(n - 1) * n, g - j);
            // This pixel row's values at the cell centres, then interpolate across.
            for (k, v) in line.iter_mut().enumerate() {
                let (a, b) = (values[r0 + k], values[r1 + k]);
                *v = a + ty * (b - a);
            }
            let base = (row * self.width + x0) * 4;
            let out = &mut self.data[base..base + cols.len() * 4];
            for (px, &(i0, i1, tx)) in out.chunks_exact_mut(4).zip(&cols) {
                let (a, b) = (line[i0], line[i1]);
                px[..3].copy_from_slice(&colour(a + tx * (b - a)));
            }
        }
    }
}

/// Blends `colour` over the pixel at byte offset `i` with opacity `a`/256 (nothing when `a` ≤ 0), in integers:
/// dst + (c − dst)·a / 256.
#[inline]
fn blend(data: &mut [u8], i: usize, colour: &[i32; 3], a: i32) {
    if a <= 0 {
        return;
    }
    if let Some(px) = data.get_mut(i..i + 3) {
        for (dst, &src) in px.iter_mut().zip(colour) {
            let d = i32::from(*dst);
            *dst = (d + (((src - d) * a) >> 8)) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Rgb = [255, 255, 255];
    const K: Rgb = [0, 0, 0];

    fn dark(p: &Pixmap, x: usize, y: usize) -> bool {
        p.get(x, y).is_some_and(|c| c[0] < 128)
    }

    #[test]
    fn rectangles_snap_and_clip() {
        let mut p = Pixmap::new(10, 8, W);
        assert_eq!(p.data.len(), 10 * 8 * 4);
        p.fill_rect(2.0, 1.0, 3.0, 2.0, K);
        assert!(dark(&p, 2, 1) && dark(&p, 4, 2) && !dark(&p, 5, 1) && !dark(&p, 2, 3));
        p.fill_rect(-5.0, -5.0, 100.0, 1000.0, [1, 2, 3]); // clipped, no panic
        assert_eq!(p.get(9, 7), Some([1, 2, 3]));
        assert_eq!(p.get(10, 0), None);
        let mut q = Pixmap::new(10, 10, W);
        q.stroke_rect(1.0, 1.0, 8.0, 8.0, 1.0, K);
        assert!(
            dark(&q, 1, 5) && dark(&q, 8, 5) && dark(&q, 5, 1) && dark(&q, 5, 8) && !dark(&q, 5, 5)
        );
        assert!(q.data.chunks(4).all(|c| c[3] == 255));
    }

    #[test]
    fn lines_cover_their_path_and_nothing_far_away() {
        for &(a, b) in &[
            ((2.0, 10.0), (38.0, 10.0)),
            ((10.0, 2.0), (10.0, 38.0)),
            ((2.0, 2.0), (38.0, 30.0)),
            ((38.0, 3.0), (4.0, 36.0)),
        ] {
            let mut p = Pixmap::new(40, 40, W);
            p.line(a, b, 2.0, K, 1.0);
            // Midpoint is covered.
            let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            assert!(dark(&p, mx as usize, my as usize), "{a:?}-{b:?}");
            // No ink more than 2.5 px from the segment.
            for y in 0..40 {
                for x in 0..40 {
                    let c = p.get(x, y).unwrap_or(W);
                    if c != W {
                        let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                        let t = (((px - a.0) * dx + (py - a.1) * dy) / (dx * dx + dy * dy))
                            .clamp(0.0, 1.0);
                        let d = ((px - a.0 - t * dx).powi(2) + (py - a.1 - t * dy).powi(2)).sqrt();
                        assert!(d < 2.5, "ink at ({x},{y}) {d} px from {a:?}-{b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn thin_lines_are_faint_and_odd_input_is_ignored() {
        let mut p = Pixmap::new(20, 20, W);
        p.line((0.0, 10.5), (20.0, 10.5), 0.2, K, 1.0);
        let c = p.get(10, 10).unwrap_or(K);
        assert!(c[0] > 100 && c[0] < 255, "faint: {c:?}");
        let before = p.clone();
        p.line((f64::NAN, 0.0), (1.0, 1.0), 1.0, K, 1.0);
        p.line((0.0, 0.0), (5.0, 5.0), 1.0, K, 0.0);
        p.line((1e9, 1e9), (2e9, 2e9), 3.0, K, 1.0);
        assert_eq!(p, before);
        p.line((5.0, 5.0), (5.0, 5.0), 3.0, K, 1.0); // a dot
        assert!(dark(&p, 5, 5));
    }

    #[test]
    fn value_grid_scales_and_interpolates() {
        let mut p = Pixmap::new(12, 12, W);
        // 2 × 2 grid: left column 0, right column 1; grey level = 255 · v.
        let grey = |v: f64| {
            let g = (255.0 * v.clamp(0.0, 1.0)) as u8;
            [g, g, g]
        };
        p.value_grid(&[0.0, 1.0, 0.0, 1.0], 2, (2.0, 2.0, 8.0), grey);
        let left = p.get(2, 5).unwrap_or(W)[0];
        let mid = p.get(6, 5).unwrap_or(W)[0];
        let right = p.get(9, 5).unwrap_or(W)[0];
        assert!(
            left < 10 && right > 245 && mid > 60 && mid < 200,
            "{left} {mid} {right}"
        );
        assert_eq!(p.get(1, 5), Some(W));
        assert_eq!(p.get(10, 5), Some(W));
        // Wrong sizes draw nothing.
        let before = p.clone();
        p.value_grid(&[0.0; 3], 2, (0.0, 0.0, 12.0), grey);
        assert_eq!(p, before);
    }
}
