//! Cache keys and paths for a job: the toolchain gover installed, the module cache, and the
//! build cache. A key names everything that makes a cache wrong to reuse (OS, arch, the
//! resolved Go version and, for modules and builds, the go.sum and go.work.sum files), so it
//! is the same on every run until one of them changes.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// `--kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// The installed Go release (GOVER_HOME/versions/<version>)
    Toolchain,
    /// The module cache (GOMODCACHE), without any toolchain go itself downloaded there
    Modules,
    /// The build cache (GOCACHE)
    Build,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Toolchain => "toolchain",
            Kind::Modules => "modules",
            Kind::Build => "build",
        }
    }

    /// The variable a later job reads the key from (GitLab's `cache:key: $GOVER_MODULES_CACHE_KEY`).
    pub fn variable(self) -> &'static str {
        match self {
            Kind::Toolchain => "GOVER_TOOLCHAIN_CACHE_KEY",
            Kind::Modules => "GOVER_MODULES_CACHE_KEY",
            Kind::Build => "GOVER_BUILD_CACHE_KEY",
        }
    }
}

/// What a cache step needs: the exact key, a prefix that restores the newest older cache of
/// the same kind, version and platform, and the paths to save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    pub key: String,
    pub restore_key: String,
    pub paths: Vec<String>,
}

/// Where each kind lives on this machine.
pub struct Places<'a> {
    pub version_dir: &'a Path,
    pub gomodcache: &'a str,
    pub gocache: &'a str,
}

/// The key for `kind`. `platform` is `linux-amd64`; `sums` are the go.sum files by path
/// relative to the repository with their content, in a fixed order (see [`find_sum_files`]).
pub fn cache_key(kind: Kind, platform: &str, version: &str, sums: &[(String, Vec<u8>)], places: &Places) -> CacheKey {
    let prefix = format!("gover-{}-{platform}-{version}", kind.name());
    let (key, paths) = match kind {
        Kind::Toolchain => (prefix.clone(), vec![places.version_dir.display().to_string()]),
        Kind::Modules => {
            // With GOTOOLCHAIN=auto go keeps the toolchains it downloads in the module cache;
            // those are not modules, and gover's own toolchains never go there.
            let cache = places.gomodcache;
            let paths = vec![
                cache.to_string(),
                format!("!{cache}/golang.org/toolchain@*"),
                format!("!{cache}/cache/download/golang.org/toolchain"),
            ];
            (format!("{prefix}-{}", digest(sums)), paths)
        }
        Kind::Build => (format!("{prefix}-{}", digest(sums)), vec![places.gocache.to_string()]),
    };
    CacheKey { key, restore_key: format!("{prefix}-"), paths }
}

/// A digest of the files' names and contents: renaming or moving a go.sum changes it too.
fn digest(sums: &[(String, Vec<u8>)]) -> String {
    let mut hash = Sha256::new();
    for (path, content) in sums {
        hash.update((path.len() as u64).to_le_bytes());
        hash.update(path.as_bytes());
        hash.update((content.len() as u64).to_le_bytes());
        hash.update(content);
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    hex[..32].to_string()
}

/// Every go.sum and go.work.sum under `root`, sorted, skipping what go skips when it lists
/// packages (`testdata`, directories starting with `.` or `_`) and `vendor`; symbolic links
/// are not followed, so a link cannot pull in a file from outside the repository.
pub fn find_sum_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !(name.starts_with(['.', '_']) || name == "testdata" || name == "vendor") {
                    dirs.push(entry.path());
                }
            } else if kind.is_file() && (name == "go.sum" || name == "go.work.sum") {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: Kind, sums: &[(&str, &str)]) -> CacheKey {
        let sums: Vec<(String, Vec<u8>)> = sums.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect();
        let places = Places {
            version_dir: Path::new("/g/versions/go1.22.10"),
            gomodcache: "/h/go/pkg/mod",
            gocache: "/h/.cache/go-build",
        };
        cache_key(kind, "linux-amd64", "go1.22.10", &sums, &places)
    }

    #[test]
    fn keys_change_with_what_makes_a_cache_stale() {
        let one = key(Kind::Modules, &[("go.sum", "a v1 h1:x\n")]);
        assert_eq!(one, key(Kind::Modules, &[("go.sum", "a v1 h1:x\n")]));
        assert!(one.key.starts_with("gover-modules-linux-amd64-go1.22.10-"));
        assert_eq!(one.restore_key, "gover-modules-linux-amd64-go1.22.10-");
        assert_ne!(one.key, key(Kind::Modules, &[("go.sum", "a v2 h1:y\n")]).key);
        assert_ne!(one.key, key(Kind::Modules, &[("sub/go.sum", "a v1 h1:x\n")]).key);
        // No boundary ambiguity: two files are not one file with both contents.
        assert_ne!(key(Kind::Build, &[("a", "bc"), ("d", "")]).key, key(Kind::Build, &[("a", "b"), ("cd", "")]).key);
        assert_ne!(one.key, key(Kind::Build, &[("go.sum", "a v1 h1:x\n")]).key);
    }

    #[test]
    fn paths_per_kind() {
        assert_eq!(key(Kind::Toolchain, &[]).key, "gover-toolchain-linux-amd64-go1.22.10");
        assert_eq!(key(Kind::Toolchain, &[]).paths, ["/g/versions/go1.22.10"]);
        assert_eq!(key(Kind::Build, &[]).paths, ["/h/.cache/go-build"]);
        let modules = key(Kind::Modules, &[]).paths;
        assert_eq!(modules[0], "/h/go/pkg/mod");
        assert!(modules[1..].iter().all(|p| p.starts_with("!/h/go/pkg/mod/") && p.contains("golang.org/toolchain")));
    }
}
