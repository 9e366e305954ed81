//! `gover prune [--keep-pins-under DIR]… [--unused-for 90d] [--dry-run]`: removes the
//! installed versions nothing needs, and the download cache, saying what each frees.
//!
//! A version stays when it is the global default, the one in use in the working directory,
//! what a pin file under a `--keep-pins-under` tree makes go run there (found with the shim's
//! own pin-file table and resolver, so a partial pin keeps what it resolves to), the target
//! of a link, or run (through a shim or `gover exec`) or installed within `--unused-for`.
//! Each removal is `gover uninstall`'s: under the version's lock, renamed out of versions/ in
//! one step, and skipped while a running go (a `go build` halfway through) uses the tree.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use gover_shim::pin::PinFile;
use gover_shim::resolve::{self, Context};
use gover_shim::{GoVersion, ResolveError};
use indicatif::HumanBytes;

use crate::app::App;
use crate::error::{Error, Result};
use crate::output::{self, outln};
use crate::removal::remove_installed;
use crate::repin;
use crate::store::disk_usage;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Keep the versions pin files under DIR use (as go would run there); repeatable
    #[arg(long = "keep-pins-under", value_name = "DIR")]
    pub keep_pins_under: Vec<PathBuf>,
    /// Keep versions run (through the shims or gover exec) or installed within this long:
    /// 90d, 4w, 12h; 0 keeps none for being recent
    #[arg(long, value_name = "AGE", default_value = "90d", value_parser = parse_age)]
    pub unused_for: Duration,
    /// Print what would be removed and the space it would free; remove nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let store = &app.store;
    store.sweep_leftovers();
    let installed = store.installed();
    let keep = reasons_to_keep(app, &args, &installed)?;
    let verb = if args.dry_run { "would remove" } else { "removed" };
    let mut freed = 0;
    for version in &installed {
        if let Some(why) = keep.get(version) {
            outln!(app.out, Status, "kept {version}: {why}");
            continue;
        }
        let dir = store.home().version_dir(version);
        let size = disk_usage(&dir);
        if !args.dry_run {
            let Some(_lock) = store.try_lock_version(version)? else {
                output::warn(format!("kept {version}: another gover is working on it"));
                continue;
            };
            if let Err(err) = remove_installed(app, version, false) {
                output::warn_error(
                    &err.context(format!("kept {version}"))
                        .hint("a running go build reads the tree as it goes; gover prune removes it once they finish"),
                );
                continue;
            }
            let _ = fs::remove_file(store.home().used_stamp(version));
        }
        freed += size;
        outln!(app.out, Info, "{verb} {version} ({})", HumanBytes(size));
    }
    freed += prune_downloads(app, args.dry_run, verb);
    if freed == 0 {
        outln!(app.out, Info, "nothing to remove");
    } else {
        let total = if args.dry_run { "would free" } else { "freed" };
        outln!(app.out, Info, "{total} {} in total", HumanBytes(freed));
    }
    Ok(())
}

/// Each version that stays, with why.
fn reasons_to_keep(app: &App, args: &Args, installed: &[GoVersion]) -> Result<BTreeMap<GoVersion, String>> {
    let home = app.store.home();
    let mut keep = BTreeMap::new();
    // Recency first, so a stronger reason found later replaces it.
    let now = SystemTime::now();
    for version in installed {
        let last = last_use(app, version);
        let age = last.and_then(|t| now.duration_since(t).ok()).unwrap_or(Duration::MAX);
        if age < args.unused_for {
            keep.insert(version.clone(), format!("used {}", ago(age)));
        }
    }
    for (name, tree) in home.links() {
        let tree = fs::canonicalize(&tree).ok();
        for version in installed {
            if tree.is_some() && fs::canonicalize(home.version_dir(version)).ok() == tree {
                keep.insert(version.clone(), format!("gover link named it {name}"));
            }
        }
    }
    for root in &args.keep_pins_under {
        if !root.is_dir() {
            return Err(Error::usage(format!("--keep-pins-under {}: there is no such directory", root.display()))
                .hint("name a directory holding your projects, e.g. --keep-pins-under ~/src"));
        }
        for dir in repin::directories_below(root) {
            if repin::pin_files(&dir).is_empty() {
                continue;
            }
            match runs_in(app, &dir) {
                Ok(Some((version, why))) => {
                    keep.insert(version, why);
                }
                Ok(None) => {}
                Err(err) => output::warn(format!("{err}; prune keeps nothing for {}", dir.display())),
            }
        }
    }
    if let Ok(resolution) = app.resolve() {
        if let Some(version) = resolution.toolchain.version() {
            keep.insert(version.clone(), format!("in use here (set by {})", resolution.request.source));
        }
    }
    let global = PinFile::GoVersion.read(&home.global_file()).ok().flatten();
    if let Some(version) = global.and_then(|pin| pin.spec.pick(installed).cloned()) {
        keep.insert(version, "the global default".into());
    }
    Ok(keep)
}

/// The installed version go runs in `dir`, as the shim decides it there (the environment's
/// GOVER_VERSION and GOWORK left out: they belong to this shell, not to that directory).
fn runs_in(app: &App, dir: &Path) -> Result<Option<(GoVersion, String)>, ResolveError> {
    // Only the user's own versions are prune's to keep or remove; leaving the system store out
    // keeps the one that a pin would pick if the system store lost its copy.
    let ctx = Context::of_directory(dir, app.store.home().clone(), app.process.uid())?;
    let request = resolve::request(&ctx)?;
    if !matches!(request.source, gover_shim::Source::File { .. }) {
        return Ok(None);
    }
    Ok(match resolve::toolchain_for(&ctx, &request) {
        Ok(toolchain) => toolchain.version().map(|v| {
            let why = crate::active_source::origin_text(&request, v);
            (v.clone(), why)
        }),
        // What is pinned but not installed keeps nothing, and is no reason to stop.
        Err(_) => None,
    })
}

/// When `version` last ran through a shim or `gover exec` (the stamp `mark_used` writes), or
/// was installed (its tree's time), whichever is later.
fn last_use(app: &App, version: &GoVersion) -> Option<SystemTime> {
    let home = app.store.home();
    let time = |path: PathBuf| fs::metadata(path).and_then(|m| m.modified()).ok();
    time(home.used_stamp(version)).max(time(home.version_dir(version)))
}

fn ago(age: Duration) -> String {
    match age.as_secs() / 86400 {
        0 => "today".into(),
        1 => "yesterday".into(),
        days => format!("{days} days ago"),
    }
}

/// Empties GOVER_HOME/downloads (archives kept for offline reinstalls, their checksums,
/// partial downloads), except what an install running now is writing. Returns the bytes.
fn prune_downloads(app: &App, dry_run: bool, verb: &str) -> u64 {
    let store = &app.store;
    let mut entries: Vec<PathBuf> =
        fs::read_dir(store.home().downloads_dir()).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut freed = 0;
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        // An install holds its version's lock while it downloads.
        let lock = match download_version(&name) {
            Some(version) => match store.try_lock_version(&version) {
                Ok(Some(lock)) => Some(lock),
                _ => continue,
            },
            None => None,
        };
        let size = disk_usage(&path);
        if !dry_run {
            if let Err(e) = fs::remove_file(&path) {
                output::warn(format!("cannot remove {}: {e}", path.display()));
                continue;
            }
        }
        drop(lock);
        freed += size;
        outln!(app.out, Info, "{verb} {} ({})", path.display(), HumanBytes(size));
    }
    freed
}

/// The version a download's name starts with (`go1.22.10.linux-amd64.tar.gz.partial`).
fn download_version(name: &str) -> Option<GoVersion> {
    // The longest such prefix: `go1.22` is a version too.
    name.rmatch_indices('.').find_map(|(i, _)| GoVersion::parse(&name[..i]).filter(|v| v.to_string() == name[..i]))
}

/// `90d`, `4w`, `12h`, or `0`.
fn parse_age(text: &str) -> std::result::Result<Duration, String> {
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let bad = || format!("{text:?} is not an age; write a number of days, weeks or hours: 90d, 4w, 12h (or 0)");
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let number: u64 = number.parse().map_err(|_| bad())?;
    let hours = match unit {
        "h" => 1,
        "d" => 24,
        "w" => 24 * 7,
        _ => return Err(bad()),
    };
    Ok(Duration::from_secs(number.saturating_mul(hours * 3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age("90d"), Ok(Duration::from_secs(90 * 86400)));
        assert_eq!(parse_age("2w"), Ok(Duration::from_secs(14 * 86400)));
        assert_eq!(parse_age("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_age("0"), Ok(Duration::ZERO));
        for bad in ["", "d", "90", "90m", "-1d", "1.5d", "ninety"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn downloads_by_version() {
        let v = |name: &str| download_version(name).map(|v| v.to_string());
        assert_eq!(v("go1.22.10.linux-amd64.tar.gz").as_deref(), Some("go1.22.10"));
        assert_eq!(v("go1.22.10.linux-amd64.tar.gz.sha256").as_deref(), Some("go1.22.10"));
        assert_eq!(v("go1.23rc1.linux-arm64.zip.partial").as_deref(), Some("go1.23rc1"));
        assert_eq!(v("go1.20.linux-amd64.tar.gz").as_deref(), Some("go1.20"));
        assert_eq!(v("notes.txt"), None);
    }
}
