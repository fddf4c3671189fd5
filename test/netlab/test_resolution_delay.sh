#!/usr/bin/env bash
# test_resolution_delay.sh — the RFC 8305 §3 resolution delay in the dualstack lab: a DNS
# responder of the test's own (delay_dns.py, in the router namespace) answers A at once
# and AAAA late. An AAAA 800 ms late must not hold the connection back: it starts over
# IPv4 about 50 ms after the A answer. An AAAA 10 ms late comes within the delay: IPv6
# is tried first.
#
#   test/netlab/test_resolution_delay.sh URLGET REFETCH
set -u
# shellcheck disable=SC2034 # lab.sh's fetch runs it
URLGET=$(realpath "${1:?usage: test_resolution_delay.sh URLGET REFETCH}")
# shellcheck source=test/netlab/lab.sh
. "$(dirname "$(realpath "$0")")/lab.sh"
lab_up dualstack

# The responder lives 300 s at most, and goes with the lab.
ip netns exec "$LAB_ROUTER" "$PYTHON" "$(dirname "$(realpath "$0")")/delay_dns.py" \
    2001:db8:1::1 5300 300 \
    slow.lab=203.0.113.10,2001:db8:2::10,800 quick.lab=203.0.113.10,2001:db8:2::10,10 \
    >"$work/dns.log" 2>&1 &
dns_pid=$!
trap 'kill "$dns_pid" 2>/dev/null; "$NETLAB" down "$work/lab"; rm -rf "$work"' EXIT
for _ in $(seq 50); do
    grep -q ready "$work/dns.log" && break
    sleep 0.1
done
DNS="[2001:db8:1::1]:5300"

lookups=() starts=()
for run in 1 2 3; do
    fetch "$work/a" --dns-servers "$DNS" http://slow.lab/index.html
    check "run $run: AAAA 800 ms late: fetched ($(cat "$work/stderr"))" [ "$status" = 0 ]
    [ "$status" = 0 ] || continue
    check "run $run: the first connection attempt is IPv4: $(field '[x["address"] for x in a]')" \
        [ "$(field 'a[0]["address"]')" = 203.0.113.10 ]
    lookups+=("$(field 'round((t["domain_lookup_end"] - t["domain_lookup_start"]) * 1000)')")
    starts+=("$(field 'round((a[0]["start"] - t["domain_lookup_start"]) * 1000)')")
done
if [ ${#lookups[@]} -gt 0 ]; then
    lookup=$(printf '%s\n' "${lookups[@]}" | median)
    start=$(printf '%s\n' "${starts[@]}" | median)
    echo "# AAAA 800 ms late: lookup done after ${lookups[*]} ms (median $lookup ms);" \
        "IPv4 connect started after ${starts[*]} ms (median $start ms)"
    check "the lookup ended one resolution delay after the A answer ($lookup ms), not after the AAAA" \
        [ "$lookup" -ge 45 -a "$lookup" -le 500 ]
    check "the IPv4 connection started before the AAAA answer ($start ms < 800 ms)" \
        [ "$start" -lt 700 ]
fi

for run in 1 2 3; do
    fetch "$work/b" --dns-servers "$DNS" http://quick.lab/index.html
    check "run $run: AAAA 10 ms after A, within the delay: IPv6 first" \
        [ "$status" = 0 -a "$(field 'a[0]["address"]')" = 2001:db8:2::10 ]
done
sed 's/^/# dns: /' "$work/dns.log" | tail -4

[ "$failures" = 0 ]
