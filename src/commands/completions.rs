//! `gover completions <shell>`: completion scripts generated from the clap definition. The
//! copies in completions/ are checked against this by tests/shell_completions.rs.

use clap::CommandFactory;

use crate::app::App;
use crate::cli::Cli;
use crate::error::Result;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to print completions for
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args, _app: &App) -> Result<()> {
    print!("{}", script(args.shell));
    Ok(())
}

pub fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "gover", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
