//! Go's own toolchain names: GOVER_HOME/shims holds `go1.23.9` for each installed version, so
//! a go that switches toolchains (`GOTOOLCHAIN=path`, `go1.23.9+path`, or `+auto` before it
//! downloads) finds gover's verified install on PATH, and `go1.23.9 version` runs exactly that
//! version; install, uninstall and import keep the names in step.

use crate::common;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::rig::Rig;
use common::server::Server;
use common::Sandbox;
use predicates::prelude::*;

/// The release names in GOVER_HOME/shims, sorted.
fn release_names(sb: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(sb.shims_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("go1"))
        .collect();
    names.sort();
    names
}

fn same_file(a: &Path, b: &Path) -> bool {
    let (a, b) = (fs::metadata(a).unwrap(), fs::metadata(b).unwrap());
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// A directory with the few programs a go command may run besides Go itself, and no go.
fn coreutils(sb: &Sandbox) -> PathBuf {
    let dir = sb.root().join("coreutils");
    fs::create_dir_all(&dir).unwrap();
    for program in ["sh", "cat", "uname"] {
        std::os::unix::fs::symlink(Path::new("/bin").join(program), dir.join(program)).unwrap();
    }
    dir
}

#[test]
fn go_switches_to_gover_s_install_by_its_name_with_no_network() {
    let sb = Sandbox::new();
    let server = Server::http();
    server.serve_dir(&common::real_mirror());
    let gover = || {
        let mut cmd = sb.gover();
        cmd.env("GOVER_INDEX_URL", server.url("/index.json")).env("GOVER_DIST_URL", server.url("/"));
        cmd
    };
    // go1.22.10 was installed by a gover from before the names: the next install names it too.
    let old = sb.gover_home.join("versions/go1.22.10");
    common::link_copy(&common::real_go_tree("go1.22.10"), &old);
    fs::write(sb.gover_home.join("global"), "1.22.10\n").unwrap();
    gover().args(["install", "1.23.9"]).assert().success();
    assert_eq!(release_names(&sb), ["go1.22.10", "go1.23.9"]);
    for name in ["go1.22.10", "go1.23.9"] {
        assert!(same_file(&sb.shims_dir().join(name), &sb.shims_dir().join("go")), "{name} is the go shim");
    }

    let toolchain = sb.work.join("toolchain");
    let go_line = sb.work.join("go-line");
    for (dir, go_mod) in [
        (&toolchain, "module example.com/t\n\ngo 1.23.0\n\ntoolchain go1.23.9\n"),
        (&go_line, "module example.com/g\n\ngo 1.23.9\n"),
    ] {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("go.mod"), go_mod).unwrap();
    }
    let path = format!("{}:{}", sb.shims_dir().display(), coreutils(&sb).display());
    // go1.22.10 itself, not through gover: only its own toolchain switch can find go1.23.9.
    // GOPROXY=off: a download would fail, so a run that works found gover's install.
    let plain_go = |dir: &Path, gotoolchain: &str, args: &[&str]| {
        let mut cmd = sb.go_command(&old.join("bin/go"));
        cmd.current_dir(dir).env("PATH", &path).env("GOTOOLCHAIN", gotoolchain).env("GOPROXY", "off").args(args);
        cmd
    };
    let new = sb.gover_home.join("versions/go1.23.9");
    for dir in [&toolchain, &go_line] {
        for gotoolchain in ["path", "go1.23.9+path", "go1.23.9+auto"] {
            plain_go(dir, gotoolchain, &["version"]).assert().success().stdout("go version go1.23.9 linux/amd64\n");
            plain_go(dir, gotoolchain, &["env", "GOROOT"]).assert().success().stdout(format!("{}\n", new.display()));
        }
    }
    assert!(!sb.root().join("modcache/golang.org/toolchain").exists(), "go downloaded a toolchain");
    // By name, as golang.org/dl users type it: that version, whatever the directory asks for.
    let by_name = |name: &str| {
        let mut cmd = sb.go_command(Path::new("/bin/sh"));
        cmd.current_dir(&toolchain).env("PATH", &path).args(["-c", &format!("{name} version")]);
        cmd
    };
    by_name("go1.22.10").assert().success().stdout("go version go1.22.10 linux/amd64\n");

    // Uninstalled, the name is gone: go finds nothing to switch to, and downloads nothing.
    gover().args(["uninstall", "1.23.9"]).assert().success();
    assert_eq!(release_names(&sb), ["go1.22.10"]);
    plain_go(&toolchain, "path", &["version"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot find \"go1.23.9\" in PATH"));
    by_name("go1.23.9").assert().code(127);

    // Installed again (from the download cache), it is back.
    gover().args(["install", "1.23.9"]).assert().success();
    assert_eq!(release_names(&sb), ["go1.22.10", "go1.23.9"]);
    plain_go(&go_line, "path", &["version"]).assert().success().stdout("go version go1.23.9 linux/amd64\n");
    by_name("go1.23.9").assert().success().stdout("go version go1.23.9 linux/amd64\n");
}

#[test]
fn a_release_name_runs_exactly_that_version() {
    let rig = Rig::serving(&["go1.20", "go1.20.1"]);
    let sb = &rig.sb;
    sb.install_shims();
    let pinned = sb.fake_version("go1.22.10");
    let named = sb.fake_version("go1.21.13");
    sb.pin("1.22.10");
    // An install, even of nothing new, gives every installed version its name.
    rig.gover().args(["install", "1.22.10"]).assert().success();
    assert_eq!(release_names(sb), ["go1.21.13", "go1.22.10"]);
    let name = |version: &str| {
        let mut cmd = sb.shim(version);
        cmd.env("GOROOT", &pinned).arg("env");
        cmd
    };
    // Not the pin: the version named. A stale GOROOT is replaced; go does not switch on its
    // own unless told to.
    let out =
        |gotoolchain: &str| format!("go go1.21.13 args=env\nGOROOT={}\nGOTOOLCHAIN={gotoolchain}\n", named.display());
    name("go1.21.13").assert().success().stdout(out("local"));
    name("go1.21.13").env("GOTOOLCHAIN", "path").assert().success().stdout(out("path"));
    // go's toolchain switch runs the name with its own argv[0]: the executed path decides.
    let shim = sb.shims_dir().join("go1.21.13");
    assert_cmd::Command::new("bash")
        .env_clear()
        .envs(sb.env())
        .current_dir(&sb.work)
        .args(["-c", "exec -a go \"$0\" env", shim.to_str().unwrap()])
        .assert()
        .success()
        .stdout(out("local"));

    // A name left behind by a version removed outside gover: what is missing, and the fix.
    fs::remove_dir_all(&named).unwrap();
    name("go1.21.13").assert().code(3).stderr(format!(
        "error: go1.21.13 is not installed, so {} cannot run it\nhelp: run gover install 1.21.13\n",
        shim.display()
    ));
    // The next gover that syncs the names removes it.
    rig.gover().args(["install", "1.22.10"]).assert().success();
    assert_eq!(release_names(sb), ["go1.22.10"]);
    // gover setup (install.sh runs it on an upgrade of gover) names what is installed too.
    fs::remove_file(sb.shims_dir().join("go1.22.10")).unwrap();
    rig.gover().args(["setup", "--no-modify-rc"]).assert().success();
    assert_eq!(release_names(sb), ["go1.22.10"]);

    // Following the hint installs exactly that release, even one named the pre-1.21 way
    // (`1.20` would be the newest 1.20.x); then the name runs it.
    fs::hard_link(sb.shims_dir().join("go"), sb.shims_dir().join("go1.20")).unwrap();
    let err = sb.shim("go1.20").arg("version").assert().code(3).get_output().stderr.clone();
    assert!(String::from_utf8_lossy(&err).ends_with("help: run gover install 1.20.0\n"));
    rig.gover().args(["install", "1.20.0"]).assert().success();
    sb.shim("go1.20").arg("version").assert().success().stdout("go version go1.20 fake/arch\n");
}

/// Two uninstalls bring the names in step at once: the first is held (by strace) just before
/// it removes its version's name, while the second, which saw that name stale too, runs to the
/// end. Both succeed and only the installed version keeps a name: the names are synced one
/// gover at a time, each reading versions/ when its turn comes (without that, the first found
/// its name gone and failed).
#[test]
fn concurrent_uninstalls_both_succeed_and_leave_exactly_the_installed_names() {
    if !common::require("strace") {
        return;
    }
    let rig = Rig::serving(&[]);
    let sb = &rig.sb;
    sb.install_shims();
    for version in ["go1.20", "go1.21.0", "go1.22.0"] {
        sb.fake_version(version);
    }
    fs::write(sb.gover_home.join("global"), "1.20.0\n").unwrap();
    rig.gover().args(["install", "1.20.0"]).assert().success();
    assert_eq!(release_names(sb), ["go1.20", "go1.21.0", "go1.22.0"]);
    let name = sb.shims_dir().join("go1.21.0");
    let held = std::process::Command::new("strace")
        .args(["-f", "-o", "/dev/null", "-P"])
        .arg(&name)
        .args(["-e", "trace=unlink,unlinkat", "-e", "inject=unlink,unlinkat:delay_enter=3000000"])
        .arg(env!("CARGO_BIN_EXE_gover"))
        .args(["uninstall", "--force", "go1.21.0"])
        .env_clear()
        .envs(rig.env())
        .current_dir(&sb.work)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Its tree is gone before it turns to the names.
    while rig.version_dir("go1.21.0").exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    rig.gover().args(["uninstall", "--force", "go1.22.0"]).assert().success();
    let out = held.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(release_names(sb), ["go1.20"]);
}
