//! What gover keeps of the vulnerability database: GOVER_HOME/vulndb/db.json, the entries
//! for Go itself, where they came from, the index's `modified` time and when it was last
//! checked. It is replaced in one rename, so a failed refresh leaves the old copy whole;
//! `list` and `doctor` read it and never the network.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
        store.home().vulndb_file()
    }

    /// The cache, `None` before the first refresh; an unreadable one is an error to report
    /// (the next refresh replaces it).
    pub fn load(store: &Store) -> Result<Option<Cache>> {
        let path = Cache::path(store);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(error::io("read", &path, e)),
        };
        let cache: Cache = serde_json::from_slice(&bytes).map_err(|e| {
            Error::failure(format!("cannot read {}", path.display()))
                .cause(e)
                .hint("remove it; the next gover install, upgrade or list --refresh fetches the data again")
        })?;
        // A cache written before entries were sanitized when fetched is sanitized now.
        let entries = cache.entries.into_iter().map(Entry::sanitized).collect();
        Ok((cache.format == FORMAT).then_some(Cache { entries, ..cache }))
    }

    pub fn save(&self, store: &Store) -> Result<()> {
        Store::create_dir(&store.home().vulndb_dir())?;
        write_atomic(&Cache::path(store), &serde_json::to_vec(self).expect("the cache serialises"))
    }

    /// How long ago it was checked (zero if the clock went back).
    pub fn age(&self, now: SystemTime) -> Duration {
        Duration::from_secs(unix_seconds(now).saturating_sub(self.checked))
    }
}

pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// GOVER_HOME/vulndb/failed: the source of the last refresh on the side that failed, dated by
/// the file's time. The commands that refresh on the side leave the database alone for a
/// while after it: each would wait for the same unreachable server and warn the same way.
fn failure_path(store: &Store) -> PathBuf {
    store.home().vulndb_failure_file()
}

/// When the last refresh from `source` failed, if it did and none has succeeded since.
pub fn last_failure(store: &Store, source: &str) -> Option<SystemTime> {
    let path = failure_path(store);
    let recorded = std::fs::read_to_string(&path).ok()?;
    (recorded == source).then(|| std::fs::metadata(&path).and_then(|m| m.modified()).ok()).flatten()
}

/// Whether a refresh from `source` failed less than `within` before `now`.
pub fn failed_recently(store: &Store, source: &str, now: SystemTime, within: Duration) -> bool {
    last_failure(store, source).is_some_and(|when| now.duration_since(when).is_ok_and(|age| age < within))
}

/// Notes that a refresh from `source` failed now. Best effort: without the note, the next
/// command only tries again, and `list` and `doctor` promise a fetch that will fail.
pub fn record_failure(store: &Store, source: &str) {
    let _ = Store::create_dir(&store.home().vulndb_dir())
        .and_then(|()| write_atomic(&failure_path(store), source.as_bytes()));
}

pub fn clear_failure(store: &Store) {
    let _ = std::fs::remove_file(failure_path(store));
}
