//! `gover use`: pin the working directory to a version by writing `.go-version`.

use crate::app::App;
use crate::error::Result;
use crate::output;
use crate::pinning::pin;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The version to use here: 1.22 (newest installed 1.22.x), 1.22.10, latest, stable, oldstable or system
    pub version: String,
    /// Install the version first if it is missing (asked on a terminal otherwise)
    #[arg(long)]
    pub install: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let ctx = app.context()?;
    let file = ctx.cwd.join(".go-version");
    pin(app, &args.version, &file, args.install, "gover use")?;
    // A pin in /tmp itself, or in another user's directory, is one the resolver skips.
    if let Ok(request) = gover_shim::resolve::request(&ctx) {
        for ignored in request.ignored.iter().filter(|i| i.path == file) {
            output::warn(gover_shim::resolve::ignored_pin_warning(ignored, &request.source));
        }
    }
    if let Some(value) = app.process.value("GOVER_VERSION") {
        output::warn(format!(
            "GOVER_VERSION={} overrides this pin in the current shell; run gover shell --unset",
            value.to_string_lossy()
        ));
    }
    Ok(())
}
