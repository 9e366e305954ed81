#!/usr/bin/env bash
# What the vulnerability data adds to `gover list`: 20 installed versions, listed with the full
# cached database (the 199 real entries of tests/fixtures/vulndb, and the release index saved from a
# full-size index for end of life) against the same home without any vulnerability data, in
# one hyperfine run. `gover list` reads the cache only; nothing here touches the network.
#   bench/vulns.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 60)
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
bench_setup "$@"

# The database in its protocol's layout, index files built from the entries.
db=$WORK/db
mkdir -p "$db/ID" "$db/index"
cp "$root"/tests/fixtures/vulndb/osv/*.json "$db/ID/"
python3 - "$db" <<'PY'
import collections, glob, json, os, sys
db = sys.argv[1]
modules = collections.defaultdict(dict)
for path in sorted(glob.glob(os.path.join(db, "ID", "*.json"))):
    entry = json.load(open(path))
    for affected in entry["affected"]:
        modules[affected["package"]["name"]][entry["id"]] = {"id": entry["id"], "modified": entry["modified"]}
json.dump([{"path": p, "vulns": list(v.values())} for p, v in sorted(modules.items())], open(os.path.join(db, "index", "modules.json"), "w"))
json.dump({"modified": "2026-08-21T00:00:00Z"}, open(os.path.join(db, "index", "db.json"), "w"))
PY

# Two homes with the same 20 versions: one without data, one with the full cache.
mkdir -p "$WORK/site"
python3 "$root/bench/make-index.py" "$WORK/site/index.json" 2>/dev/null
serve "$WORK/site"
for name in bare full; do
    home=$WORK/$name
    for v in go1.17.13 go1.18.10 go1.19.13 go1.20.14 go1.21.13 go1.22.10 go1.22.12 go1.23.4 go1.23.9 go1.24.1 \
        go1.24.6 go1.20.1 go1.21.0 go1.19.1 go1.18.1 go1.17.1 go1.22.1 go1.23.1 go1.21.5 go1.20.7; do
        mkdir -p "$home/versions/$v/bin"
        cp /bin/true "$home/versions/$v/bin/go"
        echo "$v" >"$home/versions/$v/VERSION"
    done
    echo 1.22.10 >"$home/global"
done
full="env HOME=$WORK GOVER_HOME=$WORK/full GOVER_INDEX_URL=${SERVER_URL}index.json"
$full GOVER_VULNDB=off "$BIN/gover" list --remote >/dev/null
$full GOVULNDB="file://$db" "$BIN/gover" list --refresh -q >/dev/null
[ "$("$BIN/gover" --home "$WORK/full" list | grep -c 'known vulnerabilit')" = 20 ] || {
    echo "bench: gover list does not mark the 20 versions with the cached data" >&2
    exit 1
}
[ "$("$BIN/gover" --home "$WORK/bare" list -q | wc -l)" = 20 ] || { echo "bench: the bare home lists no 20 versions" >&2; exit 1; }

hf vulns "${RUNS:-60}" -N --warmup 3 -- \
    "gover list (no vulnerability data)" "$BIN/gover --home $WORK/bare list -q" \
    "gover list (full cache)" "$BIN/gover --home $WORK/full list -q" \
    "gover list --json (full cache)" "$BIN/gover --home $WORK/full list -q --json"

fact "cache" "$(stat -c %s "$WORK/full/vulndb/db.json") bytes, $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["entries"]))' "$WORK/full/vulndb/db.json") entries"
fact "release index saved" "$(cat "$WORK"/full/cache/index-*.json | wc -c) bytes (of $(stat -c %s "$WORK/site/index.json") served)"
table vulns
