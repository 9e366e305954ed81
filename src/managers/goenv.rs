//! goenv (github.com/go-nv/goenv; 2.x in shell, 3 rewritten in Go, same layout and lines):
//! `$GOENV_ROOT` (default ~/.goenv) holds `versions/1.x` trees, `shims/` and the global
//! default in `version`. Its README sets it up with
//! `export GOENV_ROOT="$HOME/.goenv"`, `export PATH="$GOENV_ROOT/bin:$PATH"` and
//! `eval "$(goenv init -)"` (fish: `set -Ux GOENV_ROOT …`, `set -U fish_user_paths
//! $GOENV_ROOT/bin …`, `goenv init - | source`). Unless GOENV_DISABLE_GOPATH is set, its
//! init points GOPATH at `$GOENV_GOPATH_PREFIX/<version>` (default ~/go/1.x), so `go
//! install`ed tools land in ~/go/1.x/bin.

use std::path::PathBuf;

use gover_shim::Spec;

use super::{children, mentions_variable, spec_of, About, Places};

pub struct Goenv;

fn root(places: &Places) -> PathBuf {
    places.dir("GOENV_ROOT", || places.home.join(".goenv"))
}

impl About for Goenv {
    fn containers(&self, places: &Places) -> Vec<PathBuf> {
        children(&root(places).join("versions"))
    }

    fn dirs(&self, places: &Places) -> Vec<PathBuf> {
        vec![root(places)]
    }

    fn is_setup_line(&self, code: &str) -> bool {
        code.contains("goenv init") || code.contains(".goenv/") || mentions_variable(code, "GOENV_ROOT")
    }

    fn default_version(&self, places: &Places) -> Option<Spec> {
        let text = std::fs::read_to_string(root(places).join("version")).ok()?;
        spec_of(text.lines().next()?)
    }

    fn tool_dirs(&self, places: &Places) -> Vec<PathBuf> {
        let prefix = places.dir("GOENV_GOPATH_PREFIX", || places.home.join("go"));
        self.containers(places)
            .iter()
            .filter_map(|tree| tree.file_name())
            .map(|version| prefix.join(version).join("bin"))
            .collect()
    }

    fn removal(&self, places: &Places) -> String {
        format!("rm -rf {}", root(places).display())
    }
}
