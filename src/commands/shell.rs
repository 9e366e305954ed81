//! `gover shell <version>`: use a version in this shell only, by setting GOVER_VERSION.
//!
//! A child process cannot change its parent shell, so the hook defines a `gover` function
//! that runs `gover shell --print-for <shell> ARGS` and evaluates what it prints: nothing but
//! one assignment on success, nothing at all on failure. Messages go to standard error.
//! Without the hook the same line is printed for the user to evaluate, with an explanation.

use gover_shim::{resolve, GoVersion, Request, ResolveError, Source, Spec, Toolchain};

use crate::app::App;
use crate::dist;
use crate::error::{Error, Kind, Result};
use crate::output::{self, out, outln};
use crate::shell::Shell;

const VAR: &str = "GOVER_VERSION";

// One of the two is needed; the group makes the usage line say so (`<VERSION|--unset>`).
#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("what").args(["spec", "unset"]).required(true))]
pub struct Args {
    /// The version: 1.22 (the newest installed 1.22.x), 1.22.10, go1.23rc1, system, latest, stable or oldstable
    /// (the newest installed)
    #[arg(value_name = "VERSION")]
    pub spec: Option<String>,
    /// Stop overriding: this shell follows pin files and the global default again
    #[arg(long, conflicts_with = "spec")]
    pub unset: bool,
    /// Print the statement for the hook's shell function to evaluate (used by the hook)
    #[arg(long, hide = true, value_name = "SHELL")]
    pub print_for: Option<Shell>,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let shell = args.print_for.unwrap_or_else(|| login_shell(&app.process));
    let (code, note) = match &args.spec {
        None => (shell.unset_var(VAR), "this shell follows pin files and the global default again".to_string()),
        Some(text) => {
            let choice = choose(text, app)?;
            (shell.set_var(VAR, &choice.value), format!("{} in this shell (gover shell --unset to undo)", choice.runs))
        }
    };
    out!(app.out, Answer, "{code}");
    if args.print_for.is_some() {
        outln!(app.out, Status, "gover: {note}");
    } else {
        output::warn(format!(
            "this shell has no gover hook, so nothing changed; run `{}` yourself, or set up the hook \
             (gover setup, or {}) so that gover shell can do it",
            code.trim_end(),
            shell.init_command()
        ));
    }
    Ok(())
}

struct Choice {
    /// GOVER_VERSION: the spec as given, so `1.22` keeps following the newest installed
    /// 1.22.x; `latest`, `stable` and `oldstable` become the version they mean now (the resolver does not take
    /// them from the environment).
    value: String,
    /// What the shims will run, for the message.
    runs: String,
}

fn choose(text: &str, app: &App) -> Result<Choice> {
    let spec = app.parse_choice(text.trim()).map_err(|_| {
        Error::usage(format!("{text:?} is not a Go version"))
            .hint("give a version such as 1.22, 1.22.10, go1.23rc1, system, latest, stable or oldstable")
    })?;
    let installed = app.store.installed();
    let spec = match spec {
        moving if moving.is_moving() => Spec::Exact(moving.pick(&installed).cloned().ok_or_else(|| {
            Error::new(Kind::NotInstalled, format!("no installed Go version is {moving}"))
                .hint(format!("run gover install {moving}"))
        })?),
        other => other,
    };
    let request = Request::named(spec.clone(), Source::Env);
    let toolchain = resolve::toolchain_for(&app.context()?, &request);
    if let Ok(toolchain) = &toolchain {
        app.permit(toolchain)?;
    }
    match toolchain {
        Ok(Toolchain::Installed { version, .. }) => Ok(Choice { value: spec.to_string(), runs: version.to_string() }),
        Ok(Toolchain::Linked { name, root }) => {
            Ok(Choice { value: spec.to_string(), runs: format!("{name} ({})", root.display()) })
        }
        Ok(Toolchain::System { bin }) => {
            Ok(Choice { value: spec.to_string(), runs: format!("the system go ({})", bin.join("go").display()) })
        }
        Err(ResolveError::NotInstalled { .. }) => {
            Err(dist::unless_no_such_release(app, &spec, not_installed(&spec, &installed), "gover install"))
        }
        Err(other) => Err(other.into()),
    }
}

fn not_installed(spec: &Spec, installed: &[GoVersion]) -> Error {
    let name = match spec {
        Spec::Exact(v) => v.to_string(),
        other => format!("go{other}"),
    };
    let err = Error::new(Kind::NotInstalled, format!("{name} is not installed"));
    if installed.is_empty() {
        err.hint(format!("run gover install {spec}"))
    } else {
        let names: Vec<String> = installed.iter().map(|v| v.to_string()).collect();
        err.hint(format!("run gover install {spec}, or pick an installed one: {}", names.join(", ")))
    }
}

/// The user's shell from $SHELL, for printing a line they can paste; sh syntax otherwise.
fn login_shell(process: &gover_shim::Process) -> Shell {
    process.value_str("SHELL").and_then(Shell::from_login_shell).unwrap_or(Shell::Sh)
}
