//! One module per subcommand, each with its clap `Args` and a `run`.

use clap::Subcommand;

use crate::app::App;
use crate::error::{Error, Kind, Result};
use crate::shell::posix::quote_word;

pub mod ci;
pub mod completions;
pub mod current;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod global;
pub mod implode;
pub mod import;
pub mod init;
pub mod install;
pub mod link;
pub mod list;
pub mod mirror;
pub mod prune;
pub mod report;
pub mod setup;
pub mod shell;
pub mod tools;
pub mod uninstall;
pub mod upgrade;
pub mod r#use;
pub mod which;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Download, verify and install Go releases (1.22, 1.22.10, go1.23rc1, latest)
    Install(install::Args),
    /// Remove an installed version
    Uninstall(uninstall::Args),
    /// Name a Go tree gover did not install (gotip, a distribution's go, a fork) for pins and commands
    Link(link::Args),
    /// Remove versions nothing pins, uses or defaults to, and the download cache
    Prune(prune::Args),
    /// Install the newest patch of installed lines; --pins moves exact pins to it
    Upgrade(upgrade::Args),
    /// List installed versions, or releases available to install with --remote
    #[command(alias = "ls")]
    List(list::Args),
    /// Pin this directory to a version (writes .go-version)
    Use(r#use::Args),
    /// Set the version used where nothing else is pinned
    Global(global::Args),
    /// Use a version in this shell only (needs the shell hook)
    Shell(shell::Args),
    /// Show the version in use here and what selected it
    Current(current::Args),
    /// Print the path of the real binary a shim would run
    Which(which::Args),
    /// Run a command with a version's go first on PATH and GOROOT set
    Exec(exec::Args),
    /// Print GOROOT and PATH for the version in use, for `eval` in scripts
    Env(env::Args),
    /// Print the shell hook for sh, bash, zsh or fish
    Init(init::Args),
    /// Set up the shims and the shell hook in your startup files (--systemd: user units too)
    Setup(setup::Args),
    /// Print shell completions
    Completions(completions::Args),
    /// Remove gover's hook lines and GOVER_HOME
    Implode(implode::Args),
    /// Diagnose the Go setup: PATH, GOROOT, permissions, module settings, services
    Doctor(doctor::Args),
    /// Adopt Go versions installed by gvm, asdf, goenv, g, mise or the system
    Import(import::Args),
    /// For CI jobs: the environment, cache keys and test matrix (env, cache-key, matrix)
    Ci(ci::Args),
    /// Programs `go install`ed into GOBIN: the Go each was built by; rebuild them with another
    Tools(tools::Args),
    /// This machine's Go inventory: versions, pins under DIRs, tools, vulnerabilities, policy violations
    Report(report::Args),
    /// Keep a static mirror of releases (module-proxy and download-site layouts) for fleets
    Mirror(mirror::Args),
}

pub fn run(command: Command, app: &App) -> Result<()> {
    // The hook and completions print whatever GOVER_HOME is (an rc file's `eval` must not
    // break), and doctor reports an unusable one among its findings; everything else stops.
    if !matches!(command, Command::Init(_) | Command::Completions(_) | Command::Doctor(_)) {
        app.check_home()?;
    }
    if app.store.is_system() {
        check_system(&app.process, &command)?;
    }
    match command {
        Command::Install(args) => install::run(args, app),
        Command::Uninstall(args) => uninstall::run(args, app),
        Command::Link(args) => link::run(args, app),
        Command::Prune(args) => prune::run(args, app),
        Command::Upgrade(args) => upgrade::run(args, app),
        Command::List(args) => list::run(args, app),
        Command::Use(args) => r#use::run(args, app),
        Command::Global(args) => global::run(args, app),
        Command::Shell(args) => shell::run(args, app),
        Command::Current(args) => current::run(args, app),
        Command::Which(args) => which::run(args, app),
        Command::Exec(args) => exec::run(args, app),
        Command::Env(args) => env::run(args, app),
        Command::Init(args) => init::run(args, app),
        Command::Setup(args) => setup::run(args, app),
        Command::Completions(args) => completions::run(args, app),
        Command::Implode(args) => implode::run(args, app),
        Command::Doctor(args) => doctor::run(args, app),
        Command::Import(args) => import::run(args, app),
        Command::Ci(args) => ci::run(args, app),
        Command::Mirror(args) => mirror::run(args, app),
        Command::Tools(args) => tools::run(args, app),
        Command::Report(args) => report::run(args, app),
    }
}

/// `--system` takes the commands that work on a store as such; changing it is root's alone.
fn check_system(process: &gover_shim::Process, command: &Command) -> Result<()> {
    let changes = match command {
        Command::Install(_) | Command::Uninstall(_) => true,
        Command::List(_) => false,
        _ => {
            return Err(Error::usage("--system works with install, uninstall and list only")
                .hint("run the command without --system: the system store's versions are picked as your own are"))
        }
    };
    if changes && process.uid() != 0 {
        let args: Vec<String> = std::env::args().skip(1).collect();
        return Err(needs_root(process, "cannot change the system store", &args));
    }
    Ok(())
}

/// The error for changing the system store without root, whose hint is the gover command
/// `args` (after `gover`) run as root.
pub fn needs_root(process: &gover_shim::Process, what: &str, args: &[String]) -> Error {
    // sudo resets the environment: a GOVER_SYSTEM_HOME of this user's is passed on the command
    // line. And its PATH is secure_path, which rarely holds a gover of the user's own.
    let mut words = vec!["sudo".to_string()];
    if let Some(home) = process.value_str("GOVER_SYSTEM_HOME") {
        words.push(quote_word(&format!("GOVER_SYSTEM_HOME={home}")));
    }
    let exe = std::env::current_exe().ok();
    let on_sudo_path = exe.as_ref().and_then(|e| e.parent()).is_some_and(|dir| {
        ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
            .iter()
            .any(|d| dir == std::path::Path::new(d))
    });
    words.push(match exe {
        Some(exe) if !on_sudo_path => quote_word(&exe.to_string_lossy()),
        _ => "gover".into(),
    });
    words.extend(args.iter().map(|a| quote_word(a)));
    Error::new(Kind::Environment, what)
        .cause("the system store is shared by every user of this machine; only root may change it")
        .hint(format!("run it as root: {}", words.join(" ")))
}
