# mplab.sh — what the multipath tests share (sourced): the lab from
# test/netlab/multipath.sh, up for the test and torn down on exit whatever happens;
# TAP-like checks; the client (mp_client) run in the client namespace.
# shellcheck shell=bash disable=SC2034 # names are for the sourcing test
MPLAB=$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../netlab/multipath.sh
CLIENT_BIN=$1
# ok, not_ok, check and the failure count come from the network lab's shared helpers;
# lab_up and fetch below are this lab's.
# shellcheck source=../netlab/lab.sh
. "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../netlab/lab.sh"

# lab_up: the lab in $work/lab (BLOB_MB sets the big file's size), down on exit.
# LAB_TOOLS names tools the test needs beyond the lab's own (nft for blackhole).
lab_up() {
    # shellcheck disable=SC2086 # a list of names
    if ! "$MPLAB" check ${LAB_TOOLS:-}; then
        if [ "${CI:-}" = true ]; then
            echo "multipath: prerequisites missing, and CI=true forbids skipping" >&2
            exit 1
        fi
        echo "skipped: the multipath lab needs root, ip, tc, kernel MPTCP ${LAB_TOOLS:-}" >&2
        exit 77
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/mplab.XXXXXX")
    trap '"$MPLAB" down "$work/lab"; rm -rf "$work"' EXIT
    "$MPLAB" up "$work/lab" 600 || exit 1
    # shellcheck source=/dev/null
    . "$work/lab/lab.env"
    TYPES=(--interface-type wifi0=wifi --interface-type cell0=cellular)
}

lab() { "$MPLAB" "$1" "$work/lab" "${@:2}"; }

# use_backend userspace|kernel-managed: the client namespace's path manager for that
# backend, no hand-made endpoints, and in $extra the mp_client options it needs.
use_backend() {
    case $1 in
    userspace)
        lab pm userspace
        extra=()
        ;;
    kernel-managed)
        lab pm kernel
        extra=(--manage-endpoints)
        ;;
    esac
    lab endpoints none
}

# fetch NAME ARGS...: mp_client in the client namespace; body in $work/NAME.body, metrics
# in $work/NAME.json, stdout in $work/NAME.out; its exit status in $status, and the bytes
# each link carried in $wifi_bytes and $cell_bytes.
fetch() {
    local name=$1
    shift
    local w0 c0
    w0=$(lab bytes wifi)
    c0=$(lab bytes cell)
    lab client "$CLIENT_BIN" "${TYPES[@]}" -o "$work/$name.body" --metrics "$work/$name.json" \
        "$@" >"$work/$name.out" 2>"$work/$name.err"
    status=$?
    wifi_bytes=$(($(lab bytes wifi) - w0))
    cell_bytes=$(($(lab bytes cell) - c0))
    printf '# %s: status %s, wifi %s bytes, cell %s bytes, %s\n' "$name" "$status" \
        "$wifi_bytes" "$cell_bytes" "$(tr '\n' ' ' <"$work/$name.out")"
}

# out NAME KEY: a value mp_client printed ("error", "waiting", "median_ms").
out() { awk -v k="$2" '$1 == k {print $2}' "$work/$1.out"; }

# metric NAME EXPRESSION: a Python expression over t (the first transaction).
metric() {
    python3 - "$work/$1.json" "$2" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).readline())
t = d["transactions"][0]
print(eval(sys.argv[2]))
PY
}

same_body() { cmp -s "$work/$1.body" "$work/lab/www/$2"; }
# ge A B / lt A B for shell integers and decimals.
ge() { python3 -c "import sys; sys.exit(0 if float('$1') >= float('$2') else 1)"; }
lt() { python3 -c "import sys; sys.exit(0 if float('$1') < float('$2') else 1)"; }

finish() {
    if [ "$failures" -gt 0 ]; then
        for f in "$work"/*.err; do [ -s "$f" ] && sed "s|^|# $(basename "$f"): |" "$f"; done
        exit 1
    fi
    exit 0
}
