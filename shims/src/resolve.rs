//! Which Go a directory asks for, and where that request came from.
//!
//! First match wins:
//! 1. `GOVER_VERSION` in the environment (`gover shell`, `gover exec`);
//! 2. the nearest pin file walking up from the working directory. Within one directory
//!    `.go-version` beats mise's files beat `.tool-versions` (a `golang`/`go` line) beat the
//!    `toolchain` line of `go.work`, then `go.mod`; a nearer directory beats a farther one, so
//!    a nested project's pin wins over its parent's. As in go itself, a module inside a
//!    workspace (the nearest `go.work` above, or the file `GOWORK` names; `GOWORK=off` has
//!    none) takes its toolchain from the workspace: its go.mod's lines do not count. Only
//!    files the user or root could have written count, and the walk stops at a shared
//!    temporary directory such as /tmp (see [`crate::trust`]);
//! 3. the global default in GOVER_HOME (`gover global`);
//! 4. `system`: the first `go` on PATH that is not a gover shim.
//!
//! The installed versions a request picks among are the user's own and those of the system
//! store, root's versions for every user (see [`installed`]).
//!
//! The `go` line of the workspace, else of the nearest go.mod, is a minimum (Go's own rule):
//! a pin file or the global default that picks an older version gives way to the newest
//! installed version that satisfies it.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::dir::Dir;
use crate::error::{Error, Kind};
use crate::home::GoverHome;
use crate::pin::{Opened, PinError, PinFile};
use crate::process::Process;
use crate::trust::{Ignored, Trust, Untrusted};
use crate::version::{GoVersion, Spec};

/// Everything resolution reads from the process, gathered once so tests can supply their own.
#[derive(Clone, Debug)]
pub struct Context {
    pub cwd: PathBuf,
    pub home: GoverHome,
    /// The system store, whose versions every user runs beside their own; None when `home`
    /// is the system store itself (`gover --system`).
    pub system: Option<GoverHome>,
    /// `GOVER_VERSION`.
    pub env_version: Option<OsString>,
    /// `PATH`, for `system`.
    pub path: Option<OsString>,
    /// `GOWORK`, which chooses the workspace as it does for go.
    pub gowork: Option<OsString>,
    /// The effective uid: pin files of other users do not count.
    pub uid: u32,
}

impl Context {
    /// What resolution sees in `process`, for the user's store `home` beside the `system`
    /// store. The one place a Context is made from a process, so the shim, the CLI and doctor
    /// read the same variables the same way.
    pub fn new(process: &Process, home: GoverHome, system: Option<GoverHome>) -> Result<Context, ResolveError> {
        Ok(Context {
            cwd: process.cwd().map_err(ResolveError::Cwd)?.to_path_buf(),
            home,
            system,
            env_version: process.value("GOVER_VERSION").map(Into::into),
            path: process.var("PATH"),
            gowork: process.var("GOWORK"),
            uid: process.uid(),
        })
    }

    /// What a go started in `dir` by this process would run, whatever this shell chose: the
    /// same stores, PATH and uid, without GOVER_VERSION and GOWORK (they belong to the shell,
    /// not to that directory).
    pub fn in_directory(&self, dir: &Path) -> Context {
        Context { cwd: dir.to_path_buf(), env_version: None, gowork: None, ..self.clone() }
    }

    /// What `dir` itself asks for, whatever the shell it is asked from: no GOVER_VERSION,
    /// GOWORK or PATH, and only `home`'s versions (no system store), as for user `uid`.
    pub fn of_directory(dir: &Path, home: GoverHome, uid: u32) -> Result<Context, ResolveError> {
        Context::new(&Process::new(NO_VARIABLES, dir, uid), home, None)
    }
}

const NO_VARIABLES: [(&str, &str); 0] = [];

/// An installed version and the tree it runs from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    pub version: GoVersion,
    pub root: PathBuf,
    /// It is the system store's: shared by every user, changed only by root.
    pub system: bool,
}

impl Context {
    /// Every installed version with its tree (see [`installed`]).
    pub fn installed(&self) -> Vec<Installed> {
        installed(&self.home, self.system.as_ref(), self.uid)
    }
}

/// The versions of `home` and then those of the `system` store that `home` has no copy of (a
/// user's own come first: it is their process). A system store that someone other than root
/// or user `uid` could change counts as empty (see [`system_versions`]).
pub fn installed(home: &GoverHome, system: Option<&GoverHome>, uid: u32) -> Vec<Installed> {
    let own = home.installed();
    let mut all: Vec<Installed> = own
        .iter()
        .map(|version| Installed { root: home.version_dir(version), version: version.clone(), system: false })
        .collect();
    if let Some(system) = system {
        let shared = system_versions(system, uid).unwrap_or_default().into_iter().filter(|v| !own.contains(v));
        all.extend(shared.map(|version| Installed { root: system.version_dir(&version), version, system: true }));
    }
    all
}

/// The system store's versions for user `uid`, or why none count (see [`trusted_store`]).
pub fn system_versions(system: &GoverHome, uid: u32) -> Result<Vec<GoVersion>, String> {
    Ok(if trusted_store(system, uid)? { system.installed() } else { Vec::new() })
}

/// The system store's tree of exactly `version` for user `uid`, if it has one and counts (see
/// [`trusted_store`]): found without listing versions/, so a release name (`go1.23.9`) or an
/// exact pin it serves costs two stats.
pub fn system_release(system: &GoverHome, version: &GoVersion, uid: u32) -> Result<Option<PathBuf>, String> {
    let root = system.version_dir(version);
    Ok((trusted_store(system, uid)? && std::fs::symlink_metadata(&root).is_ok()).then_some(root))
}

/// Whether the system store has a versions/ whose versions count for user `uid` (false where
/// there is none), or why they do not: a relative GOVER_SYSTEM_HOME, or a versions/ that
/// someone other than root or the user may change. One stat.
fn trusted_store(system: &GoverHome, uid: u32) -> Result<bool, String> {
    if !system.root().is_absolute() {
        return Err("GOVER_SYSTEM_HOME is a relative path; it must be absolute".into());
    }
    let Ok(meta) = std::fs::metadata(system.versions_dir()) else { return Ok(false) };
    crate::home::shared_store_problem(&meta, uid).map_or(Ok(true), Err)
}

/// The process's GOVER_HOME; a relative one is refused (it would mean another place in every
/// directory).
pub fn user_home(process: &Process) -> Result<GoverHome, ResolveError> {
    let home = GoverHome::locate(process).ok_or(ResolveError::NoHome)?;
    if !home.root().is_absolute() {
        let problem = home.problem().unwrap_or_default();
        return Err(ResolveError::BadHome { root: home.root().to_path_buf(), problem });
    }
    Ok(home)
}

/// Where a version request came from (rustup's "active source").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Env,
    File {
        path: PathBuf,
        line: usize,
    },
    Global {
        path: PathBuf,
    },
    /// A version named on gover's own command line (`gover exec 1.22 -- ...`).
    Argument,
    /// Nothing asked for a version, so the system go is used.
    Fallback,
}

impl Source {
    /// A pin is an explicit choice; go must not switch toolchains behind its back.
    pub fn is_pin(&self) -> bool {
        !matches!(self, Source::Fallback)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env => f.write_str("GOVER_VERSION"),
            Source::File { path, .. } => write!(f, "{}", path.display()),
            Source::Global { path } => write!(f, "the global default {}", path.display()),
            Source::Argument => f.write_str("the command line"),
            Source::Fallback => f.write_str("no pin; the system go"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub spec: Spec,
    pub source: Source,
    /// The `go` line of the nearest go.work or go.mod, which a pin or the global default
    /// must satisfy; found on the same walk as the pin.
    pub minimum: Option<Minimum>,
    /// Empty `.go-version` files passed on the way to the pin: skipped, which is rarely what
    /// whoever made them meant, so worth a warning.
    pub empty_pins: Vec<PathBuf>,
    /// Pin files passed on the way that another user could have written: not read, and
    /// worth a warning, since whoever made them meant them to count.
    pub ignored: Vec<Ignored>,
}

impl Request {
    /// The `go` line that made gover run `version` rather than what the pin asks for (go
    /// refuses to build the module with an older one).
    pub fn raised_by(&self, version: &GoVersion) -> Option<&Minimum> {
        self.minimum.as_ref().filter(|_| !self.spec.matches(version))
    }

    /// A version named on purpose (GOVER_VERSION, gover's command line): no module's `go`
    /// line overrides it.
    pub fn named(spec: Spec, source: Source) -> Request {
        Request { spec, source, minimum: None, empty_pins: Vec::new(), ignored: Vec::new() }
    }
}

/// The toolchain a request resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Toolchain {
    Installed {
        version: GoVersion,
        root: PathBuf,
    },
    /// A Go found on PATH outside gover; `bin` is the directory holding its `go`.
    System {
        bin: PathBuf,
    },
    /// A tree `gover link` named: run as an installed version is (GOROOT set to `root`), but
    /// never changed by gover.
    Linked {
        name: String,
        root: PathBuf,
    },
}

impl Toolchain {
    /// The real binary for `tool` (`go`, `gofmt`).
    pub fn binary(&self, tool: &str) -> PathBuf {
        match self {
            Toolchain::Installed { root, .. } | Toolchain::Linked { root, .. } => root.join("bin").join(tool),
            Toolchain::System { bin } => bin.join(tool),
        }
    }
    /// The GOROOT to run it with; a system go finds its own.
    pub fn goroot(&self) -> Option<&Path> {
        match self {
            Toolchain::Installed { root, .. } | Toolchain::Linked { root, .. } => Some(root),
            Toolchain::System { .. } => None,
        }
    }

    /// The release gover installed; a link or a system go are not gover's releases.
    pub fn version(&self) -> Option<&GoVersion> {
        match self {
            Toolchain::Installed { version, .. } => Some(version),
            Toolchain::Linked { .. } | Toolchain::System { .. } => None,
        }
    }

    /// What users call it: the release (`go1.22.10`), the link's name, or `system`.
    pub fn name(&self) -> String {
        match self {
            Toolchain::Installed { version, .. } => version.to_string(),
            Toolchain::Linked { name, .. } => name.clone(),
            Toolchain::System { .. } => "system".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub request: Request,
    pub toolchain: Toolchain,
}

#[derive(Debug)]
pub enum ResolveError {
    /// A pin file (or the global file) that cannot be used.
    BadPin {
        path: PathBuf,
        error: PinError,
    },
    BadEnv {
        value: String,
    },
    NotInstalled {
        spec: Spec,
        source: Source,
        /// The installed version the pin picked, and the pin, when a module's `go` line ruled
        /// it out: then `spec` and `source` are the go line's.
        ruled_out: Option<(GoVersion, Source)>,
    },
    /// A pin names neither a version nor a link `gover link` made (or the link was removed):
    /// a pin that cannot be used, as a typo would be.
    NotLinked {
        name: String,
        source: Source,
    },
    NoSystemGo {
        source: Source,
        /// The newest installed version, which the hint offers instead of a download.
        newest: Option<GoVersion>,
    },
    NoHome,
    /// GOVER_HOME is set to something that cannot hold gover's files.
    BadHome {
        root: PathBuf,
        problem: String,
    },
    Cwd(std::io::Error),
}

impl ResolveError {
    pub fn kind(&self) -> Kind {
        match self {
            ResolveError::BadPin { .. } | ResolveError::BadEnv { .. } | ResolveError::NotLinked { .. } => Kind::BadPin,
            ResolveError::NotInstalled { .. } | ResolveError::NoSystemGo { .. } => Kind::NotInstalled,
            ResolveError::NoHome | ResolveError::BadHome { .. } | ResolveError::Cwd(_) => Kind::Environment,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ResolveError::BadPin { path, .. } => Some(bad_pin_hint(path)),
            ResolveError::BadEnv { .. } => Some("set GOVER_VERSION to a version such as 1.22.10, or unset it".into()),
            ResolveError::NotInstalled { spec, .. } => Some(format!("run gover install {spec}")),
            ResolveError::NotLinked { name, source } => {
                let link = format!("name the tree it means with gover link {name} /path/to/its/goroot");
                Some(match source {
                    Source::File { path, .. } | Source::Global { path } => format!("{link}, or {}", bad_pin_hint(path)),
                    _ => format!("{link} (gover list shows what is linked)"),
                })
            }
            ResolveError::NoSystemGo { source: Source::Fallback, newest: Some(newest) } => {
                Some(format!("run gover global {}", Spec::Exact(newest.clone())))
            }
            ResolveError::NoSystemGo { source: Source::Fallback, newest: None } => {
                Some("run gover install latest && gover global latest".into())
            }
            ResolveError::NoSystemGo { .. } => {
                Some("install Go outside gover, or pin a version: gover install 1.22 && gover use 1.22".into())
            }
            ResolveError::NoHome => Some("set GOVER_HOME (or HOME)".into()),
            ResolveError::BadHome { .. } => Some(BAD_HOME_HINT.into()),
            ResolveError::Cwd(_) => Some("cd into a directory that exists".into()),
        }
    }

    /// What failed, and why when that is a separate thing: the error's one line (as `gover
    /// doctor` and a warning show it) is the two joined by a colon, its rendering puts the
    /// why on a cause line.
    fn parts(&self) -> (String, Option<String>) {
        let alone = |message: String| (message, None);
        match self {
            ResolveError::BadPin { path, error } if error.line == 0 => {
                (format!("cannot use {}", path.display()), Some(error.to_string()))
            }
            ResolveError::BadPin { path, error } => {
                (format!("cannot use {}, line {}", path.display(), error.line), Some(error.to_string()))
            }
            ResolveError::BadEnv { value } => alone(format!("GOVER_VERSION={value:?} is not a Go version")),
            ResolveError::NotInstalled { spec, source, ruled_out } => {
                let name = missing_name(spec);
                let why = ruled_out
                    .as_ref()
                    .map(|(picked, pin)| format!("the go line of {source} rules out {picked}, which {pin} picks"));
                (format!("{name} is not installed (requested by {source})"), why)
            }
            // Said as a bad pin file is, since to the user it is one.
            ResolveError::NotLinked { name, source } => {
                let why = format!("{name} is neither a Go version nor a linked toolchain");
                match source {
                    Source::File { path, line } => (format!("cannot use {}, line {line}", path.display()), Some(why)),
                    Source::Global { path } => (format!("cannot use {}", path.display()), Some(why)),
                    _ => alone(why),
                }
            }
            ResolveError::NoSystemGo { source: Source::Fallback, .. } => {
                alone("no Go version is selected and there is no go on PATH besides gover's shims".into())
            }
            ResolveError::NoSystemGo { source, .. } => {
                alone(format!("`system` was requested by {source}, but there is no go on PATH besides gover's shims"))
            }
            ResolveError::NoHome => alone("cannot find GOVER_HOME: neither GOVER_HOME nor HOME is set".into()),
            ResolveError::BadHome { root, problem } => {
                (format!("GOVER_HOME={} cannot be used", root.display()), Some(problem.clone()))
            }
            ResolveError::Cwd(e) => ("cannot read the working directory".into(), Some(e.to_string())),
        }
    }
}

/// What to do about an unusable GOVER_HOME, for the shim and the CLI alike.
pub const BAD_HOME_HINT: &str =
    "point GOVER_HOME (or --home) at a directory of your own, e.g. GOVER_HOME=\"$HOME/.local/share/gover\", or unset it";

/// What the file should look like, in its own format.
fn bad_pin_hint(path: &Path) -> String {
    let shown = path.display();
    match path.file_name().and_then(|n| n.to_str()) {
        Some("go.mod" | "go.work") => {
            format!("fix the toolchain line of {shown}: it reads `toolchain go1.22.10` (or delete the line)")
        }
        Some(".tool-versions") => format!("fix the golang line of {shown}: it reads `golang 1.22.10`"),
        Some(name) if name.ends_with(".toml") => {
            format!("fix the go entry of {shown}'s [tools] table: it reads `go = \"1.22.10\"` on one line")
        }
        _ => format!("fix or remove {shown}; it should hold one version such as 1.22.10"),
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parts() {
            (message, None) => f.write_str(&message),
            (message, Some(cause)) => write!(f, "{message}: {cause}"),
        }
    }
}

impl std::error::Error for ResolveError {}

impl From<ResolveError> for Error {
    fn from(err: ResolveError) -> Error {
        let (message, cause) = err.parts();
        let mut out = Error::new(err.kind(), message);
        out.causes.extend(cause);
        out.hint = err.hint();
        out
    }
}

/// What a message calls a version that is not installed: `go1.22.10`, `go1.22`, `oldstable`.
pub fn missing_name(spec: &Spec) -> String {
    match spec {
        Spec::Exact(v) => v.to_string(),
        Spec::Line { .. } => format!("go{spec}"),
        // `oldstable`, not `gooldstable`: the moving names are no Go release names.
        other => other.to_string(),
    }
}

/// The warning for a pin file resolution did not read because another user could have
/// written it (the CLI and the shim say the same).
pub fn ignored_pin_warning(ignored: &Ignored, decided_by: &Source) -> String {
    format!("{ignored}; it is ignored and {decided_by} decides")
}

/// The warning for an empty `.go-version` that resolution skipped (the CLI and the shim say
/// the same).
pub fn empty_pin_warning(path: &Path, decided_by: &Source) -> String {
    format!(
        "{} names no version, so it is skipped and {decided_by} decides; write a version in it or delete it",
        path.display()
    )
}

/// What the context asks for, without looking at what is installed.
pub fn request(ctx: &Context) -> Result<Request, ResolveError> {
    if let Some(value) = &ctx.env_version {
        let text = value.to_string_lossy();
        return match crate::link::spec_or_link(&text) {
            Some(spec) if !spec.is_moving() => Ok(Request::named(spec, Source::Env)),
            _ => Err(ResolveError::BadEnv { value: text.chars().take(40).collect() }),
        };
    }
    let walk = walk(&ctx.cwd, &Workspace::from_env(ctx.gowork.as_deref()), Trust::new(ctx.uid))?;
    let (spec, source) = match walk.pin {
        Some(found) => found,
        None => {
            let global = ctx.home.global_file();
            match PinFile::GoVersion.read(&global) {
                Ok(Some(pin)) => (pin.spec, Source::Global { path: global }),
                Ok(None) => (Spec::System, Source::Fallback),
                Err(error) => return Err(ResolveError::BadPin { path: global, error }),
            }
        }
    };
    Ok(Request { spec, source, minimum: walk.minimum, empty_pins: walk.empty_pins, ignored: walk.ignored })
}

/// Which go.work makes a workspace, as go decides it from `GOWORK`.
enum Workspace {
    /// The nearest go.work above (GOWORK unset or empty).
    Nearest,
    /// `GOWORK=off`: no workspace; go.work files are not read.
    Off,
    /// `GOWORK=/path/go.work`: that file, wherever it is; other go.work files are not read.
    File(PathBuf),
}

impl Workspace {
    fn from_env(gowork: Option<&std::ffi::OsStr>) -> Workspace {
        match gowork.filter(|v| !v.is_empty()) {
            None => Workspace::Nearest,
            Some(v) if v == "off" => Workspace::Off,
            Some(v) => Workspace::File(PathBuf::from(v)),
        }
    }
}

/// What one go.work or go.mod says: its toolchain line (a pin) and its go line (a minimum).
struct ModuleFile {
    pin: Option<(Spec, Source)>,
    minimum: Option<Minimum>,
}

impl ModuleFile {
    /// Reads `kind` (go.work or go.mod) in `dir`; `None` when it is not there or does not
    /// count.
    fn read(kind: PinFile, reader: &mut Reader, dir: &Dir, path: &Path) -> Result<Option<ModuleFile>, ResolveError> {
        // The path is made only for a file that is there: most are not, and on musl a small
        // allocation freed at once can cost an mmap and a munmap.
        let bad = |error| ResolveError::BadPin { path: path.join(kind.file_name()), error };
        let Some(content) = reader.load(kind, dir, path).map_err(bad)? else { return Ok(None) };
        ModuleFile::parse(kind, &content, path.join(kind.file_name())).map(Some).map_err(bad)
    }

    /// [`ModuleFile::read`], but once the pin is `decided` only the go line is sought, and a
    /// file that cannot be used (a FIFO planted in a shared directory) is as good as absent.
    fn read_unless_decided(
        kind: PinFile,
        reader: &mut Reader,
        dir: &Dir,
        path: &Path,
        decided: bool,
    ) -> Result<Option<ModuleFile>, ResolveError> {
        match ModuleFile::read(kind, reader, dir, path) {
            Err(_) if decided => Ok(None),
            other => other,
        }
    }

    fn parse(kind: PinFile, content: &[u8], path: PathBuf) -> Result<ModuleFile, PinError> {
        let pin = kind.parse(content)?;
        let minimum = std::str::from_utf8(content).ok().and_then(crate::pin::go_line).map(|(version, line)| Minimum {
            version,
            path: path.clone(),
            line,
        });
        Ok(ModuleFile { pin: pin.map(|pin| (pin.spec, Source::File { path, line: pin.line })), minimum })
    }
}

/// What the directories from the working directory up to `/` say.
struct Walk {
    pin: Option<(Spec, Source)>,
    minimum: Option<Minimum>,
    empty_pins: Vec<PathBuf>,
    ignored: Vec<Ignored>,
}

/// Reads pin files for the walk, only those that count (see [`crate::trust`]), and keeps
/// the others it met.
struct Reader {
    trust: Trust,
    ignored: Vec<Ignored>,
}

impl Reader {
    /// The bytes of `kind` in `dir` (at `path`): `None` when it is not there, or when another
    /// user could have written it (then it is kept in `ignored`, unread).
    fn load(&mut self, kind: PinFile, dir: &Dir, path: &Path) -> Result<Option<Vec<u8>>, PinError> {
        match read_pin_file(self.trust, kind, dir, path)? {
            PinRead::Absent => Ok(None),
            PinRead::Ignored(ignored) => {
                self.ignored.push(ignored);
                Ok(None)
            }
            PinRead::Content(content) => Ok(Some(content)),
        }
    }
}

/// What a pin file is to the resolver.
pub enum PinRead {
    Absent,
    /// Another user could have written it: not read.
    Ignored(Ignored),
    Content(Vec<u8>),
}

/// Reads `kind` in `dir` (at `path`) if it counts (see [`crate::trust`]), as the resolver
/// does: the owner comes from the open descriptor, so the file checked is the file read.
pub fn read_pin_file(trust: Trust, kind: PinFile, dir: &Dir, path: &Path) -> Result<PinRead, PinError> {
    let name = kind.file_name();
    if let Some(why) = trust.directory(dir.metadata()) {
        return Ok(match dir.has(name) {
            true => PinRead::Ignored(Ignored { path: path.join(name), why }),
            false => PinRead::Absent,
        });
    }
    let Some(file) = Opened::new(dir.open_file(name))? else { return Ok(PinRead::Absent) };
    if let Some(why) = trust.file(file.owner()) {
        return Ok(PinRead::Ignored(Ignored { path: path.join(name), why }));
    }
    kind.content(file).map(PinRead::Content)
}

/// One walk up the tree for the nearest pin, the workspace and the nearest module, each
/// directory looked at once, and for only the names that can still change the outcome (see
/// [`crate::dir`] and [`asks`]): this is the shim's whole cost in a deep tree.
/// A module's lines are held until the walk knows whether a workspace above overrides them,
/// so inside a module (and with no `GOWORK=off`) it goes up to `/` unless it meets a go.work,
/// as go itself does; it stops at a shared temporary directory.
fn walk(cwd: &Path, workspace_setting: &Workspace, trust: Trust) -> Result<Walk, ResolveError> {
    let mut empty_pins = Vec::new();
    let mut reader = Reader { trust, ignored: Vec::new() };
    // The nearest pin that is not a go.mod's, and the nearest go.mod below the workspace
    // (with whether its pin came before `pin`).
    let mut pin: Option<(Spec, Source)> = None;
    let mut module: Option<(ModuleFile, bool)> = None;
    let mut workspace: Option<ModuleFile> = match workspace_setting {
        Workspace::File(file) => {
            let bad = |error| ResolveError::BadPin { path: file.clone(), error };
            let content = PinFile::GoWork.load(crate::dir::open_file(file)).map_err(bad)?;
            // GOWORK naming a file that is not there is go's error to report.
            content.map(|c| ModuleFile::parse(PinFile::GoWork, &c, file.clone())).transpose().map_err(bad)?
        }
        _ => None,
    };
    for path in cwd.ancestors() {
        let done = match workspace_setting {
            // Without a workspace, the nearest go.mod settles the minimum and its pin.
            Workspace::Off => module.is_some() && (pin.is_some() || module.as_ref().is_some_and(|m| m.0.pin.is_some())),
            // Until a workspace is found, one above may still override the module.
            Workspace::Nearest => workspace.is_some() && pin.is_some(),
            Workspace::File(_) => pin.is_some(),
        };
        if done {
            break;
        }
        let wanted: Vec<&str> = PinFile::ALL
            .iter()
            .filter(|kind| asks(**kind, workspace_setting, pin.is_some(), module.is_some(), workspace.is_some()))
            .filter_map(|kind| kind.file_name().split('/').next())
            .collect();
        let dir = match Dir::list(path, &wanted) {
            Ok(dir) => dir,
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => continue,
            Err(e) if pin.is_none() => {
                let error = PinError { line: 0, reason: format!("cannot read its directory: {e}") };
                return Err(ResolveError::BadPin { path: path.join(PinFile::GoVersion.file_name()), error });
            }
            Err(_) => continue,
        };
        for kind in PinFile::ALL {
            if !asks(kind, workspace_setting, pin.is_some(), module.is_some(), workspace.is_some()) {
                continue;
            }
            match kind {
                PinFile::GoWork => {
                    workspace = ModuleFile::read_unless_decided(kind, &mut reader, &dir, path, pin.is_some())?;
                    if let Some(found) = workspace.as_ref().and_then(|w| w.pin.clone()).filter(|_| pin.is_none()) {
                        pin = Some(found);
                    }
                }
                PinFile::GoMod => {
                    module = ModuleFile::read_unless_decided(kind, &mut reader, &dir, path, pin.is_some())?
                        .map(|m| (m, pin.is_none()));
                }
                _ => {
                    // As in ModuleFile::read, the path only for a file that is there.
                    let bad = |error| ResolveError::BadPin { path: path.join(kind.file_name()), error };
                    let Some(content) = reader.load(kind, &dir, path).map_err(bad)? else { continue };
                    let file = path.join(kind.file_name());
                    match kind.parse(&content).map_err(bad)? {
                        Some(found) => pin = Some((found.spec, Source::File { path: file, line: found.line })),
                        None if kind == PinFile::GoVersion => empty_pins.push(file),
                        None => {}
                    }
                }
            }
        }
        // Everything above a shared temporary directory is above where anyone may write.
        if trust.directory(dir.metadata()) == Some(Untrusted::Shared) {
            break;
        }
    }
    Ok(match workspace {
        // A module in a workspace takes its toolchain and its go line from the workspace.
        Some(workspace) => {
            Walk { pin: pin.or(workspace.pin), minimum: workspace.minimum, empty_pins, ignored: reader.ignored }
        }
        None => {
            let (module, nearer) = module.map_or((None, false), |(m, nearer)| (Some(m), nearer));
            let module_pin = module.as_ref().and_then(|m| m.pin.clone());
            let pin = if nearer { module_pin.or(pin) } else { pin.or(module_pin) };
            Walk { pin, minimum: module.and_then(|m| m.minimum), empty_pins, ignored: reader.ignored }
        }
    })
}

/// Whether a `kind` file in the next directory up could still change what the walk finds,
/// given what it has found (a pin that is not a go.mod's, the nearest module, the workspace).
fn asks(kind: PinFile, setting: &Workspace, pin: bool, module: bool, workspace: bool) -> bool {
    match kind {
        PinFile::GoWork => !workspace && matches!(setting, Workspace::Nearest),
        // A go.mod above the workspace is no module of it; one above the nearest is another
        // module.
        PinFile::GoMod => !module && !workspace && !matches!(setting, Workspace::File(_)),
        _ => !pin,
    }
}

/// The request, resolved against the installed versions (a partial pin such as `1.22`
/// means the newest installed 1.22.x) or PATH for `system`.
pub fn resolve(ctx: &Context) -> Result<Resolution, ResolveError> {
    let request = request(ctx)?;
    let toolchain = toolchain_for(ctx, &request)?;
    Ok(Resolution { request, toolchain })
}

pub fn toolchain_for(ctx: &Context, request: &Request) -> Result<Toolchain, ResolveError> {
    if request.spec == Spec::System {
        let bin = find_system_go(ctx).ok_or_else(|| ResolveError::NoSystemGo {
            source: request.source.clone(),
            newest: ctx.installed().into_iter().map(|i| i.version).filter(GoVersion::is_stable).max(),
        })?;
        return Ok(Toolchain::System { bin });
    }
    // Only a pin that is no version costs the link's readlink. The module's go line is not
    // checked against a linked tree: its version is not known without running it, and the
    // user named that tree on purpose (go itself refuses a module too new for it).
    if let Spec::Link(name) = &request.spec {
        let root = ctx.home.linked(name).ok_or_else(|| match &request.source {
            // GOVER_VERSION is a version or an existing link's name; anything else is a typo.
            Source::Env => ResolveError::BadEnv { value: name.clone() },
            source => ResolveError::NotLinked { name: name.clone(), source: source.clone() },
        })?;
        return Ok(Toolchain::Linked { name: name.clone(), root });
    }
    // The user's own copy comes first, so finding it ends the search.
    if let Some((version, root)) = exact_install(ctx, request) {
        return Ok(Toolchain::Installed { root, version });
    }
    let found = ctx.installed();
    let installed: Vec<GoVersion> = found.iter().map(|i| i.version.clone()).collect();
    let Some(picked) = request.spec.pick(&installed) else {
        // "Not installed" would send the user to `gover install`, which cannot work there.
        return Err(match ctx.home.problem() {
            Some(problem) => ResolveError::BadHome { root: ctx.home.root().to_path_buf(), problem },
            None => ResolveError::NotInstalled {
                spec: request.spec.clone(),
                source: request.source.clone(),
                ruled_out: None,
            },
        });
    };
    let version = match &request.minimum {
        Some(min) if !min.allows(picked) => {
            let fits = installed.iter().filter(|v| min.allows(v));
            let stable = fits.clone().filter(|v| v.is_stable()).max();
            stable.or_else(|| fits.max()).ok_or_else(|| ResolveError::NotInstalled {
                spec: Spec::Exact(min.version.clone()),
                source: Source::File { path: min.path.clone(), line: min.line },
                ruled_out: Some((picked.clone(), request.source.clone())),
            })?
        }
        _ => picked,
    };
    let root =
        found.iter().find(|i| i.version == *version).map_or_else(|| ctx.home.version_dir(version), |i| i.root.clone());
    Ok(Toolchain::Installed { root, version: version.clone() })
}

/// The version an exact pin names and its tree, when the user's store or else the system
/// store has it and the go line allows it: what listing both versions/ would pick, found by
/// name. With a patch number only one canonical name is that release (`go1.20` and
/// `go1.20.0` are one release, and the listing would pick `go1.20.0`), so pins without one
/// take the listing.
fn exact_install(ctx: &Context, request: &Request) -> Option<(GoVersion, PathBuf)> {
    let Spec::Exact(version) = &request.spec else { return None };
    let allowed = request.minimum.as_ref().is_none_or(|min| min.allows(version));
    if version.patch.is_none() || !allowed {
        return None;
    }
    let own = ctx.home.version_dir(version);
    let root = match std::fs::symlink_metadata(&own) {
        Ok(_) => own,
        Err(_) => system_release(ctx.system.as_ref()?, version, ctx.uid).ok()??,
    };
    Some((version.clone(), root))
}

/// The `go` line of a module (or workspace): the oldest Go that may build it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minimum {
    pub version: GoVersion,
    pub path: PathBuf,
    pub line: usize,
}

impl Minimum {
    /// `go 1.21` is met by go1.21.0 and later (`go1.21` and `go1.21.0` name one release).
    pub fn allows(&self, version: &GoVersion) -> bool {
        version >= &self.version || version.same_release(&self.version)
    }
}

/// The directory of the first executable `go` on PATH that is not a gover shim (see
/// [`GoverHome::is_shims_dir`]).
pub fn find_system_go(ctx: &Context) -> Option<PathBuf> {
    let path = ctx.path.as_ref()?;
    std::env::split_paths(path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .filter(|dir| is_executable(&dir.join("go")))
        .find(|dir| !ctx.home.is_shims_dir(dir))
}

pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct Tree {
        dir: PathBuf,
    }

    impl Tree {
        fn new(name: &str) -> Tree {
            let dir = std::env::temp_dir().join(format!("gover-resolve-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Tree { dir }
        }
        fn write(&self, rel: &str, content: &str) -> PathBuf {
            let path = self.dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, content).unwrap();
            path
        }
        fn install(&self, version: &str) {
            fs::create_dir_all(self.dir.join("home/versions").join(version).join("bin")).unwrap();
        }
        fn ctx(&self, cwd: &str) -> Context {
            let cwd = self.dir.join(cwd);
            fs::create_dir_all(&cwd).unwrap();
            Context {
                cwd,
                home: GoverHome::new(self.dir.join("home")),
                system: None,
                env_version: None,
                path: None,
                gowork: None,
                uid: crate::trust::effective_uid(),
            }
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    #[test]
    fn the_system_store_serves_what_the_user_has_not_installed() {
        use std::os::unix::fs::PermissionsExt;
        let t = Tree::new("system");
        t.write("p/.go-version", "1.22\n");
        t.install("go1.21.13");
        t.install("go1.22.9");
        for version in ["go1.22.9", "go1.22.10"] {
            fs::create_dir_all(t.dir.join("system/versions").join(version).join("bin")).unwrap();
        }
        let system = GoverHome::new(t.dir.join("system"));
        let ctx = Context { system: Some(system.clone()), ..t.ctx("p") };
        let v = |s: &str| GoVersion::parse(s).unwrap();
        let mut found: Vec<(String, bool)> =
            ctx.installed().into_iter().map(|i| (i.version.to_string(), i.system)).collect();
        found.sort();
        // The user's own go1.22.9 hides the system's.
        assert_eq!(found, [("go1.21.13".into(), false), ("go1.22.10".into(), true), ("go1.22.9".into(), false)]);
        let r = resolve(&ctx).unwrap();
        assert_eq!(
            r.toolchain,
            Toolchain::Installed { version: v("go1.22.10"), root: system.version_dir(&v("go1.22.10")) }
        );
        // A versions/ others may write to is no system store.
        fs::set_permissions(system.versions_dir(), fs::Permissions::from_mode(0o777)).unwrap();
        assert!(system_versions(&system, ctx.uid).unwrap_err().contains("writable by its group or by every user"));
        assert_eq!(resolve(&ctx).unwrap().toolchain.version(), Some(&v("go1.22.9")));
        let relative = Context { system: Some(GoverHome::new("system")), ..t.ctx("p") };
        assert_eq!(resolve(&relative).unwrap().toolchain.version(), Some(&v("go1.22.9")));
    }

    #[test]
    fn nearest_pin_wins_and_names_its_file() {
        let t = Tree::new("nearest");
        t.write("p/.go-version", "1.21\n");
        let inner = t.write("p/a/b/go.mod", "module x\ntoolchain go1.22.10\n");
        t.install("go1.21.13");
        t.install("go1.21.2");
        t.install("go1.22.10");
        let r = resolve(&t.ctx("p/a/b/c")).unwrap();
        assert_eq!(r.request.source, Source::File { path: inner, line: 2 });
        assert_eq!(
            r.toolchain,
            Toolchain::Installed {
                version: GoVersion::parse("go1.22.10").unwrap(),
                root: t.dir.join("home/versions/go1.22.10")
            }
        );
        let r = resolve(&t.ctx("p/a")).unwrap();
        assert_eq!(r.toolchain.binary("go"), t.dir.join("home/versions/go1.21.13/bin/go"));
    }

    #[test]
    fn order_within_one_directory() {
        let t = Tree::new("order");
        t.write("p/go.mod", "toolchain go1.23.9\n");
        t.write("p/.tool-versions", "golang 1.22.10\n");
        assert_eq!(request(&t.ctx("p")).unwrap().spec.to_string(), "1.22.10");
        t.write("p/.go-version", "1.21.13\n");
        assert_eq!(request(&t.ctx("p")).unwrap().spec.to_string(), "1.21.13");
    }

    #[test]
    fn env_then_global_then_system() {
        let t = Tree::new("env");
        t.write("p/.go-version", "1.21\n");
        let mut ctx = t.ctx("p");
        ctx.env_version = Some("1.23.9".into());
        assert_eq!(request(&ctx).unwrap(), Request::named(Spec::parse("1.23.9").unwrap(), Source::Env));
        ctx.env_version = Some("1.23; ls".into());
        assert!(matches!(request(&ctx), Err(ResolveError::BadEnv { .. })));

        let ctx = t.ctx("elsewhere");
        assert_eq!(request(&ctx).unwrap().source, Source::Fallback);
        let global = t.write("home/global", "1.22\n");
        assert_eq!(request(&ctx).unwrap().source, Source::Global { path: global });
        let err = resolve(&ctx).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "go1.22 is not installed (requested by the global default {})",
                t.dir.join("home/global").display()
            )
        );
        assert_eq!(err.hint().unwrap(), "run gover install 1.22");
        assert_eq!(err.kind(), Kind::NotInstalled);
    }

    #[test]
    fn the_go_line_is_a_minimum_for_pins_and_the_default() {
        let t = Tree::new("minimum");
        let gomod = t.write("p/go.mod", "module x\n\ngo 1.23.0\n");
        t.write("home/global", "1.22\n");
        t.install("go1.22.10");
        t.install("go1.23.9");
        t.install("go1.24rc1");
        let r = resolve(&t.ctx("p/sub")).unwrap();
        assert_eq!(r.toolchain.binary("go"), t.dir.join("home/versions/go1.23.9/bin/go"));
        // A pin that satisfies it is kept; an older one gives way.
        t.write("p/.go-version", "1.24rc1\n");
        assert_eq!(resolve(&t.ctx("p")).unwrap().toolchain.binary("go"), t.dir.join("home/versions/go1.24rc1/bin/go"));
        t.write("p/.go-version", "1.22.10\n");
        assert_eq!(resolve(&t.ctx("p")).unwrap().toolchain.binary("go"), t.dir.join("home/versions/go1.23.9/bin/go"));
        // GOVER_VERSION is a deliberate choice.
        let mut ctx = t.ctx("p");
        ctx.env_version = Some("1.22".into());
        assert_eq!(resolve(&ctx).unwrap().toolchain.binary("go"), t.dir.join("home/versions/go1.22.10/bin/go"));
        // A FIFO named go.mod (planted in a shared directory) above a pin is no module and
        // cannot hang.
        let fifo = t.dir.join("q/go.mod");
        t.write("q/sub/.go-version", "1.22.10\n");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let r = request(&t.ctx("q/sub")).unwrap();
        assert_eq!((r.spec.to_string(), r.minimum), ("1.22.10".into(), None));
        // Nothing installed satisfies it: the go line is what is missing.
        t.write("p/go.mod", "module x\ngo 1.25.0\n");
        let err = resolve(&t.ctx("p")).unwrap_err();
        let err = Error::from(err);
        assert_eq!(err.message, format!("go1.25.0 is not installed (requested by {})", gomod.display()));
        let pin = t.dir.join("p/.go-version");
        let why = format!("the go line of {} rules out go1.22.10, which {} picks", gomod.display(), pin.display());
        assert_eq!((err.causes, err.hint), (vec![why], Some("run gover install 1.25.0".into())));
    }

    #[test]
    fn a_module_in_a_workspace_takes_the_workspace_s_lines() {
        let t = Tree::new("workspace");
        let work = t.write("ws/go.work", "go 1.23.0\n\ntoolchain go1.23.9\n\nuse ./m\n");
        let gomod = t.write("ws/m/go.mod", "module example.com/m\n\ngo 1.21\n\ntoolchain go1.21.13\n");
        let at = |gowork: Option<&str>| {
            let mut ctx = t.ctx("ws/m/sub");
            ctx.gowork = gowork.map(Into::into);
            let r = request(&ctx).unwrap();
            (r.source, r.minimum.map(|m| (m.version.to_string(), m.path)))
        };
        // As go does: the workspace's toolchain and go lines, not the module's.
        assert_eq!(at(None), (Source::File { path: work.clone(), line: 3 }, Some(("go1.23.0".into(), work.clone()))));
        // GOWORK=off: no workspace, the module's own lines.
        assert_eq!(at(Some("off")), (Source::File { path: gomod.clone(), line: 5 }, Some(("go1.21".into(), gomod))));
        // GOWORK naming another file: that workspace, wherever it is.
        let other = t.write("elsewhere/go.work", "go 1.22.0\ntoolchain go1.22.10\n");
        assert_eq!(
            at(Some(other.to_str().unwrap())),
            (Source::File { path: other.clone(), line: 2 }, Some(("go1.22.0".into(), other)))
        );
        // A pin file in the module still beats the workspace; the workspace's go line stays
        // the minimum.
        let pin = t.write("ws/m/.go-version", "1.22.10\n");
        assert_eq!(at(None), (Source::File { path: pin.clone(), line: 1 }, Some(("go1.23.0".into(), work.clone()))));
        // A workspace without a toolchain line: the module's does not count either.
        std::fs::remove_file(pin).unwrap();
        t.write("ws/go.work", "go 1.23.0\n\nuse ./m\n");
        t.write("home/global", "1.23\n");
        assert_eq!(at(None).0, Source::Global { path: t.dir.join("home/global") });
    }

    #[test]
    fn bad_pin_names_file_and_line() {
        let t = Tree::new("bad");
        let path = t.write("p/.go-version", "# pin\n1.22; rm -rf /\n");
        let err = request(&t.ctx("p/q")).unwrap_err();
        assert!(err.to_string().starts_with(&format!("cannot use {}, line 2: ", path.display())), "{err}");
        assert_eq!(err.kind(), Kind::BadPin);
    }

    #[test]
    fn system_skips_the_shims_dir() {
        use std::os::unix::fs::PermissionsExt;
        let t = Tree::new("system");
        for dir in ["home/shims", "usr/bin"] {
            let go = t.write(&format!("{dir}/go"), "#!/bin/sh\n");
            fs::set_permissions(&go, fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::os::unix::fs::symlink(t.dir.join("home/shims"), t.dir.join("link")).unwrap();
        let mut ctx = t.ctx("p");
        ctx.path =
            Some(std::env::join_paths([t.dir.join("link"), t.dir.join("home/shims"), t.dir.join("usr/bin")]).unwrap());
        assert_eq!(resolve(&ctx).unwrap().toolchain, Toolchain::System { bin: t.dir.join("usr/bin") });
        ctx.path = Some(t.dir.join("home/shims").into_os_string());
        assert!(matches!(resolve(&ctx), Err(ResolveError::NoSystemGo { source: Source::Fallback, newest: None })));
        t.install("go1.22.10");
        let err = resolve(&ctx).unwrap_err();
        assert_eq!(err.hint().unwrap(), "run gover global 1.22.10", "an installed version, not a download");
    }
}
