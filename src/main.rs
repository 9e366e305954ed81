//! gover: a multi-version Go toolchain manager. Parses the command line, runs the command,
//! and turns an error into its message and exit code.

mod app;
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
    // A bug should say so, in the usual error format and with a code scripts can tell apart,
    // whether the release build aborts on a panic or a debug build unwinds.
    std::panic::set_hook(Box::new(|info| {
        let err = error::crash(info);
        let _ = std::io::Write::write_all(&mut std::io::stderr(), err.render().as_bytes());
        std::process::exit(err.code);
    }));
    let cli = cli::Cli::parse();
    let app = app::App::new(cli.global.home.as_deref(), cli.global.quiet, cli::Cli::command);
    let code = match app.and_then(|app| commands::run(cli.command, &app)) {
        Ok(()) => 0,
        Err(err) => {
            eprint!("{}", err.render());
            err.code
        }
    };
    std::process::exit(code);
}
