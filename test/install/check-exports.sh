#!/usr/bin/env bash
# check-exports.sh — compare the dynamic symbols of liburlsession.so with the public API.
#
#   check-exports.sh only-public LIB INCLUDE_DIR
#       LIB defines no dynamic symbol but url_* API functions: nothing internal (url__*),
#       nothing from a static dependency, nothing without URL_API. Symbols are hidden by
#       default (C_VISIBILITY_PRESET hidden); URL_API in a public header exports one.
#   check-exports.sh all-implemented LIB INCLUDE_DIR
#       every function declared with URL_API in INCLUDE_DIR/*.h is exported by LIB, and
#       LIB exports no url_* function that no public header declares.
set -euo pipefail

[ $# -eq 3 ] || {
    echo "usage: $0 only-public|all-implemented LIB INCLUDE_DIR" >&2
    exit 2
}
mode=$1 lib=$2 include_dir=$3

defined=$(nm -D --defined-only "$lib")

# The names declared with URL_API: drop preprocessor lines and comments, then take the
# identifier before the first "(" of each declaration.
declared_api() {
    sed -e '/^[[:space:]]*#/d' "$include_dir"/*.h |
        tr '\n' ' ' |
        sed -E -e 's#/\*([^*]|\*+[^*/])*\*+/# #g' |
        tr ';' '\n' |
        sed -n -E 's/^.*URL_API[^(]*[^A-Za-z0-9_]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\(.*$/\1/p' |
        sort -u
}

case "$mode" in
only-public)
    # The check from the README, then internal names, which also start with "url_".
    leaked=$(printf '%s\n' "$defined" | grep -v ' url_' || true)
    internal=$(printf '%s\n' "$defined" | grep ' url__' || true)
    if [ -n "$leaked$internal" ]; then
        echo "FAIL: $lib exports symbols that are not public API:" >&2
        printf '%s\n' "$leaked" "$internal" | sed '/^$/d' >&2
        echo "(mark public functions URL_API in include/urlsession/; keep the rest static" \
            "or url__ with hidden visibility)" >&2
        exit 1
    fi
    echo "OK: $(printf '%s\n' "$defined" | grep -c ' url_') symbols, all url_* API"
    ;;
all-implemented)
    declared=$(declared_api)
    [ -n "$declared" ] || {
        echo "FAIL: found no URL_API declarations in $include_dir" >&2
        exit 1
    }
    exported=$(printf '%s\n' "$defined" | awk '$3 ~ /^url_/ { print $3 }' | sort -u)
    missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
    extra=$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
    status=0
    if [ -n "$missing" ]; then
        echo "FAIL: declared in $include_dir but not exported by $lib:" >&2
        printf '%s\n' "$missing" | sed 's/^/  /' >&2
        status=1
    fi
    if [ -n "$extra" ]; then
        echo "FAIL: exported by $lib but declared in no public header:" >&2
        printf '%s\n' "$extra" | sed 's/^/  /' >&2
        status=1
    fi
    [ $status -eq 0 ] && echo "OK: all $(printf '%s\n' "$declared" | wc -l) URL_API functions exported"
    exit $status
    ;;
*)
    echo "unknown mode: $mode" >&2
    exit 2
    ;;
esac
