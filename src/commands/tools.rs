//! `gover tools`: the programs `go install`ed into the shared GOBIN, with the Go each was
//! built by and that Go's standing (installed here, known vulnerabilities, end of life);
//! `gover tools rebuild`: build them again with another Go, replacing each only once its new
//! build is done.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use gover_shim::pin::PinFile;
use gover_shim::resolve::{toolchain_for, Request};
use gover_shim::{GoVersion, Source, Toolchain};
use serde_json::json;

use crate::app::App;
use crate::error::{self, Error, Kind, Result};
use crate::gosettings::settings::{Settings, SettingsEnv};
use crate::interrupt::{self, Job};
use crate::output::{self, outln};
use crate::tools::{self, buildinfo::BuildInfo, Tool, ToolDir};
use crate::vulndb::Knowledge;

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Print JSON for scripts: the directories looked in, and each program with its Go
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Build tools again with another Go (go install path@version), replacing each only
    /// once its new build succeeded
    Rebuild(RebuildArgs),
}

#[derive(clap::Args, Debug)]
pub struct RebuildArgs {
    /// The programs to rebuild, by file name; without any, every Go program there that can be rebuilt
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// The Go to build with (1.23, 1.23.9, latest, stable, …); without it, the global default
    #[arg(long, value_name = "VERSION")]
    pub with: Option<String>,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let settings = Settings::load(SettingsEnv::from_process(&app.process));
    let dirs = tools::dirs(&settings, app.process.var_os("PATH"));
    match args.action {
        Some(Action::Rebuild(rebuild_args)) => rebuild(&rebuild_args, &dirs, app),
        None => list(args.json, &dirs, app),
    }
}

fn list(json: bool, dirs: &[ToolDir], app: &App) -> Result<()> {
    let found = tools::scan(dirs);
    let installed = app.store.installed();
    let knowledge = Knowledge::load(&app.process, &app.store, &installed);
    if let Some(problem) = &knowledge.problem {
        output::warn_error(problem);
    }
    if json {
        let rows: Vec<_> = found.iter().map(|tool| tools::to_json(tool, &knowledge, &installed)).collect();
        let dirs: Vec<_> = dirs.iter().map(|d| json!({"path": d.path, "source": d.source})).collect();
        app.out.json(&json!({"dirs": dirs, "tools": rows}));
        return Ok(());
    }
    if dirs.is_empty() {
        outln!(app.out, Status, "no GOBIN: neither GOBIN, GOPATH nor HOME is set");
        return Ok(());
    }
    for dir in dirs {
        let here: Vec<&Tool> = found.iter().filter(|t| t.path.parent() == Some(&dir.path)).collect();
        let what = if here.is_empty() { " (no programs)" } else { "" };
        outln!(app.out, Answer, "{} ({}){what}", dir.path.display(), dir.source);
        let width = here.iter().map(|t| t.name.len()).max().unwrap_or(0);
        for tool in here {
            let name = output::printable(&tool.name);
            let info = match &tool.info {
                Ok(info) => info,
                Err(why) => {
                    outln!(app.out, Answer, "  {name:width$}  {}", output::printable(why));
                    continue;
                }
            };
            let (module, version) = info.main.as_ref().map_or(("-", "-"), |m| (m.path.as_str(), m.version.as_str()));
            let marks = go_marks(info, &knowledge, &installed).join(", ");
            let line = format!("{name:width$}  {:10} {module} {version}  {marks}", info.go_release());
            outln!(app.out, Answer, "  {}", output::printable(line.trim_end()));
        }
    }
    if let Some(note) = knowledge.staleness(SystemTime::now()) {
        outln!(app.out, Note, "{note}");
    }
    Ok(())
}

/// What is worth knowing about the Go that built a tool: missing from gover, vulnerable, old.
fn go_marks(info: &BuildInfo, knowledge: &Knowledge, installed: &[GoVersion]) -> Vec<String> {
    let Some(go) = info.built_by() else { return vec!["not built by a Go release".into()] };
    let mut marks = Vec::new();
    if !installed.contains(&go) {
        marks.push(format!("{go} not installed in gover"));
    }
    marks.extend(knowledge.assess(&go).marks());
    marks
}

fn rebuild(args: &RebuildArgs, dirs: &[ToolDir], app: &App) -> Result<()> {
    let found = tools::scan(dirs);
    for name in &args.names {
        if !found.iter().any(|t| &t.name == name) {
            let looked: Vec<String> = dirs.iter().map(|d| d.path.display().to_string()).collect();
            return Err(Error::new(Kind::NotInstalled, format!("no tool named {name}"))
                .cause(format!("looked in {}", looked.join(" and ")))
                .hint("gover tools lists the programs there"));
        }
    }
    let chosen: Vec<&Tool> = if args.names.is_empty() {
        found.iter().filter(|t| t.info.is_ok()).collect()
    } else {
        found.iter().filter(|t| args.names.contains(&t.name)).collect()
    };
    let toolchain = build_toolchain(args, app)?;
    interrupt::watch(Job::Rebuild);
    let label = match &toolchain {
        Toolchain::System { .. } => "the system go".into(),
        named => named.name(),
    };
    let mut failed = Vec::new();
    for tool in chosen {
        let target = match &tool.info {
            Ok(info) => tools::install_target(info),
            Err(why) => Err(why.clone()),
        };
        let (Ok(target), None) = (&target, tools::why_not(tool, &target)) else {
            let why = tools::why_not(tool, &target).unwrap_or_default();
            // Named on purpose, a tool that cannot be rebuilt fails the command; swept up by a
            // rebuild of everything, it is only named.
            if args.names.is_empty() {
                outln!(app.out, Note, "skipped {}: {why}", tool.name);
            } else {
                output::warn(format!("cannot rebuild {}: {why}", tool.name));
                failed.push(tool.name.clone());
            }
            continue;
        };
        let info = tool.info.as_ref().expect("a target comes from build information");
        match rebuild_one(app, tool, info, target, &toolchain) {
            Ok(()) => outln!(app.out, Info, "rebuilt {} ({target}) with {label}", tool.name),
            Err(err) if interrupt::signal().is_some() => return Err(err),
            Err(err) => {
                output::warn_error(&err);
                failed.push(tool.name.clone());
            }
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(Error::failure(format!("{} not rebuilt: {}", plural(failed.len()), failed.join(", ")))
        .cause("each one is left as it was")
        .hint("the warnings above say why; gover tools shows what each was built from"))
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 tool".into()
    } else {
        format!("{n} tools")
    }
}

/// The Go to build with: --with, else the global default.
fn build_toolchain(args: &RebuildArgs, app: &App) -> Result<Toolchain> {
    if let Some(text) = &args.with {
        return app.toolchain(&app.parse_choice(text)?);
    }
    let path = app.store.home().global_file();
    let pin = PinFile::GoVersion.read(&path).map_err(|e| {
        Error::new(Kind::BadPin, format!("cannot read the global default {}", path.display()))
            .cause(e)
            .hint("set it again with gover global <version>, or name a version: gover tools rebuild --with 1.23")
    })?;
    let Some(pin) = pin else {
        return Err(Error::new(Kind::NotInstalled, "no Go to rebuild with: there is no global default")
            .hint("name one (gover tools rebuild --with 1.23), or set a default with gover global <version>"));
    };
    Ok(toolchain_for(&app.context()?, &Request::named(pin.spec, Source::Global { path }))?)
}

/// `go install target` with `toolchain` into a directory beside the tool (the same
/// filesystem), then the new program renamed over the old: the old one stays until the new
/// one is whole, and a failed build leaves it untouched.
fn rebuild_one(app: &App, tool: &Tool, info: &BuildInfo, target: &str, toolchain: &Toolchain) -> Result<()> {
    let dir = tool.path.parent().expect("a tool is in a directory");
    let staging = tempfile::Builder::new()
        .prefix(".gover-rebuild-")
        .tempdir_in(dir)
        .map_err(|e| error::io("create a directory in", dir, e))?;
    // Should gover have to exit on its own while go runs (a signal to gover alone), the
    // staging directory goes with it.
    interrupt::track_temporary(staging.path());
    let result = build_and_replace(app, tool, info, target, toolchain, staging.path());
    interrupt::untrack_temporary(staging.path(), || ());
    result
}

fn build_and_replace(
    app: &App,
    tool: &Tool,
    info: &BuildInfo,
    target: &str,
    toolchain: &Toolchain,
    staging: &Path,
) -> Result<()> {
    let go = toolchain.binary("go");
    let mut command = Command::new(&go);
    command.arg("install").args(tools::install_flags(info)).arg(target);
    super::exec::with_toolchain(&app.process, &mut command, toolchain)?;
    // The chosen Go builds it, whatever GOTOOLCHAIN says, and into the staging directory.
    command.env("GOBIN", staging).env("GOTOOLCHAIN", "local");
    // Turned off on purpose stays off; on is go's default where a C compiler is, and set
    // explicitly it would fail where none is.
    if info.setting("CGO_ENABLED") == Some("0") {
        command.env("CGO_ENABLED", "0");
    }
    let failed = |what: String| Error::failure(format!("cannot rebuild {}", tool.name)).cause(what);
    let result = command.output().map_err(|e| failed(format!("cannot run {}: {e}", go.display())))?;
    // Ctrl-C reaches go too, which then fails: that is the interruption, not a failed build.
    interrupt::stop_if_signalled()?;
    if !result.status.success() {
        let said = String::from_utf8_lossy(&result.stderr);
        return Err(failed(format!("go install {target} failed: {}", said.trim()))
            .hint("the old program is left as it was; fix what go reports, or rebuild with another Go (--with)"));
    }
    let built = single_file(staging).ok_or_else(|| {
        failed(format!("go install {target} succeeded but left no single program in {}", staging.display()))
    })?;
    std::fs::rename(&built, &tool.path).map_err(|e| error::io("replace", &tool.path, e))
}

/// The one file `go install` wrote into `dir`.
fn single_file(dir: &Path) -> Option<std::path::PathBuf> {
    let files: Vec<OsString> = std::fs::read_dir(dir).ok()?.flatten().map(|e| e.file_name()).collect();
    match &files[..] {
        [one] => Some(dir.join(one)),
        _ => None,
    }
}
