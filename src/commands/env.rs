//! `gover env` (being built; see the open issue).

use crate::app::App;
use crate::error::{Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args, _app: &App) -> Result<()> {
    Err(Error::failure("gover env is not built yet"))
}
