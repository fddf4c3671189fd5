#!/usr/bin/env bash
# Handover on a link that stays up but stops delivering: mid-download, wifi0 drops every
# packet (nftables; the link, its address and routes stay), so no link or address event
# and no RTO on the client's side. The library sees the busy connection's Wi-Fi subflow
# move nothing, opens the cellular subflow, and the download completes without error and
# byte-identical; once Wi-Fi delivers again, the cellular subflow is closed and Wi-Fi
# carries the rest. The stall is the outage run's duration minus the healthy run's (both
# links have the same rate).
. "$(dirname "$0")/mplab.sh"
BLOB_MB=24 lab_up
lab shape wifi 20mbit
lab shape cell 20mbit
lab pm userspace

fetch healthy --multipath handover "http://$SERVER_IP/blob.bin"
check "healthy Wi-Fi: download succeeds" [ "$status" = 0 ]
check "healthy Wi-Fi: cellular carried under 0.1% of the body" lt "$cell_bytes" 25165
healthy=$(metric healthy "t['response_end'] - t['request_start']")

# Wi-Fi silent from 1.5 s to 4.5 s; the bytes each link carried 3 s after it came back
# and at the end say where the rest went.
(
    sleep 1.5
    lab blackhole wifi on
    sleep 3
    lab blackhole wifi off
    sleep 3
    lab bytes wifi >"$work/wifi.mid"
    lab bytes cell >"$work/cell.mid"
) &
fetch lossy --multipath handover "http://$SERVER_IP/blob.bin"
wait
check "Wi-Fi silent mid-download: completes without error" [ "$status" = 0 ]
check "Wi-Fi silent mid-download: body identical" same_body lossy blob.bin
check "Wi-Fi silent mid-download: cellular carried the outage (over 2 MiB)" \
    [ "$cell_bytes" -gt 2097152 ]
lossy=$(metric lossy "t['response_end'] - t['request_start']")
wifi_end=$(lab bytes wifi)
cell_end=$(lab bytes cell)
wifi_late=$((wifi_end - $(cat "$work/wifi.mid")))
cell_late=$((cell_end - $(cat "$work/cell.mid")))
echo "# after Wi-Fi came back (+3 s to the end): wifi $wifi_late bytes, cell $cell_late bytes"
check "Wi-Fi back: it carries the rest (over 1 MiB after recovery)" [ "$wifi_late" -gt 1048576 ]
check "Wi-Fi back: cellular carries (almost) nothing more (under 64 KiB)" [ "$cell_late" -lt 65536 ]
check "Wi-Fi back: the cellular subflow was closed (only wifi0 subflows at the end)" \
    [ "$(metric lossy "sorted(set(s['interface'] for s in t['subflows']))")" = "['wifi0']" ]
echo "# lossy-link handover stall $(python3 -c "print(round($lossy - $healthy, 2))") s" \
    "(24 MiB at 20 Mbit/s: $(python3 -c "print(round($healthy, 2))") s healthy," \
    "$(python3 -c "print(round($lossy, 2))") s with Wi-Fi silent from 1.5 s to 4.5 s;" \
    "cellular has the same rate, so the difference is time lost)"
finish
