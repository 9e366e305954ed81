//! A Go module proxy and checksum database on 127.0.0.1 for the toolchain tests: toolchain
//! zips laid out as golang.org/x/build's release tooling lays them out (from the real Go
//! archives, cached under target/, or synthetic ones), a transparent log of their records in
//! tiles, and tree heads signed with a key the test generates. The real `go` accepts it, so
//! it speaks the real protocol; tests then break one part at a time.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

use super::server::{Reply, Server};

pub const MODULE: &str = "golang.org/toolchain";
pub const GO_MOD: &str = "module golang.org/toolchain\n";
/// Top-level folders of GOROOT the toolchain zip leaves out.
const LEFT_OUT: [&str; 5] = ["api", "doc", "misc", "test", ".github"];

/// The module version of `version` for linux-amd64, the platform of the real-Go fixtures.
pub fn module_version(version: &str) -> String {
    module_version_for(version, "linux-amd64")
}

pub fn module_version_for(version: &str, platform: &str) -> String {
    format!("v0.0.1-{version}.{platform}")
}

/// A toolchain module: its zip (bytes, or a file for the real ones) and its `h1:` hash.
#[derive(Clone)]
pub struct Toolchain {
    pub version: String,
    /// `linux-amd64`.
    pub platform: String,
    pub zip: Reply,
    pub h1: String,
}

impl Toolchain {
    pub fn module_version(&self) -> String {
        module_version_for(&self.version, &self.platform)
    }

    /// The two lines of its checksum database record.
    pub fn record(&self) -> String {
        let v = self.module_version();
        format!(
            "{MODULE} {v} {}\n{MODULE} {v}/go.mod {}\n",
            self.h1,
            h1(&mut [("go.mod".into(), sha256_hex(GO_MOD.as_bytes()))])
        )
    }

    /// A small toolchain whose `bin/go version` prints like the real one; `extra` entries are
    /// (path under the module prefix, content), added as given (hostile names included), or
    /// replacing the file of that name.
    pub fn synthetic(version: &str, extra: &[(&str, &str)]) -> Toolchain {
        Toolchain::synthetic_for(version, "linux-amd64", extra)
    }

    /// The same for another platform (its bin/go is this host's shell script all the same).
    pub fn synthetic_for(version: &str, platform: &str, extra: &[(&str, &str)]) -> Toolchain {
        let prefix = format!("{MODULE}@{}", module_version_for(version, platform));
        let mut files: Vec<(String, Vec<u8>)> = vec![
            (format!("{prefix}/VERSION"), format!("{version}\ntime 2025-05-06T00:00:00Z\n").into_bytes()),
            (
                format!("{prefix}/bin/go"),
                format!("#!/bin/sh\necho \"go version {version} linux/amd64\"\n").into_bytes(),
            ),
            (format!("{prefix}/bin/gofmt"), b"#!/bin/sh\necho gofmt\n".to_vec()),
            (format!("{prefix}/src/_go.mod"), b"module std\n".to_vec()),
            (format!("{prefix}/pkg/tool/linux_amd64/compile"), b"#!/bin/sh\n".to_vec()),
        ];
        for (name, data) in extra {
            let name = name.replace("{prefix}", &prefix);
            files.retain(|(n, _)| *n != name);
            files.push((name, data.as_bytes().to_vec()));
        }
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let mut hashes = Vec::new();
        for (name, data) in &files {
            zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(data).unwrap();
            hashes.push((name.clone(), sha256_hex(data)));
        }
        let bytes = zip.finish().unwrap().into_inner();
        Toolchain { version: version.into(), platform: platform.into(), zip: Reply::bytes(bytes), h1: h1(&mut hashes) }
    }

    /// The zip of a real release from the real-Go mirror, built once per checkout under
    /// target/proxy-fixtures the way Go's release tooling builds it: the files under `go/`
    /// below the module prefix, nested go.mod files as `_go.mod`, LEFT_OUT left out.
    pub fn real(version: &str) -> Toolchain {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/proxy-fixtures");
        let zip_path = dir.join(format!("{}.zip", module_version(version)));
        let h1_path = dir.join(format!("{}.h1", module_version(version)));
        if !(zip_path.is_file() && h1_path.is_file()) {
            std::fs::create_dir_all(&dir).unwrap();
            let archive = super::real_mirror().join(format!("{version}.linux-amd64.tar.gz"));
            let temp = tempfile::NamedTempFile::new_in(&dir).unwrap();
            let hash = build_real_zip(&archive, &format!("{MODULE}@{}", module_version(version)), temp.as_file());
            std::fs::write(&h1_path, &hash).unwrap();
            temp.persist(&zip_path).unwrap();
        }
        let h1 = std::fs::read_to_string(&h1_path).unwrap();
        Toolchain { version: version.into(), platform: "linux-amd64".into(), zip: Reply::file(zip_path), h1 }
    }
}

fn build_real_zip(archive: &Path, prefix: &str, out: &std::fs::File) -> String {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(archive).unwrap()));
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(out));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let mut hashes = Vec::new();
    let mut data = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let Some(rel) = path.strip_prefix("go/") else { continue };
        if LEFT_OUT.iter().any(|top| rel.split('/').next() == Some(top)) {
            continue;
        }
        let rel = match rel.strip_suffix("go.mod") {
            Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{dir}_go.mod"),
            _ => rel.to_string(),
        };
        data.clear();
        entry.read_to_end(&mut data).unwrap();
        let name = format!("{prefix}/{rel}");
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(&data).unwrap();
        hashes.push((name, sha256_hex(&data)));
    }
    zip.finish().unwrap().flush().unwrap();
    h1(&mut hashes)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Go's dirhash Hash1, written out from its definition for the server side.
pub fn h1(files: &mut [(String, String)]) -> String {
    files.sort();
    let summary: String = files.iter().map(|(name, hex)| format!("{hex}  {name}\n")).collect();
    format!("h1:{}", B64.encode(Sha256::digest(summary.as_bytes())))
}

type Hash = [u8; 32];

fn leaf(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

fn node(l: &Hash, r: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

/// RFC 6962's tree hash, by its recursive definition.
fn tree_hash(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        1 => leaves[0],
        n => {
            let k = n.next_power_of_two() / 2;
            node(&tree_hash(&leaves[..k]), &tree_hash(&leaves[k..]))
        }
    }
}

/// A checksum database: records, a signing key, and the tiles of its log.
#[derive(Clone)]
pub struct Sumdb {
    pub name: String,
    key: SigningKey,
    pub records: Vec<String>,
}

impl Sumdb {
    /// A database named `name` with `filler` unrelated records first, so the log spans more
    /// than one tile (256 records) and proofs climb a level. The key comes from `seed`.
    pub fn new(name: &str, seed: u8, filler: usize) -> Sumdb {
        let records = (0..filler)
            .map(|i| {
                format!(
                    "example.com/m{i} v1.0.0 h1:{}\nexample.com/m{i} v1.0.0/go.mod h1:x=\n",
                    B64.encode([i as u8; 32])
                )
            })
            .collect();
        let mut seed_bytes = [seed; 32];
        seed_bytes[0] = rand_byte();
        Sumdb { name: name.into(), key: SigningKey::from_bytes(&seed_bytes), records }
    }

    fn key_hash(&self) -> [u8; 4] {
        let mut h = Sha256::new();
        h.update(format!("{}\n", self.name));
        h.update([1u8]);
        h.update(self.key.verifying_key().as_bytes());
        h.finalize()[..4].try_into().unwrap()
    }

    /// `name+hash+key`, as GOSUMDB takes it.
    pub fn verifier_key(&self) -> String {
        let mut raw = vec![1u8];
        raw.extend_from_slice(self.key.verifying_key().as_bytes());
        format!("{}+{}+{}", self.name, hex(&self.key_hash()), B64.encode(raw))
    }

    pub fn add(&mut self, record: String) -> usize {
        self.records.push(record);
        self.records.len() - 1
    }

    fn leaves(&self) -> Vec<Hash> {
        self.records.iter().map(|r| leaf(r.as_bytes())).collect()
    }

    /// The signed tree head of the first `n` records.
    pub fn tree_head(&self, n: usize) -> String {
        let text = format!("go.sum database tree\n{n}\n{}\n", B64.encode(tree_hash(&self.leaves()[..n])));
        self.sign(&text)
    }

    pub fn sign(&self, text: &str) -> String {
        let mut sig = self.key_hash().to_vec();
        sig.extend_from_slice(&self.key.sign(text.as_bytes()).to_bytes());
        format!("{text}\n\u{2014} {} {}\n", self.name, B64.encode(sig))
    }

    /// Every file of the database at its current size, by path under its URL: `latest`, a
    /// `lookup/<module>@<version>` per record, and the hash tiles (full ones, and the partial
    /// ones at the right edge).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let n = self.records.len();
        let head = self.tree_head(n);
        let mut files = vec![("latest".to_string(), head.clone().into_bytes())];
        for (id, record) in self.records.iter().enumerate() {
            let first = record.lines().next().unwrap();
            let mut words = first.split(' ');
            let (module, version) = (words.next().unwrap(), words.next().unwrap());
            files.push((format!("lookup/{module}@{version}"), format!("{id}\n{record}\n{head}").into_bytes()));
        }
        let mut level: Vec<Hash> = self.leaves();
        let mut t = 0;
        while !level.is_empty() {
            for (index, tile) in level.chunks(256).enumerate() {
                let suffix = if tile.len() == 256 { String::new() } else { format!(".p/{}", tile.len()) };
                files.push((format!("tile/8/{t}/{}{suffix}", tile_index(index as u64)), tile.concat()));
            }
            level = level.chunks_exact(256).map(tree_hash).collect();
            t += 1;
        }
        files
    }

    /// Serves the database under `base` (a path like `/sumdb`) on `server`.
    pub fn serve(&self, server: &Server, base: &str) {
        for (path, body) in self.files() {
            server.route(&format!("{base}/{path}"), Reply::bytes(body));
        }
    }
}

fn tile_index(index: u64) -> String {
    let digits = format!("{index:03}");
    let pad = (3 - digits.len() % 3) % 3;
    let digits = format!("{}{digits}", "0".repeat(pad));
    let groups: Vec<String> = digits.as_bytes().chunks(3).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    let (last, rest) = groups.split_last().unwrap();
    rest.iter().map(|g| format!("x{g}/")).collect::<String>() + last
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One byte of randomness, so each test's key is its own.
fn rand_byte() -> u8 {
    let mut b = [0u8; 1];
    std::fs::File::open("/dev/urandom").unwrap().read_exact(&mut b).unwrap();
    b[0]
}

/// The module proxy and the checksum database on one loopback server: the proxy under
/// `/proxy`, the database under `/sumdb`.
pub struct ModProxy {
    pub server: Server,
    pub sumdb: Sumdb,
    pub toolchains: Vec<Toolchain>,
}

impl ModProxy {
    /// Serves `toolchains`, each recorded in a fresh database of `filler` + their records.
    pub fn new(toolchains: Vec<Toolchain>) -> ModProxy {
        let mut sumdb = Sumdb::new("sum.test.example", 1, 300);
        for t in &toolchains {
            sumdb.add(t.record());
        }
        let proxy = ModProxy { server: Server::http(), sumdb, toolchains };
        proxy.publish();
        proxy
    }

    /// Every file of the proxy (under `/proxy`) and the database (under `/sumdb`), by path.
    fn files(&self) -> Vec<(String, Reply)> {
        let list: String = self.toolchains.iter().map(|t| format!("{}\n", t.module_version())).collect();
        let at = format!("/proxy/{MODULE}/@v");
        let mut files = vec![(format!("{at}/list"), Reply::bytes(list))];
        for t in &self.toolchains {
            let v = t.module_version();
            let info = format!("{{\"Version\":\"{v}\",\"Time\":\"2025-05-06T00:00:00Z\"}}\n");
            files.push((format!("{at}/{v}.info"), Reply::bytes(info)));
            files.push((format!("{at}/{v}.mod"), Reply::bytes(GO_MOD)));
            files.push((format!("{at}/{v}.zip"), t.zip.clone()));
        }
        files.extend(self.sumdb.files().into_iter().map(|(path, body)| (format!("/sumdb/{path}"), Reply::bytes(body))));
        files
    }

    /// (Re)serves the proxy files and the database as they are now.
    pub fn publish(&self) {
        for (path, reply) in self.files() {
            self.server.route(&path, reply);
        }
    }

    /// Writes the proxy and the database as a static tree under `dir` (for a web server of
    /// the benchmarks), with `gosumdb`: the key GOSUMDB needs, before the database's URL.
    pub fn write_tree(&self, dir: &Path) {
        for (path, reply) in self.files() {
            let dest = dir.join(path.trim_start_matches('/'));
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            match reply.body {
                super::server::Body::Bytes(bytes) => std::fs::write(&dest, bytes.as_slice()).unwrap(),
                super::server::Body::File(src) => {
                    let _ = std::fs::remove_file(&dest);
                    if std::fs::hard_link(&src, &dest).is_err() {
                        std::fs::copy(&src, &dest).unwrap();
                    }
                }
                super::server::Body::Repeat { .. } => unreachable!("no generated bodies here"),
            }
        }
        std::fs::write(dir.join("gosumdb"), format!("{}\n", self.sumdb.verifier_key())).unwrap();
    }

    pub fn goproxy(&self) -> String {
        self.server.url("/proxy")
    }

    /// GOSUMDB naming this database, its key and its URL.
    pub fn gosumdb(&self) -> String {
        format!("{} {}", self.sumdb.verifier_key(), self.server.url("/sumdb"))
    }

    /// GOPROXY and GOSUMDB, as both gover and go read them.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![("GOPROXY".into(), self.goproxy()), ("GOSUMDB".into(), self.gosumdb())]
    }

    /// The path of a file under the proxy.
    pub fn zip_path(&self, version: &str) -> String {
        format!("/proxy/{MODULE}/@v/{}.zip", module_version(version))
    }
}

/// Where a version would be installed, for "nothing installed" checks.
pub fn version_dir(gover_home: &Path, version: &str) -> PathBuf {
    gover_home.join("versions").join(version)
}
