//! `gover mirror sync`: a static tree in the module-proxy and download-site layouts, each file
//! verified before it appears, served by real web servers (nginx, python's http.server) to
//! gover and to the real go.

use crate::common;

use std::fs;
use std::path::Path;

use common::modproxy::{ModProxy, Toolchain};
use common::releases::{self, IndexEntry};
use common::server::{Fault, Reply, Server};
use common::static_server::StaticServer;
use common::Sandbox;
use predicates::prelude::*;

/// The upstreams a mirror is made from: a module proxy with its checksum database, and a
/// download site with its index, both holding go1.22.10 and go1.23.9 (synthetic).
struct Upstream {
    proxy: ModProxy,
    dl: Server,
}

impl Upstream {
    fn new() -> Upstream {
        Upstream::with_arm64(&[])
    }

    /// The same, with `arm64` (versions of the two) published for linux-arm64 too, in both
    /// layouts.
    fn with_arm64(arm64: &[&str]) -> Upstream {
        let mut toolchains = vec![Toolchain::synthetic("go1.22.10", &[]), Toolchain::synthetic("go1.23.9", &[])];
        toolchains.extend(arm64.iter().map(|v| Toolchain::synthetic_for(v, "linux-arm64", &[])));
        let proxy = ModProxy::new(toolchains);
        let dl = Server::http();
        let entries: Vec<IndexEntry> =
            ["go1.23.9", "go1.22.10"].iter().map(|v| IndexEntry::new(v, releases::release_archive(v))).collect();
        for e in &entries {
            dl.route(&format!("/{}", releases::archive_name(&e.version)), Reply::bytes(e.archive.clone()));
        }
        let mut index: serde_json::Value = serde_json::from_str(&releases::index_json(&entries)).unwrap();
        for release in index.as_array_mut().unwrap() {
            let version = release["version"].as_str().unwrap().to_string();
            if !arm64.contains(&version.as_str()) {
                continue;
            }
            let files = release["files"].as_array_mut().unwrap();
            let mut file = files.iter().find(|f| f["kind"] == "archive").unwrap().clone();
            let name = format!("{version}.linux-arm64.tar.gz");
            (file["filename"], file["arch"]) = (name.clone().into(), "arm64".into());
            files.push(file);
            dl.route(&format!("/{name}"), Reply::bytes(releases::release_archive(&version)));
        }
        dl.route("/index.json", Reply::bytes(index.to_string()));
        Upstream { proxy, dl }
    }

    fn sync(&self, s: &Sandbox, dir: &Path, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = s.gover();
        cmd.envs(self.proxy.env())
            .env("GOVER_INDEX_URL", self.dl.url("/index.json"))
            .env("GOVER_DIST_URL", self.dl.url("/"))
            .arg("mirror")
            .arg("sync")
            .arg(dir)
            .args(args);
        cmd
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn sync_writes_both_layouts_and_fetches_only_what_is_new() {
    let up = Upstream::new();
    let s = Sandbox::new();
    let dir = s.root().join("mirror");
    up.sync(&s, &dir, &["1.23"])
        .assert()
        .success()
        .stdout(predicate::str::contains("fetched go1.23.9.linux-amd64.tar.gz"));
    let at = dir.join("golang.org/toolchain/@v");
    assert_eq!(
        names(&at),
        [
            "list",
            "v0.0.1-go1.23.9.linux-amd64.info",
            "v0.0.1-go1.23.9.linux-amd64.mod",
            "v0.0.1-go1.23.9.linux-amd64.zip"
        ]
    );
    assert_eq!(fs::read_to_string(at.join("list")).unwrap(), "v0.0.1-go1.23.9.linux-amd64\n");
    assert_eq!(
        names(&dir),
        ["go1.23.9.linux-amd64.tar.gz", "go1.23.9.linux-amd64.tar.gz.sha256", "golang.org", "index.json"]
    );
    let index: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    assert_eq!(index[0]["version"], "go1.23.9");
    assert_eq!(index[0]["files"][0]["filename"], "go1.23.9.linux-amd64.tar.gz");
    assert_eq!(index.as_array().unwrap().len(), 1);

    // A second run with one more release fetches only that one.
    let zip_hits = up.proxy.server.hits(&up.proxy.zip_path("go1.23.9"));
    up.sync(&s, &dir, &["1.23.9", "1.22.10"])
        .assert()
        .success()
        .stdout(predicate::str::contains("up to date golang.org/toolchain@v0.0.1-go1.23.9.linux-amd64"))
        .stdout(predicate::str::contains("fetched golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64"));
    assert_eq!(up.proxy.server.hits(&up.proxy.zip_path("go1.23.9")), zip_hits);
    assert_eq!(
        fs::read_to_string(at.join("list")).unwrap(),
        "v0.0.1-go1.22.10.linux-amd64\nv0.0.1-go1.23.9.linux-amd64\n"
    );
    let index: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    assert_eq!(index.as_array().unwrap().len(), 2);

    // Served by nginx and by python's http.server, gover installs from either layout.
    let servers = [("nginx", StaticServer::nginx as fn(&Path) -> StaticServer), ("python3", StaticServer::python)];
    for (program, start) in servers {
        if !common::require(program) {
            continue;
        }
        let server = start(&dir);
        let user = Sandbox::new();
        let mut install = user.gover();
        install
            .env("GOPROXY", server.url(""))
            .env("GOSUMDB", up.proxy.gosumdb())
            .args(["install", "--source", "proxy", "1.23"])
            .assert()
            .success()
            .stdout(predicate::str::contains("installed go1.23.9"));
        let mut install = user.gover();
        install
            .env("GOVER_INDEX_URL", server.url("/index.json"))
            .env("GOVER_DIST_URL", server.url("/"))
            .args(["install", "--source", "dl", "1.22"])
            .assert()
            .success()
            .stdout(predicate::str::contains("installed go1.22.10"));
        user.gover().args(["list"]).assert().success().stdout(predicate::str::contains("go1.22.10"));
        static_mirror_hints_name_its_index_json(&server);
    }
}

/// A static mirror answers no `?mode=json` query (http.server lists the directory, nginx
/// refuses it): with go.dev out of reach (every https request goes to a refusing proxy) and
/// GOVER_DIST_URL alone, or GOVER_INDEX_URL set to the query a go.dev-like mirror answers,
/// the hint names the mirror's index.json, and each way it names works.
fn static_mirror_hints_name_its_index_json(server: &StaticServer) {
    let index = server.url("/index.json");
    let fleet = |user: &Sandbox, vars: &[(&str, &str)]| {
        let mut cmd = user.gover();
        cmd.env("GOVER_DIST_URL", server.url("/"))
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("GOVER_RETRY_DELAY_MS", "1")
            .envs(vars.iter().copied())
            .args(["install", "1.22"]);
        cmd
    };
    let help = |out: std::process::Output| {
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        stderr.lines().find_map(|l| l.strip_prefix("help: ")).unwrap_or_else(|| panic!("{stderr}")).to_string()
    };
    let hint = help(fleet(&Sandbox::new(), &[]).output().unwrap());
    assert!(hint.starts_with(&format!("to trust the mirror's checksums, set GOVER_INDEX_URL={index} ")), "{hint}");
    let query = server.url("/?mode=json&include=all");
    let hint = help(fleet(&Sandbox::new(), &[("GOVER_INDEX_URL", &query)]).output().unwrap());
    assert_eq!(
        hint,
        format!(
            "the mirror's index is {index} (a static mirror answers no ?mode=json query): set GOVER_INDEX_URL={index}, \
             or pass --trust-mirror (GOVER_TRUST_MIRROR=1) to fall back on it whenever 127.0.0.1 fails"
        )
    );
    fleet(&Sandbox::new(), &[("GOVER_INDEX_URL", &index)])
        .assert()
        .success()
        .stdout(predicate::str::contains("installed go1.22.10"))
        .stderr(predicate::str::contains("warning").not());
    for vars in [&[("GOVER_TRUST_MIRROR", "1")][..], &[("GOVER_TRUST_MIRROR", "1"), ("GOVER_INDEX_URL", &query)]] {
        fleet(&Sandbox::new(), vars)
            .assert()
            .success()
            .stdout(predicate::str::contains("installed go1.22.10"))
            .stderr(predicate::str::contains(format!("set GOVER_INDEX_URL={index}")));
    }
}

#[test]
fn an_interrupted_or_refused_sync_leaves_no_file_visible() {
    let up = Upstream::new();
    let s = Sandbox::new();
    let dir = s.root().join("mirror");
    // The zip breaks off and the server cannot resume it.
    up.proxy.server.route(
        &up.proxy.zip_path("go1.23.9"),
        Reply::bytes(vec![b'P'; 4096]).fault(Fault::CloseAfter(100)).ignore_range(),
    );
    up.sync(&s, &dir, &["1.23.9", "--layout", "proxy"]).env("GOVER_RETRY_DELAY_MS", "1").assert().code(5);
    let at = dir.join("golang.org/toolchain/@v");
    assert!(names(&at).is_empty(), "{:?}", names(&at));
    // What a killed sync left (its process gone) is swept by the next one.
    fs::write(at.join(".v0.0.1-go1.23.9.linux-amd64.zip.partial-999999999"), "PK").unwrap();
    // A zip that differs from the checksum database's record never appears either.
    let tampered = Toolchain::synthetic("go1.23.9", &[("{prefix}/bin/extra", "x")]);
    up.proxy.server.route(&up.proxy.zip_path("go1.23.9"), tampered.zip);
    up.sync(&s, &dir, &["1.23.9", "--layout", "proxy"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("the checksum database records"));
    assert!(names(&at).is_empty(), "{:?}", names(&at));
    // Nor an archive whose digest is not the index's.
    up.dl.route(
        &format!("/{}", releases::archive_name("go1.23.9")),
        Reply::bytes(releases::release_archive("go1.22.10")),
    );
    up.sync(&s, &dir, &["1.23.9", "--layout", "dl"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("expected sha256"));
    assert_eq!(names(&dir), ["golang.org"]);
    // Nothing is mirrored unverified.
    up.sync(&s, &dir, &["1.23.9", "--layout", "proxy"])
        .env("GOSUMDB", "off")
        .assert()
        .code(6)
        .stderr(predicate::str::contains("GOSUMDB=off"))
        .stderr(predicate::str::contains("--layout dl"));
}

#[test]
fn real_go_switches_toolchains_from_an_nginx_served_mirror() {
    if !common::require("nginx") {
        return;
    }
    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::real("go1.23.9")]);
    let dir = s.root().join("mirror");
    let mut sync = s.gover();
    sync.envs(proxy.env()).arg("mirror").arg("sync").arg(&dir).args(["1.23.9", "--layout", "proxy"]);
    sync.assert().success();
    let nginx = StaticServer::nginx(&dir);
    let go122 = common::real_go_tree("go1.22.10");
    s.go_command(&go122.join("bin/go"))
        .env("GOTOOLCHAIN", "go1.23.9")
        .env("GOPROXY", nginx.url(""))
        .env("GOSUMDB", proxy.gosumdb())
        .arg("version")
        .assert()
        .success()
        .stdout("go version go1.23.9 linux/amd64\n");
}

#[test]
fn sync_fetches_each_platform() {
    let proxy = ModProxy::new(vec![
        Toolchain::synthetic_for("go1.23.9", "linux-amd64", &[]),
        Toolchain::synthetic_for("go1.23.9", "linux-arm64", &[]),
    ]);
    let s = Sandbox::new();
    let dir = s.root().join("mirror");
    let mut sync = s.gover();
    sync.envs(proxy.env()).arg("mirror").arg("sync").arg(&dir);
    sync.args(["1.23.9", "--layout", "proxy", "--platform", "linux-amd64,linux-arm64"]).assert().success();
    let at = dir.join("golang.org/toolchain/@v");
    assert_eq!(
        fs::read_to_string(at.join("list")).unwrap(),
        "v0.0.1-go1.23.9.linux-amd64\nv0.0.1-go1.23.9.linux-arm64\n"
    );
    assert!(at.join("v0.0.1-go1.23.9.linux-arm64.zip").is_file());
    // A platform the proxy does not have is an error that names it.
    let mut sync = s.gover();
    sync.envs(proxy.env()).arg("mirror").arg("sync").arg(&dir);
    sync.args(["1.23.9", "--layout", "proxy", "--platform", "linux-riscv64"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("linux-riscv64"));
    s.gover().args(["mirror", "sync", "x", "--platform", "linux"]).assert().code(2);
    s.gover().args(["mirror", "sync", "x", "--layout", "ftp"]).assert().code(2);
}

/// `mirror sync`'s hints, each followed: a release for `system`, the three layouts, Go's names
/// for platforms, the listing of what can be mirrored (from the index, or from the proxy), the
/// platforms a release has, GOSUMDB off (the database, or --layout dl), and a proxy serving
/// another zip or go.mod than the database records (another GOPROXY, or --layout dl).
#[test]
fn sync_hints_work_when_followed() {
    let up = Upstream::with_arm64(&["go1.22.10"]);
    let s = Sandbox::new();
    let dir = s.root().join("mirror");
    let refused = |args: &[&str], vars: &[(&str, &str)], code: i32, hint: &str| {
        let mut sync = up.sync(&s, &dir, args);
        sync.envs(vars.iter().copied()).assert().code(code).stderr(predicate::str::contains(format!("\nhelp: {hint}")));
    };
    let works = |dir: &Path, args: &[&str], vars: &[(&str, &str)]| {
        up.sync(&s, dir, args).envs(vars.iter().copied()).assert().success();
    };

    refused(&["system"], &[], 2, "name a release: 1.22");
    works(&dir, &["1.22"], &[]);
    refused(&["1.22", "--layout", "ftp"], &[], 2, "use --layout proxy,dl, proxy or dl");
    for layout in ["proxy,dl", "proxy", "dl"] {
        works(&dir, &["1.22", "--layout", layout], &[]);
    }
    refused(&["1.22", "--platform", "linux"], &[], 2, "name platforms as Go does: linux-amd64,linux-arm64");
    works(&dir, &["1.22", "--platform", "linux-amd64,linux-arm64"], &[]);
    assert!(dir.join("go1.22.10.linux-arm64.tar.gz").is_file());
    assert!(dir.join("golang.org/toolchain/@v/v0.0.1-go1.22.10.linux-arm64.zip").is_file());

    // A release neither upstream has: the listing the hint names, from where it picks
    // versions, offers one that can be mirrored.
    for (layout, source) in [("proxy,dl", "dl"), ("proxy", "proxy")] {
        let command = format!("gover list --remote --all --source {source}");
        refused(&["1.99", "--layout", layout], &[], 4, &format!("{command} lists what can be mirrored"));
        let mut list = s.gover();
        list.envs(up.proxy.env()).env("GOVER_INDEX_URL", up.dl.url("/index.json")).args(command.split(' ').skip(1));
        let listed = String::from_utf8(list.output().unwrap().stdout).unwrap();
        assert!(listed.contains("go1.23.9"), "{listed}");
        works(&dir, &["1.23.9", "--layout", layout], &[]);
    }

    // A release the index has for one platform only: the hint names it.
    let other = s.root().join("other");
    let mut sync = up.sync(&s, &other, &["1.23.9", "--layout", "dl", "--platform", "linux-amd64,linux-arm64"]);
    sync.assert().code(4).stderr(predicate::str::contains(
        "help: choose the platforms with --platform; it has go1.23.9 for linux-amd64\n",
    ));
    works(&other, &["1.23.9", "--layout", "dl", "--platform", "linux-amd64"], &[]);

    // Nothing mirrored unverified: the database the mirror's users trust, or the dl layout.
    let gosumdb = up.proxy.gosumdb();
    let hint = "set GOSUMDB to the checksum database the mirror's users will trust, or mirror only the download-site layout: --layout dl";
    let fresh = s.root().join("fresh");
    let mut sync = up.sync(&s, &fresh, &["1.22.10"]);
    sync.env("GOSUMDB", "off").assert().code(6).stderr(predicate::str::contains(format!("help: {hint}")));
    works(&fresh, &["1.22.10"], &[("GOSUMDB", &gosumdb)]);
    works(&s.root().join("dl-only"), &["1.22.10", "--layout", "dl"], &[("GOSUMDB", "off")]);

    // An archive damaged on the way, once: trying again works.
    let archive = format!("/{}", releases::archive_name("go1.23.9"));
    let mut damaged = releases::release_archive("go1.23.9");
    damaged[100] ^= 0xff;
    up.dl.once(&archive, Reply::bytes(damaged));
    let again = s.root().join("again");
    let mut sync = up.sync(&s, &again, &["1.23.9", "--layout", "dl"]);
    let hint = "nothing was written; try again, and if it fails the same way the archive server (GOVER_DIST_URL, \
                GOPROXY, a proxy) is serving something other than the official release";
    sync.assert().code(6).stderr(predicate::str::contains(format!("help: {hint}")));
    assert_eq!(names(&again), Vec::<String>::new(), "nothing written");
    works(&again, &["1.23.9", "--layout", "dl"], &[]);

    // A proxy serving another zip, then another go.mod: another GOPROXY, or the dl layout.
    let honest = ModProxy::new(vec![Toolchain::synthetic("go1.22.10", &[]), Toolchain::synthetic("go1.23.9", &[])]);
    let hint = "nothing was written; GOPROXY is serving something other than the published toolchain: point GOPROXY \
                at another proxy (https://proxy.golang.org), or mirror only the download-site layout: --layout dl";
    let tampered = Toolchain::synthetic("go1.22.10", &[("{prefix}/bin/x", "x")]).zip;
    let mod_path = up.proxy.zip_path("go1.22.10").replace(".zip", ".mod");
    for (path, reply) in [(up.proxy.zip_path("go1.22.10"), tampered), (mod_path, Reply::bytes("module other\n"))] {
        up.proxy.server.route(&path, reply);
        let dir = s.root().join(path.replace('/', "_"));
        up.sync(&s, &dir, &["1.22.10"]).assert().code(6).stderr(predicate::str::contains(format!("help: {hint}")));
        assert!(names(&dir.join("golang.org/toolchain/@v")).is_empty(), "nothing written");
        works(&dir, &["1.22.10"], &[("GOPROXY", &honest.goproxy())]);
        works(&s.root().join("dl").join(path.replace('/', "_")), &["1.22.10", "--layout", "dl"], &[]);
        up.proxy.publish();
    }
}

/// The files under `dir` whose name marks a file still being written (`.<name>.partial-<pid>`),
/// with their sizes.
fn partial_files(dir: &Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if entry.file_name().to_string_lossy().contains(".partial-") {
                found.push((path, entry.metadata().map(|m| m.len()).unwrap_or(0)));
            }
        }
    }
    found
}

/// Ctrl-C while an archive streams in, SIGTERM while a zip does (the second release, the
/// first one whole): exit 130/143 with the hint, no partial file left in the tree, the first
/// release's files kept; the same command then completes, fetching only what is missing.
#[test]
fn ctrl_c_or_sigterm_during_a_sync_leaves_no_partial_file_and_the_same_command_completes() {
    use std::time::{Duration, Instant};
    for (signal, code, words, layout) in
        [("INT", 130, "interrupted by Ctrl-C", "dl"), ("TERM", 143, "interrupted by SIGTERM", "proxy")]
    {
        let up = Upstream::new();
        let s = Sandbox::new();
        let dir = s.root().join("mirror");
        let archive = releases::archive_name("go1.23.9");
        let zip = format!("{}.zip", common::modproxy::module_version("go1.23.9"));
        // Where the slow file is served, what it is, its name in the mirror and in the summary.
        let (path, body, slow, fetched) = match layout {
            "dl" => {
                (format!("/{archive}"), Reply::bytes(releases::release_archive("go1.23.9")), &archive, archive.clone())
            }
            _ => (
                up.proxy.zip_path("go1.23.9"),
                up.proxy.toolchains[1].zip.clone(),
                &zip,
                format!("golang.org/toolchain@{}", common::modproxy::module_version("go1.23.9")),
            ),
        };
        let common::server::Body::Bytes(bytes) = &body.body else { unreachable!("synthetic files are bytes") };
        let trickle = Fault::Trickle { chunk: bytes.len() / 40 + 1, pause: Duration::from_millis(50) };
        let server = if layout == "dl" { &up.dl } else { &up.proxy.server };
        server.once(&path, body.fault(trickle));

        let child = common::gover_process(s.env(), &s.work)
            .envs(up.proxy.env())
            .env("GOVER_INDEX_URL", up.dl.url("/index.json"))
            .env("GOVER_DIST_URL", up.dl.url("/"))
            .args(["mirror", "sync"])
            .arg(&dir)
            .args(["1.22.10", "1.23.9"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let streaming = |(path, len): &(std::path::PathBuf, u64)| *len > 0 && path.to_string_lossy().contains(slow);
        while !partial_files(&dir).iter().any(streaming) {
            assert!(Instant::now() < deadline, "{slow} never began streaming in");
            std::thread::sleep(Duration::from_millis(10));
        }
        let status = std::process::Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status();
        assert!(status.unwrap().success());
        let started = Instant::now();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(started.elapsed() < Duration::from_secs(1), "it stopped within a read: {:?}", started.elapsed());
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert!(stderr.contains(&format!("{words}; the mirror sync stopped")), "{stderr}");
        let help = stderr.lines().find_map(|l| l.strip_prefix("help: ")).unwrap_or_default();
        assert_eq!(help, "run the same command to resume (what is in place is kept, and skipped)");
        assert_eq!(partial_files(&dir), [], "a partial file is left");
        let at = dir.join("golang.org/toolchain/@v");
        assert!(!dir.join(&archive).exists());
        // Each release's zip comes before its archive.
        assert_eq!(at.join(&zip).is_file(), layout == "dl", "{:?}", names(&at));
        assert!(dir.join(releases::archive_name("go1.22.10")).is_file(), "{:?}", names(&dir));
        // As a kill right after an archive's rename leaves it: without its checksum.
        let checksum = dir.join(format!("{}.sha256", releases::archive_name("go1.22.10")));
        fs::remove_file(&checksum).unwrap();

        // The hint: the same command, which fetches what is missing and names it all.
        let out = up.sync(&s, &dir, &["1.22.10", "1.23.9"]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains(&format!("fetched {fetched}\n")), "{stdout}");
        assert!(stdout.contains(&format!("up to date {}", releases::archive_name("go1.22.10"))), "{stdout}");
        assert!(fs::read_to_string(dir.join("index.json")).unwrap().contains(&archive));
        assert!(fs::read_to_string(at.join("list")).unwrap().contains("go1.23.9"));
        assert!(dir.join(format!("{archive}.sha256")).is_file());
        assert!(fs::read_to_string(&checksum).is_ok_and(|c| c.len() == 65), "the kept archive's checksum is written");
    }
}

/// go.dev out of reach, as an on-path attacker can arrange (every https request goes to a
/// proxy that refuses), and a mirror serving its own go1.22.10, another archive than the
/// published one, with a matching `?mode=json` index, index.json and `.sha256`: nothing is
/// installed unless the user chose to trust the mirror, and each way the hint names works.
#[test]
fn a_mirror_is_never_trusted_by_accident() {
    let hostile = Server::http();
    let mut entries = releases::release_entries("go1.22.10");
    entries.push(releases::Entry::executable("go/bin/implant", "#!/bin/sh\n"));
    let archive = releases::tar_gz(&entries);
    let name = releases::archive_name("go1.22.10");
    let index = releases::index_json(&[IndexEntry::new("go1.22.10", archive.clone())]);
    hostile.route(&format!("/{name}"), Reply::bytes(archive.clone()));
    hostile.route(&format!("/{name}.sha256"), Reply::bytes(releases::sha256_hex(&archive)));
    hostile.route("/index.json", Reply::bytes(index.clone()));
    hostile.route("/?mode=json&include=all", Reply::bytes(index));
    let gover = |user: &Sandbox, vars: &[(&str, &str)]| {
        let mut cmd = user.gover();
        cmd.env("GOVER_DIST_URL", hostile.url("/"))
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("GOVER_RETRY_DELAY_MS", "1")
            .envs(vars.iter().copied());
        cmd
    };
    let mirror_index = hostile.url("/?mode=json&include=all");
    let hint = format!(
        "help: to trust the mirror's checksums, set GOVER_INDEX_URL={mirror_index} (always use its index), or pass \
         --trust-mirror (GOVER_TRUST_MIRROR=1: its index or .sha256 files whenever go.dev fails); or install from the \
         module proxy, verified by the checksum database: --source proxy\n"
    );
    let user = Sandbox::new();
    for args in [
        &["install", "1.22", "1.21"][..],
        &["install", "1.22.10"],
        &["install", "--source", "dl", "1.22.10"],
        &["list", "--remote"],
    ] {
        let out = gover(&user, &[]).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {stderr}");
        assert!(stderr.ends_with(&hint), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().filter(|l| l.starts_with("error: ")).count(), 1, "said once: {stderr}");
        assert!(stderr.contains("their checksums come from go.dev"), "{stderr}");
    }
    assert!(!user.gover_home.join("versions/go1.22.10").exists());
    assert_eq!(hostile.hits(&format!("/{name}")), 0, "not even downloaded");

    // Followed: the mirror's index named, or --trust-mirror (its index; its .sha256 for an
    // exact version when it has no index), each said on every install.
    let user = Sandbox::new();
    gover(&user, &[("GOVER_INDEX_URL", &mirror_index)]).args(["install", "1.22"]).assert().success();
    assert!(user.gover_home.join("versions/go1.22.10/bin/implant").is_file(), "the user's choice");
    let user = Sandbox::new();
    gover(&user, &[])
        .args(["install", "--trust-mirror", "1.22"])
        .assert()
        .success()
        .stderr(predicate::str::contains("so the checksums of the mirror's own index are trusted (--trust-mirror)"))
        .stdout(predicate::str::contains("(checked against the mirror's own checksum: --trust-mirror)"));
    hostile.route("/index.json", Reply::status(404));
    hostile.route("/?mode=json&include=all", Reply::status(404));
    let user = Sandbox::new();
    gover(&user, &[("GOVER_TRUST_MIRROR", "1")])
        .args(["install", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("(--trust-mirror), so trust rests on the mirror"))
        .stdout(predicate::str::contains("(checked against the mirror's own checksum: --trust-mirror)"));
    // Without an index, the hint names none.
    let out = gover(&Sandbox::new(), &[]).args(["install", "1.22.10"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("GOVER_INDEX_URL=<the mirror's index>"), "{out:?}");

    // The module proxy, verified by the checksum database: asked for, or auto's next source
    // after go.dev; it installs the published release.
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.22.10", &[])]);
    for args in [&["install", "--source", "proxy", "1.22"][..], &["install", "1.22"]] {
        let user = Sandbox::new();
        gover(&user, &[]).envs(proxy.env()).args(args).assert().success();
        let root = user.gover_home.join("versions/go1.22.10");
        assert!(root.join("bin/go").is_file() && !root.join("bin/implant").exists(), "{args:?}");
    }
}

/// go.dev out of reach, a mirror that is not trusted, and the copy of go.dev's index a run
/// before this one saved: a release the copy names comes from the mirror, checked against the
/// copy; one it does not name (published since, maybe) comes from the module proxy under auto,
/// and with --source dl, or no proxy within reach, is exit 5 saying so, not "no such release".
#[test]
fn without_go_dev_the_saved_index_then_the_module_proxy() {
    let user = Sandbox::new();
    let mirror = Server::http();
    let archive = releases::release_archive("go1.22.10");
    mirror.route(&format!("/{}", releases::archive_name("go1.22.10")), Reply::bytes(archive.clone()));
    let official = releases::sha256_hex(b"https://go.dev/dl/?mode=json&include=all");
    let saved = user.gover_home.join(format!("cache/index-{}.json", &official[..16]));
    fs::create_dir_all(saved.parent().unwrap()).unwrap();
    fs::write(&saved, releases::index_json(&[IndexEntry::new("go1.22.10", archive)])).unwrap();
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    let gover = |args: &[&str], vars: &[(String, String)]| {
        let mut cmd = user.gover();
        cmd.env("GOVER_DIST_URL", mirror.url("/"))
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("GOVER_RETRY_DELAY_MS", "1")
            .envs(vars.iter().cloned())
            .args(args);
        cmd
    };
    gover(&["install", "1.22"], &proxy.env())
        .assert()
        .success()
        .stdout(predicate::str::contains("installed go1.22.10"))
        .stderr(predicate::str::contains("using the release index saved"));
    gover(&["install", "1.23"], &proxy.env())
        .assert()
        .success()
        .stdout(predicate::str::contains("installed go1.23.9"))
        .stderr(predicate::str::contains(format!("source: the module proxy {}", proxy.goproxy())));
    for (args, vars) in [(&["install", "--source", "dl", "1.24"][..], proxy.env()), (&["install", "1.24"], vec![])] {
        gover(args, &vars)
            .assert()
            .code(5)
            .stderr(predicate::str::contains("  cause: the copy of the release index saved earlier names no 1.24"))
            .stderr(predicate::str::contains("help: to trust the mirror's checksums"));
    }
}
