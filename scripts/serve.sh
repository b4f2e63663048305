#!/usr/bin/env bash
# Set up, build and serve Saddle at http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops it).
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT" || exit 1
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build-web.sh"
export PORT="${PORT:-8080}"
log "serving $ROOT at http://127.0.0.1:$PORT/"
exec node "$ROOT/tests/e2e/server.mjs"
