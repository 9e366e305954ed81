//! The command-line interface: global options and the subcommand tree. Every global option
//! is also a GOVER_* environment variable, so CI can set it once.

use std::path::PathBuf;

use clap::{Args, Parser};

use crate::commands::Command;

#[derive(Parser, Debug)]
#[command(
    name = "gover",
    version,
    about = "Install Go releases, switch between them per directory, and fix broken Go setups",
    after_help = "Exit codes: 0 ok, 1 failure, 2 usage, 3 not installed, 4 no such version, 5 network, \
                  6 verification failed, 7 bad pin file, 8 unusable environment, 101 crashed (a bug), \
                  130/143 interrupted"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// Print only errors and what a script needs (no progress bars or notes)
    #[arg(short, long, global = true, env = "GOVER_QUIET")]
    pub quiet: bool,
    /// Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]
    // GOVER_HOME is read by App, not by clap: an exported GOVER_HOME (the hook exports it) would
    // otherwise show up as `--home <DIR>` in every usage line.
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
}
