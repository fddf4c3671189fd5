#!/usr/bin/env bash
# Wi-Fi Assist (service type none): with Wi-Fi up but dropping everything, the connect
# over Wi-Fi hangs and, after the head start, a cellular attempt connects and carries the
# whole response (body identical, bytes on cell0, metrics naming cell0); with cellular not
# allowed no attempt ever touches cell0 (the task times out); with Wi-Fi healthy the
# cellular attempt never starts. Time to the response with Wi-Fi dead is the head start
# plus a connect over cellular.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=4 LAB_TOOLS=nft lab_up

fetch healthy --multipath none --wifi-assist --head-start 0.2 "http://$SERVER_IP/blob.bin"
check "Wi-Fi healthy: download succeeds" [ "$status" = 0 ]
check "Wi-Fi healthy: body identical" same_body healthy blob.bin
check "Wi-Fi healthy: metrics name wifi0" [ "$(metric healthy "t['interface']")" = wifi0 ]
check "Wi-Fi healthy: the cellular attempt never starts (no byte on cell0)" [ "$cell_bytes" = 0 ]

lab blackhole wifi on
for head_start in 1 0.3; do
    fetch dead --multipath none --wifi-assist --head-start $head_start --request-timeout 20 \
        "http://$SERVER_IP/blob.bin"
    check "Wi-Fi dead, head start $head_start s: download succeeds" [ "$status" = 0 ]
    check "Wi-Fi dead, head start $head_start s: body identical" same_body dead blob.bin
    check "Wi-Fi dead, head start $head_start s: cellular carried the body" \
        [ "$cell_bytes" -gt 4194304 ]
    check "Wi-Fi dead, head start $head_start s: metrics name cell0 (cellular)" \
        [ "$(metric dead "(t['interface'], t['cellular'])")" = "('cell0', True)" ]
    check "Wi-Fi dead, head start $head_start s: one transaction" \
        [ "$(python3 -c "import json; print(len(json.load(open('$work/dead.json'))['transactions']))")" = 1 ]
    elapsed=$(python3 -c "print(round($(out dead elapsed_ms) / 1000, 3))")
    connected=$(python3 -c "import json; d = json.load(open('$work/dead.json')); t = d['transactions'][0]; print(round(t['connect_end'] - d['task_start'], 3))")
    echo "# Wi-Fi dead, head start ${head_start} s: connected over cellular after" \
        "${connected} s, 4 MiB body complete after ${elapsed} s"
    check "Wi-Fi dead, head start $head_start s: cellular connects after the head start" \
        ge "$connected" "$head_start"
    check "Wi-Fi dead, head start $head_start s: and does not wait for Wi-Fi to fail (done within 1.5 s more)" \
        lt "$elapsed" "$(python3 -c "print($head_start + 1.5)")"
done

fetch kept --multipath none --wifi-assist --head-start 0.2 --no-cellular --request-timeout 3 \
    --resource-timeout 4 "http://$SERVER_IP/small.txt"
check "cellular not allowed, Wi-Fi dead: the task fails (timed out)" \
    [ "$(out kept error)" = -1001 ]
check "cellular not allowed: no attempt on cell0 (not one byte)" [ "$cell_bytes" = 0 ]

fetch off --multipath none --request-timeout 3 --resource-timeout 4 "http://$SERVER_IP/small.txt"
check "Wi-Fi Assist off, Wi-Fi dead: the task fails (timed out)" [ "$(out off error)" = -1001 ]
check "Wi-Fi Assist off: no byte on cell0" [ "$cell_bytes" = 0 ]
lab blackhole wifi off

# Wi-Fi refusing at once (before the head start): the cellular attempt goes on now.
lab blackhole wifi refuse
fetch refused --multipath none --wifi-assist --head-start 5 "http://$SERVER_IP/blob.bin"
check "Wi-Fi refusing: download succeeds over cellular" [ "$status" = 0 ]
check "Wi-Fi refusing: body identical" same_body refused blob.bin
check "Wi-Fi refusing: metrics name cell0" [ "$(metric refused "t['interface']")" = cell0 ]
check "Wi-Fi refusing: no wait for the 5 s head start (done within 2 s)" \
    lt "$(out refused elapsed_ms)" 2000
lab blackhole wifi off

# A race that Wi-Fi wins: its handshake takes 150 ms, cellular's 600 ms, and the
# cellular attempt starts at 50 ms; it is dropped once Wi-Fi is ready, before it sends a
# request (what crosses cell0 is at most ARP, SYN, SYN-ACK and RST).
lab delay wifi 150
lab delay cell 600
fetch race --multipath none --wifi-assist --head-start 0.05 "http://$SERVER_IP/small.txt"
check "race won by Wi-Fi: request succeeds" [ "$status" = 0 ]
check "race won by Wi-Fi: body identical" same_body race small.txt
check "race won by Wi-Fi: metrics name wifi0" [ "$(metric race "t['interface']")" = wifi0 ]
check "race won by Wi-Fi: the cellular attempt started" [ "$cell_bytes" -gt 0 ]
check "race won by Wi-Fi: and was dropped before its request (under 400 bytes on cell0)" \
    [ "$cell_bytes" -lt 400 ]
finish
