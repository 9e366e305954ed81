//! `gover current`: the version in use here and what selected it.

use gover_shim::resolve::Toolchain;
use gover_shim::Source;

use crate::active_source::{origin_json, origin_text};
use crate::app::App;
use crate::error::Result;
use crate::output::outln;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print only the version (or `system`); -q does the same
    #[arg(long)]
    pub bare: bool,
    /// Print JSON for scripts: version, path, source
    #[arg(long, conflicts_with = "bare")]
    pub json: bool,
}

pub fn run(args: Args, app: &App) -> Result<()> {
    let resolution = app.resolve()?;
    let name = resolution.toolchain.name();
    if args.json {
        let (path, version) = match &resolution.toolchain {
            Toolchain::Installed { root, version } => (root, Some(version)),
            Toolchain::Linked { root, .. } => (root, None),
            Toolchain::System { bin } => (bin, None),
        };
        let source = origin_json(&resolution.request, version);
        app.out.json(&json!({"version": name, "path": path, "source": source}));
        return Ok(());
    }
    if args.bare || app.out.quiet() {
        outln!(app.out, Answer, "{name}");
        return Ok(());
    }
    match &resolution.toolchain {
        Toolchain::System { .. } => {
            let origin = match &resolution.request.source {
                Source::Fallback => "nothing is pinned".to_string(),
                source => format!("set by {source}"),
            };
            outln!(app.out, Answer, "system: {} ({origin})", resolution.toolchain.binary("go").display())
        }
        Toolchain::Installed { version, .. } => {
            outln!(app.out, Answer, "{name} ({})", origin_text(&resolution.request, version))
        }
        Toolchain::Linked { root, .. } => {
            outln!(app.out, Answer, "{name}: {} (set by {})", root.display(), resolution.request.source)
        }
    }
    Ok(())
}
