#!/usr/bin/env bash
# check-format.sh — check (or fix) the formatting of every tracked .c and .h file against
# the root .clang-format.
#
#   scripts/check-format.sh         report files that differ; exit 1 if any does
#   scripts/check-format.sh --fix   rewrite them in place
set -euo pipefail

cd "$(dirname "$0")/.."

fix=no
case "${1:-}" in
--fix) fix=yes ;;
"") ;;
*)
    echo "usage: $0 [--fix]" >&2
    exit 2
    ;;
esac

command -v clang-format >/dev/null 2>&1 ||
    { echo "check-format: clang-format not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
[ -f .clang-format ] || { echo "check-format: no .clang-format at $(pwd)" >&2; exit 1; }

files=()
while IFS= read -r -d '' f; do
    [ -f "$f" ] && files+=("$f") # a tracked file deleted in the work tree is not checked
done < <(git ls-files -z -- '*.c' '*.h')
if [ "${#files[@]}" -eq 0 ]; then
    echo "check-format: no tracked .c or .h files"
    exit 0
fi

if [ "$fix" = yes ]; then
    clang-format -i --style=file -- "${files[@]}"
    echo "check-format: formatted ${#files[@]} files"
    exit 0
fi

bad=()
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror --style=file -- "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if [ "${#bad[@]}" -ne 0 ]; then
    echo "check-format: ${#bad[@]} of ${#files[@]} files are not formatted:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    echo "see the differences with: clang-format --dry-run --Werror FILE" >&2
    echo "fix them with: scripts/check-format.sh --fix" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
