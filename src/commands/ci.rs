//! `gover ci`: the runner-neutral core a CI job calls (the logic is in `crate::ci`). `env`
//! resolves the version as the shim does, installs it when missing and hands the job its
//! environment; `cache-key` names the caches; `matrix` lists the versions to test.

use std::io::Write;
use std::path::{Path, PathBuf};

use gover_shim::pin::{go_line, PinError, PinFile};
use gover_shim::resolve::toolchain_for;
use gover_shim::{GoVersion, Request, Resolution, ResolveError, Source, Spec, Toolchain};
use serde_json::json;

use crate::app::{parse_spec, App};
use crate::ci::cache::{self, CacheKey, Kind, Places};
use crate::ci::matrix;
use crate::ci::runner::{github_assignment, Exports, Format};
use crate::dist::{self, Remote};
use crate::error::{self, Error, Result};
use crate::gosettings::{self, Settings};
use crate::installing::{self, SourceArgs};
use crate::output::{out, outln};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Install the version this directory uses (if missing) and print GOROOT, PATH and
    /// GOTOOLCHAIN for the job's later steps; on GitHub, written to $GITHUB_ENV and $GITHUB_PATH
    Env(EnvArgs),
    /// Print a cache key and the paths to cache for the toolchain, the module cache or the
    /// build cache
    CacheKey(CacheKeyArgs),
    /// Print the Go versions a test matrix should cover: the go line of go.mod and --plus
    Matrix(MatrixArgs),
}

/// The version to use instead of this directory's (actions/setup-go's input names).
#[derive(clap::Args, Debug)]
pub struct Pin {
    /// Use this version (1.22, 1.22.10, latest) instead of the directory's pin
    #[arg(long, value_name = "VERSION")]
    pub go_version: Option<String>,
    /// Take the version from this file: .go-version, .tool-versions, or go.mod / go.work (the
    /// toolchain line, else the go line)
    #[arg(long, value_name = "FILE", conflicts_with = "go_version")]
    pub go_version_file: Option<PathBuf>,
    /// Use the newest release the version matches even when an older one that matches is
    /// installed (restored from a cache, or kept on a self-hosted runner)
    #[arg(long)]
    pub check_latest: bool,
}

#[derive(clap::Args, Debug)]
pub struct EnvArgs {
    /// The runner's format [default: github on GitHub Actions, gitlab on GitLab CI, else shell]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub pin: Pin,
    #[command(flatten)]
    pub from: SourceArgs,
}

#[derive(clap::Args, Debug)]
pub struct CacheKeyArgs {
    /// What the cache holds
    #[arg(long, value_enum, default_value = "modules")]
    pub kind: Kind,
    /// Print JSON for scripts: key, restore_key, paths
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// The runner's format
    #[arg(long, value_enum, default_value = "github")]
    pub format: KeyFormat,
    #[command(flatten)]
    pub pin: Pin,
    /// The go.sum / go.work.sum files the key covers [default: every one under this directory]
    #[arg(value_name = "SUM_FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct MatrixArgs {
    /// The go.mod or go.work whose go line is the oldest version to test [default: ./go.mod if
    /// there is one]
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// More versions, comma-separated: stable (the newest release), oldstable (the newest patch
    /// of the line before), or versions such as 1.22
    #[arg(long, value_delimiter = ',', value_name = "VERSIONS")]
    pub plus: Vec<String>,
    /// Print JSON for GitHub's strategy.matrix: {"go-version": [...]}
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Print JSON in a runner's matrix shape (gitlab: parallel:matrix's [{"GO_VERSION": [...]}])
    #[arg(long, value_enum)]
    pub format: Option<MatrixFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyFormat {
    /// key, restore-key and path lines for $GITHUB_OUTPUT
    Github,
    /// GOVER_<KIND>_CACHE_KEY=key, a dotenv line for a later job's cache:key (GitLab's cache
    /// paths are fixed in the pipeline, and it has no restore prefix)
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MatrixFormat {
    /// {"go-version": [...]} for strategy.matrix
    Github,
    /// [{"GO_VERSION": [...]}] for parallel:matrix
    Gitlab,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    match args.command {
        Command::Env(args) => env(args, app),
        Command::CacheKey(args) => cache_key(args, app),
        Command::Matrix(args) => matrix(args, app),
    }
}

fn env(args: EnvArgs, app: &App) -> Result<()> {
    let var = |name: &str| app.process.value_str(name).map(str::to_string);
    let format = args.format.unwrap_or_else(|| Format::detect(var));
    // Standard output is for the runner's lines; what the install did goes to standard error.
    let app = &app.with_output(app.out.reports_on_stderr());
    let request = pin_request(app, &args.pin)?;
    let resolution = resolve_installing(app, request, args.pin.check_latest, &args.from)?;
    app.permit(&resolution.toolchain)?;
    app.store.ensure_shims(&app.process)?;
    let exports = exports(app, &resolution)?;
    let version = resolution.toolchain.name();
    outln!(app.out, Info, "{version} ({})", resolution.request.source);
    match format {
        Format::Shell => out!(app.out, Answer, "{}", exports.shell()),
        Format::Gitlab => out!(app.out, Answer, "{}", exports.dotenv(&var("PATH").unwrap_or_default())?),
        Format::Github => {
            let setup_go_output = github_assignment("go-version", version.trim_start_matches("go"));
            for (file, text) in [
                ("GITHUB_ENV", exports.github_env()),
                ("GITHUB_PATH", exports.github_path()?),
                ("GITHUB_OUTPUT", setup_go_output),
            ] {
                match app.process.value(file) {
                    Some(path) => append(Path::new(&path), &text)?,
                    // Outside a runner (trying it out): the lines it would write.
                    None if file != "GITHUB_OUTPUT" => out!(app.out, Answer, "{text}"),
                    None => {}
                }
            }
        }
    }
    Ok(())
}

/// What to use: `--go-version`, `--go-version-file`, else what this directory asks for.
fn pin_request(app: &App, pin: &Pin) -> Result<Request> {
    if let Some(text) = &pin.go_version {
        let spec = parse_spec(text)?;
        // As setup-go's go-version input: `stable` is the newest release there is, and
        // `oldstable` is not the line before whatever this runner has installed.
        let spec =
            if spec.is_moving() { Spec::Exact(dist::released(app, &spec, "gover ci env --go-version")?) } else { spec };
        return Ok(Request::named(spec, Source::Argument));
    }
    let Some(file) = &pin.go_version_file else { return app.request() };
    let path = std::path::absolute(file).map_err(|e| error::io("read", file, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    // The shim's own table of pin files says how each is read; any other name is read as a
    // .go-version, as setup-go reads its go-version-file.
    let kind = PinFile::ALL.into_iter().find(|kind| kind.file_name() == name).unwrap_or(PinFile::GoVersion);
    let bad = |error: PinError| Error::from(ResolveError::BadPin { path: path.clone(), error });
    let content = kind.load(gover_shim::dir::open_file(&path)).map_err(bad)?.ok_or_else(|| {
        Error::usage(format!("--go-version-file {}: no such file", file.display()))
            .cause(format!("there is nothing at {}", path.display()))
            .hint("name the file relative to the working directory, or name a version with --go-version")
    })?;
    let found = match kind.parse(&content).map_err(bad)? {
        Some(pin) => Some((pin.spec, pin.line)),
        // setup-go's rule for a module without a toolchain line: the go line, as a line
        // (`go 1.22` is the newest 1.22.x) or an exact release (`go 1.22.3`).
        None if matches!(kind, PinFile::GoMod | PinFile::GoWork) => std::str::from_utf8(&content)
            .ok()
            .and_then(go_line)
            .map(|(version, line)| (Spec::parse(&version.to_string()).expect("a release is a spec"), line)),
        None => None,
    };
    let (spec, line) = found.ok_or_else(|| {
        let why = match kind {
            PinFile::GoMod | PinFile::GoWork => "it has neither a toolchain line nor a go line",
            PinFile::ToolVersions => "it has no golang (or go) line",
            _ => "it is empty",
        };
        Error::usage(format!("{} names no Go version", path.display()))
            .cause(why)
            .hint("write a version in it (1.22.10), or name one with --go-version")
    })?;
    Ok(Request::named(spec, Source::File { path, line }))
}

/// The toolchain for `request`, installing whatever the resolver found missing first (with
/// `check_latest`, also a newer release than the one installed).
fn resolve_installing(app: &App, request: Request, check_latest: bool, from: &SourceArgs) -> Result<Resolution> {
    let ctx = app.context()?;
    let toolchain = match toolchain_for(&ctx, &request) {
        Err(ResolveError::NotInstalled { spec, .. }) => {
            installing::install(app, &[(&spec.to_string(), spec.clone())], from)?;
            toolchain_for(&ctx, &request)?
        }
        // Installing a line installs its newest release, which the resolver then prefers.
        Ok(Toolchain::Installed { .. }) if check_latest && !matches!(request.spec, Spec::Exact(_)) => {
            installing::install(app, &[(&request.spec.to_string(), request.spec.clone())], from)?;
            toolchain_for(&ctx, &request)?
        }
        // The shim's answer for nothing pinned is the system go; a CI job without one needs
        // a pin, which it can give on the command line.
        Err(err @ ResolveError::NoSystemGo { source: Source::Fallback, .. }) => {
            return Err(Error::from(err).cause(nothing_pinned(&ctx.cwd)).hint(
                "name the version the job builds with: --go-version 1.22, --go-version-file go.mod, or a .go-version file",
            ))
        }
        other => other?,
    };
    Ok(Resolution { request, toolchain })
}

/// Where the resolver looked, from the shim's table of pin files (mise's several names as one).
fn nothing_pinned(cwd: &Path) -> String {
    let files: Vec<&str> = PinFile::ALL
        .into_iter()
        .filter(|kind| !matches!(kind, PinFile::Mise(_) | PinFile::GoMod | PinFile::GoWork))
        .map(PinFile::file_name)
        .collect();
    format!(
        "no {}, mise.toml (or another of mise's files), nor a toolchain line in go.work or go.mod, in {} or a \
         directory above it; no GOVER_VERSION, no global default",
        files.join(", "),
        cwd.display()
    )
}

fn exports(app: &App, resolution: &Resolution) -> Result<Exports> {
    let text = |path: &Path| {
        path.to_str().map(String::from).ok_or_else(|| {
            Error::new(error::Kind::Environment, format!("{} cannot be passed to a CI runner", path.display()))
                .cause("the path is not valid UTF-8")
                .hint("point GOVER_HOME at a directory whose path is plain text, e.g. GOVER_HOME=/opt/gover")
        })
    };
    let home = app.store.home();
    let mut vars = vec![("GOVER_HOME", text(home.root())?)];
    if let Some(root) = resolution.toolchain.goroot() {
        vars.insert(0, ("GOROOT", text(root)?));
    }
    // A pinned version is the one to build with: go must not switch to another toolchain.
    if resolution.request.source.is_pin() {
        vars.push(("GOTOOLCHAIN", "local".into()));
    }
    let go = resolution.toolchain.binary("go");
    let bin = text(go.parent().expect("a binary has a directory"))?;
    Ok(Exports { vars, path: vec![bin, text(&home.shims_dir())?] })
}

/// Appends to a runner's file (several steps write to the same one).
fn append(path: &Path, text: &str) -> Result<()> {
    let mut file =
        std::fs::OpenOptions::new().append(true).create(true).open(path).map_err(|e| error::io("open", path, e))?;
    file.write_all(text.as_bytes()).map_err(|e| error::io("write to", path, e))
}

fn cache_key(args: CacheKeyArgs, app: &App) -> Result<()> {
    let request = pin_request(app, &args.pin)?;
    let remote = Remote::from_env(&app.process, app.trust_mirror)?;
    let version = version_without_installing(app, &remote, &request, args.pin.check_latest)?;
    if args.kind == Kind::Toolchain && version.is_none() {
        return Err(Error::usage("the system go is not gover's to cache")
            .cause(format!("nothing pins a version here ({})", request.source))
            .hint("pin a version (gover use 1.22, or --go-version 1.22) to cache the toolchain gover installs"));
    }
    let cwd = app.process.cwd().map_err(ResolveError::Cwd)?;
    let files = match args.files.is_empty() {
        true => cache::find_sum_files(cwd).map_err(|e| error::io("list the files under", cwd, e))?,
        false => args.files.iter().map(|f| cwd.join(f)).collect(),
    };
    let sums = files
        .iter()
        .map(|path| {
            let content = std::fs::read(path).map_err(|e| error::io("read", path, e))?;
            let shown = path.strip_prefix(cwd).unwrap_or(path);
            Ok((shown.display().to_string(), content))
        })
        .collect::<Result<Vec<_>>>()?;
    let settings = Settings::load(gosettings::settings::SettingsEnv::from_process(&app.process));
    let effective = |name: &str| settings.effective(name).map(|s| s.value).unwrap_or_default();
    let version_dir = version.as_ref().map(|v| app.store.home().version_dir(v)).unwrap_or_default();
    let places =
        Places { version_dir: &version_dir, gomodcache: &effective("GOMODCACHE"), gocache: &effective("GOCACHE") };
    let name = version.map_or("system".into(), |v| v.to_string());
    let platform = format!("{}-{}", remote.platform.os, remote.platform.arch);
    let CacheKey { key, restore_key, paths } = cache::cache_key(args.kind, &platform, &name, &sums, &places);
    if args.json {
        app.out.json(&json!({"key": key, "restore_key": restore_key, "paths": paths}));
        return Ok(());
    }
    match args.format {
        // The $GITHUB_OUTPUT format, which a step appends as it is.
        KeyFormat::Github => out!(
            app.out,
            Answer,
            "{}{}{}",
            github_assignment("key", &key),
            github_assignment("restore-key", &restore_key),
            github_assignment("path", &paths.join("\n"))
        ),
        KeyFormat::Gitlab => outln!(app.out, Answer, "{}={key}", args.kind.variable()),
    }
    Ok(())
}

/// The exact release `request` means here (None: the system go): the installed one it
/// resolves to, else (or with `check_latest`) the one `gover ci env` would install, from the
/// release index.
fn version_without_installing(
    app: &App,
    remote: &Remote,
    request: &Request,
    check_latest: bool,
) -> Result<Option<GoVersion>> {
    match toolchain_for(&app.context()?, request) {
        Ok(Toolchain::Installed { version, .. }) if !check_latest => Ok(Some(version)),
        // A linked tree is no release the index knows.
        Ok(Toolchain::System { .. } | Toolchain::Linked { .. }) => Ok(None),
        Ok(Toolchain::Installed { .. }) => pick(app, remote, &request.spec),
        Err(ResolveError::NotInstalled { spec, .. }) => pick(app, remote, &spec),
        Err(err) => Err(err.into()),
    }
}

/// The release the index has for `spec`.
fn pick(app: &App, remote: &Remote, spec: &Spec) -> Result<Option<GoVersion>> {
    let catalog = remote.fetch_index(&app.store)?;
    let release = catalog.pick(spec, &remote.platform, "gover ci cache-key --go-version")?;
    Ok(Some(release.version.clone()))
}

fn matrix(args: MatrixArgs, app: &App) -> Result<()> {
    let file = args.from.clone().or_else(|| Some(PathBuf::from("go.mod")).filter(|f| f.is_file()));
    let minimum = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| match error::io("read", path, e) {
                err if err.hint.is_some() => err,
                err => err.hint("name the module's go.mod (or go.work) with --from, relative to the working directory"),
            })?;
            Some(go_line(&text).map(|(version, _)| version).ok_or_else(|| {
                Error::usage(format!("{} has no go line", path.display()))
                    .cause("the go line names the oldest Go the module builds with, the matrix's first version")
                    .hint("name the versions with --plus stable,oldstable, or add a go line: go 1.22")
            })?)
        }
        None => None,
    };
    if minimum.is_none() && args.plus.is_empty() {
        return Err(Error::usage("the matrix would be empty")
            .cause("there is no go.mod here and no --plus")
            .hint("gover ci matrix --from path/to/go.mod, or --plus stable,oldstable"));
    }
    let remote = Remote::from_env(&app.process, app.trust_mirror)?;
    let catalog = remote.fetch_index(&app.store)?;
    let releases: Vec<GoVersion> = catalog.index.available(&remote.platform).map(|r| r.version.clone()).collect();
    let versions = matrix::versions(minimum.as_ref(), &args.plus, &releases)?;
    // setup-go's spelling (1.22.10), which gover reads too.
    let names: Vec<String> = versions.into_iter().map(|v| Spec::Exact(v).to_string()).collect();
    match (args.json, args.format) {
        (true, _) | (_, Some(MatrixFormat::Github)) => app.out.json(&json!({ "go-version": names })),
        (_, Some(MatrixFormat::Gitlab)) => app.out.json(&json!([{ "GO_VERSION": names }])),
        _ => names.iter().for_each(|name| outln!(app.out, Answer, "{name}")),
    }
    Ok(())
}
