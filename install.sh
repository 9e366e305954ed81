#!/bin/sh
# Installs gover for the user running it (never needs sudo):
#   1. builds the release binaries with cargo from this clone; or, without cargo, outside a
#      clone (curl -fsSL .../install.sh | sh) or with --prebuilt, downloads the static release
#      tarball for this machine from GOVER_RELEASE_URL and checks it against SHA256SUMS there,
#      whose signature by gover's release key (below) it checks first, with ssh-keygen;
#      or takes the binaries from --from-dir,
#   2. copies gover and gover-shim side by side into ~/.local/bin (--bin-dir, GOVER_INSTALL_DIR),
#   3. runs `gover setup`: GOVER_HOME, the shims, and one hook line in your startup files
#      (--no-modify-rc leaves those alone; --systemd also sets up systemd user units).
# Safe to run again: a second run leaves your startup files byte for byte as they were.
# Everything happens inside main(), so a truncated copy of this file runs nothing.

main() {
    set -eu
    bin_dir=${GOVER_INSTALL_DIR:-}
    from_dir=
    prebuilt=
    setup_flags=
    while [ "$#" -gt 0 ]; do
        case $1 in
            --bin-dir) need_value "$@"; bin_dir=$2; shift ;;
            --bin-dir=*) bin_dir=${1#*=} ;;
            --from-dir) need_value "$@"; from_dir=$2; shift ;;
            --from-dir=*) from_dir=${1#*=} ;;
            --prebuilt) prebuilt=1 ;;
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

    if [ -z "$from_dir" ] && [ -z "$prebuilt" ] && { ! command -v cargo >/dev/null 2>&1 || ! in_clone; }; then
        prebuilt=1
    fi
    if [ -n "$from_dir" ]; then
        :
    elif [ -n "$prebuilt" ]; then
        scratch=$(mktemp -d) || die "cannot create a temporary directory" "set TMPDIR to a writable directory"
        trap 'rm -rf "$scratch"' EXIT
        trap 'exit 1' HUP INT TERM
        from_dir=$(download "$scratch")
    else
        from_dir=$(build)
    fi
    for binary in gover gover-shim; do
        [ -x "$from_dir/$binary" ] || die "no $binary in $from_dir" "build with cargo build --release -p gover -p gover-shim"
    done

    # The highest directory mkdir is about to make, if any: gover implode removes it again.
    made=
    dir=$bin_dir
    while [ ! -e "$dir" ] && [ ! -L "$dir" ]; do
        made=$dir
        dir=$(dirname -- "$dir")
    done
    mkdir -p "$bin_dir" || die "cannot create $bin_dir" "choose another directory with --bin-dir DIR"
    [ -z "$made" ] || made=$(cd "$made" && pwd -P)
    for binary in gover gover-shim; do
        # Copy, then rename over the old one: a gover or go running right now keeps working.
        cp "$from_dir/$binary" "$bin_dir/.$binary.new.$$"
        chmod 755 "$bin_dir/.$binary.new.$$"
        mv -f "$bin_dir/.$binary.new.$$" "$bin_dir/$binary"
    done
    say "installed gover and gover-shim in $bin_dir"

    # shellcheck disable=SC2086 # the flags are single words, split on purpose
    "$bin_dir/gover" setup --record-binaries ${made:+--record-dirs-made "$made"} $setup_flags
    case ":${PATH:-}:" in
        *":$bin_dir:"*) ;;
        *) say "note: $bin_dir is not on PATH in this shell; the hook adds it in new shells" ;;
    esac
}

usage() {
    cat <<'USAGE'
Usage: ./install.sh [options]
       curl --proto '=https' --tlsv1.2 -fsSL https://github.com/gover-dev/gover/releases/latest/download/install.sh | sh

Installs gover for the current user (no sudo): builds it with cargo in a clone; without cargo,
or outside a clone, or with --prebuilt, downloads the static binaries for this machine.

Options:
  --bin-dir DIR     where gover and gover-shim go [default: ~/.local/bin; env GOVER_INSTALL_DIR]
  --prebuilt        download the release for this machine even where cargo could build it
  --from-dir DIR    install prebuilt binaries from DIR (e.g. target/release) instead of building
  --no-modify-rc    do not add the hook line to your startup files; print it instead
  --systemd         also write ~/.config/environment.d/50-gover.conf for systemd user units
  -h, --help        show this help

GOVER_HOME (default ~/.local/share/gover) chooses where Go versions are kept.
GOVER_RELEASE_URL is where the release files are (default: the latest release,
https://github.com/gover-dev/gover/releases/latest/download); an https:// URL (http:// only to
this machine) that serves SHA256SUMS, its signature SHA256SUMS.sig by gover's release key, and
the gover-<version>-<target>.tar.gz it lists. The signature is checked with ssh-keygen
(OpenSSH 8.1 or newer).
USAGE
}

# Piped into sh, $0 is "sh", not this file: then there is no clone to build.
in_clone() {
    [ -f "$0" ] && [ -f "$(dirname "$0")/Cargo.toml" ] && [ -f "$(dirname "$0")/shims/Cargo.toml" ]
}

# Downloads the release tarball for this machine into $1, checks it against the release's
# signed SHA256SUMS, unpacks it there and prints the directory holding gover and gover-shim.
download() {
    scratch=$1
    base=${GOVER_RELEASE_URL:-https://github.com/gover-dev/gover/releases/latest/download}
    base=${base%/}
    choose_protocols "$base"
    target=$(release_target)
    command -v ssh-keygen >/dev/null 2>&1 ||
        die "cannot check the release's signature: ssh-keygen is not installed; nothing was installed" \
            "install OpenSSH's client (Debian, Ubuntu: apt-get install openssh-client; Fedora: dnf install openssh; Alpine: apk add openssh-keygen), or build from source: git clone the repository and run ./install.sh there"
    fetch "$base/SHA256SUMS" "$scratch/SHA256SUMS" ||
        die "cannot download $base/SHA256SUMS" "check the network, HTTPS_PROXY, and GOVER_RELEASE_URL"
    fetch "$base/SHA256SUMS.sig" "$scratch/SHA256SUMS.sig" ||
        die "cannot download $base/SHA256SUMS.sig, the release's signature; an unsigned release is refused, nothing was installed" \
            "check GOVER_RELEASE_URL: it must serve a signed gover release (all of cargo xtask dist's files), or build from source: git clone the repository and run ./install.sh there"
    verify_signature "$scratch"
    # The one line naming this machine's tarball: "<sha256>  gover-<version>-<target>.tar.gz".
    line=$(grep -E "^[0-9a-f]{64}  gover-[^ /]*-$target\.tar\.gz\$" "$scratch/SHA256SUMS" | head -n 1)
    [ -n "$line" ] ||
        die "$base/SHA256SUMS lists no gover release for $target" \
            "check GOVER_RELEASE_URL, or build from source: git clone the repository and run ./install.sh there"
    expected=${line%% *}
    tarball=${line##* }
    say "downloading $base/$tarball..." >&2
    fetch "$base/$tarball" "$scratch/$tarball" ||
        die "cannot download $base/$tarball" "check the network, HTTPS_PROXY, and GOVER_RELEASE_URL"
    actual=$(sha256_of "$scratch/$tarball")
    if [ "$actual" != "$expected" ]; then
        die "$tarball failed verification: its sha256 is $actual, SHA256SUMS says $expected; nothing was installed" \
            "try again; if it fails the same way, the download was altered on its way (a proxy?) or the release is damaged"
    fi
    { mkdir "$scratch/unpacked" && tar -xzf "$scratch/$tarball" -C "$scratch/unpacked"; } ||
        die "cannot unpack $tarball" "check the free space in ${TMPDIR:-/tmp}"
    printf '%s\n' "$scratch/unpacked/${tarball%.tar.gz}"
}

# Refuses, unless $1/SHA256SUMS.sig is gover's release key's signature of $1/SHA256SUMS. The key
# is the public half of the one `cargo xtask dist --sign-key` signs with (docs/src/contributing/release-files.md).
# It protects an install.sh you got apart from the release files (this file in a clone you
# checked, or a package) against a mirror or release host that serves altered ones; an
# install.sh fetched from that host could carry another key.
verify_signature() {
    release_key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmoXta+lzuufUOx2k8sOlxN3HD+tnX8LyoG0/mQuNCy gover release key'
    printf 'gover-release namespaces="gover-release" %s\n' "$release_key" >"$1/allowed_signers"
    if ! checked=$(ssh-keygen -Y verify -f "$1/allowed_signers" -I gover-release -n gover-release \
        -s "$1/SHA256SUMS.sig" <"$1/SHA256SUMS" 2>&1); then
        case $checked in
            *"option -- "*)
                die "cannot check the release's signature: this ssh-keygen has no -Y verify (OpenSSH before 8.1); nothing was installed" \
                    "install OpenSSH 8.1 or newer, or build from source: git clone the repository and run ./install.sh there" ;;
        esac
        die "SHA256SUMS from $base is not signed by gover's release key, so its files may have been altered; nothing was installed" \
            "do not install from GOVER_RELEASE_URL=$base; get gover from https://github.com/gover-dev/gover/releases, or build from source: git clone the repository and run ./install.sh there"
    fi
}

# Sets curl's --proto for a release at $1: https only, or http too for a URL on this machine (a
# test server, a mirror on localhost); anything else is refused here, before a connection.
choose_protocols() {
    case $1 in
        https://*) protocols='=https' && return 0 ;;
        http://*) if is_loopback_url "$1"; then protocols='=http,https' && return 0; fi ;;
    esac
    die "GOVER_RELEASE_URL must be an https:// URL (http:// only to this machine): $1" \
        "use https://, e.g. https://github.com/gover-dev/gover/releases/download/v0.1.0"
}

# Whether the http:// URL $1 names a loopback host: localhost, 127.x.y.z or [::1], with an
# optional port and nothing else (no user@, which would make the host another one).
is_loopback_url() {
    authority=${1#http://}
    authority=${authority%%[/?#]*}
    case $authority in
        \[::1\] | \[::1\]:*) port=${authority#"[::1]"} ;;
        *)
            host=${authority%%:*}
            port=${authority#"$host"}
            case $host in
                localhost) ;;
                127.*.*.*) case $host in *[!0-9.]* | *.*.*.*.*) return 1 ;; esac ;;
                *) return 1 ;;
            esac
            ;;
    esac
    case $port in
        "") return 0 ;;
        :*[!0-9]*) return 1 ;;
        :?*) return 0 ;;
        *) return 1 ;;
    esac
}

# The Rust target whose static binaries run on this machine.
release_target() {
    [ "$(uname -s)" = Linux ] ||
        die "prebuilt gover binaries are for Linux; this is $(uname -s)" "build from source with cargo: see the README"
    case $(uname -m) in
        x86_64 | amd64) printf '%s\n' x86_64-unknown-linux-musl ;;
        aarch64 | arm64) printf '%s\n' aarch64-unknown-linux-musl ;;
        *) die "no prebuilt gover for $(uname -m)" "build from source with cargo: see the README" ;;
    esac
}

# fetch URL FILE, with curl or wget, failing on HTTP errors; curl keeps to $protocols, and
# to https after a redirect.
fetch() {
    if command -v curl >/dev/null 2>&1; then
        curl --proto "$protocols" --proto-redir '=https' -fsSL -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        die "neither curl nor wget is installed" "install one of them (apt-get install curl)"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sum=$(sha256sum "$1")
    elif command -v shasum >/dev/null 2>&1; then
        sum=$(shasum -a 256 "$1")
    else
        die "cannot check the download: neither sha256sum nor shasum is installed" "install coreutils"
    fi
    printf '%s\n' "${sum%% *}"
}

# Prints the directory holding the freshly built release binaries; cargo's output goes to stderr.
build() {
    src=$(cd "$(dirname "$0")" && pwd)
    say "building gover (cargo build --release)..." >&2
    # The two binaries, not the workspace's build tooling (xtask), which is not installed.
    (cd "$src" && cargo build --release --locked -p gover -p gover-shim >&2) || die "cargo build failed"
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
