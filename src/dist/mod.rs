//! Go releases from the network: where they come from (`DownloadSite`), the release index
//! (`index`), the HTTP client (`download`) and which servers it trusts (`tls`), safe
//! extraction (`unpack`), and `install`, which streams one archive through hash -> gunzip ->
//! untar into staging and makes it visible by one rename once it is verified; the download
//! cache beside it (verified archives with their checksums, partial downloads to resume) and
//! the saved release index make reinstalls work offline.

pub mod index;
pub mod mirror;
pub mod proxy;
pub mod saved;
pub mod unpack;

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use gover_shim::{GoVersion, Process, Spec};

use crate::app::App;
use crate::download::{self, CacheTee, Client, HashingReader, ResumingBody};
use crate::error::{self, Error, Kind, Result};
use crate::gosettings::{self, Settings};
use crate::interrupt;
use crate::output::{self, outln, Output};
use crate::store::{write_atomic, Staging, Store};
use index::{Index, IndexError, Platform, Release};
use proxy::ProxyConfig;
use unpack::{Limits, UnpackError};

pub const OFFICIAL_INDEX: &str = "https://go.dev/dl/?mode=json&include=all";
pub const OFFICIAL_DIST: &str = "https://go.dev/dl/";
/// The full official index is a few MB; this leaves room to grow and stops a runaway body.
const MAX_INDEX: u64 = 64 << 20;
const INDEX_QUERY: &str = "?mode=json&include=all";
/// The most an archive or toolchain zip download may bring when nothing gives its size (a
/// mirror's `.sha256` instead of an index, a module proxy): Go's are 60 to 110 MB, so this is
/// twice the largest with room to grow, and a server that sends without end fills no disk.
pub const MAX_ARCHIVE: u64 = 256 << 20;

/// Where the index and the archives come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadSite {
    /// The index whose checksums are trusted (official, or GOVER_INDEX_URL).
    pub index_url: String,
    /// Base URL of the archives, ending in `/` (official, or the GOVER_DIST_URL mirror).
    pub dist_url: String,
    /// GOVER_DIST_URL is set: archives come from a mirror.
    pub mirror: bool,
    /// --trust-mirror (GOVER_TRUST_MIRROR): when the index cannot be fetched, the mirror's own
    /// checksums may stand in. Never without it: an on-path attacker can make go.dev
    /// unreachable, and a mirror that vouches for itself proves nothing.
    pub trust_mirror: bool,
}

impl DownloadSite {
    pub fn from_env(var: impl Fn(&str) -> Option<OsString>) -> DownloadSite {
        let set = |name: &str| var(name).and_then(|v| v.into_string().ok()).filter(|v| !v.trim().is_empty());
        let dist = set("GOVER_DIST_URL");
        let mut dist_url = dist.clone().unwrap_or_else(|| OFFICIAL_DIST.into()).trim().to_string();
        if !dist_url.ends_with('/') {
            dist_url.push('/');
        }
        DownloadSite {
            index_url: set("GOVER_INDEX_URL").unwrap_or_else(|| OFFICIAL_INDEX.into()).trim().to_string(),
            dist_url,
            mirror: dist.is_some(),
            trust_mirror: false,
        }
    }

    pub fn archive_url(&self, filename: &str) -> String {
        format!("{}{filename}", self.dist_url)
    }

    /// The mirror's own index as go.dev serves it (when the mirror answers queries).
    fn mirror_index_url(&self) -> String {
        format!("{}{INDEX_QUERY}", self.dist_url)
    }

    /// A mirror is set and the user chose to trust its own checksums.
    pub fn mirror_trusted(&self) -> bool {
        self.mirror && self.trust_mirror
    }
}

/// Everything needed to reach releases for this machine, read from the environment once:
/// the host's platform, the index and archive URLs, and the HTTP client (proxies, CAs, timeouts).
pub struct Remote {
    pub platform: Platform,
    pub sources: DownloadSite,
    pub client: Client,
    /// The environment go's module settings are read from, when the proxy is asked.
    process: Process,
}

impl Remote {
    /// `trust_mirror`: --trust-mirror (see [`DownloadSite::trust_mirror`]).
    pub fn from_env(process: &Process, trust_mirror: bool) -> Result<Remote> {
        let platform = Platform::host().ok_or_else(|| {
            Error::failure(format!(
                "Go publishes no archive gover can use for {}-{}",
                std::env::consts::OS,
                std::env::consts::ARCH
            ))
        })?;
        let env = |name: &str| process.var(name);
        let client = Client::new(download::NetSettings::from_env(env))?;
        let sources = DownloadSite { trust_mirror, ..DownloadSite::from_env(env) };
        Ok(Remote { platform, sources, client, process: process.clone() })
    }

    /// The trusted index, else the mirror's own if the user trusts it (see [`fetch_index`]), saved in
    /// GOVER_HOME/cache (see [`saved`]). When no index can be reached, the trusted one's copy
    /// is used, saying how old it is.
    pub fn fetch_index(&self, store: &Store) -> Result<Catalog> {
        let err = match fetch_index(&self.client, &self.sources) {
            Ok(catalog) => {
                // Under the URL it came from: a mirror's copy never stands in for the trusted index.
                let url =
                    if catalog.from_mirror { self.sources.mirror_index_url() } else { self.sources.index_url.clone() };
                saved::save(store, &url, &catalog.index, &self.platform);
                return Ok(catalog);
            }
            Err(err) if err.kind == Kind::Network => err,
            Err(err) => return Err(err),
        };
        let Some((index, age)) = saved::load(store, &self.sources.index_url) else { return Err(err) };
        output::warn(format!(
            "{}; using the release index saved {} ago (releases published since are missing)",
            err.message,
            describe_age(age)
        ));
        Ok(Catalog { index, from_mirror: false, saved: Some(err) })
    }

    /// Where releases come from for this run, said once on standard error with the reason.
    /// `auto`: the download site, unless GOPROXY names a proxy of its own (and no GOVER_*_URL
    /// names a download mirror), or the download site cannot be reached.
    pub fn origin(&self, store: &Store, choice: SourceChoice, out: Output) -> Result<ReleaseSource> {
        match choice {
            SourceChoice::Dl => Ok(ReleaseSource::Site(self.fetch_index(store)?)),
            SourceChoice::Proxy => {
                let config = proxy_config(&self.process)?;
                say_source(format!("the module proxy {} (--source proxy)", config.goproxy), &config, out);
                Ok(ReleaseSource::Proxy(Box::new(config), None))
            }
            SourceChoice::Auto => {
                let dl_mirror = self.sources.mirror || self.sources.index_url != OFFICIAL_INDEX;
                if let Some(config) = proxy_config(&self.process).ok().filter(|c| c.custom && !dl_mirror) {
                    let why = "GOPROXY is set; --source dl for the download site";
                    say_source(format!("the module proxy {} ({why})", config.goproxy), &config, out);
                    return Ok(ReleaseSource::Proxy(Box::new(config), None));
                }
                self.fetch_index(store).map(ReleaseSource::Site).or_else(|err| {
                    let (config, err) = self.proxy_instead(err, out)?;
                    Ok(ReleaseSource::Proxy(config, Some(err)))
                })
            }
        }
    }

    /// `auto`'s next source when the download site failed with `err` (or, for a release its
    /// saved index does not name, could not be asked): without go.dev's index, the proxy is the
    /// one other source whose checksums need no trust in a server, as the checksum database
    /// vouches for them. An index the user named instead is theirs to fix; a mirror the user
    /// trusts has fallbacks of its own (a .sha256 for an exact version).
    pub fn proxy_instead(&self, err: Error, out: Output) -> Result<(Box<ProxyConfig>, Error)> {
        if err.kind != Kind::Network || self.sources.index_url != OFFICIAL_INDEX || self.sources.mirror_trusted() {
            return Err(err);
        }
        let Ok(config) = proxy_config(&self.process) else { return Err(err) };
        say_source(
            format!("the module proxy {} (the download site failed: {})", config.goproxy, err.message),
            &config,
            out,
        );
        Ok((Box::new(config), err))
    }
}

/// go's module settings for the proxy, read as go reads them.
fn proxy_config(process: &Process) -> Result<ProxyConfig> {
    ProxyConfig::from_settings(&Settings::load(gosettings::settings::SettingsEnv::from_process(process)))
}

/// Where releases come from and why, once on standard error, with the notes on go's settings.
fn say_source(what: String, config: &ProxyConfig, out: Output) {
    outln!(out, Status, "source: {what}");
    config.notes.iter().for_each(|note| outln!(out, Note, "{note}"));
}

/// `--source` / GOVER_SOURCE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceChoice {
    /// The download site, or the module proxy when GOPROXY names one or the site is unreachable
    Auto,
    /// The Go module proxy (GOPROXY), verified by the checksum database (GOSUMDB)
    Proxy,
    /// The download site (go.dev/dl, or GOVER_DIST_URL / GOVER_INDEX_URL)
    Dl,
}

/// The source chosen: the download site with its index, or the module proxy (with the
/// download site's failure when `auto` fell back to it).
pub enum ReleaseSource {
    Site(Catalog),
    Proxy(Box<ProxyConfig>, Option<Error>),
}

/// A network failure of the module proxy that `auto` fell back to after `site` failed: both
/// sources failed, and what the user can do is what the download site's error says (trust a
/// mirror, name another index).
pub fn after_fallback(err: Error, site: Option<&Error>) -> Error {
    match site {
        Some(site) if err.kind == Kind::Network => {
            let err = err.cause(format!("the module proxy was tried after the download site failed: {}", site.message));
            let err = site.causes.iter().fold(err, |err, cause| err.cause(cause));
            match &site.hint {
                Some(hint) => err.hint(hint.clone()),
                None => err,
            }
        }
        _ => err,
    }
}

/// `3 days`, `5 hours`, `12 minutes`.
fn describe_age(age: std::time::Duration) -> String {
    let minutes = age.as_secs() / 60;
    let (n, unit) = match minutes {
        0..60 => (minutes, "minute"),
        60..2880 => (minutes / 60, "hour"),
        _ => (minutes / 1440, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// No release of `catalog` matches `spec`: the nearest that exist, and a hint that installs
/// the nearest with `command` (`gover install`, `gover use --install`), which works.
fn no_such_version(spec: &Spec, catalog: &Catalog, platform: &Platform, command: &str) -> Error {
    let name = match spec {
        Spec::Exact(v) => v.to_string(),
        other => other.to_string(),
    };
    let nearest = catalog.index.nearest(spec, platform, 3);
    let mut err = Error::new(Kind::NoSuchVersion, format!("no Go release {name} for {platform}"));
    if !nearest.is_empty() {
        let list: Vec<String> = nearest.iter().map(|v| v.to_string()).collect();
        err = err.cause(format!("the nearest that exist: {}", list.join(", ")));
    }
    if catalog.from_mirror {
        err = err.cause("the list comes from the mirror's own index, which may lag behind go.dev");
    }
    match index::suggestion(&nearest, spec) {
        Some(suggested) => err.hint(format!("{command} {}", suggested.to_string().trim_start_matches("go"))),
        None => err.hint("gover list --remote lists what can be installed"),
    }
}

/// "Not installed, run gover install X" is only right if X exists: asks the release index
/// (the saved copy when offline) and, when no release matches, says so with the nearest one
/// and `command` to get it. Without any index, `not_installed` stands as it is.
pub fn unless_no_such_release(app: &App, spec: &Spec, not_installed: Error, command: &str) -> Error {
    let Ok(remote) = Remote::from_env(&app.process, app.trust_mirror) else { return not_installed };
    // A saved copy of the index that lacks the release cannot say it does not exist.
    match remote.fetch_index(&app.store).map(|catalog| catalog.pick(spec, &remote.platform, command).err()) {
        Ok(Some(err)) if err.kind == Kind::NoSuchVersion => err,
        _ => not_installed,
    }
}

/// The release `spec` names in the release index (`stable`: the newest there, not the newest
/// installed); `command` is the one running, for the hint when none matches.
pub fn released(app: &App, spec: &Spec, command: &str) -> Result<GoVersion> {
    let remote = Remote::from_env(&app.process, app.trust_mirror)?;
    let catalog = remote.fetch_index(&app.store)?;
    Ok(catalog.pick(spec, &remote.platform, command)?.version.clone())
}

/// An index, and whether its checksums came from the archive mirror itself.
pub struct Catalog {
    pub index: Index,
    pub from_mirror: bool,
    /// The index could not be fetched (this error): this is the copy saved earlier, which
    /// lacks whatever was published since.
    pub saved: Option<Error>,
}

impl Catalog {
    /// The release of `spec` for `platform`, else why not: none in a fetched index is exit 4
    /// with the nearest (see [`no_such_version`]); none in a saved copy is the failure to
    /// fetch the index (exit 5), since the release may have been published since.
    pub fn pick(&self, spec: &Spec, platform: &Platform, command: &str) -> Result<&Release> {
        self.index.pick(spec, platform).ok_or_else(|| match &self.saved {
            Some(err) => {
                err.clone().cause(format!("the copy of the release index saved earlier names no {spec} for {platform}"))
            }
            None => no_such_version(spec, self, platform, command),
        })
    }
}

/// The trusted index. When it cannot be had (unreachable, failing, an HTML page) and a mirror
/// is set, the mirror's own index stands in only if the user trusts the mirror; otherwise
/// the error says how to trust it, naming the mirror's index if it has one. With a fallback
/// at hand, a trusted index that cannot be reached gets one attempt, not the retries, so a
/// machine without go.dev does not wait for it.
fn fetch_index(client: &Client, sources: &DownloadSite) -> Result<Catalog> {
    let url = &sources.index_url;
    let primary = if sources.mirror_trusted() {
        client.get_bytes_or_fall_back(url, MAX_INDEX)
    } else {
        client.get_bytes(url, MAX_INDEX)
    };
    let err = match primary.and_then(|bytes| parse_index(url, &bytes)) {
        Ok(index) => return Ok(Catalog { index, from_mirror: false, saved: None }),
        Err(err) if err.kind == Kind::Network && sources.mirror => err,
        Err(err) => return Err(err),
    };
    let (found, answered) = mirror_index(client, sources);
    if !sources.trust_mirror {
        let found = found.ok().map(|(_, found)| found).filter(|found| found != url);
        return Err(untrusted_mirror(err, sources, found.as_deref()));
    }
    match found {
        Ok((index, mirror_url)) => {
            output::warn(format!(
                "{}, so the checksums of the mirror's own index are trusted (--trust-mirror); to make that \
                 permanent (and not try {} first), set GOVER_INDEX_URL={mirror_url}",
                err.message,
                host_of(url)
            ));
            Ok(Catalog { index, from_mirror: true, saved: None })
        }
        // The mirror the user chose answered, but not with an index (a login page, say): that
        // is the problem to fix first.
        Err(second) if answered => Err(second.cause(format!("and {url} failed too: {}", err.message))),
        Err(second) => Err(err.cause(format!("the mirror's index failed too: {}", second.message))),
    }
}

/// The mirror's own index and its URL: `?mode=json&include=all` as go.dev answers it, else
/// the `index.json` beside the archives that a static mirror (a `gover mirror sync` tree, any
/// web server or bucket) serves; and whether the mirror answered at all.
fn mirror_index(client: &Client, sources: &DownloadSite) -> (Result<(Index, String)>, bool) {
    let query_url = sources.mirror_index_url();
    let query = client.get_bytes_or_fall_back(&query_url, MAX_INDEX);
    let answered = query.is_ok();
    let found = query.and_then(|bytes| Ok((parse_index(&query_url, &bytes)?, query_url.clone())));
    let found = found.or_else(|first: Error| -> Result<(Index, String)> {
        let static_url = format!("{}index.json", sources.dist_url);
        let bytes = client.get_bytes_or_fall_back(&static_url, MAX_INDEX).map_err(|_| first.clone())?;
        let index = parse_index(&static_url, &bytes).map_err(|_| first)?;
        Ok((index, static_url))
    });
    (found, answered)
}

/// The index `err` could not be fetched, and the mirror's own checksums are not to be trusted
/// unasked: the ways to trust a source, naming the mirror's index (`found`) when it has one.
fn untrusted_mirror(err: Error, sources: &DownloadSite, found: Option<&str>) -> Error {
    let index = found.unwrap_or("<the mirror's index>");
    if sources.index_url != OFFICIAL_INDEX {
        // The user named an index that failed; the mirror has one that answers.
        let url = &sources.index_url;
        let why = if url.contains(INDEX_QUERY) && found.is_some_and(|f| f.ends_with("/index.json")) {
            " (a static mirror answers no ?mode=json query)"
        } else {
            ""
        };
        return match found {
            Some(found) => err.hint(format!(
                "the mirror's index is {found}{why}: set GOVER_INDEX_URL={found}, or pass --trust-mirror \
                 (GOVER_TRUST_MIRROR=1) to fall back on it whenever {} fails",
                host_of(url)
            )),
            None => err,
        };
    }
    err.cause(format!(
        "the mirror (GOVER_DIST_URL={}) serves the archives; their checksums come from {}, and the mirror's own \
         are not trusted unless you say so",
        sources.dist_url,
        host_of(&sources.index_url)
    ))
    .hint(format!(
        "to trust the mirror's checksums, set GOVER_INDEX_URL={index} (always use its index), or pass --trust-mirror \
         (GOVER_TRUST_MIRROR=1: its index or .sha256 files whenever {} fails); or install from the module proxy, \
         verified by the checksum database: --source proxy",
        host_of(&sources.index_url)
    ))
}

/// The host of `url`, for messages (the URL itself if it has none).
fn host_of(url: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(String::from)).unwrap_or_else(|| url.to_string())
}

fn parse_index(url: &str, bytes: &[u8]) -> Result<Index> {
    Index::parse(bytes).map_err(|e| match e {
        IndexError::Html => {
            download::html_answer(url, "the release index", "the Go download server", "GOVER_INDEX_URL")
        }
        IndexError::Malformed(why) => Error::new(Kind::Network, format!("{url} is not a Go release index"))
            .cause(why)
            .hint("check GOVER_INDEX_URL; it should serve the JSON of https://go.dev/dl/?mode=json&include=all"),
    })
}

/// One archive to install and the checksum it must match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub version: GoVersion,
    pub url: String,
    pub sha256: String,
    /// Unknown when the checksum came from a `.sha256` file.
    pub size: Option<u64>,
    /// The platform it must be for: this machine's.
    pub platform: Platform,
}

impl Artifact {
    /// The archive's file name, the last part of its URL.
    pub fn filename(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or(&self.url)
    }

    pub fn from_release(release: &Release, platform: &Platform, sources: &DownloadSite) -> Option<Artifact> {
        let file = release.archive_for(platform)?;
        Some(Artifact {
            version: release.version.clone(),
            url: sources.archive_url(&file.filename),
            sha256: file.sha256.to_ascii_lowercase(),
            size: Some(file.size),
            platform: platform.clone(),
        })
    }

    /// The last resort when no index could be fetched (`index_error`) and the user trusts the
    /// mirror: `<archive>.sha256` beside the archive on the mirror.
    pub fn from_checksum_file(
        client: &Client,
        sources: &DownloadSite,
        version: &GoVersion,
        platform: &Platform,
        index_error: &Error,
    ) -> Result<Artifact> {
        let url = sources.archive_url(&format!("{version}.{platform}.tar.gz"));
        let checksum_url = format!("{url}.sha256");
        let body = client
            .get_bytes(&checksum_url, 4096)
            .map_err(|second| index_error.clone().cause(format!("and the .sha256 fallback failed: {second}")))?;
        // The mirror answered, but not with a digest: that is the thing to fix.
        let sha256 = parse_checksum_file(&body).ok_or_else(|| {
            Error::new(Kind::Network, format!("{checksum_url} does not hold a SHA-256 digest"))
                .cause(format!("and no release index could be reached: {}", index_error.message))
                .hint("check GOVER_DIST_URL; the mirror should serve <archive>.sha256 files like go.dev/dl/")
        })?;
        output::warn(format!(
            "no release index could be fetched; checking {url} against {checksum_url} from the same mirror \
             (--trust-mirror), so trust rests on the mirror"
        ));
        Ok(Artifact { version: version.clone(), url, sha256, size: None, platform: platform.clone() })
    }
}

/// The digest in a `.sha256` file: 64 hex digits, optionally followed by a file name.
fn parse_checksum_file(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let digest = text.split_whitespace().next()?;
    (digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit())).then(|| digest.to_ascii_lowercase())
}

/// What `install` did.
pub enum InstallOutcome {
    /// `cached`: unpacked from the download cache, without the network.
    Installed { cached: bool },
    /// Already there, possibly installed meanwhile by a concurrent gover holding the lock.
    AlreadyInstalled,
}

/// Downloads, verifies and installs `artifact`, under the version's lock so concurrent
/// installs download it once. A verified archive is kept in GOVER_HOME/downloads with its
/// checksum beside it, so a reinstall needs no network (and is verified again all the same);
/// an interrupted or broken download is kept as `<archive>.partial` and the next install
/// resumes it.
pub fn install(store: &Store, client: &Client, artifact: &Artifact, out: Output) -> Result<InstallOutcome> {
    let version = &artifact.version;
    let platform = artifact.platform.to_string();
    if let Some(other) = index::platform_in_filename(artifact.filename()).filter(|p| *p != platform) {
        return Err(Error::new(Kind::Verification, format!("{version} failed verification: {}", artifact.url))
            .cause(format!("the archive is named for {other}; this machine is {platform}"))
            .hint(format!(
                "nothing was downloaded; the release index (GOVER_INDEX_URL) lists another platform's archive under \
                 {platform}: fix the index, or point GOVER_INDEX_URL at go.dev's"
            )));
    }
    locked_install(store, version, out, || install_archive(store, client, artifact, out))
}

/// Runs `install` under `version`'s lock, unless the version was installed meanwhile (by a
/// concurrent gover that held the lock first).
pub(crate) fn locked_install(
    store: &Store,
    version: &GoVersion,
    out: Output,
    install: impl FnOnce() -> Result<InstallOutcome>,
) -> Result<InstallOutcome> {
    store.sweep_leftovers();
    let _lock = store.lock_version(version, || {
        outln!(out, Status, "waiting for another gover that is installing {version}...");
    })?;
    if store.is_installed(version) {
        return Ok(InstallOutcome::AlreadyInstalled);
    }
    install()
}

fn install_archive(store: &Store, client: &Client, artifact: &Artifact, out: Output) -> Result<InstallOutcome> {
    let version = &artifact.version;
    let cache = DownloadCache::new(store, artifact);
    cache.complete_partial();
    if cache.archive.is_file() {
        let staging = store.fresh_staging(version)?;
        let label = cache.archive.display().to_string();
        let result =
            fs::File::open(&cache.archive).map_err(|e| error::io("read", &cache.archive, e)).and_then(|mut file| {
                let size = artifact.size.or_else(|| file.metadata().ok().map(|m| m.len()));
                verify_and_unpack(&mut file, size, artifact, &label, &staging, None)
            });
        match result {
            Ok(()) => {
                cache.remember_checksum();
                commit(store, staging, version)?;
                return Ok(InstallOutcome::Installed { cached: true });
            }
            Err(err) if err.kind != Kind::Verification => return Err(err),
            Err(err) => {
                let why = err.causes.first().unwrap_or(&err.message);
                output::warn(format!("the cached {label} is unusable ({why}); downloading it again"));
                cache.forget();
            }
        }
    }
    let mut resumed = cache.resumable();
    match download(store, client, artifact, &cache, &mut resumed, out) {
        Err(err) if err.kind == Kind::Verification && resumed > 0 => {
            output::warn(format!(
                "the download resumed from {} did not verify; downloading it again from the start",
                cache.partial.display()
            ));
            download(store, client, artifact, &cache, &mut 0, out)
        }
        other => other,
    }?;
    Ok(InstallOutcome::Installed { cached: false })
}

/// One download of `artifact` into staging, from byte `from` on (the first `from` bytes are
/// read back from the partial file), then the commit. A server that ignores ranges sends the
/// whole archive: that is a fresh download over the partial file, and `from` becomes 0.
fn download(
    store: &Store,
    client: &Client,
    artifact: &Artifact,
    cache: &DownloadCache,
    from: &mut u64,
    out: Output,
) -> Result<()> {
    let version = &artifact.version;
    let staging = store.fresh_staging(version)?;
    let response = client.get_from(&artifact.url, *from)?;
    let is_html = response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if is_html.is_some_and(|kind| kind.trim_start().to_ascii_lowercase().starts_with("text/html")) {
        return Err(download::html_answer(&artifact.url, "the archive", "the archive server", "GOVER_DIST_URL"));
    }
    let network = ResumingBody::new(client, &artifact.url, response, *from);
    *from = network.start();
    let announced = network.full_length();
    if let (Some(expected), Some(announced)) = (artifact.size, announced) {
        if expected != announced {
            return Err(Error::new(Kind::Verification, format!("{version} failed verification: {}", artifact.url))
                .cause(format!("the server announces {announced} bytes; the index says {expected}"))
                .hint(mirror_hint("installed")));
        }
    }
    let size = artifact.size.or(announced);
    let (prefix, partial_file) = cache.open_partial(*from, size);
    let mut body = prefix.chain(CacheTee::new(network, partial_file));
    let progress = download::progress_bar(size, out);
    let result = verify_and_unpack(&mut body, size, artifact, &artifact.url, &staging, progress);
    let (_, tee) = body.into_inner();
    match &result {
        Ok(()) if tee.finish() => cache.keep_partial_as_archive(),
        // What arrived before a network failure, Ctrl-C or a full disk is a true prefix of the
        // archive, kept for the next run to resume (which needs the size known); bytes that
        // failed verification are not.
        Err(err) if err.kind != Kind::Verification && artifact.size.is_some() => {}
        _ => cache.forget_partial(),
    }
    result?;
    commit(store, staging, version)
}

/// An archive's place in GOVER_HOME/downloads: the verified archive, its checksum
/// (`<archive>.sha256`, what makes an offline reinstall possible) and a partial download.
struct DownloadCache<'a> {
    artifact: &'a Artifact,
    store: &'a Store,
    archive: PathBuf,
    partial: PathBuf,
}

impl<'a> DownloadCache<'a> {
    fn new(store: &'a Store, artifact: &'a Artifact) -> DownloadCache<'a> {
        let archive = store.home().download(artifact.filename());
        let partial = store.home().download(&format!("{}.partial", artifact.filename()));
        DownloadCache { artifact, store, archive, partial }
    }

    fn checksum_file(&self) -> PathBuf {
        checksum_file(&self.archive)
    }

    /// A partial download that reached the full size (killed just before its rename) is
    /// the archive, to be verified as such.
    fn complete_partial(&self) {
        let len = fs::metadata(&self.partial).map(|m| m.len()).ok();
        if len.is_some_and(|len| Some(len) == self.artifact.size) {
            let _ = fs::rename(&self.partial, &self.archive);
        }
    }

    /// How many bytes of a partial download can be resumed from: only with the archive's size
    /// known, so the rest can be asked for and its end recognised.
    fn resumable(&self) -> u64 {
        let len = fs::metadata(&self.partial).ok().filter(|m| m.is_file()).map(|m| m.len()).unwrap_or(0);
        match self.artifact.size {
            Some(size) if len < size => len,
            _ => 0,
        }
    }

    /// The bytes already downloaded (the first `from` of the partial file) and the partial
    /// file to append the rest to. Caching is best effort: without a writable downloads/, or
    /// without room for the archive beside its unpacked tree, the install goes on without it.
    fn open_partial(&self, from: u64, size: Option<u64>) -> (Box<dyn Read + Send>, Option<fs::File>) {
        let prefix: Box<dyn Read + Send> = match fs::File::open(&self.partial) {
            Ok(file) if from > 0 => Box::new(file.take(from)),
            _ => Box::new(io::empty()),
        };
        let room = size.is_none_or(|size| self.store.free_space().is_none_or(|free| free >= room_to_cache(size)));
        let file = Store::create_dir(&self.store.home().downloads_dir()).ok().filter(|()| room).and_then(|()| {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true);
            if from > 0 {
                // Exactly the bytes resumed from, whatever a killed writer added after them.
                fs::OpenOptions::new().write(true).open(&self.partial).and_then(|f| f.set_len(from)).ok()?;
                options.append(true);
            } else {
                options.truncate(true);
            }
            options.open(&self.partial).ok()
        });
        (prefix, file)
    }

    fn keep_partial_as_archive(&self) {
        if fs::rename(&self.partial, &self.archive).is_ok() {
            self.remember_checksum();
        }
    }

    /// Writes the checksum the archive was verified against beside it.
    fn remember_checksum(&self) {
        let line = format!("{}  {}\n", self.artifact.sha256, self.artifact.filename());
        let _ = write_atomic(&self.checksum_file(), line.as_bytes());
    }

    fn forget_partial(&self) {
        let _ = fs::remove_file(&self.partial);
    }

    fn forget(&self) {
        let _ = fs::remove_file(&self.archive);
        let _ = fs::remove_file(self.checksum_file());
    }
}

fn checksum_file(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push(".sha256");
    PathBuf::from(name)
}

/// An archive in the download cache whose checksum was kept beside it: an exact version
/// reinstalls from it without any index, so without the network.
pub fn cached_artifact(
    store: &Store,
    sources: &DownloadSite,
    version: &GoVersion,
    platform: &Platform,
) -> Option<Artifact> {
    let filename = format!("{version}.{platform}.tar.gz");
    let archive = store.home().download(&filename);
    if !archive.is_file() {
        return None;
    }
    let sha256 = parse_checksum_file(&fs::read(checksum_file(&archive)).ok()?)?;
    // The size is not kept: the digest alone decides, as with a mirror's `.sha256` file.
    Some(Artifact {
        version: version.clone(),
        url: sources.archive_url(&filename),
        sha256,
        size: None,
        platform: platform.clone(),
    })
}

/// The free space an archive of `size` bytes needs to be cached as well as installed: itself,
/// and its tree (Go's unpack to about 3.2 times their size), with a margin.
fn room_to_cache(size: u64) -> u64 {
    size.saturating_mul(5)
}

/// Makes the verified tree the installed version. A damaged install in the way (a tree
/// without bin/go, which `is_installed` does not count) is replaced.
pub(crate) fn commit(store: &Store, staging: Staging, version: &GoVersion) -> Result<()> {
    if store.home().version_dir(version).exists() {
        output::warn(format!("replacing the damaged install of {version} (it has no bin/go)"));
        store.remove_version(version)?;
    }
    store.commit(staging, version)
}

/// One pass over `source` (named `label` in errors, `compressed` bytes long if known): read and
/// hash on one thread, gunzip on this one, untar into `staging` on a third; then the digest, the
/// size and the unpacked tree must all check out.
fn verify_and_unpack(
    source: &mut (impl Read + Send),
    compressed: Option<u64>,
    artifact: &Artifact,
    label: &str,
    staging: &Staging,
    progress: Option<indicatif::ProgressBar>,
) -> Result<()> {
    let version = &artifact.version;
    // Past its size (the index's, the server's, or the cap) no byte is read: one more says it is too long.
    let cap = compressed.unwrap_or(MAX_ARCHIVE);
    let mut body = HashingReader::new(source.take(cap + 1), progress);
    let unpacked = unpack::unpack_gzip(
        &mut body,
        staging.path(),
        Limits::for_archive(compressed),
        artifact.platform.elf_machine(),
    );
    // Whatever the unpacker thought, the digest of the whole body decides first.
    let drained = if body.failure.is_none() { body.drain() } else { Ok(()) };
    let (digest, bytes) = body.digest();
    let failed = || Error::new(Kind::Verification, format!("{version} failed verification: {label}"));
    let mismatch = |why: Option<String>| {
        let [expected, got] = mismatch_lines(artifact, &digest, bytes, cap);
        let mut err = failed().cause(expected).cause(got);
        if let Some(why) = why {
            err = err.cause(why);
        }
        err.hint(mirror_hint("installed"))
    };
    interrupt::stop_if_signalled()?;
    if let Some(failure) = body.failure.take().or(drained.err()) {
        // The connection broke: a network failure, not a bad archive.
        return Err(download::broken_download(label, bytes, &failure));
    }
    if bytes > cap || digest != artifact.sha256 || artifact.size.is_some_and(|size| size != bytes) {
        return Err(mismatch(None));
    }
    // From here on the digest matched: the index vouches for these bytes, so trying again or
    // another mirror would get the same.
    unpacked.map_err(|e| match e {
        UnpackError::Read(e) => failed().cause(format!("the archive is damaged: {e}")).hint(INDEX_VOUCHES_HINT),
        e => unpack_error(e, &artifact.platform, failed),
    })?;
    unpack::check_tree(staging.path(), version)
        .map_err(|why| failed().cause(format!("the archive is not {version}: {why}")).hint(INDEX_VOUCHES_HINT))
}

/// For an archive that matches the index's checksum and is still not the release.
const INDEX_VOUCHES_HINT: &str = "nothing was installed; the release index (GOVER_INDEX_URL) vouches for this \
                                  archive, so the index or the mirror it was made from is wrong: use go.dev's (unset \
                                  GOVER_INDEX_URL and GOVER_DIST_URL), or report it to whoever runs them";

/// An archive (or module zip) that could not be unpacked: unsafe, damaged, for another
/// machine, or the disk failed.
pub(crate) fn unpack_error(e: UnpackError, platform: &Platform, failed: impl Fn() -> Error) -> Error {
    if let Some(signal) = interrupt::signal() {
        // Its reads stopped for Ctrl-C: the archive is not to blame (and is kept).
        return interrupt::error(signal);
    }
    match e {
        UnpackError::Unsafe { entry, reason } => failed()
            .cause(format!("the archive entry {entry} is unsafe: {reason}"))
            .hint("nothing was installed; report the archive to whoever publishes it"),
        UnpackError::Read(e) => failed().cause(format!("the archive is damaged: {e}")).hint(mirror_hint("installed")),
        UnpackError::Write { path, error } => error::io("write", &path, error),
        UnpackError::Machine { entry, machine } => {
            let built_for =
                Platform::arch_of_elf_machine(machine).map_or(format!("ELF machine {machine}"), String::from);
            failed()
                .cause(format!("{entry} is built for {built_for}; this machine is {platform}"))
                .hint("nothing was installed; the index or the server (GOVER_INDEX_URL, GOVER_DIST_URL, GOPROXY) serves another platform's release under this name")
        }
    }
}

/// Downloads `artifact` to `dest` (a partial file beside it, renamed once the digest and the
/// size match the index), for a mirror: the archive as it is, not unpacked.
pub fn download_verified(client: &Client, artifact: &Artifact, dest: &Path, out: Output) -> Result<()> {
    let dir = dest.parent().expect("a file in a directory");
    let partial = dir.join(format!(".{}.partial-{}", artifact.filename(), std::process::id()));
    interrupt::track_temporary(&partial);
    let result = (|| {
        let response = client.get_from(&artifact.url, 0)?;
        let progress = download::progress_bar(artifact.size.or(response.content_length()), out);
        let cap = artifact.size.unwrap_or(MAX_ARCHIVE);
        let network = ResumingBody::new(client, &artifact.url, response, 0).take(cap + 1);
        let mut body = HashingReader::new(network, progress);
        let mut file = fs::File::create(&partial).map_err(|e| error::io("create", &partial, e))?;
        io::copy(&mut body, &mut file).map_err(|e| match body.failure.take() {
            Some(failure) => download::body_error(&artifact.url, &failure),
            None => error::io("write", &partial, e),
        })?;
        let (digest, bytes) = body.digest();
        if bytes > cap || digest != artifact.sha256 || artifact.size.is_some_and(|size| size != bytes) {
            let [expected, got] = mismatch_lines(artifact, &digest, bytes, cap);
            return Err(Error::new(
                Kind::Verification,
                format!("{} failed verification: {}", artifact.version, artifact.url),
            )
            .cause(expected)
            .cause(got)
            .hint(mirror_hint("written")));
        }
        Ok(())
    })();
    interrupt::untrack_temporary(&partial, || match result {
        Ok(()) => fs::rename(&partial, dest).map_err(|e| error::io("write", dest, e)),
        Err(err) => {
            let _ = fs::remove_file(&partial);
            Err(err)
        }
    })
}

/// The `expected` and `got` lines of a body that does not verify: `bytes` hashing to `digest`,
/// or more than `cap` (the index's size, or the cap when it gives none), where reading stopped.
fn mismatch_lines(artifact: &Artifact, digest: &str, bytes: u64, cap: u64) -> [String; 2] {
    let got = match artifact.size {
        _ if bytes <= cap => format!("got      sha256 {digest} ({bytes} bytes)"),
        Some(size) => {
            format!("got      more than the {size} bytes the release index gives; gover stopped reading there")
        }
        None => format!("got      more than {cap} bytes, more than any Go release; gover stopped reading there"),
    };
    [format!("expected sha256 {}{}", artifact.sha256, size_note(artifact.size)), got]
}

fn size_note(size: Option<u64>) -> String {
    size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
}

/// After a download that did not verify: what was (not) `done` ("installed", or "written" by
/// `gover mirror sync`), and what to do.
pub(crate) fn mirror_hint(done: &str) -> String {
    format!(
        "nothing was {done}; try again, and if it fails the same way the archive server (GOVER_DIST_URL, GOPROXY, a \
         proxy) is serving something other than the official release"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn sources_default_to_go_dev() {
        let s = DownloadSite::from_env(env(&[]));
        assert_eq!((s.index_url.as_str(), s.dist_url.as_str(), s.mirror), (OFFICIAL_INDEX, OFFICIAL_DIST, false));
        assert_eq!(s.archive_url("go1.22.10.linux-amd64.tar.gz"), "https://go.dev/dl/go1.22.10.linux-amd64.tar.gz");
    }

    #[test]
    fn a_mirror_serves_archives_but_not_checksums() {
        let s = DownloadSite::from_env(env(&[("GOVER_DIST_URL", "https://golang.google.cn/dl")]));
        assert_eq!(s.index_url, OFFICIAL_INDEX, "the official index stays the source of checksums");
        assert_eq!(s.archive_url("x.tar.gz"), "https://golang.google.cn/dl/x.tar.gz");
        assert_eq!(s.mirror_index_url(), "https://golang.google.cn/dl/?mode=json&include=all");
        assert!(!s.mirror_trusted(), "its own checksums only if the user says so");
        assert!(DownloadSite { trust_mirror: true, ..s.clone() }.mirror_trusted());
        let s =
            DownloadSite::from_env(env(&[("GOVER_INDEX_URL", "http://127.0.0.1:9/i.json"), ("GOVER_DIST_URL", "")]));
        assert_eq!((s.index_url.as_str(), s.mirror), ("http://127.0.0.1:9/i.json", false));
    }

    #[test]
    fn checksum_files() {
        let d = "a7a7cbd0daccea8bca67a24aae28cdc2d27d098d2d40e9f120b84c581562e5c7";
        assert_eq!(parse_checksum_file(d.as_bytes()).as_deref(), Some(d));
        assert_eq!(parse_checksum_file(format!("{}  go.tar.gz\n", d.to_uppercase()).as_bytes()).as_deref(), Some(d));
        assert_eq!(parse_checksum_file(b"<html>"), None);
        assert_eq!(parse_checksum_file(b""), None);
    }
}
