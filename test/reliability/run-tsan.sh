#!/usr/bin/env bash
# run-tsan.sh — the threading tests under ThreadSanitizer.
#
#   test/reliability/run-tsan.sh     configure and build build-tsan/ (-DURL_SANITIZE=thread,
#                                    no bindings or samples), then run test_threads,
#                                    test_queues and test_cancel
#
# GLib's locks are annotated for TSan by tsan_glib.c (linked into those tests in this build);
# tsan.supp suppresses only GLib internals and one documented exit-time race. Exit status
# 0 when every test passes with no report. URL_TSAN_BUILD_DIR overrides the build tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${URL_TSAN_BUILD_DIR:-$ROOT/build-tsan}
TESTS="test_threads test_queues test_cancel"

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DURL_SANITIZE=thread \
    -DURL_BUILD_BINDINGS=OFF -DURL_BUILD_SAMPLES=OFF >/dev/null
# shellcheck disable=SC2086 # the list is word-split on purpose
cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" --target $TESTS

export G_SLICE=always-malloc # GSlice recycles memory across threads out of TSan's sight
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$ROOT/test/reliability/tsan.supp"
cd "$BUILD"
ctest --output-on-failure -j 2 -R "(reliability/test_threads|integration/test_queues|integration/test_cancel)$"
