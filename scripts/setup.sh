#!/usr/bin/env bash
# Installs whatever Saddle's build and tests need and is missing; safe to run any number of times.
#   - rustup target wasm32-unknown-unknown, rustfmt, clippy
#   - Debian chromium + chromium-driver (apt-get update first, only when something is missing)
#   - wasm-bindgen-cli, exactly the wasm-bindgen version of Cargo.lock, into
#     ${XDG_CACHE_HOME:-$HOME/.cache}/saddle/wasm-bindgen-$V (outside the clone, reused by later runs)
#   - the root npm dev dependencies (playwright-core, binaryen) with npm ci
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT" || exit 1

# --- Rust -----------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
    # shellcheck disable=SC1091
    source "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found: this project needs the machine's Rust toolchain (rustup)"
command -v rustup >/dev/null 2>&1 || die "rustup not found: needed to add the $WASM_TARGET target"

if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    log "rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET"
fi
installed_components="$(rustup component list --installed)"
for c in rustfmt clippy; do
    if ! grep -q "^$c" <<<"$installed_components"; then
        log "rustup component add $c"
        rustup component add "$c"
    fi
done

# --- Debian packages: Chromium, ChromeDriver (and Node.js if absent) -------------------------------
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
[ -x /usr/bin/chromedriver ] || apt_missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || apt_missing+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_missing+=(npm)
if [ "${#apt_missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${apt_missing[*]} and no apt-get to install them"
    log "apt-get install ${apt_missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || warn "Node.js $node_major found; playwright-core wants Node.js >= 20"

# --- wasm-bindgen-cli, version-keyed cache --------------------------------------------------------
wb_version="$(wasm_bindgen_version)"
wb_dir="$(wasm_bindgen_dir)"
wb_ok() {
    [ -x "$wb_dir/bin/wasm-bindgen" ] && [ -x "$wb_dir/bin/wasm-bindgen-test-runner" ] &&
        [ "$("$wb_dir/bin/wasm-bindgen" --version 2>/dev/null)" = "wasm-bindgen $wb_version" ]
}
if ! wb_ok; then
    mkdir -p "$SADDLE_CACHE"
    # One installer at a time per version (parallel setup runs wait here, then find it installed).
    exec 9>"$wb_dir.lock"
    flock 9
    if ! wb_ok; then
        log "cargo install wasm-bindgen-cli $wb_version into $wb_dir (about 2 minutes, once per version)"
        if ! cargo install wasm-bindgen-cli --version "=$wb_version" --root "$wb_dir" --force --locked; then
            warn "install with --locked failed; retrying without --locked"
            cargo install wasm-bindgen-cli --version "=$wb_version" --root "$wb_dir" --force
        fi
        wb_ok || die "wasm-bindgen-cli $wb_version did not install into $wb_dir"
    fi
    flock -u 9
    exec 9>&-
fi

# --- npm dev dependencies ---------------------------------------------------------------------------
# npm ci wipes node_modules, so skip it when the installed tree already matches the lock file.
npm_stamp="$ROOT/node_modules/.saddle-lock.sha256"
if [ -f package-lock.json ]; then
    want="$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)"
    if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$want" ] || [ ! -x node_modules/.bin/wasm-opt ] ||
        [ ! -d node_modules/playwright-core ]; then
        log "npm ci"
        npm ci --no-audit --no-fund --loglevel=error
        printf '%s\n' "$want" >"$npm_stamp"
    fi
else
    log "npm install (no package-lock.json yet)"
    npm install --no-audit --no-fund --loglevel=error
fi

log "setup done: $(rustc --version | cut -d' ' -f1-2), wasm-bindgen $wb_version, node $(node --version)," \
    "$(/usr/bin/chromium --version 2>/dev/null | head -n1 | cut -d' ' -f1-2), wasm-opt $(node_modules/.bin/wasm-opt --version | cut -d' ' -f3)"
