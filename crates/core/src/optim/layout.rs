//! Parameter layout: how the flat parameter vector splits into tensors, for blocks that work per layer.

use std::ops::Range;

/// How the flat parameter vector is grouped, for blocks that act per group (per-layer normalization,
/// LARS-style trust ratios) or need the network shape (Path-SGD).
///
/// Default (from [`Layout::flat`]): one group covering every parameter and no shape, so "per group" equals
/// "global". [`Layout::mlp`] gives one group per tensor (W₁, b₁, W₂, b₂, …) in the order of `Mlp::params`.
/// Groups are expected to be disjoint, sorted and to cover `0..n`; blocks ignore indices outside `0..n`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    /// Index ranges of the flat vector, one per group (tensor).
    pub groups: Vec<Range<usize>>,
    /// Layer widths `[input, hidden…, output]` when the parameters belong to an MLP; empty otherwise.
    pub widths: Vec<usize>,
}

impl Layout {
    /// One group `0..n`, no shape: every per-group block then acts globally.
    pub fn flat(n: usize) -> Layout {
        Layout {
            groups: std::iter::once(0..n).collect(),
            widths: Vec::new(),
        }
    }

    /// One group per tensor of an MLP with these widths, in `Mlp::params` order: W₁ (out × in, column-major),
    /// b₁, W₂, b₂, … A width list shorter than 2 gives an empty layout.
    pub fn mlp(widths: &[usize]) -> Layout {
        let mut groups = Vec::new();
        let mut start = 0;
        for pair in widths.windows(2) {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            groups.push(start..start + fan_in * fan_out);
            start += fan_in * fan_out;
            groups.push(start..start + fan_out);
            start += fan_out;
        }
        Layout {
            groups,
            widths: widths.to_vec(),
        }
    }

    /// Number of parameters covered (end of the last group, 0 if none).
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.end).max().unwrap_or(0)
    }

    /// True when no group is declared.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}
