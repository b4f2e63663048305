//! wasm-bindgen boundary: opaque handles around core sessions, catalog export, and canvas drawing.
