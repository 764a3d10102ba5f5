#!/usr/bin/env bash
# npm start: installs what is missing, builds native, wasm and the web app, then runs
#   - a local Bitcoin node: bcoin in regtest, RPC on http://127.0.0.1:18443/ (chain on disk in
#     $DATT_DATA_DIR/bitcoin, RPC password in its rpc-key file; scripts/bitcoin-node.mjs), and
#   - datt-relay on http://127.0.0.1:8080: the NIP-01 relay with its SQLite database in
#     $DATT_DATA_DIR/datt.sqlite3, serving the web app (build/web) and the wasm package (/wasm/),
#     bridged to that node (BTC messages, the regtest faucet; docs/protocol.md), and a payment-
#     channel hub (--hub true; docs/protocol.md "Channels") whose channels are usable after
#     1 confirmation of their funding (--hub-minimum-depth 1: on regtest, blocks come from the
#     Wallet page's "Mine a block"; the relay's default, 3, is for real networks).
# Ctrl-C (or SIGTERM) stops both. Environment: PORT (relay, 8080), DATT_BITCOIN_RPC_PORT (18443),
# DATT_DATA_DIR (./data). Extra arguments go to datt-relay: npm start -- --log-level debug.
# `datt-relay --help` lists its options.
set -Eeuo pipefail
DATT_LOG_PREFIX=start
DATT_RERUN_HINT="npm start"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

DATA_DIR="$(realpath -m "${DATT_DATA_DIR:-$DATT_ROOT/data}")"
RELAY_PORT="${PORT:-8080}"
BITCOIN_RPC_PORT="${DATT_BITCOIN_RPC_PORT:-18443}"
BITCOIN_DIR="$DATA_DIR/bitcoin"

step "running setup" "see setup's message above"
bash scripts/setup.sh
step "running the build" "see the build's message above"
bash scripts/build.sh
mkdir -p "$DATA_DIR"

bitcoin_pid="" relay_pid=""
stop_all() {
    trap - ERR INT TERM EXIT
    local pid
    for pid in $relay_pid $bitcoin_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    say "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

step "starting the regtest Bitcoin node (bcoin) with RPC on 127.0.0.1:$BITCOIN_RPC_PORT" \
     "if the port is taken, choose another: DATT_BITCOIN_RPC_PORT=18444 npm start"
node scripts/bitcoin-node.mjs --datadir "$BITCOIN_DIR" --rpc-port "$BITCOIN_RPC_PORT" &
bitcoin_pid=$!
# bitcoin-node.mjs writes rpc.json once the node answers RPC (and exits if it cannot start).
until [[ -f $BITCOIN_DIR/rpc.json ]]; do
    kill -0 "$bitcoin_pid" 2>/dev/null || {
        wait "$bitcoin_pid" || true
        bitcoin_pid=""
        die "the Bitcoin node did not start (see its message above). If port $BITCOIN_RPC_PORT" \
            "is taken, choose another: DATT_BITCOIN_RPC_PORT=18444 npm start"
    }
    sleep 0.2
done

step "starting datt-relay on http://127.0.0.1:$RELAY_PORT (Ctrl-C stops it and the Bitcoin node)" \
     "if the port is taken, choose another: PORT=8081 npm start"
"$DATT_NATIVE_BUILD/relay/datt-relay" \
    --port "$RELAY_PORT" \
    --database "$DATA_DIR/datt.sqlite3" \
    --web-root "$DATT_WEB_BUILD" \
    --wasm-root "$DATT_WASM_BUILD/dist" \
    --bitcoin-rpc-url "http://127.0.0.1:$BITCOIN_RPC_PORT/" \
    --bitcoin-rpc-password-file "$BITCOIN_DIR/rpc-key" \
    --bitcoin-network bcoin-regtest \
    --hub true \
    --hub-minimum-depth 1 \
    "$@" &
relay_pid=$!
# Whichever stops first (a crash, or a signal to one of them) ends the session.
status=0
wait -n "$relay_pid" "$bitcoin_pid" || status=$?
trap - ERR
if ! kill -0 "$relay_pid" 2>/dev/null; then
    relay_pid=""
    say "datt-relay exited (status $status)"
else
    bitcoin_pid=""
    say "the Bitcoin node exited (status $status)"
fi
exit "$status"
