#!/usr/bin/env bash
# quickstart.sh — from a fresh Debian 12 to a verified download with liburlsession:
#
#   1. install the missing Debian packages (scripts/install-deps.sh)
#   2. build the library and urlget into build/ (RelWithDebInfo)
#   3. start a local nginx with TLS and HTTP/2 on free 127.0.0.1 ports
#      (test/servers/nginx.sh, with its own CA made on the spot)
#   4. download a 100 MB file from it with urlget over HTTPS + HTTP/2, showing the
#      progress bar and the task's metrics
#   5. compare the SHA-256 of the download with the file the server sent
#
# The server and the files go away when the script ends, however it ends. No traffic
# leaves the machine: everything is on 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=$ROOT/build
FILE=100m.bin

say() { printf '\n==> %s\n' "$*"; }
die() {
    printf 'quickstart: %s\n' "$*" >&2
    exit 1
}

started=$(date +%s)

say "Installing missing Debian packages"
scripts/install-deps.sh

say "Building liburlsession and urlget in build/"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc 2>/dev/null || echo 2)" --target urlget

urlget=$BUILD_DIR/samples/urlget
[ -f "$urlget" ] || urlget=$BUILD_DIR/samples/urlget/urlget
[ -x "$urlget" ] || die "urlget was not built (looked for $BUILD_DIR/samples/urlget)"

say "Starting a local HTTPS server (nginx on 127.0.0.1)"
work=$(mktemp -d "${TMPDIR:-/tmp}/urlsession-quickstart.XXXXXX")
cleanup() {
    test/servers/nginx.sh stop "$work/server" || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

test/servers/nginx.sh start "$work/server"
# shellcheck source=/dev/null # written by nginx.sh: URL_TEST_* variables, shell-quoted
. "$work/server/server.env"
url="https://127.0.0.1:$URL_TEST_HTTPS_PORT/files/$FILE"
echo "serving $URL_TEST_WWW on https://127.0.0.1:$URL_TEST_HTTPS_PORT (CA: $URL_TEST_CA)"

say "Downloading $url"
echo "\$ urlget $url --cacert ca.pem --http2 -o $FILE --metrics"
"$urlget" "$url" --cacert "$URL_TEST_CA" --http2 -o "$work/$FILE" --metrics

say "Checking the download"
sent=$(sha256sum <"$URL_TEST_WWW/$FILE" | cut -d' ' -f1)
received=$(sha256sum <"$work/$FILE" | cut -d' ' -f1)
echo "server:     $sent"
echo "downloaded: $received"
[ "$sent" = "$received" ] || die "SHA-256 differs: the download is corrupt"

say "Done in $(($(date +%s) - started))s: $FILE arrived intact. Next: scripts/test.sh"
