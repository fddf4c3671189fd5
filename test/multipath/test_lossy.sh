#!/usr/bin/env bash
# Handover on a link that stays up but stops delivering: mid-download, wifi0 drops every
# packet (nftables; the link, its address and routes stay), so there is no link or
# address event and no RTO on the client's side. With the user-space path manager the
# library sees the busy connection's Wi-Fi subflow move nothing, opens the cellular
# subflow, and closes it once Wi-Fi delivers again; with the kernel one (endpoints it
# manages) the backup subflow is there from the start and the kernel moves the traffic.
# Either way the download completes without error and byte-identical, and Wi-Fi carries
# the rest once it is back. A connection that idles between requests is not stalled: no
# cellular subflow for it. The stall is the outage run's duration minus the healthy
# run's (both links have the same rate, so any difference is time lost).
. "$(dirname "$0")/mplab.sh"
BLOB_MB=24 LAB_TOOLS=nft lab_up
lab shape wifi 20mbit
lab shape cell 20mbit

for backend in userspace kernel-managed; do
    use_backend $backend
    fetch healthy --multipath handover "${extra[@]}" "http://$SERVER_IP/blob.bin"
    check "$backend: healthy Wi-Fi: download succeeds" [ "$status" = 0 ]
    check "$backend: healthy Wi-Fi: cellular carried under 0.1% of the body" \
        lt "$cell_bytes" 25165
    check "$backend: metrics name the backend" [ "$(metric healthy "t['path_manager']")" = $backend ]
    healthy=$(metric healthy "t['response_end'] - t['request_start']")

    if [ $backend = userspace ]; then
        fetch idle --multipath handover --repeat 2 --gap 3 "http://$SERVER_IP/small.txt"
        check "$backend: idle 3 s between two requests on one connection: both succeed" \
            [ "$status" = 0 ]
        check "$backend: idle connection: not one byte on cell0 (no cellular subflow)" \
            [ "$cell_bytes" = 0 ]
        check "$backend: idle connection: the second request reused it" \
            [ "$(metric idle "t['reused_connection']")" = True ]
    fi

    # Wi-Fi silent from 1.5 s to 4.5 s; the bytes each link carried from 3 s after it
    # came back to the end say where the rest went.
    (
        sleep 1.5
        lab blackhole wifi on
        sleep 3
        lab blackhole wifi off
        sleep 3
        lab bytes wifi >"$work/wifi.mid"
        lab bytes cell >"$work/cell.mid"
    ) &
    fetch lossy --multipath handover "${extra[@]}" "http://$SERVER_IP/blob.bin"
    wait
    check "$backend: Wi-Fi silent mid-download: completes without error" [ "$status" = 0 ]
    check "$backend: Wi-Fi silent mid-download: body identical" same_body lossy blob.bin
    check "$backend: Wi-Fi silent mid-download: cellular carried the outage (over 2 MiB)" \
        [ "$cell_bytes" -gt 2097152 ]
    lossy=$(metric lossy "t['response_end'] - t['request_start']")
    wifi_late=$(($(lab bytes wifi) - $(cat "$work/wifi.mid")))
    cell_late=$(($(lab bytes cell) - $(cat "$work/cell.mid")))
    echo "# $backend: from 3 s after Wi-Fi came back to the end: wifi $wifi_late bytes," \
        "cell $cell_late bytes"
    check "$backend: Wi-Fi back: it carries the rest (over 1 MiB)" [ "$wifi_late" -gt 1048576 ]
    check "$backend: Wi-Fi back: cellular carries (almost) nothing more (under 64 KiB)" \
        [ "$cell_late" -lt 65536 ]
    if [ $backend = userspace ]; then
        check "$backend: Wi-Fi back: the cellular subflow was closed (only wifi0 at the end)" \
            [ "$(metric lossy "sorted(set(s['interface'] for s in t['subflows']))")" = "['wifi0']" ]
    fi
    echo "# $backend: lossy-link handover stall $(python3 -c "print(round($lossy - $healthy, 2))") s" \
        "(24 MiB at 20 Mbit/s: $(python3 -c "print(round($healthy, 2))") s healthy," \
        "$(python3 -c "print(round($lossy, 2))") s with Wi-Fi silent from 1.5 s to 4.5 s)"
done
lab endpoints none
finish
