#!/usr/bin/env bash
# Interface policy: with cellular access not allowed, not one byte crosses cell0, even
# when cell0 is the preferred route; with only cellular left, the task fails with
# not-connected-to-internet.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=4 lab_up
# cell0 first in the routing table: only the policy keeps traffic off it.
lab client ip route replace default via 10.2.0.1 dev cell0 metric 50

fetch routed --multipath none "http://$SERVER_IP/blob.bin"
check "without the policy the route goes over cell0" [ "$cell_bytes" -gt 4000000 ]
check "metrics say cellular" [ "$(metric routed "(t['interface'], t['cellular'], t['expensive'])")" = "('cell0', True, True)" ]

fetch kept --multipath none --no-cellular "http://$SERVER_IP/blob.bin"
check "no cellular: download succeeds" [ "$status" = 0 ]
check "no cellular: body identical" same_body kept blob.bin
check "no cellular: zero bytes on cell0" [ "$cell_bytes" = 0 ]
check "no cellular: metrics name wifi0" [ "$(metric kept "t['interface']")" = wifi0 ]

lab link wifi down
fetch refused --multipath none --no-cellular "http://$SERVER_IP/small.txt"
check "only cellular left: not connected to internet (-1009)" [ "$(out refused error)" = -1009 ]
check "only cellular left: zero bytes on cell0" [ "$cell_bytes" = 0 ]
fetch allowed --multipath none "http://$SERVER_IP/small.txt"
check "cellular allowed: the same request succeeds over cell0" [ "$status" = 0 ]
finish
