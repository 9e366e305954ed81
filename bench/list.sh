#!/usr/bin/env bash
# `gover list --remote` (and --json) on a full-size release index served on 127.0.0.1, beside
# what it cannot do without: downloading the index and parsing its JSON
# (`curl | python3 json.load`, `curl | jq length`), all in one hyperfine run.
#   bench/list.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 60)
# The index comes from bench/make-index.py: go.dev's format and size.
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
bench_setup "$@"

mkdir -p "$WORK/site" "$WORK/home"
python3 "$root/bench/make-index.py" "$WORK/site/index.json" 2>"$WORK/index.txt"
serve "$WORK/site"
url=${SERVER_URL}index.json
gover="env HOME=$WORK/home GOVER_HOME=$WORK/home/gover GOVER_INDEX_URL=$url $BIN/gover list --remote"

# It must list them all: every stable release has a linux archive for this machine.
stable=$(python3 -c 'import json,sys; print(sum(r["stable"] for r in json.load(open(sys.argv[1]))))' "$WORK/site/index.json")
listed=$($gover | wc -l)
[ "$listed" = "$stable" ] || { echo "gover list --remote printed $listed releases, the index has $stable stable ones" >&2; exit 1; }

hf list "${RUNS:-60}" -N --warmup 3 -- \
    "curl | python3 json.load" "sh -c 'curl -s $url | python3 -c \"import json, sys; json.load(sys.stdin)\"'" \
    "curl -o /dev/null (download only)" "curl -s -o /dev/null $url" \
    "curl | jq length" "sh -c 'curl -s $url | jq length >/dev/null'" \
    "gover list --remote" "$gover" \
    "gover list --remote --all --json" "$gover --all --json"

mb() { awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'; }
# shellcheck disable=SC2086 # a word list
fact "peak memory, gover list --remote" "$(mb "$(peak_rss_kb $gover)")"
fact "index" "$(cat "$WORK/index.txt"), $(stat -c %s "$WORK/site/index.json") bytes"
table list
