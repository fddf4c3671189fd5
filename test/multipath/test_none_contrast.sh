#!/usr/bin/env bash
# The contrast: without multipath, Wi-Fi going down mid-download fails the task with
# connection-lost at once (the kernel would keep retrying for minutes); with handover the
# same download completes over cellular.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=16 lab_up
lab shape wifi 20mbit
lab shape cell 20mbit
lab endpoints backup

(sleep 1.5 && lab link wifi down) &
start=$(date +%s.%N)
fetch none --multipath none "http://$SERVER_IP/blob.bin"
elapsed=$(python3 -c "print($(date +%s.%N) - $start)")
check "none: fails with connection-lost (-1005)" [ "$(out none error)" = -1005 ]
check "none: fails within a second of the link going down" lt "$elapsed" 3
check "none: nothing went over cell0" lt "$cell_bytes" 1000
lab link wifi up
finish
