//! `RaceLab`: the opaque JS handle around a core [`Race`] built from a [`RaceSpec`] query (the Race lab's URL
//! state), with the racers' stats as JSON, the overlaid loss chart, a boundary thumbnail per racer and, in the
//! rescaling views, what the rescaling does to the output and the gradient.

use saddle_core::data::Task;
use saddle_core::loss::Head;
use saddle_core::mlp::{Rescale, RescaleReport};
use saddle_core::registry::Keyed;
use saddle_core::session::{Race, RaceMode, RaceSpec, Session};
use saddle_core::Matrix;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::draw::race::{self, racer_colour, Curve, Thumb};

/// `{"query": canonical race query, "errors": [{"field","message"}]}` for a race query (`mode=…&racers=…&`
/// shared settings; `lab=race` may be included). Never throws; the query is that of the race actually used.
#[wasm_bindgen(js_name = parseRaceQuery)]
pub fn parse_race_query(q: &str) -> String {
    let (spec, errors) = RaceSpec::from_query(q);
    let errors: Vec<Value> = errors
        .iter()
        .map(|e| json!({"field": e.field(), "message": e.to_string()}))
        .collect();
    json!({"query": spec.to_query(), "errors": errors}).to_string()
}

/// The Race lab's views: `[{"key","label","doc","maxRacers","pairs"}]`.
#[wasm_bindgen(js_name = raceModes)]
pub fn race_modes() -> String {
    let modes: Vec<Value> = RaceMode::ALL
        .iter()
        .map(|&m| {
            json!({"key": m.key(), "label": m.label(), "doc": m.doc(), "maxRacers": m.max_racers(),
                   "pairs": m.pairs()})
        })
        .collect();
    Value::Array(modes).to_string()
}

/// `#rrggbb`.
fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Non-finite numbers become null in JSON.
fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// A race the page drives: `new RaceLab(query)`, then `advance(n)` per animation frame and the draw calls.
#[wasm_bindgen]
pub struct RaceLab {
    spec: RaceSpec,
    race: Race,
    diverged: Vec<Option<String>>,
    labels: Vec<String>,
    /// What the base rescaling does to the initial original network (pair modes).
    report: Option<RescaleReport>,
}

/// The racer's name: the optimizer's label and its non-default hyperparameters.
fn racer_label(spec: &RaceSpec, i: usize) -> String {
    let r = &spec.racers[i];
    let mut t = r.optimizer.label().to_string();
    for p in r.optimizer.hyperparams() {
        match r.hyper.get(p.name) {
            Some(&v) if v != p.default => t.push_str(&format!(", {} {v}", p.name)),
            _ => {}
        }
    }
    t
}

/// How the second network of a pair differs, for its label.
fn rescaled_label(mode: RaceMode, rescale: Rescale) -> String {
    let how = match rescale {
        Rescale::None => "s = 1".to_string(),
        Rescale::Uniform(s) => format!("s = {s}"),
        Rescale::Random(sigma) => format!("random s, σ = {sigma}"),
    };
    match mode {
        RaceMode::Norm => format!("W×s before BN ({how})"),
        _ => format!("rescaled ({how})"),
    }
}

#[wasm_bindgen]
impl RaceLab {
    /// A fresh race from a race query. Throws an `Error` whose message names the first bad field (`mode`,
    /// `racers` with the racer's position, or a shared setting's key).
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Result<RaceLab, JsError> {
        let err = |e: saddle_core::Error| JsError::new(&e.to_string());
        let spec = RaceSpec::parse(query).map_err(err)?;
        let configs = spec.configs().map_err(err)?;
        let race = Race::new(configs);
        let mut labels = Vec::new();
        for i in 0..spec.racers.len() {
            let name = racer_label(&spec, i);
            if spec.mode.pairs() {
                labels.push(format!("{name}, original"));
                labels.push(format!(
                    "{name}, {}",
                    rescaled_label(spec.mode, spec.base.rescale)
                ));
            } else {
                labels.push(name);
            }
        }
        let report = if spec.mode.pairs() {
            race.sessions()
                .first()
                .and_then(|s| s.rescale_report(spec.base.rescale))
        } else {
            None
        };
        Ok(RaceLab {
            diverged: vec![None; race.sessions().len()],
            spec,
            race,
            labels,
            report,
        })
    }

    /// The canonical race query (without `lab=race`): the page's hash after `lab=race&`.
    pub fn query(&self) -> String {
        self.spec.to_query()
    }

    /// Number of networks in the race (racers, or twice the racers in the pair views).
    pub fn count(&self) -> usize {
        self.race.sessions().len()
    }

    /// Runs `n` steps of every network and returns `{"step","diverged":[null|message…],"stopped"}` (`step`
    /// the largest step count). Never throws: a diverged network stops, the others go on.
    pub fn advance(&mut self, n: u32) -> String {
        let results = self.race.step(n);
        for (slot, r) in self.diverged.iter_mut().zip(results) {
            if let (None, Err(e)) = (&slot, r) {
                *slot = Some(e.to_string());
            }
        }
        let sessions = self.race.sessions();
        let step = sessions.iter().map(|s| s.progress().0).max().unwrap_or(0);
        let stopped = sessions.iter().all(|s| s.stopped());
        json!({"step": step, "diverged": self.diverged, "stopped": stopped}).to_string()
    }

    /// `{"mode","step","racers":[{"label","colour","dashed","trainLoss","testLoss","trainAcc","testAcc","step",
    /// "diverged"}]}`: losses on the full train and test sets (null when not finite), accuracies in [0, 1] or
    /// null, the curve colour (`#rrggbb`) and whether its curve is dashed (the rescaled network of a pair).
    pub fn stats(&self) -> String {
        let pairs = self.spec.mode.pairs();
        let racers: Vec<Value> = self
            .race
            .sessions()
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let st = s.stats();
                let colour = racer_colour(if pairs { i / 2 } else { i });
                json!({"label": self.labels.get(i), "colour": hex(colour), "dashed": pairs && i % 2 == 1,
                       "trainLoss": num(st.train_loss), "testLoss": num(st.test_loss),
                       "trainAcc": st.train_acc.map(num), "testAcc": st.test_acc.map(num),
                       "step": st.step, "diverged": self.diverged.get(i)})
            })
            .collect();
        let step = self
            .race
            .sessions()
            .iter()
            .map(|s| s.progress().0)
            .max()
            .unwrap_or(0);
        json!({"mode": self.spec.mode.key(), "step": step, "racers": racers}).to_string()
    }

    /// `{"maxOutputChange", "rescale", "layers":[{"wBefore","wAfter","bBefore","bAfter"}]}` for the pair views:
    /// what the base rescaling does to the initial network (largest |Δf| on the training set, per-layer
    /// gradient norms of the full-batch training loss before and after); `null` in the race view or without
    /// training points.
    #[wasm_bindgen(js_name = rescaleReport)]
    pub fn rescale_report(&self) -> String {
        let Some(r) = &self.report else {
            return "null".into();
        };
        let layers: Vec<Value> = r
            .layers
            .iter()
            .map(|l| {
                json!({"wBefore": num(l.w_before), "wAfter": num(l.w_after), "bBefore": num(l.b_before),
                       "bAfter": num(l.b_after)})
            })
            .collect();
        json!({"maxOutputChange": num(r.max_output_change), "rescale": self.spec.base.rescale.token(),
               "layers": layers})
        .to_string()
    }

    /// The current parameters of network `index` (flat order). Throws on an index out of range.
    pub fn params(&self, index: usize) -> Result<Vec<f64>, JsError> {
        let s = self.session(index)?;
        Ok(s.mlp().params().iter().copied().collect())
    }

    /// Draws every network's loss curves overlaid: in the race view train solid and test dashed per racer; in
    /// the pair views the training loss, original solid and rescaled dashed in the racer's colour.
    #[wasm_bindgen(js_name = drawLoss)]
    pub fn draw_loss(&self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        let pairs = self.spec.mode.pairs();
        let series: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = self
            .race
            .sessions()
            .iter()
            .map(|s| {
                let h = s.history();
                (
                    h.iter().map(|p| p.step as f64).collect(),
                    h.iter().map(|p| p.train_loss).collect(),
                    h.iter().map(|p| p.test_loss).collect(),
                )
            })
            .collect();
        let mut curves = Vec::new();
        for (i, (steps, train, test)) in series.iter().enumerate() {
            if pairs {
                let rescaled = i % 2 == 1;
                curves.push(Curve {
                    steps,
                    loss: train,
                    colour: racer_colour(i / 2),
                    dashed: rescaled,
                    width: if rescaled { 2.0 } else { 3.5 },
                });
            } else {
                let colour = racer_colour(i);
                curves.push(Curve {
                    steps,
                    loss: train,
                    colour,
                    dashed: false,
                    width: 2.0,
                });
                curves.push(Curve {
                    steps,
                    loss: test,
                    colour,
                    dashed: true,
                    width: 1.5,
                });
            }
        }
        race::draw_race_chart(canvas, &curves)
    }

    /// Draws network `index`'s prediction as a thumbnail (`grid` cells per side, clamped to 4 ..= 200) with
    /// the training points. Throws on an index out of range.
    #[wasm_bindgen(js_name = drawBoundary)]
    pub fn draw_boundary(
        &self,
        canvas: &HtmlCanvasElement,
        index: usize,
        grid: usize,
    ) -> Result<(), JsError> {
        let s = self.session(index)?;
        let grid = grid.clamp(4, 200);
        let cfg = s.config();
        let train = s.train();
        let row = |m: &Matrix, r: usize| -> Vec<f64> {
            if r < m.nrows() {
                m.row(r).iter().copied().collect()
            } else {
                Vec::new()
            }
        };
        if cfg.task() == Task::Regression {
            let (cx, cy) = s.predict_curve(grid.max(50));
            let (xs, ys) = (row(&train.x, 0), row(&train.y, 0));
            let thumb = Thumb::Curve(&cx, &cy);
            return race::draw_thumbnail(canvas, s.domain(), &thumb, grid, (&xs, &ys, &[]));
        }
        let probs = s.predict_grid(grid, grid);
        let thumb = match cfg.head {
            Head::SoftmaxCe => Thumb::MultiClass(cfg.task().output_dim(), &probs),
            _ => Thumb::Binary(&probs),
        };
        let (xs, ys) = (row(&train.x, 0), row(&train.x, 1));
        race::draw_thumbnail(canvas, s.domain(), &thumb, grid, (&xs, &ys, &train.labels))
    }
}

impl RaceLab {
    fn session(&self, index: usize) -> Result<&Session, JsError> {
        self.race.sessions().get(index).ok_or_else(|| {
            JsError::new(&format!(
                "racer index {index} is out of range; the race has {} networks",
                self.race.sessions().len()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_race_query_reports_fields_and_never_panics() -> Result<(), serde_json::Error> {
        let v: Value = serde_json::from_str(&parse_race_query("racers=nope&n=-1&mode=x"))?;
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&"racers") && fields.contains(&"n") && fields.contains(&"mode"));
        assert!(v["query"]
            .as_str()
            .is_some_and(|q| q.starts_with("mode=race&racers=")));
        let modes: Value = serde_json::from_str(&race_modes())?;
        assert_eq!(modes.as_array().map(Vec::len), Some(3));
        Ok(())
    }

    #[test]
    fn labels_name_the_rescaling() {
        assert_eq!(
            rescaled_label(RaceMode::Rescale, Rescale::Uniform(4.0)),
            "rescaled (s = 4)"
        );
        assert!(rescaled_label(RaceMode::Norm, Rescale::Uniform(0.5)).contains("before BN"));
        assert_eq!(hex([0, 114, 178]), "#0072b2");
    }
}
