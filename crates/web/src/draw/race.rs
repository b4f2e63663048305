//! The Race lab's charts: several loss curves overlaid on one log-scale chart (one colour per racer, solid or
//! dashed), and a decision-boundary thumbnail per racer (the boundary heatmap blitted over the whole canvas,
//! training points on top, no axes: the big data plot of the Playground shows those).

use plotters::prelude::*;
use wasm_bindgen::JsError;
use web_sys::HtmlCanvasElement;

use super::colour::{class_colour, Rgb, INK, OKABE_ITO};
use super::step_chart::log_step_chart;
use super::{draw_markers, finite_runs, heatmap, plot_err, rgba, Marker, Surface};

/// The colour of racer `i`: Okabe–Ito without yellow (too pale on white), blue first, cycling after six.
pub fn racer_colour(i: usize) -> Rgb {
    const ORDER: [usize; 6] = [1, 0, 2, 4, 3, 5];
    OKABE_ITO[ORDER[i % ORDER.len()]]
}

/// One loss curve: `loss[i]` at `steps[i]` (the shorter length counts), its colour, dashed or solid, and its
/// stroke width in CSS pixels.
#[derive(Debug, Clone, Copy)]
pub struct Curve<'a> {
    pub steps: &'a [f64],
    pub loss: &'a [f64],
    pub colour: Rgb,
    pub dashed: bool,
    pub width: f64,
}

/// Every `stride`-th point plus the last one, as (step, loss) with non-positive or non-finite losses as NaN
/// (they break the line).
fn decimate(c: &Curve<'_>, max_points: usize) -> Vec<(f64, f64)> {
    let n = c.steps.len().min(c.loss.len());
    let stride = n.div_ceil(max_points.max(2)).max(1);
    let mut idx: Vec<usize> = (0..n).step_by(stride).collect();
    if n > 0 && idx.last() != Some(&(n - 1)) {
        idx.push(n - 1);
    }
    idx.into_iter()
        .filter(|&i| c.steps[i].is_finite())
        .map(|i| {
            let v = c.loss[i];
            (
                c.steps[i],
                if v.is_finite() && v > 0.0 {
                    v
                } else {
                    f64::NAN
                },
            )
        })
        .collect()
}

/// The step range and the padded log10 loss range of the curves (defaults when nothing is finite).
pub fn ranges(curves: &[Vec<(f64, f64)>]) -> ((f64, f64), (f64, f64)) {
    let pts = curves.iter().flatten();
    let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
    for &(x, y) in pts {
        (x0, x1) = (x0.min(x), x1.max(x));
        if y.is_finite() {
            (y0, y1) = (y0.min(y.log10()), y1.max(y.log10()));
        }
    }
    if !(x0.is_finite() && x1.is_finite()) {
        (x0, x1) = (0.0, 1.0);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if !(y0.is_finite() && y1.is_finite()) {
        (y0, y1) = (-1.0, 0.0);
    }
    (y0, y1) = (y0.clamp(-300.0, 299.0), y1.clamp(-299.0, 300.0));
    let pad = ((y1 - y0) * 0.05).max(0.02);
    ((x0, x1), (y0 - pad, y1 + pad))
}

/// Draws the overlaid curves (log-scale loss against step, grid, axis titles) into `canvas`; the legend is
/// the page's (it carries the current losses). Dashes use the context's line dash (one stroke per run).
pub fn draw_race_chart(canvas: &HtmlCanvasElement, curves: &[Curve<'_>]) -> Result<(), JsError> {
    let s = Surface::new(canvas)?;
    let root = s.root()?;
    if s.is_tiny() {
        return Ok(());
    }
    let points: Vec<Vec<(f64, f64)>> = curves
        .iter()
        .map(|c| decimate(c, (s.width as usize).max(2)))
        .collect();
    let ((x0, x1), (ly0, ly1)) = ranges(&points);
    let (lo, hi) = (10f64.powf(ly0), 10f64.powf(ly1));
    let Some(mut chart) = log_step_chart(&s, &root, (x0, x1), (lo, hi), "loss", "race chart")?
    else {
        return Ok(());
    };
    for (c, pts) in curves.iter().zip(&points) {
        let runs = finite_runs(pts.iter().copied());
        let style = rgba(c.colour, 1.0).stroke_width(s.ipx(c.width));
        s.set_dash(if c.dashed { &[6.0, 4.0] } else { &[] })?;
        let drawn = chart.draw_series(
            runs.iter()
                .filter(|r| r.len() > 1)
                .map(|r| PathElement::new(r.clone(), style)),
        );
        s.set_dash(&[])?;
        drawn.map_err(plot_err("race curve"))?;
        let r = s.ipx(c.width + 0.5);
        chart
            .draw_series(
                runs.iter()
                    .filter(|run| run.len() == 1)
                    .map(|run| Circle::new(run[0], r, rgba(c.colour, 1.0).filled())),
            )
            .map_err(plot_err("race dots"))?;
    }
    root.present().map_err(plot_err("race chart"))
}

/// What a thumbnail shows behind the points.
pub enum Thumb<'a> {
    /// P(class 1) per cell of an n × n grid, rows from the top.
    Binary(&'a [f64]),
    /// K probabilities per cell (cell-major) of an n × n grid.
    MultiClass(usize, &'a [f64]),
    /// A 1-D regression: the model curve (xs, ys).
    Curve(&'a [f64], &'a [f64]),
}

/// Draws a racer's thumbnail: the largest square (2-D sets; the domain is square) or the whole canvas (1-D)
/// filled with the prediction, the training points (`xs`, `ys`, class `labels`; for 1-D sets x and target) as
/// markers, a thin ink frame. `domain` is `[x_min, x_max, y_min, y_max]`, `grid` the cells per side.
pub fn draw_thumbnail(
    canvas: &HtmlCanvasElement,
    domain: [f64; 4],
    thumb: &Thumb<'_>,
    grid: usize,
    (xs, ys, labels): (&[f64], &[f64], &[usize]),
) -> Result<(), JsError> {
    let s = Surface::new(canvas)?;
    let root = s.root()?;
    if s.is_tiny() {
        return Ok(());
    }
    let [dx0, dx1, dy0, dy1] = domain;
    if !(dx1 > dx0 && dy1 > dy0) {
        return Err(JsError::new("thumbnail: empty plot domain"));
    }
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let side = w.min(h);
    let rect = match thumb {
        Thumb::Curve(..) => heatmap::Rect {
            x: 0.0,
            y: 0.0,
            w,
            h,
        },
        _ => heatmap::Rect {
            x: ((w - side) / 2.0).floor(),
            y: ((h - side) / 2.0).floor(),
            w: side,
            h: side,
        },
    };
    let map = |x: f64, y: f64| {
        (
            rect.x + (x - dx0) / (dx1 - dx0) * rect.w,
            rect.y + (dy1 - y) / (dy1 - dy0) * rect.h,
        )
    };
    let rgba = match thumb {
        Thumb::Binary(p) => Some(heatmap::binary_rgba(p, grid, grid)),
        Thumb::MultiClass(k, p) => Some(heatmap::multiclass_rgba(p, grid, grid, *k)),
        Thumb::Curve(..) => None,
    };
    if let Some(rgba) = rgba {
        let rgba = rgba.map_err(|e| JsError::new(&e))?;
        heatmap::blit(
            &s.ctx,
            &rgba,
            grid,
            grid,
            rect,
            heatmap::BlitMode::Pixelated,
        )?;
    }
    let n = xs.len().min(ys.len());
    let classes = labels.iter().copied().max().map_or(1, |m| m + 1);
    if labels.is_empty() {
        let pts: Vec<(f64, f64)> = (0..n).map(|i| map(xs[i], ys[i])).collect();
        draw_markers(&s, &pts, Marker::Filled(class_colour(0)))?;
    } else {
        for k in 0..classes {
            let pts: Vec<(f64, f64)> = (0..n)
                .filter(|&i| labels.get(i) == Some(&k))
                .map(|i| map(xs[i], ys[i]))
                .collect();
            draw_markers(&s, &pts, Marker::Filled(class_colour(k)))?;
        }
    }
    if let Thumb::Curve(cx, cy) = thumb {
        s.ctx.begin_path();
        let mut first = true;
        for (&x, &y) in cx.iter().zip(cy.iter()) {
            if !(x.is_finite() && y.is_finite()) {
                first = true;
                continue;
            }
            let (px, py) = map(x, y.clamp(dy0 - (dy1 - dy0), dy1 + (dy1 - dy0)));
            if first {
                s.ctx.move_to(px, py);
                first = false;
            } else {
                s.ctx.line_to(px, py);
            }
        }
        s.ctx
            .set_stroke_style_str(&super::colour::css(class_colour(1), 1.0));
        s.ctx.set_line_width(s.px(2.0));
        s.ctx.stroke();
    }
    s.ctx.set_stroke_style_str(&super::colour::css(INK, 0.5));
    s.ctx.set_line_width(s.px(1.0));
    s.ctx
        .stroke_rect(rect.x + 0.5, rect.y + 0.5, rect.w - 1.0, rect.h - 1.0);
    root.present().map_err(plot_err("thumbnail"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_all_curves_and_skip_non_finite() {
        let a = vec![(0.0, 1.0), (10.0, 0.1)];
        let b = vec![(0.0, f64::NAN), (20.0, 0.01)];
        let ((x0, x1), (y0, y1)) = ranges(&[a, b]);
        assert_eq!((x0, x1), (0.0, 20.0));
        assert!(y0 < -2.0 && y1 > 0.0);
        let (x, y) = ranges(&[]);
        assert!(x.1 > x.0 && y.1 > y.0);
    }

    #[test]
    fn decimation_keeps_the_last_point_and_breaks_on_bad_losses() {
        let steps: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut loss = vec![0.5; 1000];
        loss[0] = -1.0;
        let c = Curve {
            steps: &steps,
            loss: &loss,
            colour: racer_colour(0),
            dashed: false,
            width: 2.0,
        };
        let d = decimate(&c, 100);
        assert!(d.len() <= 102 && d.last() == Some(&(999.0, 0.5)));
        assert!(d[0].1.is_nan());
    }

    #[test]
    fn racer_colours_are_distinct_and_skip_yellow() {
        let c: Vec<Rgb> = (0..6).map(racer_colour).collect();
        for i in 0..6 {
            assert_ne!(c[i], OKABE_ITO[6]);
            for j in 0..i {
                assert_ne!(c[i], c[j]);
            }
        }
    }
}
