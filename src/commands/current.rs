//! `gover current`: the version in use here and what selected it.

use gover_shim::resolve::{resolve, Toolchain};
use gover_shim::Source;

use crate::app::App;
use crate::error::Result;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print only the version (or `system`)
    #[arg(long)]
    pub bare: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let resolution = resolve(&app.context()?)?;
    let name = match &resolution.toolchain {
        Toolchain::Installed { version, .. } => version.to_string(),
        Toolchain::System { .. } => "system".to_string(),
    };
    if args.bare {
        println!("{name}");
        return Ok(());
    }
    let origin = match &resolution.request.source {
        Source::Fallback => "nothing is pinned".to_string(),
        source => format!("set by {source}"),
    };
    match &resolution.toolchain {
        Toolchain::System { .. } => println!("system: {} ({origin})", resolution.toolchain.binary("go").display()),
        Toolchain::Installed { .. } => println!("{name} ({origin})"),
    }
    Ok(())
}
