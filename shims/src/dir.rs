//! Opening pin files without paying for their full path, and without blocking.
//!
//! The shim asks every directory from the working directory up to `/` for a dozen names.
//! Opened by full path, each miss makes the kernel walk every component again (30
//! directories deep, that is most of the shim's cost); opened relative to a descriptor of
//! the directory (`openat`), a miss costs one lookup. Standard library only, so the one
//! libc call is declared here.

use std::ffi::{c_char, c_int, CString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

// Linux's values, the same on x86_64 and aarch64 (the platforms gover ships for): std has
// no names for them.
/// The open does not wait for a writer: a FIFO named `.go-version` (anyone can plant one in
/// a shared /tmp) must not hang every `go` below it.
const O_NONBLOCK: c_int = 0o4000;
/// A descriptor that names the directory without needing read permission on it (only
/// search permission, as a lookup by full path needs).
const O_PATH: c_int = 0o10000000;
const O_CLOEXEC: c_int = 0o2000000;

extern "C" {
    fn openat(dirfd: c_int, pathname: *const c_char, flags: c_int, ...) -> c_int;
}

/// One directory, opened once; the files in it are opened relative to it.
pub struct Dir {
    fd: File,
}

impl Dir {
    pub fn open(path: &Path) -> io::Result<Dir> {
        let fd = std::fs::OpenOptions::new().read(true).custom_flags(O_PATH).open(path)?;
        Ok(Dir { fd })
    }

    /// Opens `name` (a relative path such as `.mise/config.toml`) for reading, without
    /// blocking.
    pub fn open_file(&self, name: &str) -> io::Result<File> {
        let name = CString::new(name).map_err(|_| io::ErrorKind::InvalidInput)?;
        // SAFETY: `name` is NUL-terminated and outlives the call; the returned descriptor,
        // when valid, is new and owned by nothing else.
        let fd = unsafe { openat(self.fd.as_raw_fd(), name.as_ptr(), O_NONBLOCK | O_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: see above.
        Ok(unsafe { File::from_raw_fd(fd) })
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
    fn opens_relative_names_and_reports_misses() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join(".mise")).unwrap();
        std::fs::write(tmp.path().join(".mise/config.toml"), "x").unwrap();
        let dir = Dir::open(tmp.path()).unwrap();
        let mut text = String::new();
        dir.open_file(".mise/config.toml").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "x");
        assert_eq!(dir.open_file(".go-version").unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(dir.open_file(".mise/config.toml/x").unwrap_err().kind(), io::ErrorKind::NotADirectory);
    }

    #[test]
    fn a_fifo_opens_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join(".go-version");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(Dir::open(tmp.path()).unwrap().open_file(".go-version").is_ok());
        assert!(open_file(&fifo).is_ok());
    }
}
