# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gover_global_optspecs
    string join \n q/quiet home= system trust-mirror h/help V/version
end

function __fish_gover_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gover_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gover_using_subcommand
    set -l cmd (__fish_gover_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gover -n "__fish_gover_needs_command" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_needs_command" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_needs_command" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_needs_command" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_needs_command" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_needs_command" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_needs_command" -f -a "install" -d 'Download, verify and install Go releases (1.22, 1.22.10, go1.23rc1, latest)'
complete -c gover -n "__fish_gover_needs_command" -f -a "uninstall" -d 'Remove an installed version'
complete -c gover -n "__fish_gover_needs_command" -f -a "link" -d 'Name a Go tree gover did not install (gotip, a distribution\'s go, a fork) for pins and commands'
complete -c gover -n "__fish_gover_needs_command" -f -a "prune" -d 'Remove versions nothing pins, uses or defaults to, and the download cache'
complete -c gover -n "__fish_gover_needs_command" -f -a "upgrade" -d 'Install the newest patch of installed lines; --pins moves exact pins to it'
complete -c gover -n "__fish_gover_needs_command" -f -a "list" -d 'List installed versions, or releases available to install with --remote'
complete -c gover -n "__fish_gover_needs_command" -f -a "use" -d 'Pin this directory to a version (writes .go-version)'
complete -c gover -n "__fish_gover_needs_command" -f -a "global" -d 'Set the version used where nothing else is pinned'
complete -c gover -n "__fish_gover_needs_command" -f -a "shell" -d 'Use a version in this shell only (needs the shell hook)'
complete -c gover -n "__fish_gover_needs_command" -f -a "current" -d 'Show the version in use here and what selected it'
complete -c gover -n "__fish_gover_needs_command" -f -a "which" -d 'Print the path of the real binary a shim would run'
complete -c gover -n "__fish_gover_needs_command" -f -a "exec" -d 'Run a command with a version\'s go first on PATH and GOROOT set'
complete -c gover -n "__fish_gover_needs_command" -f -a "env" -d 'Print GOROOT and PATH for the version in use, for `eval` in scripts'
complete -c gover -n "__fish_gover_needs_command" -f -a "init" -d 'Print the shell hook for sh, bash, zsh or fish'
complete -c gover -n "__fish_gover_needs_command" -f -a "setup" -d 'Set up the shims and the shell hook in your startup files (--systemd: user units too)'
complete -c gover -n "__fish_gover_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c gover -n "__fish_gover_needs_command" -f -a "implode" -d 'Remove gover\'s hook lines and GOVER_HOME'
complete -c gover -n "__fish_gover_needs_command" -f -a "doctor" -d 'Diagnose the Go setup: PATH, GOROOT, permissions, module settings, services'
complete -c gover -n "__fish_gover_needs_command" -f -a "import" -d 'Adopt Go versions installed by gvm, asdf, goenv, g, mise or the system'
complete -c gover -n "__fish_gover_needs_command" -f -a "ci" -d 'For CI jobs: the environment, cache keys and test matrix (env, cache-key, matrix)'
complete -c gover -n "__fish_gover_needs_command" -f -a "tools" -d 'Programs `go install`ed into GOBIN: the Go each was built by; rebuild them with another'
complete -c gover -n "__fish_gover_needs_command" -f -a "report" -d 'This machine\'s Go inventory: versions, pins under DIRs, tools, vulnerabilities, policy violations'
complete -c gover -n "__fish_gover_needs_command" -f -a "mirror" -d 'Keep a static mirror of releases (module-proxy and download-site layouts) for fleets'
complete -c gover -n "__fish_gover_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand install" -l source -d 'Where toolchains come from: the download site (dl), the Go module proxy in GOPROXY verified by GOSUMDB (proxy), or auto (dl unless GOPROXY names a proxy or dl is unreachable)' -r -f -a "auto\t'The download site, or the module proxy when GOPROXY names one or the site is unreachable'
proxy\t'The Go module proxy (GOPROXY), verified by the checksum database (GOSUMDB)'
dl\t'The download site (go.dev/dl, or GOVER_DIST_URL / GOVER_INDEX_URL)'"
complete -c gover -n "__fish_gover_using_subcommand install" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand install" -l insecure-no-sumdb -d 'From the module proxy, install even when GOSUMDB=off or GONOSUMDB leaves the toolchain unverified'
complete -c gover -n "__fish_gover_using_subcommand install" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand install" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand install" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand uninstall" -l force -d 'Remove it even if the global default uses it or a running go uses it'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand link" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand link" -l force -d 'Point an existing name at this tree instead'
complete -c gover -n "__fish_gover_using_subcommand link" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand link" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand link" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand link" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand prune" -l keep-pins-under -d 'Keep the versions pin files under DIR use (as go would run there); repeatable' -r -F
complete -c gover -n "__fish_gover_using_subcommand prune" -l unused-for -d 'Keep versions run (through the shims or gover exec) or installed within this long: 90d, 4w, 12h; 0 keeps none for being recent' -r
complete -c gover -n "__fish_gover_using_subcommand prune" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand prune" -l dry-run -d 'Print what would be removed and the space it would free; remove nothing'
complete -c gover -n "__fish_gover_using_subcommand prune" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand prune" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand prune" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand prune" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l to -d 'Move to the newest release of this line instead (1.23): the only way to leave a line' -r
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l pins -d 'Also move exact pins to the new release: the global default; .go-version, .tool-versions, mise.toml here and above'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l recursive -d 'With --pins: also move pins in every directory below this one'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l dry-run -d 'Show what would be installed and the pin changes as a diff; change nothing'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand list" -l source -d 'With --remote: list from the download site (dl), the module proxy (proxy), or auto (as `gover install` chooses)' -r -f -a "auto\t'The download site, or the module proxy when GOPROXY names one or the site is unreachable'
proxy\t'The Go module proxy (GOPROXY), verified by the checksum database (GOSUMDB)'
dl\t'The download site (go.dev/dl, or GOVER_DIST_URL / GOVER_INDEX_URL)'"
complete -c gover -n "__fish_gover_using_subcommand list" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand list" -l remote -d 'List releases that can be installed instead of installed versions'
complete -c gover -n "__fish_gover_using_subcommand list" -l all -d 'With --remote: include release candidates and betas'
complete -c gover -n "__fish_gover_using_subcommand list" -l json -d 'Print JSON for scripts'
complete -c gover -n "__fish_gover_using_subcommand list" -l size -d 'Show the space each installed version (and linked tree) takes on disk'
complete -c gover -n "__fish_gover_using_subcommand list" -l refresh -d 'Check the Go vulnerability database (GOVULNDB) now, before listing'
complete -c gover -n "__fish_gover_using_subcommand list" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand list" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand list" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand use" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand use" -l install -d 'Install the version first if it is missing (asked on a terminal otherwise)'
complete -c gover -n "__fish_gover_using_subcommand use" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand use" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand use" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand use" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand global" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand global" -l install -d 'Install the version first if it is missing'
complete -c gover -n "__fish_gover_using_subcommand global" -l unset -d 'Remove the global default (the system go is used where nothing is pinned)'
complete -c gover -n "__fish_gover_using_subcommand global" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand global" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand global" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand global" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand shell" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand shell" -l unset -d 'Stop overriding: this shell follows pin files and the global default again'
complete -c gover -n "__fish_gover_using_subcommand shell" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand shell" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand shell" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand shell" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand current" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand current" -l bare -d 'Print only the version (or `system`); -q does the same'
complete -c gover -n "__fish_gover_using_subcommand current" -l json -d 'Print JSON for scripts: version, path, source'
complete -c gover -n "__fish_gover_using_subcommand current" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand current" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand current" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand current" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand which" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand which" -l shim -d 'Print the absolute path of the shim instead of the binary it runs'
complete -c gover -n "__fish_gover_using_subcommand which" -l json -d 'Print JSON for scripts: tool, path, and (without --shim) version and source'
complete -c gover -n "__fish_gover_using_subcommand which" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand which" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand which" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand which" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand exec" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand exec" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand exec" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand exec" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand exec" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand env" -l shell -d 'The syntax to print' -r -f -a "sh\t'POSIX sh (dash, and the part of ~/.profile every login shell reads)'
bash\t'bash (~/.bashrc, and ~/.bash_profile where it exists)'
zsh\t'zsh (~/.zshenv)'
fish\t'fish (conf.d/gover.fish)'"
complete -c gover -n "__fish_gover_using_subcommand env" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand env" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand env" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand env" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand init" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand init" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand init" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand init" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand setup" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand setup" -l no-modify-rc -d 'Leave startup files alone; print the lines to add by hand instead'
complete -c gover -n "__fish_gover_using_subcommand setup" -l systemd -d 'Also write ~/.config/environment.d/50-gover.conf, so systemd user units find the shims'
complete -c gover -n "__fish_gover_using_subcommand setup" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand setup" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand setup" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand setup" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand completions" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand completions" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand completions" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand completions" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand completions" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand implode" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand implode" -s y -l yes -d 'Do not ask for confirmation (needed when not on a terminal)'
complete -c gover -n "__fish_gover_using_subcommand implode" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand implode" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand implode" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand implode" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand doctor" -l json -d 'Print the findings as JSON (for CI)'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s v -l verbose -d 'Also list every go on PATH, in order'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l fix -d 'Fix what can be fixed: comment out conflicting startup-file lines, remove stale go env settings and alternatives (a diff is shown first; files are backed up)'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l dry-run -d 'With --fix: show the diff, change nothing (the default when stdin is not a terminal)'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s y -l yes -d 'With --fix: apply without asking, and run the chown/chmod repairs you have the right to'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l undo -d 'Restore the files the last --fix changed, byte for byte'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l force -d 'With --undo: restore files edited since the fix too (those edits are lost)'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand import" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand import" -l all -d 'Adopt everything found, from every manager'
complete -c gover -n "__fish_gover_using_subcommand import" -l move -d 'Delete each original once its version is imported'
complete -c gover -n "__fish_gover_using_subcommand import" -l dry-run -d 'Show what would be imported, change nothing'
complete -c gover -n "__fish_gover_using_subcommand import" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand import" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand import" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand import" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -f -a "env" -d 'Install the version this directory uses (if missing) and print GOROOT, PATH and GOTOOLCHAIN for the job\'s later steps; on GitHub, written to $GITHUB_ENV and $GITHUB_PATH'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -f -a "cache-key" -d 'Print a cache key and the paths to cache for the toolchain, the module cache or the build cache'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -f -a "matrix" -d 'Print the Go versions a test matrix should cover: the go line of go.mod and --plus'
complete -c gover -n "__fish_gover_using_subcommand ci; and not __fish_seen_subcommand_from env cache-key matrix help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l format -d 'The runner\'s format [default: github on GitHub Actions, gitlab on GitLab CI, else shell]' -r -f -a "github\t'Lines for $GITHUB_ENV and $GITHUB_PATH (written there when they are set)'
gitlab\t'A dotenv file for `artifacts:reports:dotenv`'
shell\t'POSIX shell for `eval`'"
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l go-version -d 'Use this version (1.22, 1.22.10, latest) instead of the directory\'s pin' -r
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l go-version-file -d 'Take the version from this file: .go-version, .tool-versions, or go.mod / go.work (the toolchain line, else the go line)' -r -F
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l source -d 'Where toolchains come from: the download site (dl), the Go module proxy in GOPROXY verified by GOSUMDB (proxy), or auto (dl unless GOPROXY names a proxy or dl is unreachable)' -r -f -a "auto\t'The download site, or the module proxy when GOPROXY names one or the site is unreachable'
proxy\t'The Go module proxy (GOPROXY), verified by the checksum database (GOSUMDB)'
dl\t'The download site (go.dev/dl, or GOVER_DIST_URL / GOVER_INDEX_URL)'"
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l check-latest -d 'Use the newest release the version matches even when an older one that matches is installed (restored from a cache, or kept on a self-hosted runner)'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l insecure-no-sumdb -d 'From the module proxy, install even when GOSUMDB=off or GONOSUMDB leaves the toolchain unverified'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l kind -d 'What the cache holds' -r -f -a "toolchain\t'The installed Go release (GOVER_HOME/versions/<version>)'
modules\t'The module cache (GOMODCACHE), without any toolchain go itself downloaded there'
build\t'The build cache (GOCACHE)'"
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l format -d 'The runner\'s format' -r -f -a "github\t'key, restore-key and path lines for $GITHUB_OUTPUT'
gitlab\t'GOVER_<KIND>_CACHE_KEY=key, a dotenv line for a later job\'s cache:key (GitLab\'s cache paths are fixed in the pipeline, and it has no restore prefix)'"
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l go-version -d 'Use this version (1.22, 1.22.10, latest) instead of the directory\'s pin' -r
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l go-version-file -d 'Take the version from this file: .go-version, .tool-versions, or go.mod / go.work (the toolchain line, else the go line)' -r -F
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l json -d 'Print JSON for scripts: key, restore_key, paths'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l check-latest -d 'Use the newest release the version matches even when an older one that matches is installed (restored from a cache, or kept on a self-hosted runner)'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from cache-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -l from -d 'The go.mod or go.work whose go line is the oldest version to test [default: ./go.mod if there is one]' -r -F
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -l plus -d 'More versions, comma-separated: stable (the newest release), oldstable (the newest patch of the line before), or versions such as 1.22' -r
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -l format -d 'Print JSON in a runner\'s matrix shape (gitlab: parallel:matrix\'s [{"GO_VERSION": [...]}])' -r -f -a "github\t'{"go-version": [...]} for strategy.matrix'
gitlab\t'[{"GO_VERSION": [...]}] for parallel:matrix'"
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -l json -d 'Print JSON for GitHub\'s strategy.matrix: {"go-version": [...]}'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from matrix" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "env" -d 'Install the version this directory uses (if missing) and print GOROOT, PATH and GOTOOLCHAIN for the job\'s later steps; on GitHub, written to $GITHUB_ENV and $GITHUB_PATH'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "cache-key" -d 'Print a cache key and the paths to cache for the toolchain, the module cache or the build cache'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "matrix" -d 'Print the Go versions a test matrix should cover: the go line of go.mod and --plus'
complete -c gover -n "__fish_gover_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -l json -d 'Print JSON for scripts: the directories looked in, and each program with its Go'
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -f -a "rebuild" -d 'Build tools again with another Go (go install path@version), replacing each only once its new build succeeded'
complete -c gover -n "__fish_gover_using_subcommand tools; and not __fish_seen_subcommand_from rebuild help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from rebuild" -l with -d 'The Go to build with (1.23, 1.23.9, latest, stable, …); without it, the global default' -r
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from rebuild" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from rebuild" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from rebuild" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from rebuild" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from rebuild" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from help" -f -a "rebuild" -d 'Build tools again with another Go (go install path@version), replacing each only once its new build succeeded'
complete -c gover -n "__fish_gover_using_subcommand tools; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand report" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand report" -l json -d 'Print one JSON document for scripts (its schema is docs/src/report.schema.json)'
complete -c gover -n "__fish_gover_using_subcommand report" -l check -d 'Exit with code 9 (refused by policy) when the report lists a policy violation'
complete -c gover -n "__fish_gover_using_subcommand report" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand report" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand report" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand report" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -f -a "sync" -d 'Fetch releases into DIR, verified; a second run fetches only what is new'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l platform -d 'Platforms, comma-separated (linux-amd64,linux-arm64) [default: this machine\'s]' -r
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l layout -d 'Layouts to write: proxy (GOPROXY, from the module proxy, verified by GOSUMDB), dl (GOVER_INDEX_URL/GOVER_DIST_URL, from the download site, verified by its index)' -r
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l home -d 'Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]' -r -F
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -s q -l quiet -d 'Print only errors and what a script needs (no progress bars or notes)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l system -d 'Work on the system store every user of the machine runs versions from (install, uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l trust-mirror -d 'When go.dev\'s release index cannot be fetched, trust the checksums of the GOVER_DIST_URL mirror itself (its index, or its <archive>.sha256 files); each install that relies on them says so'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from help" -f -a "sync" -d 'Fetch releases into DIR, verified; a second run fetches only what is new'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "install" -d 'Download, verify and install Go releases (1.22, 1.22.10, go1.23rc1, latest)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "uninstall" -d 'Remove an installed version'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "link" -d 'Name a Go tree gover did not install (gotip, a distribution\'s go, a fork) for pins and commands'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "prune" -d 'Remove versions nothing pins, uses or defaults to, and the download cache'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "upgrade" -d 'Install the newest patch of installed lines; --pins moves exact pins to it'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "list" -d 'List installed versions, or releases available to install with --remote'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "use" -d 'Pin this directory to a version (writes .go-version)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "global" -d 'Set the version used where nothing else is pinned'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "shell" -d 'Use a version in this shell only (needs the shell hook)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "current" -d 'Show the version in use here and what selected it'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "which" -d 'Print the path of the real binary a shim would run'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "exec" -d 'Run a command with a version\'s go first on PATH and GOROOT set'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "env" -d 'Print GOROOT and PATH for the version in use, for `eval` in scripts'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "init" -d 'Print the shell hook for sh, bash, zsh or fish'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "setup" -d 'Set up the shims and the shell hook in your startup files (--systemd: user units too)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "completions" -d 'Print shell completions'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "implode" -d 'Remove gover\'s hook lines and GOVER_HOME'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "doctor" -d 'Diagnose the Go setup: PATH, GOROOT, permissions, module settings, services'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "import" -d 'Adopt Go versions installed by gvm, asdf, goenv, g, mise or the system'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "ci" -d 'For CI jobs: the environment, cache keys and test matrix (env, cache-key, matrix)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "tools" -d 'Programs `go install`ed into GOBIN: the Go each was built by; rebuild them with another'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "report" -d 'This machine\'s Go inventory: versions, pins under DIRs, tools, vulnerabilities, policy violations'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "mirror" -d 'Keep a static mirror of releases (module-proxy and download-site layouts) for fleets'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install uninstall link prune upgrade list use global shell current which exec env init setup completions implode doctor import ci tools report mirror help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "env" -d 'Install the version this directory uses (if missing) and print GOROOT, PATH and GOTOOLCHAIN for the job\'s later steps; on GitHub, written to $GITHUB_ENV and $GITHUB_PATH'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "cache-key" -d 'Print a cache key and the paths to cache for the toolchain, the module cache or the build cache'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "matrix" -d 'Print the Go versions a test matrix should cover: the go line of go.mod and --plus'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from tools" -f -a "rebuild" -d 'Build tools again with another Go (go install path@version), replacing each only once its new build succeeded'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from mirror" -f -a "sync" -d 'Fetch releases into DIR, verified; a second run fetches only what is new'
