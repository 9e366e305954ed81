//! What `cargo xtask dist` needs besides cargo, checked before anything is built: the Rust
//! standard library of each musl target (rustup installs it), a C compiler for each that really
//! compiles (ring compiles C; Debian's packages), readelf (binutils), ssh-keygen (signing) and
//! cargo-deb. What is missing is installed where that is safe (rustup targets for anyone;
//! Debian packages as root, as in CI; cargo-deb with cargo), else named with the command that
//! installs it.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::{cargo, run_checked, Target};
use crate::system::{apt_install, on_path};
use crate::Result;

/// How an error about a missing tool starts; tests/suite/release_files.rs skips on it rather than failing.
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
    /// The Debian packages `cc` needs to compile for the target: the compiler, and for a cross
    /// compiler the C library's headers, which it only recommends (so an install with
    /// `--no-install-recommends`, as ours, leaves them out).
    pub packages: Vec<String>,
}

impl Toolchain {
    /// For `target` on a machine whose CPU is `host` (`uname -m`): musl's gcc wrapper natively;
    /// Debian's cross gcc otherwise, which links fully static musl binaries too, since Rust's
    /// musl targets bring their own C library and start files.
    pub fn for_target(target: &Target, host: &str) -> Toolchain {
        if target.arch == host {
            return Toolchain { cc: "musl-gcc".into(), linker: None, packages: vec!["musl-tools".into()] };
        }
        let cc = format!("{}-linux-gnu-gcc", target.arch);
        let packages = vec![
            format!("gcc-{}-linux-gnu", target.arch.replace('_', "-")),
            format!("libc6-dev-{}-cross", target.deb_arch),
        ];
        Toolchain { linker: Some(cc.clone()), cc, packages }
    }

    /// Whether `cc` compiles a file that includes the C library's headers, as ring's C does; else
    /// what went wrong, in a line. A compiler without its headers fails here, not in the middle
    /// of the build (`bits/libc-header-start.h: No such file or directory`).
    fn compiles(&self) -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let source = "#include <stdint.h>\n#include <string.h>\nint probe(const char *s) { return (int)strlen(s); }\n";
        fs::write(dir.path().join("probe.c"), source).map_err(|e| format!("cannot write a C file: {e}"))?;
        let output = Command::new(&self.cc)
            .args(["-c", "probe.c", "-o", "probe.o"])
            .current_dir(dir.path())
            .output()
            .map_err(|e| format!("{} is not installed ({e})", self.cc))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first_error = stderr.lines().find(|l| l.contains("error")).unwrap_or(stderr.trim());
        Err(format!("{} cannot compile C: {}", self.cc, first_error.trim()))
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
    ensure_debian_packages(&toolchains)?;
    ensure_cargo_deb()?;
    Ok(toolchains)
}

/// Programs the build runs, with the Debian package of each.
const PROGRAMS: [(&str, &str); 2] = [("readelf", "binutils"), ("ssh-keygen", "openssh-client")];

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

/// Installs the Debian packages of what does not work yet: each toolchain (checked by
/// compiling, not by its presence) and [`PROGRAMS`].
fn ensure_debian_packages(toolchains: &[Toolchain]) -> Result<()> {
    let broken = |toolchains: &[Toolchain]| -> Vec<(String, Vec<String>)> {
        let compilers = toolchains.iter().filter_map(|t| t.compiles().err().map(|why| (why, t.packages.clone())));
        let programs = PROGRAMS
            .iter()
            .filter(|(program, _)| !on_path(program))
            .map(|(program, package)| (format!("{program} is not installed"), vec![package.to_string()]));
        compilers.chain(programs).collect()
    };
    let missing = broken(toolchains);
    if missing.is_empty() {
        return Ok(());
    }
    for (why, _) in &missing {
        eprintln!("{why}");
    }
    let mut packages: Vec<&str> = missing.iter().flat_map(|(_, pkgs)| pkgs.iter().map(String::as_str)).collect();
    packages.sort_unstable();
    packages.dedup();
    apt_install(&packages);
    let still = broken(toolchains);
    if still.is_empty() {
        return Ok(());
    }
    let reasons: Vec<&str> = still.iter().map(|(why, _)| why.as_str()).collect();
    Err(format!("{MISSING}{}\nhelp: sudo apt-get install {}", reasons.join("; "), packages.join(" ")))
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
        assert_eq!((native.cc.as_str(), native.linker, native.packages), ("musl-gcc", None, vec!["musl-tools".into()]));
        let cross = Toolchain::for_target(&aarch64, "x86_64");
        assert_eq!(cross.cc, "aarch64-linux-gnu-gcc");
        assert_eq!(cross.linker.as_deref(), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(cross.packages, ["gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"]);
        assert_eq!(
            Toolchain::for_target(&x86_64, "aarch64").packages,
            ["gcc-x86-64-linux-gnu", "libc6-dev-amd64-cross"]
        );
        let mut cmd = Command::new("true");
        cross.configure(&mut cmd, &aarch64);
        let envs: Vec<_> = cmd.get_envs().map(|(k, v)| (k.to_owned(), v.unwrap().to_owned())).collect();
        assert!(envs.contains(&("CC_aarch64_unknown_linux_musl".into(), "aarch64-linux-gnu-gcc".into())), "{envs:?}");
        assert!(
            envs.contains(&("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER".into(), "aarch64-linux-gnu-gcc".into()))
        );
    }

    #[test]
    fn a_compiler_without_its_c_library_headers_is_found_out_before_the_build() {
        let dir = tempfile::tempdir().unwrap();
        let cc = dir.path().join("cross-gcc");
        // What Debian's aarch64 cross gcc says without libc6-dev-arm64-cross.
        let script = "#!/bin/sh\necho 'In file included from probe.c:2:' >&2\n\
                      echo '/usr/include/string.h:26:10: fatal error: bits/libc-header-start.h: No such file or directory' >&2\n\
                      exit 1\n";
        // Written by a child process, so no descriptor of it open here leaks into a fork and
        // makes running it fail with ETXTBSY.
        let write_executable = |text: &str| {
            let status = Command::new("sh")
                .args(["-c", "printf '%s' \"$1\" > \"$2\" && chmod 755 \"$2\"", "sh", text])
                .arg(&cc)
                .status()
                .unwrap();
            assert!(status.success());
        };
        write_executable(script);
        let toolchain = |cc: &Path| Toolchain { cc: cc.display().to_string(), linker: None, packages: vec![] };
        let why = toolchain(&cc).compiles().unwrap_err();
        assert!(why.ends_with("cannot compile C: /usr/include/string.h:26:10: fatal error: bits/libc-header-start.h: No such file or directory"), "{why}");
        let why = toolchain(&dir.path().join("absent-gcc")).compiles().unwrap_err();
        assert!(why.contains("absent-gcc is not installed"), "{why}");
        write_executable("#!/bin/sh\nexit 0\n");
        assert_eq!(toolchain(&cc).compiles(), Ok(()));
    }
}
