//! Native training throughput on the WORKLOADS.md workloads (T1: batch 10, T1b: batch 100), one core.
//!
//! Run with `cargo bench -p saddle-core --bench throughput` (or `./scripts/bench.sh`, which also runs the browser
//! side). Prints one JSON line per workload so the bench script can tabulate it.

use saddle_core::workloads::{measure, SpiralSgd};
use std::time::Instant;

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
    for (name, batch) in [("T1", 10), ("T1b", 100)] {
        if !filter.is_empty() && !filter.iter().any(|f| f == name) {
            continue;
        }
        let mut workload = SpiralSgd::new(batch);
        let first_loss = workload.run(10);
        let t = measure(
            &now,
            &mut |k| {
                workload.run(k);
            },
            batch,
            0.5,
            2.0,
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
