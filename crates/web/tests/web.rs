//! Browser tests of the wasm boundary (headless Chromium through wasm-bindgen-test-runner): bad input becomes a
//! JS `Error` carrying the core's message, never a panic; stats are finite; every dataset draws non-blank charts.

mod common;

use common::{canvas, error_message, ink_fraction, json, pixels, TestResult};
use saddle_web::{catalog, parse_query, Playground};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn bad_config_throws_an_error_naming_the_field() -> TestResult {
    for (q, field) in [
        ("n=-5", "n"),
        ("dataset=nope", "dataset"),
        ("lr=0", "lr"),
        ("hidden=1,x", "hidden"),
    ] {
        match Playground::new(q) {
            Ok(_) => return Err(format!("{q} was accepted")),
            Err(e) => {
                let msg = error_message(e)?;
                assert!(
                    msg.starts_with(field),
                    "{q}: message {msg:?} should name {field}"
                );
            }
        }
    }
    Ok(())
}

#[wasm_bindgen_test]
fn parse_query_on_garbage_returns_errors() -> TestResult {
    for q in [
        "n=-5&&=&%zz&dataset=?",
        "\u{0}",
        "hidden=999999999999999999999",
        "drop=b7,g-1",
    ] {
        let v = json(&parse_query(q))?;
        let errors = v["errors"].as_array().ok_or("errors is not an array")?;
        assert!(!errors.is_empty(), "{q} gave no errors: {v}");
        assert!(
            v["query"].as_str().is_some_and(|c| c.contains("dataset=")),
            "{v}"
        );
    }
    let ok = json(&parse_query(""))?;
    assert_eq!(ok["errors"], serde_json::json!([]));
    Ok(())
}

#[wasm_bindgen_test]
fn catalog_is_json_with_datasets() -> TestResult {
    let c = json(&catalog())?;
    assert!(c["datasets"].as_array().is_some_and(|d| d.len() >= 3));
    assert!(c["defaultQuery"].is_string());
    Ok(())
}

#[wasm_bindgen_test]
fn step_returns_finite_stats() -> TestResult {
    let mut p = Playground::new("").map_err(|_| "default config rejected")?;
    let first = json(&p.stats())?;
    assert_eq!(first["step"], 0);
    let s = json(&p.step(50))?;
    assert_eq!(s["step"], 50);
    for k in ["epoch", "trainLoss", "testLoss", "trainAcc", "testAcc"] {
        assert!(
            s[k].as_f64().is_some_and(f64::is_finite),
            "{k} not finite: {s}"
        );
    }
    assert!(s["diverged"].is_null());
    Ok(())
}

#[wasm_bindgen_test]
fn divergence_is_reported_not_thrown() -> TestResult {
    let q = "dataset=cubic&head=linear-mse&hidden=16,16&act=relu&opt=sgd&lr=10&batch=50";
    let mut p = Playground::new(q).map_err(|e| error_message(e).unwrap_or_default())?;
    let s = json(&p.step(500))?;
    let msg = s["diverged"]
        .as_str()
        .ok_or(format!("did not diverge: {s}"))?;
    assert!(msg.contains("diverged"), "{msg}");
    // Further steps keep reporting it; stats stay readable.
    let again = json(&p.step(10))?;
    assert_eq!(again["diverged"], s["diverged"]);
    assert!(again["trainAcc"].is_null());
    Ok(())
}

#[wasm_bindgen_test]
fn set_live_applies_or_throws() -> TestResult {
    let mut p = Playground::new("").map_err(|_| "default config rejected")?;
    p.set_live("lr=0.1")
        .map_err(|e| error_message(e).unwrap_or_default())?;
    let msg = error_message(p.set_live("lr=-1").err().ok_or("lr=-1 accepted")?)?;
    assert!(msg.starts_with("lr"), "{msg}");
    Ok(())
}

#[wasm_bindgen_test]
fn every_dataset_draws_non_blank_charts() -> TestResult {
    let cat = json(&catalog())?;
    let keys: Vec<String> = cat["datasets"]
        .as_array()
        .ok_or("no datasets")?
        .iter()
        .filter_map(|d| d["key"].as_str().map(String::from))
        .collect();
    let data = canvas(360, 300)?;
    let loss = canvas(360, 200)?;
    for key in keys {
        let parsed = json(&parse_query(&format!("dataset={key}")))?;
        let q = parsed["query"].as_str().ok_or("no query")?.to_string();
        let mut p = Playground::new(&q)
            .map_err(|e| format!("{key}: {}", error_message(e).unwrap_or_default()))?;
        p.step(100);
        p.draw_data(&data, Some(r#"{"showTest":true}"#.into()))
            .map_err(|e| format!("{key} drawData: {}", error_message(e).unwrap_or_default()))?;
        let ink = ink_fraction(&pixels(&data)?);
        assert!(ink > 0.02, "{key}: data plot nearly blank ({ink})");
        p.draw_loss(&loss)
            .map_err(|e| format!("{key} drawLoss: {}", error_message(e).unwrap_or_default()))?;
        let ink = ink_fraction(&pixels(&loss)?);
        assert!(ink > 0.01, "{key}: loss chart nearly blank ({ink})");
    }
    Ok(())
}

#[wasm_bindgen_test]
fn draw_data_rejects_bad_options() -> TestResult {
    let p = Playground::new("").map_err(|_| "default config rejected")?;
    let c = canvas(200, 200)?;
    let msg = error_message(
        p.draw_data(&c, Some("{not json".into()))
            .err()
            .ok_or("bad JSON accepted")?,
    )?;
    assert!(msg.contains("drawData"), "{msg}");
    p.draw_data(&c, Some(String::new()))
        .map_err(|_| "empty options rejected")?;
    p.draw_data(&c, None)
        .map_err(|_| "missing options rejected")?;
    Ok(())
}
