#!/usr/bin/env bash
# Waiting for connectivity: with no link up a task says it waits (once), and starts when
# a link comes; the request timeout does not run while waiting, the resource timeout
# does; without waiting, the task fails with not-connected-to-internet.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=1 lab_up
lab link wifi down
lab link cell down

fetch failing --multipath none "http://$SERVER_IP/small.txt"
check "not waiting: not connected to internet (-1009)" [ "$(out failing error)" = -1009 ]
check "not waiting: no waiting callback" [ "$(out failing waiting)" = 0 ]

# Waits past its 1 s request timeout, then the link comes.
lab client "$CLIENT_BIN" "${TYPES[@]}" --wait --request-timeout 1 -o "$work/waited.body" \
    "http://$SERVER_IP/blob.bin" >"$work/waited.out" 2>"$work/waited.err" &
client=$!
tries=0
until grep -q waiting_now "$work/waited.out" || [ $tries -ge 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
done
check "waiting callback arrives while no link is up" grep -q waiting_now "$work/waited.out"
sleep 2.5
check "still running after 2.5 s (the request timeout does not run while waiting)" \
    kill -0 $client
lab link wifi up
wait $client
status=$?
cat "$work/waited.out" | sed 's/^/# /'
check "link up: the task completes" [ "$status" = 0 ]
check "waiting said exactly once" [ "$(out waited waiting)" = 1 ]
check "body identical" same_body waited blob.bin

lab link wifi down
start=$(date +%s.%N)
fetch expiring --multipath none --wait --resource-timeout 2 "http://$SERVER_IP/small.txt"
elapsed=$(python3 -c "print($(date +%s.%N) - $start)")
check "the resource timeout runs while waiting: timed out (-1001)" \
    [ "$(out expiring error)" = -1001 ]
check "... after about 2 s" lt "$elapsed" 6
check "... having said it waits" [ "$(out expiring waiting)" = 1 ]
finish
