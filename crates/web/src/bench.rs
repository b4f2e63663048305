//! Browser side of the throughput benchmark: runs a WORKLOADS.md workload under the shared protocol, timed with
//! `performance.now()`, and returns the windows as JSON (the bench page prints them; see `bench/run.mjs`).

use saddle_core::workloads::{measure, Autoencoder, SpiralSgd};
use wasm_bindgen::prelude::*;

/// Runs T1 (`batch` = 10) or T1b (`batch` = 100) for a warm-up of `warmup_s` seconds and three windows of
/// `window_s` seconds; returns `{"median","min","max","windows":[..],"firstLoss","lastLoss"}` (samples/s).
#[wasm_bindgen(js_name = benchSpiralSgd)]
pub fn bench_spiral_sgd(batch: usize, warmup_s: f64, window_s: f64) -> Result<String, JsError> {
    let mut workload = SpiralSgd::new(batch);
    let batch = workload.batch;
    bench("benchSpiralSgd", batch, warmup_s, window_s, |k| {
        workload.run(k)
    })
}

/// Runs T2 (the 784-256-784 dropout autoencoder, Adam, batch 64) like [`bench_spiral_sgd`]; same JSON.
#[wasm_bindgen(js_name = benchAutoencoder)]
pub fn bench_autoencoder(warmup_s: f64, window_s: f64) -> Result<String, JsError> {
    let mut workload = Autoencoder::new();
    let batch = workload.batch;
    bench("benchAutoencoder", batch, warmup_s, window_s, |k| {
        workload.run(k)
    })
}

/// Runs exactly `steps` steps of a workload ("T1", "T1b" or "T2") untimed and returns the mean loss of the
/// last 10 steps: the driver `bench/wasm-steps.mjs` uses for instruction counts of the wasm build under
/// `valgrind --tool=callgrind` (repeatable on a loaded machine, unlike timed windows).
#[wasm_bindgen(js_name = runWorkloadSteps)]
pub fn run_workload_steps(name: &str, steps: u32) -> Result<f64, JsError> {
    let mut run: Box<dyn FnMut(u32) -> f64> = match name {
        "T1" | "T1b" => {
            let mut w = SpiralSgd::new(if name == "T1" { 10 } else { 100 });
            Box::new(move |k| w.run(k))
        }
        "T2" => {
            let mut w = Autoencoder::new();
            Box::new(move |k| w.run(k))
        }
        other => {
            return Err(JsError::new(&format!(
                "unknown workload {other:?}: T1, T1b or T2"
            )))
        }
    };
    run(steps);
    Ok(run(10))
}

/// The shared protocol around `run(k)` (k steps, returning their mean loss), timed by `performance.now()`.
fn bench(
    name: &str,
    samples_per_step: usize,
    warmup_s: f64,
    window_s: f64,
    mut run: impl FnMut(u32) -> f64,
) -> Result<String, JsError> {
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or_else(|| JsError::new(&format!("{name}: performance.now() is not available")))?;
    let now = || performance.now() / 1000.0;
    let first_loss = run(10);
    let t = measure(
        &now,
        &mut |k| {
            run(k);
        },
        samples_per_step,
        warmup_s,
        window_s,
        3,
    );
    let last_loss = run(10);
    let (min, max) = t.min_max();
    Ok(serde_json::json!({
        "median": t.median(), "min": min, "max": max, "windows": t.windows,
        "firstLoss": first_loss, "lastLoss": last_loss,
    })
    .to_string())
}
