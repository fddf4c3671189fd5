# lab.sh — what the lab tests share (sourced): checks that print TAP-like lines, a lab
# torn down on exit, urlget runs in the client namespace with their JSON picked apart.
# shellcheck shell=bash disable=SC2034 # status and work are for the sourcing test
NETLAB=$(dirname "$(realpath "${BASH_SOURCE[0]}")")/netlab.sh
PYTHON=/usr/bin/python3
failures=0

ok() { printf 'ok - %s\n' "$*"; }
not_ok() {
    printf 'not ok - %s\n' "$*"
    failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
    local description=$1
    shift
    if "$@"; then ok "$description"; else not_ok "$description"; fi
}

# lab_up TOPOLOGY: the lab in $work/lab, down on exit whatever happens.
lab_up() {
    if ! "$NETLAB" check; then
        if [ "${CI:-}" = true ]; then
            echo "netlab: prerequisites missing, and CI=true forbids skipping" >&2
            exit 1
        fi
        echo "skipped: the network lab needs root, unbound, tayga and nginx" >&2
        exit 77
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/netlab.XXXXXX")
    trap '"$NETLAB" down "$work/lab"; rm -rf "$work"' EXIT
    "$NETLAB" up "$1" "$work/lab" 600 || exit 1
    # shellcheck source=/dev/null
    . "$work/lab/lab.env"
}

# fetch OUTFILE URLGET-ARGS...: urlget in the client namespace; its --metrics line goes to
# $work/metrics.json, its exit status to $status.
fetch() {
    local out=$1
    shift
    rm -f "$work/metrics.json"
    "$NETLAB" client "$work/lab" "$URLGET" -q --metrics="$work/metrics.json" -o "$out" "$@" \
        2>"$work/stderr"
    status=$?
}

# field EXPRESSION: a Python expression over d (the metrics line) and t (its first
# transaction), printed.
field() {
    "$PYTHON" - "$work/metrics.json" "$1" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).readline())
ts = d["metrics"]["transactions"]
t = ts[0] if ts else {}
a = t.get("connect_attempts", [])
print(eval(sys.argv[2]))
PY
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
