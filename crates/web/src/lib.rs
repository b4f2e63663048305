//! wasm-bindgen boundary: opaque handles around core sessions, catalog export, and canvas drawing.
//!
//! JS API (`www/pkg/saddle_web.js`, pinned in `docs/ARCHITECTURE.md`): `catalog()`, `parseQuery(q)` and
//! `class Playground` ([`playground::Playground`]). Nothing here panics on user input: fallible calls return
//! `Result<_, JsError>` (a JS `Error` carrying the core's message), and the panic hook is only a safety net.

mod bench;
mod diagram;
pub mod draw;
pub mod playground;
pub mod race_lab;
pub mod surface_lab;

use saddle_core::config::Config;
use serde_json::json;
use wasm_bindgen::prelude::*;

pub use playground::Playground;

/// Installs the panic hook (a safety net only: exported functions return errors instead of panicking).
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The catalog JSON the page builds its controls from (datasets, registries, optimizers with their
/// hyperparameters, field table, default query; shape in `docs/ARCHITECTURE.md`).
#[wasm_bindgen]
pub fn catalog() -> String {
    saddle_core::catalog::catalog_json()
}

/// Parses a config query without throwing: `{"query": canonical query, "errors": [{"field","message"}]}`.
/// `query` is the query of the config actually used (bad fields replaced by their defaults); `errors` lists
/// every problem, parse errors first, then validation errors (`field` is null for an error not tied to one).
#[wasm_bindgen(js_name = parseQuery)]
pub fn parse_query(q: &str) -> String {
    parse_query_json(q).to_string()
}

fn parse_query_json(q: &str) -> serde_json::Value {
    let (config, mut errors) = Config::from_query(q);
    for e in config.validate_all() {
        if !errors.contains(&e) {
            errors.push(e);
        }
    }
    let errors: Vec<serde_json::Value> = errors
        .iter()
        .map(|e| json!({"field": e.field(), "message": e.to_string()}))
        .collect();
    json!({"query": config.to_query(), "errors": errors})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_query_reports_fields() {
        let v = parse_query_json("n=-5&dataset=nope&lr=abc");
        let errors = v["errors"].as_array().cloned().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().filter_map(|e| e["field"].as_str()).collect();
        assert!(fields.contains(&"n"), "{v}");
        assert!(fields.contains(&"dataset"), "{v}");
        assert!(errors
            .iter()
            .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));
        let q = v["query"].as_str().unwrap_or_default();
        assert!(q.contains("n=400") && q.contains("dataset=circle"), "{q}");
    }

    #[test]
    fn parse_query_never_panics_on_garbage() {
        for q in [
            "",
            "&&&",
            "=",
            "a=b=c",
            "%zz",
            "hidden=1,,2",
            "drop=b2",
            "n=1e99",
            "\u{0}\u{feff}",
        ] {
            let v = parse_query_json(q);
            assert!(v["query"].is_string() && v["errors"].is_array(), "{q}: {v}");
        }
        assert_eq!(parse_query_json("")["errors"], json!([]));
    }
}
