#!/usr/bin/env bash
# test_tfo.sh — TCP Fast Open (RFC 7413) in the dualstack lab, whose server namespace has
# TFO on (its own net.ipv4.tcp_fastopen=3; the host's sysctls are never touched) and
# nginx with fastopen on port 8080 without keep-alive, so every request is a new
# connection. The server kernel's TcpExt counters tell what the SYNs carried.
#
#   test/netlab/test_tfo.sh URLGET REFETCH
set -u
# shellcheck disable=SC2034 # lab.sh's fetch runs it
URLGET=$(realpath "${1:?usage: test_tfo.sh URLGET REFETCH}")
REFETCH=$(realpath "${2:?usage: test_tfo.sh URLGET REFETCH}")
# shellcheck source=test/netlab/lab.sh
. "$(dirname "$(realpath "$0")")/lab.sh"
lab_up dualstack

# counter NAME: the server namespace's TcpExt counter NAME (its own /proc/net/netstat).
counter() {
    ip netns exec "$LAB_SERVER" awk -v name="$1" '
        /^TcpExt:/ && !header { for (i = 2; i <= NF; i++) field[i] = $i; header = 1; next }
        /^TcpExt:/ { for (i = 2; i <= NF; i++) if (field[i] == name) print $i }' /proc/net/netstat
}
URL=http://ds.lab:8080/index.html

passive=$(counter TCPFastOpenPassive)
"$NETLAB" client "$work/lab" "$REFETCH" "$URL" true >"$work/refetch.out" 2>&1
sed 's/^/# /' "$work/refetch.out"
check "TFO off (the default): no fetch says TFO" \
    [ "$(grep -c '^fetch [12]: ok [0-9a-f:.]*$' "$work/refetch.out")" = 2 ]
check "TFO off: no SYN with data reached the server" \
    [ "$(counter TCPFastOpenPassive)" = "$passive" ]

cookies=$(counter TCPFastOpenCookieReqd)
"$NETLAB" client "$work/lab" "$REFETCH" --tcp-fast-open "$URL" true true \
    >"$work/refetch.out" 2>&1
sed 's/^/# /' "$work/refetch.out"
after=$(counter TCPFastOpenPassive)
echo "# TCPFastOpenCookieReqd $cookies -> $(counter TCPFastOpenCookieReqd)," \
    "TCPFastOpenPassive $passive -> $after"
check "three GETs with TFO: the metrics say TFO for each" \
    [ "$(grep -c '^fetch [123]: ok 2001:db8:2::10 tfo$' "$work/refetch.out")" = 3 ]
check "the first SYN asked for a cookie" \
    [ "$(counter TCPFastOpenCookieReqd)" -gt "$cookies" ]
check "the second and third GETs carried their data in the SYN ($passive -> $after)" \
    [ "$((after - passive))" -ge 2 ]

passive=$after
"$NETLAB" client "$work/lab" "$REFETCH" --tcp-fast-open --post "$URL" true \
    >"$work/refetch.out" 2>&1
sed 's/^/# /' "$work/refetch.out"
check "POST with TFO enabled (and a cookie cached): the metrics say no TFO" \
    [ "$(grep -c '^fetch [12]: ok 2001:db8:2::10$' "$work/refetch.out")" = 2 ]
check "POST: no SYN with data reached the server" \
    [ "$(counter TCPFastOpenPassive)" = "$passive" ]

[ "$failures" = 0 ]
