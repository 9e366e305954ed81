//! kill -9 of `gover install` and `gover uninstall` at random moments: afterwards every
//! listed version is complete and runs, nothing blocks the next install, and the next install
//! succeeds and sweeps what the killed one left. Set GOVER_TEST_SEED to replay a run.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::time::{Duration, Instant};

use common::releases::{archive_name, Entry, IndexEntry};
use common::rig::{archive_path, big_release, walk, xorshift, Kind, Rig};
use common::server::{Fault, Reply};

const VERSIONS: [&str; 3] = ["go1.22.10", "go1.21.13", "go1.20"];

struct Release {
    version: &'static str,
    entries: Vec<Entry>,
    archive: Vec<u8>,
}

fn releases() -> Vec<Release> {
    VERSIONS
        .iter()
        .map(|v| {
            let (entries, archive) = big_release(v, 120, 8 << 10);
            Release { version: v, entries, archive }
        })
        .collect()
}

/// A rig that serves the three releases.
fn rig_with_releases() -> (Rig, Vec<Release>) {
    let rig = Rig::http();
    let releases = releases();
    let index: Vec<IndexEntry> = releases.iter().map(|r| IndexEntry::new(r.version, r.archive.clone())).collect();
    rig.publish(&index);
    (rig, releases)
}

fn seed() -> u64 {
    let seed = std::env::var("GOVER_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    println!("GOVER_TEST_SEED={seed}");
    seed
}

/// A download that takes about a quarter of a second: 25 pieces, 10 ms apart.
fn slow(archive: &[u8]) -> Reply {
    Reply::bytes(archive.to_vec())
        .fault(Fault::Trickle { chunk: archive.len() / 25 + 1, pause: Duration::from_millis(10) })
}

/// How long an uninterrupted install takes.
fn time_install(rig: &Rig, version: &str) -> Duration {
    let started = Instant::now();
    let status = rig.spawn(&["install", version]).wait().unwrap();
    assert!(status.success());
    started.elapsed()
}

/// Where the killed process was, judged by what it left.
fn phase(rig: &Rig, release: &Release, finished: bool) -> &'static str {
    let staging = rig.sb.gover_home.join("staging").join(release.version);
    let files = |entries: &[Entry]| entries.iter().filter(|e| matches!(e, Entry::File { .. })).count();
    let unpacked = walk(&staging).iter().filter(|(_, kind)| *kind == Kind::File).count();
    if finished {
        "finished before the kill"
    } else if rig.version_dir(release.version).exists() {
        "after the rename (installed)"
    } else if unpacked == files(&release.entries) {
        "unpacked, before the rename"
    } else if unpacked > 0 {
        "unpacking into staging"
    } else if staging.exists() {
        "staging made, nothing unpacked"
    } else {
        "before staging (index, lock)"
    }
}

/// The archive's last file, relative to the tree.
fn last_file(release: &Release) -> String {
    let last = release.entries.iter().rev().find_map(|e| match e {
        Entry::File { path, .. } => Some(path),
        _ => None,
    });
    last.unwrap().trim_start_matches("go/").to_string()
}

/// Every listed version is complete and runs.
fn check_listed(rig: &Rig, releases: &[Release]) {
    for listed in rig.listed() {
        let release = releases.iter().find(|r| r.version == listed).expect("only published versions");
        rig.assert_installed(&listed, &release.entries);
    }
}

#[test]
fn kill_9_of_install_at_random_moments() {
    let (rig, releases) = rig_with_releases();
    let mut rng = seed();

    // Calibrate the window: one slow download, one install from the download cache.
    let first = &releases[0];
    rig.server.once(&archive_path(first.version), slow(&first.archive));
    let download = time_install(&rig, first.version);
    rig.gover().args(["uninstall", "--force", first.version]).assert().success();
    let cached = time_install(&rig, first.version);
    rig.gover().args(["uninstall", "--force", first.version]).assert().success();
    println!("uninterrupted install: download {download:?}, from the cache {cached:?}");

    // At least 30 kills of a running install; a trial whose install finished before its kill
    // counts as a run, not a kill.
    const KILLS: usize = 30;
    let mut phases: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let (mut trial, mut kills) = (0, 0);
    while kills < KILLS {
        assert!(trial < 3 * KILLS, "most installs finished before their kill: {phases:?}");
        let release = &releases[trial % releases.len()];
        let version = release.version;
        if rig.listed().iter().any(|v| v == version) {
            rig.gover().args(["uninstall", "--force", version]).assert().success();
        }
        // Half the kills land in a download, half in an unpack from the cache.
        let from_cache = (trial / releases.len()) % 2 == 1;
        if !from_cache {
            let _ = fs::remove_file(rig.sb.gover_home.join("downloads").join(archive_name(version)));
        }
        rig.server.clear_once();
        rig.server.once(&archive_path(version), slow(&release.archive));
        // Two kills in three at a random time anywhere in the run; one in three a random 0-3 ms
        // after the last file of the archive appears in staging: around the verification, the
        // rename and the shims.
        let timing = if from_cache { &cached } else { &download };
        let mut child = rig.spawn(&["install", version]);
        let started = Instant::now();
        if (trial + trial / 3) % 3 == 2 {
            let last = rig.sb.gover_home.join("staging").join(version).join(last_file(release));
            while !last.exists() && !rig.version_dir(version).exists() && child.try_wait().unwrap().is_none() {
                assert!(started.elapsed() < Duration::from_secs(20), "the install never unpacked");
                std::thread::sleep(Duration::from_micros(100));
            }
            std::thread::sleep(Duration::from_micros(xorshift(&mut rng) % 3000));
        } else {
            let span = timing.mul_f64(0.9).as_micros() as u64;
            std::thread::sleep(Duration::from_micros(xorshift(&mut rng) % span));
        }
        let delay = started.elapsed();
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        child.wait().unwrap();
        let at = phase(&rig, release, finished);
        kills += usize::from(!finished);
        *phases.entry((if from_cache { "cache" } else { "download" }, at)).or_default() += 1;

        check_listed(&rig, &releases);
        let out = rig.gover().args(["install", version]).output().unwrap();
        assert!(out.status.success(), "trial {trial} ({at}, {delay:?}): {}", String::from_utf8_lossy(&out.stderr));
        rig.assert_installed(version, &release.entries);
        rig.assert_no_leftovers();
        trial += 1;
    }
    println!("{trial} trials, {kills} kills, by source and by where they landed:");
    for ((source, at), n) in &phases {
        println!("  {source:8} {at:32} {n}");
    }
    assert!(phases.len() >= 3, "the kills should land in several phases: {phases:?}");
}

#[test]
fn kill_9_of_uninstall_at_random_moments() {
    let (rig, releases) = rig_with_releases();
    let mut rng = seed();
    for r in &releases {
        rig.gover().args(["install", r.version]).assert().success();
    }
    let removing = |rig: &Rig| {
        fs::read_dir(rig.sb.gover_home.join("staging"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains(".removing-"))
    };
    let mut interrupted = 0;
    const TRIALS: usize = 12;
    for trial in 0..TRIALS {
        let release = &releases[trial % releases.len()];
        let mut child = rig.spawn(&["uninstall", "--force", release.version]);
        if trial % 2 == 0 {
            std::thread::sleep(Duration::from_micros(xorshift(&mut rng) % 40_000));
        } else {
            // Into the deletion itself: as soon as the tree has been renamed aside.
            let started = Instant::now();
            while !removing(&rig) && child.try_wait().unwrap().is_none() {
                assert!(started.elapsed() < Duration::from_secs(10));
                std::thread::sleep(Duration::from_micros(50));
            }
            std::thread::sleep(Duration::from_micros(xorshift(&mut rng) % 1000));
        }
        let _ = child.kill();
        child.wait().unwrap();
        interrupted += usize::from(removing(&rig));
        check_listed(&rig, &releases);
        rig.gover().args(["install", release.version]).assert().success();
        rig.assert_installed(release.version, &release.entries);
        rig.assert_no_leftovers();
    }
    println!("{TRIALS} kills of uninstall, {interrupted} in the middle of deleting the tree");
    assert!(interrupted > 0, "no kill landed in the deletion");
}

/// What killed runs of other versions left is swept by the next install, except while
/// another gover holds that version's lock or the writer still runs, and except what is not
/// gover's to delete.
#[test]
fn leftovers_of_other_versions_are_swept_unless_in_use() {
    let (rig, _) = rig_with_releases();
    let home = &rig.sb.gover_home;
    let plant = |rel: &str| {
        let path = home.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if rel.ends_with(".partial") {
            fs::write(&path, "half").unwrap();
        } else {
            fs::create_dir_all(path.join("bin")).unwrap();
            fs::write(path.join("bin/go"), "x").unwrap();
        }
        path
    };
    let swept = [
        plant("staging/go1.21.13"),
        plant("staging/go1.21.13.removing-4711"),
        plant(&format!("downloads/{}.partial", archive_name("go1.21.13"))),
    ];
    // A partial download waits a week to be resumed: this one is older.
    let week_old = std::time::SystemTime::now() - Duration::from_secs(8 * 24 * 3600);
    fs::File::options().write(true).open(&swept[2]).unwrap().set_modified(week_old).unwrap();
    let young = plant(&format!("downloads/{}.partial", archive_name("go1.22.9")));
    let busy = [plant("staging/go1.20"), plant(&format!("downloads/{}.partial", archive_name("go1.20")))];
    let not_ours = plant("staging/import-go1.19-4711");
    // Temporary files of a shim and of the global default: one whose writer is gone, one
    // whose writer (this test) is alive.
    let dead = (100_000..).find(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()).unwrap();
    fs::create_dir_all(home.join("shims")).unwrap();
    let orphan = home.join(format!("shims/.go.new-{dead}"));
    fs::write(&orphan, "half a shim").unwrap();
    let alive = home.join(format!(".global.new-{}", std::process::id()));
    fs::write(&alive, "go1.22.10\n").unwrap();
    // Another gover is working on go1.20: its lock is held.
    fs::create_dir_all(home.join("locks")).unwrap();
    let mut holder =
        std::process::Command::new("flock").arg(home.join("locks/go1.20.lock")).args(["sleep", "30"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));

    rig.gover().args(["install", "go1.22.10"]).assert().success();
    holder.kill().unwrap();
    holder.wait().unwrap();
    for path in swept.iter().chain([&orphan]) {
        assert!(!path.exists(), "{} should be swept", path.display());
    }
    for path in busy.iter().chain([&not_ours, &alive, &young]) {
        assert!(path.exists(), "{} must stay", path.display());
    }
}

/// The unpacker thread (untar and write, beside the threads that download and inflate) made
/// to panic half-way through the archive, by the debug build's GOVER_TEST_CRASH_UNPACK: the
/// install fails at once with exit 101 and a message naming the unpacker, never a hang or a
/// version made of half a tree; the next install sweeps what it left and succeeds.
#[test]
fn a_crashed_unpacker_fails_the_install_and_the_next_one_succeeds() {
    let rig = Rig::http();
    // 2 MB of data: many of the inflater's chunks, so it is ahead of the unpacker when it dies.
    let (entries, archive) = big_release(VERSIONS[0], 250, 8 << 10);
    rig.publish(&[IndexEntry::new(VERSIONS[0], archive)]);

    let started = Instant::now();
    let out = rig.gover().env("GOVER_TEST_CRASH_UNPACK", "1000000").args(["install", "1.22.10"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60), "the crash must end the install: {stderr}");
    assert!(stderr.starts_with("error: gover crashed in the unpacker\n"), "{stderr}");
    assert!(stderr.contains("  cause: GOVER_TEST_CRASH_UNPACK=1000000 (at src/dist/unpack.rs"), "{stderr}");
    assert!(stderr.contains("\nhelp: this is a bug in gover"), "{stderr}");
    assert!(!rig.version_dir(VERSIONS[0]).exists(), "half a tree must not be a version");
    assert!(rig.listed().is_empty(), "{:?}", rig.listed());

    rig.gover().args(["install", "1.22.10"]).assert().success();
    rig.assert_installed(VERSIONS[0], &entries);
    rig.assert_no_leftovers();
}
