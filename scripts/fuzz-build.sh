#!/usr/bin/env bash
# Configures and builds the libFuzzer targets with clang in build/fuzz (-DDATT_FUZZ=ON, see
# fuzz/). scripts/fuzz.sh runs it before running the targets; under CI=true, scripts/test.sh
# runs it in the background (nice'd) while the Node suites run, then scripts/fuzz.sh finds
# the targets built. Expects what scripts/setup.sh installs.
set -Eeuo pipefail
DATT_LOG_PREFIX=fuzz
DATT_RERUN_HINT="npm run fuzz"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

step "configuring the fuzz build in $DATT_FUZZ_BUILD (clang)" "run 'npm run setup' (installs clang)"
CC=clang CXX=clang++ cmake -S . -B "$DATT_FUZZ_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDATT_FUZZ=ON -DDATT_TESTS=OFF -DDATT_BENCH=OFF
step "building the fuzz targets" "fix the compile error shown above"
cmake --build "$DATT_FUZZ_BUILD" -j2 --target datt_fuzzers
