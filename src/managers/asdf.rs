//! asdf (github.com/asdf-vm/asdf) with the asdf-golang plugin: `$ASDF_DATA_DIR` (default
//! ~/.asdf) holds `installs/golang/1.x/go` trees, `shims/`, `plugins/golang` and, per
//! version, `packages` (GOPATH) and `bin` (GOBIN, where `go install`ed tools land) as the
//! plugin's set-env scripts export them. Versions are picked from `.tool-versions`
//! (`golang 1.22.10`), the global one in `~/.tool-versions`.
//!
//! asdf 0.15 and older are set up with `. "$HOME/.asdf/asdf.sh"` (and `asdf.fish`,
//! `completions/asdf.bash`); 0.16 and later (the Go rewrite) with
//! `export PATH="${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH"`. asdf-golang's README adds
//! `. ${ASDF_DATA_DIR:-$HOME/.asdf}/plugins/golang/set-env.bash` (`.zsh` registers a precmd
//! hook re-exporting GOROOT, GOPATH and GOBIN at every prompt; `.fish` alike).

use std::path::PathBuf;

use gover_shim::pin::PinFile;
use gover_shim::Spec;

use super::{children, mentions_variable, About, Places};

pub struct Asdf;

fn data(places: &Places) -> PathBuf {
    places.dir("ASDF_DATA_DIR", || places.home.join(".asdf"))
}

/// The plugin is installed as `golang`, sometimes as `go`.
const PLUGINS: [&str; 2] = ["golang", "go"];

impl About for Asdf {
    fn containers(&self, places: &Places) -> Vec<PathBuf> {
        PLUGINS.iter().flat_map(|p| children(&data(places).join("installs").join(p))).collect()
    }

    fn dirs(&self, places: &Places) -> Vec<PathBuf> {
        vec![data(places)]
    }

    fn go_dir(&self, places: &Places) -> PathBuf {
        data(places).join("plugins/golang")
    }

    fn is_setup_line(&self, code: &str) -> bool {
        ["asdf.sh", "asdf.fish", "asdf.bash", "asdf.zsh", "asdf completion", ".asdf/shims", "plugins/golang/set-env"]
            .iter()
            .any(|mark| code.contains(mark))
            // `_asdf_shims` is the variable of asdf's own fish snippet.
            || ["ASDF_DATA_DIR", "ASDF_DIR", "_asdf_shims"].iter().any(|v| mentions_variable(code, v))
    }

    fn default_version(&self, places: &Places) -> Option<Spec> {
        let name = (places.var)("ASDF_DEFAULT_TOOL_VERSIONS_FILENAME").unwrap_or_else(|| ".tool-versions".into());
        Some(PinFile::ToolVersions.read(&places.home.join(name)).ok()??.spec)
    }

    fn tool_dirs(&self, places: &Places) -> Vec<PathBuf> {
        self.containers(places).iter().flat_map(|v| [v.join("bin"), v.join("packages/bin")]).collect()
    }

    fn serves_others(&self, places: &Places) -> bool {
        children(&data(places).join("plugins"))
            .iter()
            .any(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| !PLUGINS.contains(&n)))
    }

    fn removal(&self, places: &Places) -> String {
        if self.serves_others(places) {
            "asdf plugin remove golang".into()
        } else {
            format!("asdf plugin remove golang, then rm -rf {} if asdf serves nothing else", data(places).display())
        }
    }
}
