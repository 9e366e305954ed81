//! One snapshot of the running process (rustup's `Process`): the environment variables gover
//! reads, the working directory and the effective uid. `gover` and the shim each take it once,
//! at the top of their main, and hand it down; tests, and `gover doctor` looking at an
//! environment it was given, build one from explicit values. Nothing else in gover reads
//! std::env, so what a command decides depends on nothing it was not handed.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Clone, Debug)]
pub struct Process {
    /// Names borrowed where they can be: the shim's are static, and each allocation is a
    /// measurable part of its cost.
    vars: Vec<(Cow<'static, OsStr>, OsString)>,
    /// The working directory, or the errno getcwd(2) failed with. Taken on first use: the
    /// shim running a release by name needs neither it nor the uid, and a system call is a
    /// measurable part of its cost (BENCHMARKS.md).
    cwd: OnceLock<Result<PathBuf, i32>>,
    uid: OnceLock<u32>,
}

impl Process {
    /// This process, with its whole environment (the CLI, which passes it on to what it runs
    /// and reads go's settings from it).
    pub fn current() -> Process {
        Process::of_os(std::env::vars_os().map(|(k, v)| (Cow::Owned(k), v)).collect())
    }

    /// This process, with only the variables `names` (the shim: reading a handful costs
    /// nothing, copying the whole environment would). Any other variable reads as unset.
    pub fn current_with(names: &[&'static str]) -> Process {
        let mut vars = Vec::with_capacity(names.len());
        vars.extend(names.iter().filter_map(|&name| Some((Cow::Borrowed(OsStr::new(name)), std::env::var_os(name)?))));
        Process::of_os(vars)
    }

    fn of_os(vars: Vec<(Cow<'static, OsStr>, OsString)>) -> Process {
        Process { vars, cwd: OnceLock::new(), uid: OnceLock::new() }
    }

    /// A process with exactly these variables, working directory and effective uid.
    pub fn new<K: Into<OsString>, V: Into<OsString>>(
        vars: impl IntoIterator<Item = (K, V)>,
        cwd: impl Into<PathBuf>,
        uid: u32,
    ) -> Process {
        Process {
            vars: vars.into_iter().map(|(k, v)| (Cow::Owned(k.into()), v.into())).collect(),
            cwd: OnceLock::from(Ok(cwd.into())),
            uid: OnceLock::from(uid),
        }
    }

    /// The variable `name` as it is set, empty or not.
    pub fn var_os(&self, name: &str) -> Option<&OsStr> {
        self.vars.iter().rev().find(|(k, _)| **k == *name).map(|(_, v)| v.as_os_str())
    }

    /// The variable `name` when set and not empty: how go reads its settings, and how gover
    /// reads most of its own (an empty value is the same as none).
    pub fn value(&self, name: &str) -> Option<&OsStr> {
        self.var_os(name).filter(|v| !v.is_empty())
    }

    /// [`Process::value`] when it is UTF-8.
    pub fn value_str(&self, name: &str) -> Option<&str> {
        self.value(name)?.to_str()
    }

    /// A variable's value as an owned string, for the readers that take a lookup function
    /// (`|name| process.var(name)`).
    pub fn var(&self, name: &str) -> Option<OsString> {
        self.var_os(name).map(OsStr::to_os_string)
    }

    /// Every variable, in the order the process had them.
    pub fn vars(&self) -> impl Iterator<Item = (&OsStr, &OsStr)> {
        self.vars.iter().map(|(k, v)| (&**k, v.as_os_str()))
    }

    /// Records that `name` is now `value`, for what reads it later in this process (the
    /// administrator's policy sets go's settings this way).
    pub fn set_var(&mut self, name: impl Into<OsString>, value: impl Into<OsString>) {
        let name = name.into();
        self.vars.retain(|(k, _)| **k != *name);
        self.vars.push((Cow::Owned(name), value.into()));
    }

    /// `HOME`, when set and not empty.
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.value("HOME").map(PathBuf::from)
    }

    /// An XDG base directory: `variable` when it is absolute (the specification says relative
    /// values are ignored), else `fallback` under HOME.
    pub fn xdg_dir(&self, variable: &str, fallback: &str) -> Option<PathBuf> {
        let set = self.value(variable).map(PathBuf::from).filter(|p| p.is_absolute());
        set.or_else(|| Some(self.home_dir()?.join(fallback)))
    }

    pub fn cwd(&self) -> io::Result<&Path> {
        let cwd = self.cwd.get_or_init(|| {
            // getcwd(2) fails only with an errno, so the error can be made again each time.
            std::env::current_dir().map_err(|e| e.raw_os_error().unwrap_or(ENOENT))
        });
        cwd.as_deref().map_err(|code| io::Error::from_raw_os_error(*code))
    }

    /// The effective uid: the user whose files count.
    pub fn uid(&self) -> u32 {
        *self.uid.get_or_init(crate::trust::effective_uid)
    }
}

/// What getcwd(2) reports for a working directory that was removed.
const ENOENT: i32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_was_given() {
        let mut p = Process::new([("A", "1"), ("EMPTY", "")], "/w", 7);
        assert_eq!(p.var_os("A"), Some(OsStr::new("1")));
        assert_eq!((p.var_os("EMPTY"), p.value("EMPTY")), (Some(OsStr::new("")), None));
        assert_eq!(p.var_os("B"), None);
        assert_eq!((p.cwd().unwrap(), p.uid()), (Path::new("/w"), 7));
        p.set_var("A", "2");
        let xdg = |vars: &[(&str, &str)]| Process::new(vars.iter().copied(), "/", 0).xdg_dir("XDG_X", ".x");
        assert_eq!(xdg(&[("XDG_X", "/x"), ("HOME", "/h")]), Some("/x".into()));
        assert_eq!(xdg(&[("XDG_X", "rel"), ("HOME", "/h")]), Some("/h/.x".into()));
        assert_eq!(xdg(&[("XDG_X", "")]), None);
        assert_eq!((p.value_str("A"), p.vars().count()), (Some("2"), 2));
    }
}
