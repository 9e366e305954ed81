//! GOVER_HOME: where versions, shims and the global default live. Every path gover uses
//! under it is named here, so the CLI and the shim cannot disagree about the layout.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::version::GoVersion;

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
    pub fn locate(var: impl Fn(&str) -> Option<OsString>) -> Option<GoverHome> {
        let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(home) = set("GOVER_HOME") {
            return Some(GoverHome::new(home));
        }
        // XDG says relative values are to be ignored.
        let data = set("XDG_DATA_HOME").filter(|p| p.is_absolute());
        let data = data.or_else(|| set("HOME").map(|h| h.join(".local/share")))?;
        Some(GoverHome::new(data.join("gover")))
    }

    pub fn root(&self) -> &Path {
        &self.root
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn locates_home() {
        let at = |pairs: &[(&str, &str)]| GoverHome::locate(env(pairs)).map(|h| h.root().to_path_buf());
        assert_eq!(at(&[("GOVER_HOME", "/g"), ("HOME", "/h")]), Some("/g".into()));
        assert_eq!(at(&[("HOME", "/h")]), Some("/h/.local/share/gover".into()));
        assert_eq!(at(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")]), Some("/x/gover".into()));
        assert_eq!(at(&[("XDG_DATA_HOME", "rel"), ("HOME", "/h")]), Some("/h/.local/share/gover".into()));
        assert_eq!(at(&[("GOVER_HOME", ""), ("HOME", "/h")]), Some("/h/.local/share/gover".into()));
        assert_eq!(at(&[]), None);
    }
}
