//! GOVER_HOME: where versions, shims and the global default live. Every path gover uses
//! under it is named here, so the CLI and the shim cannot disagree about the layout.

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
        // XDG says relative values are to be ignored.
        let data = set("XDG_DATA_HOME").filter(|p| p.is_absolute());
        let data = data.or_else(|| set("HOME").map(|h| h.join(".local/share")))?;
        Some(GoverHome::new(data.join("gover")))
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

    pub fn shims_dir(&self) -> PathBuf {
        self.root.join("shims")
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
        self.root.join("used").join(version.to_string())
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
        let _ = std::fs::create_dir_all(self.root.join("used"));
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
