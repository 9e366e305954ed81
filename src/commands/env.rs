//! `gover env`: GOROOT and PATH for the version in use here, as shell code for scripts that
//! run without the shims (`eval "$(gover env)"`).

use crate::app::App;
use crate::error::Result;
use crate::output::out;
use crate::shell::Shell;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The syntax to print
    #[arg(long, value_enum, default_value = "sh")]
    pub shell: Shell,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let resolution = app.resolve()?;
    let shell = args.shell;
    let mut out = String::new();
    match resolution.toolchain.goroot() {
        Some(root) => {
            out += &shell.set_var("GOROOT", &root.to_string_lossy());
            if resolution.request.source.is_pin() && app.process.var_os("GOTOOLCHAIN").is_none() {
                out += &shell.set_var("GOTOOLCHAIN", "local");
            }
        }
        None => out += &shell.unset_var("GOROOT"),
    }
    let go = resolution.toolchain.binary("go");
    let bin = shell.quote(&go.parent().expect("a binary has a directory").to_string_lossy());
    out += &match shell {
        Shell::Fish => format!("set -gx PATH {bin} $PATH\n"),
        _ => format!("export PATH={bin}:\"$PATH\"\n"),
    };
    out!(app.out, Answer, "{out}");
    Ok(())
}
