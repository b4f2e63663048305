//! Editing the network by hand: flat parameter indices of a weight or bias, one-parameter edits recorded
//! into the config (so the URL replays them), and the parameters frozen into a link.

use super::Session;
use crate::codec::base64url_encode;
use crate::config::{check_edit, encode_weights, WeightEdit, MAX_EDITS};
use crate::{Error, Result};

impl Session {
    /// Flat parameter index of `W[layer][to][from]`: `layer` 0 is the first hidden layer (the last is the output
    /// layer), `from` a unit of that layer's input, `to` one of its units. W is stored column-major, so the
    /// index is offset(layer) + from · out + to. `None` when any index is out of range.
    pub fn weight_index(&self, layer: usize, to: usize, from: usize) -> Option<usize> {
        let (offset, l) = self.layer_offset(layer)?;
        let (out, inp) = l.w.shape();
        (to < out && from < inp).then_some(offset + from * out + to)
    }

    /// Flat parameter index of the bias `b[layer][to]` (after the layer's weights). `None` when out of range.
    pub fn bias_index(&self, layer: usize, to: usize) -> Option<usize> {
        let (offset, l) = self.layer_offset(layer)?;
        (to < l.b.len()).then_some(offset + l.w.len() + to)
    }

    fn layer_offset(&self, layer: usize) -> Option<(usize, &crate::mlp::Layer)> {
        let l = self.mlp.layers.get(layer)?;
        let offset = self.mlp.layers[..layer]
            .iter()
            .map(|l| l.w.len() + l.b.len())
            .sum();
        Some((offset, l))
    }

    /// Sets parameter `index` (flat order) to `value` now, rounded to f32 as the network trains in f32, in
    /// both the training net and the f64 reference; the optimizer state is kept. The edit is recorded into
    /// the config's `edits` at the current step, so `config().to_query()` replays it. Errors
    /// ([`Error::OutOfRange`], field `weight`): index ≥ parameter count, value not finite or |value| > 100,
    /// or more than [`MAX_EDITS`] edits.
    pub fn set_weight(&mut self, index: usize, value: f64) -> Result<()> {
        let count = self.mlp.param_count();
        check_edit(
            "weight",
            count,
            index,
            value,
            &format!("{value} at index {index}"),
        )?;
        if self.config.edits.len() >= MAX_EDITS {
            let allowed = format!("at most {MAX_EDITS} edits");
            return Err(Error::out_of_range(
                "weight",
                allowed,
                self.config.edits.len() + 1,
            ));
        }
        let edit = WeightEdit {
            step: self.step,
            index,
            value: value as f32,
        };
        self.set_param(index, edit.value);
        let at = self.config.record_edit(edit);
        // Edits later in step order (from the URL) are still to come; the new one is already applied.
        if at <= self.applied_edits {
            self.applied_edits += 1;
        }
        Ok(())
    }

    /// Applies the config's edits recorded for the current step (after each step's record and stop check).
    /// `stale`: the f64 reference lags the net (inside [`Session::step`]) and must be synced first.
    pub(super) fn apply_due_edits(&mut self, stale: bool) {
        while let Some(&e) = self.config.edits.get(self.applied_edits) {
            if e.step > self.step {
                break;
            }
            if e.step == self.step {
                if stale {
                    self.trainer.sync(&mut self.mlp);
                }
                self.set_param(e.index, e.value);
            }
            self.applied_edits += 1;
        }
    }

    /// Writes one parameter into the f64 model (which mirrors the fast net) and loads it into the trainer.
    fn set_param(&mut self, index: usize, value: f32) {
        let mut p = self.mlp.params();
        if let Some(slot) = p.get_mut(index) {
            *slot = f64::from(value);
            self.mlp.set_params(&p);
            self.trainer.load(&self.mlp);
        }
    }

    /// The current parameters as the `weights=` value ("freeze weights into the link"): base64url (no
    /// padding) of the f32 little-endian parameters in flat order (with `bn`, γ and β after every W, b; the
    /// running averages are state and are not frozen, so a frozen normalized network starts them afresh). A
    /// link that freezes these should drop `rescale`, or the loaded weights are rescaled once more.
    pub fn frozen_weights(&self) -> String {
        base64url_encode(&encode_weights(&self.trainer.params_f32(&self.mlp)))
    }
}
