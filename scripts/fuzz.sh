#!/usr/bin/env bash
# npm run fuzz: builds the libFuzzer targets with clang (-DDATT_FUZZ=ON, see fuzz/) in
# build/fuzz and runs each fuzz_* program for FUZZ_SECONDS (default 60) seconds.
#   FUZZ_SECONDS=600 npm run fuzz            every target, 10 minutes each
#   npm run fuzz -- fuzz_event_parse         only the named targets
# New inputs that reach new code are kept in build/fuzz/corpus/<target>/; seed inputs in
# fuzz/corpus/<target>/ are read when that folder exists (and never written to).
#   FUZZ_SEED=1 npm run fuzz                 a fixed libFuzzer seed (default: a new one per run)
#   FUZZ_JOBS=2 npm run fuzz                 two targets at a time (default 1)
# CI (npm test with CI=true) runs this with FUZZ_SECONDS=10, FUZZ_SEED=1 and FUZZ_JOBS=2: a short smoke run
# per target that replays the seeds and fails on any crash, sanitizer report or broken
# invariant. The fixed seed makes a CI verdict reproducible from its log; finding new bugs is
# the job of long runs with fresh seeds (fuzz/README.md), whose finds become seeds here.
set -Eeuo pipefail
DATT_LOG_PREFIX=fuzz
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$DATT_ROOT"

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_BUILD="$DATT_FUZZ_BUILD"
[[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a whole number of seconds, not '$FUZZ_SECONDS'"
seed_flag=()
if [[ -n ${FUZZ_SEED:-} ]]; then
    [[ $FUZZ_SEED =~ ^[1-9][0-9]{0,8}$ ]] || die "FUZZ_SEED must be a whole number from 1, not '$FUZZ_SEED'"
    seed_flag=(-seed="$FUZZ_SEED")
fi
# A single input running this long is a hang (reported like a crash, with its reproducer).
FUZZ_UNIT_TIMEOUT="${FUZZ_UNIT_TIMEOUT:-25}"
# UBSan reports stop the run (the targets build with -fno-sanitize-recover) with a stack.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

step "running setup" "see setup's message above"
bash scripts/setup.sh
step "building the fuzz targets (scripts/fuzz-build.sh)" "see the build's message above"
bash scripts/fuzz-build.sh

mapfile -t targets < <(find "$FUZZ_BUILD/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x 2>/dev/null | sort)
((${#targets[@]} > 0)) || die "no fuzz_* programs in build/fuzz/fuzz (see fuzz/CMakeLists.txt)"
if (($# > 0)); then
    selected=()
    for wanted in "$@"; do
        [[ -x $FUZZ_BUILD/fuzz/$wanted ]] || die "no fuzz target '$wanted'; there are:" \
            "$(for t in "${targets[@]}"; do printf '%s ' "$(basename "$t")"; done)"
        selected+=("$FUZZ_BUILD/fuzz/$wanted")
    done
    targets=("${selected[@]}")
fi

# FUZZ_JOBS targets run at once (each libFuzzer process uses one core); CI runs 2.
FUZZ_JOBS="${FUZZ_JOBS:-1}"
[[ $FUZZ_JOBS =~ ^[1-9]$ ]] || die "FUZZ_JOBS must be a whole number from 1 to 9, not '$FUZZ_JOBS'"
mkdir -p "$FUZZ_BUILD/logs" "$FUZZ_BUILD/artifacts"

# One target's run: libFuzzer's progress lines go to a log of their own, the verdict to
# <name>.verdict, read (in the targets' order) once every run has ended.
fuzz_one() {
    local target=$1 name corpus log seeds=()
    name="$(basename "$target")"
    corpus="$FUZZ_BUILD/corpus/$name"
    log="$FUZZ_BUILD/logs/$name.log"
    mkdir -p "$corpus"
    if [[ -d fuzz/corpus/$name ]]; then seeds=("fuzz/corpus/$name"); fi
    step "running $name for $FUZZ_SECONDS s"
    if "$target" -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_UNIT_TIMEOUT" "${seed_flag[@]}" \
        -print_final_stats=1 -artifact_prefix="$FUZZ_BUILD/artifacts/$name-" \
        "$corpus" "${seeds[@]}" >"$log" 2>&1; then
        echo "PASS $name ($(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log") runs)" >"$FUZZ_BUILD/logs/$name.verdict"
    else
        echo "FAIL $name (log $log; reproducer in build/fuzz/artifacts/$name-*; replay: $target <file>)" >"$FUZZ_BUILD/logs/$name.verdict"
    fi
}

running=0
for target in "${targets[@]}"; do
    rm -f "$FUZZ_BUILD/logs/$(basename "$target").verdict"
    if ((running >= FUZZ_JOBS)); then
        wait -n || true
        running=$((running - 1))
    fi
    fuzz_one "$target" &
    running=$((running + 1))
done
wait

# A failure prints its report here, so the end of a CI run says which target failed and why.
failures=0 FAILED_TARGETS=()
for target in "${targets[@]}"; do
    name="$(basename "$target")"
    verdict="$(cat "$FUZZ_BUILD/logs/$name.verdict" 2>/dev/null || echo "FAIL $name (no verdict: the run did not finish)")"
    if [[ $verdict == PASS* ]]; then
        say "$verdict"
    else
        grep -vE '^#[0-9]+' "$FUZZ_BUILD/logs/$name.log" 2>/dev/null | tail -n 60 >&2 || true
        say "$verdict"
        failures=$((failures + 1))
        FAILED_TARGETS+=("$name")
    fi
done
if ((failures > 0)); then
    die "$failures of ${#targets[@]} fuzz targets failed: ${FAILED_TARGETS[*]}"
fi
say "all ${#targets[@]} fuzz targets ran $FUZZ_SECONDS s without a failure"
