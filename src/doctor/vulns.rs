//! Security currency: whether the Go in use here, and the global default, have known
//! vulnerabilities or are past end of life. Reads gover's cached copy of the Go vulnerability
//! database only (never the network), and says when that copy is missing or over a week old.

use std::time::SystemTime;

use gover_shim::pin::PinFile;
use gover_shim::resolve;
use gover_shim::{GoVersion, Source, Spec};

use super::{Category, Evidence, Facts, Finding, Fix, Severity};
use crate::store::Store;
use crate::vulndb::{Assessment, Knowledge};

/// How many entries a finding details (the rest are listed by id).
const SHOWN: usize = 3;

pub fn check(facts: &Facts) -> Vec<Finding> {
    let env = facts.env;
    let installed = env.gover.installed();
    if installed.is_empty() {
        return Vec::new();
    }
    let knowledge = Knowledge::load(&env.process, &Store::new(env.gover.clone()), &installed);
    let mut out = Vec::new();
    for (version, request, role) in pinned(env, &installed) {
        out.extend(findings(&knowledge, &version, &request, role, env));
    }
    if let Some(note) = knowledge.staleness(SystemTime::now()) {
        let fix = if knowledge.fetch_failed() {
            Fix::Manual(
                "set GOVULNDB to a copy of the Go vulnerability database and run gover list --refresh, or set \
                 GOVER_VULNDB=off to stop checking"
                    .into(),
            )
        } else {
            Fix::Command("gover list --refresh".into())
        };
        out.push(
            Finding::new(
                "versions.vulndb-stale",
                Severity::Info,
                Category::Goroot,
                "vulnerability data is not current",
            )
            .evidence(Evidence::Note { text: note })
            .fix(fix),
        );
    }
    out
}

/// The installed versions in use here and the global default, each with what selects it and
/// its role in words (`in use here`, `the global default`, or both).
pub(super) fn pinned(
    env: &super::env::Env,
    installed: &[GoVersion],
) -> Vec<(GoVersion, resolve::Request, &'static str)> {
    let ctx = &env.context;
    let in_use = resolve::resolve(ctx).ok().and_then(|r| Some((r.toolchain.version()?.clone(), r.request)));
    let global_file = env.gover.global_file();
    let global = PinFile::GoVersion.read(&global_file).ok().flatten().and_then(|pin| {
        let version = pin.spec.pick(installed)?.clone();
        Some((version, resolve::Request::named(pin.spec, Source::Global { path: global_file })))
    });
    let mut out = Vec::new();
    let in_use_is_global = in_use.as_ref().is_some_and(|(_, r)| matches!(r.source, Source::Global { .. }));
    if let Some((version, request)) = in_use {
        let role = if in_use_is_global { "in use here and the global default" } else { "in use here" };
        out.push((version, request, role));
    }
    if let Some((version, request)) = global.filter(|_| !in_use_is_global) {
        out.push((version, request, "the global default"));
    }
    out
}

fn findings(
    knowledge: &Knowledge,
    version: &GoVersion,
    request: &resolve::Request,
    role: &str,
    env: &super::env::Env,
) -> Vec<Finding> {
    let status = knowledge.assess(version);
    let mut out = Vec::new();
    let source = Evidence::of_source(&request.source, env);
    let command = upgrade_command(knowledge, version, request, &status);
    if status.count() > 0 {
        let n = status.count();
        let fixed = match &status.fixed_in {
            Some(fixed) => format!(", all fixed in {fixed}"),
            None => format!(", not all fixed in any {}.{} release", version.major, version.minor),
        };
        let noun = if n == 1 { "vulnerability" } else { "vulnerabilities" };
        let mut finding = Finding::new(
            "versions.vulnerable",
            Severity::Warning,
            Category::Goroot,
            format!("{version} ({role}) has {n} known {noun}{fixed}"),
        )
        .evidence(source.clone())
        .evidence(summary(version, &status));
        for entry in status.most_severe(SHOWN) {
            finding = finding.evidence(Evidence::Advisory {
                id: entry.id.clone(),
                aliases: entry.cves().map(String::from).collect(),
                summary: entry.summary.clone(),
            });
        }
        out.push(finding.fix(Fix::Command(command.clone())));
    }
    if status.end_of_life {
        out.push(
            Finding::new(
                "versions.end-of-life",
                Severity::Warning,
                Category::Goroot,
                format!("{version} ({role}) is past end of life: Go fixes only its two newest major releases"),
            )
            .evidence(source)
            .evidence(summary(version, &status))
            .fix(Fix::Command(command)),
        );
    }
    out
}

fn summary(version: &GoVersion, status: &Assessment) -> Evidence {
    Evidence::Vulnerabilities {
        version: version.to_string(),
        vulnerabilities: status.ids().map(|ids| ids.into_iter().map(String::from).collect()),
        fixed_in: status.fixed_in.as_ref().map(|f| f.to_string()),
        end_of_life: status.end_of_life,
    }
}

/// The exact command that moves this pin to a release without the problem: the fix in the
/// same line when there is one, else the newest line.
fn upgrade_command(
    knowledge: &Knowledge,
    version: &GoVersion,
    request: &resolve::Request,
    status: &Assessment,
) -> String {
    let in_line = status.fixed_in.clone().or_else(|| knowledge.newer_in_line(version).cloned());
    let target = match (&in_line, knowledge.newest_stable()) {
        (Some(target), _) if !status.end_of_life => target,
        (_, Some(newest)) => newest,
        (Some(target), None) => target,
        (None, None) => return "gover upgrade --pins".into(),
    };
    move_command(version, request, target)
}

/// The exact command that moves the pin `request` selecting `version` to `target` (in its
/// line, or in a newer one with `--to`).
pub(super) fn move_command(version: &GoVersion, request: &resolve::Request, target: &GoVersion) -> String {
    let line = format!("{}.{}", version.major, version.minor);
    let to = (!target.in_line(version.major, version.minor)).then(|| format!("{}.{}", target.major, target.minor));
    let to_arg = to.as_ref().map(|l| format!(" --to {l}")).unwrap_or_default();
    let file_name = match &request.source {
        Source::File { path, .. } => path.file_name().and_then(|n| n.to_str()).unwrap_or(""),
        _ => "",
    };
    match (&request.source, &request.spec) {
        (Source::File { path, .. }, _) if file_name == "go.mod" || file_name == "go.work" => format!(
            "gover install {} && {}",
            target.to_string().trim_start_matches("go"),
            crate::repin::toolchain_line_command(path, target)
        ),
        (Source::Env, _) => {
            format!("gover upgrade {line}{to_arg} && gover shell {}", target.to_string().trim_start_matches("go"))
        }
        (_, Spec::Line { .. }) if to.is_none() => format!("gover upgrade {line}"),
        _ => format!("gover upgrade {line} --pins{to_arg}"),
    }
}
