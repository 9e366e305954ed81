#!/usr/bin/env bash
# Benchmark: `gover install` of a real Go release from a local mirror, against the shell
# pipeline that downloads, hashes and unpacks the same archive:
#   curl -s URL | tee >(sha256sum) | tar -xz
# in the same hyperfine run, then the peak memory of one gover install (/usr/bin/time -v).
#
# Usage: [BENCH_DIR=/dev/shm] [RUNS=10] bench/install.sh [VERSION]   (default 1.22.10)
# BENCH_DIR holds GOVER_HOME and the tar output: a tmpfs takes the disk out of the comparison.
# Needs: hyperfine, curl, python3 (serves the mirror), GNU time; the mirror from
# ../shared/gomirror/build-mirror in target/gomirror (or GOVER_TEST_MIRROR).
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-1.22.10}
mirror=${GOVER_TEST_MIRROR:-$PWD/target/gomirror}
runs=${RUNS:-10}
[ -f "$mirror/index.json" ] || { echo "no mirror at $mirror; build it with ../shared/gomirror/build-mirror" >&2; exit 1; }

cargo build --release --workspace --quiet
gover=$PWD/target/release/gover

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$mirror" >/dev/null 2>&1 &
server=$!
work=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
trap 'kill "$server"; rm -rf "$work"' EXIT
base=http://127.0.0.1:$port/
for _ in $(seq 50); do curl -sf -o /dev/null "$base/index.json" && break; sleep 0.1; done

arch=$(uname -m); case $arch in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
url=${base}go$version.linux-$arch.tar.gz
export GOVER_INDEX_URL=${base}index.json GOVER_DIST_URL=$base GOVER_SHIM_BINARY=$PWD/target/release/gover-shim

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "archive: $url ($(stat -c %s "$mirror/go$version.linux-$arch.tar.gz") bytes)"
hyperfine ${HYPERFINE_ARGS:-} --warmup 1 --runs "$runs" --export-json "$work/results.json" \
  --prepare "rm -rf $work/home $work/tar && mkdir -p $work/tar" \
  -n "gover install $version" "GOVER_HOME=$work/home $gover -q install $version" \
  -n "curl | tee >(sha256sum) | tar -xz" \
  "bash -c 'curl -s $url | tee >(sha256sum >/dev/null) | tar -xz -C $work/tar'"
python3 - "$work/results.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    t = r["times"]
    print(f"{r['command']}: median {statistics.median(t):.3f} s, min {min(t):.3f}, max {max(t):.3f}, "
          f"stddev {statistics.stdev(t):.3f}, user {r['user']:.3f}, system {r['system']:.3f}")
PY

rm -rf "$work/home"
/usr/bin/time -v env GOVER_HOME="$work/home" "$gover" -q install "$version" 2>"$work/time.txt" >/dev/null
grep -E "Maximum resident set size|Elapsed" "$work/time.txt"
