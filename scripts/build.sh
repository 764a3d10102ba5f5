#!/usr/bin/env bash
# Builds the native tree (core, CLI, tests, benchmarks unless DATT_BENCH=OFF), the wasm package
# and the web app.
#   scripts/build.sh            all three
#   scripts/build.sh native     build/native only
#   scripts/build.sh wasm       build/wasm only (package in build/wasm/dist/)
#   scripts/build.sh web        build/web only (the bundled web app, see web/build.mjs)
# Expects what scripts/setup.sh installs (npm start and npm test run it first).
set -Eeuo pipefail
DATT_LOG_PREFIX=build
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

build_native() {
    step "configuring the native build in build/native" \
         "a missing package: run 'npm run setup'; a CMake error in a folder: fix that CMakeLists.txt"
    # DATT_BENCH=ON or OFF: build the benchmarks or not (npm run bench sets ON, npm test
    # OFF); unset, the build directory keeps its choice (ON in a new one).
    local bench_choice=()
    [[ -z ${DATT_BENCH:-} ]] || bench_choice=(-DDATT_BENCH="$DATT_BENCH")
    cmake -S . -B "$DATT_NATIVE_BUILD" -DCMAKE_BUILD_TYPE=Release "${bench_choice[@]}"
    step "building native (core, CLI, tests, benchmarks unless DATT_BENCH=OFF)" "fix the compile error shown above"
    cmake --build "$DATT_NATIVE_BUILD" -j2
}

build_wasm() {
    step "checking the Emscripten version against emsdk-version"
    check_emscripten_version
    export NODE_PATH="$DATT_EMSCRIPTEN_NODE_PATH${NODE_PATH:+:$NODE_PATH}"
    step "configuring the wasm build in build/wasm" \
         "read CMake's message above; for a missing libsecp256k1 source or package run 'npm run setup'"
    emcmake cmake -S . -B "$DATT_WASM_BUILD" -DCMAKE_BUILD_TYPE=Release \
        -DDATT_SECP256K1_SOURCE_DIR="$DATT_SECP256K1_DIR"
    step "building wasm (package in build/wasm/dist)" "fix the compile or link error shown above"
    cmake --build "$DATT_WASM_BUILD" -j2
    [[ -f $DATT_WASM_DIST/datt.mjs ]] ||
        die "the wasm build finished but $DATT_WASM_DIST/datt.mjs is missing (see wasm/CMakeLists.txt)"
}

build_web() {
    step "bundling the web app into build/web" "fix the JavaScript error shown above (web/src)"
    node web/build.mjs --out "$DATT_WEB_BUILD"
}

case "${1:-all}" in
    native) build_native ;;
    wasm) build_wasm ;;
    web) build_web ;;
    all)
        build_native
        build_wasm
        build_web
        ;;
    *) die "unknown target '$1': use native, wasm, web or nothing (all)" ;;
esac
say "done"
