//! What `gover setup` brought into existence outside GOVER_HOME (startup files that were not
//! there, the directories made for them and for GOVER_HOME, the binaries install.sh copied
//! and the directory it made for them), so `gover implode` removes exactly that and never a
//! file or directory the user had before.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Result;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetupManifest {
    /// Files setup created; implode deletes them once gover's lines are gone and nothing else is left.
    pub files: Vec<PathBuf>,
    /// Startup files setup put gover's line in, where the environment then placed them: a
    /// ZDOTDIR that /etc/zsh/zshenv sets is zsh's alone, so implode run from bash would not
    /// find `$ZDOTDIR/.zshenv` by itself.
    pub lines: Vec<PathBuf>,
    /// Binaries install.sh put in place.
    pub binaries: Vec<PathBuf>,
    /// Directories made for those files or for GOVER_HOME; implode removes each that is empty.
    pub dirs: Vec<PathBuf>,
}

impl SetupManifest {
    pub fn parse(text: &str) -> SetupManifest {
        let mut manifest = SetupManifest::default();
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("file", path)) => manifest.files.push(path.into()),
                Some(("line", path)) => manifest.lines.push(path.into()),
                Some(("binary", path)) => manifest.binaries.push(path.into()),
                Some(("dir", path)) => manifest.dirs.push(path.into()),
                _ => {}
            }
        }
        manifest
    }

    pub fn render(&self) -> String {
        let mut out = String::from("# made by gover setup; read by gover implode\n");
        for (kind, paths) in
            [("file", &self.files), ("line", &self.lines), ("binary", &self.binaries), ("dir", &self.dirs)]
        {
            for path in paths {
                out.push_str(&format!("{kind} {}\n", path.display()));
            }
        }
        out
    }

    pub fn load(path: &Path) -> SetupManifest {
        fs::read_to_string(path).map(|t| SetupManifest::parse(&t)).unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        super::write_if_changed(path, self.render().as_bytes()).map(|_| ())
    }

    pub fn add_file(&mut self, path: &Path) {
        if !self.files.iter().any(|p| p == path) {
            self.files.push(path.to_path_buf());
        }
    }

    pub fn add_line(&mut self, path: &Path) {
        if !self.lines.iter().any(|p| p == path) {
            self.lines.push(path.to_path_buf());
        }
    }

    pub fn add_binary(&mut self, path: &Path) {
        if !self.binaries.iter().any(|p| p == path) {
            self.binaries.push(path.to_path_buf());
        }
    }

    pub fn add_dir(&mut self, path: &Path) {
        if !self.dirs.iter().any(|p| p == path) {
            self.dirs.push(path.to_path_buf());
        }
    }

    /// Runs `make`, which creates `path` (a file or directory) or changes it, and records
    /// what it brought into existence: `path` itself if it is a file that was not there, and
    /// every directory above it that was missing.
    pub fn track<T>(&mut self, path: &Path, make: impl FnOnce() -> Result<T>) -> Result<T> {
        let existed = fs::symlink_metadata(path).is_ok();
        let missing: Vec<PathBuf> = path
            .ancestors()
            .skip(1)
            .take_while(|dir| fs::symlink_metadata(dir).is_err())
            .map(Path::to_path_buf)
            .collect();
        let made = make()?;
        if !existed && path.is_file() {
            self.add_file(path);
        }
        for dir in &missing {
            self.add_dir(dir);
        }
        Ok(made)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut m = SetupManifest::default();
        m.add_file(Path::new("/h/.zshenv"));
        m.add_file(Path::new("/h/.zshenv"));
        m.add_line(Path::new("/z/.zshenv"));
        m.add_binary(Path::new("/h/.local/bin/gover"));
        m.add_dir(Path::new("/h/.config/fish/conf.d"));
        assert_eq!(m.files.len(), 1);
        assert_eq!(SetupManifest::parse(&m.render()), m);
    }

    #[test]
    fn tracks_what_a_write_brought_into_existence() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a/b/c.fish");
        let mut m = SetupManifest::default();
        m.track(&file, || crate::shell::write_if_changed(&file, b"x")).unwrap();
        assert_eq!(m.files, std::slice::from_ref(&file));
        assert_eq!(m.dirs, [tmp.path().join("a/b"), tmp.path().join("a")]);
        // Changing what is there brings nothing new.
        let mut again = SetupManifest::default();
        again.track(&file, || crate::shell::write_if_changed(&file, b"y")).unwrap();
        assert_eq!(again, SetupManifest::default());
    }
}
