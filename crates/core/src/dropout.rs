//! Multiplicative noise on layer inputs: Bernoulli dropout (keep probability p) and Gaussian N(1, σ²) noise.

use crate::keyed_enum;
use crate::rng::{normal, uniform, Rng};
use crate::Matrix;

keyed_enum! {
    /// The kind of multiplicative noise on one layer's input.
    pub enum NoiseKind {
        None => ("none", "None", "No noise on this layer."),
        Bernoulli => ("bernoulli", "Bernoulli dropout", "Each unit kept with probability p (Z ~ Bernoulli(p)), else zeroed."),
        Gaussian => ("gaussian", "Gaussian noise", "Each unit multiplied by Z ~ N(1, σ²) (Gaussian dropout, Srivastava et al. 2014)."),
    }
}

keyed_enum! {
    /// Where the 1/p correction of Bernoulli dropout goes.
    pub enum DropoutScaling {
        Inverted => ("inverted", "Inverted (1/p in training)", "Training multiplies kept units by 1/p; test uses the network unchanged (PyTorch, Keras)."),
        WeightScaling => ("weight-scaling", "p·W at test (the notes)", "Training uses Z unscaled; test replaces Z by E[Z] = p, i.e. a = (pW)x (Hinton et al. 2012)."),
    }
}

/// Noise on one layer's *input*: index 0 of [`DropoutConfig::layers`] is the network input, index i the output of
/// hidden layer i.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerNoise {
    /// Which noise (none, Bernoulli, Gaussian).
    pub kind: NoiseKind,
    /// Keep probability p of Bernoulli dropout, in (0, 1]; p = 1 keeps every unit. Default 1.
    pub keep_prob: f64,
    /// Standard deviation σ ≥ 0 of Gaussian noise N(1, σ²). Default 0.
    pub sigma: f64,
}

impl LayerNoise {
    /// No noise on this layer.
    pub const NONE: LayerNoise = LayerNoise {
        kind: NoiseKind::None,
        keep_prob: 1.0,
        sigma: 0.0,
    };

    /// Bernoulli dropout keeping each unit with probability `keep_prob` (σ at its neutral 0).
    pub const fn bernoulli(keep_prob: f64) -> LayerNoise {
        LayerNoise {
            kind: NoiseKind::Bernoulli,
            keep_prob,
            sigma: 0.0,
        }
    }

    /// Gaussian multiplicative noise N(1, σ²) (keep probability at its neutral 1).
    pub const fn gaussian(sigma: f64) -> LayerNoise {
        LayerNoise {
            kind: NoiseKind::Gaussian,
            keep_prob: 1.0,
            sigma,
        }
    }
}

/// Dropout for a whole network: one [`LayerNoise`] per layer input (input layer + each hidden layer).
#[derive(Debug, Clone, PartialEq)]
pub struct DropoutConfig {
    /// Length = number of hidden layers + 1; entry 0 is the network input.
    pub layers: Vec<LayerNoise>,
    /// Where Bernoulli dropout's 1/p correction goes (training or test time).
    pub scaling: DropoutScaling,
}

impl DropoutConfig {
    /// No noise anywhere, for a network with `hidden_layers` hidden layers.
    pub fn none(hidden_layers: usize) -> Self {
        DropoutConfig {
            layers: vec![LayerNoise::NONE; hidden_layers + 1],
            scaling: DropoutScaling::Inverted,
        }
    }
}

/// Raw multiplicative noise, one entry per layer input (index 0 = network input): Z ∈ {0, 1} for Bernoulli
/// dropout, Z ~ N(1, σ²) for Gaussian noise, units × batch (one independent draw per sample and unit, as in the
/// notes: "for each data point i independently sample noises z_i"); `None` = no noise on that input.
pub type Masks = Vec<Option<Matrix>>;

impl LayerNoise {
    /// E[Z] of this layer's raw noise: p for Bernoulli, 1 for Gaussian (N(1, σ²)) and for none.
    pub fn mean(&self) -> f64 {
        match self.kind {
            NoiseKind::Bernoulli => self.keep_prob,
            NoiseKind::None | NoiseKind::Gaussian => 1.0,
        }
    }

    /// Train-time factor c multiplying the masked input h ⊙ Z: 1/p for Bernoulli with
    /// [`DropoutScaling::Inverted`] (so E[cZ] = 1; PyTorch `nn.Dropout`, Keras), 1 otherwise.
    pub fn train_factor(&self, scaling: DropoutScaling) -> f64 {
        match (self.kind, scaling) {
            (NoiseKind::Bernoulli, DropoutScaling::Inverted) => 1.0 / self.keep_prob,
            _ => 1.0,
        }
    }

    /// Test-time factor s replacing c·Z by its expectation, s = c · E[Z]: p for Bernoulli with
    /// [`DropoutScaling::WeightScaling`] (a = W(x ⊙ E[Z]) = (pW)x, the notes / Hinton et al. 2012; for every p,
    /// not only 0.5), 1 otherwise (inverted dropout: (1/p)·p = 1; Gaussian: E[Z] = 1).
    pub fn test_factor(&self, scaling: DropoutScaling) -> f64 {
        match (self.kind, scaling) {
            (NoiseKind::Bernoulli, DropoutScaling::WeightScaling) => self.keep_prob,
            _ => 1.0,
        }
    }
}

/// Draws fresh masks for one batch: for each entry of `cfg.layers`, a units × `batch` matrix with
/// `units = widths[l]` (`widths` = [input, hidden...]; extra entries such as the output width from
/// [`crate::mlp::Mlp::widths`] are ignored). Bernoulli: Z = 1 if u < p else 0 with u ~ U[0, 1), so P(Z = 1) = p
/// and p = 1 gives all ones; Gaussian: Z = 1 + σ ε, ε ~ N(0, 1) (σ = 0 gives all ones); none: `None`, and no
/// draws. Draws are column-major (sample by sample), so a fixed `rng` state gives fixed masks.
pub fn sample_masks(cfg: &DropoutConfig, widths: &[usize], batch: usize, rng: &mut Rng) -> Masks {
    debug_assert!(
        widths.len() >= cfg.layers.len(),
        "one width per noisy layer input"
    );
    cfg.layers
        .iter()
        .enumerate()
        .map(|(l, noise)| {
            let units = widths.get(l).copied().unwrap_or(0);
            match noise.kind {
                NoiseKind::None => None,
                NoiseKind::Bernoulli => {
                    let p = noise.keep_prob;
                    Some(Matrix::from_fn(units, batch, |_, _| {
                        if uniform(rng) < p {
                            1.0
                        } else {
                            0.0
                        }
                    }))
                }
                NoiseKind::Gaussian => Some(Matrix::from_fn(units, batch, |_, _| {
                    1.0 + noise.sigma * normal(rng)
                })),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Keyed;
    use crate::rng::seeded;

    #[test]
    fn test_factor_is_the_mean_of_the_train_time_noise() {
        for &kind in NoiseKind::ALL {
            for &scaling in DropoutScaling::ALL {
                for &p in &[0.1, 0.3, 0.5, 0.8, 1.0] {
                    let noise = LayerNoise {
                        kind,
                        keep_prob: p,
                        sigma: 0.7,
                    };
                    let expected = noise.train_factor(scaling) * noise.mean();
                    assert!(
                        (noise.test_factor(scaling) - expected).abs() < 1e-15,
                        "{kind} {scaling} p={p}"
                    );
                }
            }
        }
    }

    #[test]
    fn shapes_and_none_layers() {
        let cfg = DropoutConfig {
            layers: vec![
                LayerNoise {
                    kind: NoiseKind::Bernoulli,
                    keep_prob: 0.5,
                    sigma: 0.0,
                },
                LayerNoise::NONE,
                LayerNoise {
                    kind: NoiseKind::Gaussian,
                    keep_prob: 1.0,
                    sigma: 0.3,
                },
            ],
            scaling: DropoutScaling::Inverted,
        };
        let masks = sample_masks(&cfg, &[2, 5, 3, 1], 7, &mut seeded(1, 4));
        assert_eq!(masks.len(), 3);
        assert_eq!(masks[0].as_ref().map(|m| m.shape()), Some((2, 7)));
        assert!(masks[1].is_none());
        assert_eq!(masks[2].as_ref().map(|m| m.shape()), Some((3, 7)));
        assert!(masks[0].iter().flatten().all(|&z| z == 0.0 || z == 1.0));
    }
}
