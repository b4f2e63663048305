//! Helpers shared by the browser test crates: canvases, pixel reads, thrown-error messages, JSON.
#![allow(dead_code)] // each test crate uses a different subset

use serde_json::Value;
use wasm_bindgen::{JsCast, JsError, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

pub type TestResult = Result<(), String>;

/// The message of a thrown `JsError`, checking that JS sees a real `Error` object.
pub fn error_message(e: JsError) -> Result<String, String> {
    let v = JsValue::from(e);
    let err = v
        .dyn_into::<js_sys::Error>()
        .map_err(|v| format!("thrown value is not an Error: {v:?}"))?;
    Ok(String::from(err.message()))
}

pub fn json(s: &str) -> Result<Value, String> {
    serde_json::from_str(s).map_err(|e| format!("bad JSON {s}: {e}"))
}

pub fn canvas(w: u32, h: u32) -> Result<HtmlCanvasElement, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let c: HtmlCanvasElement = doc
        .create_element("canvas")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not a canvas")?;
    c.set_width(w);
    c.set_height(h);
    doc.body()
        .ok_or("no body")?
        .append_child(&c)
        .map_err(|e| format!("{e:?}"))?;
    Ok(c)
}

pub fn ctx(c: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    saddle_web::draw::heatmap::context_2d(c).map_err(|_| "no 2d context".to_string())
}

pub fn pixels(c: &HtmlCanvasElement) -> Result<Vec<u8>, String> {
    let data = ctx(c)?
        .get_image_data(0.0, 0.0, f64::from(c.width()), f64::from(c.height()))
        .map_err(|e| format!("{e:?}"))?;
    Ok(data.data().0)
}

/// Fraction of pixels that are not (near) white.
pub fn ink_fraction(px: &[u8]) -> f64 {
    let n = px.len() / 4;
    let inked = px
        .chunks_exact(4)
        .filter(|p| p[0] < 245 || p[1] < 245 || p[2] < 245)
        .count();
    inked as f64 / n.max(1) as f64
}

pub fn distinct_colours(px: &[u8]) -> usize {
    let mut set = std::collections::HashSet::new();
    for p in px.chunks_exact(4) {
        set.insert([p[0], p[1], p[2]]);
    }
    set.len()
}

pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
