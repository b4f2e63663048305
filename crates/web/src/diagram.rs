//! The network diagram's JS API, a second `#[wasm_bindgen] impl Playground` block: `diagramLayout` (geometry
//! for the page's unit buttons, +/− controls and link hit-testing), `drawDiagram` (one frame: every unit's
//! thumbnail and every link), `drawUnit` (one unit's output in the data plot's style, for hover and focus) and
//! `setWeight` (edit one parameter; the run continues from the edited network).
//!
//! Unit values come from `Session::unit_grids`: one test-time forward pass of the res² grid points per frame,
//! in f32 through the fast kernels (`saddle_core::fast::units`; ≈ 0.1–0.3 ms at 32 × 32 for six layers of eight
//! in wasm, against ≈ 1.5–4.5 ms for the f64 pass it replaced). Drawing is [`crate::draw::diagram`]. Diagram layers ("columns") count the
//! feature layer as 0, then the hidden layers, then the output; links carry the *weight* layer (column − 1, as
//! in `Session::weight_index`).

use saddle_core::config::{MAX_LAYERS, MAX_WIDTH};
use saddle_core::data::Task;
use saddle_core::registry::Keyed;
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::draw::boundary::{self, Background, PlotOptions, Points};
use crate::draw::diagram::thumbnail::UnitScale;
use crate::draw::diagram::{self, Layout, Scene};
use crate::draw::heatmap::BlitMode;
use crate::draw::Surface;
use crate::playground::Playground;

mod model;
use model::{columns, unit_label, xy};

/// Grid cells per side of the 2-D thumbnails (`drawDiagram`'s `res` is clamped to this range).
const RES: std::ops::RangeInclusive<usize> = 2..=64;
/// Points along x of a 1-D thumbnail curve: at least this many whatever `res` says (a curve needs them).
const CURVE_POINTS: usize = 48;

/// (column, unit) from a JS highlight: null/undefined, `[layer, unit]` or `{layer, unit}`.
fn parse_highlight(v: &JsValue) -> Result<Option<(usize, usize)>, JsError> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    let get = |k: &str, i: u32| -> Option<f64> {
        if js_sys::Array::is_array(v) {
            js_sys::Array::from(v).get(i).as_f64()
        } else {
            js_sys::Reflect::get(v, &JsValue::from_str(k))
                .ok()?
                .as_f64()
        }
    };
    match (get("layer", 0), get("unit", 1)) {
        (Some(l), Some(u)) if l >= 0.0 && u >= 0.0 && l.is_finite() && u.is_finite() => {
            Ok(Some((l as usize, u as usize)))
        }
        _ => Err(JsError::new(
            "drawDiagram highlight: expected null, [layer, unit] or {layer, unit} with indices ≥ 0",
        )),
    }
}

/// Options of `drawUnit`: the keys of `drawData` that apply (others, e.g. `discretize`, are accepted and ignored,
/// so the page can pass the same options object).
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct UnitOptions {
    show_test: bool,
    show_train: bool,
    grid: usize,
    smooth: bool,
}

impl Default for UnitOptions {
    fn default() -> Self {
        UnitOptions {
            show_test: true,
            show_train: true,
            grid: 100,
            smooth: false,
        }
    }
}

#[wasm_bindgen]
impl Playground {
    /// The diagram's geometry for a canvas of `width × height` CSS px, as JSON:
    /// `{width, height, size, preferredHeight, top, bottom, oneD,
    ///   layers: [{x, title, total, units: [{id, unit, x, y, size, label, bias, biasIndex}]}],
    ///   links: [{layer, from, to, index, weight, x1, y1, x2, y2}],
    ///   hidden: [{width, act}], limits: {maxLayers, minWidth, maxWidth}}`.
    /// Unit boxes are top-left corner + side; `id` is `unit-<layer>-<unit>` (layer 0 = features); `bias` and
    /// `biasIndex` are null for features; a link's `layer` is the weight layer (column − 1) and `index` the
    /// flat parameter index for `setWeight`. `preferredHeight` is the canvas height that suits this width; call
    /// with `height` 0 to ask for it first. `bottom` px at the bottom are left for the page's +/− buttons.
    #[wasm_bindgen(js_name = diagramLayout)]
    pub fn diagram_layout(&self, width: f64, height: f64) -> String {
        let s = &self.session;
        let (widths, infos) = columns(s);
        let lay = diagram::layout(&widths, width, height);
        let mlp = s.mlp();
        let layers: Vec<serde_json::Value> = lay
            .columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let units: Vec<serde_json::Value> = col
                    .units
                    .iter()
                    .map(|u| {
                        let (bias, bias_index) = if c == 0 {
                            (None, None)
                        } else {
                            (
                                mlp.layers.get(c - 1).and_then(|l| l.b.get(u.unit).copied()),
                                s.bias_index(c - 1, u.unit),
                            )
                        };
                        json!({"id": format!("unit-{c}-{}", u.unit), "unit": u.unit, "x": u.x, "y": u.y,
                               "size": u.size, "label": unit_label(s, c, u.unit),
                               "bias": bias, "biasIndex": bias_index})
                    })
                    .collect();
                let title = infos.get(c).and_then(|i| i.titles.first()).cloned().unwrap_or_default();
                json!({"x": col.x, "title": title, "total": col.total, "units": units})
            })
            .collect();
        let links: Vec<serde_json::Value> = lay
            .links
            .iter()
            .map(|l| {
                let w = mlp
                    .layers
                    .get(l.layer)
                    .and_then(|layer| layer.w.get((l.to, l.from)).copied());
                json!({"layer": l.layer, "from": l.from, "to": l.to,
                       "index": s.weight_index(l.layer, l.to, l.from), "weight": w,
                       "x1": l.a.0, "y1": l.a.1, "x2": l.b.0, "y2": l.b.1})
            })
            .collect();
        let cfg = s.config();
        let hidden: Vec<serde_json::Value> = mlp
            .layers
            .iter()
            .take(mlp.layers.len().saturating_sub(1))
            .map(|l| json!({"width": l.b.len(), "act": l.activation.key()}))
            .collect();
        json!({
            "width": lay.width, "height": lay.height, "size": lay.size,
            "preferredHeight": lay.preferred_height,
            "top": diagram::TOP, "bottom": diagram::BOTTOM,
            "oneD": cfg.dataset.input_dim() == 1,
            "layers": layers, "links": links, "hidden": hidden,
            "limits": {"maxLayers": MAX_LAYERS, "minWidth": 1, "maxWidth": MAX_WIDTH},
        })
        .to_string()
    }

    /// Draws the diagram into `canvas` (width/height attributes in device pixels, CSS size as laid out by
    /// `diagramLayout`): links, and every unit's output over the input plane on a `res × res` grid (clamped to
    /// 2 … 64; 1-D sets: a curve of max(res, 48) points). `highlight`: null, `[layer, unit]` or `{layer, unit}`,
    /// the unit to emphasise (heavy frame; its links stay vivid, the others fade). Throws on a bad highlight.
    #[wasm_bindgen(js_name = drawDiagram)]
    pub fn draw_diagram(
        &self,
        canvas: &HtmlCanvasElement,
        res: usize,
        highlight: JsValue,
    ) -> Result<(), JsError> {
        let highlight = parse_highlight(&highlight)?;
        let s = &self.session;
        let one_d = s.config().dataset.input_dim() == 1;
        let res = if one_d {
            res.max(CURVE_POINTS).min(4 * *RES.end())
        } else {
            res.clamp(*RES.start(), *RES.end())
        };
        let surface = Surface::new(canvas)?;
        let (widths, infos) = columns(s);
        let lay: Layout = diagram::layout(
            &widths,
            f64::from(surface.width) / surface.scale,
            f64::from(surface.height) / surface.scale,
        );
        let grids = s.unit_grids(res);
        let mlp = s.mlp();
        let weight = |layer: usize, to: usize, from: usize| {
            mlp.layers
                .get(layer)
                .and_then(|l| l.w.get((to, from)).copied())
                .unwrap_or(0.0)
        };
        let bias = |c: usize, u: usize| {
            c.checked_sub(1)
                .and_then(|l| mlp.layers.get(l))
                .and_then(|l| l.b.get(u).copied())
        };
        let scene = Scene {
            columns: &infos,
            grids: &grids,
            res,
            one_d,
            weight: &weight,
            bias: &bias,
            highlight,
        };
        diagram::draw(canvas, &lay, &scene)
    }

    /// Draws unit `unit` of diagram layer `layer` (0 = features, then hidden layers, then the output) into
    /// `canvas` in the data plot's style: its output over the input plane as the background heatmap, on the
    /// thumbnail's colour scale, with the data points (2-D sets), or its output as a curve (1-D sets; with the
    /// data points for the output unit). `opts` as for `drawData` (`showTest`, `showTrain`, `grid`, `smooth`;
    /// other keys ignored). Throws when the unit does not exist.
    #[wasm_bindgen(js_name = drawUnit)]
    pub fn draw_unit(
        &self,
        canvas: &HtmlCanvasElement,
        layer: usize,
        unit: usize,
        opts: Option<String>,
    ) -> Result<(), JsError> {
        let s = &self.session;
        let (widths, infos) = columns(s);
        let width = widths.get(layer).copied().ok_or_else(|| {
            JsError::new(&format!(
                "drawUnit: layer {layer} does not exist (the diagram has layers 0 … {})",
                widths.len().saturating_sub(1)
            ))
        })?;
        if unit >= width {
            return Err(JsError::new(&format!(
                "drawUnit: layer {layer} has units 0 … {}, not {unit}",
                width.saturating_sub(1)
            )));
        }
        let opts = opts.unwrap_or_default();
        let o: UnitOptions = if opts.trim().is_empty() {
            UnitOptions::default()
        } else {
            serde_json::from_str(&opts)
                .map_err(|e| JsError::new(&format!("drawUnit options: {e}")))?
        };
        let plot = PlotOptions {
            show_test: o.show_test,
            show_train: o.show_train,
            grid: o.grid,
            blit: if o.smooth {
                BlitMode::Smooth
            } else {
                BlitMode::Pixelated
            },
            ..PlotOptions::default()
        };
        let scale = infos.get(layer).map_or(UnitScale::OwnRange, |i| i.scale);
        let one_d = s.config().dataset.input_dim() == 1;
        let regression = s.config().task() == Task::Regression;
        let (trx, try_) = xy(s.train(), regression);
        let (tex, tey) = xy(s.test(), regression);
        let (train, test) = (
            Points {
                x: &trx,
                y: &try_,
                labels: &s.train().labels,
            },
            Points {
                x: &tex,
                y: &tey,
                labels: &s.test().labels,
            },
        );
        let [x0, x1, _, _] = s.domain();
        if one_d {
            let n = (canvas.width() as usize / 2).clamp(50, 400);
            let grids = s.unit_grids(n);
            let values = grids
                .get(layer)
                .and_then(|l| l.get(unit))
                .cloned()
                .unwrap_or_default();
            let xs: Vec<f64> = (0..n)
                .map(|i| x0 + (x1 - x0) * i as f64 / (n - 1) as f64)
                .collect();
            let is_output = layer + 1 == widths.len();
            if is_output && regression {
                return boundary::draw_regression(
                    canvas,
                    s.domain(),
                    &xs,
                    &values,
                    train,
                    test,
                    &plot,
                );
            }
            let (lo, hi) = scale.curve_range(&values);
            let none = Points::default();
            return boundary::draw_regression(
                canvas,
                [x0, x1, lo, hi],
                &xs,
                &values,
                none,
                none,
                &plot,
            );
        }
        let grid = |nx: usize, ny: usize| -> Vec<f64> {
            let side = nx.max(ny).max(1);
            let grids = s.unit_grids(side);
            let values = grids.get(layer).and_then(|l| l.get(unit));
            let Some(values) = values.filter(|v| v.len() == side * side) else {
                return vec![0.5; nx * ny];
            };
            let (a, b) = scale.affine(values);
            let mut out = Vec::with_capacity(nx * ny);
            for j in 0..ny {
                let row = (j * side / ny.max(1)).min(side - 1);
                for i in 0..nx {
                    let col = (i * side / nx.max(1)).min(side - 1);
                    out.push(a + b * values[row * side + col]);
                }
            }
            out
        };
        boundary::draw_classification(
            canvas,
            s.domain(),
            &Background::Binary(&grid),
            train,
            test,
            &plot,
        )
    }

    /// Sets parameter `index` (flat order; from `diagramLayout`'s links `index` or units `biasIndex`) to `value`
    /// now and returns the new canonical query, which records the edit (`edits=step:index:value`). The optimizer
    /// state is kept, so the run continues from the edited network. Throws an `Error` naming the allowed range
    /// when the index does not exist or |value| > 100 or value is not finite.
    #[wasm_bindgen(js_name = setWeight)]
    pub fn set_weight(&mut self, index: usize, value: f64) -> Result<String, JsError> {
        self.session
            .set_weight(index, value)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(self.session.config().to_query())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_network() -> Result<(), String> {
        let p = Playground::new("hidden=8,3&act=relu&feat=x1,x2,x1sq").map_err(|_| "bad query")?;
        let s = &p.session;
        let (widths, infos) = columns(s);
        assert_eq!(widths, vec![3, 8, 3, 1]);
        assert_eq!(infos[0].unit_labels, vec!["x₁", "x₂", "x₁²"]);
        assert_eq!(infos[1].titles[0], "hidden 1");
        assert_eq!(infos[1].subtitles[0], "8 · ReLU");
        assert_eq!(infos[3].titles[0], "output");
        assert_eq!(unit_label(s, 2, 1), "hidden 2 unit 2");
        assert_eq!(unit_label(s, 3, 0), "output");
        let layout: serde_json::Value =
            serde_json::from_str(&p.diagram_layout(900.0, 400.0)).map_err(|e| e.to_string())?;
        assert_eq!(layout["layers"].as_array().map(Vec::len), Some(4));
        assert_eq!(
            layout["links"].as_array().map(Vec::len),
            Some(3 * 8 + 8 * 3 + 3)
        );
        assert_eq!(layout["layers"][1]["units"][0]["id"], "unit-1-0");
        assert!(layout["layers"][0]["units"][0]["bias"].is_null());
        assert!(layout["layers"][1]["units"][0]["biasIndex"].is_number());
        assert_eq!(layout["hidden"][0]["act"], "relu");
        assert_eq!(layout["limits"]["maxLayers"], 6);
        // Link indices are distinct parameters.
        let mut idx: Vec<u64> = layout["links"]
            .as_array()
            .map(|a| a.iter().filter_map(|l| l["index"].as_u64()).collect())
            .unwrap_or_default();
        let n = idx.len();
        idx.sort_unstable();
        idx.dedup();
        assert_eq!(idx.len(), n);
        Ok(())
    }
}
