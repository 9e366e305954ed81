#!/usr/bin/env bash
# `gover install` of a real Go release from the local mirror, cold (a fresh GOVER_HOME, so no
# download cache, before every run), against the shell pipeline that downloads, hashes and
# unpacks the same archive, `curl -s URL | tee >(sha256sum) | tar -xz`, and against inflating
# the archive alone (the floor), in the same hyperfine run; then the peak memory of each (GNU
# time, the largest of 3 runs).
#   bench/install.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 15; VERSION, default 1.22.10)
# BENCH_DIR (default /dev/shm) holds GOVER_HOME and the tar output: a tmpfs takes the disk out
# of the comparison. The mirror (target/gomirror, or GOVER_TEST_MIRROR) comes from
# `cargo xtask fixtures` (run when it is missing) and is served on 127.0.0.1 by
# python3 -m http.server.
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
use_tmpfs
bench_setup "$@"

serve_real_mirror

archive=go$VERSION.linux-$ARCH.tar.gz
url=$SERVER_URL$archive
gover="env GOVER_VULNDB=off HOME=$WORK/home GOVER_HOME=$WORK/home/gover GOVER_INDEX_URL=${SERVER_URL}index.json GOVER_DIST_URL=$SERVER_URL GOVER_SHIM_BINARY=$BIN/gover-shim $BIN/gover -q install $VERSION"
pipeline="bash -c 'curl -s $url | tee >(sha256sum >/dev/null) | tar -xz -C $WORK/tar'"
fresh="rm -rf $WORK/home $WORK/tar && mkdir -p $WORK/home $WORK/tar"

# It must really install: the unpacked go runs.
sh -c "$fresh"
sh -c "$gover" >/dev/null
"$WORK/home/gover/versions/go$VERSION/bin/go" version | grep -q "go$VERSION" || { echo "gover install did not install go$VERSION" >&2; exit 1; }
unpacked=$(du -sm "$WORK/home/gover/versions/go$VERSION" | cut -f1)

# The floor: the one step nothing can skip, inflating the archive (from the page cache, with the
# decoder gover links), writing nothing. BASELINE_BIN, when set, adds another build's gover
# (main's, say) to the same rounds.
inflate="sh -c '$BIN/inflate < $MIRROR/$archive'"
baseline=()
[ -z "${BASELINE_BIN:-}" ] || baseline=("gover install $VERSION, baseline build" "${gover//$BIN\//$BASELINE_BIN/}")
ROUNDS=${ROUNDS:-3} hf install "${RUNS:-15}" -N --warmup 1 --prepare "$fresh" -- \
    "inflate only" "$inflate" \
    "curl | tee >(sha256sum) | tar -xz" "$pipeline" \
    "${baseline[@]}" \
    "gover install $VERSION" "$gover"

mb() { awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'; }
# shellcheck disable=SC2086 # the commands are word lists
fact "peak memory, gover install" "$(mb "$(PREPARE=$fresh peak_rss_kb $gover)")"
fact "peak memory, curl | tee | tar (its largest process)" "$(mb "$(PREPARE=$fresh peak_rss_kb bash -c "curl -s $url | tee >(sha256sum >/dev/null) | tar -xz -C $WORK/tar")")"
fact "archive" "$archive, $(stat -c %s "$MIRROR/$archive") bytes, $unpacked MB unpacked, on $(df --output=fstype "$WORK" | tail -n1)"
table install
