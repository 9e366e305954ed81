//! The `go` / `gofmt` shim: resolve the version this directory asks for, then replace this
//! process with the real binary, GOROOT set to exactly that binary's root.
//!
//! Installed as hard links named `go` and `gofmt` in GOVER_HOME/shims; it dispatches on the
//! name it was called by. Everything is decided from argv[0], the environment, one listing
//! of each directory up to the pin (and the module's go line) and one of versions/ (or, for a
//! pin naming a link, one readlink), plus one stat of the version's use stamp, so it adds well
//! under a millisecond (BENCHMARKS.md).

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{exit, Command};

use gover_shim::resolve::{self, Context, Toolchain};
use gover_shim::{switch, Error, Kind, ResolveError};

/// Counts shim hops in the process tree, so a loop (a `system` go that is a script calling
/// `go` again, which finds the shim) stops with a message instead of forking forever.
const DEPTH_VAR: &str = "GOVER_SHIM_DEPTH";
const MAX_DEPTH: u32 = 20;
const TOOLS: [&str; 2] = ["go", "gofmt"];

fn main() {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let tool = Path::new(&argv0).file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some(tool) = TOOLS.iter().find(|t| **t == tool) else {
        fail(
            Error::usage(format!("gover-shim runs as `go` or `gofmt`, not as {tool:?}"))
                .hint("gover install creates the shims in GOVER_HOME/shims; put that directory first on PATH"),
        );
    };
    let depth = std::env::var(DEPTH_VAR).ok().and_then(|d| d.parse::<u32>().ok()).unwrap_or(0);
    if depth >= MAX_DEPTH {
        fail(
            Error::new(Kind::Environment, format!("the {tool} shim has called itself {depth} times: it is in a loop"))
                .hint("a `go` on PATH outside gover calls `go` again; run `gover doctor --verbose` to see which"),
        );
    }
    let ctx = Context::from_process().unwrap_or_else(|e| fail(e.into()));
    let request = resolve::request(&ctx).unwrap_or_else(|e| fail(e.into()));
    for ignored in &request.ignored {
        eprintln!("warning: {}", resolve::ignored_pin_warning(ignored, &request.source));
    }
    for path in &request.empty_pins {
        eprintln!("warning: {}", resolve::empty_pin_warning(path, &request.source));
    }
    let toolchain = match resolve::toolchain_for(&ctx, &request) {
        Ok(toolchain) => toolchain,
        Err(err @ ResolveError::NotInstalled { .. }) if auto_install() => {
            install(err);
            resolve::toolchain_for(&ctx, &request).unwrap_or_else(|e| fail(e.into()))
        }
        Err(e) => fail(e.into()),
    };

    let binary = toolchain.binary(tool);
    let mut command = Command::new(&binary);
    command.args(args).env(DEPTH_VAR, (depth + 1).to_string());
    match &toolchain {
        // A stale GOROOT from an rc file or another manager must never reach the real go.
        Toolchain::Installed { root, .. } | Toolchain::Linked { root, .. } => {
            if let Toolchain::Installed { version, .. } = &toolchain {
                ctx.home.mark_used(version);
            }
            command.env("GOROOT", root);
            if request.source.is_pin() && std::env::var_os("GOTOOLCHAIN").is_none() {
                command.env("GOTOOLCHAIN", "local");
            }
        }
        // A system go finds its own root from its executable; any inherited GOROOT is stale.
        Toolchain::System { .. } => {
            command.env_remove("GOROOT");
        }
    }
    let err = command.exec();
    let hint = match &toolchain {
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
    fail(Error::new(Kind::Environment, format!("cannot run {}", binary.display())).cause(err).hint(hint));
}

/// GOVER_AUTO_INSTALL, read only when something is missing: a typo in it must not pass for
/// "off" (the go command would fail with "not installed" instead of saying why).
fn auto_install() -> bool {
    switch::read("GOVER_AUTO_INSTALL", |name| std::env::var_os(name))
        .unwrap_or_else(|err| fail(Error::usage(err.to_string()).hint(err.hint())))
}

/// GOVER_AUTO_INSTALL=1 (or true, yes, on): install what is missing (the pin, or the module's
/// `go` line), then carry on.
fn install(not_installed: ResolveError) {
    let ResolveError::NotInstalled { spec, .. } = &not_installed else { return };
    let spec = spec.clone();
    // A note, not an error: what is about to be installed, without why it was missing.
    eprintln!("gover: {}; installing it (GOVER_AUTO_INSTALL=1)", Error::from(not_installed).message);
    // Everything gover prints goes to stderr: stdout belongs to the go command that follows
    // (`go env GOROOT` in a script must print only the root).
    let status =
        Command::new("gover").arg("install").arg(OsString::from(spec.to_string())).stdout(std::io::stderr()).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => exit(s.code().unwrap_or(Kind::Failure.exit_code())),
        Err(e) => fail(
            Error::new(Kind::Environment, "cannot run gover install")
                .cause(e)
                .hint("put gover on PATH, or unset GOVER_AUTO_INSTALL"),
        ),
    }
}

/// Prints `err` as gover prints its own, and exits with its code.
fn fail(err: Error) -> ! {
    eprint!("{}", err.render("error"));
    exit(err.exit_code())
}
