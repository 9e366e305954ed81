//! `gover exec`: run one command with a chosen version, as if it were pinned: its bin first on
//! PATH, GOROOT set to its root, GOVER_VERSION set so shims below agree.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

use gover_shim::Toolchain;

use crate::app::{parse_spec, App};
use crate::error::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The version to run with: 1.22, 1.22.10, latest or system
    pub version: String,
    /// The command and its arguments (after `--`)
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let spec = parse_spec(&args.version)?;
    let toolchain = app.toolchain(&spec)?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = Command::new(program);
    command.args(rest);
    let bin = toolchain.binary("go").parent().expect("a binary has a directory").to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))
        .map_err(|e| Error::failure("cannot build PATH").cause(e))?;
    command.env("PATH", path);
    match &toolchain {
        Toolchain::Installed { version, root } => {
            command.env("GOROOT", root).env("GOVER_VERSION", version.to_string());
            if std::env::var_os("GOTOOLCHAIN").is_none() {
                command.env("GOTOOLCHAIN", "local");
            }
        }
        Toolchain::System { .. } => {
            command.env_remove("GOROOT").env("GOVER_VERSION", "system");
        }
    }
    let err = command.exec();
    Err(Error::failure(format!("cannot run {}", program.to_string_lossy())).cause(err))
}
