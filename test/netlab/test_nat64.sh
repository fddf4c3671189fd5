#!/usr/bin/env bash
# test_nat64.sh — an IPv6-only client behind DNS64 + NAT64 (tayga) reaching an IPv4-only
# server: by name, by IPv4 literal, and through a broken AAAA record; and with the NAT64
# prefix from a router advertisement (RFC 8781 PREF64) when DNS64 is gone.
#
#   test/netlab/test_nat64.sh URLGET REFETCH
set -u
# shellcheck disable=SC2034 # lab.sh's fetch runs it
URLGET=$(realpath "${1:?usage: test_nat64.sh URLGET REFETCH}")
REFETCH=$(realpath "${2:?usage: test_nat64.sh URLGET REFETCH}")
# shellcheck source=test/netlab/lab.sh
. "$(dirname "$(realpath "$0")")/lab.sh"
lab_up nat64

fetch "$work/a" http://v4only.lab/blob.bin
check "an A-only name is fetched (DNS64 + NAT64)" [ "$status" = 0 ]
check "byte-identical" cmp -s "$work/a" "$LAB_WWW/blob.bin"
check "over the NAT64 prefix: $(field 't["remote_address"]')" \
    [ "$(field 't["remote_address"].startswith("fd00:6464::")')" = True ]

fetch "$work/b" "http://$LAB_SERVER_V4/blob.bin"
check "an IPv4 literal is fetched on an IPv6-only network ($(cat "$work/stderr"))" [ "$status" = 0 ]
check "byte-identical" cmp -s "$work/b" "$LAB_WWW/blob.bin"
check "the address was synthesized (RFC 6052) with the discovered prefix (RFC 7050)" \
    [ "$(field '(t["remote_address"], t["synthesized"], t["nat64_prefix"])')" = \
    "('fd00:6464::cb00:710a', True, 'fd00:6464::/96')" ]

fetch "$work/c" http://broken.lab/blob.bin
check "a name whose AAAA is broken succeeds ($(cat "$work/stderr"))" [ "$status" = 0 ]
check "byte-identical" cmp -s "$work/c" "$LAB_WWW/blob.bin"
check "through last-resort synthesis after the AAAA address failed (RFC 8305 §7.2)" \
    [ "$(field '([x["address"] for x in a], t["synthesized"])')" = \
    "(['2001:db8:bad::1', 'fd00:6464::cb00:710a'], True)" ]

fetch "$work/d" -4 http://v4only.lab/
check "-4 on an IPv6-only network: not connected to the internet" \
    [ "$(field 'd["error"]["name"]')" = URL_ERROR_NOT_CONNECTED_TO_INTERNET ]

# PREF64: with the DNS server stopped, RFC 7050 discovery cannot work, so an IPv4 literal
# has no prefix, until the router advertises one; when it withdraws it (lifetime 0), the
# literal has none again.
send_ra() { echo "ip netns exec $LAB_ROUTER $(dirname "$(realpath "$0")")/send_ra.py c0 $1 $2"; }
"$NETLAB" dns "$work/lab" stop
"$NETLAB" client "$work/lab" "$REFETCH" "http://$LAB_SERVER_V4/index.html" \
    "$(send_ra "$LAB_NAT64_PREFIX" 600)" "$(send_ra "$LAB_NAT64_PREFIX" 0)" \
    >"$work/refetch.out" 2>&1
sed 's/^/# /' "$work/refetch.out"
check "no DNS64 and no PREF64: an IPv4 literal has no NAT64 prefix" \
    grep -q '^fetch 1: URL_ERROR_NOT_CONNECTED_TO_INTERNET .*no NAT64 prefix' "$work/refetch.out"
check "a router advertises PREF64 $LAB_NAT64_PREFIX: synthesized with it (metrics)" \
    grep -q "^fetch 2: ok fd00:6464::cb00:710a nat64 $LAB_NAT64_PREFIX\$" "$work/refetch.out"
check "PREF64 withdrawn (lifetime 0): no prefix again" \
    grep -q '^fetch 3: URL_ERROR_NOT_CONNECTED_TO_INTERNET' "$work/refetch.out"

[ "$failures" = 0 ]
