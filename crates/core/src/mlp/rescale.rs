//! Function-preserving rescalings of hidden units (the notes' "gradient descent under reparameterization"):
//! ReLU node rescaling, scaling the weights before a normalization layer, and the per-unit scales they use.

use super::Mlp;
use crate::rng::{normal, Rng};

/// Smallest uniform scale s of `rescale=s`.
pub const MIN_RESCALE: f64 = 0.01;
/// Largest uniform scale s of `rescale=s`.
pub const MAX_RESCALE: f64 = 100.0;
/// Largest spread σ of `rescale=random:σ` (log-normal scales e^(σ ε); σ = 2 spans about e^±4 ≈ ×55).
pub const MAX_RESCALE_SPREAD: f64 = 2.0;

/// How the initial network is rescaled (the `rescale` config key). Default: not at all.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Rescale {
    /// No rescaling (`none`).
    #[default]
    None,
    /// Every hidden unit by the same s > 0 (`<s>`, s in [[`MIN_RESCALE`], [`MAX_RESCALE`]]).
    Uniform(f64),
    /// Each hidden unit by its own s = e^(σ ε), ε ~ N(0, 1) (log-normal with median 1; `random:<σ>`, σ in
    /// [0, [`MAX_RESCALE_SPREAD`]]).
    Random(f64),
}

impl Rescale {
    /// The query form: `none`, the scale (`2`, `0.5`) or `random:<σ>`, numbers in shortest round-trip form.
    pub fn token(self) -> String {
        match self {
            Rescale::None => "none".into(),
            Rescale::Uniform(s) => format!("{s}"),
            Rescale::Random(sigma) => format!("random:{sigma}"),
        }
    }

    /// Parses [`Rescale::token`]'s form (no range check: `config.rs` checks). `None` when malformed.
    pub fn parse(text: &str) -> Option<Rescale> {
        let t = text.trim();
        if t == "none" {
            Some(Rescale::None)
        } else if let Some(sigma) = t.strip_prefix("random:") {
            sigma.parse().ok().map(Rescale::Random)
        } else {
            t.parse().ok().map(Rescale::Uniform)
        }
    }

    /// Whether the value is inside its documented range (`none` always is).
    pub fn in_range(self) -> bool {
        match self {
            Rescale::None => true,
            Rescale::Uniform(s) => (MIN_RESCALE..=MAX_RESCALE).contains(&s),
            Rescale::Random(sigma) => (0.0..=MAX_RESCALE_SPREAD).contains(&sigma),
        }
    }

    /// One scale per hidden unit, `[layer][unit]` for hidden widths `hidden`: all 1 for `None`, all s for
    /// `Uniform(s)`, e^(σ ε) for `Random(σ)` with ε drawn from `rng` layer by layer, unit by unit (only this
    /// variant draws).
    pub fn scales(self, hidden: &[usize], rng: &mut Rng) -> Vec<Vec<f64>> {
        hidden
            .iter()
            .map(|&units| match self {
                Rescale::None => vec![1.0; units],
                Rescale::Uniform(s) => vec![s; units],
                Rescale::Random(sigma) => (0..units).map(|_| (sigma * normal(rng)).exp()).collect(),
            })
            .collect()
    }
}

impl Mlp {
    /// Hidden widths (every layer but the output layer).
    pub fn hidden_widths(&self) -> Vec<usize> {
        let n = self.layers.len().saturating_sub(1);
        self.layers[..n].iter().map(|l| l.b.len()).collect()
    }

    /// Node rescaling: hidden unit i of hidden layer l (scale s = `scales[l][i]`, 1 where missing) gets its
    /// incoming weights (row i of W_l) and bias `b_l[i]` multiplied by s — or, when the layer is normalized, its
    /// γ_i and β_i, the affine output the activation sees — and its outgoing weights (column i of W_{l+1}) by
    /// 1/s. Since σ(s z) = s σ(z) for ReLU, leaky ReLU and linear units
    /// ([`super::Activation::is_positively_homogeneous`]), the function is unchanged for them (up to
    /// round-off), while the gradient is not: a parameter multiplied by a gets its gradient multiplied by 1/a
    /// (f(Aw) = f(w) but ∂f(Aw)/∂w ≠ ∂f(w)/∂w). Other activations change the function. Running averages are
    /// untouched.
    pub fn rescale_hidden(&self, scales: &[Vec<f64>]) -> Mlp {
        let mut out = self.clone();
        let n_hidden = out.layers.len().saturating_sub(1);
        for l in 0..n_hidden {
            let Some(layer_scales) = scales.get(l) else {
                continue;
            };
            for (i, &s) in layer_scales.iter().enumerate().take(out.layers[l].b.len()) {
                let layer = &mut out.layers[l];
                match layer.norm.as_mut() {
                    Some(norm) => {
                        norm.gamma[i] *= s;
                        norm.beta[i] *= s;
                    }
                    None => {
                        layer.w.row_mut(i).scale_mut(s);
                        layer.b[i] *= s;
                    }
                }
                out.layers[l + 1].w.column_mut(i).scale_mut(1.0 / s);
            }
        }
        out
    }

    /// Scaling the weights before a normalization layer: for every normalized hidden layer l, unit i gets its
    /// incoming weights and bias multiplied by s = `scales[l][i]` (1 where missing), its running mean by s and
    /// its running variance by s², so that the test-time statistics follow. Batch normalization divides the
    /// scale out again, so with ε = 0 the training-mode output is exactly unchanged for every activation, while
    /// those weights' gradient is multiplied by 1/s (the effective learning rate of SGD by 1/s²; Ioffe &
    /// Szegedy 2015, §3.3). With ε > 0 the output moves by O(ε / variance). Layers without normalization are
    /// untouched.
    pub fn scale_before_norm(&self, scales: &[Vec<f64>]) -> Mlp {
        let mut out = self.clone();
        for (layer, layer_scales) in out.layers.iter_mut().zip(scales) {
            let Some(norm) = layer.norm.as_mut() else {
                continue;
            };
            for (i, &s) in layer_scales.iter().enumerate().take(layer.b.len()) {
                layer.w.row_mut(i).scale_mut(s);
                layer.b[i] *= s;
                norm.running_mean[i] *= s;
                norm.running_var[i] *= s * s;
            }
        }
        out
    }

    /// The function-preserving rescaling that suits this network (what the `rescale` config key applies to
    /// the initial weights): [`Mlp::scale_before_norm`] when it has normalization layers, otherwise
    /// [`Mlp::rescale_hidden`] (function-preserving only for positively homogeneous activations).
    pub fn reparameterize(&self, scales: &[Vec<f64>]) -> Mlp {
        if self.has_batch_norm() {
            self.scale_before_norm(scales)
        } else {
            self.rescale_hidden(scales)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;

    #[test]
    fn tokens_round_trip_and_scales_have_the_documented_form() {
        for r in [Rescale::None, Rescale::Uniform(0.25), Rescale::Random(0.7)] {
            assert_eq!(Rescale::parse(&r.token()), Some(r));
        }
        assert_eq!(Rescale::parse("random:x"), None);
        assert_eq!(Rescale::parse("twice"), None);
        assert!(!Rescale::Uniform(0.0).in_range() && !Rescale::Random(2.5).in_range());
        let mut rng = seeded(1, 7);
        assert_eq!(
            Rescale::Uniform(3.0).scales(&[2, 1], &mut rng),
            vec![vec![3.0, 3.0], vec![3.0]]
        );
        let random = Rescale::Random(0.5).scales(&[400, 400], &mut rng);
        let logs: Vec<f64> = random.iter().flatten().map(|s| s.ln()).collect();
        let mean = logs.iter().sum::<f64>() / 800.0;
        let var = logs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 800.0;
        // log s ~ N(0, 0.25): se(mean) ≈ 0.018, se(var) ≈ 0.0125.
        assert!(
            mean.abs() < 0.07 && (var - 0.25).abs() < 0.05,
            "{mean} {var}"
        );
    }
}
