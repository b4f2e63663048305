//! `SurfaceLab`: the opaque JS handle of the Optimizers lab around a core [`SurfaceRun`] built from a
//! [`SurfaceSpec`] query (the lab's URL state): stepping, stats as JSON, the contour plot with trajectories,
//! the f-against-step chart and the click → (x, y) mapping. Nothing here panics on user input.

use saddle_core::registry::Keyed;
use saddle_core::session::{racers_token, Racer, MAX_RACERS};
use saddle_core::surfaces::{
    default_racers, racer_label, SurfaceKind, SurfaceRun, SurfaceSpec, CLOUD_LEN, MAX_NOISE,
    MAX_SPEED, PRESETS,
};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::draw::colour::Rgb;
use crate::draw::race::racer_colour;
use crate::draw::surface_plot::{self, Scene, Track, SHAPES};
use crate::draw::value_chart::{self, Series};
use crate::draw::{device_scale, format_tick, hit};

fn errors_json(errors: &[saddle_core::Error]) -> Vec<Value> {
    errors
        .iter()
        .map(|e| json!({"field": e.field(), "message": e.to_string()}))
        .collect()
}

/// `{"query": canonical query, "errors": [{"field","message"}]}` for an Optimizers-lab query (`lab=…` may be
/// included). Never throws; the query is that of the spec actually used (bad fields at their defaults).
#[wasm_bindgen(js_name = parseSurfaceQuery)]
pub fn parse_surface_query(q: &str) -> String {
    let (spec, errors) = SurfaceSpec::from_query(q);
    json!({"query": spec.to_query(), "errors": errors_json(&errors)}).to_string()
}

/// What the Optimizers lab's controls are built from: `{"surfaces":[{"key","label","doc","params":[…],"view",
/// "start","logLevels"}], "presets":[{"key","label","doc","a"}], "maxRacers", "maxNoise", "maxSpeed", "cloudLen",
/// "shapes", "defaultQuery"}` (optimizers and their hyperparameters come from `catalog()`).
#[wasm_bindgen(js_name = surfaceCatalog)]
pub fn surface_catalog() -> String {
    let surfaces: Vec<Value> = SurfaceKind::ALL
        .iter()
        .map(|&k| {
            json!({"key": k.key(), "label": k.label(), "doc": k.doc(), "params": k.params(), "view": k.view(),
                   "start": k.start(), "logLevels": k.log_levels(), "racers": racers_token(&default_racers(k))})
        })
        .collect();
    json!({"surfaces": surfaces, "presets": PRESETS, "maxRacers": MAX_RACERS, "maxNoise": MAX_NOISE,
           "maxSpeed": MAX_SPEED, "cloudLen": CLOUD_LEN, "shapes": SHAPES,
           "defaultQuery": SurfaceSpec::default().to_query()})
    .to_string()
}

/// Non-finite numbers become null in JSON.
fn num(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Every k-th point and the last one, at most about `max` points.
fn decimate(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    let stride = points.len().div_ceil(max.max(1)).max(1);
    let mut out: Vec<(f64, f64)> = points.iter().copied().step_by(stride).collect();
    if let Some(&last) = points.last() {
        if out.last() != Some(&last) {
            out.push(last);
        }
    }
    out
}

/// The plot legend's short name (narrow screens): the optimizer's key and its non-default hyperparameters,
/// `momentum lr 0.0005`; the page's table carries the full label.
fn compact_label(r: &Racer) -> String {
    let mut t = r.optimizer.key().to_string();
    for p in r.optimizer.hyperparams() {
        match r.hyper.get(p.name) {
            Some(&v) if v != p.default => t.push_str(&format!(" {} {v}", p.name)),
            _ => {}
        }
    }
    t
}

/// The lab the page drives: `new SurfaceLab(query)`, then `advance(n)` per animation frame and the draw calls.
#[wasm_bindgen]
pub struct SurfaceLab {
    spec: SurfaceSpec,
    run: SurfaceRun,
    labels: Vec<String>,
}

#[wasm_bindgen]
impl SurfaceLab {
    /// A fresh run from a query. Throws an `Error` whose message names the first bad field (`surface`,
    /// `kappa`, `start`, `reparam`, `racers` with the racer's position, …), its range and the bad value.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Result<SurfaceLab, JsError> {
        let err = |e: saddle_core::Error| JsError::new(&e.to_string());
        let spec = SurfaceSpec::parse(query).map_err(err)?;
        let run = SurfaceRun::new(&spec).map_err(err)?;
        let labels = spec.racers.iter().map(racer_label).collect();
        Ok(SurfaceLab { spec, run, labels })
    }

    /// The canonical query (without `lab=optimizers`).
    pub fn query(&self) -> String {
        self.spec.to_query()
    }

    /// Steps per animation frame the spec asks for (`spf`).
    pub fn speed(&self) -> u32 {
        self.spec.speed
    }

    /// Number of optimizers.
    pub fn count(&self) -> usize {
        self.run.runs().len()
    }

    /// Runs `n` steps of every running optimizer; returns `{"step","allDiverged"}`. Never throws.
    pub fn advance(&mut self, n: u32) -> String {
        self.run.step(n);
        json!({"step": self.run.step_count(), "allDiverged": self.run.all_diverged()}).to_string()
    }

    /// `{"step","surface","fStar","racers":[{"label","key","colour","shape","f","x","y","step","diverged":
    /// null|{"step","reason"}}]}` (numbers null when not finite).
    pub fn stats(&self) -> String {
        let racers: Vec<Value> = self
            .run
            .runs()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let p = r.current();
                let diverged = r
                    .diverged()
                    .map(|d| json!({"step": d.step, "reason": d.reason}));
                json!({"label": self.labels.get(i), "key": r.racer().optimizer.key(),
                       "colour": hex(racer_colour(i)), "shape": SHAPES[i % SHAPES.len()],
                       "f": num(p.f), "x": num(p.x[0]), "y": num(p.x[1]), "step": r.step_count(),
                       "diverged": diverged})
            })
            .collect();
        json!({"step": self.run.step_count(), "surface": self.spec.surface.key(),
               "fStar": self.run.surface().min_value().map(num), "racers": racers})
        .to_string()
    }

    /// Draws the contour map with every trajectory, the start and the legend (`cloud`: the spec's toggle).
    #[wasm_bindgen(js_name = drawSurface)]
    pub fn draw_surface(&self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        let tracks: Vec<Track> = self
            .run
            .runs()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let f = r.current().f;
                let status = if r.diverged().is_some() {
                    "diverged".to_string()
                } else {
                    format_tick(f)
                };
                Track {
                    path: r.trail().path().map(|p| (p.x[0], p.x[1])).collect(),
                    cloud: if self.spec.cloud {
                        r.trail().cloud().map(|p| (p[0], p[1])).collect()
                    } else {
                        Vec::new()
                    },
                    colour: racer_colour(i),
                    shape: i,
                    legend: format!(
                        "{} {}: {status}",
                        SHAPES[i % SHAPES.len()],
                        compact_label(r.racer())
                    ),
                    diverged: r.diverged().is_some(),
                }
            })
            .collect();
        let scene = Scene {
            surface: self.run.surface(),
            view: self.run.view(),
            start: (self.spec.start[0], self.spec.start[1]),
            tracks: &tracks,
            cloud: self.spec.cloud,
        };
        surface_plot::draw_surface_plot(canvas, &scene)
    }

    /// Draws f (log f − f* when the surface has a minimum) against step for every optimizer.
    #[wasm_bindgen(js_name = drawValues)]
    pub fn draw_values(&self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        // About one point per two device pixels: the trail's 2 000 points per line would cost plotters ~4 ms.
        let max_points = (canvas.width() as usize / 2).max(16);
        let points: Vec<Vec<(f64, f64)>> = self
            .run
            .runs()
            .iter()
            .map(|r| {
                let all: Vec<(f64, f64)> = r.trail().path().map(|p| (p.step as f64, p.f)).collect();
                decimate(&all, max_points)
            })
            .collect();
        let series: Vec<Series> = points
            .iter()
            .enumerate()
            .map(|(i, p)| Series {
                points: p,
                colour: racer_colour(i),
            })
            .collect();
        value_chart::draw_value_chart(canvas, &series, self.run.surface().min_value())
    }

    /// The (x, y) under the CSS-pixel position (`offsetX`, `offsetY`) of the last surface plot drawn on
    /// `canvas`, or `undefined` outside the plotting area.
    #[wasm_bindgen(js_name = pointAt)]
    pub fn point_at(&self, canvas: &HtmlCanvasElement, css_x: f64, css_y: f64) -> Option<Vec<f64>> {
        let scale = device_scale(canvas);
        let g = hit::geometry(canvas)?;
        g.to_data(css_x * scale, css_y * scale)
            .map(|(x, y)| vec![x, y])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reports_fields_and_the_catalog_lists_every_surface() -> Result<(), serde_json::Error> {
        let v: Value = serde_json::from_str(&parse_surface_query("kappa=0&racers=nope&spf=x"))?;
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["kappa", "racers", "spf"]);
        assert!(v["query"]
            .as_str()
            .is_some_and(|q| q.starts_with("surface=quadratic&kappa=10&")));
        let c: Value = serde_json::from_str(&surface_catalog())?;
        assert_eq!(
            c["surfaces"].as_array().map(Vec::len),
            Some(SurfaceKind::ALL.len())
        );
        assert_eq!(c["presets"][1]["a"], json!([0.5, 0.0, 0.0, 0.5]));
        assert_eq!(c["surfaces"][0]["params"][0]["name"], "kappa");
        Ok(())
    }

    #[test]
    fn a_lab_steps_and_reports_divergence_without_throwing() -> Result<(), serde_json::Error> {
        let Ok(mut lab) = SurfaceLab::new("racers=sgd/lr:5,adam&kappa=100") else {
            panic!("valid query refused");
        };
        let a: Value = serde_json::from_str(&lab.advance(200))?;
        assert_eq!(a["step"], 200);
        let s: Value = serde_json::from_str(&lab.stats())?;
        assert!(s["racers"][0]["diverged"]["reason"].is_string(), "{s}");
        assert!(s["racers"][1]["diverged"].is_null());
        assert_eq!(s["fStar"], 0.0);
        let mut r = Racer::with_defaults(saddle_core::optim::OptimizerKind::Momentum);
        r.hyper.insert("lr".into(), 0.0005);
        assert_eq!(compact_label(&r), "momentum lr 0.0005");
        let pts: Vec<(f64, f64)> = (0..2049).map(|i| (f64::from(i), 1.0)).collect();
        let d = decimate(&pts, 500);
        assert!(d.len() <= 502 && d[0] == (0.0, 1.0) && d.last() == Some(&(2048.0, 1.0)));
        Ok(())
    }
}
