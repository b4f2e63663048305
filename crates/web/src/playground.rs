//! `Playground`: the opaque JS handle around a core training [`Session`], with stats as JSON and the two charts.
//!
//! Large data (model, datasets, history) stays in Rust; each call returns a small JSON string or draws into a
//! canvas, so a frame crosses the boundary a few times, not per point.

use saddle_core::config::{Config, ValidConfig};
use saddle_core::data::{Dataset, Task};
use saddle_core::loss::Head;
use saddle_core::registry::Keyed;
use saddle_core::session::{Session, Stats};
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::draw::boundary::{self, Background, PlotOptions, Points};
use crate::draw::heatmap::BlitMode;
use crate::draw::loss_chart::{self, LossData};
use crate::draw::{self, hit};

/// Parses and validates a query; the first problem becomes the error (its message names the field).
pub(crate) fn valid_config(q: &str) -> Result<ValidConfig, JsError> {
    let (config, errors) = Config::from_query(q);
    if let Some(e) = errors.first() {
        return Err(JsError::new(&e.to_string()));
    }
    config.validate().map_err(|e| JsError::new(&e.to_string()))
}

/// Options of `drawData`, from JSON; every key optional.
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct DrawOptions {
    /// Draw test points (default true).
    show_test: bool,
    /// Draw training points (default true).
    show_train: bool,
    /// Heatmap cells along the longer side of the plot (default 100, clamped to 4 ..= 400).
    grid: usize,
    /// Bilinear heatmap scaling instead of crisp cells (default false: several times slower on a software canvas).
    smooth: bool,
    /// Hard decision regions instead of probability shading (default false; classification only).
    discretize: bool,
    /// The colour-scale row above the plot (default false; classification only).
    legend: bool,
}

impl Default for DrawOptions {
    fn default() -> Self {
        DrawOptions {
            show_test: true,
            show_train: true,
            grid: 100,
            smooth: false,
            discretize: false,
            legend: false,
        }
    }
}

fn stats_json(s: &Stats, diverged: Option<&str>) -> String {
    json!({
        "step": s.step,
        "epoch": s.epoch,
        "trainLoss": s.train_loss,
        "testLoss": s.test_loss,
        "trainAcc": s.train_acc,
        "testAcc": s.test_acc,
        "diverged": diverged,
        "stopped": s.stopped,
    })
    .to_string()
}

/// A config error as a JS `Error` carrying the core's message (it names the field).
fn core_err(e: saddle_core::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Row `r` of a dataset's inputs or targets as a vector (empty when the row does not exist).
fn row(m: &saddle_core::Matrix, r: usize) -> Vec<f64> {
    if r < m.nrows() {
        m.row(r).iter().copied().collect()
    } else {
        Vec::new()
    }
}

/// (first coordinate, second coordinate or target, labels) of a dataset for plotting.
fn columns(ds: &Dataset, regression: bool) -> (Vec<f64>, Vec<f64>) {
    if regression {
        (row(&ds.x, 0), row(&ds.y, 0))
    } else {
        (row(&ds.x, 0), row(&ds.x, 1))
    }
}

/// A training run the page drives: `new Playground(query)`, then `step(n)` per animation frame and the draw
/// calls. Free it with `free()` when the page makes a new one.
#[wasm_bindgen]
pub struct Playground {
    pub(crate) session: Session,
    pub(crate) diverged: Option<String>,
}

#[wasm_bindgen]
impl Playground {
    /// A fresh session from a config query (`dataset=circle&n=200&...`; missing keys take defaults). Throws an
    /// `Error` whose message names the first bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Result<Playground, JsError> {
        Ok(Playground {
            session: Session::new(valid_config(query)?),
            diverged: None,
        })
    }

    /// Runs `n` optimizer steps and returns the stats JSON. Never throws: divergence (a non-finite loss or
    /// parameter) stops the run and is reported in `"diverged"`; the model keeps its last finite state.
    pub fn step(&mut self, n: u32) -> String {
        self.advance(n);
        self.stats()
    }

    /// Runs `n` optimizer steps like [`Playground::step`] but returns only `{"step","epoch","diverged","stopped"}`: the
    /// full-set losses cost a forward pass over all the data, so the page's frame loop asks for them
    /// ([`Playground::stats`]) a few times per second instead of every frame. Never throws.
    pub fn advance(&mut self, n: u32) -> String {
        if self.diverged.is_none() {
            if let Err(e) = self.session.step(n) {
                self.diverged = Some(e.to_string());
            }
        }
        let (step, epoch) = self.session.progress();
        json!({
            "step": step,
            "epoch": epoch,
            "diverged": self.diverged.as_deref(),
            "stopped": self.session.stopped(),
        })
        .to_string()
    }

    /// `{"step","epoch","trainLoss","testLoss","trainAcc","testAcc","diverged","stopped"}`: losses on the full
    /// train and test sets (test-time network, no penalty); accuracies in [0, 1], null for regression; `diverged`
    /// null or the message; `stopped` whether the stop-at condition holds (no steps are taken until it changes).
    /// Non-finite numbers (the loss of an empty set) are null.
    pub fn stats(&self) -> String {
        stats_json(&self.session.stats(), self.diverged.as_deref())
    }

    /// Applies the live settings of a query (optimizer and its hyperparameters, regularizer, λ, stop-at) without
    /// a reset; other keys are ignored. Throws an `Error` naming the first bad field.
    #[wasm_bindgen(js_name = setLive)]
    pub fn set_live(&mut self, query: &str) -> Result<(), JsError> {
        let config = valid_config(query)?;
        self.session.set_live(&config);
        Ok(())
    }

    /// Draws the data plot into `canvas` (its width/height attributes in device pixels): the decision heatmap
    /// with train/test points for classification, the fitted curve over the data for regression.
    /// `opts` JSON (all optional): `{"showTest":true,"showTrain":true,"grid":100,"smooth":false,"discretize":false,
    /// "legend":false}`; omitted, null or "" = defaults; unknown keys are an error.
    #[wasm_bindgen(js_name = drawData)]
    pub fn draw_data(
        &self,
        canvas: &HtmlCanvasElement,
        opts: Option<String>,
    ) -> Result<(), JsError> {
        let opts = opts.unwrap_or_default();
        let o: DrawOptions = if opts.trim().is_empty() {
            DrawOptions::default()
        } else {
            serde_json::from_str(&opts)
                .map_err(|e| JsError::new(&format!("drawData options: {e}")))?
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
            discretize: o.discretize,
            legend: o.legend,
        };
        let s = &self.session;
        let cfg = s.config();
        let regression = cfg.task() == Task::Regression;
        let (trx, try_) = columns(s.train(), regression);
        let (tex, tey) = columns(s.test(), regression);
        let train = Points {
            x: &trx,
            y: &try_,
            labels: &s.train().labels,
        };
        let test = Points {
            x: &tex,
            y: &tey,
            labels: &s.test().labels,
        };
        if regression {
            let n = (canvas.width() as usize / 2).clamp(50, 600);
            let (cx, cy) = s.predict_curve(n);
            return boundary::draw_regression(canvas, s.domain(), &cx, &cy, train, test, &plot);
        }
        // The f32 pass: the plot is redrawn every frame while training (the f64 grid costs several times more).
        let grid = |nx: usize, ny: usize| s.predict_grid_fast(nx, ny);
        let background = match cfg.head {
            Head::SoftmaxCe => Background::MultiClass(cfg.task().output_dim(), &grid),
            _ => Background::Binary(&grid),
        };
        boundary::draw_classification(canvas, s.domain(), &background, train, test, &plot)
    }

    /// The canonical query of this run as it stands, weight edits included (`edits=` grows when the diagram edits
    /// a weight): the page's URL hash.
    pub fn query(&self) -> String {
        self.session.config().to_query()
    }

    /// The query of this run with one more point at data coordinates `(x, y)` (2-D: the point and its class
    /// `label`; 1-D sets: x and the target y, label 0), added to the generated points before the train/test
    /// split. This run is unchanged: the page starts a new one from the returned query. Throws an `Error`
    /// naming `pts` for a point outside the plot domain, a class the data set does not have, or too many points.
    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&self, x: f64, y: f64, label: u8) -> Result<String, JsError> {
        let mut config: Config = self.session.config().clone();
        config.add_point(x, y, label).map_err(core_err)?;
        Ok(config.to_query())
    }

    /// The query of this run without the point nearest `(x, y)` within `radius` data units (a clicked point
    /// leaves `pts`, a generated one joins `del`); the current query when no point is that close. This run is
    /// unchanged.
    #[wasm_bindgen(js_name = removePointNear)]
    pub fn remove_point_near(&self, x: f64, y: f64, radius: f64) -> String {
        let mut config: Config = self.session.config().clone();
        config.remove_point_near(&self.session.points(), x, y, radius);
        config.to_query()
    }

    /// The current parameters (f32, base64url): the value of `weights=` for "freeze weights into the link".
    #[wasm_bindgen(js_name = frozenWeights)]
    pub fn frozen_weights(&self) -> String {
        self.session.frozen_weights()
    }

    /// `{"features":["x1","x2"],"widths":[2,4,2,1],"params":25,"train":200,"test":200,"added":0,"removed":0}`:
    /// the input features (registry keys, input-layer order), the layer widths (inputs, hidden…, outputs), the
    /// parameter count, the train/test point counts, and the numbers of clicked and removed points.
    pub fn info(&self) -> String {
        let s = &self.session;
        let cfg = s.config();
        let features: Vec<&str> = s.features().iter().map(|f| f.key()).collect();
        json!({
            "features": features,
            "widths": s.mlp().widths(),
            "params": s.mlp().param_count(),
            "train": s.train().len(),
            "test": s.test().len(),
            "added": cfg.added.len(),
            "removed": cfg.removed.len(),
        })
        .to_string()
    }

    /// Data coordinates `[x, y]` of the point `(px, py)` of `canvas` in CSS pixels from its top-left corner (a
    /// pointer event's `offsetX`/`offsetY`), from the last data plot drawn there (by `drawData` or `drawUnit`);
    /// `null` outside the plotting area or before the first draw. For 1-D sets y is the target axis.
    #[wasm_bindgen(js_name = pointAt)]
    pub fn point_at(&self, canvas: &HtmlCanvasElement, px: f64, py: f64) -> JsValue {
        let k = draw::device_scale(canvas);
        match hit::geometry(canvas).and_then(|g| g.to_data(px * k, py * k)) {
            Some((x, y)) => js_sys::Array::of2(&x.into(), &y.into()).into(),
            None => JsValue::NULL,
        }
    }

    /// Draws the train/test loss curves (log-scale loss against step) into `canvas`.
    #[wasm_bindgen(js_name = drawLoss)]
    pub fn draw_loss(&self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        let h = self.session.history();
        let steps: Vec<f64> = h.iter().map(|p| p.step as f64).collect();
        let train: Vec<f64> = h.iter().map(|p| p.train_loss).collect();
        let test: Vec<f64> = h.iter().map(|p| p.test_loss).collect();
        loss_chart::draw_loss_chart(
            canvas,
            LossData {
                steps: &steps,
                train: &train,
                test: &test,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_json_shape_and_non_finite() -> Result<(), serde_json::Error> {
        let s = Stats {
            step: 3,
            epoch: 0.5,
            train_loss: f64::NAN,
            test_loss: 0.25,
            train_acc: None,
            test_acc: Some(1.0),
            stopped: false,
        };
        let v: serde_json::Value = serde_json::from_str(&stats_json(&s, Some("boom")))?;
        assert_eq!(v["step"], 3);
        assert_eq!(v["epoch"], 0.5);
        assert!(v["trainLoss"].is_null());
        assert_eq!(v["testLoss"], 0.25);
        assert!(v["trainAcc"].is_null());
        assert_eq!(v["testAcc"], 1.0);
        assert_eq!(v["diverged"], "boom");
        Ok(())
    }

    #[test]
    fn draw_options_defaults_and_camel_case() -> Result<(), serde_json::Error> {
        let o: DrawOptions = serde_json::from_str(r#"{"showTest":false,"grid":50}"#)?;
        assert!(!o.show_test && o.show_train && o.grid == 50 && !o.smooth);
        assert!(serde_json::from_str::<DrawOptions>(r#"{"show_test":false}"#).is_err());
        Ok(())
    }
}
