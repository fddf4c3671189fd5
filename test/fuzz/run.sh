#!/usr/bin/env bash
# run.sh — build the libFuzzer targets and run each for a bounded time.
#
#   test/fuzz/run.sh [SECONDS]     each target for SECONDS (default 20), one after another
#
# Environment:
#   URL_FUZZ_BUILD_DIR   build tree (default build-fuzz/ at the top of the repository),
#                        configured with CC=clang -DURL_FUZZ=ON and ASan+UBSan
#   URL_FUZZ_TARGETS     space-separated subset of the targets to run
#   URL_FUZZ_JOBS        build jobs (default: nproc)
#
# Each target starts from its seed corpus, test/fuzz/corpus/<target>/, copied into
# BUILD/fuzz-work/<target>/ so that what the run discovers never lands in the source tree.
# A crash leaves its input in BUILD/fuzz-artifacts/ and makes the script exit 1; turn it
# into a regression test under test/unit/ that replays it (see doc/reliability.md).
# Exit status: 0 when every target ran without a finding, 1 otherwise, 77 when clang or
# libFuzzer is not available (and CI is not "true").
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_EACH=${1:-20}
BUILD=${URL_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
JOBS=${URL_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
ALL_TARGETS="fuzz_url fuzz_response fuzz_metrics_json fuzz_input_stream fuzz_cookie fuzz_cache_entry
    fuzz_resume_data fuzz_nat64 fuzz_dns_answer"
TARGETS=${URL_FUZZ_TARGETS:-$ALL_TARGETS}

case "$SECONDS_EACH" in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS]" >&2
    exit 2
    ;;
esac

if ! command -v clang >/dev/null 2>&1; then
    echo "run.sh: clang is not installed" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi

mkdir -p "$BUILD"
CC=clang cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DURL_FUZZ=ON \
    -DURL_SANITIZE=address,undefined -DURL_BUILD_BINDINGS=OFF -DURL_BUILD_SAMPLES=OFF \
    >"$BUILD/configure.log" 2>&1 || {
    cat "$BUILD/configure.log" >&2
    exit 1
}
# shellcheck disable=SC2086 # the target list is word-split on purpose
cmake --build "$BUILD" -j "$JOBS" --target $TARGETS

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$BUILD/fuzz-artifacts"
status=0
# Under CI the exploration is seeded, so that a landing is not decided by which random
# path a 20-second run happened to take; URL_FUZZ_SEED=0 (the default elsewhere) is random.
if [ "${CI:-}" = true ]; then
    FUZZ_SEED=${URL_FUZZ_SEED:-1}
else
    FUZZ_SEED=${URL_FUZZ_SEED:-0}
fi

summary=()
for target in $TARGETS; do
    work=$BUILD/fuzz-work/$target
    rm -rf "$work"
    mkdir -p "$work"
    cp "$ROOT/test/fuzz/corpus/$target/"* "$work/"
    log=$BUILD/fuzz-work/$target.log
    echo "== $target: ${SECONDS_EACH}s"
    set +e
    # -timeout: one input taking longer than 10 s is a finding (a hang), not a slow run.
    timeout $((SECONDS_EACH + 120)) "$BUILD/test/fuzz/$target" -max_total_time="$SECONDS_EACH" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -seed="$FUZZ_SEED" \
        -artifact_prefix="$BUILD/fuzz-artifacts/$target-" "$work" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    corpus=$(find "$work" -type f | wc -l)
    if [ "$rc" -ne 0 ]; then
        status=1
        tail -n 40 "$log"
        summary+=("$(printf 'FAIL  %-20s exit %s, see %s' "$target" "$rc" "$log")")
    else
        summary+=("$(printf 'ok    %-20s %10s execs  %5s corpus entries' "$target" "${execs:-?}" "$corpus")")
    fi
done
echo "== fuzz summary (${SECONDS_EACH}s each)"
printf '%s\n' "${summary[@]}"
exit "$status"
