//! `gover ci`: env in each runner's format read back the way the runner reads it, the version
//! it picks matching `gover current`, cache keys, and the matrix. Releases come from a
//! loopback server (the real-Go mirror for the GitHub job, small releases for the rest).

use crate::common;

use std::fs;
use std::path::Path;

use common::modproxy::{self, ModProxy};
use common::rig::Rig;
use common::server::Server;

const RELEASES: [&str; 4] = ["go1.23.9", "go1.22.10", "go1.22.9", "go1.21.13"];

/// A later step of the job: bash started with only a basic PATH and HOME, running `script`.
fn later_step(rig: &Rig, extra: &[(&str, &Path)], script: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new("bash");
    cmd.env_clear()
        .env("PATH", common::BASE_PATH)
        .env("HOME", &rig.sb.home)
        .envs(extra.iter().map(|(k, v)| (*k, *v)))
        .current_dir(&rig.sb.work)
        .args(["-euc", script]);
    cmd
}

#[test]
fn env_for_github_fills_the_runner_files_and_the_next_step_runs_the_pinned_go() {
    let rig = Rig::new(Server::http());
    rig.server.serve_dir(&common::real_mirror());
    rig.sb.pin("1.22");
    let files = ["GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT"].map(|name| (name, rig.sb.root().join(name)));
    let mut cmd = rig.gover();
    cmd.env("GOVER_DIST_URL", rig.server.url("/")).envs(files.iter().map(|(k, v)| (*k, v)));
    // Nothing on standard output: the lines are in the runner's files.
    cmd.args(["ci", "env", "--format", "github"]).assert().success().stdout("");
    let root = rig.version_dir("go1.22.10");
    let env = fs::read_to_string(&files[0].1).unwrap();
    assert_eq!(
        env,
        format!("GOROOT={}\nGOVER_HOME={}\nGOTOOLCHAIN=local\n", root.display(), rig.sb.gover_home.display())
    );
    assert_eq!(fs::read_to_string(&files[2].1).unwrap(), "go-version=1.22.10\n");

    // As the runner does: every $GITHUB_PATH line goes before the PATH so far, every
    // $GITHUB_ENV line is exported. In a directory pinned to something else, go is still
    // the job's version, found directly rather than through a shim.
    fs::create_dir_all(rig.sb.work.join("other")).unwrap();
    fs::write(rig.sb.work.join("other/.go-version"), "1.21\n").unwrap();
    let script = r#"while IFS= read -r dir; do PATH="$dir:$PATH"; done < "$GITHUB_PATH"
        while IFS= read -r line; do export "$line"; done < "$GITHUB_ENV"
        cd other; command -v go; go version; go env GOROOT GOTOOLCHAIN"#;
    let mut step = later_step(&rig, &[("GITHUB_PATH", &files[1].1), ("GITHUB_ENV", &files[0].1)], script);
    let output = step.assert().success().get_output().stdout.clone();
    let lines: Vec<String> = String::from_utf8(output).unwrap().lines().map(String::from).collect();
    assert_eq!(lines[0], root.join("bin/go").display().to_string());
    assert!(lines[1].starts_with("go version go1.22.10 "), "{lines:?}");
    assert_eq!(lines[2..], [root.display().to_string(), "local".into()]);
}

#[test]
fn env_for_gitlab_is_a_dotenv_a_later_job_loads() {
    let rig = Rig::serving(&RELEASES);
    let assert = rig.gover().args(["ci", "env", "--format", "gitlab", "--go-version", "1.23"]).assert().success();
    let dotenv = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let root = rig.version_dir("go1.23.9");
    assert!(dotenv.starts_with(&format!("GOROOT={}\n", root.display())), "{dotenv}");
    assert!(dotenv.lines().all(|l| l.split_once('=').is_some_and(|(k, v)| !k.is_empty() && !v.contains(' '))));
    let env_file = rig.sb.write("gover.env", &dotenv);
    // GitLab hands a dotenv report's variables to the later job's environment as they are.
    let mut step =
        later_step(&rig, &[("DOTENV", &env_file)], r#"set -a; . "$DOTENV"; set +a; go version; echo "$GOROOT""#);
    step.assert().success().stdout(format!("go version go1.23.9 fake/arch\n{}\n", root.display()));

    // A GOVER_HOME with a space cannot be carried by a dotenv: an error, not a report GitLab misreads.
    let spaced = rig.sb.root().join("my home");
    let mut cmd = rig.gover();
    cmd.env("GOVER_HOME", &spaced).args(["ci", "env", "--format", "gitlab", "--go-version", "1.23"]);
    let out = cmd.assert().failure().get_output().clone();
    common::rig::assert_explained(&out, 1, &["cannot be written to a GitLab dotenv report", "space", "GOVER_HOME="]);
}

#[test]
fn env_for_shell_evals_in_bash_with_awkward_paths() {
    let rig = Rig::serving(&RELEASES);
    rig.sb.pin("1.22");
    // Quotes, spaces and a dollar sign in GOVER_HOME survive the quoting.
    let home = rig.sb.root().join("it's a $HOME");
    let script = r#"eval "$("$GOVER" ci env --format shell)"
        command -v go; go version; echo "$GOROOT"; echo "$GOTOOLCHAIN""#;
    let mut step = later_step(&rig, &[("GOVER", Path::new(env!("CARGO_BIN_EXE_gover")))], script);
    step.envs(rig.env()).env("GOVER_HOME", &home).env("PATH", common::BASE_PATH);
    let root = home.join("versions/go1.22.10");
    // The install's own report goes to standard error, so eval sees only the exports.
    step.assert().success().stdout(format!(
        "{}\ngo version go1.22.10 fake/arch\n{}\nlocal\n",
        root.join("bin/go").display(),
        root.display()
    ));
}

#[test]
fn env_picks_what_gover_current_picks() {
    let rig = Rig::serving(&RELEASES);
    // Same directory: .go-version beats go.mod's toolchain line. Nested: the nearer wins.
    let layouts: [(&str, &[(&str, &str)]); 3] = [
        ("a", &[("a/go.mod", "module a\n\ngo 1.21\n\ntoolchain go1.21.13\n"), ("a/.go-version", "1.22.9\n")]),
        ("b/sub", &[("b/.go-version", "1.22.9\n"), ("b/sub/go.mod", "module s\n\ngo 1.21\n\ntoolchain go1.23.9\n")]),
        (
            "c/sub",
            &[
                ("c/go.mod", "module c\n\ngo 1.21\n\ntoolchain go1.21.13\n"),
                ("c/sub/.tool-versions", "golang 1.22.10\n"),
            ],
        ),
    ];
    for (dir, files) in layouts {
        for (path, content) in files {
            rig.sb.write(&format!("work/{path}"), content);
        }
        let run = |args: &[&str]| {
            let mut cmd = rig.gover();
            cmd.current_dir(rig.sb.work.join(dir)).args(args);
            String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
        };
        let exports = run(&["ci", "env", "--format", "shell"]);
        let current = run(&["current", "--bare"]);
        let goroot = exports.lines().find_map(|l| l.strip_prefix("export GOROOT=")).unwrap();
        assert_eq!(Path::new(goroot), rig.version_dir(current.trim()), "in {dir}: {exports}");
    }
}

#[test]
fn env_takes_setup_go_style_overrides() {
    let rig = Rig::serving(&RELEASES);
    rig.sb.pin("1.21");
    // A go.mod without a toolchain line: its go line, as setup-go reads it (1.22 = newest 1.22.x).
    rig.sb.write("work/mod/go.mod", "module m\n\ngo 1.22\n");
    let goroot = |args: &[&str]| {
        let out =
            rig.gover().args(["ci", "env", "--format", "shell"]).args(args).assert().success().get_output().clone();
        String::from_utf8(out.stdout).unwrap().lines().next().unwrap().to_string()
    };
    assert!(goroot(&["--go-version-file", "mod/go.mod"]).ends_with("/go1.22.10"));
    assert!(goroot(&["--go-version", "1.23.9"]).ends_with("/go1.23.9"));
    assert!(goroot(&["--go-version-file", ".go-version"]).ends_with("/go1.21.13"));

    let out =
        rig.gover().args(["ci", "env", "--go-version-file", "nope/go.mod"]).assert().failure().get_output().clone();
    common::rig::assert_explained(&out, 2, &["--go-version-file nope/go.mod: no such file"]);
    rig.sb.write("work/empty/go.mod", "module e\n");
    let out =
        rig.gover().args(["ci", "env", "--go-version-file", "empty/go.mod"]).assert().failure().get_output().clone();
    common::rig::assert_explained(&out, 2, &["names no Go version", "--go-version"]);
}

#[test]
fn check_latest_moves_past_an_older_matching_release_already_installed() {
    let rig = Rig::serving(&RELEASES);
    // What a restored cache or a self-hosted runner leaves: an older patch of the line.
    rig.gover().args(["install", "1.22.9"]).assert().success();
    let goroot = |args: &[&str]| {
        let mut cmd = rig.gover();
        let out = cmd.args(["ci", "env", "--format", "shell", "--go-version", "1.22"]).args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap().lines().next().unwrap().to_string()
    };
    assert!(goroot(&[]).ends_with("/go1.22.9"));
    let key = |args: &[&str]| cache_key(&rig, &[&["--kind", "toolchain"], args].concat())["key"].clone();
    assert!(key(&[]).as_str().unwrap().ends_with("-go1.22.9"));
    // The key names the release the job is about to install, before it does.
    assert!(key(&["--check-latest"]).as_str().unwrap().ends_with("-go1.22.10"));
    assert!(goroot(&["--check-latest"]).ends_with("/go1.22.10"));
}

fn cache_key(rig: &Rig, args: &[&str]) -> serde_json::Value {
    let out = rig.gover().args(["ci", "cache-key", "--json", "--go-version", "1.22"]).args(args).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn cache_keys_are_stable_and_follow_the_sum_files() {
    let rig = Rig::serving(&RELEASES);
    rig.sb.write("work/go.sum", "example.com/a v1.0.0 h1:aaa=\n");
    rig.sb.write("work/tools/go.sum", "example.com/b v1.0.0 h1:bbb=\n");
    rig.sb.write("work/testdata/go.sum", "ignored\n");
    let modules = cache_key(&rig, &["--kind", "modules"]);
    let key = |v: &serde_json::Value| v["key"].as_str().unwrap().to_string();
    let platform = common::releases::host_platform();
    assert!(key(&modules).starts_with(&format!("gover-modules-{platform}-go1.22.10-")), "{modules}");
    // Resolved from the index, not installed: a key is computed before the cache is restored.
    assert!(!rig.version_dir("go1.22.10").exists());
    assert_eq!(key(&cache_key(&rig, &["--kind", "modules"])), key(&modules));
    assert_eq!(modules["paths"][0], rig.sb.home.join("go/pkg/mod").display().to_string());

    let build = cache_key(&rig, &["--kind", "build"]);
    let toolchain = cache_key(&rig, &["--kind", "toolchain"]);
    assert_ne!(key(&build), key(&modules));
    assert_eq!(key(&toolchain), format!("gover-toolchain-{platform}-go1.22.10"));
    assert_eq!(toolchain["paths"][0], rig.version_dir("go1.22.10").display().to_string());

    // testdata is not a module; a nested module's go.sum is.
    rig.sb.write("work/testdata/go.sum", "changed\n");
    assert_eq!(key(&cache_key(&rig, &["--kind", "modules"])), key(&modules));
    rig.sb.write("work/tools/go.sum", "example.com/b v1.0.1 h1:ccc=\n");
    let changed = cache_key(&rig, &["--kind", "modules"]);
    assert_ne!(key(&changed), key(&modules));
    assert_eq!(changed["restore_key"], modules["restore_key"]);
    // Only the files named: the nested module's change does not count.
    let root_only = cache_key(&rig, &["--kind", "modules", "go.sum"]);
    rig.sb.write("work/tools/go.sum", "example.com/b v1.0.2 h1:ddd=\n");
    assert_eq!(key(&cache_key(&rig, &["--kind", "modules", "go.sum"])), key(&root_only));

    // Without --json: the $GITHUB_OUTPUT lines, several paths in the delimiter form.
    let now = key(&cache_key(&rig, &["--kind", "modules"]));
    let out = rig.gover().args(["ci", "cache-key", "--go-version", "1.22"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with(&format!("key={now}\nrestore-key=")), "{text}");
    assert!(text.contains("path<<ghadelimiter_0\n") && text.ends_with("ghadelimiter_0\n"), "{text}");
}

#[test]
fn matrix_from_the_go_line_plus_stable_and_oldstable_is_json() {
    if !common::require("python3") {
        return;
    }
    let rig = Rig::serving(&["go1.24rc1", "go1.23.9", "go1.22.10", "go1.22.9", "go1.21.13", "go1.21.0", "go1.20.14"]);
    rig.sb.write("work/go.mod", "module m\n\ngo 1.21.0\n");
    let check = |args: &[&str], expected: &str| {
        let out = rig.gover().args(["ci", "matrix", "--plus", "stable,oldstable"]).args(args).assert().success();
        let mut python = assert_cmd::Command::new("python3");
        python.args(["-c", &format!("import json, sys; assert json.load(sys.stdin) == {expected}")]);
        python.write_stdin(out.get_output().stdout.clone()).assert().success();
    };
    check(&["--json"], r#"{"go-version": ["1.21.13", "1.22.10", "1.23.9"]}"#);
    check(&["--format", "gitlab"], r#"[{"GO_VERSION": ["1.21.13", "1.22.10", "1.23.9"]}]"#);
    rig.gover().args(["ci", "matrix"]).assert().success().stdout("1.21.13\n");

    rig.sb.write("work/old/go.mod", "module o\n\ngo 1.19\n");
    let out = rig.gover().args(["ci", "matrix", "--from", "old/go.mod"]).assert().failure().get_output().clone();
    common::rig::assert_explained(&out, 4, &["no Go release matches the go line's go1.19"]);
    let out = rig.gover().args(["ci", "matrix", "--from", "nope/go.mod"]).assert().failure().get_output().clone();
    common::rig::assert_explained(&out, 1, &["cannot read nope/go.mod", "--from"]);
}

#[test]
fn env_installs_through_the_module_proxy_when_that_is_the_source() {
    let sb = common::Sandbox::new();
    let proxy = ModProxy::new(vec![modproxy::Toolchain::synthetic("go1.23.9", &[])]);
    let mut cmd = sb.gover();
    cmd.envs(proxy.env()).env("GOVER_SOURCE", "proxy").args(["ci", "env", "--format", "shell", "--go-version", "1.23"]);
    let out = cmd.assert().success().get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("source: the module proxy"));
    let root = modproxy::version_dir(&sb.gover_home, "go1.23.9");
    let expected = format!("export GOROOT={}\n", root.display());
    assert!(String::from_utf8(out.stdout).unwrap().starts_with(&expected));
    assert!(root.join("bin/go").is_file() && sb.shims_dir().join("go").is_file());
}

#[test]
fn env_with_nothing_pinned_and_no_system_go_says_where_it_looked_and_how_to_pin() {
    let sb = common::Sandbox::new();
    // A go line is not a pin (the shim does not read it); --go-version-file go.mod does.
    sb.write("work/go.mod", "module m\n\ngo 1.22\n");
    let out = sb.gover().args(["ci", "env"]).assert().failure().get_output().clone();
    let looked = format!(
        "cause: no .go-version, .tool-versions, mise.toml (or another of mise's files), nor a toolchain line in \
         go.work or go.mod, in {} or a directory above it",
        sb.work.display()
    );
    common::rig::assert_explained(&out, 3, &[&looked, "help: name the version the job builds with: --go-version 1.22"]);
}

/// What a job gets wrong, each a one-line error with a cause, a hint and the exit code README's
/// table gives it: a version no release matches (4), a source out of reach (5), a GOVER_HOME
/// the job's user cannot write (8).
#[test]
fn env_refuses_bad_input_with_one_line_and_its_exit_code() {
    let rig = Rig::serving(&RELEASES);
    let out = rig.gover().args(["ci", "env", "--go-version", "1.99"]).assert().failure().get_output().clone();
    common::rig::assert_explained(&out, 4, &["error: no Go release 1.99 for", "go1.23.9"]);

    let mut cmd = rig.gover();
    let closed = "http://127.0.0.1:9/index.json";
    cmd.env("GOVER_INDEX_URL", closed).args(["ci", "env", "--go-version", "1.22"]);
    let out = cmd.assert().failure().get_output().clone();
    common::rig::assert_explained(&out, 5, &[&format!("error: cannot download {closed}")]);

    // A runner whose tool cache (GOVER_HOME) belongs to root, and a job running as nobody.
    for dir in [rig.sb.root(), rig.sb.home.as_path(), rig.sb.work.as_path()] {
        fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    fs::create_dir_all(&rig.sb.gover_home).unwrap();
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_gover"))
        .args(["ci", "env", "--go-version", "1.22"])
        .env_clear()
        .envs(rig.env())
        .current_dir(&rig.sb.work)
        .output()
        .unwrap();
    if String::from_utf8_lossy(&out.stderr).contains("setpriv:") {
        common::skip(&format!("cannot run as uid 65534: {}", String::from_utf8_lossy(&out.stderr).trim()));
        return;
    }
    common::rig::assert_explained(&out, 8, &[&format!("error: cannot create {}", rig.sb.gover_home.display())]);
    assert!(!rig.version_dir("go1.22.10").exists());
}
