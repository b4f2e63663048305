//! Native training throughput on the WORKLOADS.md workloads (T1: batch 10, T1b: batch 100, T2: the 784-256-784
//! dropout autoencoder, batch 64), one core.
//!
//! Run with `cargo bench -p saddle-core --bench throughput [T1|T1b|T2...]` (or `./scripts/bench.sh`, which also
//! runs the browser side). Prints one JSON line per workload so the bench script can tabulate it.
//! `SADDLE_BENCH_WARMUP` / `SADDLE_BENCH_WINDOW` (seconds) shorten the protocol for smoke runs.

use saddle_core::workloads::{measure, Autoencoder, SpiralSgd};
use std::time::Instant;

/// A workload as the bench sees it: samples per step and `run(k)` = k steps returning the mean loss.
trait Workload {
    fn samples_per_step(&self) -> usize;
    fn run(&mut self, steps: u32) -> f64;
}

impl Workload for SpiralSgd {
    fn samples_per_step(&self) -> usize {
        self.batch
    }
    fn run(&mut self, steps: u32) -> f64 {
        SpiralSgd::run(self, steps)
    }
}

impl Workload for Autoencoder {
    fn samples_per_step(&self) -> usize {
        self.batch
    }
    fn run(&mut self, steps: u32) -> f64 {
        Autoencoder::run(self, steps)
    }
}

/// Builds a workload (data and network) before timing.
type MakeWorkload = fn() -> Box<dyn Workload>;

fn main() {
    // `cargo bench` passes `--bench`; a name filter may follow.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let epoch = Instant::now();
    let now = || epoch.elapsed().as_secs_f64();
    // bench/run.mjs shortens the windows for its --quick smoke mode.
    let env = |name: &str, default: f64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (warmup, window) = (
        env("SADDLE_BENCH_WARMUP", 0.5),
        env("SADDLE_BENCH_WINDOW", 2.0),
    );
    let workloads: [(&str, MakeWorkload); 3] = [
        ("T1", || Box::new(SpiralSgd::new(10))),
        ("T1b", || Box::new(SpiralSgd::new(100))),
        ("T2", || Box::new(Autoencoder::new())),
    ];
    for (name, make) in workloads {
        if !filter.is_empty() && !filter.iter().any(|f| f == name) {
            continue;
        }
        let mut workload = make();
        let first_loss = workload.run(10);
        let samples = workload.samples_per_step();
        let t = measure(
            &now,
            &mut |k| {
                workload.run(k);
            },
            samples,
            warmup,
            window,
            3,
        );
        let last_loss = workload.run(10);
        let (min, max) = t.min_max();
        println!(
            "{{\"workload\":\"{name}\",\"runtime\":\"native\",\"median\":{:.0},\"min\":{min:.0},\"max\":{max:.0},\"firstLoss\":{first_loss:.4},\"lastLoss\":{last_loss:.4}}}",
            t.median()
        );
    }
}
