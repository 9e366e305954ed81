//! `cargo xtask fresh-machine`: the Testing chapter's commands on a machine that has never seen
//! gover, for real: a minimal Debian 12 root made by debootstrap from the apt sources this
//! machine uses (and no other network), entered with unshare and chroot. Inside, the book's
//! Testing block (docs/src/contributing/testing.md) runs as written (as root, so without `sudo`) in a clone of this repository's
//! HEAD. What a newcomer has beside that block comes from this machine: its one Rust toolchain
//! (rustup's home, mounted read-only; a stranger gets it from rustup.rs, which is not reachable
//! here), the way out to the network (DNS, proxy variables, locally added certificate
//! authorities), and, when GOVER_TEST_MIRROR names one, the real-Go fixture mirror (read-only;
//! go.dev is not reachable here either).
//!
//! `--quick` (CI's mode) runs the block's install lines, then only `cargo xtask dist
//! --check-tools` in place of the test command: the tools a release build needs, each C
//! compiler made to compile, on a machine that had none of them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::dist::run_checked;
use crate::system::{apt_install, is_root, on_path};
use crate::{project_root, take_flag, Result};

const SUITE: &str = "bookworm";

/// `cargo xtask fresh-machine [--quick] [-- TEST ARGS]`
pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let test_args = match args.iter().position(|a| a == "--") {
        Some(at) => args.split_off(at).split_off(1),
        None => Vec::new(),
    };
    let quick = take_flag(&mut args, "--quick");
    if let Some(extra) = args.first() {
        return Err(format!("unexpected argument `{extra}`\nhelp: run `cargo xtask help`"));
    }
    if !is_root() {
        return Err("fresh-machine needs root, to make a Debian root and chroot into it\n\
                    help: run it as root (sudo -E cargo xtask fresh-machine)"
            .into());
    }
    let started = std::time::Instant::now();
    let commands = commands(&testing_block()?, quick, &test_args)?;
    let cache = cache_dir();
    let base = debian_root(&cache)?;
    let root = cache.join("run");
    println!("fresh-machine: a copy of {} in {}", base.display(), root.display());
    remove_root(&root)?;
    run_checked(Command::new("cp").arg("-a").arg(&base).arg(&root))?;
    prepare(&root)?;
    let script = inside_script(&commands);
    let mut enter = Command::new("unshare");
    enter.args(["--mount", "--pid", "--fork", "sh", "-ec", ENTER, "enter"]).arg(&root).arg(rustup_home()?);
    // Nothing of this machine's environment but the way out to the network, and CI's setting.
    enter.env_clear().env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (name, value) in std::env::vars_os() {
        let name_text = name.to_string_lossy().to_lowercase();
        if name_text.ends_with("_proxy") || name_text == "ci" {
            enter.env(name, value);
        }
    }
    enter.arg(std::env::var_os("GOVER_TEST_MIRROR").unwrap_or_default()).arg(script);
    let status = enter.status().map_err(|e| format!("cannot run unshare: {e}"))?;
    let took = started.elapsed().as_secs();
    let summary = format!("{} in a fresh Debian {SUITE} root, {}m{:02}s", commands.join(" && "), took / 60, took % 60);
    if !status.success() {
        return Err(format!(
            "fresh-machine: failed ({status}): {summary}\nhelp: the root is left in {} to look into",
            root.display()
        ));
    }
    println!("fresh-machine: passed: {summary}");
    remove_root(&root)
}

/// Mounts what the root needs (in a mount namespace of its own, so nothing outlives the run),
/// then runs the script inside. $1 the root, $2 rustup's home or "", $3 the fixture mirror or "",
/// $4 the script.
const ENTER: &str = r#"
root=$1
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
read_only() { mkdir -p "$2" && mount --bind "$1" "$2" && mount -o remount,bind,ro "$2"; }
if [ -n "$2" ]; then read_only "$2" "$root/opt/rustup"; fi
if [ -n "$3" ]; then read_only "$3" "$root/opt/gomirror"; fi
exec chroot "$root" /bin/sh -ec "$4"
"#;

/// The book's Testing chapter, whose first shell block is the test command.
const TESTING: &str = "docs/src/contributing/testing.md";

/// The first shell block of the Testing chapter.
fn testing_block() -> Result<String> {
    let chapter =
        fs::read_to_string(project_root().join(TESTING)).map_err(|e| format!("cannot read {TESTING}: {e}"))?;
    let block = chapter.split("```sh\n").nth(1).and_then(|b| b.split("```").next());
    block.map(str::to_string).ok_or_else(|| format!("{TESTING} has no ```sh block"))
}

/// The block's commands as root runs them (without `sudo`); `--quick` replaces the test
/// command with the release build's tool check; `test_args` go to the test command.
fn commands(block: &str, quick: bool, test_args: &[String]) -> Result<Vec<String>> {
    let lines = block.lines().map(|l| l.split(" #").next().unwrap_or(l).trim()).filter(|l| !l.is_empty());
    let as_root = |line: &str| {
        let parts: Vec<&str> =
            line.split("&&").map(|c| c.trim()).map(|c| c.strip_prefix("sudo ").unwrap_or(c)).collect();
        parts.join(" && ")
    };
    let commands: Vec<String> = lines.map(as_root).collect();
    if commands.last().map(String::as_str) != Some("cargo xtask test") {
        return Err(format!("{TESTING}'s shell block must end with `cargo xtask test`"));
    }
    let mut commands = commands;
    let test = commands.pop().expect("checked above");
    commands.push(if quick {
        "cargo xtask dist --check-tools".into()
    } else {
        [test].into_iter().chain(test_args.iter().cloned()).collect::<Vec<_>>().join(" ")
    });
    Ok(commands)
}

/// The script run in the root: a newcomer's environment, the clone, the commands.
fn inside_script(commands: &[String]) -> String {
    let mut script = String::from(
        "export HOME=/root CARGO_HOME=/root/.cargo RUSTUP_HOME=/opt/rustup LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive\n\
         export PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n\
         if [ -d /opt/gomirror ]; then export GOVER_TEST_MIRROR=/opt/gomirror; fi\n\
         cd /root/gover\n",
    );
    for command in commands {
        script += &format!("echo \"fresh-machine: \\$ {}\"\n{command}\n", command.replace('"', "\\\""));
    }
    script
}

/// ~/.cache/gover-fresh-machine: the Debian root, made once, and each run's copy of it.
fn cache_dir() -> PathBuf {
    dirs::cache_dir().unwrap_or_else(|| PathBuf::from("/var/cache")).join("gover-fresh-machine")
}

/// A minimal Debian root (debootstrap's minbase variant), made once from this machine's apt
/// mirror and kept in `cache`; its path.
fn debian_root(cache: &Path) -> Result<PathBuf> {
    let base = cache.join(SUITE);
    if base.join("etc/debian_version").is_file() {
        return Ok(base);
    }
    if !on_path("debootstrap") && !apt_install(&["debootstrap"]) {
        return Err("debootstrap is not installed\nhelp: apt-get install debootstrap".into());
    }
    let mirror = host_mirror()?;
    let partial = cache.join(format!("{SUITE}.partial"));
    remove_root(&partial)?;
    fs::create_dir_all(cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    println!("fresh-machine: debootstrap --variant=minbase {SUITE} from {mirror} (once; kept in {})", base.display());
    run_checked(Command::new("debootstrap").args(["--variant=minbase", SUITE]).arg(&partial).arg(&mirror))?;
    fs::rename(&partial, &base).map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    Ok(base)
}

/// The clone of this repository into `root`, after the way out to the network; rustup's
/// launcher as cargo, rustc and the rest.
fn prepare(root: &Path) -> Result<()> {
    prepare_network(root)?;
    let clone = root.join("root/gover");
    println!("fresh-machine: git clone {} (its HEAD)", project_root().display());
    run_checked(Command::new("git").arg("clone").arg("--quiet").arg(project_root()).arg(&clone))?;
    let bin = root.join("root/.cargo/bin");
    fs::create_dir_all(&bin).map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
    fs::copy(rustup()?, bin.join("rustup")).map_err(|e| format!("cannot copy rustup: {e}"))?;
    for proxy in ["cargo", "rustc", "rustdoc", "rustfmt", "cargo-fmt", "cargo-clippy", "clippy-driver"] {
        std::os::unix::fs::symlink("rustup", bin.join(proxy)).map_err(|e| format!("cannot link {proxy}: {e}"))?;
    }
    Ok(())
}

/// The host's apt sources (lists and deb822 files) and the keyrings they name, DNS and local
/// certificate authorities, into `root`.
fn prepare_network(root: &Path) -> Result<()> {
    let copy = |from: &Path| -> Result<()> {
        let to = root.join(from.strip_prefix("/").expect("absolute"));
        fs::create_dir_all(to.parent().expect("a file")).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
        fs::copy(from, &to).map(drop).map_err(|e| format!("cannot copy {} into the root: {e}", from.display()))
    };
    for source in apt_source_files() {
        let text = fs::read_to_string(&source).unwrap_or_default();
        copy(&source)?;
        for keyring in signed_by(&text).into_iter().map(PathBuf::from).filter(|k| k.is_file()) {
            copy(&keyring)?;
        }
    }
    copy(Path::new("/etc/resolv.conf"))?;
    // Certificate authorities this machine's admin added, which its network may need (a proxy
    // that inspects TLS): the Testing block's ca-certificates install takes them in, as here.
    let local_cas = fs::read_dir("/usr/local/share/ca-certificates").into_iter().flatten().flatten();
    for ca in local_cas.map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "crt")) {
        copy(&ca)?;
    }
    Ok(())
}

/// `cargo xtask debian-root DIR -- SCRIPT`: runs SCRIPT as root in DIR, a Debian root made
/// from the cached one (the tests' container builds, tests/suite/containers.rs), where a first run
/// copies the cache and gives it the way out to the network.
pub fn run_in_root(args: &[String]) -> Result<()> {
    let [dir, dashes, script] = args else {
        return Err("usage: cargo xtask debian-root DIR -- SCRIPT\nhelp: run `cargo xtask help`".into());
    };
    if dashes != "--" {
        return Err(format!("unexpected argument `{dashes}`\nhelp: run `cargo xtask help`"));
    }
    let root = Path::new(dir);
    if !root.join("etc/debian_version").is_file() {
        let base = debian_root(&cache_dir())?;
        run_checked(Command::new("cp").arg("-a").arg(&base).arg(root))?;
        prepare_network(root)?;
    }
    let mut enter = Command::new("unshare");
    enter.args(["--mount", "--pid", "--fork", "sh", "-ec", ENTER, "enter"]).arg(root).args(["", "", script]);
    enter.env_clear().env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    let status = enter.status().map_err(|e| format!("cannot run unshare: {e}"))?;
    if !status.success() {
        return Err(format!("the script failed in {} ({status})", root.display()));
    }
    Ok(())
}

fn remove_root(root: &Path) -> Result<()> {
    if root.exists() {
        // A mount left inside (a run killed before its namespace ended) would be followed.
        run_checked(Command::new("rm").args(["-rf", "--one-file-system"]).arg(root))?;
    }
    Ok(())
}

/// The sources apt reads: /etc/apt/sources.list and the .list and .sources files beside it.
fn apt_source_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir("/etc/apt/sources.list.d")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "list" || x == "sources"))
        .collect();
    files.sort();
    files.insert(0, PathBuf::from("/etc/apt/sources.list"));
    files.into_iter().filter(|p| p.is_file()).collect()
}

/// The mirror this machine takes `SUITE` from.
fn host_mirror() -> Result<String> {
    apt_source_files()
        .iter()
        .find_map(|f| mirror_for(&fs::read_to_string(f).unwrap_or_default(), SUITE))
        .ok_or_else(|| format!("no apt source here serves Debian {SUITE}\nhelp: add one to /etc/apt/sources.list"))
}

/// The first URI that serves `suite` in an apt sources file, one-line (`deb [opts] URI suite
/// components`) or deb822 (stanzas of `URIs:`, `Suites:`).
fn mirror_for(text: &str, suite: &str) -> Option<String> {
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().filter(|w| !w.starts_with('[') && !w.ends_with(']')).collect();
        if let ["deb", uri, line_suite, ..] = words[..] {
            if line_suite == suite {
                return Some(uri.to_string());
            }
        }
    }
    text.split("\n\n").find_map(|stanza| {
        let field = |name: &str| stanza.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
        let is_deb = field("Types:").is_some_and(|t| t.split_whitespace().any(|t| t == "deb"));
        let serves = field("Suites:").is_some_and(|s| s.split_whitespace().any(|s| s == suite));
        (is_deb && serves).then(|| field("URIs:")?.split_whitespace().next().map(str::to_string)).flatten()
    })
}

/// The keyring files an apt sources file names (`Signed-By:` or `[signed-by=…]`).
fn signed_by(text: &str) -> Vec<String> {
    let deb822 = text.lines().filter_map(|l| l.strip_prefix("Signed-By:")).map(|v| v.trim().to_string());
    let one_line = text.split(['[', ']', ' ']).filter_map(|w| w.strip_prefix("signed-by=")).map(str::to_string);
    deb822.chain(one_line).filter(|p| p.starts_with('/')).collect()
}

/// This machine's rustup home (RUSTUP_HOME, else ~/.rustup).
fn rustup_home() -> Result<PathBuf> {
    let home =
        std::env::var_os("RUSTUP_HOME").map(PathBuf::from).or_else(|| dirs::home_dir().map(|h| h.join(".rustup")));
    home.filter(|h| h.join("toolchains").is_dir())
        .ok_or_else(|| "no rustup home here (RUSTUP_HOME, ~/.rustup)\nhelp: install Rust with rustup".into())
}

/// The rustup launcher on PATH.
fn rustup() -> Result<PathBuf> {
    let path = run_checked(Command::new("sh").args(["-c", "command -v rustup"]))?;
    Ok(PathBuf::from(path.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mirror_and_keyrings_of_both_kinds_of_apt_sources() {
        let deb822 =
            "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\
                      Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n\
                      Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n";
        assert_eq!(mirror_for(deb822, "bookworm").as_deref(), Some("http://deb.debian.org/debian"));
        assert_eq!(signed_by(deb822), ["/usr/share/keyrings/debian-archive-keyring.gpg"]);
        let list = "# deb http://old bookworm main\ndeb-src http://src bookworm main\n\
                    deb [arch=amd64 signed-by=/etc/apt/keyrings/corp.gpg] http://mirror.corp/debian bookworm main\n";
        assert_eq!(mirror_for(list, "bookworm").as_deref(), Some("http://mirror.corp/debian"));
        assert_eq!(signed_by(list), ["/etc/apt/keyrings/corp.gpg"]);
        assert_eq!(mirror_for(list, "trixie"), None);
    }

    #[test]
    fn the_readme_block_as_root_runs_it() {
        let block = "sudo apt-get install -y git   # the tools\ncargo xtask test\n";
        assert_eq!(
            commands(block, false, &["--test".into(), "suite".into(), "release_files::".into()]).unwrap(),
            ["apt-get install -y git", "cargo xtask test --test suite release_files::"]
        );
        assert_eq!(commands(block, true, &[]).unwrap(), ["apt-get install -y git", "cargo xtask dist --check-tools"]);
        assert!(commands("cargo build\n", false, &[]).is_err());
        let real = testing_block().unwrap();
        assert!(commands(&real, false, &[]).is_ok(), "{real}");
    }
}
