//! The `help:` lines tests/suite/failures.rs does not reach (issue 12), each followed: the error is
//! produced against a loopback server or a synthetic archive, the hint is done as it says, and
//! the same command then works.

use crate::common;

use std::process::Output;

use common::releases::{archive_name, host_platform, release_archive, release_entries, tar_gz};
use common::releases::{Entry, IndexEntry};
use common::rig::{archive_path, Rig};
use common::server::{Fault, Reply};
use common::{help, stderr};

const V: &str = "go1.22.10";

fn expect(out: &Output, code: i32, hint: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", stderr(out));
    assert!(help(out).starts_with(hint), "{}", stderr(out));
}

/// 407 from a proxy, 403 from a mirror, an index whose connection drops: the credentials in
/// the proxy URL, another mirror, and trying again each work.
#[test]
fn network_hints_work_when_followed() {
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, release_archive(V))]);
    // The index behind a proxy (plain http here, so HTTP_PROXY; HTTPS_PROXY for https).
    rig.server.proxy_credentials("user:password");
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let list = |proxy: String| {
        rig.gover()
            .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
            .env("HTTP_PROXY", proxy)
            .args(["list", "--remote"])
            .output()
            .unwrap()
    };
    let out = list(format!("http://{}", rig.server.addr()));
    expect(&out, 5, "the proxy wants credentials: HTTPS_PROXY=http://user:password@proxy:port");
    let out = list(format!("http://user:password@{}", rig.server.addr()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(V));

    // 403 from the archive server: another GOVER_DIST_URL.
    let good = Rig::http();
    good.publish(&[IndexEntry::new(V, release_archive(V))]);
    rig.server.route(&archive_path(V), Reply::status(403));
    let out = rig.gover().args(["install", V]).output().unwrap();
    expect(&out, 5, "the server refused access; check GOVER_DIST_URL / GOVER_INDEX_URL and any proxy");
    rig.gover().env("GOVER_DIST_URL", good.server.url("/dl/")).args(["install", V]).assert().success();

    // The index's connection drops mid-body (and no saved copy of it stands in): once the
    // network is back, the same command works.
    std::fs::remove_dir_all(rig.sb.gover_home.join("cache")).unwrap();
    let index = common::releases::index_json(&[IndexEntry::new(V, release_archive(V))]);
    rig.server.route("/index.json", Reply::bytes(index.clone()).fault(Fault::CloseAfter(10)));
    let out = rig.gover().args(["list", "--remote"]).output().unwrap();
    expect(&out, 5, "check the network connection and try again");
    rig.server.route("/index.json", Reply::bytes(index));
    rig.gover().args(["list", "--remote"]).assert().success();
}

/// An index whose server sends the headers and part of the body, then falls silent for longer
/// than the read timeout: a higher GOVER_HTTP_TIMEOUT (the hint) waits the pause out.
#[test]
fn a_stalled_index_body_hint_works_when_followed() {
    let rig = Rig::http();
    let index = common::releases::index_json(&[IndexEntry::new(V, release_archive(V))]);
    let stall = Fault::Trickle { chunk: index.len() / 2 + 1, pause: std::time::Duration::from_millis(1500) };
    rig.server.route("/index.json", Reply::bytes(index).fault(stall));
    let list = |timeout: &str| rig.gover().env("GOVER_HTTP_TIMEOUT", timeout).args(["list", "--remote"]).output();
    let out = list("1").unwrap();
    expect(&out, 5, "the server stopped answering; check the network, or set GOVER_HTTP_TIMEOUT (seconds) higher");
    assert!(stderr(&out).contains("index.json failed"), "{}", stderr(&out));
    let out = list("5").unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(V), "{out:?}");
}

/// Uninstalls V and drops its saved archive, so the next install downloads it again.
fn uninstall(rig: &Rig) {
    rig.gover().args(["uninstall", "--force", V]).assert().success();
    std::fs::remove_dir_all(rig.sb.gover_home.join("downloads")).unwrap();
}

/// An ELF header for 32-bit ARM (e_machine 40): no machine gover is built for runs it.
fn arm32_elf() -> String {
    let mut header = String::from("\x7fELF\x02\x01\x01");
    header.push_str(&"\0".repeat(9));
    header.push_str("\x02\0\x28\0\x01\0\0\0");
    header.push_str(&"\0".repeat(40));
    header
}

/// Archives that must not be installed: an unsafe entry ("report the archive": once its
/// publisher fixes it, it installs), another platform's archive by name or by its bin/go
/// (a correct index and archive server install it).
#[test]
fn archive_hints_work_when_followed() {
    let rig = Rig::http();
    let mut hostile = release_entries(V);
    hostile.push(Entry::file("go/../../../escaped", "x"));
    rig.publish(&[IndexEntry::new(V, tar_gz(&hostile))]);
    let out = rig.gover().args(["install", V]).output().unwrap();
    expect(&out, 6, "nothing was installed; report the archive to whoever publishes it");
    assert!(!rig.version_dir(V).exists());
    rig.publish(&[IndexEntry::new(V, release_archive(V))]);
    rig.gover().args(["install", V]).assert().success();
    uninstall(&rig);

    // The index lists another platform's archive under this one.
    let good = Rig::http();
    good.publish(&[IndexEntry::new(V, release_archive(V))]);
    let host = host_platform();
    let other = if host.ends_with("amd64") { host.replace("amd64", "arm64") } else { host.replace("arm64", "amd64") };
    let index = common::releases::index_json(&[IndexEntry::new(V, release_archive(V))])
        .replace(&archive_name(V), &archive_name(V).replace(&host, &other));
    rig.server.route("/index.json", Reply::bytes(index));
    let out = rig.gover().args(["install", V]).output().unwrap();
    expect(&out, 6, "nothing was downloaded; the release index (GOVER_INDEX_URL) lists another platform's archive");
    let followed = rig.gover().env("GOVER_INDEX_URL", good.server.url("/index.json")).args(["install", V]).output();
    assert!(followed.unwrap().status.success());
    uninstall(&rig);

    // The index vouches for another release's archive under this one's name, or for an archive
    // cut short (an index made from a truncated download): trying again gets the same bytes;
    // go.dev's index and archives (the good rig's here) install it.
    let from_good = || {
        rig.gover()
            .env("GOVER_INDEX_URL", good.server.url("/index.json"))
            .env("GOVER_DIST_URL", good.server.url("/dl/"))
            .args(["install", V])
            .output()
            .unwrap()
    };
    let archive = release_archive(V);
    let not_the_release = format!("the archive is not {V}");
    for (vouched, cause) in [
        (release_archive("go1.22.9"), not_the_release.as_str()),
        (archive[..archive.len() / 2].to_vec(), "the archive is damaged"),
    ] {
        rig.publish(&[IndexEntry::new(V, vouched)]);
        let out = rig.gover().args(["install", V]).output().unwrap();
        expect(&out, 6, "nothing was installed; the release index (GOVER_INDEX_URL) vouches for this archive");
        assert!(stderr(&out).contains(cause), "{}", stderr(&out));
        assert!(!rig.version_dir(V).exists());
        assert!(from_good().status.success());
        uninstall(&rig);
    }

    // The archive under this platform's name holds another machine's bin/go.
    let mut foreign = release_entries(V);
    foreign.retain(|e| !matches!(e, Entry::File { path, .. } if path == "go/bin/go"));
    foreign.push(Entry::executable("go/bin/go", &arm32_elf()));
    rig.publish(&[IndexEntry::new(V, tar_gz(&foreign))]);
    let out = rig.gover().args(["install", V]).output().unwrap();
    expect(&out, 6, "nothing was installed; the index or the server (GOVER_INDEX_URL, GOVER_DIST_URL, GOPROXY)");
    assert!(stderr(&out).contains("go/bin/go is built for"), "{}", stderr(&out));
    let out = from_good();
    assert!(out.status.success(), "{}", stderr(&out));
    let go = std::fs::read_to_string(rig.version_dir(V).join("bin/go")).unwrap();
    assert!(go.contains(&format!("go version {V}")), "{go}");
}

/// Runs the `gover …` command a hint names (up to `;`, `,`, `)` or the end), as a user would
/// copy it.
fn follow(rig: &Rig, hint: &str) -> Output {
    let start = hint.find("gover ").unwrap_or_else(|| panic!("no gover command in {hint:?}"));
    let args: Vec<&str> = hint[start..].split([';', ',', ')']).next().unwrap().split_whitespace().skip(1).collect();
    rig.gover().args(&args).output().unwrap()
}

/// gover upgrade's hints: nothing installed, a line the index lacks, a release for a line.
#[test]
fn upgrade_hints_work_when_followed() {
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, release_archive(V)), IndexEntry::new("go1.22.9", release_archive("go1.22.9"))]);

    let out = rig.gover().args(["upgrade"]).output().unwrap();
    expect(&out, 3, "install one first: gover install 1.22");
    assert!(follow(&rig, &help(&out)).status.success());
    rig.gover().args(["upgrade"]).assert().success();

    let out = rig.gover().args(["upgrade", "1.21"]).output().unwrap();
    expect(&out, 4, "gover list --remote 1.21 lists what can be installed");
    let listed = rig.gover().args(["list", "--remote", "1.21"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("go1.21"), "{listed:?}");
    let listed = rig.gover().args(["list", "--remote", "1.22"]).output().unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains(V), "{listed:?}");
    rig.gover().args(["upgrade", "1.22"]).assert().success();

    let out = rig.gover().args(["upgrade", "1.22.9"]).output().unwrap();
    expect(&out, 2, "name a line such as 1.22; upgrade picks its newest patch");
    rig.gover().args(["upgrade", "1.22"]).assert().success();
}

/// `chattr` on `path` (`+i` immutable, `+a` append-only: even root cannot remove what is in
/// it); false where the filesystem does not support it.
fn chattr(flag: &str, path: &std::path::Path) -> bool {
    std::process::Command::new("chattr").arg(flag).arg(path).status().is_ok_and(|s| s.success())
}

/// The vulnerability database's hints: a damaged cache (removed, then refreshed), a GOVULNDB
/// that is no URL, a file:// one that is no database, and a server serving something else.
#[test]
fn vulndb_hints_work_when_followed() {
    let db = common::vulndb::VulnDb::serve();
    let sb = common::Sandbox::new();
    sb.fake_version(V);
    let gover = |govulndb: &str, args: &[&str]| {
        sb.gover().env_remove("GOVER_VULNDB").env("GOVULNDB", govulndb).args(args).output().unwrap()
    };
    assert!(gover(&db.url(), &["list", "--refresh"]).status.success());
    let cache = sb.gover_home.join("vulndb/db.json");
    std::fs::write(&cache, "{ damaged").unwrap();
    let out = gover(&db.url(), &["list"]);
    expect(&out, 0, "remove it; the next gover install, upgrade or list --refresh fetches the data again");
    std::fs::remove_file(&cache).unwrap();
    assert!(gover(&db.url(), &["list", "--refresh"]).status.success());
    assert!(gover(&db.url(), &["list"]).status.success());

    let file_url = format!("file://{}", db.path().display());
    let out = gover("ftp://vuln.example", &["list", "--refresh"]);
    expect(&out, 2, "set GOVULNDB to https://vuln.go.dev (the default), a mirror's https URL, or file:///path/to/db");
    assert!(gover(&file_url, &["list", "--refresh"]).status.success());

    let out = gover(&format!("file://{}", sb.root().join("nothing").display()), &["list", "--refresh"]);
    expect(&out, 5, "GOVULNDB=file://… must name a directory in the database's layout (index/db.json, ID/)");
    assert!(gover(&file_url, &["list", "--refresh"]).status.success());

    let other = common::server::Server::http();
    other.route("/index/db.json", Reply::bytes("[1, 2]"));
    let out = gover(&other.url(""), &["list", "--refresh"]);
    expect(&out, 5, "check GOVULNDB; it should serve what https://vuln.go.dev serves");
    assert!(gover(&db.url(), &["list", "--refresh"]).status.success());
}

/// A Go tree where gvm keeps them: its VERSION file, and bin/go answering `go version`.
fn plant_tree(root: &std::path::Path, version: &str, reports: &str) {
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::write(root.join("VERSION"), format!("{version}\n")).unwrap();
    let go = format!("#!/bin/sh\necho \"go version {reports} linux/amd64\"\n");
    common::write_executable(&root.join("bin/go"), &go);
}

/// gover import's hints: the summary points at the messages above (doing what they say makes
/// the import go through), and a --move whose original cannot be removed says so.
#[test]
fn import_hints_work_when_followed() {
    let sb = common::Sandbox::new();
    let gos = sb.home.join(".gvm/gos");
    plant_tree(&gos.join("go1.22.1"), "go1.22.1", "go1.21.0");
    plant_tree(&gos.join("go1.19"), "go1.19", "go1.19");
    // The listing says how to adopt what it found.
    let out = sb.gover().arg("import").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(help(&out), "run `gover import <manager>` or `gover import --all` to adopt them");
    let out = sb.gover().args(["import", "--all"]).output().unwrap();
    expect(&out, 1, "the messages above say why; the other versions were imported");
    assert!(stderr(&out).contains("bin/go reports go1.21.0, VERSION says go1.22.1"), "{}", stderr(&out));
    assert!(sb.gover_home.join("versions/go1.19").is_dir());
    // What the message says is wrong, put right: the import goes through.
    plant_tree(&gos.join("go1.22.1"), "go1.22.1", "go1.22.1");
    sb.gover().args(["import", "gvm"]).assert().success();
    let out = sb.gover().arg("import").output().unwrap();
    assert!(!stderr(&out).contains("help:"), "nothing left to adopt: {}", stderr(&out));
    assert!(sb.gover_home.join("versions/go1.22.1").is_dir());

    let original = gos.join("go1.20");
    plant_tree(&original, "go1.20", "go1.20");
    if !chattr("+a", &original.join("bin")) {
        common::skip("chattr +a is not supported here");
        return;
    }
    let out = sb.gover().args(["import", "gvm", "1.20", "--move"]).output().unwrap();
    chattr("-a", &original.join("bin"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("help: go1.20 is imported; delete the original yourself"), "{}", stderr(&out));
    assert!(sb.gover_home.join("versions/go1.20/bin/go").is_file());
    std::fs::remove_dir_all(&original).unwrap();
    let out = sb.gover().args(["list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("go1.20"), "{out:?}");
}

/// `gover upgrade --pins` with a pin file it cannot change: the messages above name it, and
/// once it can be written the same command moves it.
#[test]
fn a_pin_file_that_cannot_be_changed_points_at_the_messages_above() {
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, release_archive(V)), IndexEntry::new("go1.22.9", release_archive("go1.22.9"))]);
    rig.gover().args(["install", "1.22.9"]).assert().success();
    let pin = rig.sb.work.join(".go-version");
    std::fs::write(&pin, "1.22.9\n").unwrap();
    if !chattr("+i", &pin) {
        common::skip("chattr +i is not supported here");
        return;
    }
    let out = rig.gover().args(["upgrade", "--pins"]).output().unwrap();
    chattr("-i", &pin);
    expect(&out, 1, "see the messages above");
    assert!(stderr(&out).contains(".go-version"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&pin).unwrap(), "1.22.9\n");
    rig.gover().args(["upgrade", "--pins"]).assert().success();
    assert_eq!(std::fs::read_to_string(&pin).unwrap(), "1.22.10\n");
}

/// Command hints tests/suite/failures.rs does not reach: list --remote's prefix, shell with nothing
/// (or something else) installed, uninstall of what is not installed, a version with no
/// release near it.
#[test]
fn more_command_hints_work_when_followed() {
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, release_archive(V)), IndexEntry::new("go1.22.9", release_archive("go1.22.9"))]);
    let run = |args: &[&str]| rig.gover().args(args).output().unwrap();
    let shell = |version: &str| run(&["shell", "--print-for", "bash", version]);

    let out = run(&["list", "--remote", "1.x"]);
    expect(&out, 2, "give the start of a version, such as 1.22 or 1 (gover list --remote 1.22)");
    let listed = follow(&rig, &help(&out));
    assert!(String::from_utf8_lossy(&listed.stdout).contains(V), "{listed:?}");

    let out = shell("latest");
    expect(&out, 3, "run gover install latest");
    assert!(follow(&rig, &help(&out)).status.success());
    assert!(shell("latest").status.success());
    uninstall(&rig);

    let out = shell("1.22");
    expect(&out, 3, "run gover install 1.22");
    assert!(follow(&rig, &help(&out)).status.success());
    assert!(shell("1.22").status.success());

    let out = shell("1.22.9");
    expect(&out, 3, "run gover install 1.22.9, or pick an installed one: go1.22.10");
    assert!(shell("go1.22.10").status.success(), "the installed one");
    assert!(follow(&rig, &help(&out)).status.success());
    assert!(shell("1.22.9").status.success());

    let out = run(&["uninstall", "1.21.0"]);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(help(&out), "nothing to remove; see what is installed with: gover list");
    let listed = follow(&rig, &help(&out));
    assert!(String::from_utf8_lossy(&listed.stdout).contains("go1.22.9"), "{listed:?}");

    // An index with no archive for this platform at all: nothing near to name, so the list.
    let index = common::releases::index_json(&[IndexEntry::new(V, release_archive(V))]);
    rig.server.route(
        "/index.json",
        Reply::bytes(index.replace(&format!("\"os\": \"{}\"", std::env::consts::OS), "\"os\": \"plan9\"")),
    );
    let out = run(&["install", "1.21.0"]);
    expect(&out, 4, "gover list --remote lists what can be installed");
    let listed = run(&["list", "--remote"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("go1.21.0"), "{listed:?}");
}

/// An archive that arrives damaged: trying again (the hint's first step) works; an expired
/// certificate: the clock is right, so the server renews it, and then the install works.
#[test]
fn damaged_archive_and_expired_certificate_hints_work_when_followed() {
    let rig = Rig::http();
    let archive = release_archive(V);
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    let mut damaged = archive.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    let mirror_hint = "nothing was installed; try again, and if it fails the same way the archive server \
                       (GOVER_DIST_URL, GOPROXY, a proxy) is serving something other than the official release";
    // Damaged once, or announced with the wrong size once: trying again works.
    let wrong_size = Reply::bytes(archive.clone()).fault(Fault::ContentLength(archive.len() as u64 + 7));
    for reply in [Reply::bytes(damaged.clone()), wrong_size] {
        rig.server.once(&archive_path(V), reply);
        let out = rig.gover().args(["install", V]).output().unwrap();
        expect(&out, 6, mirror_hint);
        rig.gover().args(["install", V]).assert().success();
        uninstall(&rig);
    }
    // Damaged every time: it fails the same way, so another archive server.
    rig.server.route(&archive_path(V), Reply::bytes(damaged));
    for _ in 0..2 {
        expect(&rig.gover().args(["install", V]).output().unwrap(), 6, mirror_hint);
    }
    let good = Rig::http();
    good.publish(&[IndexEntry::new(V, archive.clone())]);
    rig.gover().env("GOVER_DIST_URL", good.server.url("/dl/")).args(["install", V]).assert().success();

    let expired = Rig::new(common::server::Server::https_expired());
    expired.publish(&[IndexEntry::new(V, archive.clone())]);
    let ca = expired.sb.root().join("ca.pem");
    std::fs::write(&ca, expired.server.ca_pem()).unwrap();
    let out = expired.gover().env("GOVER_CA_FILE", &ca).args(["install", V]).output().unwrap();
    expect(&out, 5, "the server's certificate is out of date: check this machine's clock (date)");
    let date = std::process::Command::new("date").arg("+%Y").output().unwrap();
    assert!(String::from_utf8_lossy(&date.stdout).trim().parse::<u32>().unwrap() > 2020, "the clock is right");
    let renewed = Rig::new(common::server::Server::https());
    renewed.publish(&[IndexEntry::new(V, archive)]);
    std::fs::write(&ca, renewed.server.ca_pem()).unwrap();
    let out = expired
        .gover()
        .env("GOVER_CA_FILE", &ca)
        .env("GOVER_INDEX_URL", renewed.server.url("/index.json"))
        .env("GOVER_DIST_URL", renewed.server.url("/dl/"))
        .args(["install", V])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The shim's hints, each followed: a shim under another name, a `go` outside gover that
/// loops back to the shim, a damaged install, GOVER_AUTO_INSTALL without gover on PATH, a bad
/// GOVER_VERSION, a `system` pin with no system go, and no HOME.
#[test]
fn shim_hints_work_when_followed() {
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, release_archive(V))]);
    let shim = |tool: &str| {
        let mut cmd = rig.sb.shim(tool);
        cmd.envs(rig.env()).arg("version");
        cmd
    };
    let path_with = |dir: &std::path::Path| format!("{}:{}", dir.display(), rig.sb.path_with_shims());

    // Under another name: gover install puts go and gofmt in GOVER_HOME/shims.
    let odd = rig.sb.root().join("odd");
    std::fs::create_dir_all(&odd).unwrap();
    std::fs::hard_link(common::shim_binary(), odd.join("gofoo")).unwrap();
    let out = std::process::Command::new(odd.join("gofoo")).env_clear().envs(rig.env()).output().unwrap();
    expect(&out, 2, "gover install creates the shims in GOVER_HOME/shims; put that directory first on PATH");
    rig.gover().args(["install", V]).assert().success();
    rig.gover().args(["global", V]).assert().success();
    shim("go").assert().success().stdout(format!("go version {V} fake/arch\n"));

    // A system go that calls `go` again: doctor names it.
    let looping = rig.sb.root().join("looping");
    common::write_executable(&looping.join("go"), "#!/bin/sh\nexec go \"$@\"\n");
    let path = format!("{}:{}", rig.sb.path_with_shims(), looping.display());
    let out = shim("go").env("PATH", &path).env("GOVER_VERSION", "system").output().unwrap();
    expect(&out, 8, "a `go` on PATH outside gover calls `go` again; run `gover doctor --verbose` to see which");
    let doctor = rig.gover().env("PATH", &path).args(["doctor", "--verbose"]).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&doctor.stdout), stderr(&doctor));
    assert!(report.contains(&looping.join("go").display().to_string()), "{report}");

    // A damaged install: uninstall and install again.
    std::fs::remove_file(rig.version_dir(V).join("bin/go")).unwrap();
    let out = shim("go").output().unwrap();
    expect(&out, 8, &format!("the install looks damaged; run gover uninstall {V} && gover install {V}"));
    rig.gover().args(["uninstall", "--force", V]).assert().success();
    rig.gover().args(["install", V]).assert().success();
    shim("go").assert().success();

    // GOVER_AUTO_INSTALL=1 with no gover on PATH: put it there.
    rig.sb.pin("1.22.10");
    uninstall(&rig);
    let out = shim("go").env("GOVER_AUTO_INSTALL", "1").output().unwrap();
    expect(&out, 8, "put gover on PATH, or unset GOVER_AUTO_INSTALL");
    let out = shim("go").env("GOVER_AUTO_INSTALL", "1").env("PATH", path_with(&common::bin_dir())).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::remove_file(rig.sb.work.join(".go-version")).unwrap();

    // GOVER_VERSION that is no version: one that is.
    let out = shim("go").env("GOVER_VERSION", "banana").output().unwrap();
    expect(&out, 7, "set GOVER_VERSION to a version such as 1.22.10, or unset it");
    shim("go").env("GOVER_VERSION", "1.22.10").assert().success();

    // `system` pinned, and no go outside gover: the pin the hint gives.
    rig.sb.pin("system");
    let out = shim("go").output().unwrap();
    let hint = "install Go outside gover, or pin a version: gover install 1.22 && gover use 1.22";
    expect(&out, 3, hint);
    for step in ["install 1.22", "use 1.22"] {
        rig.gover().args(step.split(' ')).assert().success();
    }
    shim("go").assert().success();

    // Neither HOME nor GOVER_HOME: set GOVER_HOME.
    let out = shim("go").env_remove("HOME").env_remove("GOVER_HOME").output().unwrap();
    expect(&out, 8, "set GOVER_HOME (or HOME)");
    shim("go").env_remove("HOME").assert().success();
}

/// The module proxy's settings hints: GOSUMDB off (the download site, or the explicit flag),
/// GONOPROXY matching the toolchain module, a GOSUMDB that is no database, a GOPROXY that is
/// no proxy; each followed, the install works.
#[test]
fn module_proxy_hints_work_when_followed() {
    let rig = Rig::http();
    let version = "go1.23.9";
    rig.publish(&[IndexEntry::new(version, release_archive(version))]);
    let proxy = common::modproxy::ModProxy::new(vec![common::modproxy::Toolchain::synthetic(version, &[])]);
    let install = |vars: &[(&str, &str)], args: &[&str]| {
        let mut cmd = rig.gover();
        cmd.envs(proxy.env()).args(["install"]).args(args);
        for (name, value) in vars {
            cmd.env(name, value);
        }
        cmd.output().unwrap()
    };
    let fresh = || {
        rig.gover().args(["uninstall", "--force", version]).assert().success();
        let _ = std::fs::remove_dir_all(rig.sb.gover_home.join("downloads"));
    };

    let off = [("GOSUMDB", "off")];
    let out = install(&off, &["--source", "proxy", "1.23.9"]);
    expect(&out, 6, "install from the download site, whose release index verifies the archive: gover install --source dl go1.23.9; or accept an unverified toolchain with --insecure-no-sumdb");
    let followed = install(&off, &["--source", "dl", "go1.23.9"]);
    assert!(followed.status.success(), "{}", stderr(&followed));
    fresh();
    let followed = install(&off, &["--source", "proxy", "--insecure-no-sumdb", "1.23.9"]);
    assert!(followed.status.success(), "{}", stderr(&followed));
    fresh();

    let out = install(&[("GONOPROXY", "golang.org/toolchain")], &["--source", "proxy", "1.23.9"]);
    expect(&out, 8, "remove the pattern that matches golang.org/toolchain from GONOPROXY, or use --source dl");
    assert!(install(&[("GONOPROXY", "example.com")], &["--source", "proxy", "1.23.9"]).status.success());
    fresh();

    let out = install(&[("GOSUMDB", "not a database key")], &["--source", "proxy", "1.23.9"]);
    expect(&out, 8, "GOSUMDB is `sum.golang.org`, `off`, or `<name>+<hash>+<key> [URL]`");
    assert!(install(&[], &["--source", "proxy", "1.23.9"]).status.success(), "the proxy's name+hash+key URL");
    fresh();

    let out = install(&[("GOPROXY", "off")], &["--source", "proxy", "1.23.9"]);
    expect(&out, 8, "set GOPROXY to a proxy URL (https://proxy.golang.org), or use --source dl");
    assert!(install(&[("GOPROXY", "off")], &["--source", "dl", "1.23.9"]).status.success());
}

/// A checksum database replaced on purpose under the same name: its new tree is refused as a
/// fork; deleting the file the hint names and trying again accepts it.
#[test]
fn a_replaced_checksum_database_hint_works_when_followed() {
    use common::modproxy::{ModProxy, Toolchain};
    let sb = common::Sandbox::new();
    let mut proxy = ModProxy::new(vec![Toolchain::synthetic("go1.22.10", &[]), Toolchain::synthetic("go1.23.9", &[])]);
    let install = |proxy: &ModProxy, version: &str| {
        sb.gover().envs(proxy.env()).args(["install", "--source", "proxy", version]).output().unwrap()
    };
    assert!(install(&proxy, "1.22.10").status.success());
    proxy.sumdb.records[3] = "example.com/m3 v1.0.0 h1:replaced=\n".into();
    proxy.publish();
    let out = install(&proxy, "1.23.9");
    expect(&out, 6, "nothing was installed; if the database was replaced on purpose");
    let hint = help(&out);
    let named = hint.split("delete ").nth(1).and_then(|rest| rest.strip_suffix(" and try again")).unwrap();
    std::fs::remove_file(named).unwrap();
    let out = install(&proxy, "1.23.9");
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `out`, an install of `version`, succeeded; it is uninstalled again, its download dropped,
/// so the next install starts afresh.
fn installed_then_removed(rig: &Rig, version: &str, out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
    assert!(rig.version_dir(version).join("bin/go").is_file());
    rig.gover().args(["uninstall", "--force", version]).assert().success();
    let _ = std::fs::remove_dir_all(rig.sb.gover_home.join("downloads"));
}

/// The module proxy's and the checksum database's failure hints, each followed: a proxy
/// serving another zip (another GOPROXY, or the download site), a proxy answering a login page,
/// a proxy out of reach (HTTP_PROXY), a release the proxy or the database lacks (the listing
/// the hint names, then a release it lists), the database answering a login page, a GOSUMDB
/// key that is not the database's, a damaged log (trying again once it is mended) and a log
/// that cannot be read (GOSUMDB at a copy that can).
#[test]
fn module_proxy_and_checksum_database_failure_hints_work_when_followed() {
    use common::modproxy::{module_version, ModProxy, Sumdb, Toolchain};
    let rig = Rig::http();
    let version = "go1.23.9";
    rig.publish(&[IndexEntry::new(version, release_archive(version))]);
    let toolchains = || vec![Toolchain::synthetic("go1.22.10", &[]), Toolchain::synthetic(version, &[])];
    // The honest proxy and database; `other` is a second proxy, broken a different way each time,
    // whose zips hash as the honest database records.
    let honest = ModProxy::new(toolchains());
    let gover = |goproxy: &str, gosumdb: &str, args: &[&str], vars: &[(&str, &str)]| {
        let mut cmd = rig.gover();
        cmd.env("GOPROXY", goproxy).env("GOSUMDB", gosumdb).args(args);
        for (name, value) in vars {
            cmd.env(name, value);
        }
        cmd.output().unwrap()
    };
    let install = ["install", "--source", "proxy", "1.23.9"];
    let (goproxy, gosumdb) = (honest.goproxy(), honest.gosumdb());
    let installs = |out: Output| installed_then_removed(&rig, version, &out);
    let nothing_installed = |out: &Output| assert!(!rig.version_dir(version).exists(), "{}", stderr(out));

    // Another zip than the one the database records: another proxy, or the download site.
    let other = ModProxy::new(toolchains());
    other.server.route(&other.zip_path(version), Toolchain::synthetic(version, &[("{prefix}/bin/x", "x")]).zip);
    let out = gover(&other.goproxy(), &gosumdb, &install, &[]);
    expect(&out, 6, "nothing was installed; GOPROXY is serving something other than the published toolchain: point GOPROXY at another proxy");
    nothing_installed(&out);
    installs(gover(&goproxy, &gosumdb, &install, &[]));
    installs(gover(&other.goproxy(), &gosumdb, &["install", "--source", "dl", "1.23.9"], &[]));

    // A zip damaged on the way, once: trying again works.
    let common::server::Body::Bytes(zip) = Toolchain::synthetic(version, &[]).zip.body else { unreachable!() };
    let mut damaged = zip.to_vec();
    damaged.truncate(zip.len() - 30);
    honest.server.once(&honest.zip_path(version), Reply::bytes(damaged));
    let out = gover(&goproxy, &gosumdb, &install, &[]);
    expect(&out, 6, "nothing was installed; try again, and if it fails the same way");
    nothing_installed(&out);
    installs(gover(&goproxy, &gosumdb, &install, &[]));

    // A login page for the zip: GOPROXY checked, set to the real proxy.
    other.server.route(&other.zip_path(version), Reply::html("<html><body>Sign in</body></html>"));
    let out = gover(&other.goproxy(), &gosumdb, &install, &[]);
    expect(&out, 5, "log in to the network (open any page in a browser), or check GOPROXY");
    installs(gover(&goproxy, &gosumdb, &install, &[]));

    // The proxy out of reach, listing: HTTP_PROXY (a plain http URL) reaches it.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let unreachable = format!("http://{dead}/proxy");
    let list = ["list", "--remote", "--all", "--source", "proxy"];
    let out = gover(&unreachable, &gosumdb, &list, &[]);
    expect(&out, 5, "check the network connection; behind a proxy set HTTPS_PROXY");
    let out = gover(&unreachable, &gosumdb, &list, &[("HTTP_PROXY", &honest.server.url(""))]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(version), "{out:?}");

    // A release the database records but this proxy has not: its listing, then what it lists.
    let listed_first = |out: &Output| {
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.split_whitespace()
            .find(|w| w.starts_with("go1."))
            .unwrap_or_else(|| panic!("nothing listed: {text}"))
            .to_string()
    };
    let partial = ModProxy::new(toolchains());
    let at = "/proxy/golang.org/toolchain/@v";
    partial.server.route(&format!("{at}/list"), Reply::bytes(format!("{}\n", module_version("go1.22.10"))));
    partial.server.route(&partial.zip_path(version), Reply::status(404));
    let out = gover(&partial.goproxy(), &gosumdb, &install, &[]);
    expect(&out, 4, "gover list --remote --all --source proxy lists what the proxy has");
    let out = gover(&partial.goproxy(), &gosumdb, &list, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(listed_first(&out), "go1.22.10");
    let out = gover(&partial.goproxy(), &gosumdb, &["install", "--source", "proxy", "go1.22.10"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));

    // A line the proxy lists no release of: its listing, then a line it lists.
    let out = gover(&goproxy, &gosumdb, &["install", "--source", "proxy", "1.99"], &[]);
    expect(&out, 4, "gover list --remote --all --source proxy lists what can be installed");
    let out = gover(&goproxy, &gosumdb, &list, &[]);
    assert_eq!(listed_first(&out), version);
    installs(gover(&goproxy, &gosumdb, &["install", "--source", "proxy", "1.23"], &[]));

    // A release nobody published: the database has no record; the listing names those that were.
    let out = gover(&goproxy, &gosumdb, &["install", "--source", "proxy", "1.99.0"], &[]);
    expect(&out, 4, "no such release was published for this platform; gover list --remote --all --source proxy lists those that were");
    let out = gover(&goproxy, &gosumdb, &list, &[]);
    assert_eq!(listed_first(&out), version);
    installs(gover(&goproxy, &gosumdb, &install, &[]));

    // The database behind a login page: GOSUMDB checked, set to the database's own URL.
    let portal = common::server::Server::http();
    let lookup = format!("/sumdb/lookup/golang.org/toolchain@{}", module_version(version));
    portal.route(&lookup, Reply::html("<html><body>Sign in</body></html>"));
    let behind_portal = format!("{} {}", honest.sumdb.verifier_key(), portal.url("/sumdb"));
    let out = gover(&goproxy, &behind_portal, &install, &[]);
    expect(&out, 5, "log in to the network, set HTTPS_PROXY, or check GOSUMDB and GOPROXY");
    installs(gover(&goproxy, &gosumdb, &install, &[]));

    // A key that is not the database's (another key under its name, or another database's
    // name and key): the right one.
    for other in [Sumdb::new("sum.test.example", 2, 0), Sumdb::new("sum.other.example", 1, 0)] {
        let wrong_key = format!("{} {}", other.verifier_key(), honest.server.url("/sumdb"));
        let out = gover(&goproxy, &wrong_key, &install, &[]);
        expect(&out, 6, "nothing was installed; check the key in GOSUMDB");
        nothing_installed(&out);
        installs(gover(&goproxy, &gosumdb, &install, &[]));
    }

    // A copy of the database whose tile is damaged: refused, whether it fails the proof of
    // inclusion (no tree seen before) or of consistency (with the tree seen before); once
    // mended, trying again works.
    let copy = common::server::Server::http();
    honest.sumdb.serve(&copy, "/sumdb");
    let at_copy = format!("{} {}", honest.sumdb.verifier_key(), copy.url("/sumdb"));
    let (tile, mut bytes) =
        honest.sumdb.files().into_iter().find(|(p, _)| p.starts_with("tile/8/0/") && p.contains(".p/")).unwrap();
    bytes[100] ^= 0xff;
    for (seen_before, proof) in [(false, "inclusion"), (true, "consistency")] {
        if !seen_before {
            std::fs::remove_dir_all(rig.sb.gover_home.join("sumdb")).unwrap();
        }
        copy.route(&format!("/sumdb/{tile}"), Reply::bytes(bytes.clone()));
        let out = gover(&goproxy, &at_copy, &install, &[]);
        expect(&out, 6, "nothing was installed; the checksum database or a proxy in front of it is serving something other than the signed log; try again later");
        assert!(stderr(&out).contains(&format!("the proof of {proof} failed")), "{}", stderr(&out));
        nothing_installed(&out);
        honest.sumdb.serve(&copy, "/sumdb");
        installs(gover(&goproxy, &at_copy, &install, &[]));
    }

    // The copy lost the tile: the network and GOSUMDB checked, the database's own URL works.
    copy.route(&format!("/sumdb/{tile}"), Reply::status(404));
    let out = gover(&goproxy, &at_copy, &install, &[]);
    expect(&out, 5, "check the network and GOSUMDB; nothing was installed");
    nothing_installed(&out);
    installs(gover(&goproxy, &gosumdb, &install, &[]));
}

/// Module zips that are not the release: a file name with a newline (refused as unsafe; a
/// mended zip installs), and a zip of another release, unverified (`--insecure-no-sumdb`:
/// another GOPROXY, or the download site) or vouched for by the checksum database in GOSUMDB
/// (go's own database and proxy, or the download site). Each proxy here has a database of its
/// own under one name, so what an install saw of another's is forgotten first.
#[test]
fn module_proxy_zips_that_are_not_the_release_hints_work_when_followed() {
    use common::modproxy::{ModProxy, Toolchain};
    let rig = Rig::http();
    let version = "go1.23.9";
    rig.publish(&[IndexEntry::new(version, release_archive(version))]);
    let install = |proxy: &ModProxy, vars: &[(&str, &str)], args: &[&str]| {
        let _ = std::fs::remove_dir_all(rig.sb.gover_home.join("sumdb"));
        let mut cmd = rig.gover();
        cmd.envs(proxy.env()).arg("install").args(args);
        for (name, value) in vars {
            cmd.env(name, value);
        }
        cmd.output().unwrap()
    };
    let installs = |out: Output| installed_then_removed(&rig, version, &out);
    let nothing_installed = |out: &Output| assert!(!rig.version_dir(version).exists(), "{}", stderr(out));
    let from_proxy = ["--source", "proxy", "1.23.9"];
    let honest = ModProxy::new(vec![Toolchain::synthetic(version, &[])]);

    // A name with a newline, vouched for by the database: refused before it is hashed.
    let newline = ModProxy::new(vec![Toolchain::synthetic(version, &[("{prefix}/src/a\nb", "x")])]);
    let out = install(&newline, &[], &from_proxy);
    expect(&out, 6, "nothing was installed; report the archive to whoever publishes it");
    assert!(stderr(&out).contains("a control character in the path"), "{}", stderr(&out));
    nothing_installed(&out);
    installs(install(&honest, &[], &from_proxy));

    // Another release's tree under this one's name, taken unverified.
    let other_release = ModProxy::new(vec![Toolchain::synthetic(version, &[("{prefix}/VERSION", "go1.22.10\n")])]);
    let unverified = ["--source", "proxy", "--insecure-no-sumdb", "1.23.9"];
    let off = [("GOSUMDB", "off")];
    let out = install(&other_release, &off, &unverified);
    expect(&out, 6, "nothing was installed; GOPROXY is serving something other than the published toolchain: point GOPROXY at another proxy");
    assert!(stderr(&out).contains(&format!("the zip is not {version}")), "{}", stderr(&out));
    nothing_installed(&out);
    installs(install(&other_release, &[("GOSUMDB", "off"), ("GOPROXY", &honest.goproxy())], &unverified));
    installs(install(&other_release, &off, &["--source", "dl", "1.23.9"]));

    // The same tree vouched for by the database GOSUMDB names.
    let out = install(&other_release, &[], &from_proxy);
    expect(&out, 6, "nothing was installed; the checksum database (GOSUMDB) vouches for this zip");
    nothing_installed(&out);
    installs(install(&honest, &[], &from_proxy));
    installs(install(&other_release, &[], &["--source", "dl", "1.23.9"]));
}
