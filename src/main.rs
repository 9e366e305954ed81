//! gover: a multi-version Go toolchain manager. Parses the command line, runs the command,
//! and turns an error into its message and exit code.

// Every line goes through `output`, which handles -q, colour and a closed pipe in one place.
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

mod app;
mod ci;
mod cli;
mod commands;
mod dist;
mod doctor;
mod elf;
mod error;
mod goenv;
mod import;
mod interrupt;
mod managers;
mod output;
mod reconcile;
mod repin;
mod shell;
mod store;
mod sumdb;
mod vulndb;

use clap::{CommandFactory, Parser};

fn main() {
    let cli = cli::Cli::parse();
    let out = output::Output::new(cli.global.quiet);
    let app = app::App::new(cli.global.home.as_deref(), out, cli.global.trust_mirror, cli::Cli::command);
    let result = app.and_then(|app| commands::run(cli.command, &app)).and_then(|()| output::finish());
    let code = match result {
        Ok(()) => 0,
        Err(err) => {
            output::error(&err);
            err.code
        }
    };
    std::process::exit(code);
}
