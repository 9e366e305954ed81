//! What every command gets: the store and the process's view of the world (rustup's
//! `Process`), gathered once so commands take their environment as a value.

use std::ffi::OsString;

use gover_shim::{Context, GoverHome};

use crate::cli::GlobalArgs;
use crate::error::{Error, Result};
use crate::store::Store;

pub struct App {
    pub store: Store,
    pub quiet: bool,
}

impl App {
    pub fn new(global: &GlobalArgs) -> Result<App> {
        let home = match &global.home {
            Some(dir) => GoverHome::new(
                std::path::absolute(dir)
                    .map_err(|e| Error::usage(format!("cannot use --home {}", dir.display())).cause(e))?,
            ),
            None => GoverHome::locate(|name| std::env::var_os(name)).ok_or_else(|| {
                Error::new(crate::error::exit::ENVIRONMENT, "cannot find where gover keeps its files")
                    .cause("neither GOVER_HOME nor HOME is set")
                    .hint("set GOVER_HOME=/path/to/gover-home")
            })?,
        };
        Ok(App { store: Store::new(home), quiet: global.quiet })
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
