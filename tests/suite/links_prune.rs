//! `gover link` (toolchains gover did not install, by a name) and `gover prune` (removing
//! what nothing needs), through the real `gover` and shim binaries.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{link_copy, real_go_tree, snapshot, write_executable, Sandbox};
use common::{stderr, stdout};
use predicates::prelude::*;

/// A stand-in Go tree outside GOVER_HOME whose go answers `go version` as a real one does.
fn fake_tree(s: &Sandbox, rel: &str, reports: &str) -> PathBuf {
    let root = s.root().join(rel);
    write_executable(
        &root.join("bin/go"),
        &format!(
            "#!/bin/sh\n[ \"$1\" = version ] && echo 'go version {reports} linux/amd64'\necho \"GOROOT=$GOROOT\"\n"
        ),
    );
    root
}

#[test]
fn a_linked_tree_runs_through_the_shim_with_its_own_goroot_and_unlinking_leaves_it_untouched() {
    let s = Sandbox::new();
    let fork = s.root().join("opt/go-fork");
    link_copy(&real_go_tree("go1.22.10"), &fork);
    let before = snapshot(&fork);

    s.gover()
        .args(["link", "my-fork"])
        .arg(&fork)
        .assert()
        .success()
        .stdout(format!("linked my-fork -> {} (go1.22.10)\n", fork.display()));
    s.pin("my-fork");
    s.shim("go").arg("version").assert().success().stdout("go version go1.22.10 linux/amd64\n");
    s.shim("go").args(["env", "GOROOT"]).assert().success().stdout(format!("{}\n", fork.display()));
    s.gover().args(["current", "--bare"]).assert().success().stdout("my-fork\n");
    s.gover()
        .args(["exec", "my-fork", "--", "go", "env", "GOROOT"])
        .current_dir(s.root())
        .assert()
        .success()
        .stdout(format!("{}\n", fork.display()));
    // The global default, where nothing is pinned.
    s.gover().args(["global", "my-fork"]).assert().success();
    s.shim("go")
        .args(["env", "GOROOT"])
        .current_dir(s.root())
        .assert()
        .success()
        .stdout(format!("{}\n", fork.display()));
    s.gover()
        .arg("list")
        .assert()
        .success()
        .stdout(format!("* my-fork -> {}  (go1.22.10, the global default)\n", fork.display()));

    // The global default's link stays unless --force, as a version would.
    s.gover().args(["uninstall", "my-fork"]).assert().code(1).stderr(predicate::str::contains("global default"));
    s.gover()
        .args(["uninstall", "--force", "my-fork"])
        .assert()
        .success()
        .stdout(format!("removed the link my-fork; {} is untouched\n", fork.display()));
    assert!(fs::symlink_metadata(s.gover_home.join("links/my-fork")).is_err());
    assert_eq!(snapshot(&fork), before, "the linked tree is byte for byte what it was");
    s.shim("go").arg("version").assert().code(7).stderr(format!(
        "error: cannot use {0}, line 1\n  cause: my-fork is neither a Go version nor a linked toolchain\nhelp: name \
         the tree it means with gover link my-fork /path/to/its/goroot, or fix or remove {0}; it should hold one \
         version such as 1.22.10\n",
        s.work.join(".go-version").display()
    ));
}

#[test]
fn bad_link_dirs_fail_in_one_line_with_a_hint() {
    let s = Sandbox::new();
    let no_go = s.root().join("empty");
    fs::create_dir_all(no_go.join("bin")).unwrap();
    let not_executable = s.root().join("noexec");
    fs::create_dir_all(not_executable.join("bin")).unwrap();
    fs::write(not_executable.join("bin/go"), "#!/bin/sh\n").unwrap();
    let file = s.write("a-file", "");
    let fails = s.root().join("fails");
    write_executable(&fails.join("bin/go"), "#!/bin/sh\necho 'broken' >&2\nexit 1\n");
    for (dir, why) in [
        (&no_go, format!("{} has no bin/go", no_go.display())),
        (&not_executable, format!("{} is not executable", not_executable.join("bin/go").display())),
        (&file, format!("{} is a file, not a directory", file.display())),
        (&s.root().join("missing"), format!("{} does not exist", s.root().join("missing").display())),
        (&fails, format!("{} does not run", fails.join("bin/go").display())),
    ] {
        let out = s.gover().args(["link", "x"]).arg(dir).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(lines[0].starts_with(&format!("error: cannot link x: {why}")), "{err}");
        assert!(lines[1].starts_with("help: name the root of a Go tree, the directory holding bin/go"), "{err}");
    }
    assert!(!s.gover_home.join("links/x").exists());
}

#[test]
fn link_names_cannot_mean_a_version_and_do_not_clash() {
    let s = Sandbox::new();
    let tree = fake_tree(&s, "trees/a", "go1.23.9");
    for name in ["1.22", "go1.22.10", "latest", "stable", "oldstable", "system", "go", "a/b", "..", "9lives", "my fork"]
    {
        s.gover()
            .args(["link", name])
            .arg(&tree)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(format!("error: cannot link {name:?}: ")))
            .stderr(predicate::str::contains("help: choose a name such as my-fork"));
    }
    s.gover().args(["link", "gotip"]).arg(&tree).assert().success();
    let other = fake_tree(&s, "trees/b", "devel go1.24-3a1b2c4 Tue Jan 7 12:00:00 2025 +0000");
    let out = s.gover().args(["link", "gotip"]).arg(&other).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let hint = format!(
        "help: to point it at the new tree, run gover link --force gotip {}; or choose another name\n",
        other.display()
    );
    assert_eq!(stderr(&out), format!("error: gotip is already linked to {}\n{hint}", tree.display()));
    // Following the hint points the name at the other tree; a gotip build's version is shown as go says it.
    s.gover()
        .args(["link", "--force", "gotip"])
        .arg(&other)
        .assert()
        .success()
        .stdout(format!("linked gotip -> {} (devel go1.24-3a1b2c4 Tue Jan 7 12:00:00 2025 +0000)\n", other.display()));
    // A VERSION file that disagrees with what go reports (a tree rebuilt since) is said, and
    // go's word taken.
    fs::write(tree.join("VERSION"), "go1.21.0\ntime 2024-01-01T00:00:00Z\n").unwrap();
    s.gover().args(["link", "--force", "gotip"]).arg(&tree).assert().success().stderr(format!(
        "warning: {}/VERSION says go1.21.0, but its go reports go1.23.9; gover goes by what go reports\n",
        tree.display()
    ));
    // A name nothing is linked as is no version for use, and no pin is written.
    s.gover().args(["use", "gotipp"]).assert().code(2).stderr(predicate::str::contains("is not a Go version"));
    assert!(!s.work.join(".go-version").exists());
}

#[test]
fn doctor_reports_a_link_whose_tree_is_gone() {
    let s = Sandbox::new();
    let tree = fake_tree(&s, "trees/fork", "go1.22.10");
    s.gover().args(["link", "fork"]).arg(&tree).assert().success();
    fs::remove_dir_all(&tree).unwrap();
    let out = s.doctor(&["--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<&serde_json::Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["id"] == "versions.link-broken").collect();
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(
        found[0]["title"],
        format!("the toolchain linked as fork cannot run: {} does not exist", tree.display())
    );
    let fix = found[0]["fix"]["text"].as_str().unwrap();
    assert!(fix.contains("gover link --force fork NEWDIR") && fix.contains("gover uninstall fork"), "{fix}");
    // Following the fix: the name goes, and so does the finding.
    s.gover().args(["uninstall", "fork"]).assert().success();
    let out = s.doctor(&["--json"]).output().unwrap();
    assert!(!stdout(&out).contains("versions.link-broken"));
}

/// Makes a planted version look installed long ago and never run since.
fn age(s: &Sandbox, version: &str) {
    let dir = s.gover_home.join("versions").join(version);
    assert!(std::process::Command::new("touch").args(["-d", "200 days ago"]).arg(&dir).status().unwrap().success());
}

fn versions(s: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(s.gover_home.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn prune_keeps_the_global_default_linked_pinned_and_recent_versions_and_removes_the_rest() {
    let s = Sandbox::new();
    s.install_shims();
    for v in ["go1.20", "go1.21.13", "go1.22.9", "go1.22.10", "go1.23.9"] {
        s.fake_version(v);
        age(&s, v);
    }
    fs::write(s.gover_home.join("global"), "1.23.9\n").unwrap();
    // A partial pin keeps what it resolves to (the newest 1.22.x), not the whole line.
    let app = s.root().join("src/app");
    fs::create_dir_all(app.join("cmd")).unwrap();
    fs::write(app.join(".go-version"), "1.22\n").unwrap();
    // Run through the shim today.
    s.shim("go").env("GOVER_VERSION", "1.20").current_dir(s.root()).assert().success();
    // A tree outside GOVER_HOME stays whatever happens; a link into versions/ keeps that version.
    let outside = fake_tree(&s, "trees/fork", "go1.22.10");
    s.gover().args(["link", "fork"]).arg(&outside).assert().success();
    write_executable(
        &s.gover_home.join("versions/go1.21.13/bin/go"),
        "#!/bin/sh\necho 'go version go1.21.13 linux/amd64'\n",
    );
    s.gover().args(["link", "old"]).arg(s.gover_home.join("versions/go1.21.13")).assert().success();
    age(&s, "go1.21.13");
    let downloads = s.gover_home.join("downloads");
    fs::create_dir_all(&downloads).unwrap();
    fs::write(downloads.join("go1.22.9.linux-amd64.tar.gz"), vec![7u8; 20_000]).unwrap();
    let outside_before = snapshot(&outside);

    let list = s.gover().args(["list", "--json", "--size"]).current_dir(s.root()).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert!(rows.as_array().unwrap().iter().all(|r| r["size"].as_u64().unwrap() > 0), "{rows}");

    let prune = |dry: bool| {
        let mut cmd = s.gover();
        cmd.arg("prune").arg("--keep-pins-under").arg(s.root().join("src")).current_dir(s.root());
        if dry {
            cmd.arg("--dry-run");
        }
        cmd.output().unwrap()
    };
    let dry = prune(true);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let before = versions(&s);
    assert_eq!(before.len(), 5);
    assert!(downloads.join("go1.22.9.linux-amd64.tar.gz").exists(), "a dry run removes nothing");

    let out = prune(false);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert!(lines[0].starts_with("removed go1.22.9 (") && lines[0].ends_with("KiB)"), "{said}");
    assert!(lines[1].starts_with(&format!("removed {} (", downloads.join("go1.22.9.linux-amd64.tar.gz").display())));
    assert!(lines[2].starts_with("freed ") && lines[2].ends_with(" in total"), "{said}");
    // The dry run said the same, as what it would do.
    assert_eq!(stdout(&dry), said.replace("removed ", "would remove ").replace("freed ", "would free "));
    let kept = stderr(&out);
    for line in [
        "kept go1.20: used today".to_string(),
        "kept go1.21.13: gover link named it old".into(),
        format!("kept go1.22.10: set by {}", app.join(".go-version").display()),
        "kept go1.23.9: the global default".into(),
    ] {
        assert!(kept.contains(&line), "{line:?} in {kept}");
    }
    assert_eq!(versions(&s), ["go1.20", "go1.21.13", "go1.22.10", "go1.23.9"]);
    assert_eq!(fs::read_dir(&downloads).unwrap().count(), 0);
    assert_eq!(snapshot(&outside), outside_before);
    assert!(s.gover_home.join("links/fork").exists());

    // Nothing left to remove: said so.
    s.gover()
        .args(["prune", "--unused-for", "1d", "--keep-pins-under"])
        .arg(s.root().join("src"))
        .current_dir(s.root())
        .assert()
        .success()
        .stdout("nothing to remove\n");
    // Without the window and the pins, go1.20 and go1.22.10 go too.
    let out = s.gover().args(["prune", "--unused-for", "0"]).current_dir(s.root()).output().unwrap();
    assert!(out.status.success());
    assert_eq!(versions(&s), ["go1.21.13", "go1.23.9"]);
}

#[test]
fn prune_keeps_a_version_a_running_process_uses() {
    let s = Sandbox::new();
    let root = s.fake_version("go1.22.9");
    let sleep = root.join("bin/sleep");
    fs::copy("/bin/sleep", &sleep).unwrap();
    age(&s, "go1.22.9");
    let mut child = std::process::Command::new(&sleep).arg("30").spawn().unwrap();
    let out = s.gover().args(["prune", "--unused-for", "0"]).output().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: kept go1.22.9"), "{}", stderr(&out));
    assert!(stderr(&out).contains("go1.22.9 is in use by 1 running process"), "{}", stderr(&out));
    assert!(root.join("bin/go").exists());
    // Once it has finished, the next prune removes it.
    s.gover()
        .args(["prune", "--unused-for", "0"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("removed go1.22.9 ("));
    assert!(!Path::new(&root).exists());
}

#[test]
fn a_link_follows_the_trust_rule_of_pin_files() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    // Whoever can change a linked tree decides what runs wherever it is pinned.
    let theirs = fake_tree(&s, "trees/theirs", "go1.22.10");
    let owned = std::process::Command::new("chown").args(["-R", "65534:65534"]).arg(&theirs).status().unwrap();
    assert!(owned.success());
    s.gover().args(["link", "theirs"]).arg(&theirs).assert().code(8).stderr(format!(
        "error: cannot link theirs: {} belongs to uid 65534, neither you nor root, so they could change what it \
         runs\nhelp: link a copy of your own (cp -a the tree into your home directory)\n",
        theirs.display()
    ));
    let open = fake_tree(&s, "trees/open", "go1.22.10");
    fs::set_permissions(open.join("bin"), fs::Permissions::from_mode(0o777)).unwrap();
    s.gover()
        .args(["link", "open"])
        .arg(&open)
        .assert()
        .code(8)
        .stderr(predicate::str::contains(format!("{} is writable by every user", open.join("bin").display())));
    // Following the hint: a copy of one's own links.
    let copy = s.root().join("trees/mine");
    let copied = std::process::Command::new("cp").arg("-a").arg(&theirs).arg(&copy).status().unwrap();
    assert!(copied.success());
    let owned = std::process::Command::new("chown").args(["-R", "0:0"]).arg(&copy).status().unwrap();
    assert!(owned.success());
    s.gover().args(["link", "mine"]).arg(&copy).assert().success();
    assert!(!s.gover_home.join("links/theirs").exists() && !s.gover_home.join("links/open").exists());

    // A pin naming a link counts only where any pin would: not in another user's directory.
    s.install_shims();
    s.fake_version("go1.21.13");
    fs::write(s.gover_home.join("global"), "1.21.13\n").unwrap();
    let project = s.work.join("theirs");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join(".go-version"), "mine\n").unwrap();
    s.shim("go").current_dir(&project).assert().success().stdout(format!("GOROOT={}\n", copy.display()));
    let owned = std::process::Command::new("chown").args(["65534:65534"]).arg(&project).status().unwrap();
    assert!(owned.success());
    s.shim("go")
        .current_dir(&project)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("go go1.21.13"))
        .stderr(predicate::str::contains("neither you nor root, so another user may have planted it"));
}
