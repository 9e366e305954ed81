//! Replacing a file so a reader (or a crash) sees either the old or the new content, never a
//! truncated rc file: write a temporary file beside it, fsync, rename over it, fsync the
//! directory. The new file keeps the old one's mode and owner. Every file gover writes in HOME
//! (startup files, hooks, drop-ins, pins, GOVER_HOME's files) goes through here: the temporary
//! file is created 0600 with O_EXCL|O_NOFOLLOW, so a private `.bashrc` is never readable by
//! others on the way and a symlink planted at the temporary name is not followed.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode bits and owner a replaced file keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ownership {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl Ownership {
    pub fn of(meta: &fs::Metadata) -> Ownership {
        Ownership { mode: meta.mode() & 0o7777, uid: meta.uid(), gid: meta.gid() }
    }

    /// A file of this process's own, with `mode`.
    pub fn mine(mode: u32) -> Ownership {
        // SAFETY: getuid and getgid cannot fail and have no preconditions.
        Ownership { mode, uid: unsafe { libc::getuid() }, gid: unsafe { libc::getgid() } }
    }
}

/// Writes `path` whole by one rename (see [`replace`]). An existing file keeps its mode, and its
/// owner when root writes it (`sudo gover setup` leaves the user's `.bashrc` theirs); only root
/// can give a file to another user, so anyone else writes it as their own, as an editor would.
/// A new file is 0644.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mine = Ownership::mine(0o644);
    let ownership = match fs::metadata(path) {
        Ok(meta) if mine.uid == 0 || meta.uid() == mine.uid => Ownership::of(&meta),
        Ok(meta) => Ownership { mode: meta.mode() & 0o7777, ..mine },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => mine,
        Err(e) => return Err(e),
    };
    replace(path, contents, Some(ownership))
}

/// Replaces `path` (a regular file, not a symlink: resolve it first) with `contents`,
/// keeping its mode and owner; `ownership` gives them when the file does not exist.
pub fn replace(path: &Path, contents: &[u8], ownership: Option<Ownership>) -> std::io::Result<()> {
    let ownership = match ownership {
        Some(o) => o,
        None => Ownership::of(&fs::metadata(path)?),
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.gover-{}", std::process::id()));
    let _ = fs::remove_file(&temp);
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .mode(0o600)
            .open(&temp)?;
        file.write_all(contents)?;
        let meta = file.metadata()?;
        if (meta.uid(), meta.gid()) != (ownership.uid, ownership.gid) {
            std::os::unix::fs::fchown(&file, Some(ownership.uid), Some(ownership.gid))?;
        }
        // After chown, which clears set-id bits.
        file.set_permissions(fs::Permissions::from_mode(ownership.mode))?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_keeps_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".bashrc");
        fs::write(&path, "old\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        replace(&path, b"new\r\nno newline", None).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new\r\nno newline");
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o7777, 0o640);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left behind");
    }

    #[test]
    fn keeps_another_users_ownership_when_run_as_root() {
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return; // only root can hand a file to another user
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".zshrc");
        fs::write(&path, "old\n").unwrap();
        std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        replace(&path, b"new\n", None).unwrap();
        let meta = fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o7777), (65534, 65534, 0o600));
    }
}
