//! A fixed number of training steps of one WORKLOADS.md workload, untimed: the driver for instruction counts
//! (`valgrind --tool=callgrind`), which stay repeatable on a loaded machine where wall-clock windows do not.
//!
//! `cargo run --release -p saddle-core --example steps -- T1 200000` (T1, T1b or T2; steps default 100000).
//! Prints the mean loss of the last 10 steps so the run can be checked; divide the instruction count of a
//! run by its steps after subtracting a run with 0 steps (the setup).

use saddle_core::workloads::{Autoencoder, SpiralSgd};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("T1", String::as_str);
    let steps: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut run: Box<dyn FnMut(u32) -> f64> = match name {
        "T1" => {
            let mut w = SpiralSgd::new(10);
            Box::new(move |k| w.run(k))
        }
        "T1b" => {
            let mut w = SpiralSgd::new(100);
            Box::new(move |k| w.run(k))
        }
        "T2" => {
            let mut w = Autoencoder::new();
            Box::new(move |k| w.run(k))
        }
        other => {
            eprintln!("unknown workload {other}: T1, T1b or T2");
            std::process::exit(2);
        }
    };
    run(steps);
    println!(
        "{name}: {steps} steps, mean loss of the next 10: {:.6}",
        run(10)
    );
}
