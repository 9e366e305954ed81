//! `gover use`, `global`, `current`, `which`, `exec` and `env`: the CLI side of version
//! resolution, against planted versions.

mod common;

use common::Sandbox;
use predicates::prelude::*;
use std::fs;

#[test]
fn use_writes_go_version_and_current_reports_its_source() {
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.22.9");
    s.fake_version("go1.22.10");
    let project = s.work.join("app");
    fs::create_dir_all(project.join("src")).unwrap();

    s.gover().current_dir(&project).args(["use", "1.22"]).assert().success();
    assert_eq!(fs::read_to_string(project.join(".go-version")).unwrap(), "1.22\n");

    s.gover()
        .current_dir(project.join("src"))
        .arg("current")
        .assert()
        .success()
        .stdout(format!("go1.22.10 (set by {})\n", project.join(".go-version").display()));
    s.gover().current_dir(project.join("src")).args(["current", "--bare"]).assert().stdout("go1.22.10\n");

    // The shim agrees with the CLI.
    s.shim("go")
        .current_dir(project.join("src"))
        .assert()
        .success()
        .stdout(predicate::str::starts_with("go go1.22.10"));
}

#[test]
fn use_refuses_a_version_that_is_not_installed() {
    let s = Sandbox::new();
    s.fake_version("go1.21.13");
    // No release index can be reached to check that 1.23 exists: the plain hint stands.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    s.gover()
        .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["use", "1.23"])
        .assert()
        .code(3)
        .stderr("error: go1.23 is not installed (requested by the command line)\nhelp: run gover install 1.23\n");
    assert!(!s.work.join(".go-version").exists());
    s.gover().args(["use", "1.23; rm -rf /"]).assert().code(2).stderr(predicate::str::contains("is not a Go version"));
}

#[test]
fn use_latest_pins_what_latest_means_today() {
    let s = Sandbox::new();
    s.fake_version("go1.21.13");
    s.fake_version("go1.23rc1");
    s.fake_version("go1.22.10");
    s.gover().args(["use", "latest"]).assert().success();
    assert_eq!(fs::read_to_string(s.work.join(".go-version")).unwrap(), "1.22.10\n");
}

#[test]
fn global_default_applies_where_nothing_is_pinned() {
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.21.13");
    s.gover().arg("global").assert().success().stdout(predicate::str::starts_with("none"));
    s.gover().args(["global", "1.21"]).assert().success();
    s.gover().arg("global").assert().success().stdout("go1.21\n");
    s.gover()
        .arg("current")
        .assert()
        .success()
        .stdout(format!("go1.21.13 (set by the global default {})\n", s.gover_home.join("global").display()));
    s.shim("go").assert().success().stdout(predicate::str::starts_with("go go1.21.13"));
    s.gover().args(["global", "--unset"]).assert().success();
    assert!(!s.gover_home.join("global").exists());
}

#[test]
fn a_broken_global_file_is_reported_with_its_path() {
    let s = Sandbox::new();
    fs::create_dir_all(&s.gover_home).unwrap();
    fs::write(s.gover_home.join("global"), "not-a-version\n").unwrap();
    s.gover()
        .arg("current")
        .assert()
        .code(7)
        .stderr(predicate::str::contains(format!("cannot use {}, line 1", s.gover_home.join("global").display())));
}

#[test]
fn which_prints_the_real_binary_and_the_shim() {
    let s = Sandbox::new();
    s.install_shims();
    let root = s.fake_version("go1.22.10");
    fs::write(s.work.join(".go-version"), "1.22.10\n").unwrap();
    s.gover().arg("which").assert().success().stdout(format!("{}\n", root.join("bin/go").display()));
    s.gover().args(["which", "gofmt"]).assert().success().stdout(format!("{}\n", root.join("bin/gofmt").display()));
    s.gover().args(["which", "--shim"]).assert().success().stdout(format!("{}\n", s.shims_dir().join("go").display()));
    fs::remove_dir_all(s.shims_dir()).unwrap();
    s.gover().args(["which", "--shim"]).assert().code(3).stderr(predicate::str::contains("gover install"));
}

#[test]
fn exec_runs_a_command_with_the_version_first_on_path() {
    let s = Sandbox::new();
    s.install_shims();
    let root = s.fake_version("go1.21.13");
    s.fake_version("go1.22.10");
    fs::write(s.work.join(".go-version"), "1.22.10\n").unwrap();
    s.gover()
        .args(["exec", "1.21", "--", "sh", "-c", "go version; echo \"V=$GOVER_VERSION\"; command -v go"])
        .env("GOROOT", "/stale")
        .assert()
        .success()
        .stdout(predicate::str::contains("go go1.21.13 args=version"))
        .stdout(predicate::str::contains(format!("GOROOT={}", root.display())))
        .stdout(predicate::str::contains("V=go1.21.13"))
        .stdout(predicate::str::contains(format!("{}\n", root.join("bin/go").display())));
    // No release index within reach (a reachable one names the nearest release, exit 4).
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    s.gover()
        .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["exec", "1.20", "--", "true"])
        .assert()
        .code(3);
    s.gover()
        .args(["exec", "1.21", "--", "/nonexistent/cmd"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot run"));
}

#[test]
fn env_prints_code_that_shells_evaluate() {
    let s = Sandbox::new();
    let root = s.fake_version("go1.22.10");
    fs::write(s.work.join(".go-version"), "1.22.10\n").unwrap();
    let bin = common::bin_dir();
    // `shell -c script` with gover on PATH and the sandbox's environment.
    let run = |shell: &str, script: &str| {
        let out = std::process::Command::new(shell)
            .args(["-c", script])
            .env_clear()
            .envs(s.env())
            .env("PATH", format!("{}:{}", bin.display(), common::BASE_PATH))
            .current_dir(&s.work)
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let posix = r#"eval "$(gover env)"; echo "$GOROOT|$GOTOOLCHAIN"; command -v go"#;
    for shell in ["sh", "bash", "zsh"] {
        if !common::require(shell) {
            continue;
        }
        assert_eq!(
            run(shell, posix),
            format!("{}|local\n{}\n", root.display(), root.join("bin/go").display()),
            "{shell}"
        );
    }
    if !common::require("fish") {
        return;
    }
    let fish = "gover env --shell fish | source; echo $GOROOT; command -v go";
    assert_eq!(run("fish", fish), format!("{}\n{}\n", root.display(), root.join("bin/go").display()));
}

/// A `.go-version` asking for 1.21 in a module whose go line is 1.22: go1.22.10 runs because
/// of the go line, and `current`, `list` and `which` say so, naming both files (not
/// `set by .go-version`, which asks for something else).
#[test]
fn current_names_the_go_line_that_raised_a_pin() {
    let s = Sandbox::new();
    s.fake_version("go1.21.13");
    s.fake_version("go1.22.10");
    let pin = s.work.join(".go-version");
    let module = s.work.join("go.mod");
    fs::write(&pin, "1.21\n").unwrap();
    fs::write(&module, "module example.com/app\n\ngo 1.22\n").unwrap();
    let why = format!("the go 1.22 line of {} raised it from 1.21, which {} asks for", module.display(), pin.display());

    s.gover().arg("current").assert().success().stdout(format!("go1.22.10 ({why})\n"));
    let out = s.gover().args(["current", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], "go1.22.10");
    assert_eq!(
        json["source"],
        serde_json::json!({
            "kind": "go_line", "path": module, "line": 3, "go": "1.22",
            "raised_from": {"spec": "1.21", "source": {"kind": "file", "path": pin, "line": 1}},
        })
    );
    let which = s.gover().args(["which", "go", "--json"]).output().unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&which.stdout).unwrap()["source"], json["source"]);
    let list = String::from_utf8(s.gover().arg("list").output().unwrap().stdout).unwrap();
    assert!(list.contains(&format!("* go1.22.10  ({why})")), "{list}");

    // Where the pin is met, it is the reason.
    fs::write(&pin, "1.22\n").unwrap();
    s.gover().arg("current").assert().success().stdout(format!("go1.22.10 (set by {})\n", pin.display()));
}

/// In a pinned directory `list` still marks the global default (what other directories get),
/// in text and JSON.
#[test]
fn list_marks_the_global_default_where_a_pin_overrides_it() {
    let s = Sandbox::new();
    s.fake_version("go1.21.13");
    s.fake_version("go1.22.10");
    fs::create_dir_all(&s.gover_home).unwrap();
    fs::write(s.gover_home.join("global"), "1.21\n").unwrap();
    s.pin("1.22");
    let pin = s.work.join(".go-version");
    s.gover()
        .arg("list")
        .assert()
        .success()
        .stdout(format!("  go1.21.13  (the global default)\n* go1.22.10  (set by {})\n", pin.display()));
    let out = s.gover().args(["list", "--json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((rows[0]["global"].clone(), rows[1]["global"].clone()), (true.into(), false.into()));
}

/// A `.go-version` saved with a byte-order mark (Notepad) pins as it reads, for the shim and
/// the CLI alike.
#[test]
fn a_pin_file_with_a_byte_order_mark_is_read_as_it_looks() {
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.22.10");
    let pin = s.work.join(".go-version");
    fs::write(&pin, "\u{feff}1.22\r\n").unwrap();
    s.gover().arg("current").assert().success().stdout(format!("go1.22.10 (set by {})\n", pin.display()));
    s.shim("go").assert().success().stdout(predicate::str::starts_with("go go1.22.10"));
}
