#!/usr/bin/env bash
# install-deps.sh — install the Debian 12 packages liburlsession needs to build and test.
#
#   scripts/install-deps.sh          install what is missing (as root, or through sudo)
#   scripts/install-deps.sh --list   print the package list and exit
#   scripts/install-deps.sh --check  exit 1 and name what is missing, install nothing
#
# Idempotent and quiet: when everything is installed it prints one line and touches
# nothing; `apt-get update` runs only when a package is missing. Some packages start and
# enable a system daemon (nginx-light: an nginx on port 80; unbound: a resolver on port
# 53). The tests run their own, so while apt-get runs a policy-rc.d keeps daemons from
# starting, and the services of packages this run installed are disabled (and stopped,
# should one have started) afterwards. See SERVICE_PACKAGES.
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
    unbound             # test/netlab: DNS64 and the lab's zones
    tayga               # test/netlab: NAT64
    brotli              # test_decoding: br-compressed responses
    zstd                # test_decoding: zstd-compressed responses
    tinyproxy           # test_proxies: an HTTP proxy (absolute-form and CONNECT)
    dante-server        # test_proxies: a SOCKS5 proxy (danted)
    iproute2            # test/netlab/multipath.sh: ip mptcp, tc (tbf)
    util-linux          # test/multipath: setpriv (a client without CAP_NET_ADMIN)
    nftables            # test/netlab/multipath.sh: a link that stays up but drops everything
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

# pid_from_file FILE PATTERN: the pid in FILE if that process runs and its command line
# matches PATTERN (pids are reused).
pid_from_file() {
    local pid
    [ -r "$1" ] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
    printf '%s\n' "$pid"
}

# stop_service NAME PIDFILE PATTERN: disable and stop the system service NAME that a
# package installed by this run started or enabled. PIDFILE ("-" for none) and PATTERN
# find a daemon that is left over.
stop_service() {
    local name=$1 pidfile=$2 pattern=$3 pid
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
        as_root systemctl disable --now --quiet "$name.service" 2>/dev/null || true
    else
        if command -v update-rc.d >/dev/null 2>&1; then
            as_root update-rc.d "$name" disable >/dev/null 2>&1 || true
        fi
        if [ -x "/etc/init.d/$name" ]; then
            as_root "/etc/init.d/$name" stop >/dev/null 2>&1 || true
        fi
    fi
    [ "$pidfile" != - ] || return 0
    if pid=$(pid_from_file "$pidfile" "$pattern"); then
        as_root kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    if pid=$(pid_from_file "$pidfile" "$pattern"); then
        die "the system $name (pid $pid) is still running; stop it: the tests run their own"
    fi
}

# Packages whose maintainer scripts start and enable a system daemon the project does
# not want: the tests run their own nginx (and, in the network lab, their own unbound and
# tayga) in private directories and namespaces. package:service:pidfile:cmdline pattern
SERVICE_PACKAGES=(
    "nginx-light:nginx:/run/nginx.pid:^nginx: master"
    "unbound:unbound:/run/unbound.pid:unbound"
    "tayga:tayga:-:tayga"
    "tinyproxy:tinyproxy:/run/tinyproxy/tinyproxy.pid:tinyproxy"
    "dante-server:danted:/run/danted.pid:danted"
)

POLICY_RC_D=/usr/sbin/policy-rc.d
made_policy=no
apt_log=""
cleanup() {
    [ "$made_policy" = no ] || as_root rm -f "$POLICY_RC_D"
    [ -z "$apt_log" ] || rm -f "$apt_log"
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

    local missing entry package rest
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        log "all ${#PACKAGES[@]} packages are installed"
        return 0
    fi
    if [ "${1:-}" = --check ]; then
        log "missing: ${missing[*]}"
        return 1
    fi

    # The daemons' packages this run installs; their services are stopped afterwards.
    local new_services=()
    for entry in "${SERVICE_PACKAGES[@]}"; do
        package=${entry%%:*}
        rest=${entry#*:}
        is_installed "$package" || new_services+=("$rest")
    done

    log "installing ${missing[*]}"
    trap cleanup EXIT
    apt_log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX")
    # Keep maintainer scripts from starting daemons at all (invoke-rc.d and
    # deb-systemd-invoke ask policy-rc.d); an existing policy is left as it is.
    if [ ! -e "$POLICY_RC_D" ]; then
        printf '#!/bin/sh\n# made by liburlsession scripts/install-deps.sh for one apt-get run\nexit 101\n' |
            as_root tee "$POLICY_RC_D" >/dev/null
        as_root chmod 755 "$POLICY_RC_D"
        made_policy=yes
    fi
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

    # Started anyway (a policy that allowed it) or enabled for the next boot: undo.
    local service pidfile pattern
    for entry in "${new_services[@]}"; do
        IFS=: read -r service pidfile pattern <<<"$entry"
        stop_service "$service" "$pidfile" "$pattern"
    done
    log "done"
}

main "$@"
