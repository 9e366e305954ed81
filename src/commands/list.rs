//! `gover list`: installed versions, the one in use here marked, each with its known
//! vulnerabilities and end of life (from the cached vulnerability database: no network);
//! `gover list --remote`: releases available for this platform. Text for people, `--json`
//! for scripts.

use std::time::SystemTime;

use gover_shim::pin::PinFile;
use gover_shim::resolve::{self, Toolchain};
use gover_shim::{GoVersion, ResolveError, Spec};
use indicatif::HumanBytes;
use serde_json::json;

use crate::active_source::{origin_json, origin_text};
use crate::app::App;
use crate::dist::index::Platform;
use crate::dist::proxy::{self, Proxies, ProxyConfig};
use crate::dist::{after_fallback, ReleaseSource, Remote, SourceChoice};
use crate::error::{Error, Result};
use crate::links;
use crate::output::{self, outln};
use crate::store::disk_usage;
use crate::vulndb::{self, fetch::Location, Knowledge};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// List releases that can be installed instead of installed versions
    #[arg(long)]
    pub remote: bool,
    /// With --remote: include release candidates and betas
    #[arg(long, requires = "remote")]
    pub all: bool,
    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,
    /// Show the space each installed version (and linked tree) takes on disk
    #[arg(long, conflicts_with = "remote")]
    pub size: bool,
    /// With --remote: only releases of this line or prefix (1.22, 1.2, 1)
    #[arg(requires = "remote", value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// With --remote: list from the download site (dl), the module proxy (proxy), or auto
    /// (as `gover install` chooses)
    #[arg(long, env = "GOVER_SOURCE", value_enum, default_value = "auto")]
    pub source: SourceChoice,
    /// Check the Go vulnerability database (GOVULNDB) now, before listing
    #[arg(long, conflicts_with = "remote")]
    pub refresh: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    if args.refresh {
        refresh(app)?;
    }
    if args.remote {
        remote(&args, app)
    } else {
        installed(&args, app)
    }
}

fn installed(args: &Args, app: &App) -> Result<()> {
    let found = app.installed();
    let versions: Vec<GoVersion> = found.iter().map(|i| i.version.clone()).collect();
    let root = |v: &GoVersion| found.iter().find(|i| i.version == *v).map(|i| i.root.clone()).unwrap_or_default();
    let in_system = |v: &GoVersion| found.iter().any(|i| i.version == *v && i.system);
    let system = app.system_home();
    if let Some(Err(problem)) = system.as_ref().map(|s| resolve::system_versions(s, app.process.uid())) {
        let shown = system.as_ref().map(|s| s.root().display().to_string()).unwrap_or_default();
        output::warn(format!("the versions of the system store {shown} are ignored: {problem}"));
    }
    let links = app.store.home().links();
    let size = |path: &std::path::Path| args.size.then(|| disk_usage(path));
    // The mark is a courtesy: a broken pin here must not stop the listing, but is named.
    let resolution = app.context().ok().map(|ctx| resolve::resolve(&ctx));
    if let Some(Err(err @ (ResolveError::BadPin { .. } | ResolveError::BadEnv { .. }))) = &resolution {
        output::warn(err);
    }
    let resolution = resolution.and_then(|r| r.ok());
    let active_link = resolution.as_ref().and_then(|r| match &r.toolchain {
        Toolchain::Linked { name, .. } => Some(name.clone()),
        _ => None,
    });
    let active = resolution.and_then(|r| Some((r.toolchain.version()?.clone(), r.request)));
    let is_active = |v: &GoVersion| active.as_ref().is_some_and(|(a, _)| a == v);
    // Marked also where a pin overrides it, so `list` shows what other directories get.
    let global_spec = PinFile::GoVersion.read(&app.store.home().global_file()).ok().flatten().map(|pin| pin.spec);
    let global = global_spec.as_ref().and_then(|spec| spec.pick(&versions).cloned());
    let is_global_link = |name: &str| global_spec.as_ref().is_some_and(|s| *s == Spec::Link(name.to_string()));
    let knowledge = Knowledge::load(&app.process, &app.store, &versions);
    if let Some(problem) = &knowledge.problem {
        output::warn_error(problem);
    }
    if args.json {
        let mut rows: Vec<_> = versions
            .iter()
            .map(|v| {
                let status = knowledge.assess(v);
                let path = root(v);
                let mut row = json!({
                    "version": v.to_string(),
                    "path": path,
                    "system": in_system(v),
                    "active": is_active(v),
                    "global": global.as_ref() == Some(v),
                    "source": active.as_ref().filter(|(a, _)| a == v).map(|(_, r)| origin_json(r, Some(v))),
                    "vulnerabilities": status.ids(),
                    "fixed_in": status.fixed_in.as_ref().map(|f| f.to_string()),
                    "end_of_life": status.end_of_life,
                });
                if let Some(bytes) = size(&path) {
                    row["size"] = json!(bytes);
                }
                row
            })
            .collect();
        // A link's row: its name, its tree, and what its go reports (null when it cannot run).
        rows.extend(links.iter().map(|(name, tree)| {
            let mut row = json!({
                "link": name,
                "path": tree,
                "version": links::check_tree(tree).ok().map(|c| c.reported),
                "active": active_link.as_deref() == Some(name.as_str()),
                "global": is_global_link(name),
            });
            if let Some(bytes) = size(tree) {
                row["size"] = json!(bytes);
            }
            row
        }));
        app.out.json(&serde_json::Value::Array(rows));
        return Ok(());
    }
    if versions.is_empty() && links.is_empty() {
        match app.store.is_system() {
            true => outln!(
                app.out,
                Status,
                "no Go versions in the system store; root installs one with gover --system install latest"
            ),
            false => outln!(app.out, Status, "no Go versions installed; install one with gover install latest"),
        }
        return Ok(());
    }
    let width = versions.iter().map(|v| v.to_string().len()).max().unwrap_or(0);
    for v in &versions {
        let mut marks = knowledge.assess(v).marks();
        if let Some(bytes) = size(&root(v)) {
            marks.insert(0, HumanBytes(bytes).to_string());
        }
        if in_system(v) {
            marks.insert(0, "system store".to_string());
        }
        let marks = marks.join(", ");
        let why = match active.as_ref().filter(|(a, _)| a == v) {
            Some((_, request)) => Some(origin_text(request, v)),
            None if global.as_ref() == Some(v) => Some("the global default".to_string()),
            None => None,
        };
        let mut notes: Vec<String> = why.map(|why| format!("({why})")).into_iter().collect();
        if !marks.is_empty() {
            notes.push(marks);
        }
        let notes = notes.join("  ");
        match (is_active(v), notes.is_empty()) {
            (true, _) => outln!(app.out, Answer, "* {v}  {notes}"),
            (false, true) => outln!(app.out, Answer, "  {v}"),
            (false, false) => outln!(app.out, Answer, "  {:width$}  {notes}", v.to_string()),
        }
    }
    for (name, tree) in &links {
        let runs = match links::check_tree(tree) {
            Ok(checked) => checked.reported,
            Err(why) => format!("broken: {why}"),
        };
        let mut notes = vec![runs];
        if is_global_link(name) {
            notes.push("the global default".into());
        }
        if let Some(bytes) = size(tree) {
            notes.push(HumanBytes(bytes).to_string());
        }
        let mark = if active_link.as_deref() == Some(name.as_str()) { '*' } else { ' ' };
        outln!(app.out, Answer, "{mark} {name} -> {}  ({})", tree.display(), notes.join(", "));
    }
    if let Some(system) = system.filter(|_| found.iter().any(|i| i.system)) {
        let root = system.root().display();
        outln!(
            app.out,
            Note,
            "versions marked `system store` are in {root}, shared by every user; the others are yours"
        );
    }
    if let Some(note) = knowledge.staleness(SystemTime::now()) {
        outln!(app.out, Note, "{note}");
    }
    Ok(())
}

/// `--refresh`: asked for, so a failure is an error (exit 5), and the cache stays as it was.
fn refresh(app: &App) -> Result<()> {
    let location = Location::from_env(|name| app.process.var(name))?;
    let remote = Remote::from_env(&app.process, app.trust_mirror)?;
    let previous = vulndb::cache::Cache::load(&app.store).ok().flatten();
    let cache = vulndb::refresh(&app.store, &remote.client, &location, previous.as_ref(), SystemTime::now())?;
    outln!(
        app.out,
        Note,
        "the vulnerability data from {} lists {} entries for Go itself",
        location.label(),
        cache.entries.len()
    );
    Ok(())
}

fn remote(args: &Args, app: &App) -> Result<()> {
    if let Some(text) = &args.prefix {
        let prefix = text.strip_prefix("go").unwrap_or(text);
        let numbers = prefix.trim_end_matches('.').split('.');
        if prefix.is_empty() || numbers.clone().any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::usage(format!("{text:?} is not a version prefix"))
                .hint("give the start of a version, such as 1.22 or 1 (gover list --remote 1.22)"));
        }
    }
    let remote = Remote::from_env(&app.process, app.trust_mirror)?;
    let catalog = match remote.origin(&app.store, args.source, app.out)? {
        ReleaseSource::Site(catalog) => catalog,
        ReleaseSource::Proxy(config, site) => {
            return from_proxy(args, app, &remote, &config).map_err(|e| after_fallback(e, site.as_ref()))
        }
    };
    vulndb::refresh_if_stale(&app.process, &app.store, &remote.client, app.out);
    let (platform, sources) = (&remote.platform, &remote.sources);
    let installed = app.store.installed();
    let named = setup_go_names(catalog.index.available(platform).map(|r| &r.version));
    let mut releases: Vec<_> = catalog.index.available(platform).filter(|r| wanted(args, &r.version)).collect();
    releases.reverse();
    if args.json {
        let rows: Vec<_> = releases
            .iter()
            .map(|r| {
                let file = r.archive_for(platform).expect("available releases have an archive");
                json!({
                    "version": r.version.to_string(),
                    "stable": r.version.is_stable(),
                    "name": name_of(&named, &r.version),
                    "installed": installed.contains(&r.version),
                    "filename": file.filename,
                    "url": sources.archive_url(&file.filename),
                    "sha256": file.sha256,
                    "size": file.size,
                })
            })
            .collect();
        app.out.json(&serde_json::Value::Array(rows));
        return Ok(());
    }
    print_versions(args, app, platform, releases.iter().map(|r| &r.version), &installed, &named);
    Ok(())
}

fn print_versions<'a>(
    args: &Args,
    app: &App,
    platform: &Platform,
    versions: impl Iterator<Item = &'a GoVersion>,
    installed: &[GoVersion],
    named: &[(GoVersion, Spec)],
) {
    let mut any = false;
    for v in versions {
        any = true;
        let marks: Vec<String> =
            name_of(named, v).into_iter().chain(installed.contains(v).then(|| "installed".to_string())).collect();
        let mark = if marks.is_empty() { String::new() } else { format!("  ({})", marks.join(", ")) };
        outln!(app.out, Answer, "{v}{mark}");
    }
    if !any {
        outln!(
            app.out,
            Status,
            "no releases match for {platform}{}",
            if args.all { "" } else { " (--all adds rc and beta)" }
        );
    }
}

/// The releases `stable` and `oldstable` name today among `all` (every release for the
/// platform, not only those a prefix shows), for marking them in the list.
fn setup_go_names<'a>(all: impl Iterator<Item = &'a GoVersion>) -> Vec<(GoVersion, Spec)> {
    let all: Vec<&GoVersion> = all.collect();
    [Spec::Stable, Spec::OldStable]
        .into_iter()
        .filter_map(|spec| Some((spec.pick(all.iter().copied())?.clone(), spec)))
        .collect()
}

fn name_of(named: &[(GoVersion, Spec)], version: &GoVersion) -> Option<String> {
    named.iter().find(|(v, _)| v == version).map(|(_, spec)| spec.to_string())
}

/// The module proxy's releases (`<proxy>/golang.org/toolchain/@v/list`), newest first.
fn from_proxy(args: &Args, app: &App, remote: &Remote, config: &ProxyConfig) -> Result<()> {
    let proxies = Proxies { client: &remote.client, config };
    let installed = app.store.installed();
    let listed = proxies.list(&remote.platform)?;
    let named = setup_go_names(listed.iter());
    let mut versions: Vec<GoVersion> = listed.into_iter().filter(|v| wanted(args, v)).collect();
    versions.reverse();
    if args.json {
        let rows: Vec<_> = versions
            .iter()
            .map(|v| {
                json!({
                    "version": v.to_string(),
                    "stable": v.is_stable(),
                    "name": name_of(&named, v),
                    "installed": installed.contains(v),
                    "module": format!("{}@{}", proxy::MODULE, proxy::module_version(v, &remote.platform)),
                })
            })
            .collect();
        app.out.json(&serde_json::Value::Array(rows));
        return Ok(());
    }
    print_versions(args, app, &remote.platform, versions.iter(), &installed, &named);
    Ok(())
}

/// Whether `--all` and the prefix argument let `version` be listed.
fn wanted(args: &Args, version: &GoVersion) -> bool {
    let prefix = args.prefix.as_deref().map(|p| p.strip_prefix("go").unwrap_or(p));
    (args.all || version.is_stable()) && prefix.is_none_or(|p| matches_prefix(version, p))
}

/// `1.2` matches go1.2, go1.2.1 and go1.2rc1, but not go1.20: the prefix must end at a
/// component boundary.
fn matches_prefix(version: &GoVersion, prefix: &str) -> bool {
    let name = version.to_string();
    let name = &name[2..];
    match name.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with(['.', 'r', 'b']) || prefix.ends_with('.'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_end_at_a_component() {
        let m = |v: &str, p: &str| matches_prefix(&GoVersion::parse(v).unwrap(), p);
        assert!(m("go1.2", "1.2") && m("go1.2.1", "1.2") && m("go1.2rc1", "1.2"));
        assert!(!m("go1.20", "1.2"));
        assert!(m("go1.22.10", "1") && m("go1.22.10", "1.22.10") && m("go1.22.10", "1.22."));
        assert!(!m("go1.22.10", "1.22.1"));
    }
}
