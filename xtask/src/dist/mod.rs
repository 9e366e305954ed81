//! `cargo xtask dist`: the release files, in target/dist (`--out DIR`):
//!
//! - `gover-<version>-<target>.tar.gz` for x86_64 and aarch64 Linux: gover and gover-shim,
//!   fully static (musl), with the completions, the README and the licences, in one folder
//!   named like the tarball;
//! - `gover_<version>-1_<arch>.deb` for each, made by cargo-deb from the layout in Cargo.toml's
//!   `[package.metadata.deb]`;
//! - `install.sh`, which README's `curl -fsSL …/releases/latest/download/install.sh | sh` runs;
//! - `SHA256SUMS` over all of them, which install.sh checks its download against;
//! - `SHA256SUMS.sig`, its signature by the key given (`sign`), which install.sh checks first.
//!
//! The tools it needs are checked first (`tools`), and installed where that is safe.

mod archive;
mod sign;
mod tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{project_root, take_flag, take_option, Result};
use sign::SigningKey;
use tools::Toolchain;

/// A release target: Rust's triple, and the names other tools give its CPU.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub triple: &'static str,
    /// `uname -m`, and the prefix of Debian's cross compilers.
    pub arch: &'static str,
    /// Debian's architecture name.
    pub deb_arch: &'static str,
    /// What `readelf -h` calls its machine.
    pub elf_machine: &'static str,
}

pub const TARGETS: [Target; 2] = [
    Target { triple: "x86_64-unknown-linux-musl", arch: "x86_64", deb_arch: "amd64", elf_machine: "X86-64" },
    Target { triple: "aarch64-unknown-linux-musl", arch: "aarch64", deb_arch: "arm64", elf_machine: "AArch64" },
];

/// The binaries every release ships.
const BINARIES: [&str; 2] = ["gover", "gover-shim"];

/// `cargo xtask dist (--sign-key FILE | --test-key | --check-tools) [--out DIR] [--profile NAME] [--target TRIPLE]`
pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let root = project_root();
    let out = take_option(&mut args, "--out")?.map(PathBuf::from).unwrap_or_else(|| target_dir(&root).join("dist"));
    let profile = take_option(&mut args, "--profile")?.unwrap_or_else(|| "release".into());
    let targets: Vec<Target> = match take_option(&mut args, "--target")? {
        None => TARGETS.to_vec(),
        Some(triple) => vec![*TARGETS.iter().find(|t| t.triple == triple).ok_or_else(|| {
            let known: Vec<&str> = TARGETS.iter().map(|t| t.triple).collect();
            format!("no release target `{triple}`\nhelp: use one of {}", known.join(", "))
        })?],
    };
    let check_tools = take_flag(&mut args, "--check-tools");
    let key = match (take_option(&mut args, "--sign-key")?, take_flag(&mut args, "--test-key")) {
        (Some(file), false) => Some(SigningKey::Release(PathBuf::from(file))),
        (None, true) => Some(sign::test_key(&target_dir(&root))),
        (Some(_), true) => {
            return Err("--sign-key and --test-key exclude each other\nhelp: run `cargo xtask help`".into())
        }
        (None, false) => None,
    };
    if let Some(extra) = args.first() {
        return Err(format!("unexpected argument `{extra}`\nhelp: run `cargo xtask help`"));
    }
    if check_tools {
        tools::ensure(&targets)?;
        let triples: Vec<&str> = targets.iter().map(|t| t.triple).collect();
        println!("the tools that build the release files for {} are here, and work", triples.join(" and "));
        return Ok(());
    }
    let key = key.ok_or(
        "a release is signed, and no key was given\n\
         help: pass --sign-key FILE with gover's release key (docs/src/contributing/release-files.md), \
         or --test-key for a build to test, which must never be published",
    )?;

    let version = package_version(&root.join("Cargo.toml"))?;
    let toolchains = tools::ensure(&targets)?;
    clean(&out)?;
    let mut files = Vec::new();
    for (target, toolchain) in targets.iter().zip(&toolchains) {
        let bin_dir = build(&root, target, toolchain, &profile)?;
        for binary in BINARIES {
            tools::check_static(&bin_dir.join(binary), target)?;
        }
        files.push(archive::tarball(&root, &bin_dir, &out, &version, target)?);
        files.push(deb(&root, &out, target, &profile)?);
    }
    let install_sh = out.join("install.sh");
    let script = fs::read_to_string(root.join("install.sh")).map_err(|e| format!("cannot read install.sh: {e}"))?;
    let script = sign::install_sh_for(&script, &key)?;
    fs::write(&install_sh, &script).map_err(|e| format!("cannot write {}: {e}", install_sh.display()))?;
    files.push(install_sh);
    let sums = archive::write_sha256sums(&out, &files)?;
    let signature = sign::sign(&sums, &key, &script)?;
    for file in files.iter().chain([&sums, &signature]) {
        let size = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        println!("{}  ({:.1} MB)", file.display(), size as f64 / 1e6);
    }
    Ok(())
}

/// Cargo's target directory (CARGO_TARGET_DIR, else target/ in the workspace).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// The `version` of the `[package]` table in `manifest`.
fn package_version(manifest: &Path) -> Result<String> {
    let text = fs::read_to_string(manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    parse_package_version(&text).ok_or_else(|| format!("{} has no [package] version", manifest.display()))
}

fn parse_package_version(manifest: &str) -> Option<String> {
    let package = manifest.split("\n[").find(|table| table.trim_start_matches('[').starts_with("package]"))?;
    package.lines().find_map(|line| {
        let value = line.strip_prefix("version")?.trim_start().strip_prefix('=')?.trim();
        Some(value.strip_prefix('"')?.strip_suffix('"')?.to_string())
    })
}

/// Removes the release files of an earlier run, so SHA256SUMS lists only this run's.
fn clean(out: &Path) -> Result<()> {
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for entry in fs::read_dir(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("gover") || name.starts_with("SHA256SUMS") || name == "install.sh" {
            let path = entry.path();
            let removed = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
            removed.map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Builds gover and gover-shim for `target`; returns the directory holding them.
fn build(root: &Path, target: &Target, toolchain: &Toolchain, profile: &str) -> Result<PathBuf> {
    println!("building {} ({profile} profile)...", target.triple);
    let mut cargo = Command::new(cargo());
    cargo.current_dir(root).args([
        "build",
        "--locked",
        "--profile",
        profile,
        "--target",
        target.triple,
        "-p",
        "gover",
        "-p",
        "gover-shim",
    ]);
    toolchain.configure(&mut cargo, target);
    run_checked(&mut cargo)?;
    let profile_dir = match profile {
        "dev" | "test" => "debug",
        "bench" => "release",
        other => other,
    };
    Ok(target_dir(root).join(target.triple).join(profile_dir))
}

/// The Debian package of `target`'s build, by cargo-deb; returns its path.
fn deb(root: &Path, out: &Path, target: &Target, profile: &str) -> Result<PathBuf> {
    let mut cargo = Command::new(cargo());
    cargo.current_dir(root).args(["deb", "-p", "gover", "--no-build", "--no-strip", "--target", target.triple]);
    cargo.arg("--profile").arg(profile).arg("--output").arg(out);
    let stdout = run_checked(&mut cargo)?;
    // cargo-deb prints the path of the package it wrote.
    let path = stdout.lines().rev().map(str::trim).find(|l| l.ends_with(".deb")).map(PathBuf::from);
    path.filter(|p| p.is_file())
        .ok_or_else(|| format!("cargo deb wrote no .deb for {} into {}", target.triple, out.display()))
}

/// The cargo running this xtask.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `command`, passing its stderr through; its stdout, or an error naming it.
pub fn run_checked(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let output =
        command.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_version() {
        let manifest = "[package]\nname = \"gover\"\nversion = \"0.1.0\"\n\n[workspace]\nversion = \"9\"\n";
        assert_eq!(parse_package_version(manifest).as_deref(), Some("0.1.0"));
        let later = "[workspace]\nmembers = []\n\n[package]\nversion= \"1.2.3\"\n";
        assert_eq!(parse_package_version(later).as_deref(), Some("1.2.3"));
        assert_eq!(parse_package_version("[dependencies]\nversion = \"1\"\n"), None);
        let real = include_str!("../../../Cargo.toml");
        assert!(parse_package_version(real).is_some_and(|v| v.split('.').count() == 3), "the workspace's own");
    }
}
