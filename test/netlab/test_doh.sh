#!/usr/bin/env bash
# test_doh.sh — DNS over HTTPS (RFC 8484) in the nat64 lab: unbound's DoH endpoint, with
# DNS64 behind it, is the only resolver the client can use (its DNS servers are set to a
# port nothing listens on), so every name, and the NAT64 prefix, comes through DoH.
#
#   test/netlab/test_doh.sh URLGET REFETCH
set -u
# shellcheck disable=SC2034 # lab.sh's fetch runs it
URLGET=$(realpath "${1:?usage: test_doh.sh URLGET REFETCH}")
REFETCH=$(realpath "${2:?usage: test_doh.sh URLGET REFETCH}")
# shellcheck source=test/netlab/lab.sh
. "$(dirname "$(realpath "$0")")/lab.sh"
lab_up nat64

# The DNS servers the session would ask without DoH: nothing answers there.
NO_DNS="[2001:db8:1::1]:5353"

fetch "$work/a" --doh "$LAB_DOH" --cacert "$LAB_CA" --dns-servers "$NO_DNS" \
    http://v4only.lab/blob.bin
check "a name is resolved through DoH alone ($(cat "$work/stderr"))" [ "$status" = 0 ]
check "byte-identical" cmp -s "$work/a" "$LAB_WWW/blob.bin"
check "DNS64 behind the DoH server synthesized the address: $(field 't["remote_address"]')" \
    [ "$(field 't["remote_address"].startswith("fd00:6464::")')" = True ]

fetch "$work/b" --doh "$LAB_DOH" --cacert "$LAB_CA" --dns-servers "$NO_DNS" \
    "http://$LAB_SERVER_V4/blob.bin"
check "an IPv4 literal: the NAT64 prefix is discovered (RFC 7050) through DoH" \
    [ "$status" = 0 -a "$(field '(t["synthesized"], t["nat64_prefix"])')" = \
    "(True, 'fd00:6464::/96')" ]

fetch "$work/c" --doh https://doh.lab/dns-query --cacert "$LAB_CA" --dns-servers "$NO_DNS" \
    http://v4only.lab/index.html
check "a DoH URL with a host name: bootstrapped by the system resolver ($(cat "$work/stderr"))" \
    [ "$status" = 0 ]

fetch "$work/c" --doh "$LAB_DOH" --cacert "$LAB_CA" http://nx.lab/
check "NXDOMAIN through DoH gives cannot-find-host" \
    [ "$(field 'd["error"]["name"]')" = URL_ERROR_CANNOT_FIND_HOST ]

fetch "$work/c" --doh "$LAB_DOH" http://v4only.lab/
check "a DoH server whose certificate is not trusted: dns-lookup-failed naming DoH" \
    [ "$(field 'd["error"]["name"]')" = URL_ERROR_DNS_LOOKUP_FAILED -a \
    "$(field '"DNS over HTTPS" in d["error"]["message"]')" = True ]

start=$(date +%s%N)
fetch "$work/c" --doh "https://[2001:db8:1::1]:8443/dns-query" --cacert "$LAB_CA" \
    http://v4only.lab/
elapsed=$((($(date +%s%N) - start) / 1000000))
check "DoH server not there: $(field 'd["error"]["message"]')" \
    [ "$(field 'd["error"]["name"]')" = URL_ERROR_DNS_LOOKUP_FAILED -a \
    "$(field '"DNS over HTTPS server https://[2001:db8:1::1]:8443/dns-query" in d["error"]["message"]')" = True ]
check "at once (${elapsed} ms)" [ "$elapsed" -lt 3000 ]

# The cache honours the TTLs DoH gave: short.lab has 8 s, room for stopping unbound on a
# loaded machine (2 s was not). With the DoH server stopped after the first fetch, the
# second is answered from the cache; once the TTL has passed, the lookup must go to the
# (stopped) DoH server again and fails naming it.
"$NETLAB" client "$work/lab" "$REFETCH" --doh "$LAB_DOH" --cacert "$LAB_CA" \
    http://short.lab/index.html \
    "'$NETLAB' dns '$work/lab' stop" \
    "sleep 8.5" >"$work/refetch.out" 2>&1
sed 's/^/# /' "$work/refetch.out"
check "first fetch through DoH" grep -q '^fetch 1: ok fd00:6464::cb00:710a' "$work/refetch.out"
check "DoH server stopped: the session's cache answers within the TTL" \
    grep -q '^fetch 2: ok' "$work/refetch.out"
check "after the TTL: a new DoH query, which fails naming the DoH server" \
    grep -q '^fetch 3: URL_ERROR_DNS_LOOKUP_FAILED .*DNS over HTTPS server' "$work/refetch.out"

[ "$failures" = 0 ]
