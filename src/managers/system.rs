//! Go installed outside any manager: the official tarball in /usr/local/go, Debian's
//! golang-go in /usr/lib/go-1.x, Fedora's /usr/lib/golang. Its startup lines are plain PATH
//! and GOROOT edits, which doctor reports as such.

use std::path::PathBuf;

use gover_shim::Spec;

use super::{children, About, Places};

pub struct System;

impl About for System {
    fn containers(&self, places: &Places) -> Vec<PathBuf> {
        let usr = places.system_root.join("usr");
        let mut dirs = vec![usr.join("local/go"), usr.join("lib/golang")];
        dirs.extend(
            children(&usr.join("lib"))
                .into_iter()
                .filter(|d| d.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("go-"))),
        );
        dirs
    }

    fn dirs(&self, _places: &Places) -> Vec<PathBuf> {
        Vec::new()
    }

    fn is_setup_line(&self, _code: &str) -> bool {
        false
    }

    fn default_version(&self, _places: &Places) -> Option<Spec> {
        None
    }

    fn tool_dirs(&self, _places: &Places) -> Vec<PathBuf> {
        Vec::new()
    }

    fn removal(&self, _places: &Places) -> String {
        "remove it with the package manager that installed it".into()
    }
}
