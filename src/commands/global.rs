//! `gover global`: the version used wherever nothing else is pinned.

use std::fs;

use gover_shim::pin::PinFile;

use crate::app::App;
use crate::commands::use_::pin;
use crate::error::{self, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The default version: 1.22, 1.22.10, latest or system; without it, show the current one
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
        return match fs::remove_file(&file) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(error::io("remove", &file, e)),
        };
    }
    let Some(version) = args.version else {
        match PinFile::GoVersion.read(&file) {
            Ok(Some(pin)) => println!("{}", pin.spec),
            Ok(None) => println!("none (the system go is used where nothing is pinned)"),
            Err(e) => return Err(gover_shim::ResolveError::BadPin { path: file, error: e }.into()),
        }
        return Ok(());
    };
    crate::store::Store::create_dir(app.store.root())?;
    pin(app, &version, &file, args.install, "gover global")
}
