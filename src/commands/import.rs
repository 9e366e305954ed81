//! `gover import`: adopt the Go versions gvm, asdf, goenv, g, mise or the system installed.

use gover_shim::pin::PinFile;
use gover_shim::{GoVersion, Spec};

use crate::app::App;
use crate::error::{Error, Kind, Result};
use crate::import::{self, Found, Manager, Mode, Places};
use crate::interrupt;
use crate::output::{self, outln, Output};

#[derive(clap::Args, Debug)]
#[command(after_help = "Without a manager or --all, lists what could be imported.\n\
    Trees are hard-linked into GOVER_HOME/versions (no extra disk space, and they keep working \
    after the old manager is removed); --move also deletes the originals once imported.")]
pub struct Args {
    /// The manager whose versions to adopt
    #[arg(value_enum)]
    manager: Option<Manager>,
    /// Only these versions (1.22, 1.22.10); default: all it has
    #[arg(value_name = "VERSION")]
    versions: Vec<String>,
    /// Adopt everything found, from every manager
    #[arg(long, conflicts_with = "manager")]
    all: bool,
    /// Delete each original once its version is imported
    #[arg(long = "move")]
    move_trees: bool,
    /// Show what would be imported, change nothing
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let specs = args
        .versions
        .iter()
        .map(|text| match Spec::parse(text) {
            Some(spec @ (Spec::Line { .. } | Spec::Exact(_))) => Ok(spec),
            _ => Err(Error::usage(format!("{text:?} is not a Go version")).hint("write it as 1.22 or 1.22.10")),
        })
        .collect::<Result<Vec<_>>>()?;
    let home = app.process.home_dir().ok_or_else(|| {
        Error::new(Kind::Environment, "cannot find the other managers' files").cause("HOME is not set")
    })?;
    let places = Places::of(&app.process, home);
    let managers = args.manager.map_or(Manager::ALL.to_vec(), |m| vec![m]);
    let found: Vec<Found> = import::find(&places, &managers)
        .into_iter()
        .filter(|f| specs.is_empty() || f.version.as_ref().is_some_and(|v| specs.iter().any(|s| s.matches(v))))
        .collect();

    if args.manager.is_none() && !args.all {
        return list(app, &found);
    }
    if !args.dry_run {
        interrupt::watch(interrupt::Job::Import);
    }
    if found.is_empty() {
        let what = args.manager.map_or("any manager".to_string(), |m| m.name().to_string());
        outln!(app.out, Info, "no Go versions from {what} to import");
    }

    let mode = if args.move_trees { Mode::Move } else { Mode::Link };
    let mut taken: Vec<GoVersion> = Vec::new();
    let mut imported = 0;
    let mut failed = Vec::new();
    for tree in &found {
        let from = format!("{} ({})", tree.manager.name(), tree.root.display());
        let Some(version) = &tree.version else {
            outln!(app.out, Info, "skipped {from}: no VERSION file names a release");
            continue;
        };
        if app.store.is_installed(version) {
            outln!(app.out, Info, "{version} is already installed; skipped {from}");
            continue;
        }
        if taken.iter().any(|t| t.same_release(version)) {
            outln!(app.out, Info, "{version} is imported from another manager already; skipped {from}");
            continue;
        }
        // Importing is installing: what the policy refuses stays out.
        if let Err(err) = app.permit_version(Some(version)) {
            output::error(&err);
            failed.push(version.to_string());
            continue;
        }
        if args.dry_run {
            outln!(app.out, Info, "would import {version} from {from}");
            taken.push(version.clone());
            continue;
        }
        // Verify where it is first: a broken tree is reported, not copied.
        let result = import::verify(&tree.root).and_then(|reported| {
            if !reported.same_release(version) {
                return Err(Error::failure(format!("{}: bin/go reports {reported}, VERSION says {version}", from)));
            }
            import::adopt(&app.store, tree, version, mode, app.out)
        });
        // Interrupted: whatever failed failed because of it, and nothing more is done.
        interrupt::stop_if_signalled()?;
        match result {
            Ok(dest) => {
                let how = if mode == Mode::Move { "moved" } else { "linked" };
                outln!(app.out, Info, "imported {version} from {from}, {how} to {}", dest.display());
                taken.push(version.clone());
                imported += 1;
            }
            Err(err) => {
                output::error(&err);
                failed.push(version.to_string());
            }
        }
    }
    // Also when every version was imported by an earlier run that was interrupted before this.
    if imported > 0
        || (!args.dry_run && found.iter().any(|f| f.version.as_ref().is_some_and(|v| app.store.is_installed(v))))
    {
        app.store.ensure_shims(&app.process)?;
    }
    let managers: Vec<Manager> = found.iter().map(|f| f.manager).fold(Vec::new(), |mut all, m| {
        if !all.contains(&m) {
            all.push(m);
        }
        all
    });
    interrupt::stop_if_signalled()?;
    carry_default(app, &places, &managers, args.dry_run)?;
    carry_tools(&places, &managers, args.dry_run, &mut failed, app.out)?;
    if !failed.is_empty() {
        return Err(Error::failure(format!("could not import {}", failed.join(", ")))
            .hint("the messages above say why; the other versions were imported"));
    }
    Ok(())
}

/// The first manager's default version becomes gover's global default, when gover has none
/// and the version is installed (imported or not), so `go` outside pinned projects runs what
/// it ran before. A global default the user set is kept.
fn carry_default(app: &App, places: &Places, managers: &[Manager], dry_run: bool) -> Result<()> {
    let global = app.store.home().global_file();
    let installed = app.store.installed();
    for &manager in managers {
        let Some(spec) = manager.about().default_version(places) else { continue };
        if global.exists() {
            // The user chose one already: say what the manager's was when it differs.
            let current = PinFile::GoVersion.read(&global).ok().flatten().map(|pin| pin.spec);
            let picked = spec.pick(&installed);
            let same =
                current.as_ref().is_some_and(|c| *c == spec || (picked.is_some() && picked == c.pick(&installed)));
            if !same {
                outln!(
                    app.out,
                    Info,
                    "kept gover's global default; {}'s was {spec} (gover global {spec} to take it)",
                    manager.name()
                );
            }
            return Ok(());
        }
        let version = match spec.pick(&installed) {
            Some(version) => version.clone(),
            // With --dry-run nothing was imported: name what would be.
            None if dry_run => match spec {
                Spec::Exact(version) => version,
                _ => continue,
            },
            None => continue,
        };
        let what = format!("the global default to {version} ({}'s default)", manager.name());
        if dry_run {
            outln!(app.out, Info, "would set {what}");
        } else if app.store.write_global_if_absent(&version)? {
            outln!(app.out, Info, "set {what}; change it with gover global <version>");
        }
        return Ok(());
    }
    Ok(())
}

/// Tools `go install`ed while a manager chose the Go move into the shared GOBIN, which the
/// hook keeps on PATH after the shims, so they survive every switch of version.
fn carry_tools(
    places: &Places,
    managers: &[Manager],
    dry_run: bool,
    failed: &mut Vec<String>,
    out: Output,
) -> Result<()> {
    let gobin = import::shared_gobin(places);
    for &manager in managers {
        for tool in import::stray_tools(places, manager, &gobin) {
            interrupt::stop_if_signalled()?;
            let from = format!("{} ({})", manager.name(), tool.display());
            if dry_run {
                outln!(out, Info, "would carry the tool {from} into {}", gobin.display());
                continue;
            }
            match import::carry_tool(&tool, &gobin) {
                Ok(dest) => outln!(out, Info, "carried the tool {from} to {}", dest.display()),
                Err(err) => {
                    output::error(&err);
                    failed.push(tool.display().to_string());
                }
            }
        }
    }
    Ok(())
}

fn list(app: &App, found: &[Found]) -> Result<()> {
    if found.is_empty() {
        outln!(app.out, Status, "no Go versions from gvm, asdf, goenv, g, mise or the system were found");
        return Ok(());
    }
    for tree in found {
        let (version, state) = match &tree.version {
            Some(v) if app.store.is_installed(v) => (v.to_string(), "installed"),
            Some(v) => (v.to_string(), "importable"),
            None => ("?".to_string(), "no VERSION file"),
        };
        outln!(app.out, Answer, "{:<7} {:<12} {:<11} {}", tree.manager.name(), version, state, tree.root.display());
    }
    let importable = found.iter().any(|t| t.version.as_ref().is_some_and(|v| !app.store.is_installed(v)));
    if importable {
        outln!(app.out, Help, "run `gover import <manager>` or `gover import --all` to adopt them");
    }
    Ok(())
}
