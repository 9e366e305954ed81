#!/usr/bin/env bash
# How long `gover doctor` takes on a clean setup and on a messy one, beside `gover --version`
# (what any run of gover costs) in the same hyperfine run.
#   bench/doctor.sh [BIN_DIR [OUT_DIR]]    (RUNS=n, default 60)
# Prints a Markdown table; bench/run runs it with the rest and publishes BENCHMARKS.md.
#
# clean: Debian's skeleton startup files with gover's hook lines, the shims, one version
#        pinned globally (what a user has after installing gover).
# messy: the same plus most of what doctor looks for: a system go first on PATH (so doctor
#        runs it once), a stale GOROOT export, a `go` function, gvm with its cd function and a
#        version, a zsh alias (so bash and zsh are both asked), a go env file with GOPROXY=off,
#        an alternatives group with a missing target and a crontab calling bare go.
# migrate-<manager>: gvm, goenv, asdf (0.16 with asdf-golang), mise (shims mode) and g set up
#        with their README's startup lines (stand-in scripts for their init), two versions and
#        a go-installed tool in their layout, before `gover import` and `--fix`. doctor asks
#        bash, zsh and fish there, so each run has the three shells' start-up beside it: the
#        target is doctor's median minus the slowest shell's at most 30 ms.
set -euo pipefail
# shellcheck source=bench/lib.sh disable=SC1091 # followed with shellcheck -x
. "$(dirname "$0")/lib.sh"
bench_setup "$@"
bin_dir=$BIN
work=$WORK

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
# shellcheck disable=SC2016 # $1 is the fake go's own argument
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

fact "findings on the messy setup" "$n"
# The messy setup's findings make doctor exit non-zero: --ignore-failure.
hf doctor "${RUNS:-60}" -N --ignore-failure --warmup 3 -- \
    "gover --version" "sh -c 'cd $clean/work && exec $clean_env $bin_dir/gover --version'" \
    "gover doctor, clean setup" "sh -c 'cd $clean/work && exec $clean_env $bin_dir/gover doctor'" \
    "gover doctor, messy setup" "sh -c 'cd $messy/work && exec $messy_env $bin_dir/gover doctor'"

# One user per manager, as tests/suite/migrate.rs sets them up (stand-in scripts, /bin/true gos).
plant_go() { # plant_go ROOT VERSION
    mkdir -p "$1/bin"
    cp /bin/true "$1/bin/go"
    cp /bin/true "$1/bin/gofmt"
    echo "$2" >"$1/VERSION"
}
plant_tool() { mkdir -p "$1" && printf '#!/bin/sh\necho hello\n' >"$1/hello-tool" && chmod +x "$1/hello-tool"; }
# shellcheck disable=SC2016 # the managers' lines are written as their READMEs have them, unexpanded
manager_home() { # manager_home NAME: $work/NAME with gover set up, the manager's files and lines
    local home=$work/$1
    setup_home "$home"
    mkdir -p "$home/.config/fish"
    touch "$home/.zshrc" "$home/.config/fish/config.fish"
    case $1 in
    gvm)
        plant_go "$home/.gvm/gos/go1.21.13" go1.21.13
        plant_go "$home/.gvm/gos/go1.22.10" go1.22.10
        plant_tool "$home/.gvm/pkgsets/go1.21.13/global/bin"
        mkdir -p "$home/.gvm/environments" "$home/.gvm/scripts"
        printf 'export gvm_go_name; gvm_go_name="go1.21.13"\nexport GOROOT; GOROOT="$HOME/.gvm/gos/go1.21.13"\nexport PATH; PATH="$HOME/.gvm/gos/go1.21.13/bin:$PATH"\n' >"$home/.gvm/environments/default"
        printf 'cd() { builtin cd "$@"; }\n. "$HOME/.gvm/environments/default"\n' >"$home/.gvm/scripts/gvm"
        echo '[[ -s "$HOME/.gvm/scripts/gvm" ]] && source "$HOME/.gvm/scripts/gvm"' | tee -a "$home/.bashrc" >>"$home/.zshrc"
        ;;
    goenv)
        plant_go "$home/.goenv/versions/1.21.13" go1.21.13
        plant_go "$home/.goenv/versions/1.22.10" go1.22.10
        echo 1.21.13 >"$home/.goenv/version"
        plant_tool "$home/go/1.21.13/bin"
        mkdir -p "$home/.goenv/bin" "$home/.goenv/shims"
        printf '#!/bin/sh\necho "export PATH=\\"$HOME/.goenv/shims:\\$PATH\\""\n' >"$home/.goenv/bin/goenv"
        printf '#!/bin/sh\nexec "$HOME/.goenv/versions/1.21.13/bin/go" "$@"\n' >"$home/.goenv/shims/go"
        chmod +x "$home/.goenv/bin/goenv" "$home/.goenv/shims/go"
        printf 'export GOENV_ROOT="$HOME/.goenv"\nexport PATH="$GOENV_ROOT/bin:$PATH"\neval "$(goenv init -)"\n' | tee -a "$home/.bashrc" >>"$home/.zshrc"
        printf 'set -Ux GOENV_ROOT $HOME/.goenv\nset -U fish_user_paths $GOENV_ROOT/bin $fish_user_paths\n' >>"$home/.config/fish/config.fish"
        ;;
    asdf)
        plant_go "$home/.asdf/installs/golang/1.21.13/go" go1.21.13
        plant_go "$home/.asdf/installs/golang/1.22.10/go" go1.22.10
        plant_tool "$home/.asdf/installs/golang/1.21.13/bin"
        echo 'golang 1.21.13' >"$home/.tool-versions"
        mkdir -p "$home/.asdf/shims" "$home/.asdf/plugins/golang"
        printf '#!/bin/sh\nexec "$HOME/.asdf/installs/golang/1.21.13/go/bin/go" "$@"\n' >"$home/.asdf/shims/go"
        chmod +x "$home/.asdf/shims/go"
        echo 'export GOROOT="$HOME/.asdf/installs/golang/1.21.13/go"' | tee "$home/.asdf/plugins/golang/set-env.bash" >"$home/.asdf/plugins/golang/set-env.zsh"
        echo 'set -gx GOROOT $HOME/.asdf/installs/golang/1.21.13/go' >"$home/.asdf/plugins/golang/set-env.fish"
        for sh in bash zsh; do
            rc=$home/.bashrc
            [ $sh = bash ] || rc=$home/.zshrc
            printf 'export PATH="${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH"\n. ${ASDF_DATA_DIR:-$HOME/.asdf}/plugins/golang/set-env.%s\n' $sh >>"$rc"
        done
        printf 'set -gx --prepend PATH $HOME/.asdf/shims\n. ~/.asdf/plugins/golang/set-env.fish\n' >>"$home/.config/fish/config.fish"
        ;;
    mise)
        plant_go "$home/.local/share/mise/installs/go/1.21.13" go1.21.13
        plant_go "$home/.local/share/mise/installs/go/1.22.10" go1.22.10
        plant_tool "$home/.local/share/mise/installs/go/1.21.13/bin"
        mkdir -p "$home/.config/mise" "$home/.local/share/mise/shims"
        printf '[tools]\ngo = "1.21.13"\n' >"$home/.config/mise/config.toml"
        ln -s /bin/true "$home/.local/share/mise/shims/go"
        echo 'export PATH="$HOME/.local/share/mise/shims:$PATH"' | tee -a "$home/.bashrc" >>"$home/.zshrc"
        echo 'fish_add_path ~/.local/share/mise/shims' >>"$home/.config/fish/config.fish"
        ;;
    g)
        plant_go "$home/.g/versions/1.21.13/go" go1.21.13
        plant_go "$home/.g/versions/1.22.10/go" go1.22.10
        ln -s "$home/.g/versions/1.21.13/go" "$home/.g/go"
        plant_tool "$home/go/bin"
        printf 'export GOROOT="${HOME}/.g/go"\nexport PATH="${HOME}/.g/bin:${GOROOT}/bin:$PATH"\n' >"$home/.g/env"
        echo '[ -s "${HOME}/.g/env" ] && \. "${HOME}/.g/env"  # g shell setup' | tee -a "$home/.bashrc" >>"$home/.zshrc"
        ;;
    esac
}
for manager in gvm goenv asdf mise g; do
    manager_home "$manager"
    home=$work/$manager
    menv="env -i HOME=$home GOVER_HOME=$home/.local/share/gover PATH=$home/.local/share/gover/shims:/usr/bin:/bin $common GOVER_ALTERNATIVES_ADMIN_DIR=$work/alt-empty"
    # It must name the manager, or it is not the scenario meant.
    (cd "$home/work" && { $menv "$bin_dir/gover" doctor --json 2>/dev/null || true; }) | grep -q "sets up $manager" || {
        echo "doctor does not report $manager's set-up" >&2
        exit 1
    }
    hf "migrate-$manager" "${RUNS:-40}" -N --ignore-failure --warmup 3 -- \
        "start-up: bash -ic" "sh -c 'cd $home/work && exec $menv bash -ic true'" \
        "start-up: zsh -ic" "sh -c 'cd $home/work && exec $menv zsh -ic true'" \
        "start-up: fish -ic" "sh -c 'cd $home/work && exec $menv fish -ic true'" \
        "gover doctor, $manager setup" "sh -c 'cd $home/work && exec $menv $bin_dir/gover doctor'"
done
table doctor
