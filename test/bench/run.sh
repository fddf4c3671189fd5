#!/usr/bin/env bash
# run.sh — liburlsession's benchmarks, side by side with what users would pick instead.
#
#   test/bench/run.sh [--quick] [--tiny] [--rounds N] [--only KEYS] [--contenders NAMES]
#                     [--build-dir DIR] [--no-build] [--no-install]
#
# Installs the missing Debian packages of the contenders (as root, unless --no-install),
# builds the project in Release with the benchmark programs into DIR (default
# build-bench/ at the top of the tree), starts nginx on loopback (test/bench/server.sh),
# runs every scenario against every contender in interleaved rounds, prints the table of
# medians and ratios and writes DIR/bench/results.json and results.csv. The server and
# the scratch files go when it exits, however it exits.
#
#   --quick       one round of smaller work: a smoke run of a couple of minutes
#   --tiny        sizes that only prove the harness works (the ctest bench/quick)
#   --rounds N    rounds per scenario (default 3, 2 for scenarios 3 and 4)
#   --only KEYS   scenario keys or prefixes, comma-separated: 1, 1-download-h1, 2, 3, 4, 5,
#                 6 (transport, in the network labs: root; 6-transport-fallback and so on)
#   --contenders NAMES  parts of contender names, comma-separated ("libcurl,soup");
#                 liburlsession (C) always runs
#   --no-build    use the programs already in DIR
#   --no-install  do not install packages (missing contenders are left out)
#
# doc/benchmarks.md describes the scenarios and has the latest results.
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=$SOURCE_DIR/test/bench
BUILD_DIR=$SOURCE_DIR/build-bench
BUILD=1
INSTALL=1
BENCH_ARGS=()
SIZE=$((1 << 30))
SLOW=0.5
PACKAGES="cmake pkg-config gcc libcurl4-openssl-dev libglib2.0-dev python3-dev nginx
libnginx-mod-http-echo openssl curl wget aria2 libsoup-3.0-dev glib-networking
python3-aiohttp python3-httpx python3-h2 python3-requests"

die() {
    echo "run.sh: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
    --quick)
        BENCH_ARGS+=(--quick)
        SIZE=$((256 << 20))
        SLOW=0.25
        ;;
    --tiny)
        BENCH_ARGS+=(--tiny)
        SIZE=$((8 << 20))
        SLOW=0.1
        ;;
    --rounds | --only | --contenders)
        [ $# -ge 2 ] || die "$1 needs a value"
        BENCH_ARGS+=("$1" "$2")
        shift
        ;;
    --build-dir)
        [ $# -ge 2 ] || die "$1 needs a value"
        BUILD_DIR=$(mkdir -p "$2" && cd "$2" && pwd)
        shift
        ;;
    --no-build) BUILD=0 ;;
    --no-install) INSTALL=0 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
done

install_packages() {
    local missing=() p
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "run.sh: not installed (contenders that need them are left out): ${missing[*]}"
        return 0
    fi
    local available=() q
    for q in "${missing[@]}"; do
        apt-cache show "$q" >/dev/null 2>&1 && available+=("$q")
    done
    [ ${#available[@]} -eq 0 ] && return 0
    echo "run.sh: installing ${available[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        -o DPkg::Lock::Timeout=300 "${available[@]}" >/dev/null ||
        echo "run.sh: apt-get failed; going on with what is installed" >&2
}

build() {
    echo "run.sh: building $BUILD_DIR (Release)"
    cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DURL_BUILD_BENCH=ON \
        -DURL_BUILD_TESTS=ON -DURL_BUILD_LUA=OFF >"$BUILD_DIR.cmake.log" 2>&1 ||
        die "cmake failed, see $BUILD_DIR.cmake.log"
    local targets=(bench_urlsession bench_curl urlget mp_client)
    grep -q '^SOUP_FOUND:INTERNAL=1' "$BUILD_DIR/CMakeCache.txt" && targets+=(bench_soup)
    grep -q 'urlsession_python' "$BUILD_DIR/Makefile" 2>/dev/null && targets+=(urlsession_python)
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${targets[@]}" \
        >"$BUILD_DIR.build.log" 2>&1 || die "build failed, see $BUILD_DIR.build.log"
}

[ "$INSTALL" = 1 ] && install_packages
mkdir -p "$BUILD_DIR"
[ "$BUILD" = 1 ] && build

WORK=$(mktemp -d "$BUILD_DIR/bench-run.XXXXXX")
cleanup() {
    "$BENCH_DIR/server.sh" stop "$WORK/server" || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "run.sh: starting nginx (bulk file $SIZE bytes)"
BENCH_SLOW_SECONDS=$SLOW "$BENCH_DIR/server.sh" start "$WORK/server" "$SIZE"
# Writes to a file go to the build tree's filesystem, like a user's download directory.
mkdir -p "$WORK/runs"
/usr/bin/python3 "$BENCH_DIR/bench.py" --build-dir "$BUILD_DIR" \
    --server-env "$WORK/server/server.env" --work "$WORK/runs" "${BENCH_ARGS[@]}"
