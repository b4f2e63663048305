#!/usr/bin/env bash
# Saddle against its peers, one run on one machine: set up, build the wasm module, install the bench's npm
# packages (TensorFlow.js, its wasm backend, ConvNetJS) into bench/node_modules, then run bench/run.mjs, which
# prints the markdown table and writes bench/results/latest.md and latest.json.
#   ./scripts/bench.sh                      the full bench (a few minutes)
#   ./scripts/bench.sh --quick              short windows: checks that every runner works, measures nothing
#   ./scripts/bench.sh --only T1,T2 --peers tfjs-wasm,convnetjs --no-native   (node bench/run.mjs --help)
#   ./scripts/bench.sh --deps-only          only install the bench's npm packages (used by scripts/test.sh)
# Set SADDLE_BENCH_SKIP_BUILD=1 to reuse the current www/pkg and skip setup and build.
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT" || exit 1

deps_only=""
[ "${1:-}" = "--deps-only" ] && deps_only=1
if [ -z "${SADDLE_BENCH_SKIP_BUILD:-}" ] && [ -z "$deps_only" ]; then
    ./scripts/setup.sh
    ./scripts/build-web.sh
fi

# npm ci wipes node_modules (about 300 MB here), so skip it when the installed tree already matches the lock.
stamp="$ROOT/bench/node_modules/.saddle-lock.sha256"
if [ -f bench/package-lock.json ]; then
    want="$(sha256sum bench/package.json bench/package-lock.json | sha256sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -d bench/node_modules/@tensorflow/tfjs ] ||
        [ ! -d bench/node_modules/@tensorflow/tfjs-backend-wasm ] || [ ! -d bench/node_modules/convnetjs ]; then
        log "npm ci --prefix bench"
        npm ci --prefix bench --no-audit --no-fund --loglevel=error
        printf '%s\n' "$want" >"$stamp"
    fi
else
    log "npm install --prefix bench (no bench/package-lock.json yet)"
    npm install --prefix bench --no-audit --no-fund --loglevel=error
fi

[ -n "$deps_only" ] && exit 0
log "node bench/run.mjs $*"
exec node bench/run.mjs "$@"
