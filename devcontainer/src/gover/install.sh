#!/bin/sh
# The dev container Feature's install step (docs/src/containers.md), run as root while the image
# is built. Options arrive as the spec defines: VERSION, VERSIONFILE, MIRROR, GOVERVERSION;
# _REMOTE_USER is the user the container is used as. gover comes from its release's signed
# install.sh (GOVER_RELEASE_URL, if the build sets it, names another copy of the release), Go
# from gover, verified; the user owns GOVER_HOME, so `gover install` works for them later.
set -eu

GOVER_HOME=/usr/local/share/gover
export GOVER_HOME

die() {
    printf 'error: %s\nhelp: %s\n' "$1" "$2" >&2
    exit 1
}

if ! command -v curl >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 ||
        die "curl and ssh-keygen are needed and this image has no apt-get to install them" \
            "use a Debian or Ubuntu based image, or install curl, ca-certificates and OpenSSH's client before this Feature"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl openssh-client
    rm -rf /var/lib/apt/lists/*
fi

gover_version=${GOVERVERSION:-latest}
gover_version=${gover_version#v}
if [ "$gover_version" = latest ]; then
    default_release=https://github.com/gover-dev/gover/releases/latest/download
else
    default_release=https://github.com/gover-dev/gover/releases/download/v$gover_version
fi
GOVER_RELEASE_URL=${GOVER_RELEASE_URL:-$default_release}
export GOVER_RELEASE_URL
curl -fsSL --proto '=https' "$GOVER_RELEASE_URL/install.sh" | sh -s -- --prebuilt --bin-dir /usr/local/bin --no-modify-rc ||
    die "cannot install gover from $GOVER_RELEASE_URL" "check the Feature's goverVersion option ($gover_version) and the network"

if [ -n "${MIRROR:-}" ]; then
    GOVER_DIST_URL=$MIRROR
    export GOVER_DIST_URL
fi
if [ -n "${VERSIONFILE:-}" ]; then
    [ -f "$VERSIONFILE" ] ||
        die "the versionFile option names $VERSIONFILE, which is not in the image" \
            "COPY the file into the image before this Feature runs, or use the version option"
    eval "$(cd "$(dirname "$VERSIONFILE")" && gover ci env --format shell --go-version-file "$(basename "$VERSIONFILE")")"
    version=$(go env GOVERSION)
else
    version=${VERSION:-latest}
    gover install "$version"
fi
gover global "$version"

user=${_REMOTE_USER:-root}
if [ "$user" != root ]; then
    chown -R "$user:" "$GOVER_HOME"
fi
