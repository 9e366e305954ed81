//! `gover doctor`: diagnose the Go setup without changing anything. Exits 1 when a finding is
//! an error, so CI can gate on it.

use std::path::PathBuf;
use std::time::Duration;

use gover_shim::{Context, GoverHome};

use crate::app::App;
use crate::doctor::{self, env::Env, report, Facts, Severity};
use crate::error::{Error, Kind, Result};
use crate::output::out;
use crate::reconcile;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the findings as JSON (for CI)
    #[arg(long)]
    pub json: bool,
    /// Also list every go on PATH, in order
    #[arg(short, long)]
    pub verbose: bool,
    /// update-alternatives' admin directory
    #[arg(
        long,
        env = "GOVER_ALTERNATIVES_ADMIN_DIR",
        value_name = "DIR",
        default_value = "/var/lib/dpkg/alternatives",
        hide = true
    )]
    pub alternatives_admin_dir: PathBuf,
    /// Where update-alternatives keeps its links
    #[arg(long, env = "GOVER_ALTERNATIVES_DIR", value_name = "DIR", default_value = "/etc/alternatives", hide = true)]
    pub alternatives_dir: PathBuf,
    /// Read this file instead of `crontab -l`
    #[arg(long, env = "GOVER_DOCTOR_CRONTAB", value_name = "FILE", hide = true)]
    pub crontab_file: Option<PathBuf>,
    /// Fix what can be fixed: comment out conflicting startup-file lines, remove stale go env
    /// settings and alternatives (a diff is shown first; files are backed up)
    #[arg(long, conflicts_with = "json")]
    pub fix: bool,
    /// With --fix: show the diff, change nothing (the default when stdin is not a terminal)
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// With --fix: apply without asking, and run the chown/chmod repairs you have the right to
    #[arg(short, long, requires = "fix")]
    pub yes: bool,
    /// Restore the files the last --fix changed, byte for byte
    #[arg(long, conflicts_with_all = ["fix", "json"])]
    pub undo: bool,
    /// With --undo: restore files edited since the fix too (those edits are lost)
    #[arg(long, requires = "undo")]
    pub force: bool,
    /// Read mount, umask and TCP tables from here instead of /proc
    #[arg(long, env = "GOVER_DOCTOR_PROC", value_name = "DIR", default_value = "/proc", hide = true)]
    pub proc_root: PathBuf,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    if args.undo {
        return reconcile::undo(&app.store, args.force, app.out);
    }
    let env = environment(&args, app)?;
    let facts = Facts::gather(&env);
    let findings = doctor::diagnose(&facts);
    if args.fix {
        let options = reconcile::FixOptions {
            dry_run: args.dry_run,
            yes: args.yes,
            alternatives: reconcile::alternatives::Dirs {
                admin: env.alternatives_admin.clone(),
                links: env.alternatives_dir.clone(),
                program: env.find_program("update-alternatives"),
            },
        };
        return reconcile::fix(&findings, &app.store, &options, app.out);
    }
    // With -q the report is left out: the exit code and the `error:` line say whether a
    // finding is an error. JSON is what a script asked for.
    if args.json {
        out!(app.out, Answer, "{}", report::json(&findings, &facts.go_on_path, &facts.startup));
    } else {
        out!(app.out, Info, "{}", report::text(&findings, &facts.go_on_path, &facts.startup, args.verbose));
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    if errors > 0 {
        return Err(Error::new(Kind::Failure, format!("gover doctor found {errors} error(s)")));
    }
    Ok(())
}

/// This process's view of the machine, gathered once.
fn environment(args: &Args, app: &App) -> Result<Env> {
    app.process.cwd().map_err(|e| Error::failure("cannot read the working directory").cause(e))?;
    // Whichever store the command works on, the resolver doctor asks is the user's shim's.
    let system = GoverHome::locate_system(&app.process);
    Ok(Env {
        process: app.process.clone(),
        context: Context::new(&app.process, app.store.home().clone(), Some(system))?,
        gover: app.store.home().clone(),
        alternatives_admin: args.alternatives_admin_dir.clone(),
        alternatives_dir: args.alternatives_dir.clone(),
        proc_root: args.proc_root.clone(),
        crontab_file: args.crontab_file.clone(),
        timeout: Duration::from_secs(3),
        policy: app.policy.clone(),
    })
}
