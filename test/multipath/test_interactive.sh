#!/usr/bin/env bash
# Interactive: with Wi-Fi slow (60 ms more round-trip time from a TUN delay line) and
# cellular fast, small request / response latency follows the faster path; without
# multipath it is Wi-Fi's. With the user-space path manager the library flags each
# connection's subflows; with the kernel one (endpoints it manages) it flags the
# endpoints, the first subflow's address included, and the kernel tells the server; when
# the RTTs change, the flags follow.
. "$(dirname "$0")/mplab.sh"
BLOB_MB=1 lab_up
lab pm userspace
lab delay wifi 60

fetch single --multipath none --repeat 21 "http://$SERVER_IP/small.txt"
single=$(out single median_ms)
check "without multipath, latency is Wi-Fi's (over 60 ms)" ge "$single" 60

for backend in userspace kernel-managed; do
    use_backend $backend
    # The first requests go over Wi-Fi until the flags change (a policy turn, 250 ms,
    # after the cellular subflow has an RTT; the kernel PM's endpoints come a turn after
    # the connection): the median is taken over 41 requests.
    extra+=(--repeat 41)
    fetch both --multipath interactive "${extra[@]}" "http://$SERVER_IP/small.txt"
    check "$backend: interactive: requests succeed" [ "$status" = 0 ]
    check "$backend: interactive: body identical" same_body both small.txt
    check "$backend: metrics name the backend" [ "$(metric both "t['path_manager']")" = $backend ]
    both=$(out both median_ms)
    ratio=$(python3 -c "print(round($single / $both, 1))")
    echo "# $backend: median latency ${single} ms on Wi-Fi alone, ${both} ms interactive" \
        "(ratio $ratio)"
    check "$backend: interactive: latency follows the faster path (under 20 ms)" lt "$both" 20
    check "$backend: interactive: both subflows in the metrics" \
        [ "$(metric both "sorted(s['interface'] for s in t['subflows'])")" = "['cell0', 'wifi0']" ]
done
check "kernel-managed: the slower path's endpoint (wifi0, no subflow flag) is backup" \
    lab client sh -c "ip mptcp endpoint show | grep -Eq '^10\.1\.0\.2 id 1[0-9][0-9] backup dev wifi0'"
check "kernel-managed: the faster path's endpoint (cell0) is an active subflow one" \
    lab client sh -c "ip mptcp endpoint show | grep -Eq '^10\.2\.0\.2 id 1[0-9][0-9] subflow dev cell0'"
lab client ip mptcp endpoint show | sed 's/^/# endpoint: /'

# Re-evaluated as RTTs change: 2 s into a series of requests, cellular gets 120 ms more
# round-trip time (Wi-Fi has 60): the flags swap and the last requests go over Wi-Fi.
lab endpoints none
(sleep 2 && lab delay cell 120) &
fetch swap --multipath interactive --manage-endpoints --repeat 40 --gap 0.1 \
    "http://$SERVER_IP/small.txt"
wait
check "kernel-managed, RTTs swapped: requests succeed" [ "$status" = 0 ]
last=$(out swap elapsed_ms)
echo "# kernel-managed, cellular slowed to 120 ms: the last request took $last ms"
check "kernel-managed, RTTs swapped: the last request went over Wi-Fi (60-100 ms)" \
    python3 -c "import sys; sys.exit(0 if 60 <= $last < 100 else 1)"
check "kernel-managed, RTTs swapped: wifi0's endpoint is active again" \
    lab client sh -c "ip mptcp endpoint show | grep -Eq '^10\.1\.0\.2 id 1[0-9][0-9] dev wifi0'"
check "kernel-managed, RTTs swapped: cell0's endpoint is backup now" \
    lab client sh -c "ip mptcp endpoint show | grep -Eq '^10\.2\.0\.2 id 1[0-9][0-9] subflow backup dev cell0'"
lab client ip mptcp endpoint show | sed 's/^/# endpoint: /'
lab endpoints none
finish
