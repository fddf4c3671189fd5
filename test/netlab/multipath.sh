#!/usr/bin/env bash
# multipath.sh — the multipath lab: a client namespace with two links, wifi0 and cell0,
# to a server namespace running an MPTCP HTTP server, shaped per path.
#
#   multipath.sh up DIR [TTL]          build it; state in DIR (DIR/lab.env); torn down by a
#                                      watchdog after TTL s (default 900)
#   multipath.sh down DIR              undo exactly what DIR records; idempotent
#   multipath.sh client DIR CMD...     run CMD in the client namespace
#   multipath.sh server DIR CMD...     run CMD in the server namespace
#   multipath.sh link DIR wifi|cell up|down
#                                      take a client link down or bring it back (with its
#                                      default route)
#   multipath.sh shape DIR wifi|cell RATE
#                                      tbf both ways on that path ("20mbit"; "off" removes)
#   multipath.sh delay DIR wifi|cell MS
#                                      MS more round-trip time on that path: the server's
#                                      packets to the client go through a TUN delay line
#   multipath.sh endpoints DIR MODE    the client's kernel path-manager endpoints: none,
#                                      backup (cell0 as a backup subflow), subflow (cell0
#                                      as a second subflow)
#   multipath.sh pm DIR kernel|userspace
#                                      the client namespace's path manager (pm_type)
#   multipath.sh bytes DIR wifi|cell   bytes received plus sent on that client link
#   multipath.sh blackhole DIR wifi|cell on|refuse|off
#                                      on: drop every packet in and out of that client
#                                      link (nftables in the client namespace); the link
#                                      stays up with its address and routes. refuse: TCP
#                                      connections out of it fail at once (a reset from
#                                      the client's own stack)
#   multipath.sh check [TOOL...]       exit 0 when root with ip, tc, MPTCP and each TOOL
#                                      (nft for blackhole); else 77
#
# Addresses (documentation and private ranges, inside the namespaces only):
#   client wifi0 10.1.0.2/24 -- server 10.1.0.1; client cell0 10.2.0.2/24 -- 10.2.0.1;
#   the server's own address 10.9.0.1 (on its lo), reached over either link: a default
#   route via wifi0 (metric 100) and one via cell0 (metric 200).
#   Port 80: MPTCP HTTP server; port 81: the same files over plain TCP only.
#   Web root DIR/www: small.txt (100 bytes), blob.bin (BLOB_MB MiB, default 16, random).
set -euo pipefail

die() {
    printf 'multipath: %s\n' "$*" >&2
    exit 1
}

export PATH=$PATH:/usr/sbin:/sbin
SELF=$(realpath "$0")
HERE=$(dirname "$SELF")

record() { printf '%s\n' "$*" >>"$DIR/undo"; }

load() {
    DIR=$1
    [ -f "$DIR/lab.env" ] || die "no lab in $DIR"
    # shellcheck source=/dev/null
    . "$DIR/lab.env"
}

check() {
    [ "$(id -u)" = 0 ] || {
        echo "multipath: needs root (network namespaces)" >&2
        exit 77
    }
    local tool
    for tool in ip tc python3 cc "$@"; do
        command -v "$tool" >/dev/null 2>&1 || {
            echo "multipath: needs $tool" >&2
            exit 77
        }
    done
    [ "$(cat /proc/sys/net/mptcp/enabled 2>/dev/null)" = 1 ] || {
        echo "multipath: the kernel has no MPTCP (net.mptcp.enabled)" >&2
        exit 77
    }
}

up() {
    DIR=$1
    local ttl=${2:-900}
    mkdir -p "$DIR/www"
    : >"$DIR/undo"
    local id
    id=$(printf '%04x%04x' $$ $((RANDOM)))
    CLIENT=mpc-$id
    SERVER=mps-$id
    ip netns add "$CLIENT"
    record "ip netns del $CLIENT"
    ip netns add "$SERVER"
    record "ip netns del $SERVER"
    cat >"$DIR/lab.env" <<ENV
CLIENT=$CLIENT
SERVER=$SERVER
SERVER_IP=10.9.0.1
MPTCP_PORT=80
TCP_PORT=81
WWW=$DIR/www
ENV
    local c=(ip -n "$CLIENT") s=(ip -n "$SERVER")
    # IPv4 only: no neighbour discovery or MLD chatter in the byte counters.
    local ns
    for ns in "$CLIENT" "$SERVER"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1
    done
    "${c[@]}" link set lo up
    "${s[@]}" link set lo up
    "${c[@]}" link add wifi0 type veth peer name swifi netns "$SERVER"
    "${c[@]}" link add cell0 type veth peer name scell netns "$SERVER"
    "${c[@]}" addr add 10.1.0.2/24 dev wifi0
    "${c[@]}" addr add 10.2.0.2/24 dev cell0
    "${s[@]}" addr add 10.1.0.1/24 dev swifi
    "${s[@]}" addr add 10.2.0.1/24 dev scell
    "${s[@]}" addr add 10.9.0.1/32 dev lo
    local link
    for link in wifi0 cell0; do "${c[@]}" link set "$link" up; done
    for link in swifi scell; do "${s[@]}" link set "$link" up; done
    "${c[@]}" route add default via 10.1.0.1 dev wifi0 metric 100
    "${c[@]}" route add default via 10.2.0.1 dev cell0 metric 200
    # Each side may use both paths; the kernel's default limits allow no extra subflow.
    "${c[@]}" mptcp limits set subflows 4 add_addr_accepted 4
    "${s[@]}" mptcp limits set subflows 4 add_addr_accepted 4
    # The server answers a subflow on the link it came in on.
    ip netns exec "$SERVER" sysctl -qw net.ipv4.conf.all.rp_filter=0
    ip netns exec "$CLIENT" sysctl -qw net.ipv4.conf.all.rp_filter=0

    head -c 100 /dev/urandom | base64 -w0 | head -c 100 >"$DIR/www/small.txt"
    head -c $((${BLOB_MB:-16} * 1024 * 1024)) /dev/urandom >"$DIR/www/blob.bin"
    local port
    for port in 80 81; do
        local flag=
        [ $port = 81 ] && flag=--tcp
        ip netns exec "$SERVER" python3 "$HERE/multipath_server.py" "$DIR/www" $port $flag \
            >"$DIR/server$port.out" 2>&1 &
        echo $! >"$DIR/server$port.pid"
        record "kill \$(cat $DIR/server$port.pid) 2>/dev/null || true"
    done
    for port in 80 81; do
        local tries=0
        until grep -q ready "$DIR/server$port.out" 2>/dev/null; do
            tries=$((tries + 1))
            [ $tries -lt 100 ] || die "server on port $port did not start: $(cat "$DIR/server$port.out")"
            sleep 0.05
        done
    done
    (
        sleep "$ttl"
        "$SELF" down "$DIR"
    ) >/dev/null 2>&1 &
    echo $! >"$DIR/watchdog.pid"
    record "kill \$(cat $DIR/watchdog.pid) 2>/dev/null || true"
}

down() {
    DIR=$1
    [ -f "$DIR/undo" ] || return 0
    # Undo in reverse order; every step is allowed to find its object gone already.
    tac "$DIR/undo" | while read -r step; do eval "$step" >/dev/null 2>&1 || true; done
    rm -f "$DIR/undo"
}

side() { # side wifi|cell -> client link, server link, client address, server address
    case $1 in
    wifi) echo "wifi0 swifi 10.1.0.2 10.1.0.1 101" ;;
    cell) echo "cell0 scell 10.2.0.2 10.2.0.1 102" ;;
    *) die "unknown path $1 (wifi or cell)" ;;
    esac
}

link() {
    load "$1"
    read -r dev _ _ gw _ <<<"$(side "$2")"
    local metric=100
    [ "$2" = cell ] && metric=200
    case $3 in
    down) ip -n "$CLIENT" link set "$dev" down ;;
    up)
        ip -n "$CLIENT" link set "$dev" up
        ip -n "$CLIENT" route replace default via "$gw" dev "$dev" metric $metric
        ;;
    *) die "link: up or down" ;;
    esac
}

shape() {
    load "$1"
    read -r dev peer _ _ _ <<<"$(side "$2")"
    if [ "$3" = off ]; then
        ip netns exec "$CLIENT" tc qdisc del dev "$dev" root 2>/dev/null || true
        ip netns exec "$SERVER" tc qdisc del dev "$peer" root 2>/dev/null || true
        return
    fi
    ip netns exec "$CLIENT" tc qdisc replace dev "$dev" root tbf rate "$3" burst 32kb latency 200ms
    ip netns exec "$SERVER" tc qdisc replace dev "$peer" root tbf rate "$3" burst 32kb latency 200ms
}

delay() {
    load "$1"
    read -r _ peer address _ table <<<"$(side "$2")"
    local tun=td$2
    [ -x "$DIR/tun_delay" ] || cc -O2 -o "$DIR/tun_delay" "$HERE/tun_delay.c"
    ip netns exec "$SERVER" "$DIR/tun_delay" "$tun" "$3" >"$DIR/$tun.out" 2>&1 &
    echo $! >"$DIR/$tun.pid"
    record "kill \$(cat $DIR/$tun.pid) 2>/dev/null || true"
    local tries=0
    until grep -q ready "$DIR/$tun.out" 2>/dev/null; do
        tries=$((tries + 1))
        [ $tries -lt 100 ] || die "delay line did not start: $(cat "$DIR/$tun.out")"
        sleep 0.05
    done
    local s=(ip -n "$SERVER")
    "${s[@]}" link set "$tun" up
    ip netns exec "$SERVER" sysctl -qw net.ipv4.ip_forward=1 "net.ipv4.conf.$tun.rp_filter=0" \
        "net.ipv4.conf.$tun.accept_local=1"
    # Into the line on the way to the client; out of it, on to the real link.
    "${s[@]}" route replace "$address/32" dev "$tun"
    "${s[@]}" route replace "${address%.*}.0/24" dev "$peer" table "$table"
    "${s[@]}" rule add iif "$tun" lookup "$table" pref 100
}

endpoints() {
    load "$1"
    ip -n "$CLIENT" mptcp endpoint flush
    case $2 in
    none) ;;
    backup) ip -n "$CLIENT" mptcp endpoint add 10.2.0.2 dev cell0 subflow backup ;;
    subflow) ip -n "$CLIENT" mptcp endpoint add 10.2.0.2 dev cell0 subflow ;;
    *) die "endpoints: none, backup or subflow" ;;
    esac
}

pm() {
    load "$1"
    case $2 in
    kernel) ip netns exec "$CLIENT" sysctl -qw net.mptcp.pm_type=0 ;;
    userspace) ip netns exec "$CLIENT" sysctl -qw net.mptcp.pm_type=1 ;;
    *) die "pm: kernel or userspace" ;;
    esac
}

bytes() {
    load "$1"
    read -r dev _ _ _ _ <<<"$(side "$2")"
    ip netns exec "$CLIENT" sh -c "echo \$((\$(cat /sys/class/net/$dev/statistics/rx_bytes) + \
        \$(cat /sys/class/net/$dev/statistics/tx_bytes)))"
}

blackhole() {
    load "$1"
    command -v nft >/dev/null 2>&1 || die "blackhole needs nft (Debian package nftables)"
    read -r dev _ _ _ _ <<<"$(side "$2")"
    local table=blackhole_$2
    case $3 in
    on)
        ip netns exec "$CLIENT" nft -f - <<NFT
table netdev $table {
    chain in { type filter hook ingress device "$dev" priority -500; policy drop; }
    chain out { type filter hook egress device "$dev" priority -500; policy drop; }
}
NFT
        ;;
    refuse)
        ip netns exec "$CLIENT" nft -f - <<NFT
table inet $table {
    chain out { type filter hook output priority 0; oifname "$dev" meta l4proto tcp reject with tcp reset; }
}
NFT
        ;;
    off)
        ip netns exec "$CLIENT" nft delete table netdev "$table" 2>/dev/null || true
        ip netns exec "$CLIENT" nft delete table inet "$table" 2>/dev/null || true
        ;;
    *) die "blackhole: on, refuse or off" ;;
    esac
}

command=${1:-}
shift || true
case $command in
up) up "$@" ;;
down) down "$@" ;;
client)
    load "$1"
    shift
    exec ip netns exec "$CLIENT" "$@"
    ;;
server)
    load "$1"
    shift
    exec ip netns exec "$SERVER" "$@"
    ;;
link) link "$@" ;;
shape) shape "$@" ;;
delay) delay "$@" ;;
endpoints) endpoints "$@" ;;
pm) pm "$@" ;;
bytes) bytes "$@" ;;
blackhole) blackhole "$@" ;;
check) check "$@" ;;
*) die "usage: multipath.sh up|down|client|server|link|shape|delay|endpoints|pm|bytes|blackhole|check" ;;
esac
