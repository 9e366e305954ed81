//! Known vulnerabilities and end of life, against the real Go vulnerability database entries
//! served from 127.0.0.1 in the database's own layout: what `list` reports, where the data
//! comes from (GOVULNDB over http and file://), how it is cached and revalidated, and that a
//! bad answer never damages the cache.

use crate::common;

use std::fs;
use std::path::PathBuf;

use common::releases::{index_json, release_archive, IndexEntry};
use common::rig::{archive_path, assert_explained};
use common::server::{Reply, Server};
use common::vulndb::{expected_ids, VulnDb};
use common::Sandbox;
use serde_json::Value;

/// `gover` in `sb` with the vulnerability database at `govulndb`.
fn gover(sb: &Sandbox, govulndb: &str) -> assert_cmd::Command {
    let mut cmd = sb.gover();
    cmd.env_remove("GOVER_VULNDB").env("GOVULNDB", govulndb);
    cmd
}

fn listed(sb: &Sandbox, govulndb: &str) -> Vec<Value> {
    let out = gover(sb, govulndb).args(["list", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

fn cache_file(sb: &Sandbox) -> PathBuf {
    sb.gover_home.join("vulndb/db.json")
}

const VERSIONS: [&str; 3] = ["go1.21.13", "go1.22.10", "go1.23.9"];

fn sandbox_with_versions() -> Sandbox {
    let sb = Sandbox::new();
    for v in VERSIONS {
        sb.fake_version(v);
    }
    sb
}

#[test]
fn the_ids_reported_are_exactly_the_entries_whose_ranges_contain_the_version() {
    let db = VulnDb::serve();
    let sb = sandbox_with_versions();
    gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    let rows = listed(&sb, &db.url());
    assert_eq!(rows.len(), 3);
    for (row, version) in rows.iter().zip(VERSIONS) {
        assert_eq!(row["version"], version);
        let ids: Vec<String> =
            row["vulnerabilities"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        let expected = expected_ids(version);
        assert!(expected.len() > 20, "{version}: the fixtures hold dozens of entries for it");
        assert_eq!(ids, expected, "{version}");
        // The fixtures name fixes in 1.25 and 1.26: every one of these lines is past end of life.
        assert_eq!(row["end_of_life"], true, "{version}");
    }

    // GOVULNDB=file:// reads the same layout from disk and reports the same.
    let other = sandbox_with_versions();
    let file_url = format!("file://{}", db.path().display());
    gover(&other, &file_url).args(["list", "--refresh"]).assert().success();
    assert_eq!(listed(&other, &file_url), rows.iter().map(|r| with_path(r, &other)).collect::<Vec<_>>());

    // The text marks each version.
    let out = gover(&sb, &db.url()).arg("list").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let n = expected_ids("go1.22.10").len();
    assert!(
        text.contains(&format!("  go1.22.10  {n} known vulnerabilities (no fix in this line), end of life\n")),
        "{text}"
    );
}

/// `row` as `sb` lists it: only the path differs between sandboxes.
fn with_path(row: &Value, sb: &Sandbox) -> Value {
    let mut row = row.clone();
    row["path"] = sb.gover_home.join("versions").join(row["version"].as_str().unwrap()).display().to_string().into();
    row
}

#[test]
fn the_smallest_release_of_the_line_that_fixes_them_all() {
    // GO-2025-3447 alone: fixed in 1.22.12 and 1.23.6.
    let db = VulnDb::serve();
    let keep = ["GO-2025-3447"];
    let entry = fs::read(db.path().join("ID/GO-2025-3447.json")).unwrap();
    fs::remove_dir_all(db.path().join("ID")).unwrap();
    db.write("ID/GO-2025-3447.json", &entry);
    let index = serde_json::json!([{"path": "stdlib", "vulns": [{"id": keep[0], "modified": "2025-02-04T00:00:00Z"}]}]);
    db.write("index/modules.json", index.to_string().as_bytes());
    let sb = Sandbox::new();
    for v in ["go1.22.10", "go1.23.5", "go1.24rc2", "go1.24.0"] {
        sb.fake_version(v);
    }
    gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    let rows = listed(&sb, &db.url());
    let got: Vec<(String, Value, Value)> = rows
        .iter()
        .map(|r| (r["version"].as_str().unwrap().to_string(), r["vulnerabilities"].clone(), r["fixed_in"].clone()))
        .collect();
    let one = Value::from(vec!["GO-2025-3447"]);
    assert_eq!(
        got,
        [
            ("go1.22.10".to_string(), one.clone(), Value::from("go1.22.12")),
            ("go1.23.5".to_string(), one.clone(), Value::from("go1.23.6")),
            ("go1.24rc2".to_string(), one, Value::from("go1.24rc3")),
            ("go1.24.0".to_string(), Value::from(Vec::<String>::new()), Value::Null),
        ]
    );
    let text = String::from_utf8(gover(&sb, &db.url()).arg("list").output().unwrap().stdout).unwrap();
    assert!(text.contains("  go1.22.10  1 known vulnerability (fixed in go1.22.12), end of life\n"), "{text}");
    assert!(text.contains("  go1.24.0\n"), "{text}");
}

#[test]
fn list_and_doctor_never_touch_the_network() {
    let db = VulnDb::serve();
    let sb = sandbox_with_versions();
    sb.pin("1.22.10");
    gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    let requests = db.server.requests().len();
    let before = listed(&sb, &db.url());
    gover(&sb, &db.url()).arg("list").assert().success();
    let mut doctor = sb.doctor(&["--json"]);
    doctor.env_remove("GOVER_VULNDB").env("GOVULNDB", db.url()).output().unwrap();
    assert_eq!(db.server.requests().len(), requests, "list and doctor asked the server");

    // With the server gone they answer the same, at once.
    let url = db.url();
    drop(db);
    let started = std::time::Instant::now();
    assert_eq!(listed(&sb, &url), before);
    let out = gover(&sb, &url).arg("list").output().unwrap();
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn the_cache_is_revalidated_by_the_database_s_modified_time() {
    let db = VulnDb::serve();
    let sb = sandbox_with_versions();
    let refresh = || gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    refresh();
    let entries = |db: &VulnDb| db.server.requests().iter().filter(|r| r.target.starts_with("/ID/")).count();
    assert_eq!(entries(&db), 199, "a first refresh fetches every entry");
    assert_eq!(db.server.hits("/index/modules.json"), 1);

    // Unchanged database: db.json alone.
    refresh();
    assert_eq!((db.server.hits("/index/db.json"), db.server.hits("/index/modules.json"), entries(&db)), (2, 1, 199));

    // Changed, with one entry newer: the module index, and that entry only.
    db.publish("2026-09-01T00:00:00Z", |id| (id == "GO-2025-3447").then(|| "2026-09-01T00:00:00Z".into()));
    refresh();
    assert_eq!((db.server.hits("/index/modules.json"), entries(&db)), (2, 200));
    assert_eq!(db.server.hits("/ID/GO-2025-3447.json"), 2);
    let cache: Value = serde_json::from_slice(&fs::read(cache_file(&sb)).unwrap()).unwrap();
    assert_eq!(cache["modified"], "2026-09-01T00:00:00Z");
    assert_eq!(cache["entries"].as_array().unwrap().len(), 199);
}

#[test]
fn a_corrupted_or_html_answer_is_an_error_and_leaves_the_cache_as_it_was() {
    let db = VulnDb::serve();
    let sb = sandbox_with_versions();
    gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    let cache = fs::read(cache_file(&sb)).unwrap();
    db.publish("2026-09-01T00:00:00Z", |id| (id == "GO-2025-3447").then(|| "2026-09-01T00:00:00Z".into()));

    let portal = Reply::html("<!DOCTYPE html><html><body>Sign in to the guest network</body></html>");
    let cases: [(&str, Reply, &[&str]); 4] = [
        ("/index/db.json", portal.clone(), &["index/db.json", "HTML page", "GOVULNDB"]),
        ("/index/modules.json", Reply::bytes(r#"[{"path": "stdlib", "vulns": [{"id": "#), &["not valid"]),
        ("/ID/GO-2025-3447.json", portal, &["ID/GO-2025-3447.json", "HTML page"]),
        ("/ID/GO-2025-3447.json", Reply::bytes(r#"{"id": "GO-2025-3447", "affected": [{"ranges": "#), &["not valid"]),
    ];
    for (path, reply, words) in cases {
        db.server.once(path, reply);
        let out = gover(&sb, &db.url()).args(["list", "--refresh"]).output().unwrap();
        assert_explained(&out, 5, words);
        assert_eq!(fs::read(cache_file(&sb)).unwrap(), cache, "{path}: the cache changed");
    }
    // An entry that is someone else's is refused too.
    db.server.once("/ID/GO-2025-3447.json", Reply::file(db.path().join("ID/GO-2021-0067.json")));
    let out = gover(&sb, &db.url()).args(["list", "--refresh"]).output().unwrap();
    assert_explained(&out, 5, &["GO-2021-0067"]);
    assert_eq!(fs::read(cache_file(&sb)).unwrap(), cache);

    // A network command goes on, with a warning, and the cache as it was (once the hour after
    // the failures above, in which it leaves the database alone, is over).
    fs::remove_file(sb.gover_home.join("vulndb/failed")).unwrap();
    let releases = release_server(&["go1.22.10"]);
    db.server.once("/index/db.json", Reply::html("<html>proxy login</html>"));
    age_cache(&sb, 25 * 3600);
    let cache = fs::read(cache_file(&sb)).unwrap();
    let out = with_releases(gover(&sb, &db.url()), &releases).args(["install", "1.22.10"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: cannot refresh the Go vulnerability database") && stderr.contains("HTML"),
        "{stderr}"
    );
    assert_eq!(fs::read(cache_file(&sb)).unwrap(), cache);

    // Once the database answers again, the refresh goes through.
    gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    assert_ne!(fs::read(cache_file(&sb)).unwrap(), cache);
}

/// A release server with synthetic archives of `versions`.
fn release_server(versions: &[&str]) -> Server {
    let server = Server::http();
    let entries: Vec<IndexEntry> = versions.iter().map(|v| IndexEntry::new(v, release_archive(v))).collect();
    server.route("/index.json", Reply::bytes(index_json(&entries)));
    for e in &entries {
        server.route(&archive_path(&e.version), Reply::bytes(e.archive.clone()));
    }
    server
}

fn with_releases(mut cmd: assert_cmd::Command, server: &Server) -> assert_cmd::Command {
    cmd.env("GOVER_INDEX_URL", server.url("/index.json")).env("GOVER_DIST_URL", server.url("/dl/"));
    cmd
}

/// Makes the cache look checked `secs` ago.
fn age_cache(sb: &Sandbox, secs: u64) {
    let mut cache: Value = serde_json::from_slice(&fs::read(cache_file(sb)).unwrap()).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    cache["checked"] = (now - secs).into();
    fs::write(cache_file(sb), serde_json::to_vec(&cache).unwrap()).unwrap();
}

#[test]
fn install_refreshes_a_day_old_cache_and_notes_what_a_later_patch_fixes() {
    let db = VulnDb::serve();
    let releases = release_server(&["go1.22.10", "go1.22.12", "go1.23.9"]);
    let sb = Sandbox::new();
    let install = |spec: &str| {
        let out = with_releases(gover(&sb, &db.url()), &releases).args(["install", spec]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stderr).unwrap()
    };
    let stderr = install("1.22.10");
    assert_eq!(db.server.hits("/index/db.json"), 1);
    let all = expected_ids("go1.22.10").len();
    let left = expected_ids("go1.22.12").len();
    let note = format!(
        "note: go1.22.10 has {all} known vulnerabilities; go1.22.12 fixes {} of them (gover upgrade 1.22)",
        all - left
    );
    assert!(stderr.contains(&note), "{stderr}");

    // Within a day, network commands leave the database alone.
    install("1.23.9");
    with_releases(gover(&sb, &db.url()), &releases).args(["list", "--remote"]).assert().success();
    assert_eq!(db.server.hits("/index/db.json"), 1);
    // After it, they check again.
    age_cache(&sb, 25 * 3600);
    with_releases(gover(&sb, &db.url()), &releases).args(["list", "--remote"]).assert().success();
    assert_eq!(db.server.hits("/index/db.json"), 2);
}

#[test]
fn list_says_how_old_the_data_is_past_a_week() {
    let db = VulnDb::serve();
    let sb = sandbox_with_versions();
    let stderr = |sb: &Sandbox| String::from_utf8(gover(sb, &db.url()).arg("list").output().unwrap().stderr).unwrap();
    assert!(stderr(&sb).contains("note: no vulnerability data yet"), "{}", stderr(&sb));
    gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    assert_eq!(stderr(&sb), "");
    age_cache(&sb, 6 * 86_400);
    assert_eq!(stderr(&sb), "");
    age_cache(&sb, 8 * 86_400 + 60);
    assert!(stderr(&sb).contains("note: the vulnerability data was last checked 8 days ago"), "{}", stderr(&sb));
}

/// End of life from generated release indexes: a line is supported while fewer than two
/// newer lines have a stable release.
#[test]
fn end_of_life_follows_the_release_index() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..6 {
        let mut index: Vec<String> = Vec::new();
        for minor in 16..27 {
            match common::rig::xorshift(&mut seed) % 4 {
                0 => {}
                1 => index.push(format!("go1.{minor}rc1")),
                _ => index.push(if minor < 21 { format!("go1.{minor}") } else { format!("go1.{minor}.0") }),
            }
        }
        let mut stable: Vec<u32> =
            index.iter().filter(|v| !v.contains("rc")).map(|v| v.split('.').nth(1).unwrap().parse().unwrap()).collect();
        stable.sort_unstable_by(|a, b| b.cmp(a));
        let sb = Sandbox::new();
        let installed = ["go1.17.5", "go1.20.3", "go1.22.1", "go1.24.2", "go1.26rc1"];
        for v in installed {
            sb.fake_version(v);
        }
        let names: Vec<&str> = index.iter().map(String::as_str).collect();
        let releases = release_server(&names);
        with_releases(sb.gover(), &releases).args(["list", "--remote", "--all"]).assert().success();
        let out = sb.gover().args(["list", "--json"]).output().unwrap();
        let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
        for row in rows.as_array().unwrap() {
            let name = row["version"].as_str().unwrap();
            let minor: u32 = name[4..6].parse().unwrap();
            // Installed versions are releases too (go1.24.2 means go1.24.0 came out).
            let mut lines = stable.clone();
            lines.extend(installed.iter().filter(|v| !v.contains("rc")).map(|v| v[4..6].parse::<u32>().unwrap()));
            lines.sort_unstable_by(|a, b| b.cmp(a));
            lines.dedup();
            let expected = lines.len() >= 2 && minor < lines[1];
            assert_eq!(row["end_of_life"], expected, "{name} with {index:?}");
        }
    }
}

#[test]
fn doctor_warns_about_the_version_in_use_and_the_global_default() {
    let db = VulnDb::serve();
    let sb = sandbox_with_versions();
    sb.install_shims();
    sb.pin("1.22.10");
    fs::write(sb.gover_home.join("global"), "1.21\n").unwrap();
    gover(&sb, &db.url()).args(["list", "--refresh"]).assert().success();
    let mut doctor = sb.doctor(&["--json"]);
    let out = doctor.env_remove("GOVER_VULNDB").env("GOVULNDB", db.url()).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "versions.vulnerable" || f["id"] == "versions.end-of-life")
        .collect();
    let titles: Vec<&str> = findings.iter().map(|f| f["title"].as_str().unwrap()).collect();
    assert_eq!(findings.len(), 4, "{titles:#?}");
    let vulnerable = |version: &str| {
        *findings
            .iter()
            .find(|f| f["id"] == "versions.vulnerable" && f["title"].as_str().unwrap().starts_with(version))
            .unwrap_or_else(|| panic!("no finding for {version}: {titles:#?}"))
    };
    let here = vulnerable("go1.22.10 (in use here)");
    assert_eq!(here["severity"], "warning");
    let evidence = here["evidence"].as_array().unwrap();
    assert_eq!(evidence[0]["path"], sb.work.join(".go-version").display().to_string());
    assert_eq!(evidence[1]["kind"], "vulnerabilities");
    assert_eq!(evidence[1]["vulnerabilities"], Value::from(expected_ids("go1.22.10")));
    assert_eq!(evidence[1]["end_of_life"], true);
    let advisories: Vec<&Value> = evidence.iter().filter(|e| e["kind"] == "advisory").collect();
    assert_eq!(advisories.len(), 3);
    assert!(advisories.iter().all(|a| a["summary"].as_str().is_some_and(|s| !s.is_empty())));
    assert!(advisories.iter().any(|a| a["aliases"][0].as_str().is_some_and(|c| c.starts_with("CVE-"))));
    let command = here["fix"]["command"].as_str().unwrap();
    assert!(command.starts_with("gover upgrade 1.22 --pins --to 1."), "{command}");

    let global = vulnerable("go1.21.13 (the global default)");
    assert_eq!(global["evidence"][0]["path"], sb.gover_home.join("global").display().to_string());
    assert_eq!(global["evidence"][1]["vulnerabilities"], Value::from(expected_ids("go1.21.13")));

    let mut doctor = sb.doctor(&[]);
    let out = doctor.env_remove("GOVER_VULNDB").env("GOVULNDB", db.url()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("warning[versions.vulnerable]: go1.22.10 (in use here) has"), "{text}");
    assert!(
        text.contains("warning[versions.end-of-life]: go1.21.13 (the global default) is past end of life"),
        "{text}"
    );
}

/// A database that cannot be reached does not hold up the commands that refresh it on the
/// side: one attempt (no retries), one warning whose hint works, then nothing for an hour.
#[test]
fn an_unreachable_database_is_tried_once_an_hour_and_its_hint_works() {
    let sb = Sandbox::new();
    let releases = release_server(&["go1.21.13", "go1.22.10"]);
    // A port nothing listens on: every connection is refused at once.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let failed = sb.gover_home.join("vulndb/failed");
    let install = |cmd: assert_cmd::Command, version: &str| {
        let started = std::time::Instant::now();
        // Were refused connections retried, the backoff alone would take 2 + 4 + 8 s.
        let out = with_releases(cmd, &releases).env("GOVER_RETRY_DELAY_MS", "2000").args(["install", version]).output();
        let out = out.unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stderr).into_owned(), started.elapsed())
    };
    let an_hour_ago = || {
        assert!(std::process::Command::new("touch")
            .args(["-d", "61 minutes ago"])
            .arg(&failed)
            .status()
            .unwrap()
            .success())
    };
    let hint = "help: behind a proxy, set HTTPS_PROXY; without access to vuln.go.dev, set GOVULNDB to a copy of it \
                (https://… or file:///…), or GOVER_VULNDB=off to stop checking; gover tries again in an hour\n";

    let (stderr, took) = install(gover(&sb, &closed), "1.21.13");
    assert!(
        stderr.contains("warning: cannot refresh the Go vulnerability database") && stderr.ends_with(hint),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(8), "took {took:?}: the refused connection was retried");
    // Within the hour, the next command leaves the database alone.
    let (stderr, _) = install(gover(&sb, &closed), "1.22.10");
    assert!(!stderr.contains("vulnerability"), "{stderr}");
    // An hour later it is tried (and fails) again.
    an_hour_ago();
    let (stderr, _) = install(gover(&sb, &closed), "1.22.10");
    assert!(stderr.ends_with(hint), "{stderr}");

    // The hint, followed: GOVER_VULNDB=off stops the checks...
    an_hour_ago();
    let mut off = gover(&sb, &closed);
    off.env("GOVER_VULNDB", "off");
    let (stderr, _) = install(off, "1.22.10");
    assert!(!stderr.contains("vulnerability"), "{stderr}");
    // ...and GOVULNDB naming a copy of the database brings the data, at once.
    let db = VulnDb::serve();
    let (stderr, _) = install(gover(&sb, &format!("file://{}", db.path().display())), "1.22.10");
    assert!(stderr.contains("note: fetched the Go vulnerability database from file://"), "{stderr}");
    assert!(!failed.exists());
    assert_eq!(listed(&sb, &closed).len(), 2);
}

/// Offline, `list` and `doctor` name the two ways out (a copy of the database, or no
/// checks) instead of only promising a fetch; once a fetch has failed they say so, and stop
/// promising one until GOVULNDB names another database or a refresh succeeds.
#[test]
fn offline_the_notes_name_a_copy_of_the_database_and_a_failed_fetch_is_said() {
    let sb = sandbox_with_versions();
    sb.pin("1.22.10");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let list_note = |govulndb: &str| {
        let out = gover(&sb, govulndb).arg("list").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let stale_finding = |govulndb: &str| {
        let out = sb.doctor(&["--json"]).env_remove("GOVER_VULNDB").env("GOVULNDB", govulndb).output().unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "versions.vulndb-stale").cloned().unwrap()
    };

    let before = list_note(&closed);
    assert!(
        before.contains("fetches it") && before.contains("GOVULNDB") && before.contains("GOVER_VULNDB=off"),
        "{before}"
    );

    let out = gover(&sb, &closed).args(["list", "--refresh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.ends_with(
            "help: behind a proxy, set HTTPS_PROXY; without access to vuln.go.dev, set GOVULNDB to a copy of it \
             (https://… or file:///…), or GOVER_VULNDB=off to stop checking\n"
        ),
        "{stderr}"
    );

    let failed = format!(
        "note: no vulnerability data: the last attempt to fetch it from {closed} failed; set GOVULNDB to a copy of \
         the database (https://… or file:///…), or GOVER_VULNDB=off to stop checking\n"
    );
    assert_eq!(list_note(&closed), failed);
    let finding = stale_finding(&closed);
    assert!(finding["evidence"][0]["text"].as_str().unwrap().contains(&format!("fetch it from {closed} failed")));
    assert!(finding["fix"]["text"].as_str().unwrap().contains("GOVER_VULNDB=off"), "{finding}");
    // Another database has not failed: a fetch is promised again.
    assert!(list_note("http://127.0.0.1:1").contains("fetches it"));
    // GOVER_VULNDB=off, as the note says, silences it.
    let out = gover(&sb, &closed).env("GOVER_VULNDB", "off").arg("list").output().unwrap();
    assert!(out.stderr.is_empty(), "{out:?}");

    // A copy of the database, as the note says, brings the data and forgets the failure.
    let db = VulnDb::serve();
    let copy = format!("file://{}", db.path().display());
    gover(&sb, &copy).args(["list", "--refresh"]).assert().success();
    assert_eq!(list_note(&copy), "");
    assert!(!sb.gover_home.join("vulndb/failed").exists());

    // A week later with the server gone again: the age, and the failure.
    age_cache(&sb, 8 * 86_400 + 60);
    gover(&sb, &copy).env("GOVULNDB", &closed).args(["list", "--refresh"]).assert().code(5);
    let note = list_note(&closed);
    assert!(
        note.starts_with("note: the vulnerability data was last checked 8 days ago, and the last attempt to fetch it")
            && !note.contains("brings it up to date"),
        "{note}"
    );
}

/// What a hostile or broken server puts in text gover prints: an OSC 52 clipboard write, a
/// screen clear, a C1 control and a right-to-left override.
const TERMINAL_SEQUENCES: [&str; 4] = ["\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}", "\u{1b}[2J", "\u{9b}31m", "\u{202e}"];

/// Whether `bytes` (a command's output) hold any character a terminal acts on.
fn assert_no_terminal_sequences(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad = text.chars().find(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}');
    assert_eq!(bad, None, "{what} printed a terminal control character: {text}");
}

/// Control characters in the database's summaries and aliases, in a release index's file
/// names and in an HTML page never reach the terminal: summaries keep their words, aliases
/// that are not CVE or GHSA ids are dropped, and a file named with them is no archive.
#[test]
fn control_characters_from_servers_never_reach_the_terminal() {
    let db = VulnDb::serve();
    for (id, _, mut entry) in common::vulndb::entries() {
        let summary = entry["summary"].as_str().unwrap_or("").to_string();
        entry["summary"] = format!("{}{summary}{}", TERMINAL_SEQUENCES[0], TERMINAL_SEQUENCES.join("")).into();
        let aliases = entry["aliases"].as_array_mut().unwrap();
        aliases.insert(0, format!("CVE-2024-1234{}", TERMINAL_SEQUENCES[0]).into());
        aliases.push(TERMINAL_SEQUENCES[1].into());
        db.write(&format!("ID/{id}.json"), entry.to_string().as_bytes());
    }
    let sb = sandbox_with_versions();
    sb.install_shims();
    sb.pin("1.22.10");
    let out = gover(&sb, &db.url()).args(["list", "--refresh"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cache = fs::read(cache_file(&sb)).unwrap();
    assert!(!String::from_utf8_lossy(&cache).contains("\\u001b"), "the cache keeps the sequences");
    for args in [&["list"][..], &["list", "--json"]] {
        let out = gover(&sb, &db.url()).args(args).output().unwrap();
        assert_no_terminal_sequences(&format!("{args:?}"), &out.stdout);
        assert_no_terminal_sequences(&format!("{args:?}"), &out.stderr);
    }
    for args in [&[][..], &["--json"]] {
        let out = sb.doctor(args).env_remove("GOVER_VULNDB").env("GOVULNDB", db.url()).output().unwrap();
        assert_no_terminal_sequences("doctor", &out.stdout);
        assert_no_terminal_sequences("doctor", &out.stderr);
        let text = String::from_utf8_lossy(&out.stdout);
        // The advisories are still shown, their visible text kept, their real CVE ids too.
        assert!(text.contains("]52;c;ZWNobyBwd25lZA=="), "{text}");
        assert!(text.contains("CVE-20") && !text.contains("CVE-2024-1234"), "{text}");
    }

    // A cache written by an earlier gover, which kept the sequences: cleaned when read.
    let mut cache: Value = serde_json::from_slice(&cache).unwrap();
    for entry in cache["entries"].as_array_mut().unwrap() {
        entry["summary"] = TERMINAL_SEQUENCES.join("").into();
        entry["aliases"][0] = TERMINAL_SEQUENCES[1].into();
    }
    fs::write(cache_file(&sb), cache.to_string()).unwrap();
    let out = sb.doctor(&[]).env_remove("GOVER_VULNDB").env("GOVULNDB", db.url()).output().unwrap();
    assert_no_terminal_sequences("doctor", &out.stdout);
    assert!(String::from_utf8_lossy(&out.stdout).contains("]52;c;ZWNobyBwd25lZA=="));

    // A release index naming its archive with terminal sequences, and a login page full of them.
    let releases = Server::http();
    let archive = release_archive("go1.22.12");
    let mut index: Value = serde_json::from_str(&index_json(&[IndexEntry::new("go1.22.12", archive.clone())])).unwrap();
    let name =
        common::releases::archive_name("go1.22.12").replace(".tar.gz", &format!("{}.tar.gz", TERMINAL_SEQUENCES[0]));
    index[0]["files"][1]["filename"] = name.into();
    releases.route("/index.json", Reply::bytes(index.to_string()));
    releases.route(&archive_path("go1.22.12"), Reply::bytes(archive));
    let out = with_releases(gover(&sb, &db.url()), &releases).args(["install", "1.22.12"]).output().unwrap();
    assert!(!out.status.success());
    assert_no_terminal_sequences("install", &out.stdout);
    assert_no_terminal_sequences("install", &out.stderr);
    releases.route("/index.json", Reply::html(&format!("<html>{}Sign in</html>", TERMINAL_SEQUENCES.join(""))));
    let out = with_releases(gover(&sb, &db.url()), &releases).args(["install", "1.22.12"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("answered with an HTML page"), "{stderr}");
    assert_no_terminal_sequences("install", &out.stderr);
}
