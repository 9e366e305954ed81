//! A Debian 12 root to run a container recipe's commands in, where no container engine runs:
//! `cargo xtask debian-root`, a copy of `cargo xtask fresh-machine`'s cached debootstrap root
//! (tests/suite/containers.rs).

use std::path::Path;
use std::process::{Command, Output};

/// Runs `script` as root in `dir`, a Debian root made there on first use; its output.
pub fn run(dir: &Path, script: &str) -> Output {
    Command::new(option_env!("CARGO").unwrap_or("cargo"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["xtask", "debian-root"])
        .arg(dir)
        .args(["--", script])
        .output()
        .unwrap()
}
