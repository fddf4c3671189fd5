#!/usr/bin/env bash
# consumer.sh — install liburlsession into a temporary prefix and build a program against
# it, as an application would: with pkg-config (shared, then static) and with
# find_package(urlsession) (urlsession::urlsession, urlsession::urlsession_static). The C
# example of README.md must build against it too.
#
#   consumer.sh BUILD_DIR CONSUMER_SRC_DIR PUBLIC_INCLUDE_DIR README CC [SANITIZERS]
#
# SANITIZERS (as URL_SANITIZE, e.g. address,undefined) builds the consumers with the same
# sanitizers as the library, which a sanitized library needs.
set -euo pipefail

[ $# -ge 5 ] || {
    echo "usage: $0 BUILD_DIR CONSUMER_SRC_DIR PUBLIC_INCLUDE_DIR README CC [SANITIZERS]" >&2
    exit 2
}
build_dir=$1 src=$2 public_include=$3 readme=$4 cc=$5 sanitize=${6:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/urlsession-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

step() { printf '== %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

cflags=(-std=c11 -Wall -Wextra -Werror -pedantic)
if [ -n "$sanitize" ]; then
    cflags+=("-fsanitize=$sanitize" -fno-omit-frame-pointer)
fi

step "cmake --install $build_dir --prefix $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" ||
    { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }

step "installed headers are exactly include/urlsession/*.h"
expected_headers=$(cd "$public_include" && printf 'include/urlsession/%s\n' *.h | sort)
installed_headers=$(cd "$prefix" && find . -name '*.h' | sed 's#^\./##' | sort)
[ "$expected_headers" = "$installed_headers" ] ||
    fail "installed headers differ from the public ones:
$(diff <(printf '%s\n' "$expected_headers") <(printf '%s\n' "$installed_headers"))"

pcfile=$(find "$prefix" -name urlsession.pc -print -quit)
[ -n "$pcfile" ] || fail "urlsession.pc was not installed"
export PKG_CONFIG_PATH=${pcfile%/*}
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
libdir=$(pkg-config --variable=libdir urlsession)

step "libraries in $libdir"
for f in liburlsession.so liburlsession.so.0 liburlsession.a; do
    [ -e "$libdir/$f" ] || fail "$libdir/$f is missing"
done
soname=$(objdump -p "$libdir/liburlsession.so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = liburlsession.so.0 ] || fail "SONAME is '$soname', not liburlsession.so.0"
if objdump -p "$libdir/liburlsession.so" | grep -qE '^ *(RPATH|RUNPATH) '; then
    fail "the installed library keeps a build-tree RPATH"
fi

step "urlsession.pc"
sed 's/^/  /' "$pcfile"
pkg-config --exists --print-errors urlsession || fail "pkg-config cannot use urlsession.pc"
[ "$(pkg-config --variable=prefix urlsession)" = "$prefix" ] || fail "prefix is not $prefix"
pkg-config --print-requires urlsession | grep -q '^glib-2.0' ||
    fail "Requires: lacks glib-2.0 (urlsession/glib.h includes glib.h)"
pkg-config --print-requires-private urlsession | grep -q '^libcurl' ||
    fail "Requires.private: lacks libcurl (the static library needs it)"

run() {
    local program=$1
    LD_LIBRARY_PATH=$libdir "$program" >"$tmp/run.out" 2>&1 ||
        { cat "$tmp/run.out" >&2; fail "$program failed"; }
    sed 's/^/  /' "$tmp/run.out"
}

# The shared consumer must load the installed library, the static one no library at all.
check_links() {
    local program=$1 kind=$2 resolved
    resolved=$(LD_LIBRARY_PATH=$libdir ldd "$program" | awk '$1 == "liburlsession.so.0" { print $3 }')
    case "$kind" in
    shared) [ "$resolved" = "$libdir/liburlsession.so.0" ] ||
        fail "$program loads '${resolved:-nothing}', not $libdir/liburlsession.so.0" ;;
    static) [ -z "$resolved" ] || fail "$program loads $resolved although linked statically" ;;
    esac
}

step "pkg-config, shared: cc main.c \$(pkg-config --cflags --libs urlsession)"
read -ra pc_cflags <<<"$(pkg-config --cflags urlsession)"
read -ra pc_libs <<<"$(pkg-config --libs urlsession)"
"$cc" "${cflags[@]}" "${pc_cflags[@]}" "$src/main.c" -o "$tmp/consumer-pc" "${pc_libs[@]}" ||
    fail "building with pkg-config failed"
check_links "$tmp/consumer-pc" shared
run "$tmp/consumer-pc"

# libcurl.pc's own Libs.private names libraries whose static versions Debian does not
# install (rtmp, ssh2, ldap, ...), so `pkg-config --static` cannot link here. What an
# application does is link liburlsession.a and the modules of Requires.private shared;
# this checks that Requires.private names everything the static library needs.
step "pkg-config, static: cc main.c liburlsession.a \$(pkg-config --libs urlsession <Requires.private>)"
mapfile -t private_modules < <(pkg-config --print-requires-private urlsession | awk '{ print $1 }')
read -ra pc_private_libs <<<"$(pkg-config --libs urlsession "${private_modules[@]}")"
static_args=()
for arg in "${pc_private_libs[@]}"; do
    if [ "$arg" = -lurlsession ]; then
        static_args+=("$libdir/liburlsession.a")
    else
        static_args+=("$arg")
    fi
done
"$cc" "${cflags[@]}" "${pc_cflags[@]}" "$src/main.c" -o "$tmp/consumer-pc-static" \
    "${static_args[@]}" || fail "building statically with pkg-config failed"
check_links "$tmp/consumer-pc-static" static
run "$tmp/consumer-pc-static"

step "README.md's example: cc first.c \$(pkg-config --cflags --libs urlsession)"
# The first ```c block after the "## A first program" heading.
awk '/^## A first program/ { section = 1 } section && /^```c$/ { inside = 1; next }
     inside && /^```$/ { exit } inside { print }' "$readme" >"$tmp/first.c"
[ -s "$tmp/first.c" ] || fail "no C example under '## A first program' in $readme"
"$cc" "${cflags[@]}" "${pc_cflags[@]}" "$tmp/first.c" -o "$tmp/first" "${pc_libs[@]}" ||
    fail "README.md's example does not build against the installed package"

if command -v c++ >/dev/null 2>&1; then
    step "the public headers compile as C++"
    printf '#include <urlsession/urlsession.h>\n#include <urlsession/glib.h>\n' |
        c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -x c++ "${pc_cflags[@]}" - ||
        fail "the public headers do not compile as C++"
fi

step "find_package(urlsession): urlsession::urlsession and urlsession::urlsession_static"
cmake -S "$src" -B "$tmp/cmake-consumer" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="${cflags[*]}" >"$tmp/cmake.log" 2>&1 ||
    { cat "$tmp/cmake.log" >&2; fail "configuring the find_package consumer failed"; }
cmake --build "$tmp/cmake-consumer" >>"$tmp/cmake.log" 2>&1 ||
    { cat "$tmp/cmake.log" >&2; fail "building the find_package consumer failed"; }
check_links "$tmp/cmake-consumer/consumer_shared" shared
run "$tmp/cmake-consumer/consumer_shared"
check_links "$tmp/cmake-consumer/consumer_static" static
run "$tmp/cmake-consumer/consumer_static"

step "DESTDIR staging: DESTDIR=... cmake --install --prefix /usr"
DESTDIR=$tmp/destdir cmake --install "$build_dir" --prefix /usr >"$tmp/destdir.log" ||
    { cat "$tmp/destdir.log" >&2; fail "cmake --install with DESTDIR failed"; }
staged_pc=$(find "$tmp/destdir" -name urlsession.pc -print -quit)
[ -n "$staged_pc" ] || fail "urlsession.pc was not staged under DESTDIR"
grep -qx 'prefix=/usr' "$staged_pc" || fail "the staged urlsession.pc does not say prefix=/usr"

echo "OK: the installed package works with pkg-config and find_package"
