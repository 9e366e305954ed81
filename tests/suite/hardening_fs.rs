//! GOVER_HOME on filesystems that fight back: a full disk, a read-only one (another user's
//! directory, a read-only mount), one other than the temp dir's, and versions/ on another
//! filesystem than the rest. Mounting needs root (the machine's and CI's user); where mount
//! is not permitted the test says so and passes.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::releases::{release_archive, IndexEntry};
use common::rig::{assert_explained, big_release, Rig};

/// A tmpfs mounted for the life of the value.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(path)
            .output()
            .unwrap();
        if !out.status.success() {
            common::skip(&format!("cannot mount a tmpfs here: {}", String::from_utf8_lossy(&out.stderr).trim()));
            return None;
        }
        Some(Tmpfs { path: path.to_path_buf() })
    }

    fn remount(&self, options: &str) {
        let status =
            Command::new("mount").args(["-o", &format!("remount,{options}")]).arg(&self.path).status().unwrap();
        assert!(status.success());
    }
}

/// The path of the `error: cannot <verb> <path>` line (test paths have no spaces).
fn failed_path(out: &std::process::Output) -> PathBuf {
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.starts_with("error: cannot ")).unwrap_or_else(|| panic!("{err}"));
    PathBuf::from(line.rsplit(' ').next().unwrap())
}

/// Runs a hint's command, such as `df -h`, on `path` (or, as a user would once gover has
/// cleaned up, on the nearest directory above it that exists); its output.
fn run_on(command: &str, path: &Path) -> String {
    let path = path.ancestors().find(|p| p.exists()).unwrap();
    let mut words = command.split_whitespace();
    let out = Command::new(words.next().unwrap()).args(words).arg(path).output().unwrap();
    assert!(out.status.success(), "{command} {}: {out:?}", path.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[test]
fn a_full_disk_fails_cleanly_or_installs_without_the_cache() {
    let rig = Rig::http();
    let Some(_disk) = Tmpfs::mount(&rig.sb.gover_home, "2m") else { return };
    // 3 MB that does not compress: it cannot fit at all.
    let (_, too_big) = big_release("go1.22.10", 375, 8 << 10);
    // 1.2 MB: fits once, but not twice (unpacked tree and cached archive).
    let (fits_once, tight) = big_release("go1.22.9", 150, 8 << 10);
    rig.publish(&[IndexEntry::new("go1.22.10", too_big), IndexEntry::new("go1.22.9", tight)]);
    // The debug build's shim (5 MB) alone would not fit: a small stand-in, never run here.
    let gover = || {
        let mut cmd = rig.gover();
        cmd.env("GOVER_SHIM_BINARY", "/bin/true");
        cmd
    };

    let out = gover().args(["install", "1.22.10"]).output().unwrap();
    assert_explained(&out, 8, &["No space left on device", "free some space on that filesystem (df -h shows it)"]);
    rig.assert_clean("go1.22.10", &[]);
    // The hint followed: df -h shows the small filesystem, and a GOVER_HOME on a larger one works.
    let df = run_on("df -h", &failed_path(&out));
    assert!(df.contains("tmpfs") && df.contains("2.0M"), "{df}");
    let larger = rig.sb.root().join("larger");
    gover().env("GOVER_HOME", &larger).args(["install", "1.22.10"]).assert().success();
    assert!(larger.join("versions/go1.22.10").is_dir());

    // The cache copy gives its space back the moment it fails, and the install goes on.
    gover().args(["install", "1.22.9"]).assert().success();
    rig.assert_installed("go1.22.9", &fits_once);
    rig.assert_no_leftovers();
    assert!(!rig.sb.gover_home.join("downloads").join(common::releases::archive_name("go1.22.9")).exists());
}

/// The rig's sandbox readable by everyone, so another user can run gover in it.
fn open_to_others(rig: &Rig) {
    for dir in [rig.sb.root(), rig.sb.home.as_path(), rig.sb.work.as_path()] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn another_users_gover_home_is_read_only_to_them() {
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new("go1.22.10", release_archive("go1.22.10"))]);
    rig.gover().args(["install", "1.22.10"]).assert().success();
    open_to_others(&rig);
    let before = common::rig::walk(rig.sb.root());
    let as_nobody = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_gover"))
            .args(args)
            .env_clear()
            .envs(rig.env())
            .current_dir(&rig.sb.work)
            .output()
            .unwrap()
    };
    let probe = as_nobody(&["--version"]);
    if !probe.status.success() {
        common::skip(&format!("cannot run as uid 65534: {}", String::from_utf8_lossy(&probe.stderr).trim()));
        return;
    }
    // Reading works: list, and go through the shim.
    let list = as_nobody(&["list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("go1.22.10"), "{list:?}");
    let shim = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(rig.sb.shims_dir().join("go"))
        .arg("version")
        .env_clear()
        .envs(rig.env())
        .current_dir(&rig.sb.work)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&shim.stdout), "go version go1.22.10 fake/arch\n");
    // Writing fails with a clear error and changes nothing.
    rig.publish(&[IndexEntry::new("go1.22.9", release_archive("go1.22.9"))]);
    let out = as_nobody(&["install", "1.22.9"]);
    assert_explained(&out, 8, &["Permission denied", "check the owner and mode of it and of its directory (ls -ld)"]);
    assert_explained(&as_nobody(&["uninstall", "--force", "1.22.10"]), 8, &["Permission denied"]);
    assert_eq!(common::rig::walk(rig.sb.root()), before, "nothing changed");
    // The hint followed: ls -ld shows another owner; once the owner is this user, it works.
    let failed = failed_path(&out);
    assert!(run_on("ls -ld", &failed).contains(" root root "), "{}", run_on("ls -ld", &failed));
    let owned = Command::new("chown").args(["-R", "65534:65534"]).arg(&rig.sb.gover_home).status().unwrap();
    assert!(owned.success());
    let out = as_nobody(&["install", "1.22.9"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_read_only_mount() {
    let rig = Rig::http();
    let Some(disk) = Tmpfs::mount(&rig.sb.gover_home, "32m") else { return };
    rig.publish(&[
        IndexEntry::new("go1.22.10", release_archive("go1.22.10")),
        IndexEntry::new("go1.22.9", release_archive("go1.22.9")),
    ]);
    rig.gover().args(["install", "1.22.10"]).assert().success();
    disk.remount("ro");
    rig.gover().args(["list"]).assert().success().stdout(predicates::str::contains("go1.22.10"));
    rig.sb.shim("go").arg("version").assert().success().stdout("go version go1.22.10 fake/arch\n");
    let out = rig.gover().args(["install", "1.22.9"]).output().unwrap();
    assert_explained(&out, 8, &["Read-only file system", "that filesystem is mounted read-only (findmnt -T shows it)"]);
    // The hint's command, on the path the error names, shows the read-only mount.
    assert!(run_on("findmnt -T", &failed_path(&out)).contains("ro,"), "{out:?}");
    let out = rig.gover().args(["uninstall", "--force", "1.22.10"]).output().unwrap();
    assert_explained(&out, 8, &["Read-only file system"]);
    assert!(rig.version_dir("go1.22.10").join("bin/go").is_file());
    // doctor says why (not chmod, which cannot help), and its command shows the mount.
    let report: serde_json::Value =
        serde_json::from_slice(&rig.sb.doctor(&["--json"]).envs(rig.env()).output().unwrap().stdout).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "permissions.not-writable")
        .unwrap_or_else(|| panic!("{report:#}"))
        .clone();
    assert!(finding["title"].as_str().unwrap().contains("read-only filesystem"), "{finding:#}");
    assert!(!finding.to_string().contains("chmod"), "{finding:#}");
    let findmnt = std::process::Command::new("findmnt").arg("-T").arg(&rig.sb.gover_home).output().unwrap();
    assert!(String::from_utf8_lossy(&findmnt.stdout).contains("ro,"), "{findmnt:?}");
    disk.remount("rw");
    rig.gover().args(["install", "1.22.9"]).assert().success();
}

#[test]
fn gover_home_on_another_filesystem_than_the_temp_dir() {
    let rig = Rig::http();
    let Some(_disk) = Tmpfs::mount(&rig.sb.gover_home, "32m") else { return };
    let tmp = rig.sb.root().join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let (entries, archive) = big_release("go1.22.10", 20, 8 << 10);
    rig.publish(&[IndexEntry::new("go1.22.10", archive)]);
    let gover = || {
        let mut cmd = rig.gover();
        cmd.env("TMPDIR", &tmp);
        cmd
    };
    gover().args(["install", "1.22.10"]).assert().success();
    rig.assert_installed("go1.22.10", &entries);
    gover().args(["uninstall", "--force", "1.22.10"]).assert().success();
    gover()
        .args(["install", "1.22.10"])
        .assert()
        .success()
        .stdout(predicates::str::contains("from the download cache"));
    rig.assert_installed("go1.22.10", &entries);
    rig.assert_no_leftovers();
    assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0, "nothing goes through TMPDIR");
}

#[test]
fn versions_on_another_filesystem_is_explained() {
    let rig = Rig::http();
    let elsewhere = rig.sb.root().join("big-disk");
    let Some(_disk) = Tmpfs::mount(&elsewhere, "8m") else { return };
    fs::create_dir_all(&rig.sb.gover_home).unwrap();
    std::os::unix::fs::symlink(&elsewhere, rig.sb.gover_home.join("versions")).unwrap();
    rig.publish(&[IndexEntry::new("go1.22.10", release_archive("go1.22.10"))]);
    let out = rig.gover().args(["install", "1.22.10"]).output().unwrap();
    assert_explained(&out, 8, &["different filesystems", "move (or symlink) GOVER_HOME itself there"]);
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    rig.assert_no_leftovers();
    // The hint followed: GOVER_HOME itself moved to that disk, and a symlink where it was.
    fs::remove_file(rig.sb.gover_home.join("versions")).unwrap();
    let moved = elsewhere.join("gover");
    let status = Command::new("mv").arg(&rig.sb.gover_home).arg(&moved).status().unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink(&moved, &rig.sb.gover_home).unwrap();
    // (The debug build's shim, 5 MB a copy, would not fit on this small disk.)
    rig.gover().env("GOVER_SHIM_BINARY", "/bin/true").args(["install", "1.22.10"]).assert().success();
    assert!(moved.join("versions/go1.22.10/bin/go").is_file());
}

#[test]
fn a_damaged_version_is_replaced_by_the_next_install() {
    let rig = Rig::http();
    let (entries, archive) = big_release("go1.22.10", 5, 1 << 10);
    rig.publish(&[IndexEntry::new("go1.22.10", archive)]);
    rig.gover().args(["install", "1.22.10"]).assert().success();
    // Someone deleted part of the tree: listed, but go is gone.
    fs::remove_dir_all(rig.version_dir("go1.22.10").join("bin")).unwrap();
    assert_eq!(rig.listed(), ["go1.22.10"]);
    rig.gover().args(["install", "1.22.10"]).assert().success();
    rig.assert_installed("go1.22.10", &entries);
    rig.assert_no_leftovers();
}
