#!/usr/bin/env bash
# test_urlget.sh — urlget against a real nginx on 127.0.0.1 (test/servers/nginx.sh).
#
#   test/samples/test_urlget.sh URLGET SOURCE_DIR
#
# Each check prints "ok - ..." or "not ok - ..." (TAP-like); the script fails when any
# check fails. Exits 77 (ctest: skipped) when nginx or its modules are not installed,
# except under CI=true, where nothing that CI can run may be skipped.
set -u

urlget=$(realpath "${1:?usage: test_urlget.sh URLGET SOURCE_DIR}") || exit 1
root=$(realpath "${2:?usage: test_urlget.sh URLGET SOURCE_DIR}") || exit 1
PYTHON=/usr/bin/python3

work=$(mktemp -d "${TMPDIR:-/tmp}/test_urlget.XXXXXX")
cleanup() {
    "$root/test/servers/nginx.sh" stop "$work/server" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

"$root/test/servers/nginx.sh" start "$work/server"
started=$?
if [ "$started" = 77 ]; then
    if [ "${CI:-}" = true ]; then
        echo "nginx.sh is missing a prerequisite, and CI=true forbids skipping" >&2
        exit 1
    fi
    echo "skipped: nginx.sh is missing a prerequisite" >&2
    exit 77
fi
[ "$started" = 0 ] || exit 1
# shellcheck source=/dev/null # written by nginx.sh: URL_TEST_* variables, shell-quoted
. "$work/server/server.env"

http=http://127.0.0.1:$URL_TEST_HTTP_PORT
https=https://127.0.0.1:$URL_TEST_HTTPS_PORT
h2c=http://127.0.0.1:$URL_TEST_H2C_PORT
www=$URL_TEST_WWW
ca=$URL_TEST_CA

exec 3>&1
failures=0
checks=0
ok() {
    checks=$((checks + 1))
    echo "ok - $1"
}
not_ok() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "not ok - $1"
}
# expect DESCRIPTION COMMAND...: the command must succeed.
expect() {
    local description=$1
    shift
    if "$@"; then ok "$description"; else not_ok "$description"; fi
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }
same_file() { [ -f "$2" ] && [ "$(sha "$1")" = "$(sha "$2")" ]; }
# No file of any name in DIR except those given: no temporary file left behind.
only_files() {
    local dir=$1
    shift
    local expected actual
    expected=$(printf '%s\n' "$@" | sort)
    actual=$(ls -A "$dir" | sort)
    if [ "$expected" != "$actual" ]; then
        echo "# in $dir: expected [$expected], found [$actual]"
        return 1
    fi
}
# run_urlget DIR ARGS...: runs urlget in DIR (stderr to DIR/../stderr); sets $status.
run_urlget() {
    local dir=$1
    shift
    mkdir -p "$dir"
    (cd "$dir" && exec "$urlget" "$@" 2>"$dir.stderr")
    status=$?
    # To the test's log (fd 3), not to a stdout the caller may have redirected.
    if [ -s "$dir.stderr" ]; then sed 's/^/#   /' "$dir.stderr" >&3; fi
}
expect_status() {
    if [ "$status" = "$2" ]; then ok "$1: exit $2"; else not_ok "$1: exit $status, expected $2"; fi
}
# json_check FILE PYTHON_EXPRESSION: every line of FILE parses as JSON and the
# expression holds with `lines` bound to the list of parsed objects.
json_check() {
    "$PYTHON" -c '
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
ok = eval("(" + sys.argv[2] + ")")
if not ok:
    print("# check failed:", sys.argv[2])
    for line in lines:
        print("#  ", json.dumps(line)[:600])
sys.exit(0 if ok else 1)
' "$1" "$2"
}
free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

echo "# urlget: $urlget"

# -o over https with --cacert: the very bytes the server has, and nothing else left.
d=$work/https
run_urlget "$d" --cacert "$ca" -o 10m.bin "$https/files/10m.bin"
expect_status "https -o" 0
expect "https -o: identical sha256" same_file "$www/10m.bin" "$d/10m.bin"
expect "https -o: no temporary file left" only_files "$d" 10m.bin

# Two URLs at once, -o paired with URLs in order; the task intervals in the metrics
# overlap, so they did run in parallel.
d=$work/parallel
run_urlget "$d" --cacert "$ca" --metrics="$work/parallel.jsonl" \
    -o first.bin "$https/slow/1m.bin?rate=2m" -o second.bin "$https/slow/1k.bin?rate=1k"
expect_status "parallel" 0
expect "parallel: first file identical" same_file "$www/1m.bin" "$d/first.bin"
expect "parallel: second file identical" same_file "$www/1k.bin" "$d/second.bin"
expect "parallel: the two tasks overlap in time" json_check "$work/parallel.jsonl" '
len(lines) == 2 and
max(l["metrics"]["task_start"] for l in lines) <
min(l["metrics"]["task_start"] + l["metrics"]["task_duration"] for l in lines)'

# -O: the suggested name (the URL's last segment), in the current directory.
d=$work/remote_name
run_urlget "$d" --cacert "$ca" -O "$https/files/small.txt" "$http/files/1k.bin"
expect_status "-O" 0
expect "-O: small.txt identical" same_file "$www/small.txt" "$d/small.txt"
expect "-O: 1k.bin identical" same_file "$www/1k.bin" "$d/1k.bin"
expect "-O: nothing else in the directory" only_files "$d" 1k.bin small.txt

# --metrics=FILE: JSON lines, appended, h2 with --http2 (ALPN on https, h2c on http).
d=$work/metrics
metrics=$work/metrics.jsonl
run_urlget "$d" --http2 --cacert "$ca" --metrics="$metrics" \
    -o a.txt "$https/files/small.txt" -o b.txt "$h2c/files/small.txt"
expect_status "--http2 --metrics" 0
run_urlget "$d" --http1.1 --cacert "$ca" --metrics="$metrics" -o c.txt "$https/files/small.txt"
expect_status "--http1.1 --metrics" 0
expect "--metrics: every line is JSON, three lines appended" json_check "$metrics" 'len(lines) == 3'
expect "--metrics: url, file and error wrap the metrics" json_check "$metrics" '
all(set(l) >= {"url", "file", "error", "metrics"} and l["error"] is None for l in lines) and
sorted(l["file"] for l in lines) == ["a.txt", "b.txt", "c.txt"]'
expect "--metrics: h2 with --http2 over https and h2c" json_check "$metrics" '
all(l["metrics"]["transactions"][-1]["protocol"] == "h2" for l in lines
    if l["file"] in ("a.txt", "b.txt"))'
expect "--metrics: http/1.1 with --http1.1" json_check "$metrics" '
[l["metrics"]["transactions"][-1]["protocol"] for l in lines if l["file"] == "c.txt"] == ["http/1.1"]'

# A 404 fails that URL: exit 4, no file, no temporary file; the error is in the metrics.
d=$work/not_found
run_urlget "$d" --cacert "$ca" --metrics="$work/not_found.jsonl" -o missing.txt "$https/status/404"
expect_status "404" 4
expect "404: no file kept" only_files "$d"
expect "404: a clear message" grep -q "404 Not Found" "$d.stderr"
expect "404: metrics say http 404" json_check "$work/not_found.jsonl" '
lines[0]["error"]["domain"] == "http" and lines[0]["error"]["code"] == 404'

# The same over a data task (stdout).
d=$work/not_found_stdout
run_urlget "$d" --cacert "$ca" "$https/status/404" >"$work/not_found_stdout.out"
expect_status "404 to stdout" 4
expect "404 to stdout: no error page written" test ! -s "$work/not_found_stdout.out"

# -C -: a truncated file is completed to the server's bytes with a Range request.
d=$work/resume
mkdir -p "$d"
head -c 3000000 "$www/10m.bin" >"$d/10m.bin"
run_urlget "$d" --cacert "$ca" --metrics="$work/resume.jsonl" -C - -o 10m.bin "$https/files/10m.bin"
expect_status "-C -" 0
expect "-C -: identical sha256" same_file "$www/10m.bin" "$d/10m.bin"
expect "-C -: only the missing bytes were asked for (206)" json_check "$work/resume.jsonl" '
lines[0]["resumed_from"] == 3000000 and
lines[0]["metrics"]["transactions"][-1]["status"] == 206 and
lines[0]["metrics"]["transactions"][-1]["response_body_bytes"] == 10485760 - 3000000'
expect "-C -: no temporary file left" only_files "$d" 10m.bin
# Already complete: the server answers 416 and the file stays as it is.
run_urlget "$d" --cacert "$ca" -C - -o 10m.bin "$https/files/10m.bin"
expect_status "-C - on a complete file" 0
expect "-C - on a complete file: unchanged" same_file "$www/10m.bin" "$d/10m.bin"
# A local file longer than the server's is not the server's file.
printf 'hello world\nand more\n' >"$d/small.txt"
run_urlget "$d" --cacert "$ca" -C - -o small.txt "$https/files/small.txt"
expect_status "-C - on a longer local file" 4
expect "-C - on a longer local file: left alone" grep -q "and more" "$d/small.txt"

# A server that ignores the range (200): the whole body replaces the file, at the end.
printf 'stale bytes, longer than the answer\n' >"$d/method.txt"
run_urlget "$d" -C - -o method.txt "$http/method"
expect_status "-C - answered with 200" 0
expect "-C - answered with 200: the file is the new body" test "$(cat "$d/method.txt")" = GET
expect "-C - answered with 200: said so" grep -q "ignored the range" "$d.stderr"
expect "-C - answered with 200: no temporary file left" only_files "$d" 10m.bin small.txt method.txt

# SIGINT while resuming keeps what arrived: the file grew and is still a prefix of the
# server's file, ready for the next -C -.
head -c 1000000 "$www/10m.bin" >"$d/partial.bin"
(cd "$d" && exec "$urlget" -q --cacert "$ca" -C - -o partial.bin "$https/slow/10m.bin?rate=1m") &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
status=$?
expect_status "SIGINT while resuming" 130
size=$(stat -c %s "$d/partial.bin")
expect "SIGINT while resuming: the file grew ($size bytes)" test "$size" -gt 1000000
expect "SIGINT while resuming: still a prefix" cmp -s -n "$size" "$d/partial.bin" "$www/10m.bin"
run_urlget "$d" -q --cacert "$ca" -C - -o partial.bin "$https/files/10m.bin"
expect_status "-C - after SIGINT" 0
expect "-C - after SIGINT: identical sha256" same_file "$www/10m.bin" "$d/partial.bin"

# Connection refused: exit 2, no file.
d=$work/refused
port=$(free_port)
run_urlget "$d" -o nothing.bin "http://127.0.0.1:$port/files/small.txt"
expect_status "connection refused" 2
expect "connection refused: no file" only_files "$d"

# Progress: plain lines on stderr when it is not a terminal, nothing with -q.
d=$work/progress
run_urlget "$d" --cacert "$ca" -o slow.bin "$https/slow/1m.bin?rate=512k"
expect_status "progress" 0
expect "progress: a line while running" grep -Eq '^slow\.bin: .* of 1\.0 MiB \([0-9]+%\)' "$d.stderr"
expect "progress: a final line" grep -Eq '^slow\.bin: done, 1\.0 MiB in ' "$d.stderr"
run_urlget "$d" -q --cacert "$ca" -o quiet.bin "$https/slow/1m.bin?rate=512k"
expect_status "-q" 0
expect "-q: stderr empty" test ! -s "$d.stderr"

# Without -o or -O the bodies go to stdout, one after the other, in order.
d=$work/stdout
run_urlget "$d" --cacert "$ca" "$https/files/1m.bin" "$http/files/small.txt" >"$work/stdout.out"
expect_status "stdout" 0
cat "$www/1m.bin" "$www/small.txt" >"$work/stdout.expected"
expect "stdout: both bodies, in order" same_file "$work/stdout.expected" "$work/stdout.out"

# SIGINT cancels, removes temporary files and exits 130.
d=$work/interrupt
mkdir -p "$d"
(cd "$d" && exec "$urlget" -q --cacert "$ca" -o big.bin "$https/slow/10m.bin?rate=1m") &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
status=$?
expect_status "SIGINT" 130
expect "SIGINT: no file, no temporary file" only_files "$d"

# Usage errors exit 1 before any request.
d=$work/usage
run_urlget "$d"
expect_status "no URL" 1
run_urlget "$d" -o a -o b "$http/files/small.txt"
expect_status "more -o than URLs" 1
run_urlget "$d" -C 100 -o a "$http/files/small.txt"
expect_status "-C with an offset" 1
run_urlget "$d" -C - -O "$http/files/small.txt"
expect_status "-C - without -o" 1
run_urlget "$d" "ftp://127.0.0.1/x"
expect_status "unsupported scheme" 1

echo "# $checks checks, $failures failed"
[ "$failures" = 0 ]
