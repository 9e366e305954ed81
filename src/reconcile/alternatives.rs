//! Removing a `go`/`gofmt` alternative that points at a missing or conflicting toolchain:
//! with `update-alternatives --remove` when it is installed, else by editing its admin file
//! and links the way it would. Without the right to write its state, the exact `sudo`
//! command is printed instead.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::doctor::alternatives::{parse, Group};
use crate::doctor::env::writable;
use crate::error::{self, Error, Result};

pub const DEFAULT_ADMIN_DIR: &str = "/var/lib/dpkg/alternatives";
pub const DEFAULT_ALT_DIR: &str = "/etc/alternatives";

/// Where update-alternatives keeps its state (overridable so tests can plant their own).
pub struct Dirs {
    pub admin: PathBuf,
    pub links: PathBuf,
    /// `update-alternatives`, when installed.
    pub program: Option<PathBuf>,
}

/// What removing an alternative from its group did.
#[derive(Debug, PartialEq, Eq)]
pub enum RemovalOutcome {
    Removed,
    /// Not allowed to change it: run this instead.
    NeedsRoot(String),
    /// The alternative is not (or no longer) in the group.
    Absent,
}

impl Dirs {
    /// The `update-alternatives` options that select these directories (none for the defaults).
    fn options(&self) -> Vec<String> {
        let mut options = Vec::new();
        if self.admin != Path::new(DEFAULT_ADMIN_DIR) {
            options.extend(["--admindir".to_string(), self.admin.display().to_string()]);
        }
        if self.links != Path::new(DEFAULT_ALT_DIR) {
            options.extend(["--altdir".to_string(), self.links.display().to_string()]);
        }
        options
    }

    /// The command a user with the right to would run.
    pub fn remove_command(&self, name: &str, path: &Path) -> String {
        let mut words = vec!["sudo".to_string(), "update-alternatives".to_string()];
        words.extend(self.options());
        words.extend(["--remove".to_string(), name.to_string(), path.display().to_string()]);
        words.iter().map(|w| shell_word(w)).collect::<Vec<_>>().join(" ")
    }

    /// Removes `path` from the `name` group.
    pub fn remove(&self, name: &str, path: &Path) -> Result<RemovalOutcome> {
        let admin_file = self.admin.join(name);
        let Ok(text) = fs::read_to_string(&admin_file) else { return Ok(RemovalOutcome::Absent) };
        let Some(group) = parse(&text) else {
            return Err(Error::failure(format!("cannot read the alternatives file {}", admin_file.display())));
        };
        if !group.choices.iter().any(|c| c.path == path) {
            return Ok(RemovalOutcome::Absent);
        }
        if !writable(&self.admin) || !writable(&self.links) {
            return Ok(RemovalOutcome::NeedsRoot(self.remove_command(name, path)));
        }
        match &self.program {
            Some(program) => {
                let mut cmd = Command::new(program);
                cmd.args(self.options());
                if self.admin != Path::new(DEFAULT_ADMIN_DIR) {
                    // A planted admin dir is not the system's: keep the system log out of it.
                    cmd.args(["--log", "/dev/null"]);
                }
                cmd.arg("--remove").arg(name).arg(path);
                let out = cmd.output().map_err(|e| error::io("run", program, e))?;
                if !out.status.success() {
                    return Err(Error::failure(format!("update-alternatives could not remove {}", path.display()))
                        .cause(String::from_utf8_lossy(&out.stderr).trim().to_string()));
                }
            }
            None => self.remove_directly(name, group, path)?,
        }
        Ok(RemovalOutcome::Removed)
    }

    /// What update-alternatives does in auto mode: drop the choice; if it was the current
    /// one, switch to the highest priority left; with none left, drop the group.
    fn remove_directly(&self, name: &str, mut group: Group, path: &Path) -> Result<()> {
        let admin_file = self.admin.join(name);
        let link = self.links.join(name);
        let current = fs::read_link(&link).ok();
        group.choices.retain(|c| c.path != path);
        let best = group.choices.iter().max_by_key(|c| c.priority).cloned();
        let io = |verb, p: &Path, e| error::io(verb, p, e);
        match best {
            None => {
                for (slave, _) in &group.slaves {
                    let _ = fs::remove_file(self.links.join(slave));
                }
                let _ = fs::remove_file(&link);
                fs::remove_file(&admin_file).map_err(|e| io("remove", &admin_file, e))?;
            }
            Some(best) => {
                if current.as_deref() == Some(path) || group.status == "auto" {
                    group.status = "auto".to_string();
                    relink(&link, &best.path)?;
                    for ((slave, _), target) in group.slaves.iter().zip(&best.slaves) {
                        let slave_link = self.links.join(slave);
                        match target {
                            Some(target) => relink(&slave_link, target)?,
                            None => {
                                let _ = fs::remove_file(&slave_link);
                            }
                        }
                    }
                }
                super::atomic::replace(&admin_file, render(&group).as_bytes(), None)
                    .map_err(|e| io("write", &admin_file, e))?;
            }
        }
        Ok(())
    }
}

fn relink(link: &Path, target: &Path) -> Result<()> {
    let temp = link.with_extension("gover-new");
    let _ = fs::remove_file(&temp);
    std::os::unix::fs::symlink(target, &temp)
        .and_then(|()| fs::rename(&temp, link))
        .map_err(|e| error::io("update the link", link, e))
}

/// A word as a POSIX shell reads it back: quoted only when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The admin file for `group`, as update-alternatives writes it.
fn render(group: &Group) -> String {
    let mut out = format!("{}\n{}\n", group.status, group.link.display());
    for (name, link) in &group.slaves {
        out.push_str(&format!("{name}\n{}\n", link.display()));
    }
    out.push('\n');
    for choice in &group.choices {
        out.push_str(&format!("{}\n{}\n", choice.path.display(), choice.priority));
        for target in &choice.slaves {
            out.push_str(&format!("{}\n", target.as_ref().map(|t| t.display().to_string()).unwrap_or_default()));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: &str = "auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\n\n/usr/lib/go-1.21/bin/go\n121\n/usr/lib/go-1.21/bin/gofmt\n/usr/lib/go-1.22/bin/go\n122\n/usr/lib/go-1.22/bin/gofmt\n\n";

    #[test]
    fn parses_and_renders_an_admin_file_unchanged() {
        let group = parse(GROUP).unwrap();
        assert_eq!(group.choices.len(), 2);
        assert_eq!(render(&group), GROUP);
    }

    #[test]
    fn removes_the_current_choice_and_falls_back_to_the_next_best() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = Dirs { admin: dir.path().join("admin"), links: dir.path().join("alt"), program: None };
        fs::create_dir_all(&dirs.admin).unwrap();
        fs::create_dir_all(&dirs.links).unwrap();
        fs::write(dirs.admin.join("go"), GROUP).unwrap();
        std::os::unix::fs::symlink("/usr/lib/go-1.22/bin/go", dirs.links.join("go")).unwrap();
        std::os::unix::fs::symlink("/usr/lib/go-1.22/bin/gofmt", dirs.links.join("gofmt")).unwrap();
        let outcome = dirs.remove("go", Path::new("/usr/lib/go-1.22/bin/go")).unwrap();
        assert_eq!(outcome, RemovalOutcome::Removed);
        assert_eq!(fs::read_link(dirs.links.join("go")).unwrap(), Path::new("/usr/lib/go-1.21/bin/go"));
        assert_eq!(fs::read_link(dirs.links.join("gofmt")).unwrap(), Path::new("/usr/lib/go-1.21/bin/gofmt"));
        let left = parse(&fs::read_to_string(dirs.admin.join("go")).unwrap()).unwrap();
        assert_eq!(left.choices.len(), 1);
        // The last one takes the group with it; a second removal finds nothing.
        dirs.remove("go", Path::new("/usr/lib/go-1.21/bin/go")).unwrap();
        assert!(!dirs.admin.join("go").exists() && fs::symlink_metadata(dirs.links.join("go")).is_err());
        assert_eq!(dirs.remove("go", Path::new("/usr/lib/go-1.21/bin/go")).unwrap(), RemovalOutcome::Absent);
    }

    #[test]
    fn the_sudo_command_names_non_default_directories() {
        let dirs = Dirs { admin: PathBuf::from("/tmp/a dmin"), links: PathBuf::from(DEFAULT_ALT_DIR), program: None };
        assert_eq!(
            dirs.remove_command("go", Path::new("/usr/lib/go-1.22/bin/go")),
            "sudo update-alternatives --admindir '/tmp/a dmin' --remove go /usr/lib/go-1.22/bin/go"
        );
    }
}
