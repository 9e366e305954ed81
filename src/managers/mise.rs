//! mise (github.com/jdx/mise): `$MISE_DATA_DIR` (default ~/.local/share/mise) holds
//! `installs/go/1.x` trees (bin/go at the top) and `shims/`; mise sets GOBIN to the version's
//! own `bin`, so `go install`ed tools sit beside its go. Versions come from `mise.toml` and
//! its relatives (read as pin files by the shim) and the global `~/.config/mise/config.toml`.
//! It is set up with `eval "$(mise activate bash)"` (zsh alike; fish: `mise activate fish |
//! source`) or, in shims mode, `export PATH="$HOME/.local/share/mise/shims:$PATH"`; its bash
//! and zsh activation defines a `cd` function from inside the eval.

use std::path::PathBuf;

use gover_shim::pin::PinFile;
use gover_shim::Spec;

use super::{children, About, Places};

pub struct Mise;

fn data(places: &Places) -> PathBuf {
    places.dir("MISE_DATA_DIR", || places.xdg("XDG_DATA_HOME", ".local/share").join("mise"))
}

fn config(places: &Places) -> PathBuf {
    places.dir("MISE_CONFIG_DIR", || places.xdg("XDG_CONFIG_HOME", ".config").join("mise")).join("config.toml")
}

impl About for Mise {
    fn containers(&self, places: &Places) -> Vec<PathBuf> {
        children(&data(places).join("installs/go"))
    }

    /// Only its Go installs: the rest of its data serves other tools.
    fn dirs(&self, places: &Places) -> Vec<PathBuf> {
        vec![data(places).join("installs/go"), data(places).join("shims")]
    }

    fn is_setup_line(&self, code: &str) -> bool {
        ["mise activate", "rtx activate", "mise/shims"].iter().any(|mark| code.contains(mark))
    }

    fn default_version(&self, places: &Places) -> Option<Spec> {
        Some(PinFile::Mise(".config/mise/config.toml").read(&config(places)).ok()??.spec)
    }

    fn tool_dirs(&self, places: &Places) -> Vec<PathBuf> {
        self.containers(places).iter().map(|v| v.join("bin")).collect()
    }

    fn serves_others(&self, places: &Places) -> bool {
        children(&data(places).join("installs")).iter().any(|p| p.file_name().is_some_and(|n| n != "go"))
    }

    fn removal(&self, places: &Places) -> String {
        if self.serves_others(places) {
            "mise uninstall --all go, and remove go from ~/.config/mise/config.toml".into()
        } else {
            format!("mise implode (or rm -rf {})", data(places).display())
        }
    }
}
