//! The release tarballs and SHA256SUMS.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::{Target, BINARIES};
use crate::Result;

/// Files from the repository every tarball carries beside the binaries (completions: the ones
/// committed in completions/, which a test keeps current; the login snippet an administrator
/// may enable, see docs/src/shared-machines.md).
const DOCS: [&str; 7] = [
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "completions/gover.bash",
    "completions/_gover",
    "completions/gover.fish",
    "profile.d/gover.sh",
];

/// `gover-<version>-<triple>`, the tarball's name without `.tar.gz` and its one folder.
pub fn release_name(version: &str, target: &Target) -> String {
    format!("gover-{version}-{}", target.triple)
}

/// Writes `out/gover-<version>-<triple>.tar.gz` from the binaries in `bin_dir` and the
/// repository's docs; returns its path. Entries are owned by root with plain modes, and dated
/// SOURCE_DATE_EPOCH when set, so a rebuild from the same sources gives the same tarball.
pub fn tarball(root: &Path, bin_dir: &Path, out: &Path, version: &str, target: &Target) -> Result<PathBuf> {
    let name = release_name(version, target);
    let path = out.join(format!("{name}.tar.gz"));
    let mtime = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse().ok()).unwrap_or_else(now);
    let mut files: Vec<(PathBuf, String, u32)> =
        BINARIES.iter().map(|b| (bin_dir.join(b), b.to_string(), 0o755)).collect();
    files.extend(DOCS.iter().map(|d| (root.join(d), d.to_string(), 0o644)));

    let file = fs::File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut tar = tar::Builder::new(GzEncoder::new(file, flate2::Compression::best()));
    let dir_entry = |tar: &mut tar::Builder<_>, dir: &str| {
        append(tar, &format!("{name}/{dir}"), tar::EntryType::Directory, 0o755, mtime, &[])
    };
    dir_entry(&mut tar, "")?;
    let mut dirs: Vec<&str> = Vec::new();
    for (source, rel, mode) in &files {
        let data = fs::read(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        if let Some((dir, _)) = rel.rsplit_once('/').filter(|(dir, _)| !dirs.contains(dir)) {
            dir_entry(&mut tar, &format!("{dir}/"))?;
            dirs.push(dir);
        }
        append(&mut tar, &format!("{name}/{rel}"), tar::EntryType::Regular, *mode, mtime, &data)?;
    }
    let gz = tar.into_inner().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    gz.finish().and_then(|f| f.sync_all()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn append(
    tar: &mut tar::Builder<impl Write>,
    path: &str,
    kind: tar::EntryType,
    mode: u32,
    mtime: u64,
    data: &[u8],
) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    header.set_size(data.len() as u64);
    tar.append_data(&mut header, path, data).map_err(|e| format!("cannot add {path} to the tarball: {e}"))
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Writes `out/SHA256SUMS` in sha256sum's format (`<hex>  <name>`) for `files`; returns its path.
pub fn write_sha256sums(out: &Path, files: &[PathBuf]) -> Result<PathBuf> {
    let mut text = String::new();
    for file in files {
        let data = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let name = file.file_name().expect("a release file has a name").to_string_lossy();
        text.push_str(&sha256_line(&data, &name));
    }
    let path = out.join("SHA256SUMS");
    fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn sha256_line(data: &[u8], name: &str) -> String {
    let digest: String = Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect();
    format!("{digest}  {name}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::TARGETS;

    #[test]
    fn names_and_sums() {
        assert_eq!(release_name("0.1.0", &TARGETS[1]), "gover-0.1.0-aarch64-unknown-linux-musl");
        assert_eq!(
            sha256_line(b"abc", "x.tar.gz"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x.tar.gz\n"
        );
    }
}
