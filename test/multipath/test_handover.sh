#!/usr/bin/env bash
# Handover, with each path-manager backend the library drives (the user-space one, per
# connection; the kernel one, through endpoints it manages): with Wi-Fi healthy cellular
# carries (almost) nothing; Wi-Fi going down mid-download does not fail it: it completes
# over cellular; Wi-Fi coming back takes the traffic back. The stall is the outage run's
# duration minus the healthy run's.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=16 lab_up
lab shape wifi 20mbit
lab shape cell 20mbit

for backend in userspace kernel-managed; do
    use_backend $backend
    lab link wifi up
    fetch healthy --multipath handover "${extra[@]}" "http://$SERVER_IP/blob.bin"
    check "$backend: healthy Wi-Fi: download succeeds" [ "$status" = 0 ]
    check "$backend: healthy Wi-Fi: body identical" same_body healthy blob.bin
    check "$backend: healthy Wi-Fi: cellular carried under 0.1% of the body" lt "$cell_bytes" 16777
    check "$backend: metrics name the backend" [ "$(metric healthy "t['path_manager']")" = $backend ]
    healthy=$(metric healthy "t['response_end'] - t['request_start']")

    (sleep 1.5 && lab link wifi down) &
    fetch lost --multipath handover "${extra[@]}" "http://$SERVER_IP/blob.bin"
    wait
    check "$backend: Wi-Fi down mid-download: completes without error" [ "$status" = 0 ]
    check "$backend: Wi-Fi down mid-download: body identical" same_body lost blob.bin
    check "$backend: Wi-Fi down mid-download: cellular carried the rest (over a quarter)" \
        [ "$cell_bytes" -gt 4194304 ]
    lost=$(metric lost "t['response_end'] - t['request_start']")
    echo "# $backend: handover stall $(python3 -c "print(round($lost - $healthy, 2))") s" \
        "(16 MiB in ${healthy}s healthy, ${lost}s with Wi-Fi lost at 1.5 s)"
    lab link wifi up
    sleep 0.5

    (sleep 1.5 && lab link wifi down && sleep 2 && lab link wifi up) &
    fetch back --multipath handover "${extra[@]}" "http://$SERVER_IP/blob.bin"
    wait
    check "$backend: Wi-Fi down then back: completes without error" [ "$status" = 0 ]
    check "$backend: Wi-Fi down then back: body identical" same_body back blob.bin
    check "$backend: cellular carried the outage (over 1 MiB)" [ "$cell_bytes" -gt 1048576 ]
    check "$backend: Wi-Fi back: a new Wi-Fi subflow carried data after the outage" \
        [ "$(metric back "len([s for s in t['subflows'] if s['interface'] == 'wifi0' and s['bytes_sent'] <= 1 and s['bytes_received'] > 1048576])")" -ge 1 ]
done
lab endpoints none
finish
