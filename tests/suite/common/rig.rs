//! The fault-injection suites' bench: a sandbox wired to a release server, releases big
//! enough to kill mid-way, and the checks every fault ends with: a rejected install left
//! nothing behind, an installed version is complete and runs.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::releases::{archive_name, index_json, release_archive, release_entries, tar_gz, Entry, IndexEntry};
use super::server::{Reply, Server};
use super::Sandbox;

pub struct Rig {
    pub sb: Sandbox,
    pub server: Server,
}

impl Rig {
    pub fn new(server: Server) -> Rig {
        Rig { sb: Sandbox::new(), server }
    }

    pub fn http() -> Rig {
        Rig::new(Server::http())
    }

    /// A server publishing `versions`, each a small release whose go answers `go version`.
    pub fn serving(versions: &[&str]) -> Rig {
        let rig = Rig::http();
        let entries: Vec<IndexEntry> = versions.iter().map(|v| IndexEntry::new(v, release_archive(v))).collect();
        rig.publish(&entries);
        rig
    }

    /// The index at /index.json, each archive at /dl/<name>.
    pub fn publish(&self, entries: &[IndexEntry]) {
        self.server.route("/index.json", Reply::bytes(index_json(entries)));
        for e in entries {
            self.server.route(&archive_path(&e.version), Reply::bytes(e.archive.clone()));
        }
    }

    /// The environment `gover` runs with: the sandbox's, pointed at the server, with short
    /// retry delays and read timeouts.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = self.sb.env();
        env.push(("GOVER_INDEX_URL".into(), self.server.url("/index.json")));
        env.push(("GOVER_DIST_URL".into(), self.server.url("/dl/")));
        env.push(("GOVER_RETRY_DELAY_MS".into(), "10".into()));
        env.push(("GOVER_HTTP_TIMEOUT".into(), "2".into()));
        env
    }

    pub fn gover(&self) -> assert_cmd::Command {
        super::gover_command(self.env(), &self.sb.work)
    }

    /// `gover args...` as a plain process, to run in the background or kill.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        super::gover_process(self.env(), &self.sb.work)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    pub fn version_dir(&self, version: &str) -> PathBuf {
        self.sb.gover_home.join("versions").join(version)
    }

    /// Nothing is left of a failed install: no version, no staging tree, no partial or
    /// unverified download; in the whole sandbox only directories, lock files and the saved
    /// release index remain (plus whatever `keep` names: files the sandbox held before, the
    /// partial download a network failure keeps for the next run to resume).
    pub fn assert_clean(&self, version: &str, keep: &[&Path]) {
        assert!(!self.version_dir(version).exists(), "{version} must not be installed");
        let locks = self.sb.gover_home.join("locks");
        let saved = self.sb.gover_home.join("cache");
        let stray: Vec<PathBuf> = walk(self.sb.root())
            .into_iter()
            .filter(|(path, kind)| {
                *kind != Kind::Dir
                    && !path.starts_with(&locks)
                    && !path.starts_with(&saved)
                    && !keep.contains(&path.as_path())
            })
            .map(|(path, _)| path)
            .collect();
        assert!(stray.is_empty(), "left behind: {stray:?}");
    }

    /// The system calls `gover args...` makes that decide durability, from strace (`-y` names
    /// each descriptor's file), in order; the command must succeed.
    pub fn durability_calls(&self, args: &[&str]) -> Vec<String> {
        syscalls(&self.sb, "syncfs,fsync,fdatasync,rename,renameat,renameat2", &self.env(), args)
    }

    /// Where a broken download of `version` is kept for the next install to resume.
    pub fn partial(&self, version: &str) -> PathBuf {
        self.sb.gover_home.join("downloads").join(format!("{}.partial", archive_name(version)))
    }

    /// `version` is installed with exactly the files of `entries` and its go runs.
    pub fn assert_installed(&self, version: &str, entries: &[Entry]) {
        let root = self.version_dir(version);
        assert_eq!(tree(&root), expected_tree(entries), "{version}: the installed tree");
        let out = Command::new(root.join("bin/go")).arg("version").output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("go version {version} ")), "{out:?}");
    }

    /// Nothing of a killed or finished install lingers: staging/ is empty, no partial
    /// download is left, no temporary file of a shim or the global default.
    pub fn assert_no_leftovers(&self) {
        let staging: Vec<_> = read_names(&self.sb.gover_home.join("staging"));
        assert!(staging.is_empty(), "staging leftovers: {staging:?}");
        let partial: Vec<_> =
            read_names(&self.sb.gover_home.join("downloads")).into_iter().filter(|n| n.ends_with(".partial")).collect();
        assert!(partial.is_empty(), "partial downloads left: {partial:?}");
        let home = &self.sb.gover_home;
        let temps: Vec<_> = read_names(home)
            .into_iter()
            .chain(read_names(&home.join("shims")))
            .filter(|n| n.contains(".new-"))
            .collect();
        assert!(temps.is_empty(), "half-written shims or global default left: {temps:?}");
    }

    /// The versions `gover list --json` shows.
    pub fn listed(&self) -> Vec<String> {
        let out = self.gover().args(["list", "--json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        rows.as_array().unwrap().iter().map(|r| r["version"].as_str().unwrap().to_string()).collect()
    }
}

/// The system calls named in `trace` (strace's `-e trace=` list) that `gover args...` makes,
/// run with `env` in the sandbox's work directory, in order (`-y` names each descriptor's
/// file); the command must succeed.
pub fn syscalls(sb: &Sandbox, trace: &str, env: &[(String, String)], args: &[&str]) -> Vec<String> {
    let log = sb.root().join("strace.log");
    let out = Command::new("strace")
        .args(["-f", "-y", "-qq", "-e", &format!("trace={trace}"), "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_gover"))
        .args(args)
        .env_clear()
        .envs(env.iter().cloned())
        .current_dir(&sb.work)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    fs::read_to_string(&log).unwrap().lines().map(String::from).collect()
}

pub fn archive_path(version: &str) -> String {
    format!("/dl/{}", archive_name(version))
}

/// A release with `files` extra files of `size` incompressible bytes each, so that it takes
/// measurable time to download and unpack.
pub fn big_release_entries(version: &str, files: usize, size: usize) -> Vec<Entry> {
    let mut entries = release_entries(version);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ version.len() as u64;
    for i in 0..files {
        let data: Vec<u8> = (0..size).map(|_| (xorshift(&mut seed) >> 24) as u8).collect();
        entries.push(Entry::File { path: format!("go/pkg/data/{i:04}.bin"), mode: 0o644, data });
    }
    entries
}

pub fn big_release(version: &str, files: usize, size: usize) -> (Vec<Entry>, Vec<u8>) {
    let entries = big_release_entries(version, files, size);
    let archive = tar_gz(&entries);
    (entries, archive)
}

/// A small pseudo-random generator for reproducible test data and kill delays.
pub fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The error an install ends with: `error: what failed`, at least one `cause:` and a `help:`.
pub fn assert_explained(out: &Output, code: i32, words: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "exit code; stderr:\n{stderr}");
    let error_lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(error_lines.len(), 1, "one error line:\n{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("  cause: ")), "a cause:\n{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("help: ")), "a hint:\n{stderr}");
    for word in words {
        assert!(stderr.contains(word), "{word:?} in:\n{stderr}");
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
    Symlink,
}

/// Every path under `root` (not following symlinks), with its kind.
pub fn walk(root: &Path) -> Vec<(PathBuf, Kind)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let kind = match entry.file_type() {
                Ok(t) if t.is_dir() => Kind::Dir,
                Ok(t) if t.is_symlink() => Kind::Symlink,
                _ => Kind::File,
            };
            if kind == Kind::Dir {
                stack.push(entry.path());
            }
            out.push((entry.path(), kind));
        }
    }
    out
}

/// Regular files under `root` and their sizes, by relative path.
fn tree(root: &Path) -> BTreeMap<String, u64> {
    walk(root)
        .into_iter()
        .filter(|(_, kind)| *kind == Kind::File)
        .map(|(path, _)| {
            let len = fs::metadata(&path).unwrap().len();
            (path.strip_prefix(root).unwrap().display().to_string(), len)
        })
        .collect()
}

fn expected_tree(entries: &[Entry]) -> BTreeMap<String, u64> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::File { path, data, .. } => Some((path.trim_start_matches("go/").to_string(), data.len() as u64)),
            _ => None,
        })
        .collect()
}

fn read_names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}
