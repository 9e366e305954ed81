//! `gover which` (being built; see the open issue). `--shim` is here already for systemd
//! units and crontabs, which need an absolute path that works without the shell hook.

use crate::app::App;
use crate::error::{exit, Error, Result};
use crate::store::SHIMMED_TOOLS;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The tool: go or gofmt
    #[arg(default_value = "go")]
    pub tool: String,
    /// Print the absolute path of the shim (for ExecStart= and crontab lines) instead
    #[arg(long)]
    pub shim: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    if !args.shim {
        return Err(Error::failure("gover which is not built yet"));
    }
    if !SHIMMED_TOOLS.contains(&args.tool.as_str()) {
        return Err(Error::usage(format!("gover has no shim for {:?}", args.tool))
            .hint(format!("the shims are: {}", SHIMMED_TOOLS.join(", "))));
    }
    let shim = app.store.home().shims_dir().join(&args.tool);
    if !shim.is_file() {
        return Err(Error::new(exit::ENVIRONMENT, format!("the {} shim is missing: {}", args.tool, shim.display()))
            .hint("run gover setup"));
    }
    println!("{}", shim.display());
    Ok(())
}
