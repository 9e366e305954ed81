//! What gover writes, and where (issues 19, 22 and 24): `-q` leaves standard output to what a
//! script asked for and standard error to errors, for every subcommand; a reader that closes
//! the pipe early (`| head -1`) ends nothing badly; a full disk under standard output is an
//! error; and every on/off GOVER_* variable takes the usual spellings.

use crate::common;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::fd::FromRawFd;
use std::process::{Command, Output, Stdio};

use common::rig::Rig;
use common::text;
use common::Sandbox;

/// `gover -q args…` succeeds, says nothing on standard error, and returns standard output.
fn quiet(rig: &Rig, args: &[&str]) -> String {
    let out = rig.gover().arg("-q").args(args).output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "gover -q {args:?}: {stderr}");
    assert_eq!(stderr, "", "gover -q {args:?} wrote to standard error");
    stdout
}

/// Lines that only report what was done must not reach standard output under -q; what a
/// script asked for (a path, a version, JSON, a script, a list) still does.
#[test]
fn quiet_leaves_only_what_a_script_asked_for() {
    // Two patches of one line, to upgrade, and a newer line.
    let rig = Rig::serving(&["go1.22.10", "go1.22.12", "go1.23.9"]);
    let mirror = rig.sb.root().join("mirror");
    let said_nothing = [
        &["install", "1.22.10"][..],
        &["use", "1.22.10"],
        &["global", "1.22.10"],
        &["exec", "1.22.10", "true"],
        &["upgrade", "--pins", "--dry-run"],
        &["upgrade", "--pins"],
        &["uninstall", "1.22.10"],
        &["upgrade"],
        &["mirror", "sync", mirror.to_str().unwrap(), "1.22.12", "--layout", "dl"],
        &["import", "gvm"],
        &["import", "--all", "--dry-run"],
        &["doctor"],
        &["doctor", "--fix", "--dry-run"],
        &["doctor", "--undo"],
        &["setup", "--no-modify-rc"],
        &["global", "--unset"],
    ];
    for args in said_nothing {
        assert_eq!(quiet(&rig, args), "", "gover -q {args:?} printed more than it was asked for");
    }

    // `doctor --undo` put back the pins `upgrade --pins` moved, to the version uninstalled since.
    std::fs::remove_file(rig.sb.work.join(".go-version")).unwrap();
    rig.gover().args(["global", "1.22.12"]).assert().success();
    let root = rig.version_dir("go1.22.12");
    assert_eq!(quiet(&rig, &["current"]), "go1.22.12\n");
    assert_eq!(quiet(&rig, &["global"]), "go1.22.12\n");
    assert_eq!(quiet(&rig, &["which"]), format!("{}\n", root.join("bin/go").display()));
    assert_eq!(quiet(&rig, &["shell", "--print-for", "bash", "1.22.12"]), "export GOVER_VERSION='1.22.12'\n");
    assert!(quiet(&rig, &["env"]).contains(&format!("GOROOT='{}'", root.display())));
    assert!(quiet(&rig, &["list"]).contains("go1.22.12"));
    assert!(quiet(&rig, &["list", "--remote"]).lines().any(|l| l.starts_with("go1.23.9")));
    assert!(quiet(&rig, &["init", "bash"]).contains("GOVER_HOME"));
    assert!(quiet(&rig, &["completions", "bash"]).starts_with("_gover()"));
    for args in [&["list", "--json"][..], &["current", "--json"], &["which", "--json"], &["doctor", "--json"]] {
        let json = quiet(&rig, args);
        serde_json::from_str::<serde_json::Value>(&json).unwrap_or_else(|e| panic!("{args:?}: {e}: {json}"));
    }
    // What could be imported, one row per tree (none, unless this machine has a system Go).
    let rows = quiet(&rig, &["import"]);
    assert!(rows
        .lines()
        .all(|row| ["gvm", "asdf", "goenv", "g ", "mise", "system"].iter().any(|m| row.starts_with(m))));

    assert_eq!(quiet(&rig, &["implode", "--yes"]), "");
}

/// `gover … | head -1`: the reader takes a line (or none) and closes the pipe. gover ends as
/// if it had written everything: status 0, nothing on standard error.
#[test]
fn a_closed_pipe_ends_quietly() {
    let sb = Sandbox::new();
    sb.install_shims();
    for v in ["go1.21.13", "go1.22.10", "go1.23.9"] {
        sb.fake_version(v);
    }
    // Something to run, so doctor finds nothing to fail on.
    std::fs::write(sb.gover_home.join("global"), "1.23.9\n").unwrap();
    for args in [&["list"][..], &["list", "--json"], &["completions", "bash"], &["doctor"], &["doctor", "--json"]] {
        for lines in [0, 1] {
            let mut cmd = common::gover_process(sb.env(), &sb.work);
            cmd.args(args);
            let out = head(cmd, lines);
            assert_eq!(
                (out.status.code(), text(&out.stderr)),
                (Some(0), String::new()),
                "gover {args:?} with the pipe closed after {lines} line(s)"
            );
        }
    }
}

/// Runs `cmd` with standard output into a pipe of one page, whose reader takes `lines` lines
/// and then closes it (0: at once, before gover has written anything).
fn head(mut cmd: Command, lines: usize) -> Output {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills the two descriptors, each then owned by one File.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    let (read, write) = unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) };
    // The smallest pipe, so that output longer than a page is still being written when the
    // reader goes (as with a terminal's pager or `head`), not already in the pipe.
    // SAFETY: F_SETPIPE_SZ on a descriptor this function owns.
    unsafe { libc::fcntl(fds[1], libc::F_SETPIPE_SZ, 4096) };
    let child = cmd.stdout(Stdio::from(write)).stderr(Stdio::piped()).spawn().unwrap();
    // The write end lives on only in the child.
    drop(cmd);
    let mut reader = BufReader::new(read);
    for _ in 0..lines {
        reader.read_line(&mut String::new()).unwrap();
    }
    drop(reader);
    child.wait_with_output().unwrap()
}

/// Standard output that cannot be written (a full disk) fails the command, saying so.
#[test]
fn a_full_disk_under_standard_output_is_an_error() {
    let sb = Sandbox::new();
    let full = File::options().write(true).open("/dev/full").unwrap();
    let out = common::gover_process(sb.env(), &sb.work).args(["completions", "bash"]).stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: cannot write standard output\n  cause: No space left on device"), "{stderr}");
}

const ON: [&str; 6] = ["1", "true", "TRUE", "yes", "on", "On"];
const OFF: [&str; 6] = ["", "0", "false", "no", "off", "OFF"];

/// A value that is no switch: exit 2, naming the variable and the values it takes.
fn assert_bad_switch(out: &Output, name: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("set {name} to 1, true, yes or on, or to 0, false, no or off")), "{stderr}");
}

#[test]
fn gover_quiet_takes_the_usual_spellings() {
    let sb = Sandbox::new();
    sb.install_shims();
    sb.fake_version("go1.22.10");
    // `gover use` says what it wrote on standard error, unless quiet.
    let run = |value: &str| sb.gover().env("GOVER_QUIET", value).args(["use", "1.22.10"]).output().unwrap();
    for value in ON {
        let out = run(value);
        assert!(out.status.success(), "GOVER_QUIET={value:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "GOVER_QUIET={value:?}");
    }
    for value in OFF {
        let out = run(value);
        assert!(out.status.success(), "GOVER_QUIET={value:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(".go-version: 1.22.10 (go1.22.10)"), "GOVER_QUIET={value:?}");
    }
    assert_bad_switch(&run("maybe"), "GOVER_QUIET");
}

#[test]
fn gover_auto_install_takes_the_usual_spellings() {
    let sb = Sandbox::new();
    sb.install_shims();
    sb.pin("1.22.10");
    // No gover on the sandbox's PATH: an auto-install is seen trying, and failing, to run it.
    let run = |value: &str| sb.shim("go").env("GOVER_AUTO_INSTALL", value).arg("version").output().unwrap();
    for value in ON {
        let out = run(value);
        assert!(
            text(&out.stderr).contains("installing it because GOVER_AUTO_INSTALL is on"),
            "{value:?}: {}",
            text(&out.stderr)
        );
    }
    for value in OFF {
        let out = run(value);
        assert_eq!(out.status.code(), Some(3), "GOVER_AUTO_INSTALL={value:?}: {}", text(&out.stderr));
    }
    assert_bad_switch(&run("sure"), "GOVER_AUTO_INSTALL");
}

#[test]
fn gover_vulndb_takes_the_usual_spellings() {
    let sb = Sandbox::new();
    sb.fake_version("go1.22.10");
    // With the database on and nothing fetched yet, `list` says so; off, it does not ask.
    let run = |value: &str| sb.gover().env("GOVER_VULNDB", value).arg("list").output().unwrap();
    for value in ["", "1", "true", "yes", "on"] {
        let out = run(value);
        assert!(text(&out.stderr).contains("no vulnerability data yet"), "GOVER_VULNDB={value:?}");
    }
    for value in ["0", "false", "no", "off", "Off"] {
        let out = run(value);
        assert!(out.status.success());
        assert_eq!(text(&out.stderr), "", "GOVER_VULNDB={value:?}");
    }
    assert_bad_switch(&run("of"), "GOVER_VULNDB");
}
