//! Dropout noise for the fast trainer: per layer input, the f32 factors c·Z drawn into reused buffers with the
//! exact draw sequence of [`crate::dropout::sample_masks`], or copied from given f64 masks.

use crate::dropout::{DropoutConfig, Masks, NoiseKind};
use crate::rng::{normal, uniform, Rng};

/// The multiplicative noise of every layer input for one batch: `factors[l]` is c·Z (units × batch,
/// column-major) with the raw noise Z of `dropout.rs` and its train-time factor c
/// ([`crate::dropout::LayerNoise::train_factor`]: 1/p for inverted Bernoulli dropout, else 1).
#[derive(Debug, Clone, Default)]
pub struct Noise {
    /// Whether layer input l is noisy; a clean input ignores its buffer.
    active: Vec<bool>,
    /// Whether layer input l's factors may contain zeros (Bernoulli dropout), which makes that input sparse.
    zeros: Vec<bool>,
    /// The factors c·Z per layer input (buffers are kept and reused across batches).
    factors: Vec<Vec<f32>>,
}

impl Noise {
    /// No noise on any of `inputs` layer inputs.
    pub fn clean(inputs: usize) -> Noise {
        Noise {
            active: vec![false; inputs],
            zeros: vec![false; inputs],
            factors: vec![Vec::new(); inputs],
        }
    }

    /// The factors of layer input `l` when it is noisy.
    pub fn factors(&self, l: usize) -> Option<&[f32]> {
        match self.active.get(l) {
            Some(true) => self.factors.get(l).map(Vec::as_slice),
            _ => None,
        }
    }

    /// Whether layer input `l` is noisy with factors that can be zero (dropped units).
    pub fn may_zero(&self, l: usize) -> bool {
        self.factors(l).is_some() && self.zeros.get(l).copied().unwrap_or(false)
    }

    /// Clears every layer's noise (a clean forward pass).
    pub fn clear(&mut self) {
        self.active.fill(false);
    }

    /// Draws fresh noise for a batch, consuming `rng` exactly as [`crate::dropout::sample_masks`] does (same
    /// layers, same column-major order, same tests: Bernoulli Z = 1 if u < p with u ~ U[0, 1) in f64; Gaussian
    /// Z = 1 + σ ε), so a session draws the same masks on either path. `widths` = [input, hidden...].
    pub fn draw(&mut self, dropout: &DropoutConfig, widths: &[usize], batch: usize, rng: &mut Rng) {
        for l in 0..self.active.len() {
            let noise = dropout.layers.get(l);
            let kind = noise.map_or(NoiseKind::None, |n| n.kind);
            self.active[l] = kind != NoiseKind::None;
            let Some(noise) = noise.filter(|_| self.active[l]) else {
                continue;
            };
            let c = noise.train_factor(dropout.scaling);
            self.zeros[l] = kind == NoiseKind::Bernoulli;
            let buf = &mut self.factors[l];
            buf.resize(widths.get(l).copied().unwrap_or(0) * batch, 0.0);
            match kind {
                NoiseKind::Bernoulli => {
                    let (p, kept) = (noise.keep_prob, c as f32);
                    for f in buf.iter_mut() {
                        *f = if uniform(rng) < p { kept } else { 0.0 };
                    }
                }
                NoiseKind::Gaussian => {
                    for f in buf.iter_mut() {
                        *f = (c * (1.0 + noise.sigma * normal(rng))) as f32;
                    }
                }
                NoiseKind::None => {}
            }
        }
    }

    /// Sets the noise from raw f64 masks (tests, fixed-mask evaluation): factors c·Z for every `Some` mask.
    pub fn set(&mut self, dropout: &DropoutConfig, masks: &Masks) {
        for l in 0..self.active.len() {
            match masks.get(l) {
                Some(Some(z)) => {
                    let c = dropout
                        .layers
                        .get(l)
                        .map_or(1.0, |n| n.train_factor(dropout.scaling));
                    self.active[l] = true;
                    self.factors[l].clear();
                    self.factors[l].extend(z.iter().map(|&v| (c * v) as f32));
                    self.zeros[l] = self.factors[l].contains(&0.0);
                }
                _ => self.active[l] = false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropout::{sample_masks, DropoutScaling, LayerNoise};
    use crate::rng::seeded;

    #[test]
    fn draws_the_same_masks_as_the_f64_sampler() {
        for scaling in [DropoutScaling::Inverted, DropoutScaling::WeightScaling] {
            let dropout = DropoutConfig {
                layers: vec![
                    LayerNoise {
                        kind: NoiseKind::Gaussian,
                        keep_prob: 1.0,
                        sigma: 0.4,
                    },
                    LayerNoise::NONE,
                    LayerNoise {
                        kind: NoiseKind::Bernoulli,
                        keep_prob: 0.7,
                        sigma: 0.0,
                    },
                ],
                scaling,
            };
            let widths = [3, 5, 4, 2];
            let masks = sample_masks(&dropout, &widths, 6, &mut seeded(9, 1));
            let mut noise = Noise::clean(3);
            let mut rng = seeded(9, 1);
            noise.draw(&dropout, &widths, 6, &mut rng);
            for (l, mask) in masks.iter().enumerate() {
                match mask {
                    None => assert!(noise.factors(l).is_none()),
                    Some(z) => {
                        let c = dropout.layers[l].train_factor(scaling);
                        let f = noise.factors(l).unwrap_or(&[]);
                        assert_eq!(f.len(), z.len());
                        for (a, b) in f.iter().zip(z.iter()) {
                            assert_eq!(*a, (c * b) as f32, "layer {l}");
                        }
                    }
                }
            }
            // Both consumed the same number of draws.
            use rand::RngExt;
            let mut reference = seeded(9, 1);
            sample_masks(&dropout, &widths, 6, &mut reference);
            assert_eq!(rng.random::<u64>(), reference.random::<u64>());
        }
    }
}
