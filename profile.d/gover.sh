# shellcheck shell=sh
# gover for every login shell on a shared machine, for an administrator to enable (the package
# and the tarball ship it disabled):
#
#   ln -s /usr/share/gover/profile.d/gover.sh /etc/profile.d/gover.sh
#
# On a user's first login it makes their own go and gofmt shims (in their GOVER_HOME, as
# `gover setup --no-modify-rc` does), then puts them first on PATH with gover's shell hook
# (which also appends the system store's version names, for go's toolchain switch), so the
# versions root installed with `sudo gover --system install` run for everyone without each
# user running `gover setup`. It edits no startup file; for a user who ran `gover setup`
# it changes nothing (the hook keeps one copy of the shims on PATH).
if [ -n "${HOME-}" ] && command -v gover >/dev/null 2>&1; then
  if ! _gover_hook=$(gover init sh 2>/dev/null); then
    _gover_hook=
  elif ! [ -x "${GOVER_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/gover}/shims/go" ]; then
    # A login must not fail or talk because of gover: a problem shows at the first `go`.
    gover --quiet setup --no-modify-rc >/dev/null 2>&1 || _gover_hook=
  fi
  eval "$_gover_hook"
  unset _gover_hook
fi
