//! Tests that need a program the machine may lack (zsh, fish, shellcheck, nginx, qemu, npm…).
//! Without it such a test returns early, but never silently: the skip is recorded in
//! `target/skipped-tests.txt`, which `cargo xtask test` lists at the end of the run. Under
//! `CI=true` a skip is a failure instead: CI installs everything (PROGRAMS in xtask/src/test.rs).

use std::io::Write;
use std::path::PathBuf;

/// Whether `program` is on the sandbox PATH ([`super::BASE_PATH`]). If not, records the skip
/// for the running test (or panics under CI) and returns false:
///
/// ```ignore
/// if !common::require("zsh") {
///     return; // or `continue`, to go on with the shells that are there
/// }
/// ```
pub fn require(program: &str) -> bool {
    if hidden(program) {
        return skip(&format!("`{program}` is hidden by GOVER_TEST_WITHOUT"));
    }
    if on_base_path(program) {
        return true;
    }
    skip(&format!("`{program}` is not installed (not on {})", super::BASE_PATH))
}

/// GOVER_TEST_WITHOUT="zsh fish" makes [`require`] treat those programs as missing: how to
/// see what a machine without them would run, on one that has them.
fn hidden(program: &str) -> bool {
    std::env::var("GOVER_TEST_WITHOUT").is_ok_and(|list| list.split([' ', ',']).any(|p| p == program))
}

/// Records that the running test skips (part of) its work because of `reason`, for a cause
/// other than a missing program (not root, no binfmt_misc, …), or panics under CI. Always
/// returns false, like a failed [`require`]: `if !binfmt_ready() { common::skip("…"); return; }`
pub fn skip(reason: &str) -> bool {
    let test = test_name();
    if in_ci() {
        panic!("{test}: {reason}; under CI=true every check must run (CI installs what tests need: PROGRAMS in xtask/src/test.rs)");
    }
    eprintln!("skipped: {test}: {reason}");
    let line = format!("{test}\t{reason}\n");
    // One write of one short line to a file opened for appending: lines from concurrent tests
    // and test binaries do not interleave.
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(skip_file())
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        panic!("{test}: {reason}, and cannot record the skip in {}: {e}", skip_file().display());
    }
    false
}

/// The list of skips: `<test>\t<reason>` lines. `cargo xtask test` empties it before the run
/// and names it in GOVER_TEST_SKIPS.
fn skip_file() -> PathBuf {
    match std::env::var_os("GOVER_TEST_SKIPS") {
        Some(path) => PathBuf::from(path),
        None => super::bin_dir().parent().expect("target/debug has a parent").join("skipped-tests.txt"),
    }
}

/// CI=true (GitHub Actions, GitLab, and .ci/run set it).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn on_base_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    super::BASE_PATH.split(':').any(|dir| {
        std::fs::metadata(std::path::Path::new(dir).join(program))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// `<file>::<test>`, e.g. `shell_hook::zsh_and_fish_parse_their_hooks`: libtest names each
/// test's thread after the test's path in the suite, whose modules are the test files.
fn test_name() -> String {
    std::thread::current().name().unwrap_or("?").to_string()
}
