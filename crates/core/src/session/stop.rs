//! The stop-at condition (`stop`): when a run stops by itself.

use super::Session;
use crate::config::StopAt;

impl Session {
    /// Whether the stop-at condition (`stop`) has been reached: [`Session::step`] then takes no step until
    /// [`Session::set_live`] changes the condition (or the page makes a new session).
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Whether the stop-at condition holds now: epoch ≥ N (in integers: step · batch ≥ N · train size), or
    /// the last loss record's training loss ≤ L.
    pub(super) fn stop_reached(&self) -> bool {
        match self.config.stop {
            StopAt::Never => false,
            StopAt::Epochs(n) => {
                let train_n = self.data.train.len();
                let batch = self.config.batch_size.min(train_n).max(1);
                train_n > 0
                    && u128::from(self.step) * batch as u128 >= u128::from(n) * train_n as u128
            }
            StopAt::Loss(l) => self.history.last().is_some_and(|p| p.train_loss <= l),
        }
    }
}
