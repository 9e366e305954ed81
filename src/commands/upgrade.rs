//! `gover upgrade [MINOR…] [--pins] [--recursive] [--to 1.23] [--dry-run]`: installs the
//! newest patch of each installed line (or of those named) and, with `--pins`, moves exact
//! pins to it: the global default, and the `.go-version`, `.tool-versions` and mise files of
//! this directory and the ones above it (`--recursive`: below it too). Pin edits go through
//! doctor's backups, so `gover doctor --undo` puts them back byte for byte. A line is never
//! left for another unless `--to` asks.

use std::path::PathBuf;

use gover_shim::pin::PinFile;
use gover_shim::{GoVersion, Spec};

use crate::app::App;
use crate::error::{Error, Kind, Result};
use crate::installing::{Installer, SourceArgs};
use crate::interrupt::{self, Job};
use crate::output::{out, outln};
use crate::reconcile::{self, backup::Backup, plan::FileEdit};
use crate::repin::{self, Move};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Lines to upgrade (1.22); default: every installed line
    #[arg(value_name = "MINOR")]
    pub lines: Vec<String>,
    /// Also move exact pins to the new release: the global default; .go-version, .tool-versions, mise.toml here and above
    #[arg(long)]
    pub pins: bool,
    /// With --pins: also move pins in every directory below this one
    #[arg(long, requires = "pins")]
    pub recursive: bool,
    /// Move to the newest release of this line instead (1.23): the only way to leave a line
    #[arg(long, value_name = "MINOR")]
    pub to: Option<String>,
    /// Show what would be installed and the pin changes as a diff; change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub from: SourceArgs,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    interrupt::watch(Job::Upgrade);
    let to = args.to.as_deref().map(parse_line).transpose()?;
    let named = args.lines.iter().map(|l| parse_line(l)).collect::<Result<Vec<_>>>()?;
    let installed = app.store.installed();
    let mut lines: Vec<(u32, u32)> = if named.is_empty() {
        installed.iter().map(|v| (v.major, v.minor)).filter(|l| to.is_none_or(|to| *l < to)).collect()
    } else {
        named
    };
    lines.sort_unstable();
    lines.dedup();
    if lines.is_empty() {
        return Err(Error::new(Kind::NotInstalled, "there is nothing to upgrade")
            .cause(if installed.is_empty() { "no Go version is installed" } else { "no installed line is below --to" })
            .hint("install one first: gover install 1.22"));
    }

    // From where `gover install` would install, so what a policy requires (only the module
    // proxy, say) is where the newest patches are looked up and come from.
    let mut installer = Installer::new(app, &args.from)?;
    let mut moves = Vec::new();
    for from in &lines {
        let (major, minor) = to.unwrap_or(*from);
        let release = installer.release(&Spec::Line { major, minor })?;
        app.permit_version(Some(&release))?;
        moves.push(Move { from: *from, to: release });
    }
    let wanted: Vec<GoVersion> = moves.iter().map(|m| m.to.clone()).filter(|v| !installed.contains(v)).collect();
    for m in &moves {
        let current = installed.iter().filter(|v| (v.major, v.minor) == m.from).max();
        let state = match current {
            Some(current) if *current == m.to => format!("{} is the newest", m.to),
            Some(current) => format!("{current} -> {}", m.to),
            None => format!("{} (not installed yet)", m.to),
        };
        outln!(app.out, Info, "{}.{}: {state}", m.from.0, m.from.1);
    }

    let plan = plan_pins(app, &moves, args.recursive)?;
    if args.dry_run {
        if args.pins {
            out!(app.out, Info, "{}", reconcile::describe_files(&plan.edits));
        }
        print_toolchain_lines(app, &plan.toolchains);
        outln!(app.out, Info, "dry run: nothing was installed or changed");
        return Ok(());
    }
    if wanted.is_empty() {
        installer.refresh_vulnerability_data();
    } else {
        let texts: Vec<String> = wanted.iter().map(|v| v.to_string()).collect();
        let specs: Vec<(&str, Spec)> =
            texts.iter().zip(&wanted).map(|(text, v)| (text.as_str(), Spec::Exact(v.clone()))).collect();
        installer.run(&specs)?;
    }
    if args.pins {
        move_pins(app, &plan.edits)?;
    } else {
        for file in &plan.edits {
            outln!(
                app.out,
                Note,
                "{} pins an older release exactly; gover upgrade --pins moves it",
                file.path.display()
            );
        }
    }
    print_toolchain_lines(app, &plan.toolchains);
    Ok(())
}

/// `1.22` (or `go1.22`): a line, not a release.
fn parse_line(text: &str) -> Result<(u32, u32)> {
    match crate::app::parse_spec(text)? {
        Spec::Line { major, minor } => Ok((major, minor)),
        _ => Err(Error::usage(format!("{text} is not a major release line"))
            .hint("name a line such as 1.22; upgrade picks its newest patch")),
    }
}

/// The pin files to edit, and the go.mod/go.work toolchain lines to tell the user about.
struct PinPlan {
    edits: Vec<FileEdit>,
    toolchains: Vec<(PathBuf, GoVersion)>,
}

fn plan_pins(app: &App, moves: &[Move], recursive: bool) -> Result<PinPlan> {
    let cwd = app.context()?.cwd;
    let mut dirs: Vec<PathBuf> = cwd.ancestors().map(PathBuf::from).collect();
    if recursive {
        dirs.extend(repin::directories_below(&cwd).into_iter().filter(|d| *d != cwd));
    }
    let mut files = vec![(PinFile::GoVersion, app.store.home().global_file())];
    files.extend(dirs.iter().flat_map(|d| repin::pin_files(d)));
    let mut edits = Vec::new();
    let mut toolchains = Vec::new();
    for (kind, path) in files {
        let Ok(old) = std::fs::read(&path) else { continue };
        match kind {
            PinFile::GoMod | PinFile::GoWork => {
                let spec = kind.parse(&old).ok().flatten().map(|p| p.spec);
                let target = moves
                    .iter()
                    .find(|m| matches!(&spec, Some(Spec::Exact(v)) if (v.major, v.minor) == m.from && *v < m.to));
                if let Some(m) = target {
                    toolchains.push((path, m.to.clone()));
                }
            }
            _ => {
                if let Some(new) = repin::rewrite(kind, &old, moves) {
                    edits.push(FileEdit::new(path, old, new));
                }
            }
        }
    }
    Ok(PinPlan { edits, toolchains })
}

fn move_pins(app: &App, files: &[FileEdit]) -> Result<()> {
    if files.is_empty() {
        outln!(app.out, Info, "no exact pin to move");
        return Ok(());
    }
    out!(app.out, Info, "{}", reconcile::describe_files(files));
    let mut backup = Backup::begin(&app.store.home().backups_dir())?;
    let mut failures = 0;
    let mut stopped = None;
    for (i, file) in files.iter().enumerate() {
        // Ctrl-C stops between files, so each pin is written whole or not at all.
        if let Some(signal) = interrupt::signal() {
            stopped = Some((signal, i));
            break;
        }
        match reconcile::write_files(std::slice::from_ref(file), &mut backup, app.out) {
            // From the first pin moved on, an interruption says so.
            0 => interrupt::watch(Job::MovingPins),
            failed => failures += failed,
        }
    }
    if let Some(dir) = backup.finish()? {
        outln!(app.out, Info, "backup: {} (undo with `gover doctor --undo`)", dir.display());
    }
    if let Some((signal, i)) = stopped {
        let left: Vec<String> = files[i..].iter().map(|f| f.path.display().to_string()).collect();
        return Err(interrupt::error(signal).cause(format!("not moved: {}", left.join(", "))));
    }
    if failures > 0 {
        return Err(
            Error::failure(format!("{failures} pin file(s) could not be changed")).hint("see the messages above")
        );
    }
    Ok(())
}

fn print_toolchain_lines(app: &App, lines: &[(PathBuf, GoVersion)]) {
    for (path, version) in lines {
        let dir = path.parent().map(|d| d.display().to_string()).unwrap_or_default();
        outln!(
            app.out,
            Info,
            "{}'s toolchain line is the project's to change: run `cd {dir} && {}`",
            path.display(),
            crate::repin::toolchain_line_command(path, version)
        );
    }
}
