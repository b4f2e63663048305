//! Browser tests of the wasm boundary (headless Chromium through wasm-bindgen-test-runner): bad input becomes a
//! JS `Error` carrying the core's message, never a panic; stats are finite; every dataset draws non-blank charts.

mod common;

use common::{canvas, error_message, ink_fraction, json, pixels, TestResult};
use saddle_web::{catalog, parse_query, Playground};
use wasm_bindgen::JsCast;
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

#[wasm_bindgen_test]
fn clicked_points_round_trip_through_the_query() -> TestResult {
    let p = Playground::new("dataset=custom&seed=2").map_err(|_| "custom rejected")?;
    assert_eq!(json(&p.info())?["train"], 0);
    let q = p
        .add_point(1.25, -2.5, 1)
        .map_err(|e| error_message(e).unwrap_or_default())?;
    assert!(q.contains("pts="), "{q}");
    assert!(
        !p.query().contains("pts="),
        "the running Playground is unchanged"
    );
    let p2 = Playground::new(&q).map_err(|e| error_message(e).unwrap_or_default())?;
    let info = json(&p2.info())?;
    assert_eq!(info["added"], 1);
    assert_eq!(
        info["train"].as_u64().unwrap_or(0) + info["test"].as_u64().unwrap_or(0),
        1
    );
    assert_eq!(p2.query(), q, "query() is the canonical query of the run");
    // Alt-click on it: gone again; a miss leaves the query alone.
    assert_eq!(p2.remove_point_near(-5.0, 5.0, 0.3), q);
    let q3 = p2.remove_point_near(1.3, -2.45, 0.3);
    assert!(!q3.contains("pts="), "{q3}");
    // Out of the domain, or a class the set does not have: an Error naming pts, not a panic.
    for (x, y, label) in [(100.0, 0.0, 0), (0.0, 0.0, 7), (f64::NAN, 0.0, 0)] {
        let e = p
            .add_point(x, y, label)
            .err()
            .ok_or(format!("({x}, {y}, {label}) accepted"))?;
        let msg = error_message(e)?;
        assert!(msg.starts_with("pts"), "{msg}");
    }
    Ok(())
}

#[wasm_bindgen_test]
fn generated_point_removal_goes_to_del() -> TestResult {
    let p = Playground::new("dataset=circle").map_err(|_| "circle rejected")?;
    let q = p.remove_point_near(0.0, 0.0, 0.5);
    assert!(q.contains("del="), "{q}");
    let p2 = Playground::new(&q).map_err(|e| error_message(e).unwrap_or_default())?;
    assert_eq!(json(&p2.info())?["removed"], 1);
    Ok(())
}

#[wasm_bindgen_test]
fn stop_at_epochs_is_reported_in_stats() -> TestResult {
    let mut p = Playground::new("dataset=circle&n=400&test=0.5&batch=10&stop=epochs:2")
        .map_err(|e| error_message(e).unwrap_or_default())?;
    assert_eq!(json(&p.stats())?["stopped"], false);
    let s = json(&p.step(1000))?;
    assert_eq!(s["stopped"], true, "{s}");
    assert_eq!(s["step"], 40);
    assert_eq!(json(&p.advance(5))?["stopped"], true);
    p.set_live("dataset=circle&n=400&test=0.5&batch=10&stop=epochs:3")
        .map_err(|e| error_message(e).unwrap_or_default())?;
    assert_eq!(json(&p.stats())?["stopped"], false, "a new limit un-stops");
    assert_eq!(json(&p.step(1000))?["step"], 60);
    Ok(())
}

#[wasm_bindgen_test]
fn frozen_weights_rebuild_the_same_network() -> TestResult {
    let mut p = Playground::new("dataset=xor&seed=4").map_err(|_| "xor rejected")?;
    p.step(200);
    let w = p.frozen_weights();
    let q = format!("{}&weights={w}", p.query());
    let p2 = Playground::new(&q).map_err(|e| error_message(e).unwrap_or_default())?;
    let (a, b) = (json(&p.stats())?, json(&p2.stats())?);
    assert_eq!(a["trainLoss"], b["trainLoss"], "same weights, same loss");
    assert_eq!(b["step"], 0);
    // Weights of the wrong length are a field error.
    let bad = Playground::new(&format!("dataset=xor&hidden=3&weights={w}"))
        .err()
        .ok_or("wrong-length weights accepted")?;
    assert!(error_message(bad)?.starts_with("weights"));
    Ok(())
}

#[wasm_bindgen_test]
fn point_at_maps_plot_pixels_to_data() -> TestResult {
    let p = Playground::new("dataset=circle").map_err(|_| "circle rejected")?;
    let c = canvas(400, 400)?;
    assert!(p.point_at(&c, 200.0, 200.0).is_null(), "nothing drawn yet");
    p.draw_data(&c, Some(r#"{"legend":true,"discretize":true}"#.into()))
        .map_err(|e| error_message(e).unwrap_or_default())?;
    let at = |x: f64, y: f64| -> Result<(f64, f64), String> {
        let v = p.point_at(&c, x, y);
        let a: js_sys::Array = v
            .dyn_into()
            .map_err(|_| format!("({x}, {y}) not in the plot"))?;
        Ok((
            a.get(0).as_f64().ok_or("no x")?,
            a.get(1).as_f64().ok_or("no y")?,
        ))
    };
    let (x0, y0) = at(200.0, 200.0)?;
    let (x1, y1) = at(300.0, 100.0)?;
    assert!(x1 > x0 && y1 > y0, "x grows rightwards, y upwards");
    assert!(
        ((x1 - x0) / (y1 - y0) - 1.0).abs() < 0.02,
        "equal aspect: {} vs {}",
        x1 - x0,
        y1 - y0
    );
    assert!(
        p.point_at(&c, 1.0, 399.0).is_null(),
        "the axis area is outside"
    );
    Ok(())
}
