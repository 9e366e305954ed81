//! Adopting the Go trees other version managers (and the system) installed, so moving to
//! gover needs no download: find them, verify each by running its own `bin/go version`,
//! and bring it into GOVER_HOME/versions/<goX.Y.Z> through staging and one rename.
//!
//! A tree is *hard-linked* file by file (copied where links are impossible: another
//! filesystem, or files another user owns). That costs no disk space, and unlike a symlink it
//! keeps working after the old manager deletes its copy. `--move` also removes the original,
//! once the version is in place.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gover_shim::GoVersion;

use crate::error::{self, Error, Result};
use crate::interrupt;
pub use crate::managers::{version_file, Manager, Places};
use crate::output::{outln, Output};
use crate::store::Store;

/// A Go tree another manager installed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub manager: Manager,
    /// Its GOROOT (the directory holding bin/go), symlinks resolved.
    pub root: PathBuf,
    /// From its VERSION file; `None` for trees without one (a devel build).
    pub version: Option<GoVersion>,
}

/// Every Go tree of `managers`, each once (mise's `1.22 -> 1.22.3` aliases and Debian's
/// `/usr/lib/go -> go-1.22` resolve to the same tree).
pub fn find(places: &Places, managers: &[Manager]) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for &manager in managers {
        for dir in manager.about().containers(places) {
            // Some managers keep the tree in a `go` subdirectory (asdf, older g).
            let Some(root) = [dir.clone(), dir.join("go")].into_iter().find(|d| d.join("bin/go").is_file()) else {
                continue;
            };
            let Ok(root) = fs::canonicalize(&root) else { continue };
            if out.iter().any(|f| f.root == root) {
                continue;
            }
            out.push(Found { manager, version: version_file(&root), root });
        }
    }
    out
}

/// Runs `root/bin/go version` with GOROOT=root (and no toolchain switching) and returns the
/// release it reports.
pub fn verify(root: &Path) -> Result<GoVersion> {
    let reported = reported_version(root)?;
    GoVersion::parse(&reported).ok_or_else(|| {
        Error::failure(format!("{} reports {reported:?}, which is no Go release", root.join("bin/go").display()))
    })
}

/// What `root/bin/go version` says it is, run with GOROOT=root and no toolchain switching:
/// `go1.22.10`, or `devel go1.24-3a1b2c4 …` for a build from source.
pub fn reported_version(root: &Path) -> Result<String> {
    let go = root.join("bin/go");
    let out = Command::new(&go)
        .arg("version")
        .env("GOROOT", root)
        .env("GOTOOLCHAIN", "local")
        .env_remove("GOFLAGS")
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| error::io("run", &go, e))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    // "go version go1.22.10 linux/amd64"
    // "go version devel go1.24-3a1b2c4 Tue Jan 7 …/amd64": everything before the platform.
    let reported = stdout.strip_prefix("go version ").and_then(|rest| rest.trim().rsplit_once(' ')).map(|(v, _)| v);
    match reported {
        Some(version) if out.status.success() => Ok(version.to_string()),
        _ => Err(Error::failure(format!("{} version did not work", go.display())).cause(format!(
            "exit status {}, output {:?}",
            out.status,
            format!("{}{}", stdout.trim(), String::from_utf8_lossy(&out.stderr).trim())
        ))),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Hard links (copies where a link is impossible); the original stays usable.
    Link,
    /// As `Link`, then the original is removed.
    Move,
}

/// Brings `found` into the store as `version` (its verified release): linked into a fresh
/// staging directory under the version's lock, verified there, then committed to versions/
/// by one rename. With [`Mode::Move`] the original is removed only after that, so a failure
/// at any step leaves it as it was.
pub fn adopt(store: &Store, found: &Found, version: &GoVersion, mode: Mode, out: Output) -> Result<PathBuf> {
    let _lock =
        store.lock_version(version, || outln!(out, Status, "waiting for another gover working on {version}..."))?;
    if store.is_installed(version) {
        return Err(Error::failure(format!("{version} is already installed")));
    }
    let staging = store.fresh_staging(version)?;
    link_tree(&found.root, staging.path())?;
    let reported =
        verify(staging.path()).map_err(|e| e.context(format!("the copy of {} does not work", found.root.display())))?;
    if !reported.same_release(version) {
        return Err(Error::failure(format!("the copy of {} reports {reported}, not {version}", found.root.display())));
    }
    store.commit(staging, version)?;
    if mode == Mode::Move {
        fs::remove_dir_all(&found.root).map_err(|e| {
            error::io("remove the original", &found.root, e)
                .hint(format!("{version} is imported; delete the original yourself"))
        })?;
    }
    Ok(store.home().version_dir(version))
}

/// Recreates `from` at `to`: directories with their modes, symlinks as symlinks, files
/// hard-linked, or copied (with their mode) where linking fails. Stops at the next file once
/// the import is interrupted; a FIFO, socket or device (no Go tree has one) is refused, never
/// opened, since copying a FIFO waits for a writer forever.
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    interrupt::stop_if_signalled()?;
    let meta = fs::symlink_metadata(from).map_err(|e| error::io("read", from, e))?;
    if meta.file_type().is_symlink() {
        let target = fs::read_link(from).map_err(|e| error::io("read the link", from, e))?;
        return std::os::unix::fs::symlink(&target, to).map_err(|e| error::io("create the link", to, e));
    }
    if meta.is_dir() {
        match fs::create_dir(to) {
            // The staging directory itself already exists, empty.
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(error::io("create", to, e)),
            _ => {}
        }
        for entry in fs::read_dir(from).map_err(|e| error::io("read", from, e))? {
            let entry = entry.map_err(|e| error::io("read", from, e))?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        // Last, so a read-only directory can still be filled.
        return fs::set_permissions(to, fs::Permissions::from_mode(meta.mode() & 0o7777))
            .map_err(|e| error::io("set the mode of", to, e));
    }
    if !meta.is_file() {
        return Err(Error::failure(format!("{} is not a regular file, directory or link", from.display()))
            .hint("a Go tree holds no FIFO, socket or device; remove it from the tree and import again"));
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map(|_| ()).map_err(|e| error::io("copy", from, e))
}

/// The GOBIN every version shares, as go itself would pick it: GOBIN, else the first GOPATH
/// entry's `bin`, else ~/go/bin. A GOBIN or GOPATH the old manager exported (its own
/// per-version directories) is not the shared one; ~/go/bin is.
pub fn shared_gobin(places: &Places) -> PathBuf {
    let gobin = (places.var)("GOBIN").filter(|v| v.starts_with('/')).map(PathBuf::from);
    let candidate = gobin.unwrap_or_else(|| places.gopath().join("bin"));
    let managers_own = Manager::owning(places, &candidate).is_some()
        || Manager::SHELL_MANAGERS.iter().any(|m| m.about().tool_dirs(places).contains(&candidate));
    if managers_own {
        places.home.join("go/bin")
    } else {
        candidate
    }
}

/// Programs `go install`ed under `manager` (go and gofmt aside) that the shared GOBIN lacks.
pub fn stray_tools(places: &Places, manager: Manager, gobin: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in manager.about().tool_dirs(places) {
        for tool in crate::managers::children(&dir) {
            let Some(name) = tool.file_name() else { continue };
            let taken = out.iter().any(|t| t.file_name() == Some(name));
            if matches!(name.to_str(), Some("go" | "gofmt"))
                || taken
                || gobin.join(name).exists()
                || !gover_shim::resolve::is_executable(&tool)
            {
                continue;
            }
            out.push(tool);
        }
    }
    out
}

/// Puts `tool` into `gobin` under its name: a hard link, or a copy with its mode where a link
/// is impossible. An existing file of that name is never replaced.
pub fn carry_tool(tool: &Path, gobin: &Path) -> Result<PathBuf> {
    let name = tool.file_name().ok_or_else(|| Error::failure(format!("{} has no name", tool.display())))?;
    let dest = gobin.join(name);
    fs::create_dir_all(gobin).map_err(|e| error::io("create", gobin, e))?;
    if fs::hard_link(tool, &dest).is_ok() {
        return Ok(dest);
    }
    let temp = gobin.join(format!(".{}.gover-{}", name.to_string_lossy(), std::process::id()));
    // An interrupted import that has to exit on its own deletes the half-copied file.
    interrupt::track_temporary(&temp);
    let copied = fs::copy(tool, &temp).map_err(|e| error::io("copy", tool, e));
    // A link, unlike a rename, never replaces a file that appeared meanwhile.
    let linked = interrupt::untrack_temporary(&temp, || {
        let linked = copied.and_then(|_| fs::hard_link(&temp, &dest).map_err(|e| error::io("create", &dest, e)));
        let _ = fs::remove_file(&temp);
        linked
    });
    linked.map(|()| dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plant(root: &Path, version: &str) {
        fs::create_dir_all(root.join("bin")).unwrap();
        fs::write(root.join("VERSION"), format!("{version}\ntime 2024-01-01T00:00:00Z\n")).unwrap();
        fs::write(root.join("bin/go"), "").unwrap();
    }

    #[test]
    fn finds_each_managers_layout() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let sys = dir.path().join("sys");
        plant(&home.join(".gvm/gos/go1.21.13"), "go1.21.13");
        plant(&home.join(".asdf/installs/golang/1.22.10/go"), "go1.22.10");
        plant(&home.join(".goenv/versions/1.20.1"), "go1.20.1");
        plant(&home.join(".g/versions/1.19.2"), "go1.19.2");
        plant(&home.join(".g/versions/1.18.3/go"), "go1.18.3");
        plant(&dir.path().join("mise/installs/go/1.23.9"), "go1.23.9");
        std::os::unix::fs::symlink("1.23.9", dir.path().join("mise/installs/go/1.23")).unwrap();
        plant(&sys.join("usr/local/go"), "go1.22.2");
        plant(&sys.join("usr/lib/go-1.19"), "go1.19.8");
        fs::create_dir_all(home.join(".gvm/gos/broken")).unwrap();
        let mise = dir.path().join("mise").display().to_string();
        let var = move |name: &str| (name == "MISE_DATA_DIR").then(|| mise.clone());
        let places = Places { home, var: Box::new(var), system_root: sys };
        let found = find(&places, &Manager::ALL);
        let names: Vec<(Manager, String)> =
            found.iter().map(|f| (f.manager, f.version.as_ref().unwrap().to_string())).collect();
        assert_eq!(
            names,
            [
                (Manager::Gvm, "go1.21.13"),
                (Manager::Asdf, "go1.22.10"),
                (Manager::Goenv, "go1.20.1"),
                (Manager::G, "go1.18.3"),
                (Manager::G, "go1.19.2"),
                (Manager::Mise, "go1.23.9"),
                (Manager::System, "go1.22.2"),
                (Manager::System, "go1.19.8"),
            ]
            .map(|(m, v)| (m, v.to_string()))
        );
    }

    #[test]
    fn the_shared_gobin_is_never_the_old_managers() {
        let gobin = |pairs: &'static [(&'static str, &'static str)]| {
            let var = move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
            shared_gobin(&Places { home: PathBuf::from("/h"), var: Box::new(var), system_root: PathBuf::from("/") })
        };
        assert_eq!(gobin(&[]), Path::new("/h/go/bin"));
        assert_eq!(gobin(&[("GOPATH", "/gp:/other")]), Path::new("/gp/bin"));
        assert_eq!(gobin(&[("GOBIN", "/tools"), ("GOPATH", "/gp")]), Path::new("/tools"));
        // What gvm's environment and mise's activation export belong to them.
        assert_eq!(gobin(&[("GOPATH", "/h/.gvm/pkgsets/go1.21.13/global")]), Path::new("/h/go/bin"));
        assert_eq!(gobin(&[("GOBIN", "/h/.local/share/mise/installs/go/1.22.10/bin")]), Path::new("/h/go/bin"));
    }

    #[test]
    fn link_tree_keeps_modes_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("from");
        fs::create_dir_all(from.join("ro")).unwrap();
        fs::write(from.join("ro/file"), "x").unwrap();
        std::os::unix::fs::symlink("ro/file", from.join("link")).unwrap();
        fs::set_permissions(from.join("ro"), fs::Permissions::from_mode(0o555)).unwrap();
        let to = dir.path().join("to");
        link_tree(&from, &to).unwrap();
        assert_eq!(fs::read_link(to.join("link")).unwrap(), Path::new("ro/file"));
        assert_eq!(fs::metadata(to.join("ro")).unwrap().mode() & 0o777, 0o555);
        assert_eq!(fs::metadata(to.join("ro/file")).unwrap().ino(), fs::metadata(from.join("ro/file")).unwrap().ino());
        for d in [&from, &to] {
            fs::set_permissions(d.join("ro"), fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}
