//! `gover report`: one machine's Go inventory as one document, for platform teams that
//! collect them from a fleet. It only assembles what the other rooms answer: the installed
//! versions (both stores and the links), the global default, every pin file under the
//! directories asked about with what the shim's own resolver makes of it, the `go install`ed
//! tools, each version's vulnerabilities and end of life ([`Knowledge`]), and what the
//! administrator's policy refuses ([`Policy::refusal_of`]).
//!
//! The JSON is a stable schema, versioned by `schema` and described by
//! docs/src/report.schema.json: fields may be added, and [`SCHEMA`] goes up when one is removed
//! or changes meaning.

pub mod text;
pub mod walk;

use std::cell::LazyCell;
use std::path::{Path, PathBuf};

use gover_shim::dir::Dir;
use gover_shim::pin::PinFile;
use gover_shim::resolve::{self, read_pin_file, Installed, PinRead};
use gover_shim::trust::Trust;
use gover_shim::{Context, GoVersion, Request, ResolveError, Source, Spec, Toolchain};
use serde::Serialize;

use crate::policy::Policy;
use crate::store::Store;
use crate::vulndb::Knowledge;

/// Bumped when a field is removed or changes meaning (adding one does not).
pub const SCHEMA: u32 = 1;

#[derive(Serialize, Debug)]
pub struct Report {
    pub schema: u32,
    pub machine: Machine,
    /// The user's store and the system store (null when the report is of the system store).
    pub stores: Stores,
    /// Whether vulnerability data was there to judge versions by, and a note when it is old.
    pub vulnerability_data: VulnerabilityData,
    pub versions: Vec<Version>,
    pub global: Global,
    /// The directories walked for pins.
    pub dirs: Vec<PathBuf>,
    pub pins: Vec<Pin>,
    /// As `gover tools --json` shows each program.
    pub tools: Vec<serde_json::Value>,
    pub violations: Vec<Violation>,
    /// What could not be looked at; the rest of the report stands.
    pub errors: Vec<Problem>,
}

#[derive(Serialize, Debug)]
pub struct Machine {
    pub hostname: String,
    /// Go's names (`linux`, `amd64`).
    pub os: String,
    pub arch: String,
    pub user: Option<String>,
    pub uid: u32,
    pub gover_version: &'static str,
    /// RFC 3339, UTC.
    pub generated_at: String,
}

#[derive(Serialize, Debug)]
pub struct Stores {
    pub user: PathBuf,
    pub system: Option<PathBuf>,
    /// Why the system store's versions do not count, when they do not.
    pub system_ignored: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct VulnerabilityData {
    pub available: bool,
    pub note: Option<String>,
}

/// Where a toolchain lives.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// The user's GOVER_HOME.
    User,
    /// The system store, root's for every user.
    System,
    /// A tree `gover link` named.
    Link,
    /// A go on PATH outside gover (`system` in a pin).
    Path,
}

#[derive(Serialize, Debug)]
pub struct Version {
    /// The release (`go1.22.10`), or a link's name.
    pub version: String,
    pub store: Place,
    pub path: PathBuf,
    /// For a link, what its go says it is (or why it cannot run).
    pub reports: Option<String>,
    /// Null when unknown: a link, or no vulnerability data.
    pub end_of_life: Option<bool>,
    pub vulnerabilities: Option<Vec<Vulnerability>>,
    pub fixed_in: Option<String>,
    pub policy: Verdict,
}

#[derive(Serialize, Debug)]
pub struct Vulnerability {
    pub id: String,
    pub summary: String,
    pub aliases: Vec<String>,
    /// In the go command itself (code that runs while building), not only the standard
    /// library: the database scores nothing, so this is the one severity it gives.
    pub in_go_command: bool,
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No policy on this machine.
    None,
    Allowed,
    Refused,
}

/// What a request resolves to, as the shim would run it.
#[derive(Serialize, Clone, Debug, Default)]
pub struct Outcome {
    /// `go1.22.10`, a link's name, or `system`; null when nothing runs.
    pub toolchain: Option<String>,
    pub store: Option<Place>,
    pub installed: bool,
    /// The file that decides, for a directory (another pin file there, or above, may).
    pub decided_by: Option<String>,
    /// What `gover install` would pick for a request that is not installed, from the release
    /// index gover saved last (null without one: the report uses no network).
    pub would_install: Option<String>,
    /// Why nothing runs (not installed, a bad pin file).
    pub error: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct Global {
    pub file: PathBuf,
    /// The global default as written, null when there is none.
    pub requested: Option<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What a pin file is to the resolver.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PinStatus {
    /// It names a version, and counts.
    Pin,
    /// Another user could have written it: the resolver does not read it.
    Ignored,
    /// It cannot be read as a pin: every go below it fails.
    Invalid,
    /// An empty `.go-version`: skipped.
    Empty,
}

#[derive(Serialize, Debug)]
pub struct Pin {
    pub path: PathBuf,
    /// `go-version`, `mise`, `tool-versions`, `go-work` or `go-mod`.
    pub kind: &'static str,
    pub status: PinStatus,
    pub line: Option<usize>,
    pub requested: Option<String>,
    /// Why it is ignored or invalid.
    pub reason: Option<String>,
    /// Whether this file is the one that decides what runs in its directory.
    pub decides: bool,
    /// What `go` runs in this file's directory.
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    Version,
    Global,
    Pin,
}

/// A toolchain the policy refuses, where it is installed, defaulted to or pinned.
#[derive(Serialize, Debug)]
pub struct Violation {
    pub subject: Subject,
    /// The version's tree, the global default's file, or the pin file.
    pub path: PathBuf,
    pub toolchain: String,
    pub message: String,
    pub policy_file: PathBuf,
    pub line: usize,
    pub rule: String,
    pub causes: Vec<String>,
    pub hint: String,
}

#[derive(Serialize, Debug)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
}

/// What the report is made from, gathered by the command.
pub struct Inputs<'a> {
    /// The environment the report is run in.
    pub process: &'a gover_shim::Process,
    pub store: &'a Store,
    pub system: Option<gover_shim::GoverHome>,
    /// The resolver's context in the working directory (PATH, the stores, the uid).
    pub context: Context,
    pub installed: Vec<Installed>,
    pub policy: Option<&'a Policy>,
    pub machine: Machine,
    /// Absolute directories to walk.
    pub dirs: Vec<PathBuf>,
    /// Places the walk skips (see [`walk`]).
    pub skipped: Vec<PathBuf>,
    pub tools: Vec<crate::tools::Tool>,
}

/// Everything the report says, gathered.
pub fn gather(inputs: Inputs) -> Report {
    let Inputs { process, store, system, context, installed, policy, machine, dirs, skipped, tools } = inputs;
    let versions: Vec<GoVersion> = installed.iter().map(|i| i.version.clone()).collect();
    let knowledge = Knowledge::load(process, store, &versions);
    // Loaded already (every version's row needs it); the policy asks through a LazyCell.
    let knowledge = LazyCell::new(|| knowledge);
    let releases = crate::dist::saved::last_releases(store);
    let judge = Judge { policy, knowledge: &knowledge, context: &context, installed: &installed, releases: &releases };
    let mut violations = Vec::new();

    let system_ignored = system.as_ref().and_then(|s| resolve::system_versions(s, context.uid).err());
    let mut rows: Vec<Version> = installed
        .iter()
        .map(|i| {
            let status = knowledge.assess(&i.version);
            let data = status.vulnerabilities.is_some();
            let store = if i.system { Place::System } else { Place::User };
            let verdict = judge.verdict(Some(&i.version), Subject::Version, &i.root, &i.version.to_string());
            violations.extend(verdict.1);
            Version {
                version: i.version.to_string(),
                store,
                path: i.root.clone(),
                reports: None,
                end_of_life: data.then_some(status.end_of_life),
                vulnerabilities: status.vulnerabilities.as_ref().map(|entries| {
                    entries
                        .iter()
                        .map(|e| Vulnerability {
                            id: e.id.clone(),
                            summary: e.summary.clone(),
                            aliases: e.aliases.clone(),
                            in_go_command: e.affects_toolchain(),
                        })
                        .collect()
                }),
                fixed_in: status.fixed_in.as_ref().map(GoVersion::to_string),
                policy: verdict.0,
            }
        })
        .collect();
    for (name, tree) in store.home().links() {
        let verdict = judge.verdict(None, Subject::Version, &tree, &name);
        violations.extend(verdict.1);
        let reports = match crate::links::check_tree(&tree) {
            Ok(checked) => checked.reported,
            Err(why) => format!("broken: {why}"),
        };
        rows.push(Version {
            version: name,
            store: Place::Link,
            path: tree,
            reports: Some(reports),
            end_of_life: None,
            vulnerabilities: None,
            fixed_in: None,
            policy: verdict.0,
        });
    }

    let global_file = store.home().global_file();
    let (requested, outcome, refused) = match PinFile::GoVersion.read(&global_file) {
        Ok(None) => (None, Outcome::default(), Vec::new()),
        Ok(Some(pin)) => {
            let request = Request::named(pin.spec.clone(), Source::Global { path: global_file.clone() });
            let resolved = resolve::toolchain_for(&context, &request).map(|toolchain| (request, toolchain));
            let (outcome, refused) = judge.outcome(resolved, Subject::Global, &global_file);
            (Some(pin.spec.to_string()), outcome, refused)
        }
        Err(error) => {
            let error = ResolveError::BadPin { path: global_file.clone(), error }.to_string();
            (None, Outcome { error: Some(error), ..Outcome::default() }, Vec::new())
        }
    };
    violations.extend(refused);
    let global = Global { file: global_file, requested, outcome };

    let walked = walk::walk(&dirs, &skipped);
    let mut errors: Vec<Problem> = walked
        .unreadable
        .into_iter()
        .map(|(path, e)| Problem { message: format!("cannot list it: {e}"), path })
        .collect();
    let mut pins = Vec::new();
    for dir in &walked.pin_dirs {
        match judge.directory(dir) {
            Ok((found, refused)) => {
                pins.extend(found);
                violations.extend(refused);
            }
            Err(e) => errors.push(Problem { path: dir.clone(), message: format!("cannot look at it: {e}") }),
        }
    }

    let tool_rows = tools.iter().map(|tool| crate::tools::to_json(tool, &knowledge, &versions)).collect();
    Report {
        schema: SCHEMA,
        machine,
        stores: Stores {
            user: store.root().to_path_buf(),
            system: system.map(|s| s.root().to_path_buf()),
            system_ignored,
        },
        vulnerability_data: VulnerabilityData {
            available: knowledge.cache.is_some(),
            note: knowledge.staleness(std::time::SystemTime::now()),
        },
        versions: rows,
        global,
        dirs,
        pins,
        tools: tool_rows,
        violations,
        errors,
    }
}

/// Asks the resolver and the policy about toolchains, with what they need at hand.
struct Judge<'a, F: FnOnce() -> Knowledge> {
    policy: Option<&'a Policy>,
    knowledge: &'a LazyCell<Knowledge, F>,
    context: &'a Context,
    installed: &'a [Installed],
    /// The releases of the index gover saved last, for what an install would pick.
    releases: &'a [GoVersion],
}

impl<F: FnOnce() -> Knowledge> Judge<'_, F> {
    /// The policy's verdict on a release (`None`: a Go gover did not install), and the
    /// violation it makes at `path` when it refuses.
    fn verdict(
        &self,
        version: Option<&GoVersion>,
        subject: Subject,
        path: &Path,
        toolchain: &str,
    ) -> (Verdict, Option<Violation>) {
        let Some(policy) = self.policy else { return (Verdict::None, None) };
        match policy.refusal_of(version, self.knowledge) {
            None => (Verdict::Allowed, None),
            Some(refusal) => (
                Verdict::Refused,
                Some(Violation {
                    subject,
                    path: path.to_path_buf(),
                    toolchain: toolchain.to_string(),
                    message: refusal.what,
                    policy_file: policy.path.clone(),
                    line: refusal.line,
                    rule: refusal.rule,
                    causes: refusal.causes,
                    hint: refusal.hint,
                }),
            ),
        }
    }

    /// What a resolution comes to, and the violation of the toolchain it picked.
    fn outcome(
        &self,
        resolved: Result<(Request, Toolchain), ResolveError>,
        subject: Subject,
        path: &Path,
    ) -> (Outcome, Vec<Violation>) {
        match resolved {
            Ok((request, toolchain)) => {
                let store = match &toolchain {
                    Toolchain::Installed { root, .. } => {
                        match self.installed.iter().any(|i| i.system && i.root == *root) {
                            true => Place::System,
                            false => Place::User,
                        }
                    }
                    Toolchain::Linked { .. } => Place::Link,
                    Toolchain::System { .. } => Place::Path,
                };
                let (_, violation) = self.verdict(toolchain.version(), subject, path, &toolchain.name());
                let decided_by = Some(request.source.to_string());
                let outcome = Outcome {
                    toolchain: Some(toolchain.name()),
                    store: Some(store),
                    installed: true,
                    decided_by,
                    ..Outcome::default()
                };
                (outcome, violation.into_iter().collect())
            }
            Err(error) => {
                let (would_install, decided_by) = match &error {
                    ResolveError::NotInstalled { spec, source, .. } => {
                        (self.install_pick(spec), Some(source.to_string()))
                    }
                    _ => (None, None),
                };
                (
                    Outcome { would_install, decided_by, error: Some(error.to_string()), ..Outcome::default() },
                    Vec::new(),
                )
            }
        }
    }

    /// What `gover install SPEC` would pick from the saved release index: the spec's own
    /// choice, as install makes it (a line prefers its stable releases, and takes a release
    /// candidate only when that is all there is).
    fn install_pick(&self, spec: &Spec) -> Option<String> {
        spec.pick(self.releases).map(GoVersion::to_string)
    }

    /// The pin files of one directory, each with what `go` runs there, and the violation of
    /// the pin that decides, when that is one of them (the others do not run).
    fn directory(&self, dir: &Path) -> std::io::Result<(Vec<Pin>, Vec<Violation>)> {
        let listed = Dir::list(dir, &walk::pin_entry_names())?;
        let trust = Trust::new(self.context.uid);
        // What a go run here would do, whoever runs the report with whatever GOVER_VERSION
        // and GOWORK.
        let ctx = self.context.in_directory(dir);
        let resolved = resolve::request(&ctx)
            .and_then(|request| resolve::toolchain_for(&ctx, &request).map(|toolchain| (request, toolchain)));
        let decider = match &resolved {
            Ok((request, _)) => file_of(&request.source),
            Err(ResolveError::NotInstalled { source, ruled_out: None, .. }) => file_of(source),
            // The go line ruled out what the pin picked: the pin still decides.
            Err(ResolveError::NotInstalled { ruled_out: Some((_, pin)), .. }) => file_of(pin),
            Err(ResolveError::NotLinked { source, .. }) => file_of(source),
            Err(ResolveError::BadPin { path, .. }) => Some(path.clone()),
            Err(_) => None,
        };
        let (outcome, refused) = self.outcome(resolved, Subject::Pin, decider.as_deref().unwrap_or(dir));
        let mut pins = Vec::new();
        for kind in PinFile::ALL {
            let path = dir.join(kind.file_name());
            let (status, line, requested, reason) = match read_pin_file(trust, kind, &listed, dir) {
                Ok(PinRead::Absent) => continue,
                Ok(PinRead::Ignored(ignored)) => (PinStatus::Ignored, None, None, Some(ignored.to_string())),
                Ok(PinRead::Content(content)) => match kind.parse(&content) {
                    Ok(Some(pin)) => (PinStatus::Pin, Some(pin.line), Some(pin.spec.to_string()), None),
                    // A go.mod without a toolchain line, or a .tool-versions or mise file
                    // without go, pins nothing.
                    Ok(None) if kind != PinFile::GoVersion => continue,
                    Ok(None) => (PinStatus::Empty, None, None, Some("it names no version, so it is skipped".into())),
                    Err(e) => (PinStatus::Invalid, Some(e.line).filter(|l| *l > 0), None, Some(e.reason)),
                },
                Err(e) => (PinStatus::Invalid, None, None, Some(e.reason)),
            };
            let decides = decider.as_ref() == Some(&path);
            pins.push(Pin {
                path,
                kind: kind_name(kind),
                status,
                line,
                requested,
                reason,
                decides,
                outcome: outcome.clone(),
            });
        }
        let violations = if pins.iter().any(|p| p.decides) { refused } else { Vec::new() };
        Ok((pins, violations))
    }
}

/// The pin file a request came from, if a file.
fn file_of(source: &Source) -> Option<PathBuf> {
    match source {
        Source::File { path, .. } => Some(path.clone()),
        _ => None,
    }
}

/// The kind of a pin file as the report names it.
fn kind_name(kind: PinFile) -> &'static str {
    match kind {
        PinFile::GoVersion => "go-version",
        PinFile::Mise(_) => "mise",
        PinFile::ToolVersions => "tool-versions",
        PinFile::GoWork => "go-work",
        PinFile::GoMod => "go-mod",
    }
}
