//! `gover mirror sync`: a static tree any web server, object store or artifact repository can
//! serve, in two layouts. The module-proxy layout (`golang.org/toolchain/@v/list`, `.info`,
//! `.mod`, `.zip`) serves GOPROXY, for gover and for go's own toolchain switch; the
//! download-site layout (`index.json` in go.dev's `?mode=json&include=all` format, the
//! archives, `.sha256` files) serves GOVER_INDEX_URL and GOVER_DIST_URL. Every file is
//! verified as an install would verify it (the checksum database, the release index) before
//! it is renamed into place, so an interrupted run leaves nothing half-written visible, and a
//! second run fetches only what is new.

use std::fs;
use std::path::{Path, PathBuf};

use gover_shim::{GoVersion, Spec};
use serde_json::json;

use super::index::{Index, Platform, Release};
use super::proxy::{self, Proxies, ProxyConfig};
use super::{download_verified, Artifact, Remote};
use crate::error::{self, Error, Kind, Result};
use crate::output::Output;
use crate::store::{write_atomic, Store};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layouts {
    pub proxy: bool,
    pub dl: bool,
}

/// What one sync did.
#[derive(Default)]
pub struct Summary {
    pub fetched: Vec<String>,
    pub kept: Vec<String>,
}

pub struct Mirror<'a> {
    pub store: &'a Store,
    pub remote: &'a Remote,
    pub dir: PathBuf,
    pub platforms: Vec<Platform>,
    pub layouts: Layouts,
    pub out: Output,
}

impl Mirror<'_> {
    pub fn sync(&self, specs: &[Spec], proxy_config: Option<&ProxyConfig>) -> Result<Summary> {
        self.sweep_partials();
        let index = if self.layouts.dl { Some(self.remote.fetch_index(self.store)?.index) } else { None };
        let proxies = proxy_config.map(|config| Proxies { client: &self.remote.client, config });
        let listed = match (&index, &proxies) {
            (None, Some(proxies)) => proxies.list(&self.platforms[0])?,
            _ => Vec::new(),
        };
        let mut versions = Vec::new();
        for spec in specs {
            let version = match &index {
                Some(index) => index.pick(spec, &self.platforms[0]).map(|r| r.version.clone()),
                None => spec.pick(listed.iter()).cloned(),
            };
            let version = version.ok_or_else(|| {
                // Listed from where the versions are picked: the release index, else the proxy.
                let source = if index.is_some() { "dl" } else { "proxy" };
                Error::new(Kind::NoSuchVersion, format!("no Go release {spec} for {}", self.platforms[0]))
                    .hint(format!("gover list --remote --all --source {source} lists what can be mirrored"))
            })?;
            if !versions.contains(&version) {
                versions.push(version);
            }
        }
        let mut summary = Summary::default();
        for version in &versions {
            for platform in &self.platforms {
                // Between releases; within one, each file's reads stop it.
                crate::interrupt::stop_if_signalled()?;
                if let Some(proxies) = &proxies {
                    self.proxy_layout(proxies, version, platform, &mut summary)?;
                }
                if let Some(index) = &index {
                    self.dl_layout(index, version, platform, &mut summary)?;
                }
            }
        }
        if self.layouts.proxy {
            self.write_list()?;
        }
        if let Some(index) = &index {
            self.write_index(index)?;
        }
        Ok(summary)
    }

    /// Deletes the partial files (`.<name>.partial-<pid>`) of syncs that were killed.
    fn sweep_partials(&self) {
        for dir in [self.dir.clone(), self.proxy_dir()] {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let name = entry.file_name();
                let writer =
                    name.to_str().and_then(|n| n.strip_prefix('.')?.rsplit_once(".partial-")?.1.parse::<u32>().ok());
                if writer.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }

    fn proxy_dir(&self) -> PathBuf {
        self.dir.join(proxy::MODULE).join("@v")
    }

    fn proxy_layout(
        &self,
        proxies: &Proxies,
        version: &GoVersion,
        platform: &Platform,
        summary: &mut Summary,
    ) -> Result<()> {
        let dir = self.proxy_dir();
        Store::create_dir(&dir)?;
        let modver = proxy::module_version(version, platform);
        let dest = dir.join(format!("{modver}.zip"));
        let name = format!("{}@{modver}", proxy::MODULE);
        if dest.is_file() {
            summary.kept.push(name);
            return Ok(());
        }
        proxies.mirror(&self.store.home().sumdb_dir(), version, platform, &dest, self.out)?;
        summary.fetched.push(name);
        Ok(())
    }

    fn dl_layout(&self, index: &Index, version: &GoVersion, platform: &Platform, summary: &mut Summary) -> Result<()> {
        let release = index.releases.iter().find(|r| &r.version == version);
        let artifact = release.and_then(|r| Artifact::from_release(r, platform, &self.remote.sources));
        let artifact = artifact.ok_or_else(|| {
            let offered: Vec<String> = release
                .into_iter()
                .flat_map(|r| &r.files)
                .filter(|f| f.kind == "archive")
                .map(|f| format!("{}-{}", f.os, f.arch))
                .collect();
            Error::new(Kind::NoSuchVersion, format!("the release index has no {version} archive for {platform}"))
                .hint(format!("choose the platforms with --platform; it has {version} for {}", offered.join(",")))
        })?;
        Store::create_dir(&self.dir)?;
        let dest = self.dir.join(artifact.filename());
        let name = artifact.filename().to_string();
        let checksum = self.dir.join(format!("{name}.sha256"));
        let kept = dest.is_file();
        if !kept {
            download_verified(&self.remote.client, &artifact, &dest, self.out)?;
        }
        // Also for a kept archive: a run killed right after its rename left it without one.
        if !kept || !checksum.is_file() {
            write_atomic(&checksum, format!("{}\n", artifact.sha256).as_bytes())?;
        }
        if kept {
            summary.kept.push(name)
        } else {
            summary.fetched.push(name)
        }
        Ok(())
    }

    /// `@v/list`: every toolchain zip present, whatever run fetched it.
    fn write_list(&self) -> Result<()> {
        let dir = self.proxy_dir();
        let mut names: Vec<String> = fs::read_dir(&dir)
            .map_err(|e| error::io("read", &dir, e))?
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".zip").map(str::to_string))
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        write_atomic(&dir.join("list"), names.iter().map(|n| format!("{n}\n")).collect::<String>().as_bytes())
    }

    /// `index.json`: the upstream index's entries for the archives present, plus those of an
    /// earlier run that the upstream index no longer lists.
    fn write_index(&self, upstream: &Index) -> Result<()> {
        let path = self.dir.join("index.json");
        let earlier = fs::read(&path).ok().and_then(|b| Index::parse(&b).ok()).unwrap_or_default();
        let present = |r: &Release| -> Option<Release> {
            let files: Vec<_> = r.files.iter().filter(|f| self.dir.join(&f.filename).is_file()).cloned().collect();
            (!files.is_empty()).then(|| Release { version: r.version.clone(), files })
        };
        let mut releases: Vec<Release> = upstream.releases.iter().filter_map(present).collect();
        for r in earlier.releases.iter().filter_map(present) {
            if !releases.iter().any(|u| u.version == r.version) {
                releases.push(r);
            }
        }
        releases.sort_by(|a, b| b.version.cmp(&a.version));
        write_atomic(&path, render_index(&releases).as_bytes())
    }
}

/// go.dev's `?mode=json&include=all` format.
fn render_index(releases: &[Release]) -> String {
    let rows: Vec<_> = releases
        .iter()
        .map(|r| {
            let files: Vec<_> = r
                .files
                .iter()
                .map(|f| {
                    json!({"filename": f.filename, "os": f.os, "arch": f.arch, "version": r.version.to_string(),
                           "sha256": f.sha256, "size": f.size, "kind": f.kind})
                })
                .collect();
            json!({"version": r.version.to_string(), "stable": r.version.is_stable(), "files": files})
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("JSON values render") + "\n"
}

/// `linux-amd64` as a platform.
pub fn parse_platform(text: &str) -> Option<Platform> {
    let (os, arch) = text.trim().split_once('-')?;
    (!os.is_empty() && !arch.is_empty() && !arch.contains('-')).then(|| Platform { os: os.into(), arch: arch.into() })
}

/// The layouts of `--layout proxy,dl`.
pub fn parse_layouts(text: &str) -> Option<Layouts> {
    let mut layouts = Layouts { proxy: false, dl: false };
    for part in text.split(',').map(str::trim) {
        match part {
            "proxy" => layouts.proxy = true,
            "dl" => layouts.dl = true,
            _ => return None,
        }
    }
    Some(layouts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_and_layouts() {
        assert_eq!(parse_platform("linux-arm64"), Some(Platform { os: "linux".into(), arch: "arm64".into() }));
        assert_eq!(parse_platform("linux"), None);
        assert_eq!(parse_platform("linux-arm-64"), None);
        assert_eq!(parse_layouts("proxy,dl"), Some(Layouts { proxy: true, dl: true }));
        assert_eq!(parse_layouts("dl"), Some(Layouts { proxy: false, dl: true }));
        assert_eq!(parse_layouts("ftp"), None);
    }

    #[test]
    fn renders_the_download_site_format() {
        let index = Index::parse(
            br#"[{"version":"go1.23.9","stable":true,"files":[{"filename":"go1.23.9.linux-amd64.tar.gz","os":"linux","arch":"amd64","version":"go1.23.9","sha256":"ab","size":3,"kind":"archive"}]}]"#,
        )
        .unwrap();
        let text = render_index(&index.releases);
        let again = Index::parse(text.as_bytes()).unwrap();
        assert_eq!(again.releases, index.releases);
        assert!(text.contains("\"stable\": true"));
    }
}
