#!/usr/bin/env bash
# Shim overhead: `go version` / `go env GOROOT` through the release shim vs the real binary, side
# by side in each hyperfine run, with the pin 0, 1, 10 and 30 directories up and with 50 versions
# installed; plus the floor for any exec-based shim (a static C program that only execve()s).
# Usage: bench/shim.sh [RUNS]   (needs hyperfine, gcc, and the real-Go mirror in target/gomirror)
# Prints a Markdown table for BENCHMARKS.md; raw hyperfine JSON goes to $BENCH_OUT (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
mirror=${GOVER_TEST_MIRROR:-$PWD/target/gomirror}
version=go1.22.10
# Statically linked (glibc static-pie): no dynamic loader at every `go` call.
cargo rustc --release -q -p gover-shim --bin gover-shim -- -C target-feature=+crt-static
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${BENCH_OUT:-$work}
mkdir -p "$out"
export GOVER_HOME="$work/gover"
mkdir -p "$GOVER_HOME/versions" "$GOVER_HOME/shims"
tar -xzf "$mirror/$version.linux-amd64.tar.gz" -C "$work"
mv "$work/go" "$GOVER_HOME/versions/$version"
cp target/release/gover-shim "$GOVER_HOME/shims/go"
real="$GOVER_HOME/versions/$version/bin/go"
shim="$GOVER_HOME/shims/go"
# The baseline gets the right GOROOT from the environment; the shim overrides it anyway.
export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOROOT="$GOVER_HOME/versions/$version"

printf '#include <unistd.h>\nint main(int c, char **v) { (void)c; execv("%s", v); return 127; }\n' "$real" > "$work/floor.c"
gcc -O2 -static -o "$work/floor" "$work/floor.c"

project="$work/project"
mkdir -p "$project"
echo "1.22" > "$project/.go-version"    # partial: the shim picks the newest installed 1.22.x
deep() { local d=$project; for i in $(seq 1 "$1"); do d="$d/d$i"; done; mkdir -p "$d"; echo "$d"; }

# compare NAME DIR ARGS...: the real go and the shim, run in DIR.
compare() {
  local name=$1 dir=$2; shift 2
  (cd "$dir" && hyperfine -N --warmup 10 --runs "$runs" --style basic --export-json "$out/$name.json" \
    -n "real go $*" "$real $*" -n "shim go $* ($name)" "$shim $*" >/dev/null)
}
(cd "$project" && hyperfine -N --warmup 10 --runs "$runs" --style basic --export-json "$out/floor.json" \
  -n "real go version" "$real version" -n "exec floor: static C execve, then go version" "$work/floor version" >/dev/null)
compare "pin here" "$project" version
compare "pin here" "$project" env GOROOT
mv "$out/pin here.json" "$out/pin-here-env.json"
compare "pin here" "$project" version
compare "pin 1 up" "$(deep 1)" version
compare "pin 10 up" "$(deep 10)" version
compare "pin 30 up" "$(deep 30)" version
# 49 more installed versions (older 1.22.x and other lines) for the shim to choose among.
for minor in $(seq 13 21); do for patch in 0 1 2 3 4; do mkdir -p "$GOVER_HOME/versions/go1.$minor.$patch/bin"; done; done
for patch in 0 1 2 3; do mkdir -p "$GOVER_HOME/versions/go1.22.$patch/bin"; done
echo "installed versions: $(ls "$GOVER_HOME/versions" | wc -l)" >&2
compare "50 versions" "$project" version

echo "shim binary: $(stat -c %s target/release/gover-shim) bytes, $(file -b target/release/gover-shim | cut -d, -f1-4)"
python3 - "$out"/floor.json "$out"/pin-here-env.json "$out/pin here.json" "$out/pin 1 up.json" "$out/pin 10 up.json" \
  "$out/pin 30 up.json" "$out/50 versions.json" <<'PY'
import json, statistics, sys
print("| command | median | IQR | added over the real go (same run) |")
print("| --- | --- | --- | --- |")
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    base = None
    for r in results:
        times = sorted(r["times"])
        q = statistics.quantiles(times, n=4)
        median = statistics.median(times)
        added = "" if base is None else f"{(median - base) * 1000:+.3f} ms"
        base = median if base is None else base
        print(f"| {r['command']} | {median * 1000:.3f} ms | {(q[2] - q[0]) * 1000:.3f} ms | {added} |")
PY
