//! GOVER_HOME on disk: installed versions, the shims, staging and download areas, locks.
//! The layout itself is named in `gover_shim::GoverHome`, which the shim shares.

use std::fs;
use std::path::{Path, PathBuf};

use gover_shim::{GoVersion, GoverHome};

use crate::error::{self, Error, Result};

/// The tools a Go release ships in `bin/`, each served by a shim of the same name.
pub const SHIMMED_TOOLS: [&str; 2] = ["go", "gofmt"];

pub struct Store {
    home: GoverHome,
}

impl Store {
    pub fn new(home: GoverHome) -> Store {
        Store { home }
    }

    pub fn home(&self) -> &GoverHome {
        &self.home
    }

    pub fn root(&self) -> &Path {
        self.home.root()
    }

    /// Extraction happens here, on the same filesystem as versions/, so the final rename is atomic.
    pub fn staging_dir(&self) -> PathBuf {
        self.root().join("staging")
    }

    pub fn downloads_dir(&self) -> PathBuf {
        self.root().join("downloads")
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.root().join("locks")
    }

    pub fn backups_dir(&self) -> PathBuf {
        self.root().join("backups")
    }

    /// The rendered shell hooks and completion scripts the startup-file lines source.
    pub fn shell_dir(&self) -> PathBuf {
        self.root().join("shell")
    }

    /// What `gover setup` created outside GOVER_HOME, for `gover implode`.
    pub fn setup_manifest(&self) -> PathBuf {
        self.shell_dir().join("created")
    }

    /// Installed versions, oldest first.
    pub fn installed(&self) -> Vec<GoVersion> {
        let mut versions = self.home.installed();
        versions.sort();
        versions
    }

    pub fn is_installed(&self, version: &GoVersion) -> bool {
        self.home.version_dir(version).join("bin/go").is_file()
    }

    /// Creates `dir` and its parents, with an error that names it.
    pub fn create_dir(dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(|e| error::io("create", dir, e))
    }

    /// Makes GOVER_HOME/shims/{go,gofmt} the current shim binary: hard links where possible,
    /// copies otherwise, each replaced by one rename so a running `go` never sees a half-written
    /// shim. Does nothing when they are already up to date.
    pub fn ensure_shims(&self) -> Result<()> {
        let source = shim_binary()?;
        let dir = self.home.shims_dir();
        Self::create_dir(&dir)?;
        for tool in SHIMMED_TOOLS {
            let dest = dir.join(tool);
            if same_file_content(&source, &dest) {
                continue;
            }
            let temp = dir.join(format!(".{tool}.new-{}", std::process::id()));
            let _ = fs::remove_file(&temp);
            if fs::hard_link(&source, &temp).is_err() {
                fs::copy(&source, &temp).map_err(|e| error::io("copy the shim to", &temp, e))?;
            }
            fs::rename(&temp, &dest).map_err(|e| {
                let _ = fs::remove_file(&temp);
                error::io("install the shim", &dest, e)
            })?;
        }
        Ok(())
    }
}

/// The shim binary shipped beside `gover` (install.sh and cargo put them side by side);
/// `GOVER_SHIM_BINARY` overrides it for packagers.
fn shim_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("GOVER_SHIM_BINARY") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|e| Error::failure("cannot find the gover executable").cause(e))?;
    let shim = exe.with_file_name("gover-shim");
    if shim.is_file() {
        Ok(shim)
    } else {
        Err(Error::new(error::exit::ENVIRONMENT, format!("the shim binary is missing: {}", shim.display()))
            .hint("reinstall gover with install.sh, or set GOVER_SHIM_BINARY to the gover-shim binary"))
    }
}

fn same_file_content(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(ma), Ok(mb)) if ma.dev() == mb.dev() && ma.ino() == mb.ino() => true,
        (Ok(ma), Ok(mb)) if ma.len() == mb.len() => fs::read(a).ok() == fs::read(b).ok(),
        _ => false,
    }
}
