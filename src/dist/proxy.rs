//! Toolchains from a Go module proxy: Go publishes every release as the module
//! `golang.org/toolchain@v0.0.1-go1.23.9.linux-amd64`, whose zip holds the GOROOT, and records
//! its `h1:` hash in the checksum database. This is the sibling of the download site: it lists
//! releases, looks the hash up (`sumdb`), fetches the zip and unpacks it into the same staging
//! as archive installs, verified before the one rename.
//!
//! Which proxies and which database come from go's own settings (GOPROXY, GOSUMDB, GONOSUMDB,
//! GONOPROXY, GOPRIVATE), read as go reads them (`gosettings`).

use std::fs;
use std::io::{Read, Seek, Write};
use std::path::Path;

use gover_shim::GoVersion;

use super::index::Platform;
use super::unpack::{self, Limits};
use super::{commit, locked_install, unpack_error, InstallOutcome};
use crate::download::{self, Client, ResumingBody};
use crate::error::{self, Error, Kind, Result};
use crate::gosettings::{modpattern, Setting, SettingOrigin, Settings};
use crate::output::{self, Output};
use crate::store::{Staging, Store};
use crate::sumdb::{self, dirhash, Database};

/// The module every Go toolchain is published as.
pub const MODULE: &str = "golang.org/toolchain";
const PUBLIC_GOPROXY: &str = "https://proxy.golang.org,direct";
/// The version list of every release and platform is some tens of kB.
const MAX_LIST: u64 = 4 << 20;

/// `v0.0.1-go1.23.9.linux-amd64`, the module version of a release for a platform.
pub fn module_version(version: &GoVersion, platform: &Platform) -> String {
    format!("v0.0.1-{version}.{platform}")
}

/// The release a module version names, if it is for `platform`.
pub fn release_of(module_version: &str, platform: &Platform) -> Option<GoVersion> {
    let rest = module_version.strip_prefix("v0.0.1-")?.strip_suffix(&format!(".{platform}"))?;
    GoVersion::parse(rest).filter(|v| v.to_string() == rest)
}

/// One proxy of GOPROXY; `any_error`: a `|` follows it, so any failure moves on to the next
/// (after a `,`, only "not found" does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proxy {
    pub url: String,
    pub any_error: bool,
}

/// How a toolchain from the proxy is verified.
#[derive(Clone, Debug)]
pub enum Checksums {
    Verify(Box<Database>),
    /// Not at all, and why (GOSUMDB=off, or GONOSUMDB matches the toolchain module).
    Off(String),
}

/// go's module settings as they apply to `golang.org/toolchain`.
#[derive(Clone, Debug)]
pub struct ProxyConfig {
    pub proxies: Vec<Proxy>,
    /// GOPROXY as set, for messages.
    pub goproxy: String,
    /// GOPROXY is set to something other than the public default.
    pub custom: bool,
    pub checksums: Checksums,
    /// What the settings ask that has no meaning for toolchains, said when the proxy is used.
    pub notes: Vec<String>,
}

impl ProxyConfig {
    /// From go's settings (environment, then the go env file); notes what has no meaning here.
    pub fn from_settings(settings: &Settings) -> Result<ProxyConfig> {
        let goproxy = settings.effective("GOPROXY").expect("GOPROXY has a default");
        let custom = goproxy.origin != SettingOrigin::Default
            && !matches!(goproxy.value.as_str(), PUBLIC_GOPROXY | "https://proxy.golang.org");
        let (proxies, skipped) = parse_goproxy(&goproxy.value).map_err(|why| {
            Error::new(Kind::Environment, format!("GOPROXY={} cannot be used for toolchains", goproxy.value))
                .cause(format!("{why} ({})", origin(&goproxy)))
                .hint("set GOPROXY to a proxy URL (https://proxy.golang.org), or use --source dl")
        })?;
        let private = settings.get("GOPRIVATE").map(|s| s.value).unwrap_or_default();
        // GONOPROXY and GONOSUMDB default to GOPRIVATE.
        let pattern =
            |name: &'static str| settings.get(name).map(|s| (name, s.value)).unwrap_or(("GOPRIVATE", private.clone()));
        let (name, noproxy) = pattern("GONOPROXY");
        if modpattern::match_prefix_patterns(&noproxy, MODULE) {
            return Err(Error::new(Kind::Environment, format!("{name}={noproxy} matches {MODULE}"))
                .cause("go would fetch the toolchain module directly, from no proxy, and it exists only on proxies")
                .hint(format!("remove the pattern that matches {MODULE} from {name}, or use --source dl")));
        }
        let mut notes = Vec::new();
        if skipped {
            notes.push(
                "GOPROXY's `direct` has no meaning for toolchains (they exist only on proxies); skipping it".into(),
            );
        }
        if settings.get("GOINSECURE").is_some_and(|s| modpattern::match_prefix_patterns(&s.value, MODULE)) {
            notes.push("GOINSECURE has no effect on toolchains: they come from a proxy and are always verified".into());
        }
        let gosumdb = settings.effective("GOSUMDB").expect("GOSUMDB has a default");
        let (name, nosumdb) = pattern("GONOSUMDB");
        let checksums = match Database::parse(&gosumdb.value) {
            Ok(_) if modpattern::match_prefix_patterns(&nosumdb, MODULE) => {
                Checksums::Off(format!("{MODULE} matches {name}={nosumdb}"))
            }
            Ok(Some(db)) => Checksums::Verify(Box::new(db)),
            Ok(None) => Checksums::Off(format!("GOSUMDB=off ({})", origin(&gosumdb))),
            Err(why) => {
                return Err(Error::new(Kind::Environment, format!("GOSUMDB={} is not usable", gosumdb.value))
                    .cause(format!("{why} ({})", origin(&gosumdb)))
                    .hint("GOSUMDB is `sum.golang.org`, `off`, or `<name>+<hash>+<key> [URL]`"));
            }
        };
        Ok(ProxyConfig { proxies, goproxy: goproxy.value, custom, checksums, notes })
    }
}

fn origin(setting: &Setting) -> String {
    match &setting.origin {
        SettingOrigin::Env => "from the environment".into(),
        SettingOrigin::File { path, line } => format!("from {}:{line}", path.display()),
        SettingOrigin::Default => "go's default".into(),
    }
}

/// The proxies of a GOPROXY list, and whether `direct` was skipped. `off` ends the list (what
/// go would reach after it is refused); a list with no proxy before it is an error.
fn parse_goproxy(value: &str) -> Result<(Vec<Proxy>, bool), String> {
    let mut proxies: Vec<Proxy> = Vec::new();
    let mut skipped = false;
    let mut rest = value.trim();
    while !rest.is_empty() {
        let end = rest.find([',', '|']).unwrap_or(rest.len());
        let (entry, sep) = (rest[..end].trim(), rest[end..].chars().next());
        rest = rest.get(end + 1..).unwrap_or("");
        match entry {
            "" => {}
            "off" => break,
            "direct" | "noproxy" => skipped = true,
            url if url.contains("://") => {
                proxies.push(Proxy { url: url.trim_end_matches('/').to_string(), any_error: sep == Some('|') })
            }
            other => return Err(format!("{other:?} is not a URL (it needs a scheme: https://{other})")),
        }
    }
    if proxies.is_empty() {
        return Err("it names no proxy (`off` or `direct` only)".into());
    }
    Ok((proxies, skipped))
}

/// Requests to the proxies of a config, each falling through to the next as go does.
pub struct Proxies<'a> {
    pub client: &'a Client,
    pub config: &'a ProxyConfig,
}

impl Proxies<'_> {
    /// The first proxy's answer for `path`; `fetch` returns None for "not found".
    fn first<T>(&self, path: &str, fetch: impl Fn(&str) -> Result<Option<T>>) -> Result<Option<(T, String)>> {
        for proxy in &self.config.proxies {
            let url = format!("{}/{path}", proxy.url);
            match fetch(&url) {
                Ok(Some(found)) => return Ok(Some((found, url))),
                Ok(None) => {}
                Err(e) if proxy.any_error => output::warn(format!("{e}; trying the next proxy")),
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    /// The releases the proxy has for `platform`, oldest first.
    pub fn list(&self, platform: &Platform) -> Result<Vec<GoVersion>> {
        let path = format!("{MODULE}/@v/list");
        let found = self.first(&path, |url| self.client.get_bytes_if_found(url, MAX_LIST))?;
        let Some((body, url)) = found else { return Ok(Vec::new()) };
        if sumdb::looks_like_html(&body) {
            return Err(html_error(&url));
        }
        let text = String::from_utf8_lossy(&body);
        let mut versions: Vec<GoVersion> = text.lines().filter_map(|l| release_of(l.trim(), platform)).collect();
        versions.sort();
        versions.dedup();
        Ok(versions)
    }

    /// Where the checksum database is read: through the first proxy that says it supports
    /// it (`<proxy>/sumdb/<name>/supported`), else directly.
    fn sumdb_base(&self, db: &Database) -> String {
        for proxy in &self.config.proxies {
            let base = format!("{}/sumdb/{}", proxy.url, db.name());
            if let Ok(Some(_)) = self.client.get_if_found(&format!("{base}/supported"), 0) {
                return base;
            }
        }
        db.url.clone()
    }

    /// Installs `version` from the proxies: the record looked up and proved first, then the zip
    /// (or the cached one) unpacked into staging, its `h1:` compared, and one rename.
    pub fn install(
        &self,
        store: &Store,
        version: &GoVersion,
        platform: &Platform,
        insecure_no_sumdb: bool,
        out: Output,
    ) -> Result<InstallOutcome> {
        let modver = module_version(version, platform);
        let verified = cached_zip(store, version, platform).with_extension("zip.h1");
        let expected = match self.record(&store.home().sumdb_dir(), version, &modver, insecure_no_sumdb) {
            Ok(record) => {
                record.as_deref().map(|lines| sumdb::zip_hash(lines, MODULE, &modver).unwrap_or_default().to_string())
            }
            // Offline, a zip cached with the hash its record had when it was proved can be
            // installed again, checked against that hash.
            Err(err) if err.kind == Kind::Network => match fs::read_to_string(&verified) {
                Ok(h1) if cached_zip(store, version, platform).is_file() => {
                    output::warn(format!(
                        "{}; installing the cached zip, checked against the record proved when it was downloaded",
                        err.message
                    ));
                    Some(h1.trim().to_string())
                }
                _ => return Err(err),
            },
            Err(err) => return Err(err),
        };
        locked_install(store, version, out, || self.fill(store, version, platform, &modver, expected.as_deref(), out))
    }

    /// The checksum database's record of `modver` (looked up and proved), or None when the
    /// settings turn the database off and `insecure_no_sumdb` accepts that.
    fn record(
        &self,
        state: &Path,
        version: &GoVersion,
        modver: &str,
        insecure_no_sumdb: bool,
    ) -> Result<Option<Vec<String>>> {
        match &self.config.checksums {
            Checksums::Verify(db) => {
                let base = self.sumdb_base(db);
                let lines = sumdb::lookup(self.client, db, &base, state, MODULE, modver).map_err(|e| match e.kind {
                    Kind::NoSuchVersion => e,
                    _ => e.context(format!("cannot verify {version} from the module proxy")),
                })?;
                Ok(Some(lines))
            }
            Checksums::Off(why) if insecure_no_sumdb => {
                output::warn(format!("{why}: taking {version} without the checksum database (--insecure-no-sumdb)"));
                Ok(None)
            }
            Checksums::Off(why) => {
                Err(Error::new(Kind::Verification, format!("cannot verify {version} from the module proxy"))
                    .cause(format!("{why}, so the checksum database is not consulted"))
                    .hint(format!(
                        "install from the download site, whose release index verifies the archive: gover install \
                     --source dl {version}; or accept an unverified toolchain with --insecure-no-sumdb"
                    )))
            }
        }
    }

    /// For a mirror: the verified zip of `version` at `dest` (renamed into place once checked),
    /// and the `.info` and `.mod` files beside it, the go.mod checked against the record too.
    pub fn mirror(
        &self,
        state: &Path,
        version: &GoVersion,
        platform: &Platform,
        dest: &Path,
        out: Output,
    ) -> Result<()> {
        let modver = module_version(version, platform);
        if let Checksums::Off(why) = &self.config.checksums {
            return Err(Error::new(Kind::Verification, format!("cannot mirror {version} from the module proxy"))
                .cause(format!("{why}, so nothing could verify it"))
                .hint(
                    "set GOSUMDB to the checksum database the mirror's users will trust, or mirror only the \
                       download-site layout: --layout dl",
                ));
        }
        let record = self.record(state, version, &modver, false)?.expect("the database is on (checked above)");
        let expected = sumdb::zip_hash(&record, MODULE, &modver).unwrap_or_default().to_string();
        let small = |ext: &str| -> Result<Vec<u8>> {
            let path = format!("{MODULE}/@v/{modver}.{ext}");
            let found = self.first(&path, |url| self.client.get_bytes_if_found(url, 1 << 20))?;
            found.map(|(body, _)| body).ok_or_else(|| self.not_found(version, platform, &modver))
        };
        let (info, go_mod) = (small("info")?, small("mod")?);
        let mod_line = format!("{MODULE} {modver}/go.mod {}", dirhash::hash1_go_mod(&go_mod));
        if !record.contains(&mod_line) {
            return Err(Error::new(Kind::Verification, format!("{version} failed verification: its .mod file"))
                .cause(format!("the checksum database records {:?}", record.iter().find(|l| l.contains("/go.mod"))))
                .hint(tampered_hint("written")));
        }
        let dir = dest.parent().expect("a file in a directory");
        let partial = dir.join(format!(".{modver}.zip.partial-{}", std::process::id()));
        crate::interrupt::track_temporary(&partial);
        let checked = self
            .fetch_zip(version, platform, &partial, &mut 0, out)
            .and_then(|url| verify_zip(&partial, &url, version, platform, &modver, Some(&expected), None))
            .and_then(|()| {
                crate::store::write_atomic(&dir.join(format!("{modver}.info")), &info)?;
                crate::store::write_atomic(&dir.join(format!("{modver}.mod")), &go_mod)
            });
        crate::interrupt::untrack_temporary(&partial, || match checked {
            Ok(()) => fs::rename(&partial, dest).map_err(|e| error::io("write", dest, e)),
            Err(err) => {
                let _ = fs::remove_file(&partial);
                Err(err)
            }
        })
    }

    fn not_found(&self, version: &GoVersion, platform: &Platform, modver: &str) -> Error {
        Error::new(Kind::NoSuchVersion, format!("no module proxy has {version} for {platform}"))
            .cause(format!("{MODULE}@{modver} was not found on GOPROXY={}", self.config.goproxy))
            .hint("gover list --remote --all --source proxy lists what the proxy has")
    }

    fn fill(
        &self,
        store: &Store,
        version: &GoVersion,
        platform: &Platform,
        modver: &str,
        expected: Option<&str>,
        out: Output,
    ) -> Result<InstallOutcome> {
        let downloads = store.home().downloads_dir();
        let cached = cached_zip(store, version, platform);
        let verified = cached.with_extension("zip.h1");
        if cached.is_file() {
            let staging = store.fresh_staging(version)?;
            let label = cached.display().to_string();
            match verify_zip(&cached, &label, version, platform, modver, expected, Some(&staging)) {
                Ok(()) => {
                    commit(store, staging, version)?;
                    return Ok(InstallOutcome::Installed { cached: true });
                }
                Err(err) => {
                    let why = err.causes.first().unwrap_or(&err.message);
                    output::warn(format!("the cached {label} is unusable ({why}); downloading it again"));
                    let _ = fs::remove_file(&cached);
                    let _ = fs::remove_file(&verified);
                }
            }
        }
        Store::create_dir(&downloads)?;
        let partial = downloads.join(format!("{version}.{platform}.zip.partial"));
        let attempt = |from: &mut u64| {
            let url = self.fetch_zip(version, platform, &partial, from, out)?;
            let staging = store.fresh_staging(version)?;
            verify_zip(&partial, &url, version, platform, modver, expected, Some(&staging)).map(|()| staging)
        };
        // What an interrupted run downloaded is resumed from; if the whole then fails to
        // verify, it is downloaded again from the start.
        let mut resumed = fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        let result = match attempt(&mut resumed) {
            Err(err) if err.kind == Kind::Verification && resumed > 0 => {
                output::warn(format!(
                    "the download resumed from {} did not verify; downloading it again from the start",
                    partial.display()
                ));
                attempt(&mut 0)
            }
            other => other,
        };
        match result {
            Ok(staging) => {
                // Best effort, like the archive cache: the hash it was verified against goes beside it.
                let _ = fs::remove_file(&verified);
                if fs::rename(&partial, &cached).is_ok() {
                    if let Some(h1) = expected {
                        let _ = crate::store::write_atomic(&verified, format!("{h1}\n").as_bytes());
                    }
                }
                commit(store, staging, version)?;
                Ok(InstallOutcome::Installed { cached: false })
            }
            // A network failure or an interrupt keeps what arrived for the next run to resume;
            // bytes that failed verification are not kept.
            Err(err) => {
                if err.kind == Kind::Verification {
                    let _ = fs::remove_file(&partial);
                }
                Err(err)
            }
        }
    }

    /// Streams the zip of `version` from the first proxy that has it into `partial`, from byte
    /// `from` on (the bytes before it are already there; set to 0 when the proxy ignores ranges
    /// and sends the whole zip); returns the URL it came from. A zip is read from its end, so it is
    /// unpacked once complete.
    fn fetch_zip(
        &self,
        version: &GoVersion,
        platform: &Platform,
        partial: &Path,
        from: &mut u64,
        out: Output,
    ) -> Result<String> {
        let modver = module_version(version, platform);
        let path = format!("{MODULE}/@v/{modver}.zip");
        let found = self.first(&path, |url| self.client.get_if_found(url, *from))?;
        let Some((response, url)) = found else { return Err(self.not_found(version, platform, &modver)) };
        let mut body = ResumingBody::new(self.client, &url, response, *from);
        *from = body.start();
        let from = *from;
        let progress = download::progress_bar(body.full_length(), out);
        let mut file = fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(from == 0)
            .open(partial)
            .and_then(|mut f| {
                // Exactly the bytes resumed from, whatever a killed writer added after them.
                f.set_len(from)?;
                f.seek(std::io::SeekFrom::End(0))?;
                Ok(f)
            })
            .map_err(|e| error::io("write", partial, e))?;
        let mut buf = vec![0; 64 * 1024];
        let mut done = from;
        loop {
            // Ctrl-C stops the download within one read.
            let n = match crate::interrupt::check().and_then(|()| body.read(&mut buf)) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return Err(download::body_error(&url, &e)),
            };
            done += n as u64;
            if done > super::MAX_ARCHIVE {
                return Err(Error::new(Kind::Verification, format!("{version} failed verification: {url}"))
                    .cause(format!(
                        "the proxy sent more than {} bytes, more than any Go toolchain zip; gover stopped reading there",
                        super::MAX_ARCHIVE
                    ))
                    .hint("nothing was kept; GOPROXY is serving something other than the published toolchain: point GOPROXY at another proxy (https://proxy.golang.org)"));
            }
            file.write_all(&buf[..n]).map_err(|e| error::io("write", partial, e))?;
            if let Some(bar) = &progress {
                bar.set_position(done);
            }
        }
        Ok(url)
    }
}

/// Where a verified zip of `version` is kept, like release archives, for reinstalls.
fn cached_zip(store: &Store, version: &GoVersion, platform: &Platform) -> std::path::PathBuf {
    store.home().download(&format!("{version}.{platform}.zip"))
}

/// Unpacks the zip at `path` into `staging` (or only reads it, for a mirror) and checks it: its
/// `h1:` against the checksum database's record (when there is one), and the unpacked tree
/// against the release it must be.
fn verify_zip(
    path: &Path,
    label: &str,
    version: &GoVersion,
    platform: &Platform,
    modver: &str,
    expected: Option<&str>,
    staging: Option<&Staging>,
) -> Result<()> {
    let failed = || Error::new(Kind::Verification, format!("{version} failed verification: {label}"));
    let mut file = fs::File::open(path).map_err(|e| error::io("read", path, e))?;
    let mut head = [0u8; 512];
    let n = file.read(&mut head).map_err(|e| error::io("read", path, e))?;
    if sumdb::looks_like_html(&head[..n]) {
        // Not the start of a zip, so nothing to resume from either.
        let _ = fs::remove_file(path);
        return Err(html_error(label));
    }
    file.rewind().map_err(|e| error::io("read", path, e))?;
    let size = file.metadata().ok().map(|m| m.len());
    let prefix = format!("{MODULE}@{modver}");
    let mut files = unpack::unpack_zip(
        file,
        &prefix,
        staging.map(Staging::path),
        Limits::for_archive(size),
        platform.elf_machine(),
    )
    .map_err(|e| unpack_error(e, platform, failed))?;
    let got = dirhash::hash1(&mut files);
    if let Some(expected) = expected {
        if got != expected {
            return Err(failed()
                .cause(format!("the checksum database records {expected}"))
                .cause(format!("the zip hashes to          {got}"))
                .hint(tampered_hint(done(staging))));
        }
    }
    match staging {
        Some(staging) => unpack::check_tree(staging.path(), version).map_err(|why| {
            let err = failed().cause(format!("the zip is not {version}: {why}"));
            // Trying again fetches the same zip: whoever vouched for it, or served it, is wrong.
            match expected {
                None => err
                    .cause("nothing checked it against the checksum database (--insecure-no-sumdb)")
                    .hint(tampered_hint("installed")),
                Some(_) => err.hint(
                    "nothing was installed; the checksum database (GOSUMDB) vouches for this zip, so the database or \
                     the proxy whose zips it records is wrong: use go's own (unset GOSUMDB and GOPROXY), or install \
                     from the download site: --source dl",
                ),
            }
        }),
        None => Ok(()),
    }
}

/// What a failed check left undone: an install (into staging), or a mirror's file.
fn done(staging: Option<&Staging>) -> &'static str {
    if staging.is_some() {
        "installed"
    } else {
        "written"
    }
}

/// What to do when the proxy serves files the checksum database does not vouch for: take them
/// from another proxy, or from the download site (whose index verifies its archives).
fn tampered_hint(done: &str) -> String {
    let elsewhere = match done {
        "installed" => "install from the download site: --source dl",
        _ => "mirror only the download-site layout: --layout dl",
    };
    format!(
        "nothing was {done}; GOPROXY is serving something other than the published toolchain: point GOPROXY at \
         another proxy (https://proxy.golang.org), or {elsewhere}"
    )
}

fn html_error(url: &str) -> Error {
    Error::new(Kind::Network, format!("{url} answered with an HTML page, not a Go module"))
        .cause("a proxy, captive portal or login page answered instead of the Go module proxy")
        .hint("log in to the network (open any page in a browser), or check GOPROXY")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux_amd64() -> Platform {
        Platform::from_rust("linux", "x86_64").unwrap()
    }

    #[test]
    fn module_versions() {
        let v = GoVersion::parse("go1.23.9").unwrap();
        assert_eq!(module_version(&v, &linux_amd64()), "v0.0.1-go1.23.9.linux-amd64");
        assert_eq!(release_of("v0.0.1-go1.23.9.linux-amd64", &linux_amd64()), Some(v));
        assert_eq!(release_of("v0.0.1-go1.21rc2.linux-amd64", &linux_amd64()).unwrap().to_string(), "go1.21rc2");
        assert_eq!(release_of("v0.0.1-go1.23.9.linux-arm64", &linux_amd64()), None);
        assert_eq!(release_of("v0.0.1-go1.23.9.windows-amd64", &linux_amd64()), None);
        assert_eq!(release_of("v0.0.2-go1.23.9.linux-amd64", &linux_amd64()), None);
    }

    #[test]
    fn goproxy_lists() {
        let p = |url: &str, any_error| Proxy { url: url.into(), any_error };
        assert_eq!(parse_goproxy(PUBLIC_GOPROXY), Ok((vec![p("https://proxy.golang.org", false)], true)));
        assert_eq!(
            parse_goproxy("https://a.example/|https://b.example,https://c.example,off,https://d.example"),
            Ok((
                vec![p("https://a.example", true), p("https://b.example", false), p("https://c.example", false)],
                false
            ))
        );
        assert!(parse_goproxy("off").is_err());
        assert!(parse_goproxy("direct").is_err());
        assert!(parse_goproxy("proxy.example").is_err());
    }
}
