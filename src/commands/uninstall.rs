//! `gover uninstall <version>`: remove an installed version, refusing to pull the global
//! default out from under every directory that relies on it, or a tree out from under a go
//! that is running from it, unless `--force`.
//!
//! A running `go build` keeps its own open files, but it reads GOROOT/src and execs
//! GOROOT/pkg/tool/*/compile by path as it goes, so removing (or even renaming) the tree breaks
//! it. The shim must stay a few stats and an exec, so it takes no lock; instead uninstall
//! looks for processes whose executable lies in the tree (/proc/<pid>/exe: the go itself and
//! any compile or link it started), before and again after renaming the tree aside: a go that
//! started in between shows up under the new name, and the tree is put back.

use std::fs;
use std::path::{Path, PathBuf};

use gover_shim::pin::PinFile;
use gover_shim::{GoVersion, Spec};

use crate::app::App;
use crate::error::{Error, Kind, Result};
use crate::output::outln;
use crate::store::Store;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The version to remove: 1.22.10, go1.22.10, or 1.22 when one 1.22.x is installed; or a
    /// link's name, which removes the name and never the tree
    #[arg(value_name = "VERSION")]
    pub version: String,
    /// Remove it even if the global default uses it or a running go uses it
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let store = &app.store;
    if Spec::parse(&args.version).is_none() && app.is_link(&args.version) {
        return unlink(app, &args.version, args.force);
    }
    store.sweep_leftovers();
    let installed = store.installed();
    let version = pick_installed(&args.version, &installed)?;
    if !args.force {
        refuse_if_global(app, &version, &installed)?;
    }
    let _lock = store.lock_version(&version, || {
        outln!(app.out, Status, "waiting for another gover working on {version}...");
    })?;
    let dir = store.home().version_dir(&version);
    if !dir.exists() {
        outln!(app.out, Info, "{version} is not installed");
        return Ok(());
    }
    remove_installed(store, &version, args.force)?;
    outln!(app.out, Info, "removed {version}");
    Ok(())
}

/// Takes `version`'s tree out of versions/ by one rename, then deletes it, unless a running
/// go uses it (it stays, and the error names the processes); `force` skips that check. Call
/// with the version's lock held.
pub fn remove_installed(store: &Store, version: &GoVersion, force: bool) -> Result<()> {
    if !force {
        refuse_if_running(version, &store.home().version_dir(version))?;
    }
    let trash = store.retire_version(version)?;
    if !force {
        if let Err(err) = refuse_if_running(version, &trash) {
            store.restore_version(version, &trash)?;
            return Err(err);
        }
    }
    store.delete_retired(&trash)?;
    // go must no longer find it on PATH by its name.
    store.sync_release_names()
}

/// `gover uninstall NAME` for a link: the name goes, the tree stays as it is. As for a version,
/// a link the global default names stays unless `--force`.
fn unlink(app: &App, name: &str, force: bool) -> Result<()> {
    let path = app.store.home().global_file();
    if let (Ok(Some(pin)), false) = (PinFile::GoVersion.read(&path), force) {
        if pin.spec == Spec::Link(name.to_string()) {
            return Err(global_default(name, &path, &pin.spec));
        }
    }
    let tree = crate::links::remove(&app.store, name)?;
    outln!(app.out, Info, "removed the link {name}; {} is untouched", tree.display());
    Ok(())
}

fn refuse_if_running(version: &GoVersion, dir: &Path) -> Result<()> {
    let running = processes_running_from(dir);
    if running.is_empty() {
        return Ok(());
    }
    let mut err = Error::failure(format!(
        "{version} is in use by {} running process{}",
        running.len(),
        if running.len() == 1 { "" } else { "es" }
    ));
    const SHOWN: usize = 5;
    for (pid, exe) in running.iter().take(SHOWN) {
        err = err.cause(format!("pid {pid} runs {}", exe.display()));
    }
    if running.len() > SHOWN {
        err = err.cause(format!("and {} more", running.len() - SHOWN));
    }
    Err(err.hint(format!(
        "removing it now would break them mid-build; wait for them to finish (or stop them) and run gover uninstall \
         {version} again, or use --force"
    )))
}

/// Processes (other than this one) whose executable lies under `dir`, with that executable.
/// Only processes whose /proc entry this user may read are seen: one's own, or all for root.
fn processes_running_from(dir: &Path) -> Vec<(u32, PathBuf)> {
    let Ok(dir) = fs::canonicalize(dir) else { return Vec::new() };
    let me = std::process::id();
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = fs::read_link(entry.path().join("exe")).ok()?;
            (pid != me && runs_from(&exe, &dir)).then_some((pid, exe))
        })
        .collect();
    found.sort();
    found
}

/// Whether the target of a /proc/<pid>/exe link is inside `dir` (a canonical path). The
/// kernel marks an executable unlinked since it started with a " (deleted)" suffix.
fn runs_from(exe: &Path, dir: &Path) -> bool {
    let text = exe.to_string_lossy();
    Path::new(text.strip_suffix(" (deleted)").unwrap_or(&text)).starts_with(dir)
}

/// The installed version `text` names; a line (`1.22`) only when it names exactly one.
fn pick_installed(text: &str, installed: &[GoVersion]) -> Result<GoVersion> {
    let spec = match Spec::parse(text) {
        Some(spec @ (Spec::Exact(_) | Spec::Line { .. })) => spec,
        _ => {
            return Err(Error::usage(format!("{text:?} does not name one version"))
                .hint("give the exact version, as gover list shows it: gover uninstall go1.22.10"))
        }
    };
    let matching: Vec<&GoVersion> = installed.iter().filter(|v| spec.matches(v)).collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let names: Vec<String> = installed.iter().map(|v| v.to_string()).collect();
            let err = Error::new(Kind::NotInstalled, format!("go{spec} is not installed"))
                .hint("nothing to remove; see what is installed with: gover list");
            Err(if names.is_empty() {
                err.cause("no versions are installed")
            } else {
                err.cause(format!("installed: {}", names.join(", ")))
            })
        }
        many => {
            let names: Vec<String> = many.iter().map(|v| v.to_string()).collect();
            Err(Error::usage(format!("{text} matches {} installed versions: {}", many.len(), names.join(", ")))
                .hint("name the exact one: gover uninstall <version>"))
        }
    }
}

/// The global default resolves to `version` among what is installed, and nothing else
/// would take its place once it is gone.
fn refuse_if_global(app: &App, version: &GoVersion, installed: &[GoVersion]) -> Result<()> {
    let path = app.store.home().global_file();
    let Ok(Some(pin)) = PinFile::GoVersion.read(&path) else { return Ok(()) };
    if pin.spec.pick(installed) != Some(version) {
        return Ok(());
    }
    let others: Vec<&GoVersion> = installed.iter().filter(|v| *v != version).collect();
    if pin.spec.pick(others).is_some() {
        return Ok(());
    }
    Err(global_default(&version.to_string(), &path, &pin.spec))
}

/// Uninstalling `name` would take away the global default, which `file` sets to `spec`.
fn global_default(name: &str, file: &Path, spec: &Spec) -> Error {
    Error::failure(format!("{name} is the global default ({} says {spec})", file.display()))
        .cause("without it, go would fail everywhere no pin file applies")
        .hint(format!("choose another default first (gover global <version>), or run gover uninstall --force {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(names: &[&str]) -> Vec<GoVersion> {
        names.iter().map(|n| GoVersion::parse(n).unwrap()).collect()
    }

    #[test]
    fn executables_inside_the_tree() {
        let dir = Path::new("/g/versions/go1.22.10");
        assert!(runs_from(Path::new("/g/versions/go1.22.10/bin/go"), dir));
        assert!(runs_from(Path::new("/g/versions/go1.22.10/pkg/tool/linux_amd64/compile (deleted)"), dir));
        assert!(!runs_from(Path::new("/g/versions/go1.22.100/bin/go"), dir));
        assert!(!runs_from(Path::new("/usr/bin/go"), dir));
    }

    #[test]
    fn finds_a_process_running_from_the_tree() {
        let tree = tempfile::tempdir().unwrap();
        let sleep = tree.path().join("bin/sleep");
        fs::create_dir_all(sleep.parent().unwrap()).unwrap();
        fs::copy("/bin/sleep", &sleep).unwrap();
        let mut child = std::process::Command::new(&sleep).arg("30").spawn().unwrap();
        let found = processes_running_from(tree.path());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(found, [(child.id(), fs::canonicalize(&sleep).unwrap())]);
        assert!(processes_running_from(tree.path()).is_empty());
        assert!(processes_running_from(Path::new("/nonexistent/gover")).is_empty());
    }

    #[test]
    fn picks_exactly_one() {
        let installed = versions(&["go1.21.13", "go1.22.9", "go1.22.10"]);
        assert_eq!(pick_installed("1.21", &installed).unwrap().to_string(), "go1.21.13");
        assert_eq!(pick_installed("go1.22.9", &installed).unwrap().to_string(), "go1.22.9");
        assert_eq!(pick_installed("1.22", &installed).unwrap_err().kind, Kind::Usage);
        assert_eq!(pick_installed("1.23.0", &installed).unwrap_err().kind, Kind::NotInstalled);
        assert_eq!(pick_installed("latest", &installed).unwrap_err().kind, Kind::Usage);
    }
}
