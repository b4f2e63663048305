//! The flat parameter vector: every layer's W (column-major) and b, then every normalization layer's γ and β.

use super::Mlp;
use crate::optim::Layout;
use crate::Vector;

impl Mlp {
    /// Number of trainable parameters: Σ_l out_l · (in_l + 1), plus 2 · units for every normalization layer (γ
    /// and β; the running averages are state, not parameters).
    pub fn param_count(&self) -> usize {
        self.affine_param_count()
            + self
                .layers
                .iter()
                .filter_map(|l| l.norm.as_ref())
                .map(|n| 2 * n.units())
                .sum::<usize>()
    }

    /// Number of W and b entries, Σ_l out_l · (in_l + 1): where the normalization parameters start.
    pub fn affine_param_count(&self) -> usize {
        self.layers.iter().map(|l| l.w.len() + l.b.len()).sum()
    }

    /// All parameters as one flat vector in the order W1 (column-major, i.e. `w.as_slice()`), b1, W2, b2, ...,
    /// then for each normalized hidden layer in order γ_l, β_l. The affine parameters come first so that their
    /// indices (weight edits, frozen weights, the f32 fast path) do not depend on normalization. Gradients from
    /// [`Mlp::loss_and_grad`] use the same order.
    pub fn params(&self) -> Vector {
        let mut p = Vec::with_capacity(self.param_count());
        for layer in &self.layers {
            p.extend_from_slice(layer.w.as_slice());
            p.extend_from_slice(layer.b.as_slice());
        }
        for norm in self.layers.iter().filter_map(|l| l.norm.as_ref()) {
            p.extend_from_slice(norm.gamma.as_slice());
            p.extend_from_slice(norm.beta.as_slice());
        }
        Vector::from_vec(p)
    }

    /// Overwrites all parameters from a flat vector in the [`Mlp::params`] order. `p` must have
    /// [`Mlp::param_count`] entries (debug-asserted); a shorter vector leaves the remaining parameters unchanged.
    pub fn set_params(&mut self, p: &Vector) {
        debug_assert_eq!(p.len(), self.param_count(), "set_params: wrong length");
        let mut values = p.iter().copied();
        for layer in &mut self.layers {
            for (dst, src) in layer
                .w
                .iter_mut()
                .chain(layer.b.iter_mut())
                .zip(&mut values)
            {
                *dst = src;
            }
        }
        for norm in self.layers.iter_mut().filter_map(|l| l.norm.as_mut()) {
            for (dst, src) in norm
                .gamma
                .iter_mut()
                .chain(norm.beta.iter_mut())
                .zip(&mut values)
            {
                *dst = src;
            }
        }
    }

    /// Per layer, the flat index of its γ (β follows after `units` entries), or `None` without normalization.
    pub fn norm_offsets(&self) -> Vec<Option<usize>> {
        let mut at = self.affine_param_count();
        self.layers
            .iter()
            .map(|l| {
                l.norm.as_ref().map(|n| {
                    let start = at;
                    at += 2 * n.units();
                    start
                })
            })
            .collect()
    }

    /// The optimizer [`Layout`] of this network: one group per tensor in the flat order (W₁, b₁, …, W_L, b_L,
    /// then γ, β of each normalized layer) and the layer widths.
    pub fn layout(&self) -> Layout {
        let mut layout = Layout::mlp(&self.widths());
        let mut at = self.affine_param_count();
        for norm in self.layers.iter().filter_map(|l| l.norm.as_ref()) {
            for _ in 0..2 {
                layout.groups.push(at..at + norm.units());
                at += norm.units();
            }
        }
        layout
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Activation, Init, MlpSpec};
    use super::*;
    use crate::loss::Head;
    use crate::rng::seeded;

    #[test]
    fn norm_parameters_follow_every_affine_one() {
        let spec = MlpSpec {
            input_dim: 2,
            hidden: vec![3, 4],
            activations: vec![Activation::Relu],
            output_dim: 1,
            head: Head::SigmoidBce,
            init: Init::He,
        };
        let plain = Mlp::new(&spec, &mut seeded(1, 0));
        let mut mlp = plain.clone().with_batch_norm();
        let n = plain.param_count();
        assert_eq!(mlp.param_count(), n + 2 * (3 + 4));
        assert_eq!(mlp.params().rows(0, n), plain.params().rows(0, n));
        assert_eq!(mlp.norm_offsets(), vec![Some(n), Some(n + 6), None]);
        let bumped = mlp.params().map(|v| v + 0.5);
        mlp.set_params(&bumped);
        assert_eq!(mlp.params(), bumped);
        let norm = mlp.layers[1].norm.as_ref().expect("normalized");
        assert_eq!(norm.gamma[0], bumped[n + 6]);
        assert_eq!(norm.beta[3], bumped[n + 13]);
        let layout = mlp.layout();
        assert_eq!(layout.groups.len(), 6 + 4);
        assert_eq!(layout.len(), mlp.param_count());
    }
}
