//! `gover link NAME DIR`: name a Go tree gover did not install (a gotip build, a
//! distribution's go, a fork) so pins and commands can use it like a version. gover checks
//! the tree runs, and never changes or deletes it: `gover uninstall NAME` removes the name.

use std::path::PathBuf;

use crate::app::App;
use crate::error::Result;
use crate::links;
use crate::output::{self, outln};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The name to use in pins and commands (gover use NAME): a letter, then letters, digits, `.`, `_` or `-`
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The Go tree: the directory holding bin/go (its GOROOT)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Point an existing name at this tree instead
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let (dir, checked) = links::make(&app.process, &app.store, &args.name, &args.dir, args.force)?;
    // The shims are what make a pin of it work, as after a first install.
    app.store.ensure_shims(&app.process)?;
    if let Some(file) = &checked.version_file {
        output::warn(format!(
            "{}/VERSION says {file}, but its go reports {}; gover goes by what go reports",
            dir.display(),
            checked.reported
        ));
    }
    outln!(app.out, Info, "linked {} -> {} ({})", args.name, dir.display(), checked.reported);
    Ok(())
}
