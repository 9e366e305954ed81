//! `cargo xtask test`: the README's test command. It gets a fresh clone from nothing to a
//! full run: builds the real-Go fixtures, installs the programs the tests drive when it may,
//! runs `cargo test --workspace`, and ends with the list of tests that skipped work because a
//! program was missing. Under CI (`CI=true`) a skip fails the test itself, and the run.

use crate::{fixtures, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The programs tests drive for real, with the Debian package that provides each. A test
/// that needs one calls `common::require(program)` (tests/common/skip.rs).
const PROGRAMS: &[(&str, &str)] =
    &[("zsh", "zsh"), ("fish", "fish"), ("shellcheck", "shellcheck"), ("nginx", "nginx"), ("python3", "python3")];

/// `cargo xtask test [--no-install] [CARGO TEST ARGS]`
pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let no_install = take_flag(&mut args, "--no-install");
    let mirror = match std::env::var_os("GOVER_TEST_MIRROR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let dir = fixtures::default_mirror();
            fixtures::build(&dir, fixtures::Source::Auto)?;
            dir
        }
    };
    let missing: Vec<&(&str, &str)> = PROGRAMS.iter().filter(|(program, _)| !on_path(program)).collect();
    if !missing.is_empty() && !no_install {
        install(&missing.iter().map(|(_, package)| *package).collect::<Vec<_>>());
    }

    let skips = skip_file();
    let _ = std::fs::remove_file(&skips);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["test", "--workspace"])
        .args(&args)
        .env("GOVER_TEST_MIRROR", &mirror)
        .env("GOVER_TEST_SKIPS", &skips)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;

    let skipped = read_skips(&skips);
    report(&skipped);
    if !status.success() {
        return Err(format!("cargo test failed ({status})"));
    }
    if in_ci() && !skipped.is_empty() {
        return Err(
            "CI=true, and tests were skipped: CI must run every test\nhelp: install what they need in .ci/run".into()
        );
    }
    Ok(())
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

/// Where the tests record skips; the tests' own default is the same file.
fn skip_file() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| crate::project_root().join("target"));
    target.join("skipped-tests.txt")
}

/// CI=true, as GitHub Actions and GitLab set it (the tests read it the same way).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn on_path(program: &str) -> bool {
    Command::new("sh").args(["-c", "command -v \"$1\" >/dev/null", "sh", program]).status().is_ok_and(|s| s.success())
}

/// Installs Debian `packages` with apt-get as root or through passwordless sudo; otherwise
/// says why not, and the tests that need them skip.
fn install(packages: &[&str]) {
    let list = packages.join(" ");
    if !on_path("apt-get") {
        eprintln!("test: not installing {list}: no apt-get here (install them with your package manager)");
        return;
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let sudo = !root && Command::new("sudo").args(["-n", "true"]).output().is_ok_and(|o| o.status.success());
    if !root && !sudo {
        eprintln!("test: not installing {list}: not root and no passwordless sudo; tests that need them skip");
        return;
    }
    eprintln!("test: installing {list} with apt-get");
    let apt = |args: &[&str]| {
        let mut cmd = if sudo { Command::new("sudo") } else { Command::new("env") };
        if sudo {
            cmd.args(["-n", "env"]);
        }
        cmd.args(["DEBIAN_FRONTEND=noninteractive", "apt-get", "-qq"]).args(args);
        cmd.status().is_ok_and(|s| s.success())
    };
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(packages);
    if !(apt(&["update"]) && apt(&args)) {
        eprintln!("test: apt-get could not install {list}; tests that need them skip");
    }
}

/// The recorded `<test>\t<reason>` lines, each once.
fn read_skips(path: &Path) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(test, reason)| (test.to_string(), reason.to_string()))
        .collect()
}

fn report(skipped: &BTreeSet<(String, String)>) {
    if skipped.is_empty() {
        eprintln!("\ntest: nothing was skipped");
        return;
    }
    let mut by_test: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (test, reason) in skipped {
        by_test.entry(test).or_default().push(reason);
    }
    eprintln!("\ntest: {} tests skipped some of their checks:", by_test.len());
    for (test, reasons) in &by_test {
        eprintln!("  {test}: {}", reasons.join("; "));
    }
    let packages: BTreeSet<&str> = PROGRAMS
        .iter()
        .filter(|(program, _)| skipped.iter().any(|(_, r)| r.starts_with(&format!("`{program}` is not installed"))))
        .map(|(_, package)| *package)
        .collect();
    if !packages.is_empty() {
        let list = packages.into_iter().collect::<Vec<_>>().join(" ");
        eprintln!(
            "help: install what they need (Debian: sudo apt-get install {list}) and run `cargo xtask test` again"
        );
    }
}
