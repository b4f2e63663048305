//! The reparameterization fields of the network: normalization (`bn`) and the rescaling of the initial
//! weights (`rescale`), with the check that a node rescaling keeps the function.

use super::field::{shown, Field, Ops};
use super::Config;
use crate::mlp::{Norm, Rescale, MAX_RESCALE, MAX_RESCALE_SPREAD, MIN_RESCALE};
use crate::{Error, Result};

/// Largest weight-noise σ (`wnoise`).
pub const MAX_WEIGHT_NOISE: f64 = 1.0;

/// `rescale`: `none`, `<s>` or `random:<σ>`.
pub(super) const RESCALE: Ops = Ops {
    write: |c| c.rescale.token(),
    read: |f, c, t| {
        c.rescale = Rescale::parse(t).ok_or_else(|| Error::Parse {
            field: f.key.into(),
            value: shown(t),
            reason: format!(
                "expected none, a scale s in [{MIN_RESCALE}, {MAX_RESCALE}] or random:σ with σ in [0, \
                 {MAX_RESCALE_SPREAD}]"
            ),
        })?;
        check_rescale(f, c)
    },
    check: check_rescale,
    reset: |c| c.rescale = Rescale::None,
};

/// Range, then fit: without normalization every hidden activation must be positively homogeneous.
fn check_rescale(f: &Field, c: &Config) -> Result<()> {
    match c.rescale {
        Rescale::Uniform(_) if !c.rescale.in_range() => {
            let allowed = format!("a scale s in [{MIN_RESCALE}, {MAX_RESCALE}]");
            return Err(Error::out_of_range(f.key, allowed, c.rescale.token()));
        }
        Rescale::Random(_) if !c.rescale.in_range() => {
            let allowed = format!("random:σ with σ in [0, {MAX_RESCALE_SPREAD}]");
            return Err(Error::out_of_range(f.key, allowed, c.rescale.token()));
        }
        Rescale::None => return Ok(()),
        _ => {}
    }
    if c.norm == Norm::Hidden {
        return Ok(());
    }
    match c
        .activations
        .iter()
        .enumerate()
        .find(|(_, a)| !a.is_positively_homogeneous())
    {
        Some((l, a)) => Err(Error::invalid(
            f.key,
            format!(
                "rescaling by {} keeps the function only for relu, leaky-relu or linear hidden layers, and \
                 hidden layer {} uses {a}; choose one of those, or bn=hidden (then the weights before each \
                 normalization are scaled, for any activation)",
                c.rescale.token(),
                l + 1
            ),
        )),
        None => Ok(()),
    }
}
