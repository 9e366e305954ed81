//! The user's actual experience with real Go releases (from the fixture mirror, `cargo xtask fixtures`): switching
//! between projects, a stale GOROOT that must not leak, `go build` through the shim.

use crate::common;

use common::Sandbox;
use std::fs;
use std::process::Command;

#[test]
fn switching_projects_with_real_toolchains() {
    let s = Sandbox::new();
    s.install_shims();
    let old = s.plant_real("go1.21.13");
    let new = s.plant_real("go1.22.10");
    let legacy = s.work.join("legacy");
    let modern = legacy.join("services/modern");
    fs::create_dir_all(&modern).unwrap();
    fs::write(legacy.join(".go-version"), "1.21\n").unwrap();
    fs::write(modern.join("go.mod"), "module example.com/modern\n\ngo 1.22.0\n\ntoolchain go1.22.10\n").unwrap();
    fs::write(
        modern.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() { fmt.Println(\"built with\", runtime.Version()) }\n",
    )
    .unwrap();
    let go_env = |cmd: &mut assert_cmd::Command| {
        cmd.env("GOCACHE", s.root().join("gocache"))
            .env("GOPATH", s.root().join("gopath"))
            .env("GOFLAGS", "-modcacherw")
            // The stale GOROOT of a version switch: the other toolchain's root.
            .env("GOROOT", &old);
    };

    let mut cmd = s.shim("go");
    go_env(&mut cmd);
    cmd.current_dir(&legacy).arg("version").assert().success().stdout("go version go1.21.13 linux/amd64\n");

    let mut cmd = s.shim("go");
    go_env(&mut cmd);
    cmd.current_dir(&modern).args(["env", "GOROOT"]).assert().success().stdout(format!("{}\n", new.display()));

    let mut cmd = s.shim("go");
    go_env(&mut cmd);
    cmd.current_dir(&modern).args(["build", "-o", "app", "."]).assert().success();
    let out = Command::new(modern.join("app")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "built with go1.22.10\n");

    // gofmt through its shim, from the same release.
    let mut cmd = s.shim("gofmt");
    go_env(&mut cmd);
    cmd.current_dir(&modern).args(["-l", "."]).assert().success().stdout("");

    // Tools from `go install` land in one GOPATH/bin whichever version built them, so they keep
    // working across switches.
    let mut cmd = s.shim("go");
    go_env(&mut cmd);
    cmd.current_dir(&modern).args(["install", "."]).assert().success();
    let installed = s.root().join("gopath/bin/modern");
    for dir in [&legacy, &modern] {
        let mut cmd = s.shim("go");
        go_env(&mut cmd);
        cmd.current_dir(dir)
            .args(["env", "GOPATH"])
            .assert()
            .success()
            .stdout(format!("{}\n", s.root().join("gopath").display()));
    }
    assert_eq!(String::from_utf8_lossy(&Command::new(&installed).output().unwrap().stdout), "built with go1.22.10\n");

    // A go.mod asking for a newer toolchain than any installed must not trigger a download:
    // the shim names the go line and the install that satisfies it, and runs no go.
    fs::write(legacy.join("go.mod"), "module example.com/legacy\n\ngo 1.23.0\n").unwrap();
    let mut cmd = s.shim("go");
    go_env(&mut cmd);
    cmd.current_dir(&legacy).args(["list", "."]).assert().code(3).stderr(format!(
        "error: go1.23.0 is not installed (requested by {0})\n  cause: the go line of {0} rules out go1.21.13, \
         which {1} picks\nhelp: run gover install 1.23.0\n",
        legacy.join("go.mod").display(),
        legacy.join(".go-version").display()
    ));
    assert!(!s.root().join("gopath/pkg/mod/golang.org/toolchain").exists(), "go downloaded a toolchain");
}

#[test]
fn the_go_line_of_go_mod_is_a_minimum() {
    let s = Sandbox::new();
    s.install_shims();
    s.plant_real("go1.22.10");
    let newer = s.plant_real("go1.23.9");
    fs::write(s.gover_home.join("global"), "1.22.10\n").unwrap();
    let module = s.work.join("m");
    fs::create_dir_all(module.join("sub")).unwrap();
    fs::write(module.join("go.mod"), "module example.com/m\n\ngo 1.23.0\n").unwrap();
    let go = |args: &[&str]| {
        let mut cmd = s.shim("go");
        cmd.current_dir(module.join("sub")).env("GOCACHE", s.root().join("gocache")).args(args);
        cmd
    };
    // The global go1.22.10 would fail ("go.mod requires go >= 1.23.0"): the newest installed
    // version that satisfies the line runs.
    go(&["version"]).assert().success().stdout("go version go1.23.9 linux/amd64\n");
    go(&["env", "GOROOT"]).assert().success().stdout(format!("{}\n", newer.display()));
    // A pin older than the line is reported by doctor, and gives way too.
    fs::write(module.join(".go-version"), "1.22\n").unwrap();
    go(&["version"]).assert().success().stdout("go version go1.23.9 linux/amd64\n");
    let out = s.doctor(&["--json"]).current_dir(&module).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = json["findings"].as_array().unwrap().iter().find(|f| f["id"] == "versions.pin-below-go-line");
    assert!(finding.is_some_and(|f| f["evidence"][1]["lines"]["start"] == 3), "{json:#}");
    // Nothing installed satisfies it: the line is what is missing, with go's own version.
    fs::write(module.join("go.mod"), "module example.com/m\n\ngo 1.25.0\n").unwrap();
    go(&["version"]).assert().code(3).stderr(format!(
        "error: go1.25.0 is not installed (requested by {0})\n  cause: the go line of {0} rules out go1.22.10, \
         which {1} picks\nhelp: run gover install 1.25.0\n",
        module.join("go.mod").display(),
        module.join(".go-version").display()
    ));
}

/// A module inside a workspace runs the workspace's toolchain, as go itself decides: the
/// module's own toolchain line (older than the workspace's go line) would make go refuse.
#[test]
fn a_module_in_a_workspace_runs_the_workspace_s_toolchain() {
    let s = Sandbox::new();
    s.install_shims();
    s.plant_real("go1.22.10");
    s.plant_real("go1.23.9");
    let ws = s.work.join("ws");
    let module = ws.join("m");
    fs::create_dir_all(&module).unwrap();
    fs::write(ws.join("go.work"), "go 1.23.0\n\ntoolchain go1.23.9\n\nuse ./m\n").unwrap();
    fs::write(module.join("go.mod"), "module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.22.10\n").unwrap();
    fs::write(module.join("main.go"), "package main\n\nfunc main() { println(\"built\") }\n").unwrap();
    let go = |gowork: &str, args: &[&str]| {
        let mut cmd = s.shim("go");
        cmd.current_dir(&module).env("GOCACHE", s.root().join("gocache")).env("GOWORK", gowork).args(args);
        cmd
    };
    go("", &["version"]).assert().success().stdout("go version go1.23.9 linux/amd64\n");
    go("", &["build", "-o", "/dev/null", "."]).assert().success();
    // Without the workspace, the module's own line.
    go("off", &["version"]).assert().success().stdout("go version go1.22.10 linux/amd64\n");
}
