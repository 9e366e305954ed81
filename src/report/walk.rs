//! Finding the directories that hold pin files under the trees a report covers.
//!
//! As fast as `find` over the same trees: one listing per directory and the entry types the
//! listing gives (no `stat` per file). Symbolic links to directories are not followed, and a
//! directory met twice (a bind mount of its parent) is walked once, so no tree loops. A
//! directory that cannot be listed is a problem to report, not a reason to stop. Skipped:
//! `.git` and `node_modules` (by name), and the places whose pin files are not projects' (by
//! path): gover's own stores and Go's module cache. A skipped directory named on the command
//! line is walked.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use gover_shim::pin::PinFile;

/// Directory names never descended into: version control and JavaScript dependencies hold
/// no pins of the machine's projects, and can be most of a tree's directories.
pub const SKIPPED_NAMES: [&str; 2] = [".git", "node_modules"];

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// The directories with an entry that may be a pin file, in walk order.
    pub pin_dirs: Vec<PathBuf>,
    /// The directories that could not be listed, and why.
    pub unreadable: Vec<(PathBuf, std::io::Error)>,
}

/// The first components of the pin files' names (`.mise` for `.mise/config.toml`).
pub fn pin_entry_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = PinFile::ALL.iter().filter_map(|k| k.file_name().split('/').next()).collect();
    names.dedup();
    names
}

/// Walks each of `roots` (absolute directories), skipping `skipped` paths below them.
pub fn walk(roots: &[PathBuf], skipped: &[PathBuf]) -> Walked {
    let names = pin_entry_names();
    let mut out = Walked::default();
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    let mut stack: Vec<PathBuf> = roots.iter().rev().cloned().collect();
    while let Some(dir) = stack.pop() {
        if skipped.contains(&dir) && !roots.contains(&dir) {
            continue;
        }
        let entries = match std::fs::metadata(&dir).and_then(|meta| {
            let fresh = seen.insert((meta.dev(), meta.ino()));
            fresh.then(|| std::fs::read_dir(&dir)).transpose()
        }) {
            Ok(Some(entries)) => entries,
            Ok(None) => continue,
            Err(e) => {
                out.unreadable.push((dir, e));
                continue;
            }
        };
        let mut has_pin = false;
        let mut below = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    out.unreadable.push((dir.clone(), e));
                    break;
                }
            };
            let name = entry.file_name();
            has_pin |= names.iter().any(|n| name == OsStr::new(n));
            // The listing's own type: a symbolic link is not a directory here.
            if entry.file_type().is_ok_and(|t| t.is_dir()) && !SKIPPED_NAMES.iter().any(|s| name == OsStr::new(s)) {
                below.push(entry.path());
            }
        }
        if has_pin {
            out.pin_dirs.push(dir);
        }
        below.sort();
        stack.extend(below.into_iter().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_pin_directories_and_skips_what_it_should() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        for dir in ["a/b", "a/.git/x", "a/node_modules/y", "cache/m", "c"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for file in ["a/.go-version", "a/b/go.mod", "a/.git/x/go.mod", "a/node_modules/y/.go-version", "cache/m/go.mod"]
        {
            std::fs::write(root.join(file), "").unwrap();
        }
        std::os::unix::fs::symlink(&root, root.join("c/loop")).unwrap();
        let walked = walk(std::slice::from_ref(&root), &[root.join("cache")]);
        assert_eq!(walked.pin_dirs, [root.join("a"), root.join("a/b")]);
        assert!(walked.unreadable.is_empty());
        // Named on the command line, a skipped place is walked.
        let walked = walk(&[root.join("cache")], &[root.join("cache")]);
        assert_eq!(walked.pin_dirs, [root.join("cache/m")]);
    }
}
