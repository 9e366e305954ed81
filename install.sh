#!/bin/sh
# Installs gover from this clone, as the user running it (never needs sudo):
#   1. builds the release binaries with cargo (or takes them from --from-dir),
#   2. copies gover and gover-shim side by side into ~/.local/bin (--bin-dir, GOVER_INSTALL_DIR),
#   3. runs `gover setup`: GOVER_HOME, the shims, and one hook line in your startup files
#      (--no-modify-rc leaves those alone; --systemd also sets up systemd user units).
# Safe to run again: a second run leaves your startup files byte for byte as they were.
# Everything happens inside main(), so a truncated copy of this file runs nothing.

main() {
    set -eu
    bin_dir=${GOVER_INSTALL_DIR:-}
    from_dir=
    setup_flags=
    while [ "$#" -gt 0 ]; do
        case $1 in
            --bin-dir) need_value "$@"; bin_dir=$2; shift ;;
            --bin-dir=*) bin_dir=${1#*=} ;;
            --from-dir) need_value "$@"; from_dir=$2; shift ;;
            --from-dir=*) from_dir=${1#*=} ;;
            --no-modify-rc) setup_flags="$setup_flags --no-modify-rc" ;;
            --systemd) setup_flags="$setup_flags --systemd" ;;
            -h | --help) usage; return 0 ;;
            *) die "unknown option: $1" "run ./install.sh --help" ;;
        esac
        shift
    done
    if [ -z "${HOME:-}" ]; then
        die "HOME is not set" "set HOME, or pass --bin-dir and --no-modify-rc with GOVER_HOME set"
    fi
    [ -n "$bin_dir" ] || bin_dir=$HOME/.local/bin

    if [ -z "$from_dir" ]; then
        from_dir=$(build)
    fi
    for binary in gover gover-shim; do
        [ -x "$from_dir/$binary" ] || die "no $binary in $from_dir" "build with cargo build --release --workspace"
    done

    mkdir -p "$bin_dir" || die "cannot create $bin_dir" "choose another directory with --bin-dir DIR"
    for binary in gover gover-shim; do
        # Copy, then rename over the old one: a gover or go running right now keeps working.
        cp "$from_dir/$binary" "$bin_dir/.$binary.new.$$"
        chmod 755 "$bin_dir/.$binary.new.$$"
        mv -f "$bin_dir/.$binary.new.$$" "$bin_dir/$binary"
    done
    say "installed gover and gover-shim in $bin_dir"

    # shellcheck disable=SC2086 # the flags are single words, split on purpose
    "$bin_dir/gover" setup --record-binaries $setup_flags
    case ":${PATH:-}:" in
        *":$bin_dir:"*) ;;
        *) say "note: $bin_dir is not on PATH in this shell; the hook adds it in new shells" ;;
    esac
}

usage() {
    cat <<'USAGE'
Usage: ./install.sh [options]

Builds gover with cargo and installs it for the current user (no sudo).

Options:
  --bin-dir DIR     where gover and gover-shim go [default: ~/.local/bin; env GOVER_INSTALL_DIR]
  --from-dir DIR    install prebuilt binaries from DIR (e.g. target/release) instead of building
  --no-modify-rc    do not add the hook line to your startup files; print it instead
  --systemd         also write ~/.config/environment.d/50-gover.conf for systemd user units
  -h, --help        show this help

GOVER_HOME (default ~/.local/share/gover) chooses where Go versions are kept.
USAGE
}

# Prints the directory holding the freshly built release binaries; cargo's output goes to stderr.
build() {
    command -v cargo >/dev/null 2>&1 ||
        die "cargo is not installed" "install Rust (https://rustup.rs), or pass --from-dir with prebuilt binaries"
    src=$(cd "$(dirname "$0")" && pwd)
    [ -f "$src/Cargo.toml" ] || die "install.sh must run from a gover clone" "git clone the repository and run ./install.sh there"
    say "building gover (cargo build --release)..." >&2
    (cd "$src" && cargo build --release --locked --workspace >&2) || die "cargo build failed"
    # The shim runs at every `go` call: link it statically where the C library allows, so no
    # dynamic loader runs first (BENCHMARKS.md). Where it cannot, the dynamic one just built stays.
    (cd "$src" && cargo rustc --release --locked -q -p gover-shim --bin gover-shim -- -C target-feature=+crt-static >&2) ||
        say "note: a static shim could not be linked; using the dynamically linked one" >&2
    printf '%s\n' "${CARGO_TARGET_DIR:-$src/target}/release"
}

need_value() {
    [ "$#" -ge 2 ] || die "$1 needs a value" "run ./install.sh --help"
}

say() {
    printf '%s\n' "$*"
}

die() {
    printf 'error: %s\n' "$1" >&2
    if [ "$#" -ge 2 ]; then
        printf 'help: %s\n' "$2" >&2
    fi
    exit 1
}

main "$@"
