#!/usr/bin/env bash
# run-valgrind.sh — valgrind memcheck over the integration and reliability tests.
#
#   test/reliability/run-valgrind.sh [BUILD_DIR]   (default build/, an ordinary build)
#
# Each test program runs under valgrind with --leak-check=full and fails on any definite
# leak or memory error (--errors-for-leak-kinds=definite --error-exitcode=1), with
# valgrind.supp for known one-time allocations of third-party libraries. The fixture runs
# each test in a subprocess: --trace-children=yes follows them (nginx.sh, openssl and the
# python server are excluded with --trace-children-skip). Slow: minutes per program.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${1:-$ROOT/build}
command -v valgrind >/dev/null || {
    echo "run-valgrind.sh: valgrind is not installed" >&2
    exit 77
}
status=0
for program in "$BUILD"/test/integration/test_* "$BUILD"/test/reliability/test_*; do
    [ -x "$program" ] || continue
    name=$(basename "$program")
    log=$BUILD/valgrind-$name.log
    echo "== $name"
    if ! valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
        --error-exitcode=1 --trace-children=yes \
        --trace-children-skip='*/bash,*/sh,*/nginx,*/openssl,*/python3*,*/rm,*/cat,*/mkdir' \
        --suppressions="$ROOT/test/reliability/valgrind.supp" \
        --log-file="$log.%p" "$program" >"$log" 2>&1; then
        status=1
        echo "FAIL $name (see $log and $log.*)"
    fi
done
exit "$status"
