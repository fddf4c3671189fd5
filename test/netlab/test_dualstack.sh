#!/usr/bin/env bash
# test_dualstack.sh — Happy Eyeballs, errors and caches in the dualstack lab.
#
#   test/netlab/test_dualstack.sh URLGET REFETCH
#
# Prints "ok - ..." / "not ok - ..." per check and the measured IPv6 -> IPv4 fallback
# times; fails when any check fails. Exits 77 (skipped) without root or the lab's
# programs, except under CI=true.
set -u
# shellcheck disable=SC2034 # lab.sh's fetch runs it
URLGET=$(realpath "${1:?usage: test_dualstack.sh URLGET REFETCH}")
REFETCH=$(realpath "${2:?usage: test_dualstack.sh URLGET REFETCH}")
# shellcheck source=test/netlab/lab.sh
. "$(dirname "$(realpath "$0")")/lab.sh"
lab_up dualstack

fetch "$work/a" http://ds.lab/blob.bin
check "a dual-stack name is fetched over IPv6 first" \
    [ "$status" = 0 -a "$(field 't["remote_address"]')" = 2001:db8:2::10 ]
check "the body is byte-identical" cmp -s "$work/a" "$LAB_WWW/blob.bin"
check "one connection attempt, to the AAAA address" \
    [ "$(field '[x["address"] for x in a]')" = "['2001:db8:2::10']" ]

fetch "$work/b" -4 http://ds.lab/index.html
check "-4 connects over IPv4" [ "$(field 't["remote_address"]')" = 203.0.113.10 ]
fetch "$work/b" -6 http://ds.lab/index.html
check "-6 connects over IPv6" [ "$(field 't["remote_address"]')" = 2001:db8:2::10 ]

# IPv4 listed first (a hosts file answers before any DNS): IPv6 is still tried first.
cat >>"/etc/netns/$LAB_CLIENT/hosts" <<HOSTS
203.0.113.10 v4first.lab
2001:db8:2::10 v4first.lab
HOSTS
fetch "$work/b" http://v4first.lab/index.html
check "IPv4-first answers still try IPv6 first (RFC 6724)" \
    [ "$(field 'a[0]["address"]')" = 2001:db8:2::10 ]

# IPv6 blackholed: the IPv4 attempt starts after the attempt delay (250 ms), not after a
# TCP timeout; five runs, the median reported.
"$NETLAB" ipv6 "$work/lab" drop
delays=() totals=()
for run in 1 2 3 4 5; do
    fetch "$work/c" http://ds.lab/blob.bin
    if [ "$status" != 0 ] || [ "$(field 't["remote_address"]')" != 203.0.113.10 ]; then
        not_ok "run $run: IPv6 blackholed, the fetch completes over IPv4 ($(cat "$work/stderr"))"
        continue
    fi
    delays+=("$(field 'round((a[1]["start"] - a[0]["start"]) * 1000)')")
    totals+=("$(field 'round((t["connect_end"] - t["connect_start"]) * 1000)')")
    check "run $run: body byte-identical over the IPv4 fallback" cmp -s "$work/c" "$LAB_WWW/blob.bin"
    check "run $run: attempts were IPv6 then IPv4" \
        [ "$(field '[x["address"] for x in a]')" = "['2001:db8:2::10', '203.0.113.10']" ]
done
if [ ${#delays[@]} -gt 0 ]; then
    delay=$(printf '%s\n' "${delays[@]}" | median)
    total=$(printf '%s\n' "${totals[@]}" | median)
    echo "# IPv6 blackholed: IPv4 attempt started after ${delays[*]} ms (median $delay ms);" \
        "connected after ${totals[*]} ms (median $total ms)"
    check "the fallback came after the 250 ms attempt delay ($delay ms), not a TCP timeout" \
        [ "$delay" -ge 240 -a "$delay" -le 600 ]
    check "connected within a second of starting ($total ms)" [ "$total" -le 1000 ]
fi
fetch "$work/c" --dns-servers "[2001:db8:1::1]:53" http://ds.lab/index.html
check "--dns-servers takes an IPv6 server with a port" [ "$status" = 0 ]
"$NETLAB" ipv6 "$work/lab" reject
fetch "$work/c" http://refused.lab/index.html
check "an AAAA address that refuses: IPv4 takes over" \
    [ "$status" = 0 -a "$(field 't["remote_address"]')" = 203.0.113.10 ]
"$NETLAB" ipv6 "$work/lab" restore

# Both families refused (nothing listens on port 81): the error lists both addresses.
"$NETLAB" client "$work/lab" "$REFETCH" http://ds.lab:81/ >"$work/refetch.out" 2>&1
sed 's/^/# /' "$work/refetch.out"
check "IPv6 and IPv4 refused: cannot connect to host" \
    grep -q '^fetch 1: URL_ERROR_CANNOT_CONNECT_TO_HOST' "$work/refetch.out"
check "the error carries both addresses tried, IPv6 first" \
    grep -qx 'fetch 1 tried: 2001:db8:2::10 203.0.113.10' "$work/refetch.out"

start=$(date +%s%N)
fetch "$work/d" http://nx.lab/
elapsed=$((($(date +%s%N) - start) / 1000000))
check "NXDOMAIN gives cannot-find-host" [ "$(field 'd["error"]["name"]')" = URL_ERROR_CANNOT_FIND_HOST ]
check "quickly (${elapsed} ms)" [ "$elapsed" -lt 2000 ]

fetch "$work/d" --dns-servers 198.51.100.1:5353 http://ds.lab/
check "a DNS server that is not there gives dns-lookup-failed" \
    [ "$(field 'd["error"]["name"]')" = URL_ERROR_DNS_LOOKUP_FAILED ]

# The cache: after the DNS goes down, the session still knows ds.lab; after an address is
# added to the client (a network change) it has forgotten it.
"$NETLAB" client "$work/lab" "$REFETCH" http://ds.lab/index.html \
    "'$NETLAB' dns '$work/lab' stop" \
    "ip addr add 2001:db8:1::99/64 dev eth0 nodad" >"$work/refetch.out" 2>&1
cat "$work/refetch.out" | sed 's/^/# /'
check "first fetch works" grep -q '^fetch 1: ok 2001:db8:2::10' "$work/refetch.out"
check "DNS down: the session's cache still answers" grep -q '^fetch 2: ok' "$work/refetch.out"
check "an address added: the cache is flushed (lookup fails, DNS is down)" \
    grep -q '^fetch 3: URL_ERROR_DNS_LOOKUP_FAILED' "$work/refetch.out"

start=$(date +%s%N)
fetch "$work/d" http://ds.lab/
elapsed=$((($(date +%s%N) - start) / 1000000))
check "DNS down gives a clear error: $(field 'd["error"]["message"]')" \
    [ "$(field 'd["error"]["name"]')" = URL_ERROR_DNS_LOOKUP_FAILED ]
check "within the timeout (${elapsed} ms)" [ "$elapsed" -lt 12000 ]

[ "$failures" = 0 ]
