//! Browser tests of the Race lab's wasm boundary: racers share their initial parameters, the loss chart and the
//! thumbnails draw non-blank canvases, and a bad racer throws an `Error` naming the field, never a panic.

mod common;

use common::{canvas, error_message, ink_fraction, json, pixels, TestResult};
use saddle_web::race_lab::{parse_race_query, RaceLab};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn lab(q: &str) -> Result<RaceLab, String> {
    RaceLab::new(q).map_err(|e| error_message(e).unwrap_or_else(|m| m))
}

#[wasm_bindgen_test]
fn racers_share_initial_parameters() -> TestResult {
    let race = lab("racers=sgd,momentum,adam/lr:0.003&n=100&hidden=5,3")?;
    assert_eq!(race.count(), 3);
    let p0 = race.params(0).map_err(|_| "params(0)")?;
    for i in 1..3 {
        assert_eq!(race.params(i).map_err(|_| "params")?, p0, "racer {i}");
    }
    assert!(race.params(3).is_err(), "index out of range throws");
    let mut race = race;
    let _ = race.advance(20);
    let s = json(&race.stats())?;
    let losses: Vec<f64> = (0..3)
        .filter_map(|i| s["racers"][i]["trainLoss"].as_f64())
        .collect();
    assert_eq!(losses.len(), 3, "{s}");
    assert!(
        losses[0] != losses[2],
        "different optimizers, different losses: {s}"
    );
    Ok(())
}

#[wasm_bindgen_test]
fn curves_and_thumbnails_are_not_blank() -> TestResult {
    let mut race = lab("racers=sgd,adam&n=100")?;
    let _ = race.advance(200);
    let loss = canvas(400, 240)?;
    race.draw_loss(&loss).map_err(|_| "drawLoss")?;
    let ink = ink_fraction(&pixels(&loss)?);
    assert!(ink > 0.02, "loss chart ink {ink}");
    for i in 0..2 {
        let c = canvas(120, 120)?;
        race.draw_boundary(&c, i, 32).map_err(|_| "drawBoundary")?;
        let ink = ink_fraction(&pixels(&c)?);
        assert!(ink > 0.5, "thumbnail {i} ink {ink}");
    }
    // Regression and multi-class sets draw too.
    for q in ["racers=sgd&dataset=cubic", "racers=adam&dataset=spiral-3"] {
        let race = lab(q)?;
        let c = canvas(120, 120)?;
        race.draw_boundary(&c, 0, 16)
            .map_err(|_| format!("{q}: drawBoundary"))?;
        assert!(ink_fraction(&pixels(&c)?) > 0.01, "{q}");
    }
    Ok(())
}

#[wasm_bindgen_test]
fn bad_racer_throws_an_error_naming_the_field() -> TestResult {
    for (q, field) in [
        ("racers=warp", "racers"),
        ("racers=sgd/lr:99", "racers"),
        ("racers=adam/momentum:0.9", "racers"),
        ("racers=sgd,sgd,sgd,sgd,sgd,sgd,sgd", "racers"),
        ("mode=sideways", "mode"),
        ("racers=sgd&n=-4", "n"),
    ] {
        match RaceLab::new(q) {
            Ok(_) => return Err(format!("{q} was accepted")),
            Err(e) => {
                let msg = error_message(e)?;
                assert!(msg.starts_with(field), "{q}: {msg:?} should name {field}");
            }
        }
    }
    let v = json(&parse_race_query("racers=warp&mode=rescale"))?;
    assert_eq!(v["errors"][0]["field"], "racers", "{v}");
    Ok(())
}

#[wasm_bindgen_test]
fn relu_rescaling_keeps_the_function() -> TestResult {
    let race = lab("mode=rescale&racers=sgd&act=relu&hidden=8,8&rescale=random:1&n=100")?;
    assert_eq!(race.count(), 2);
    let r = json(&race.rescale_report())?;
    let df = r["maxOutputChange"].as_f64().ok_or("maxOutputChange")?;
    assert!(df < 1e-9, "{r}");
    assert_eq!(r["layers"].as_array().map(Vec::len), Some(3), "{r}");
    assert_ne!(
        race.params(0).map_err(|_| "p0")?,
        race.params(1).map_err(|_| "p1")?
    );
    Ok(())
}
