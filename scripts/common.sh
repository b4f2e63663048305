# shellcheck shell=bash disable=SC2034  # constants and colours are used by the scripts that source this
# Shared helpers for Saddle's scripts: sourced, never run. Defines ROOT, logging, root/sudo, tool locations.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
WASM_TARGET=wasm32-unknown-unknown
WEB_CRATE=saddle-web
SADDLE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/saddle"

# Colours only on a terminal (CI logs stay plain).
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then
    C_BOLD=$'\033[1m' C_BLUE=$'\033[1;34m' C_YELLOW=$'\033[1;33m' C_RED=$'\033[1;31m' C_GREEN=$'\033[1;32m' C_OFF=$'\033[0m'
else
    C_BOLD='' C_BLUE='' C_YELLOW='' C_RED='' C_GREEN='' C_OFF=''
fi
log() { printf '%s==>%s %s\n' "$C_BLUE" "$C_OFF" "$*" >&2; }
warn() { printf '%swarning:%s %s\n' "$C_YELLOW" "$C_OFF" "$*" >&2; }
die() {
    printf '%serror:%s %s\n' "$C_RED" "$C_OFF" "$*" >&2
    exit 1
}

# Run a command as root: directly when we are root, through sudo otherwise (when it exists).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (not root and no sudo)"
    fi
}

# The wasm-bindgen version pinned in Cargo.lock (wasm-bindgen-cli must match it exactly).
wasm_bindgen_version() {
    local v
    v="$(cd "$ROOT" && cargo pkgid wasm-bindgen 2>/dev/null | sed 's/.*@//')" || v=""
    if [ -z "$v" ]; then
        # Fallback without cargo (e.g. several versions in the lock): the first wasm-bindgen entry.
        v="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
    fi
    [ -n "$v" ] || die "cannot read the wasm-bindgen version from Cargo.lock"
    printf '%s\n' "$v"
}

# Where the matching wasm-bindgen-cli lives (version-keyed, outside the clone so CI reuses it).
wasm_bindgen_dir() { printf '%s/wasm-bindgen-%s\n' "$SADDLE_CACHE" "$(wasm_bindgen_version)"; }

# Put the cached wasm-bindgen binaries and the npm binaries on PATH.
use_tools() {
    local dir
    dir="$(wasm_bindgen_dir)"
    [ -x "$dir/bin/wasm-bindgen" ] || die "wasm-bindgen-cli not found in $dir; run ./scripts/setup.sh first"
    [ -x "$ROOT/node_modules/.bin/wasm-opt" ] || die "node_modules/.bin/wasm-opt missing; run ./scripts/setup.sh first"
    export PATH="$dir/bin:$ROOT/node_modules/.bin:$PATH"
}
