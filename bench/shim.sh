#!/usr/bin/env bash
# Shim overhead: `go version` / `go env GOROOT` through the release shim vs the real binary, side
# by side in each hyperfine run, with the pin 0, 1, 10 and 30 directories up, an exact pin (from
# the user's store and from the system store), by the version's own name (go1.22.10) and with 50
# versions installed; plus the floor for any exec-based
# shim (a static C program that only execve()s), and, in one run with that floor, the static musl
# shim the release files ship (its ratio to the real go must stay within 0.05 of the floor's); the
# system calls each makes before the exec (strace); and the sizes of the binaries and release files.
#   bench/shim.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 300; needs hyperfine, gcc and the
#                                         real-Go mirror, made by cargo xtask fixtures)
# Prints a Markdown table; bench/run runs it with the rest and publishes BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
runs=${RUNS:-300}
mirror=$(real_mirror)
version=go1.22.10

export GOVER_HOME="$WORK/gover"
mkdir -p "$GOVER_HOME/versions" "$GOVER_HOME/shims"
tar -xzf "$mirror/$version.linux-amd64.tar.gz" -C "$WORK"
mv "$WORK/go" "$GOVER_HOME/versions/$version"
cp "$BIN/gover-shim" "$GOVER_HOME/shims/go"
# The musl shim finds the same GOVER_HOME from another directory: argv[0] is all it needs.
mkdir -p "$WORK/musl-shim"
cp "$BIN/gover-shim-musl" "$WORK/musl-shim/go"
real="$GOVER_HOME/versions/$version/bin/go"
shim="$GOVER_HOME/shims/go"
# The baseline gets the right GOROOT from the environment; the shim overrides it anyway.
export GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" GOROOT="$GOVER_HOME/versions/$version"

printf '#include <unistd.h>\nint main(int c, char **v) { (void)c; execv("%s", v); return 127; }\n' "$real" >"$WORK/floor.c"
gcc -O2 -static -o "$WORK/floor" "$WORK/floor.c"

project="$WORK/project"
mkdir -p "$project"
echo "1.22" >"$project/.go-version" # partial: the shim picks the newest installed 1.22.x
deep() {
    local d=$project i
    for i in $(seq 1 "$1"); do d="$d/d$i"; done
    mkdir -p "$d"
    echo "$d"
}

# calls LABEL DIR PROGRAM: how many system calls PROGRAM makes in DIR before it execs the real
# go (strace; one count, since it is the same at every call), as a fact beside the timings.
calls() {
    command -v strace >/dev/null || return 0
    (cd "$2" && strace -o "$WORK/trace" "$3" version >/dev/null)
    # The first line is PROGRAM's own execve; the next execve is the real go's.
    fact "system calls before the exec of go: $1" "$(awk 'NR > 1 && /^execve\(/ { print NR - 2; exit }' "$WORK/trace")"
}

# compare FILE LABEL DIR ARGS...: the real go and the shim, run in DIR.
compare() {
    local file=$1 label=$2 dir=$3
    shift 3
    (cd "$dir" && ROUNDS=${ROUNDS:-60} hf "$file" "$runs" -N --warmup 2 -- \
        "real go $*" "$real $*" "shim go $* ($label)" "$shim $*")
    [ "$1" != version ] || calls "shim go version ($label)" "$dir" "$shim"
}
(cd "$project" && ROUNDS=${ROUNDS:-60} hf floor "$runs" -N --warmup 2 -- \
    "real go version" "$real version" "exec floor: static C execve, then go version" "$WORK/floor version")
# The shim of the prebuilt releases (musl, from `cargo xtask dist`) against the same floor.
(cd "$project" && ROUNDS=${ROUNDS:-60} hf musl "$runs" -N --warmup 2 -- \
    "real go version" "$real version" \
    "exec floor: static C execve, then go version" "$WORK/floor version" \
    "musl shim go version (pin here)" "$WORK/musl-shim/go version")
calls "exec floor" "$project" "$WORK/floor"
calls "musl shim go version (pin here)" "$project" "$WORK/musl-shim/go"
compare pin-here-env "pin here" "$project" env GOROOT
compare pin-here "pin here" "$project" version
# An exact pin: the shim runs versions/go1.22.10 without listing versions/.
mkdir -p "$WORK/exact"
echo "${version#go}" >"$WORK/exact/.go-version"
compare pin-exact "exact pin here" "$WORK/exact" version
# The same exact pin served from the system store (`gover --system install`), for a user with
# no copy of their own: one stat of the store's versions/ (its trust check) on top.
system="$WORK/system"
mkdir -p "$system/versions" "$WORK/system-user/versions"
cp -al "$GOVER_HOME/versions/$version" "$system/versions/$version"
chmod 755 "$system" "$system/versions"
system_store_row() {
    local GOVER_HOME="$WORK/system-user" GOVER_SYSTEM_HOME="$system"
    export GOVER_HOME GOVER_SYSTEM_HOME
    compare pin-system "exact pin, system store" "$WORK/exact" version
}
system_store_row
compare pin-1-up "pin 1 up" "$(deep 1)" version
compare pin-10-up "pin 10 up" "$(deep 10)" version
compare pin-30-up "pin 30 up" "$(deep 30)" version
# By its Go toolchain name, as go's own switch (GOTOOLCHAIN=path) finds it: exactly that
# version, no pin walk.
ln "$shim" "$GOVER_HOME/shims/$version"
(cd "$project" && ROUNDS=${ROUNDS:-60} hf by-name "$runs" -N --warmup 2 -- \
    "real go version" "$real version" "shim $version version (by name)" "$GOVER_HOME/shims/$version version")
calls "shim $version version (by name)" "$project" "$GOVER_HOME/shims/$version"
# 49 more installed versions (older 1.22.x and other lines) for the shim to choose among.
for minor in $(seq 13 21); do for patch in 0 1 2 3 4; do mkdir -p "$GOVER_HOME/versions/go1.$minor.$patch/bin"; done; done
for patch in 0 1 2 3; do mkdir -p "$GOVER_HOME/versions/go1.22.$patch/bin"; done
[ "$(find "$GOVER_HOME/versions" -mindepth 1 -maxdepth 1 | wc -l)" = 50 ] || { echo "expected 50 installed versions" >&2; exit 1; }
compare 50-versions "50 versions" "$project" version

linkage() { file -b "$1" | grep -o 'static-pie linked\|statically linked\|dynamically linked'; }
fact "shim binary" "$(stat -c %s "$BIN/gover-shim") bytes, $(linkage "$BIN/gover-shim")"
fact "gover binary" "$(stat -c %s "$BIN/gover") bytes, $(linkage "$BIN/gover")"
# The release files' binaries, for each target: their size as the tarball holds them.
for tarball in "$BIN"/dist/gover-*.tar.gz; do
    tar -tvzf "$tarball" | while read -r _ _ size _ _ path; do
        case $path in
        */gover | */gover-shim) fact "${path##*/}, ${path%/*} (static, musl)" "$size bytes" ;;
        esac
    done
done
for file in "$BIN"/dist/gover*; do
    fact "release file $(basename "$file")" "$(stat -c %s "$file") bytes"
done
table shim
