//! What `gover setup` brought into existence outside GOVER_HOME (startup files that were not
//! there, the binaries install.sh copied), so `gover implode` removes exactly that and never
//! a file the user had before.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Result;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Files setup created; implode deletes them once gover's lines are gone and nothing else is left.
    pub files: Vec<PathBuf>,
    /// Binaries install.sh put in place.
    pub binaries: Vec<PathBuf>,
}

impl Manifest {
    pub fn parse(text: &str) -> Manifest {
        let mut manifest = Manifest::default();
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("file", path)) => manifest.files.push(path.into()),
                Some(("binary", path)) => manifest.binaries.push(path.into()),
                _ => {}
            }
        }
        manifest
    }

    pub fn render(&self) -> String {
        let mut out = String::from("# made by gover setup; read by gover implode\n");
        for (kind, paths) in [("file", &self.files), ("binary", &self.binaries)] {
            for path in paths {
                out.push_str(&format!("{kind} {}\n", path.display()));
            }
        }
        out
    }

    pub fn load(path: &Path) -> Manifest {
        fs::read_to_string(path).map(|t| Manifest::parse(&t)).unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        super::write_if_changed(path, self.render().as_bytes()).map(|_| ())
    }

    pub fn add_file(&mut self, path: &Path) {
        if !self.files.iter().any(|p| p == path) {
            self.files.push(path.to_path_buf());
        }
    }

    pub fn add_binary(&mut self, path: &Path) {
        if !self.binaries.iter().any(|p| p == path) {
            self.binaries.push(path.to_path_buf());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut m = Manifest::default();
        m.add_file(Path::new("/h/.zshenv"));
        m.add_file(Path::new("/h/.zshenv"));
        m.add_binary(Path::new("/h/.local/bin/gover"));
        assert_eq!(m.files.len(), 1);
        assert_eq!(Manifest::parse(&m.render()), m);
    }
}
