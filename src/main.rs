//! gover: a multi-version Go toolchain manager. Parses the command line, runs the command,
//! and turns an error into its message and exit code.

mod app;
mod cli;
mod commands;
mod dist;
mod doctor;
mod error;
mod import;
mod output;
mod reconcile;
mod shell;
mod store;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let code = match app::App::new(&cli.global).and_then(|app| commands::run(cli.command, &app)) {
        Ok(()) => 0,
        Err(err) => {
            eprint!("{}", err.render());
            err.code
        }
    };
    std::process::exit(code);
}
