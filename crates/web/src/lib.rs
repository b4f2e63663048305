//! wasm-bindgen boundary: opaque handles around core sessions, catalog export, and canvas drawing.

pub mod draw;

use wasm_bindgen::prelude::*;

/// Installs the panic hook (a safety net only: exported functions return errors instead of panicking).
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}
