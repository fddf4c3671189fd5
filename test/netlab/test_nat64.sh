#!/usr/bin/env bash
# test_nat64.sh — an IPv6-only client behind DNS64 + NAT64 (tayga) reaching an IPv4-only
# server: by name, by IPv4 literal, and through a broken AAAA record.
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

[ "$failures" = 0 ]
