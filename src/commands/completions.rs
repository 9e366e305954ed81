//! `gover completions <shell>`: completion scripts generated from the clap definition. The
//! copies in completions/ are checked against this by tests/suite/shell_completions.rs.

use crate::app::App;
use crate::error::Result;
use crate::output::out;
use crate::shell;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to print completions for
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    out!(app.out, Answer, "{}", shell::completion_script(args.shell, app.cli));
    Ok(())
}
