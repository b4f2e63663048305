#!/usr/bin/env bash
# Every check Saddle has, in order, stopping at the first failure: setup, wasm build, rustfmt, clippy (native
# and wasm32), native tests, wasm-bindgen-test browser tests (headless Chromium), end-to-end tests (node --test).
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT" || exit 1

steps=(
    "setup|./scripts/setup.sh"
    "build wasm (www/pkg)|./scripts/build-web.sh"
    "rustfmt|cargo fmt --all --check"
    "clippy (native)|cargo clippy --workspace --all-targets -- -D warnings"
    "clippy ($WASM_TARGET, $WEB_CRATE)|cargo clippy -p $WEB_CRATE --target $WASM_TARGET --all-targets -- -D warnings"
    "native tests|cargo test --workspace"
    "wasm browser tests ($WEB_CRATE)|env CHROMEDRIVER=/usr/bin/chromedriver cargo test --target $WASM_TARGET -p $WEB_CRATE"
    "end-to-end tests|node --test tests/e2e/"
    "bench deps (TF.js, ConvNetJS)|./scripts/bench.sh --deps-only"
    "bench smoke (every runner trains)|node --test bench/smoke.test.mjs"
)

done_lines=()
total_start=$SECONDS
summary() {
    printf '\n%s== Saddle test summary ==%s\n' "$C_BOLD" "$C_OFF" >&2
    local line
    for line in "${done_lines[@]}"; do printf '  %s\n' "$line" >&2; done
    printf '  total %ds\n' "$((SECONDS - total_start))" >&2
}

i=0
for entry in "${steps[@]}"; do
    i=$((i + 1))
    name="${entry%%|*}"
    cmd="${entry#*|}"
    printf '\n%s==> [%d/%d] %s%s: %s\n' "$C_BLUE" "$i" "${#steps[@]}" "$name" "$C_OFF" "$cmd" >&2
    start=$SECONDS
    # shellcheck disable=SC2086 # the commands above are plain words
    if $cmd; then
        done_lines+=("$(printf 'ok    %-44s %4ds' "$name" "$((SECONDS - start))")")
    else
        status=$?
        done_lines+=("$(printf 'FAIL  %-44s %4ds  (exit %d)' "$name" "$((SECONDS - start))" "$status")")
        for rest in "${steps[@]:i}"; do done_lines+=("$(printf 'skip  %s' "${rest%%|*}")"); done
        summary
        die "step '$name' failed: $cmd (see its output above)"
    fi
done
summary
printf '%sAll %d steps passed.%s\n' "$C_GREEN" "${#steps[@]}" "$C_OFF" >&2
