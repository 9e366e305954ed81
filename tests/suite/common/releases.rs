//! Synthetic Go releases for the install tests: tiny `.tar.gz` archives laid out like the
//! real ones (a `go/` folder with VERSION and bin/go), hostile archives built entry by entry,
//! and release indexes in go.dev's JSON format that point at them.

use std::io::Write;

use sha2::{Digest, Sha256};

/// The host's os-arch in Go's spelling, as the index names archives.
pub fn host_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}-{arch}", std::env::consts::OS)
}

pub fn archive_name(version: &str) -> String {
    format!("{version}.{}.tar.gz", host_platform())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One archive entry, written raw so tests can build what a well-behaved tar writer refuses.
pub enum Entry {
    File { path: String, mode: u32, data: Vec<u8> },
    Dir { path: String },
    Symlink { path: String, target: String },
    HardLink { path: String, target: String },
    CharDevice { path: String },
}

impl Entry {
    pub fn file(path: &str, data: &str) -> Entry {
        Entry::File { path: path.into(), mode: 0o644, data: data.as_bytes().to_vec() }
    }

    pub fn executable(path: &str, data: &str) -> Entry {
        Entry::File { path: path.into(), mode: 0o755, data: data.as_bytes().to_vec() }
    }

    pub fn symlink(path: &str, target: &str) -> Entry {
        Entry::Symlink { path: path.into(), target: target.into() }
    }
}

/// A gzipped tar of `entries`, paths taken literally (`..` and absolute paths included).
pub fn tar_gz(entries: &[Entry]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_ustar();
        let (path, kind, mode, link, data): (&str, tar::EntryType, u32, Option<&str>, &[u8]) = match entry {
            Entry::File { path, mode, data } => (path, tar::EntryType::Regular, *mode, None, data),
            Entry::Dir { path } => (path, tar::EntryType::Directory, 0o755, None, &[]),
            Entry::Symlink { path, target } => (path, tar::EntryType::Symlink, 0o777, Some(target), &[]),
            Entry::HardLink { path, target } => (path, tar::EntryType::Link, 0o644, Some(target), &[]),
            Entry::CharDevice { path } => (path, tar::EntryType::Char, 0o644, None, &[]),
        };
        let raw = header.as_old_mut();
        raw.name[..path.len()].copy_from_slice(path.as_bytes());
        if let Some(link) = link {
            raw.linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(data.len() as u64);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        tar.append(&header, data).unwrap();
    }
    let tar = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

/// The entries of a minimal but working release: `bin/go version` prints like the real one.
pub fn release_entries(version: &str) -> Vec<Entry> {
    vec![
        Entry::Dir { path: "go/".into() },
        Entry::file("go/VERSION", &format!("{version}\ntime 2024-11-26T00:00:00Z\n")),
        Entry::executable(
            "go/bin/go",
            &format!("#!/bin/sh\necho \"go version {version} fake/arch\"\necho \"GOROOT=$GOROOT\" >&2\n"),
        ),
        Entry::executable("go/bin/gofmt", &format!("#!/bin/sh\necho \"gofmt {version}\"\n")),
        Entry::file("go/src/fmt/print.go", "package fmt\n"),
    ]
}

pub fn release_archive(version: &str) -> Vec<u8> {
    tar_gz(&release_entries(version))
}

/// One release of an index: its version and archive (the checksum and size come from it
/// unless overridden).
pub struct IndexEntry {
    pub version: String,
    pub archive: Vec<u8>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
}

impl IndexEntry {
    pub fn new(version: &str, archive: Vec<u8>) -> IndexEntry {
        IndexEntry { version: version.into(), archive, sha256: None, size: None }
    }
}

/// The index JSON (go.dev's `?mode=json&include=all` format) for `entries`, newest first as
/// go.dev sends it, each with its archive for this host and a source tarball beside it.
pub fn index_json(entries: &[IndexEntry]) -> String {
    let releases: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let stable = !e.version.contains("rc") && !e.version.contains("beta");
            serde_json::json!({
                "version": e.version,
                "stable": stable,
                "files": [
                    {"filename": format!("{}.src.tar.gz", e.version), "os": "", "arch": "", "version": e.version,
                     "sha256": "00", "size": 1, "kind": "source"},
                    {"filename": archive_name(&e.version), "os": std::env::consts::OS,
                     "arch": host_platform().split('-').nth(1).unwrap(), "version": e.version,
                     "sha256": e.sha256.clone().unwrap_or_else(|| sha256_hex(&e.archive)),
                     "size": e.size.unwrap_or(e.archive.len() as u64), "kind": "archive"},
                ]
            })
        })
        .collect();
    serde_json::to_string_pretty(&releases).unwrap()
}
