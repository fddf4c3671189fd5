#!/usr/bin/env bash
# install-deps.sh — install the Debian 12 packages liburlsession needs to build and test.
#
#   scripts/install-deps.sh          install what is missing (as root, or through sudo)
#   scripts/install-deps.sh --list   print the package list and exit
#   scripts/install-deps.sh --check  exit 1 and name what is missing, install nothing
#
# Idempotent and quiet: when everything is installed it prints one line and touches
# nothing; `apt-get update` runs only when a package is missing. nginx-light's package
# starts (and enables) a system nginx on port 80 on some systems; the tests run their own
# nginx on free loopback ports, so a system nginx this script installed is stopped and
# disabled again.
set -euo pipefail

# The one list of what the project needs. Add a package here, with its job.
PACKAGES=(
    build-essential     # cc, make, binutils (nm for the export check)
    cmake
    pkg-config
    git                 # scripts/check-format.sh formats what git tracks
    libcurl4-openssl-dev # HTTP/1.1, HTTP/2, TLS
    libglib2.0-dev      # the network thread's main loop, queues
    libc-ares-dev       # asynchronous DNS
    libnghttp2-dev      # HTTP/2 under libcurl
    libssl-dev          # TLS, certificate inspection
    libpsl-dev          # libcurl's public suffix list (cookies)
    ca-certificates     # the system trust store sessions use by default
    nginx-light         # test servers (test/servers/nginx.sh), with the echo module
    openssl             # test certificates
    clang-format        # scripts/check-format.sh
    clang               # test/fuzz/run.sh: libFuzzer targets
    libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes for clang (only recommended)
    valgrind
    python3-pytest      # bindings/python tests
    python3-dev         # bindings/python
    python3-setuptools
    lua5.4              # bindings/lua tests
    liblua5.4-dev       # bindings/lua
    brotli              # test_decoding: br-compressed responses
    zstd                # test_decoding: zstd-compressed responses
)

log() { printf 'install-deps: %s\n' "$*"; }
die() {
    printf 'install-deps: %s\n' "$*" >&2
    exit 1
}

# Strip the comments: the names alone.
package_names() {
    local p
    for p in "${PACKAGES[@]}"; do
        printf '%s\n' "$p"
    done
}

is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        is_installed "$p" || printf '%s\n' "$p"
    done
}

# Runs a command as root: directly, or through sudo when available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -- "$@"
    else
        die "need root to run: $* (run this script as root, or install sudo)"
    fi
}

# The pid of the system nginx's master process, from its pid file, if it runs.
system_nginx_pid() {
    local pid
    [ -r /run/nginx.pid ] || return 1
    pid=$(cat /run/nginx.pid 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '^nginx: master' || return 1
    printf '%s\n' "$pid"
}

# Stop and disable the nginx service the package just started. Only that one: an nginx
# the administrator ran before is not ours to stop.
stop_system_nginx() {
    local pid
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        as_root systemctl disable --now --quiet nginx.service 2>/dev/null || true
    else
        if command -v update-rc.d >/dev/null 2>&1; then
            as_root update-rc.d nginx disable >/dev/null 2>&1 || true
        fi
        if [ -x /etc/init.d/nginx ]; then
            as_root /etc/init.d/nginx stop >/dev/null 2>&1 || true
        fi
    fi
    if pid=$(system_nginx_pid); then
        as_root kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    if pid=$(system_nginx_pid); then
        die "the system nginx (pid $pid) is still running; stop it: it is not needed"
    fi
}

main() {
    case "${1:-}" in
    --list)
        package_names
        return 0
        ;;
    --check | "") ;;
    *)
        echo "usage: $0 [--list | --check]" >&2
        return 2
        ;;
    esac

    command -v dpkg-query >/dev/null 2>&1 || die "this script is for Debian 12 (dpkg not found)"

    local missing nginx_was_missing=no
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        log "all ${#PACKAGES[@]} packages are installed"
        return 0
    fi
    if [ "${1:-}" = --check ]; then
        log "missing: ${missing[*]}"
        return 1
    fi

    is_installed nginx-light || nginx_was_missing=yes
    log "installing ${missing[*]}"
    local apt_log
    apt_log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX")
    # shellcheck disable=SC2064 # expand now: the path is fixed
    trap "rm -f '$apt_log'" EXIT
    if ! as_root apt-get update -qq >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        die "apt-get update failed"
    fi
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -qq -y \
        --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        die "apt-get install failed; try: apt-get install ${missing[*]}"
    fi

    mapfile -t missing < <(missing_packages)
    [ "${#missing[@]}" -eq 0 ] || die "still missing after apt-get install: ${missing[*]}"

    if [ "$nginx_was_missing" = yes ]; then
        stop_system_nginx
    fi
    log "done"
}

main "$@"
