//! Looking for pin files in one directory, by listing it or by asking for each name,
//! whichever costs fewer system calls.
//!
//! Below the pin the shim asks each directory for a dozen names. Each miss is a system call,
//! and in a deep tree those misses were most of the shim's cost; listing a small directory
//! costs five calls whatever the number of names, and only the names that are there are
//! opened. Above the pin only go.work (and go.mod until one is found) still matter, up to
//! `/`: asking for one or two names costs one call each, where a listing costs five and, in
//! a wide directory such as a shared /tmp, kilobytes of entries to read.

use std::ffi::OsString;
use std::fs::{File, Metadata};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// `O_NONBLOCK`, Linux's value on every architecture gover ships for (std has no name for
/// it): the open does not wait for a writer, so a FIFO named `.go-version` (anyone can
/// plant one in a shared /tmp) cannot hang every `go` below it.
const O_NONBLOCK: i32 = 0o4000;

/// Past this many entries, listing costs more than asking for each name.
const MAX_LISTED: usize = 256;

/// Up to this many names, asking for each (one failed lookup each) is cheaper than listing
/// (open, fstat, two getdents64, close).
const MAX_PROBED: usize = 3;

/// A directory whose `st_size` is over this is too big to list: the size is known before
/// listing, from the metadata the trust check reads anyway. One block on ext4 and xfs holds
/// about 200 short names, tmpfs counts 20 bytes an entry and btrfs the names' bytes twice.
const MAX_LISTED_BYTES: u64 = 4096;

/// One directory, listed once.
pub struct Dir<'a> {
    path: &'a Path,
    /// Who owns it and who may write in it, which decides whether its pin files count.
    meta: Metadata,
    /// The entries among the names asked about; `None` when the directory cannot be listed
    /// (search permission without read permission), is too big to, or so few names are
    /// asked about that trying each is cheaper.
    present: Option<Vec<OsString>>,
}

impl<'a> Dir<'a> {
    /// Lists `path`, keeping the entries named in `wanted` (first components, such as
    /// `.mise` for `.mise/config.toml`), unless asking for each name is cheaper.
    pub fn list(path: &'a Path, wanted: &[&str]) -> io::Result<Dir<'a>> {
        let meta = std::fs::metadata(path)?;
        if wanted.len() <= MAX_PROBED || meta.len() > MAX_LISTED_BYTES {
            return Ok(Dir { path, meta, present: None });
        }
        let present = match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut present = Some(Vec::new());
                for (seen, entry) in entries.enumerate() {
                    // A huge directory (a shared /tmp) costs more to list than to ask.
                    if seen == MAX_LISTED {
                        present = None;
                        break;
                    }
                    let name = entry?.file_name();
                    if let Some(present) = present.as_mut().filter(|_| wanted.iter().any(|w| name == *w)) {
                        present.push(name);
                    }
                }
                present
            }
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => None,
            Err(e) => return Err(e),
        };
        Ok(Dir { path, meta, present })
    }

    pub fn metadata(&self) -> &Metadata {
        &self.meta
    }

    /// Whether `name` (a relative path) is there, without opening it: for a file that is not
    /// to be read, so a planted symlink to a device is never opened.
    pub fn has(&self, name: &str) -> bool {
        let first = name.split('/').next().unwrap_or(name);
        let listed = self.present.as_ref().is_none_or(|present| present.iter().any(|p| p == first));
        listed && std::fs::symlink_metadata(self.path.join(name)).is_ok()
    }

    /// Opens `name` (a relative path such as `.mise/config.toml`) for reading, without
    /// blocking; `NotFound` at once when the listing does not have its first component.
    pub fn open_file(&self, name: &str) -> io::Result<File> {
        let first = name.split('/').next().unwrap_or(name);
        if let Some(present) = &self.present {
            if !present.iter().any(|p| p == first) {
                return Err(io::ErrorKind::NotFound.into());
            }
        }
        open_file(&self.path.join(name))
    }
}

/// Opens the file at `path` for reading, without blocking.
pub fn open_file(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn opens_what_is_listed_and_reports_misses() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join(".mise")).unwrap();
        std::fs::write(tmp.path().join(".mise/config.toml"), "x").unwrap();
        std::fs::write(tmp.path().join("go.mod"), "y").unwrap();
        let dir = Dir::list(tmp.path(), &[".mise", ".go-version", ".tool-versions", "mise.toml"]).unwrap();
        assert!(dir.present.is_some());
        let mut text = String::new();
        dir.open_file(".mise/config.toml").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "x");
        assert_eq!(dir.open_file(".go-version").unwrap_err().kind(), io::ErrorKind::NotFound);
        // Not asked about, so not looked at.
        assert_eq!(dir.open_file("go.mod").unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(dir.open_file(".mise/other.toml").unwrap_err().kind(), io::ErrorKind::NotFound);
        // Whether a file is there, without opening it: the whole path, not its first component.
        assert!(dir.has(".mise/config.toml"));
        assert!(!dir.has(".mise/other.toml"));
        assert!(!dir.has(".go-version"));
    }

    #[test]
    fn a_huge_directory_is_asked_name_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..MAX_LISTED {
            std::fs::write(tmp.path().join(format!("f{i}")), "").unwrap();
        }
        std::fs::write(tmp.path().join(".go-version"), "1.22").unwrap();
        let dir = Dir::list(tmp.path(), &[".go-version", ".tool-versions", "go.work", "go.mod"]).unwrap();
        assert!(dir.present.is_none());
        assert!(dir.open_file(".go-version").is_ok());
        assert!(dir.has(".go-version") && !dir.has("go.mod"));
        assert_eq!(dir.open_file("go.mod").unwrap_err().kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn a_few_names_are_asked_for_one_by_one() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("go.work"), "go 1.22\n").unwrap();
        let dir = Dir::list(tmp.path(), &["go.work", "go.mod"]).unwrap();
        assert!(dir.present.is_none());
        assert!(dir.open_file("go.work").is_ok());
        assert_eq!(dir.open_file("go.mod").unwrap_err().kind(), io::ErrorKind::NotFound);
        assert!(dir.has("go.work") && !dir.has("go.mod"));
    }

    #[test]
    fn a_fifo_opens_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join(".go-version");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(Dir::list(tmp.path(), &[".go-version"]).unwrap().open_file(".go-version").is_ok());
        assert!(open_file(&fifo).is_ok());
    }
}
