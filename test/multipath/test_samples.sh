#!/usr/bin/env bash
# The samples in the lab: urlget's --multipath, --interface-type, --no-cellular and
# --wifi-assist, its metrics JSON (interface, type, multipath, per-subflow bytes);
# mpdemo's per-interface byte counts while Wi-Fi goes away under a handover download.
#   test_samples.sh MP_CLIENT URLGET MPDEMO
. "$(dirname "$0")/mplab.sh"
URLGET=$2
MPDEMO=$3
BLOB_MB=8 LAB_TOOLS=nft lab_up
lab pm userspace
lab shape wifi 40mbit
lab shape cell 40mbit

urlget() { # urlget NAME ARGS...
    local name=$1
    shift
    w0=$(lab bytes wifi)
    c0=$(lab bytes cell)
    lab client "$URLGET" -q --interface-type wifi0=wifi --interface-type cell0=cellular \
        --metrics="$work/$name.jsonl" -o "$work/$name.body" "$@" 2>"$work/$name.err"
    status=$?
    wifi_bytes=$(($(lab bytes wifi) - w0))
    cell_bytes=$(($(lab bytes cell) - c0))
    echo "# urlget $name: status $status, wifi $wifi_bytes, cell $cell_bytes"
}
field() { # field NAME EXPRESSION over t, the first transaction of urlget's metrics line
    python3 - "$work/$1.jsonl" "$2" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).readline())
t = d["metrics"]["transactions"][0]
print(eval(sys.argv[2]))
PY
}

urlget aggregate --multipath aggregate "http://$SERVER_IP/blob.bin"
check "urlget --multipath aggregate: succeeds" [ "$status" = 0 ]
check "urlget: body identical" same_body aggregate blob.bin
check "urlget metrics: interface, type, multipath" \
    [ "$(field aggregate "(t['interface'], t['interface_type'], t['multipath'])")" = "('wifi0', 'wifi', True)" ]
check "urlget metrics: per-subflow bytes on both interfaces" \
    [ "$(field aggregate "sorted(s['interface'] for s in t['subflows'] if s['bytes_received'] > 1000000)")" = "['cell0', 'wifi0']" ]

lab client ip route replace default via 10.2.0.1 dev cell0 metric 50
urlget nocell --no-cellular "http://$SERVER_IP/blob.bin"
check "urlget --no-cellular: succeeds" [ "$status" = 0 ]
check "urlget --no-cellular: zero bytes on cell0" [ "$cell_bytes" = 0 ]
lab client ip route del default via 10.2.0.1 dev cell0 metric 50

lab blackhole wifi on
urlget assist --wifi-assist=0.5 "http://$SERVER_IP/blob.bin"
check "urlget --wifi-assist, Wi-Fi dead: succeeds" [ "$status" = 0 ]
check "urlget --wifi-assist: body identical" same_body assist blob.bin
check "urlget --wifi-assist: cellular carried it" [ "$cell_bytes" -gt 8388608 ]
check "urlget --wifi-assist metrics: the interface that won" \
    [ "$(field assist "(t['interface'], t['interface_type'])")" = "('cell0', 'cellular')" ]
lab blackhole wifi off
lab client "$URLGET" --wifi-assist=soon "http://$SERVER_IP/" >/dev/null 2>&1
check "urlget --wifi-assist with a bad head start: usage error (1)" [ $? = 1 ]

lab client "$URLGET" --multipath sideways "http://$SERVER_IP/" >/dev/null 2>&1
check "urlget --multipath with a bad type: usage error (1)" [ $? = 1 ]
lab client "$URLGET" --interface-type wifi0 "http://$SERVER_IP/" >/dev/null 2>&1
check "urlget --interface-type without =TYPE: usage error (1)" [ $? = 1 ]

lab shape wifi 20mbit
lab shape cell 20mbit
(sleep 2.5 && lab link wifi down) &
lab client "$MPDEMO" --multipath handover --interface-type wifi0=wifi \
    --interface-type cell0=cellular "http://$SERVER_IP/blob.bin" >"$work/mpdemo.out" 2>&1
status=$?
wait
sed 's/^/# /' "$work/mpdemo.out" | cut -c1-160
check "mpdemo: completes through the outage" [ "$status" = 0 ]
check "mpdemo: prints a line a second with both interfaces" \
    [ "$(grep -c 'wifi0 (wifi).*cell0 (cellular)' "$work/mpdemo.out")" -ge 2 ]
check "mpdemo: cellular's count grows after Wi-Fi went away" \
    python3 - "$work/mpdemo.out" <<'PY'
import re, sys
cell = [float(m.group(1)) for m in re.finditer(r"cell0 \(cellular\)\s+([\d.]+) MB", open(sys.argv[1]).read())]
sys.exit(0 if cell and cell[-1] > 2 and cell[0] < 0.1 else 1)
PY
finish
