#!/usr/bin/env bash
# Builds the wasm module into www/pkg: cargo (release, wasm32) -> wasm-bindgen --target web -> wasm-opt -O3.
# Needs ./scripts/setup.sh to have run (it checks and says so).
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT" || exit 1
use_tools

out="$ROOT/www/pkg"
crate_file="${WEB_CRATE//-/_}"
wasm_in="$ROOT/target/$WASM_TARGET/release/$crate_file.wasm"

log "cargo build --release --target $WASM_TARGET -p $WEB_CRATE"
cargo build --release --target "$WASM_TARGET" -p "$WEB_CRATE"
[ -f "$wasm_in" ] || die "expected $wasm_in after the build"

log "wasm-bindgen --target web --out-dir www/pkg"
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" "$wasm_in"

# Features the module may use: Rust's wasm32 defaults (bulk memory, sign-ext, non-trapping float-to-int,
# mutable globals, reference types, multi-value) plus simd128 from .cargo/config.toml. All run in Chromium.
bg="$out/${crate_file}_bg.wasm"
before="$(stat -c %s "$bg")"
log "wasm-opt -O3 (binaryen $(wasm-opt --version | cut -d' ' -f3), from node_modules)"
wasm-opt -O3 \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-simd --enable-reference-types --enable-multivalue \
    -o "$bg.opt" "$bg"
mv "$bg.opt" "$bg"
after="$(stat -c %s "$bg")"
log "built www/pkg: ${crate_file}_bg.wasm $before -> $after bytes ($(gzip -9 -c "$bg" | wc -c) gzipped)"
