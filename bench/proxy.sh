#!/usr/bin/env bash
# Toolchains through a Go module proxy, verified by the checksum database. The test proxy and
# database of the test suite (tests/suite/common/modproxy.rs: go1.23.9 from the real-Go mirror, a
# log of 303 records, a key of the test's) are written as a static tree and served by nginx.
#   1. `gover install --source proxy 1.23.9`, cold (a fresh GOVER_HOME), against the real
#      go1.22.10 switching to it (`GOTOOLCHAIN=go1.23.9 go version`, a fresh module cache),
#      in the same hyperfine run;
#   2. a `gover mirror sync` tree of it on the same nginx: one install against 8 concurrent
#      installs (8 GOVER_HOMEs, as 8 machines of a fleet would).
#   bench/proxy.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 10)
# BENCH_DIR (default /dev/shm) holds the homes and module caches, as in install.sh.
# GOVER_VULNDB=off, as in install.sh: each install, its GOVER_HOME fresh, would otherwise try to
# refresh the Go vulnerability database from vuln.go.dev, which is not on this loopback.
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
use_tmpfs
bench_setup "$@"

mirror=$(real_mirror)
[ -f "$mirror/go1.22.10.linux-amd64.tar.gz" ] ||
    { echo "bench/proxy.sh: $mirror has no go1.22.10.linux-amd64.tar.gz, and the test proxy's toolchains are linux-amd64" >&2; exit 1; }
echo "bench/proxy.sh: writing the test proxy and checksum database" >&2
(cd "$root" && GOVER_TEST_MIRROR=$mirror GOVER_PROXY_TREE=$WORK/site cargo test --quiet --test suite -- --ignored --exact proxy::write_static_tree >&2)
mkdir -p "$WORK/go122"
tar -xzf "$mirror/go1.22.10.linux-amd64.tar.gz" -C "$WORK/go122"
serve_nginx "$WORK/site"
goproxy=${SERVER_URL}proxy
gosumdb="$(cat "$WORK/site/gosumdb") ${SERVER_URL}sumdb"

# go1.23.9, on its first run in a HOME where telemetry has not run today (every run here, the
# HOME being fresh), forks a detached telemetry sidecar that outlives `go version` and creates
# $HOME/.config/go/telemetry/upload (with MkdirAll) a few ms later: the next round's `rm -rf` of
# that HOME then failed with "Directory not empty" whenever the two met, and the sidecar took CPU
# from the next timed command. A user's go forks it once a day, so telemetry is off here (what
# `go telemetry off` writes), in a config directory outside the HOME each round removes.
mkdir -p "$WORK/goconfig/go/telemetry"
echo off >"$WORK/goconfig/go/telemetry/mode"
gover_env="GOVER_VULNDB=off HOME=$WORK/home GOVER_HOME=$WORK/home/gover GOVER_SHIM_BINARY=$BIN/gover-shim"
gover="env $gover_env GOPROXY=$goproxy GOSUMDB='$gosumdb' $BIN/gover -q install --source proxy 1.23.9"
goswitch="env -i HOME=$WORK/gohome XDG_CONFIG_HOME=$WORK/goconfig PATH=/usr/bin:/bin GOPATH=$WORK/gohome/go GOMODCACHE=$WORK/gohome/mod GOCACHE=$WORK/gohome/cache GOFLAGS=-modcacherw GOTOOLCHAIN=go1.23.9 GOPROXY=$goproxy GOSUMDB='$gosumdb' $WORK/go122/go/bin/go version"
fresh="rm -rf $WORK/home $WORK/gohome && mkdir -p $WORK/home $WORK/gohome"

# Both must really get go1.23.9.
sh -c "$fresh"
sh -c "$gover" >/dev/null
"$WORK/home/gover/versions/go1.23.9/bin/go" version | grep -q go1.23.9 || { echo "gover did not install go1.23.9" >&2; exit 1; }
sh -c "$goswitch" | grep -q go1.23.9 || { echo "go did not switch to go1.23.9" >&2; exit 1; }

ROUNDS=${ROUNDS:-5} hf proxy "${RUNS:-10}" -N --warmup 1 --prepare "$fresh" -- \
    "go1.22.10 GOTOOLCHAIN=go1.23.9 go version" "$goswitch" \
    "gover install --source proxy 1.23.9" "$gover"

# A fleet's mirror: gover mirror sync into the tree nginx serves, then 8 installs at once.
env "HOME=$WORK/home" "GOVER_HOME=$WORK/home/gover" "GOPROXY=$goproxy" "GOSUMDB=$gosumdb" \
    "$BIN/gover" -q mirror sync "$WORK/site/mirror" 1.23.9 --layout proxy >&2
# fleet.sh N: N installs at once, each into its own HOME and GOVER_HOME; fails if any does.
cat >"$WORK/fleet.sh" <<FLEET
set -e
pids=()
for i in \$(seq "\$1"); do
    GOVER_VULNDB=off HOME=$WORK/fleet/\$i GOVER_HOME=$WORK/fleet/\$i/gover GOPROXY=${SERVER_URL}mirror GOSUMDB="$gosumdb" \\
        GOVER_SHIM_BINARY=$BIN/gover-shim $BIN/gover -q install --source proxy 1.23.9 &
    pids+=(\$!)
done
for pid in "\${pids[@]}"; do wait "\$pid"; done
FLEET
one="bash $WORK/fleet.sh 1"
eight="bash $WORK/fleet.sh 8"
fresh_fleet="rm -rf $WORK/fleet && mkdir -p $WORK/fleet"
sh -c "$fresh_fleet"
$eight >/dev/null
for i in 1 2 3 4 5 6 7 8; do
    "$WORK/fleet/$i/gover/versions/go1.23.9/bin/go" version | grep -q go1.23.9 || { echo "fleet install $i failed" >&2; exit 1; }
done
ROUNDS=${ROUNDS:-5} hf proxy-fleet "${RUNS:-10}" -N --warmup 1 --prepare "$fresh_fleet" -- \
    "1 install from the nginx-served mirror" "$one" \
    "8 concurrent installs from it" "$eight"

fact "toolchain zip" "$(basename "$WORK"/site/proxy/golang.org/toolchain/@v/*.zip), $(stat -c %s "$WORK"/site/proxy/golang.org/toolchain/@v/*.zip) bytes, on $(df --output=fstype "$WORK" | tail -n1)"
table proxy
