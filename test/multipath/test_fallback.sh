#!/usr/bin/env bash
# Fallback: a multipath session asking a server without MPTCP gets its answer over plain
# TCP, silently, and the metrics say the connection was not multipath.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=2 lab_up
lab endpoints subflow
fetch tcp --multipath aggregate "http://$SERVER_IP:$TCP_PORT/blob.bin"
check "TCP-only server: download succeeds" [ "$status" = 0 ]
check "TCP-only server: body identical" same_body tcp blob.bin
check "TCP-only server: metrics say not multipath" [ "$(metric tcp "t['multipath']")" = False ]
check "TCP-only server: no subflows listed" [ "$(metric tcp "len(t['subflows'])")" = 0 ]
fetch mptcp --multipath aggregate "http://$SERVER_IP:$MPTCP_PORT/blob.bin"
check "MPTCP server: metrics say multipath" [ "$(metric mptcp "t['multipath']")" = True ]
fetch plain --multipath none "http://$SERVER_IP:$MPTCP_PORT/blob.bin"
check "service type none: plain TCP even to an MPTCP server" \
    [ "$(metric plain "t['multipath']")" = False ]
check "metrics name the interface and its type" \
    [ "$(metric plain "(t['interface'], t['interface_type'], t['cellular'])")" = "('wifi0', 'wifi', False)" ]
finish
