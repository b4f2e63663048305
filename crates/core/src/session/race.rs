//! Races: sessions built from one base config that differ only in the optimizer (kind and hyperparameters),
//! or only in a function-preserving rescaling of the initial network, stepped side by side; and what such a
//! rescaling does to a session's current network.
//!
//! Nothing else needs synchronising: every consumer of randomness has its own stream of the shared seed
//! ([`super::stream`]), so the data, the split, the initialisation, the minibatch sequence, the dropout masks
//! and the weight noise are the same in every session of a race; only what the optimizer does differs.

use super::{stream, Session, Stats};
use crate::config::{default_hyper, Config, ValidConfig};
use crate::features;
use crate::mlp::{rescale_report, Rescale, RescaleReport};
use crate::optim::{Hyper, OptimizerKind};
use crate::rng::seeded;
use crate::{Error, Result};

/// Most sessions in one race (the page shows them side by side).
pub const MAX_RACERS: usize = 6;

/// One racer: an optimizer and its hyperparameters (names missing from `hyper` take their defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct Racer {
    /// The optimizer.
    pub optimizer: OptimizerKind,
    /// Its hyperparameters by name (`lr`, `momentum`, …), checked like the URL's.
    pub hyper: Hyper,
}

impl Racer {
    /// `optimizer` with its default hyperparameters.
    pub fn with_defaults(optimizer: OptimizerKind) -> Racer {
        Racer {
            optimizer,
            hyper: default_hyper(optimizer),
        }
    }
}

/// The validated config of each racer: `base` with the racer's optimizer and hyperparameters, everything else
/// (seed, data, network, noise, batch size, stop, edits, frozen weights, rescaling) as in `base`. Errors: the
/// first validation error of a racer's config (a hyperparameter out of range names it), or more than
/// [`MAX_RACERS`] racers (field `race`).
pub fn race_configs(base: &Config, racers: &[Racer]) -> Result<Vec<ValidConfig>> {
    if racers.len() > MAX_RACERS {
        let allowed = format!("at most {MAX_RACERS} optimizers");
        return Err(Error::out_of_range("race", allowed, racers.len()));
    }
    racers
        .iter()
        .map(|r| {
            let mut c = base.clone();
            c.optimizer = r.optimizer;
            c.hyper = r.hyper.clone();
            c.validate()
        })
        .collect()
}

/// The "original vs rescaled" pair: `base` with `rescale=none`, and `base` with `rescale` (applied to the
/// initial network after the initialisation or the frozen weights; see [`crate::mlp::Mlp::reparameterize`]).
/// Errors as [`Config::validate`]: a rescaling of a network with non-homogeneous activations and no `bn` is
/// a `rescale` error naming the activation.
pub fn rescaled_pair(base: &Config, rescale: Rescale) -> Result<(ValidConfig, ValidConfig)> {
    let mut original = base.clone();
    original.rescale = Rescale::None;
    let mut rescaled = base.clone();
    rescaled.rescale = rescale;
    Ok((original.validate()?, rescaled.validate()?))
}

/// Sessions trained side by side, one [`Session::step`] call each per [`Race::step`].
pub struct Race {
    sessions: Vec<Session>,
}

impl Race {
    /// One session per config (typically from [`race_configs`] or [`rescaled_pair`]).
    pub fn new(configs: Vec<ValidConfig>) -> Race {
        Race {
            sessions: configs.into_iter().map(Session::new).collect(),
        }
    }

    /// Steps every session by up to `n` steps; one result per session, so a diverged racer reports its
    /// [`Error::Diverged`] while the others go on.
    pub fn step(&mut self, n: u32) -> Vec<Result<Stats>> {
        self.sessions.iter_mut().map(|s| s.step(n)).collect()
    }

    /// The sessions, in racer order.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Mutable access (live edits of one racer, weight edits, …).
    pub fn sessions_mut(&mut self) -> &mut [Session] {
        &mut self.sessions
    }
}

impl Session {
    /// What rescaling the current network by `rescale` (scales from [`stream::RESCALE`], as the `rescale` key
    /// draws them; [`crate::mlp::Mlp::reparameterize`]) does: the largest change of the test-time output on
    /// the training set, and each layer's gradient norms of the clean full-batch training loss before and after
    /// ([`rescale_report`]). Works for any activation (tanh shows the function change). `None` without
    /// training points.
    pub fn rescale_report(&self, rescale: Rescale) -> Option<RescaleReport> {
        if self.data.train.is_empty() {
            return None;
        }
        let rng = &mut seeded(self.config.seed, stream::RESCALE);
        let scales = rescale.scales(&self.mlp.hidden_widths(), rng);
        let rescaled = self.mlp.reparameterize(&scales);
        let x = features::apply(&self.config.features, &self.data.train.x);
        let y = &self.data.train.y;
        Some(rescale_report(
            &self.mlp,
            &rescaled,
            &x,
            y,
            &self.config.dropout,
        ))
    }
}
