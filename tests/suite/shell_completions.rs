//! Completion scripts: the committed copies in completions/ must match what the clap
//! definition generates (regenerate with `GOVER_BLESS=1 cargo test --test suite
//! shell_completions::`), and the hooks must complete subcommands and installed version names in the real shells.

use crate::common;

use std::fs;
use std::path::Path;

use common::Sandbox;

#[test]
fn committed_completions_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let sb = Sandbox::new();
    let mut files = Vec::new();
    for (shell, file) in [("bash", "gover.bash"), ("zsh", "_gover"), ("fish", "gover.fish")] {
        let fresh = sb.gover().args(["completions", shell]).assert().success().get_output().stdout.clone();
        assert!(fresh.len() > 500, "gover completions {shell} printed almost nothing");
        files.push((dir.join(file), fresh));
    }
    common::assert_generated_files_current(
        "completion scripts",
        &files,
        "GOVER_BLESS=1 cargo test --test suite shell_completions::",
    );
}

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.fake_version("go1.21.13");
    sb.fake_version("go1.22.10");
    sb.fake_version("go1.23rc1");
    sb
}

fn run(sb: &Sandbox, shell: &str, args: &[&str]) -> String {
    let out = sb.startup_shell(shell).args(args).output().unwrap();
    assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn words(text: &str) -> Vec<&str> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    words.sort();
    words
}

#[test]
fn bash_completes_subcommands_and_installed_versions() {
    let sb = sandbox();
    let complete = |line: &str| {
        let script = format!(
            "eval \"$({} init bash)\"; COMP_WORDS=({line}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; _gover_complete gover; echo \"${{COMPREPLY[*]}}\"",
            env!("CARGO_BIN_EXE_gover")
        );
        run(&sb, "bash", &["--norc", "-ic", &script])
    };
    // Besides the installed versions, the commands that pin offer their lines, latest, stable,
    // oldstable and system.
    assert_eq!(
        words(&complete("gover use ''")),
        ["1.21", "1.21.13", "1.22", "1.22.10", "1.23", "1.23rc1", "latest", "oldstable", "stable", "system"]
    );
    assert_eq!(words(&complete("gover shell 1.2")), ["1.21", "1.21.13", "1.22", "1.22.10", "1.23", "1.23rc1"]);
    assert_eq!(words(&complete("gover uninstall 1.22")), ["1.22.10"]);
    assert_eq!(words(&complete("gover uninstall ''")), ["1.21.13", "1.22.10", "1.23rc1"]);
    assert_eq!(words(&complete("gover exec 1.23")), ["1.23", "1.23rc1"]);
    assert_eq!(words(&complete("gover global l")), ["latest"]);
    assert_eq!(words(&complete("gover use o")), ["oldstable"]);
    // Options --help hides (doctor's test settings, the hook's and install.sh's) are not offered.
    let doctor = complete("gover doctor --");
    assert!(
        doctor.contains("--fix") && !doctor.contains("--proc-root") && !doctor.contains("--crontab-file"),
        "{doctor}"
    );
    assert!(!complete("gover shell --").contains("--print-for"));
    assert!(!complete("gover setup --").contains("--record-binaries"));
    // Everything else is clap's script, sourced on first use.
    assert!(words(&complete("gover sh")).contains(&"shell"), "{}", complete("gover sh"));
    assert!(complete("gover completions ''").contains("fish"));
}

#[test]
fn fish_completes_subcommands_and_installed_versions() {
    if !common::require("fish") {
        return;
    }
    let sb = sandbox();
    let hook = format!("{} init fish | source", env!("CARGO_BIN_EXE_gover"));
    let versions = run(&sb, "fish", &["-ic", &format!("{hook}; complete -C 'gover use '")]);
    for v in ["1.21.13", "1.22.10", "1.23rc1", "1.22", "latest", "stable", "oldstable", "system"] {
        assert!(versions.lines().any(|l| l == v), "{v} missing from:\n{versions}");
    }
    let doctor = run(&sb, "fish", &["-ic", &format!("{hook}; complete -C 'gover doctor --'")]);
    assert!(doctor.contains("--fix") && !doctor.contains("--proc-root"), "{doctor}");
    let uninstall = run(&sb, "fish", &["-ic", &format!("{hook}; complete -C 'gover uninstall '")]);
    assert!(!uninstall.lines().any(|l| l == "1.22" || l == "latest"), "{uninstall}");
    let after = run(&sb, "fish", &["-ic", &format!("{hook}; complete -C 'gover exec 1.22.10 '")]);
    assert!(!after.lines().any(|l| l == "1.21.13"), "versions offered after the version:\n{after}");
    let subcommands = run(&sb, "fish", &["-ic", &format!("{hook}; complete -C 'gover ins'")]);
    assert!(subcommands.lines().any(|l| l.starts_with("install")), "{subcommands}");
}

#[test]
fn zsh_compinit_finds_gover_completions_through_the_hook() {
    if !common::require("zsh") {
        return;
    }
    let sb = sandbox();
    // The installed layout: the hook in .zshenv, compinit in .zshrc, as most users have it.
    sb.gover().args(["setup", "--no-modify-rc"]).assert().success();
    let hook = sb.gover_home.join("shell/hook.zsh");
    fs::write(sb.home.join(".zshenv"), format!(". {}\n", hook.display())).unwrap();
    fs::write(sb.home.join(".zshrc"), "autoload -Uz compinit\ncompinit -u -d \"$HOME/.zcompdump\"\n").unwrap();
    let out = run(&sb, "zsh", &["-ic", "print -r -- ${_comps[gover]}"]);
    assert_eq!(out.trim_end(), "_gover");
}

#[test]
fn zsh_completes_installed_versions_at_a_real_prompt() {
    if !common::require("zsh") {
        return;
    }
    let sb = Sandbox::new();
    sb.fake_version("go1.22.10");
    sb.gover().args(["setup", "--no-modify-rc"]).assert().success();
    let hook = sb.gover_home.join("shell/hook.zsh");
    fs::write(sb.home.join(".zshenv"), format!(". {}\n", hook.display())).unwrap();
    fs::write(sb.home.join(".zshrc"), "autoload -Uz compinit\ncompinit -u -d \"$HOME/.zcompdump\"\n").unwrap();
    // zpty runs an interactive zsh on a pseudo-terminal and types <Tab>; a read with a pattern
    // waits until the completed line shows up (timeout ends a run that never completes).
    let path = format!("{}:{}", common::bin_dir().display(), common::BASE_PATH);
    let driver = format!(
        "zmodload zsh/zpty\n\
         zpty -b z 'env -i HOME={home} PATH={path} TERM=dumb zsh -i'\n\
         zpty -w -n z $'gover use 1.22.\\t'\n\
         zpty -r z out '*use 1.22.10*' && print versions-ok\n\
         zpty -w -n z $'\\C-u gover use la\\t'\n\
         zpty -r z out '*use latest*' && print latest-ok\n\
         zpty -w -n z $'\\C-u gover insta\\t'\n\
         zpty -r z out '*install *' && print subcommands-ok\n\
         zpty -d z\n",
        home = sb.home.display(),
    );
    let out = sb.startup_shell("timeout").args(["20", "zsh", "-fc", &driver]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("versions-ok") && text.contains("latest-ok") && text.contains("subcommands-ok"), "{text}");
}
