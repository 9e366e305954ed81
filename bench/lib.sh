# shellcheck shell=bash
# Shared by the bench/ scripts (sourced, not run). Each area script runs as
#   bench/AREA.sh [BIN_DIR [OUT_DIR]]
# BIN_DIR holds the release gover and the static gover-shim (built here when not given);
# OUT_DIR receives the hyperfine JSON files (default: a temporary directory).
# RUNS overrides the script's run count.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# build_release DIR: the release binaries, built once and copied to DIR so that a later cargo
# build (which would relink the shim dynamically) cannot change what is measured.
build_release() {
    local dir=$1
    (
        cd "$root" || exit
        # Not --workspace: the xtask crate is no part of what ships.
        cargo build --release --quiet -p gover -p gover-shim
        # bench/install.sh's floor: inflating alone, with the decoder gover links.
        cargo build --release --quiet -p gover --example inflate
        # Last, so nothing relinks it: the shim statically linked (glibc static-pie), with no
        # dynamic loader at every `go` call. What a release ships.
        cargo rustc --release --quiet -p gover-shim --bin gover-shim -- -C target-feature=+crt-static
    )
    mkdir -p "$dir"
    cp "$root/target/release/gover" "$root/target/release/gover-shim" "$root/target/release/examples/inflate" "$dir/"
    file -b "$dir/gover-shim" | grep -q 'static' || {
        echo "bench: $dir/gover-shim is not statically linked: $(file -b "$dir/gover-shim")" >&2
        return 1
    }
}

# real_mirror: prints the real-Go mirror's directory (GOVER_TEST_MIRROR, else target/gomirror,
# built with `cargo xtask fixtures` when missing; its progress goes to stderr).
real_mirror() {
    local mirror=${GOVER_TEST_MIRROR:-$root/target/gomirror}
    if [ ! -f "$mirror/index.json" ]; then
        (cd "$root" && cargo xtask fixtures --out "$mirror" >/dev/null) || return 1
    fi
    echo "$mirror"
}

# go_arch: this machine's architecture as Go's archives name it (amd64, arm64).
go_arch() {
    case $(uname -m) in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *) uname -m ;;
    esac
}

# serve_real_mirror: serves the real-Go mirror (see real_mirror) on 127.0.0.1 (see serve) and
# sets MIRROR to its directory, ARCH to this machine's (see go_arch) and VERSION to the Go
# release the area installs (VERSION from the environment, default 1.22.10).
serve_real_mirror() {
    MIRROR=$(real_mirror) || return 1
    serve "$MIRROR" || return 1
    # shellcheck disable=SC2034 # read by the area scripts
    ARCH=$(go_arch)
    VERSION=${VERSION:-1.22.10}
}

# build_dist DIR: the release files of `cargo xtask dist --test-key` in DIR/dist (signed with a
# key of this machine's, which their install.sh trusts: bench/ci.sh installs from them), and the
# x86_64 static (musl) shim unpacked from its tarball as DIR/gover-shim-musl: what the prebuilt
# install and the .deb ship.
build_dist() {
    local dir=$1 tarball
    (cd "$root" && cargo xtask dist --test-key --out "$dir/dist" >&2) || return 1
    tarball=$(find "$dir/dist" -name 'gover-*-x86_64-unknown-linux-musl.tar.gz')
    tar -xzOf "$tarball" --wildcards '*/gover-shim' >"$dir/gover-shim-musl"
    chmod 755 "$dir/gover-shim-musl"
}

# use_tmpfs: temporary files (and so WORK) on BENCH_DIR, default /dev/shm, a tmpfs that takes
# the disk out of comparisons that write whole Go trees (/tmp where it is not writable).
use_tmpfs() {
    TMPDIR=${BENCH_DIR:-/dev/shm}
    [ -w "$TMPDIR" ] || TMPDIR=/tmp
    export TMPDIR
}

# bench_setup [BIN_DIR [OUT_DIR]]: sets BIN, OUT and WORK (a temporary directory removed on exit;
# set TMPDIR to choose where).
bench_setup() {
    WORK=$(mktemp -d)
    trap 'bench_cleanup' EXIT
    if [ -n "${1:-}" ]; then
        BIN=$(cd "$1" && pwd)
    else
        BIN=$WORK/bin
        build_release "$BIN"
        build_dist "$BIN"
    fi
    OUT=${2:-$WORK/out}
    mkdir -p "$OUT"
    OUT=$(cd "$OUT" && pwd)
}

SERVER_PID=
bench_cleanup() {
    [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on (the kernel's pick).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve DIR: serves DIR over HTTP on 127.0.0.1 (a free port) and sets SERVER_URL (ending in /).
serve() {
    local port
    port=$(free_port)
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$1" >/dev/null 2>&1 &
    SERVER_PID=$!
    SERVER_URL=http://127.0.0.1:$port/
    local _
    for _ in $(seq 100); do
        curl -sf -o /dev/null "$SERVER_URL" && return 0
        sleep 0.1
    done
    echo "bench: the HTTP server for $1 did not start" >&2
    return 1
}

# shown COMMAND: COMMAND as the report shows it, $WORK written as $W, $BIN as $BIN and the
# loopback server's URL as $URL/.
shown() {
    local s=${1//$BIN/\$BIN}
    s=${s//$WORK/\$W}
    [ -z "${SERVER_URL:-}" ] || s=${s//$SERVER_URL/\$URL/}
    printf '%s' "$s"
}

# hf FILE RUNS HYPERFINE_OPTION... -- NAME COMMAND [NAME COMMAND...]: RUNS timings of each
# command, the first being the baseline, exported to $OUT/FILE.rN.json; the exact commands go
# to $OUT/FILE.cmds for the report. The runs are split into ROUNDS hyperfine runs (default 10,
# fewer when RUNS is smaller), one after the other, so that load which comes and goes on a
# shared machine falls on every command alike rather than on whichever ran while it lasted.
# `--prepare COMMAND` takes a shell command (run by sh, whatever the shell option); hyperfine
# reports only the exit code of a prepare command that fails, so its stderr is kept and printed
# when a round fails.
hf() {
    local file=$1 runs=$2 opts=() shown_opts=() args=() round
    local prepare_log=$WORK/$file.prepare.log
    shift 2
    while [ "$1" != -- ]; do
        if [ "$1" = --prepare ]; then
            opts+=(--prepare "sh -c 'exec 2>>$prepare_log; $2'")
            shown_opts+=(--prepare "sh -c '$2'")
            shift 2
        else
            opts+=("$1")
            shown_opts+=("$1")
            shift
        fi
    done
    shift
    local rounds=${ROUNDS:-10}
    [ "$runs" -ge "$rounds" ] || rounds=$runs
    echo "$file" >>"$OUT/order"
    printf '#options\t%s\n' "$(shown "--runs $((runs / rounds)) ${shown_opts[*]}") (x$rounds rounds)" >"$OUT/$file.cmds"
    while [ $# -gt 0 ]; do
        args+=(-n "$1" "$2")
        # Where it ran matters for the shim (the pin is looked up from there).
        case $PWD in
        "$WORK"/*) printf '%s\t%s\n' "$1" "$(shown "cd $PWD && $2")" >>"$OUT/$file.cmds" ;;
        *) printf '%s\t%s\n' "$1" "$(shown "$2")" >>"$OUT/$file.cmds" ;;
        esac
        shift 2
    done
    for round in $(seq "$rounds"); do
        : >"$prepare_log"
        hyperfine --style basic --runs $((runs / rounds)) "${opts[@]}" --export-json "$OUT/$file.r$round.json" "${args[@]}" >&2 || {
            echo "bench: $file, round $round of $rounds, failed (hyperfine's message above)" >&2
            [ ! -s "$prepare_log" ] || sed 's/^/bench: prepare command: /' "$prepare_log" >&2
            return 1
        }
    done
}

# fact KEY VALUE: a figure measured outside hyperfine (peak memory, sizes), for the report.
fact() {
    printf '%s\t%s\n' "$1" "$2" >>"$OUT/facts.tsv"
}

# peak_rss_kb COMMAND...: the largest maximum resident set size (KiB) of 3 runs, by GNU time.
# PREPARE, when set, is run (by sh) before each.
peak_rss_kb() {
    local best=0 kb _
    for _ in 1 2 3; do
        [ -z "${PREPARE:-}" ] || sh -c "$PREPARE"
        /usr/bin/time -v "$@" 2>"$WORK/time.txt" >/dev/null || {
            cat "$WORK/time.txt" >&2
            return 1
        }
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
        [ "$kb" -gt "$best" ] && best=$kb
    done
    echo "$best"
}

# table AREA: the Markdown table of this script's runs, on stdout.
table() {
    python3 "$root/bench/report.py" table "$1" "$OUT"
}

# serve_nginx DIR: like serve, with Debian's nginx (one process in the foreground, its
# configuration, logs and temporary files under $WORK/nginx), as a fleet's mirror would be.
serve_nginx() {
    local port dir=$WORK/nginx _
    mkdir -p "$dir"
    port=$(free_port)
    cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 256; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    default_type application/octet-stream;
    server { listen 127.0.0.1:$port; root $1; }
}
CONF
    nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" &
    SERVER_PID=$!
    SERVER_URL=http://127.0.0.1:$port/
    for _ in $(seq 100); do
        curl -s -o /dev/null "$SERVER_URL" && return 0
        sleep 0.1
    done
    echo "bench: nginx for $1 did not start: $(cat "$dir/error.log")" >&2
    return 1
}
