//! The administrator's policy (GOVER_POLICY_FILE, else /etc/gover/policy.toml) through the
//! real binaries: each rule refuses (exit 9, naming the file and line and what it allows) and
//! allows, in every command that installs or selects a version, the shim's auto-install
//! included; a policy gover cannot read is an error; `gover doctor` reports pins it refuses;
//! and a user cannot swap in a policy of their own.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use common::server::Server;
use common::vulndb::VulnDb;
use common::Sandbox;
use predicates::prelude::*;
use serde_json::Value;

/// A sandbox with the real-Go mirror served over HTTPS, and a policy file for it.
struct Fleet {
    sb: Sandbox,
    server: Server,
    ca: PathBuf,
    policy: PathBuf,
}

impl Fleet {
    fn new(policy: &str) -> Fleet {
        let sb = Sandbox::new();
        let server = Server::https();
        server.serve_dir(&common::real_mirror());
        let ca = sb.write("ca.pem", server.ca_pem());
        let fleet = Fleet { policy: sb.root().join("policy.toml"), sb, server, ca };
        fleet.set_policy(policy);
        fleet
    }

    /// Rewrites the policy, as root would: owned by root (the tests' user), mode 644.
    fn set_policy(&self, text: &str) {
        fs::write(&self.policy, text).unwrap();
        fs::set_permissions(&self.policy, fs::Permissions::from_mode(0o644)).unwrap();
    }

    /// `gover` under the policy, its releases from the mirror.
    fn gover(&self) -> assert_cmd::Command {
        let mut cmd = self.sb.gover();
        cmd.envs(self.env());
        cmd
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("GOVER_POLICY_FILE".into(), self.policy.display().to_string()),
            ("GOVER_INDEX_URL".into(), self.server.url("/index.json")),
            ("GOVER_DIST_URL".into(), self.server.url("/")),
            ("GOVER_CA_FILE".into(), self.ca.display().to_string()),
        ]
    }

    fn archive_hits(&self, version: &str) -> usize {
        ["amd64", "arm64"].iter().map(|arch| self.server.hits(&format!("/{version}.linux-{arch}.tar.gz"))).sum()
    }
}

/// Runs `cmd` and checks it was refused by the policy: exit 9, the message, the rule quoted
/// with the policy's file and line, and the hint.
fn refused(cmd: &mut assert_cmd::Command, message: &str, rule: &str, hint: &str) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{stderr}");
    assert!(stderr.contains(&format!("error: {message}\n")), "{stderr}");
    assert!(stderr.contains(rule), "{stderr}");
    assert!(stderr.contains(&format!("help: {hint}")), "{stderr}");
}

#[test]
fn allowed_versions_refuse_the_others_in_every_command_and_install_the_listed() {
    let fleet = Fleet::new("# the fleet builds with 1.22\n[versions]\nallowed = [\"1.22\"]\n");
    let rule = format!("the policy ({}:3) says: allowed = 1.22", fleet.policy.display());
    let gover = || fleet.gover();

    refused(
        gover().args(["install", "1.21"]),
        "go1.21.13 is not allowed here",
        &rule,
        "use one of those: gover install 1.22",
    );
    assert_eq!(fleet.archive_hits("go1.21.13"), 0, "refused before any download");
    assert!(!fleet.sb.gover_home.join("versions/go1.21.13").exists());

    // What the hint says works: the allowed line installs, for real, and runs.
    gover().args(["install", "1.22"]).assert().success().stdout(predicate::str::contains("installed go1.22.10"));
    gover()
        .args(["exec", "1.22", "go", "version"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("go version go1.22.10 "));

    // A version installed before the policy is there, and no command selects it.
    fleet.sb.fake_version("go1.21.13");
    let not_allowed = "go1.21.13 is not allowed here";
    let hint = "use one of those: gover install 1.22";
    refused(gover().args(["use", "1.21"]), not_allowed, &rule, hint);
    assert!(!fleet.sb.work.join(".go-version").exists());
    refused(gover().args(["global", "1.21.13"]), not_allowed, &rule, hint);
    refused(gover().args(["exec", "1.21", "go", "version"]), not_allowed, &rule, hint);
    refused(gover().args(["shell", "1.21", "--print-for", "bash"]), not_allowed, &rule, hint);
    refused(gover().args(["ci", "env", "--go-version", "1.21"]), not_allowed, &rule, hint);
    fleet.sb.pin("1.21");
    refused(gover().args(["exec", "go", "version"]), not_allowed, &rule, hint);
    refused(gover().args(["ci", "env"]), not_allowed, &rule, hint);
    fleet.sb.pin("1.22");
    gover().args(["use", "1.22"]).assert().success();
    gover().args(["global", "1.22"]).assert().success();
    gover().args(["ci", "env"]).assert().success();
}

#[test]
fn the_shims_auto_install_goes_through_the_policy() {
    let fleet = Fleet::new("[versions]\nallowed = [\"1.22\"]\n");
    fleet.sb.install_shims();
    fleet.sb.pin("1.21");
    let path = format!("{}:{}", fleet.sb.path_with_shims(), common::bin_dir().display());
    let shim = || {
        let mut cmd = fleet.sb.shim("go");
        cmd.envs(fleet.env()).env("GOVER_AUTO_INSTALL", "1").env("PATH", &path).arg("version");
        cmd
    };
    let rule = format!("the policy ({}:2) says: allowed = 1.22", fleet.policy.display());
    refused(&mut shim(), "go1.21.13 is not allowed here", &rule, "use one of those: gover install 1.22");
    assert_eq!(fleet.archive_hits("go1.21.13"), 0);
    fleet.sb.pin("1.22");
    shim().assert().success().stdout(predicate::str::starts_with("go version go1.22.10 "));
}

#[test]
fn import_leaves_out_what_the_policy_refuses() {
    let fleet = Fleet::new("[versions]\nallowed = [\"1.22\"]\n");
    for version in ["1.21.13", "1.22.10"] {
        let root = fleet.sb.home.join(".goenv/versions").join(version);
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("VERSION"), format!("go{version}\n")).unwrap();
        common::write_executable(
            &root.join("bin/go"),
            &format!("#!/bin/sh\necho go version go{version} linux/amd64\n"),
        );
    }
    let out = fleet.gover().args(["import", "goenv"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: go1.21.13 is not allowed here\n"), "{stderr}");
    assert!(stderr.contains(&format!("the policy ({}:2) says: allowed = 1.22", fleet.policy.display())), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported go1.22.10 from goenv"));
    assert!(!fleet.sb.gover_home.join("versions/go1.21.13").exists());
}

#[test]
fn a_minimum_patch_per_line() {
    let fleet = Fleet::new("[versions]\nminimum = [\"1.21.14\", \"1.22.10\"]\n");
    fleet.sb.fake_version("go1.22.9");
    fleet.sb.fake_version("go1.22.10");
    let rule = |line: usize, floor: &str| {
        format!("the policy ({}:{line}) says: {} must be at least go{floor}", fleet.policy.display(), &floor[..4])
    };
    refused(
        fleet.gover().args(["install", "1.21"]),
        "go1.21.13 is below the minimum patch of 1.21",
        &rule(2, "1.21.14"),
        "gover install 1.21 installs its newest patch",
    );
    refused(
        fleet.gover().args(["use", "1.22.9"]),
        "go1.22.9 is below the minimum patch of 1.22",
        &rule(2, "1.22.10"),
        "gover install 1.22 installs its newest patch",
    );
    fleet.gover().args(["use", "1.22.10"]).assert().success();
    fleet.gover().args(["exec", "1.22", "go"]).assert().success().stdout(predicate::str::starts_with("go go1.22.10"));
}

/// The fixture database reduced to `ids` (GO-2025-3447: the standard library, fixed in 1.22.12
/// and 1.23.6; GO-2024-2825: the go command, fixed in 1.21.10 and 1.22.3).
fn database_of(ids: &[&str]) -> VulnDb {
    let db = VulnDb::serve();
    let keep: Vec<(String, Vec<u8>)> =
        ids.iter().map(|id| (id.to_string(), fs::read(db.path().join(format!("ID/{id}.json"))).unwrap())).collect();
    fs::remove_dir_all(db.path().join("ID")).unwrap();
    let mut modules: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for (id, bytes) in &keep {
        db.write(&format!("ID/{id}.json"), bytes);
        let entry: Value = serde_json::from_slice(bytes).unwrap();
        for affected in entry["affected"].as_array().unwrap() {
            let vuln = serde_json::json!({"id": id, "modified": entry["modified"]});
            modules.entry(affected["package"]["name"].as_str().unwrap().into()).or_default().push(vuln);
        }
    }
    let index: Vec<Value> =
        modules.into_iter().map(|(path, vulns)| serde_json::json!({"path": path, "vulns": vulns})).collect();
    db.write("index/modules.json", Value::from(index).to_string().as_bytes());
    db
}

/// The fleet with the database at `db`, its data fetched.
fn with_vulndb<'a>(fleet: &'a Fleet, db: &VulnDb) -> impl Fn() -> assert_cmd::Command + 'a {
    let url = db.url();
    let gover = move || {
        let mut cmd = fleet.gover();
        cmd.env_remove("GOVER_VULNDB").env("GOVULNDB", &url);
        cmd
    };
    gover().args(["list", "--refresh"]).assert().success();
    gover
}

#[test]
fn vulnerable_versions_above_the_threshold_are_refused() {
    let db = database_of(&["GO-2024-2825", "GO-2025-3447"]);
    let fleet = Fleet::new("[versions]\nrefuse-vulnerable = \"toolchain\"\n");
    for version in ["go1.22.2", "go1.22.10", "go1.23.9"] {
        fleet.sb.fake_version(version);
    }
    let gover = with_vulndb(&fleet, &db);
    let at = fleet.policy.display().to_string();
    // In the go command: refused; in the standard library only: below this threshold.
    refused(
        gover().args(["use", "1.22.2"]),
        "go1.22.2 has known vulnerabilities in the go command",
        &format!("the policy ({at}:2) says: refuse-vulnerable = \"toolchain\"\n  cause: the Go vulnerability database lists GO-2024-2825\n"),
        "gover install 1.22.12 (fixes them all)",
    );
    gover().args(["use", "1.22.10"]).assert().success();

    fleet.set_policy("[versions]\nrefuse-vulnerable = \"any\"\n");
    refused(
        gover().args(["exec", "1.22.10", "go"]),
        "go1.22.10 has known vulnerabilities",
        &format!("the policy ({at}:2) says: refuse-vulnerable = \"any\"\n  cause: the Go vulnerability database lists GO-2025-3447\n"),
        "gover install 1.22.12 (fixes them all)",
    );
    // Refused before the download, from the same data.
    refused(
        gover().args(["install", "1.22"]),
        "go1.22.10 has known vulnerabilities",
        "GO-2025-3447",
        "gover install 1.22.12 (fixes them all)",
    );
    assert_eq!(fleet.archive_hits("go1.22.10"), 0);
    gover().args(["exec", "1.23.9", "go"]).assert().success();

    // Without the data the policy cannot be satisfied, and says how to get it.
    let fresh = Fleet::new("[versions]\nrefuse-vulnerable = \"any\"\n");
    fresh.sb.fake_version("go1.23.9");
    refused(
        fresh.gover().args(["use", "1.23.9"]),
        "cannot tell whether go1.23.9 has known vulnerabilities",
        "there is no copy of the Go vulnerability database in GOVER_HOME yet",
        "gover list --refresh fetches it",
    );
}

#[test]
fn end_of_life_versions_are_refused() {
    // Its fixes name 1.22 and 1.23: the two newest lines, so 1.21 is past end of life.
    let db = database_of(&["GO-2025-3447"]);
    let fleet = Fleet::new("[versions]\nrefuse-end-of-life = true\n");
    fleet.sb.fake_version("go1.21.13");
    fleet.sb.fake_version("go1.22.10");
    let gover = with_vulndb(&fleet, &db);
    let rule = format!("the policy ({}:2) says: refuse-end-of-life = true", fleet.policy.display());
    refused(gover().args(["global", "1.21"]), "go1.21.13 is past end of life", &rule, "gover install 1.23");
    refused(gover().args(["install", "1.21"]), "go1.21.13 is past end of life", &rule, "gover install 1.23");
    gover().args(["global", "1.22"]).assert().success();
}

#[test]
fn sources_the_policy_requires() {
    let fleet = Fleet::new("[sources]\nallow = [\"proxy\"]\ntrust-mirror = false\n");
    let at = fleet.policy.display().to_string();
    let allow = format!("the policy ({at}:2) says: allow = proxy");
    refused(
        fleet.gover().args(["install", "--source", "dl", "1.22"]),
        "--source dl is not allowed here",
        &allow,
        "--source proxy",
    );
    refused(
        fleet.gover().args(["install", "--source", "proxy", "--insecure-no-sumdb", "1.22"]),
        "--insecure-no-sumdb is not allowed here",
        &allow,
        "drop --insecure-no-sumdb",
    );
    refused(
        fleet.gover().args(["upgrade", "--source", "dl", "1.22"]),
        "--source dl is not allowed here",
        &allow,
        "--source proxy",
    );
    refused(
        fleet.gover().args(["--trust-mirror", "list"]),
        "--trust-mirror is not allowed here",
        &format!("the policy ({at}:3) says: trust-mirror = false"),
        "unset GOVER_TRUST_MIRROR",
    );
    // auto keeps to the proxy: with GOPROXY=off it is the proxy that fails, not go.dev that is asked.
    fleet
        .gover()
        .args(["install", "1.22"])
        .env("GOPROXY", "off")
        .assert()
        .code(8)
        .stderr(predicate::str::contains("GOPROXY=off"));
    assert_eq!(fleet.server.hits("/index.json"), 0);
    fleet.set_policy("[sources]\nallow = [\"dl\", \"proxy\"]\n");
    fleet.gover().args(["install", "--source", "dl", "1.21"]).assert().success();
}

#[test]
fn required_settings_win_and_defaults_yield_to_the_user() {
    let fleet = Fleet::new("");
    // `theirs`: the user's own GOVER_INDEX_URL.
    let listed = |theirs: Option<&str>| {
        let mut cmd = fleet.gover();
        cmd.args(["list", "--remote"]).env_remove("GOVER_INDEX_URL");
        if let Some(url) = theirs {
            cmd.env("GOVER_INDEX_URL", url);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let index = fleet.server.url("/index.json");
    // A default: applied when the user sets nothing; the user's own setting wins.
    fleet.set_policy(&format!("[defaults]\nindex-url = \"{index}\"\n"));
    let (code, stdout, stderr) = listed(None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("go1.23.9"), "{stdout}");
    let (code, _, stderr) = listed(Some("https://127.0.0.1:9/index.json"));
    assert_eq!(code, Some(5), "the user's index, which fails, not the policy's: {stderr}");

    // A requirement: applied the same, and another value is refused, not overridden quietly.
    fleet.set_policy(&format!("[sources]\nindex-url = \"{index}\"\n"));
    let (code, stdout, _) = listed(None);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("go1.23.9"), "{stdout}");
    refused(
        fleet.gover().args(["list", "--remote"]).env("GOVER_INDEX_URL", "https://127.0.0.1:9/index.json"),
        "GOVER_INDEX_URL=https://127.0.0.1:9/index.json is not allowed here",
        &format!("the policy ({}:2) says: GOVER_INDEX_URL must be {index}", fleet.policy.display()),
        "unset GOVER_INDEX_URL (the policy sets it)",
    );
}

#[test]
fn a_policy_gover_cannot_read_stops_every_command() {
    let fleet = Fleet::new("[versions]\nallowed = [\"1.22\"]\nrefuse-end-of-lif = true\n");
    let at = fleet.policy.display().to_string();
    for args in [&["list"][..], &["install", "1.22"], &["doctor"]] {
        let out = fleet.gover().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(9), "{args:?}: {stderr}");
        assert!(stderr.starts_with(&format!("error: {at}:3: unknown field `refuse-end-of-lif`")), "{stderr}");
        assert!(stderr.contains(&format!("help: ask the administrator (root) to fix line 3 of {at}")), "{stderr}");
    }
    fleet.set_policy("[versions]\nminimum = [\"1.22\"]\n");
    let out = fleet.gover().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(9));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":2: \"1.22\" is not a minimum patch"));
    // A file the variable names must be there: pointing it at nothing lifts nothing.
    fleet
        .gover()
        .arg("list")
        .env("GOVER_POLICY_FILE", fleet.sb.root().join("none.toml"))
        .assert()
        .code(9)
        .stderr(predicate::str::contains("cannot read the policy file"));
}

#[test]
fn a_user_cannot_replace_the_administrators_policy() {
    if unsafe { libc::getuid() } != 0 {
        common::skip("running as another user needs root");
        return;
    }
    common::require("setpriv");
    let fleet = Fleet::new("[versions]\nallowed = [\"1.22\"]\n");
    for dir in [fleet.sb.root(), &fleet.sb.home, &fleet.sb.work] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fleet.sb.fake_version("go1.21.13");
    let status = std::process::Command::new("chown").arg("-R").arg("65534:65534").arg(&fleet.sb.home).status().unwrap();
    assert!(status.success());
    let as_user = |policy: &PathBuf| {
        let mut cmd = assert_cmd::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_gover"), "use", "1.21"])
            .env_clear()
            .envs(fleet.sb.env())
            .envs(fleet.env())
            .env("GOVER_POLICY_FILE", policy)
            .current_dir(&fleet.sb.work);
        cmd
    };
    // The administrator's policy holds for the user.
    let rule = format!("the policy ({}:2) says: allowed = 1.22", fleet.policy.display());
    refused(
        &mut as_user(&fleet.policy),
        "go1.21.13 is not allowed here",
        &rule,
        "use one of those: gover install 1.22",
    );

    // A policy of the user's own allows nothing more: it is refused, not applied.
    let own = fleet.sb.work.join("mine.toml");
    fs::write(&own, "").unwrap();
    std::os::unix::fs::chown(&own, Some(65534), Some(65534)).unwrap();
    refused(
        &mut as_user(&own),
        &format!("{} is not an administrator's policy", own.display()),
        "it is owned by uid 65534, not root",
        &format!("as root: chown root:root {0} && chmod 644 {0}", own.display()),
    );
    // Nor one of root's that the user can write.
    let open = fleet.sb.root().join("open.toml");
    fs::write(&open, "").unwrap();
    fs::set_permissions(&open, fs::Permissions::from_mode(0o666)).unwrap();
    refused(
        &mut as_user(&open),
        &format!("{} is not an administrator's policy", open.display()),
        "(mode 666)",
        "as root:",
    );
    assert!(!fleet.sb.work.join(".go-version").exists());
}

#[test]
fn doctor_reports_pins_the_policy_refuses_with_the_upgrade_that_fixes_them() {
    let fleet = Fleet::new("[versions]\nallowed = [\"1.22\"]\n");
    fleet.sb.fake_version("go1.21.13");
    fleet.sb.fake_version("go1.22.10");
    fs::write(fleet.sb.gover_home.join("global"), "1.21.13\n").unwrap();
    let doctor = || refused_pins(&fleet, &[]);
    let found = doctor();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(
        found[0]["title"],
        "go1.21.13 (in use here and the global default) is refused by the policy: go1.21.13 is not allowed here"
    );
    let fix = found[0]["fix"]["command"].as_str().unwrap().to_string();
    assert_eq!(fix, "gover upgrade 1.21 --pins --to 1.22");
    // Following it fixes it.
    let mut follow = fleet.gover();
    follow.args(fix.trim_start_matches("gover ").split(' ')).assert().success();
    assert_eq!(fs::read_to_string(fleet.sb.gover_home.join("global")).unwrap(), "1.22.10\n");
    assert_eq!(doctor(), Vec::<Value>::new());
}

/// `gover doctor`'s `policy.refused` findings, `env` added to the fleet's.
fn refused_pins(fleet: &Fleet, env: &[(String, String)]) -> Vec<Value> {
    let mut cmd = fleet.sb.doctor(&["--json"]);
    cmd.envs(fleet.env()).envs(env.iter().cloned());
    let out = cmd.output().unwrap();
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    report["findings"].as_array().unwrap().iter().filter(|f| f["id"] == "policy.refused").cloned().collect()
}

/// Where the policy allows only the module proxy, the `gover upgrade` doctor names for a pin
/// below a line's minimum patch works when followed: it installs the newest patch from the
/// proxy the fleet's defaults name, verified by the checksum database, and moves the pin.
#[test]
fn doctor_s_upgrade_works_under_a_policy_that_allows_only_the_proxy() {
    let proxy = common::modproxy::ModProxy::new(vec![
        common::modproxy::Toolchain::synthetic("go1.22.9", &[]),
        common::modproxy::Toolchain::synthetic("go1.22.10", &[]),
    ]);
    let fleet = Fleet::new(&format!(
        "[versions]\nminimum = [\"1.22.10\"]\n\n[sources]\nallow = [\"proxy\"]\n\n[defaults]\ngoproxy = \"{}\"\n",
        proxy.goproxy()
    ));
    fleet.sb.fake_version("go1.22.9");
    fs::write(fleet.sb.gover_home.join("global"), "1.22.9\n").unwrap();
    // The checksum database of the test proxy; the proxy itself comes from the policy.
    let gosumdb = [("GOSUMDB".to_string(), proxy.gosumdb())];
    let found = refused_pins(&fleet, &gosumdb);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["title"], "go1.22.9 (in use here and the global default) is refused by the policy: go1.22.9 is below the minimum patch of 1.22");
    let fix = found[0]["fix"]["command"].as_str().unwrap().to_string();
    assert_eq!(fix, "gover upgrade 1.22 --pins");

    let out = fleet.gover().envs(gosumdb.clone()).args(fix.trim_start_matches("gover ").split(' ')).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("source: the module proxy {}", proxy.goproxy())), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("installed go1.22.10"), "{out:?}");
    assert!(
        proxy.server.requests().iter().any(|r| r.target.starts_with("/sumdb/lookup/")),
        "checked against the database"
    );
    assert_eq!(fleet.archive_hits("go1.22.10"), 0, "nothing from the download site");
    assert_eq!(fs::read_to_string(fleet.sb.gover_home.join("global")).unwrap(), "1.22.10\n");
    assert_eq!(refused_pins(&fleet, &gosumdb), Vec::<Value>::new());
}
