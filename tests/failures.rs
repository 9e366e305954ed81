//! Every failure ends fast, with the README's exit code and a hint that works when followed
//! (issue 12): hostile pin files, interrupted and offline installs, networks that fail in the
//! usual ways, an unusable GOVER_HOME. Each `help:` line checked here is followed, and seen to work.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::Sandbox;

/// Standard error as text.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The text of the `help:` line.
fn help(out: &Output) -> String {
    let err = stderr(out);
    err.lines().find_map(|l| l.strip_prefix("help: ")).unwrap_or_else(|| panic!("no help line in:\n{err}")).to_string()
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_fifo_as_a_pin_file_fails_at_once_naming_it() {
    let sb = Sandbox::new();
    sb.install_shims();
    sb.fake_version("go1.22.10");
    sb.pin("1.22");
    let pin = sb.work.join(".go-version");
    std::fs::remove_file(&pin).unwrap();
    mkfifo(&pin);
    let limit = Duration::from_secs(10);
    // `list` lists all the same, with a warning.
    for (args, code) in [(&["current"][..], 7), (&["which", "go"], 7), (&["list"], 0)] {
        let started = Instant::now();
        let out = sb.gover().args(args).timeout(limit).output().unwrap();
        assert!(started.elapsed() < limit, "gover {args:?} hung on a FIFO");
        assert_eq!(out.status.code(), Some(code), "gover {args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&pin.display().to_string()), "{}", stderr(&out));
        assert!(stderr(&out).contains("named pipe"), "{}", stderr(&out));
    }
    let out = sb.shim("go").arg("version").timeout(limit).output().unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let out = sb.doctor(&["--json"]).timeout(limit).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("versions.bad-pin"), "doctor: {}", stderr(&out));
    // The hint says to remove it; done, go runs.
    assert!(help(&sb.shim("go").arg("version").output().unwrap()).contains("remove"));
    std::fs::remove_file(&pin).unwrap();
    sb.gover().args(["use", "1.22"]).assert().success();
    sb.shim("go").arg("version").assert().success().stdout(predicates::str::contains("go1.22.10"));
}
