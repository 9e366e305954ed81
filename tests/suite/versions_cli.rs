//! `gover use`, `global`, `current`, `which`, `exec` and `env`: the CLI side of version
//! resolution, against planted versions.

use crate::common;

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
    fs::write(s.gover_home.join("global"), "not a version\n").unwrap();
    s.gover()
        .arg("current")
        .assert()
        .code(7)
        .stderr(predicate::str::contains(format!("cannot use {}, line 1", s.gover_home.join("global").display())));
    // A word that could name a link (gover link) is one nothing is linked as.
    let global = s.gover_home.join("global");
    fs::write(&global, "not-a-version\n").unwrap();
    s.gover().arg("current").assert().code(7).stderr(format!(
        "error: cannot use {0}\n  cause: not-a-version is neither a Go version nor a linked toolchain\nhelp: name the tree it means with gover link not-a-version /path/to/its/goroot, or fix or remove {0}; it \
         should hold one version such as 1.22.10\n",
        global.display()
    ));
}

/// One error type and one renderer: what `go` says through the shim is what gover says, cause
/// lines included (a pin that is no version; a go line that rules out what the pin picks).
#[test]
fn gover_and_the_shim_print_a_resolution_error_alike() {
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.22.10");
    let stderr = |out: std::process::Output| (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned());
    for (pin, gomod, code) in [("1.22; rm -rf /\n", "", 7), ("1.22\n", "module x\n\ngo 1.23.0\n", 3)] {
        fs::write(s.work.join(".go-version"), pin).unwrap();
        fs::write(s.work.join("go.mod"), gomod).unwrap();
        let gover = stderr(s.gover().arg("current").output().unwrap());
        assert_eq!(gover.0, Some(code), "{}", gover.1);
        assert_eq!(gover.1.lines().filter(|l| l.starts_with("  cause: ")).count(), 1, "{}", gover.1);
        assert_eq!(stderr(s.shim("go").arg("version").output().unwrap()), gover);
    }
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

/// `gover use` in a directory like /tmp writes a pin that does not count, and says so.
#[test]
fn use_in_a_shared_temporary_directory_warns_that_the_pin_does_not_count() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.22.10");
    let shared = s.work.join("tmp");
    fs::create_dir_all(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
    s.gover().current_dir(&shared).args(["use", "1.22.10"]).assert().success().stderr(predicate::str::contains(
        format!(
            "warning: {} is in {}, a shared temporary directory",
            shared.join(".go-version").display(),
            shared.display()
        ),
    ));
    // In a directory of one's own below it, no warning.
    fs::create_dir_all(shared.join("mine")).unwrap();
    s.gover()
        .current_dir(shared.join("mine"))
        .args(["use", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}

/// Hands `path` (not following a symlink) to `uid`, as if that user had made it.
fn give(path: &std::path::Path, uid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), Some(uid)).unwrap();
}

fn i_am_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Another user's pin files (a `.go-version` or a go.mod toolchain line, or a symlink they
/// plant in their own directory to a file root owns) do not choose root's go: the shim and
/// `gover current`, `which` and `doctor` skip them and say so, once each.
#[test]
fn pin_files_another_user_could_have_written_do_not_count() {
    if !i_am_root() {
        common::skip("handing files to another user needs root");
        return;
    }
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.21.13");
    let global_root = s.fake_version("go1.22.10");
    s.fake_version("go1.23.9");
    s.gover().args(["global", "1.22.10"]).assert().success();
    let global = s.gover_home.join("global");
    let cases = [
        ("theirs/.go-version", "1.21.13\n", "belongs to uid 65534, neither you nor root"),
        ("theirs/go.mod", "module x\n\ngo 1.21\n\ntoolchain go1.23.9\n", "belongs to uid 65534, neither you nor root"),
    ];
    for (rel, content, why) in cases {
        let _ = fs::remove_dir_all(s.work.join("theirs"));
        let file = s.work.join(rel);
        fs::create_dir_all(s.work.join("theirs/src")).unwrap();
        fs::write(&file, content).unwrap();
        give(&file, 65534);
        let warning = format!(
            "warning: {} {why}, so another user may have planted it; it is ignored and the global default {} decides\n",
            file.display(),
            global.display()
        );
        let cwd = s.work.join("theirs/src");
        s.shim("go")
            .current_dir(&cwd)
            .assert()
            .success()
            .stdout(predicate::str::starts_with("go go1.22.10 "))
            .stderr(warning.clone());
        s.gover()
            .current_dir(&cwd)
            .arg("current")
            .assert()
            .success()
            .stdout(format!("go1.22.10 (set by the global default {})\n", global.display()))
            .stderr(warning.clone());
        s.gover()
            .current_dir(&cwd)
            .arg("which")
            .assert()
            .success()
            .stdout(format!("{}\n", global_root.join("bin/go").display()))
            .stderr(warning);
    }
    // Their own directory: a symlink there to a file root owns (a go.mod with a go line from
    // some Go source tree) is still theirs to point anywhere.
    let roots = s.write("usr/lib/go/src/go.mod", "module std\n\ngo 1.23.0\n");
    let _ = fs::remove_dir_all(s.work.join("theirs"));
    fs::create_dir_all(s.work.join("theirs/src")).unwrap();
    std::os::unix::fs::symlink(&roots, s.work.join("theirs/go.mod")).unwrap();
    give(&s.work.join("theirs"), 65534);
    let out = s.shim("go").current_dir(s.work.join("theirs/src")).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.22.10 "), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(&format!(
            "warning: {} is in a directory of uid 65534, neither you nor root,",
            s.work.join("theirs/go.mod").display()
        )),
        "{out:?}"
    );
    // doctor names the file.
    let out = s.doctor(&["--json"]).current_dir(s.work.join("theirs/src")).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "versions.ignored-pin").cloned();
    let finding = finding.unwrap_or_else(|| panic!("no versions.ignored-pin in {report}"));
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["evidence"][0]["path"], s.work.join("theirs/go.mod").display().to_string());
}

/// Root's files count for everyone (root can change anything anyway): run as uid 65534, a pin
/// root wrote is obeyed, while one of a third user below it is not.
#[test]
fn roots_pins_count_for_other_users_and_a_third_users_do_not() {
    use std::os::unix::fs::PermissionsExt;
    if !i_am_root() {
        common::skip("running as another user needs root");
        return;
    }
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.21.13");
    s.fake_version("go1.23.9");
    s.write("work/proj/.go-version", "1.21.13\n");
    let third = s.write("work/proj/sub/.go-version", "1.23.9\n");
    give(&third, 4242);
    for dir in [s.root(), s.home.as_path(), s.work.as_path()] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(s.shims_dir().join("go"))
        .env_clear()
        .envs(s.env())
        .current_dir(s.work.join("proj/sub"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.21.13 "), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "warning: {} belongs to uid 4242, neither you nor root, so another user may have planted it; it is \
             ignored and {} decides\n",
            third.display(),
            s.work.join("proj/.go-version").display()
        )
    );
}

/// With GOVER_AUTO_INSTALL=1, a go.mod another user planted must not make the shim download
/// the version its go line names.
#[test]
fn auto_install_does_not_install_for_a_planted_go_mod() {
    if !i_am_root() {
        common::skip("handing files to another user needs root");
        return;
    }
    let s = Sandbox::new();
    s.install_shims();
    s.fake_version("go1.22.10");
    s.gover().args(["global", "1.22.10"]).assert().success();
    let planted = s.write("work/shared/go.mod", "module x\n\ngo 1.25.0\n");
    give(&planted, 65534);
    // A gover that only records being asked to install.
    let asked = s.root().join("asked");
    common::write_executable(&s.root().join("bin/gover"), &format!("#!/bin/sh\necho \"$@\" >> {}\n", asked.display()));
    let path = format!("{}:{}", s.root().join("bin").display(), s.path_with_shims());
    s.shim("go")
        .current_dir(s.work.join("shared"))
        .env("GOVER_AUTO_INSTALL", "1")
        .env("PATH", path)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("go go1.22.10 "));
    assert!(!asked.exists(), "gover was asked: {}", fs::read_to_string(&asked).unwrap_or_default());
}
