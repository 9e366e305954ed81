//! The `go` / `gofmt` shim: resolve the version this directory asks for, then replace this
//! process with the real binary, GOROOT set to exactly that binary's root.
//!
//! Installed as hard links in GOVER_HOME/shims: `go` and `gofmt`, and one named after each
//! installed version (`go1.23.9`), which runs exactly that version: the name go itself looks
//! for on PATH before it downloads a toolchain (`GOTOOLCHAIN=path`, `go1.23.9+path`), and the
//! command golang.org/dl users type. The system store's shims/ holds such names (copies) for
//! the versions root installed for every user. Everything is decided from the name it was started by,
//! the environment, one listing of each directory up to the pin (and the module's go line) and
//! one of versions/ (or, for a pin naming a link, one readlink), plus one stat of the version's
//! use stamp; above the pin only go.work and go.mod are looked up, by name, and an exact pin
//! is looked up in versions/ without listing it, so it costs little more than the exec itself
//! (BENCHMARKS.md).

#![no_main]

use std::ffi::{c_char, c_int, CStr, OsStr, OsString};
use std::io::IsTerminal;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{exit, Command};

use gover_shim::resolve::{self, Context, Source, Toolchain};
use gover_shim::{switch, Error, GoVersion, GoverHome, Kind, Process, ResolveError, Spec};

/// Counts shim hops in the process tree, so a loop (a `system` go that is a script calling
/// `go` again, which finds the shim) stops with a message instead of forking forever.
const DEPTH_VAR: &str = "GOVER_SHIM_DEPTH";
const MAX_DEPTH: u32 = 20;
const TOOLS: [&str; 2] = ["go", "gofmt"];
const AUTO_INSTALL: &str = "GOVER_AUTO_INSTALL";
/// Every variable the shim reads: its snapshot of the process holds these and no others.
const VARIABLES: [&str; 10] = [
    DEPTH_VAR,
    AUTO_INSTALL,
    "GOVER_HOME",
    "XDG_DATA_HOME",
    "HOME",
    "GOVER_SYSTEM_HOME",
    "GOVER_VERSION",
    "PATH",
    "GOWORK",
    "GOTOOLCHAIN",
];

/// What the shim was started as.
enum Called {
    /// `go` or `gofmt`: the version the working directory asks for.
    Tool(&'static str),
    /// A release name: exactly that version's go. `path` is the command that was run.
    Release { version: GoVersion, path: PathBuf },
}

/// The arguments after argv[0].
type Args = std::vec::IntoIter<OsString>;

/// The C library's entry point instead of Rust's `fn main`, whose start-up (reading
/// /proc/self/maps to find the main thread's stack guard, a signal stack, polling fds 0-2,
/// ignoring SIGPIPE) is about 20 system calls of the shim's 60 that a process about to exec
/// has no use for. Rust's start-up is also what fills std::env::args on musl, so the
/// arguments are taken from argv here, and nothing in the shim may read std::env::args.
#[no_mangle]
extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    let args: Vec<OsString> = (0..usize::try_from(argc).unwrap_or(0))
        .map(|i| {
            // SAFETY: the C library passes argc pointers to NUL-terminated strings in argv.
            let arg = unsafe { CStr::from_ptr(*argv.add(i)) };
            OsStr::from_bytes(arg.to_bytes()).to_os_string()
        })
        .collect();
    run(args.into_iter())
}

fn run(mut args: Args) -> ! {
    let argv0 = args.next().unwrap_or_default();
    let called = called_as(&argv0);
    let process = Process::current_with(&VARIABLES);
    let depth = process.value_str(DEPTH_VAR).and_then(|d| d.parse::<u32>().ok()).unwrap_or(0);
    if depth >= MAX_DEPTH {
        let name = match &called {
            Called::Tool(tool) => tool.to_string(),
            Called::Release { version, .. } => version.to_string(),
        };
        fail(
            Error::new(Kind::Environment, format!("the {name} shim has called itself {depth} times: it is in a loop"))
                .hint("a `go` on PATH outside gover calls `go` again; run `gover doctor --verbose` to see which"),
        );
    }
    match called {
        Called::Tool(tool) => run_tool(&process, tool, args, depth),
        Called::Release { version, path } => run_release(&process, version, &path, args, depth),
    }
}

/// A release name in the path the kernel executed, else in argv[0]; else `go` or `gofmt`
/// from argv[0]. go's toolchain switch runs `go1.23.9` from PATH with its own argv[0] (`go`,
/// or the path of the go that switched), so only the executed path names the link then.
fn called_as(argv0: &OsStr) -> Called {
    for path in [executed_path(), Some(argv0)].into_iter().flatten() {
        if let Some(version) = file_name(path).and_then(GoVersion::from_command_name) {
            return Called::Release { version, path: PathBuf::from(path) };
        }
    }
    let name = file_name(argv0).unwrap_or("");
    match TOOLS.iter().find(|t| **t == name) {
        Some(tool) => Called::Tool(tool),
        None => fail(
            Error::usage(format!(
                "gover-shim runs as `go`, `gofmt` or a Go release name such as go1.23.9, not as {name:?}"
            ))
            .hint("gover install creates the shims in GOVER_HOME/shims; put that directory first on PATH"),
        ),
    }
}

fn file_name(path: &OsStr) -> Option<&str> {
    Path::new(path).file_name()?.to_str()
}

/// The path this process was started from as execve(2) received it (the kernel's AT_EXECFN):
/// the link's own name whatever argv[0] the caller passed. Read from memory, no system call.
fn executed_path() -> Option<&'static OsStr> {
    extern "C" {
        fn getauxval(kind: std::ffi::c_ulong) -> std::ffi::c_ulong;
    }
    const AT_EXECFN: std::ffi::c_ulong = 31;
    // SAFETY: getauxval only reads the auxiliary vector the kernel gave this process, in glibc
    // and musl alike; it returns 0 for an entry that is not there.
    let address = unsafe { getauxval(AT_EXECFN) };
    if address == 0 {
        return None;
    }
    // SAFETY: AT_EXECFN is the address of a NUL-terminated string the kernel copied onto the
    // initial stack, above every frame, where it stays unchanged for the life of the process.
    let name = unsafe { std::ffi::CStr::from_ptr(address as *const std::ffi::c_char) };
    Some(OsStr::from_bytes(name.to_bytes()))
}

/// `go` or `gofmt`: the version the pins ask for, installed first if missing and wanted.
fn run_tool(process: &Process, tool: &str, args: Args, depth: u32) -> ! {
    let home = resolve::user_home(process).unwrap_or_else(|e| fail_resolve(e));
    let system = GoverHome::locate_system(process);
    let ctx = Context::new(process, home, Some(system)).unwrap_or_else(|e| fail_resolve(e));
    let request = resolve::request(&ctx).unwrap_or_else(|e| fail_resolve(e));
    for ignored in &request.ignored {
        eprintln!("warning: {}", resolve::ignored_pin_warning(ignored, &request.source));
    }
    for path in &request.empty_pins {
        eprintln!("warning: {}", resolve::empty_pin_warning(path, &request.source));
    }
    let toolchain = match resolve::toolchain_for(&ctx, &request) {
        Ok(toolchain) => toolchain,
        Err(err @ ResolveError::NotInstalled { .. }) => {
            install_missing(process, err, &ctx.cwd);
            resolve::toolchain_for(&ctx, &request).unwrap_or_else(|e| fail_resolve(e))
        }
        Err(e) => fail_resolve(e),
    };
    let err = exec(process, &ctx.home, &toolchain, tool, args, depth, request.source.is_pin());
    fail_exec(&toolchain, tool, err)
}

/// `go1.23.9`: that installed version, whatever the directory pins: the user's own, else the
/// system store's (whose names are on PATH after the user's, see `gover --system install`).
/// The name is as deliberate a choice as a pin, so go gets the same environment as for one.
fn run_release(process: &Process, version: GoVersion, path: &Path, args: Args, depth: u32) -> ! {
    let home = resolve::user_home(process).unwrap_or_else(|e| fail_resolve(e));
    let own = Toolchain::Installed { root: home.version_dir(&version), version: version.clone() };
    // Not a stat before the exec: the user's own install pays for nothing.
    let err = exec(process, &home, &own, "go", args.clone(), depth, true);
    if own.goroot().is_some_and(Path::exists) {
        fail_exec(&own, "go", err);
    }
    let system = GoverHome::locate_system(process);
    let ignored = match resolve::system_release(&system, &version, process.uid()) {
        Ok(Some(root)) => {
            let shared = Toolchain::Installed { root, version: version.clone() };
            let err = exec(process, &home, &shared, "go", args, depth, true);
            fail_exec(&shared, "go", err)
        }
        Ok(None) => None,
        Err(problem) => {
            Some(format!("the versions of the system store {} are ignored: {problem}", system.root().display()))
        }
    };
    let err =
        Error::new(Kind::NotInstalled, format!("{version} is not installed, so {} cannot run it", path.display()));
    fail(ignored.into_iter().fold(err, Error::cause).hint(format!("run gover install {}", install_spec(&version))))
}

/// What `gover install` takes for exactly `version`: `1.23.9`, `1.21rc2`, and `1.20.0` for
/// go1.20 (`1.20` would be the newest 1.20.x).
fn install_spec(version: &GoVersion) -> String {
    match version {
        GoVersion { patch: None, pre: None, major, minor } => format!("{major}.{minor}.0"),
        other => Spec::Exact(other.clone()).to_string(),
    }
}

/// Replaces this process with `toolchain`'s `tool`; returns only the reason it could not.
/// `pinned`: the version was chosen on purpose, so go must not switch away from it on its own.
fn exec(
    process: &Process,
    home: &GoverHome,
    toolchain: &Toolchain,
    tool: &str,
    args: Args,
    depth: u32,
    pinned: bool,
) -> std::io::Error {
    // The variables are set in this process, which is single-threaded and about to be
    // replaced, not on the Command: a Command with variables of its own copies the whole
    // environment into a map to build the new one, a third of the shim's instructions.
    std::env::set_var(DEPTH_VAR, (depth + 1).to_string());
    match toolchain {
        // A stale GOROOT from an rc file or another manager must never reach the real go.
        Toolchain::Installed { root, .. } | Toolchain::Linked { root, .. } => {
            if let Toolchain::Installed { version, .. } = toolchain {
                home.mark_used(version);
            }
            std::env::set_var("GOROOT", root);
            if pinned && process.var_os("GOTOOLCHAIN").is_none() {
                std::env::set_var("GOTOOLCHAIN", "local");
            }
        }
        // A system go finds its own root from its executable; any inherited GOROOT is stale.
        Toolchain::System { .. } => std::env::remove_var("GOROOT"),
    }
    Command::new(toolchain.binary(tool)).args(args).exec()
}

fn fail_exec(toolchain: &Toolchain, tool: &str, err: std::io::Error) -> ! {
    let hint = match toolchain {
        Toolchain::Installed { version, .. } => {
            format!("the install looks damaged; run gover uninstall {version} && gover install {version}")
        }
        Toolchain::Linked { name, root } => format!(
            "gover runs {name} from {} but never changes it; link a working tree with gover link --force {name} DIR, \
             or remove the link with gover uninstall {name}",
            root.display()
        ),
        Toolchain::System { .. } => "run gover doctor".into(),
    };
    fail(
        Error::new(Kind::Environment, format!("cannot run {}", toolchain.binary(tool).display())).cause(err).hint(hint),
    )
}

/// What GOVER_AUTO_INSTALL says to do about a missing version. Read only when something is
/// missing; a typo in it must not pass for "off" (go would fail with "not installed" instead
/// of saying why).
enum WhenMissing {
    /// On: install it, saying why.
    Install,
    /// Off: fail, naming what to install.
    Fail,
    /// Unset (or empty): ask on a terminal; fail in a script.
    Ask,
}

fn when_missing(process: &Process) -> WhenMissing {
    if process.value(AUTO_INSTALL).is_none() {
        return WhenMissing::Ask;
    }
    match switch::read(AUTO_INSTALL, |name| process.var(name)) {
        Ok(true) => WhenMissing::Install,
        Ok(false) => WhenMissing::Fail,
        Err(err) => fail(Error::usage(err.to_string()).hint(err.hint())),
    }
}

/// Installs what `not_installed` names (the pin, or the module's `go` line) if
/// GOVER_AUTO_INSTALL is on or the user says so at the terminal; otherwise fails with it.
/// Returns once it is installed.
fn install_missing(process: &Process, not_installed: ResolveError, cwd: &Path) {
    let ResolveError::NotInstalled { spec, source, .. } = &not_installed else { fail_resolve(not_installed) };
    let missing = format!("{} is pinned by {} but not installed", resolve::missing_name(spec), shown(source, cwd));
    let hint = match when_missing(process) {
        // What rustup's auto-install left out (rustup#4445): why a download starts, and how
        // to stop it.
        WhenMissing::Install => {
            eprintln!("gover: {missing}; installing it because {AUTO_INSTALL} is on (set it to 0 to turn this off)");
            format!("put gover on PATH, or unset {AUTO_INSTALL}")
        }
        // Never in a script: a prompt nobody answers would hang it.
        WhenMissing::Ask if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() => {
            if !ask(&format!("{missing}; install it now? [Y/n] ")) {
                fail_resolve(not_installed);
            }
            "put gover on PATH".to_string()
        }
        WhenMissing::Ask | WhenMissing::Fail => fail_resolve(not_installed),
    };
    // Everything gover prints goes to stderr: stdout belongs to the go command that follows
    // (`go env GOROOT` in a script must print only the root).
    let status = Command::new("gover").arg("install").arg(spec.to_string()).stdout(std::io::stderr()).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => exit(s.code().unwrap_or(Kind::Failure.exit_code())),
        Err(e) => fail(Error::new(Kind::Environment, "cannot run gover install").cause(e).hint(hint)),
    }
}

/// Asks `question` on the terminal: yes on an empty answer, y or yes; no on anything else and
/// at the end of input (Ctrl-D).
fn ask(question: &str) -> bool {
    eprint!("{question}");
    let mut answer = String::new();
    // A terminal hands over one line per read, so nothing typed ahead for go is taken.
    match std::io::stdin().read_line(&mut answer) {
        Ok(0) | Err(_) => {
            // The error that follows starts on a line of its own.
            eprintln!();
            false
        }
        Ok(_) => matches!(answer.trim().to_ascii_lowercase().as_str(), "" | "y" | "yes"),
    }
}

/// A request's source as the prompt shows it: a file in or below the working directory
/// relative to it (`./go.mod`).
fn shown(source: &Source, cwd: &Path) -> String {
    match source {
        Source::File { path, .. } => match path.strip_prefix(cwd) {
            Ok(inside) => format!("./{}", inside.display()),
            Err(_) => path.display().to_string(),
        },
        other => other.to_string(),
    }
}

fn fail_resolve(err: ResolveError) -> ! {
    fail(err.into())
}

/// Prints `err` as gover prints its own, and exits with its code.
fn fail(err: Error) -> ! {
    eprint!("{}", err.render("error"));
    exit(err.exit_code())
}
