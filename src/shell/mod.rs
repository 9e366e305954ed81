//! The shells gover hooks into: the hook each one evaluates at start-up (`gover init`), the
//! line that sources it from the user's startup files, and the syntax `gover shell` prints.
//!
//! The hook scripts are real files in `assets/` (shellchecked by tests/suite/shell_hook.rs); the
//! absolute paths are filled in when they are rendered, so evaluating a hook starts no process.

pub mod bash;
pub mod fish;
pub mod manifest;
pub mod posix;
pub mod rc;
pub mod startup;
pub mod syntax;
pub mod zsh;

use std::fs;
use std::path::{Path, PathBuf};

use gover_shim::GoverHome;

use crate::error::{self, Result};
use crate::store::Store;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// POSIX sh (dash, and the part of ~/.profile every login shell reads)
    Sh,
    /// bash (~/.bashrc, and ~/.bash_profile where it exists)
    Bash,
    /// zsh (~/.zshenv)
    Zsh,
    /// fish (conf.d/gover.fish)
    Fish,
}

/// The absolute paths a hook embeds.
#[derive(Clone, Debug)]
pub struct HookPaths {
    pub gover_home: PathBuf,
    pub shims: PathBuf,
    /// The system store's shims: the names of the versions root installed for every user
    /// (`go1.23.9`), appended to PATH when missing, so go's toolchain switch finds them after
    /// the user's own, including those root installs after the hook was written.
    pub system_names: PathBuf,
    /// The directory holding the `gover` binary, appended to PATH when missing.
    pub bin_dir: PathBuf,
    /// GOVER_HOME/shell: the rendered hooks and the completion scripts.
    pub shell_dir: PathBuf,
}

impl HookPaths {
    pub fn new(process: &gover_shim::Process, store: &Store, bin_dir: PathBuf) -> HookPaths {
        HookPaths {
            gover_home: store.root().to_path_buf(),
            shims: store.home().shims_dir(),
            system_names: system_names(process),
            bin_dir,
            shell_dir: store.home().shell_dir(),
        }
    }

    /// For the running gover: its own directory is the one to keep on PATH.
    pub fn for_current_exe(process: &gover_shim::Process, store: &Store) -> Result<HookPaths> {
        let exe = std::env::current_exe()
            .map_err(|e| crate::error::Error::failure("cannot find the gover executable").cause(e))?;
        let exe = fs::canonicalize(&exe).unwrap_or(exe);
        let bin_dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(HookPaths::new(process, store, bin_dir))
    }

    /// Where the completion script for `shell` lives (bash sources it lazily, zsh and fish
    /// autoload from the directory).
    pub fn completions_dir(&self, shell: Shell) -> PathBuf {
        self.shell_dir.join("completions").join(shell.name())
    }

    pub fn hook_file(&self, shell: Shell) -> PathBuf {
        self.shell_dir.join(format!("hook.{}", shell.name()))
    }

    /// The environment.d drop-in that puts the shims on systemd user units' PATH (`gover setup
    /// --systemd` writes it, doctor's fix too). systemd's environment-d generator expands
    /// `${PATH}`; GOVER_HOME is spelled out so a unit's shim finds the same home as a shell's.
    /// The system store's names go last, as the hook puts them.
    pub fn systemd_dropin(&self) -> String {
        let (home, shims, names) = (self.gover_home.display(), self.shims.display(), self.system_names.display());
        format!("{}\nGOVER_HOME={home}\nPATH={shims}:${{PATH}}:{names}\n", rc::MARKER)
    }
}

impl Shell {
    pub const ALL: [Shell; 4] = [Shell::Sh, Shell::Bash, Shell::Zsh, Shell::Fish];

    pub fn name(self) -> &'static str {
        match self {
            Shell::Sh => "sh",
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// The shell a user runs, from a `$SHELL` such as `/usr/bin/fish`.
    pub fn from_login_shell(shell: &str) -> Option<Shell> {
        match Path::new(shell).file_name()?.to_str()? {
            "bash" => Some(Shell::Bash),
            "zsh" => Some(Shell::Zsh),
            "fish" => Some(Shell::Fish),
            "sh" | "dash" | "ksh" | "mksh" | "ash" => Some(Shell::Sh),
            _ => None,
        }
    }

    /// The hook `gover init <shell>` prints.
    pub fn hook(self, paths: &HookPaths) -> String {
        match self {
            Shell::Sh => posix::hook(paths),
            Shell::Bash => bash::hook(paths),
            Shell::Zsh => zsh::hook(paths),
            Shell::Fish => fish::hook(paths),
        }
    }

    pub fn quote(self, text: &str) -> String {
        match self {
            Shell::Fish => fish::quote(text),
            _ => posix::quote(text),
        }
    }

    /// A statement that exports `name=value` in the current shell.
    pub fn set_var(self, name: &str, value: &str) -> String {
        match self {
            Shell::Fish => format!("set -gx {name} {}\n", fish::quote(value)),
            _ => format!("export {name}={}\n", posix::quote(value)),
        }
    }

    pub fn unset_var(self, name: &str) -> String {
        match self {
            Shell::Fish => format!("set -eg {name}\n"),
            _ => format!("unset {name}\n"),
        }
    }

    /// The one line gover adds to a startup file: `source_command`, tagged with the marker.
    pub fn source_line(self, file: &Path, home: Option<&Path>) -> String {
        format!("{} {}", self.source_command(file, home), rc::MARKER)
    }

    /// Sources the hook file if it is still there, so removing GOVER_HOME by hand never
    /// breaks a shell's start-up.
    fn source_command(self, file: &Path, home: Option<&Path>) -> String {
        let file = self.path_expr(file, home);
        match self {
            Shell::Fish => format!("test -r {file}; and source {file}"),
            _ => format!("if [ -r {file} ]; then . {file}; fi"),
        }
    }

    /// How to load the hook by hand in this shell, for messages.
    pub fn init_command(self) -> String {
        match self {
            Shell::Fish => "gover init fish | source".into(),
            other => format!("eval \"$(gover init {})\"", other.name()),
        }
    }

    /// Loads the hook file now, for a user to paste into the shell they are in.
    pub fn load_command(self, file: &Path, home: Option<&Path>) -> String {
        let file = self.path_expr(file, home);
        match self {
            Shell::Fish => format!("source {file}"),
            _ => format!(". {file}"),
        }
    }

    /// `"$HOME/…"` for a path under HOME (startup files are often shared between machines),
    /// else the quoted absolute path.
    fn path_expr(self, path: &Path, home: Option<&Path>) -> String {
        let plain = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._/-+@,".contains(&b));
        if let Some(rest) = home.and_then(|h| path.strip_prefix(h).ok()).and_then(|r| r.to_str()) {
            if plain(rest) && !rest.is_empty() {
                return format!("\"$HOME/{rest}\"");
            }
        }
        self.quote(&path.to_string_lossy())
    }

    fn completion_generator(self) -> Option<(clap_complete::Shell, &'static str)> {
        match self {
            Shell::Sh => None,
            Shell::Bash => Some((clap_complete::Shell::Bash, "gover.bash")),
            Shell::Zsh => Some((clap_complete::Shell::Zsh, "_gover")),
            Shell::Fish => Some((clap_complete::Shell::Fish, "gover.fish")),
        }
    }
}

/// Fills an asset's `@NAME@` placeholders with quoted values.
fn render(asset: &str, shell: Shell, values: &[(&str, &Path)]) -> String {
    let mut out = asset.to_string();
    for (name, value) in values {
        out = out.replace(&format!("@{name}@"), &shell.quote(&value.to_string_lossy()));
    }
    out
}

/// The system store's shims directory for the hook: GOVER_SYSTEM_HOME's when it is absolute
/// (a relative one names no store: resolution ignores it, and on PATH it would mean another
/// directory wherever the shell is), else the default.
fn system_names(process: &gover_shim::Process) -> PathBuf {
    let system = GoverHome::locate_system(process);
    let system = if system.root().is_absolute() { system } else { GoverHome::new(gover_shim::home::SYSTEM_HOME) };
    system.shims_dir()
}

/// Writes the hook for every shell and the completion scripts into GOVER_HOME/shell, each only
/// when its content changed, each by one rename. Returns the files it wrote.
pub fn write_files(paths: &HookPaths, cli: fn() -> clap::Command) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for shell in Shell::ALL {
        files.push((paths.hook_file(shell), shell.hook(paths)));
        if let Some((generator, name)) = shell.completion_generator() {
            files.push((paths.completions_dir(shell).join(name), completion_script(generator, cli)));
        }
    }
    let mut written = Vec::new();
    for (path, content) in files {
        if write_if_changed(&path, content.as_bytes())? {
            written.push(path);
        }
    }
    Ok(written)
}

/// clap's completion script for `shell`, generated from the command tree `cli` builds.
pub fn completion_script(shell: clap_complete::Shell, cli: fn() -> clap::Command) -> String {
    let mut cmd = cli();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "gover", &mut out);
    let mut hidden = Vec::new();
    hidden_options(&cmd, &mut hidden);
    without_options(shell, &String::from_utf8_lossy(&out), &hidden)
}

/// The long names of the options `--help` does not show (doctor's test settings, the hook's
/// `--print-for`), in `cmd` and its subcommands.
fn hidden_options(cmd: &clap::Command, out: &mut Vec<String>) {
    out.extend(cmd.get_arguments().filter(|a| a.is_hide_set()).filter_map(|a| a.get_long()).map(|l| format!("--{l}")));
    for sub in cmd.get_subcommands() {
        hidden_options(sub, out);
    }
}

/// `script` without the options in `hidden`: clap_complete offers hidden options too. Each
/// generator's layout is known: bash lists them as words of `opts="…"` (the `case` arm that
/// completes an option's value is harmless once the option is never offered); zsh and fish
/// give each option one entry that starts a line and may run over several (a value list).
fn without_options(shell: clap_complete::Shell, script: &str, hidden: &[String]) -> String {
    use clap_complete::Shell as S;
    let starts_entry = |line: &str, option: &str| match shell {
        S::Zsh => line.starts_with(&format!("'{option}=[")) || line.starts_with(&format!("'{option}[")),
        S::Fish => line.starts_with("complete ") && line.contains(&format!(" -l {} ", &option[2..])),
        _ => false,
    };
    // The line that closes an entry (zsh); in fish the next `complete` line starts another.
    let ends_entry = |line: &str| shell == S::Zsh && line.ends_with("' \\");
    let mut out = String::with_capacity(script.len());
    let mut skipping = false;
    for line in script.split_inclusive('\n') {
        let text = line.trim_end_matches('\n');
        if hidden.iter().any(|o| starts_entry(text, o)) {
            skipping = !ends_entry(text) && shell != S::Bash;
            continue;
        }
        if skipping {
            match shell {
                S::Zsh => {
                    skipping = !ends_entry(text);
                    continue;
                }
                _ if !text.starts_with("complete ") => continue,
                _ => skipping = false,
            }
        }
        match text.trim_start().strip_prefix("opts=\"").filter(|_| shell == S::Bash) {
            Some(words) => {
                let indent = &text[..text.len() - text.trim_start().len()];
                let kept: Vec<&str> =
                    words.trim_end_matches('"').split(' ').filter(|w| !hidden.iter().any(|o| o == w)).collect();
                out.push_str(&format!("{indent}opts=\"{}\"\n", kept.join(" ")));
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Replaces `path` with `content` by one rename unless it already holds exactly that, through
/// the reconciler's safe path ([`crate::reconcile::atomic::write`]: a private file stays
/// private, its owner stays its owner). A symlinked file (dotfiles kept in a repository) is
/// written where the link points, so the link survives.
pub fn write_if_changed(path: &Path, content: &[u8]) -> Result<bool> {
    let resolved;
    let path = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            resolved = fs::canonicalize(path).map_err(|e| error::io("follow the link", path, e))?;
            resolved.as_path()
        }
        _ => path,
    };
    if fs::read(path).is_ok_and(|old| old == content) {
        return Ok(false);
    }
    Store::create_dir(path.parent().unwrap_or(Path::new(".")))?;
    crate::reconcile::atomic::write(path, content).map_err(|e| error::io("write", path, e))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_lines_use_home_when_they_can() {
        let home = Path::new("/home/ann");
        let file = Path::new("/home/ann/.local/share/gover/shell/hook.bash");
        assert_eq!(
            Shell::Bash.source_line(file, Some(home)),
            format!(
                "if [ -r \"$HOME/.local/share/gover/shell/hook.bash\" ]; then . \"$HOME/.local/share/gover/shell/hook.bash\"; fi {}",
                rc::MARKER
            )
        );
        let odd = Path::new("/srv/it's $here/hook.fish");
        assert_eq!(
            Shell::Fish.source_line(odd, Some(home)),
            format!("test -r '/srv/it\\'s $here/hook.fish'; and source '/srv/it\\'s $here/hook.fish' {}", rc::MARKER)
        );
        let spaced = Path::new("/home/ann/my data/hook.sh");
        assert!(Shell::Sh.source_line(spaced, Some(home)).starts_with("if [ -r '/home/ann/my data/hook.sh' ]"));
    }

    #[test]
    fn assignments_are_quoted_per_shell() {
        assert_eq!(Shell::Bash.set_var("GOVER_VERSION", "1.22"), "export GOVER_VERSION='1.22'\n");
        assert_eq!(Shell::Fish.set_var("GOVER_VERSION", "1.22"), "set -gx GOVER_VERSION '1.22'\n");
        assert_eq!(Shell::Zsh.unset_var("GOVER_VERSION"), "unset GOVER_VERSION\n");
        assert_eq!(Shell::Fish.unset_var("GOVER_VERSION"), "set -eg GOVER_VERSION\n");
    }

    #[test]
    fn every_placeholder_is_filled_and_quoted() {
        let paths = HookPaths {
            gover_home: "/h/it's gover".into(),
            shims: "/h/it's gover/shims".into(),
            system_names: "/s/it's gover/shims".into(),
            bin_dir: "/h/bin".into(),
            shell_dir: "/h/it's gover/shell".into(),
        };
        for shell in Shell::ALL {
            let hook = shell.hook(&paths);
            let quoted = shell.quote("/h/it's gover/shims");
            assert!(!hook.contains("@SHIMS@") && !hook.contains("@GOVER_HOME@"), "{shell:?}");
            assert!(!hook.contains("@BIN_DIR@") && !hook.contains("@COMPLETIONS@"), "{shell:?}");
            assert!(!hook.contains("@SYSTEM_NAMES@") && hook.contains(&shell.quote("/s/it's gover/shims")));
            assert!(
                hook.contains(&format!("_gover_shims={quoted}")) || hook.contains(&format!("_gover_shims {quoted}"))
            );
        }
    }

    #[test]
    fn login_shell_names() {
        assert_eq!(Shell::from_login_shell("/usr/bin/fish"), Some(Shell::Fish));
        assert_eq!(Shell::from_login_shell("/bin/dash"), Some(Shell::Sh));
        assert_eq!(Shell::from_login_shell("/bin/tcsh"), None);
    }
}
