//! Security currency of Go releases: which known vulnerabilities a release has (the Go
//! vulnerability database, cached in GOVER_HOME), the smallest release of its line that fixes
//! them all, and whether its line is past end of life. `list`, `doctor` and `install` only
//! ask questions of [`Knowledge`]; the commands that already use the network refresh the
//! data when it is over a day old ([`refresh_if_stale`]).

pub mod cache;
pub mod eol;
pub mod fetch;
pub mod osv;
pub mod ranges;

use std::time::{Duration, SystemTime};

use gover_shim::switch::{self, BadSwitch};
use gover_shim::{GoVersion, Process};

use crate::dist;
use crate::download::Client;
use crate::error::Result;
use crate::output::{self, outln, Output};
use crate::store::Store;
use cache::Cache;
use fetch::Location;
use osv::Entry;

/// Network commands check the database again after this long.
pub const REFRESH_AFTER: Duration = Duration::from_secs(24 * 3600);
/// After a refresh on the side fails, the commands that refresh on the side try again after
/// this long.
pub const RETRY_FAILED_AFTER: Duration = Duration::from_secs(3600);
/// `list` and `doctor` say how old the data is past this.
pub const STALE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// What gover knows, read from GOVER_HOME only.
pub struct Knowledge {
    pub cache: Option<Cache>,
    /// Releases known to exist: the release index saved last, installed versions, and the
    /// fixes the database names (end of life and `fixed_in` are computed from them).
    known: Vec<GoVersion>,
    /// Why a cache file could not be read, for a warning.
    pub problem: Option<crate::error::Error>,
    /// The database (GOVULNDB) whose last refresh failed, when it is the one in use: no
    /// command will fetch it until something changes, so none is promised.
    failed: Option<String>,
    /// GOVER_VULNDB is off: nothing fetches the data, so its age is no news.
    disabled: bool,
}

/// One release's standing.
pub struct Assessment<'a> {
    /// The entries whose ranges contain the release, sorted by id; `None` without data.
    pub vulnerabilities: Option<Vec<&'a Entry>>,
    /// The smallest release of the same line that none of them affects.
    pub fixed_in: Option<GoVersion>,
    pub end_of_life: bool,
}

impl Knowledge {
    /// Reads the cache; `installed` count as releases that exist.
    pub fn load(process: &Process, store: &Store, installed: &[GoVersion]) -> Knowledge {
        let (cache, problem) = match Cache::load(store) {
            Ok(cache) => (cache, None),
            Err(e) => (None, Some(e)),
        };
        let fixes = cache.iter().flat_map(|c| &c.entries).flat_map(|e| &e.ranges).flat_map(|r| r.fixes());
        let mut known: Vec<GoVersion> = dist::saved::last_releases(store)
            .into_iter()
            .chain(installed.iter().cloned())
            .chain(fixes.filter_map(ranges::to_go))
            .collect();
        known.sort();
        known.dedup();
        let failed = Location::from_env(|name| process.var(name))
            .ok()
            .map(|location| location.label())
            .filter(|source| cache::last_failure(store, source).is_some());
        Knowledge { cache, known, problem, failed, disabled: disabled(process) }
    }

    pub fn assess(&self, version: &GoVersion) -> Assessment<'_> {
        let vulnerabilities: Option<Vec<&Entry>> =
            self.cache.as_ref().map(|c| c.entries.iter().filter(|e| e.affects(version)).collect());
        let fixed_in = vulnerabilities.as_ref().filter(|v| !v.is_empty()).and_then(|vulns| {
            self.known
                .iter()
                .filter(|k| k.in_line(version.major, version.minor) && *k > version)
                .filter(|k| k.is_stable() || !version.is_stable())
                .find(|k| vulns.iter().all(|e| !e.affects(k)))
                .cloned()
        });
        Assessment { vulnerabilities, fixed_in, end_of_life: eol::end_of_life(version, &self.known) }
    }

    /// The newest stable release of `version`'s line that gover knows of, if newer than it.
    pub fn newer_in_line(&self, version: &GoVersion) -> Option<&GoVersion> {
        self.known
            .iter()
            .filter(|k| k.in_line(version.major, version.minor) && k.is_stable())
            .max()
            .filter(|n| *n > version)
    }

    /// The stable releases gover knows of, oldest first.
    pub fn stable_releases(&self) -> impl Iterator<Item = &GoVersion> {
        self.known.iter().filter(|k| k.is_stable())
    }

    /// The newest stable release gover knows of.
    pub fn newest_stable(&self) -> Option<&GoVersion> {
        self.stable_releases().max()
    }

    /// A sentence about the data's age when it is missing or over a week old, and what
    /// brings it: a command that fetches it, or (once fetching has failed) a copy of the
    /// database or turning the checks off.
    pub fn staleness(&self, now: SystemTime) -> Option<String> {
        if self.disabled {
            return None;
        }
        let failed = self.failed.as_ref().map(|source| {
            format!(
                "the last attempt to fetch it from {source} failed; set GOVULNDB to a copy of the database \
                 (https://… or file:///…), or GOVER_VULNDB=off to stop checking"
            )
        });
        match (&self.cache, failed) {
            (None, Some(failed)) => Some(format!("no vulnerability data: {failed}")),
            (None, None) => Some(
                "no vulnerability data yet; gover install, gover upgrade or gover list --refresh fetches it (offline, \
                 set GOVULNDB to a copy of the database, or GOVER_VULNDB=off to stop checking)"
                    .into(),
            ),
            (Some(cache), failed) if cache.age(now) > STALE_AFTER => {
                let days = cache.age(now).as_secs() / 86_400;
                Some(match failed {
                    Some(failed) => format!("the vulnerability data was last checked {days} days ago, and {failed}"),
                    None => format!(
                        "the vulnerability data was last checked {days} days ago; gover list --refresh (or any \
                         install or upgrade) brings it up to date"
                    ),
                })
            }
            (Some(_), _) => None,
        }
    }

    /// Whether the last refresh from the database in use failed (see [`Knowledge::staleness`]).
    pub fn fetch_failed(&self) -> bool {
        self.failed.is_some()
    }
}

impl Assessment<'_> {
    pub fn count(&self) -> usize {
        self.vulnerabilities.as_ref().map_or(0, Vec::len)
    }

    /// The marks `gover list` prints: `12 known vulnerabilities (fixed in go1.22.12)`, `end of life`.
    pub fn marks(&self) -> Vec<String> {
        let mut marks = Vec::new();
        let n = self.count();
        if n > 0 {
            let noun = if n == 1 { "vulnerability" } else { "vulnerabilities" };
            let fix = self.fixed_in.as_ref().map_or("no fix in this line".into(), |f| format!("fixed in {f}"));
            marks.push(format!("{n} known {noun} ({fix})"));
        }
        if self.end_of_life {
            marks.push("end of life".into());
        }
        marks
    }

    /// The ids, sorted.
    pub fn ids(&self) -> Option<Vec<&str>> {
        self.vulnerabilities.as_ref().map(|v| v.iter().map(|e| e.id.as_str()).collect())
    }

    /// The `n` most severe: the database scores nothing, so those in the go command itself
    /// (code run at build time) first, then the newest.
    pub fn most_severe(&self, n: usize) -> Vec<&Entry> {
        let mut all: Vec<&Entry> = self.vulnerabilities.iter().flatten().copied().collect();
        all.sort_by(|a, b| (b.affects_toolchain(), &b.id).cmp(&(a.affects_toolchain(), &a.id)));
        all.truncate(n);
        all
    }
}

/// `GOVER_VULNDB=off` (or 0, false, no): never fetch the database (an air-gapped machine
/// without a mirror), and do not ask for it; a cache already there is still used.
pub fn disabled(process: &Process) -> bool {
    setting(process) == Ok(false)
}

/// GOVER_VULNDB as an on/off switch that is on when unset or empty. `App` checks it before any
/// command runs, so a typo (`GOVER_VULNDB=of`) fails at once instead of passing for on.
pub fn setting(process: &Process) -> Result<bool, BadSwitch> {
    match process.value("GOVER_VULNDB") {
        None => Ok(true),
        Some(_) => switch::read("GOVER_VULNDB", |name| process.var(name)),
    }
}

/// For commands that use the network anyway: checks the database when the cache is over a
/// day old (or from another GOVULNDB), without waiting for a server that cannot be reached
/// ([`Client::impatient`]). A failure is a warning, given once an hour; the command goes on
/// with the copy it has, which the failed refresh left as it was.
pub fn refresh_if_stale(process: &Process, store: &Store, client: &Client, out: Output) {
    if disabled(process) {
        return;
    }
    let location = match Location::from_env(|name| process.var(name)) {
        Ok(location) => location,
        Err(err) => return output::warn_error(&err),
    };
    let previous = Cache::load(store).ok().flatten();
    let now = SystemTime::now();
    let fresh = previous.as_ref().is_some_and(|c| c.source == location.label() && c.age(now) < REFRESH_AFTER);
    if fresh || cache::failed_recently(store, &location.label(), now, RETRY_FAILED_AFTER) {
        return;
    }
    match client.impatient().and_then(|client| refresh(store, &client, &location, previous.as_ref(), now)) {
        Err(err) => {
            let err = err.context("cannot refresh the Go vulnerability database; the data gover has is kept");
            let hint = format!("{}; gover tries again in an hour", fetch::UNREACHABLE_HINT);
            output::warn_error(&err.hint(hint));
        }
        Ok(_) if previous.is_none() => {
            outln!(out, Note, "fetched the Go vulnerability database from {}", location.label())
        }
        Ok(_) => {}
    }
}

/// Checks the database now and saves what it says; a failure is remembered, for `list` and
/// `doctor` to say and for [`refresh_if_stale`] to wait after.
pub fn refresh(
    store: &Store,
    client: &Client,
    location: &Location,
    previous: Option<&Cache>,
    now: SystemTime,
) -> Result<Cache> {
    let cache = fetch::refresh(client, location, previous, now)
        .inspect_err(|_| cache::record_failure(store, &location.label()))?;
    cache.save(store)?;
    cache::clear_failure(store);
    Ok(cache)
}
