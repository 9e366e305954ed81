//! Go releases from the network: where they come from (`Sources`), the release index
//! (`index`), the HTTP client (`download`), safe extraction (`unpack`), and `install`, which
//! streams one archive through hash -> gunzip -> untar into staging and makes it visible by
//! one rename once it is verified.

pub mod download;
pub mod index;
pub mod mirror;
pub mod proxy;
pub mod unpack;

use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;
use gover_shim::GoVersion;

use crate::error::{self, exit, Error, Result};
use crate::goenv::{self, Settings};
use crate::output;
use crate::store::{Staging, Store};
use download::{CacheTee, Client, HashingReader, ResumingBody};
use index::{Index, IndexError, Platform, Release};
use proxy::ProxyConfig;
use unpack::{Limits, UnpackError};

pub const OFFICIAL_INDEX: &str = "https://go.dev/dl/?mode=json&include=all";
pub const OFFICIAL_DIST: &str = "https://go.dev/dl/";
/// The full official index is a few MB; this leaves room to grow and stops a runaway body.
const MAX_INDEX: u64 = 64 << 20;
const INDEX_QUERY: &str = "?mode=json&include=all";

/// Where the index and the archives come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sources {
    /// The index whose checksums are trusted (official, or GOVER_INDEX_URL).
    pub index_url: String,
    /// Base URL of the archives, ending in `/` (official, or the GOVER_DIST_URL mirror).
    pub dist_url: String,
    /// GOVER_DIST_URL is set: archives come from a mirror.
    pub mirror: bool,
}

impl Sources {
    pub fn from_env(var: impl Fn(&str) -> Option<OsString>) -> Sources {
        let set = |name: &str| var(name).and_then(|v| v.into_string().ok()).filter(|v| !v.trim().is_empty());
        let dist = set("GOVER_DIST_URL");
        let mut dist_url = dist.clone().unwrap_or_else(|| OFFICIAL_DIST.into()).trim().to_string();
        if !dist_url.ends_with('/') {
            dist_url.push('/');
        }
        Sources {
            index_url: set("GOVER_INDEX_URL").unwrap_or_else(|| OFFICIAL_INDEX.into()).trim().to_string(),
            dist_url,
            mirror: dist.is_some(),
        }
    }

    pub fn archive_url(&self, filename: &str) -> String {
        format!("{}{filename}", self.dist_url)
    }

    /// The mirror's own index, the fallback when the trusted one cannot be reached.
    fn mirror_index_url(&self) -> Option<String> {
        self.mirror.then(|| format!("{}{INDEX_QUERY}", self.dist_url))
    }
}

/// Everything needed to reach releases for this machine, read from the environment once:
/// the host's platform, the index and archive URLs, and the HTTP client (proxies, CAs, timeouts).
pub struct Remote {
    pub platform: Platform,
    pub sources: Sources,
    pub client: Client,
}

impl Remote {
    pub fn from_env() -> Result<Remote> {
        let platform = Platform::host().ok_or_else(|| {
            Error::failure(format!(
                "Go publishes no archive gover can use for {}-{}",
                std::env::consts::OS,
                std::env::consts::ARCH
            ))
        })?;
        let env = |name: &str| std::env::var_os(name);
        let client = Client::new(download::NetSettings::from_env(env))?;
        Ok(Remote { platform, sources: Sources::from_env(env), client })
    }

    /// The trusted index, else the mirror's own (see [`fetch_index`]).
    pub fn fetch_index(&self) -> Result<Catalog> {
        fetch_index(&self.client, &self.sources)
    }

    /// Where releases come from for this run, said once on standard error with the reason.
    /// `auto`: the download site, unless GOPROXY names a proxy of its own (and no GOVER_*_URL
    /// names a download mirror), or the download site cannot be reached.
    pub fn origin(&self, choice: SourceChoice, quiet: bool) -> Result<Origin> {
        let say = |what: String, config: &ProxyConfig| {
            if !quiet {
                eprintln!("source: {what}");
                config.notes.iter().for_each(output::note);
            }
        };
        let config = || ProxyConfig::from_settings(&Settings::load(goenv::settings::Sources::from_process()));
        match choice {
            SourceChoice::Dl => Ok(Origin::Site(self.fetch_index()?)),
            SourceChoice::Proxy => {
                let config = config()?;
                say(format!("the module proxy {} (--source proxy)", config.goproxy), &config);
                Ok(Origin::Proxy(Box::new(config)))
            }
            SourceChoice::Auto => {
                let dl_mirror = self.sources.mirror || self.sources.index_url != OFFICIAL_INDEX;
                let config = config().ok();
                if let Some(config) = config.as_ref().filter(|c| c.custom && !dl_mirror) {
                    let why = "GOPROXY is set; --source dl for the download site";
                    say(format!("the module proxy {} ({why})", config.goproxy), config);
                    return Ok(Origin::Proxy(Box::new(config.clone())));
                }
                // A download mirror of the user's own has fallbacks of its own (its index, .sha256).
                match (self.fetch_index(), config.filter(|_| !dl_mirror)) {
                    (Ok(catalog), _) => Ok(Origin::Site(catalog)),
                    (Err(err), Some(config)) if err.code == exit::NETWORK => {
                        let why = format!("the download site cannot be reached: {}", err.message);
                        say(format!("the module proxy {} ({why})", config.goproxy), &config);
                        Ok(Origin::Proxy(Box::new(config)))
                    }
                    (Err(err), _) => Err(err),
                }
            }
        }
    }
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

/// The source chosen: the download site with its index, or the module proxy.
pub enum Origin {
    Site(Catalog),
    Proxy(Box<ProxyConfig>),
}

/// An index, and whether its checksums came from the archive mirror itself.
pub struct Catalog {
    pub index: Index,
    pub from_mirror: bool,
}

/// The trusted index, else (when it cannot be reached and a mirror is set) the mirror's own.
pub fn fetch_index(client: &Client, sources: &Sources) -> Result<Catalog> {
    let primary = client.get_bytes(&sources.index_url, MAX_INDEX).and_then(|b| parse_index(&sources.index_url, &b));
    let err = match primary {
        Ok(index) => return Ok(Catalog { index, from_mirror: false }),
        Err(err) => err,
    };
    let Some(mirror_url) = sources.mirror_index_url().filter(|_| err.code == exit::NETWORK) else {
        return Err(err);
    };
    let fallback = client.get_bytes(&mirror_url, MAX_INDEX).and_then(|b| parse_index(&mirror_url, &b));
    match fallback {
        Ok(index) => {
            output::warn(format!(
                "{} cannot be reached ({}); using the mirror's own index {mirror_url}, so checksums now come from \
                 the same server as the archives and trust rests on the mirror",
                sources.index_url, err.message
            ));
            Ok(Catalog { index, from_mirror: true })
        }
        Err(second) => Err(err.cause(format!("the mirror's index failed too: {}", second.message))),
    }
}

fn parse_index(url: &str, bytes: &[u8]) -> Result<Index> {
    Index::parse(bytes).map_err(|e| match e {
        IndexError::Html => {
            Error::new(exit::NETWORK, format!("{url} answered with an HTML page, not the release index"))
                .cause("a proxy, captive portal or login page answered instead of the Go download server")
                .hint("log in to the network (open any page in a browser), set HTTPS_PROXY, or check GOVER_INDEX_URL")
        }
        IndexError::Malformed(why) => Error::new(exit::NETWORK, format!("{url} is not a Go release index"))
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
}

impl Artifact {
    /// The archive's file name, the last part of its URL.
    pub fn filename(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or(&self.url)
    }

    pub fn from_release(release: &Release, platform: &Platform, sources: &Sources) -> Option<Artifact> {
        let file = release.archive_for(platform)?;
        Some(Artifact {
            version: release.version.clone(),
            url: sources.archive_url(&file.filename),
            sha256: file.sha256.to_ascii_lowercase(),
            size: Some(file.size),
        })
    }

    /// The last resort without any index: `<archive>.sha256` beside the archive on the mirror.
    pub fn from_checksum_file(
        client: &Client,
        sources: &Sources,
        version: &GoVersion,
        platform: &Platform,
    ) -> Result<Artifact> {
        let url = sources.archive_url(&format!("{version}.{platform}.tar.gz"));
        let checksum_url = format!("{url}.sha256");
        let body = client.get_bytes(&checksum_url, 4096)?;
        let sha256 = parse_checksum_file(&body).ok_or_else(|| {
            Error::new(exit::NETWORK, format!("{checksum_url} does not hold a SHA-256 digest"))
                .hint("check GOVER_DIST_URL; the mirror should serve <archive>.sha256 files like go.dev/dl/")
        })?;
        output::warn(format!(
            "no release index could be reached; checking {url} against {checksum_url} from the same mirror, so trust \
             rests on the mirror"
        ));
        Ok(Artifact { version: version.clone(), url, sha256, size: None })
    }
}

/// The digest in a `.sha256` file: 64 hex digits, optionally followed by a file name.
fn parse_checksum_file(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let digest = text.split_whitespace().next()?;
    (digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit())).then(|| digest.to_ascii_lowercase())
}

pub enum Outcome {
    /// `cached`: unpacked from the download cache, without the network.
    Installed { cached: bool },
    /// Already there, possibly installed meanwhile by a concurrent gover holding the lock.
    AlreadyInstalled,
}

/// Downloads, verifies and installs `artifact`, under the version's lock so concurrent
/// installs download it once. A verified archive is kept in GOVER_HOME/downloads, so a
/// reinstall needs no network (and is verified again all the same).
pub fn install(store: &Store, client: &Client, artifact: &Artifact, quiet: bool) -> Result<Outcome> {
    locked_install(store, &artifact.version, quiet, || install_archive(store, client, artifact, quiet))
}

/// Runs `fill` under `version`'s lock unless the version is installed meanwhile; `fill`
/// verifies the release into staging and says whether it came from the download cache.
pub(crate) fn locked_install(
    store: &Store,
    version: &GoVersion,
    quiet: bool,
    fill: impl FnOnce() -> Result<(Staging, bool)>,
) -> Result<Outcome> {
    store.sweep_leftovers();
    let _lock = store.lock_version(version, || {
        if !quiet {
            eprintln!("waiting for another gover that is installing {version}...");
        }
    })?;
    if store.is_installed(version) {
        return Ok(Outcome::AlreadyInstalled);
    }
    let (staging, cached) = fill()?;
    commit(store, staging, version)?;
    Ok(Outcome::Installed { cached })
}

fn install_archive(store: &Store, client: &Client, artifact: &Artifact, quiet: bool) -> Result<(Staging, bool)> {
    let version = &artifact.version;
    let downloads = store.downloads_dir();
    let cached = downloads.join(artifact.filename());
    if cached.is_file() {
        let staging = store.fresh_staging(version)?;
        let label = cached.display().to_string();
        let result = fs::File::open(&cached).map_err(|e| error::io("read", &cached, e)).and_then(|mut file| {
            let size = artifact.size.or_else(|| file.metadata().ok().map(|m| m.len()));
            verify_and_unpack(&mut file, size, artifact, &label, &staging, None)
        });
        match result {
            Ok(()) => return Ok((staging, true)),
            Err(err) => {
                let why = err.causes.first().unwrap_or(&err.message);
                output::warn(format!("the cached {label} is unusable ({why}); downloading it again"));
                let _ = fs::remove_file(&cached);
            }
        }
    }

    let staging = store.fresh_staging(version)?;
    let response = client.get(&artifact.url)?;
    let announced = response.content_length();
    if let (Some(expected), Some(announced)) = (artifact.size, announced) {
        if expected != announced {
            return Err(Error::new(exit::VERIFICATION, format!("{version} failed verification: {}", artifact.url))
                .cause(format!("the server announces {announced} bytes; the index says {expected}"))
                .hint(mirror_hint()));
        }
    }
    // Caching is best effort: without a writable downloads/, or without room for the archive
    // beside its unpacked tree, the install still goes on.
    let size = artifact.size.or(announced);
    let partial = downloads.join(format!("{}.partial", artifact.filename()));
    let cache = Store::create_dir(&downloads)
        .ok()
        .filter(|()| size.is_none_or(|size| store.free_space().is_none_or(|free| free >= room_to_cache(size))))
        .and_then(|()| fs::File::create(&partial).ok());
    let mut body = CacheTee::new(ResumingBody::new(client, &artifact.url, response), cache);
    let progress = download::progress_bar(artifact.size.or(announced), quiet);
    let result = verify_and_unpack(&mut body, size, artifact, &artifact.url, &staging, progress);
    let complete = body.finish();
    match result {
        Ok(()) if complete => {
            let _ = fs::rename(&partial, &cached);
        }
        _ => {
            let _ = fs::remove_file(&partial);
        }
    }
    result?;
    Ok((staging, false))
}

/// Downloads `artifact` to `dest` (a partial file beside it, renamed once the digest and the
/// size match the index), for a mirror: the archive as it is, not unpacked.
pub fn download_verified(client: &Client, artifact: &Artifact, dest: &Path, quiet: bool) -> Result<()> {
    let dir = dest.parent().expect("a file in a directory");
    let partial = dir.join(format!(".{}.partial-{}", artifact.filename(), std::process::id()));
    let result = (|| {
        let response = client.get(&artifact.url)?;
        let progress = download::progress_bar(artifact.size.or(response.content_length()), quiet);
        let mut body = HashingReader::new(ResumingBody::new(client, &artifact.url, response), progress);
        let mut file = fs::File::create(&partial).map_err(|e| error::io("create", &partial, e))?;
        std::io::copy(&mut body, &mut file).map_err(|e| match body.failure.take() {
            Some(failure) => download::body_error(&artifact.url, &failure),
            None => error::io("write", &partial, e),
        })?;
        let (digest, bytes) = body.digest();
        if digest != artifact.sha256 || artifact.size.is_some_and(|size| size != bytes) {
            return Err(Error::new(
                exit::VERIFICATION,
                format!("{} failed verification: {}", artifact.version, artifact.url),
            )
            .cause(format!("expected sha256 {}{}", artifact.sha256, size_note(artifact.size)))
            .cause(format!("got      sha256 {digest} ({bytes} bytes)"))
            .hint(mirror_hint()));
        }
        fs::rename(&partial, dest).map_err(|e| error::io("write", dest, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

/// The free space an archive of `size` bytes needs to be cached as well as installed: itself,
/// and its tree (Go's unpack to about 3.2 times their size), with a margin.
fn room_to_cache(size: u64) -> u64 {
    size.saturating_mul(5)
}

/// Makes the verified tree the installed version. A damaged install in the way (a tree
/// without bin/go, which `is_installed` does not count) is replaced.
fn commit(store: &Store, staging: Staging, version: &GoVersion) -> Result<()> {
    if store.home().version_dir(version).exists() {
        output::warn(format!("replacing the damaged install of {version} (it has no bin/go)"));
        store.remove_version(version)?;
    }
    store.commit(staging, version)
}

/// One pass over `source` (named `label` in errors, `compressed` bytes long if known): hash ->
/// gunzip -> untar into `staging`; then the digest, the size and the unpacked tree must all
/// check out.
fn verify_and_unpack(
    source: &mut impl Read,
    compressed: Option<u64>,
    artifact: &Artifact,
    label: &str,
    staging: &Staging,
    progress: Option<indicatif::ProgressBar>,
) -> Result<()> {
    let version = &artifact.version;
    let mut body = HashingReader::new(source, progress);
    let unpacked = unpack::unpack(GzDecoder::new(&mut body), staging.path(), Limits::for_archive(compressed));
    // Whatever the unpacker thought, the digest of the whole body decides first.
    let drained = if body.failure.is_none() { body.drain() } else { Ok(()) };
    let (digest, bytes) = body.digest();
    let failed = || Error::new(exit::VERIFICATION, format!("{version} failed verification: {label}"));
    let mismatch = |why: Option<String>| {
        let mut err = failed()
            .cause(format!("expected sha256 {}{}", artifact.sha256, size_note(artifact.size)))
            .cause(format!("got      sha256 {digest} ({bytes} bytes)"));
        if let Some(why) = why {
            err = err.cause(why);
        }
        err.hint(mirror_hint())
    };
    if let Some(failure) = body.failure.take().or(drained.err()) {
        // The connection broke: a network error, though the digest shows what did arrive.
        let err = mismatch(Some(format!("the download broke off: {failure}")));
        return Err(Error {
            code: exit::NETWORK,
            hint: Some("check the network and run the install again".into()),
            ..err
        });
    }
    if digest != artifact.sha256 || artifact.size.is_some_and(|size| size != bytes) {
        return Err(mismatch(None));
    }
    unpacked.map_err(|e| unpack_error(e, failed))?;
    unpack::check_tree(staging.path(), version)
        .map_err(|why| failed().cause(format!("the archive is not {version}: {why}")).hint(mirror_hint()))
}

/// An archive that could not be unpacked: unsafe, damaged, or the disk failed.
pub(crate) fn unpack_error(e: UnpackError, failed: impl Fn() -> Error) -> Error {
    match e {
        UnpackError::Unsafe { entry, reason } => failed()
            .cause(format!("the archive entry {entry} is unsafe: {reason}"))
            .hint("nothing was installed; report the archive to whoever publishes it"),
        UnpackError::Read(e) => failed().cause(format!("the archive is damaged: {e}")).hint(mirror_hint()),
        UnpackError::Write { path, error } => error::io("write", &path, error),
    }
}

fn size_note(size: Option<u64>) -> String {
    size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
}

pub(crate) fn mirror_hint() -> String {
    "nothing was installed; try again, and if it fails the same way the archive server (GOVER_DIST_URL, a proxy) is \
     serving something other than the official release"
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn sources_default_to_go_dev() {
        let s = Sources::from_env(env(&[]));
        assert_eq!((s.index_url.as_str(), s.dist_url.as_str(), s.mirror), (OFFICIAL_INDEX, OFFICIAL_DIST, false));
        assert_eq!(s.archive_url("go1.22.10.linux-amd64.tar.gz"), "https://go.dev/dl/go1.22.10.linux-amd64.tar.gz");
        assert_eq!(s.mirror_index_url(), None);
    }

    #[test]
    fn a_mirror_serves_archives_but_not_checksums() {
        let s = Sources::from_env(env(&[("GOVER_DIST_URL", "https://golang.google.cn/dl")]));
        assert_eq!(s.index_url, OFFICIAL_INDEX, "the official index stays the source of checksums");
        assert_eq!(s.archive_url("x.tar.gz"), "https://golang.google.cn/dl/x.tar.gz");
        assert_eq!(s.mirror_index_url().unwrap(), "https://golang.google.cn/dl/?mode=json&include=all");
        let s = Sources::from_env(env(&[("GOVER_INDEX_URL", "http://127.0.0.1:9/i.json"), ("GOVER_DIST_URL", "")]));
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
