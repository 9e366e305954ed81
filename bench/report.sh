#!/usr/bin/env bash
# `gover report` over a project tree of 10,000 directories holding 500 pins (of every kind,
# from bench/make-tree.py), beside `find` over the same tree in the same hyperfine run: find
# for one pin name (the baseline) and for every name gover reads. gover does more per pin
# (reads it, resolves it with the shim's resolver up to /, judges the version), so the
# comparison says what that costs over the walk itself.
#   bench/report.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 30)
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
bench_setup "$@"

tree=$WORK/tree
python3 "$root/bench/make-tree.py" "$tree" 10000 500
home=$WORK/home
for v in go1.21.13 go1.22.10 go1.23.9; do
    mkdir -p "$home/gover/versions/$v/bin"
done
gover="env -i HOME=$home GOVER_HOME=$home/gover GOVER_SYSTEM_HOME=$WORK/system GOVER_VULNDB=off PATH=/usr/bin:/bin $BIN/gover report $tree --json"

# It must find them all, and the walk must see every directory.
[ "$(find "$tree" -type d | wc -l)" = 10001 ] || { echo "the tree does not hold 10,000 directories" >&2; exit 1; }
pins=$($gover | jq '[.pins[] | select(.status == "pin")] | length')
[ "$pins" = 500 ] || { echo "gover report found $pins pins, the tree has 500" >&2; exit 1; }

names="-name .go-version -o -name go.mod -o -name go.work -o -name .tool-versions -o -name mise.toml"
hf report "${RUNS:-30}" -N --warmup 2 -- \
    "find -name .go-version" "find $tree -name .go-version" \
    "find, every pin name" "find $tree ( $names )" \
    "gover report --json" "$gover"

fact "tree" "10,000 directories (10 below each, breadth first), one main.go in each, 500 pins: .go-version, go.mod, .tool-versions, mise.toml, go.work in turn"
# shellcheck disable=SC2086 # a word list
fact "peak memory, gover report" "$(awk -v kb="$(peak_rss_kb $gover)" 'BEGIN { printf "%.1f MB", kb / 1024 }')"
table report
