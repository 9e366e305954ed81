//! `gover uninstall <version>`: remove an installed version, refusing to pull the global
//! default out from under every directory that relies on it, or a tree out from under a go
//! that is running from it (see `crate::removal`), unless `--force`.

use std::path::Path;

use gover_shim::pin::PinFile;
use gover_shim::{GoVersion, Spec};

use crate::app::App;
use crate::error::{Error, Kind, Result};
use crate::output::outln;
use crate::removal::remove_installed;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The version to remove: 1.22.10, go1.22.10, or 1.22 when one 1.22.x is installed; or a
    /// link's name, which removes the name and never the tree
    #[arg(value_name = "VERSION")]
    pub version: String,
    /// Remove it even if the global default uses it or a running go uses it
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let store = &app.store;
    if Spec::parse(&args.version).is_none() && app.is_link(&args.version) {
        return unlink(app, &args.version, args.force);
    }
    store.sweep_leftovers();
    let installed = store.installed();
    let version = match pick_installed(&args.version, &installed) {
        Err(err) if err.kind == Kind::NotInstalled => return Err(system_version(app, &args).unwrap_or(err)),
        other => other?,
    };
    if !args.force {
        refuse_if_global(app, &version, &installed)?;
    }
    let _lock = store.lock_version(&version, || {
        outln!(app.out, Status, "waiting for another gover working on {version}...");
    })?;
    let dir = store.home().version_dir(&version);
    if !dir.exists() {
        outln!(app.out, Info, "{version} is not installed");
        return Ok(());
    }
    remove_installed(app, &version, args.force)?;
    outln!(app.out, Info, "removed {version}");
    Ok(())
}

/// The error for uninstalling, from one's own store, a version only the system store has:
/// root's to remove, and the command that does.
fn system_version(app: &App, args: &Args) -> Option<Error> {
    let ctx = app.context().ok()?;
    let system = ctx.system.as_ref()?;
    let shared: Vec<GoVersion> = ctx.installed().into_iter().filter(|i| i.system).map(|i| i.version).collect();
    let version = pick_installed(&args.version, &shared).ok()?;
    let mut command = vec!["--system".to_string(), "uninstall".to_string()];
    command.extend(args.force.then(|| "--force".to_string()));
    command.push(args.version.clone());
    let what = format!("{version} is in the system store {}, not in yours", system.root().display());
    Some(crate::commands::needs_root(&app.process, &what, &command))
}

/// `gover uninstall NAME` for a link: the name goes, the tree stays as it is. As for a version,
/// a link the global default names stays unless `--force`.
fn unlink(app: &App, name: &str, force: bool) -> Result<()> {
    let path = app.store.home().global_file();
    if let (Ok(Some(pin)), false) = (PinFile::GoVersion.read(&path), force) {
        if pin.spec == Spec::Link(name.to_string()) {
            return Err(global_default(name, &path, &pin.spec));
        }
    }
    let tree = crate::links::remove(&app.store, name)?;
    outln!(app.out, Info, "removed the link {name}; {} is untouched", tree.display());
    Ok(())
}

/// The installed version `text` names; a line (`1.22`) only when it names exactly one.
fn pick_installed(text: &str, installed: &[GoVersion]) -> Result<GoVersion> {
    let spec = match Spec::parse(text) {
        Some(spec @ (Spec::Exact(_) | Spec::Line { .. })) => spec,
        _ => {
            return Err(Error::usage(format!("{text:?} does not name one version"))
                .hint("give the exact version, as gover list shows it: gover uninstall go1.22.10"))
        }
    };
    let matching: Vec<&GoVersion> = installed.iter().filter(|v| spec.matches(v)).collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let names: Vec<String> = installed.iter().map(|v| v.to_string()).collect();
            let err = Error::new(Kind::NotInstalled, format!("go{spec} is not installed"))
                .hint("nothing to remove; see what is installed with: gover list");
            Err(if names.is_empty() {
                err.cause("no versions are installed")
            } else {
                err.cause(format!("installed: {}", names.join(", ")))
            })
        }
        many => {
            let names: Vec<String> = many.iter().map(|v| v.to_string()).collect();
            Err(Error::usage(format!("{text} matches {} installed versions: {}", many.len(), names.join(", ")))
                .hint("name the exact one: gover uninstall <version>"))
        }
    }
}

/// The global default resolves to `version` among what is installed, and nothing else
/// would take its place once it is gone.
fn refuse_if_global(app: &App, version: &GoVersion, installed: &[GoVersion]) -> Result<()> {
    let path = app.store.home().global_file();
    let Ok(Some(pin)) = PinFile::GoVersion.read(&path) else { return Ok(()) };
    if pin.spec.pick(installed) != Some(version) {
        return Ok(());
    }
    let others: Vec<&GoVersion> = installed.iter().filter(|v| *v != version).collect();
    if pin.spec.pick(others).is_some() {
        return Ok(());
    }
    Err(global_default(&version.to_string(), &path, &pin.spec))
}

/// Uninstalling `name` would take away the global default, which `file` sets to `spec`.
fn global_default(name: &str, file: &Path, spec: &Spec) -> Error {
    Error::failure(format!("{name} is the global default ({} says {spec})", file.display()))
        .cause("without it, go would fail everywhere no pin file applies")
        .hint(format!("choose another default first (gover global <version>), or run gover uninstall --force {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(names: &[&str]) -> Vec<GoVersion> {
        names.iter().map(|n| GoVersion::parse(n).unwrap()).collect()
    }

    #[test]
    fn picks_exactly_one() {
        let installed = versions(&["go1.21.13", "go1.22.9", "go1.22.10"]);
        assert_eq!(pick_installed("1.21", &installed).unwrap().to_string(), "go1.21.13");
        assert_eq!(pick_installed("go1.22.9", &installed).unwrap().to_string(), "go1.22.9");
        assert_eq!(pick_installed("1.22", &installed).unwrap_err().kind, Kind::Usage);
        assert_eq!(pick_installed("1.23.0", &installed).unwrap_err().kind, Kind::NotInstalled);
        assert_eq!(pick_installed("latest", &installed).unwrap_err().kind, Kind::Usage);
    }
}
