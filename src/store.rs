//! GOVER_HOME on disk: installed versions, the shims, staging and download areas, locks.
//! The layout itself, every path, is declared in `gover_shim::GoverHome`, which the shim shares.

use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use gover_shim::{GoVersion, GoverHome};

use crate::error::{self, Error, Kind, Result};
use crate::interrupt;

/// The tools a Go release ships in `bin/`, each served by a shim of the same name.
pub const SHIMMED_TOOLS: [&str; 2] = ["go", "gofmt"];

/// How long a partial download waits to be resumed before a sweep deletes it.
const KEEP_PARTIAL: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

#[derive(Clone)]
pub struct Store {
    home: GoverHome,
    /// The system store (`gover --system`): every user runs what is installed here.
    system: bool,
}

impl Store {
    pub fn new(home: GoverHome) -> Store {
        Store { home, system: false }
    }

    /// The store every user shares, where each installed tree is made read-only to all but
    /// its owner (root) before it becomes visible.
    pub fn system(home: GoverHome) -> Store {
        Store { home, system: true }
    }

    pub fn is_system(&self) -> bool {
        self.system
    }

    pub fn home(&self) -> &GoverHome {
        &self.home
    }

    pub fn root(&self) -> &Path {
        self.home.root()
    }

    /// Bytes this user may still write on GOVER_HOME's filesystem, if known.
    pub fn free_space(&self) -> Option<u64> {
        fs4::available_space(self.root()).ok()
    }

    /// Installed versions, oldest first.
    pub fn installed(&self) -> Vec<GoVersion> {
        let mut versions = self.home.installed();
        versions.sort();
        versions
    }

    pub fn is_installed(&self, version: &GoVersion) -> bool {
        self.home.version_go(version).is_file()
    }

    /// Holds the version's lock in GOVER_HOME/locks until dropped, so one install or uninstall
    /// of a version runs at a time; `waiting` is called once if another process holds it.
    pub fn lock_version(&self, version: &GoVersion, waiting: impl FnOnce()) -> Result<VersionLock> {
        let (file, path) = self.open_lock(version)?;
        // Named explicitly: newer std has inherent File::lock methods of the same names.
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                waiting();
                fs4::FileExt::lock(&file).map_err(|e| error::io("lock", &path, e))?;
            }
            Err(fs4::TryLockError::Error(e)) => return Err(error::io("lock", &path, e)),
        }
        Ok(VersionLock { _file: file })
    }

    /// The version's lock if no other process holds it, without waiting.
    pub fn try_lock_version(&self, version: &GoVersion) -> Result<Option<VersionLock>> {
        let (file, path) = self.open_lock(version)?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => Ok(Some(VersionLock { _file: file })),
            Err(fs4::TryLockError::WouldBlock) => Ok(None),
            Err(fs4::TryLockError::Error(e)) => Err(error::io("lock", &path, e)),
        }
    }

    fn open_lock(&self, version: &GoVersion) -> Result<(fs::File, PathBuf)> {
        self.open_lock_file(self.home.version_lock(version))
    }

    fn open_lock_file(&self, path: PathBuf) -> Result<(fs::File, PathBuf)> {
        Self::create_dir(&self.home.locks_dir())?;
        // A lock holds no data and every process that takes it opens the same file, so no
        // O_EXCL; but it is private and never followed through a planted symlink, as every
        // other file gover creates in HOME.
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| error::io("open the lock", &path, e))?;
        Ok((file, path))
    }

    /// Deletes what a killed install or uninstall left behind: staging trees
    /// (`staging/<version>`, `staging/<version>.removing-<pid>`) and partial downloads nobody
    /// resumed for a week (a younger one is kept: the next install of its version resumes it),
    /// each only while no gover holds its version's lock; and half-written shims or global
    /// default whose writer is gone. Other names in staging/ (an import's tree) are never
    /// touched. Best effort: a leftover that cannot go now goes next time.
    pub fn sweep_leftovers(&self) {
        let staging = fs::read_dir(self.home.staging_dir()).into_iter().flatten().flatten();
        let partials = fs::read_dir(self.home.downloads_dir()).into_iter().flatten().flatten().filter(|e| {
            let age = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
            age.is_some_and(|age| age > KEEP_PARTIAL)
        });
        let leftovers = staging
            .filter_map(|e| Some((leftover_staging_version(e.file_name().to_str()?)?, e.path())))
            .chain(partials.filter_map(|e| Some((leftover_partial_version(e.file_name().to_str()?)?, e.path()))));
        for (version, path) in leftovers {
            if let Ok(Some(_lock)) = self.try_lock_version(&version) {
                let _ = match fs::symlink_metadata(&path) {
                    Ok(meta) if meta.is_dir() => remove_tree(&path),
                    _ => fs::remove_file(&path).map_err(|e| error::io("remove", &path, e)),
                };
            }
        }
        // Files that were to replace a shim, the global default or a link by a rename, whose
        // writer died.
        for dir in [self.root().to_path_buf(), self.home.shims_dir(), self.home.links_dir()] {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let writer = entry.file_name().to_str().and_then(replacement_writer);
                if writer.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }

    /// An empty staging directory for `version`, removed again unless committed. Call with the
    /// version's lock held: whatever was there is a leftover of a killed install.
    pub fn fresh_staging(&self, version: &GoVersion) -> Result<Staging> {
        let path = self.home.staging_path(version);
        if fs::symlink_metadata(&path).is_ok() {
            remove_tree(&path)?;
        }
        // Trees a killed uninstall had renamed away but not yet deleted.
        let trash_prefix = format!("{version}.removing-");
        for entry in fs::read_dir(self.home.staging_dir()).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().starts_with(&trash_prefix) {
                remove_tree(&entry.path())?;
            }
        }
        Self::create_dir(&path)?;
        interrupt::track_temporary(&path);
        Ok(Staging { path: Some(path) })
    }

    /// Makes a verified staging tree the installed `version`, by one rename, durably: the
    /// tree is on disk before the rename (so a power cut never leaves a version of empty
    /// files), and the rename is before gover says it is installed.
    pub fn commit(&self, staging: Staging, version: &GoVersion) -> Result<()> {
        let versions = self.home.versions_dir();
        Self::create_dir(&versions)?;
        if self.system {
            restrict_tree(staging.path())?;
        }
        sync_filesystem(staging.path()).map_err(|e| error::io("write to disk", staging.path(), e))?;
        let mut staging = staging;
        let from = staging.path.take().expect("a staging dir is committed once");
        let dest = self.home.version_dir(version);
        interrupt::untrack_temporary(&from, || fs::rename(&from, &dest)).map_err(|e| {
            let _ = remove_tree(&from);
            self.commit_error(&dest, e)
        })?;
        sync_dir(&versions).map_err(|e| error::io("write to disk", &versions, e))
    }

    fn commit_error(&self, dest: &Path, err: std::io::Error) -> Error {
        let cross_device = err.raw_os_error() == Some(libc::EXDEV);
        let err = error::io("move the new version into", dest, err);
        if !cross_device {
            return err;
        }
        Error { kind: Kind::Environment, ..err }
            .cause(format!(
                "{} and {} are on different filesystems",
                self.home.staging_dir().display(),
                self.home.versions_dir().display()
            ))
            .hint(
                "installs are unpacked in GOVER_HOME/staging and renamed into versions/; to keep versions on another \
                 disk, move (or symlink) GOVER_HOME itself there",
            )
    }

    /// Removes an installed version (see `retire_version`).
    pub fn remove_version(&self, version: &GoVersion) -> Result<()> {
        let trash = self.retire_version(version)?;
        remove_tree(&trash)
    }

    /// Renames the version's tree out of versions/ into staging (`<version>.removing-<pid>`),
    /// so it disappears at once and a half-deleted tree is never mistaken for a version; then
    /// `restore_version` puts it back or `delete_retired` deletes it. Call with the version's
    /// lock held.
    pub fn retire_version(&self, version: &GoVersion) -> Result<PathBuf> {
        let dir = self.home.version_dir(version);
        let trash = self.home.staging_trash(version, std::process::id());
        Self::create_dir(&self.home.staging_dir())?;
        fs::rename(&dir, &trash).map_err(|e| error::io("remove", &dir, e))?;
        Ok(trash)
    }

    /// Undoes `retire_version`.
    pub fn restore_version(&self, version: &GoVersion, trash: &Path) -> Result<()> {
        let dir = self.home.version_dir(version);
        fs::rename(trash, &dir).map_err(|e| error::io("put back", &dir, e))
    }

    /// Deletes a tree `retire_version` moved aside.
    pub fn delete_retired(&self, trash: &Path) -> Result<()> {
        remove_tree(trash)
    }

    /// Makes `version` the global default unless one is set already; false if one was. Safe
    /// against concurrent first installs: exactly one of them sets it.
    pub fn write_global_if_absent(&self, version: &GoVersion) -> Result<bool> {
        let path = self.home.global_file();
        Self::create_dir(self.root())?;
        let temp = path.with_file_name(format!(".global.new-{}", std::process::id()));
        fs::write(&temp, format!("{version}\n")).map_err(|e| error::io("write", &temp, e))?;
        // A hard link, unlike a rename, never replaces what is there.
        let linked = fs::hard_link(&temp, &path);
        let _ = fs::remove_file(&temp);
        match linked {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(error::io("write", &path, e)),
        }
    }

    /// Creates `dir` and its parents, with an error that names it.
    pub fn create_dir(dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(|e| error::io("create", dir, e))
    }

    /// Makes GOVER_HOME/shims/{go,gofmt} the current shim binary, and gives each installed
    /// version its name there (see `sync_release_names`). The system store's shims are the
    /// names alone: users' own `go` comes first on their PATH, and one in a directory every
    /// user has on PATH would be what `system` finds (a shim running itself).
    /// `process`: whose GOVER_SHIM_BINARY names the binary, if it does.
    pub fn ensure_shims(&self, process: &gover_shim::Process) -> Result<()> {
        let dir = self.home.shims_dir();
        Self::create_dir(&dir)?;
        if !self.system {
            let source = shim_binary(process)?;
            for tool in SHIMMED_TOOLS {
                place_shim(&source, &dir, tool, true)?;
            }
        }
        self.sync_release_names(process)
    }

    /// Makes GOVER_HOME/shims hold a shim named after each installed version (`go1.23.9`)
    /// and no other release name: the names go looks for on PATH before it downloads a
    /// toolchain, and which the shim runs exactly that version by. A user's are links to their
    /// `go` shim; the system store's, copies of the shim binary (a link could share the file
    /// with whoever owns gover's own, and every user runs these). Uninstall calls this alone.
    /// Does nothing before the first install made the directory (and, in a user's, the `go`
    /// shim).
    pub fn sync_release_names(&self, process: &gover_shim::Process) -> Result<()> {
        let dir = self.home.shims_dir();
        let source = if self.system {
            dir.is_dir().then(|| shim_binary(process)).transpose()?
        } else {
            Some(self.home.shim("go"))
        };
        let Some(source) = source.filter(|source| source.is_file()) else { return Ok(()) };
        // One at a time, each reading versions/ under the lock: otherwise a gover that read it
        // before a concurrent uninstall could link the name back after that uninstall removed
        // it, or two could remove the same name.
        let (lock, lock_path) = self.open_lock_file(self.home.shims_lock())?;
        fs4::FileExt::lock(&lock).map_err(|e| error::io("lock", &lock_path, e))?;
        let installed = self.home.installed();
        for entry in fs::read_dir(&dir).map_err(|e| error::io("read", &dir, e))?.flatten() {
            let name = entry.file_name();
            let stale = name.to_str().and_then(GoVersion::from_command_name).is_some_and(|v| !installed.contains(&v));
            if stale {
                let path = entry.path();
                fs::remove_file(&path).map_err(|e| error::io("remove", &path, e))?;
            }
        }
        for version in &installed {
            place_shim(&source, &dir, &version.to_string(), !self.system)?;
        }
        Ok(())
    }
}

/// Makes `dir/name` the shim `source`: a hard link where possible and `link` allows, a copy
/// otherwise, put in place by one rename so a running `go` never sees a half-written shim.
/// Does nothing when it is up to date.
fn place_shim(source: &Path, dir: &Path, name: &str, link: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dest = dir.join(name);
    if same_file_content(source, &dest) {
        return Ok(());
    }
    let temp = dir.join(format!(".{name}.new-{}", std::process::id()));
    let _ = fs::remove_file(&temp);
    if !link || fs::hard_link(source, &temp).is_err() {
        fs::copy(source, &temp).map_err(|e| error::io("copy the shim to", &temp, e))?;
        // Whatever mode the source has: in the system store, every user runs it and only its
        // owner (root) may change it.
        fs::set_permissions(&temp, fs::Permissions::from_mode(0o755))
            .map_err(|e| error::io("set the permissions of", &temp, e))?;
    }
    fs::rename(&temp, &dest).map_err(|e| {
        let _ = fs::remove_file(&temp);
        error::io("install the shim", &dest, e)
    })?;
    // When a concurrent gover linked `dest` to the same shim meanwhile, `temp` and `dest` are
    // one file, and rename(2) then succeeds without doing anything (POSIX): `temp` is still
    // there.
    let _ = fs::remove_file(&temp);
    Ok(())
}

/// Released when dropped (closing the file releases the lock).
pub struct VersionLock {
    _file: fs::File,
}

/// A staging directory that removes itself unless `Store::commit` took it.
pub struct Staging {
    path: Option<PathBuf>,
}

impl Staging {
    pub fn path(&self) -> &Path {
        self.path.as_deref().expect("not yet committed")
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            interrupt::untrack_temporary(path, || remove_tree(path)).ok();
        }
    }
}

/// Takes away the group's and other users' write permission everywhere in `root`, whatever
/// modes the archive carried: a tree in the system store runs for every user, so only its
/// owner may change it.
fn restrict_tree(root: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let meta = fs::symlink_metadata(&path).map_err(|e| error::io("read", &path, e))?;
        if meta.is_symlink() {
            continue;
        }
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o022 != 0 {
            let restricted = fs::Permissions::from_mode(mode & !0o022);
            fs::set_permissions(&path, restricted).map_err(|e| error::io("restrict the permissions of", &path, e))?;
        }
        if meta.is_dir() {
            let entries = fs::read_dir(&path).map_err(|e| error::io("read", &path, e))?;
            stack.extend(entries.flatten().map(|e| e.path()));
        }
    }
    Ok(())
}

/// Flushes every file and directory written on `path`'s filesystem (syncfs(2)): for a tree of
/// thousands of files, one call instead of an fsync of each, with the same guarantee.
fn sync_filesystem(path: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = fs::File::open(path)?;
    // SAFETY: a file descriptor this function owns, open for the duration of the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Makes a rename or a new entry in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// The version a staging entry of an install (`go1.22.10`) or an uninstall
/// (`go1.22.10.removing-123`) belongs to; None for anything else.
fn leftover_staging_version(name: &str) -> Option<GoVersion> {
    let version = match name.split_once(".removing-") {
        Some((version, pid)) if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) => version,
        Some(_) => return None,
        None => name,
    };
    GoVersion::parse(version).filter(|v| v.to_string() == version)
}

/// The pid of the process writing `.go.new-4711`, `.global.new-4711` or `.my-fork.new-4711`,
/// the temporary names `ensure_shims`, the global default's writers and `gover link` rename
/// into place.
fn replacement_writer(name: &str) -> Option<u32> {
    let (_, pid) = name.strip_prefix('.')?.rsplit_once(".new-")?;
    pid.parse().ok()
}

/// The version of a partial download, `go1.22.10.linux-amd64.tar.gz.partial`.
fn leftover_partial_version(name: &str) -> Option<GoVersion> {
    let download = name.strip_suffix(".partial")?;
    // A release archive, or a toolchain module zip from a proxy.
    let archive = download.strip_suffix(".tar.gz").or_else(|| download.strip_suffix(".zip"))?;
    let (version, _platform) = archive.rsplit_once('.')?;
    GoVersion::parse(version).filter(|v| v.to_string() == version)
}

/// Deletes a tree gover made, making read-only directories writable first if needed.
fn remove_tree(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(error::io("remove", path, e)),
    }
}

/// The shim binary shipped with `gover`: beside it (install.sh, the release tarballs, cargo),
/// or in `../libexec/gover/` from its directory (the Debian package's /usr/bin/gover and
/// /usr/libexec/gover/gover-shim, which keeps a program users never call off PATH).
/// `GOVER_SHIM_BINARY` overrides both for packagers.
fn shim_binary(process: &gover_shim::Process) -> Result<PathBuf> {
    if let Some(path) = process.var_os("GOVER_SHIM_BINARY") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|e| Error::failure("cannot find the gover executable").cause(e))?;
    let candidates = shim_candidates(&exe);
    if let Some(shim) = candidates.iter().find(|shim| shim.is_file()) {
        return Ok(shim.clone());
    }
    let tried: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
    Err(Error::new(Kind::Environment, format!("the shim binary is missing: {}", tried.join(" or ")))
        .hint("reinstall gover with install.sh, or set GOVER_SHIM_BINARY to the gover-shim binary"))
}

/// Where the shim of the gover at `exe` can be, in the order looked at.
fn shim_candidates(exe: &Path) -> Vec<PathBuf> {
    let dir = exe.parent().unwrap_or(Path::new("/"));
    let prefix = dir.parent().unwrap_or(dir);
    vec![dir.join("gover-shim"), prefix.join("libexec/gover/gover-shim")]
}

fn same_file_content(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(ma), Ok(mb)) if ma.dev() == mb.dev() && ma.ino() == mb.ino() => true,
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => fs::read(a).ok() == fs::read(b).ok(),
        _ => false,
    }
}

/// The space `path` takes on disk (allocated blocks, as `du` counts them), each file once
/// however many hard links it has (an imported tree shares its files), symbolic links not
/// followed. What cannot be read counts as nothing.
pub fn disk_usage(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    let mut stack = vec![path.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = fs::symlink_metadata(&path) else { continue };
        if meta.nlink() > 1 && !meta.is_dir() && !seen.insert((meta.dev(), meta.ino())) {
            continue;
        }
        total += meta.blocks() * 512;
        if meta.is_dir() {
            stack.extend(fs::read_dir(&path).into_iter().flatten().flatten().map(|e| e.path()));
        }
    }
    total
}

/// Replaces `path` with `content` in one rename, so a reader sees the old file or the new one,
/// never a truncated mix; the reconciler's safe path ([`crate::reconcile::atomic::write`]), so
/// a new pin file is 0644, to be shared with the team, and an existing one keeps its mode.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<()> {
    crate::reconcile::atomic::write(path, content).map_err(|e| error::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_known_by_name() {
        let v = |name: &str| leftover_staging_version(name).map(|v| v.to_string());
        assert_eq!(v("go1.22.10").as_deref(), Some("go1.22.10"));
        assert_eq!(v("go1.22.10.removing-4711").as_deref(), Some("go1.22.10"));
        assert_eq!(v("go1.23rc1.removing-1").as_deref(), Some("go1.23rc1"));
        for other in ["import-go1.22.10-4711", "go1.22.10.removing-", "go1.22.10.removing-x", "1.22.10", "notes"] {
            assert_eq!(v(other), None, "{other}");
        }
        let p = |name: &str| leftover_partial_version(name).map(|v| v.to_string());
        assert_eq!(p("go1.22.10.linux-amd64.tar.gz.partial").as_deref(), Some("go1.22.10"));
        assert_eq!(p("go1.21rc2.linux-arm64.tar.gz.partial").as_deref(), Some("go1.21rc2"));
        assert_eq!(p("go1.22.10.linux-amd64.tar.gz"), None, "a verified download stays");
        assert_eq!(p("x.tar.gz.partial"), None);
        assert_eq!(p("go1.23.9.linux-amd64.zip.partial").as_deref(), Some("go1.23.9"));
        assert_eq!(replacement_writer(".go.new-4711"), Some(4711));
        assert_eq!(replacement_writer(".global.new-12"), Some(12));
        assert_eq!(replacement_writer(".my-fork.new-12"), Some(12));
        for other in ["go", ".go.new-", "go.new-1", ".go.new-x", "global"] {
            assert_eq!(replacement_writer(other), None, "{other}");
        }
    }

    #[test]
    fn the_shim_is_beside_gover_or_in_libexec() {
        assert_eq!(
            shim_candidates(Path::new("/usr/bin/gover")),
            [PathBuf::from("/usr/bin/gover-shim"), PathBuf::from("/usr/libexec/gover/gover-shim")]
        );
        assert_eq!(
            shim_candidates(Path::new("/home/u/.local/bin/gover"))[0],
            Path::new("/home/u/.local/bin/gover-shim")
        );
    }
}
