# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts sourcing this
# Helpers shared by scripts/*.sh. Sourced, never run on its own:
#   DATT_LOG_PREFIX=setup; source "$(dirname "$0")/lib.sh"
#
# Every script names the step it is in (`step "..." "how to fix"`), so that a failure prints
# which step broke and what to do about it instead of a bare shell trace.

DATT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Downloaded sources (gitignored). Overridable so the fetch can be tried in another place.
DATT_THIRD_PARTY="$(realpath -m "${DATT_THIRD_PARTY:-$DATT_ROOT/third_party}")"
DATT_SECP256K1_DIR="$DATT_THIRD_PARTY/secp256k1"
DATT_NATIVE_BUILD="$DATT_ROOT/build/native"
DATT_WASM_BUILD="$DATT_ROOT/build/wasm"
DATT_WASM_DIST="$DATT_WASM_BUILD/dist"
DATT_WEB_BUILD="$DATT_ROOT/build/web"
DATT_FUZZ_BUILD="$DATT_ROOT/build/fuzz"
# Emscripten's optimizer (used at -O1 and above) needs Debian's acorn module.
DATT_EMSCRIPTEN_NODE_PATH="/usr/share/nodejs"

DATT_LOG_PREFIX="${DATT_LOG_PREFIX:-datt}"
DATT_STEP="starting"
DATT_FIX_HINT=""

say() { printf '%s: %s\n' "$DATT_LOG_PREFIX" "$*"; }
warn() { printf '%s: warning: %s\n' "$DATT_LOG_PREFIX" "$*" >&2; }

# Stops with a message; the ERR trap stays silent because this is an expected failure.
die() {
    printf '%s: error: %s\n' "$DATT_LOG_PREFIX" "$*" >&2
    trap - ERR
    exit 1
}

# step DESCRIPTION [FIX_HINT]: announces a step and remembers what to say if it fails.
step() {
    DATT_STEP="$1"
    DATT_FIX_HINT="${2:-}"
    say "$1"
}

datt_on_error() {
    local status=$1 command=$2
    # Subshells ($(...)) inherit the trap; report once, from the script's own shell.
    [[ $BASHPID == "$$" ]] || return 0
    trap - ERR
    {
        printf '%s: FAILED while %s\n' "$DATT_LOG_PREFIX" "$DATT_STEP"
        printf '%s:   command: %s (exit status %s)\n' "$DATT_LOG_PREFIX" "$command" "$status"
        [[ -n $DATT_FIX_HINT ]] && printf '%s:   fix: %s\n' "$DATT_LOG_PREFIX" "$DATT_FIX_HINT"
        printf '%s:   then re-run: %s\n' "$DATT_LOG_PREFIX" "${DATT_RERUN_HINT:-npm run $DATT_LOG_PREFIX}"
    } >&2
}
trap 'datt_on_error $? "$BASH_COMMAND"' ERR
set -E

# Runs a command as root: directly when we are root, through sudo when it exists.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "this step needs root and sudo is not installed. Run as root: $*"
    fi
}

# Checks that emcc is the Emscripten version recorded in emsdk-version.
check_emscripten_version() {
    local expected actual
    expected="$(tr -d '[:space:]' <"$DATT_ROOT/emsdk-version")"
    if ! command -v emcc >/dev/null 2>&1; then
        die "emcc not found. The wasm build needs Emscripten $expected: on Debian 12 run" \
            "'npm run setup' (it installs the emscripten package), or put an emsdk $expected" \
            "first on PATH."
    fi
    actual="$(emcc --version 2>/dev/null | head -n 1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)"
    if [[ $actual != "$expected" ]]; then
        die "emcc ($(command -v emcc)) is version '${actual:-unknown}' but emsdk-version asks" \
            "for $expected. On Debian 12 use the packaged one: apt-get install emscripten" \
            "(it is $expected) and take any other emsdk off PATH; elsewhere run" \
            "'emsdk install $expected && emsdk activate $expected'."
    fi
}
