//! Pinning a version (`gover use`, `gover global`): the pin file is written only once it
//! names a version that runs, installed first when the user allows it.

use std::io::IsTerminal;
use std::path::Path;
use std::process::Command;

use gover_shim::{Spec, Toolchain};

use crate::app::App;
use crate::dist;
use crate::error::{Error, Kind, Result};
use crate::output::{self, outln};
use crate::store::write_atomic;

/// Writes a pin for `text` into `file` (a .go-version or the global default), after making
/// sure it names an installed version (installing it first when allowed), and says so.
/// `command` is the one running (`gover use`), for hints.
pub fn pin(app: &App, text: &str, file: &Path, install: bool, command: &str) -> Result<()> {
    let spec = app.parse_choice(text)?;
    let toolchain = match app.toolchain(&spec) {
        Ok(toolchain) => toolchain,
        Err(err) if err.kind == Kind::NotInstalled && spec != Spec::System => {
            if !(install || confirm(&format!("{err}. Install it now?"))) {
                return Err(dist::unless_no_such_release(app, &spec, err, &format!("{command} --install")));
            }
            // A moving name means the release the index names: among the installed ones
            // afterwards, `oldstable` could name another release or none.
            let wanted =
                if spec.is_moving() { Spec::Exact(dist::released(app, &spec, command)?) } else { spec.clone() };
            install_version(app, &wanted)?;
            app.toolchain(&wanted)?
        }
        Err(err) => return Err(err),
    };
    app.permit(&toolchain)?;
    // `latest`, `stable` and `oldstable` drift as releases come out; pin what they mean today.
    let written = match (&spec, &toolchain) {
        (moving, Toolchain::Installed { version, .. }) if moving.is_moving() => {
            version.to_string().trim_start_matches("go").to_string()
        }
        _ => spec.to_string(),
    };
    write_atomic(file, format!("{written}\n").as_bytes())?;
    let resolved = match &toolchain {
        Toolchain::Installed { version, .. } => version.to_string(),
        Toolchain::Linked { root, .. } => format!("the tree linked at {}", root.display()),
        Toolchain::System { bin } => format!("the go in {}", bin.display()),
    };
    outln!(app.out, Status, "{}: {written} ({resolved})", file.display());
    Ok(())
}

/// Asks a yes/no question when a person is at the terminal; `false` otherwise.
fn confirm(question: &str) -> bool {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    output::ask(&format!("{question} [Y/n]")).is_some_and(|answer| matches!(answer.as_str(), "" | "y" | "Y" | "yes"))
}

/// Runs `gover install <spec>` as its own process, so its output and errors are exactly those
/// of the install command.
fn install_version(app: &App, spec: &Spec) -> Result<()> {
    let exe = std::env::current_exe().map_err(|e| Error::failure("cannot find the gover executable").cause(e))?;
    let status = Command::new(exe)
        .arg("install")
        .arg(spec.to_string())
        .env("GOVER_HOME", app.store.root())
        .status()
        .map_err(|e| Error::failure("cannot run gover install").cause(e))?;
    if status.success() {
        Ok(())
    } else {
        let kind = status.code().and_then(Kind::from_exit_code).unwrap_or(Kind::Failure);
        Err(Error::new(kind, format!("installing {spec} failed")))
    }
}
