#!/usr/bin/env bash
# What gover's hook adds to a shell's start-up: `bash -ic exit` (and zsh, fish) in a HOME
# without the hook, then in one set up by install.sh, side by side in one hyperfine run each.
#   bench/hook.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 300)
# Prints a Markdown table; bench/run runs it with the rest and publishes BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
bench_setup "$@"

plain=$WORK/plain
hooked=$WORK/hooked
mkdir -p "$plain" "$hooked"
for home in "$plain" "$hooked"; do
    cp /etc/skel/.bashrc /etc/skel/.profile "$home"/ 2>/dev/null || true
    mkdir -p "$home/.config/fish"
    : >"$home/.zshrc"
done
env -i HOME="$hooked" PATH=/usr/bin:/bin sh "$(dirname "$0")/../install.sh" --from-dir "$BIN" >/dev/null
# Measure only a hook that works: each hooked shell must find the shim.
shim=$hooked/.local/share/gover/shims/go
for shell in bash zsh fish; do
    command -v "$shell" >/dev/null || continue
    found=$(env -i HOME="$hooked" PATH=/usr/bin:/bin TERM=dumb "$shell" -ic 'command -v go' 2>/dev/null | tail -n1)
    [ "$found" = "$shim" ] || { echo "$shell -ic does not find the shim (found: $found)" >&2; exit 1; }
done

for shell in bash zsh fish; do
    command -v "$shell" >/dev/null || { echo "bench: $shell is not installed; skipped" >&2; continue; }
    ROUNDS=${ROUNDS:-30} hf "$shell" "${RUNS:-300}" -N --warmup 2 -- \
        "$shell -ic exit, no hook" "env -i HOME=$plain PATH=/usr/bin:/bin TERM=dumb $shell -ic exit" \
        "$shell -ic exit, gover hook" "env -i HOME=$hooked PATH=/usr/bin:/bin TERM=dumb $shell -ic exit"
done
table hook
