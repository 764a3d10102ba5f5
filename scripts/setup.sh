#!/usr/bin/env bash
# Installs what building and testing Datt needs, and only what is missing:
#   1. Debian packages (compilers, libraries, Emscripten, Chromium for browser tests),
#   2. the libsecp256k1 0.2.0 source, compiled by the native and wasm builds (Debian's source package),
#   3. the npm packages pinned in package-lock.json.
# Idempotent: on a machine that has everything it only checks and returns.
set -Eeuo pipefail
DATT_LOG_PREFIX=setup
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# What the build and the tests use, by Debian 12 package name.
DEBIAN_PACKAGES=(
    build-essential cmake pkg-config          # native toolchain
    nlohmann-json3-dev                        # core dependency (native; libsecp256k1 is built from source, step 2)
    libgtest-dev libbenchmark-dev             # unit tests, benchmarks
    libboost-dev libsqlite3-dev               # relay: Beast HTTP/WebSocket, storage
    libssl-dev openssl                        # relay: wss:// peers; tests: a test certificate
    sqlite3                                   # tests: integrity_check of a killed relay's database
    emscripten binaryen                       # wasm build (Emscripten 3.1.6)
    dpkg-dev                                  # apt-get source unpacks with dpkg-source
    chromium fonts-liberation                 # headless browser tests (readable text)
    clang libclang-rt-14-dev                  # libFuzzer and sanitizers
)
# The native and wasm builds compile this libsecp256k1 release (cmake/secp256k1_source.cmake).
SECP256K1_SOURCE_PACKAGE="libsecp256k1"
SECP256K1_SOURCE_VERSION="0.2.0-2"
SECP256K1_SOURCE_FOLDER="libsecp256k1-0.2.0"
DEBIAN_SUITE="bookworm"
APT_LISTS_MAX_AGE_MINUTES=1440

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# Fresh: package lists exist and apt-get update ran (it touches partial/) within a day.
apt_lists_are_fresh() {
    compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || return 1
    [[ -n "$(find /var/lib/apt/lists -maxdepth 1 \( -name partial -o -name '*_Packages*' \) \
        -mmin "-$APT_LISTS_MAX_AGE_MINUTES" -print -quit 2>/dev/null)" ]]
}

# Without root or sudo we cannot install: say exactly what to run instead.
require_root_or_sudo() {
    local what=$1
    if [[ $EUID -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
        die "$what needs root, and sudo is not installed. As root, run:
    $2
then run this command again."
    fi
}

check_platform() {
    step "checking the platform"
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        die "this setup installs Debian packages with apt and expects Debian 12 (bookworm).
On another system install the equivalents of: ${DEBIAN_PACKAGES[*]}
put the libsecp256k1 0.2.0 source tree in $DATT_SECP256K1_DIR, and run 'npm ci'."
    fi
    local codename=""
    [[ -r /etc/os-release ]] && codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
    if [[ $codename != "$DEBIAN_SUITE" ]]; then
        warn "this is '${codename:-an unknown release}', not Debian 12 ($DEBIAN_SUITE): package" \
             "names and versions may differ."
    fi
}

check_node() {
    step "checking Node.js and npm" "install Node.js 18 or newer: apt-get install -y nodejs npm"
    command -v node >/dev/null 2>&1 || die "node not found: apt-get install -y nodejs npm"
    command -v npm >/dev/null 2>&1 || die "npm not found: apt-get install -y npm"
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if ((major < 18)); then
        die "Node.js $(node --version) is too old; Datt needs 18 or newer" \
            "(Debian 12: apt-get install -y nodejs npm)."
    fi
}

install_debian_packages() {
    step "checking Debian packages"
    local missing=() package
    for package in "${DEBIAN_PACKAGES[@]}"; do
        is_installed "$package" || missing+=("$package")
    done
    if ((${#missing[@]} == 0)); then
        say "all ${#DEBIAN_PACKAGES[@]} Debian packages are installed"
        return
    fi
    local install_command="apt-get install -y --no-install-recommends ${missing[*]}"
    require_root_or_sudo "installing ${missing[*]}" "apt-get update && $install_command"
    if ! apt_lists_are_fresh; then
        step "refreshing the apt package lists (apt-get update)" \
             "check the network and /etc/apt/sources.list.d/, then try: apt-get update"
        as_root apt-get update
    fi
    step "installing Debian packages: ${missing[*]}" \
         "look at apt's message above; if a download failed (404) run apt-get update; run: $install_command"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# True when some configured deb-src entry covers the Debian suite (any sources format).
has_deb_src_for_suite() {
    # shellcheck disable=SC2016  # $(...) here is apt's format syntax, not the shell's
    apt-get indextargets --no-release-info --format '$(TARGET_OF) $(RELEASE)' 2>/dev/null |
        grep -qx "deb-src $DEBIAN_SUITE"
}

# Writes a deb-src entry mirroring the suite's deb entry (same mirror, same keyring).
enable_deb_src() {
    local uri keyring="" sources_file="/etc/apt/sources.list.d/datt-debian-src.sources"
    # shellcheck disable=SC2016  # apt's format syntax
    uri="$(apt-get indextargets --no-release-info --format '$(TARGET_OF) $(RELEASE) $(REPO_URI)' 2>/dev/null |
        awk -v suite="$DEBIAN_SUITE" '$1 == "deb" && $2 == suite { print $3; exit }')"
    [[ -n $uri ]] || die "no 'deb' entry for $DEBIAN_SUITE in the apt sources, so there is" \
        "no mirror to take source packages from. Add deb-src for $DEBIAN_SUITE yourself."
    if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
        # The Signed-By of the deb822 stanza that lists this suite, when it names a file.
        keyring="$(awk -v suite="$DEBIAN_SUITE" 'BEGIN { RS = "" }
            $0 ~ ("(^|\n)Suites:[^\n]*[ \t]" suite "([ \t]|\n|$)") &&
            match($0, /(^|\n)Signed-By:[ \t]*\/[^\n]*/) {
                line = substr($0, RSTART, RLENGTH); sub(/^\n?Signed-By:[ \t]*/, "", line)
                print line; exit }' /etc/apt/sources.list.d/debian.sources)"
    fi
    keyring="${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}"
    step "enabling Debian source packages (deb-src) in $sources_file" \
         "add a deb-src entry for $DEBIAN_SUITE to the apt sources by hand"
    printf '%s\n' \
        "# Added by Datt's scripts/setup.sh: the native and wasm builds compile libsecp256k1 from" \
        "# Debian's source package. Removing this file is safe once third_party/ is filled." \
        "Types: deb-src" "URIs: $uri" "Suites: $DEBIAN_SUITE" "Components: main" \
        "Signed-By: $keyring" | as_root tee "$sources_file" >/dev/null
}

source_package_is_known() {
    apt-cache showsrc "$SECP256K1_SOURCE_PACKAGE" 2>/dev/null |
        grep -qx "Version: $SECP256K1_SOURCE_VERSION"
}

fetch_secp256k1_source() {
    step "checking the libsecp256k1 source for the native and wasm builds"
    if [[ -f $DATT_SECP256K1_DIR/src/secp256k1.c ]]; then
        say "libsecp256k1 source present in $DATT_SECP256K1_DIR"
        return
    fi
    if ! source_package_is_known; then
        if ! has_deb_src_for_suite; then
            require_root_or_sudo "enabling deb-src" \
                "add a 'Types: deb-src' entry for $DEBIAN_SUITE in /etc/apt/sources.list.d/, then apt-get update"
            enable_deb_src
        fi
        step "refreshing the apt package lists for source packages (apt-get update)" \
             "check the network and the deb-src entry, then try: apt-get update"
        require_root_or_sudo "apt-get update" "apt-get update"
        as_root apt-get update
        source_package_is_known || die "apt does not know the source package" \
            "$SECP256K1_SOURCE_PACKAGE $SECP256K1_SOURCE_VERSION (see 'apt-cache showsrc" \
            "$SECP256K1_SOURCE_PACKAGE'); Datt's builds need exactly this release."
    fi

    step "fetching the $SECP256K1_SOURCE_PACKAGE $SECP256K1_SOURCE_VERSION source into $DATT_SECP256K1_DIR" \
         "check the network; the download and unpack run: apt-get source $SECP256K1_SOURCE_PACKAGE=$SECP256K1_SOURCE_VERSION"
    local work_dir
    work_dir="$(mktemp -d)"
    # shellcheck disable=SC2064  # expand now: work_dir is local
    trap "rm -rf '$work_dir'" EXIT
    local sandbox=()
    # apt's download sandbox user cannot write into root's private temp folder; as root,
    # download as root instead of printing a warning about it.
    [[ $EUID -eq 0 ]] && sandbox=(-o APT::Sandbox::User=root)
    (cd "$work_dir" && apt-get "${sandbox[@]}" source -q "$SECP256K1_SOURCE_PACKAGE=$SECP256K1_SOURCE_VERSION")
    [[ -f $work_dir/$SECP256K1_SOURCE_FOLDER/src/secp256k1.c ]] ||
        die "the unpacked source has no $SECP256K1_SOURCE_FOLDER/src/secp256k1.c; look at $work_dir"
    # Copy beside the target, then rename: an interrupted copy never looks complete.
    mkdir -p "$DATT_THIRD_PARTY"
    rm -rf "$DATT_SECP256K1_DIR.partial"
    cp -R "$work_dir/$SECP256K1_SOURCE_FOLDER" "$DATT_SECP256K1_DIR.partial"
    mv "$DATT_SECP256K1_DIR.partial" "$DATT_SECP256K1_DIR"
    rm -rf "$work_dir"
    trap - EXIT
    say "libsecp256k1 source unpacked in $DATT_SECP256K1_DIR"
}

install_npm_packages() {
    step "checking npm packages"
    cd "$DATT_ROOT"
    # npm ci records what it installed in node_modules/.package-lock.json.
    if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
        say "npm packages are up to date with package-lock.json"
        return
    fi
    step "installing npm packages (npm ci)" \
         "check the network and npm's message above; then run: npm ci --ignore-scripts"
    # --ignore-scripts: no package needs its build step. bcoin's native addons all have
    # pure-JS fallbacks (NODE_BACKEND=js) and leveldown ships a prebuilt binary; skipping
    # the scripts keeps node-gyp (and its header download) out of the install.
    npm ci --ignore-scripts --no-audit --no-fund
}

main() {
    check_platform
    check_node
    install_debian_packages
    step "checking the Emscripten version against emsdk-version"
    check_emscripten_version
    fetch_secp256k1_source
    install_npm_packages
    say "done: everything Datt needs is installed"
}

# Sourcing the file (to try one function) defines the steps without running them.
[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
