#!/usr/bin/env bash
# What gover's hook adds to a shell's start-up: `bash -ic exit` (and zsh, fish) in a HOME
# without the hook, then in one set up by install.sh. Needs hyperfine and built binaries:
#   cargo build --release --workspace && bench/hook.sh [target/release]
# Prints hyperfine's tables; the "Shell hook" section of BENCHMARKS.md records a run.
set -euo pipefail

bin_dir=$(cd "${1:-target/release}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plain=$work/plain
hooked=$work/hooked
mkdir -p "$plain" "$hooked"
for home in "$plain" "$hooked"; do
    cp /etc/skel/.bashrc /etc/skel/.profile "$home"/ 2>/dev/null || true
    mkdir -p "$home/.config/fish"
    : >"$home/.zshrc"
done
env -i HOME="$hooked" PATH=/usr/bin:/bin sh "$root/install.sh" --from-dir "$bin_dir" >/dev/null

run() {
    local shell=$1
    shift
    hyperfine --shell=none --warmup 10 --min-runs 100 --export-markdown "$work/$shell.md" \
        -n "$shell, no hook" "env -i HOME=$plain PATH=/usr/bin:/bin TERM=dumb $*" \
        -n "$shell, gover hook" "env -i HOME=$hooked PATH=/usr/bin:/bin TERM=dumb $*" >&2
    cat "$work/$shell.md"
}

run bash bash -ic exit
command -v zsh >/dev/null && run zsh zsh -ic exit
command -v fish >/dev/null && run fish fish -ic exit
