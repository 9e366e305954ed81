//! `gover init <shell>`: print the hook a shell evaluates at start-up. The startup-file line
//! `gover setup` adds sources the same text from GOVER_HOME/shell, so no process starts; this
//! command is for `eval "$(gover init bash)"` set-ups and for reading what the hook does.

use crate::app::App;
use crate::error::Result;
use crate::output::{self, out};
use crate::shell::{self, HookPaths, Shell};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to print the hook for
    pub shell: Shell,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let paths = HookPaths::for_current_exe(&app.process, &app.store)?;
    // The hook points at the shims and completion scripts: make sure they exist, but never
    // fail a shell's start-up over it.
    if let Err(err) =
        app.store.ensure_shims(&app.process).and_then(|()| shell::write_files(&paths, app.cli).map(|_| ()))
    {
        output::warn(format!("{err}; run gover setup"));
    }
    out!(app.out, Answer, "{}", args.shell.hook(&paths));
    Ok(())
}
