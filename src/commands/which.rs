//! `gover which`: the real binary a shim would run here, or the shim itself (`--shim`) for
//! places that have no shell hook: systemd `ExecStart=` lines and crontabs.

use gover_shim::resolve::{is_executable, resolve};

use crate::app::App;
use crate::error::{exit, Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The tool to look up
    #[arg(default_value = "go", value_parser = ["go", "gofmt"])]
    pub tool: String,
    /// Print the absolute path of the shim instead of the binary it runs
    #[arg(long)]
    pub shim: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let path = if args.shim {
        let shim = app.store.home().shims_dir().join(&args.tool);
        if !is_executable(&shim) {
            return Err(Error::new(
                exit::NOT_INSTALLED,
                format!("the {} shim is missing: {}", args.tool, shim.display()),
            )
            .hint("run gover install <version> (or gover setup) to create the shims"));
        }
        shim
    } else {
        resolve(&app.context()?)?.toolchain.binary(&args.tool)
    };
    println!("{}", path.display());
    Ok(())
}
