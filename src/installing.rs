//! Installing releases, for every command that installs (`gover install`, `gover upgrade`,
//! `gover ci env`): the source chosen once, then per version download, verify and the final
//! rename (`dist::install`), the report, the first global default and the advice after.

use gover_shim::resolve::Installed;
use gover_shim::{GoVersion, Spec};

use crate::app::App;
use crate::dist::proxy::{Proxies, ProxyConfig};
use crate::dist::{self, Artifact, InstallOutcome, ReleaseSource, Remote, SourceChoice};
use crate::error::{Error, Kind, Result};
use crate::output::{self, outln, Output};
use crate::policy::Policy;
use crate::vulndb::{self, Knowledge};

/// Where toolchains come from; shared by every command that installs (`gover ci env`).
#[derive(clap::Args, Debug)]
pub struct SourceArgs {
    /// Where toolchains come from: the download site (dl), the Go module proxy in GOPROXY
    /// verified by GOSUMDB (proxy), or auto (dl unless GOPROXY names a proxy or dl is unreachable)
    #[arg(long, env = "GOVER_SOURCE", value_enum, default_value = "auto")]
    pub source: SourceChoice,
    /// From the module proxy, install even when GOSUMDB=off or GONOSUMDB leaves the toolchain
    /// unverified
    #[arg(long)]
    pub insecure_no_sumdb: bool,
}

/// Installs each spec (`text` is how the user wrote it), as `gover install` does.
pub fn install(app: &App, specs: &[(&str, Spec)], from: &SourceArgs) -> Result<()> {
    crate::interrupt::watch(crate::interrupt::Job::Install);
    Installer::new(app, from)?.run(specs)
}

/// Installs from one source, chosen as `gover install` chooses it (`--source`, the policy's
/// rules and the fleet's settings applied) and asked once: `gover upgrade` first learns the
/// releases it moves to from it (see [`Installer::release`]), then installs them from it.
pub struct Installer<'a> {
    app: &'a App,
    remote: Remote,
    source: SourceChoice,
    insecure_no_sumdb: bool,
    /// The source and its index, chosen once on first need (an exact version already
    /// installed, or cached with its checksum, needs none).
    origin: Option<Result<ReleaseSource, Error>>,
    /// The module proxy's release list, fetched once if a spec needs it.
    proxy_list: Option<Vec<GoVersion>>,
}

impl<'a> Installer<'a> {
    pub fn new(app: &'a App, from: &SourceArgs) -> Result<Installer<'a>> {
        let source = match &app.policy {
            Some(policy) => policy.source(from.source, from.insecure_no_sumdb)?,
            None => from.source,
        };
        Ok(Installer {
            app,
            remote: Remote::from_env(&app.process, app.trust_mirror)?,
            source,
            insecure_no_sumdb: from.insecure_no_sumdb,
            origin: None,
            proxy_list: None,
        })
    }

    /// The release `spec` picks on the source, without installing it.
    pub fn release(&mut self, spec: &Spec) -> Result<GoVersion> {
        let origin = self.origin.get_or_insert_with(|| self.remote.origin(&self.app.store, self.source, self.app.out));
        match origin {
            Ok(ReleaseSource::Site(catalog)) => {
                let platform = &self.remote.platform;
                catalog.index.pick(spec, platform).map(|release| release.version.clone()).ok_or_else(|| {
                    Error::new(Kind::NoSuchVersion, format!("no Go release {spec} for {platform}"))
                        .hint(format!("gover list --remote {spec} lists what can be installed"))
                })
            }
            Ok(ReleaseSource::Proxy(config, site)) => {
                let (config, site) = (config.clone(), site.clone());
                self.proxy_version(spec, &config).map_err(|e| dist::after_fallback(e, site.as_ref()))
            }
            Err(err) => Err(err.clone()),
        }
    }

    /// What an install does last, for a command that found nothing to install: the policy's
    /// and the advice's data kept current.
    pub fn refresh_vulnerability_data(&self) {
        vulndb::refresh_if_stale(&self.app.process, &self.app.store, &self.remote.client, self.app.out);
    }
    pub fn run(mut self, specs: &[(&str, Spec)]) -> Result<()> {
        if self.app.policy.as_ref().is_some_and(Policy::needs_vulnerability_data) {
            // The policy's verdict on a release is only as current as this data.
            vulndb::refresh_if_stale(&self.app.process, &self.app.store, &self.remote.client, self.app.out);
        }
        let mut installed = Vec::new();
        let mut failure = None;
        for (text, spec) in specs {
            match self.install_one(text, spec) {
                Ok(version) => installed.push(version),
                Err(err) => {
                    // Go on with the others; report every failure, return the last. A failure
                    // they share (no index) is said once.
                    if let Some(previous) = failure.replace(err) {
                        if failure.as_ref().is_none_or(|last| *last != previous) {
                            output::error(&previous);
                        }
                    }
                    // Unless interrupted: then nothing more is started.
                    if let Some(err) = failure.take_if(|_| crate::interrupt::signal().is_some()) {
                        return Err(err);
                    }
                }
            }
        }
        // Users run the system store's versions through their own shims, and pick them with
        // their own pins and global default: it has only the versions' names, for go's switch.
        if let Some(first) = installed.first() {
            self.app.store.ensure_shims(&self.app.process)?;
            if !self.app.store.is_system() {
                self.set_first_global(first)?;
            }
        }
        if !installed.is_empty() {
            self.refresh_vulnerability_data();
            advise(self.app, &installed, self.app.out);
        }
        failure.map_or(Ok(()), Err)
    }

    /// `text` is the spec as the user wrote it, for the `1.22 -> go1.22.10` line.
    fn install_one(&mut self, text: &str, spec: &Spec) -> Result<GoVersion> {
        let store = &self.app.store;
        if let Some(version) = self.already_installed(match spec {
            Spec::Exact(wanted) => Some(wanted),
            _ => None,
        })? {
            return Ok(version);
        }
        // An archive verified before, with its checksum, needs no index: offline reinstalls work.
        let cached = match spec {
            Spec::Exact(wanted) if self.source != SourceChoice::Proxy => {
                dist::cached_artifact(store, &self.remote.sources, wanted, &self.remote.platform)
            }
            _ => None,
        };
        if cached.is_none() && self.origin.is_none() {
            self.origin = Some(self.remote.origin(store, self.source, self.app.out));
        }
        if let Some(Ok(ReleaseSource::Proxy(config, site))) = self.origin.as_ref().filter(|_| cached.is_none()) {
            let (config, site) = (config.clone(), site.clone());
            return self.install_from_proxy(text, spec, &config, site.as_ref());
        }
        let (artifact, mirror_vouched) = match cached {
            Some(artifact) => (artifact, false),
            None => match self.artifact_for(spec) {
                // A release the saved copy of the index does not name may have been published
                // since: auto asks the module proxy, for this spec only.
                Err(err) if self.source == SourceChoice::Auto && self.index_is_a_saved_copy() => {
                    let (config, site) = self.remote.proxy_instead(err, self.app.out)?;
                    return self.install_from_proxy(text, spec, &config, Some(&site));
                }
                other => other?,
            },
        };
        let version = artifact.version.clone();
        self.app.permit_version(Some(&version))?;
        self.say(format_args!("{text} -> {version}"));
        if let Some(version) = self.already_installed(Some(&version))? {
            return Ok(version);
        }
        let outcome = dist::install(store, &self.remote.client, &artifact, self.app.out)?;
        self.report(&version, outcome, mirror_vouched);
        Ok(version)
    }

    /// The installed release `wanted` is, said so, if there is one: in this store, or (for a
    /// user's store) in the system store, whose copy every user runs without one of their own.
    /// A listed tree without bin/go is damaged: it is installed again, and replaced.
    fn already_installed(&self, wanted: Option<&GoVersion>) -> Result<Option<GoVersion>> {
        let Some(wanted) = wanted else { return Ok(None) };
        let is_wanted = |i: &Installed| i.version.same_release(wanted) && i.root.join("bin/go").is_file();
        let Some(found) = self.app.installed().into_iter().find(is_wanted) else { return Ok(None) };
        self.app.permit_version(Some(&found.version))?;
        match (found.system, self.app.system_home()) {
            (true, Some(system)) => self.say(format_args!(
                "{} is already installed in the system store {}",
                found.version,
                system.root().display()
            )),
            _ => self.say(format_args!("{} is already installed", found.version)),
        }
        Ok(Some(found.version))
    }

    /// Installs `spec` from the module proxy; `site`: the download site's failure when auto
    /// fell back to the proxy.
    fn install_from_proxy(
        &mut self,
        text: &str,
        spec: &Spec,
        config: &ProxyConfig,
        site: Option<&Error>,
    ) -> Result<GoVersion> {
        let version = self.proxy_version(spec, config).map_err(|e| dist::after_fallback(e, site))?;
        self.app.permit_version(Some(&version))?;
        self.say(format_args!("{text} -> {version}"));
        let proxies = Proxies { client: &self.remote.client, config };
        let outcome = proxies
            .install(&self.app.store, &version, &self.remote.platform, self.insecure_no_sumdb, self.app.out)
            .map_err(|e| dist::after_fallback(e, site))?;
        self.report(&version, outcome, false);
        Ok(version)
    }

    /// The download site's index is the copy saved when it was last fetched.
    fn index_is_a_saved_copy(&self) -> bool {
        matches!(&self.origin, Some(Ok(ReleaseSource::Site(catalog))) if catalog.saved.is_some())
    }

    /// `mirror_vouched`: the checksum came from the mirror itself (--trust-mirror), which
    /// every install that relies on it says.
    fn report(&self, version: &GoVersion, outcome: InstallOutcome, mirror_vouched: bool) {
        let store = &self.app.store;
        match outcome {
            InstallOutcome::Installed { cached } => self.say(format_args!(
                "installed {version} in {}{}{}",
                store.home().version_dir(version).display(),
                if cached { " (from the download cache)" } else { "" },
                if mirror_vouched { " (checked against the mirror's own checksum: --trust-mirror)" } else { "" }
            )),
            InstallOutcome::AlreadyInstalled => self.say(format_args!("{version} is already installed")),
        }
    }

    /// The release `spec` names on the module proxy (an exact version is taken as is: the
    /// proxy answers for it or says it has none).
    fn proxy_version(&mut self, spec: &Spec, config: &ProxyConfig) -> Result<GoVersion> {
        if let Spec::Exact(version) = spec {
            return Ok(version.clone());
        }
        if self.proxy_list.is_none() {
            let proxies = Proxies { client: &self.remote.client, config };
            self.proxy_list = Some(proxies.list(&self.remote.platform)?);
        }
        let list = self.proxy_list.as_ref().expect("fetched above");
        spec.pick(list.iter()).cloned().ok_or_else(|| {
            Error::new(Kind::NoSuchVersion, format!("no Go release {spec} for {}", self.remote.platform))
                .cause(format!("the module proxy {} lists {} releases for it", config.goproxy, list.len()))
                .hint("gover list --remote --all --source proxy lists what can be installed")
        })
    }

    /// What happened, on standard output; nothing with -q (the exit code says it).
    fn say(&self, what: std::fmt::Arguments) {
        outln!(self.app.out, Info, "{what}");
    }

    /// The archive `spec` names and whether its checksum is the mirror's own (--trust-mirror).
    fn artifact_for(&mut self, spec: &Spec) -> Result<(Artifact, bool)> {
        let catalog = match self.origin.as_ref().expect("chosen by install_one") {
            Ok(ReleaseSource::Site(catalog)) => catalog,
            Ok(ReleaseSource::Proxy(..)) => unreachable!("install_one installs from the proxy itself"),
            // No index at all: an exact version can still be checked against the .sha256 of a
            // mirror the user trusts.
            Err(err) => {
                return match spec {
                    Spec::Exact(version) if self.remote.sources.mirror_trusted() => Artifact::from_checksum_file(
                        &self.remote.client,
                        &self.remote.sources,
                        version,
                        &self.remote.platform,
                        err,
                    )
                    .map(|artifact| (artifact, true)),
                    _ => Err(err.clone()),
                };
            }
        };
        let release = catalog.pick(spec, &self.remote.platform, "gover install")?;
        let artifact = Artifact::from_release(release, &self.remote.platform, &self.remote.sources)
            .expect("pick only returns installable releases");
        Ok((artifact, catalog.from_mirror))
    }

    /// The first install makes `go` work at once: with no global default yet, it becomes one
    /// (of several concurrent first installs, exactly one).
    fn set_first_global(&self, version: &GoVersion) -> Result<()> {
        let store = &self.app.store;
        if store.home().global_file().exists() || !store.write_global_if_absent(version)? {
            return Ok(());
        }
        outln!(self.app.out, Note, "{version} is now the global default (change it with gover global <version>)");
        Ok(())
    }
}

/// A note for each version just installed that has known vulnerabilities a later patch of
/// its line fixes, or whose line is past end of life.
fn advise(app: &App, versions: &[GoVersion], out: Output) {
    let store = &app.store;
    let knowledge = Knowledge::load(&app.process, store, &store.installed());
    for version in versions {
        let status = knowledge.assess(version);
        let line = format!("{}.{}", version.major, version.minor);
        let newest = knowledge.newer_in_line(version);
        match (&status.fixed_in, newest) {
            _ if status.count() == 0 => {}
            (Some(fixed), _) => outln!(
                out,
                Note,
                "{version} has {} known vulnerabilities, all fixed in {fixed}; gover upgrade {line} installs it",
                status.count()
            ),
            (None, Some(newest)) => {
                let fixed = status.vulnerabilities.iter().flatten().filter(|e| !e.affects(newest)).count();
                if fixed > 0 {
                    outln!(
                        out,
                        Note,
                        "{version} has {} known vulnerabilities; {newest} fixes {fixed} of them (gover upgrade \
                         {line}), the others are fixed only in newer lines",
                        status.count()
                    );
                }
            }
            (None, None) => {}
        }
        if status.end_of_life {
            outln!(
                out,
                Note,
                "{version} is past end of life: Go fixes only its two newest major releases; gover upgrade \
                 --to <newer line> moves to one"
            );
        }
    }
}
