//! `gover setup`: everything a new install needs, safe to run again (install.sh runs it):
//! GOVER_HOME and the shims, the rendered hooks and completions in GOVER_HOME/shell, one line
//! in each startup file that sources the hook (docs/src/shells.md), and with `--systemd` an
//! environment.d drop-in so systemd user units find the shims too.

use std::fs;
use std::path::{Path, PathBuf};

use crate::app::App;
use crate::error::{self, Error, Kind, Result};
use crate::output::{self, outln};
use crate::shell::manifest::SetupManifest;
use crate::shell::rc;
use crate::shell::startup::{HookTarget, StartupEnv};
use crate::shell::{self, HookPaths, Shell};
use crate::store::Store;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Leave startup files alone; print the lines to add by hand instead
    #[arg(long)]
    pub no_modify_rc: bool,
    /// Also write ~/.config/environment.d/50-gover.conf, so systemd user units find the shims
    #[arg(long)]
    pub systemd: bool,
    /// Record this gover and its shim for `gover implode` to remove (install.sh passes it)
    #[arg(long, hide = true)]
    pub record_binaries: bool,
    /// The highest directory install.sh made for the binaries: it and those below it down to
    /// the binaries' are recorded for `gover implode` to remove if empty
    #[arg(long, hide = true, value_name = "DIR")]
    pub record_dirs_made: Option<PathBuf>,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let store = &app.store;
    let mut report = Vec::new();
    let home = app.process.home_dir();
    // The directories above GOVER_HOME that this makes are recorded once the manifest (which
    // lives in GOVER_HOME) can be read.
    let mut made = SetupManifest::default();
    made.track(store.root(), || Store::create_dir(store.root()))?;
    store.ensure_shims(&app.process)?;
    report.push(format!(
        "shims: {} (go, gofmt, and go1.X.Y for each installed version)",
        store.home().shims_dir().display()
    ));
    let paths = HookPaths::for_current_exe(&app.process, store)?;
    shell::write_files(&paths, app.cli)?;
    report.push(format!("hooks and completions: {}", paths.shell_dir.display()));

    let manifest_path = store.home().setup_manifest();
    let mut manifest = SetupManifest::load(&manifest_path);
    for dir in &made.dirs {
        manifest.add_dir(dir);
    }
    if let Some(top) = &args.record_dirs_made {
        let top = fs::canonicalize(top).map_err(|e| error::io("find", top, e))?;
        let bin_dir = fs::canonicalize(&paths.bin_dir).map_err(|e| error::io("find", &paths.bin_dir, e))?;
        for dir in bin_dir.ancestors().take_while(|d| d.starts_with(&top)) {
            manifest.add_dir(dir);
        }
    }
    if args.record_binaries {
        let exe = paths.bin_dir.join("gover");
        manifest.add_binary(&exe);
        manifest.add_binary(&exe.with_file_name("gover-shim"));
    }

    let env = match &home {
        Some(home) => StartupEnv::from_process(&app.process, home.clone()),
        None if args.no_modify_rc && !args.systemd => {
            manifest.save(&manifest_path)?;
            return finish(app, &report, &paths, None);
        }
        None => {
            return Err(Error::new(Kind::Environment, "cannot find your startup files: HOME is not set")
                .hint("set HOME, or pass --no-modify-rc"))
        }
    };
    let targets = env.targets(|p| p.exists());
    if args.no_modify_rc {
        report.push("startup files: left alone (--no-modify-rc); to set up by hand, add".into());
        for target in &targets {
            let line = target.shell.source_line(&paths.hook_file(target.shell), home.as_deref());
            let at = match target.placement {
                rc::Placement::Top => "near the top of",
                rc::Placement::End => "at the end of",
            };
            report.push(format!("  {at} {}:\n      {line}", target.path.display()));
        }
    } else {
        for target in &targets {
            let line = target.shell.source_line(&paths.hook_file(target.shell), home.as_deref());
            match add_hook_line(target, &line, &mut manifest) {
                Ok(done) => report.push(done),
                // One unwritable file (a read-only, managed dotfile) must not stop the others.
                Err(err) => output::warn(format!(
                    "{err}{}\n  add this line to it yourself:\n  {line}",
                    err.causes.first().map(|c| format!(": {c}")).unwrap_or_default()
                )),
            }
        }
    }
    if args.systemd {
        let dropin = env.systemd_dropin();
        let content = paths.systemd_dropin();
        let changed = manifest.track(&dropin, || shell::write_if_changed(&dropin, content.as_bytes()))?;
        report.push(format!(
            "systemd user units: {} {} (applies from the next login, or after systemctl --user daemon-reload)",
            if changed { "wrote" } else { "unchanged" },
            dropin.display()
        ));
    }
    manifest.save(&manifest_path)?;
    finish(app, &report, &paths, home.as_deref())
}

/// Adds `line` to one startup file; says what it did.
fn add_hook_line(target: &HookTarget, line: &str, manifest: &mut SetupManifest) -> Result<String> {
    let content = match fs::read_to_string(&target.path) {
        Ok(content) => content,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(error::io("read", &target.path, e)),
    };
    manifest.add_line(&target.path);
    let Some(updated) = rc::add_line(&content, line, target.placement) else {
        return Ok(format!("{} already has the hook", target.path.display()));
    };
    manifest.track(&target.path, || shell::write_if_changed(&target.path, updated.as_bytes()))?;
    let verb = if rc::has_line(&content) { "updated the hook line in" } else { "added the hook to" };
    Ok(format!("{verb} {} (line {})", target.path.display(), rc::line_number(&updated).unwrap_or(1)))
}

fn finish(app: &App, report: &[String], paths: &HookPaths, home: Option<&Path>) -> Result<()> {
    let out = app.out;
    outln!(out, Info, "gover is set up:");
    for line in report {
        outln!(out, Info, "  {line}");
    }
    let shell = app.process.value_str("SHELL").and_then(Shell::from_login_shell).unwrap_or(Shell::Bash);
    outln!(out, Info);
    // Run again from a shell the hook already set up (install.sh a second time), the shims
    // are on its PATH: nothing to open or load.
    let gover = app.store.home();
    let hooked =
        app.process.var_os("PATH").is_some_and(|path| std::env::split_paths(path).any(|d| gover.is_shims_dir(&d)));
    if hooked {
        outln!(out, Info, "Next (this shell already has the hook):");
    } else {
        outln!(out, Info, "Next: open a new shell, or load the hook in this one:");
        outln!(out, Info, "  {}", shell.load_command(&paths.hook_file(shell), home));
        outln!(out, Info, "then:");
    }
    // A version already there (imported from another manager) needs no download; the first
    // install becomes the global default by itself.
    let newest = app.store.installed().into_iter().filter(|v| v.is_stable()).max();
    match newest {
        Some(_) if app.store.home().global_file().exists() => outln!(out, Info, "  go version"),
        Some(v) => outln!(out, Info, "  gover global {} && go version", gover_shim::Spec::Exact(v)),
        None => outln!(out, Info, "  gover install latest && go version"),
    }
    Ok(())
}
