//! `gover report [DIRS…] [--json]`: this machine's Go inventory (versions, global default,
//! pins under DIRS, tools, vulnerabilities, end of life, policy violations) as text, or as
//! one JSON document for a fleet's collector. The gathering is the `report` room's.

use std::path::PathBuf;

use crate::app::App;
use crate::error::{Error, Kind, Result};
use crate::gosettings::settings::{Settings, SettingsEnv};
use crate::output::outln;
use crate::report::{self, Inputs, Machine};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directories to look for pin files in, recursively; without any, the current directory
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Print one JSON document for scripts (its schema is docs/src/report.schema.json)
    #[arg(long)]
    pub json: bool,
    /// Exit with code 9 (refused by policy) when the report lists a policy violation
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let given = if args.dirs.is_empty() { vec![PathBuf::from(".")] } else { args.dirs };
    let dirs = given.iter().map(|dir| absolute_dir(dir)).collect::<Result<Vec<_>>>()?;
    let settings = Settings::load(SettingsEnv::from_process(&app.process));
    let system = app.system_home();
    let mut skipped = vec![app.store.root().to_path_buf()];
    skipped.extend(system.as_ref().map(|s| s.root().to_path_buf()));
    skipped.extend(settings.effective("GOMODCACHE").map(|s| PathBuf::from(s.value)));
    let tools = crate::tools::scan(&crate::tools::dirs(&settings, app.process.var_os("PATH")));
    let report = report::gather(Inputs {
        process: &app.process,
        store: &app.store,
        system,
        context: app.context()?,
        installed: app.installed(),
        policy: app.policy.as_ref(),
        machine: machine(&app.process),
        dirs,
        skipped,
        tools,
    });
    if args.json {
        app.out.json(&serde_json::to_value(&report).expect("the report serializes"));
    } else {
        for line in report::text::render(&report) {
            outln!(app.out, Answer, "{line}");
        }
        if let Some(note) = &report.vulnerability_data.note {
            outln!(app.out, Note, "{note}");
        }
    }
    match report.violations.len() {
        n if args.check && n > 0 => {
            let noun = if n == 1 { "violation" } else { "violations" };
            Err(Error::new(Kind::Policy, format!("the report lists {n} policy {noun}"))
                .cause("--check fails when the administrator's policy refuses an installed, default or pinned version")
                .hint("each violation says what to install or pin instead; gover upgrade --pins moves exact pins"))
        }
        _ => Ok(()),
    }
}

/// `dir` as an absolute, canonical directory, so the report's paths mean the same to a
/// collector on another machine, and the walk can tell gover's own stores when it meets them.
fn absolute_dir(dir: &std::path::Path) -> Result<PathBuf> {
    let shown = dir.display();
    let hint = "name directories that exist, e.g. gover report /srv /home";
    match std::fs::canonicalize(dir) {
        Ok(path) if path.is_dir() => Ok(path),
        Ok(_) => {
            Err(Error::usage(format!("cannot report on {shown}")).cause("it is a file, not a directory").hint(hint))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::usage(format!("cannot report on {shown}")).cause("it does not exist").hint(hint))
        }
        Err(e) => Err(crate::error::io("look at", dir, e)),
    }
}

/// Who and where the report is of.
fn machine(process: &gover_shim::Process) -> Machine {
    let platform = crate::dist::index::Platform::host();
    Machine {
        hostname: hostname(),
        os: platform.as_ref().map_or(std::env::consts::OS.into(), |p| p.os.clone()),
        arch: platform.as_ref().map_or(std::env::consts::ARCH.into(), |p| p.arch.clone()),
        user: ["USER", "LOGNAME"].iter().find_map(|v| process.value_str(v).map(str::to_string)),
        uid: process.uid(),
        gover_version: env!("CARGO_PKG_VERSION"),
        generated_at: crate::utc::Utc::at(std::time::SystemTime::now()).rfc3339(),
    }
}

/// The machine's name as `hostname` prints it: what a fleet's inventory is keyed by.
fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: buf is writable for its whole length, which is passed; gethostname writes a
    // NUL-terminated name into it (truncated, not overflowing, if it is longer).
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    if ok {
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    }
}
