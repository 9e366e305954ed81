//! Every per-user startup file of each shell, in the order the shell reads it and when: one
//! table (`TABLE`) that setup (which files get gover's line), doctor (which files it reads to
//! explain PATH, and where it adds a line), implode (which files it cleans) and the reconciler
//! (which syntax a file is in) all ask, so they cannot disagree about where a shell looks. The
//! book has the same table for users (docs/src/shells.md).
//!
//! gover's line goes where every way a shell starts finds it:
//!
//! - `~/.bashrc`, near the top (above Debian's early `return`): interactive bash, and the
//!   non-interactive bash sshd starts for `ssh host go version`;
//! - `~/.profile`, at the end: login shells of every POSIX shell, and desktop sessions, so IDEs
//!   started from the desktop see the shims; bash reads it only when there is no
//!   `~/.bash_profile` (or `~/.bash_login`), so an existing one of those gets the line too;
//! - `.zshenv`: every zsh, interactive or not, login or not (where: [`StartupEnv::zshenv_dir`]);
//! - `$XDG_CONFIG_HOME/fish/conf.d/gover.fish`: every fish.
//!
//! zsh and fish files are written only where that shell is installed or already configured.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::rc::Placement;
use super::syntax::Dialect;
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

/// The shells whose startup files gover reads (sh's one file, `~/.profile`, is also bash's
/// last login file, and is read as bash's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StartupShell {
    Bash,
    Zsh,
    Fish,
}

impl StartupShell {
    pub fn name(self) -> &'static str {
        match self {
            StartupShell::Bash => "bash",
            StartupShell::Zsh => "zsh",
            StartupShell::Fish => "fish",
        }
    }

    /// The shell named by a `$SHELL` value such as `/usr/bin/zsh`.
    pub fn from_program(program: &str) -> Option<StartupShell> {
        match Path::new(program).file_name()?.to_str()? {
            "bash" => Some(StartupShell::Bash),
            "zsh" => Some(StartupShell::Zsh),
            "fish" => Some(StartupShell::Fish),
            _ => None,
        }
    }

    pub fn dialect(self) -> Dialect {
        match self {
            StartupShell::Fish => Dialect::Fish,
            StartupShell::Bash => Dialect::Posix,
            StartupShell::Zsh => Dialect::Zsh,
        }
    }

    /// The shell whose startup file `path` is, by its name in `TABLE` (the leading dot
    /// optional, so `/etc/zsh/zshrc` is zsh's too).
    pub fn of_file(path: &Path) -> Option<StartupShell> {
        let name = path.file_name()?.to_str()?;
        let bare = name.strip_prefix('.').unwrap_or(name);
        TABLE.iter().find(|row| row.name.strip_prefix('.') == Some(bare)).map(|row| row.shell)
    }
}

/// When a shell reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reads {
    /// Every shell of that kind, scripts included (`.zshenv`, fish's config).
    Always,
    /// Login shells (a desktop session, `ssh host`, `bash -l`).
    Login,
    /// Interactive shells (a terminal tab).
    Interactive,
    /// When a login shell exits: nothing there can set up a shell, so doctor does not read it.
    Logout,
}

/// A per-user startup file and which shell reads it, in reading order per shell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StartupFile {
    pub path: PathBuf,
    pub shell: StartupShell,
    pub reads: Reads,
}

/// The directory a row's file is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Home,
    /// Where zsh reads `.zshenv`: [`StartupEnv::zshenv_dir`].
    ZshEnv,
    /// `$ZDOTDIR`, else HOME: where zsh reads the rest, once `.zshenv` has run (and perhaps
    /// set ZDOTDIR).
    Zdot,
    /// `$XDG_CONFIG_HOME/fish`.
    FishConfig,
}

/// Whether gover's line goes into a row's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hook {
    No,
    /// Always: this shell's hook, at this place.
    Always(Shell, Placement),
    /// Only into a file that exists and is the first of the shell's login files that does:
    /// bash reads only that one, and a new `.bash_profile` would hide `.profile`.
    FirstLogin(Shell),
    /// Only where the shell is installed or already configured, at the end.
    WhereUsed(Shell),
}

/// One startup file of a shell. A `name` with `*` stands for every file that matches, read in
/// name order; gover's own file there is the one named `gover`.
#[derive(Debug)]
struct Row {
    shell: StartupShell,
    reads: Reads,
    dir: Dir,
    name: &'static str,
    hook: Hook,
}

const fn row(shell: StartupShell, reads: Reads, dir: Dir, name: &'static str, hook: Hook) -> Row {
    Row { shell, reads, dir, name, hook }
}

/// Every shell's startup files in the order it reads them (zsh(1) STARTUP/SHUTDOWN FILES,
/// bash(1) INVOCATION, fish's `conf.d` before `config.fish`).
const TABLE: [Row; 12] = {
    use Dir::{FishConfig, Home, Zdot, ZshEnv};
    use Reads::{Always, Interactive, Login, Logout};
    use StartupShell::{Bash, Fish, Zsh};
    [
        // bash -l reads the first of these three that exists, and no other.
        row(Bash, Login, Home, ".bash_profile", Hook::FirstLogin(Shell::Bash)),
        row(Bash, Login, Home, ".bash_login", Hook::FirstLogin(Shell::Bash)),
        // Every POSIX login shell's, and the desktop session's: sh's hook, always.
        row(Bash, Login, Home, ".profile", Hook::Always(Shell::Sh, Placement::End)),
        // Interactive non-login bash, and the bash sshd starts for `ssh host cmd`: above
        // Debian's early `return` for non-interactive shells.
        row(Bash, Interactive, Home, ".bashrc", Hook::Always(Shell::Bash, Placement::Top)),
        row(Bash, Logout, Home, ".bash_logout", Hook::No),
        row(Zsh, Always, ZshEnv, ".zshenv", Hook::WhereUsed(Shell::Zsh)),
        row(Zsh, Login, Zdot, ".zprofile", Hook::No),
        row(Zsh, Interactive, Zdot, ".zshrc", Hook::No),
        row(Zsh, Login, Zdot, ".zlogin", Hook::No),
        row(Zsh, Logout, Zdot, ".zlogout", Hook::No),
        row(Fish, Always, FishConfig, "conf.d/*.fish", Hook::WhereUsed(Shell::Fish)),
        row(Fish, Always, FishConfig, "config.fish", Hook::No),
    ]
};

impl Row {
    /// The file in `dir` and, for a `*` name, every file in `dir` that matches, in name order,
    /// from `entries` (a directory's entries).
    fn paths(&self, dir: &Path, entries: &impl Fn(&Path) -> Vec<PathBuf>) -> Vec<PathBuf> {
        let Some((prefix, suffix)) = self.name.split_once('*') else { return vec![dir.join(self.name)] };
        let (subdir, prefix) = prefix.rsplit_once('/').map_or(("", prefix), |(d, p)| (d, p));
        let mut matching: Vec<PathBuf> = entries(&dir.join(subdir))
            .into_iter()
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
            })
            .collect();
        matching.sort();
        matching
    }

    /// gover's own file of a `*` row (`conf.d/gover.fish`); the file itself otherwise.
    fn own_file(&self, dir: &Path) -> PathBuf {
        dir.join(self.name.replacen('*', "gover", 1))
    }
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
    fn zshenv_dir(&self, exists: &impl Fn(&Path) -> bool) -> &Path {
        match &self.zdotdir {
            Some(dir) if !exists(&self.home.join(".zshenv")) => dir,
            _ => &self.home,
        }
    }

    /// The `.zshenv` a new zsh reads first.
    pub fn zshenv(&self, exists: impl Fn(&Path) -> bool) -> PathBuf {
        let row = TABLE.iter().find(|row| row.dir == Dir::ZshEnv).expect("zsh reads a .zshenv");
        row.own_file(&self.dir(row.dir, &exists))
    }

    fn dir(&self, dir: Dir, exists: &impl Fn(&Path) -> bool) -> PathBuf {
        match dir {
            Dir::Home => self.home.clone(),
            Dir::ZshEnv => self.zshenv_dir(exists).to_path_buf(),
            Dir::Zdot => self.zdotdir.clone().unwrap_or_else(|| self.home.clone()),
            Dir::FishConfig => self.config_home.join("fish"),
        }
    }

    /// The drop-in systemd's user environment generator reads (`gover setup --systemd`).
    pub fn systemd_dropin(&self) -> PathBuf {
        self.config_home.join("environment.d/50-gover.conf")
    }

    fn on_path(&self, program: &str) -> bool {
        let Some(path) = &self.path else { return false };
        std::env::split_paths(path).any(|dir| gover_shim::resolve::is_executable(&dir.join(program)))
    }

    /// Whether the user runs `shell`: it is installed, or one of its startup files (or fish's
    /// configuration directory) is there.
    fn in_use(&self, shell: StartupShell, exists: &impl Fn(&Path) -> bool) -> bool {
        self.on_path(shell.name())
            || (shell == StartupShell::Fish && exists(&self.dir(Dir::FishConfig, exists)))
            || TABLE
                .iter()
                .filter(|row| row.shell == shell && row.reads != Reads::Logout && !row.name.contains('*'))
                .any(|row| exists(&self.dir(row.dir, exists).join(row.name)))
    }

    /// The files the line goes into, given which files exist now.
    pub fn targets(&self, exists: impl Fn(&Path) -> bool) -> Vec<HookTarget> {
        let mut files = Vec::new();
        let mut login_found = Vec::new();
        for row in &TABLE {
            let dir = self.dir(row.dir, &exists);
            let path = row.own_file(&dir);
            let first_login = row.reads == Reads::Login && exists(&path) && !login_found.contains(&row.shell);
            if first_login {
                login_found.push(row.shell);
            }
            let (shell, placement) = match row.hook {
                Hook::Always(shell, placement) => (shell, placement),
                Hook::FirstLogin(shell) if first_login => (shell, Placement::End),
                Hook::WhereUsed(shell) if self.in_use(row.shell, &exists) => (shell, Placement::End),
                _ => continue,
            };
            files.push(HookTarget { path, shell, placement });
        }
        files
    }

    /// The files each shell reads as it starts, in the order it reads them, given which files
    /// exist and a directory's entries (doctor reads these; bash reads only the first of its
    /// login files that exists).
    pub fn files(&self, exists: impl Fn(&Path) -> bool, entries: impl Fn(&Path) -> Vec<PathBuf>) -> Vec<StartupFile> {
        let mut files = Vec::new();
        for row in TABLE.iter().filter(|row| row.reads != Reads::Logout) {
            for path in row.paths(&self.dir(row.dir, &exists), &entries) {
                files.push(StartupFile { path, shell: row.shell, reads: row.reads });
            }
        }
        files
    }

    /// Every file a gover line may be in, whatever existed when it was added and wherever
    /// ZDOTDIR pointed then (implode).
    pub fn every_file(&self, entries: impl Fn(&Path) -> Vec<PathBuf>) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for row in TABLE.iter().filter(|row| row.reads != Reads::Logout) {
            let dirs = match row.dir {
                Dir::ZshEnv | Dir::Zdot => [Some(self.home.clone()), self.zdotdir.clone()],
                other => [Some(self.dir(other, &|_| false)), None],
            };
            for dir in dirs.iter().flatten() {
                for path in [row.own_file(dir)].into_iter().chain(row.paths(dir, &entries)) {
                    if !files.contains(&path) {
                        files.push(path);
                    }
                }
            }
        }
        files
    }

    /// The last file an interactive shell of `shell` reads (`.bashrc`, `.zshrc`,
    /// `config.fish`): a line added there is the one that wins.
    pub fn last_interactive(&self, shell: StartupShell, exists: impl Fn(&Path) -> bool) -> PathBuf {
        let row = TABLE
            .iter()
            .rev()
            .find(|row| row.shell == shell && matches!(row.reads, Reads::Always | Reads::Interactive))
            .expect("every shell has a file its interactive shells read");
        row.own_file(&self.dir(row.dir, &exists))
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

    fn only(files: &'static [&'static str]) -> impl Fn(&Path) -> bool {
        move |p: &Path| files.iter().any(|f| p == Path::new(f))
    }

    #[test]
    fn bash_only_machine() {
        let files = env("/nonexistent").targets(|_| false);
        assert_eq!(paths(&files), ["/h/.profile", "/h/.bashrc"]);
        assert_eq!(files[0].shell, Shell::Sh);
        assert_eq!(files[1].placement, Placement::Top);
    }

    #[test]
    fn only_the_first_existing_bash_login_file_gets_the_line_too() {
        let files = env("").targets(only(&["/h/.bash_profile", "/h/.bash_login"]));
        assert_eq!(paths(&files), ["/h/.bash_profile", "/h/.profile", "/h/.bashrc"]);
        assert_eq!(files[0].shell, Shell::Bash);
        let files = env("").targets(only(&["/h/.bash_login"]));
        assert_eq!(paths(&files), ["/h/.bash_login", "/h/.profile", "/h/.bashrc"]);
    }

    #[test]
    fn configured_zsh_and_fish_are_hooked_even_when_not_on_path() {
        let mut e = env("");
        e.zdotdir = Some("/z".into());
        let files = e.targets(only(&["/z/.zshrc", "/h/.config/fish"]));
        assert_eq!(paths(&files), ["/h/.profile", "/h/.bashrc", "/z/.zshenv", "/h/.config/fish/conf.d/gover.fish"]);
    }

    #[test]
    fn a_home_zshenv_that_sets_zdotdir_keeps_the_line_and_the_rest_is_read_under_zdotdir() {
        let mut e = env("");
        e.zdotdir = Some("/h/.config/zsh".into());
        let exists = only(&["/h/.zshenv", "/h/.config/zsh/.zshrc"]);
        assert_eq!(paths(&e.targets(&exists))[2], "/h/.zshenv");
        let zsh: Vec<String> = e
            .files(&exists, |_| Vec::new())
            .into_iter()
            .filter(|f| f.shell == StartupShell::Zsh)
            .map(|f| f.path.display().to_string())
            .collect();
        assert_eq!(zsh, ["/h/.zshenv", "/h/.config/zsh/.zprofile", "/h/.config/zsh/.zshrc", "/h/.config/zsh/.zlogin"]);
        assert_eq!(e.last_interactive(StartupShell::Zsh, &exists), Path::new("/h/.config/zsh/.zshrc"));
    }

    #[test]
    fn files_in_reading_order_with_fish_conf_d_before_config_fish() {
        let e = env("");
        let conf_d = |dir: &Path| {
            assert_eq!(dir, Path::new("/h/.config/fish/conf.d"));
            vec![dir.join("z.fish"), dir.join("notes.txt"), dir.join("a.fish")]
        };
        let files = e.files(|_| false, conf_d);
        let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(&paths[..4], ["/h/.bash_profile", "/h/.bash_login", "/h/.profile", "/h/.bashrc"]);
        assert_eq!(
            &paths[paths.len() - 3..],
            ["/h/.config/fish/conf.d/a.fish", "/h/.config/fish/conf.d/z.fish", "/h/.config/fish/config.fish"]
        );
        assert!(!paths.iter().any(|p| p.ends_with("logout")), "{paths:?}");
    }

    #[test]
    fn every_file_covers_both_zsh_directories_and_gover_fish() {
        let mut e = env("");
        e.zdotdir = Some("/z".into());
        let files = e.every_file(|_| Vec::new());
        for f in
            ["/h/.bashrc", "/h/.zshenv", "/z/.zshenv", "/z/.zshrc", "/h/.zlogin", "/h/.config/fish/conf.d/gover.fish"]
        {
            assert!(files.contains(&PathBuf::from(f)), "{f} missing from {files:?}");
        }
    }

    #[test]
    fn startup_files_are_known_by_name() {
        assert_eq!(StartupShell::of_file(Path::new("/h/.zlogout")), Some(StartupShell::Zsh));
        assert_eq!(StartupShell::of_file(Path::new("/etc/zsh/zshrc")), Some(StartupShell::Zsh));
        assert_eq!(StartupShell::of_file(Path::new("/h/.bash_profile")), Some(StartupShell::Bash));
        assert_eq!(StartupShell::of_file(Path::new("/h/notes.zsh")), None);
    }
}
