#!/usr/bin/env bash
# npm run bench: builds, then prints the benchmark figures:
#   native  build/native/bench/datt_bench (Google Benchmark; extra arguments go to it,
#           e.g. npm run bench -- --benchmark_filter=verify)
#   sync    build/native/bench/datt_sync_bench: NIP-77 reconciliation of million-item sets
#   wasm    node bench/wasm_bench.mjs, when it exists
#   web     node bench/web_bench.mjs: the web app in headless Chromium against datt-relay
#   markdown node bench/markdown_bench.mjs: the Markdown renderer in Node and headless Chromium
# Figures and the wasm/native ratio are recorded in docs/performance.md.
set -Eeuo pipefail
DATT_LOG_PREFIX=bench
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

step "running setup" "see setup's message above"
bash scripts/setup.sh
step "running the build" "see the build's message above"
# npm test leaves the benchmarks out of build/native (DATT_BENCH=OFF): build them here.
DATT_BENCH=ON bash scripts/build.sh

native_bench="$DATT_NATIVE_BUILD/bench/datt_bench"
ran=0
if [[ -x $native_bench ]]; then
    step "native benchmarks ($native_bench)"
    "$native_bench" "$@"
    ran=$((ran + 1))
fi
sync_bench="$DATT_NATIVE_BUILD/bench/datt_sync_bench"
if [[ -x $sync_bench ]]; then
    step "NIP-77 reconciliation benchmarks ($sync_bench)"
    "$sync_bench"
    ran=$((ran + 1))
fi
if [[ -f bench/wasm_bench.mjs ]]; then
    step "wasm benchmarks (node bench/wasm_bench.mjs)"
    node bench/wasm_bench.mjs
    ran=$((ran + 1))
fi
if [[ -f bench/web_bench.mjs ]]; then
    step "web app benchmarks (node bench/web_bench.mjs, headless Chromium)"
    node bench/web_bench.mjs
    ran=$((ran + 1))
fi
if [[ -f bench/markdown_bench.mjs ]]; then
    step "Markdown renderer benchmark (node bench/markdown_bench.mjs, Node and headless Chromium)"
    node bench/markdown_bench.mjs
    ran=$((ran + 1))
fi
((ran > 0)) || die "no benchmark programs yet (bench/ builds datt_bench, bench/wasm_bench.mjs)"
