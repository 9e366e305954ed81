#!/bin/sh
# The action's first step: puts gover on PATH for the job. From the runner's tool cache
# ($RUNNER_TOOL_CACHE/gover/<version>/<arch>, kept between jobs on self-hosted runners) when
# that version is there, else with the release's own install.sh, downloaded from the same
# release as the binaries it installs, which checks them (SHA256SUMS) before copying them.
# No GitHub API call: `latest` is the release site's redirect, and then the tool cache is not
# consulted (which version is latest is not known before the download).
# Inputs, as the runner passes them: INPUT_GOVER_VERSION (0.1.0, v0.1.0 or latest);
# GOVER_RELEASE_URL overrides where the release files are.

main() {
    set -eu
    version=${INPUT_GOVER_VERSION:-latest}
    version=${version#v}
    arch=$(printf '%s' "${RUNNER_ARCH:-$(uname -m)}" | tr '[:upper:]' '[:lower:]')
    cache=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/gover
    if [ "$version" = latest ]; then
        release=https://github.com/gover-dev/gover/releases/latest/download
    else
        release=https://github.com/gover-dev/gover/releases/download/v$version
    fi
    GOVER_RELEASE_URL=${GOVER_RELEASE_URL:-$release}
    export GOVER_RELEASE_URL

    # The marker is written last, so a job killed while copying leaves a directory that the
    # next job installs over instead of trusting.
    bin=$cache/$version/$arch
    if [ "$version" != latest ] && [ -f "$bin.complete" ] && [ -x "$bin/gover" ]; then
        echo "gover $version from the tool cache ($bin)"
    else
        # Installed beside its final place, then renamed there: one filesystem, so a
        # concurrent job sees the old directory or the new one, never half of one.
        if ! mkdir -p "$cache" 2>/dev/null || ! staging=$(mktemp -d "$cache/.install.XXXXXX" 2>/dev/null); then
            echo "error: cannot write to the runner's tool cache ($cache) as $(id -un 2>/dev/null || id -u)" >&2
            echo "help: give the job's user write access to RUNNER_TOOL_CACHE (${RUNNER_TOOL_CACHE:-unset}), or set it to a directory that user owns" >&2
            exit 1
        fi
        trap 'rm -rf "$staging"' EXIT
        # https only, redirects too: install.sh checks what it downloads, but nothing checks it.
        if ! curl --proto '=https' --proto-redir '=https' --tlsv1.2 -fsSL -o "$staging/install.sh" "$GOVER_RELEASE_URL/install.sh"; then
            echo "error: cannot download gover's install.sh from $GOVER_RELEASE_URL" >&2
            echo "help: check the action's gover-version input ($version): a release such as 0.1.0, or latest; and that GOVER_RELEASE_URL, if set, is an https:// URL" >&2
            exit 1
        fi
        sh "$staging/install.sh" --prebuilt --no-modify-rc --bin-dir "$staging/bin"
        installed=$("$staging/bin/gover" --version | awk '{print $2}')
        bin=$cache/$installed/$arch
        mkdir -p "$cache/$installed"
        rm -rf "$bin" "$bin.complete"
        mv "$staging/bin" "$bin"
        : >"$bin.complete"
    fi
    # gover ci env puts the shims and the Go version on PATH; gover itself is needed there too.
    printf '%s\n' "$bin" >>"${GITHUB_PATH:?this script runs as a step of a GitHub Actions job}"
}

main "$@"
