//! Ctrl-C (SIGINT) and SIGTERM during an install, an import, a mirror sync or an upgrade:
//! stop, remove the staging tree or temporary file, keep what is whole (a partial download
//! for the next run to resume, a mirror's verified files, pins already moved), say so, and
//! exit 130 or 143 (128 + the signal, as shells report a death by that signal).
//!
//! The signal handler raises a flag that the download and unpack loop (and the import's copy,
//! the mirror's fetches, the upgrade's pin writes) checks on every read or file, so the command
//! stops within one and unwinds normally (destructors remove staging). A read can block for as
//! long as the network timeout, and an import waits for the `go version` it runs; so a thread
//! also waits for the signal and, if the command has not stopped after a short grace, removes
//! the staging trees and temporary files registered here itself and exits.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};

use crate::error::{Error, Kind, Result};

/// The signal received, 0 before any: set by the handler itself, so the thread the signal
/// interrupted sees it at its very next check.
static SIGNAL: LazyLock<Arc<AtomicUsize>> = LazyLock::new(|| Arc::new(AtomicUsize::new(0)));
/// Staging trees and temporary files that exist now; the thread deletes them if it has to exit
/// on its own. Held across a commit's rename, so a tree is never deleted while it becomes a
/// version.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// How long the command gets to stop by itself: it notices within one read unless a read is
/// stuck on a silent network (or an import waits for a `go version` that does not end).
const GRACE: Duration = Duration::from_millis(1500);
/// What is being interrupted, set by `watch`.
static JOB: Mutex<Option<Job>> = Mutex::new(None);

/// What a command does, for what its interruption says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Downloads and installs: what was downloaded is kept for the next run.
    Install,
    /// Imports other managers' trees: versions imported so far stay, the rest is left as it was.
    Import,
    /// Fetches releases into a mirror: each file appears whole or not at all.
    Mirror,
    /// Installs the newest patches, before any pin is moved.
    Upgrade,
    /// Moves pins, at least one of which has moved.
    MovingPins,
    /// Rebuilds `go install`ed tools, each replaced only once its new build is whole.
    Rebuild,
}

/// From now on, SIGINT and SIGTERM interrupt the process, which is doing `job`, as described
/// above; a later call says the command has moved on to another job.
pub fn watch(job: Job) {
    let mut current = JOB.lock().unwrap_or_else(|e| e.into_inner());
    if current.replace(job).is_none() {
        // Without the handlers (they cannot fail on Linux), the default action still kills.
        for signal in [SIGINT, SIGTERM] {
            let _ = signal_hook::flag::register_usize(signal, Arc::clone(&SIGNAL), signal as usize);
        }
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
        std::thread::spawn(move || {
            let Some(signal) = signals.forever().next() else { return };
            std::thread::sleep(GRACE);
            let temporary = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
            for path in temporary.iter() {
                let _ = std::fs::remove_dir_all(path).or_else(|_| std::fs::remove_file(path));
            }
            crate::output::error(&error(signal));
            std::process::exit(kind(signal).exit_code());
        });
    }
}

/// The signal that interrupted the process, if any.
pub fn signal() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal as i32),
    }
}

/// An I/O error once a signal has arrived, for readers to stop on.
pub fn check() -> io::Result<()> {
    match signal() {
        None => Ok(()),
        Some(signal) => Err(io::Error::other(format!("interrupted by {}", name(signal)))),
    }
}

/// What the command ends with after `signal`.
pub fn error(signal: i32) -> Error {
    let name = name(signal);
    let job = *JOB.lock().unwrap_or_else(|e| e.into_inner());
    let stopped = |what: &str| Error::new(kind(signal), format!("interrupted by {name}; {what}"));
    let resume_download = "run the same command to resume (the part downloaded so far is kept in GOVER_HOME/downloads)";
    match job {
        Some(Job::Import) => stopped("the import stopped")
            .cause("the version or tool it was bringing over was left out, not half-done")
            .hint("run the same command to resume (what was imported so far is kept, and skipped)"),
        Some(Job::Mirror) => stopped("the mirror sync stopped")
            .cause("the file it was fetching was not written; every file in the mirror is whole and verified")
            .cause("`list` and `index.json` name the new files once a sync completes")
            .hint("run the same command to resume (what is in place is kept, and skipped)"),
        Some(Job::Upgrade) => stopped("the upgrade stopped before moving any pin").hint(resume_download),
        Some(Job::MovingPins) => stopped("the upgrade stopped moving pins")
            .cause(
                "the pins it moved are listed above (`changed …`), each written whole, and their old content backed up",
            )
            .hint("run the same command to move the rest; gover doctor --undo puts back those moved"),
        Some(Job::Rebuild) => stopped("the rebuild stopped")
            .cause("the tool it was building is left as it was; those rebuilt before it stay rebuilt")
            .hint("run the same command to rebuild the rest"),
        Some(Job::Install) | None => stopped("nothing was installed").hint(resume_download),
    }
}

/// `Err` with the command's interruption once a signal has arrived.
pub fn stop_if_signalled() -> Result<()> {
    match signal() {
        None => Ok(()),
        Some(signal) => Err(error(signal)),
    }
}

/// Only SIGINT and SIGTERM are watched.
fn kind(signal: i32) -> Kind {
    match signal {
        SIGINT => Kind::Interrupted,
        _ => Kind::Terminated,
    }
}

fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "Ctrl-C",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// Registers a staging tree or a temporary file for removal should the process have to exit on
/// its own.
pub fn track_temporary(path: &Path) {
    TEMPORARY.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
}

/// Runs `commit` (the rename that turns `path` into a version, or whatever ends its life as a
/// temporary) with the list held, then forgets `path`.
pub fn untrack_temporary<T>(path: &Path, commit: impl FnOnce() -> T) -> T {
    let mut temporary = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
    let result = commit();
    temporary.retain(|p| p != path);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exits_as_a_shell_reports_a_death_by_the_signal() {
        for signal in [SIGINT, SIGTERM] {
            assert_eq!(kind(signal).exit_code(), 128 + signal);
        }
    }
}
