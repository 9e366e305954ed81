//! gvm (github.com/moovweb/gvm): `$GVM_ROOT` (default ~/.gvm) holds `gos/go1.x` trees, a
//! package set per version (`pkgsets/go1.x/global`, its GOPATH, whose `bin` gets `go
//! install`ed tools) and `environments/<name>` scripts; `gvm use --default` copies one to
//! `environments/default`. Its installer appends
//! `[[ -s "$HOME/.gvm/scripts/gvm" ]] && source "$HOME/.gvm/scripts/gvm"` to .bashrc/.zshrc,
//! and that script overrides `cd`.

use std::path::PathBuf;

use gover_shim::Spec;

use super::{children, mentions_variable, spec_of, About, Places};

pub struct Gvm;

fn root(places: &Places) -> PathBuf {
    places.dir("GVM_ROOT", || places.home.join(".gvm"))
}

impl About for Gvm {
    fn containers(&self, places: &Places) -> Vec<PathBuf> {
        children(&root(places).join("gos"))
    }

    fn dirs(&self, places: &Places) -> Vec<PathBuf> {
        vec![root(places)]
    }

    fn is_setup_line(&self, code: &str) -> bool {
        code.contains(".gvm/scripts/gvm") || code.contains("gvm use") || mentions_variable(code, "GVM_ROOT")
    }

    /// `environments/default` exports `gvm_go_name; gvm_go_name="go1.22.10"`.
    fn default_version(&self, places: &Places) -> Option<Spec> {
        let text = std::fs::read_to_string(root(places).join("environments/default")).ok()?;
        text.lines().find_map(|line| {
            let value = line.split("gvm_go_name=").nth(1)?;
            spec_of(value.trim().trim_matches(|c| c == '"' || c == '\''))
        })
    }

    fn tool_dirs(&self, places: &Places) -> Vec<PathBuf> {
        children(&root(places).join("pkgsets")).iter().flat_map(|v| children(v)).map(|set| set.join("bin")).collect()
    }

    fn removal(&self, places: &Places) -> String {
        format!("rm -rf {}", root(places).display())
    }
}
