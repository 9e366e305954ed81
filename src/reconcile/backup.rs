//! GOVER_HOME/backups/<UTC timestamp>/: a copy of every file a fix touches, taken before the
//! first write, and a manifest naming where each came from, its mode and owner, and what
//! gover wrote (so `--undo` can tell whether the user edited the file since).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic::{self, Ownership};
use crate::error::{self, Error, Result};

const MANIFEST: &str = "manifest.json";
/// Present once a backup has been restored, so the next `--undo` goes one further back.
const UNDONE: &str = "undone";

#[derive(Debug, Serialize, Deserialize)]
pub struct BackupManifest {
    pub created: String,
    pub files: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    /// The copy, relative to the backup directory; `None` when gover created the file.
    pub backup: Option<String>,
    /// The file that was changed (a symlink's target, which is what was edited).
    pub original: PathBuf,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// SHA-256 of what gover wrote, once written.
    pub written: Option<String>,
}

/// One `--fix` run's backup, filled as files are touched.
pub struct Backup {
    dir: PathBuf,
    manifest: BackupManifest,
}

impl Backup {
    /// Creates a new, empty backup directory under `backups`.
    pub fn begin(backups: &Path) -> Result<Backup> {
        crate::store::Store::create_dir(backups)?;
        let created = crate::utc::Utc::at(SystemTime::now()).compact();
        for n in 1.. {
            let name = if n == 1 { created.clone() } else { format!("{created}-{n:02}") };
            let dir = backups.join(&name);
            match fs::create_dir(&dir) {
                Ok(()) => {
                    // On disk before any file it backs up is changed, like the copies in it.
                    crate::store::sync_dir(backups).map_err(|e| error::io("write to disk", backups, e))?;
                    let backup =
                        Backup { dir, manifest: BackupManifest { created: created.clone(), files: Vec::new() } };
                    backup.write_manifest()?;
                    return Ok(backup);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(error::io("create the backup directory", &dir, e)),
            }
        }
        unreachable!("the loop returns")
    }

    /// Copies `original` into the backup, once, before it is changed (or notes that it did
    /// not exist, so undo removes it).
    pub fn save(&mut self, original: &Path) -> Result<()> {
        if self.manifest.files.iter().any(|e| e.original == original) {
            return Ok(());
        }
        if fs::symlink_metadata(original).is_err() {
            let new = Ownership::mine(0o644);
            let entry = Entry {
                backup: None,
                original: original.to_path_buf(),
                mode: new.mode,
                uid: new.uid,
                gid: new.gid,
                written: None,
            };
            self.manifest.files.push(entry);
            return self.write_manifest();
        }
        let meta = fs::metadata(original).map_err(|e| error::io("read", original, e))?;
        let content = fs::read(original).map_err(|e| error::io("read", original, e))?;
        let name = original.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let backup = format!("{:02}-{}", self.manifest.files.len() + 1, name.trim_start_matches('.'));
        let copy = self.dir.join(&backup);
        let owner = Ownership::of(&meta);
        // The copy keeps the mode, so a private file stays private in the backup; it is written
        // whole and on disk before the original is replaced, so no interruption or power cut
        // leaves a backup that would restore a truncated file.
        let ours = Ownership::mine(owner.mode);
        atomic::replace(&copy, &content, Some(ours)).map_err(|e| error::io("write the backup", &copy, e))?;
        self.manifest.files.push(Entry {
            backup: Some(backup),
            original: original.to_path_buf(),
            mode: owner.mode,
            uid: owner.uid,
            gid: owner.gid,
            written: None,
        });
        self.write_manifest()
    }

    /// Replaces `original` (already saved) with `content`, atomically, and records what was written.
    pub fn write(&mut self, original: &Path, content: &[u8]) -> Result<()> {
        self.save(original)?;
        let entry = self.manifest.files.iter_mut().find(|e| e.original == original).expect("saved above");
        let created = Ownership { mode: entry.mode, uid: entry.uid, gid: entry.gid };
        let ownership = entry.backup.is_none().then_some(created);
        if let (Some(_), Some(parent)) = (ownership, original.parent()) {
            // A new file (an environment.d drop-in) may need its directory too.
            crate::store::Store::create_dir(parent)?;
        }
        atomic::replace(original, content, ownership).map_err(|e| error::io("write", original, e))?;
        entry.written = Some(sha256(content));
        self.write_manifest()
    }

    /// Removes the backup when nothing was saved in it.
    pub fn finish(self) -> Result<Option<PathBuf>> {
        if self.manifest.files.is_empty() {
            let _ = fs::remove_dir_all(&self.dir);
            return Ok(None);
        }
        Ok(Some(self.dir))
    }

    fn write_manifest(&self) -> Result<()> {
        let path = self.dir.join(MANIFEST);
        let json = serde_json::to_vec_pretty(&self.manifest).expect("a manifest serialises");
        atomic::replace(&path, &json, Some(Ownership::mine(0o600))).map_err(|e| error::io("write", &path, e))
    }
}

/// What `undo` did with each file.
#[derive(Debug, PartialEq, Eq)]
pub enum Restored {
    Restored(PathBuf),
    /// Changed since gover wrote it; left alone (unless forced) so the user's edit survives.
    ChangedSince(PathBuf),
}

/// Restores the newest backup not yet undone, byte for byte with its mode and owner, and
/// marks it undone once every file is back. `force` restores files edited since the fix too.
/// It resumes: a file that already holds its backup (restored by an earlier `--undo` that
/// had to skip another one) counts as restored, so each file is compared with what gover
/// wrote, never with what an earlier undo put back.
pub fn undo(backups: &Path, force: bool) -> Result<(PathBuf, Vec<Restored>)> {
    let (dir, manifest) = last(backups)?.ok_or_else(|| {
        Error::failure("there is nothing to undo")
            .cause(format!("no backup in {} that has not been restored already", backups.display()))
    })?;
    let mut report = Vec::new();
    for entry in &manifest.files {
        let current = fs::read(&entry.original).ok();
        let backup_content = match &entry.backup {
            Some(backup) => {
                Some(fs::read(dir.join(backup)).map_err(|e| error::io("read the backup", &dir.join(backup), e))?)
            }
            None => None,
        };
        if current == backup_content {
            report.push(Restored::Restored(entry.original.clone()));
            continue;
        }
        let edited = match (&entry.written, &current) {
            (Some(hash), Some(now)) => &sha256(now) != hash,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if edited && !force {
            report.push(Restored::ChangedSince(entry.original.clone()));
            continue;
        }
        let Some(content) = backup_content else {
            // gover created it.
            if let Err(e) = fs::remove_file(&entry.original) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    return Err(error::io("remove", &entry.original, e));
                }
            }
            report.push(Restored::Restored(entry.original.clone()));
            continue;
        };
        let owner = Ownership { mode: entry.mode, uid: entry.uid, gid: entry.gid };
        atomic::replace(&entry.original, &content, Some(owner))
            .map_err(|e| error::io("restore", &entry.original, e))?;
        report.push(Restored::Restored(entry.original.clone()));
    }
    let all_restored = report.iter().all(|r| matches!(r, Restored::Restored(_)));
    if all_restored {
        let marker = dir.join(UNDONE);
        fs::write(&marker, crate::utc::Utc::at(SystemTime::now()).compact())
            .map_err(|e| error::io("write", &marker, e))?;
    }
    Ok((dir, report))
}

/// The newest backup that has not been undone.
fn last(backups: &Path) -> Result<Option<(PathBuf, BackupManifest)>> {
    let entries = match fs::read_dir(backups) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(error::io("read", backups, e)),
    };
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs.into_iter().rev() {
        if dir.join(UNDONE).exists() {
            continue;
        }
        let path = dir.join(MANIFEST);
        let Ok(bytes) = fs::read(&path) else { continue };
        let manifest: BackupManifest = serde_json::from_slice(&bytes)
            .map_err(|e| Error::failure(format!("cannot read the backup manifest {}", path.display())).cause(e))?;
        if !manifest.files.is_empty() {
            return Ok(Some((dir, manifest)));
        }
    }
    Ok(None)
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_restores_the_newest_backup_then_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        let file = dir.path().join("rc");
        fs::write(&file, "one").unwrap();
        let mut first = Backup::begin(&backups).unwrap();
        first.write(&file, b"two").unwrap();
        first.finish().unwrap();
        let mut second = Backup::begin(&backups).unwrap();
        second.write(&file, b"three").unwrap();
        second.finish().unwrap();
        assert_eq!(undo(&backups, false).unwrap().1, vec![Restored::Restored(file.clone())]);
        assert_eq!(fs::read(&file).unwrap(), b"two");
        undo(&backups, false).unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"one");
        assert!(undo(&backups, false).is_err());
    }

    #[test]
    fn undo_keeps_an_edit_made_after_the_fix_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        let file = dir.path().join("rc");
        fs::write(&file, "one").unwrap();
        let mut backup = Backup::begin(&backups).unwrap();
        backup.write(&file, b"two").unwrap();
        fs::write(&file, "user edit").unwrap();
        assert_eq!(undo(&backups, false).unwrap().1, vec![Restored::ChangedSince(file.clone())]);
        assert_eq!(fs::read(&file).unwrap(), b"user edit");
        undo(&backups, true).unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"one");
    }

    #[test]
    fn undo_resumes_file_by_file() {
        // Fix two files, edit one, undo (the other comes back), take the edit out, undo
        // again: both are back and the backup is done, no --force needed.
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        let (bashrc, zshrc) = (dir.path().join(".bashrc"), dir.path().join(".zshrc"));
        fs::write(&bashrc, "b1\n").unwrap();
        fs::write(&zshrc, "z1\n").unwrap();
        let mut backup = Backup::begin(&backups).unwrap();
        backup.write(&bashrc, b"b2\n").unwrap();
        backup.write(&zshrc, b"z2\n").unwrap();
        backup.finish().unwrap();
        fs::write(&bashrc, "b2\nappended\n").unwrap();
        let report = undo(&backups, false).unwrap().1;
        assert_eq!(report, vec![Restored::ChangedSince(bashrc.clone()), Restored::Restored(zshrc.clone())]);
        assert_eq!(fs::read(&zshrc).unwrap(), b"z1\n");
        fs::write(&bashrc, "b2\n").unwrap();
        let report = undo(&backups, false).unwrap().1;
        assert_eq!(report, vec![Restored::Restored(bashrc.clone()), Restored::Restored(zshrc.clone())]);
        assert_eq!(fs::read(&bashrc).unwrap(), b"b1\n");
        assert!(undo(&backups, false).is_err(), "that backup is done");
    }

    #[test]
    fn undo_removes_a_file_gover_created() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        let file = dir.path().join("environment.d/new.conf");
        let mut backup = Backup::begin(&backups).unwrap();
        backup.write(&file, b"PATH=x\n").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"PATH=x\n");
        undo(&backups, false).unwrap();
        assert!(!file.exists());
    }

    #[test]
    fn an_empty_backup_leaves_no_directory() {
        let dir = tempfile::tempdir().unwrap();
        let backup = Backup::begin(dir.path()).unwrap();
        assert_eq!(backup.finish().unwrap(), None);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
