//! Ctrl-C (SIGINT) and SIGTERM during an install: stop, remove the staging tree, keep the
//! partial download for the next run to resume, say so, and exit 130 or 143 (128 + the signal,
//! as shells report a death by that signal).
//!
//! A thread waits for the signal and raises a flag that the download and unpack loop checks
//! on every read, so the install stops within a read and unwinds normally (destructors remove
//! staging). A read can block for as long as the network timeout; if the install has not
//! stopped after a short grace, the thread removes the staging trees registered here itself
//! and exits.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};

use crate::error::Error;

/// The signal received, 0 before any.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Staging trees that exist now; the thread deletes them if it has to exit on its own. Held
/// across a commit's rename, so a tree is never deleted while it becomes a version.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// How long the install gets to stop by itself: it notices within one read unless a read is
/// stuck on a silent network.
const GRACE: Duration = Duration::from_millis(1500);
static WATCH: Once = Once::new();

/// From now on, SIGINT and SIGTERM interrupt the process as described above.
pub fn watch() {
    WATCH.call_once(|| {
        // Without the handler (it cannot fail on Linux), the default action still kills.
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
        std::thread::spawn(move || {
            let Some(signal) = signals.forever().next() else { return };
            SIGNAL.store(signal, Ordering::SeqCst);
            std::thread::sleep(GRACE);
            let staged = STAGING.lock().unwrap_or_else(|e| e.into_inner());
            for path in staged.iter() {
                let _ = std::fs::remove_dir_all(path);
            }
            eprint!("{}", error(signal).render());
            std::process::exit(exit_code(signal));
        });
    });
}

/// The signal that interrupted the process, if any.
pub fn signal() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
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
    Error::new(exit_code(signal), format!("interrupted by {}; nothing was installed", name(signal)))
        .hint("run the same command to resume (the part downloaded so far is kept in GOVER_HOME/downloads)")
}

fn exit_code(signal: i32) -> i32 {
    128 + signal
}

fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "Ctrl-C",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// Registers a staging tree for removal should the process have to exit on its own.
pub fn track_staging(path: &Path) {
    STAGING.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
}

/// Runs `commit` (the rename that turns `path` into a version) with the staging list held,
/// then forgets `path`.
pub fn untrack_staging<T>(path: &Path, commit: impl FnOnce() -> T) -> T {
    let mut staged = STAGING.lock().unwrap_or_else(|e| e.into_inner());
    let result = commit();
    staged.retain(|p| p != path);
    result
}
