//! Browser tests of the Optimizers lab's wasm boundary: the contour plot and the f chart draw non-blank canvases
//! after steps, a click maps back to (x, y), and a bad query throws an `Error` naming the field, never a panic.

mod common;

use common::{canvas, distinct_colours, error_message, ink_fraction, json, pixels, TestResult};
use saddle_web::surface_lab::{parse_surface_query, SurfaceLab};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn lab(q: &str) -> Result<SurfaceLab, String> {
    SurfaceLab::new(q).map_err(|e| error_message(e).unwrap_or_else(|m| m))
}

#[wasm_bindgen_test]
fn canvases_are_not_blank_after_steps_on_every_surface() -> TestResult {
    for surface in [
        "quadratic",
        "rosenbrock",
        "beale",
        "himmelblau",
        "saddle",
        "monkey-saddle",
        "double-well",
    ] {
        let mut lab = lab(&format!(
            "surface={surface}&racers=sgd/lr:0.001,momentum/lr:0.001,adam&noise=0.5&cloud=1"
        ))?;
        let step = json(&lab.advance(300))?;
        assert_eq!(step["step"], 300, "{surface}");
        let plot = canvas(480, 420)?;
        lab.draw_surface(&plot)
            .map_err(|_| format!("{surface}: drawSurface"))?;
        let px = pixels(&plot)?;
        // The contour map fills the plotting area (the margins, axes and legend row stay white); trajectories and
        // markers add their colours.
        assert!(
            ink_fraction(&px) > 0.3,
            "{surface}: plot ink {}",
            ink_fraction(&px)
        );
        assert!(distinct_colours(&px) > 30, "{surface}");
        let chart = canvas(400, 200)?;
        lab.draw_values(&chart)
            .map_err(|_| format!("{surface}: drawValues"))?;
        let ink = ink_fraction(&pixels(&chart)?);
        assert!(ink > 0.02, "{surface}: chart ink {ink}");
    }
    Ok(())
}

#[wasm_bindgen_test]
fn a_click_maps_to_the_view() -> TestResult {
    let lab = lab("surface=quadratic")?;
    let plot = canvas(500, 500)?;
    lab.draw_surface(&plot).map_err(|_| "drawSurface")?;
    // An unstyled canvas's CSS size equals its attributes, so CSS pixels are device pixels here.
    let centre = lab
        .point_at(&plot, 250.0, 250.0)
        .ok_or("centre is inside")?;
    assert!(centre[0].abs() < 1.0 && centre[1].abs() < 1.0, "{centre:?}");
    assert!(
        lab.point_at(&plot, 1.0, 1.0).is_none(),
        "the margin is outside"
    );
    Ok(())
}

#[wasm_bindgen_test]
fn bad_query_throws_an_error_naming_the_field() -> TestResult {
    for (q, field) in [
        ("kappa=0", "kappa"),
        ("surface=bowl", "surface"),
        ("start=50,50", "start"),
        ("reparam=1,2,2,4", "reparam"),
        ("racers=warp", "racers"),
        ("racers=adam/lr:99", "racers"),
        ("spf=0", "spf"),
    ] {
        match SurfaceLab::new(q) {
            Ok(_) => return Err(format!("{q} was accepted")),
            Err(e) => {
                let msg = error_message(e)?;
                assert!(msg.starts_with(field), "{q}: {msg:?} should name {field}");
            }
        }
    }
    let v = json(&parse_surface_query("reparam=0,0,0,0"))?;
    assert_eq!(v["errors"][0]["field"], "reparam", "{v}");
    Ok(())
}
