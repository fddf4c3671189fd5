#!/usr/bin/env bash
# nginx.sh — start and stop a real nginx on loopback for liburlsession's integration tests.
#
#   test/servers/nginx.sh start DIR   make DIR, a CA and a server certificate, a docroot,
#                                     a config; start nginx on free 127.0.0.1 ports; write
#                                     DIR/server.env
#   test/servers/nginx.sh stop DIR    stop the nginx started in DIR (idempotent)
#
# start exits 77 when nginx, its echo module or openssl is not installed, 1 on failure.
#
# Ports (127.0.0.1 only, never any other address):
#   URL_TEST_HTTP_PORT   HTTP/1.1 cleartext
#   URL_TEST_HTTPS_PORT  TLS with ALPN h2 and http/1.1
#   URL_TEST_H2C_PORT    cleartext HTTP/2 with prior knowledge
#
# Locations, the same on every port:
#   /files/NAME              static files from DIR/www (small.txt, 1k.bin, 1m.bin,
#                            10m.bin, 100m.bin)
#   /echo                    the request body back; X-Method and X-Content-Length headers
#   /method                  "$request_method\n"
#   /headers                 selected request headers, one "name: value" line each
#   /repeat                  a response with two X-Repeat headers and two Set-Cookie
#   /redirect/CODE?to=PATH   CODE in 301 302 303 307 308; Location PATH (default /method)
#   /redirect/chain          /redirect/chain/1 -> 2 -> 3 -> /files/small.txt
#   /redirect/loop           redirects to itself for ever
#   /upload/PATH             PUT stores the body in DIR/uploads/PATH (WebDAV); GET reads it
#   /slow/NAME?rate=R        like /files/NAME, sent at R bytes per second (nginx size
#                            syntax, default 256k)
#   /status/NNN              answers with status NNN and a short body
#   /gzip/NAME               like /files/NAME, gzip-encoded when the client accepts it
#   /encoded/ENC/NAME        the docroot file NAME as is, labelled Content-Encoding: ENC
#                            (ENC: br, zstd, deflate, gzip); tests put precompressed files
#                            in the docroot
set -euo pipefail

ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so
STATUS_CODES="200 201 202 203 204 206 304 400 401 403 404 405 408 409 410 413 418 429 500 501 502 503 504"
REDIRECT_CODES="301 302 303 307 308"
ENCODINGS="br zstd deflate gzip"

die() {
    echo "nginx.sh: $*" >&2
    exit 1
}

# A prerequisite is not installed: exit 77, which callers treat as "skip".
missing() {
    echo "nginx.sh: $*" >&2
    exit 77
}

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
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

# A port in 20000-59999 that nothing listens on now. nginx may still lose a race for it;
# start retries with new ports when the bind fails.
pick_port() {
    local port
    for _ in $(seq 1 200); do
        # Below the kernel's ephemeral range (32768-60999 by default): a port there may be
        # held by an outgoing connection, even one in TIME_WAIT, and then bind() fails.
        port=$((10000 + (RANDOM * 32768 + RANDOM) % 22000))
        case " ${PICKED:-} " in *" $port "*) continue ;; esac
        if command -v ss >/dev/null 2>&1; then
            if ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then
                continue
            fi
        elif (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            continue
        fi
        PICKED="${PICKED:-} $port"
        echo "$port"
        return 0
    done
    die "no free port found"
}

# Value for server.env: bare when it needs no quoting, else single-quoted.
env_value() {
    if [[ "$1" =~ ^[A-Za-z0-9_./:+@%=,-]*$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

make_certificates() {
    local dir=$1
    local tls=$dir/tls
    mkdir -p "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$tls/ca.key" -out "$dir/ca.pem" -days 3 -subj "/CN=liburlsession test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
        die "openssl could not make the CA"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost" 2>/dev/null ||
        die "openssl could not make the server key"
    cat >"$tls/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
    openssl x509 -req -in "$tls/server.csr" -CA "$dir/ca.pem" -CAkey "$tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null ||
        die "openssl could not sign the server certificate"
}

make_docroot() {
    local www=$1/www
    mkdir -p "$www" "$1/uploads"
    printf 'hello world\n' >"$www/small.txt"
    head -c 1024 /dev/urandom >"$www/1k.bin"
    head -c 1048576 /dev/urandom >"$www/1m.bin"
    head -c 10485760 /dev/urandom >"$www/10m.bin"
    head -c 104857600 /dev/urandom >"$www/100m.bin"
    # /auth/basic/: user alice, password wonderland (test_auth)
    printf 'alice:%s\n' "$(openssl passwd -apr1 wonderland)" >"$1/htpasswd"
}

# The locations every server block shares.
write_locations() {
    local dir=$1 code
    cat <<EOF
        location /files/ {
            alias $dir/www/;
            charset utf-8;
        }
        location = /cookies/echo {
            return 200 "cookie: \$http_cookie\n";
        }
        location = /cookies/set {
            add_header Set-Cookie "session=s1; Path=/cookies" always;
            add_header Set-Cookie "kept=k1; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax" always;
            return 200 "set\n";
        }
        location = /cookies/set-and-redirect {
            add_header Set-Cookie "hop=h1; Path=/" always;
            return 302 /cookies/echo;
        }
        location /auth/basic/ {
            alias $dir/www/;
            auth_basic "liburlsession";
            auth_basic_user_file $dir/htpasswd;
        }
        location /slow/ {
            alias $dir/www/;
            limit_rate \$slow_rate;
            # Small writes, so that the rate is steady: with sendfile nginx sends a
            # second's worth at once and then sleeps for a second.
            sendfile off;
            output_buffers 1 16k;
        }
        location = /echo {
            client_body_buffer_size 1m;
            client_max_body_size 200m;
            default_type application/octet-stream;
            add_header X-Method \$request_method always;
            add_header X-Content-Length \$content_length always;
            echo_read_request_body;
            echo_request_body;
        }
        location = /method {
            return 200 "\$request_method\n";
        }
        location = /headers {
            return 200 "x-test: \$http_x_test\nuser-agent: \$http_user_agent\nauthorization: \$http_authorization\ncontent-length: \$content_length\ncontent-type: \$content_type\naccept: \$http_accept\naccept-encoding: \$http_accept_encoding\nhost: \$http_host\nx-additional: \$http_x_additional\n";
        }
        location = /repeat {
            add_header X-Repeat one;
            add_header X-Repeat two;
            add_header Set-Cookie "a=1; Path=/";
            add_header Set-Cookie "b=2; Path=/";
            return 200 "repeat\n";
        }
        location /upload/ {
            alias $dir/uploads/;
            client_body_buffer_size 1m;
            client_max_body_size 200m;
            dav_methods PUT DELETE;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
        }
        location = /redirect/chain {
            return 302 /redirect/chain/1;
        }
        location = /redirect/chain/1 {
            return 302 /redirect/chain/2;
        }
        location = /redirect/chain/2 {
            return 302 /redirect/chain/3;
        }
        location = /redirect/chain/3 {
            return 302 /files/small.txt;
        }
        location = /redirect/loop {
            return 302 /redirect/loop;
        }
        location /gzip/ {
            alias $dir/www/;
            gzip on;
            gzip_types *;
            gzip_min_length 1;
            gzip_http_version 1.0;
        }
        # HTTP cache (test_cache): static files carry ETag and Last-Modified, so nginx
        # answers If-None-Match / If-Modified-Since with 304 (add_header applies to it).
        location /cache/fresh/ {
            alias $dir/www/;
            add_header Cache-Control "max-age=3600";
        }
        location /cache/stale/ {
            alias $dir/www/;
            add_header Cache-Control "max-age=0";
            add_header X-Request-Id \$request_id;
        }
        location /cache/no-cache/ {
            alias $dir/www/;
            add_header Cache-Control "no-cache";
        }
        location /cache/no-store/ {
            alias $dir/www/;
            add_header Cache-Control "no-store";
        }
        location = /cache/vary {
            add_header Cache-Control "max-age=3600";
            add_header Vary "X-Variant";
            return 200 "variant \$http_x_variant\n";
        }
        location = /cache/vary-star {
            add_header Cache-Control "max-age=3600";
            add_header Vary "*";
            return 200 "vary star\n";
        }
EOF
    for code in $ENCODINGS; do
        cat <<EOF
        location /encoded/$code/ {
            alias $dir/www/;
            types { }
            default_type application/octet-stream;
            add_header Content-Encoding $code;
        }
EOF
    done
    for code in $REDIRECT_CODES; do
        cat <<EOF
        location = /redirect/$code {
            return $code \$redirect_target;
        }
EOF
    done
    for code in $STATUS_CODES; do
        cat <<EOF
        location = /status/$code {
            return $code "status $code\n";
        }
EOF
    done
}

write_config() {
    local dir=$1 http=$2 https=$3 h2c=$4
    local user_line=""
    # A master running as root would switch its workers to "nobody", who cannot read a
    # private temp dir; keep them as the invoking user.
    if [ "$(id -u)" = 0 ]; then
        user_line="user $(id -un) $(id -gn);"
    fi
    {
        cat <<EOF
load_module $ECHO_MODULE;
$user_line
daemon on;
master_process on;
worker_processes 2;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
lock_file $dir/nginx.lock;
error_log $dir/logs/error.log warn;

events {
    worker_connections 8192;
}

http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    types {
        text/plain txt;
        text/html html;
        application/octet-stream bin;
    }
    default_type text/plain;
    sendfile on;
    absolute_redirect off;
    server_tokens off;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    client_max_body_size 200m;

    map \$arg_rate \$slow_rate {
        "" 256k;
        default \$arg_rate;
    }
    map \$arg_to \$redirect_target {
        "" /method;
        default \$arg_to;
    }

    server {
        listen 127.0.0.1:$http;
        server_name localhost;
EOF
        write_locations "$dir"
        cat <<EOF
    }

    server {
        listen 127.0.0.1:$https ssl http2;
        server_name localhost;
        ssl_certificate $dir/tls/server.pem;
        ssl_certificate_key $dir/tls/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
EOF
        write_locations "$dir"
        cat <<EOF
    }

    server {
        listen 127.0.0.1:$h2c http2;
        server_name localhost;
EOF
        write_locations "$dir"
        cat <<EOF
    }
}
EOF
    } >"$dir/nginx.conf"
}

# Succeeds once a TCP connect to 127.0.0.1:PORT works.
port_answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_ports() {
    local p ok
    for _ in $(seq 1 100); do
        ok=1
        for p in "$@"; do
            port_answers "$p" || ok=0
        done
        [ "$ok" = 1 ] && return 0
        sleep 0.05
    done
    return 1
}

running_pid() {
    local dir=$1 pid
    [ -f "$dir/nginx.pid" ] || return 1
    pid=$(cat "$dir/nginx.pid" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Only a pid that still is our nginx: pids are reused.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "nginx" || return 1
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
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/nginx.pid"
    return 0
}

do_start() {
    local dir=$1 nginx http https h2c
    nginx=$(find_nginx) || missing "nginx not found (set NGINX=/path/to/nginx)"
    [ -f "$ECHO_MODULE" ] || missing "the nginx echo module is missing: $ECHO_MODULE"
    command -v openssl >/dev/null 2>&1 || missing "openssl not found"

    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    do_stop "$dir"
    mkdir -p "$dir/logs" "$dir/tmp"
    make_certificates "$dir"
    make_docroot "$dir"

    for _ in 1 2 3 4 5 6 7 8; do
        PICKED=""
        http=$(pick_port)
        PICKED="$http"
        https=$(pick_port)
        PICKED="$http $https"
        h2c=$(pick_port)
        write_config "$dir" "$http" "$https" "$h2c"
        : >"$dir/logs/error.log"
        if "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" \
            >"$dir/logs/start.log" 2>&1; then
            if wait_for_ports "$http" "$https" "$h2c"; then
                {
                    echo "URL_TEST_HTTP_PORT=$http"
                    echo "URL_TEST_HTTPS_PORT=$https"
                    echo "URL_TEST_H2C_PORT=$h2c"
                    echo "URL_TEST_CA=$(env_value "$dir/ca.pem")"
                    echo "URL_TEST_WWW=$(env_value "$dir/www")"
                    echo "URL_TEST_UPLOADS=$(env_value "$dir/uploads")"
                } >"$dir/server.env.tmp"
                mv "$dir/server.env.tmp" "$dir/server.env"
                return 0
            fi
            do_stop "$dir"
        fi
        if ! grep -q "Address already in use" "$dir/logs/start.log" "$dir/logs/error.log" \
            2>/dev/null; then
            cat "$dir/logs/start.log" >&2 || true
            die "nginx did not start (see $dir/logs)"
        fi
    done
    die "nginx could not bind free ports after 8 attempts"
}

[ $# -eq 2 ] || usage
case "$1" in
start) do_start "$2" ;;
stop)
    if [ -d "$2" ]; then
        do_stop "$(cd "$2" && pwd)"
    fi
    ;;
*) usage ;;
esac
