//! `gover env`: GOROOT and PATH for the version in use here, as shell code for scripts that
//! run without the shims (`eval "$(gover env)"`).

use std::path::Path;

use gover_shim::resolve::{resolve, Toolchain};

use crate::app::App;
use crate::error::Result;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The syntax to print
    #[arg(long, value_parser = ["sh", "bash", "zsh", "fish"], default_value = "sh")]
    pub shell: String,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let resolution = resolve(&app.context()?)?;
    let bin = resolution.toolchain.binary("go");
    let bin = bin.parent().unwrap_or(Path::new("/"));
    let fish = args.shell == "fish";
    let mut out = String::new();
    match &resolution.toolchain {
        Toolchain::Installed { root, .. } => {
            out += &set(fish, "GOROOT", &quote(&root.to_string_lossy()));
            if resolution.request.source.is_pin() && std::env::var_os("GOTOOLCHAIN").is_none() {
                out += &set(fish, "GOTOOLCHAIN", "local");
            }
        }
        Toolchain::System { .. } => out += if fish { "set -e GOROOT\n" } else { "unset GOROOT\n" },
    }
    let bin = quote(&bin.to_string_lossy());
    out += &if fish { format!("set -gx PATH {bin} $PATH\n") } else { format!("export PATH={bin}:\"$PATH\"\n") };
    print!("{out}");
    Ok(())
}

fn set(fish: bool, name: &str, value: &str) -> String {
    if fish {
        format!("set -gx {name} {value}\n")
    } else {
        format!("export {name}={value}\n")
    }
}

/// Single quotes, which POSIX shells and fish both take literally; an embedded quote is closed,
/// escaped and reopened (`'\''`), which both also accept.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
