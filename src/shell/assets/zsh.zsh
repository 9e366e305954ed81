# gover's shell hook, the zsh part (after the shared sh part).
_gover_completions=@COMPLETIONS@

# Before each prompt: a line run after the hook (a later `path=(/usr/local/go/bin $path)` in
# .zshrc) must not leave another go in front of the shims. Also puts the version-completing
# wrapper in front of clap's _gover once compinit has registered that.
_gover_precmd() {
  case $PATH in
    "$_gover_shims" | "$_gover_shims":*) ;;
    *) _gover_path_first "$_gover_shims" ;;
  esac
  [[ ${_comps[gover]-} != _gover ]] || compdef _gover_complete gover
}

# Installed versions for the commands that take one, from a glob of GOVER_HOME/versions
# (no process), and for those that pin, each version's line (1.22), latest and system;
# everything else is clap's _gover.
_gover_complete() {
  if (( CURRENT == 3 )) && [[ $words[2] == (use|global|shell|uninstall|exec) && $PREFIX != -* ]]; then
    local -a versions
    versions=("$GOVER_HOME"/versions/go*(N/:t))
    versions=("${(@)versions#go}")
    if [[ $words[2] != uninstall ]]; then
      versions+=(${(M)versions##<->.<->} latest stable oldstable system)
    fi
    compadd -- "${(@u)versions}"
    return
  fi
  _gover "$@"
}

# compinit (in .zshrc, after this hook in .zshenv) finds _gover here; when the hook is
# evaluated after compinit instead, register it directly.
fpath=("$_gover_completions" "${(@)fpath:#$_gover_completions}")
if [[ -o interactive ]]; then
  (( ${precmd_functions[(Ie)_gover_precmd]} )) || precmd_functions=(_gover_precmd $precmd_functions)
  if (( $+functions[compdef] )); then
    autoload -Uz _gover
    compdef _gover_complete gover
  fi
fi
