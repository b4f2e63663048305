//! A trajectory's memory with bounded size: the path (decimated by doubling the stride when full, so a run of
//! any length keeps at most [`MAX_TRAIL`] points spread over its whole history) and the last [`CLOUD_LEN`]
//! iterates exactly (the "cloud" of a noisy method).

use std::collections::VecDeque;

use super::functions::P2;

/// Most path points kept per trajectory.
pub const MAX_TRAIL: usize = 2048;
/// Iterates kept for the cloud view.
pub const CLOUD_LEN: usize = 400;

/// One recorded iterate: step, position in x and f there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrailPoint {
    pub step: u64,
    pub x: P2,
    pub f: f64,
}

/// The decimated path and the recent iterates of one trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    points: Vec<TrailPoint>,
    /// Points are kept at steps that are multiples of `stride` (a power of two).
    stride: u64,
    cloud: VecDeque<P2>,
    last: TrailPoint,
}

impl Trail {
    /// A trail starting at `start` (step 0).
    pub fn new(start: TrailPoint) -> Trail {
        let mut cloud = VecDeque::with_capacity(CLOUD_LEN);
        cloud.push_back(start.x);
        Trail {
            points: vec![start],
            stride: 1,
            cloud,
            last: start,
        }
    }

    /// Records the iterate of a new step.
    pub fn push(&mut self, p: TrailPoint) {
        self.last = p;
        if self.cloud.len() == CLOUD_LEN {
            self.cloud.pop_front();
        }
        self.cloud.push_back(p.x);
        if !p.step.is_multiple_of(self.stride) {
            return;
        }
        if self.points.len() == MAX_TRAIL {
            self.stride *= 2;
            let stride = self.stride;
            self.points.retain(|q| q.step.is_multiple_of(stride));
            if !p.step.is_multiple_of(stride) {
                return;
            }
        }
        self.points.push(p);
    }

    /// The kept path points in step order, ending with the latest iterate (which may not be a kept point).
    pub fn path(&self) -> impl Iterator<Item = &TrailPoint> + '_ {
        let tail = (self.points.last() != Some(&self.last)).then_some(&self.last);
        self.points.iter().chain(tail)
    }

    /// The last [`CLOUD_LEN`] iterates, oldest first.
    pub fn cloud(&self) -> impl Iterator<Item = &P2> + '_ {
        self.cloud.iter()
    }

    /// The latest iterate.
    pub fn last(&self) -> TrailPoint {
        self.last
    }

    /// Current spacing of kept points, in steps.
    pub fn stride(&self) -> u64 {
        self.stride
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(step: u64) -> TrailPoint {
        TrailPoint {
            step,
            x: [step as f64, 0.0],
            f: 1.0,
        }
    }

    #[test]
    fn long_runs_stay_bounded_and_span_the_whole_history() {
        let mut t = Trail::new(pt(0));
        for s in 1..=100_000 {
            t.push(pt(s));
        }
        let path: Vec<u64> = t.path().map(|p| p.step).collect();
        assert!(path.len() <= MAX_TRAIL + 1, "{}", path.len());
        assert!(path.len() > MAX_TRAIL / 2);
        assert_eq!(path.first(), Some(&0));
        assert_eq!(path.last(), Some(&100_000));
        assert!(path.windows(2).all(|w| w[0] < w[1]));
        // Evenly spaced except the tail.
        let stride = t.stride();
        assert!(path[..path.len() - 1].iter().all(|s| s % stride == 0));
        let cloud: Vec<f64> = t.cloud().map(|p| p[0]).collect();
        assert_eq!(cloud.len(), CLOUD_LEN);
        assert_eq!(cloud.last(), Some(&100_000.0));
    }

    #[test]
    fn short_runs_keep_every_step() {
        let mut t = Trail::new(pt(0));
        for s in 1..=10 {
            t.push(pt(s));
        }
        assert_eq!(t.path().count(), 11);
        assert_eq!(t.cloud().count(), 11);
    }
}
