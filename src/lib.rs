//! gover: a multi-version Go toolchain manager. The binary (src/main.rs) only calls [`run`],
//! which parses the command line, runs the command, and turns an error into its message and
//! exit code. The library exists for that and for the fuzz targets (fuzz/), which reach the
//! parsers of untrusted input through [`fuzzing`]; it is not an API.

// Every line goes through `output`, which handles -q, colour and a closed pipe in one place.
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

mod active_source;
mod app;
mod ci;
mod cli;
mod commands;
mod dist;
mod doctor;
mod download;
mod elf;
mod error;
mod gosettings;
mod import;
mod installing;
mod interrupt;
mod links;
mod managers;
mod output;
mod pinning;
mod policy;
mod reconcile;
mod removal;
mod repin;
mod report;
mod shell;
mod store;
mod sumdb;
mod tools;
mod utc;
mod vulndb;

use clap::{CommandFactory, Parser};

/// Parses the command line, runs the command, and returns the exit code (printing the error).
pub fn run() -> i32 {
    // A bug should say so, in the usual error format and with a code scripts can tell apart,
    // whether the release build aborts on a panic or a debug build unwinds.
    std::panic::set_hook(Box::new(|info| {
        let err = error::crash(info);
        output::error(&err);
        std::process::exit(err.exit_code());
    }));
    // The one reading of the environment, working directory and uid; everything below is
    // handed this snapshot.
    let process = gover_shim::Process::current();
    let cli = cli::Cli::parse();
    let out = output::Output::new(cli.global.quiet, &process);
    let home = match cli.global.system {
        true => app::HomeArg::System,
        false => app::HomeArg::User(cli.global.home.as_deref()),
    };
    let app = app::App::new(process, home, out, cli.global.trust_mirror, cli::Cli::command);
    let result = app.and_then(|app| commands::run(cli.command, &app)).and_then(|()| output::finish());
    match result {
        Ok(()) => 0,
        Err(err) => {
            output::error(&err);
            err.exit_code()
        }
    }
}

/// The parsers of untrusted input (archives, the release index, OSV entries, signed notes and
/// tiles, shell startup files, Go programs' build information), for the fuzz targets in fuzz/ and nothing else.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::dist::index::{Index, Platform};
    pub use crate::dist::unpack::{unpack, unpack_zip, Limits};
    pub use crate::doctor::startup::scan as scan_startup_file;
    pub use crate::shell::syntax::{outline, parse as parse_shell, Dialect};
    pub use crate::sumdb::note::{open as open_note, Verifier};
    pub use crate::sumdb::tlog::{parse_tree, TileSource, Tree, Verified};
    pub use crate::tools::buildinfo::{parse_modinfo, read as read_buildinfo};
    pub use crate::tools::install_target;
    pub use crate::vulndb::osv::parse as parse_osv;
}

/// What the generated references in docs/ are made from (the command tree, doctor's finding
/// ids), for tests/suite/docs.rs and nothing else.
#[doc(hidden)]
pub mod reference {
    pub use crate::doctor::catalog::{Described, FINDINGS};

    /// gover's command tree, as `--help` renders it.
    pub fn command() -> clap::Command {
        <crate::cli::Cli as clap::CommandFactory>::command()
    }
}
