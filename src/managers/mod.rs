//! Everything gover knows about another Go version manager, one file per manager: where it
//! keeps its Go trees (for `gover import`), which startup lines set it up and which of its
//! files they read (for `gover doctor`), the version it selects by default, and where `go
//! install` put tools while it was in charge. Adding a manager is adding a file here and a
//! line to [`Manager`].

use std::path::{Path, PathBuf};

use gover_shim::{GoVersion, Spec};

mod asdf;
mod g;
mod goenv;
mod gvm;
mod mise;
mod system;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Manager {
    Gvm,
    Asdf,
    Goenv,
    G,
    Mise,
    System,
}

/// What one manager looks like on disk and in startup files.
pub trait About: Sync {
    /// The directories that may each hold one Go tree (or a `go/` folder holding it).
    fn containers(&self, places: &Places) -> Vec<PathBuf>;
    /// The manager's own directories: files in them belong to it, so doctor never edits them
    /// and never advises deleting them on a guess.
    fn dirs(&self, places: &Places) -> Vec<PathBuf>;
    /// The directory holding its Go part: removing it (as [`About::removal`] says) leaves
    /// the manager nothing of Go.
    fn go_dir(&self, places: &Places) -> PathBuf {
        self.dirs(places).into_iter().next().unwrap_or_default()
    }
    /// Whether a startup command (its code, quotes and all) sets the manager up: sources its
    /// script, evaluates its init, puts its directories on PATH or defines its variables.
    fn is_setup_line(&self, code: &str) -> bool;
    /// The version it runs outside pinned projects (`gvm use --default`, `goenv global`, …).
    fn default_version(&self, places: &Places) -> Option<Spec>;
    /// Directories where `go install` put tools while the manager chose the Go.
    fn tool_dirs(&self, places: &Places) -> Vec<PathBuf>;
    /// Whether it also manages tools other than Go, so its set-up lines must stay (gover's
    /// hook then goes after them) and only its Go part is removed.
    fn serves_others(&self, _places: &Places) -> bool {
        false
    }
    /// How to remove the manager's Go part once its versions are imported.
    fn removal(&self, places: &Places) -> String;
    /// For a manager that stays for other tools, how its own settings turn Go off.
    fn go_setting(&self, _places: &Places) -> GoSetting {
        GoSetting::Absent
    }
}

/// How a manager that stays for other tools is kept from serving Go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoSetting {
    /// It has no such setting (asdf: only `asdf plugin remove golang`), so the order of the
    /// startup lines decides.
    Absent,
    /// Go is off in its settings already.
    Off,
    /// Its settings file, and the text that turns Go off.
    Edit { file: PathBuf, content: String },
    /// Its settings are in a form gover does not edit: what to change by hand.
    Manual(String),
}

impl Manager {
    pub const ALL: [Manager; 6] =
        [Manager::Gvm, Manager::Asdf, Manager::Goenv, Manager::G, Manager::Mise, Manager::System];

    /// The managers that set themselves up in startup files.
    pub const SHELL_MANAGERS: [Manager; 5] = [Manager::Gvm, Manager::Asdf, Manager::Goenv, Manager::G, Manager::Mise];

    pub fn name(self) -> &'static str {
        match self {
            Manager::Gvm => "gvm",
            Manager::Asdf => "asdf",
            Manager::Goenv => "goenv",
            Manager::G => "g",
            Manager::Mise => "mise",
            Manager::System => "system",
        }
    }

    pub fn about(self) -> &'static dyn About {
        match self {
            Manager::Gvm => &gvm::Gvm,
            Manager::Asdf => &asdf::Asdf,
            Manager::Goenv => &goenv::Goenv,
            Manager::G => &g::G,
            Manager::Mise => &mise::Mise,
            Manager::System => &system::System,
        }
    }

    /// The manager a startup command sets up, if any.
    pub fn of_setup_line(code: &str) -> Option<Manager> {
        Manager::SHELL_MANAGERS.into_iter().find(|m| m.about().is_setup_line(code))
    }

    /// The manager whose directories hold `path`.
    pub fn owning(places: &Places, path: &Path) -> Option<Manager> {
        Manager::SHELL_MANAGERS.into_iter().find(|m| m.about().dirs(places).iter().any(|d| path.starts_with(d)))
    }
}

/// Reads an environment variable (the process's, or a test's).
pub type Lookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Where to look: the user's HOME, their environment (for the managers' *_ROOT variables),
/// and the filesystem root system installs live under.
pub struct Places<'a> {
    pub home: PathBuf,
    pub var: Lookup<'a>,
    pub system_root: PathBuf,
}

impl<'a> Places<'a> {
    /// The places of the user whose environment `process` is, HOME being `home`.
    pub fn of(process: &'a gover_shim::Process, home: PathBuf) -> Places<'a> {
        Places {
            home,
            var: Box::new(|name| process.value_str(name).map(str::to_string)),
            system_root: PathBuf::from("/"),
        }
    }

    /// `variable` when set (and absolute), else `default`.
    pub fn dir(&self, variable: &str, default: impl FnOnce() -> PathBuf) -> PathBuf {
        (self.var)(variable).filter(|v| v.starts_with('/')).map(PathBuf::from).unwrap_or_else(default)
    }

    /// `$XDG_<kind>_HOME`, else `~/<fallback>`.
    pub fn xdg(&self, variable: &str, fallback: &str) -> PathBuf {
        self.dir(variable, || self.home.join(fallback))
    }

    /// go's default GOPATH (its first entry), the base of the shared GOBIN.
    pub fn gopath(&self) -> PathBuf {
        (self.var)("GOPATH")
            .and_then(|p| p.split(':').next().map(str::to_string))
            .filter(|p| p.starts_with('/'))
            .map(PathBuf::from)
            .unwrap_or_else(|| self.home.join("go"))
    }
}

/// The entries of `dir`, sorted; none when it cannot be read.
pub fn children(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    out.sort();
    out
}

/// Whether `code` uses `$NAME` or `${NAME…}`, or assigns NAME.
pub fn mentions_variable(code: &str, name: &str) -> bool {
    let uses = |prefix: &str| {
        code.match_indices(prefix).any(|(at, _)| {
            let after = &code[at + prefix.len()..];
            after.starts_with(name) && !after[name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let assigns = code.split(|c: char| c.is_whitespace() || c == ';').any(|word| {
        word.strip_prefix(name).is_some_and(|rest| rest.starts_with('='))
            || word == name && (code.contains("set -") || code.contains("export"))
    });
    uses("$") || uses("${") || assigns
}

/// The release named by the first line of `root/VERSION` (since Go 1.21 the canonical place).
pub fn version_file(root: &Path) -> Option<GoVersion> {
    let text = std::fs::read_to_string(root.join("VERSION")).ok()?;
    GoVersion::parse(text.lines().next()?.trim())
}

/// A version as another manager writes it (`1.22.10`, `go1.22.10`), as a request; `system`
/// and anything else that names no release is no default gover can take over.
pub fn spec_of(text: &str) -> Option<Spec> {
    match Spec::parse(text.trim()) {
        Some(spec @ (Spec::Exact(_) | Spec::Line { .. })) => Some(spec),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_matched_as_words() {
        assert!(mentions_variable("export PATH=\"$GOENV_ROOT/bin:$PATH\"", "GOENV_ROOT"));
        assert!(mentions_variable(". ${ASDF_DATA_DIR:-$HOME/.asdf}/asdf.sh", "ASDF_DATA_DIR"));
        assert!(mentions_variable("export GOENV_ROOT=\"$HOME/.goenv\"", "GOENV_ROOT"));
        assert!(mentions_variable("set -Ux GOENV_ROOT $HOME/.goenv", "GOENV_ROOT"));
        assert!(!mentions_variable("echo $GOENV_ROOTS", "GOENV_ROOT"));
        assert!(!mentions_variable("export PATH=$HOME/bin:$PATH", "GOENV_ROOT"));
    }

    #[test]
    fn each_setup_line_names_its_manager() {
        let lines = [
            ("[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"", Manager::Gvm),
            ("export GOENV_ROOT=\"$HOME/.goenv\"", Manager::Goenv),
            ("export PATH=\"$GOENV_ROOT/bin:$PATH\"", Manager::Goenv),
            ("eval \"$(goenv init -)\"", Manager::Goenv),
            ("status --is-interactive; and goenv init - | source", Manager::Goenv),
            ("set -U fish_user_paths $GOENV_ROOT/bin $fish_user_paths", Manager::Goenv),
            (". \"$HOME/.asdf/asdf.sh\"", Manager::Asdf),
            ("export PATH=\"${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH\"", Manager::Asdf),
            (". ${ASDF_DATA_DIR:-$HOME/.asdf}/plugins/golang/set-env.zsh", Manager::Asdf),
            ("eval \"$(mise activate bash)\"", Manager::Mise),
            ("~/.local/bin/mise activate fish | source", Manager::Mise),
            ("export PATH=\"$HOME/.local/share/mise/shims:$PATH\"", Manager::Mise),
            ("[ -s \"${HOME}/.g/env\" ] && \\. \"${HOME}/.g/env\"  # g shell setup", Manager::G),
            ("export GOROOT=\"${HOME}/.g/go\"", Manager::G),
        ];
        for (line, manager) in lines {
            assert_eq!(Manager::of_setup_line(line), Some(manager), "{line}");
        }
        for line in ["export PATH=\"$HOME/go/bin:$PATH\"", "alias g=git", "eval \"$(gover init bash)\""] {
            assert_eq!(Manager::of_setup_line(line), None, "{line}");
        }
    }
}
