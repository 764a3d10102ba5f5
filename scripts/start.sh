#!/usr/bin/env bash
# npm start: installs what is missing, builds native and wasm, then runs datt-relay on
# http://127.0.0.1:8080 (PORT overrides the port): the NIP-01 relay with its SQLite database
# in ./data/, serving the web app (built into build/web/) and the wasm package (at /wasm/). Extra arguments
# go to datt-relay: npm start -- --log-level debug. `datt-relay --help` lists the options.
set -Eeuo pipefail
DATT_LOG_PREFIX=start
DATT_RERUN_HINT="npm start"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

step "running setup" "see setup's message above"
bash scripts/setup.sh
step "running the build" "see the build's message above"
bash scripts/build.sh
mkdir -p "$DATT_ROOT/data"
step "starting datt-relay on http://127.0.0.1:${PORT:-8080} (Ctrl-C stops it)" \
     "if the port is taken, choose another: PORT=8081 npm start"
trap - ERR
exec "$DATT_NATIVE_BUILD/relay/datt-relay" \
    --port "${PORT:-8080}" \
    --database "$DATT_ROOT/data/datt.sqlite3" \
    --web-root "$DATT_WEB_BUILD" \
    --wasm-root "$DATT_WASM_BUILD/dist" \
    "$@"
