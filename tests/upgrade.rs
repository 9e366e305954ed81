//! `gover upgrade`: newest patches installed, exact pins moved with doctor's backups (so
//! `doctor --undo` restores them byte for byte), partial pins and go.mod left alone, and a
//! line left only when `--to` asks.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use common::releases::{release_archive, IndexEntry};
use common::rig::Rig;
use common::snapshot;

fn rig() -> Rig {
    let rig = Rig::http();
    let entries: Vec<IndexEntry> =
        ["go1.22.10", "go1.22.12", "go1.23.9"].iter().map(|v| IndexEntry::new(v, release_archive(v))).collect();
    rig.publish(&entries);
    rig
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
