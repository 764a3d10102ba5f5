#!/usr/bin/env bash
# npm run fuzz: builds the libFuzzer targets with clang (-DDATT_FUZZ=ON, see fuzz/) in
# build/fuzz and runs each fuzz_* program for FUZZ_SECONDS (default 60) seconds.
# New inputs that reach new code are kept in build/fuzz/corpus/<target>/; seed inputs in
# fuzz/corpus/<target>/ are read when that folder exists.
set -Eeuo pipefail
DATT_LOG_PREFIX=fuzz
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_BUILD="$DATT_ROOT/build/fuzz"

step "running setup" "see setup's message above"
bash scripts/setup.sh
step "configuring the fuzz build in build/fuzz (clang)" "run 'npm run setup' (installs clang)"
CC=clang CXX=clang++ cmake -S . -B "$FUZZ_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDATT_FUZZ=ON -DDATT_TESTS=OFF -DDATT_BENCH=OFF
step "building the fuzz targets" "fix the compile error shown above"
cmake --build "$FUZZ_BUILD" -j2

mapfile -t targets < <(find "$FUZZ_BUILD/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x 2>/dev/null | sort)
((${#targets[@]} > 0)) || die "no fuzz_* programs in build/fuzz/fuzz (see fuzz/CMakeLists.txt)"

failures=0
for target in "${targets[@]}"; do
    name="$(basename "$target")"
    corpus="$FUZZ_BUILD/corpus/$name"
    mkdir -p "$corpus"
    seeds=()
    if [[ -d fuzz/corpus/$name ]]; then seeds=("fuzz/corpus/$name"); fi
    step "running $name for $FUZZ_SECONDS s"
    if "$target" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
        -artifact_prefix="$FUZZ_BUILD/crash-$name-" "$corpus" "${seeds[@]}"; then
        say "PASS $name"
    else
        say "FAIL $name (a reproducer, if any, is in build/fuzz/crash-$name-*)"
        failures=$((failures + 1))
    fi
done
if ((failures > 0)); then
    die "$failures of ${#targets[@]} fuzz targets failed"
fi
say "all ${#targets[@]} fuzz targets ran $FUZZ_SECONDS s without a failure"
