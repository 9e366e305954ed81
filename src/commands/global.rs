//! `gover global`: the version used wherever nothing else is pinned.

use std::fs;
use std::path::Path;

use gover_shim::pin::PinFile;
use gover_shim::resolve::find_system_go;
use gover_shim::Spec;

use crate::app::App;
use crate::error::{self, Result};
use crate::output::outln;
use crate::pinning::pin;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The default version: 1.22, 1.22.10, latest, stable, oldstable or system; without it, show the current one
    #[arg(conflicts_with = "unset")]
    pub version: Option<String>,
    /// Install the version first if it is missing
    #[arg(long)]
    pub install: bool,
    /// Remove the global default (the system go is used where nothing is pinned)
    #[arg(long)]
    pub unset: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let file = app.store.home().global_file();
    if args.unset {
        return unset(app, &file);
    }
    let Some(version) = args.version else {
        match PinFile::GoVersion.read(&file) {
            Ok(Some(pin)) => outln!(app.out, Answer, "{}", go_name(&pin.spec)),
            Ok(None) => outln!(app.out, Answer, "none (the system go is used where nothing is pinned)"),
            Err(e) => return Err(gover_shim::ResolveError::BadPin { path: file, error: e }.into()),
        }
        return Ok(());
    };
    crate::store::Store::create_dir(app.store.root())?;
    pin(app, &version, &file, args.install, "gover global")
}

/// A spec as Go names versions: go1.22.10, go1.22 (the newest installed 1.22.x), system.
fn go_name(spec: &Spec) -> String {
    match spec {
        Spec::Exact(version) => version.to_string(),
        Spec::Line { .. } => format!("go{spec}"),
        Spec::Latest | Spec::Stable | Spec::OldStable | Spec::System | Spec::Link(_) => spec.to_string(),
    }
}

/// Removes the global default, and says what it was and what `go` runs now where nothing
/// is pinned.
fn unset(app: &App, file: &Path) -> Result<()> {
    let was = PinFile::GoVersion.read(file).ok().flatten();
    match fs::remove_file(file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(error::io("remove", file, e)),
    }
    let done = match was {
        Some(pin) => format!("removed the global default ({})", go_name(&pin.spec)),
        None => "there was no global default".to_string(),
    };
    let now = match find_system_go(&app.context()?) {
        Some(bin) => format!("where nothing is pinned, go now runs the system go, {}", bin.join("go").display()),
        None => "where nothing is pinned, go now fails: there is no go on PATH besides gover's shims (gover global \
                 <version> sets one)"
            .to_string(),
    };
    outln!(app.out, Status, "{done}; {now}");
    Ok(())
}
