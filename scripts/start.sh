#!/usr/bin/env bash
# npm start: installs what is missing, builds native and wasm, then serves the web app on
# http://127.0.0.1:8080 (PORT overrides the port). For now a static server (serve.mjs)
# serves web/ and the wasm package; the relay replaces it in a later issue.
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
step "starting the web server (Ctrl-C stops it)" \
     "if the port is taken, choose another: PORT=8081 npm start"
trap - ERR
exec node scripts/serve.mjs
