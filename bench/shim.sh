#!/usr/bin/env bash
# Shim overhead: `go version` and `go env GOROOT` through the release shim vs the real binary,
# side by side in one hyperfine run; also with the pin 30 directories above the working dir.
# Usage: bench/shim.sh [RUNS]   (needs hyperfine and the real-Go mirror in target/gomirror)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
mirror=${GOVER_TEST_MIRROR:-$PWD/target/gomirror}
version=go1.22.10
# Statically linked (glibc static-pie): no dynamic loader at every `go` call.
cargo rustc --release -q -p gover-shim --bin gover-shim -- -C target-feature=+crt-static
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOVER_HOME="$work/gover"
mkdir -p "$GOVER_HOME/versions" "$GOVER_HOME/shims"
tar -xzf "$mirror/$version.linux-amd64.tar.gz" -C "$work"
mv "$work/go" "$GOVER_HOME/versions/$version"
cp target/release/gover-shim "$GOVER_HOME/shims/go"
real="$GOVER_HOME/versions/$version/bin/go"
shim="$GOVER_HOME/shims/go"
project="$work/project"
deep="$project$(printf '/d%02d' $(seq 1 30))"
mkdir -p "$deep"
echo "1.22" > "$project/.go-version"
# The baseline gets the right GOROOT from the environment; the shim overrides it anyway.
export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOROOT="$GOVER_HOME/versions/$version"

# The floor for any exec-based shim on this machine: a static C program that only execve()s.
printf '#include <unistd.h>\nint main(int c, char **v) { (void)c; execv("%s", v); return 127; }\n' "$real" > "$work/floor.c"
gcc -O2 -static -o "$work/floor" "$work/floor.c"
floor="$work/floor"

out=${BENCH_OUT:-$work}
echo "shim binary: $(stat -c %s target/release/gover-shim) bytes"
cd "$project"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$out/shim-version.json" \
  -n "real go version" "$real version" \
  -n "exec floor: static C execve" "$floor version" \
  -n "shim go version (pin here)" "$shim version"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$out/shim-env.json" \
  -n "real go env GOROOT" "$real env GOROOT" \
  -n "shim go env GOROOT (pin here)" "$shim env GOROOT"
cd "$deep"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$out/shim-deep.json" \
  -n "real go version" "$real version" \
  -n "shim go version (pin 30 dirs up)" "$shim version"

# Median and spread (interquartile range) of each command, and the shim's added median.
python3 - "$out"/shim-version.json "$out"/shim-env.json "$out"/shim-deep.json <<'PY'
import json, statistics, sys
print("| command | median | IQR | added by the shim |")
print("| --- | --- | --- | --- |")
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    medians = []
    for r in results:
        times = sorted(r["times"])
        q = statistics.quantiles(times, n=4)
        medians.append(statistics.median(times))
        added = "" if len(medians) == 1 else f"{(medians[-1] - medians[0]) * 1000:+.3f} ms over the real go"
        print(f"| {r['command']} | {medians[-1] * 1000:.3f} ms | {(q[2] - q[0]) * 1000:.3f} ms | {added} |")
PY
