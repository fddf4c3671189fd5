#!/usr/bin/env bash
# test.sh — the project's test command: what CI runs (.ci/run) and what to run before
# pushing.
#
#   scripts/test.sh             everything below
#   scripts/test.sh --no-asan   skip steps 4, 5, 7, 8 and 9 (a quicker local round)
#
#   1. scripts/install-deps.sh            install missing Debian packages
#   2. build/                             configure and build (RelWithDebInfo)
#   3. ctest in build/                    every test, 2 at a time
#   4. build-asan/                        the same sources with -DURL_SANITIZE=address,undefined,
#                                         without the Python and Lua bindings
#   5. ctest in build-asan/               the C tests again under ASan+UBSan (leaks included)
#   6. scripts/check-format.sh            clang-format on every tracked .c and .h
#   7. test/fuzz/run.sh 15                each libFuzzer target for 15 s (build-fuzz/, clang)
#   8. test/reliability/run-tsan.sh       the threading tests under TSan (build-tsan/)
#   9. test/reliability/run-valgrind.sh   the integration and reliability programs under
#                                         valgrind memcheck (build/), no leak allowed
#
# A failing step does not stop the others (except that tests need their build); the exit
# status is non-zero when any step failed, and a summary ends the output. Logs of the
# ctest runs stay in build/ctest.log and build-asan/ctest.log.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

BUILD_DIR=$ROOT/build
ASAN_DIR=$ROOT/build-asan
BUILD_JOBS=$(nproc 2>/dev/null || echo 2)
CTEST_JOBS=2
# The sanitizer tree runs the C tests. The bindings run inside python3 and lua5.4, which
# are not built with the sanitizers (the runtime must be the first library loaded), so
# they are not built there, and their label is excluded should one appear anyway.
ASAN_CMAKE_OPTIONS=("-DURL_SANITIZE=address,undefined" -DURL_BUILD_BINDINGS=OFF)
ASAN_EXCLUDE_LABELS='^bindings$'

asan=yes
case "${1:-}" in
--no-asan) asan=no ;;
"") ;;
*)
    echo "usage: $0 [--no-asan]" >&2
    exit 2
    ;;
esac

SUMMARY=()
FAILED=0

banner() { printf '\n===== %s =====\n' "$*"; }

# step NAME COMMAND...: runs COMMAND, records its result and duration for the summary.
step() {
    local name=$1 start status
    shift
    banner "$name"
    start=$(date +%s)
    set +e
    "$@"
    status=$?
    set -e
    local took=$(($(date +%s) - start))
    if [ "$status" -eq 0 ]; then
        SUMMARY+=("$(printf 'PASS  %-38s %4ss' "$name" "$took")")
    else
        SUMMARY+=("$(printf 'FAIL  %-38s %4ss  (exit %s)' "$name" "$took" "$status")")
        FAILED=1
    fi
    return "$status"
}

skip() {
    SUMMARY+=("$(printf 'SKIP  %-38s        (%s)' "$1" "$2")")
}

configure_and_build() {
    local dir=$1
    shift
    cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" &&
        cmake --build "$dir" -j "$BUILD_JOBS"
}

# run_ctest DIR [ctest options]: the whole output to the terminal and DIR/ctest.log; the
# lines that sum it up are added to the summary.
run_ctest() {
    local dir=$1 status
    shift
    set +e
    (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$CTEST_JOBS" "$@") 2>&1 | tee "$dir/ctest.log"
    status=${PIPESTATUS[0]}
    set -e
    return "$status"
}

run_asan_ctest() {
    local -x ASAN_OPTIONS=detect_leaks=1
    local -x UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_ctest "$ASAN_DIR" -LE "$ASAN_EXCLUDE_LABELS"
}

# The ctest lines worth repeating at the end: the pass ratio, the total time, and the
# lists of skipped and failed tests.
ctest_summary() {
    local log=$1/ctest.log
    [ -f "$log" ] || return 0
    awk '/tests passed, .* failed out of/ || /^Total Test time/ || /^No tests were found/ {
             print; next }
         /^The following tests (did not run|FAILED):/ { list = 1; print; next }
         list && /^[[:space:]]+[0-9]+ - / { print; next }
         { list = 0 }' "$log" | sed 's/^/      /'
}

main() {
    local started
    started=$(date +%s)
    echo "liburlsession test command: $ROOT"
    echo "CI=${CI:-} build jobs: $BUILD_JOBS, ctest jobs: $CTEST_JOBS"
    # A summary must come from this run's logs only.
    rm -f "$BUILD_DIR/ctest.log" "$ASAN_DIR/ctest.log"

    step "install dependencies" scripts/install-deps.sh || true

    if step "build (build/)" configure_and_build "$BUILD_DIR"; then
        step "ctest (build/)" run_ctest "$BUILD_DIR" || true
        SUMMARY+=("$(ctest_summary "$BUILD_DIR")")
    else
        skip "ctest (build/)" "the build failed"
    fi

    if [ "$asan" = yes ]; then
        if step "build (build-asan/, ASan+UBSan)" configure_and_build "$ASAN_DIR" \
            "${ASAN_CMAKE_OPTIONS[@]}"; then
            step "ctest (build-asan/, ASan+UBSan)" run_asan_ctest || true
            SUMMARY+=("$(ctest_summary "$ASAN_DIR")")
        else
            skip "ctest (build-asan/, ASan+UBSan)" "the build failed"
        fi
    else
        skip "build and ctest (build-asan/)" "--no-asan"
    fi

    step "formatting (scripts/check-format.sh)" scripts/check-format.sh || true

    if [ "$asan" = yes ]; then
        step "fuzzers (test/fuzz/run.sh 15)" test/fuzz/run.sh 15 || true
        step "TSan (test/reliability/run-tsan.sh)" test/reliability/run-tsan.sh || true
        step "valgrind (test/reliability/run-valgrind.sh)" \
            test/reliability/run-valgrind.sh "$BUILD_DIR" || true
    else
        skip "fuzzers and TSan" "--no-asan"
    fi

    banner "summary ($(($(date +%s) - started))s)"
    local line
    for line in "${SUMMARY[@]}"; do
        [ -n "$line" ] && printf '%s\n' "$line"
    done
    if [ "$FAILED" -ne 0 ]; then
        echo "RESULT: FAILED"
        return 1
    fi
    echo "RESULT: PASSED"
}

main "$@"
