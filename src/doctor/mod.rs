//! `gover doctor`: read-only checks of the user's real environment. Each check returns
//! [`Finding`]s as data (id, severity, evidence, fix); the command renders them as text or
//! JSON, and `gover doctor --fix` (src/reconcile) acts on the [`Fix`]es.
//!
//! Finding ids are stable: scripts and CI filter on them, and the README lists them.

use std::path::PathBuf;

use serde::Serialize;

pub mod startup;

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
}

/// What to do about a finding, as data `gover doctor --fix` can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fix {
    /// Comment out these lines of a startup file (a whole function or if-block when needed
    /// to keep the file valid).
    CommentOut { file: PathBuf, lines: LineRange },
    /// Move `lines` of `file` to just above line `above` (a hook below an early `return`).
    MoveAbove { file: PathBuf, lines: LineRange, above: usize },
    /// Append a line to a startup file (the gover hook).
    AppendLine { file: PathBuf, line: String },
    /// Create `file` with `content` (an environment.d drop-in).
    WriteFile { file: PathBuf, content: String },
    /// Remove `KEY=` from the go env file (what `go env -u KEY` does).
    RemoveGoEnvKey { file: PathBuf, key: String },
    /// Remove one alternative of an update-alternatives group.
    RemoveAlternative { name: String, path: PathBuf },
    /// A shell command to run (chown, gover install, …); printed, never run by doctor.
    Command(String),
    /// Something only the user can do, as a sentence.
    Manual(String),
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
