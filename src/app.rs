//! What every command gets: the store and the process's view of the world (rustup's
//! `Process`), gathered once so commands take their environment as a value.

use std::ffi::OsString;

use gover_shim::resolve::toolchain_for;
use gover_shim::{Context, GoverHome, Request, Source, Spec, Toolchain};

use crate::error::{exit, Error, Result};
use crate::store::Store;

pub struct App {
    pub store: Store,
    pub quiet: bool,
    /// Builds the whole clap tree, for the completion scripts. main hands it down so that
    /// nothing below main imports `cli`, which imports the commands.
    pub cli: fn() -> clap::Command,
}

impl App {
    /// `home` is `--home` (or GOVER_HOME as clap read it); without it, the default place.
    pub fn new(home: Option<&std::path::Path>, quiet: bool, cli: fn() -> clap::Command) -> Result<App> {
        let home = match home {
            Some(dir) => GoverHome::new(
                std::path::absolute(dir)
                    .map_err(|e| Error::usage(format!("cannot use --home {}", dir.display())).cause(e))?,
            ),
            None => GoverHome::locate(|name| std::env::var_os(name)).ok_or_else(|| {
                Error::new(exit::ENVIRONMENT, "cannot find where gover keeps its files")
                    .cause("neither GOVER_HOME nor HOME is set")
                    .hint("set GOVER_HOME=/path/to/gover-home")
            })?,
        };
        Ok(App { store: Store::new(home), quiet, cli })
    }

    /// The resolver's view of this process: working directory, GOVER_VERSION, PATH.
    pub fn context(&self) -> Result<Context> {
        let cwd = std::env::current_dir().map_err(|e| Error::failure("cannot read the working directory").cause(e))?;
        Ok(Context {
            cwd,
            home: self.store.home().clone(),
            env_version: var("GOVER_VERSION").filter(|v| !v.is_empty()),
            path: var("PATH"),
        })
    }
}

fn var(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}

impl App {
    /// The installed toolchain for a version named on the command line.
    pub fn toolchain(&self, spec: &Spec) -> Result<Toolchain> {
        let request = Request { spec: spec.clone(), source: Source::Argument };
        Ok(toolchain_for(&self.context()?, &request)?)
    }
}

/// A version spec from the command line, or a usage error that shows what one looks like.
pub fn parse_spec(text: &str) -> Result<Spec> {
    Spec::parse(text).ok_or_else(|| {
        Error::usage(format!("{text:?} is not a Go version"))
            .hint("versions look like 1.22 (newest 1.22.x), 1.22.10, go1.23rc1, latest or system")
    })
}
