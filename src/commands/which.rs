//! `gover which`: the real binary a shim would run here, or the shim itself (`--shim`) for
//! places that have no shell hook: systemd `ExecStart=` lines and crontabs.

use gover_shim::resolve::{is_executable, Toolchain};
use serde_json::json;

use crate::active_source::origin_json;
use crate::app::App;
use crate::error::{Error, Kind, Result};
use crate::output::outln;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The tool to look up
    #[arg(default_value = "go", value_parser = ["go", "gofmt"])]
    pub tool: String,
    /// Print the absolute path of the shim instead of the binary it runs
    #[arg(long)]
    pub shim: bool,
    /// Print JSON for scripts: tool, path, and (without --shim) version and source
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    if args.shim {
        let shim = app.store.home().shim(&args.tool);
        if !is_executable(&shim) {
            return Err(Error::new(
                Kind::NotInstalled,
                format!("the {} shim is missing: {}", args.tool, shim.display()),
            )
            .hint("run gover install <version> (or gover setup) to create the shims"));
        }
        if args.json {
            app.out.json(&json!({"tool": args.tool, "path": shim}));
        } else {
            outln!(app.out, Answer, "{}", shim.display());
        }
        return Ok(());
    }
    let resolution = app.resolve()?;
    let path = resolution.toolchain.binary(&args.tool);
    if args.json {
        let (version, source) = match &resolution.toolchain {
            Toolchain::Installed { version, .. } => {
                (version.to_string(), origin_json(&resolution.request, Some(version)))
            }
            Toolchain::Linked { name, .. } => (name.clone(), origin_json(&resolution.request, None)),
            Toolchain::System { .. } => ("system".into(), origin_json(&resolution.request, None)),
        };
        app.out.json(&json!({"tool": args.tool, "path": path, "version": version, "source": source}));
    } else {
        outln!(app.out, Answer, "{}", path.display());
    }
    Ok(())
}
