//! `gover exec`: run one command with a chosen version, as if it were pinned: its bin first on
//! PATH, GOROOT set to its root, GOVER_VERSION set so shims below agree.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

use gover_shim::{Process, Spec, Toolchain};

use crate::app::App;
use crate::dist;
use crate::error::{Error, Kind, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The version to run with: 1.22, 1.22.10, latest, stable, oldstable or system; left out, the one in effect
    /// here (what gover current shows), as `asdf exec go version` does
    #[arg(value_name = "VERSION")]
    pub version: Option<String>,
    /// The command and its arguments (after `--`)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let (toolchain, command) = match args.version {
        Some(text) if names_a_version(&text) || app.is_link(&text) => {
            let spec = app.parse_choice(&text)?;
            (toolchain(app, &spec)?, args.command)
        }
        // Not a version: the command itself, run with the version in effect here.
        Some(program) => {
            (app.resolve()?.toolchain, [OsString::from(program)].into_iter().chain(args.command).collect())
        }
        None => (app.resolve()?.toolchain, args.command),
    };
    app.permit(&toolchain)?;
    let Some((program, rest)) = command.split_first() else {
        return Err(Error::usage("gover exec needs a command to run")
            .hint("gover exec 1.22 go build ./... (or without the version: gover exec go version)"));
    };
    let mut command = Command::new(program);
    command.args(rest);
    with_toolchain(&app.process, &mut command, &toolchain)?;
    if let Some(version) = toolchain.version() {
        app.store.home().mark_used(version);
    }
    let err = command.exec();
    Err(Error::failure(format!("cannot run {}", program.to_string_lossy())).cause(err))
}

/// Sets up `command` to run with `toolchain` as if it were pinned: its bin first on PATH,
/// GOROOT its root (none for the system go), GOVER_VERSION so shims below agree, and
/// GOTOOLCHAIN=local unless the user set one.
pub fn with_toolchain(process: &Process, command: &mut Command, toolchain: &Toolchain) -> Result<()> {
    let bin = toolchain.binary("go").parent().expect("a binary has a directory").to_path_buf();
    let path = process.var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(path)))
        .map_err(|e| Error::failure("cannot build PATH").cause(e))?;
    command.env("PATH", path);
    // GOVER_VERSION is the toolchain's name, so the shims below pick the same one.
    command.env("GOVER_VERSION", toolchain.name());
    match toolchain.goroot() {
        Some(root) => {
            command.env("GOROOT", root);
            if process.var_os("GOTOOLCHAIN").is_none() {
                command.env("GOTOOLCHAIN", "local");
            }
        }
        None => {
            command.env_remove("GOROOT");
        }
    }
    Ok(())
}

/// Whether the first word is meant as a version: a spec, or a misspelt one (`1.2x`, `go1.22.`)
/// that is better refused than run as a program.
fn names_a_version(text: &str) -> bool {
    Spec::parse(text).is_some() || text.trim_start_matches("go").starts_with(|c: char| c.is_ascii_digit())
}

/// The toolchain for `spec`; when it is not installed, a release that does not exist is said
/// so, with the nearest that do (as `gover install` says), rather than sent to `gover install`.
fn toolchain(app: &App, spec: &Spec) -> Result<Toolchain> {
    app.toolchain(spec).map_err(|err| match err.kind {
        Kind::NotInstalled => dist::unless_no_such_release(app, spec, err, "gover install"),
        _ => err,
    })
}
