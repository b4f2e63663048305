//! The Optimizers lab's URL state: surface and its parameters, start, A, racers, noise, seed, speed and the
//! cloud toggle, with a lossless canonical query and errors that name the field, the range and the bad value.
//!
//! Query form (the page's hash is `lab=optimizers&` + [`SurfaceSpec::to_query`]), keys in this order:
//! `surface=quadratic&kappa=10&angle=30&start=-2.5,2&reparam=1,0,0,1&racers=sgd,adam/lr:0.05&noise=0&seed=1&spf=2&cloud=0`.
//! The surface's own parameters follow `surface`; `start` is `x,y`; `reparam` is A row-major `a11,a12,a21,a22`;
//! a racer is an optimizer key followed by `/name:value` for each hyperparameter that differs from its default
//! (the Race lab's form, [`racers_token`]). Missing keys take their defaults (the surface's default start and
//! parameters), so a changed surface needs only `surface=`. `lab` is ignored.

use super::racers::{check_hyper, check_racer, cut, parse_racer};
use super::reparam::Reparam;
use super::{Surface, SurfaceKind, SurfaceParam};
use crate::config::percent_decode;
use crate::optim::OptimizerKind;
use crate::registry::Keyed;
use crate::session::{racers_token, Racer, MAX_RACERS};
use crate::{Error, Result};

/// Largest gradient-noise σ.
pub const MAX_NOISE: f64 = 100.0;
/// Most steps per animation frame (`spf`).
pub const MAX_SPEED: u32 = 1000;

/// The lab's whole state.
#[derive(Debug, Clone, PartialEq)]
pub struct SurfaceSpec {
    /// The surface (`surface`).
    pub surface: SurfaceKind,
    /// Its parameters in [`SurfaceKind::params`] order (each under its own key).
    pub params: Vec<f64>,
    /// The start point in x (`start`), inside the surface's view.
    pub start: [f64; 2],
    /// A of x = Ay, row-major (`reparam`); invertible, entries in [−100, 100].
    pub reparam: [f64; 4],
    /// The optimizers, 1 ..= [`MAX_RACERS`] (`racers`).
    pub racers: Vec<Racer>,
    /// σ of the Gaussian noise added to ∇f(x) every step, in [0, [`MAX_NOISE`]] (`noise`; 0 = exact gradients).
    pub noise: f64,
    /// Seed of the noise (`seed`).
    pub seed: u64,
    /// Steps per animation frame, 1 ..= [`MAX_SPEED`] (`spf`): the animation's speed.
    pub speed: u32,
    /// Show the last iterates as a point cloud (`cloud`, display only).
    pub cloud: bool,
}

impl Default for SurfaceSpec {
    fn default() -> Self {
        SurfaceSpec::for_surface(SurfaceKind::Quadratic)
    }
}

/// The keys every surface shares, in query order (the surface's parameters go after `surface`).
const KEYS: [&str; 8] = [
    "surface", "start", "reparam", "racers", "noise", "seed", "spf", "cloud",
];

/// SGD, momentum and Adam with the surface's suggested learning rates ([`SurfaceKind::suggested_lr`]).
pub fn default_racers(surface: SurfaceKind) -> Vec<Racer> {
    [
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
    ]
    .into_iter()
    .map(|kind| {
        let mut r = Racer::with_defaults(kind);
        if let Some(lr) = surface.suggested_lr(kind) {
            r.hyper.insert("lr".into(), lr);
        }
        r
    })
    .collect()
}

fn check_param(p: &SurfaceParam, v: f64, shown: &str) -> Result<f64> {
    if v.is_finite() && v >= p.min && v <= p.max {
        Ok(v)
    } else {
        Err(Error::out_of_range(
            p.name,
            format!("[{}, {}]", p.min, p.max),
            shown,
        ))
    }
}

fn check_start(kind: SurfaceKind, [x, y]: [f64; 2]) -> Result<()> {
    let [x0, x1, y0, y1] = kind.view();
    if x.is_finite() && y.is_finite() && (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
        Ok(())
    } else {
        let allowed = format!("x in [{x0}, {x1}] and y in [{y0}, {y1}] (the {kind} view)");
        Err(Error::out_of_range("start", allowed, format!("{x},{y}")))
    }
}

fn check_noise(v: f64, shown: &str) -> Result<f64> {
    if v.is_finite() && (0.0..=MAX_NOISE).contains(&v) {
        Ok(v)
    } else {
        Err(Error::out_of_range(
            "noise",
            format!("[0, {MAX_NOISE}]"),
            shown,
        ))
    }
}

fn check_speed(v: u64, shown: &str) -> Result<u32> {
    match u32::try_from(v) {
        Ok(s) if (1..=MAX_SPEED).contains(&s) => Ok(s),
        _ => Err(Error::out_of_range(
            "spf",
            format!("1 to {MAX_SPEED}"),
            shown,
        )),
    }
}

/// `"a,b,…"` as exactly `n` numbers.
fn numbers(text: &str, n: usize) -> Option<Vec<f64>> {
    let v: Vec<f64> = text
        .split(',')
        .map(|t| t.trim().parse::<f64>().ok())
        .collect::<Option<_>>()?;
    (v.len() == n).then_some(v)
}

impl SurfaceSpec {
    /// The default state for `kind`: its default parameters and start, A = I, SGD, momentum and Adam with
    /// their catalog defaults, no noise, seed 1, 2 steps per frame, no cloud.
    pub fn for_surface(kind: SurfaceKind) -> SurfaceSpec {
        SurfaceSpec {
            surface: kind,
            params: kind.default_params(),
            start: kind.start(),
            reparam: Reparam::IDENTITY.matrix(),
            racers: default_racers(kind),
            noise: 0.0,
            seed: 1,
            speed: 2,
            cloud: false,
        }
    }

    /// The surface with this spec's parameters.
    pub fn surface(&self) -> Surface {
        Surface::new(self.surface, &self.params)
    }

    /// Every problem of a spec built in code (the parser only returns valid specs).
    pub fn validate_all(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        let params = self.surface.params();
        if self.params.len() != params.len() {
            let msg = format!(
                "{} expects {} parameter(s), got {}",
                self.surface,
                params.len(),
                self.params.len()
            );
            errors.push(Error::invalid("surface", msg));
        }
        for (p, &v) in params.iter().zip(&self.params) {
            errors.extend(check_param(p, v, &v.to_string()).err());
        }
        errors.extend(check_start(self.surface, self.start).err());
        errors.extend(Reparam::new(self.reparam).err());
        if self.racers.is_empty() || self.racers.len() > MAX_RACERS {
            let allowed = format!("1 to {MAX_RACERS} optimizers");
            errors.push(Error::out_of_range("racers", allowed, self.racers.len()));
        }
        for (i, r) in self.racers.iter().enumerate() {
            for (name, &v) in &r.hyper {
                errors.extend(check_hyper(i, r.optimizer, name, v, &v.to_string()).err());
            }
            errors.extend(check_racer(i, r).err());
        }
        errors.extend(check_noise(self.noise, &self.noise.to_string()).err());
        errors.extend(check_speed(u64::from(self.speed), &self.speed.to_string()).err());
        errors
    }

    /// The first problem of [`SurfaceSpec::validate_all`].
    pub fn validate(&self) -> Result<()> {
        match self.validate_all().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The canonical query (module docs); `from_query(to_query(s)) == (s, [])` for every spec the parser
    /// returns.
    pub fn to_query(&self) -> String {
        let mut out = vec![format!("surface={}", self.surface.key())];
        for (p, v) in self.surface.params().iter().zip(&self.params) {
            out.push(format!("{}={v}", p.name));
        }
        let [a, b, c, d] = self.reparam;
        out.push(format!("start={},{}", self.start[0], self.start[1]));
        out.push(format!("reparam={a},{b},{c},{d}"));
        out.push(format!("racers={}", racers_token(&self.racers)));
        out.push(format!("noise={}", self.noise));
        out.push(format!("seed={}", self.seed));
        out.push(format!("spf={}", self.speed));
        out.push(format!("cloud={}", u8::from(self.cloud)));
        out.join("&")
    }

    /// Parses a query. Never panics; always returns a valid spec: a bad field takes its default (a bad
    /// surface the default surface, an unreadable racer is left out, a bad hyperparameter its default, no
    /// readable racer the default racers), and every problem is reported naming its field.
    pub fn from_query(q: &str) -> (SurfaceSpec, Vec<Error>) {
        let mut errors = Vec::new();
        let q = q.trim();
        let q = q.strip_prefix('#').unwrap_or(q);
        let mut given: Vec<(String, String)> = Vec::new();
        for seg in q.split('&').filter(|s| !s.trim().is_empty()) {
            let (k, v) = seg.split_once('=').unwrap_or((seg, ""));
            let (k, v) = (percent_decode(k).trim().to_string(), percent_decode(v));
            if k == "lab" {
                continue;
            }
            if given.iter().any(|(g, _)| *g == k) {
                let msg = "given more than once; the first value is used";
                errors.push(Error::invalid(&cut(&k), msg));
                continue;
            }
            given.push((k, v));
        }
        let take = |key: &str| -> Option<String> {
            given
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
        };

        let surface = match take("surface") {
            None => SurfaceKind::Quadratic,
            Some(t) => SurfaceKind::from_key(&t).unwrap_or_else(|| {
                errors.push(Error::UnknownKey {
                    field: "surface".into(),
                    allowed: SurfaceKind::keys_joined(),
                    value: cut(&t),
                });
                SurfaceKind::Quadratic
            }),
        };
        let mut spec = SurfaceSpec::for_surface(surface);
        for (i, p) in surface.params().iter().enumerate() {
            if let Some(t) = take(p.name) {
                let v = t.parse::<f64>().unwrap_or(f64::NAN);
                match check_param(p, v, &cut(&t)) {
                    Ok(v) => spec.params[i] = v,
                    Err(e) => errors.push(e),
                }
            }
        }
        if let Some(t) = take("start") {
            match numbers(&t, 2) {
                Some(v) => match check_start(surface, [v[0], v[1]]) {
                    Ok(()) => spec.start = [v[0], v[1]],
                    Err(e) => errors.push(e),
                },
                None => errors.push(Error::Parse {
                    field: "start".into(),
                    value: cut(&t),
                    reason: "expected two numbers x,y".into(),
                }),
            }
        }
        if let Some(t) = take("reparam") {
            match numbers(&t, 4) {
                Some(v) => match Reparam::new([v[0], v[1], v[2], v[3]]) {
                    Ok(r) => spec.reparam = r.matrix(),
                    Err(e) => errors.push(e),
                },
                None => errors.push(Error::Parse {
                    field: "reparam".into(),
                    value: cut(&t),
                    reason: "expected four numbers a11,a12,a21,a22 (A row by row)".into(),
                }),
            }
        }
        if let Some(t) = take("racers") {
            let tokens: Vec<&str> = t.split(',').filter(|s| !s.trim().is_empty()).collect();
            if tokens.is_empty() {
                errors.push(Error::invalid("racers", "expected at least one optimizer"));
            }
            if tokens.len() > MAX_RACERS {
                let allowed = format!("at most {MAX_RACERS} optimizers");
                errors.push(Error::out_of_range("racers", allowed, tokens.len()));
            }
            let mut racers = Vec::new();
            for (i, token) in tokens.iter().take(MAX_RACERS).enumerate() {
                let (r, errs) = parse_racer(i, token);
                errors.extend(errs);
                racers.extend(r);
            }
            if !racers.is_empty() {
                spec.racers = racers;
            }
        }
        if let Some(t) = take("noise") {
            match check_noise(t.parse().unwrap_or(f64::NAN), &cut(&t)) {
                Ok(v) => spec.noise = v,
                Err(e) => errors.push(e),
            }
        }
        if let Some(t) = take("seed") {
            match t.parse::<u64>() {
                Ok(v) => spec.seed = v,
                Err(_) => errors.push(Error::out_of_range(
                    "seed",
                    format!("a whole number 0 to {}", u64::MAX),
                    cut(&t),
                )),
            }
        }
        if let Some(t) = take("spf") {
            match check_speed(t.parse().unwrap_or(0), &cut(&t)) {
                Ok(v) => spec.speed = v,
                Err(e) => errors.push(e),
            }
        }
        if let Some(t) = take("cloud") {
            match t.as_str() {
                "0" | "false" => spec.cloud = false,
                "1" | "true" => spec.cloud = true,
                _ => errors.push(Error::out_of_range("cloud", "0 or 1", cut(&t))),
            }
        }
        for (k, _) in &given {
            let known = KEYS.contains(&k.as_str()) || surface.params().iter().any(|p| p.name == k);
            if known {
                continue;
            }
            let other = SurfaceKind::ALL
                .iter()
                .find(|s| s.params().iter().any(|p| p.name == k));
            let msg = match other {
                Some(s) => format!("a parameter of {s}, not of {surface}"),
                None => {
                    let names: Vec<&str> = surface.params().iter().map(|p| p.name).collect();
                    format!(
                        "unknown key; allowed: {}{}{}",
                        KEYS.join(", "),
                        if names.is_empty() { "" } else { ", " },
                        names.join(", ")
                    )
                }
            };
            errors.push(Error::invalid(&cut(k), msg));
        }
        (spec, errors)
    }

    /// [`SurfaceSpec::from_query`] that fails on the first problem instead of falling back.
    pub fn parse(q: &str) -> Result<SurfaceSpec> {
        let (spec, errors) = SurfaceSpec::from_query(q);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(spec),
        }
    }
}
