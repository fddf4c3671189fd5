#!/usr/bin/env bash
# Aggregate: two equal rate-limited links carry one download together, well above one
# link's throughput; a byte-identical body; both subflows in the metrics.
# Needs root: skips (77) without, fails under CI=true.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=16 lab_up
lab shape wifi 40mbit
lab shape cell 40mbit

lab endpoints none
fetch single --multipath none "http://$SERVER_IP/blob.bin"
check "single path: download succeeds" [ "$status" = 0 ]
check "single path: body identical" same_body single blob.bin
single=$(metric single "t['response_end'] - t['request_start']")

lab endpoints subflow
fetch both --multipath aggregate "http://$SERVER_IP/blob.bin"
check "aggregate: download succeeds" [ "$status" = 0 ]
check "aggregate: body identical" same_body both blob.bin
check "aggregate: MPTCP negotiated" [ "$(metric both "t['multipath']")" = True ]
check "aggregate: two subflows, one per interface" \
    [ "$(metric both "sorted(s['interface'] for s in t['subflows'])")" = "['cell0', 'wifi0']" ]
check "aggregate: each link carried over a quarter of the body" \
    [ "$wifi_bytes" -gt 4194304 ] && [ "$cell_bytes" -gt 4194304 ]
both=$(metric both "t['response_end'] - t['request_start']")
ratio=$(python3 -c "print(round($single / $both, 2))")
echo "# throughput ratio aggregate / single path: $ratio (${single}s vs ${both}s for 16 MiB)"
check "aggregate: throughput at least 1.5 times one link's" ge "$ratio" 1.5
finish
