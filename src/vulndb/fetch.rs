//! The Go vulnerability database's protocol (https://go.dev/security/vuln/database):
//! `/index/db.json` says when the database last changed, `/index/modules.json` lists each
//! module's entries with their own `modified` time, `/ID/<id>.json` is one OSV entry. The
//! database is `GOVULNDB` (as govulncheck reads it: https, http or file://), by default
//! https://vuln.go.dev. A refresh fetches only what changed, checks every answer, and hands
//! back a whole new cache or an error: never half of one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Deserialize;

use super::cache::Cache;
use super::osv::{self, Entry, ParseError, GO_MODULES};
use crate::download::{html_answer, looks_like_html, Client};
use crate::error::{Error, Kind, Result};

pub const DEFAULT_URL: &str = "https://vuln.go.dev";
/// vuln.go.dev's modules.json is a few MB for every module in the ecosystem.
const MAX_MODULES_INDEX: u64 = 64 << 20;
const MAX_DB_INDEX: u64 = 64 << 10;
const MAX_ENTRY: u64 = 4 << 20;
/// Entries are fetched this many at a time: a first refresh asks for about 200.
const PARALLEL: usize = 8;
/// What to do when the database cannot be reached: the download's own hints name the release
/// archives' settings (GOVER_DIST_URL), which do not move this database.
pub const UNREACHABLE_HINT: &str = "behind a proxy, set HTTPS_PROXY; without access to vuln.go.dev, set GOVULNDB to a \
     copy of it (https://… or file:///…), or GOVER_VULNDB=off to stop checking";

/// Where the database is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// An http(s) base URL without the trailing slash.
    Http(String),
    /// A directory in the protocol's layout (`file:///srv/vulndb`).
    Dir(PathBuf),
}

impl Location {
    /// `GOVULNDB`, else the public database.
    pub fn from_env(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<Location> {
        let value = var("GOVULNDB").and_then(|v| v.into_string().ok()).filter(|v| !v.trim().is_empty());
        let text = value.as_deref().unwrap_or(DEFAULT_URL).trim().trim_end_matches('/');
        let bad = || {
            Error::usage(format!("GOVULNDB={text} is not a vulnerability database URL"))
                .hint("set GOVULNDB to https://vuln.go.dev (the default), a mirror's https URL, or file:///path/to/db")
        };
        let url = url::Url::parse(text).map_err(|e| bad().cause(e))?;
        match url.scheme() {
            "https" | "http" => Ok(Location::Http(text.to_string())),
            "file" => url.to_file_path().map(Location::Dir).map_err(|()| bad().cause("not a local path")),
            other => Err(bad().cause(format!("{other}: is not https, http or file"))),
        }
    }

    /// The location as the user would write it: the cache remembers it.
    pub fn label(&self) -> String {
        match self {
            Location::Http(base) => base.clone(),
            Location::Dir(dir) => format!("file://{}", dir.display()),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.label())
    }

    fn get(&self, client: &Client, path: &str, limit: u64) -> Result<Vec<u8>> {
        match self {
            Location::Http(base) => {
                client.get_bytes(&format!("{base}{path}"), limit).map_err(|e| e.hint(UNREACHABLE_HINT))
            }
            Location::Dir(dir) => {
                let file = dir.join(path.trim_start_matches('/'));
                let bytes = std::fs::read(&file).map_err(|e| {
                    Error::new(Kind::Network, format!("cannot read {}", self.url(path)))
                        .cause(e)
                        .hint("GOVULNDB=file://… must name a directory in the database's layout (index/db.json, ID/)")
                })?;
                if bytes.len() as u64 > limit {
                    return Err(malformed(&self.url(path), format!("it is larger than {limit} bytes")));
                }
                Ok(bytes)
            }
        }
    }
}

#[derive(Deserialize)]
struct DbIndex {
    modified: String,
}

#[derive(Deserialize)]
struct ModuleIndex {
    path: String,
    #[serde(default)]
    vulns: Vec<VulnIndex>,
}

#[derive(Deserialize)]
struct VulnIndex {
    id: String,
    #[serde(default)]
    modified: String,
}

/// Checks the database against `previous` and returns the new cache: `previous` itself
/// (re-dated) when the database has not changed since, else the entries for Go itself,
/// reusing those whose `modified` time is unchanged.
pub fn refresh(client: &Client, location: &Location, previous: Option<&Cache>, now: SystemTime) -> Result<Cache> {
    let source = location.label();
    let db: DbIndex = json(location, "/index/db.json", &location.get(client, "/index/db.json", MAX_DB_INDEX)?)?;
    if db.modified.trim().is_empty() {
        return Err(malformed(&location.url("/index/db.json"), "it has no modified time".into()));
    }
    let previous = previous.filter(|p| p.source == source);
    if let Some(previous) = previous.filter(|p| p.modified == db.modified) {
        return Ok(Cache::new(&source, db.modified, now, previous.entries.clone()));
    }
    let path = "/index/modules.json";
    let modules: Vec<ModuleIndex> = json(location, path, &location.get(client, path, MAX_MODULES_INDEX)?)?;
    let mut wanted: Vec<VulnIndex> =
        modules.into_iter().filter(|m| GO_MODULES.contains(&m.path.as_str())).flat_map(|m| m.vulns).collect();
    wanted.sort_by(|a, b| a.id.cmp(&b.id));
    wanted.dedup_by(|a, b| a.id == b.id);
    if let Some(bad) = wanted.iter().find(|v| !osv::valid_id(&v.id)) {
        return Err(malformed(&location.url(path), format!("{:?} is not a vulnerability id", bad.id)));
    }
    let reusable = |v: &VulnIndex| {
        previous?.entries.iter().find(|e| e.id == v.id && e.modified == v.modified && !v.modified.is_empty()).cloned()
    };
    let mut entries = Vec::new();
    let mut to_fetch = Vec::new();
    for v in &wanted {
        match reusable(v) {
            Some(entry) => entries.push(entry),
            None => to_fetch.push(v.id.as_str()),
        }
    }
    entries.extend(fetch_entries(client, location, &to_fetch)?);
    Ok(Cache::new(&source, db.modified, now, entries))
}

/// Fetches and checks `ids`, a few at a time; the first failure fails them all.
fn fetch_entries(client: &Client, location: &Location, ids: &[&str]) -> Result<Vec<Entry>> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(ids.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(id) = ids.get(i) else { break };
                let result = fetch_entry(client, location, id);
                let failed = result.is_err();
                results.lock().expect("no worker panics holding it").push(result);
                if failed {
                    // Leave the rest: one bad answer discards the whole refresh.
                    next.store(ids.len(), Ordering::SeqCst);
                }
            });
        }
    });
    let mut entries = Vec::new();
    for result in results.into_inner().expect("no worker panicked") {
        entries.extend(result?);
    }
    Ok(entries)
}

fn fetch_entry(client: &Client, location: &Location, id: &str) -> Result<Option<Entry>> {
    let path = format!("/ID/{id}.json");
    let bytes = location.get(client, &path, MAX_ENTRY)?;
    osv::parse(id, &bytes).map_err(|e| parse_error(&location.url(&path), e))
}

fn json<T: serde::de::DeserializeOwned>(location: &Location, path: &str, bytes: &[u8]) -> Result<T> {
    let url = location.url(path);
    if looks_like_html(bytes) {
        return Err(parse_error(&url, ParseError::Html));
    }
    serde_json::from_slice(bytes).map_err(|e| parse_error(&url, ParseError::Malformed(e.to_string())))
}

fn parse_error(url: &str, e: ParseError) -> Error {
    match e {
        ParseError::Html => html_answer(url, "the Go vulnerability database", "the database", "GOVULNDB"),
        ParseError::Malformed(why) => malformed(url, why),
    }
}

fn malformed(url: &str, why: String) -> Error {
    Error::new(Kind::Network, format!("{url} is not valid Go vulnerability data")).cause(why).hint(
        "check GOVULNDB; it should serve what https://vuln.go.dev serves (index/db.json, index/modules.json, ID/)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn location(value: &str) -> Result<Location> {
        Location::from_env(|name| (name == "GOVULNDB").then(|| OsString::from(value)))
    }

    #[test]
    fn govulndb_as_govulncheck_reads_it() {
        assert_eq!(location("").unwrap(), Location::Http(DEFAULT_URL.into()));
        assert_eq!(location("https://vuln.example.com/").unwrap(), Location::Http("https://vuln.example.com".into()));
        assert_eq!(location("file:///srv/vulndb").unwrap(), Location::Dir("/srv/vulndb".into()));
        assert_eq!(location("file:///srv/vulndb").unwrap().label(), "file:///srv/vulndb");
        for bad in ["vuln.go.dev", "ftp://x", "file://host/x"] {
            assert_eq!(location(bad).unwrap_err().kind, Kind::Usage, "{bad}");
        }
    }
}
