//! `gover install`, `list` and `uninstall` against a release server on 127.0.0.1 serving
//! small synthetic releases: spec resolution, verification, hostile archives, locks,
//! fallbacks, TLS and proxies.

use crate::common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use common::releases::{archive_name, index_json, release_archive, release_entries, tar_gz, Entry, IndexEntry};
use common::server::{Fault, Reply, Server};
use common::stdout;
use common::Sandbox;
use predicates::prelude::*;

/// Publishes `entries` on `server`: the index at /index.json, archives under /dl/.
fn publish(server: &Server, entries: Vec<IndexEntry>) {
    server.route("/index.json", Reply::bytes(index_json(&entries)));
    for e in entries {
        server.route(&format!("/dl/{}", archive_name(&e.version)), Reply::bytes(e.archive));
    }
}

fn standard_releases() -> Vec<IndexEntry> {
    ["go1.23rc1", "go1.22.10", "go1.22.9", "go1.21.13", "go1.20"]
        .iter()
        .map(|v| IndexEntry::new(v, release_archive(v)))
        .collect()
}

/// `gover` in the sandbox, pointed at `server` for the index and the archives.
fn gover(sb: &Sandbox, server: &Server) -> assert_cmd::Command {
    let mut cmd = sb.gover();
    cmd.env("GOVER_INDEX_URL", server.url("/index.json"))
        .env("GOVER_DIST_URL", server.url("/dl/"))
        .env("GOVER_RETRY_DELAY_MS", "10");
    cmd
}

/// A server publishing only `version`; its archive and the archive's path on the server.
fn serve_one(version: &str) -> (Server, Vec<u8>, String) {
    let server = Server::http();
    let archive = release_archive(version);
    publish(&server, vec![IndexEntry::new(version, archive.clone())]);
    (server, archive, archive_path(version))
}

fn archive_path(version: &str) -> String {
    format!("/dl/{}", archive_name(version))
}

/// Nothing half-made is left: no staging leftovers, and `version` is not installed.
fn assert_nothing_installed(sb: &Sandbox, version: &str) {
    assert!(!sb.gover_home.join("versions").join(version).exists(), "{version} must not be installed");
    let staging = sb.gover_home.join("staging");
    let left: Vec<_> = fs::read_dir(&staging).map(|d| d.filter_map(|e| e.ok()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "staging should be empty: {left:?}");
    let cache = sb.gover_home.join("downloads");
    let partial: Vec<_> = fs::read_dir(&cache)
        .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".partial")).collect())
        .unwrap_or_default();
    assert!(partial.is_empty(), "no partial downloads may be left: {partial:?}");
}

/// A download that failed verification: nothing installed, and nothing kept in the cache.
fn assert_rejected(sb: &Sandbox, version: &str) {
    assert_nothing_installed(sb, version);
    let cached = sb.gover_home.join("downloads").join(archive_name(version));
    assert!(!cached.exists(), "an unverified archive must not be cached");
}

/// A download that broke off: nothing installed, and what arrived is kept as a partial
/// download (a true prefix of the archive) for the next install to resume.
fn assert_kept_partial(sb: &Sandbox, version: &str, archive: &[u8]) {
    assert!(!sb.gover_home.join("versions").join(version).exists(), "{version} must not be installed");
    let staging: Vec<_> = fs::read_dir(sb.gover_home.join("staging")).unwrap().collect();
    assert!(staging.is_empty(), "staging should be empty: {staging:?}");
    let partial = sb.gover_home.join("downloads").join(format!("{}.partial", archive_name(version)));
    let kept = fs::read(&partial).unwrap();
    assert!(!kept.is_empty() && archive.starts_with(&kept), "the partial download is a prefix of the archive");
}

#[test]
fn installs_the_newest_of_a_line_and_makes_go_work() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());

    gover(&sb, &server)
        .args(["install", "1.22"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.22 -> go1.22.10"))
        .stderr(predicate::str::contains("go1.22.10 is now the global default"));
    let root = sb.gover_home.join("versions/go1.22.10");
    assert!(root.join("bin/go").is_file() && root.join("src/fmt/print.go").is_file());
    assert_eq!(fs::read_to_string(sb.gover_home.join("global")).unwrap().trim(), "go1.22.10");
    assert_eq!(server.hits(&archive_path("go1.22.10")), 1);

    // The shims exist from the first install, and `go` runs the installed version.
    sb.shim("go")
        .arg("version")
        .assert()
        .success()
        .stdout("go version go1.22.10 fake/arch\n")
        .stderr(format!("GOROOT={}\n", root.display()));

    // Installed already: said so, nothing downloaded, for every spelling.
    for spec in ["go1.22.10", "1.22.10"] {
        gover(&sb, &server).args(["install", spec]).assert().success().stdout("go1.22.10 is already installed\n");
    }
    gover(&sb, &server).args(["install", "1.22"]).assert().success().stdout(predicate::str::contains("already"));
    assert_eq!(server.hits(&archive_path("go1.22.10")), 1);
}

#[test]
fn resolves_every_kind_of_spec() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    for (spec, version) in
        [("latest", "go1.22.10"), ("1.23rc1", "go1.23rc1"), ("go1.21.13", "go1.21.13"), ("1.20", "go1.20")]
    {
        gover(&sb, &server)
            .args(["install", spec])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("{spec} -> {version}")));
        assert!(sb.gover_home.join("versions").join(version).join("bin/go").is_file(), "{version}");
    }
    // The first install became the global default; later ones did not change it.
    assert_eq!(fs::read_to_string(sb.gover_home.join("global")).unwrap().trim(), "go1.22.10");
}

#[test]
fn several_specs_in_one_run_and_bad_ones() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    let out = gover(&sb, &server).args(["install", "1.21", "1.99", "1.22.9"]).assert().code(4).get_output().clone();
    assert!(sb.gover_home.join("versions/go1.21.13").is_dir() && sb.gover_home.join("versions/go1.22.9").is_dir());
    assert!(stdout(&out).contains("1.22.9 -> go1.22.9"));

    gover(&sb, &server)
        .args(["install", "1.22; rm -rf /"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a Go version"));
    gover(&sb, &server).args(["install", "system"]).assert().code(2);
}

#[test]
fn an_unknown_version_lists_the_nearest() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    gover(&sb, &server)
        .args(["install", "1.22.99"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no Go release go1.22.99"))
        .stderr(predicate::str::contains("the nearest that exist: go1.22.9, go1.22.10"))
        .stderr(predicate::str::contains("help: gover install 1.22.10\n"));
    gover(&sb, &server).args(["install", "1.25"]).assert().code(4).stderr(predicate::str::contains("go1.23rc1"));
    assert!(
        !sb.gover_home.join("versions").exists() || fs::read_dir(sb.gover_home.join("versions")).unwrap().count() == 0
    );
}

#[test]
fn a_checksum_mismatch_installs_nothing_and_names_both_digests() {
    let sb = Sandbox::new();
    let server = Server::http();
    let good = release_archive("go1.22.10");
    let wrong = "0".repeat(64);
    publish(&server, vec![IndexEntry { sha256: Some(wrong.clone()), ..IndexEntry::new("go1.22.10", good.clone()) }]);
    gover(&sb, &server)
        .args(["install", "1.22.10"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains(server.url(&archive_path("go1.22.10"))))
        .stderr(predicate::str::contains(format!("expected sha256 {wrong}")))
        .stderr(predicate::str::contains(common::releases::sha256_hex(&good)));
    assert_rejected(&sb, "go1.22.10");
    assert!(!sb.gover_home.join("global").exists() && !sb.shims_dir().exists());
}

#[test]
fn a_broken_download_resumes_where_it_stopped() {
    let sb = Sandbox::new();
    let (server, archive, path) = serve_one("go1.22.10");
    let len = archive.len();
    // Dropped halfway, then stalled: each time the rest is asked for with a Range request.
    server.once(&path, Reply::bytes(archive.clone()).fault(Fault::CloseAfter(len / 2)));
    server.once(&path, Reply::bytes(archive.clone()).fault(Fault::StallAfter(100, Duration::from_secs(5))));
    gover(&sb, &server).env("GOVER_HTTP_TIMEOUT", "1").args(["install", "1.22.10"]).assert().success();
    let ranges: Vec<Option<String>> = server
        .requests()
        .into_iter()
        .filter(|r| r.target == path)
        .map(|r| r.headers.into_iter().find(|(n, _)| n.eq_ignore_ascii_case("range")).map(|(_, v)| v))
        .collect();
    assert_eq!(ranges, [None, Some(format!("bytes={}-", len / 2)), Some(format!("bytes={}-", len / 2 + 100))]);
    assert_eq!(fs::read(sb.gover_home.join("downloads").join(archive_name("go1.22.10"))).unwrap(), archive);

    // A server that ignores ranges sends it all again; the part already read is skipped.
    let sb = Sandbox::new();
    server.once(&path, Reply::bytes(archive.clone()).fault(Fault::CloseAfter(len / 3)));
    server.once(&path, Reply::bytes(archive.clone()).ignore_range());
    gover(&sb, &server).args(["install", "1.22.10"]).assert().success();
    assert!(sb.gover_home.join("versions/go1.22.10/bin/go").is_file());
}

#[test]
fn a_truncated_or_wrongly_sized_download_installs_nothing() {
    let sb = Sandbox::new();
    let (server, archive, path) = serve_one("go1.22.10");
    let len = archive.len();

    // The connection keeps dropping halfway (Content-Length announced in full): once the
    // resumes stop bringing bytes, a network failure that says what arrived; that part is kept.
    server.route(&path, Reply::bytes(archive.clone()).fault(Fault::CloseAfter(len / 2)).ignore_range());
    gover(&sb, &server)
        .args(["install", "1.22.10"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("broke off after {} bytes", len / 2)))
        .stderr(predicate::str::contains("3 attempts to resume, the last 3 without progress"))
        .stderr(predicate::str::contains("failed verification").not());
    assert_kept_partial(&sb, "go1.22.10", &archive);
    assert_eq!(server.hits(&path), 4, "the first try and three resumes");
    server.route(&path, Reply::bytes(archive.clone()));
    fs::remove_file(sb.gover_home.join("downloads").join(format!("{}.partial", archive_name("go1.22.10")))).unwrap();

    // The server announces a size other than the index's: refused before unpacking.
    server.once(&path, Reply::bytes(archive.clone()).fault(Fault::ContentLength(len as u64 + 10)));
    gover(&sb, &server).args(["install", "1.22.10"]).assert().failure();
    assert_rejected(&sb, "go1.22.10");

    // A body that ends cleanly but short (no lie in the headers): the size and digest catch it.
    server.once(&path, Reply::bytes(archive[..len - 100].to_vec()).fault(Fault::NoLength));
    gover(&sb, &server)
        .args(["install", "1.22.10"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("got      sha256"));
    assert_rejected(&sb, "go1.22.10");

    // And the next, healthy attempt works.
    gover(&sb, &server).args(["install", "1.22.10"]).assert().success();
}

#[test]
fn the_index_size_must_match() {
    let sb = Sandbox::new();
    let server = Server::http();
    let archive = release_archive("go1.22.10");
    let size = archive.len() as u64 + 1;
    publish(&server, vec![IndexEntry { size: Some(size), ..IndexEntry::new("go1.22.10", archive) }]);
    gover(&sb, &server)
        .args(["install", "1.22.10"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains(format!("the index says {size}")));
    assert_rejected(&sb, "go1.22.10");
}

#[test]
fn hostile_archives_are_refused_and_write_nothing_outside() {
    let cases: Vec<(&str, Vec<Entry>, &str)> = vec![
        ("parent", vec![Entry::file("go/../../../escaped", "x")], "`..` in the path"),
        ("absolute", vec![Entry::file("/tmp/gover-test-escaped-abs", "x")], "an absolute path"),
        ("outside go/", vec![Entry::file("escaped", "x")], "outside the archive's go/ folder"),
        ("symlink out", vec![Entry::symlink("go/link", "../../../../..")], "a symlink pointing outside"),
        ("absolute symlink", vec![Entry::symlink("go/link", "/")], "a symlink to the absolute path /"),
        (
            "write through a symlink",
            vec![Entry::Dir { path: "go/d".into() }, Entry::symlink("go/d/up", "."), Entry::file("go/d/up/x", "x")],
            "written through the symlink d/up",
        ),
        (
            "symlink chain out",
            vec![Entry::symlink("go/b", "."), Entry::symlink("go/a", "b/..")],
            "go/a is unsafe: a symlink that resolves outside the tree",
        ),
        (
            "hard link out",
            vec![Entry::HardLink { path: "go/h".into(), target: "/etc/passwd".into() }],
            "a hard link to /etc/passwd",
        ),
        ("device", vec![Entry::CharDevice { path: "go/null".into() }], "device files"),
    ];
    for (name, hostile, reason) in cases {
        let sb = Sandbox::new();
        let server = Server::http();
        let mut entries = release_entries("go1.22.10");
        entries.extend(hostile);
        publish(&server, vec![IndexEntry::new("go1.22.10", tar_gz(&entries))]);
        gover(&sb, &server)
            .args(["install", "1.22.10"])
            .assert()
            .code(6)
            .stderr(predicate::str::contains("is unsafe: ").and(predicate::str::contains(reason)));
        assert_rejected(&sb, "go1.22.10");
        for escaped in [sb.root().join("escaped"), sb.gover_home.join("escaped"), sb.home.join(".local/escaped")] {
            assert!(!escaped.exists(), "{name}: {} was written", escaped.display());
        }
        assert!(!Path::new("/tmp/gover-test-escaped-abs").exists(), "{name}");
    }
}

#[test]
fn an_archive_of_another_version_is_refused() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, vec![IndexEntry::new("go1.22.10", release_archive("go1.21.0"))]);
    gover(&sb, &server)
        .args(["install", "1.22.10"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("VERSION file says \"go1.21.0\""));
    assert_rejected(&sb, "go1.22.10");

    let mut no_go = release_entries("go1.22.9");
    no_go.retain(|e| !matches!(e, Entry::File { path, .. } if path == "go/bin/go"));
    publish(&server, vec![IndexEntry::new("go1.22.9", tar_gz(&no_go))]);
    gover(&sb, &server).args(["install", "1.22.9"]).assert().code(6).stderr(predicate::str::contains("no bin/go"));
}

#[test]
fn html_pages_and_redirect_loops_are_explained() {
    let sb = Sandbox::new();
    let server = Server::http();
    server.route("/index.json", Reply::html("<!DOCTYPE html><html><body>Please sign in to the Wi-Fi</body></html>"));
    gover(&sb, &server)
        .env_remove("GOVER_DIST_URL")
        .args(["install", "1.22"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("HTML page"))
        .stderr(predicate::str::contains("captive portal"));

    // A redirect loop (a proxy bouncing between http and https) ends with a hint.
    server.route("/index.json", Reply::redirect(&server.url("/index.json")));
    let out = gover(&sb, &server).args(["install", "1.22"]).assert().code(5).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("redirect") && stderr.contains("HTTPS_PROXY"), "{stderr}");
}

#[test]
fn transient_server_errors_are_retried() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    server.once("/index.json", Reply::status(503).header("Retry-After", "0"));
    server.once(&archive_path("go1.22.10"), Reply::status(500));
    server.once(&archive_path("go1.22.10"), Reply::status(429).header("Retry-After", "1"));
    let started = std::time::Instant::now();
    gover(&sb, &server).args(["install", "1.22"]).assert().success();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    assert_eq!(server.hits("/index.json"), 2);
    assert_eq!(server.hits(&archive_path("go1.22.10")), 3);

    // A 404 is not transient: one try, a clear error.
    gover(&sb, &server)
        .args(["install", "1.21"])
        .env("GOVER_DIST_URL", server.url("/missing/"))
        .assert()
        .code(5)
        .stderr(predicate::str::contains("404"));
    assert_eq!(server.hits(&format!("/missing/{}", archive_name("go1.21.13"))), 1);
}

#[test]
fn a_stalled_download_times_out() {
    let sb = Sandbox::new();
    let (server, archive, path) = serve_one("go1.22.10");
    let stall = Fault::StallAfter(100, Duration::from_secs(8));
    server.route(&path, Reply::bytes(archive.clone()).fault(stall).ignore_range());
    gover(&sb, &server)
        .env("GOVER_HTTP_TIMEOUT", "1")
        .args(["install", "1.22.10"])
        .timeout(Duration::from_secs(7))
        .assert()
        .code(5)
        .stderr(predicate::str::contains("attempts to resume"));
    assert_kept_partial(&sb, "go1.22.10", &archive);

    // The timeout is for silence, not for the whole download: a slow but steady body is fine.
    let chunk = archive.len() / 8 + 1;
    server.route(&path, Reply::bytes(archive).fault(Fault::Trickle { chunk, pause: Duration::from_millis(400) }));
    let started = std::time::Instant::now();
    gover(&sb, &server).env("GOVER_HTTP_TIMEOUT", "1").args(["install", "1.22.10"]).assert().success();
    assert!(started.elapsed() > Duration::from_secs(2));
}

#[test]
fn the_mirrors_own_index_is_the_fallback_with_a_warning_when_the_mirror_is_trusted() {
    let sb = Sandbox::new();
    let mirror = Server::http();
    publish(&mirror, standard_releases());
    mirror.route("/dl/?mode=json&include=all", Reply::bytes(index_json(&standard_releases())));
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // Not unasked: the error names the mirror's index.
    gover(&sb, &mirror)
        .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
        .args(["install", "1.22"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!("set GOVER_INDEX_URL={}", mirror.url("/dl/?mode=json&include=all"))));
    assert_nothing_installed(&sb, "go1.22.10");
    gover(&sb, &mirror)
        .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
        .args(["install", "--trust-mirror", "1.22"])
        .assert()
        .success()
        .stderr(predicate::str::contains("the checksums of the mirror's own index are trusted (--trust-mirror)"));
    assert!(sb.gover_home.join("versions/go1.22.10").is_dir());

    // Its copy is saved for end of life (go1.21 and go1.22 are newer lines than go1.20; only
    // the index knows go1.21), but never stands in for the trusted index offline.
    sb.fake_version("go1.20.5");
    let out = sb.gover().args(["list", "--json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["version"], "go1.20.5");
    assert_eq!(rows[0]["end_of_life"], true, "{rows}");
    mirror.route("/dl/?mode=json&include=all", Reply::status(503));
    gover(&sb, &mirror)
        .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
        .env("GOVER_TRUST_MIRROR", "1")
        .args(["install", "1.21"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("using the release index saved").not());
}

#[test]
fn the_sha256_file_is_the_last_resort_for_an_exact_version_when_the_mirror_is_trusted() {
    let sb = Sandbox::new();
    let mirror = Server::http();
    let archive = release_archive("go1.21.13");
    mirror.route(&archive_path("go1.21.13"), Reply::bytes(archive.clone()));
    mirror
        .route(&format!("{}.sha256", archive_path("go1.21.13")), Reply::bytes(common::releases::sha256_hex(&archive)));
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let cmd = |sb: &Sandbox| {
        let mut cmd = gover(sb, &mirror);
        cmd.env("GOVER_INDEX_URL", format!("http://{dead}/index.json")).env("GOVER_TRUST_MIRROR", "yes");
        cmd
    };
    // Not unasked.
    cmd(&sb).env("GOVER_TRUST_MIRROR", "no").args(["install", "1.21.13"]).assert().code(5);
    assert_eq!(mirror.hits(&format!("{}.sha256", archive_path("go1.21.13"))), 0);
    // A line needs an index to resolve.
    cmd(&sb).args(["install", "1.21"]).assert().code(5);
    cmd(&sb)
        .args(["install", "1.21.13"])
        .assert()
        .success()
        .stderr(predicate::str::contains("trust rests on the mirror"));
    assert!(sb.gover_home.join("versions/go1.21.13/bin/go").is_file());

    // The checksum file still guards the archive.
    let sb = Sandbox::new();
    mirror.route(&format!("{}.sha256", archive_path("go1.21.13")), Reply::bytes("f".repeat(64)));
    cmd(&sb).args(["install", "1.21.13"]).assert().code(6);
    assert_nothing_installed(&sb, "go1.21.13");
}

#[test]
fn https_with_a_private_ca() {
    let sb = Sandbox::new();
    let server = Server::https();
    publish(&server, standard_releases());
    let ca = sb.write("ca.pem", server.ca_pem());

    // Untrusted: the error says which variables add a CA.
    gover(&sb, &server)
        .args(["install", "1.22"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("certificate"))
        .stderr(predicate::str::contains("GOVER_CA_FILE"))
        .stderr(predicate::str::contains("SSL_CERT_FILE"));
    assert_eq!(server.hits("/index.json"), 0, "a TLS failure is not retried into a success");

    gover(&sb, &server).env("GOVER_CA_FILE", &ca).args(["install", "1.22"]).assert().success();
    let sb2 = Sandbox::new();
    gover(&sb2, &server).env("SSL_CERT_FILE", &ca).args(["install", "1.21"]).assert().success();
    gover(&sb2, &server)
        .env("GOVER_CA_FILE", sb.root().join("missing.pem"))
        .args(["install", "1.20"])
        .assert()
        .code(8)
        .stderr(predicate::str::contains("GOVER_CA_FILE"));
}

#[test]
fn proxies_from_the_environment_are_used() {
    let sb = Sandbox::new();
    let proxy = Server::http();
    publish(&proxy, standard_releases());
    // Names that do not resolve anywhere: only the proxy can answer them.
    gover(&sb, &proxy)
        .env("GOVER_INDEX_URL", "http://releases.gover.invalid/index.json")
        .env("GOVER_DIST_URL", "http://releases.gover.invalid/dl/")
        .env("HTTP_PROXY", proxy.url(""))
        .args(["install", "1.22"])
        .assert()
        .success()
        .stderr(predicate::str::contains("plain http"));
    let proxied: Vec<_> = proxy.requests().into_iter().filter_map(|r| r.proxied).collect();
    assert!(proxied.contains(&"http://releases.gover.invalid/index.json".to_string()), "{proxied:?}");

    // NO_PROXY sends it direct, where nothing answers.
    gover(&Sandbox::new(), &proxy)
        .env("GOVER_INDEX_URL", "http://releases.gover.invalid/index.json")
        .env("GOVER_DIST_URL", "http://releases.gover.invalid/dl/")
        .env("HTTP_PROXY", proxy.url(""))
        .env("NO_PROXY", ".invalid")
        .args(["install", "1.22"])
        .assert()
        .code(5);
}

/// An https URL redirecting to plain http on another machine is refused on every hop, naming
/// both URLs: the index's, then an archive's. The other machine is a name that resolves
/// nowhere, reached through HTTP_PROXY as an on-path attacker would be reached; a redirect
/// to this machine (loopback) is followed, as plain http to it is accepted.
#[test]
fn https_never_redirects_to_plain_http() {
    let sb = Sandbox::new();
    let server = Server::https();
    let elsewhere = Server::http();
    publish(&server, standard_releases());
    publish(&elsewhere, standard_releases());
    let ca = sb.write("ca.pem", server.ca_pem());
    let install = |spec: &str, vars: &[(&str, &str)]| {
        let mut cmd = gover(&sb, &server);
        cmd.env("GOVER_CA_FILE", &ca).env("HTTP_PROXY", elsewhere.url("")).envs(vars.iter().copied());
        cmd.args(["install", spec]).output().unwrap()
    };
    let refused = |out: &std::process::Output, from: &str, to: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(stderr.contains(&format!("  cause: {from} redirected to {to}\n")), "{stderr}");
        assert!(stderr.contains(&format!("name {to} yourself")), "{stderr}");
    };
    let plain_index = "http://releases.gover.invalid/index.json";
    server.route("/index.json", Reply::redirect(plain_index));
    refused(&install("1.22", &[]), &server.url("/index.json"), plain_index);
    assert!(elsewhere.requests().is_empty(), "never asked");

    server.route("/index.json", Reply::bytes(index_json(&standard_releases())));
    let plain_archive = format!("http://releases.gover.invalid{}", archive_path("go1.22.10"));
    server.route(&archive_path("go1.22.10"), Reply::redirect(&plain_archive));
    refused(&install("1.22", &[]), &server.url(&archive_path("go1.22.10")), &plain_archive);
    assert_nothing_installed(&sb, "go1.22.10");
    assert!(elsewhere.requests().is_empty(), "never asked");

    // The hint followed: plain http named in the setting, with the warning that says so.
    let out = install("1.22", &[("GOVER_DIST_URL", "http://releases.gover.invalid/dl/")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("http://releases.gover.invalid/dl/"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is plain http"));

    // To this machine, a redirect is followed.
    server.route(&archive_path("go1.21.13"), Reply::redirect(&elsewhere.url(&archive_path("go1.21.13"))));
    let out = install("1.21", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(sb.gover_home.join("versions/go1.21.13/bin/go").is_file());
}

#[test]
fn concurrent_installs_download_once() {
    let sb = Sandbox::new();
    let (server, archive, path) = serve_one("go1.22.10");
    let chunk = archive.len() / 20 + 1;
    server.route(&path, Reply::bytes(archive).fault(Fault::Trickle { chunk, pause: Duration::from_millis(50) }));
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let mut cmd = common::gover_process(sb.env(), &sb.work);
            cmd.env("GOVER_INDEX_URL", server.url("/index.json"))
                .env("GOVER_DIST_URL", server.url("/dl/"))
                .args(["install", "1.22.10"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = runs.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for out in &outputs {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(server.hits(&path), 1, "downloaded once");
    let all: String = outputs.iter().map(stdout).collect();
    assert_eq!(all.matches("installed go1.22.10 in").count(), 1, "{all}");
    assert_eq!(all.matches("go1.22.10 is already installed").count(), 2, "{all}");
    assert_nothing_installed(&sb, "go1.22.9");
}

#[test]
fn leftovers_of_a_killed_install_do_not_block_the_next() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    let stale = sb.gover_home.join("staging/go1.22.10");
    fs::create_dir_all(stale.join("bin")).unwrap();
    fs::write(stale.join("bin/half-written"), "x").unwrap();
    fs::create_dir_all(sb.gover_home.join("staging/go1.22.10.removing-99999/bin")).unwrap();
    fs::create_dir_all(sb.gover_home.join("locks")).unwrap();
    fs::write(sb.gover_home.join("locks/go1.22.10.lock"), "").unwrap();
    gover(&sb, &server).args(["install", "1.22.10"]).assert().success();
    assert!(!sb.gover_home.join("versions/go1.22.10/bin/half-written").exists());

    // A damaged install (no bin/go) is not "already installed": installing repairs it.
    fs::remove_file(sb.gover_home.join("versions/go1.22.10/bin/go")).unwrap();
    gover(&sb, &server)
        .args(["install", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("replacing the damaged install of go1.22.10"));
    assert!(sb.gover_home.join("versions/go1.22.10/bin/go").is_file());
    assert_nothing_installed(&sb, "go1.22.9");
    assert_nothing_installed(&sb, "go1.22.9");
}

#[test]
fn an_install_killed_mid_download_is_retried_cleanly() {
    let sb = Sandbox::new();
    let (server, archive, path) = serve_one("go1.22.10");
    let chunk = archive.len() / 50 + 1;
    server.once(&path, Reply::bytes(archive).fault(Fault::Trickle { chunk, pause: Duration::from_millis(100) }));
    let mut child = common::gover_process(sb.env(), &sb.work)
        .env("GOVER_INDEX_URL", server.url("/index.json"))
        .env("GOVER_DIST_URL", server.url("/dl/"))
        .args(["install", "1.22.10"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it has begun unpacking into staging.
    let staging = sb.gover_home.join("staging/go1.22.10");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !staging.join("VERSION").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(staging.join("VERSION").exists(), "the install should have been unpacking");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!sb.gover_home.join("versions/go1.22.10").exists(), "a killed install leaves no version");

    gover(&sb, &server).args(["install", "1.22.10"]).assert().success().stdout(predicate::str::contains("installed"));
    assert_eq!(server.hits(&path), 2);
    assert!(sb.gover_home.join("versions/go1.22.10/bin/go").is_file());
    assert_nothing_installed(&sb, "go1.22.9");
}

#[test]
fn list_installed_and_remote() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    gover(&sb, &server).args(["list"]).assert().success().stdout("");
    gover(&sb, &server).args(["install", "1.22", "1.21"]).assert().success();

    let global = sb.gover_home.join("global");
    gover(&sb, &server)
        .args(["list"])
        .assert()
        .success()
        .stdout(format!("  go1.21.13\n* go1.22.10  (set by the global default {})\n", global.display()));
    sb.write("work/.go-version", "1.21\n");
    let out = gover(&sb, &server).args(["list", "--json"]).assert().success().get_output().clone();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["version"], "go1.21.13");
    assert_eq!(rows[0]["active"], true);
    assert_eq!(rows[0]["source"]["path"], sb.work.join(".go-version").display().to_string());
    assert_eq!(rows[1]["active"], false);

    gover(&sb, &server)
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout("go1.20\ngo1.21.13  (oldstable, installed)\ngo1.22.9\ngo1.22.10  (stable, installed)\n");
    gover(&sb, &server).args(["list", "--remote", "--all", "1.23"]).assert().success().stdout("go1.23rc1\n");
    gover(&sb, &server).args(["list", "--remote", "1.2"]).assert().success().stdout("");
    let out = gover(&sb, &server).args(["list", "--remote", "--json", "1.22"]).assert().success().get_output().clone();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[1]["version"], "go1.22.10");
    assert_eq!(rows[1]["installed"], true);
    assert_eq!(rows[1]["url"], server.url(&archive_path("go1.22.10")));
    gover(&sb, &server).args(["list", "--all"]).assert().code(2);
}

#[test]
fn uninstall_guards_the_global_default() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    gover(&sb, &server).args(["install", "1.22.10", "1.21.13"]).assert().success();

    gover(&sb, &server).args(["uninstall", "1.21"]).assert().success().stdout("removed go1.21.13\n");
    assert!(!sb.gover_home.join("versions/go1.21.13").exists());
    gover(&sb, &server)
        .args(["uninstall", "1.21.13"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("installed: go1.22.10"));

    gover(&sb, &server)
        .args(["uninstall", "go1.22.10"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is the global default"))
        .stderr(predicate::str::contains("--force"));
    assert!(sb.gover_home.join("versions/go1.22.10").is_dir());
    gover(&sb, &server).args(["uninstall", "--force", "go1.22.10"]).assert().success();
    assert!(!sb.gover_home.join("versions/go1.22.10").exists());
    assert_nothing_installed(&sb, "go1.22.10");
}

#[test]
fn a_reinstall_comes_from_the_verified_download_cache() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    gover(&sb, &server).args(["install", "1.22.9"]).assert().success();
    let cached = sb.gover_home.join("downloads").join(archive_name("go1.22.9"));
    assert_eq!(fs::read(&cached).unwrap(), release_archive("go1.22.9"));
    gover(&sb, &server).args(["uninstall", "--force", "1.22.9"]).assert().success();

    // The server has lost it; the cache still serves.
    let path = archive_path("go1.22.9");
    server.route(&path, Reply::status(404));
    gover(&sb, &server)
        .args(["install", "1.22.9"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(from the download cache)"));
    assert_eq!(server.hits(&path), 1);

    // A damaged cache entry is verified like a download, then replaced by a fresh one.
    gover(&sb, &server).args(["uninstall", "--force", "1.22.9"]).assert().success();
    fs::write(&cached, b"garbage").unwrap();
    server.route(&path, Reply::bytes(release_archive("go1.22.9")));
    gover(&sb, &server)
        .args(["install", "1.22.9"])
        .assert()
        .success()
        .stderr(predicate::str::contains("is unusable"))
        .stdout(predicate::str::contains("from the download cache").not());
    assert_eq!(server.hits(&path), 2);
    assert_eq!(fs::read(&cached).unwrap(), release_archive("go1.22.9"));
}

/// A progress bar on a terminal (a pseudo-terminal from `script`), none when piped or quiet.
#[test]
fn progress_bar_only_on_a_terminal() {
    let sb = Sandbox::new();
    let (server, archive, path) = serve_one("go1.22.10");
    let chunk = archive.len() / 10 + 1;
    let slow = Reply::bytes(archive).fault(Fault::Trickle { chunk, pause: Duration::from_millis(150) });
    server.route(&path, slow);
    let run = |args: &str| {
        let out = std::process::Command::new("script")
            .args(["-qec", &format!("{} {args} install 1.22.10", env!("CARGO_BIN_EXE_gover")), "/dev/null"])
            .env_clear()
            .envs(sb.env())
            .env("GOVER_INDEX_URL", server.url("/index.json"))
            .env("GOVER_DIST_URL", server.url("/dl/"))
            .env("TERM", "xterm")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = run("");
    assert!(shown.contains("ETA") && shown.contains("KiB"), "a bar with bytes and ETA: {shown:?}");
    gover(&sb, &server).args(["uninstall", "--force", "1.22.10"]).assert().success();
    fs::remove_dir_all(sb.gover_home.join("downloads")).unwrap();
    let quiet = run("-q");
    assert!(!quiet.contains("ETA"), "{quiet:?}");

    // Piped (the other tests): no bar.
    gover(&sb, &server).args(["uninstall", "--force", "1.22.10"]).assert().success();
    fs::remove_dir_all(sb.gover_home.join("downloads")).unwrap();
    gover(&sb, &server).args(["install", "1.22.10"]).assert().success().stderr(predicate::str::contains("ETA").not());
}

#[test]
fn quiet_installs_print_nothing() {
    let sb = Sandbox::new();
    let server = Server::http();
    publish(&server, standard_releases());
    gover(&sb, &server).args(["-q", "install", "1.22"]).assert().success().stderr("").stdout("");
    gover(&sb, &server).args(["-q", "install", "1.22.10"]).assert().success().stderr("").stdout("");
}

#[test]
fn the_shim_installs_a_missing_pin_when_auto_install_is_on() {
    let sb = Sandbox::new();
    let (server, _, _) = serve_one("go1.22.10");
    sb.install_shims();
    sb.pin("1.22");
    let path = format!("{}:{}:{}", sb.shims_dir().display(), common::bin_dir().display(), common::BASE_PATH);
    let shim = |auto: bool| {
        let mut cmd = sb.shim("go");
        cmd.arg("version")
            .env("PATH", &path)
            .env("GOVER_INDEX_URL", server.url("/index.json"))
            .env("GOVER_DIST_URL", server.url("/dl/"));
        if auto {
            cmd.env("GOVER_AUTO_INSTALL", "1");
        }
        cmd
    };
    // Off by default: the pin's file and the fix, nothing downloaded.
    shim(false).assert().code(3).stderr(predicate::str::contains("help: run gover install 1.22"));
    assert!(server.requests().is_empty());
    shim(true)
        .assert()
        .success()
        .stdout("go version go1.22.10 fake/arch\n")
        .stderr(predicate::str::contains("installing it because GOVER_AUTO_INSTALL is on"));
    assert!(sb.gover_home.join("versions/go1.22.10/bin/go").is_file());
}

#[test]
fn the_shim_installs_what_a_go_line_needs_when_auto_install_is_on() {
    // The global default is older than the module's `go` line and nothing installed meets
    // it: with GOVER_AUTO_INSTALL=1 the shim installs the release the line names.
    let sb = Sandbox::new();
    let (server, _, _) = serve_one("go1.23.0");
    sb.install_shims();
    sb.fake_version("go1.22.10");
    fs::write(sb.gover_home.join("global"), "1.22.10\n").unwrap();
    fs::write(sb.work.join("go.mod"), "module example.com/m\n\ngo 1.23.0\n").unwrap();
    let path = format!("{}:{}:{}", sb.shims_dir().display(), common::bin_dir().display(), common::BASE_PATH);
    sb.shim("go")
        .arg("version")
        .env("PATH", &path)
        .env("GOVER_INDEX_URL", server.url("/index.json"))
        .env("GOVER_DIST_URL", server.url("/dl/"))
        .env("GOVER_AUTO_INSTALL", "1")
        .assert()
        .success()
        .stdout("go version go1.23.0 fake/arch\n")
        .stderr(predicate::str::contains(
            "gover: go1.23.0 is pinned by ./go.mod but not installed; installing it because GOVER_AUTO_INSTALL is on",
        ));
    assert!(sb.gover_home.join("versions/go1.23.0/bin/go").is_file());
}
