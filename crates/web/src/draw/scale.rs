//! The colour scale of the data plot's heatmap: a row above the plot (wrapping when narrow) saying what the
//! background colours mean. P(class 1) from 0 to 1 as a gradient bar with labelled ends; the hard decision regions
//! as one swatch per class when the output is discretized; for the multi-class blend, per class a bar from white
//! (uncertain) to the class colour (sure). Every colour comes from the same functions the heatmap uses
//! ([`super::colour`]), so the scale cannot drift from the picture.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use wasm_bindgen::JsError;

use super::colour::{binary, css, multiclass, Rgb, INK};
use super::{plot_err, Root, Surface};

/// What the background of a classification plot shows, for its colour scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourScale {
    /// P(class 1) through the binary diverging map: "P(class 1)  0 ▭ 1".
    Binary,
    /// Hard decision regions of `k` classes (k = 2: class 1 where P(class 1) ≥ 0.5; else the most probable class).
    Regions(usize),
    /// The multi-class blend of `k` classes: hue = most probable class, paler = less sure.
    MultiClass(usize),
}

/// One piece of a scale item.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    /// A bar of `width` CSS pixels filled left to right with the colours (one colour = a solid swatch).
    Bar(Vec<Rgb>, f64),
}

/// Row height, bar height, and gaps inside an item and between items, in CSS pixels.
const ROW: f64 = 18.0;
const BAR_H: f64 = 11.0;
const PART_GAP: f64 = 5.0;
const ITEM_GAP: f64 = 14.0;
/// Colour samples along a gradient bar.
const SAMPLES: usize = 96;

/// The items of a scale (each kept on one line), in reading order.
fn items(scale: ColourScale) -> Vec<Vec<Part>> {
    let text = |t: &str| Part::Text(t.to_string());
    let sampled = |f: &dyn Fn(f64) -> Rgb| -> Vec<Rgb> {
        (0..SAMPLES)
            .map(|i| f(i as f64 / (SAMPLES - 1) as f64))
            .collect()
    };
    let one_hot = |k: usize, c: usize| -> Vec<f64> {
        (0..k).map(|j| if j == c { 1.0 } else { 0.0 }).collect()
    };
    match scale {
        ColourScale::Binary => vec![
            vec![text("P(class 1)")],
            vec![text("0"), Part::Bar(sampled(&binary), 120.0), text("1")],
        ],
        ColourScale::Regions(k) => {
            let k = k.max(2);
            let title = if k == 2 {
                "Predicted class (class 1 where P ≥ 0.5):"
            } else {
                "Predicted class (the most probable):"
            };
            let mut out = vec![vec![text(title)]];
            for c in 0..k {
                let colour = if k == 2 {
                    binary(c as f64)
                } else {
                    multiclass(&one_hot(k, c))
                };
                out.push(vec![
                    Part::Bar(vec![colour], 22.0),
                    Part::Text(format!("class {c}")),
                ]);
            }
            out
        }
        ColourScale::MultiClass(k) => {
            let k = k.max(2);
            let mut out = vec![vec![text("Predicted class (paler = less sure):")]];
            let lo = 1.0 / k as f64;
            for c in 0..k {
                // From the uniform prediction (white) to all mass on class c.
                let f = |t: f64| {
                    let p = lo + t * (1.0 - lo);
                    let rest = (1.0 - p) / (k - 1) as f64;
                    let probs: Vec<f64> = (0..k).map(|j| if j == c { p } else { rest }).collect();
                    multiclass(&probs)
                };
                out.push(vec![
                    Part::Bar(sampled(&f), 44.0),
                    Part::Text(format!("class {c}")),
                ]);
            }
            out
        }
    }
}

/// A scale laid out for a width: its items, each item's offset from the row's top-left corner, and the height.
pub(crate) struct ScaleLayout {
    items: Vec<Vec<Part>>,
    offsets: Vec<(f64, f64)>,
    pub height: f64,
}

fn part_width(s: &Surface, p: &Part) -> f64 {
    match p {
        Part::Text(t) => s.widest([t.clone()]),
        Part::Bar(_, w) => s.px(*w),
    }
}

fn item_width(s: &Surface, item: &[Part]) -> f64 {
    let parts: f64 = item.iter().map(|p| part_width(s, p)).sum();
    parts + s.px(PART_GAP) * item.len().saturating_sub(1) as f64
}

/// Lays `scale` out left to right within `width` device pixels, wrapping between items.
pub(crate) fn layout(s: &Surface, scale: ColourScale, width: f64) -> ScaleLayout {
    let items = items(scale);
    let mut offsets = Vec::with_capacity(items.len());
    let (mut x, mut y) = (0.0, 0.0);
    for item in &items {
        let w = item_width(s, item);
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += s.px(ROW);
        }
        offsets.push((x, y));
        x += w + s.px(ITEM_GAP);
    }
    let height = if items.is_empty() { 0.0 } else { y + s.px(ROW) };
    ScaleLayout {
        items,
        offsets,
        height,
    }
}

/// Draws a laid-out scale with its top-left corner at `(x0, y0)` (device pixels).
pub(crate) fn draw(
    s: &Surface,
    root: &Root,
    l: &ScaleLayout,
    (x0, y0): (f64, f64),
) -> Result<(), JsError> {
    let text = s.text().pos(Pos::new(HPos::Left, VPos::Center));
    let bar_h = s.px(BAR_H).round();
    for (item, &(dx, dy)) in l.items.iter().zip(&l.offsets) {
        let mut x = x0 + dx;
        let mid = (y0 + dy + s.px(ROW) / 2.0).round();
        for part in item {
            let w = part_width(s, part);
            match part {
                Part::Text(t) => {
                    root.draw(&Text::new(
                        t.as_str(),
                        (x.round() as i32, mid as i32),
                        text.clone(),
                    ))
                    .map_err(plot_err("colour scale"))?;
                }
                Part::Bar(colours, _) => draw_bar(
                    s,
                    colours,
                    (x.round(), mid - bar_h / 2.0),
                    (w.round(), bar_h),
                ),
            }
            x += w + s.px(PART_GAP);
        }
    }
    Ok(())
}

/// Fills a bar with `colours` as equal vertical slices (whole device pixels, no seams) and outlines it.
fn draw_bar(s: &Surface, colours: &[Rgb], (x, y): (f64, f64), (w, h): (f64, f64)) {
    let n = colours.len().max(1);
    let edge = |i: usize| (x + w * i as f64 / n as f64).round();
    for (i, &c) in colours.iter().enumerate() {
        s.ctx.set_fill_style_str(&css(c, 1.0));
        s.ctx.fill_rect(edge(i), y, edge(i + 1) - edge(i), h);
    }
    s.ctx.set_stroke_style_str(&css(INK, 0.55));
    s.ctx.set_line_width(1.0);
    s.ctx.stroke_rect(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::colour::WHITE;

    #[test]
    fn binary_scale_runs_from_class_0_through_white_to_class_1() {
        let items = items(ColourScale::Binary);
        assert_eq!(items[0], vec![Part::Text("P(class 1)".into())]);
        let Part::Bar(c, _) = &items[1][1] else {
            panic!("no bar: {items:?}");
        };
        assert_eq!(c.len(), SAMPLES);
        assert_eq!(c[0], binary(0.0));
        assert_eq!(c[SAMPLES - 1], binary(1.0));
        assert_eq!(items[1][0], Part::Text("0".into()));
        assert_eq!(items[1][2], Part::Text("1".into()));
    }

    #[test]
    fn region_and_blend_scales_name_every_class() {
        for scale in [ColourScale::Regions(3), ColourScale::MultiClass(3)] {
            let items = items(scale);
            assert_eq!(items.len(), 4, "{scale:?}");
            for (c, item) in items[1..].iter().enumerate() {
                assert_eq!(item[1], Part::Text(format!("class {c}")));
            }
        }
        let blend = items(ColourScale::MultiClass(3));
        let Part::Bar(c, _) = &blend[2][0] else {
            panic!("no bar");
        };
        assert_eq!(c[0], WHITE, "the uniform prediction is white");
        assert_eq!(c[SAMPLES - 1], multiclass(&[0.0, 1.0, 0.0]));
        let regions = items(ColourScale::Regions(2));
        assert_eq!(regions[1][0], Part::Bar(vec![binary(0.0)], 22.0));
        assert_eq!(regions[2][0], Part::Bar(vec![binary(1.0)], 22.0));
    }
}
