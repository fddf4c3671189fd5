#!/usr/bin/env bash
# The path-manager backends: the user-space one (the library opens the second subflow
# itself), the kernel one with endpoints the library manages, the kernel one with the
# system's endpoints (none here: one subflow, no error), and the user-space one without
# CAP_NET_ADMIN (the library cannot add subflows: one subflow, no error). Each reports
# itself in the metrics; aggregate asks for both links.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=8 lab_up
lab shape wifi 40mbit
lab shape cell 40mbit
half=2097152 # a quarter of the body

lab pm userspace
fetch user --multipath aggregate "http://$SERVER_IP/blob.bin"
check "userspace: succeeds, body identical" same_body user blob.bin
check "userspace: reported" [ "$(metric user "t['path_manager']")" = userspace ]
check "userspace: the library's subflow carried a quarter on cell0" [ "$cell_bytes" -gt $half ]

lab pm kernel
fetch managed --multipath aggregate --manage-endpoints "http://$SERVER_IP/blob.bin"
check "kernel-managed: succeeds, body identical" same_body managed blob.bin
check "kernel-managed: reported" [ "$(metric managed "t['path_manager']")" = kernel-managed ]
check "kernel-managed: the endpoint it set carried a quarter on cell0" [ "$cell_bytes" -gt $half ]
check "kernel-managed: its endpoint is in the namespace (id 100 and up)" \
    lab client sh -c "ip mptcp endpoint show | grep -q 'id 1[0-9][0-9] subflow dev cell0'"

lab endpoints none
fetch system --multipath aggregate "http://$SERVER_IP/blob.bin"
check "kernel with no endpoints: succeeds, body identical" same_body system blob.bin
check "kernel with no endpoints: reported" [ "$(metric system "t['path_manager']")" = kernel ]
check "kernel with no endpoints: one path only (degrades silently)" lt "$cell_bytes" 10000

lab pm userspace
TYPES+=(--request-timeout 30)
w0=$(lab bytes wifi)
c0=$(lab bytes cell)
lab client setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$CLIENT_BIN" "${TYPES[@]}" \
    --multipath aggregate -o "$work/weak.body" --metrics "$work/weak.json" \
    "http://$SERVER_IP/blob.bin" >"$work/weak.out" 2>"$work/weak.err"
status=$?
cell_bytes=$(($(lab bytes cell) - c0))
check "userspace without CAP_NET_ADMIN: succeeds, body identical" same_body weak blob.bin
check "userspace without CAP_NET_ADMIN: reported" \
    [ "$(metric weak "t['path_manager']")" = userspace-unprivileged ]
check "userspace without CAP_NET_ADMIN: one path only (degrades silently)" lt "$cell_bytes" 10000
finish
