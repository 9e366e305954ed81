#!/bin/sh
# `gover ci "$@"` with the action's inputs (INPUT_*, as the steps pass them) as its options:
# the one place the inputs are spelled as flags.
set -eu
[ -z "${INPUT_GO_VERSION:-}" ] || set -- "$@" --go-version "$INPUT_GO_VERSION"
[ -z "${INPUT_GO_VERSION_FILE:-}" ] || set -- "$@" --go-version-file "$INPUT_GO_VERSION_FILE"
[ "${INPUT_CHECK_LATEST:-false}" != true ] || set -- "$@" --check-latest
if [ "$1" = cache-key ] && [ -n "${INPUT_CACHE_DEPENDENCY_PATH:-}" ]; then
    # One file or pattern a line, as setup-go reads it; the shell expands the patterns.
    newline='
'
    IFS=$newline
    # shellcheck disable=SC2086 # split on lines and expanded on purpose
    set -- "$@" $INPUT_CACHE_DEPENDENCY_PATH
fi
exec gover ci "$@"
