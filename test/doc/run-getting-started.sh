#!/usr/bin/env bash
# run-getting-started.sh EXAMPLE — runs the getting-started example (doc/getting-started.md)
# against a loopback nginx: a download over TLS + HTTP/2 that must match the served file,
# then the same URL without the test CA, which must fail with
# URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT. Exits 77 (skip) when nginx.sh cannot run,
# unless CI=true.
set -euo pipefail

example=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap '"$root/test/servers/nginx.sh" stop "$dir/server"; rm -rf "$dir"' EXIT

rc=0
"$root/test/servers/nginx.sh" start "$dir/server" || rc=$?
if [ "$rc" = 77 ]; then
    echo "SKIP: the test server cannot run here (see above)"
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
[ "$rc" = 0 ] || exit "$rc"
# shellcheck disable=SC1091
. "$dir/server/server.env"
url="https://127.0.0.1:$URL_TEST_HTTPS_PORT/files/1m.bin"

"$example" "$url" "$dir/1m.bin" "$URL_TEST_CA"
cmp "$dir/1m.bin" "$URL_TEST_WWW/1m.bin"
echo "ok: downloaded file matches"

if "$example" "$url" "$dir/untrusted.bin" 2>"$dir/stderr"; then
    echo "FAIL: the download succeeded without the test CA" >&2
    exit 1
fi
cat "$dir/stderr" >&2
grep -q "URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT" "$dir/stderr" || {
    echo "FAIL: expected URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT" >&2
    exit 1
}
[ ! -e "$dir/untrusted.bin" ] || {
    echo "FAIL: a failed download left a file" >&2
    exit 1
}
echo "ok: untrusted certificate reported"
