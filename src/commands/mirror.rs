//! `gover mirror sync DIR [VERSION...]`: fetch releases, each verified, into a static tree in
//! the module-proxy and download-site layouts (see `dist::mirror`).

use gover_shim::Spec;

use crate::app::App;
use crate::dist::index::Platform;
use crate::dist::mirror::{self, Mirror};
use crate::dist::proxy::ProxyConfig;
use crate::dist::Remote;
use crate::error::{Error, Result};
use crate::gosettings::settings::{Settings, SettingsEnv};
use crate::output::outln;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Fetch releases into DIR, verified; a second run fetches only what is new
    Sync(SyncArgs),
}

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// The mirror's root directory (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
    /// Releases to mirror: 1.22 (the newest 1.22.x), 1.22.10, latest [default: latest]
    #[arg(value_name = "VERSION")]
    pub specs: Vec<String>,
    /// Platforms, comma-separated (linux-amd64,linux-arm64) [default: this machine's]
    #[arg(long, value_name = "OS-ARCH,...")]
    pub platform: Option<String>,
    /// Layouts to write: proxy (GOPROXY, from the module proxy, verified by GOSUMDB), dl
    /// (GOVER_INDEX_URL/GOVER_DIST_URL, from the download site, verified by its index)
    #[arg(long, value_name = "proxy,dl", default_value = "proxy,dl")]
    pub layout: String,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let Command::Sync(args) = args.command;
    crate::interrupt::watch(crate::interrupt::Job::Mirror);
    let specs = if args.specs.is_empty() { vec!["latest".to_string()] } else { args.specs.clone() };
    let specs = specs.iter().map(|s| crate::app::parse_spec(s)).collect::<Result<Vec<Spec>>>()?;
    if specs.contains(&Spec::System) {
        return Err(Error::usage("`system` is not a release; it cannot be mirrored").hint("name a release: 1.22"));
    }
    let layouts = mirror::parse_layouts(&args.layout).ok_or_else(|| {
        Error::usage(format!("--layout {} is not a list of layouts", args.layout))
            .hint("use --layout proxy,dl, proxy or dl")
    })?;
    let remote = Remote::from_env(&app.process, app.trust_mirror)?;
    let platforms = match &args.platform {
        None => vec![remote.platform.clone()],
        Some(list) => list
            .split(',')
            .map(|p| {
                mirror::parse_platform(p).ok_or_else(|| {
                    Error::usage(format!("--platform {p} is not an os-arch pair"))
                        .hint("name platforms as Go does: linux-amd64,linux-arm64")
                })
            })
            .collect::<Result<Vec<Platform>>>()?,
    };
    let proxy_config = if layouts.proxy {
        Some(ProxyConfig::from_settings(&Settings::load(SettingsEnv::from_process(&app.process)))?)
    } else {
        None
    };
    let mirror = Mirror { store: &app.store, remote: &remote, dir: args.dir.clone(), platforms, layouts, out: app.out };
    let summary = mirror.sync(&specs, proxy_config.as_ref())?;
    for name in &summary.fetched {
        outln!(app.out, Info, "fetched {name}");
    }
    for name in &summary.kept {
        outln!(app.out, Info, "up to date {name}");
    }
    Ok(())
}
