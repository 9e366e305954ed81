//! What gover keeps of the vulnerability database in GOVER_HOME/vulndb: `db.json` (the
//! entries for Go itself, where they came from, the index's `modified` time and when it was
//! last checked) and `releases.json` (the release names of the last release index fetched,
//! for end of life). Each is replaced in one rename, so a failed refresh leaves the old copy
//! whole; `list` and `doctor` read them and never the network.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gover_shim::GoVersion;
use serde::{Deserialize, Serialize};

use super::osv::Entry;
use crate::error::{self, Error, Result};
use crate::store::{write_atomic, Store};

/// Bumped when the cache's meaning changes; an older cache is fetched again.
const FORMAT: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cache {
    pub format: u32,
    /// The database URL (GOVULNDB) the entries came from.
    pub source: String,
    /// `/index/db.json`'s `modified`: unchanged means nothing to fetch.
    pub modified: String,
    /// Seconds since the epoch of the last successful check against the database.
    pub checked: u64,
    /// Entries affecting Go itself, sorted by id.
    pub entries: Vec<Entry>,
}

impl Cache {
    pub fn new(source: &str, modified: String, checked: SystemTime, mut entries: Vec<Entry>) -> Cache {
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        Cache { format: FORMAT, source: source.into(), modified, checked: unix_seconds(checked), entries }
    }

    pub fn path(store: &Store) -> PathBuf {
        store.vulndb_dir().join("db.json")
    }

    /// The cache, `None` before the first refresh; an unreadable one is an error to report
    /// (the next refresh replaces it).
    pub fn load(store: &Store) -> Result<Option<Cache>> {
        let path = Cache::path(store);
        let Some(bytes) = read_if_exists(&path)? else { return Ok(None) };
        let cache: Cache = serde_json::from_slice(&bytes).map_err(|e| unreadable(&path, e))?;
        Ok((cache.format == FORMAT).then_some(cache))
    }

    pub fn save(&self, store: &Store) -> Result<()> {
        Store::create_dir(&store.vulndb_dir())?;
        write_atomic(&Cache::path(store), &serde_json::to_vec(self).expect("the cache serialises"))
    }

    /// How long ago it was checked (zero if the clock went back).
    pub fn age(&self, now: SystemTime) -> Duration {
        Duration::from_secs(unix_seconds(now).saturating_sub(self.checked))
    }
}

/// The release names of the last release index gover fetched.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Releases {
    pub releases: Vec<String>,
}

impl Releases {
    fn path(store: &Store) -> PathBuf {
        store.vulndb_dir().join("releases.json")
    }

    pub fn load(store: &Store) -> Result<Vec<GoVersion>> {
        let path = Releases::path(store);
        let Some(bytes) = read_if_exists(&path)? else { return Ok(Vec::new()) };
        let saved: Releases = serde_json::from_slice(&bytes).map_err(|e| unreadable(&path, e))?;
        Ok(saved.releases.iter().filter_map(|name| GoVersion::parse(name)).collect())
    }

    /// Remembers `versions`, writing only when they changed.
    pub fn save(store: &Store, versions: &[GoVersion]) -> Result<()> {
        let new = Releases { releases: versions.iter().map(|v| v.to_string()).collect() };
        let path = Releases::path(store);
        let old = read_if_exists(&path).ok().flatten().and_then(|b| serde_json::from_slice::<Releases>(&b).ok());
        if old.as_ref() == Some(&new) {
            return Ok(());
        }
        Store::create_dir(&store.vulndb_dir())?;
        write_atomic(&path, &serde_json::to_vec(&new).expect("names serialise"))
    }
}

fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(error::io("read", path, e)),
    }
}

fn unreadable(path: &Path, e: serde_json::Error) -> Error {
    Error::failure(format!("cannot read {}", path.display()))
        .cause(e)
        .hint("remove it; the next gover install, upgrade or list --refresh fetches the data again")
}

pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
