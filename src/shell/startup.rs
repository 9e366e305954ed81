//! Which startup files gover's line goes into, so that every way a shell starts finds the
//! shims (docs/src/shells.md):
//!
//! - `~/.bashrc`, near the top (above Debian's early `return`): interactive bash, and the
//!   non-interactive bash sshd starts for `ssh host go version`;
//! - `~/.profile`, at the end: login shells of every POSIX shell, and desktop sessions, so IDEs
//!   started from the desktop see the shims; bash reads it only when there is no
//!   `~/.bash_profile` (or `~/.bash_login`), so an existing one of those gets the line too;
//! - `$ZDOTDIR/.zshenv`: every zsh, interactive or not, login or not;
//! - `$XDG_CONFIG_HOME/fish/conf.d/gover.fish`: every fish.
//!
//! zsh and fish files are written only where that shell is installed or already configured.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::rc::Placement;
use super::Shell;

/// What decides the files: read once from the process so tests can supply their own.
#[derive(Clone, Debug)]
pub struct StartupEnv {
    pub home: PathBuf,
    /// `$ZDOTDIR`, where zsh reads its files instead of HOME.
    pub zdotdir: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    pub config_home: PathBuf,
    pub path: Option<OsString>,
}

/// A startup file gover's hook line goes into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookTarget {
    pub path: PathBuf,
    /// The hook it sources.
    pub shell: Shell,
    pub placement: Placement,
}

impl StartupEnv {
    pub fn from_process(process: &gover_shim::Process, home: PathBuf) -> StartupEnv {
        let abs = |name: &str| process.var_os(name).map(PathBuf::from).filter(|p| p.is_absolute());
        StartupEnv {
            zdotdir: abs("ZDOTDIR"),
            config_home: abs("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config")),
            path: process.var("PATH"),
            home,
        }
    }

    /// Where zsh reads .zshenv. A ~/.zshenv that exists is read first whatever ZDOTDIR it then
    /// sets (the usual `export ZDOTDIR=~/.config/zsh` lives in it), so it wins; a ZDOTDIR
    /// already set without one came from /etc/zsh/zshenv or the environment, and counts.
    fn zsh_dir(&self, exists: &impl Fn(&Path) -> bool) -> &Path {
        match &self.zdotdir {
            Some(dir) if !exists(&self.home.join(".zshenv")) => dir,
            _ => &self.home,
        }
    }

    pub fn fish_conf(&self) -> PathBuf {
        self.config_home.join("fish/conf.d/gover.fish")
    }

    /// The drop-in systemd's user environment generator reads (`gover setup --systemd`).
    pub fn systemd_dropin(&self) -> PathBuf {
        self.config_home.join("environment.d/50-gover.conf")
    }

    fn on_path(&self, program: &str) -> bool {
        let Some(path) = &self.path else { return false };
        std::env::split_paths(path).any(|dir| gover_shim::resolve::is_executable(&dir.join(program)))
    }

    /// The files the line goes into, given which files exist now.
    pub fn targets(&self, exists: impl Fn(&Path) -> bool) -> Vec<HookTarget> {
        let file = |path: PathBuf, shell, placement| HookTarget { path, shell, placement };
        let home = &self.home;
        let mut files = vec![
            file(home.join(".bashrc"), Shell::Bash, Placement::Top),
            file(home.join(".profile"), Shell::Sh, Placement::End),
        ];
        // bash -l reads the first of these that exists, and then not .profile.
        if let Some(bash_login) =
            [".bash_profile", ".bash_login"].iter().map(|name| home.join(name)).find(|p| exists(p))
        {
            files.push(file(bash_login, Shell::Bash, Placement::End));
        }
        let zsh_dir = self.zsh_dir(&exists);
        let zshenv = zsh_dir.join(".zshenv");
        if self.on_path("zsh") || exists(&zshenv) || exists(&zsh_dir.join(".zshrc")) {
            files.push(file(zshenv, Shell::Zsh, Placement::End));
        }
        let fish_conf = self.fish_conf();
        if self.on_path("fish") || exists(&self.config_home.join("fish")) {
            files.push(file(fish_conf, Shell::Fish, Placement::End));
        }
        files
    }

    /// Every file a gover line may be in, whatever existed when it was added (implode).
    pub fn all_candidates(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> =
            [".bashrc", ".profile", ".bash_profile", ".bash_login"].iter().map(|n| self.home.join(n)).collect();
        for name in [".zshenv", ".zprofile", ".zshrc"] {
            files.push(self.home.join(name));
            if let Some(dir) = self.zdotdir.as_ref().filter(|d| **d != self.home) {
                files.push(dir.join(name));
            }
        }
        files.push(self.fish_conf());
        files.push(self.config_home.join("fish/config.fish"));
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(path: &str) -> StartupEnv {
        StartupEnv {
            home: "/h".into(),
            zdotdir: None,
            config_home: "/h/.config".into(),
            path: Some(OsString::from(path)),
        }
    }

    fn paths(files: &[HookTarget]) -> Vec<&str> {
        files.iter().map(|f| f.path.to_str().unwrap()).collect()
    }

    #[test]
    fn bash_only_machine() {
        let files = env("/nonexistent").targets(|_| false);
        assert_eq!(paths(&files), ["/h/.bashrc", "/h/.profile"]);
        assert_eq!(files[0].placement, Placement::Top);
        assert_eq!(files[1].shell, Shell::Sh);
    }

    #[test]
    fn an_existing_bash_profile_gets_the_line_too() {
        let files = env("").targets(|p| p == Path::new("/h/.bash_profile") || p == Path::new("/h/.bash_login"));
        assert_eq!(paths(&files), ["/h/.bashrc", "/h/.profile", "/h/.bash_profile"]);
        assert_eq!(files[2].shell, Shell::Bash);
    }

    #[test]
    fn configured_zsh_and_fish_are_hooked_even_when_not_on_path() {
        let mut e = env("");
        e.zdotdir = Some("/z".into());
        let files = e.targets(|p| p == Path::new("/z/.zshrc") || p == Path::new("/h/.config/fish"));
        assert_eq!(paths(&files), ["/h/.bashrc", "/h/.profile", "/z/.zshenv", "/h/.config/fish/conf.d/gover.fish"]);
    }

    #[test]
    fn a_home_zshenv_that_sets_zdotdir_keeps_the_line() {
        let mut e = env("");
        e.zdotdir = Some("/h/.config/zsh".into());
        let files = e.targets(|p| p == Path::new("/h/.zshenv") || p == Path::new("/h/.config/zsh/.zshrc"));
        assert_eq!(paths(&files)[2], "/h/.zshenv");
    }
}
