#!/usr/bin/env bash
# netlab.sh — named network topologies in network namespaces, for testing the library's
# dual-stack and NAT64 behaviour without touching the host's interfaces.
#
#   netlab.sh up TOPOLOGY DIR [TTL]  build TOPOLOGY (dualstack | nat64); state in DIR
#                                    (DIR/lab.env: names and addresses, shell-quoted).
#                                    A watchdog tears it down after TTL s (default 900).
#   netlab.sh down DIR               tear down what DIR records; idempotent
#   netlab.sh client DIR CMD...      run CMD in the client namespace, with the lab's
#                                    /etc/resolv.conf (ip netns exec bind-mounts it)
#   netlab.sh ipv6 DIR MODE          dualstack: MODE drop (a blackhole route in the router:
#                                    IPv6 packets to the server vanish), reject (ICMP
#                                    unreachable) or restore
#   netlab.sh dns DIR stop|start     stop or start the lab's DNS server (unbound, with its
#                                    DNS over HTTPS endpoint)
#   netlab.sh check                  exit 0 when root with ip, unbound, tayga and nginx;
#                                    else print what is missing and exit 77
#
# Topologies (documentation and ULA addresses only, inside the namespaces):
#   dualstack  client 198.51.100.2 2001:db8:1::2 -- router -- server 203.0.113.10,
#              2001:db8:2::10 (nginx on port 80 on both) and 2001:db8:2::11 (nothing
#              listening: connections are refused). unbound on the router serves zone
#              lab.: ds.lab (A + AAAA), refused.lab (A + the refused AAAA); nx.lab does
#              not exist.
#   nat64      client 2001:db8:1::2 only (no IPv4 at all) -- router running tayga (NAT64,
#              prefix fd00:6464::/96) and unbound with DNS64 -- server 203.0.113.10 only.
#              Zone lab.: v4only.lab (A only: DNS64 synthesizes), broken.lab (an AAAA in
#              2001:db8:bad::/48, which the router answers with ICMP unreachable, and a
#              working A). ipv4only.arpa is served (RFC 7050) so DNS64 synthesizes it.
#   The server's web root is DIR/www (index.html and blob.bin, 256 KiB of random bytes),
#   also served on port 8080 with TCP Fast Open (nginx fastopen=16, the server
#   namespace's net.ipv4.tcp_fastopen=3) and no keep-alive: each request a new connection.
#   Both topologies: unbound also serves DNS over HTTPS (RFC 8484, HTTP/2) at
#   https://[2001:db8:1::1]/dns-query, also reachable as https://doh.lab/dns-query, with a
#   certificate from a CA made for the run (DIR/dns/tls/ca.pem, LAB_CA in lab.env).
#   doh.lab's A and AAAA have a TTL of 2 s, short.lab's A (-> the server) 8 s.
#
# Every namespace and file is named with a per-run prefix, so labs of parallel runs do
# not meet. Every step is recorded in DIR before it is made, so down undoes exactly it.
set -euo pipefail

die() {
    printf 'netlab: %s\n' "$*" >&2
    exit 1
}

SELF=$(realpath "$0")
NAT64_PREFIX=fd00:6464::/96

check() {
    local missing=()
    [ "$(id -u)" = 0 ] || missing+=("root (network namespaces)")
    local tool
    for tool in ip unbound tayga nginx openssl; do
        command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        printf 'netlab: needs %s\n' "${missing[*]}" >&2
        exit 77
    fi
}

export PATH=$PATH:/usr/sbin:/sbin

ns() { # ns NAME CMD... — run in a lab namespace
    local name=$1
    shift
    ip netns exec "$name" "$@"
}

record() { printf '%s\n' "$*" >>"$DIR/undo"; }

make_ns() {
    ip netns add "$1"
    record "ip netns del $1"
    ns "$1" ip link set lo up
    ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# link A IFA B IFB — a veth pair between two namespaces
link() {
    ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
    ns "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
    ns "$3" sysctl -qw "net.ipv6.conf.$4.accept_dad=0"
    ip -n "$1" link set "$2" up
    ip -n "$3" link set "$4" up
}

addr() { # addr NS DEV ADDRESS/LENGTH (IPv6 without duplicate address detection)
    if [[ $3 == *:* ]]; then
        ip -n "$1" addr add "$3" dev "$2" nodad
    else
        ip -n "$1" addr add "$3" dev "$2"
    fi
}

write_zone() {
    cat >"$DIR/dns/lab.zone" <<ZONE
\$ORIGIN lab.
\$TTL 3600
@          SOA ns.lab. admin.lab. 1 3600 600 86400 60
@          NS  ns.lab.
ns         AAAA 2001:db8:1::1
ds         A    203.0.113.10
ds         AAAA 2001:db8:2::10
refused    A    203.0.113.10
refused    AAAA 2001:db8:2::11
v4only     A    203.0.113.10
broken     A    203.0.113.10
broken     AAAA 2001:db8:bad::1
doh      2 AAAA 2001:db8:1::1
doh      2 A    198.51.100.1
short    8 A    203.0.113.10
ZONE
    cat >"$DIR/dns/ipv4only.zone" <<ZONE
\$ORIGIN ipv4only.arpa.
\$TTL 3600
@          SOA ns.lab. admin.lab. 1 3600 600 86400 60
@          NS  ns.lab.
@          A   192.0.0.170
@          A   192.0.0.171
ZONE
}

write_unbound() { # write_unbound MODULES
    cat >"$DIR/dns/unbound.conf" <<CONF
server:
    interface: 2001:db8:1::1
    interface: 198.51.100.1
    ip-freebind: yes
    port: 53
    access-control: ::/0 allow
    access-control: 0.0.0.0/0 allow
    username: ""
    chroot: ""
    directory: "$DIR/dns"
    pidfile: "$DIR/dns/unbound.pid"
    logfile: "$DIR/dns/unbound.log"
    use-syslog: no
    verbosity: 1
    do-daemonize: yes
    module-config: "$1"
    dns64-prefix: $NAT64_PREFIX
    cache-max-ttl: 3600
    interface: 2001:db8:1::1@443
    interface: 198.51.100.1@443
    https-port: 443
    http-endpoint: "/dns-query"
    tls-service-key: "$DIR/dns/tls/server.key"
    tls-service-pem: "$DIR/dns/tls/server.pem"
auth-zone:
    name: "lab."
    zonefile: "$DIR/dns/lab.zone"
    for-upstream: yes
    for-downstream: no
    fallback-enabled: no
auth-zone:
    name: "ipv4only.arpa."
    zonefile: "$DIR/dns/ipv4only.zone"
    for-upstream: yes
    for-downstream: no
    fallback-enabled: no
CONF
}

write_doh_tls() { # a CA of the run's own and the DoH endpoint's certificate
    local tls=$DIR/dns/tls
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netlab $PREFIX CA" \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=doh.lab" -keyout "$tls/server.key" \
        -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:doh.lab,IP:2001:db8:1::1,IP:198.51.100.1\n' >"$tls/ext.cnf"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$tls/ext.cnf" -out "$tls/server.pem" 2>/dev/null
}

dns_start() {
    ns "$ROUTER" unbound -c "$DIR/dns/unbound.conf"
}

dns_stop() {
    local pid
    pid=$(cat "$DIR/dns/unbound.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$DIR/dns/unbound.pid"
}

write_nginx() { # write_nginx LISTEN...
    mkdir -p "$DIR/www" "$DIR/nginx/tmp"
    chmod 755 "$DIR" "$DIR/www"
    printf 'netlab %s\n' "$PREFIX" >"$DIR/www/index.html"
    head -c 262144 /dev/urandom >"$DIR/www/blob.bin"
    chmod 644 "$DIR/www/index.html" "$DIR/www/blob.bin"
    local listen="" tfo_listen="" address
    for address in "$@"; do
        listen+="        listen $address:80;"$'\n'
        tfo_listen+="        listen $address:8080 fastopen=16;"$'\n'
    done
    # TCP Fast Open on the server (the namespace's own sysctl: 3 = client and server).
    ns "$SERVER" sysctl -qw net.ipv4.tcp_fastopen=3
    cat >"$DIR/nginx/nginx.conf" <<CONF
daemon on;
user root;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $DIR/nginx/tmp;
    proxy_temp_path $DIR/nginx/tmp;
    fastcgi_temp_path $DIR/nginx/tmp;
    uwsgi_temp_path $DIR/nginx/tmp;
    scgi_temp_path $DIR/nginx/tmp;
    types { application/octet-stream bin; text/html html; }
    server {
$listen        root $DIR/www;
    }
    server {
$tfo_listen        root $DIR/www;
        keepalive_timeout 0;
    }
}
CONF
    ns "$SERVER" nginx -c "$DIR/nginx/nginx.conf"
    record "kill \$(cat $DIR/nginx/nginx.pid) 2>/dev/null || true"
}

client_resolv() {
    mkdir -p "/etc/netns/$CLIENT"
    record "rm -rf /etc/netns/$CLIENT"
    printf 'nameserver %s\n' "$@" >"/etc/netns/$CLIENT/resolv.conf"
    # The client's own hosts file: names of its own, and no surprise from the host's.
    printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/$CLIENT/hosts"
}

up_dualstack() {
    make_ns "$CLIENT"
    make_ns "$ROUTER"
    make_ns "$SERVER"
    link "$CLIENT" eth0 "$ROUTER" c0
    link "$ROUTER" s0 "$SERVER" eth0
    ns "$ROUTER" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    addr "$CLIENT" eth0 198.51.100.2/24
    addr "$CLIENT" eth0 2001:db8:1::2/64
    addr "$ROUTER" c0 198.51.100.1/24
    addr "$ROUTER" c0 2001:db8:1::1/64
    addr "$ROUTER" s0 203.0.113.1/24
    addr "$ROUTER" s0 2001:db8:2::1/64
    addr "$SERVER" eth0 203.0.113.10/24
    addr "$SERVER" eth0 2001:db8:2::10/64
    addr "$SERVER" eth0 2001:db8:2::11/64
    ip -n "$CLIENT" route add default via 198.51.100.1
    ip -n "$CLIENT" -6 route add default via 2001:db8:1::1
    ip -n "$SERVER" route add default via 203.0.113.1
    ip -n "$SERVER" -6 route add default via 2001:db8:2::1
    mkdir -p "$DIR/dns"
    write_zone
    write_doh_tls
    write_unbound "iterator"
    record "kill \$(cat $DIR/dns/unbound.pid 2>/dev/null) 2>/dev/null || true"
    dns_start
    write_nginx 203.0.113.10 "[2001:db8:2::10]"
    client_resolv 2001:db8:1::1 198.51.100.1
}

up_nat64() {
    make_ns "$CLIENT"
    make_ns "$ROUTER"
    make_ns "$SERVER"
    link "$CLIENT" eth0 "$ROUTER" c0
    link "$ROUTER" s0 "$SERVER" eth0
    ns "$ROUTER" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    addr "$CLIENT" eth0 2001:db8:1::2/64
    addr "$ROUTER" c0 2001:db8:1::1/64
    addr "$ROUTER" s0 203.0.113.1/24
    addr "$SERVER" eth0 203.0.113.10/24
    ip -n "$CLIENT" -6 route add default via 2001:db8:1::1
    ip -n "$SERVER" route add default via 203.0.113.1
    # The broken AAAA: its network is unreachable, and the router says so at once.
    ip -n "$ROUTER" -6 route add unreachable 2001:db8:bad::/48
    # tayga: IPv6 (fd00:6464::/96) <-> IPv4 (a pool of the router's), on a tun device.
    mkdir -p "$DIR/tayga"
    cat >"$DIR/tayga/tayga.conf" <<CONF
tun-device nat64
ipv4-addr 192.168.255.1
prefix $NAT64_PREFIX
dynamic-pool 192.168.255.0/24
data-dir $DIR/tayga
CONF
    ns "$ROUTER" tayga -c "$DIR/tayga/tayga.conf" --mktun >/dev/null
    ip -n "$ROUTER" link set nat64 up
    ip -n "$ROUTER" addr add 192.168.254.1 dev nat64
    ip -n "$ROUTER" addr add 2001:db8:1::64 dev nat64 nodad
    ip -n "$ROUTER" route add 192.168.255.0/24 dev nat64
    ip -n "$ROUTER" -6 route add $NAT64_PREFIX dev nat64
    record "kill \$(cat $DIR/tayga/tayga.pid 2>/dev/null) 2>/dev/null || true"
    ns "$ROUTER" tayga -c "$DIR/tayga/tayga.conf" --pidfile "$DIR/tayga/tayga.pid"
    mkdir -p "$DIR/dns"
    write_zone
    write_doh_tls
    write_unbound "dns64 iterator"
    record "kill \$(cat $DIR/dns/unbound.pid 2>/dev/null) 2>/dev/null || true"
    dns_start
    write_nginx 203.0.113.10
    client_resolv 2001:db8:1::1
}

wait_dns() { # until unbound answers in the client namespace
    local attempt
    for attempt in $(seq 50); do
        [ "$attempt" -gt 0 ] || break
        if ns "$CLIENT" /usr/bin/python3 - "$1" <<'PY' 2>/dev/null; then
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(0.2)
# A minimal query for ns.lab. AAAA, id 0x1234, RD
q = bytes.fromhex("123401000001000000000000") + b"\x02ns\x03lab\x00" + bytes.fromhex("001c0001")
s.sendto(q, (sys.argv[1], 53))
sys.exit(0 if s.recv(512)[:2] == q[:2] else 1)
PY
            return 0
        fi
        sleep 0.1
    done
    die "unbound did not answer (see $DIR/dns/unbound.log)"
}

down() {
    [ -f "$DIR/undo" ] || return 0
    if [ -s "$DIR/watchdog.pid" ]; then
        # The watchdog leads its own process group (setsid): its sleep goes too.
        kill -- "-$(cat "$DIR/watchdog.pid")" 2>/dev/null || true
    fi
    local line
    # Undo in reverse order; every step is tried even when one fails.
    tac "$DIR/undo" | while IFS= read -r line; do
        eval "$line" >/dev/null 2>&1 || true
    done
    rm -f "$DIR/undo"
}

command=${1:-}
case "$command" in
check)
    check
    ;;
up)
    topology=${2:?usage: netlab.sh up TOPOLOGY DIR [TTL]}
    DIR=$(realpath -m "${3:?usage: netlab.sh up TOPOLOGY DIR [TTL]}")
    ttl=${4:-900}
    check
    mkdir -p "$DIR"
    [ ! -e "$DIR/undo" ] || die "$DIR holds a lab already (netlab.sh down $DIR first)"
    PREFIX=ul$$$(printf '%04x' $((RANDOM)))
    CLIENT=$PREFIX-client ROUTER=$PREFIX-router SERVER=$PREFIX-server
    : >"$DIR/undo"
    # The watchdog: whatever happens to the caller, the lab goes away.
    setsid bash -c "sleep $ttl; '$SELF' down '$DIR'" >/dev/null 2>&1 </dev/null &
    echo $! >"$DIR/watchdog.pid"
    trap 'down; exit 1' ERR INT TERM
    case "$topology" in
    dualstack) up_dualstack ;;
    nat64) up_nat64 ;;
    *) die "unknown topology $topology (dualstack, nat64)" ;;
    esac
    {
        printf 'LAB_TOPOLOGY=%q\nLAB_PREFIX=%q\nLAB_CLIENT=%q\nLAB_ROUTER=%q\nLAB_SERVER=%q\n' \
            "$topology" "$PREFIX" "$CLIENT" "$ROUTER" "$SERVER"
        printf 'LAB_WWW=%q\nLAB_DNS=%q\nLAB_NAT64_PREFIX=%q\nLAB_SERVER_V4=203.0.113.10\n' \
            "$DIR/www" "2001:db8:1::1" "$NAT64_PREFIX"
        printf 'LAB_DOH=%q\nLAB_CA=%q\n' "https://[2001:db8:1::1]/dns-query" "$DIR/dns/tls/ca.pem"
    } >"$DIR/lab.env"
    wait_dns 2001:db8:1::1
    trap - ERR INT TERM
    ;;
down)
    DIR=$(realpath -m "${2:?usage: netlab.sh down DIR}")
    down
    ;;
client)
    DIR=$(realpath -m "${2:?usage: netlab.sh client DIR CMD...}")
    shift 2
    # shellcheck source=/dev/null
    . "$DIR/lab.env"
    exec ip netns exec "$LAB_CLIENT" "$@"
    ;;
ipv6)
    DIR=$(realpath -m "${2:?usage: netlab.sh ipv6 DIR drop|reject|restore}")
    # shellcheck source=/dev/null
    . "$DIR/lab.env"
    ip -n "$LAB_ROUTER" -6 route del 2001:db8:2::10/128 2>/dev/null || true
    case "${3:?}" in
    drop) ip -n "$LAB_ROUTER" -6 route add blackhole 2001:db8:2::10/128 ;;
    reject) ip -n "$LAB_ROUTER" -6 route add unreachable 2001:db8:2::10/128 ;;
    restore) ;;
    *) die "ipv6: drop, reject or restore" ;;
    esac
    ;;
dns)
    DIR=$(realpath -m "${2:?usage: netlab.sh dns DIR stop|start}")
    # shellcheck source=/dev/null
    . "$DIR/lab.env"
    ROUTER=$LAB_ROUTER CLIENT=$LAB_CLIENT
    case "${3:?}" in
    stop) dns_stop ;;
    start)
        dns_start
        wait_dns "$LAB_DNS"
        ;;
    *) die "dns: stop or start" ;;
    esac
    ;;
*)
    sed -n '2,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//' >&2
    exit 1
    ;;
esac
