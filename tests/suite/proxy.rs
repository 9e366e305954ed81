//! Toolchains through a Go module proxy, verified by the checksum database. The test proxy and
//! database (tests/suite/common/modproxy.rs) are first judged by the real go, which must switch
//! toolchains through them; then gover installs from them, and refuses every way they can lie.

use crate::common;

use std::fs;

use common::modproxy::{self, ModProxy, Sumdb, Toolchain};
use common::server::{Reply, Server};
use common::Sandbox;
use predicates::prelude::*;

/// `gover` with GOPROXY and GOSUMDB pointed at `proxy`.
fn gover(s: &Sandbox, proxy: &ModProxy) -> assert_cmd::Command {
    let mut cmd = s.gover();
    cmd.envs(proxy.env());
    cmd
}

/// Nothing of `version` is left: no tree, nothing in staging, no partial download.
fn assert_nothing_installed(s: &Sandbox, version: &str) {
    assert!(!modproxy::version_dir(&s.gover_home, version).exists(), "{version} must not be installed");
    for dir in ["staging", "downloads"] {
        let left: Vec<_> =
            fs::read_dir(s.gover_home.join(dir)).into_iter().flatten().flatten().map(|e| e.file_name()).collect();
        assert!(
            left.iter().all(|n| !n.to_string_lossy().starts_with(version) || n.to_string_lossy().ends_with(".tar.gz")),
            "{dir}/ holds {left:?}"
        );
    }
}

#[test]
fn real_go_switches_through_the_test_proxy_then_gover_installs_the_same_toolchain() {
    let s = Sandbox::new();
    // The real go1.22.10 (gover's own install of it is tested in install_real.rs).
    let go122 = common::real_go_tree("go1.22.10");
    let proxy = ModProxy::new(vec![Toolchain::real("go1.23.9")]);

    // The oracle: go1.22.10 itself downloads go1.23.9 from the test proxy, checks it against
    // the test checksum database, and runs it.
    let mut go = s.go_command(&go122.join("bin/go"));
    go.envs(proxy.env()).env("GOTOOLCHAIN", "go1.23.9").arg("version");
    go.assert().success().stdout("go version go1.23.9 linux/amd64\n");
    assert!(proxy.server.hits(&proxy.zip_path("go1.23.9")) >= 1, "go fetched the zip from the test proxy");
    assert!(proxy.server.requests().iter().any(|r| r.target.starts_with("/sumdb/lookup/")), "go asked the database");

    // gover, from the same proxy and database.
    gover(&s, &proxy)
        .args(["install", "--source", "proxy", "1.23"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.23 -> go1.23.9"))
        .stdout(predicate::str::contains("installed go1.23.9"))
        .stderr(predicate::str::contains("source: the module proxy"));
    let root = s.gover_home.join("versions/go1.23.9");
    assert!(root.join("src/go.mod").is_file() && !root.join("src/_go.mod").exists(), "_go.mod renamed back");
    assert!(
        s.gover_home.join("sumdb/sum.test.example/latest").is_file(),
        "the verified tree head is kept for the next consistency proof"
    );

    // It builds and runs like the tarball install.
    s.pin("1.23.9");
    fs::write(s.work.join("go.mod"), "module example.com/hello\n\ngo 1.23\n").unwrap();
    // println, not fmt: only the runtime is compiled, which keeps the test fast.
    fs::write(s.work.join("main.go"), "package main\n\nfunc main() { println(\"hello\") }\n").unwrap();
    let through_shims = |tool: &str| {
        let mut cmd = s.go_command(&s.shims_dir().join(tool));
        cmd.env("PATH", s.path_with_shims()).env("GOVER_HOME", &s.gover_home);
        cmd
    };
    through_shims("go").args(["run", "."]).assert().success().stderr("hello\n");
    through_shims("go").args(["env", "GOROOT"]).assert().success().stdout(format!("{}\n", root.display()));
    through_shims("gofmt").args(["-l", "main.go"]).assert().success().stdout("");

    // The listing comes from the proxy too.
    gover(&s, &proxy)
        .args(["list", "--remote", "--source", "proxy"])
        .assert()
        .success()
        .stdout("go1.23.9  (stable, installed)\n");
}

#[test]
fn installs_a_synthetic_toolchain_and_marks_its_tools_executable() {
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[]), Toolchain::synthetic("go1.22.10", &[])]);
    // GOPROXY set to a proxy of its own: auto picks the proxy, and says why.
    gover(&s, &proxy)
        .args(["install", "latest"])
        .assert()
        .success()
        .stdout(predicate::str::contains("latest -> go1.23.9"))
        .stderr(predicate::str::contains("GOPROXY is set"));
    let root = s.gover_home.join("versions/go1.23.9");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| fs::metadata(root.join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode("bin/go"), mode("pkg/tool/linux_amd64/compile"), mode("VERSION")), (0o755, 0o755, 0o644));
    s.shim("go").arg("version").assert().success().stdout("go version go1.23.9 linux/amd64\n");
    gover(&s, &proxy)
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout("go1.23.9  (stable, installed)\ngo1.22.10  (oldstable)\n");
    let listed = gover(&s, &proxy).args(["list", "--remote", "--json", "1.22"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(rows[0]["module"], "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64");
    // A reinstall after removal comes from the download cache, verified again.
    gover(&s, &proxy).args(["uninstall", "--force", "1.23.9"]).assert().success();
    gover(&s, &proxy)
        .args(["install", "1.23.9"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(from the download cache)"));
    assert_eq!(proxy.server.hits(&proxy.zip_path("go1.23.9")), 1);
    // Offline (neither the proxy nor the database answers), the cached zip installs again,
    // checked against the hash its record had when it was proved.
    gover(&s, &proxy).args(["uninstall", "--force", "1.23.9"]).assert().success();
    gover(&s, &proxy)
        .env("GOPROXY", "http://127.0.0.1:9")
        .env("GOSUMDB", format!("{} http://127.0.0.1:9", proxy.sumdb.verifier_key()))
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["install", "1.23.9"])
        .assert()
        .success()
        .stderr(predicate::str::contains("checked against the record proved when it was downloaded"))
        .stdout(predicate::str::contains("(from the download cache)"));
}

#[test]
fn a_zip_download_that_breaks_off_resumes_where_it_stopped() {
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    let zip = proxy.toolchains[0].zip.clone();
    proxy.server.once(&proxy.zip_path("go1.23.9"), zip.fault(common::server::Fault::CloseAfter(300)));
    gover(&s, &proxy).env("GOVER_RETRY_DELAY_MS", "1").args(["install", "1.23.9"]).assert().success();
    let ranges = proxy
        .server
        .requests()
        .into_iter()
        .filter(|r| r.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("range") && v == "bytes=300-"));
    assert_eq!(ranges.count(), 1, "the rest was asked for with a Range request");
}

/// The next run asks for the rest; a proxy that ignores `Range` sends the whole zip instead,
/// a fresh download over the partial one. Either way it installs without a warning.
#[test]
fn a_zip_download_that_failed_is_resumed_by_the_next_run() {
    for honours_range in [true, false] {
        let s = Sandbox::new();
        let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
        let zip = proxy.toolchains[0].zip.clone();
        let path = proxy.zip_path("go1.23.9");
        // The first run gets 300 bytes, then the server fails every attempt to resume.
        proxy.server.once(&path, zip.clone().fault(common::server::Fault::CloseAfter(300)));
        proxy.server.route(&path, Reply::status(503));
        gover(&s, &proxy).env("GOVER_RETRY_DELAY_MS", "1").args(["install", "1.23.9"]).assert().code(5);
        assert_eq!(fs::metadata(s.gover_home.join("downloads/go1.23.9.linux-amd64.zip.partial")).unwrap().len(), 300);
        proxy.server.route(&path, if honours_range { zip.clone() } else { zip.clone().ignore_range() });
        let before = proxy.server.requests().len();
        let out = gover(&s, &proxy).args(["install", "1.23.9"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && !stderr.contains("warning"), "range honoured: {honours_range}\n{stderr}");
        let asked: Vec<_> = proxy.server.requests()[before..]
            .iter()
            .filter(|r| r.target == path)
            .map(|r| r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("range")).map(|(_, v)| v.clone()))
            .collect();
        assert_eq!(asked, [Some("bytes=300-".to_string())]);
        assert!(!s.gover_home.join("downloads/go1.23.9.linux-amd64.zip.partial").exists());
        let common::server::Body::Bytes(whole) = &zip.body else { unreachable!("a synthetic zip") };
        let cached = fs::read(s.gover_home.join("downloads/go1.23.9.linux-amd64.zip")).unwrap();
        assert!(cached == **whole, "the cached zip is the whole zip, once");
    }
}

#[test]
fn the_checksum_database_is_read_through_a_proxy_that_supports_it() {
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    proxy.server.route("/proxy/sumdb/sum.test.example/supported", Reply::bytes(""));
    proxy.sumdb.serve(&proxy.server, "/proxy/sumdb/sum.test.example");
    // The database's own URL is dead: only the proxy's path to it works.
    gover(&s, &proxy)
        .env("GOSUMDB", format!("{} http://127.0.0.1:9", proxy.sumdb.verifier_key()))
        .args(["install", "--source", "proxy", "1.23.9"])
        .assert()
        .success();
    assert!(
        proxy.server.hits("/proxy/sumdb/sum.test.example/lookup/golang.org/toolchain@v0.0.1-go1.23.9.linux-amd64") == 1
    );
}

/// A proxy serving go1.22.10 and go1.23.9 (synthetic), then `break_it` applied to it; the
/// install of go1.23.9 must fail with `code` and a message containing `message`.
fn refused(break_it: impl FnOnce(&mut ModProxy), code: i32, message: &str) {
    let s = Sandbox::new();
    let mut proxy = ModProxy::new(vec![Toolchain::synthetic("go1.22.10", &[]), Toolchain::synthetic("go1.23.9", &[])]);
    break_it(&mut proxy);
    gover(&s, &proxy)
        .args(["install", "--source", "proxy", "1.23.9"])
        .assert()
        .code(code)
        .stderr(predicate::str::contains(message))
        .stderr(predicate::str::contains("help:"));
    assert_nothing_installed(&s, "go1.23.9");
}

#[test]
fn refuses_a_zip_whose_files_differ_from_the_record() {
    refused(
        |p| {
            let tampered = Toolchain::synthetic("go1.23.9", &[("{prefix}/bin/extra", "#!/bin/sh\n")]);
            p.server.route(&p.zip_path("go1.23.9"), tampered.zip);
        },
        6,
        "the checksum database records h1:",
    );
}

#[test]
fn refuses_a_record_with_another_hash() {
    // The lookup answers a record the log does not hold at that position.
    refused(
        |p| {
            let other = Toolchain::synthetic("go1.23.9", &[("{prefix}/bin/extra", "x")]);
            let id = p.sumdb.records.len() - 1;
            let head = p.sumdb.tree_head(p.sumdb.records.len());
            let path = format!("/sumdb/lookup/golang.org/toolchain@{}", modproxy::module_version("go1.23.9"));
            p.server.route(&path, Reply::bytes(format!("{id}\n{}\n{head}", other.record())));
            p.server.route(&p.zip_path("go1.23.9"), other.zip);
        },
        6,
        "is not the one the signed log holds",
    );
}

#[test]
fn refuses_a_tree_head_signed_by_another_key() {
    refused(
        |p| {
            let mut impostor = Sumdb::new("sum.test.example", 2, 0);
            impostor.records = p.sumdb.records.clone();
            impostor.serve(&p.server, "/sumdb");
        },
        6,
        "signed by another key",
    );
}

#[test]
fn refuses_a_bad_signature() {
    refused(
        |p| {
            let n = p.sumdb.records.len();
            let head = p.sumdb.tree_head(n).replacen(&format!("\n{n}\n"), &format!("\n{}\n", n + 1), 1);
            let id = n - 1;
            let path = format!("/sumdb/lookup/golang.org/toolchain@{}", modproxy::module_version("go1.23.9"));
            p.server.route(&path, Reply::bytes(format!("{id}\n{}\n{head}", p.sumdb.records[id])));
        },
        6,
        "signature does not verify",
    );
}

#[test]
fn refuses_a_tree_head_inconsistent_with_the_one_seen_before() {
    let s = Sandbox::new();
    let mut proxy = ModProxy::new(vec![Toolchain::synthetic("go1.22.10", &[]), Toolchain::synthetic("go1.23.9", &[])]);
    // The database as it was when go1.22.10 was installed: only the first records.
    let honest = proxy.sumdb.clone();
    let mut before = honest.clone();
    before.records.pop();
    before.serve(&proxy.server, "/sumdb");
    gover(&s, &proxy).args(["install", "--source", "proxy", "1.22.10"]).assert().success();
    // Now it has rewritten an old record (a fork) and grown by one.
    proxy.sumdb.records[3] = "example.com/m3 v1.0.0 h1:rewritten=\n".into();
    proxy.publish();
    gover(&s, &proxy)
        .args(["install", "--source", "proxy", "1.23.9"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("not consistent with the tree"))
        .stderr(predicate::str::contains("sumdb/sum.test.example/latest"));
    assert_nothing_installed(&s, "go1.23.9");
    // The honest log that only grew is accepted.
    proxy.sumdb = honest;
    proxy.publish();
    gover(&s, &proxy).args(["install", "--source", "proxy", "1.23.9"]).assert().success();
}

#[test]
fn refuses_when_a_tile_is_missing() {
    refused(
        |p| p.server.route("/sumdb/tile/8/1/000.p/1", Reply::status(404)),
        5,
        "cannot read the checksum database's log",
    );
}

#[test]
fn refuses_a_corrupted_tile() {
    refused(
        |p| {
            let files = p.sumdb.files();
            // The edge tile that holds the toolchain's record.
            let (path, mut bytes) = files.into_iter().find(|(path, _)| path == "tile/8/0/001.p/46").unwrap();
            bytes[100] ^= 0xff;
            p.server.route(&format!("/sumdb/{path}"), Reply::bytes(bytes));
        },
        6,
        "do not hash to the signed tree head",
    );
}

#[test]
fn refuses_a_proxy_answering_html() {
    let page = "<!doctype html><html><body>Sign in to continue</body></html>";
    refused(|p| p.server.route(&p.zip_path("go1.23.9"), Reply::html(page)), 5, "answered with an HTML page");
    // The listing too.
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    proxy.server.route("/proxy/golang.org/toolchain/@v/list", Reply::html(page));
    gover(&s, &proxy).args(["install", "1.23"]).assert().code(5).stderr(predicate::str::contains("HTML page"));
}

#[test]
fn refuses_zip_paths_that_climb_or_leave_the_module() {
    for (name, reason) in [
        ("{prefix}/../../escaped", "`..` in the path"),
        ("golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64/bin/go", "outside the module's"),
        ("{prefix}/src/../../../x", "`..` in the path"),
    ] {
        // The database vouches for the hostile zip: the unpacker must refuse it by itself.
        let s = Sandbox::new();
        let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[(name, "x")])]);
        gover(&s, &proxy)
            .args(["install", "--source", "proxy", "1.23.9"])
            .assert()
            .code(6)
            .stderr(predicate::str::contains(reason));
        assert_nothing_installed(&s, "go1.23.9");
        assert!(!s.root().join("escaped").exists() && !s.gover_home.join("escaped").exists());
    }
}

#[test]
fn without_the_checksum_database_only_an_explicit_flag_installs() {
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    for (var, value, said) in [
        ("GOSUMDB", "off", "GOSUMDB=off (from the environment)"),
        ("GONOSUMDB", "golang.org", "matches GONOSUMDB=golang.org"),
    ] {
        gover(&s, &proxy)
            .env(var, value)
            .args(["install", "--source", "proxy", "1.23.9"])
            .assert()
            .code(6)
            .stderr(predicate::str::contains(said))
            .stderr(predicate::str::contains("--source dl"));
        assert_nothing_installed(&s, "go1.23.9");
    }
    // GOPRIVATE stands for GONOPROXY when that is unset (go would then fetch the toolchain
    // from no proxy), and the go env file counts as go counts it.
    s.write("home/.config/go/env", "GOPRIVATE=golang.org/toolchain\n");
    gover(&s, &proxy)
        .args(["install", "--source", "proxy", "1.23.9"])
        .assert()
        .code(8)
        .stderr(predicate::str::contains("GOPRIVATE=golang.org/toolchain matches golang.org/toolchain"));
    fs::remove_file(s.home.join(".config/go/env")).unwrap();
    gover(&s, &proxy)
        .env("GOSUMDB", "off")
        .args(["install", "--source", "proxy", "--insecure-no-sumdb", "1.23.9"])
        .assert()
        .success()
        .stderr(predicate::str::contains("without the checksum database"));
}

#[test]
fn goproxy_lists_fall_through_as_go_does() {
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    let empty = Server::http();
    let down = Server::http();
    down.route("/golang.org/toolchain/@v/v0.0.1-go1.23.9.linux-amd64.zip", Reply::status(500));
    // A 404 moves on after a comma; a 500 only after a pipe.
    gover(&s, &proxy)
        .env("GOPROXY", format!("{},{}|{},direct", empty.url(""), down.url(""), proxy.goproxy()))
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["install", "1.23.9"])
        .assert()
        .success()
        .stderr(predicate::str::contains("`direct` has no meaning for toolchains"));
    let s = Sandbox::new();
    gover(&s, &proxy)
        .env("GOPROXY", format!("{},{}", down.url(""), proxy.goproxy()))
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["install", "1.23.9"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("500"));
    // A release the proxy does not have.
    gover(&s, &proxy)
        .args(["install", "--source", "proxy", "1.21.13"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("has no golang.org/toolchain@v0.0.1-go1.21.13.linux-amd64"));
    gover(&s, &proxy).args(["install", "--source", "proxy", "1.21"]).assert().code(4);
    gover(&s, &proxy)
        .env("GOPROXY", "off")
        .args(["install", "--source", "proxy", "1.23.9"])
        .assert()
        .code(8)
        .stderr(predicate::str::contains("GOPROXY=off cannot be used for toolchains"));
}

/// Not a test: writes the test proxy and checksum database (go1.23.9, real) as a static tree
/// for bench/proxy.sh, into GOVER_PROXY_TREE:
/// `GOVER_PROXY_TREE=DIR cargo test --test suite -- --ignored --exact proxy::write_static_tree`.
#[test]
#[ignore]
fn write_static_tree() {
    let dir = std::path::PathBuf::from(std::env::var_os("GOVER_PROXY_TREE").expect("GOVER_PROXY_TREE=DIR"));
    ModProxy::new(vec![Toolchain::real("go1.23.9")]).write_tree(&dir);
}

#[test]
fn auto_turns_to_the_module_proxy_when_the_download_site_cannot_be_reached() {
    // Every https request goes to a proxy that refuses connections: go.dev and
    // proxy.golang.org alike are unreachable, and nothing leaves this machine.
    let s = Sandbox::new();
    s.gover()
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["install", "1.23"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "source: the module proxy https://proxy.golang.org,direct (the download site failed: cannot download https://go.dev",
        ))
        .stderr(predicate::str::contains("`direct` has no meaning for toolchains"));
    // With --source dl it stays with the download site.
    s.gover()
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["install", "--source", "dl", "1.23"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("source:").not());
}

#[test]
fn kill_9_during_a_proxy_install_leaves_nothing_a_later_install_trips_on() {
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    let common::server::Body::Bytes(zip) = &proxy.toolchains[0].zip.body else {
        unreachable!("synthetic zips are bytes")
    };
    let pause = std::time::Duration::from_millis(10);
    let slow = Reply::bytes(zip.to_vec()).fault(common::server::Fault::Trickle { chunk: zip.len() / 25 + 1, pause });
    proxy.server.route(&proxy.zip_path("go1.23.9"), slow);
    let root = modproxy::version_dir(&s.gover_home, "go1.23.9");
    for delay_ms in [0u64, 15, 40, 80, 120, 180, 240, 320] {
        let mut child = common::gover_process(s.env(), &s.work)
            .envs(proxy.env())
            .args(["-q", "install", "1.23.9"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever the moment: the version is absent, or complete and running.
        if root.exists() {
            s.shim("go").arg("version").assert().success().stdout("go version go1.23.9 linux/amd64\n");
            gover(&s, &proxy).args(["uninstall", "--force", "1.23.9"]).assert().success();
        }
    }
    // The next install succeeds and sweeps what the killed ones left.
    gover(&s, &proxy).args(["install", "1.23.9"]).assert().success();
    s.shim("go").arg("version").assert().success();
    let staging: Vec<_> =
        fs::read_dir(s.gover_home.join("staging")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(staging.is_empty(), "staging holds {staging:?}");
    let partial = fs::read_dir(s.gover_home.join("downloads"))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with(".partial"));
    assert!(!partial, "a partial download is left");
}

#[test]
fn ctrl_c_during_a_zip_download_keeps_what_arrived_for_the_next_run() {
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[("{prefix}/pad", &"x".repeat(64 << 10))])]);
    let common::server::Body::Bytes(zip) = &proxy.toolchains[0].zip.body else {
        unreachable!("synthetic zips are bytes")
    };
    let path = proxy.zip_path("go1.23.9");
    let pause = std::time::Duration::from_millis(50);
    let slow = Reply::bytes(zip.to_vec()).fault(common::server::Fault::Trickle { chunk: zip.len() / 60 + 1, pause });
    proxy.server.once(&path, slow);
    let child = common::gover_process(s.env(), &s.work)
        .envs(proxy.env())
        .args(["install", "1.23.9"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let partial = s.gover_home.join("downloads/go1.23.9.linux-amd64.zip.partial");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while fs::metadata(&partial).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(std::time::Instant::now() < deadline, "the download never began");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let killed = std::process::Command::new("kill").arg("-INT").arg(child.id().to_string()).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted by Ctrl-C"));
    assert_nothing_installed_but_the_partial(&s);
    let kept = fs::read(&partial).unwrap();
    assert!(!kept.is_empty() && kept.len() < zip.len() && zip.starts_with(&kept));
    gover(&s, &proxy).args(["install", "1.23.9"]).assert().success();
    let range = format!("bytes={}-", kept.len());
    let asked = proxy.server.requests().into_iter().filter(|r| r.target == path).count();
    let resumed = proxy.server.requests().into_iter().any(|r| r.headers.iter().any(|(_, v)| *v == range));
    assert!(asked == 2 && resumed, "the second run asks for the rest ({range})");
}

fn assert_nothing_installed_but_the_partial(s: &Sandbox) {
    assert!(!modproxy::version_dir(&s.gover_home, "go1.23.9").exists());
    let staging: Vec<_> = fs::read_dir(s.gover_home.join("staging")).into_iter().flatten().flatten().collect();
    assert!(staging.is_empty(), "staging must be removed");
}

/// Ctrl-C while a whole zip is being unpacked (strace delivers it as the zip's first file is
/// created in staging, for a deterministic moment): the interruption, not "damaged", and the
/// downloaded zip kept; the next install uses it and installs.
#[test]
fn ctrl_c_while_a_zip_unpacks_is_the_interruption_and_keeps_the_zip() {
    if !common::require("strace") {
        return;
    }
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    let first_file = s.gover_home.join("staging/go1.23.9/VERSION");
    let out = std::process::Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-P"])
        .arg(&first_file)
        .args(["-e", "trace=openat", "-e", "inject=openat:signal=INT:when=1"])
        .arg(env!("CARGO_BIN_EXE_gover"))
        .args(["install", "1.23.9"])
        .env_clear()
        .envs(s.env())
        .envs(proxy.env())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted by Ctrl-C") && !stderr.contains("damaged"), "{stderr}");
    assert_nothing_installed_but_the_partial(&s);
    let partial = s.gover_home.join("downloads/go1.23.9.linux-amd64.zip.partial");
    assert!(partial.is_file(), "the downloaded zip is kept");
    gover(&s, &proxy).args(["install", "1.23.9"]).assert().success();
    s.shim("go").arg("version").assert().success().stdout("go version go1.23.9 linux/amd64\n");
}
