//! The user's actual experience with real Go releases (from the fixture mirror, `cargo xtask fixtures`): switching
//! between projects, a stale GOROOT that must not leak, `go build` through the shim.

mod common;

use common::Sandbox;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// A real release in versions/, the way a finished install leaves it (the installer's own
/// end-to-end test covers the download path).
fn plant_real(s: &Sandbox, version: &str) -> PathBuf {
    let root = s.gover_home.join("versions").join(version);
    common::link_copy(&common::real_go_tree(version), &root);
    root
}

#[test]
fn switching_projects_with_real_toolchains() {
    let s = Sandbox::new();
    s.install_shims();
    let old = plant_real(&s, "go1.21.13");
    let new = plant_real(&s, "go1.22.10");
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

    // A go.mod asking for a newer toolchain than the pin must not trigger a download.
    fs::write(legacy.join("go.mod"), "module example.com/legacy\n\ngo 1.23.0\n").unwrap();
    let mut cmd = s.shim("go");
    go_env(&mut cmd);
    cmd.current_dir(&legacy)
        .args(["list", "."])
        .assert()
        .failure()
        .stderr(predicates::str::contains("GOTOOLCHAIN=local"));
}
