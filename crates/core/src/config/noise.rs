//! The `drop` field: per-layer-input noise tokens (`none`, `b<p>`, `g<σ>`), their range checks and the
//! compressed canonical form.

use super::field::{items, shown, Field, Ops};
use super::table::{length_error, MAX_SIGMA};
use super::Config;
use crate::dropout::{LayerNoise, NoiseKind};
use crate::{Error, Result};

/// Full list, or one token when the input has no noise and every hidden layer the same.
pub(super) const DROP: Ops = Ops {
    write: write_drop,
    read: |f, c, t| {
        let layers = items(t).into_iter().map(|s| parse_noise(f, s));
        let layers = layers.collect::<Result<Vec<_>>>()?;
        let want = c.hidden.len() + 1;
        c.dropout.layers = match layers.len() {
            n if n == want => layers,
            1 => std::iter::once(LayerNoise::NONE)
                .chain(vec![layers[0]; want - 1])
                .collect(),
            n => return Err(length_error(f, n, want, "layer input")),
        };
        Ok(())
    },
    check: |f, c| {
        let want = c.hidden.len() + 1;
        if c.dropout.layers.len() != want {
            return Err(length_error(f, c.dropout.layers.len(), want, "layer input"));
        }
        c.dropout.layers.iter().try_for_each(|l| check_noise(f, l))
    },
    reset: |c| c.dropout.layers = vec![LayerNoise::NONE; c.hidden.len() + 1],
};

/// `none`, `b<p>` (Bernoulli keep probability) or `g<σ>` (Gaussian standard deviation), range-checked.
fn parse_noise(f: &Field, token: &str) -> Result<LayerNoise> {
    let number = |rest: &str| {
        rest.parse::<f64>()
            .map_err(|_| f.parse_error(token, "none, b<p> or g<σ>"))
    };
    let noise = if token == "none" {
        LayerNoise::NONE
    } else if let Some(rest) = token.strip_prefix('b') {
        LayerNoise::bernoulli(number(rest)?)
    } else if let Some(rest) = token.strip_prefix('g') {
        LayerNoise::gaussian(number(rest)?)
    } else {
        return Err(Error::Parse {
            field: f.key.into(),
            value: shown(token),
            reason: "expected none, b<p> with p in (0, 1] or g<σ> with σ in [0, 2]".into(),
        });
    };
    check_noise(f, &noise)?;
    Ok(noise)
}

/// Range, then canonical form: the parameter the kind does not use must hold its neutral value (keep_prob 1,
/// sigma 0), so that the query form is lossless.
fn check_noise(f: &Field, l: &LayerNoise) -> Result<()> {
    let (p, s) = (l.keep_prob, l.sigma);
    match l.kind {
        NoiseKind::Bernoulli if !(p > 0.0 && p <= 1.0) => Err(Error::out_of_range(
            f.key,
            "b<p> with p in (0, 1]",
            noise_token(l),
        )),
        NoiseKind::Gaussian if !(0.0..=MAX_SIGMA).contains(&s) => {
            let allowed = format!("g<σ> with σ in [0, {MAX_SIGMA}]");
            Err(Error::out_of_range(f.key, allowed, noise_token(l)))
        }
        NoiseKind::None | NoiseKind::Gaussian if p != 1.0 => {
            let msg = format!("{} noise must have keep_prob 1, not {p}", l.kind);
            Err(Error::invalid(f.key, msg))
        }
        NoiseKind::None | NoiseKind::Bernoulli if s != 0.0 => {
            let msg = format!("{} noise must have sigma 0, not {s}", l.kind);
            Err(Error::invalid(f.key, msg))
        }
        _ => Ok(()),
    }
}

fn noise_token(l: &LayerNoise) -> String {
    match l.kind {
        NoiseKind::None => "none".into(),
        NoiseKind::Bernoulli => format!("b{}", l.keep_prob),
        NoiseKind::Gaussian => format!("g{}", l.sigma),
    }
}

/// The full list, or one token when the input has no noise and every hidden layer has the same.
fn write_drop(c: &Config) -> String {
    let l = &c.dropout.layers;
    let compress = l.len() >= 2
        && l.len() == c.hidden.len() + 1
        && l[0] == LayerNoise::NONE
        && l[1..].windows(2).all(|w| w[0] == w[1]);
    let shown = if compress { &l[1..2] } else { &l[..] };
    shown.iter().map(noise_token).collect::<Vec<_>>().join(",")
}
