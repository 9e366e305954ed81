//! Toolchains gover did not install, by a name (`gover link my-fork /opt/go-fork`): checking a
//! tree before it is named, making and removing the name. The name is a symbolic link in
//! GOVER_HOME/links (its layout and the naming rule are the shim crate's, see
//! `gover_shim::link`); gover never writes in, or deletes, the tree itself.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use gover_shim::trust::Trust;
use gover_shim::Process;

use crate::error::{self, Error, Kind, Result};
use crate::store::Store;

/// What a tree has to be: a GOROOT, with a hint saying how to find one.
const TREE_HINT: &str = "name the root of a Go tree, the directory holding bin/go (what `go env GOROOT` prints for \
                         that go), e.g. /usr/local/go or a gotip build's ~/sdk/gotip";

/// What a usable tree reports: `go version`'s words, and its VERSION file's first line when it
/// has one that says something else (a tree rebuilt since it was unpacked).
pub struct Checked {
    pub reported: String,
    pub version_file: Option<String>,
}

/// Why `dir` cannot be linked (or, for doctor, no longer works), in words; `Ok` when it is a
/// Go tree whose `bin/go` runs.
pub fn check_tree(dir: &Path) -> std::result::Result<Checked, String> {
    let shown = dir.display();
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("{shown} is a file, not a directory")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(format!("{shown} does not exist")),
        Err(e) => return Err(format!("cannot read {shown}: {}", e)),
    }
    let go = dir.join("bin/go");
    match fs::metadata(&go) {
        Ok(meta) if meta.is_file() && meta.mode() & 0o111 != 0 => {}
        Ok(meta) if meta.is_file() => return Err(format!("{} is not executable", go.display())),
        _ => return Err(format!("{shown} has no bin/go")),
    }
    let reported = crate::import::reported_version(dir).map_err(|e| {
        let why = e.causes.first().map(|c| format!(" ({c})")).unwrap_or_default();
        format!("{} does not run{why}", go.display())
    })?;
    let version_file = crate::managers::version_file(dir).map(|v| v.to_string()).filter(|v| *v != reported);
    Ok(Checked { reported, version_file })
}

/// Why this user should not run `dir`'s go, if another user could change it: the rule pin
/// files follow (`gover_shim::trust`), for the tree and its bin/ and bin/go, since a link
/// decides what runs wherever it is pinned.
fn untrusted(dir: &Path, uid: u32) -> Option<String> {
    let trust = Trust::new(uid);
    let bin = dir.join("bin");
    for place in [dir, bin.as_path()] {
        let meta = fs::metadata(place).ok()?;
        if let Some(why) = trust.directory(&meta) {
            return Some(format!("{} {}", place.display(), untrusted_words(&why)));
        }
    }
    let go = bin.join("go");
    let owner = fs::metadata(&go).ok()?.uid();
    trust.file(owner).map(|why| format!("{} {}", go.display(), untrusted_words(&why)))
}

fn untrusted_words(why: &gover_shim::trust::Untrusted) -> String {
    use gover_shim::trust::Untrusted;
    match why {
        Untrusted::Owner(uid) | Untrusted::DirectoryOwner(uid) => format!("belongs to uid {uid}, neither you nor root"),
        Untrusted::WorldWritable | Untrusted::Shared => "is writable by every user".into(),
    }
}

/// Names `dir` `name`: refused for a bad name, a name in use (unless `replace`), or a tree
/// that is not a working Go tree of the user's or root's. Returns the tree as stored
/// (absolute, symbolic links in it kept, so a distribution's /usr/lib/go follows its updates)
/// and what it reported. `process`: whose working directory a relative `dir` is in, and whose
/// user must be able to trust the tree.
pub fn make(process: &Process, store: &Store, name: &str, dir: &Path, replace: bool) -> Result<(PathBuf, Checked)> {
    if let Some(problem) = gover_shim::link::name_problem(name) {
        let shown: String = name.chars().take(80).collect();
        return Err(Error::usage(format!("cannot link {shown:?}: {problem}"))
            .hint("choose a name such as my-fork, gotip or go-fips"));
    }
    let home = store.home();
    if let (Some(old), false) = (home.linked(name), replace) {
        return Err(Error::usage(format!("{name} is already linked to {}", old.display())).hint(format!(
            "to point it at the new tree, run gover link --force {name} {}; or choose another name",
            dir.display()
        )));
    }
    let cwd = process.cwd().map_err(|e| Error::failure("cannot read the working directory").cause(e))?;
    // absolute() only tidies an absolute path; the working directory is the snapshot's.
    let dir = std::path::absolute(cwd.join(dir)).map_err(|e| error::io("find", dir, e))?;
    let checked = check_tree(&dir).map_err(|why| Error::usage(format!("cannot link {name}: {why}")).hint(TREE_HINT))?;
    if let Some(why) = untrusted(&dir, process.uid()) {
        return Err(Error::new(
            Kind::Environment,
            format!("cannot link {name}: {why}, so they could change what it runs"),
        )
        .hint("link a copy of your own (cp -a the tree into your home directory)"));
    }
    let links = home.links_dir();
    Store::create_dir(&links)?;
    // Made under a temporary name and renamed over the old one, so the name always means the
    // old tree or the new one.
    let temp = links.join(format!(".{name}.new-{}", std::process::id()));
    let _ = fs::remove_file(&temp);
    std::os::unix::fs::symlink(&dir, &temp).map_err(|e| error::io("create", &temp, e))?;
    let path = home.link_path(name);
    fs::rename(&temp, &path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        error::io("create", &path, e)
    })?;
    Ok((dir, checked))
}

/// Removes the name `name`, never the tree: `remove_file` on a symbolic link removes the link.
pub fn remove(store: &Store, name: &str) -> Result<PathBuf> {
    let path = store.home().link_path(name);
    let tree = store.home().linked(name).unwrap_or_default();
    fs::remove_file(&path).map_err(|e| error::io("remove", &path, e))?;
    Ok(tree)
}
