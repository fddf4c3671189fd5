#!/usr/bin/env bash
# Better route: a task running on cellular (Wi-Fi down when it started, no multipath)
# hears once that Wi-Fi came back; a handover task moves by itself and hears nothing.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=8 lab_up
lab shape cell 10mbit
lab link wifi down

(sleep 1.5 && lab link wifi up) &
fetch cellular --multipath none "http://$SERVER_IP/blob.bin"
wait
check "task on cellular: completes" [ "$status" = 0 ]
check "task on cellular: body identical" same_body cellular blob.bin
check "task on cellular: metrics say cellular" [ "$(metric cellular "t['interface']")" = cell0 ]
check "better route: fired exactly once" [ "$(out cellular better_route)" = 1 ]

lab pm userspace
lab link wifi down
(sleep 1.5 && lab link wifi up) &
fetch handover --multipath handover "http://$SERVER_IP/blob.bin"
wait
check "handover task: completes" [ "$status" = 0 ]
check "handover task: no better-route callback" [ "$(out handover better_route)" = 0 ]
finish
