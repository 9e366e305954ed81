//! The administrator's policy: whether the Go in use here, and the global default, are
//! versions the policy refuses (the shim still runs them; every gover command refuses), and
//! the `gover upgrade` that moves the pin to one it allows.

use std::cell::LazyCell;

use gover_shim::GoVersion;

use super::vulns::{move_command, pinned};
use super::{Category, Evidence, Facts, Finding, Fix, Severity};
use crate::store::Store;
use crate::vulndb::Knowledge;

pub fn check(facts: &Facts) -> Vec<Finding> {
    let env = facts.env;
    let Some(policy) = &env.policy else { return Vec::new() };
    let installed = env.gover.installed();
    let knowledge = LazyCell::new(|| Knowledge::load(&env.process, &Store::new(env.gover.clone()), &installed));
    let mut out = Vec::new();
    for (version, request, role) in pinned(env, &installed) {
        let Err(refusal) = policy.permit_version(Some(&version), &knowledge) else { continue };
        // The newest release the policy allows, in the pin's own line if it has one.
        let allowed: Vec<&GoVersion> = knowledge
            .stable_releases()
            .chain(policy.minimum_releases())
            .filter(|candidate| policy.permit_version(Some(candidate), &knowledge).is_ok())
            .collect();
        let target = allowed.iter().filter(|c| c.in_line(version.major, version.minor)).max().or(allowed.iter().max());
        let fix = match target {
            Some(target) => Fix::Command(move_command(&version, &request, target)),
            None => Fix::Manual(format!(
                "no release gover knows of is allowed by {}; gover list --remote lists the releases",
                policy.path.display()
            )),
        };
        let mut finding = Finding::new(
            "policy.refused",
            Severity::Error,
            Category::Goroot,
            format!("{version} ({role}) is refused by the policy: {}", refusal.message),
        )
        .evidence(Evidence::of_source(&request.source, env));
        for cause in &refusal.causes {
            finding = finding.evidence(Evidence::Note { text: cause.clone() });
        }
        out.push(finding.fix(fix));
    }
    out
}
