#!/usr/bin/env bash
# How long `gover doctor` takes on a clean setup and on a messy one. Needs hyperfine and
# built binaries:
#   cargo build --release --workspace && bench/doctor.sh [target/release]
# Prints hyperfine's table; the "Doctor" section of BENCHMARKS.md records a run.
#
# clean: Debian's skeleton startup files with gover's hook lines, the shims, one version
#        pinned globally (what a user has after installing gover).
# messy: the same plus most of what doctor looks for: a system go first on PATH (so doctor
#        runs it once), a stale GOROOT export, a `go` function, gvm with its cd function and a
#        version, a zsh alias (so bash and zsh are both asked), a go env file with GOPROXY=off,
#        an alternatives group with a missing target and a crontab calling bare go.
set -euo pipefail

bin_dir=$(cd "${1:-target/release}" && pwd)
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

setup_home() {
    local home=$1 gover=$1/.local/share/gover
    mkdir -p "$home/work" "$gover/versions/go1.22.10/bin"
    cp /etc/skel/.bashrc /etc/skel/.profile "$home/"
    # The real thing: startup-file lines, hook files and shims as `gover setup` makes them.
    env -i HOME="$home" PATH=/usr/bin:/bin "$bin_dir/gover" setup -q
    cp /bin/true "$gover/versions/go1.22.10/bin/go"
    cp /bin/true "$gover/versions/go1.22.10/bin/gofmt"
    echo go1.22.10 >"$gover/versions/go1.22.10/VERSION"
    echo 1.22.10 >"$gover/global"
}

clean=$work/clean
messy=$work/messy
setup_home "$clean"
setup_home "$messy"

sys=$work/usr/local/go
mkdir -p "$sys/bin" "$work/alternatives/admin" "$work/alternatives/links" "$work/alt-empty"
printf '#!/bin/sh\n[ "$1" = env ] && { echo "%s"; echo go1.21.13; }\n' "$sys" >"$sys/bin/go"
chmod +x "$sys/bin/go"
echo go1.21.13 >"$sys/VERSION"
mkdir -p "$messy/.gvm/scripts" "$messy/.gvm/gos/go1.20.14/bin" "$messy/.config/go"
printf 'cd() {\n  builtin cd "$@"\n}\n' >"$messy/.gvm/scripts/gvm"
cp /bin/true "$messy/.gvm/gos/go1.20.14/bin/go"
cat >>"$messy/.bashrc" <<RC
export GOROOT=/usr/lib/go-1.19
export PATH="$sys/bin:\$PATH"
go() {
  command go "\$@"
}
[[ -s "\$HOME/.gvm/scripts/gvm" ]] && source "\$HOME/.gvm/scripts/gvm"
RC
echo 'alias go=go1.21' >"$messy/.zshrc"
printf 'GOPROXY=off\nGOSUMDB=off\nGOROOT=/usr/lib/go-1.19\n' >"$messy/.config/go/env"
printf 'auto\n/usr/bin/go\n\n/usr/lib/go-1.19/bin/go\n50\n\n' >"$work/alternatives/admin/go"
echo '0 3 * * * cd /src && go build ./...' >"$work/crontab"

common="SHELL=/bin/bash LANG=C.UTF-8"
clean_env="env -i HOME=$clean GOVER_HOME=$clean/.local/share/gover PATH=$clean/.local/share/gover/shims:/usr/bin:/bin $common GOVER_ALTERNATIVES_ADMIN_DIR=$work/alt-empty"
messy_env="env -i HOME=$messy GOVER_HOME=$messy/.local/share/gover PATH=$sys/bin:$messy/.local/share/gover/shims:/usr/bin:/bin $common GOROOT=/usr/lib/go-1.19 GOVER_ALTERNATIVES_ADMIN_DIR=$work/alternatives/admin GOVER_ALTERNATIVES_DIR=$work/alternatives/links GOVER_DOCTOR_CRONTAB=$work/crontab"

# Both must say what they are meant to: nothing, and a lot.
(cd "$clean/work" && $clean_env "$bin_dir/gover" doctor >/dev/null) || { echo "the clean setup is not clean" >&2; exit 1; }
n=$(cd "$messy/work" && { $messy_env "$bin_dir/gover" doctor --json 2>/dev/null || true; } | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
echo "messy setup: $n findings" >&2

hyperfine --shell=none --ignore-failure --warmup 5 --runs "${RUNS:-50}" --export-json "$work/doctor.json" \
    -n "gover doctor, clean setup" "sh -c 'cd $clean/work && exec $clean_env $bin_dir/gover doctor'" \
    -n "gover doctor, messy setup ($n findings)" "sh -c 'cd $messy/work && exec $messy_env $bin_dir/gover doctor'" >&2
python3 - "$work/doctor.json" <<'PY'
import json, sys
print("| command | median [ms] | min [ms] | max [ms] | mean ± σ [ms] |")
print("|:---|---:|---:|---:|---:|")
for r in json.load(open(sys.argv[1]))["results"]:
    ms = lambda k: r[k] * 1000
    print(f"| {r['command']} | {ms('median'):.1f} | {ms('min'):.1f} | {ms('max'):.1f} | {ms('mean'):.1f} ± {ms('stddev'):.1f} |")
PY
