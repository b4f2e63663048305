#!/usr/bin/env bash
# Cargo runner for wasm32-unknown-unknown (see .cargo/config.toml): runs the cached wasm-bindgen-test-runner
# whose version matches Cargo.lock, in headless Chromium through /usr/bin/chromedriver and webdriver.json.
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runner="$(wasm_bindgen_dir)/bin/wasm-bindgen-test-runner"
[ -x "$runner" ] || die "$runner not found; run ./scripts/setup.sh first"
if [ -z "${CHROMEDRIVER:-}" ] && [ -x /usr/bin/chromedriver ]; then
    export CHROMEDRIVER=/usr/bin/chromedriver
fi
# The runner reads webdriver.json from the working directory (the crate's, under cargo): point it at ours.
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-$ROOT/webdriver.json}"
exec "$runner" "$@"
