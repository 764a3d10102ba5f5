#!/usr/bin/env bash
# npm test: installs what is missing, builds native and wasm, then runs every suite:
#   native      CTest over the GoogleTest programs in build/native
#   node:<dir>  Node's test runner over tests/<dir>/**/*.test.mjs (wasm API, interop, ...)
#   fuzz        each libFuzzer target briefly, with sanitizers (only under CI=true)
# A failing suite does not stop the others; the exit status is non-zero if any failed.
# Vectors come from ../shared/vectors or $DATT_VECTORS_DIR; without them vector tests skip,
# except under CI=true, where a missing vector file fails.
set -Eeuo pipefail
DATT_LOG_PREFIX="test"
DATT_RERUN_HINT="npm test"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

if [[ -z ${DATT_VECTORS_DIR:-} && -d $DATT_ROOT/../shared/vectors ]]; then
    DATT_VECTORS_DIR="$(cd "$DATT_ROOT/../shared/vectors" && pwd)"
fi
export DATT_VECTORS_DIR="${DATT_VECTORS_DIR:-$DATT_ROOT/../shared/vectors}"
if [[ -d $DATT_VECTORS_DIR ]]; then
    say "test vectors: $DATT_VECTORS_DIR"
elif [[ ${CI:-} == true ]]; then
    die "test vectors not found in $DATT_VECTORS_DIR (CI=true needs them; set DATT_VECTORS_DIR)"
else
    warn "test vectors not found in $DATT_VECTORS_DIR: vector tests will be skipped" \
         "(set DATT_VECTORS_DIR to run them)"
fi

step "running setup" "see setup's message above"
bash scripts/setup.sh
step "running the build" "see the build's message above"
# The benchmarks are not built for the tests (no test runs them): npm run bench builds them.
# Exported, so the builds that npm start's test runs leave them out too.
export DATT_BENCH=OFF
bash scripts/build.sh

LOG_DIR="$DATT_ROOT/build/test-logs"
mkdir -p "$LOG_DIR"

# Under CI=true the fuzz targets are built (clang, sanitizers: minutes of both cores) in the
# background at the lowest priority while the tests below run: the Node suites leave a core
# mostly idle, waiting on browsers, nodes and relays. The fuzz suite waits for this build;
# its output goes to build/test-logs/fuzz-build.log and a failure fails the fuzz suite.
# The log's first and last lines say when it started and ended (is it off the critical path?).
build_fuzz_in_background() {
    local status=0
    echo "fuzz-build: started at $(date -u +%T) UTC"
    nice -n 19 bash scripts/fuzz-build.sh || status=$?
    echo "fuzz-build: ended at $(date -u +%T) UTC, exit status $status"
    return "$status"
}
FUZZ_BUILD_PID=""
if [[ ${CI:-} == true && -f fuzz/CMakeLists.txt ]]; then
    step "building the fuzz targets in the background (log: build/test-logs/fuzz-build.log)"
    build_fuzz_in_background >"$LOG_DIR/fuzz-build.log" 2>&1 &
    FUZZ_BUILD_PID=$!
fi
SUMMARY_LINES=()
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0 FAILED_SUITES=0

# record SUITE STATUS PASSED FAILED SKIPPED: one line of the final summary.
record() {
    local suite=$1 status=$2 passed=$3 failed=$4 skipped=$5
    SUMMARY_LINES+=("$(printf '%-18s %-8s %s passed, %s failed, %s skipped' \
        "$suite" "$status" "$passed" "$failed" "$skipped")")
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
    [[ $status == ok ]] || FAILED_SUITES=$((FAILED_SUITES + 1))
}

# Counts from CTest's closing lines: "N% tests passed, F tests failed out of T" and the
# "(Skipped)" entries it lists under "The following tests did not run".
run_ctest() {
    local log="$LOG_DIR/native.log" status=0 total failed skipped
    step "running native tests (ctest)"
    ctest --test-dir "$DATT_NATIVE_BUILD" --output-on-failure -j2 2>&1 | tee "$log" || status=$?
    total="$(sed -nE 's/.* tests failed out of ([0-9]+).*/\1/p' "$log" | tail -n 1)"
    failed="$(sed -nE 's/.*tests passed, ([0-9]+) tests? failed out of.*/\1/p' "$log" | tail -n 1)"
    skipped="$(grep -cE '^[[:space:]]*[0-9]+ - .*\((Skipped|Disabled)\)$' "$log" || true)"
    total="${total:-0}" failed="${failed:-0}"
    # No closing line means no test was found or ctest itself failed: count that as a failure.
    if ((total == 0)); then status=1; fi
    if ((status != 0 && failed == 0)); then failed=1; fi
    record native "$( ((status == 0)) && echo ok || echo FAILED)" \
        "$((total - failed - skipped < 0 ? 0 : total - failed - skipped))" "$failed" "$skipped"
}

# Reads a count ("pass", "fail", ...) from node --test's closing lines (spec: "ℹ pass 3").
node_count() {
    local value
    value="$(sed -nE "s/^(ℹ|#) $2 ([0-9]+)$/\\2/p" "$1" | tail -n 1)"
    echo "${value:-0}"
}

run_node_suite() {
    local dir=$1 name="node:${1#tests/}" log status=0 files=()
    log="$LOG_DIR/${name//[:\/]/_}.log"
    mapfile -t files < <(find "$dir" -name '*.test.mjs' -type f | sort)
    step "running $name (${#files[@]} files, node --test)"
    # Explicit files: Node 18 reads a directory argument differently from Node 20.
    node --test --test-reporter=spec "${files[@]}" 2>&1 | tee "$log" || status=$?
    local passed failed skipped
    passed="$(node_count "$log" pass)"
    failed=$(($(node_count "$log" fail) + $(node_count "$log" cancelled)))
    skipped=$(($(node_count "$log" skipped) + $(node_count "$log" todo)))
    if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
    record "$name" "$([[ $status -eq 0 ]] && echo ok || echo FAILED)" "$passed" "$failed" "$skipped"
}

# Each fuzz target briefly: a crash or sanitizer report fails the suite.
run_fuzz_smoke() {
    local log="$LOG_DIR/fuzz.log" status=0 passed failed
    step "waiting for the fuzz build started before the tests (now $(date -u +%T) UTC)"
    local built=0
    wait "$FUZZ_BUILD_PID" || built=$?
    say "$(tail -n 1 "$LOG_DIR/fuzz-build.log")"
    if ((built != 0)); then
        tail -n 40 "$LOG_DIR/fuzz-build.log"
        say "the fuzz build failed: build/test-logs/fuzz-build.log"
        echo "fuzz: FAIL the fuzz build (build/test-logs/fuzz-build.log)" >"$log"
        record fuzz FAILED 0 1 0
        return 0
    fi
    step "running each fuzz target for ${FUZZ_SECONDS:-10} s (CI=true)"
    # Two targets at a time: each libFuzzer run uses one of the 2 cores.
    FUZZ_SECONDS="${FUZZ_SECONDS:-10}" FUZZ_SEED="${FUZZ_SEED:-1}" FUZZ_JOBS="${FUZZ_JOBS:-2}" \
        bash scripts/fuzz.sh 2>&1 | tee "$log" || status=$?
    passed="$(grep -c '^fuzz: PASS ' "$log" || true)"
    failed="$(grep -c '^fuzz: FAIL ' "$log" || true)"
    if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
    record fuzz "$([[ $status -eq 0 ]] && echo ok || echo FAILED)" "$passed" "$failed" 0
}

run_ctest

NODE_TEST_DIRS=()
for dir in tests/*/; do
    if [[ -n "$(find "${dir%/}" -name '*.test.mjs' -type f -print -quit)" ]]; then
        NODE_TEST_DIRS+=("${dir%/}")
    fi
done
if ((${#NODE_TEST_DIRS[@]} == 0)); then
    say "no Node test files (tests/*/**/*.test.mjs) yet"
fi
for dir in "${NODE_TEST_DIRS[@]}"; do
    run_node_suite "$dir"
done

if [[ -n $FUZZ_BUILD_PID ]]; then
    run_fuzz_smoke
elif [[ -f fuzz/CMakeLists.txt ]]; then
    say "fuzz targets run under CI=true only; 'npm run fuzz' runs them for longer"
fi

# What failed, by name, with the first lines of each report: CI shows only the end of a run.
print_failures() {
    local log
    log="$LOG_DIR/native.log"
    if [[ -f $log ]] && grep -q 'The following tests FAILED' "$log"; then
        say "native failures:"
        sed -n '/The following tests FAILED/,$p' "$log" | grep -E '^[[:space:]]+[0-9]+ - ' | head -n 20 || true
        grep -E -A 8 ': Failure$' "$log" | head -n 60 || true
    fi
    for log in "$LOG_DIR"/node_*.log; do
        [[ -f $log ]] || continue
        if grep -qE '^[[:space:]]*✖ ' "$log"; then
            say "failures in $(basename "$log" .log):"
            grep -E '^[[:space:]]*✖ ' "$log" | sed -E 's/^[[:space:]]+//' | sort -u | head -n 20 || true
            # a failure need not be an AssertionError (a Playwright TimeoutError prints
            # "name: 'TimeoutError'"): no match must not end the summary
            grep -E -A 6 '(AssertionError|Error:|TimeoutError)' "$log" | head -n 40 || true
        fi
    done
    log="$LOG_DIR/fuzz.log"
    if [[ -f $log ]] && grep -q '^fuzz: FAIL ' "$log"; then
        grep '^fuzz: FAIL ' "$log" || true
    fi
}

DATT_STEP="printing the summary"
if ((FAILED_SUITES > 0)); then
    say "---- what failed ----"
    print_failures
fi
say "---- summary (logs in build/test-logs/) ----"
for line in "${SUMMARY_LINES[@]}"; do
    say "$line"
done
echo "summary: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
if ((FAILED_SUITES > 0)); then
    trap - ERR
    exit 1
fi
