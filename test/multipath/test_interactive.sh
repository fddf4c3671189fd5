#!/usr/bin/env bash
# Interactive: with Wi-Fi slow (60 ms more round-trip time from a TUN delay line) and
# cellular fast, small request / response latency follows the faster path; without
# multipath it is Wi-Fi's.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=1 lab_up
lab pm userspace
lab delay wifi 60

fetch single --multipath none --repeat 21 "http://$SERVER_IP/small.txt"
fetch both --multipath interactive --repeat 21 "http://$SERVER_IP/small.txt"
check "interactive: requests succeed" [ "$status" = 0 ]
check "interactive: body identical" same_body both small.txt
single=$(out single median_ms)
both=$(out both median_ms)
ratio=$(python3 -c "print(round($single / $both, 1))")
echo "# median latency: ${single} ms on Wi-Fi alone, ${both} ms interactive (ratio $ratio)"
check "without multipath, latency is Wi-Fi's (over 60 ms)" ge "$single" 60
check "interactive: latency follows the faster path (under 20 ms)" lt "$both" 20
check "interactive: both subflows in the metrics" \
    [ "$(metric both "sorted(s['interface'] for s in t['subflows'])")" = "['cell0', 'wifi0']" ]
finish
