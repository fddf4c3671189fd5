#!/usr/bin/env bash
# server.sh — the benchmark's own nginx on loopback.
#
#   test/bench/server.sh start DIR SIZE   certificates, docroot and config in DIR; nginx on
#                                         free 127.0.0.1 ports; writes DIR/server.env
#   test/bench/server.sh stop DIR         stops it (idempotent)
#
# SIZE is the size of the bulk file in bytes (1 GiB for a full run). Unlike
# test/servers/nginx.sh (made for the integration tests), this server has one worker
# (the client and the server then each get about one of two cores), no access log,
# sendfile with large chunks, up to 1000 concurrent HTTP/2 streams and a /slow endpoint
# that answers after a delay.
#
# Ports: BENCH_HTTP_PORT (HTTP/1.1 cleartext), BENCH_HTTPS_PORT (TLS, ALPN h2 and
# http/1.1). Locations: /files/1k.bin, /files/big.bin (SIZE bytes), /slow/NAME (NAME
# after BENCH_SLOW_SECONDS, default 1 s).
set -euo pipefail

ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so

die() {
    echo "server.sh: $*" >&2
    exit 1
}

find_nginx() {
    local n
    for n in "${NGINX:-}" "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx; do
        if [ -n "$n" ] && [ -x "$n" ]; then
            echo "$n"
            return 0
        fi
    done
    return 1
}

# A port in 20000-59999 that nothing listens on now; start retries if nginx loses a race.
pick_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        case " ${PICKED:-} " in *" $port "*) continue ;; esac
        if ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
            continue
        fi
        PICKED="${PICKED:-} $port"
        echo "$port"
        return 0
    done
    die "no free port found"
}

make_certificates() {
    local dir=$1 tls=$1/tls
    mkdir -p "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$tls/ca.key" -out "$dir/ca.pem" -days 3 -subj "/CN=liburlsession bench CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || die "openssl: CA"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost" 2>/dev/null ||
        die "openssl: server key"
    printf '%s\n' "basicConstraints = critical, CA:FALSE" \
        "keyUsage = critical, digitalSignature, keyEncipherment" \
        "extendedKeyUsage = serverAuth" \
        "subjectAltName = DNS:localhost, IP:127.0.0.1" >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$dir/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null ||
        die "openssl: server certificate"
}

make_docroot() {
    local www=$1/www size=$2
    mkdir -p "$www"
    head -c 1024 /dev/urandom >"$www/1k.bin"
    # Zeros are as good as any bytes over loopback without compression, and fallocate
    # makes the file instantly; head is the fallback on filesystems without it.
    rm -f "$www/big.bin"
    if ! fallocate -l "$size" "$www/big.bin" 2>/dev/null; then
        head -c "$size" /dev/zero >"$www/big.bin"
    fi
    # Read it once so that every contender finds it in the page cache.
    cat "$www/big.bin" >/dev/null
}

write_config() {
    local dir=$1 http=$2 https=$3 slow=${BENCH_SLOW_SECONDS:-1}
    local user_line=""
    if [ "$(id -u)" = 0 ]; then
        user_line="user $(id -un) $(id -gn);"
    fi
    cat >"$dir/nginx.conf" <<EOF
load_module $ECHO_MODULE;
$user_line
daemon on;
master_process on;
worker_processes 1;
worker_rlimit_nofile 32768;
pid $dir/nginx.pid;
lock_file $dir/nginx.lock;
error_log $dir/logs/error.log warn;

events {
    worker_connections 16384;
}

http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    types {
        application/octet-stream bin;
    }
    default_type application/octet-stream;
    sendfile on;
    sendfile_max_chunk 2m;
    tcp_nopush on;
    server_tokens off;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    http2_max_concurrent_streams 1000;
    http2_max_requests 1000000;
    http2_chunk_size 16k;
    ssl_session_cache off;
    ssl_session_tickets off;

    server {
        listen 127.0.0.1:$http;
        listen 127.0.0.1:$https ssl http2;
        server_name localhost;
        ssl_certificate $dir/tls/server.pem;
        ssl_certificate_key $dir/tls/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location /files/ {
            alias $dir/www/;
        }
        location /slow/ {
            echo_sleep $slow;
            echo "slow";
        }
    }
}
EOF
}

port_answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running_pid() {
    local dir=$1 pid
    [ -f "$dir/nginx.pid" ] || return 1
    pid=$(cat "$dir/nginx.pid" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q nginx || return 1
    echo "$pid"
}

do_stop() {
    local dir=$1 pid
    pid=$(running_pid "$dir") || {
        rm -f "$dir/nginx.pid"
        return 0
    }
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/nginx.pid"
}

do_start() {
    local dir=$1 size=$2 nginx http https ok
    nginx=$(find_nginx) || die "nginx not found (set NGINX=/path/to/nginx)"
    [ -f "$ECHO_MODULE" ] || die "the nginx echo module is missing: $ECHO_MODULE"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    do_stop "$dir"
    mkdir -p "$dir/logs" "$dir/tmp"
    make_certificates "$dir"
    make_docroot "$dir" "$size"
    for _ in 1 2 3 4 5 6 7 8; do
        PICKED=""
        http=$(pick_port)
        PICKED="$http"
        https=$(pick_port)
        write_config "$dir" "$http" "$https"
        : >"$dir/logs/error.log"
        if "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" \
            >"$dir/logs/start.log" 2>&1; then
            for _ in $(seq 1 100); do
                ok=1
                port_answers "$http" || ok=0
                port_answers "$https" || ok=0
                [ "$ok" = 1 ] && break
                sleep 0.05
            done
            if [ "$ok" = 1 ]; then
                printf '%s\n' "BENCH_HTTP_PORT=$http" "BENCH_HTTPS_PORT=$https" \
                    "BENCH_CA=$dir/ca.pem" "BENCH_WWW=$dir/www" >"$dir/server.env"
                return 0
            fi
            do_stop "$dir"
        fi
        grep -q "Address already in use" "$dir/logs/start.log" "$dir/logs/error.log" \
            2>/dev/null || die "nginx did not start (see $dir/logs)"
    done
    die "nginx could not bind free ports after 8 attempts"
}

case "${1:-}" in
start)
    [ $# -eq 3 ] || die "usage: $0 start DIR SIZE"
    do_start "$2" "$3"
    ;;
stop)
    [ $# -eq 2 ] || die "usage: $0 stop DIR"
    if [ -d "$2" ]; then
        do_stop "$(cd "$2" && pwd)"
    fi
    ;;
*) die "usage: $0 start DIR SIZE | stop DIR" ;;
esac
