//! Taking an installed version out (`gover uninstall`, `gover prune`) without pulling its tree
//! out from under a go running from it.
//!
//! A running `go build` keeps its own open files, but it reads GOROOT/src and execs
//! GOROOT/pkg/tool/*/compile by path as it goes, so removing (or even renaming) the tree breaks
//! it. The shim must stay a few stats and an exec, so it takes no lock; instead removal
//! looks for processes whose executable lies in the tree (/proc/<pid>/exe: the go itself and
//! any compile or link it started), before and again after renaming the tree aside: a go that
//! started in between shows up under the new name, and the tree is put back.

use std::fs;
use std::path::{Path, PathBuf};

use gover_shim::GoVersion;

use crate::app::App;
use crate::error::{Error, Result};

/// Takes `version`'s tree out of versions/ by one rename, then deletes it, unless a running
/// go uses it (it stays, and the error names the processes); `force` skips that check. Call
/// with the version's lock held.
pub fn remove_installed(app: &App, version: &GoVersion, force: bool) -> Result<()> {
    let store = &app.store;
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
    store.sync_release_names(&app.process)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
