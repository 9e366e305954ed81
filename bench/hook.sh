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
# Measure only a hook that works: each hooked shell must find the shim.
shim=$hooked/.local/share/gover/shims/go
for shell in bash zsh fish; do
    command -v "$shell" >/dev/null || continue
    found=$(env -i HOME="$hooked" PATH=/usr/bin:/bin TERM=dumb "$shell" -ic 'command -v go' 2>/dev/null | tail -n1)
    [ "$found" = "$shim" ] || { echo "$shell -ic does not find the shim (found: $found)" >&2; exit 1; }
done

# Medians and minimums: on a shared machine the mean is mostly other processes' noise.
run() {
    local shell=$1
    shift
    hyperfine --shell=none --warmup 20 --runs "${RUNS:-300}" --export-json "$work/$shell.json" \
        -n "$shell, no hook" "env -i HOME=$plain PATH=/usr/bin:/bin TERM=dumb $*" \
        -n "$shell, gover hook" "env -i HOME=$hooked PATH=/usr/bin:/bin TERM=dumb $*" >&2
    python3 - "$work/$shell.json" <<'PY'
import json, sys
plain, hooked = json.load(open(sys.argv[1]))["results"]
ms = lambda r, k: r[k] * 1000
for r in (plain, hooked):
    print(f"| `{r['command']}` | {ms(r, 'median'):.2f} | {ms(r, 'min'):.2f} | {ms(r, 'mean'):.2f} ± {ms(r, 'stddev'):.2f} |")
print(f"| added by the hook | {ms(hooked, 'median') - ms(plain, 'median'):+.2f} | {ms(hooked, 'min') - ms(plain, 'min'):+.2f} | |")
PY
}

echo "| command | median [ms] | min [ms] | mean ± σ [ms] |"
echo "|:---|---:|---:|---:|"

run bash bash -ic exit
command -v zsh >/dev/null && run zsh zsh -ic exit
command -v fish >/dev/null && run fish fish -ic exit
