//! `gover implode`: undo `gover setup` and install.sh. Removes the lines carrying gover's
//! marker from the startup files (and nothing else in them), the files setup created, the
//! systemd drop-in, the binaries install.sh copied, and GOVER_HOME with every installed version.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::app::App;
use crate::error::{self, Error, Kind, Result};
use crate::output::{self, outln};
use crate::shell::manifest::SetupManifest;
use crate::shell::rc;
use crate::shell::startup::StartupEnv;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Do not ask for confirmation (needed when not on a terminal)
    #[arg(long, short)]
    pub yes: bool,
}

enum Step {
    /// Rewrite a startup file without gover's lines.
    Edit {
        path: PathBuf,
        content: String,
    },
    Delete(PathBuf),
    DeleteTree(PathBuf),
    /// A directory gover made, unless something else has been put in it since.
    DeleteDirIfEmpty(PathBuf),
}

impl Step {
    fn describe(&self) -> String {
        match self {
            Step::Edit { path, .. } => format!("gover's line in {}", path.display()),
            Step::Delete(path) => path.display().to_string(),
            Step::DeleteTree(path) => format!("{} (every installed Go version, the shims, the hooks)", path.display()),
            Step::DeleteDirIfEmpty(path) => {
                format!("the directory {} (made by gover's set-up), if empty", path.display())
            }
        }
    }

    /// Whether it removed something: a directory that is no longer empty is left.
    fn apply(&self) -> Result<bool> {
        match self {
            Step::Edit { path, content } => crate::shell::write_if_changed(path, content.as_bytes()).map(|_| true),
            Step::Delete(path) => fs::remove_file(path).map(|()| true).map_err(|e| error::io("remove", path, e)),
            Step::DeleteTree(path) => fs::remove_dir_all(path).map(|()| true).map_err(|e| error::io("remove", path, e)),
            Step::DeleteDirIfEmpty(path) => match fs::remove_dir(path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::DirectoryNotEmpty => Ok(false),
                Err(e) => Err(error::io("remove", path, e)),
            },
        }
    }

    fn done(&self) -> String {
        match self {
            Step::DeleteDirIfEmpty(path) => format!("the empty directory {}", path.display()),
            other => other.describe(),
        }
    }
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let root = app.store.root();
    check_home_is_safe_to_remove(root, app.process.home_dir())?;
    let manifest = SetupManifest::load(&app.store.home().setup_manifest());
    let mut steps = Vec::new();
    if let Some(home) = app.process.home_dir() {
        let env = StartupEnv::from_process(&app.process, home);
        let mut files = env.every_file(crate::managers::children);
        for path in &manifest.lines {
            if !files.contains(path) {
                files.push(path.clone());
            }
        }
        for path in files {
            let Ok(content) = fs::read_to_string(&path) else { continue };
            if let Some(rest) = rc::remove_lines(&content) {
                let created = manifest.files.contains(&path);
                steps.push(if created && rest.trim().is_empty() {
                    Step::Delete(path)
                } else {
                    Step::Edit { path, content: rest }
                });
            }
        }
        // Wholly gover's: the marker is its first line.
        let dropin = env.systemd_dropin();
        if fs::read_to_string(&dropin).is_ok_and(|c| rc::has_line(&c)) {
            steps.push(Step::Delete(dropin));
        }
    }
    for binary in manifest.binaries.iter().filter(|b| b.is_file()) {
        steps.push(Step::Delete(binary.clone()));
    }
    if root.exists() {
        steps.push(Step::DeleteTree(root.to_path_buf()));
    }
    // Deepest first, so a directory made inside another one goes before it.
    let mut dirs: Vec<&PathBuf> = manifest.dirs.iter().filter(|d| d.is_dir()).collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    steps.extend(dirs.into_iter().map(|d| Step::DeleteDirIfEmpty(d.clone())));
    if steps.is_empty() {
        outln!(app.out, Info, "nothing to remove: no gover lines in your startup files and no {}", root.display());
        return Ok(());
    }

    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::usage("gover implode removes files and asks first, but this is not a terminal")
                .hint("to remove without asking: gover implode --yes"));
        }
        let list: String = steps.iter().map(|step| format!("\n  {}", step.describe())).collect();
        let answer = output::ask(&format!("gover implode will remove:{list}\nRemove all of this? [y/N]"));
        if !answer.is_some_and(|a| matches!(a.as_str(), "y" | "Y" | "yes")) {
            return Err(Error::failure("nothing removed"));
        }
    }
    for step in &steps {
        if step.apply()? {
            outln!(app.out, Info, "removed {}", step.done());
        }
    }
    outln!(app.out, Info, "gover is gone; open a new shell (this one still has the hook's PATH and functions)");
    Ok(())
}

/// A GOVER_HOME set by mistake to `home` (HOME) or `/` must never be deleted: only a directory
/// that is HOME's descendant or elsewhere entirely, and that looks like gover's (or is empty).
fn check_home_is_safe_to_remove(root: &Path, home: Option<PathBuf>) -> Result<()> {
    let real = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let covers_home = home.map(|h| fs::canonicalize(&h).unwrap_or(h)).is_some_and(|h| h.starts_with(&real));
    let looks_like_gover = match fs::read_dir(&real) {
        Ok(mut entries) => {
            let layout = gover_shim::GoverHome::new(&real);
            [layout.versions_dir(), layout.shims_dir(), layout.shell_dir()].iter().any(|d| d.is_dir())
                || entries.next().is_none()
        }
        Err(_) => true,
    };
    if real.parent().is_none() || covers_home || !looks_like_gover {
        return Err(Error::new(Kind::Environment, format!("refusing to remove {}", root.display()))
            .cause("it does not look like a gover home (no versions/, shims/ or shell/), or it holds HOME")
            .hint("check GOVER_HOME; gover implode removes that whole directory"));
    }
    Ok(())
}
