//! The Race lab's URL state: which view (`mode`), which optimizers (`racers`) and the shared data / network
//! settings (every [`Config`] key but the optimizer's), with a lossless query form and field-naming errors.
//!
//! Query form (the page's hash is `lab=race&` + [`RaceSpec::to_query`]):
//! `mode=race&racers=sgd,momentum/lr:0.05,adam&seed=1&dataset=circle&…` — `mode` first, then `racers`, then
//! the base config's query without `opt` and the optimizer's hyperparameters (the racers carry their own).
//! A racer is an optimizer key optionally followed by `/name:value` for each hyperparameter that differs from
//! its default, in the optimizer's hyperparameter order, values in shortest round-trip form; racers are joined
//! by `,`. On parsing, `lab`, `opt` and any optimizer's hyperparameter names are ignored (so a Playground query
//! can be pasted in as the shared settings), and every other key goes to [`Config::from_query`].

use super::race::{race_configs, rescaled_pair, Racer, MAX_RACERS};
use crate::config::{default_hyper, Config, ValidConfig};
use crate::keyed_enum;
use crate::optim::{hyper_value, OptimizerKind};
use crate::registry::Keyed;
use crate::{Error, Result};

keyed_enum! {
    /// What the Race lab shows (the `mode` key).
    pub enum RaceMode {
        Race => ("race", "Network race", "Up to six optimizers train the same network from the same initialization on the same minibatch sequence."),
        Rescale => ("rescale", "ReLU rescaling", "Each optimizer trains the network and a function-preserving rescaling of it (incoming weights and bias × s, outgoing × 1/s per hidden unit): the same function, a different gradient."),
        Norm => ("bn", "Batch normalization", "Each optimizer trains a batch-normalized network and the same network with the weights before every normalization scaled by s: the output stays, the gradient scales by 1/s."),
    }
}

impl RaceMode {
    /// Whether each racer trains a pair (original and rescaled network) rather than one network.
    pub fn pairs(self) -> bool {
        self != RaceMode::Race
    }

    /// Most racers (optimizers) in this mode: [`MAX_RACERS`] networks in all.
    pub fn max_racers(self) -> usize {
        if self.pairs() {
            MAX_RACERS / 2
        } else {
            MAX_RACERS
        }
    }

    /// The racers a mode starts with (and falls back to when `racers` is unreadable).
    pub fn default_racers(self) -> Vec<Racer> {
        let kinds: &[OptimizerKind] = match self {
            RaceMode::Race => &[
                OptimizerKind::Sgd,
                OptimizerKind::Momentum,
                OptimizerKind::Adam,
            ],
            RaceMode::Rescale => &[
                OptimizerKind::Sgd,
                OptimizerKind::Adam,
                OptimizerKind::PathSgd,
            ],
            RaceMode::Norm => &[OptimizerKind::Sgd],
        };
        kinds.iter().map(|&k| Racer::with_defaults(k)).collect()
    }
}

/// A race as the URL states it: the view, the optimizers and the shared settings. Build the sessions with
/// [`RaceSpec::configs`] and [`super::Race::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct RaceSpec {
    /// The view (`mode`).
    pub mode: RaceMode,
    /// The optimizers, in display order (1 ..= [`RaceMode::max_racers`]).
    pub racers: Vec<Racer>,
    /// Shared data and network settings; its optimizer is always the default (unused). In the pair modes its
    /// `rescale` is the rescaling the second network of each pair gets.
    pub base: Config,
}

impl Default for RaceSpec {
    fn default() -> Self {
        RaceSpec {
            mode: RaceMode::Race,
            racers: RaceMode::Race.default_racers(),
            base: Config::default(),
        }
    }
}

/// Keys the spec drops when parsing: the lab selector and optimizer settings (the racers carry their own).
fn ignored(key: &str) -> bool {
    key == "lab"
        || key == "opt"
        || OptimizerKind::ALL
            .iter()
            .any(|o| o.hyperparams().iter().any(|p| p.name == key))
}

/// The racers field as text: `sgd,adam/lr:0.001`.
pub fn racers_token(racers: &[Racer]) -> String {
    racers
        .iter()
        .map(|r| {
            let mut t = r.optimizer.key().to_string();
            for p in r.optimizer.hyperparams() {
                let v = hyper_value(r.optimizer, &r.hyper, p.name);
                if v != p.default {
                    t.push_str(&format!("/{}:{}", p.name, p.format(v)));
                }
            }
            t
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn racers_error(message: impl Into<String>) -> Error {
    Error::invalid("racers", message)
}

/// Parses one racer token against a valid `base`: the kind must exist, every name must be one of its
/// hyperparameters and every value in its range. Returns the racer with the readable parts and the errors
/// (each names `racers`, the racer's position and the hyperparameter).
fn parse_racer(i: usize, token: &str, base: &Config) -> (Option<Racer>, Vec<Error>) {
    let mut errors = Vec::new();
    let mut parts = token.split('/');
    let key = parts.next().unwrap_or_default().trim();
    let Some(kind) = OptimizerKind::from_key(key).filter(|k| k.on_networks()) else {
        let msg = format!(
            "racer {}: unknown or surfaces-only optimizer \"{}\"; allowed: {}",
            i + 1,
            key.chars().take(40).collect::<String>(),
            OptimizerKind::network_keys()
        );
        return (None, vec![racers_error(msg)]);
    };
    let mut racer = Racer::with_defaults(kind);
    for part in parts {
        let Some((name, value)) = part.split_once(':') else {
            let msg = format!(
                "racer {} ({kind}): expected name:value, got \"{part}\"",
                i + 1
            );
            errors.push(racers_error(msg));
            continue;
        };
        let name = name.trim();
        let Some(p) = kind.hyperparams().iter().find(|p| p.name == name) else {
            let names: Vec<&str> = kind.hyperparams().iter().map(|p| p.name).collect();
            let msg = format!(
                "racer {} ({kind}): \"{name}\" is not a hyperparameter of {kind}; allowed: {}",
                i + 1,
                names.join(", ")
            );
            errors.push(racers_error(msg));
            continue;
        };
        let v = match p.parse(value) {
            Ok(v) => v,
            Err(e) => {
                errors.push(racers_error(format!("racer {} ({kind}): {e}", i + 1)));
                continue;
            }
        };
        // The range check is the config's own (the same message as the Playground's field).
        let mut c = base.clone();
        c.optimizer = kind;
        c.hyper = racer.hyper.clone();
        c.hyper.insert(name.to_string(), v);
        match c.validate() {
            Ok(_) => {
                racer.hyper.insert(name.to_string(), v);
            }
            Err(e) => errors.push(racers_error(format!("racer {} ({kind}): {e}", i + 1))),
        }
    }
    (Some(racer), errors)
}

impl RaceSpec {
    /// The canonical query (module docs): `from_query(to_query(s)) == (s, [])` for every spec that
    /// [`RaceSpec::from_query`] returns.
    pub fn to_query(&self) -> String {
        let base_query = self.base.to_query();
        let parts: Vec<&str> = base_query
            .split('&')
            .filter(|kv| !ignored(kv.split_once('=').map_or(*kv, |(k, _)| k)))
            .collect();
        format!(
            "mode={}&racers={}&{}",
            self.mode.key(),
            racers_token(&self.racers),
            parts.join("&")
        )
    }

    /// Parses a query (module docs). Never panics; always returns a usable spec (bad parts fall back to their
    /// defaults: the shared settings field by field as [`Config::from_query`] does, a base that still does not
    /// validate to the default config, an unreadable racer is left out, a bad hyperparameter takes its default,
    /// no readable racer gives the mode's default racers) and every problem found, each naming its field
    /// (`mode`, `racers`, or a config key).
    pub fn from_query(q: &str) -> (RaceSpec, Vec<Error>) {
        let mut errors = Vec::new();
        let q = q.trim();
        let q = q.strip_prefix('#').unwrap_or(q);
        let mut mode_text: Option<String> = None;
        let mut racers_text: Option<String> = None;
        let mut rest = Vec::new();
        for seg in q.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = seg.split_once('=').unwrap_or((seg, ""));
            let key = crate::config::percent_decode(k);
            let slot = match key.trim() {
                "mode" => &mut mode_text,
                "racers" => &mut racers_text,
                k if ignored(k) => continue,
                _ => {
                    rest.push(seg);
                    continue;
                }
            };
            if slot.is_some() {
                let msg = "given more than once; the first value is used";
                errors.push(Error::invalid(key.trim(), msg));
            } else {
                *slot = Some(crate::config::percent_decode(v));
            }
        }
        let mode = match mode_text.as_deref().map(str::trim) {
            None => RaceMode::Race,
            Some(t) => RaceMode::from_key(t).unwrap_or_else(|| {
                errors.push(Error::UnknownKey {
                    field: "mode".into(),
                    allowed: RaceMode::keys_joined(),
                    value: t.chars().take(40).collect(),
                });
                RaceMode::Race
            }),
        };
        let (mut base, base_errors) = Config::from_query(&rest.join("&"));
        errors.extend(base_errors);
        for e in base.validate_all() {
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
        if base.validate().is_err() {
            base = Config::default();
        }
        base.optimizer = Config::default().optimizer;
        base.hyper = default_hyper(base.optimizer);
        let mut racers = Vec::new();
        if let Some(text) = racers_text.as_deref() {
            let tokens: Vec<&str> = text.split(',').filter(|t| !t.trim().is_empty()).collect();
            if tokens.is_empty() {
                errors.push(racers_error("expected at least one optimizer"));
            }
            let max = mode.max_racers();
            if tokens.len() > max {
                let allowed = format!("at most {max} optimizers in mode {mode}");
                errors.push(Error::out_of_range("racers", allowed, tokens.len()));
            }
            for (i, token) in tokens.iter().take(max).enumerate() {
                let (racer, errs) = parse_racer(i, token, &base);
                errors.extend(errs);
                racers.extend(racer);
            }
        }
        if racers.is_empty() {
            racers = mode.default_racers();
        }
        (RaceSpec { mode, racers, base }, errors)
    }

    /// [`RaceSpec::from_query`] that fails on the first problem instead of falling back.
    pub fn parse(q: &str) -> Result<RaceSpec> {
        let (spec, errors) = RaceSpec::from_query(q);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(spec),
        }
    }

    /// The validated config of every network in the race, in display order: one per racer in
    /// [`RaceMode::Race`] ([`race_configs`]); in the pair modes, for each racer the original network and the
    /// rescaled one ([`rescaled_pair`] with the base's `rescale`). Errors name `racers` and the racer.
    pub fn configs(&self) -> Result<Vec<ValidConfig>> {
        let max = self.mode.max_racers();
        if self.racers.is_empty() || self.racers.len() > max {
            let allowed = format!("1 to {max} optimizers in mode {}", self.mode);
            return Err(Error::out_of_range("racers", allowed, self.racers.len()));
        }
        let wrap = |i: usize, r: &Racer| {
            let kind = r.optimizer;
            move |e: Error| racers_error(format!("racer {} ({kind}): {e}", i + 1))
        };
        if !self.mode.pairs() {
            let mut out = Vec::with_capacity(self.racers.len());
            for (i, r) in self.racers.iter().enumerate() {
                let one = race_configs(&self.base, std::slice::from_ref(r)).map_err(wrap(i, r))?;
                out.extend(one);
            }
            return Ok(out);
        }
        let mut out = Vec::with_capacity(2 * self.racers.len());
        for (i, r) in self.racers.iter().enumerate() {
            let mut c = self.base.clone();
            c.optimizer = r.optimizer;
            c.hyper = r.hyper.clone();
            let (original, rescaled) = rescaled_pair(&c, c.rescale).map_err(wrap(i, r))?;
            out.push(original);
            out.push(rescaled);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mlp::{Activation, Norm, Rescale};
    use crate::session::Race;

    fn spec(mode: RaceMode, racers: Vec<Racer>) -> RaceSpec {
        RaceSpec {
            mode,
            racers,
            base: Config::default(),
        }
    }

    #[test]
    fn round_trip_is_exact() {
        let mut adam = Racer::with_defaults(OptimizerKind::Adam);
        adam.hyper.insert("lr".into(), 0.003);
        adam.hyper.insert("beta2".into(), 0.99);
        let mut s = spec(
            RaceMode::Race,
            vec![Racer::with_defaults(OptimizerKind::Sgd), adam],
        );
        s.base.seed = 7;
        s.base.hidden = vec![8, 8];
        s.base.activations = vec![Activation::Relu; 2];
        let q = s.to_query();
        assert!(
            q.starts_with("mode=race&racers=sgd,adam/lr:0.003/beta2:0.99&seed=7"),
            "{q}"
        );
        assert!(!q.contains("opt=") && !q.contains("&lr="), "{q}");
        assert_eq!(RaceSpec::from_query(&q), (s.clone(), Vec::new()));
        assert_eq!(RaceSpec::parse(&format!("lab=race&{q}")), Ok(s));
        assert_eq!(RaceSpec::from_query("").0, RaceSpec::default());
        let d = RaceSpec::default().to_query();
        assert_eq!(RaceSpec::from_query(&d), (RaceSpec::default(), Vec::new()));
    }

    #[test]
    fn a_playground_query_is_accepted_as_shared_settings() {
        let c = Config {
            optimizer: OptimizerKind::Adam,
            hyper: default_hyper(OptimizerKind::Adam),
            seed: 3,
            ..Config::default()
        };
        let (s, errors) = RaceSpec::from_query(&format!("mode=race&racers=sgd&{}", c.to_query()));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.base.seed, 3);
        assert_eq!(s.base.optimizer, Config::default().optimizer);
    }

    #[test]
    fn errors_name_the_field() {
        let field = |q: &str| {
            RaceSpec::parse(q)
                .err()
                .and_then(|e| e.field().map(String::from))
        };
        assert_eq!(field("mode=nope").as_deref(), Some("mode"));
        assert_eq!(field("racers=nope").as_deref(), Some("racers"));
        assert_eq!(field("racers=sgd/lr:99").as_deref(), Some("racers"));
        assert_eq!(field("racers=sgd/beta1:0.5").as_deref(), Some("racers"));
        assert_eq!(field("racers=sgd/lr").as_deref(), Some("racers"));
        assert_eq!(
            field("racers=sgd,sgd,sgd,sgd&mode=bn").as_deref(),
            Some("racers")
        );
        assert_eq!(field("n=-3").as_deref(), Some("n"));
        assert_eq!(field("mode=race&mode=bn").as_deref(), Some("mode"));
        let e = RaceSpec::parse("racers=sgd,adam/lr:99")
            .err()
            .map(|e| e.to_string());
        let msg = e.unwrap_or_default();
        assert!(msg.starts_with("racers: racer 2 (adam): lr"), "{msg}");
        // A bad hyperparameter keeps the racer with the default value.
        let (s, errs) = RaceSpec::from_query("racers=adam/lr:99/beta1:0.5");
        assert_eq!(errs.len(), 1);
        assert_eq!(s.racers[0].hyper.get("beta1"), Some(&0.5));
        assert_eq!(s.racers[0].hyper.get("lr"), Some(&0.01));
    }

    #[test]
    fn garbage_never_panics_and_gives_a_usable_spec() {
        for q in [
            "",
            "&&&",
            "=",
            "mode",
            "racers=",
            "racers=,,,",
            "racers=/:/",
            "racers=sgd/lr:/x:y:z",
            "racers=adam/lr:NaN,adam/lr:inf,adam/lr:-1",
            "mode=%zz&racers=%ff%fe",
            "\u{0}\u{feff}=\u{0}",
            "racers=sgd,sgd,sgd,sgd,sgd,sgd,sgd,sgd,sgd",
            "mode=rescale&act=tanh&rescale=4",
            "hidden=1,,2&dataset=?&racers=sgd",
        ] {
            let (s, _) = RaceSpec::from_query(q);
            assert!(
                !s.racers.is_empty() && s.racers.len() <= s.mode.max_racers(),
                "{q}"
            );
            let again = RaceSpec::from_query(&s.to_query());
            assert_eq!(again, (s.clone(), Vec::new()), "{q}");
            assert!(s.configs().is_ok(), "{q}");
        }
    }

    #[test]
    fn racers_share_the_initial_network_and_the_batches() -> Result<()> {
        let s = RaceSpec::parse("racers=sgd,momentum,adam/lr:0.003&n=100")?;
        let mut race = Race::new(s.configs()?);
        let p0 = race.sessions()[0].mlp().params();
        assert!(race.sessions().iter().all(|x| x.mlp().params() == p0));
        race.step(3);
        let b0 = race.sessions()[0].batch_indices().to_vec();
        assert!(race.sessions().iter().all(|x| x.batch_indices() == b0));
        assert_ne!(
            race.sessions()[0].mlp().params(),
            race.sessions()[2].mlp().params()
        );
        Ok(())
    }

    #[test]
    fn pair_modes_build_original_and_rescaled_networks() -> Result<()> {
        let s = RaceSpec::parse("mode=rescale&racers=sgd,adam&act=relu&rescale=4&n=100")?;
        let c = s.configs()?;
        assert_eq!(c.len(), 4);
        assert_eq!(
            (c[0].rescale, c[1].rescale),
            (Rescale::None, Rescale::Uniform(4.0))
        );
        assert_eq!(c[3].optimizer, OptimizerKind::Adam);
        let s = RaceSpec::parse("mode=bn&racers=sgd&bn=hidden&rescale=0.25&n=100")?;
        let c = s.configs()?;
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|c| c.norm == Norm::Hidden));
        // A rescaling that would change a tanh network's function names `rescale`.
        let e = RaceSpec::parse("mode=rescale&act=tanh&rescale=4").err();
        assert_eq!(e.as_ref().and_then(|e| e.field()), Some("rescale"));
        Ok(())
    }
}
