//! Hostile archives and servers cost bounded memory and disk (issue 19.2): each kind of bomb,
//! served by a loopback mirror or module proxy, is refused in words with exit 6, while
//! gover's peak memory stays under 64 MB and nothing is left in GOVER_HOME.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::modproxy::{self, ModProxy, Toolchain};
use common::releases::IndexEntry;
use common::rig::{archive_path, assert_explained, Rig};
use common::server::{Fault, Reply};
use common::Sandbox;

const V: &str = "go1.22.10";
/// Far above what a bounded install needs (about 15 MB), far below what the bombs would take.
const MAX_PEAK: u64 = 64 << 20;
/// The slowest bounded case streams 256 MiB through a debug build; an unbounded one never ends.
const LIMIT: Duration = Duration::from_secs(180);

/// `gover args...` with `env`, measured; its peak memory must be under [`MAX_PEAK`].
fn gover_measured(args: &[&str], env: &[(String, String)], dir: &Path) -> Option<Output> {
    if !common::require("time") {
        return None;
    }
    let gover = Path::new(env!("CARGO_BIN_EXE_gover"));
    let (out, peak) = common::run_measuring_memory(gover, args, env, dir, LIMIT);
    println!("gover {args:?} peaked at {:.1} MB", peak as f64 / (1 << 20) as f64);
    assert!(
        peak < MAX_PEAK,
        "gover {args:?} peaked at {} MB of memory:\n{}",
        peak >> 20,
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out)
}

fn zeros(out: &mut impl Write, mut n: u64) {
    let chunk = vec![0u8; 1 << 20];
    while n > 0 {
        let k = n.min(chunk.len() as u64);
        out.write_all(&chunk[..k as usize]).unwrap();
        n -= k;
    }
}

/// A tar.gz whose first entry is `header` with `size` zero bytes of data, then go/VERSION.
fn bomb_tar_gz(mut header: tar::Header, size: u64) -> Vec<u8> {
    header.set_size(size);
    header.set_mode(0o755);
    header.set_cksum();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(header.as_bytes()).unwrap();
    zeros(&mut gz, size.next_multiple_of(512));
    let version = format!("{V}\n");
    let mut file = tar::Header::new_ustar();
    file.set_path("go/VERSION").unwrap();
    file.set_size(version.len() as u64);
    file.set_mode(0o644);
    file.set_cksum();
    let mut tail = tar::Builder::new(Vec::new());
    tail.append(&file, version.as_bytes()).unwrap();
    gz.write_all(&tail.into_inner().unwrap()).unwrap();
    gz.finish().unwrap()
}

fn header(kind: tar::EntryType, gnu: bool, name: &str) -> tar::Header {
    let mut header = if gnu { tar::Header::new_gnu() } else { tar::Header::new_ustar() };
    header.set_entry_type(kind);
    header.set_path(name).unwrap();
    header
}

/// Installing `archive` (the index vouches for it) is refused for `why`, bounded and clean.
fn assert_archive_refused(archive: Vec<u8>, why: &str) {
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, archive)]);
    let Some(out) = gover_measured(&["install", "1.22.10"], &rig.env(), &rig.sb.work) else { return };
    assert_explained(&out, 6, &[why]);
    rig.assert_clean(V, &[]);
}

#[test]
fn a_gzip_bomb_stops_at_the_archives_budget() {
    // 256 MiB of data under the go/ directory, which nothing writes: only the decompressed
    // count stops it (a small archive may unpack to 16 MiB).
    let archive = bomb_tar_gz(header(tar::EntryType::Directory, false, "go/"), 256 << 20);
    assert_archive_refused(archive, "the archive unpacks to more than 16777216 bytes");
}

#[test]
fn a_pax_header_bomb_is_refused_at_1_mib() {
    // The tar crate reads a PAX header whole: 128 MiB of memory for a header of 128 KB of gzip.
    let archive = bomb_tar_gz(header(tar::EntryType::XHeader, false, "PaxHeaders/go/VERSION"), 128 << 20);
    assert_archive_refused(archive, "PAX or GNU long-name headers) takes more than 1048576 bytes");
}

#[test]
fn a_gnu_long_name_bomb_is_refused_at_1_mib() {
    let archive = bomb_tar_gz(header(tar::EntryType::GNULongName, true, "././@LongLink"), 128 << 20);
    assert_archive_refused(archive, "PAX or GNU long-name headers) takes more than 1048576 bytes");
}

/// A body with no length that never ends.
fn endless() -> Reply {
    Reply::repeat(b'x', u64::MAX).fault(Fault::NoLength)
}

#[test]
fn a_body_longer_than_the_index_says_is_read_no_further() {
    let rig = Rig::http();
    let size = 1 << 20;
    rig.publish(&[IndexEntry { size: Some(size), ..IndexEntry::new(V, vec![1; size as usize]) }]);
    rig.server.route(&archive_path(V), endless());
    let Some(out) = gover_measured(&["install", "1.22.10"], &rig.env(), &rig.sb.work) else { return };
    assert_explained(&out, 6, &["got      more than the 1048576 bytes the release index gives"]);
    rig.assert_clean(V, &[]);
}

#[test]
fn an_endless_body_of_unknown_size_stops_at_the_cap() {
    // No index: the mirror's .sha256 vouches for the archive (the user trusts the mirror),
    // and nothing gives its size.
    let rig = Rig::http();
    rig.server.route("/index.json", Reply::status(404));
    let digest = "ab".repeat(32);
    rig.server.route(&format!("{}.sha256", archive_path(V)), Reply::bytes(format!("{digest}\n")));
    rig.server.route(&archive_path(V), endless());
    let mut env = rig.env();
    env.push(("GOVER_TRUST_MIRROR".into(), "1".into()));
    let Some(out) = gover_measured(&["install", "1.22.10"], &env, &rig.sb.work) else { return };
    assert_explained(&out, 6, &["got      more than 268435456 bytes, more than any Go release"]);
    rig.assert_clean(V, &[]);
}

/// The synthetic go1.23.9 toolchain with one more entry, `name` (under the module prefix),
/// holding `size` zero bytes; its `h1:` is right, so only the bounds can refuse it.
fn toolchain_with_bomb(name: &str, size: u64) -> Toolchain {
    let base = Toolchain::synthetic("go1.23.9", &[]);
    let common::server::Body::Bytes(zip) = &base.zip.body else { unreachable!("synthetic zips are bytes") };
    let mut writer = zip::ZipWriter::new_append(std::io::Cursor::new(zip.to_vec())).unwrap();
    let prefix = format!("{}@{}", modproxy::MODULE, base.module_version());
    let options = zip::write::SimpleFileOptions::default().large_file(true);
    writer.start_file(format!("{prefix}/{name}"), options).unwrap();
    zeros(&mut writer, size);
    let bytes = writer.finish().unwrap().into_inner();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut hashes = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        std::io::copy(&mut entry, &mut hasher).unwrap();
        let hex = sha2::Digest::finalize(hasher).iter().map(|b| format!("{b:02x}")).collect();
        hashes.push((entry.name().to_string(), hex));
    }
    Toolchain { zip: Reply::bytes(bytes), h1: modproxy::h1(&mut hashes), ..base }
}

/// Installing go1.23.9 from `proxy` is refused for `why`, bounded, and leaves nothing.
fn assert_proxy_refused(proxy: &ModProxy, why: &str) {
    let s = Sandbox::new();
    let env: Vec<(String, String)> = s.env().into_iter().chain(proxy.env()).collect();
    let Some(out) = gover_measured(&["install", "1.23.9"], &env, &s.work) else { return };
    assert_explained(&out, 6, &[why]);
    assert!(!modproxy::version_dir(&s.gover_home, "go1.23.9").exists());
    for dir in ["staging", "downloads"] {
        let left: Vec<_> = std::fs::read_dir(s.gover_home.join(dir)).into_iter().flatten().flatten().collect();
        assert!(left.is_empty(), "left in {dir}: {left:?}");
    }
}

#[test]
fn a_zip_bomb_from_the_module_proxy_stops_at_the_budget() {
    let proxy = ModProxy::new(vec![toolchain_with_bomb("pkg/bomb", 64 << 20)]);
    assert_proxy_refused(&proxy, "more than 16777216 bytes");
}

#[test]
fn a_zip_directory_entry_with_data_counts_too() {
    // A directory entry writes nothing, but its data is read for the h1: hash.
    let proxy = ModProxy::new(vec![toolchain_with_bomb("src/", 64 << 20)]);
    assert_proxy_refused(&proxy, "unpacks to more than 16777216 bytes");
}

#[test]
fn an_endless_zip_from_the_module_proxy_stops_at_the_cap() {
    let proxy = ModProxy::new(vec![Toolchain::synthetic("go1.23.9", &[])]);
    proxy.server.route(&proxy.zip_path("go1.23.9"), endless());
    assert_proxy_refused(&proxy, "the proxy sent more than 268435456 bytes");
}

/// A toolchain zip of `count` empty entries with names of a few characters: a central
/// directory of about 50 bytes an entry, which the zip crate would keep whole in memory.
fn toolchain_with_entries(count: usize) -> Toolchain {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..count {
        writer.start_file(format!("{i:x}"), zip::write::SimpleFileOptions::default()).unwrap();
    }
    let bytes = writer.finish().unwrap().into_inner();
    // Nothing gets as far as the hash.
    let h1 = format!("h1:{}=", "A".repeat(43));
    Toolchain { zip: Reply::bytes(bytes), h1, ..Toolchain::synthetic("go1.23.9", &[]) }
}

#[test]
fn a_huge_zip_directory_is_refused_before_it_is_read_whole() {
    // 150,000 entries, 7.5 MB of directory: read whole, about 100 MB of memory.
    let proxy = ModProxy::new(vec![toolchain_with_entries(150_000)]);
    assert_proxy_refused(&proxy, "its central directory (the list of entries) takes more than 3145728 bytes");
    // Just under the budget (3,000,000 bytes), about the most entries it allows: read whole,
    // then refused.
    let proxy = ModProxy::new(vec![toolchain_with_entries(60_000)]);
    assert_proxy_refused(&proxy, "outside the module's");
}

/// Real releases, from the download site and as toolchain zips from the module proxy, are
/// well inside every bound.
#[test]
fn real_releases_fit_the_bounds() {
    let mirror = common::real_mirror();
    let archive = std::fs::read(mirror.join(format!("{V}.linux-amd64.tar.gz"))).unwrap();
    let rig = Rig::http();
    rig.publish(&[IndexEntry::new(V, archive)]);
    let Some(out) = gover_measured(&["install", "1.22.10"], &rig.env(), &rig.sb.work) else { return };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(rig.version_dir(V).join("bin/go").is_file());

    let s = Sandbox::new();
    let proxy = ModProxy::new(vec![Toolchain::real("go1.23.9")]);
    let env: Vec<(String, String)> = s.env().into_iter().chain(proxy.env()).collect();
    let Some(out) = gover_measured(&["install", "1.23.9"], &env, &s.work) else { return };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(modproxy::version_dir(&s.gover_home, "go1.23.9").join("bin/go").is_file());
}
