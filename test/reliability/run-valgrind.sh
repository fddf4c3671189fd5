#!/usr/bin/env bash
# run-valgrind.sh — valgrind memcheck over the integration and reliability tests.
#
#   test/reliability/run-valgrind.sh [BUILD_DIR]   (default build/, an ordinary build)
#
# Each test program runs under valgrind with --leak-check=full and fails on any definite
# leak or memory error (--errors-for-leak-kinds=definite --error-exitcode=1), with
# valgrind.supp for known one-time allocations of third-party libraries. The fixture runs
# its tests in the program's own process (URL_IT_IN_PROCESS=1) instead of a subprocess per
# test, so valgrind checks the tests' own process and no child needs tracing (nginx and
# the tests' Python servers run natively). Two programs run at a time (VALGRIND_JOBS).
# --child-silent-after-fork: a child forked to exec a server (g_spawn) exits in between
# without the parent's other threads, so their memory looks lost there; only the test
# process itself is checked.
#
# Load and soak run at reduced size under valgrind (which makes them ~30 times slower):
# URL_LOAD_TASKS=300 instead of 3000 overlapping requests in test_load,
# URL_LOAD_CONCURRENT_TASKS=1000 instead of 10,000 in test_soak, URL_SOAK_SECONDS=5 of
# churn instead of 20. Every other test runs as in the ordinary suite.
#
# Skipped under valgrind, and only these (SKIPS below): tests whose assertion is a deadline
# of a second or so that valgrind's slowdown of the network thread breaks, not what they
# check. Their code paths (the idle and resource timers) run under valgrind in test_faults
# (stalled server, trickle) and in the other timeouts tests.
#
# A program's log stays in BUILD_DIR/valgrind/NAME.log; the exit status is non-zero when
# any program failed (77 when valgrind is not installed, 1 under CI=true).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${1:-$ROOT/build}
JOBS=${VALGRIND_JOBS:-2}
# The longest one program may take under valgrind.
PROGRAM_TIMEOUT_S=${VALGRIND_PROGRAM_TIMEOUT_S:-900}
command -v valgrind >/dev/null || {
    echo "run-valgrind.sh: valgrind is not installed" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
}
# "program test-path": GTest's -s skips them.
SKIPS=(
    # A 1 s idle timeout that the TLS handshake alone exceeds under valgrind.
    "test_timeouts /timeouts/slow-progress-succeeds/https"
    # A 1.5 s resource timeout by which some body must have reached the delegate: under
    # valgrind none has yet.
    "test_timeouts /timeouts/resource/http"
    "test_timeouts /timeouts/resource/https"
    "test_timeouts /timeouts/resource/h2c"
)
LOGS=$BUILD/valgrind
rm -rf "$LOGS"
mkdir -p "$LOGS"

export URL_IT_IN_PROCESS=1
export URL_LOAD_TASKS=300
export URL_LOAD_CONCURRENT_TASKS=1000
export URL_SOAK_SECONDS=5

# run_one PROGRAM: one program under memcheck; writes NAME.status (PASS or FAIL, seconds).
run_one() {
    local program=$1 name start status skip
    name=$(basename "$program")
    local skip_args=()
    for skip in "${SKIPS[@]}"; do
        [ "${skip%% *}" = "$name" ] && skip_args+=(-s "${skip#* }")
    done
    start=$(date +%s)
    set +e
    timeout --kill-after=10 "$PROGRAM_TIMEOUT_S" \
        valgrind --quiet --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --error-exitcode=1 --num-callers=30 \
        --child-silent-after-fork=yes \
        --suppressions="$ROOT/test/reliability/valgrind.supp" \
        "$program" "${skip_args[@]}" >"$LOGS/$name.log" 2>&1
    status=$?
    set -e
    local took=$(($(date +%s) - start))
    # 77: the program skipped (its server is missing outside CI).
    if [ "$status" -eq 0 ] || [ "$status" -eq 77 ]; then
        echo "PASS $name ${took}s" | tee "$LOGS/$name.status"
    else
        echo "FAIL $name ${took}s (exit $status, see $LOGS/$name.log)" | tee "$LOGS/$name.status"
    fi
}

programs=()
for program in "$BUILD"/test/integration/test_* "$BUILD"/test/reliability/test_*; do
    [ -x "$program" ] && [ -f "$program" ] && programs+=("$program")
done
[ "${#programs[@]}" -gt 0 ] || {
    echo "run-valgrind.sh: no test programs in $BUILD" >&2
    exit 1
}

running=0
for program in "${programs[@]}"; do
    if [ "$running" -ge "$JOBS" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_one "$program" &
    running=$((running + 1))
done
wait || true

if grep -l '^FAIL' "$LOGS"/*.status >/dev/null 2>&1; then
    echo "run-valgrind.sh: failures:"
    grep -h '^FAIL' "$LOGS"/*.status
    exit 1
fi
echo "run-valgrind.sh: ${#programs[@]} programs, no memory errors and no definite leaks"
