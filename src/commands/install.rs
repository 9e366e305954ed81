//! `gover install <spec>...`: resolve each spec against the release index, then download,
//! verify and install it (see `crate::installing`). After the first install the shims exist and,
//! if nothing is the global default yet, the installed version becomes it.

use gover_shim::Spec;

use crate::app::App;
use crate::error::{Error, Result};
use crate::installing::{self, SourceArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to install: 1.22 (the newest 1.22.x), 1.22.10, go1.22.10, 1.23rc1, latest, stable, oldstable
    #[arg(required = true, value_name = "VERSION")]
    pub specs: Vec<String>,
    #[command(flatten)]
    pub from: SourceArgs,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let specs =
        args.specs.iter().map(|text| Ok((text.as_str(), parse_spec(text, app)?))).collect::<Result<Vec<_>>>()?;
    installing::install(app, &specs, &args.from)
}

/// A spec to install; `system` (which asdf and gvm users may try) is refused with what it is
/// here: the first go on PATH that is not a gover shim, which gover does not install.
fn parse_spec(text: &str, app: &App) -> Result<Spec> {
    match crate::app::parse_spec(text)? {
        Spec::System => {
            let here = match app.context().ok().and_then(|ctx| gover_shim::resolve::find_system_go(&ctx)) {
                Some(dir) => format!("here that is {}", dir.join("go").display()),
                None => "here there is none".to_string(),
            };
            Err(Error::usage("`system` is not installed by gover")
                .cause(format!("it names the first go on PATH that is not a gover shim; {here}"))
                .hint("install that go with the system's package manager, or name a release: gover install 1.22"))
        }
        spec => Ok(spec),
    }
}
