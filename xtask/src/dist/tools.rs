//! What `cargo xtask dist` needs besides cargo, checked before anything is built: the Rust
//! standard library of each musl target (rustup installs it), a C compiler for each (ring
//! compiles C; Debian's packages), readelf (binutils), and cargo-deb. What is missing is
//! installed where that is safe (rustup targets for anyone; Debian packages as root, as in
//! CI; cargo-deb with cargo), else named with the command that installs it.

use std::path::Path;
use std::process::Command;

use super::{cargo, run_checked, Target};
use crate::system::{apt_install, on_path};
use crate::Result;

/// How an error about a missing tool starts; tests/dist.rs skips on it rather than failing.
const MISSING: &str = "missing: ";

/// The cargo-deb release the .deb layout is written for (Cargo.toml's package.metadata.deb).
const CARGO_DEB_VERSION: &str = "3.8.0";

/// How to compile C for a target and link it.
#[derive(Clone, Debug, PartialEq)]
pub struct Toolchain {
    /// The C compiler for ring's C and assembly.
    pub cc: String,
    /// The linker, where the default `cc` cannot link for the target (cross builds).
    pub linker: Option<String>,
    /// The Debian package that ships `cc`.
    pub package: String,
}

impl Toolchain {
    /// For `target` on a machine whose CPU is `host` (`uname -m`): musl's gcc wrapper natively;
    /// Debian's cross gcc otherwise, which links fully static musl binaries too, since Rust's
    /// musl targets bring their own C library and start files.
    pub fn for_target(target: &Target, host: &str) -> Toolchain {
        if target.arch == host {
            return Toolchain { cc: "musl-gcc".into(), linker: None, package: "musl-tools".into() };
        }
        let cc = format!("{}-linux-gnu-gcc", target.arch);
        Toolchain { linker: Some(cc.clone()), cc, package: format!("gcc-{}-linux-gnu", target.arch.replace('_', "-")) }
    }

    /// Points cargo's build of `target` at this toolchain.
    pub fn configure(&self, cargo: &mut Command, target: &Target) {
        let triple_var = target.triple.replace('-', "_");
        cargo.env(format!("CC_{triple_var}"), &self.cc);
        if let Some(linker) = &self.linker {
            cargo.env(format!("CARGO_TARGET_{}_LINKER", triple_var.to_uppercase()), linker);
        }
    }
}

/// Makes sure every tool is there (installing what it safely can); the toolchain of each target.
pub fn ensure(targets: &[Target]) -> Result<Vec<Toolchain>> {
    let toolchains: Vec<Toolchain> = targets.iter().map(|t| Toolchain::for_target(t, std::env::consts::ARCH)).collect();
    ensure_rust_targets(targets)?;
    let mut programs: Vec<(&str, &str)> = toolchains.iter().map(|t| (t.cc.as_str(), t.package.as_str())).collect();
    programs.push(("readelf", "binutils"));
    ensure_debian_packages(&programs)?;
    ensure_cargo_deb()?;
    Ok(toolchains)
}

fn ensure_rust_targets(targets: &[Target]) -> Result<()> {
    let help = |triples: &[&str]| format!("help: rustup target add {}", triples.join(" "));
    let all: Vec<&str> = targets.iter().map(|t| t.triple).collect();
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("{MISSING}rustup, to check the Rust targets ({e})\n{}", help(&all)))?;
    let installed = String::from_utf8_lossy(&installed.stdout);
    let missing: Vec<&str> = all.into_iter().filter(|t| !installed.lines().any(|l| l.trim() == *t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing the Rust targets {}...", missing.join(" "));
    run_checked(Command::new("rustup").args(["target", "add"]).args(&missing))
        .map(drop)
        .map_err(|e| format!("{MISSING}the Rust targets {}: {e}\n{}", missing.join(" "), help(&missing)))
}

/// `programs`: (program, Debian package) pairs.
fn ensure_debian_packages(programs: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&(&str, &str)> = programs.iter().filter(|(p, _)| !on_path(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages: Vec<&str> = missing.iter().map(|(_, pkg)| *pkg).collect();
    packages.dedup();
    if apt_install(&packages) {
        return Ok(());
    }
    let names: Vec<String> = missing.iter().map(|(p, pkg)| format!("{p} (Debian package {pkg})")).collect();
    Err(format!("{MISSING}{}\nhelp: sudo apt-get install {}", names.join(", "), packages.join(" ")))
}

fn ensure_cargo_deb() -> Result<()> {
    let has = Command::new(cargo()).args(["deb", "--version"]).output().is_ok_and(|o| o.status.success());
    if has {
        return Ok(());
    }
    println!("installing cargo-deb {CARGO_DEB_VERSION} (cargo install)...");
    run_checked(Command::new(cargo()).args(["install", "--locked", "cargo-deb", "--version", CARGO_DEB_VERSION]))
        .map(drop)
        .map_err(|e| {
            format!("{MISSING}cargo-deb: {e}\nhelp: cargo install --locked cargo-deb --version {CARGO_DEB_VERSION}")
        })
}

/// Refuses a binary that is not a static one for `target`: no ELF interpreter, the right CPU.
pub fn check_static(binary: &Path, target: &Target) -> Result<()> {
    let shown = binary.display();
    let headers =
        run_checked(Command::new("readelf").args(["--file-header", "--program-headers", "--wide"]).arg(binary))?;
    if headers.lines().any(|l| l.trim_start().starts_with("INTERP")) {
        return Err(format!(
            "{shown} is dynamically linked (it names an ELF interpreter)\nhelp: build it for a musl target"
        ));
    }
    let machine = headers.lines().find_map(|l| l.trim_start().strip_prefix("Machine:")).map(str::trim);
    if machine.is_none_or(|m| !m.contains(target.elf_machine)) {
        return Err(format!(
            "{shown} is built for {}, not {}",
            machine.unwrap_or("an unknown machine"),
            target.elf_machine
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::TARGETS;

    #[test]
    fn native_builds_use_musl_gcc_and_cross_builds_debians_cross_gcc() {
        let [x86_64, aarch64] = TARGETS;
        let native = Toolchain::for_target(&x86_64, "x86_64");
        assert_eq!((native.cc.as_str(), native.linker, native.package.as_str()), ("musl-gcc", None, "musl-tools"));
        let cross = Toolchain::for_target(&aarch64, "x86_64");
        assert_eq!(cross.cc, "aarch64-linux-gnu-gcc");
        assert_eq!(cross.linker.as_deref(), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(cross.package, "gcc-aarch64-linux-gnu");
        assert_eq!(Toolchain::for_target(&x86_64, "aarch64").package, "gcc-x86-64-linux-gnu");
        let mut cmd = Command::new("true");
        cross.configure(&mut cmd, &aarch64);
        let envs: Vec<_> = cmd.get_envs().map(|(k, v)| (k.to_owned(), v.unwrap().to_owned())).collect();
        assert!(envs.contains(&("CC_aarch64_unknown_linux_musl".into(), "aarch64-linux-gnu-gcc".into())), "{envs:?}");
        assert!(
            envs.contains(&("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER".into(), "aarch64-linux-gnu-gcc".into()))
        );
    }
}
