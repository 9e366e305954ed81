//! `gover upgrade`: newest patches installed, exact pins (`.go-version`, `.tool-versions`,
//! mise's files) moved with doctor's backups (so `doctor --undo` restores them byte for byte),
//! partial pins and go.mod left alone, and a line left only when `--to` asks.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::releases::{release_archive, IndexEntry};
use common::rig::Rig;
use common::snapshot;
use common::{help, stderr};

fn rig() -> Rig {
    Rig::serving(&["go1.22.10", "go1.22.12", "go1.23.9"])
}

/// The pin files a user might have: CRLF, no final newline, other tools, a partial pin and
/// a go.mod toolchain line.
fn plant_pins(rig: &Rig) -> BTreeMap<PathBuf, Vec<u8>> {
    let work = &rig.sb.work;
    let files: [(&str, &str); 5] = [
        (".go-version", "# team pin\r\ngo1.22.10\r\n"),
        ("svc/.tool-versions", "nodejs 20.1.0\ngolang 1.22.10 1.21.13 # ci"),
        ("lib/.go-version", "1.22\n"),
        ("go.mod", "module example.com/app\n\ngo 1.22\n\ntoolchain go1.22.10\n"),
        ("old/.go-version", "1.21.13\n"),
    ];
    for (rel, content) in files {
        let path = work.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    pins(rig)
}

/// Every pin file and go.mod under the sandbox, and the global default.
fn pins(rig: &Rig) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = snapshot(&rig.sb.work);
    files.insert(rig.sb.gover_home.join("global"), fs::read(rig.sb.gover_home.join("global")).unwrap());
    files
}

#[test]
fn pins_move_with_a_dry_run_first_and_doctor_undo_puts_them_back_byte_for_byte() {
    let rig = rig();
    rig.gover().args(["install", "1.22.10"]).assert().success();
    let before = plant_pins(&rig);
    assert_eq!(before[&rig.sb.gover_home.join("global")], b"go1.22.10\n");

    let everything = snapshot(rig.sb.root());
    let out = rig.gover().args(["upgrade", "--pins", "--recursive", "--dry-run"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1.22: go1.22.10 -> go1.22.12\n"), "{stdout}");
    assert!(stdout.contains("-go1.22.10\r\n+go1.22.12\r\n"), "the diff shows the change:\n{stdout}");
    assert!(stdout.contains("go get toolchain@go1.22.12"), "{stdout}");
    assert!(stdout.contains("dry run: nothing was installed or changed"), "{stdout}");
    assert_eq!(snapshot(rig.sb.root()), everything, "a dry run changed something");

    let out = rig.gover().args(["upgrade", "--pins", "--recursive"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(rig.version_dir("go1.22.12").join("bin/go").is_file());
    let after = pins(&rig);
    let text = |rel: &str| String::from_utf8(after[&rig.sb.work.join(rel)].clone()).unwrap();
    assert_eq!(text(".go-version"), "# team pin\r\ngo1.22.12\r\n");
    assert_eq!(text("svc/.tool-versions"), "nodejs 20.1.0\ngolang 1.22.12 1.21.13 # ci");
    assert_eq!(text("lib/.go-version"), "1.22\n", "a partial pin follows by itself");
    assert_eq!(text("old/.go-version"), "1.21.13\n", "another line is not crossed");
    assert_eq!(text("go.mod"), "module example.com/app\n\ngo 1.22\n\ntoolchain go1.22.10\n", "go.mod is the project's");
    assert_eq!(after[&rig.sb.gover_home.join("global")], b"go1.22.12\n");
    assert!(stdout.contains("undo with `gover doctor --undo`"), "{stdout}");

    rig.gover().args(["doctor", "--undo"]).assert().success();
    assert_eq!(pins(&rig), before, "doctor --undo is byte-exact");
}

#[test]
fn without_pins_only_the_newest_patches_are_installed_and_lines_are_kept() {
    let rig = rig();
    rig.gover().args(["install", "1.22.10"]).assert().success();
    rig.sb.pin("1.22.10");
    let out = rig.gover().arg("upgrade").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(rig.version_dir("go1.22.12").is_dir());
    assert!(!rig.version_dir("go1.23.9").exists(), "upgrade left the 1.22 line");
    assert_eq!(fs::read_to_string(rig.sb.work.join(".go-version")).unwrap(), "1.22.10\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".go-version pins an older release exactly; gover upgrade --pins moves it"), "{stderr}");

    // Again: nothing new.
    let out = rig.gover().arg("upgrade").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("1.22: go1.22.12 is the newest"));
}

#[test]
fn to_crosses_a_line_when_asked_and_moves_partial_pins_too() {
    let rig = rig();
    rig.gover().args(["install", "1.22.10"]).assert().success();
    rig.sb.pin("1.22");
    rig.gover().args(["upgrade", "1.22", "--to", "1.23", "--pins"]).assert().success();
    assert!(rig.version_dir("go1.23.9").is_dir());
    assert_eq!(fs::read_to_string(rig.sb.work.join(".go-version")).unwrap(), "1.23\n");
    assert_eq!(fs::read_to_string(rig.sb.gover_home.join("global")).unwrap(), "go1.23.9\n");

    rig.gover().args(["upgrade", "1.22.10"]).assert().code(2);
    rig.gover().args(["upgrade", "1.30"]).assert().code(4);
}

/// mise's files as their users write them: CRLF and comments, other tools and `[env]`, an
/// option before the version in an inline table, the `[tools.go]` form, a partial pin, and an
/// array whose first version is another line's.
#[test]
fn mise_pins_move_too_and_doctor_undo_puts_them_back_byte_for_byte() {
    let rig = rig();
    rig.gover().args(["install", "1.22.10"]).assert().success();
    let work = &rig.sb.work;
    let gopls = r#"postinstall = "go install golang.org/x/tools/gopls@v0.16.2""#;
    let files = [
        (
            "mise.toml".to_string(),
            format!(
                "# team tools\r\n[env]\r\nGOFLAGS = \"-mod=mod\"\r\n\r\n[tools]\r\nnode = \"20\"\r\ngo = {{ {gopls}, version = \
                 \"1.22.10\" }} # pinned"
            ),
        ),
        ("svc/.mise.toml".into(), "[tools.go]\nversion = '1.22.10'\n".into()),
        ("lib/mise.toml".into(), "[tools]\ngo = \"1.22\"\n".into()),
        ("old/mise.local.toml".into(), "[tools]\ngo = [\"1.21.13\", \"1.22.10\"]\n".into()),
    ];
    for (rel, content) in &files {
        let path = work.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    let before = pins(&rig);

    let everything = snapshot(rig.sb.root());
    let out = rig.gover().args(["upgrade", "--pins", "--recursive", "--dry-run"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("+version = '1.22.12'\n"), "the diff shows the change:\n{stdout}");
    assert_eq!(snapshot(rig.sb.root()), everything, "a dry run changed something");

    let out = rig.gover().args(["upgrade", "--pins", "--recursive"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = |rel: &str| fs::read_to_string(work.join(rel)).unwrap();
    assert_eq!(
        text("mise.toml"),
        format!(
            "# team tools\r\n[env]\r\nGOFLAGS = \"-mod=mod\"\r\n\r\n[tools]\r\nnode = \"20\"\r\ngo = {{ {gopls}, version = \
             \"1.22.12\" }} # pinned"
        ),
        "only the version word changes"
    );
    assert_eq!(text("svc/.mise.toml"), "[tools.go]\nversion = '1.22.12'\n");
    assert_eq!(text("lib/mise.toml"), "[tools]\ngo = \"1.22\"\n", "a partial pin follows by itself");
    assert_eq!(text("old/mise.local.toml"), "[tools]\ngo = [\"1.21.13\", \"1.22.10\"]\n", "its pin is 1.21.13");
    // The moved pin is what runs here now.
    let out = rig.gover().args(["current", "--json"]).output().unwrap();
    let current: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(current["version"], "go1.22.12", "{current}");
    assert_eq!(current["source"]["path"], work.join("mise.toml").display().to_string(), "{current}");

    rig.gover().args(["doctor", "--undo"]).assert().success();
    assert_eq!(pins(&rig), before, "doctor --undo is byte-exact");
}

/// What `GOVER_HOME/backups` holds.
fn backups(rig: &Rig) -> usize {
    fs::read_dir(rig.sb.gover_home.join("backups")).map(|d| d.count()).unwrap_or(0)
}

/// Ctrl-C while the first of two new patches downloads: exit 130, the second not even asked
/// for, no pin moved and no backup made, the part downloaded kept; the same command resumes the
/// download, installs both and moves the pins.
#[test]
fn ctrl_c_while_upgrade_installs_moves_no_pin_and_the_same_command_completes() {
    use common::server::{Fault, Reply};
    use std::time::{Duration, Instant};
    let rig = rig();
    let releases = ["go1.21.12", "go1.21.13", "go1.22.10", "go1.22.12"];
    rig.publish(&releases.map(|v| IndexEntry::new(v, release_archive(v))));
    rig.gover().args(["install", "1.21.12", "1.22.10"]).assert().success();
    let before = plant_pins(&rig);
    let archive = release_archive("go1.21.13");
    let path = common::rig::archive_path("go1.21.13");
    let trickle = Fault::Trickle { chunk: archive.len() / 40 + 1, pause: Duration::from_millis(50) };
    rig.server.once(&path, Reply::bytes(archive.clone()).fault(trickle));

    let child = rig.spawn(&["upgrade", "--pins", "--recursive"]);
    let partial = rig.partial("go1.21.13");
    let deadline = Instant::now() + Duration::from_secs(20);
    while fs::metadata(&partial).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "the download never began");
        std::thread::sleep(Duration::from_millis(10));
    }
    let killed = std::process::Command::new("kill").arg("-INT").arg(child.id().to_string()).status();
    assert!(killed.unwrap().success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("interrupted by Ctrl-C; the upgrade stopped before moving any pin"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        help(&out),
        "run the same command to resume (the part downloaded so far is kept in GOVER_HOME/downloads)"
    );
    assert_eq!(stderr(&out).matches("interrupted").count(), 1, "{}", stderr(&out));
    let second = common::rig::archive_path("go1.22.12");
    assert_eq!(rig.server.hits(&second), 0, "the second release was not started");
    assert_eq!(pins(&rig), before, "no pin moved");
    assert_eq!(backups(&rig), 0, "no backup made");
    assert!(!rig.version_dir("go1.21.13").exists());
    let kept = fs::read(&partial).unwrap();
    assert!(!kept.is_empty() && kept.len() < archive.len());

    // The hint: the same command, which asks only for the rest and moves the pins.
    let out = rig.gover().args(["upgrade", "--pins", "--recursive"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let range = format!("bytes={}-", kept.len());
    let resumed =
        rig.server.requests().into_iter().any(|r| r.target == path && r.headers.iter().any(|(_, v)| *v == range));
    assert!(resumed, "the download resumed with {range}");
    assert!(rig.version_dir("go1.21.13").join("bin/go").is_file());
    assert!(rig.version_dir("go1.22.12").join("bin/go").is_file());
    assert_eq!(fs::read_to_string(rig.sb.work.join(".go-version")).unwrap(), "# team pin\r\ngo1.22.12\r\n");
}

/// A rig with both 1.22 patches installed (so an upgrade only moves pins) and the pins planted,
/// with what they held; None (the skip recorded) where strace is missing.
fn pins_to_move_under_strace() -> Option<(Rig, BTreeMap<PathBuf, Vec<u8>>)> {
    if !common::require("strace") {
        return None;
    }
    let rig = rig();
    rig.gover().args(["install", "1.22.10", "1.22.12"]).assert().success();
    let before = plant_pins(&rig);
    Some((rig, before))
}

/// SIGTERM while the pins move, delivered (by strace, for a deterministic moment) as the second
/// pin file is backed up: that file is still written whole, the third is not touched, exit
/// 143 naming what did not move. Both ways out of the hint work: the same command moves the
/// rest, and `gover doctor --undo` (once per run) puts every pin back byte for byte.
#[test]
fn sigterm_while_upgrade_moves_pins_stops_between_files_and_both_hints_work() {
    let Some((rig, before)) = pins_to_move_under_strace() else { return };
    // The order pins are moved in: the global default, this directory's, those below.
    let (global, here, below) =
        (rig.sb.gover_home.join("global"), rig.sb.work.join(".go-version"), rig.sb.work.join("svc/.tool-versions"));
    let out = std::process::Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-P"])
        .arg(&here)
        // Its second open: the first is the plan's read, the second the backup's, just before
        // the file is rewritten.
        .args(["-e", "trace=openat", "-e", "inject=openat:signal=TERM:when=2"])
        .arg(env!("CARGO_BIN_EXE_gover"))
        .args(["upgrade", "--pins", "--recursive"])
        .env_clear()
        .envs(rig.env())
        .current_dir(&rig.sb.work)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted by SIGTERM; the upgrade stopped moving pins"), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("not moved: {}", below.display())), "{}", stderr(&out));
    assert_eq!(help(&out), "run the same command to move the rest; gover doctor --undo puts back those moved");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("changed {}", here.display())), "{stdout}");
    assert_eq!(fs::read_to_string(&global).unwrap(), "go1.22.12\n");
    assert_eq!(fs::read_to_string(&here).unwrap(), "# team pin\r\ngo1.22.12\r\n");
    assert_eq!(fs::read(&below).unwrap(), before[&below], "the third pin is not touched");
    let leftovers: Vec<_> =
        common::snapshot(&rig.sb.work).into_keys().filter(|p| p.to_string_lossy().contains(".gover-")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The same command moves the rest.
    let out = rig.gover().args(["upgrade", "--pins", "--recursive"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&below).unwrap(), "nodejs 20.1.0\ngolang 1.22.12 1.21.13 # ci");
    // doctor --undo, for this run and then the interrupted one, puts every pin back.
    for _ in 0..2 {
        rig.gover().args(["doctor", "--undo"]).assert().success();
    }
    assert_eq!(pins(&rig), before, "doctor --undo is byte-exact");
}

/// A pin is replaced only once its backup is on disk: the copy written to a temporary file,
/// fsynced, renamed into the backup directory, and that directory (and `backups/`, which got a
/// new directory) fsynced, all before the rename onto the pin; so neither Ctrl-C nor a power
/// cut can leave a backup that would restore a truncated pin.
#[test]
fn a_pin_is_replaced_only_once_its_backup_is_on_disk() {
    let Some((rig, _)) = pins_to_move_under_strace() else { return };
    let calls = rig.durability_calls(&["upgrade", "--pins"]);
    let backups = rig.sb.gover_home.join("backups");
    let backup = fs::read_dir(&backups).unwrap().flatten().next().unwrap().path();
    let position = |what: &dyn Fn(&str) -> bool| {
        calls.iter().position(|l| what(l)).unwrap_or_else(|| panic!("not found in:\n{}", calls.join("\n")))
    };
    let here = rig.sb.work.join(".go-version");
    let pin_renamed = position(&|l| l.contains("rename") && l.contains(&format!("\"{}\"", here.display())));
    let copy_renamed =
        position(&|l| l.contains("rename") && l.contains(&backup.display().to_string()) && l.contains("go-version\""));
    let copy_synced = position(&|l| {
        l.contains("fsync(") && l.contains(&backup.display().to_string()) && l.contains("go-version.gover-")
    });
    let dir_synced = |dir: &Path, from: usize| {
        calls[from..pin_renamed].iter().any(|l| l.contains("fsync(") && l.contains(&format!("<{}>)", dir.display())))
    };
    assert!(copy_synced < copy_renamed && copy_renamed < pin_renamed, "{}", calls.join("\n"));
    assert!(dir_synced(&backup, copy_renamed), "{}", calls.join("\n"));
    assert!(dir_synced(&backups, 0), "{}", calls.join("\n"));
}
