//! GOVER_HOME: where versions, shims and the global default live. Every path gover uses
//! under it is named here and nowhere else (volta's `volta-layout`), so the CLI and the shim
//! cannot disagree about the layout, and the system store has the same one:
//!
//! ```text
//! GOVER_HOME/
//! ├── versions/go1.22.10/   version_dir: a complete GOROOT, made visible by one rename
//! ├── shims/                shims_dir: go, gofmt and go1.22.10 (hard links to gover-shim)
//! ├── links/<name>          link_path: a toolchain gover did not install (gover link)
//! ├── global                global_file: the global default, one version spec
//! ├── used/go1.22.10        used_stamp: modified when the version last ran
//! ├── staging/go1.22.10     staging_path: an install being extracted, beside versions/
//! ├── downloads/            downloads_dir: archives, and `.partial` ones being resumed
//! ├── cache/                cache_dir: the release index saved last
//! ├── sumdb/<db>/latest     sumdb_dir: the checksum databases' tree heads verified last
//! ├── vulndb/db.json        vulndb_file; vulndb/failed: vulndb_failure_file
//! ├── locks/go1.22.10.lock  version_lock; locks/shims.lock: shims_lock
//! ├── backups/              backups_dir: files doctor --fix and upgrade --pins edited, for doctor --undo
//! └── shell/                shell_dir: rendered hooks and completions; shell/created:
//!                           setup_manifest, what setup made outside GOVER_HOME
//! ```

use std::path::{Path, PathBuf};

use crate::process::Process;
use crate::version::GoVersion;

/// The system store: versions root installed with `gover --system install` for every user of
/// the machine, found beside each user's own GOVER_HOME. Fixed when gover is built
/// (`GOVER_SYSTEM_HOME_DEFAULT` in the build's environment, for packagers), so the shim knows
/// it without reading anything; `GOVER_SYSTEM_HOME` moves it for one user's processes.
pub const SYSTEM_HOME: &str = match option_env!("GOVER_SYSTEM_HOME_DEFAULT") {
    Some(dir) => dir,
    None => "/usr/local/lib/gover",
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoverHome {
    root: PathBuf,
}

impl GoverHome {
    pub fn new(root: impl Into<PathBuf>) -> GoverHome {
        GoverHome { root: root.into() }
    }

    /// `GOVER_HOME`, else the platform data dir (`$XDG_DATA_HOME/gover`, else
    /// `~/.local/share/gover`: what the `dirs` crate calls data_dir on Linux).
    pub fn locate(process: &Process) -> Option<GoverHome> {
        let set = |name: &str| process.value(name).map(PathBuf::from);
        if let Some(home) = set("GOVER_HOME") {
            return Some(GoverHome::new(home));
        }
        Some(GoverHome::new(process.xdg_dir("XDG_DATA_HOME", ".local/share")?.join("gover")))
    }

    /// The system store: `GOVER_SYSTEM_HOME`, else [`SYSTEM_HOME`].
    pub fn locate_system(process: &Process) -> GoverHome {
        let set = process.value("GOVER_SYSTEM_HOME").map(PathBuf::from);
        GoverHome::new(set.unwrap_or_else(|| PathBuf::from(SYSTEM_HOME)))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Why this GOVER_HOME cannot hold gover's files, if it cannot: a relative path (it
    /// would mean another place in every directory), or something other than a directory in
    /// its place or in the place of a parent it would be created in.
    pub fn problem(&self) -> Option<String> {
        if !self.root.is_absolute() {
            return Some("it is a relative path; GOVER_HOME must be absolute".into());
        }
        let mut path = self.root.as_path();
        loop {
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => return None,
                Ok(_) if path == self.root => return Some("it is a file, not a directory".into()),
                Ok(_) => return Some(format!("it cannot be created: {} is a file, not a directory", path.display())),
                Err(_) if std::fs::symlink_metadata(path).is_ok() => {
                    return Some(format!("{} is a symbolic link to nothing", path.display()))
                }
                Err(_) => path = path.parent()?,
            }
        }
    }

    pub fn versions_dir(&self) -> PathBuf {
        self.root.join("versions")
    }

    /// A complete GOROOT, made visible by one rename once verified.
    pub fn version_dir(&self, version: &GoVersion) -> PathBuf {
        self.versions_dir().join(version.to_string())
    }

    /// The go binary of an installed version: there only once the install is complete.
    pub fn version_go(&self, version: &GoVersion) -> PathBuf {
        self.version_dir(version).join("bin/go")
    }

    pub fn shims_dir(&self) -> PathBuf {
        self.root.join("shims")
    }

    /// The shim named `name` (`go`, `gofmt`, `go1.22.10`).
    pub fn shim(&self, name: &str) -> PathBuf {
        self.shims_dir().join(name)
    }

    /// Whether the directory `dir` (a PATH entry) is this home's shims directory: the same
    /// path, or the same directory once both are canonical, so a symlinked GOVER_HOME, a PATH
    /// entry through a symlink or a relative one (read from the working directory) is still
    /// recognised. A directory that does not exist is not it.
    pub fn is_shims_dir(&self, dir: &Path) -> bool {
        let shims = self.shims_dir();
        if dir == shims {
            return true;
        }
        match (std::fs::canonicalize(dir), std::fs::canonicalize(&shims)) {
            (Ok(dir), Ok(shims)) => dir == shims,
            _ => false,
        }
    }

    /// The global default: one line, a version spec (`gover global`).
    pub fn global_file(&self) -> PathBuf {
        self.root.join("global")
    }

    /// Toolchains gover did not install, one symbolic link per name to its tree (see
    /// [`crate::link`]).
    pub fn links_dir(&self) -> PathBuf {
        self.root.join("links")
    }

    pub fn link_path(&self, name: &str) -> PathBuf {
        self.links_dir().join(name)
    }

    /// The tree linked as `name`: where its symbolic link points, whether or not it is there.
    pub fn linked(&self, name: &str) -> Option<PathBuf> {
        std::fs::read_link(self.link_path(name)).ok()
    }

    /// Every link, by name, with its tree.
    pub fn links(&self) -> Vec<(String, PathBuf)> {
        let Ok(entries) = std::fs::read_dir(self.links_dir()) else { return Vec::new() };
        let mut links: Vec<(String, PathBuf)> = entries
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                // A half-made link (`.name.new-<pid>`) is no name.
                crate::link::name_problem(&name).is_none().then_some(())?;
                Some((name.clone(), self.linked(&name)?))
            })
            .collect();
        links.sort();
        links
    }

    /// When each version last ran through a shim or `gover exec`: the modification time of
    /// `used/<version>`.
    pub fn used_stamp(&self, version: &GoVersion) -> PathBuf {
        self.used_dir().join(version.to_string())
    }

    fn used_dir(&self) -> PathBuf {
        self.root.join("used")
    }

    /// Extraction happens here, on the same filesystem as versions/, so the final rename is
    /// atomic.
    pub fn staging_dir(&self) -> PathBuf {
        self.root.join("staging")
    }

    /// Where `version` is extracted before it moves to versions/.
    pub fn staging_path(&self, version: &GoVersion) -> PathBuf {
        self.staging_dir().join(version.to_string())
    }

    /// Where process `pid` moves `version`'s tree out of versions/ before deleting it, so the
    /// version disappears at once, with one rename.
    pub fn staging_trash(&self, version: &GoVersion, pid: u32) -> PathBuf {
        self.staging_dir().join(format!("{version}.removing-{pid}"))
    }

    pub fn downloads_dir(&self) -> PathBuf {
        self.root.join("downloads")
    }

    /// The downloaded file `name` (an archive, or one with `.partial` being resumed).
    pub fn download(&self, name: &str) -> PathBuf {
        self.downloads_dir().join(name)
    }

    /// The checksum databases' tree heads gover verified last, one directory per database.
    pub fn sumdb_dir(&self) -> PathBuf {
        self.root.join("sumdb")
    }

    /// Copies of what came from the network that are worth keeping (the release index).
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// The Go vulnerability database's cache.
    pub fn vulndb_dir(&self) -> PathBuf {
        self.root.join("vulndb")
    }

    /// The vulnerability database as last fetched.
    pub fn vulndb_file(&self) -> PathBuf {
        self.vulndb_dir().join("db.json")
    }

    /// Which database the last failed fetch was from, and when (its modification time).
    pub fn vulndb_failure_file(&self) -> PathBuf {
        self.vulndb_dir().join("failed")
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    /// Held while `version` is installed or uninstalled.
    pub fn version_lock(&self, version: &GoVersion) -> PathBuf {
        self.locks_dir().join(format!("{version}.lock"))
    }

    /// Held while the release names in shims/ are brought up to date.
    pub fn shims_lock(&self) -> PathBuf {
        self.locks_dir().join("shims.lock")
    }

    pub fn backups_dir(&self) -> PathBuf {
        self.root.join("backups")
    }

    /// The rendered shell hooks and completion scripts the startup-file lines source.
    pub fn shell_dir(&self) -> PathBuf {
        self.root.join("shell")
    }

    /// What `gover setup` created outside GOVER_HOME, for `gover implode`.
    pub fn setup_manifest(&self) -> PathBuf {
        self.shell_dir().join("created")
    }

    /// Records that `version` is running now, for `gover prune --unused-for`. The stamp is
    /// rewritten at most once a day, so running go costs one `stat` more; and never fails:
    /// a GOVER_HOME this user cannot write (a shared one) must not stop go.
    pub fn mark_used(&self, version: &GoVersion) {
        const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
        let stamp = self.used_stamp(version);
        let age = std::fs::metadata(&stamp).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if age.is_some_and(|age| age < DAY) {
            return;
        }
        let _ = std::fs::create_dir_all(self.used_dir());
        let _ = std::fs::File::create(&stamp).and_then(|f| f.set_modified(std::time::SystemTime::now()));
    }

    /// Installed versions, in no particular order. Only complete installs live under
    /// versions/ (staging happens elsewhere), so a name that parses is an installed version.
    pub fn installed(&self) -> Vec<GoVersion> {
        let Ok(entries) = std::fs::read_dir(self.versions_dir()) else { return Vec::new() };
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                // Only canonical names (go1.22.10), so a stray `1.22` folder is not a version.
                GoVersion::parse(&name).filter(|v| v.to_string() == name)
            })
            .collect()
    }
}

/// Why a store shared by every user (the system store) cannot be trusted by user `uid`, given
/// the metadata of its versions/: only root (or the user) may be able to change what runs from
/// it. Otherwise whoever owns it, or is in a group that may write it (Debian's `staff` may
/// write /usr/local on older systems), would choose what go every user runs.
pub fn shared_store_problem(versions: &std::fs::Metadata, uid: u32) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    if versions.uid() != 0 && versions.uid() != uid {
        Some(format!("its versions directory belongs to uid {}, neither root nor you", versions.uid()))
    } else if versions.mode() & 0o022 != 0 {
        Some("its versions directory is writable by its group or by every user".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Process {
        Process::new(pairs.iter().copied(), "/", 0)
    }

    #[test]
    fn locates_home() {
        let at = |pairs: &[(&str, &str)]| GoverHome::locate(&env(pairs)).map(|h| h.root().to_path_buf());
        assert_eq!(at(&[("GOVER_HOME", "/g"), ("HOME", "/h")]), Some("/g".into()));
        assert_eq!(at(&[("HOME", "/h")]), Some("/h/.local/share/gover".into()));
        assert_eq!(at(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")]), Some("/x/gover".into()));
        assert_eq!(at(&[("XDG_DATA_HOME", "rel"), ("HOME", "/h")]), Some("/h/.local/share/gover".into()));
        assert_eq!(at(&[("GOVER_HOME", ""), ("HOME", "/h")]), Some("/h/.local/share/gover".into()));
        assert_eq!(at(&[]), None);
        let system = |pairs: &[(&str, &str)]| GoverHome::locate_system(&env(pairs)).root().to_path_buf();
        assert_eq!(system(&[("GOVER_SYSTEM_HOME", "/s")]), PathBuf::from("/s"));
        assert_eq!(system(&[("GOVER_SYSTEM_HOME", "")]), PathBuf::from(SYSTEM_HOME));
    }

    #[test]
    fn unusable_homes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let problem = |p: &Path| GoverHome::new(p).problem();
        assert_eq!(problem(dir.path()), None);
        assert_eq!(problem(&dir.path().join("new/deeper")), None, "created when first needed");
        assert!(problem(&file).unwrap().contains("is a file"));
        assert!(problem(&file.join("sub")).unwrap().contains("cannot be created"));
        assert!(problem(Path::new("rel/gover")).unwrap().contains("relative"));
        std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("link")).unwrap();
        assert!(problem(&dir.path().join("link")).unwrap().contains("symbolic link to nothing"));
    }
}
