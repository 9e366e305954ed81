//! The release index as gover keeps it in GOVER_HOME/cache: one `index-<hash of its URL>.json`
//! per index, rewritten each time that index is fetched. The trusted index's copy is what
//! `install` and `list --remote` fall back on when no index can be reached; the copy saved
//! last (whatever its URL) is where end of life learns which releases exist without the
//! network. It keeps every release's name but only this machine's archives
//! ([`Index::to_json`]): about a fiftieth of go.dev's index (78 KB of 4.2 MB), small enough
//! for `gover list` to read at every run (bench/vulns.sh measures it).

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use gover_shim::GoVersion;
use sha2::{Digest, Sha256};

use super::index::{Index, Platform};
use crate::download::hex;
use crate::store::{write_atomic, Store};

const PREFIX: &str = "index-";
const SUFFIX: &str = ".json";

fn path(store: &Store, url: &str) -> PathBuf {
    store.home().cache_dir().join(format!("{PREFIX}{}{SUFFIX}", &hex(&Sha256::digest(url))[..16]))
}

/// Keeps `index`, fetched from `url`. Best effort: without it, only offline answers suffer.
pub fn save(store: &Store, url: &str, index: &Index, platform: &Platform) {
    let _ = Store::create_dir(&store.home().cache_dir())
        .and_then(|()| write_atomic(&path(store, url), &index.to_json(platform)));
}

/// The copy of the index at `url`, and how long ago it was saved.
pub fn load(store: &Store, url: &str) -> Option<(Index, Duration)> {
    read(path(store, url))
}

/// The releases of the index saved last, whatever its URL; none before the first fetch.
/// A damaged copy counts as none: the next fetch replaces it.
pub fn last_releases(store: &Store) -> Vec<GoVersion> {
    let newest = fs::read_dir(store.home().cache_dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX)))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max();
    let index = newest.and_then(|(_, path)| read(path)).map(|(index, _)| index).unwrap_or_default();
    index.releases.into_iter().map(|r| r.version).collect()
}

fn read(path: PathBuf) -> Option<(Index, Duration)> {
    let saved = fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    let index = Index::parse(&fs::read(&path).ok()?).ok()?;
    Some((index, SystemTime::now().duration_since(saved).unwrap_or_default()))
}
