//! Every failure ends fast, with its documented exit code and a hint that works when followed
//! (issue 12): hostile pin files, interrupted and offline installs, networks that fail in the
//! usual ways, an unusable GOVER_HOME. Each `help:` line checked here is followed, and seen to work.

use crate::common;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::Sandbox;

/// Standard error as text.
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_fifo_as_a_pin_file_fails_at_once_naming_it() {
    let sb = Sandbox::new();
    sb.install_shims();
    sb.fake_version("go1.22.10");
    sb.pin("1.22");
    let pin = sb.work.join(".go-version");
    std::fs::remove_file(&pin).unwrap();
    mkfifo(&pin);
    let limit = Duration::from_secs(10);
    // `list` lists all the same, with a warning.
    for (args, code) in [(&["current"][..], 7), (&["which", "go"], 7), (&["list"], 0)] {
        let started = Instant::now();
        let out = sb.gover().args(args).timeout(limit).output().unwrap();
        assert!(started.elapsed() < limit, "gover {args:?} hung on a FIFO");
        assert_eq!(out.status.code(), Some(code), "gover {args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&pin.display().to_string()), "{}", stderr(&out));
        assert!(stderr(&out).contains("named pipe"), "{}", stderr(&out));
    }
    let out = sb.shim("go").arg("version").timeout(limit).output().unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let out = sb.doctor(&["--json"]).timeout(limit).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("versions.bad-pin"), "doctor: {}", stderr(&out));
    // The hint says to remove it; done, go runs.
    assert!(help(&sb.shim("go").arg("version").output().unwrap()).contains("remove"));
    std::fs::remove_file(&pin).unwrap();
    sb.gover().args(["use", "1.22"]).assert().success();
    sb.shim("go").arg("version").assert().success().stdout(predicates::str::contains("go1.22.10"));
}

use common::releases::IndexEntry;
use common::rig::{archive_path, big_release, Rig};
use common::server::{Fault, Reply};
use common::{help, stderr};

const V: &str = "go1.22.10";

/// The `Range` headers the server saw for `path`, in order (None: the whole file).
fn ranges(rig: &Rig, path: &str) -> Vec<Option<String>> {
    rig.server
        .requests()
        .into_iter()
        .filter(|r| r.target == path)
        .map(|r| r.headers.into_iter().find(|(n, _)| n.eq_ignore_ascii_case("range")).map(|(_, v)| v))
        .collect()
}

fn signal(child: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill").arg(format!("-{name}")).arg(child.id().to_string()).status();
    assert!(status.unwrap().success());
}

/// Waits for `child` at most `limit`; kills it and fails the test if it is still running.
fn wait_at_most(mut child: std::process::Child, limit: Duration) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Waits until the install has begun unpacking into staging.
fn wait_for_unpacking(rig: &Rig) {
    let version_file = rig.sb.gover_home.join("staging").join(V).join("VERSION");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !version_file.exists() {
        assert!(Instant::now() < deadline, "the install never began unpacking");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn staging_is_empty(rig: &Rig) -> bool {
    std::fs::read_dir(rig.sb.gover_home.join("staging")).map(|mut d| d.next().is_none()).unwrap_or(true)
}

/// The next run resumes: a server that answers 206 is asked for the rest only; one that ignores
/// `Range` (as `python3 -m http.server` does) answers with 200 and the whole archive, which is a
/// fresh download, not a failed resume. Either way it installs without a warning.
#[test]
fn ctrl_c_during_an_install_cleans_staging_keeps_the_partial_and_the_next_run_resumes() {
    for honours_range in [true, false] {
        let rig = Rig::http();
        let (entries, archive) = big_release(V, 16, 64 * 1024);
        rig.publish(&[IndexEntry::new(V, archive.clone())]);
        let path = archive_path(V);
        let chunk = archive.len() / 60 + 1;
        let slow = Reply::bytes(archive.clone()).fault(Fault::Trickle { chunk, pause: Duration::from_millis(50) });
        rig.server.once(&path, slow);
        if !honours_range {
            rig.server.route(&path, Reply::bytes(archive.clone()).ignore_range());
        }

        let child = rig.spawn(&["install", "1.22.10"]);
        wait_for_unpacking(&rig);
        signal(&child, "INT");
        let out = wait_at_most(child, Duration::from_secs(5));
        assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
        assert!(stderr(&out).contains("interrupted by Ctrl-C"), "{}", stderr(&out));
        assert_eq!(
            help(&out),
            "run the same command to resume (the part downloaded so far is kept in GOVER_HOME/downloads)"
        );
        assert!(staging_is_empty(&rig), "staging must be removed");
        assert!(!rig.version_dir(V).exists());
        let kept = std::fs::read(rig.partial(V)).unwrap();
        assert!(!kept.is_empty() && kept.len() < archive.len() && archive.starts_with(&kept));

        // The hint: the same command, which resumes where the first stopped.
        let out = rig.gover().args(["install", "1.22.10"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!stderr(&out).contains("warning"), "range honoured: {honours_range}\n{}", stderr(&out));
        assert_eq!(ranges(&rig, &path), [None, Some(format!("bytes={}-", kept.len()))]);
        rig.assert_installed(V, &entries);
        rig.assert_no_leftovers();
        let cached = rig.sb.gover_home.join("downloads").join(common::releases::archive_name(V));
        assert!(std::fs::read(cached).unwrap() == archive, "the cached archive is the whole archive, once");
    }
}

#[test]
fn sigterm_while_the_network_is_silent_still_ends_fast_and_clean() {
    let rig = Rig::http();
    let (_, archive) = big_release(V, 4, 64 * 1024);
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    let stall = Fault::StallAfter(archive.len() / 2, Duration::from_secs(30));
    rig.server.route(&archive_path(V), Reply::bytes(archive.clone()).fault(stall));
    // A long read timeout: the install is stuck in a read when the signal comes.
    let child = common::gover_process(rig.env(), &rig.sb.work)
        .env("GOVER_HTTP_TIMEOUT", "60")
        .args(["install", "1.22.10"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_unpacking(&rig);
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "TERM");
    let out = wait_at_most(child, Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted by SIGTERM"), "{}", stderr(&out));
    assert!(staging_is_empty(&rig), "staging must be removed");
    assert!(rig.partial(V).is_file());
}

/// A Go tree where gvm keeps `version`. With `park`, its bin/go, the first time it runs from
/// gover's staging copy, writes its pid to `park` and sleeps: the import is then stopped
/// mid-version, with the copy made, just before it would become a version.
fn plant_gvm_tree(sb: &Sandbox, version: &str, park: Option<&Path>) {
    let root = sb.home.join(".gvm/gos").join(version);
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::write(root.join("VERSION"), format!("{version}\n")).unwrap();
    let parking = park.map_or(String::new(), |p| {
        let p = p.display();
        format!("case \"$GOROOT\" in */staging/*) [ -e {p} ] || {{ echo $$ >{p}.new; mv {p}.new {p}; exec sleep 30; }};; esac\n")
    });
    let go = format!("#!/bin/sh\n{parking}echo \"go version {version} linux/amd64\"\n");
    common::write_executable(&root.join("bin/go"), &go);
}

/// Ctrl-C (to the whole foreground group, as a terminal sends it) and SIGTERM (to gover alone,
/// which then waits for its `go version` child) during `gover import gvm`, while the second of
/// two versions is being brought in: exit 130/143 with the hint, the first version in place,
/// nothing of the second, no default set and no tool carried; the same command then finishes.
#[test]
fn ctrl_c_or_sigterm_during_an_import_leaves_no_half_state_and_the_same_command_completes() {
    use std::os::unix::process::CommandExt;
    for (signal_name, code, words, whole_group) in
        [("INT", 130, "interrupted by Ctrl-C", true), ("TERM", 143, "interrupted by SIGTERM", false)]
    {
        let sb = Sandbox::new();
        let park = sb.root().join("parked");
        plant_gvm_tree(&sb, "go1.21.13", None);
        plant_gvm_tree(&sb, "go1.22.10", Some(&park));
        sb.write("home/.gvm/environments/default", "export gvm_go_name=\"go1.22.10\"\n");
        let tool = sb.home.join(".gvm/pkgsets/go1.22.10/global/bin/hello");
        common::write_executable(&tool, "#!/bin/sh\necho hello\n");

        let child = common::gover_process(sb.env(), &sb.work)
            .args(["import", "gvm"])
            .process_group(0)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !park.exists() {
            assert!(Instant::now() < deadline, "the import never reached go1.22.10's check");
            std::thread::sleep(Duration::from_millis(10));
        }
        let target = if whole_group { format!("-{}", child.id()) } else { child.id().to_string() };
        let status = std::process::Command::new("kill").arg(format!("-{signal_name}")).arg("--").arg(target).status();
        assert!(status.unwrap().success());
        let out = wait_at_most(child, Duration::from_secs(5));
        // The parked `go version` outlives a SIGTERM sent to gover alone.
        let parked = std::fs::read_to_string(&park).unwrap();
        let _ = std::process::Command::new("kill")
            .arg("-KILL")
            .arg(parked.trim())
            .stderr(std::process::Stdio::null())
            .status();

        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert!(stderr(&out).contains(&format!("{words}; the import stopped")), "{}", stderr(&out));
        assert_eq!(help(&out), "run the same command to resume (what was imported so far is kept, and skipped)");
        let versions = sb.gover_home.join("versions");
        assert!(versions.join("go1.21.13/bin/go").is_file());
        assert!(!versions.join("go1.22.10").exists(), "no half-imported version");
        let staging = std::fs::read_dir(sb.gover_home.join("staging")).map(|d| d.count()).unwrap_or(0);
        assert_eq!(staging, 0, "staging must be removed");
        assert!(!sb.gover_home.join("global").exists(), "no default set to a version not imported");
        assert!(!sb.home.join("go/bin").exists(), "no tool carried");

        // The hint: the same command, which finishes the job.
        let out = sb.gover().args(["import", "gvm"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("go1.21.13 is already installed"));
        assert!(versions.join("go1.22.10/bin/go").is_file());
        assert_eq!(std::fs::read_to_string(sb.gover_home.join("global")).unwrap(), "go1.22.10\n");
        assert!(sb.home.join("go/bin/hello").is_file());
        assert!(sb.shims_dir().join("go").is_file(), "the shims are made");
    }
}

/// A FIFO in a tree to import (copying it would wait for a writer forever) is refused at once;
/// the hint followed, the import goes through.
#[test]
fn a_fifo_in_a_tree_to_import_is_refused_at_once_and_the_hint_works() {
    let sb = Sandbox::new();
    plant_gvm_tree(&sb, "go1.22.10", None);
    let fifo = sb.home.join(".gvm/gos/go1.22.10/pipe");
    mkfifo(&fifo);
    let out = sb.gover().args(["import", "gvm"]).timeout(Duration::from_secs(10)).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{} is not a regular file", fifo.display())), "{}", stderr(&out));
    assert_eq!(help(&out), "a Go tree holds no FIFO, socket or device; remove it from the tree and import again");
    assert!(!sb.gover_home.join("versions/go1.22.10").exists());
    std::fs::remove_file(&fifo).unwrap();
    sb.gover().args(["import", "gvm"]).assert().success();
    assert!(sb.gover_home.join("versions/go1.22.10/bin/go").is_file());
}

#[test]
fn a_download_that_keeps_breaking_resumes_while_it_makes_progress() {
    let rig = Rig::http();
    let (entries, archive) = big_release(V, 4, 64 * 1024);
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    // Every connection breaks after an eighth of the archive: far more breaks than the three
    // retries a stuck download gets, each bringing bytes.
    let path = archive_path(V);
    rig.server.route(&path, Reply::bytes(archive.clone()).fault(Fault::CloseAfter(archive.len() / 8)));
    rig.gover().args(["install", "1.22.10"]).assert().success();
    assert!(rig.server.hits(&path) >= 8, "{} requests", rig.server.hits(&path));
    rig.assert_installed(V, &entries);

    // No progress at all: a network failure (exit 5), not a verification failure.
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    rig.server.route(&path, Reply::bytes(archive.clone()).fault(Fault::CloseAfter(0)));
    let out = rig.gover().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let headline = stderr(&out).lines().next().unwrap_or_default().to_string();
    assert!(headline.starts_with("error: the download of ") && headline.contains("broke off"), "{headline}");
    assert!(!stderr(&out).contains("verification"), "{}", stderr(&out));
    // Its hint: once the network is back, the same command finishes the job.
    assert!(help(&out).contains("run the same command"));
    rig.server.route(&path, Reply::bytes(archive.clone()));
    rig.gover().args(["install", "1.22.10"]).assert().success();
    rig.assert_installed(V, &entries);
}

#[test]
fn a_reinstall_works_offline_and_a_partial_spec_uses_the_saved_index() {
    let rig = Rig::http();
    let (entries, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive)]);
    rig.gover().args(["install", "1.22"]).assert().success();
    rig.gover().args(["uninstall", "--force", "1.22.10"]).assert().success();

    // Offline: nothing answers on the index's or the mirror's port.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let offline = |cmd: &mut assert_cmd::Command| {
        cmd.env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
            .env("GOVER_DIST_URL", format!("http://{dead}/dl/"));
    };
    let mut cmd = rig.gover();
    offline(&mut cmd);
    cmd.args(["install", "1.22.10"]).assert().success().stdout(predicates::str::contains("(from the download cache)"));
    rig.assert_installed(V, &entries);
    rig.gover().args(["uninstall", "--force", "1.22.10"]).assert().success();

    // A partial spec needs the index: the copy saved when it was last fetched (one per index
    // URL), with its age.
    rig.server.route("/index.json", Reply::status(503));
    let out =
        rig.gover().env("GOVER_DIST_URL", format!("http://{dead}/dl/")).args(["install", "1.22"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("using the release index saved 0 minutes ago"), "{}", stderr(&out));
    rig.assert_installed(V, &entries);
}

/// A host name that never resolves (RFC 6761), for a network without DNS.
const UNRESOLVABLE: &str = "https://gover-test.invalid";

#[test]
fn a_name_that_does_not_resolve_fails_at_once_and_names_the_mirror_variables() {
    let rig = Rig::http();
    let (entries, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    for args in [&["install", "1.22"][..], &["list", "--remote"]] {
        let started = Instant::now();
        // The default delays between retries: retrying would take 3.5 s.
        let out = rig
            .gover()
            .env_remove("GOVER_RETRY_DELAY_MS")
            .env("GOVER_INDEX_URL", format!("{UNRESOLVABLE}/dl/?mode=json&include=all"))
            .env("GOVER_DIST_URL", format!("{UNRESOLVABLE}/dl/"))
            .args(args)
            .output()
            .unwrap();
        assert!(started.elapsed() < Duration::from_millis(1500), "{args:?} took {:?}", started.elapsed());
        assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
        assert!(stderr(&out).contains("does not resolve"), "{}", stderr(&out));
        let hint = help(&out);
        assert!(
            hint.contains("GOVER_DIST_URL=<mirror>/ ") && hint.contains("GOVER_INDEX_URL=<mirror>/index.json "),
            "{hint}"
        );
    }
    // The hint followed: a proxy that can reach the names (the rig's server proxies them)…
    rig.gover()
        .env("GOVER_INDEX_URL", format!("{}/index.json", UNRESOLVABLE.replace("https", "http")))
        .env("GOVER_DIST_URL", format!("{}/dl/", UNRESOLVABLE.replace("https", "http")))
        .env("HTTP_PROXY", rig.server.url(""))
        .args(["install", "1.22"])
        .assert()
        .success();
    rig.gover().args(["uninstall", "--force", V]).assert().success();
    // … or both variables pointing at a mirror that works: static (index.json) or answering
    // go.dev's query.
    rig.server.route(
        "/dl/?mode=json&include=all",
        Reply::bytes(common::releases::index_json(&[IndexEntry::new(V, archive)])),
    );
    for index in ["/index.json", "/dl/?mode=json&include=all"] {
        rig.gover()
            .env("GOVER_DIST_URL", rig.server.url("/dl/"))
            .env("GOVER_INDEX_URL", rig.server.url(index))
            .args(["install", "1.22"])
            .assert()
            .success();
        rig.assert_installed(V, &entries);
        rig.gover().args(["uninstall", "--force", V]).assert().success();
    }
}

#[test]
fn a_trusted_mirror_without_its_index_variable_is_trusted_in_one_line_and_its_html_is_the_headline() {
    let rig = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    let mirror_index = rig.server.url("/dl/?mode=json&include=all");
    rig.server.route(
        "/dl/?mode=json&include=all",
        Reply::bytes(common::releases::index_json(&[IndexEntry::new(V, archive)])),
    );
    // The trusted index (go.dev in real life) cannot be reached; GOVER_DIST_URL names a
    // mirror the user trusts.
    let unreachable = || {
        let mut cmd = rig.gover();
        cmd.env_remove("GOVER_RETRY_DELAY_MS")
            .env("GOVER_INDEX_URL", format!("{UNRESOLVABLE}/?mode=json&include=all"))
            .env("GOVER_TRUST_MIRROR", "1");
        cmd
    };
    let out = unreachable().args(["list", "--remote"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(warnings.len(), 1, "one line:\n{err}");
    let suggested = format!("set GOVER_INDEX_URL={mirror_index}");
    assert!(warnings[0].starts_with("warning: ") && warnings[0].ends_with(&suggested), "{err}");
    // Followed, it is permanent: no warning, no attempt at the unreachable index.
    let out = rig.gover().env("GOVER_INDEX_URL", &mirror_index).args(["install", "1.22"]).output().unwrap();
    assert!(out.status.success() && !stderr(&out).contains("warning"), "{}", stderr(&out));

    // A mirror answering a login page is the headline, for its index and for an archive.
    let portal = Reply::html("<!DOCTYPE html><html><body>Sign in to continue</body></html>");
    rig.server.route("/dl/?mode=json&include=all", portal.clone());
    let out = unreachable().args(["list", "--remote"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).starts_with(&format!("error: {mirror_index} answered with an HTML page")), "{}", stderr(&out));
    rig.server.route(&archive_path(V), portal);
    rig.gover().args(["uninstall", "--force", "1.22.10"]).assert().success();
    std::fs::remove_dir_all(rig.sb.gover_home.join("downloads")).unwrap();
    let out = rig.gover().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let headline = format!("error: {} answered with an HTML page, not the archive", rig.server.url(&archive_path(V)));
    assert!(stderr(&out).starts_with(&headline), "{}", stderr(&out));
}

/// A self-signed certificate and its key made the way a mirror's admin makes one:
/// `openssl req -x509`, which marks the certificate a CA.
fn openssl_self_signed(dir: &Path, name: &str, san: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    openssl_self_signed_with(dir, name, san, &[])
}

/// [`openssl_self_signed`] with more `-addext` extensions.
fn openssl_self_signed_with(
    dir: &Path,
    name: &str,
    san: &str,
    extensions: &[&str],
) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (dir.join(format!("{name}.pem")), dir.join(format!("{name}.key")));
    let out = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30"])
        .args(["-subj", "/CN=gover test mirror", "-addext", &format!("subjectAltName={san}")])
        .args(extensions.iter().flat_map(|e| ["-addext", e]))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text =
        std::process::Command::new("openssl").args(["x509", "-noout", "-text", "-in"]).arg(&cert).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("CA:TRUE"), "openssl req -x509 makes a CA certificate");
    (cert, key)
}

/// A rig whose HTTPS server presents `cert`.
fn https_rig(cert: &Path, key: &Path, archive: &[u8]) -> Rig {
    let rig = Rig::new(common::server::Server::https_with_pem(cert, key));
    rig.publish(&[IndexEntry::new(V, archive.to_vec())]);
    rig
}

/// Each cause line of a refusal is words: none of rustls's Debug text
/// (`Other(OtherError(CaUsedAsEndEntity))`, `UnknownIssuer`).
fn assert_causes_in_words(out: &Output) {
    let err = stderr(out);
    let causes: Vec<&str> = err.lines().filter(|l| l.trim_start().starts_with("cause:")).collect();
    assert!(!causes.is_empty(), "{err}");
    for cause in causes {
        let camel_case = cause.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| {
            word.chars().any(|c| c.is_ascii_lowercase()) && word.chars().skip(1).any(|c| c.is_ascii_uppercase())
        });
        assert!(!camel_case && !cause.contains('('), "Debug text on a cause line: {err}");
    }
}

#[test]
fn a_self_signed_mirror_the_user_trusts_is_accepted_and_refusals_are_in_words() {
    if !common::require("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, archive) = big_release(V, 1, 1024);
    let (cert, key) = openssl_self_signed(dir.path(), "mirror", "IP:127.0.0.1,DNS:localhost");
    let (other, _) = openssl_self_signed(dir.path(), "other", "IP:127.0.0.1");

    // Trusted through GOVER_CA_FILE, or SSL_CERT_FILE: accepted, as curl and go accept it.
    for var in ["GOVER_CA_FILE", "SSL_CERT_FILE"] {
        let rig = https_rig(&cert, &key, &archive);
        rig.gover().env(var, &cert).args(["install", "1.22.10"]).assert().success();
    }

    // Not trusted, or another certificate trusted: refused, in words.
    let rig = https_rig(&cert, &key, &archive);
    for trusted in [None, Some(&other)] {
        let mut cmd = rig.gover();
        if let Some(file) = trusted {
            cmd.env("GOVER_CA_FILE", file);
        }
        let out = cmd.args(["install", "1.22.10"]).output().unwrap();
        assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("cause: the server's certificate is self-signed, and not trusted"),
            "{}",
            stderr(&out)
        );
        assert_causes_in_words(&out);
        assert!(help(&out).contains("openssl s_client -showcerts"), "{}", stderr(&out));
    }
    // The hint followed: the server's certificate, as openssl s_client shows it, trusted.
    let shown = std::process::Command::new("sh")
        .arg("-c")
        .arg("openssl s_client -connect \"$1\" -showcerts </dev/null 2>/dev/null | openssl x509")
        .arg("sh")
        .arg(rig.server.addr().to_string())
        .output()
        .unwrap();
    let saved = dir.path().join("saved.pem");
    std::fs::write(&saved, &shown.stdout).unwrap();
    rig.gover().env("GOVER_CA_FILE", &saved).args(["install", "1.22.10"]).assert().success();

    // Trusted, but made for another name than the URL's: the hint says to check the host
    // name, and the certificate's own name works.
    let (elsewhere, elsewhere_key) = openssl_self_signed(dir.path(), "elsewhere", "DNS:localhost");
    let rig = https_rig(&elsewhere, &elsewhere_key, &archive);
    let out = rig.gover().env("GOVER_CA_FILE", &elsewhere).args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("cause: the server's certificate is for another name"), "{}", stderr(&out));
    assert_causes_in_words(&out);
    assert!(help(&out).starts_with("check the host name in the URL (GOVER_DIST_URL / GOVER_INDEX_URL)"));
    let by_name = |path: &str| format!("https://localhost:{}{path}", rig.server.addr().port());
    rig.gover()
        .env("GOVER_CA_FILE", &elsewhere)
        .env("GOVER_INDEX_URL", by_name("/index.json"))
        .env("GOVER_DIST_URL", by_name("/dl/"))
        .args(["install", "1.22.10"])
        .assert()
        .success();

    // Signed by a trusted CA, but expired.
    let rig = Rig::new(common::server::Server::https_expired());
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, rig.server.ca_pem()).unwrap();
    let out = rig.gover().env("GOVER_CA_FILE", &ca).args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("cause: the server's certificate has expired"), "{}", stderr(&out));
    assert_causes_in_words(&out);
}

/// A certificate the user's CA file holds exactly is still checked for its purpose, as curl,
/// Python and go check it: one made only for clients (extendedKeyUsage=clientAuth) is refused,
/// in words, and the hint (a certificate made for a server) works.
#[test]
fn a_trusted_self_signed_certificate_must_be_made_for_a_server() {
    if !common::require("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, archive) = big_release(V, 1, 1024);
    let (client, client_key) =
        openssl_self_signed_with(dir.path(), "client", "IP:127.0.0.1", &["extendedKeyUsage=clientAuth"]);
    let rig = https_rig(&client, &client_key, &archive);
    let out = rig.gover().env("GOVER_CA_FILE", &client).args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("cause: the server's certificate is not for a server"), "{}", stderr(&out));
    assert_causes_in_words(&out);
    assert!(help(&out).contains("-addext extendedKeyUsage=serverAuth"), "{}", stderr(&out));
    assert!(!rig.sb.gover_home.join("versions/go1.22.10").exists());

    // The hint followed: the same kind of certificate, made for a server.
    let (server, server_key) =
        openssl_self_signed_with(dir.path(), "server", "IP:127.0.0.1", &["extendedKeyUsage=serverAuth,clientAuth"]);
    let rig = https_rig(&server, &server_key, &archive);
    rig.gover().env("GOVER_CA_FILE", &server).args(["install", "1.22.10"]).assert().success();
}

#[test]
fn an_unusable_gover_home_is_exit_8_before_anything_and_the_hint_fixes_it() {
    let sb = Sandbox::new();
    sb.install_shims();
    sb.fake_version("go1.22.10");
    sb.pin("1.22");
    let file = sb.root().join("a-file");
    std::fs::write(&file, "").unwrap();
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("a file", Some(file.to_str().unwrap()), "it is a file"),
        ("relative", Some("relative/gover"), "relative path"),
        ("under a file", Some(&format!("{}/sub", file.display())), "cannot be created"),
        ("--home /proc/nope", None, "kernel filesystem"),
    ];
    for (name, env, words) in cases {
        for args in [&["list"][..], &["current"], &["install", "1.22"], &["use", "1.22"]] {
            let mut cmd = sb.gover();
            match env {
                Some(home) => cmd.env("GOVER_HOME", home),
                None => cmd.args(["--home", "/proc/nope"]),
            };
            let out = cmd.args(args).write_stdin("").output().unwrap();
            assert_eq!(out.status.code(), Some(8), "{name}, {args:?}: {}", stderr(&out));
            assert!(stderr(&out).starts_with("error: GOVER_HOME="), "{name}: {}", stderr(&out));
            assert!(stderr(&out).contains(words), "{name}: {}", stderr(&out));
            assert!(!stderr(&out).contains("no Go versions installed"));
        }
    }
    // doctor runs, and reports it.
    let out = sb.doctor(&["--json"]).env("GOVER_HOME", &file).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("permissions.gover-home-unusable"), "{}", stderr(&out));
    // The shim does not send the user to `gover install` either.
    let out = sb.shim("go").env("GOVER_HOME", &file).arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(!stderr(&out).contains("gover install"), "{}", stderr(&out));
    let out = sb.shim("go").env("GOVER_HOME", "relative").arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));

    // The hint, followed: GOVER_HOME="$HOME/.local/share/gover".
    assert!(help(&out).contains("GOVER_HOME=\"$HOME/.local/share/gover\""), "{}", help(&out));
    let followed = sb.home.join(".local/share/gover");
    sb.gover()
        .env("GOVER_HOME", &followed)
        .arg("list")
        .assert()
        .success()
        .stdout(predicates::str::contains("go1.22.10"));
    sb.shim("go").env("GOVER_HOME", &followed).arg("version").assert().success();
}

#[test]
fn a_deleted_working_directory_is_exit_8_with_help() {
    let sb = Sandbox::new();
    sb.install_shims();
    sb.fake_version("go1.22.10");
    let run = |program: &Path, args: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("mkdir gone && cd gone && rmdir ../gone && exec \"$0\" {args}"))
            .arg(program)
            .env_clear()
            .envs(sb.env())
            .current_dir(&sb.work)
            .output()
            .unwrap()
    };
    for out in [run(Path::new(env!("CARGO_BIN_EXE_gover")), "current"), run(&sb.shims_dir().join("go"), "version")] {
        assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
        assert_eq!(help(&out), "cd into a directory that exists");
    }
}

#[test]
fn an_exported_gover_home_stays_out_of_usage_lines() {
    let sb = Sandbox::new();
    for args in [&["use"][..], &["shell"], &["list", "--remote", "banana", "extra"]] {
        let out = sb.gover().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let usage = stderr(&out).lines().find(|l| l.starts_with("Usage:")).unwrap_or_default().to_string();
        assert!(!usage.is_empty() && !usage.contains("--home"), "{args:?}: {}", stderr(&out));
    }
}

/// Runs the `gover …` command a hint names (up to a `;`, `)` or the end; each of an `a && b`
/// chain) in the rig, the way a user would copy it; the output of the last.
fn follow(rig: &Rig, hint: &str) -> Output {
    let start = hint.find("gover ").unwrap_or_else(|| panic!("no gover command in {hint:?}"));
    let command = hint[start..].split([';', ')']).next().unwrap();
    let mut last = None;
    for step in command.split("&&") {
        let args: Vec<&str> = step.split_whitespace().skip(1).collect();
        let out = rig.gover().args(&args).output().unwrap();
        assert!(out.status.success() || last.is_none() && step == command, "{step}: {}", stderr(&out));
        last = Some(out);
    }
    last.unwrap()
}

#[test]
fn hints_for_versions_that_do_not_exist_or_are_not_installed_work_when_followed() {
    let rig = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive)]);

    // install 1.99: the nearest release, which installs.
    let out = rig.gover().args(["install", "1.99"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(help(&out), "gover install 1.22.10");
    let followed = follow(&rig, &help(&out));
    assert!(followed.status.success(), "{}", stderr(&followed));

    // use 1.99: not "run gover install 1.99" (exit 4 again), but a release that exists.
    let out = rig.gover().args(["use", "1.99"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(help(&out), "gover use --install 1.22.10");
    assert!(follow(&rig, &help(&out)).status.success());
    assert_eq!(std::fs::read_to_string(rig.sb.work.join(".go-version")).unwrap(), "1.22.10\n");
    let out = rig.gover().args(["global", "1.99"]).output().unwrap();
    assert_eq!((out.status.code(), help(&out).as_str()), (Some(4), "gover global --install 1.22.10"));

    // uninstall of what is not installed: the hint lists what is.
    let out = rig.gover().args(["uninstall", "1.23"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let listed = follow(&rig, &help(&out));
    assert!(listed.status.success() && String::from_utf8_lossy(&listed.stdout).contains("go1.22.10"));

    // A toolchain line that is not a version: the hint shows the line's form, which works.
    std::fs::remove_file(rig.sb.work.join(".go-version")).unwrap();
    let gomod = rig.sb.work.join("go.mod");
    std::fs::write(&gomod, "module example.com/x\n\ngo 1.22\n\ntoolchain banana\n").unwrap();
    let out = rig.gover().arg("current").output().unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(help(&out).contains("`toolchain go1.22.10`"), "{}", help(&out));
    std::fs::write(&gomod, "module example.com/x\n\ngo 1.22\n\ntoolchain go1.22.10\n").unwrap();
    rig.gover().arg("current").assert().success();
}

/// What asdf and gvm users type first gets an answer that works: `gover exec go version`
/// (no version) runs with the version in effect here; a release that does not exist names the
/// nearest that do (for 1.20, 1.21.13, the next one up), for `exec` as for `install` and
/// `shell`; `gover install system` says what system is here.
#[test]
fn habits_from_asdf_and_gvm_get_answers_that_work() {
    let rig = Rig::http();
    let releases = ["go1.21.13", "go1.22.10", "go1.23.9"];
    rig.publish(&releases.map(|v| IndexEntry::new(v, common::releases::release_archive(v))));
    rig.sb.fake_version("go1.22.10");
    rig.sb.pin("1.22");

    let out = rig.gover().args(["exec", "go", "version"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.22.10 args=version"), "{out:?}");
    // A misspelt version is still refused as one, not run as a program.
    rig.gover().args(["exec", "1.2x", "go", "version"]).assert().code(2);

    let out = rig.gover().args(["exec", "1.99", "go", "version"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("the nearest that exist: go1.21.13, go1.22.10, go1.23.9"), "{}", stderr(&out));
    assert_eq!(help(&out), "gover install 1.23.9");
    assert!(follow(&rig, &help(&out)).status.success());

    let out = rig.gover().args(["shell", "--print-for", "bash", "1.20"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(help(&out), "gover install 1.21.13");
    assert!(follow(&rig, &help(&out)).status.success());
    rig.gover().args(["shell", "--print-for", "bash", "1.21"]).assert().success();

    // `system`: what it is here, with and without a go outside gover on PATH.
    let system = rig.sb.root().join("usr-bin");
    common::write_executable(&system.join("go"), "#!/bin/sh\necho go version go1.19 linux/amd64\n");
    let out = rig
        .gover()
        .env("PATH", format!("{}:{}", system.display(), rig.sb.path_with_shims()))
        .args(["install", "system"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: `system` is not installed by gover\n"), "{err}");
    assert!(err.contains(&format!("here that is {}", system.join("go").display())), "{err}");
    let out = rig.gover().args(["install", "system"]).output().unwrap();
    assert!(stderr(&out).contains("here there is none"), "{}", stderr(&out));
    assert!(follow(&rig, &help(&out)).status.success());
}

#[test]
fn output_is_consistent_quiet_json_and_go_names() {
    let sb = Sandbox::new();
    sb.install_shims();
    let root = sb.fake_version("go1.22.10");
    // A trailing comment, as .tool-versions allows.
    std::fs::write(sb.work.join(".go-version"), "1.22.10 # the team's pin\n").unwrap();
    sb.gover().args(["-q", "current"]).assert().success().stdout("go1.22.10\n");
    sb.gover().args(["current", "--bare"]).assert().success().stdout("go1.22.10\n");
    let json: serde_json::Value =
        serde_json::from_slice(&sb.gover().args(["current", "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(json["version"], "go1.22.10");
    assert_eq!(json["path"], root.display().to_string());
    assert_eq!(json["source"]["path"], sb.work.join(".go-version").display().to_string());
    let json: serde_json::Value =
        serde_json::from_slice(&sb.gover().args(["which", "gofmt", "--json"]).output().unwrap().stdout).unwrap();
    assert_eq!(json["path"], root.join("bin/gofmt").display().to_string());
    assert_eq!((json["tool"].as_str(), json["version"].as_str()), (Some("gofmt"), Some("go1.22.10")));

    // Versions named as Go names them, and --unset says what go runs now.
    sb.gover().args(["global", "1.22.10"]).assert().success();
    sb.gover().arg("global").assert().success().stdout("go1.22.10\n");
    let out = sb.gover().args(["global", "--unset"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        stderr(&out),
        "removed the global default (go1.22.10); where nothing is pinned, go now fails: there is no go on PATH \
         besides gover's shims (gover global <version> sets one)\n"
    );

    // An empty .go-version is not skipped in silence.
    let inner = sb.work.join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::write(inner.join(".go-version"), "\n").unwrap();
    let out = sb.gover().arg("current").current_dir(&inner).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with(&format!("warning: {} names no version", inner.join(".go-version").display())));

    // Not a version prefix: a usage error whose hint works.
    let rig = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive)]);
    let out = rig.gover().args(["list", "--remote", "banana"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let hint = help(&out);
    let listed = follow(&rig, hint.split('(').nth(1).unwrap().trim_end_matches(')'));
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "go1.22.10  (stable)\n");
}

#[test]
fn errors_are_coloured_like_warnings_on_a_terminal_unless_no_color() {
    let sb = Sandbox::new();
    let on_terminal = |no_color: bool| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &format!("{} use banana", env!("CARGO_BIN_EXE_gover")), "/dev/null"])
            .env_clear()
            .envs(sb.env())
            .env("TERM", "xterm")
            .current_dir(&sb.work);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    assert!(
        on_terminal(false).contains("\x1b[1;31merror\x1b[0m: \"banana\" is not a Go version"),
        "{:?}",
        on_terminal(false)
    );
    assert!(on_terminal(true).starts_with("error: \"banana\""), "{:?}", on_terminal(true));
    // Piped: plain.
    let out = sb.gover().args(["use", "banana"]).output().unwrap();
    assert!(stderr(&out).starts_with("error: "));
}

/// Each row of the exit-code table (docs/src/exit-codes.md), produced by a real command (130 and 143 by the
/// Ctrl-C and SIGTERM tests above, 101 by tests/suite/doctor.rs's crashed check), and no code the
/// table does not list.
#[test]
fn every_exit_code_in_the_documented_table_is_what_gover_returns() {
    let chapter =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src/exit-codes.md")).unwrap();
    let table = chapter.split("## Exit codes").nth(1).unwrap().split("\n## ").next().unwrap();
    let documented: Vec<i32> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(" |").next())
        .flat_map(|codes| codes.split(", ").filter_map(|c| c.trim().parse().ok()).collect::<Vec<i32>>())
        .collect();

    let rig = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive.clone())]);
    rig.gover().args(["install", "1.22.10"]).assert().success();
    let run = |args: &[&str], setup: &dyn Fn(&mut assert_cmd::Command)| {
        let mut cmd = rig.gover();
        setup(&mut cmd);
        cmd.args(args).output().unwrap()
    };
    let none = |_: &mut assert_cmd::Command| {};
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let file = rig.sb.root().join("a-file");
    std::fs::write(&file, "").unwrap();
    // The administrator's (root's, as this test runs) policy allows only 1.23.
    let policy = rig.sb.root().join("policy.toml");
    std::fs::write(&policy, "[versions]\nallowed = [\"1.23\"]\n").unwrap();
    let mut seen = vec![
        (0, run(&["list"], &none)),
        // The global default is not removed without --force.
        (1, run(&["uninstall", "1.22.10"], &none)),
        (2, run(&["use", "banana"], &none)),
        // (`exec 1.21` names the nearest release instead, 4: the index has no 1.21.)
        (
            3,
            run(&["current"], &|c| {
                c.env("GOVER_VERSION", "1.21");
            }),
        ),
        (4, run(&["install", "1.99"], &none)),
        (
            5,
            run(&["install", "1.23"], &|c| {
                c.env("GOVER_INDEX_URL", format!("http://{dead}/")).env_remove("GOVER_DIST_URL");
            }),
        ),
        (
            7,
            run(&["current"], &|c| {
                c.env("GOVER_VERSION", "banana");
            }),
        ),
        (
            8,
            run(&["list"], &|c| {
                c.env("GOVER_HOME", &file);
            }),
        ),
        (
            9,
            run(&["use", "1.22.10"], &|c| {
                c.env("GOVER_POLICY_FILE", &policy);
            }),
        ),
    ];
    let bad = Rig::http();
    bad.publish(&[IndexEntry { sha256: Some("0".repeat(64)), ..IndexEntry::new(V, archive) }]);
    seen.push((6, bad.gover().args(["install", "1.22.10"]).output().unwrap()));
    for (code, out) in &seen {
        assert_eq!(out.status.code(), Some(*code), "{}", stderr(out));
        if *code != 0 {
            assert!(stderr(out).starts_with("error: ") && stderr(out).contains("\nhelp: "), "{code}: {}", stderr(out));
        }
    }
    let mut tested: Vec<i32> = seen.iter().map(|(c, _)| *c).chain([101, 130, 143]).collect();
    tested.sort();
    assert_eq!(tested, documented, "the documented table and the codes gover returns");
}

#[test]
fn an_install_is_on_disk_before_its_rename_and_the_rename_before_it_reports() {
    if !common::require("strace") {
        return;
    }
    let rig = Rig::http();
    let (_, archive) = big_release(V, 4, 4096);
    rig.publish(&[IndexEntry::new(V, archive)]);
    let calls = rig.durability_calls(&["install", "1.22.10"]);
    let staging = rig.sb.gover_home.join("staging").join(V);
    let versions = rig.sb.gover_home.join("versions");
    let position = |what: &dyn Fn(&str) -> bool| calls.iter().position(|l| what(l));
    let rename = position(&|l| l.contains("rename") && l.contains(&format!("{}\"", staging.display())))
        .unwrap_or_else(|| panic!("no rename of the staging tree in:\n{}", calls.join("\n")));
    assert!(calls[rename].contains(&format!("{}\"", versions.join(V).display())), "{}", calls[rename]);
    // The whole tree (files and directories) flushed before: syncfs on the staging tree.
    let synced =
        position(&|l| l.contains("syncfs(") && l.contains(&format!("<{}>", staging.display())) && l.ends_with("= 0"));
    assert!(synced.is_some_and(|s| s < rename), "syncfs before the rename:\n{}", calls.join("\n"));
    // The rename itself made durable: fsync of versions/ after it.
    let dir_synced =
        calls[rename..].iter().any(|l| l.contains("fsync(") && l.contains(&format!("<{}>", versions.display())));
    assert!(dir_synced, "fsync of versions/ after the rename:\n{}", calls.join("\n"));
}

/// An ext4 filesystem in a file, on a loop device, for a power cut without a VM.
struct LoopDisk {
    mount: std::path::PathBuf,
    image: std::path::PathBuf,
}

impl LoopDisk {
    fn new(dir: &Path) -> Option<LoopDisk> {
        let (image, mount) = (dir.join("disk.img"), dir.join("disk"));
        std::fs::create_dir_all(&mount).unwrap();
        let sh = |script: &str| {
            std::process::Command::new("sh").arg("-c").arg(script).arg("sh").arg(&image).arg(&mount).output().unwrap()
        };
        let made = sh("truncate -s 96M \"$1\" && mkfs.ext4 -q \"$1\"");
        assert!(made.status.success(), "{}", stderr(&made));
        let mounted = sh("mount -o loop \"$1\" \"$2\"");
        if !mounted.status.success() {
            common::skip(&format!("cannot mount a loop device here: {}", stderr(&mounted).trim()));
            return None;
        }
        Some(LoopDisk { mount, image })
    }

    /// Power goes off: the filesystem stops at once, and whatever it had not made durable is
    /// lost (ext4's shutdown ioctl without flushing its journal: fstests' `godown`).
    fn cut_power(&self) {
        use std::os::fd::AsRawFd;
        const EXT4_IOC_SHUTDOWN: libc::c_ulong = 0x8004_587D;
        const NOLOGFLUSH: u32 = 2;
        let dir = std::fs::File::open(&self.mount).unwrap();
        // SAFETY: a directory on the filesystem to shut down, and a u32 flag, as the ioctl takes.
        let done = unsafe { libc::ioctl(dir.as_raw_fd(), EXT4_IOC_SHUTDOWN, &NOLOGFLUSH) };
        assert_eq!(done, 0, "shutdown: {}", std::io::Error::last_os_error());
    }

    /// Power back on: unmount what is left and mount again (the journal replays).
    fn restart(&self) {
        // A child another test forks at that moment can hold the mount busy for an instant.
        let unmounted = (0..50).any(|_| {
            let done = std::process::Command::new("umount").arg(&self.mount).status().unwrap().success();
            if !done {
                std::thread::sleep(Duration::from_millis(100));
            }
            done
        });
        assert!(unmounted, "cannot unmount {}", self.mount.display());
        let status =
            std::process::Command::new("mount").arg("-o").arg("loop").arg(&self.image).arg(&self.mount).status();
        assert!(status.unwrap().success());
    }
}

impl Drop for LoopDisk {
    fn drop(&mut self) {
        // Lazily: detached now even if busy, so no mount outlives the test.
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

#[test]
fn an_install_survives_a_power_cut_right_after_it_reports_success() {
    if unsafe { libc::geteuid() } != 0 {
        common::skip("mounting a loop device needs root");
        return;
    }
    let rig = Rig::http();
    let Some(disk) = LoopDisk::new(rig.sb.root()) else { return };
    let (entries, archive) = big_release(V, 24, 64 * 1024);
    rig.publish(&[IndexEntry::new(V, archive)]);
    let home = disk.mount.join("gover");
    rig.gover().env("GOVER_HOME", &home).args(["install", "1.22.10"]).assert().success();
    disk.cut_power();
    disk.restart();
    // What gover reported installed is there, whole, after the power came back.
    let root = disk.mount.join("gover/versions").join(V);
    for entry in &entries {
        if let common::releases::Entry::File { path, data, .. } = entry {
            let file = root.join(path.strip_prefix("go/").unwrap());
            assert_eq!(std::fs::read(&file).ok().as_ref(), Some(data), "{} after the power cut", file.display());
        }
    }
}

/// The `help:` lines that name a gover command, each followed: the command works, and the
/// failure it answered is gone.
#[test]
fn help_lines_that_name_a_command_work_when_followed() {
    let rig = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    let older = "go1.22.9";
    let (_, older_archive) = big_release(older, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive), IndexEntry::new(older, older_archive)]);
    let expect = |args: &[&str], code: i32, hint: &str| {
        let out = rig.gover().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert_eq!(help(&out), hint, "{args:?}");
        out
    };
    rig.sb.install_shims();

    // Nothing installed, nothing on PATH: go says how to get one; done, go works.
    let out = rig.sb.shim("go").envs(rig.env()).arg("version").output().unwrap();
    assert_eq!(help(&out), "run gover install latest && gover global latest");
    follow(&rig, &help(&out));
    rig.sb.shim("go").envs(rig.env()).arg("version").assert().success();

    // `system` cannot be installed; the release the hint names can.
    let out = expect(
        &["install", "system"],
        2,
        "install that go with the system's package manager, or name a release: gover install 1.22",
    );
    assert!(follow(&rig, &help(&out)).status.success());
    // Not a version: what versions look like, and one of those works.
    expect(
        &["use", "banana"],
        2,
        "versions look like 1.22 (newest 1.22.x), 1.22.10, go1.23rc1, latest, stable, oldstable or system",
    );
    rig.gover().args(["use", "1.22"]).assert().success();
    std::fs::remove_file(rig.sb.work.join(".go-version")).unwrap();

    // A pin to a release that exists but is not installed: go says to install it; done, go works.
    rig.sb.pin("1.22.9");
    let out = rig.sb.shim("go").envs(rig.env()).arg("version").output().unwrap();
    assert_eq!((out.status.code(), help(&out).as_str()), (Some(3), "run gover install 1.22.9"));
    follow(&rig, &help(&out));
    rig.sb.shim("go").envs(rig.env()).arg("version").assert().success().stdout(predicates::str::contains(older));
    std::fs::remove_file(rig.sb.work.join(".go-version")).unwrap();

    // uninstall: one version only, named exactly; the global default only with --force.
    expect(&["uninstall", "1.22"], 2, "name the exact one: gover uninstall <version>");
    rig.gover().args(["uninstall", older]).assert().success();
    let out = expect(
        &["uninstall", "banana"],
        2,
        "give the exact version, as gover list shows it: gover uninstall go1.22.10",
    );
    let _ = out;
    let out = rig.gover().args(["uninstall", V]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let hint = help(&out);
    assert!(hint.ends_with(&format!("or run gover uninstall --force {V}")), "{hint}");
    let forced = rig.gover().args(["uninstall", "--force", V]).output().unwrap();
    assert!(forced.status.success() && !rig.version_dir(V).exists(), "{}", stderr(&forced));

    // The shims gone: which --shim says how to get them back.
    std::fs::remove_dir_all(rig.sb.shims_dir()).unwrap();
    expect(&["which", "--shim"], 3, "run gover install <version> (or gover setup) to create the shims");
    rig.gover().args(["setup", "--no-modify-rc"]).assert().success();
    rig.gover().args(["which", "--shim"]).assert().success();

    // implode off a terminal: the hint's --yes.
    let out = expect(&["implode"], 2, "to remove without asking: gover implode --yes");
    let followed = follow(&rig, &help(&out));
    assert!(followed.status.success(), "{}", stderr(&followed));
    assert!(!rig.sb.gover_home.exists());
}

/// Hints that name a setting rather than a command: following them works.
#[test]
fn help_lines_that_name_a_setting_work_when_followed() {
    let rig = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive.clone())]);

    // An unreadable GOVER_CA_FILE: point it at a PEM file, or unset it.
    let out = rig.gover().env("GOVER_CA_FILE", "/nonexistent.pem").args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert_eq!(help(&out), "point GOVER_CA_FILE at a PEM file of CA certificates, or unset it");
    rig.gover().env_remove("GOVER_CA_FILE").args(["list", "--remote"]).assert().success();

    // A server slower than the read timeout: set GOVER_HTTP_TIMEOUT higher.
    let slow = Fault::Trickle { chunk: archive.len() / 2 + 1, pause: Duration::from_millis(1300) };
    rig.server.route(&archive_path(V), Reply::bytes(archive.clone()).fault(slow).ignore_range());
    let out = rig.gover().env("GOVER_HTTP_TIMEOUT", "1").args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(help(&out).contains("set GOVER_HTTP_TIMEOUT (seconds) higher"), "{}", help(&out));
    rig.gover().env("GOVER_HTTP_TIMEOUT", "5").args(["install", "1.22.10"]).assert().success();
}

/// Hints about the environment gover runs in, followed.
#[test]
fn help_lines_about_the_environment_work_when_followed() {
    let sb = Sandbox::new();
    // Neither GOVER_HOME nor HOME: set GOVER_HOME.
    let out = sb.gover().env_remove("HOME").env_remove("GOVER_HOME").arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert_eq!(help(&out), "set GOVER_HOME=/path/to/gover-home");
    sb.gover().env_remove("HOME").arg("list").assert().success();
    // setup without HOME: --no-modify-rc.
    let out = sb.gover().env_remove("HOME").arg("setup").output().unwrap();
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert_eq!(help(&out), "set HOME, or pass --no-modify-rc");
    sb.gover().env_remove("HOME").args(["setup", "--no-modify-rc"]).assert().success();
    // A gover without its shim beside it (a hand-copied binary): GOVER_SHIM_BINARY.
    std::fs::remove_dir_all(sb.shims_dir()).unwrap();
    let lone = sb.root().join("lone/gover");
    std::fs::create_dir_all(lone.parent().unwrap()).unwrap();
    if std::fs::hard_link(env!("CARGO_BIN_EXE_gover"), &lone).is_err() {
        std::fs::copy(env!("CARGO_BIN_EXE_gover"), &lone).unwrap();
    }
    let setup = |shim: Option<&Path>| {
        let mut cmd = std::process::Command::new(&lone);
        cmd.env_clear()
            .envs(sb.env())
            .env_remove("GOVER_SHIM_BINARY")
            .current_dir(&sb.work)
            .args(["setup", "--no-modify-rc"]);
        if let Some(shim) = shim {
            cmd.env("GOVER_SHIM_BINARY", shim);
        }
        cmd.output().unwrap()
    };
    let out = setup(None);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert_eq!(help(&out), "reinstall gover with install.sh, or set GOVER_SHIM_BINARY to the gover-shim binary");
    let out = setup(Some(&common::shim_binary()));
    assert!(out.status.success(), "{}", stderr(&out));
    sb.gover().arg("setup").assert().success();
    assert!(sb.shims_dir().join("go").is_file());
}

/// Network hints name the setting to change; changing it to a working server works.
#[test]
fn network_help_lines_work_when_followed() {
    let good = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    good.publish(&[IndexEntry::new(V, archive.clone())]);
    let bad = Rig::http();
    bad.publish(&[IndexEntry::new(V, archive.clone())]);
    let install = |rig: &Rig, vars: &[(&str, String)]| {
        let mut cmd = rig.gover();
        cmd.env_remove("GOVER_RETRY_DELAY_MS").env("GOVER_RETRY_DELAY_MS", "1");
        for (name, value) in vars {
            cmd.env(name, value);
        }
        cmd.args(["install", "1.22.10"]).output().unwrap()
    };
    let good_dist = ("GOVER_DIST_URL", good.server.url("/dl/"));
    let good_index = ("GOVER_INDEX_URL", good.server.url("/index.json"));

    // The mirror lacks the archive (404), or keeps failing (503): another GOVER_DIST_URL.
    for status in [404, 503] {
        bad.server.route(&archive_path(V), Reply::status(status));
        let out = install(&bad, &[]);
        assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
        assert!(help(&out).contains("GOVER_DIST_URL"), "{status}: {}", help(&out));
        assert!(install(&bad, std::slice::from_ref(&good_dist)).status.success());
        bad.gover().args(["uninstall", "--force", V]).assert().success();
        std::fs::remove_dir_all(bad.sb.gover_home.join("downloads")).unwrap();
    }
    // The index is a login page, or not an index at all: another GOVER_INDEX_URL (with no
    // saved copy of the index to fall back on).
    bad.server.route(&archive_path(V), Reply::bytes(archive.clone()));
    for reply in [Reply::html("<html>Sign in</html>"), Reply::bytes("{\"not\": \"an index\"}")] {
        bad.server.route("/index.json", reply);
        let _ = std::fs::remove_dir_all(bad.sb.gover_home.join("cache"));
        let out = bad.gover().args(["install", "1.22"]).output().unwrap();
        assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
        assert!(help(&out).contains("GOVER_INDEX_URL"), "{}", help(&out));
        let followed = [good_index.clone(), good_dist.clone()];
        bad.gover().envs(followed).args(["install", "1.22"]).assert().success();
        bad.gover().args(["uninstall", "--force", V]).assert().success();
    }
}

#[test]
fn a_mirror_without_checksum_files_hint_works_when_followed() {
    // No index within reach: an exact version is checked against the .sha256 file of a mirror
    // the user trusts.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let (_, archive) = big_release(V, 1, 1024);
    let sums = format!("{}.sha256", archive_path(V));
    let (bad, good) = (Rig::http(), Rig::http());
    for (rig, sha) in [(&bad, "<html>not here</html>".to_string()), (&good, common::releases::sha256_hex(&archive))] {
        rig.server.route(&archive_path(V), Reply::bytes(archive.clone()));
        rig.server.route(&sums, Reply::bytes(sha));
    }
    let install = |dist: String| {
        bad.gover()
            .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
            .env("GOVER_TRUST_MIRROR", "1")
            .env("GOVER_DIST_URL", dist)
            .args(["install", "1.22.10"])
            .output()
            .unwrap()
    };
    let out = install(bad.server.url("/dl/"));
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(help(&out).starts_with("check GOVER_DIST_URL; the mirror should serve <archive>.sha256 files"));
    let out = install(good.server.url("/dl/"));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_private_ca_hint_works_when_followed() {
    let rig = Rig::new(common::server::Server::https());
    let (_, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive)]);
    let out = rig.gover().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("cause: the server's certificate is not trusted"), "{}", stderr(&out));
    assert_causes_in_words(&out);
    assert!(help(&out).contains("GOVER_CA_FILE=/path/to/ca.pem"), "{}", help(&out));
    let ca = rig.sb.root().join("ca.pem");
    std::fs::write(&ca, rig.server.ca_pem()).unwrap();
    rig.gover().env("GOVER_CA_FILE", &ca).args(["install", "1.22.10"]).assert().success();
}

/// More hints, each followed: what they name works.
#[test]
fn more_help_lines_work_when_followed() {
    let rig = Rig::http();
    let (_, archive) = big_release(V, 1, 1024);
    rig.publish(&[IndexEntry::new(V, archive)]);
    let run = |args: &[&str], vars: &[(&str, String)]| {
        let mut cmd = rig.gover();
        cmd.args(args).env("GOVER_RETRY_DELAY_MS", "1").write_stdin("");
        for (name, value) in vars {
            cmd.env(name, value);
        }
        cmd.output().unwrap()
    };
    let expect = |out: &Output, code: i32, hint: &str| {
        assert_eq!(out.status.code(), Some(code), "{}", stderr(out));
        assert!(help(out).starts_with(hint), "{}", stderr(out));
    };

    // A GOVER_CA_FILE without a certificate in it: the PEM blocks it should contain.
    let empty = rig.sb.root().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    expect(&run(&["list", "--remote"], &[("GOVER_CA_FILE", empty.display().to_string())]), 8, "it should contain");
    let https = common::server::Server::https();
    std::fs::write(&empty, https.ca_pem()).unwrap();
    assert!(run(&["list", "--remote"], &[("GOVER_CA_FILE", empty.display().to_string())]).status.success());

    // Nothing listens where the index should be: behind a proxy, HTTPS_PROXY (HTTP_PROXY for
    // a plain http URL) reaches it.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let index = ("GOVER_INDEX_URL", format!("http://{dead}/index.json"));
    let out = run(&["list", "--remote"], std::slice::from_ref(&index));
    expect(&out, 5, "check the network connection; behind a proxy set HTTPS_PROXY");
    let proxied = run(&["list", "--remote"], &[index.clone(), ("HTTP_PROXY", rig.server.url(""))]);
    assert!(proxied.status.success(), "{}", stderr(&proxied));

    // A redirect loop, and an endless body: the URL to check, and the right one works.
    rig.server.route("/loop.json", Reply::redirect("/loop.json"));
    rig.server.route("/huge.json", Reply::repeat(b' ', 70 << 20));
    for (path, hint) in [
        ("/loop.json", "the server or a proxy keeps redirecting; check HTTPS_PROXY and the URL"),
        ("/huge.json", "check GOVER_INDEX_URL / GOVER_DIST_URL / GOPROXY: this does not look like a Go release server"),
    ] {
        expect(&run(&["list", "--remote"], &[("GOVER_INDEX_URL", rig.server.url(path))]), 5, hint);
    }
    assert!(run(&["list", "--remote"], &[("GOVER_INDEX_URL", rig.server.url("/index.json"))]).status.success());

    // import and shell: what a version looks like, and one that does works.
    expect(&run(&["import", "gvm", "banana"], &[]), 2, "write it as 1.22 or 1.22.10");
    assert!(run(&["import", "gvm", "1.22"], &[]).status.code() != Some(2));
    rig.gover().args(["install", "1.22.10"]).assert().success();
    expect(&run(&["shell", "--print-for", "bash", "banana"], &[]), 2, "give a version such as 1.22");
    assert!(run(&["shell", "--print-for", "bash", "1.22"], &[]).status.success());

    // implode on a GOVER_HOME that holds HOME: check GOVER_HOME; the real one is removed.
    let out = run(&["implode", "--yes"], &[("GOVER_HOME", rig.sb.root().display().to_string())]);
    expect(&out, 8, "check GOVER_HOME; gover implode removes that whole directory");
    assert!(rig.sb.home.exists());
    assert!(run(&["implode", "--yes"], &[]).status.success());
    assert!(!rig.sb.gover_home.exists() && rig.sb.home.exists());
}
