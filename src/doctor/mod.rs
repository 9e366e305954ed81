//! `gover doctor`: read-only checks of the user's real environment. Each check returns
//! [`Finding`]s as data (id, severity, evidence, fix); the command renders them as text or
//! JSON, and `gover doctor --fix` (src/reconcile) acts on the [`Fix`]es.
//!
//! Finding ids are stable: scripts and CI filter on them, and [`catalog`] lists them with
//! their meaning (the reference in docs/ is generated from it).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use gover_shim::Source;
use serde::Serialize;

pub mod alternatives;
pub mod catalog;
pub mod env;
mod goroot;
mod modules;
mod path;
mod permissions;
mod policy;
pub mod report;
mod services;
mod shells;
pub mod startup;
mod tools;
mod vulns;

use crate::gosettings::settings::{Settings, SettingsEnv};
use crate::gosettings::{Setting, SettingOrigin};
use crate::managers::{GoSetting, Manager, Places};
use crate::shell::startup::StartupEnv;
use env::Env;
use startup::{Construct, Reads, StartupFile, StartupShell};

/// How bad a finding is. `Error` makes `gover doctor` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The groups of the human output, in the order they are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Path,
    Goroot,
    Permissions,
    Modules,
    Services,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Path, Category::Goroot, Category::Permissions, Category::Modules, Category::Services];

    pub fn title(self) -> &'static str {
        match self {
            Category::Path => "PATH and binaries",
            Category::Goroot => "GOROOT and versions",
            Category::Permissions => "Permissions and caches",
            Category::Modules => "Modules and network",
            Category::Services => "Service environments",
        }
    }
}

/// Lines `start..=end` of a file, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineRange {
    pub start: usize,
    pub end: usize,
}

impl LineRange {
    pub fn line(n: usize) -> LineRange {
        LineRange { start: n, end: n }
    }

    pub fn contains(&self, line: usize) -> bool {
        (self.start..=self.end).contains(&line)
    }
}

impl std::fmt::Display for LineRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// What a finding was concluded from, so the user can check it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Lines of a file (a startup file, the go env file, a pin file).
    File { path: PathBuf, lines: Option<LineRange>, text: Option<String> },
    /// An entry of PATH (`position` counts from 0), where it really points, and what it holds.
    PathEntry { position: usize, dir: PathBuf, resolved: Option<PathBuf>, note: Option<String> },
    /// An environment variable of this process.
    Env { name: String, value: String },
    /// A file or directory's owner and permission bits.
    Owner { path: PathBuf, uid: u32, mode: u32 },
    /// A command that was run, and the part of its output that matters.
    Command { command: String, output: String },
    /// Anything else, as a sentence.
    Note { text: String },
    /// A release's standing in the Go vulnerability database (`vulnerabilities` sorted, `None`
    /// without data), as `gover list --json` reports it.
    Vulnerabilities {
        version: String,
        vulnerabilities: Option<Vec<String>>,
        fixed_in: Option<String>,
        end_of_life: bool,
    },
    /// One database entry: its id, CVE aliases and summary.
    Advisory { id: String, aliases: Vec<String>, summary: String },
}

impl Evidence {
    /// Where a version request came from: the pin file's line, the global default, or
    /// GOVER_VERSION with its value.
    pub fn of_source(source: &Source, env: &Env) -> Evidence {
        match source {
            Source::File { path, line } => {
                Evidence::File { path: path.clone(), lines: Some(LineRange::line(*line)), text: None }
            }
            Source::Global { path } => Evidence::File { path: path.clone(), lines: None, text: None },
            Source::Env => {
                Evidence::Env { name: "GOVER_VERSION".into(), value: env.var("GOVER_VERSION").unwrap_or("").into() }
            }
            Source::Fallback => Evidence::Note { text: "no pin and no global default".into() },
            Source::Argument => Evidence::Note { text: "named on the command line".into() },
        }
    }
}

/// What to do about a finding, as data `gover doctor --fix` can act on. In JSON each is an
/// object tagged by `kind` (`{"kind": "command", "command": "…"}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Comment out these lines of a startup file (a whole function or if-block when needed
    /// to keep the file valid).
    CommentOut { file: PathBuf, lines: LineRange },
    /// Move `lines` of `file` to just above line `above` (a hook below an early `return`).
    MoveAbove { file: PathBuf, lines: LineRange, above: usize },
    /// Repeat `lines` of `file` at its end, keeping them where they are (gover's hook, after a
    /// manager line that stays; the first one may need to stay above an early `return`).
    CopyToEnd { file: PathBuf, lines: LineRange },
    /// Append a line to a startup file (the gover hook).
    AppendLine { file: PathBuf, line: String },
    /// Create `file` with `content` (an environment.d drop-in).
    WriteFile { file: PathBuf, content: String },
    /// Remove `KEY=` from the go env file (what `go env -u KEY` does).
    RemoveGoEnvKey { file: PathBuf, key: String },
    /// Remove one alternative of an update-alternatives group.
    RemoveAlternative { name: String, path: PathBuf },
    /// A shell command for the user to run (gover install, go mod init, …); printed, never
    /// run by gover.
    Command(String),
    /// A repair of ownership or mode (chown, chmod) that `gover doctor --fix --yes` runs when
    /// the user may (`sudo` dropped for root).
    Run(Argv),
    /// Something only the user can do, as a sentence.
    Manual(String),
}

/// A command as its words. gover runs it as they are, with no shell between, so a path
/// holding `'` or `$(…)` stays one word; people see it quoted for a shell, to paste.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Argv(pub Vec<OsString>);

impl Argv {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Argv {
        Argv(words.into_iter().map(OsString::from).collect())
    }

    /// The command with one more word (a path, whatever its bytes).
    pub fn arg(mut self, word: impl AsRef<OsStr>) -> Argv {
        self.0.push(word.as_ref().to_os_string());
        self
    }

    /// The words as text (a word that is not UTF-8, lossily).
    fn words(&self) -> Vec<String> {
        self.0.iter().map(|w| w.to_string_lossy().into_owned()).collect()
    }
}

impl std::fmt::Display for Argv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<String> = self.words().iter().map(|w| crate::shell::posix::quote_word(w)).collect();
        f.write_str(&words.join(" "))
    }
}

/// `Fix`'s JSON form: serde cannot tag a variant holding a bare string, so the two that do
/// are given field names here.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum FixJson<'a> {
    CommentOut {
        file: &'a Path,
        lines: LineRange,
    },
    MoveAbove {
        file: &'a Path,
        lines: LineRange,
        above: usize,
    },
    CopyToEnd {
        file: &'a Path,
        lines: LineRange,
    },
    AppendLine {
        file: &'a Path,
        line: &'a str,
    },
    WriteFile {
        file: &'a Path,
        content: &'a str,
    },
    RemoveGoEnvKey {
        file: &'a Path,
        key: &'a str,
    },
    RemoveAlternative {
        name: &'a str,
        path: &'a Path,
    },
    Command {
        command: String,
        /// A command gover may run itself, as its words.
        #[serde(skip_serializing_if = "Option::is_none")]
        argv: Option<Vec<String>>,
    },
    Manual {
        text: &'a str,
    },
}

impl Serialize for Fix {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let json = match self {
            Fix::CommentOut { file, lines } => FixJson::CommentOut { file, lines: *lines },
            Fix::MoveAbove { file, lines, above } => FixJson::MoveAbove { file, lines: *lines, above: *above },
            Fix::CopyToEnd { file, lines } => FixJson::CopyToEnd { file, lines: *lines },
            Fix::AppendLine { file, line } => FixJson::AppendLine { file, line },
            Fix::WriteFile { file, content } => FixJson::WriteFile { file, content },
            Fix::RemoveGoEnvKey { file, key } => FixJson::RemoveGoEnvKey { file, key },
            Fix::RemoveAlternative { name, path } => FixJson::RemoveAlternative { name, path },
            Fix::Command(command) => FixJson::Command { command: command.clone(), argv: None },
            Fix::Run(argv) => FixJson::Command { command: argv.to_string(), argv: Some(argv.words()) },
            Fix::Manual(text) => FixJson::Manual { text },
        };
        json.serialize(serializer)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable id, `area.what` (`path.system-go-first`).
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line saying what is wrong.
    pub title: String,
    pub evidence: Vec<Evidence>,
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(id: &'static str, severity: Severity, category: Category, title: impl Into<String>) -> Finding {
        Finding { id, severity, category, title: title.into(), evidence: Vec::new(), fix: None }
    }

    pub fn evidence(mut self, evidence: Evidence) -> Finding {
        self.evidence.push(evidence);
        self
    }

    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }
}

/// A startup file that exists, and what it does to Go.
pub struct Scanned {
    pub file: StartupFile,
    pub constructs: Vec<Construct>,
}

/// A `go` (or `gofmt`) found on PATH.
#[derive(Clone, Debug)]
pub struct OnPath {
    /// Index of the PATH entry, from 0.
    pub position: usize,
    pub dir: PathBuf,
    /// `readlink -f` of the binary.
    pub resolved: Option<PathBuf>,
    pub is_shim: bool,
}

impl OnPath {
    pub fn evidence(&self, tool: &str) -> Evidence {
        let note = if self.is_shim { "gover's shim".to_string() } else { format!("{tool} not managed by gover") };
        Evidence::PathEntry {
            position: self.position,
            dir: self.dir.clone(),
            resolved: self.resolved.clone(),
            note: Some(note),
        }
    }
}

/// What several checks need, gathered once.
pub struct Facts<'a> {
    pub env: &'a Env,
    pub settings: Settings,
    /// Where the user's shells read their startup files (None without HOME), decided once:
    /// it may read ~/.zshenv for a ZDOTDIR set there.
    pub startup_env: Option<StartupEnv>,
    /// Startup files that exist (and those they source), each once.
    pub startup: Vec<Scanned>,
    pub go_on_path: Vec<OnPath>,
    pub gofmt_on_path: Vec<OnPath>,
}

/// How much a manager's line looks like the one that put `path` there: a PATH line naming
/// its directory (asdf ≥ 0.16's `…/shims:$PATH`) first, then its init (what defines its
/// functions and puts its shims on PATH) rather than a variable it needs: `eval "$(goenv init
/// -)"` over `export GOENV_ROOT=…`; among equals, the later line.
fn init_rank(c: &Construct, path: &Path) -> (u8, usize) {
    let text = &c.text;
    let dir = path.file_name().and_then(|n| n.to_str()).filter(|n| !n.is_empty());
    let rank = if text.contains("PATH") && dir.is_some_and(|d| text.contains(&format!("/{d}"))) {
        2
    } else if ["init", "activate", "source", ". ", "shims"].iter().any(|m| text.contains(m)) {
        1
    } else {
        0
    };
    (rank, c.line)
}

impl<'a> Facts<'a> {
    /// A variable of the environment doctor runs in.
    pub fn var(&self, name: &str) -> Option<String> {
        self.env.var(name).map(str::to_string)
    }

    pub fn gather(env: &'a Env) -> Facts<'a> {
        let startup_env = env.startup();
        Facts {
            settings: Settings::load(SettingsEnv::from_process(&env.process)),
            startup: startup_env.as_ref().map(scan_startup_files).unwrap_or_default(),
            startup_env,
            go_on_path: on_path(env, "go"),
            gofmt_on_path: on_path(env, "gofmt"),
            env,
        }
    }

    /// The startup file at `path`, if it was scanned.
    pub fn scanned(&self, path: &Path) -> Option<&Scanned> {
        self.startup.iter().find(|s| s.file.path == path)
    }

    /// The files `shell` reads when started as `reads` (login or interactive), in order, the
    /// files they source included.
    pub fn reading_order(&self, shell: StartupShell, reads: Reads) -> Vec<&Scanned> {
        let roots: Vec<&Scanned> = match shell {
            StartupShell::Bash if reads == Reads::Login => self
                .startup
                .iter()
                .filter(|s| s.file.shell == StartupShell::Bash && s.file.reads == Reads::Login)
                .take(1)
                .collect(),
            StartupShell::Bash => self
                .startup
                .iter()
                .filter(|s| s.file.shell == StartupShell::Bash && s.file.reads == Reads::Interactive)
                .collect(),
            _ => self
                .startup
                .iter()
                .filter(|s| s.file.shell == shell && (s.file.reads == Reads::Always || s.file.reads == reads))
                .collect(),
        };
        let mut out = Vec::new();
        for root in roots {
            self.with_sourced(root, &mut out, 0);
        }
        out
    }

    fn with_sourced<'s>(&'s self, file: &'s Scanned, out: &mut Vec<&'s Scanned>, depth: usize) {
        if depth > 4 || out.iter().any(|s| s.file.path == file.file.path) {
            return;
        }
        out.push(file);
        for c in &file.constructs {
            if let startup::Kind::Source { path, .. } = &c.kind {
                if let Some(sourced) = self.expand(path).and_then(|p| self.scanned(&p)) {
                    self.with_sourced(sourced, out, depth + 1);
                }
            }
        }
    }

    /// A path as written in a startup file, with `~` and variables expanded from this
    /// environment (GOPATH and GOBIN with go's defaults); `None` when a variable is unset.
    pub fn expand(&self, written: &str) -> Option<PathBuf> {
        let home = self.env.home()?;
        let lookup = |name: &str| -> Option<String> {
            let path = match name {
                "HOME" => Some(home.clone()),
                // go's defaults count: an unset GOPATH is ~/go.
                "GOPATH" => self.settings.gopath_dirs().into_iter().next(),
                "GOBIN" => self.settings.gobin().map(|(dir, _)| dir),
                _ => return self.env.var(name).map(String::from),
            };
            path.map(|p| p.display().to_string())
        };
        startup::expand_path(written, &home, lookup)
    }

    /// Where the other managers live, for this environment.
    pub fn places(&self) -> Places<'_> {
        Places::of(&self.env.process, self.env.home().unwrap_or_default())
    }

    /// The startup line of `shell` that sets up the manager owning `path` (its init line,
    /// which puts its directories on PATH and defines its functions), when one does.
    pub fn manager_init_line(&self, path: &Path, shell: Option<StartupShell>) -> Option<(PathBuf, LineRange)> {
        let manager = Manager::owning(&self.places(), path)?;
        self.manager_lines(manager, shell)
            .into_iter()
            .max_by_key(|(_, c)| init_rank(c, path))
            .map(|(file, c)| (file, c.lines))
    }

    /// Every startup line (of `shell`, or of any shell) that sets up `manager`.
    pub fn manager_lines(&self, manager: Manager, shell: Option<StartupShell>) -> Vec<(PathBuf, &Construct)> {
        self.startup
            .iter()
            .filter(|s| shell.is_none_or(|sh| s.file.shell == sh))
            .flat_map(|s| s.constructs.iter().map(move |c| (s.file.path.clone(), c)))
            .filter(|(_, c)| c.kind == startup::Kind::ManagerInit { manager })
            .collect()
    }

    /// Whether a manager's startup line stays when gover takes Go over: the manager serves
    /// other tools too (asdf with nodejs, mise with node), and the line is not Go's alone
    /// (asdf-golang's set-env).
    pub fn line_stays(&self, manager: Manager, line: &Construct) -> bool {
        manager.about().serves_others(&self.places()) && !line.text.contains("golang")
    }

    /// gover is set up here (shims made or versions installed); before that, a system go
    /// winning is how things should be.
    pub fn gover_in_use(&self) -> bool {
        self.env.gover.shim("go").exists() || !self.env.gover.installed().is_empty()
    }
}

fn on_path(env: &Env, tool: &str) -> Vec<OnPath> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for (position, dir) in env.path_dirs().into_iter().enumerate() {
        let binary = dir.join(tool);
        if seen.contains(&dir) || !gover_shim::resolve::is_executable(&binary) {
            continue;
        }
        seen.push(dir.clone());
        let is_shim = env.gover.is_shims_dir(&dir);
        out.push(OnPath { position, resolved: std::fs::canonicalize(&binary).ok(), dir, is_shim });
    }
    out
}

fn scan_startup_files(startup: &StartupEnv) -> Vec<Scanned> {
    let home = &startup.home;
    let mut out: Vec<Scanned> = Vec::new();
    let mut queue: Vec<StartupFile> = startup.files(|p| p.exists(), crate::managers::children);
    queue.reverse();
    while let Some(file) = queue.pop() {
        if out.iter().any(|s| s.file.path == file.path) || out.len() > 32 {
            continue;
        }
        let Ok(content) = std::fs::read_to_string(&file.path) else { continue };
        let constructs = startup::scan(&content, file.shell.dialect());
        // Files a startup file sources in HOME are scanned too, as part of the same shell;
        // not a manager's own files (g rewrites ~/.g/env): the line sourcing them is its.
        for c in &constructs {
            let managers =
                constructs.iter().any(|m| m.line == c.line && matches!(m.kind, startup::Kind::ManagerInit { .. }));
            if let (startup::Kind::Source { path, .. }, false) = (&c.kind, managers) {
                let expanded = path.replace("${HOME}", "~").replace("$HOME", "~");
                if let Some(rest) = expanded.strip_prefix("~/") {
                    queue.insert(0, StartupFile { path: home.join(rest), shell: file.shell, reads: file.reads });
                }
            }
        }
        out.push(Scanned { file, constructs });
    }
    out
}

/// The whole diagnosis: every check, run concurrently (the slow ones ask shells and
/// services), sorted by category, then severity (worst first), then id.
pub fn diagnose(facts: &Facts) -> Vec<Finding> {
    // Asking the shells takes longest: it runs beside the rest.
    type Check = fn(&Facts) -> Vec<Finding>;
    let checks: [(&str, Check); 9] = [
        ("shells", shells::check),
        ("path", path::check),
        ("goroot", goroot::check),
        ("permissions", permissions::check),
        ("modules", modules::check),
        ("services", services::check),
        ("vulns", vulns::check),
        ("tools", tools::check),
        ("policy", policy::check),
    ];
    let findings: Vec<Finding> = std::thread::scope(|scope| {
        let handles: Vec<_> = checks
            .iter()
            .map(|&(name, check)| {
                // The thread's name is how a crash report (main.rs's panic hook) says which check.
                std::thread::Builder::new()
                    .name(format!("doctor check `{name}`"))
                    .spawn_scoped(scope, move || {
                        crash_if_asked(facts, name);
                        check(facts)
                    })
                    .expect("the system can start a thread")
            })
            .collect();
        // A check that panicked found nothing, which is not "nothing wrong": its panic goes on
        // up, so the run fails instead of reporting a clean bill of health.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut findings = keep_lines_that_stay(facts, findings);
    findings.sort_by(|a, b| {
        (a.category, std::cmp::Reverse(a.severity), a.id).cmp(&(b.category, std::cmp::Reverse(b.severity), b.id))
    });
    findings
}

/// A startup line of a manager that stays for other tools is never commented out: a finding
/// that would (its go first on PATH, its GOROOT, its `cd`) takes the fix of that manager's
/// `managers.init-line` finding instead (Go turned off in its settings, or gover's hook after
/// it), and goes when the manager's Go is off already; without either it keeps no fix.
fn keep_lines_that_stay(facts: &Facts, findings: Vec<Finding>) -> Vec<Finding> {
    let places = facts.places();
    let staying = |file: &Path, lines: LineRange| {
        facts.scanned(file)?.constructs.iter().find_map(|c| match c.kind {
            startup::Kind::ManagerInit { manager } if c.lines == lines && facts.line_stays(manager, c) => Some(manager),
            _ => None,
        })
    };
    let disabling = |f: &Finding| match &f.fix {
        Some(Fix::CommentOut { file, lines }) if f.id != "managers.init-line" => staying(file, *lines),
        _ => None,
    };
    let cited = |f: &Finding| {
        f.evidence.iter().find_map(|e| match e {
            Evidence::File { path, lines: Some(lines), .. } => staying(path, *lines),
            _ => None,
        })
    };
    // A manager's settings (one finding for all its lines) before the order of its lines.
    let mut instead: Vec<(Manager, Option<Fix>)> = findings
        .iter()
        .filter(|f| f.id == "managers.init-line")
        .filter_map(|f| Some((cited(f)?, f.fix.clone())))
        .collect();
    instead.sort_by_key(|(_, fix)| !matches!(fix, Some(Fix::WriteFile { .. } | Fix::Manual(_))));
    findings
        .into_iter()
        .filter_map(|mut f| {
            let Some(manager) = disabling(&f) else { return Some(f) };
            if manager.about().go_setting(&places) == GoSetting::Off {
                return None;
            }
            f.fix = instead.iter().find(|(m, _)| *m == manager).and_then(|(_, fix)| fix.clone());
            Some(f)
        })
        .collect()
}

/// GOVER_TEST_CRASH_CHECK=<name> makes that check panic, so a test can show that a crashed check
/// fails the run. Only in debug builds (what `cargo test` drives): a release build, the only kind
/// shipped, has no such code, so nothing in a user's environment can make doctor skip a check.
fn crash_if_asked(facts: &Facts, name: &str) {
    if cfg!(debug_assertions) && facts.env.var("GOVER_TEST_CRASH_CHECK") == Some(name) {
        panic!("GOVER_TEST_CRASH_CHECK={name}");
    }
}

/// How the user can see where a go setting's value came from.
pub trait SettingEvidence {
    fn evidence(&self, name: &str) -> Evidence;
}

impl SettingEvidence for Setting {
    fn evidence(&self, name: &str) -> Evidence {
        match &self.origin {
            SettingOrigin::Env => Evidence::Env { name: name.to_string(), value: self.value.clone() },
            SettingOrigin::File { path, line } => Evidence::File {
                path: path.clone(),
                lines: Some(LineRange::line(*line)),
                text: Some(format!("{name}={}", self.value)),
            },
            SettingOrigin::Default => Evidence::Note { text: format!("{name} defaults to {}", self.value) },
        }
    }
}
