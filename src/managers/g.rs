//! g (github.com/voidint/g): `$G_HOME` (default ~/.g) holds `versions/1.x/go` trees (older
//! releases: the tree itself), and `go`, a symlink to the version in use. Its installer writes
//! `~/.g/env` (exporting GOROOT=~/.g/go and putting ~/.g/bin and $GOROOT/bin first on PATH)
//! and appends `[ -s "${HOME}/.g/env" ] && \. "${HOME}/.g/env"  # g shell setup` to .bashrc
//! and .zshrc; older installers appended the exports themselves. g rewrites ~/.g/env, so the
//! user's line that sources it is what gets disabled. stefanmaric/g marks its line
//! `# g-install: do NOT edit`. Tools stay in go's default GOPATH, which gover shares.

use std::path::PathBuf;

use gover_shim::Spec;

use super::{children, mentions_variable, version_file, About, Places};

pub struct G;

fn root(places: &Places) -> PathBuf {
    places.dir("G_HOME", || places.home.join(".g"))
}

impl About for G {
    fn containers(&self, places: &Places) -> Vec<PathBuf> {
        children(&root(places).join("versions"))
    }

    fn dirs(&self, places: &Places) -> Vec<PathBuf> {
        vec![root(places)]
    }

    fn is_setup_line(&self, code: &str) -> bool {
        [".g/env", ".g/go", ".g/bin", "g-install"].iter().any(|mark| code.contains(mark))
            || ["G_HOME", "G_MIRROR"].iter().any(|v| mentions_variable(code, v))
    }

    /// The version `~/.g/go` links to.
    fn default_version(&self, places: &Places) -> Option<Spec> {
        let current = std::fs::canonicalize(root(places).join("go")).ok()?;
        Some(Spec::Exact(version_file(&current)?))
    }

    fn tool_dirs(&self, _places: &Places) -> Vec<PathBuf> {
        Vec::new()
    }

    fn removal(&self, places: &Places) -> String {
        format!("rm -rf {} (and the g binary)", root(places).display())
    }
}
