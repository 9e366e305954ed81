//! `gover install <spec>...`: resolve each spec against the release index, then download,
//! verify and install it (see `dist::install`). After the first install the shims exist and,
//! if nothing is the global default yet, the installed version becomes it.

use gover_shim::{GoVersion, Spec};

use crate::app::App;
use crate::dist::proxy::{Proxies, ProxyConfig};
use crate::dist::{self, Artifact, Catalog, Origin, Outcome, Remote, SourceChoice};
use crate::error::{exit, Error, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to install: 1.22 (the newest 1.22.x), 1.22.10, go1.22.10, 1.23rc1, latest
    #[arg(required = true, value_name = "VERSION")]
    pub specs: Vec<String>,
    /// Where toolchains come from: the download site (dl), the Go module proxy in GOPROXY
    /// verified by GOSUMDB (proxy), or auto (dl unless GOPROXY names a proxy or dl is unreachable)
    #[arg(long, env = "GOVER_SOURCE", value_enum, default_value = "auto")]
    pub source: SourceChoice,
    /// From the module proxy, install even when GOSUMDB=off or GONOSUMDB leaves the toolchain
    /// unverified
    #[arg(long)]
    pub insecure_no_sumdb: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let specs = args.specs.iter().map(|text| Ok((text.as_str(), parse_spec(text)?))).collect::<Result<Vec<_>>>()?;
    let installer = Installer { app, remote: Remote::from_env()?, args: &args, origin: None, proxy_list: None };
    installer.run(&specs)
}

fn parse_spec(text: &str) -> Result<Spec> {
    match crate::app::parse_spec(text)? {
        Spec::System => Err(Error::usage("`system` is the Go outside gover; it cannot be installed")
            .hint("name a release: gover install 1.22")),
        spec => Ok(spec),
    }
}

struct Installer<'a> {
    app: &'a App,
    remote: Remote,
    args: &'a Args,
    /// The source and its index, chosen once on first need (an exact version already
    /// installed needs none).
    origin: Option<Result<Origin, Error>>,
    /// The module proxy's release list, fetched once if a spec needs it.
    proxy_list: Option<Vec<GoVersion>>,
}

impl Installer<'_> {
    fn run(mut self, specs: &[(&str, Spec)]) -> Result<()> {
        let mut installed = Vec::new();
        let mut failure = None;
        for (text, spec) in specs {
            match self.install_one(text, spec) {
                Ok(version) => installed.push(version),
                Err(err) => {
                    // Go on with the others; report every failure, return the last.
                    if let Some(previous) = failure.replace(err) {
                        eprint!("{}", previous.render());
                    }
                }
            }
        }
        if let Some(first) = installed.first() {
            self.app.store.ensure_shims()?;
            self.set_first_global(first)?;
        }
        failure.map_or(Ok(()), Err)
    }

    /// `text` is the spec as the user wrote it, for the `1.22 -> go1.22.10` line.
    fn install_one(&mut self, text: &str, spec: &Spec) -> Result<GoVersion> {
        let store = &self.app.store;
        if let Spec::Exact(wanted) = spec {
            // A listed tree without bin/go is damaged: it is installed again, and replaced.
            if let Some(version) =
                store.installed().into_iter().find(|v| v.same_release(wanted) && store.is_installed(v))
            {
                println!("{version} is already installed");
                return Ok(version);
            }
        }
        if self.origin.is_none() {
            self.origin = Some(self.remote.origin(self.args.source, self.app.quiet));
        }
        let (version, outcome) = match self.origin.as_ref().expect("chosen above") {
            Ok(Origin::Proxy(config)) => {
                let config = config.clone();
                let version = self.proxy_version(spec, &config)?;
                println!("{text} -> {version}");
                let proxies = Proxies { client: &self.remote.client, config: &config };
                let outcome = proxies.install(
                    store,
                    &version,
                    &self.remote.platform,
                    self.args.insecure_no_sumdb,
                    self.app.quiet,
                )?;
                (version, outcome)
            }
            _ => {
                let artifact = self.artifact_for(spec)?;
                let version = artifact.version.clone();
                println!("{text} -> {version}");
                (version, dist::install(store, &self.remote.client, &artifact, self.app.quiet)?)
            }
        };
        match outcome {
            Outcome::Installed { cached } => println!(
                "installed {version} in {}{}",
                store.home().version_dir(&version).display(),
                if cached { " (from the download cache)" } else { "" }
            ),
            Outcome::AlreadyInstalled => println!("{version} is already installed"),
        }
        Ok(version)
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
            Error::new(exit::NO_SUCH_VERSION, format!("no Go release {spec} for {}", self.remote.platform))
                .cause(format!("the module proxy {} lists {} releases for it", config.goproxy, list.len()))
                .hint("gover list --remote --all lists what can be installed")
        })
    }

    fn artifact_for(&mut self, spec: &Spec) -> Result<Artifact> {
        let catalog = match self.origin.as_ref().expect("chosen by install_one") {
            Ok(Origin::Site(catalog)) => catalog,
            Ok(Origin::Proxy(_)) => unreachable!("install_one installs from the proxy itself"),
            // No index at all: an exact version can still be checked against the mirror's .sha256.
            Err(err) => {
                return match spec {
                    Spec::Exact(version) if self.remote.sources.mirror => Artifact::from_checksum_file(
                        &self.remote.client,
                        &self.remote.sources,
                        version,
                        &self.remote.platform,
                    )
                    .map_err(|second| err.clone().cause(format!("and the .sha256 fallback failed: {second}"))),
                    _ => Err(err.clone()),
                };
            }
        };
        let release =
            catalog.index.pick(spec, &self.remote.platform).ok_or_else(|| self.no_such_version(spec, catalog))?;
        Ok(Artifact::from_release(release, &self.remote.platform, &self.remote.sources)
            .expect("pick only returns installable releases"))
    }

    fn no_such_version(&self, spec: &Spec, catalog: &Catalog) -> Error {
        let name = match spec {
            Spec::Exact(v) => v.to_string(),
            other => other.to_string(),
        };
        let nearest = catalog.index.nearest(spec, &self.remote.platform, 3);
        let mut err = Error::new(exit::NO_SUCH_VERSION, format!("no Go release {name} for {}", self.remote.platform));
        if !nearest.is_empty() {
            let list: Vec<String> = nearest.iter().map(|v| v.to_string()).collect();
            err = err.cause(format!("the nearest that exist: {}", list.join(", ")));
        }
        if catalog.from_mirror {
            err = err.cause("the list comes from the mirror's own index, which may lag behind go.dev");
        }
        let line = match spec {
            Spec::Exact(v) => format!(" {}.{}", v.major, v.minor),
            Spec::Line { major, minor } => format!(" {major}.{minor}"),
            Spec::Latest | Spec::System => String::new(),
        };
        err.hint(format!("gover list --remote --all{line} lists what can be installed"))
    }

    /// The first install makes `go` work at once: with no global default yet, it becomes one
    /// (of several concurrent first installs, exactly one).
    fn set_first_global(&self, version: &GoVersion) -> Result<()> {
        let store = &self.app.store;
        if store.home().global_file().exists() || !store.write_global_if_absent(version)? {
            return Ok(());
        }
        if !self.app.quiet {
            eprintln!("note: {version} is now the global default (change it with gover global <version>)");
        }
        Ok(())
    }
}
