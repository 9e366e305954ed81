//! Several users at once: eight concurrent installs of one version and of eight versions
//! download each archive once and all succeed; installs racing uninstalls leave a complete
//! tree or none; uninstall refuses to pull a tree out from under a go that runs from it.

use crate::common;

use std::fs;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::releases::{release_entries, tar_gz, Entry, IndexEntry};
use common::rig::{archive_path, big_release, Rig};
use common::server::{Fault, Reply};

fn slow(archive: &[u8]) -> Reply {
    Reply::bytes(archive.to_vec())
        .fault(Fault::Trickle { chunk: archive.len() / 10 + 1, pause: Duration::from_millis(20) })
}

fn wait_all(children: Vec<std::process::Child>) -> Vec<Output> {
    children.into_iter().map(|c| c.wait_with_output().unwrap()).collect()
}

fn text(outputs: &[Output], pick: impl Fn(&Output) -> &Vec<u8>) -> String {
    outputs.iter().map(|o| String::from_utf8_lossy(pick(o)).into_owned()).collect()
}

#[test]
fn eight_installs_of_one_version_download_it_once() {
    let rig = Rig::http();
    let (entries, archive) = big_release("go1.22.10", 40, 8 << 10);
    rig.publish(&[IndexEntry::new("go1.22.10", archive.clone())]);
    rig.server.route(&archive_path("go1.22.10"), slow(&archive));

    let outputs = wait_all((0..8).map(|_| rig.spawn(&["install", "1.22"])).collect());
    for out in &outputs {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(rig.server.hits(&archive_path("go1.22.10")), 1, "one download");
    let stdout = text(&outputs, |o| &o.stdout);
    assert_eq!(stdout.matches("installed go1.22.10 in").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("go1.22.10 is already installed").count(), 7, "{stdout}");
    let stderr = text(&outputs, |o| &o.stderr);
    assert_eq!(stderr.matches("is now the global default").count(), 1, "{stderr}");
    rig.assert_installed("go1.22.10", &entries);
    rig.assert_no_leftovers();
}

#[test]
fn eight_installs_of_eight_versions_at_once() {
    let rig = Rig::http();
    let versions: Vec<String> = (1..=8).map(|i| format!("go1.2{i}.0")).collect();
    let releases: Vec<(Vec<Entry>, Vec<u8>)> = versions.iter().map(|v| big_release(v, 20, 8 << 10)).collect();
    let index: Vec<IndexEntry> =
        versions.iter().zip(&releases).map(|(v, (_, archive))| IndexEntry::new(v, archive.clone())).collect();
    rig.publish(&index);
    for (v, (_, archive)) in versions.iter().zip(&releases) {
        rig.server.route(&archive_path(v), slow(archive));
    }

    let outputs = wait_all(versions.iter().map(|v| rig.spawn(&["install", v])).collect());
    for out in &outputs {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for (v, (entries, _)) in versions.iter().zip(&releases) {
        assert_eq!(rig.server.hits(&archive_path(v)), 1, "{v} downloaded once");
        rig.assert_installed(v, entries);
    }
    // Each of them found no default and tried to set one: exactly one did.
    let stderr = text(&outputs, |o| &o.stderr);
    assert_eq!(stderr.matches("is now the global default").count(), 1, "{stderr}");
    let global = fs::read_to_string(rig.sb.gover_home.join("global")).unwrap();
    assert!(stderr.contains(&format!("note: {} is now the global default", global.trim())), "{stderr}");
    rig.sb.shim("go").arg("version").assert().success().stdout(format!("go version {} fake/arch\n", global.trim()));
    rig.assert_no_leftovers();
}

#[test]
fn installs_racing_uninstalls_leave_a_whole_tree_or_none() {
    let rig = Rig::http();
    let (entries, archive) = big_release("go1.22.9", 40, 8 << 10);
    rig.publish(&[
        IndexEntry::new("go1.22.10", tar_gz(&release_entries("go1.22.10"))),
        IndexEntry::new("go1.22.9", archive),
    ]);
    // The global default is another version, so uninstall has no reason to refuse.
    rig.gover().args(["install", "1.22.10"]).assert().success();
    for round in 0..3 {
        let children: Vec<_> = (0..8)
            .map(|i| {
                let args: &[&str] = if i % 2 == 0 { &["install", "1.22.9"] } else { &["uninstall", "1.22.9"] };
                rig.spawn(args)
            })
            .collect();
        for out in wait_all(children) {
            // An uninstall that finds nothing to remove says so (3 when it was never there).
            assert!(matches!(out.status.code(), Some(0 | 3)), "round {round}: {out:?}");
        }
        if rig.version_dir("go1.22.9").exists() {
            rig.assert_installed("go1.22.9", &entries);
        }
        rig.assert_no_leftovers();
    }
}

/// A release whose bin/go is a real program (sleep), so that a running "go" has its
/// executable inside the tree, as a real go and the compile it starts do.
fn sleeping_release(version: &str) -> Vec<u8> {
    let mut entries = release_entries(version);
    entries.retain(|e| !matches!(e, Entry::File { path, .. } if path == "go/bin/go"));
    entries.push(Entry::File { path: "go/bin/go".into(), mode: 0o755, data: fs::read("/bin/sleep").unwrap() });
    tar_gz(&entries)
}

#[test]
fn uninstall_refuses_while_a_go_runs_from_the_version() {
    let rig = Rig::http();
    rig.publish(&[
        IndexEntry::new("go1.22.10", tar_gz(&release_entries("go1.22.10"))),
        IndexEntry::new("go1.22.9", sleeping_release("go1.22.9")),
    ]);
    rig.gover().args(["install", "1.22.10", "1.22.9"]).assert().success();
    let run_go = |seconds: &str| {
        let child = Command::new(rig.sb.shims_dir().join("go"))
            .env_clear()
            .envs(rig.sb.env())
            .env("GOVER_VERSION", "1.22.9")
            .arg(seconds)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Through the shim, which execs the version's bin/go in its place.
        let exe = format!("/proc/{}/exe", child.id());
        let started = Instant::now();
        while !fs::read_link(&exe).is_ok_and(|p| p.starts_with(rig.version_dir("go1.22.9"))) {
            assert!(started.elapsed() < Duration::from_secs(5), "the shim should exec the version's go");
            std::thread::sleep(Duration::from_millis(5));
        }
        child
    };

    let mut go = run_go("30");
    let out = rig.gover().args(["uninstall", "1.22.9"]).output().unwrap();
    common::rig::assert_explained(&out, 1, &["go1.22.9 is in use by 1 running process", &format!("pid {}", go.id())]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "help: removing it now would break them mid-build; wait for them to finish (or stop them) and run gover \
         uninstall go1.22.9 again, or use --force"
    ));
    assert!(rig.version_dir("go1.22.9").join("bin/go").is_file(), "the tree is untouched");
    assert!(go.try_wait().unwrap().is_none(), "the running go goes on");
    go.kill().unwrap();
    go.wait().unwrap();
    // The hint followed: once it has stopped, the same uninstall works.
    rig.gover().args(["uninstall", "1.22.9"]).assert().success().stdout("removed go1.22.9\n");

    // --force removes it all the same.
    rig.gover().args(["install", "1.22.9"]).assert().success();
    let mut go = run_go("30");
    rig.gover().args(["uninstall", "--force", "1.22.9"]).assert().success();
    assert!(!rig.version_dir("go1.22.9").exists());
    go.kill().unwrap();
    go.wait().unwrap();
    rig.assert_no_leftovers();
}

/// The real thing: a `go build` of real Go 1.21 through the shim, compiling the standard
/// library into an empty cache, while `gover uninstall` runs: refused, and the build finishes.
#[test]
fn uninstall_refuses_during_a_real_go_build() {
    let rig = Rig::http();
    let root = rig.version_dir("go1.21.13");
    common::link_copy(&common::real_go_tree("go1.21.13"), &root);
    rig.sb.install_shims();
    let project = rig.sb.work.join("app");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join("go.mod"), "module example.com/app\n\ngo 1.21\n").unwrap();
    fs::write(project.join("main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(200) }\n").unwrap();
    let mut build = Command::new(rig.sb.shims_dir().join("go"))
        .env_clear()
        .envs(rig.sb.env())
        .env("GOVER_VERSION", "1.21.13")
        .env("GOCACHE", rig.sb.root().join("gocache"))
        .env("GOPATH", rig.sb.root().join("gopath"))
        .env("GOPROXY", "off")
        .args(["build", "-o", "app", "."])
        .current_dir(&project)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the go command has a compiler of the release running.
    let tools = fs::canonicalize(root.join("pkg/tool")).unwrap();
    let started = Instant::now();
    let compiling = || {
        fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .any(|e| fs::read_link(e.path().join("exe")).is_ok_and(|exe| exe.starts_with(&tools)))
    };
    while !compiling() {
        assert!(build.try_wait().unwrap().is_none(), "the build ended before a compiler was seen");
        assert!(started.elapsed() < Duration::from_secs(60), "no compiler seen");
        std::thread::sleep(Duration::from_millis(2));
    }
    let out = rig.gover().args(["uninstall", "1.21.13"]).output().unwrap();
    common::rig::assert_explained(&out, 1, &["go1.21.13 is in use", &format!("pid {}", build.id())]);

    let built = build.wait_with_output().unwrap();
    assert!(built.status.success(), "the build broke: {}", String::from_utf8_lossy(&built.stderr));
    let ran = Command::new(project.join("app")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "200\n");
    rig.gover().args(["uninstall", "1.21.13"]).assert().success();
    assert!(!root.exists());
}
