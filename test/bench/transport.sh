#!/usr/bin/env bash
# transport.sh — scenario 6 of the benchmarks: transport figures measured in the network
# labs (test/netlab/netlab.sh, test/netlab/multipath.sh), one JSON line per run for
# bench.py. Needs root; exits 77 when a lab cannot be built.
#
#   transport.sh fallback urlsession URLGET RUNS   Happy Eyeballs with IPv6 blackholed:
#   transport.sh fallback curl RUNS                ms from the start to the IPv4 connection
#                                                  (dualstack lab, median of RUNS)
#   transport.sh aggregate MP_CLIENT               MPTCP aggregate on two equal 40 Mbit/s
#                                                  links: throughput ratio to one link
#   transport.sh handover MP_CLIENT                16 MiB at 20 Mbit/s per link, Wi-Fi lost
#                                                  at 1.5 s: seconds lost (user-space PM)
#   transport.sh interactive MP_CLIENT TYPE RUNS   RUNS small GETs on Wi-Fi with 60 ms more
#                                                  RTT, TYPE none or interactive: p50, p95
#
# The labs, their helpers and their addresses are the tests' own (test/netlab/lab.sh,
# test/multipath/mplab.sh); nothing leaves the namespaces they create.
set -u
# shellcheck disable=SC2034,SC2154 # URLGET is for lab.sh's fetch; work, status, LAB_WWW and the
# like come from the sourced lab helpers
HERE=$(dirname "$(realpath "$0")")
SOURCE_DIR=$(realpath "$HERE/../..")

die() {
    echo "transport.sh: $*" >&2
    exit 1
}

# json KEY=VALUE...: one JSON object (numbers as given, the rest as strings).
json() {
    /usr/bin/python3 - "$@" <<'PY'
import json, sys
out = {}
for item in sys.argv[1:]:
    key, _, value = item.partition("=")
    try:
        out[key] = float(value) if "." in value else int(value)
    except ValueError:
        out[key] = value
print(json.dumps(out))
PY
}

# fetched NAME FILE: the last mplab fetch succeeded with the file's bytes.
fetched() { [ "$status" = 0 ] && same_body "$1" "$2"; }

fallback() {
    local who=$1
    shift
    if [ "$who" = urlsession ]; then
        URLGET=$(realpath "${1:?URLGET}")
        shift
    fi
    local runs=${1:?RUNS}
    # shellcheck source=test/netlab/lab.sh
    . "$SOURCE_DIR/test/netlab/lab.sh"
    lab_up dualstack
    "$NETLAB" ipv6 "$work/lab" drop
    local times=() failed=0 ms
    for _ in $(seq 1 "$runs"); do
        if [ "$who" = urlsession ]; then
            fetch "$work/body" http://ds.lab/blob.bin
            if [ "$status" != 0 ] || [ "$(field 't["remote_address"]')" != 203.0.113.10 ]; then
                failed=$((failed + 1))
                continue
            fi
            # From the fetch's start (the lookup included) to the IPv4 connection.
            ms=$(field 'round((t["connect_end"] - t["fetch_start"]) * 1000, 1)')
        else
            # curl's own Happy Eyeballs (200 ms by default); time_connect counts from the
            # start, the lookup included.
            if ! ms=$("$NETLAB" client "$work/lab" curl -sS --fail -o "$work/body" \
                -w '%{remote_ip} %{time_connect}' http://ds.lab/blob.bin 2>"$work/stderr") ||
                [ "${ms%% *}" != 203.0.113.10 ]; then
                failed=$((failed + 1))
                continue
            fi
            ms=$(/usr/bin/python3 -c "print(round(${ms#* } * 1000, 1))")
        fi
        cmp -s "$work/body" "$LAB_WWW/blob.bin" || {
            failed=$((failed + 1))
            continue
        }
        times+=("$ms")
    done
    [ ${#times[@]} -gt 0 ] || die "no run completed over IPv4 ($(cat "$work/stderr" 2>/dev/null))"
    json fallback_ms="$(printf '%s\n' "${times[@]}" | median)" ok="${#times[@]}" \
        failed="$failed" runs="$(IFS=,; echo "${times[*]}")" protocol=tcp
}

# mp_lab MP_CLIENT RATE: the multipath lab with a 16 MiB file, both links shaped to RATE.
mp_lab() {
    # shellcheck source=test/multipath/mplab.sh
    . "$SOURCE_DIR/test/multipath/mplab.sh" "$1" >/dev/null
    BLOB_MB=16 lab_up >/dev/null
    lab shape wifi "$2"
    lab shape cell "$2"
}

# seconds NAME: the fetch's request start to response end.
seconds() { metric "$1" "round(t['response_end'] - t['request_start'], 3)"; }

aggregate() {
    mp_lab "${1:?MP_CLIENT}" 40mbit
    lab endpoints none
    fetch single --multipath none "http://$SERVER_IP/blob.bin" >/dev/null
    fetched single blob.bin || die "single path: $(cat "$work/single.err")"
    lab endpoints subflow
    fetch both --multipath aggregate "http://$SERVER_IP/blob.bin" >/dev/null
    fetched both blob.bin || die "aggregate: $(cat "$work/both.err")"
    local single both
    single=$(seconds single)
    both=$(seconds both)
    json ratio="$(/usr/bin/python3 -c "print(round($single / $both, 3))")" single_s="$single" \
        aggregate_s="$both" cell_bytes="$cell_bytes" wifi_bytes="$wifi_bytes" ok=1 failed=0 \
        protocol="$(metric both "'mptcp' if t['multipath'] else 'tcp'")"
}

handover() {
    mp_lab "${1:?MP_CLIENT}" 20mbit
    lab pm userspace
    lab endpoints none
    fetch healthy --multipath handover "http://$SERVER_IP/blob.bin" >/dev/null
    fetched healthy blob.bin || die "healthy: $(cat "$work/healthy.err")"
    (sleep 1.5 && lab link wifi down) &
    fetch lost --multipath handover "http://$SERVER_IP/blob.bin" >/dev/null
    wait
    fetched lost blob.bin || die "Wi-Fi lost: $(cat "$work/lost.err")"
    local healthy lost
    healthy=$(seconds healthy)
    lost=$(seconds lost)
    json stall_s="$(/usr/bin/python3 -c "print(round($lost - $healthy, 3))")" \
        healthy_s="$healthy" lost_s="$lost" cell_bytes="$cell_bytes" ok=1 failed=0 \
        protocol=mptcp
}

interactive() {
    local client=${1:?MP_CLIENT} type=${2:?TYPE} runs=${3:?RUNS}
    # shellcheck source=test/multipath/mplab.sh
    . "$SOURCE_DIR/test/multipath/mplab.sh" "$client" >/dev/null
    BLOB_MB=1 lab_up >/dev/null
    lab pm userspace
    lab delay wifi 60
    fetch run --multipath "$type" --repeat "$runs" "http://$SERVER_IP/small.txt" >/dev/null
    fetched run small.txt || die "$type: $(cat "$work/run.err")"
    json p50_ms="$(out run median_ms)" p95_ms="$(out run p95_ms)" ok="$runs" failed=0 \
        protocol="$(metric run "'mptcp' if t['multipath'] else 'tcp'")"
}

[ "$(id -u)" = 0 ] || {
    echo "transport.sh: the network labs need root" >&2
    exit 77
}
case "${1:-}" in
fallback | aggregate | handover | interactive) "$@" ;;
*) die "usage: transport.sh fallback|aggregate|handover|interactive ... (see the header)" ;;
esac
