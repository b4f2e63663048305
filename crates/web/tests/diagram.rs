//! Browser tests of the network diagram (headless Chromium through wasm-bindgen-test-runner): the diagram draws
//! non-blank thumbnails and links, the thumbnails change with training, a weight edit changes exactly that
//! parameter, bad input throws an `Error` (never a panic), and the frame cost of six hidden layers of eight units
//! is measured (`cargo test --release --target wasm32-unknown-unknown -p saddle-web --test diagram -- --nocapture`).

mod common;

use common::{
    canvas, ctx, distinct_colours, error_message, ink_fraction, json, now, pixels, TestResult,
};
use saddle_web::Playground;
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

const DEEP: &str = "hidden=8,8,8,8,8,8&act=tanh&seed=3";

fn playground(q: &str) -> Result<Playground, String> {
    Playground::new(q).map_err(|e| error_message(e).unwrap_or_else(|m| m))
}

fn layout(p: &Playground, c: &HtmlCanvasElement) -> Result<Value, String> {
    json(&p.diagram_layout(f64::from(c.width()), f64::from(c.height())))
}

fn draw(p: &Playground, c: &HtmlCanvasElement, res: usize, highlight: JsValue) -> TestResult {
    p.draw_diagram(c, res, highlight)
        .map_err(|e| error_message(e).unwrap_or_else(|m| m))
}

/// The pixels inside each unit box (inset by 2 px, past the frame), one vector per unit, in layout order.
fn thumbnails(c: &HtmlCanvasElement, lay: &Value) -> Result<Vec<Vec<u8>>, String> {
    let px = pixels(c)?;
    let w = c.width() as usize;
    let mut out = Vec::new();
    for layer in lay["layers"].as_array().ok_or("no layers")? {
        for u in layer["units"].as_array().ok_or("no units")? {
            let f = |k: &str| u[k].as_f64().ok_or(format!("unit {k} missing: {u}"));
            let (x, y, s) = (f("x")?, f("y")?, f("size")?);
            let mut v = Vec::new();
            for row in (y + 2.0) as usize..(y + s - 2.0) as usize {
                let start = (row * w + (x + 2.0) as usize) * 4;
                let end = (row * w + (x + s - 2.0) as usize) * 4;
                v.extend_from_slice(&px[start..end]);
            }
            out.push(v);
        }
    }
    Ok(out)
}

#[wasm_bindgen_test]
fn diagram_is_not_blank_and_thumbnails_follow_training() -> TestResult {
    let c = canvas(1000, 520)?;
    let mut p = playground(DEEP)?;
    let lay = layout(&p, &c)?;
    let units: usize = lay["layers"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|c| c["units"].as_array().map(Vec::len))
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(units, 2 + 48 + 1, "every unit is laid out");
    assert!(
        lay["size"].as_f64().is_some_and(|s| s >= 25.0),
        "thumbnails ≥ 25 px: {}",
        lay["size"]
    );
    draw(&p, &c, 25, JsValue::NULL)?;
    let px = pixels(&c)?;
    let ink = ink_fraction(&px);
    assert!(
        ink > 0.15,
        "thumbnails and links cover the canvas: inked {ink}"
    );
    assert!(distinct_colours(&px) > 100, "heatmaps, links and text");
    let before = thumbnails(&c, &lay)?;
    // Each thumbnail shows a picture, not a flat fill (the features vary over the plane; tanh units too).
    let varied = before.iter().filter(|t| distinct_colours(t) > 3).count();
    assert!(varied >= 40, "{varied} of {} thumbnails vary", before.len());

    p.step(300);
    draw(&p, &c, 25, JsValue::NULL)?;
    let after = thumbnails(&c, &lay)?;
    assert_eq!(before.len(), after.len());
    // Features never change; every trained unit (hidden and output) should.
    let changed = before
        .iter()
        .zip(&after)
        .skip(2)
        .filter(|(a, b)| a != b)
        .count();
    assert!(
        changed >= 45,
        "only {changed} of 49 trained thumbnails changed after 300 steps"
    );
    assert_eq!(before[..2], after[..2], "feature thumbnails are fixed");
    Ok(())
}

#[wasm_bindgen_test]
fn highlight_forms_and_bad_input_throw_errors() -> TestResult {
    let c = canvas(600, 360)?;
    let p = playground("hidden=4,2")?;
    draw(&p, &c, 25, js_sys::Array::of2(&1.into(), &2.into()).into())?;
    let obj = js_sys::Object::new();
    js_sys::Reflect::set(&obj, &"layer".into(), &2.into()).map_err(|e| format!("{e:?}"))?;
    js_sys::Reflect::set(&obj, &"unit".into(), &0.into()).map_err(|e| format!("{e:?}"))?;
    draw(&p, &c, 25, obj.into())?;
    draw(&p, &c, 25, JsValue::UNDEFINED)?;
    // A highlight of a unit that does not exist just highlights nothing.
    draw(
        &p,
        &c,
        1000,
        js_sys::Array::of2(&9.into(), &9.into()).into(),
    )?;
    let bad = p.draw_diagram(&c, 25, JsValue::from_str("unit 3"));
    let msg = error_message(bad.err().ok_or("a string highlight was accepted")?)?;
    assert!(msg.contains("highlight"), "{msg}");

    let plot = canvas(400, 400)?;
    for (layer, unit) in [(5, 0), (1, 4)] {
        let e = p
            .draw_unit(&plot, layer, unit, None)
            .err()
            .ok_or("a missing unit was drawn")?;
        let msg = error_message(e)?;
        assert!(msg.starts_with("drawUnit"), "{msg}");
    }
    let e = p
        .draw_unit(&plot, 1, 0, Some("{".into()))
        .err()
        .ok_or("bad JSON accepted")?;
    assert!(error_message(e)?.contains("drawUnit options"));
    Ok(())
}

#[wasm_bindgen_test]
fn draw_unit_draws_each_kind_of_unit() -> TestResult {
    let plot = canvas(400, 400)?;
    let p = playground("hidden=4,2&feat=x1,x2,x1x2")?;
    for (layer, unit) in [(0, 2), (1, 3), (2, 1), (3, 0)] {
        p.draw_unit(
            &plot,
            layer,
            unit,
            Some(r#"{"showTest":false,"discretize":true}"#.into()),
        )
        .map_err(|e| error_message(e).unwrap_or_else(|m| m))?;
        let px = pixels(&plot)?;
        assert!(ink_fraction(&px) > 0.3, "unit ({layer}, {unit}) heatmap");
    }
    let curve = playground("dataset=sine-gap&hidden=5")?;
    for (layer, unit) in [(0, 0), (1, 4), (2, 0)] {
        curve
            .draw_unit(&plot, layer, unit, None)
            .map_err(|e| error_message(e).unwrap_or_else(|m| m))?;
        assert!(
            ink_fraction(&pixels(&plot)?) > 0.02,
            "1-D unit ({layer}, {unit})"
        );
    }
    Ok(())
}

#[wasm_bindgen_test]
fn one_d_sets_draw_curves() -> TestResult {
    let c = canvas(700, 360)?;
    let p = playground("dataset=cubic&hidden=6,6&feat=x1,sin1")?;
    draw(&p, &c, 25, JsValue::NULL)?;
    let px = pixels(&c)?;
    assert!(ink_fraction(&px) > 0.05, "curves and links");
    let lay = layout(&p, &c)?;
    assert_eq!(lay["oneD"], true);
    let thumbs = thumbnails(&c, &lay)?;
    assert!(
        thumbs.iter().all(|t| distinct_colours(t) > 2),
        "every curve thumbnail has a curve"
    );
    Ok(())
}

#[wasm_bindgen_test]
fn set_weight_changes_exactly_that_parameter() -> TestResult {
    let c = canvas(800, 420)?;
    let mut p = playground("hidden=3,2&seed=7")?;
    let weights = |lay: &Value| -> Vec<(u64, f64)> {
        lay["links"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|l| Some((l["index"].as_u64()?, l["weight"].as_f64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let lay0 = layout(&p, &c)?;
    let before = weights(&lay0);
    let (target, old) = before[4];
    let q = p
        .set_weight(target as usize, 1.25)
        .map_err(|e| error_message(e).unwrap_or_else(|m| m))?;
    assert!(q.contains("edits="), "the query records the edit: {q}");
    let after = weights(&layout(&p, &c)?);
    assert_eq!(before.len(), after.len());
    for ((i, w0), (j, w1)) in before.iter().zip(&after) {
        assert_eq!(i, j);
        if *i == target {
            assert_eq!(*w1, 1.25, "edited weight (was {old})");
        } else {
            assert_eq!(w0, w1, "parameter {i} must not change");
        }
    }
    // Biases are editable through the unit's biasIndex.
    let bi = lay0["layers"][1]["units"][0]["biasIndex"]
        .as_u64()
        .ok_or("no bias index")?;
    p.set_weight(bi as usize, -0.5)
        .map_err(|e| error_message(e).unwrap_or_else(|m| m))?;
    assert_eq!(layout(&p, &c)?["layers"][1]["units"][0]["bias"], -0.5);
    for (index, value) in [
        (target as usize, 100.5),
        (target as usize, f64::NAN),
        (1_000_000, 0.1),
    ] {
        let e = p
            .set_weight(index, value)
            .err()
            .ok_or(format!("{index}={value} accepted"))?;
        let msg = error_message(e)?;
        assert!(msg.starts_with("weight"), "{msg}");
    }
    let e = p.set_weight(0, -101.0).err().ok_or("-101 accepted")?;
    assert!(
        error_message(e)?.contains("100"),
        "the message names the range"
    );
    Ok(())
}

/// Median of a sample.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Frame cost of the diagram for six hidden layers of eight units at three thumbnail resolutions, each draw
/// flushed by a 1-pixel readback. The bound is loose (debug builds on a shared machine); the numbers are printed.
#[wasm_bindgen_test]
fn diagram_frame_cost() -> TestResult {
    let c = canvas(1000, 520)?;
    let cx = ctx(&c)?;
    let mut p = playground(DEEP)?;
    p.step(50);
    let flush = || {
        cx.get_image_data(0.0, 0.0, 1.0, 1.0)
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    };
    let mut report = Vec::new();
    for res in [2, 25, 32, 40] {
        draw(&p, &c, res, JsValue::NULL)?;
        flush()?;
        let mut runs = Vec::new();
        for _ in 0..15 {
            let t0 = now();
            draw(&p, &c, res, JsValue::NULL)?;
            flush()?;
            runs.push(now() - t0);
        }
        let ms = median(runs);
        report.push(format!("res {res}: {ms:.2} ms"));
        assert!(ms < 500.0, "drawDiagram at res {res} took {ms} ms");
    }
    let t0 = now();
    for _ in 0..15 {
        let _ = p.diagram_layout(1000.0, 520.0);
    }
    report.push(format!("diagramLayout JSON {:.2} ms", (now() - t0) / 15.0));
    console_log!("drawDiagram 6×8 tanh on 1000×520: {}", report.join("; "));
    Ok(())
}
