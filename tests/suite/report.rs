//! `gover report` through the real binary: a tree with a pin of every kind (installed in the
//! user's store, in the system store, a link, not installed, invalid, and one planted by
//! another user, which is listed as ignored), a policy with a violation, a `go install`ed
//! program, vulnerabilities and end of life from the fixture database; the JSON checked
//! against docs/src/report.schema.json (which must reject a broken document) and against the
//! fields of its schema version; a directory it cannot list, a symlink loop, a missing DIR,
//! and `--check`.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::vulndb::VulnDb;
use common::Sandbox;
use serde_json::Value;

const NOBODY: u32 = 65534;

fn schema_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src/report.schema.json")
}

/// A sandbox with go1.22.10 in the user's store, go1.23.9 in the system store, a link `tip`
/// to a real go1.22.10 tree, the fixture vulnerability data, a policy refusing end-of-life
/// versions, gofmt (a real Go program) in GOBIN, and `work/tree` holding pins of every kind.
struct Fleet {
    sb: Sandbox,
    policy: PathBuf,
    tree: PathBuf,
    db: VulnDb,
}

impl Fleet {
    fn new() -> Fleet {
        let sb = Sandbox::new();
        sb.fake_version("go1.22.10");
        let system_version = sb.root().join("system/versions/go1.23.9");
        fs::create_dir_all(system_version.join("bin")).unwrap();
        let db = VulnDb::serve();
        let policy = sb.write("policy.toml", "[versions]\nrefuse-end-of-life = true\n");
        fs::set_permissions(&policy, fs::Permissions::from_mode(0o644)).unwrap();
        let fleet = Fleet { tree: sb.work.join("tree"), sb, policy, db };
        fleet.gover().args(["list", "--refresh"]).assert().success();
        let real = common::real_go_tree("go1.22.10");
        fleet.gover().args(["link", "tip"]).arg(&real).assert().success();
        let gobin = fleet.sb.root().join("gopath/bin");
        fs::create_dir_all(&gobin).unwrap();
        fs::copy(real.join("bin/gofmt"), gobin.join("gofmt")).unwrap();
        // Written as `gover global 1.22` would, which the policy refuses now.
        fs::write(fleet.sb.gover_home.join("global"), "1.22\n").unwrap();
        for (file, text) in [
            ("user/.go-version", "1.22\n"),
            ("system/go.mod", "module example.com/s\n\ngo 1.22\n\ntoolchain go1.23.9\n"),
            ("linked/.go-version", "tip\n"),
            ("missing/.tool-versions", "nodejs 20\ngolang 1.19.13\n"),
            ("mise/mise.toml", "[tools]\ngo = \"1.22.10\"\n"),
            ("invalid/.go-version", "1.22 and more\n"),
            ("node_modules/x/.go-version", "1.20\n"),
        ] {
            fleet.write(file, text);
        }
        // Another user's directory and pin file: whoever runs go there must not obey it.
        let planted = fleet.write("planted/.go-version", "1.19\n");
        for path in [planted.as_path(), planted.parent().unwrap()] {
            std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
        }
        fleet
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.tree.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    fn gover(&self) -> assert_cmd::Command {
        let mut cmd = self.sb.gover();
        cmd.env_remove("GOVER_VULNDB")
            .env("GOVULNDB", self.db.url())
            .env("GOVER_POLICY_FILE", &self.policy)
            .env("GOPATH", self.sb.root().join("gopath"))
            .env("USER", "ada");
        cmd
    }

    fn report(&self, args: &[&str]) -> Value {
        let out = self.gover().arg("report").args(args).arg("--json").output().unwrap();
        assert!(out.status.success(), "{}", common::stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn pin<'a>(&self, report: &'a Value, rel: &str) -> &'a Value {
        let path = self.tree.join(rel).display().to_string();
        let pins = report["pins"].as_array().unwrap();
        pins.iter().find(|p| p["path"] == path.as_str()).unwrap_or_else(|| panic!("no pin {path} in {pins:#?}"))
    }
}

/// Runs check-jsonschema on `document` against the report's schema.
fn validate(document: &Value) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    fs::write(&file, serde_json::to_vec_pretty(document).unwrap()).unwrap();
    std::process::Command::new("check-jsonschema").arg("--schemafile").arg(schema_file()).arg(&file).output().unwrap()
}

#[test]
fn every_kind_of_pin_store_tool_and_violation_is_reported() {
    let fleet = Fleet::new();
    let report = fleet.report(&["tree"]);
    let tree = fleet.tree.display().to_string();

    assert_eq!(report["schema"], 1);
    assert_eq!(report["machine"]["user"], "ada");
    assert_eq!(report["machine"]["os"], "linux");
    assert!(report["machine"]["generated_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(report["dirs"], serde_json::json!([tree]));

    // Versions: where each lives, its vulnerabilities and end of life, the policy's verdict.
    let versions = report["versions"].as_array().unwrap();
    let version = |name: &str| versions.iter().find(|v| v["version"] == name).unwrap();
    assert_eq!(version("go1.22.10")["store"], "user");
    assert_eq!(version("go1.23.9")["store"], "system");
    assert_eq!(version("tip")["store"], "link");
    assert!(version("tip")["reports"].as_str().unwrap().contains("go1.22.10"));
    let user = version("go1.22.10");
    assert_eq!(user["end_of_life"], true, "the fixtures name fixes in 1.25 and 1.26");
    let ids: Vec<&str> =
        user["vulnerabilities"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, common::vulndb::expected_ids("go1.22.10"));
    assert_eq!(user["policy"], "refused");

    // The global default and each pin, resolved by the shim's resolver.
    assert_eq!(report["global"]["requested"], "1.22");
    assert_eq!(report["global"]["toolchain"], "go1.22.10");
    let pin = |rel| fleet.pin(&report, rel);
    assert_eq!(pin("user/.go-version")["kind"], "go-version");
    assert_eq!(pin("user/.go-version")["toolchain"], "go1.22.10");
    assert_eq!(pin("user/.go-version")["store"], "user");
    assert_eq!(pin("system/go.mod")["kind"], "go-mod");
    assert_eq!(pin("system/go.mod")["line"], 5);
    assert_eq!(pin("system/go.mod")["store"], "system");
    assert_eq!(pin("linked/.go-version")["store"], "link");
    assert_eq!(pin("mise/mise.toml")["kind"], "mise");
    let missing = pin("missing/.tool-versions");
    assert_eq!(
        (missing["kind"].as_str(), missing["line"].as_u64(), missing["installed"].as_bool()),
        (Some("tool-versions"), Some(2), Some(false))
    );
    assert!(missing["error"].as_str().unwrap().contains("go1.19.13 is not installed"), "{missing}");
    let invalid = pin("invalid/.go-version");
    assert_eq!(invalid["status"], "invalid");
    assert!(invalid["reason"].as_str().unwrap().contains("is not a Go version"), "{invalid}");
    let planted = pin("planted/.go-version");
    assert_eq!((planted["status"].as_str(), planted["decides"].as_bool()), (Some("ignored"), Some(false)));
    assert!(
        planted["reason"].as_str().unwrap().contains("in a directory of uid 65534, neither you nor root"),
        "{planted}"
    );
    assert!(planted["requested"].is_null(), "an ignored pin file is not read");
    // What runs there instead is the global default, as for the shim.
    assert_eq!(planted["toolchain"], "go1.22.10");
    assert!(!report["pins"].to_string().contains("node_modules"), "node_modules is skipped");

    // The go-installed program and the Go that built it.
    let tools = report["tools"].as_array().unwrap();
    let gofmt = tools.iter().find(|t| t["name"] == "gofmt").unwrap();
    assert_eq!(gofmt["go_version"], "go1.22.10");

    // Violations name the policy file and line, for a version, the global default and pins.
    let violations = report["violations"].as_array().unwrap();
    let policy = fleet.policy.display().to_string();
    assert!(violations.iter().all(|v| v["policy_file"] == policy.as_str() && v["line"] == 2), "{violations:#?}");
    let at = |path: String| {
        violations.iter().any(|v| v["path"] == path.as_str() && v["message"] == "go1.22.10 is past end of life")
    };
    assert!(at(fleet.tree.join("user/.go-version").display().to_string()), "{violations:#?}");
    assert!(at(fleet.sb.gover_home.join("global").display().to_string()), "{violations:#?}");
    assert!(at(fleet.sb.gover_home.join("versions/go1.22.10").display().to_string()), "{violations:#?}");
    assert!(report["errors"].as_array().unwrap().is_empty());

    // The document is what the published schema describes.
    if common::require("check-jsonschema") {
        let out = validate(&report);
        assert!(out.status.success(), "{}{}", common::stdout(&out), common::stderr(&out));
    }

    // The same data for people.
    let out = fleet.gover().args(["report", "tree"]).output().unwrap();
    let text = common::stdout(&out);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(text.contains("  go1.23.9   system store, "), "{text}");
    assert!(text.contains(&format!("  {tree}/user/.go-version:1  1.22 -> go1.22.10\n")), "{text}");
    assert!(
        text.contains(&format!(
            "  {tree}/planted/.go-version  ignored: {tree}/planted/.go-version is in a directory of uid 65534"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  {tree}/user/.go-version: go1.22.10 is past end of life ({policy}:2 says refuse-end-of-life = true"
        )),
        "{text}"
    );
    assert!(text.contains("\nglobal default: 1.22 -> go1.22.10\n"), "{text}");
    assert!(
        text.lines().last().unwrap().contains(" pins (1 not installed, 1 ignored, 1 invalid), 1 tools, "),
        "{text}"
    );
}

/// The fields of each object in schema 1, as dotted paths. Renaming or removing one changes
/// what collectors read: that is a new schema version (report::SCHEMA and `schema` go up).
const SCHEMA_1_FIELDS: &[&str] = &[
    "schema",
    "machine.hostname",
    "machine.os",
    "machine.arch",
    "machine.user",
    "machine.uid",
    "machine.gover_version",
    "machine.generated_at",
    "stores.user",
    "stores.system",
    "stores.system_ignored",
    "vulnerability_data.available",
    "vulnerability_data.note",
    "versions.version",
    "versions.store",
    "versions.path",
    "versions.reports",
    "versions.end_of_life",
    "versions.vulnerabilities",
    "versions.fixed_in",
    "versions.policy",
    "versions.vulnerabilities.id",
    "versions.vulnerabilities.summary",
    "versions.vulnerabilities.aliases",
    "versions.vulnerabilities.in_go_command",
    "global.file",
    "global.requested",
    "global.toolchain",
    "global.store",
    "global.installed",
    "global.decided_by",
    "global.would_install",
    "global.error",
    "dirs",
    "pins.path",
    "pins.kind",
    "pins.status",
    "pins.line",
    "pins.requested",
    "pins.reason",
    "pins.decides",
    "pins.toolchain",
    "pins.store",
    "pins.installed",
    "pins.decided_by",
    "pins.would_install",
    "pins.error",
    "tools.name",
    "tools.path",
    "tools.go_program",
    "violations.subject",
    "violations.path",
    "violations.toolchain",
    "violations.message",
    "violations.policy_file",
    "violations.line",
    "violations.rule",
    "violations.causes",
    "violations.hint",
    "errors",
];

/// Every field path in `value` (arrays: the fields of their elements).
fn field_paths(value: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                out.insert(path.clone());
                field_paths(v, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| field_paths(item, prefix, out)),
        _ => {}
    }
}

#[test]
fn the_schema_is_stable_and_rejects_a_broken_document() {
    let fleet = Fleet::new();
    let report = fleet.report(&["tree"]);
    let mut fields = std::collections::BTreeSet::new();
    field_paths(&report, "", &mut fields);
    let gone: Vec<&&str> = SCHEMA_1_FIELDS.iter().filter(|f| !fields.contains(**f)).collect();
    assert_eq!(report["schema"], 1, "a new schema version: list its fields here in place of schema 1's");
    assert!(
        gone.is_empty(),
        "fields of schema 1 are gone: {gone:?}; renaming or removing a field is a new schema version"
    );

    if !common::require("check-jsonschema") {
        return;
    }
    // The schema names what a collector relies on: a document without one of those fails.
    for (broken, what) in [
        (without(&report, &["pins", "0", "path"]), "pins[0].path"),
        (without(&report, &["machine", "hostname"]), "machine.hostname"),
        (with(&report, &["schema"], Value::from("1")), "schema as a string"),
        (with(&report, &["versions", "0", "store"], Value::from("elsewhere")), "an unknown store"),
    ] {
        let out = validate(&broken);
        assert!(!out.status.success(), "the schema accepts a document with {what} broken");
    }
}

/// The book's example of the JSON document is one a collector could receive: valid JSON, and
/// valid against the schema it documents.
#[test]
fn the_book_s_example_document_is_valid_against_the_schema() {
    let chapter =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src/shared-machines.md")).unwrap();
    let section = chapter.split("### The JSON document").nth(1).expect("the chapter has the JSON document's section");
    let example = section.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a ```json block");
    let document: Value =
        serde_json::from_str(example).unwrap_or_else(|e| panic!("the book's example is not JSON: {e}"));
    assert_eq!(document["schema"], 1);
    if !common::require("check-jsonschema") {
        return;
    }
    let out = validate(&document);
    assert!(out.status.success(), "the book's example fails the schema: {}", String::from_utf8_lossy(&out.stdout));
}

fn without(document: &Value, path: &[&str]) -> Value {
    let mut copy = document.clone();
    let (last, parents) = path.split_last().unwrap();
    let parent = parents.iter().fold(&mut copy, |v, key| v.pointer_mut(&format!("/{key}")).unwrap());
    parent.as_object_mut().unwrap().remove(*last);
    copy
}

fn with(document: &Value, path: &[&str], value: Value) -> Value {
    let mut copy = document.clone();
    *copy.pointer_mut(&format!("/{}", path.join("/"))).unwrap() = value;
    copy
}

#[test]
fn a_directory_it_cannot_list_is_an_error_in_the_report_not_a_failure() {
    let sb = Sandbox::new();
    // Only the directory below is closed to the user running the report.
    for dir in [sb.root(), sb.work.as_path()] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let tree = sb.work.join("tree");
    fs::create_dir_all(tree.join("open")).unwrap();
    fs::write(tree.join("open/.go-version"), "1.22\n").unwrap();
    fs::create_dir_all(tree.join("secret/deep")).unwrap();
    fs::set_permissions(tree.join("secret"), fs::Permissions::from_mode(0o700)).unwrap();
    let home = sb.root().join("nobody");
    fs::create_dir_all(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(NOBODY), Some(NOBODY)).unwrap();
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_gover"))
        .args(["report", "--json"])
        .arg(&tree)
        .env_clear()
        .envs(sb.env())
        .env("HOME", &home)
        .env("GOVER_HOME", home.join("gover"))
        .current_dir(&sb.work)
        .output()
        .unwrap();
    if common::stderr(&out).contains("setpriv:") {
        common::skip(&format!("cannot run as uid {NOBODY}: {}", common::stderr(&out).trim()));
        return;
    }
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["path"], tree.join("secret").display().to_string());
    assert!(errors[0]["message"].as_str().unwrap().starts_with("cannot list it: Permission denied"), "{errors:#?}");
    assert_eq!(report["pins"][0]["path"], tree.join("open/.go-version").display().to_string());
}

#[test]
fn symlink_loops_end_and_each_pin_is_listed_once() {
    let sb = Sandbox::new();
    let tree = sb.work.join("tree");
    fs::create_dir_all(tree.join("a/b")).unwrap();
    fs::write(tree.join("a/.go-version"), "1.22\n").unwrap();
    std::os::unix::fs::symlink(&tree, tree.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("..", tree.join("a/b/parent")).unwrap();
    // A bind mount makes a real loop; without the privilege, the symlinks still test the walk.
    let bound = tree.join("a/b/mount");
    fs::create_dir(&bound).unwrap();
    let mounted =
        std::process::Command::new("mount").arg("--bind").arg(&tree).arg(&bound).status().is_ok_and(|s| s.success());
    let out = sb.gover().args(["report", "--json"]).arg(&tree).timeout(Duration::from_secs(60)).output().unwrap();
    if mounted {
        std::process::Command::new("umount").arg(&bound).status().unwrap();
    }
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = report["pins"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(paths, [tree.join("a/.go-version").display().to_string()]);
}

#[test]
fn a_missing_directory_is_a_usage_error_with_a_hint() {
    let sb = Sandbox::new();
    let out = sb.gover().args(["report", "/nonexistent/srv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("error: cannot report on /nonexistent/srv\n  cause: it does not exist\n"), "{err}");
    assert_eq!(common::help(&out), "name directories that exist, e.g. gover report /srv /home");
    // Following the hint: an existing directory reports.
    sb.gover().args(["report"]).arg(&sb.work).assert().success();
}

#[test]
fn check_fails_with_the_policy_code_only_when_something_is_refused() {
    let fleet = Fleet::new();
    let out = fleet.gover().args(["report", "--check", "--json", "tree/mise"]).output().unwrap();
    assert_eq!(out.status.code(), Some(9), "{}", common::stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = report["violations"].as_array().unwrap().len();
    assert!(common::stderr(&out).contains(&format!("error: the report lists {n} policy violations\n")));
    // Without the policy's rule, the same check passes.
    fs::write(&fleet.policy, "[versions]\nallowed = [\"1.22\", \"1.23\", \"system\"]\n").unwrap();
    fleet.gover().args(["report", "--check", "tree/mise"]).assert().success();
}

/// A pin that is not installed says what `gover install` would pick from the saved index, as
/// install picks it: a line's stable release, or its release candidate when that is all the
/// line has yet.
#[test]
fn a_missing_pin_says_what_install_would_pick_from_the_saved_index() {
    let sb = Sandbox::new();
    let cache = sb.gover_home.join("cache");
    fs::create_dir_all(&cache).unwrap();
    let releases = r#"[{"version": "go1.26rc1"}, {"version": "go1.22.10"}, {"version": "go1.22rc1"}]"#;
    fs::write(cache.join("index-test.json"), releases).unwrap();
    for (dir, pin) in [("new", "1.26"), ("old", "1.22")] {
        fs::create_dir_all(sb.work.join(dir)).unwrap();
        fs::write(sb.work.join(dir).join(".go-version"), format!("{pin}\n")).unwrap();
    }
    let out = sb.gover().args(["report", "--json"]).arg(&sb.work).output().unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let picked = |dir: &str| {
        let path = sb.work.join(dir).join(".go-version").display().to_string();
        let pins = report["pins"].as_array().unwrap();
        let pin = pins.iter().find(|p| p["path"] == path.as_str()).unwrap_or_else(|| panic!("{pins:#?}"));
        assert_eq!(pin["installed"], false, "{pin:#?}");
        pin["would_install"].clone()
    };
    assert_eq!(picked("old"), "go1.22.10");
    assert_eq!(picked("new"), "go1.26rc1");
}
