//! Programs `go install`ed into the shared GOBIN (gopls, golangci-lint, staticcheck) that the
//! Go they were built by makes trouble for: one older than the `go` line of the module here
//! fails on it in confusing ways (a language version it does not know, "package requires
//! newer Go version"), and one built by a Go with known vulnerabilities carries them in its
//! standard library. Reads the programs' own build information; runs nothing.

use gover_shim::resolve;
use gover_shim::{GoVersion, Spec};

use super::{Category, Evidence, Facts, Finding, Fix, LineRange, Severity};
use crate::store::Store;
use crate::tools::{self, buildinfo::BuildInfo};
use crate::vulndb::Knowledge;

pub fn check(facts: &Facts) -> Vec<Finding> {
    let env = facts.env;
    let dirs = tools::dirs(&facts.settings, env.var("PATH").map(std::ffi::OsStr::new));
    let found: Vec<(String, std::path::PathBuf, BuildInfo)> =
        tools::scan(&dirs).into_iter().filter_map(|t| Some((t.name, t.path, t.info.ok()?))).collect();
    if found.is_empty() {
        return Vec::new();
    }
    let ctx = &env.context;
    let request = resolve::request(ctx).ok();
    let in_use = request.as_ref().and_then(|r| resolve::toolchain_for(ctx, r).ok()?.version().cloned());
    let installed = env.gover.installed();
    let knowledge = Knowledge::load(&env.process, &Store::new(env.gover.clone()), &installed);
    let mut out = Vec::new();
    for (name, path, info) in &found {
        let Some(built) = info.built_by() else { continue };
        let from = match &info.main {
            Some(m) => format!("{}: built by {built} from {} {}", path.display(), m.path, m.version),
            None => format!("{}: built by {built}", path.display()),
        };
        if let Some(min) = request.as_ref().and_then(|r| r.minimum.as_ref()).filter(|m| built < m.version) {
            let needed = Spec::Exact(min.version.clone());
            let with = in_use.clone().filter(|v| *v >= min.version);
            let fix = match with {
                Some(v) => format!("gover tools rebuild {name} --with {v}"),
                None => format!("gover install {needed} && gover tools rebuild {name} --with {needed}"),
            };
            out.push(
                Finding::new(
                    "tools.built-by-old-go",
                    Severity::Warning,
                    Category::Goroot,
                    format!(
                        "{name} was built by {built}, older than the go {needed} that {} requires",
                        min.path.display()
                    ),
                )
                .evidence(Evidence::File {
                    path: min.path.clone(),
                    lines: Some(LineRange::line(min.line)),
                    text: Some(format!("go {needed}")),
                })
                .evidence(Evidence::Note { text: from.clone() })
                .fix(Fix::Command(fix)),
            );
        }
        let status = knowledge.assess(&built);
        if status.count() > 0 {
            let clean = newest_clean(&knowledge, &installed, &built);
            let fix = match clean {
                Some(v) => Fix::Command(format!("gover tools rebuild {name} --with {v}")),
                None => Fix::Manual(format!(
                    "install a Go release without known vulnerabilities (gover install latest), then gover tools rebuild {name} --with it"
                )),
            };
            let n = status.count();
            let noun = if n == 1 { "vulnerability" } else { "vulnerabilities" };
            out.push(
                Finding::new(
                    "tools.built-by-vulnerable-go",
                    Severity::Info,
                    Category::Goroot,
                    format!(
                        "{name} was built by {built}, which has {n} known {noun} in what it compiles into programs"
                    ),
                )
                .evidence(Evidence::Note { text: from })
                .evidence(Evidence::Vulnerabilities {
                    version: built.to_string(),
                    vulnerabilities: status.ids().map(|ids| ids.into_iter().map(String::from).collect()),
                    fixed_in: status.fixed_in.as_ref().map(|f| f.to_string()),
                    end_of_life: status.end_of_life,
                })
                .fix(fix),
            );
        }
    }
    out
}

/// The newest installed stable release newer than `built` with no known vulnerability.
fn newest_clean(knowledge: &Knowledge, installed: &[GoVersion], built: &GoVersion) -> Option<GoVersion> {
    installed.iter().filter(|v| v.is_stable() && *v > built && knowledge.assess(v).count() == 0).max().cloned()
}
