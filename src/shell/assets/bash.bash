# shellcheck shell=bash
# gover's shell hook, the bash part (after the shared sh part).
_gover_completions=@COMPLETIONS@

# Before each prompt: a line run after the hook (a later `PATH=/usr/local/go/bin:$PATH` in
# .bashrc) must not leave another go in front of the shims.
_gover_precmd() {
  case $PATH in
    "$_gover_shims" | "$_gover_shims":*) ;;
    *) _gover_path_first "$_gover_shims" ;;
  esac
}

# Completions: clap's script is sourced on the first <Tab>, not at start-up; installed
# versions come from a glob of GOVER_HOME/versions, without starting gover. Besides each
# version, the commands that pin offer its line (1.22: what pins usually name), latest and
# system; uninstall takes only what is there.
_gover_complete() {
  if ! declare -F _gover >/dev/null; then
    [ -r "$_gover_completions/gover.bash" ] || return 0
    # shellcheck source=/dev/null
    . "$_gover_completions/gover.bash"
    complete -F _gover_complete -o bashdefault -o default gover
  fi
  local cur=${COMP_WORDS[COMP_CWORD]} dir word
  local -a words
  if [ "$COMP_CWORD" -eq 2 ] && [[ $cur != -* ]]; then
    case ${COMP_WORDS[1]} in
      use | global | shell | uninstall | exec)
        words=()
        for dir in "$GOVER_HOME"/versions/go*; do
          [ -d "$dir" ] || continue
          dir=${dir##*/go}
          words+=("$dir")
          [[ ${COMP_WORDS[1]} != uninstall && $dir =~ ^[0-9]+\.[0-9]+ ]] && words+=("${BASH_REMATCH[0]}")
        done
        [ "${COMP_WORDS[1]}" = uninstall ] || words+=(latest stable oldstable system)
        COMPREPLY=()
        for word in "${words[@]}"; do
          [[ $word == "$cur"* && " ${COMPREPLY[*]} " != *" $word "* ]] && COMPREPLY+=("$word")
        done
        return 0
        ;;
    esac
  fi
  _gover "$@"
}

if [[ $- == *i* ]]; then
  case ";${PROMPT_COMMAND-};" in
    *";_gover_precmd;"*) ;;
    *) PROMPT_COMMAND="_gover_precmd${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
  esac
  complete -F _gover_complete -o bashdefault -o default gover
fi
