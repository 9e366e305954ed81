//! The Go vulnerability database for tests: the real entries in tests/fixtures/vulndb/osv,
//! laid out as https://vuln.go.dev serves them (`/index/db.json`, `/index/modules.json`,
//! `/ID/<id>.json`, the index files built from the entries) and served from 127.0.0.1.
//! Also a reference answer, computed here without gover's code, to check gover against.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::server::Server;

/// The fixture entries: (id, the file's bytes, its JSON).
pub fn entries() -> Vec<(String, Vec<u8>, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vulndb/osv");
    let mut out: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            let value: Value = serde_json::from_slice(&bytes).unwrap();
            (value["id"].as_str().unwrap().to_string(), bytes, value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub struct VulnDb {
    /// The database's directory, also usable as GOVULNDB=file://<dir>.
    pub dir: tempfile::TempDir,
    pub server: Server,
}

impl VulnDb {
    /// The whole fixture database, modified at `2026-08-21T00:00:00Z`, on a fresh server.
    pub fn serve() -> VulnDb {
        let dir = tempfile::Builder::new().prefix("gover-vulndb-").tempdir().unwrap();
        let db = VulnDb { dir, server: Server::http() };
        for (id, bytes, _) in entries() {
            db.write(&format!("ID/{id}.json"), &bytes);
        }
        db.publish("2026-08-21T00:00:00Z", |_| None);
        db.server.serve_dir(db.dir.path());
        db
    }

    /// GOVULNDB for the server.
    pub fn url(&self) -> String {
        self.server.url("")
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Writes the index files: db.json saying `modified`, and modules.json listing every
    /// entry under each module it affects, with the entry's `modified` time unless
    /// `modified_of(id)` gives another.
    pub fn publish(&self, modified: &str, modified_of: impl Fn(&str) -> Option<String>) {
        self.write("index/db.json", json!({ "modified": modified }).to_string().as_bytes());
        let mut modules: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
        for (id, _, entry) in entries() {
            let when = modified_of(&id).unwrap_or_else(|| entry["modified"].as_str().unwrap().to_string());
            for affected in entry["affected"].as_array().unwrap() {
                let module = affected["package"]["name"].as_str().unwrap().to_string();
                let fixed = affected["ranges"][0]["events"]
                    .as_array()
                    .and_then(|events| events.iter().rev().find_map(|e| e["fixed"].as_str()));
                let mut vuln = json!({ "id": id, "modified": when });
                if let Some(fixed) = fixed {
                    vuln["fixed"] = json!(fixed);
                }
                let list = modules.entry(module).or_default();
                if !list.iter().any(|v| v["id"] == vuln["id"]) {
                    list.push(vuln);
                }
            }
        }
        let index: Vec<Value> =
            modules.into_iter().map(|(path, vulns)| json!({ "path": path, "vulns": vulns })).collect();
        self.write("index/modules.json", serde_json::to_string(&index).unwrap().as_bytes());
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

/// Go's order of a version as the database writes it (`1.22.12`, `1.24.0-rc.3`, `1.21.0-0`,
/// `0`) or as Go names it (`go1.22.10`, `go1.24rc3`): (major, minor, patch, stage, n), where a
/// line start `-0` is stage 0, beta 1, rc 2, a release 3.
pub fn order_key(text: &str) -> (u64, u64, u64, u64, u64) {
    if text == "0" {
        return (0, 0, 0, 0, 0);
    }
    if let Some(go) = text.strip_prefix("go") {
        let (numbers, stage, n) = match go.split_once("rc").or_else(|| go.split_once("beta")) {
            Some((numbers, n)) => (numbers, if go.contains("rc") { 2 } else { 1 }, n.parse().unwrap()),
            None => (go, 3, 0),
        };
        let parts: Vec<u64> = numbers.split('.').map(|p| p.parse().unwrap()).collect();
        return (parts[0], parts[1], parts.get(2).copied().unwrap_or(0), stage, n);
    }
    let (numbers, pre) = text.split_once('-').unwrap_or((text, ""));
    let parts: Vec<u64> = numbers.split('.').map(|p| p.parse().unwrap()).collect();
    let (stage, n) = match pre.split_once('.') {
        _ if pre.is_empty() => (3, 0),
        Some(("beta", n)) => (1, n.parse().unwrap()),
        Some(("rc", n)) => (2, n.parse().unwrap()),
        _ => (0, 0),
    };
    (parts[0], parts[1], parts[2], stage, n)
}

/// The reference: ids of the fixture entries with a stdlib or toolchain range containing
/// `version` (`go1.22.10`), walking each range's (introduced, fixed) pairs.
pub fn expected_ids(version: &str) -> Vec<String> {
    let key = order_key(version);
    let mut ids: Vec<String> = entries()
        .into_iter()
        .filter(|(_, _, entry)| {
            entry["withdrawn"].is_null()
                && entry["affected"].as_array().unwrap().iter().any(|affected| {
                    let module = affected["package"]["name"].as_str().unwrap();
                    (module == "stdlib" || module == "toolchain")
                        && affected["ranges"].as_array().unwrap().iter().any(|range| {
                            let mut inside = false;
                            for event in range["events"].as_array().unwrap() {
                                if let Some(v) = event["introduced"].as_str() {
                                    inside = inside || order_key(v) <= key;
                                }
                                if let Some(v) = event["fixed"].as_str() {
                                    inside = inside && key < order_key(v);
                                    if inside {
                                        return true;
                                    }
                                }
                            }
                            inside
                        })
                })
        })
        .map(|(id, _, _)| id)
        .collect();
    ids.sort();
    ids
}
