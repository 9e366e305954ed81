//! The report for people: the same data as the JSON, a section per part and a summary line.

use super::{Outcome, Pin, PinStatus, Place, Report, Verdict, Version};

/// The report's lines.
pub fn render(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let m = &report.machine;
    let user = m.user.clone().unwrap_or_else(|| format!("uid {}", m.uid));
    out.push(format!(
        "gover {} report of {} ({}/{}) for {user}, {}",
        m.gover_version, m.hostname, m.os, m.arch, m.generated_at
    ));

    out.push(String::new());
    out.push("versions".into());
    if report.versions.is_empty() {
        out.push("  none installed".into());
    }
    let width = report.versions.iter().map(|v| v.version.len()).max().unwrap_or(0);
    for v in &report.versions {
        out.push(format!("  {:width$}  {}", v.version, version_notes(v).join(", ")));
    }
    if let Some(why) = &report.stores.system_ignored {
        out.push(format!("  (the system store's versions are ignored: {why})"));
    }

    out.push(String::new());
    let global = &report.global;
    out.push(match &global.requested {
        Some(requested) => format!("global default: {requested} -> {}", outcome_text(&global.outcome)),
        None => match &global.outcome.error {
            Some(error) => format!("global default: {error}"),
            None => "global default: none (the system go runs where nothing is pinned)".into(),
        },
    });

    out.push(String::new());
    let dirs: Vec<String> = report.dirs.iter().map(|d| d.display().to_string()).collect();
    out.push(format!("pins under {}", dirs.join(", ")));
    if report.pins.is_empty() {
        out.push("  none".into());
    }
    for pin in &report.pins {
        out.push(format!("  {}", pin_text(pin)));
    }

    out.push(String::new());
    out.push("tools".into());
    if report.tools.is_empty() {
        out.push("  none".into());
    }
    for tool in &report.tools {
        let field = |name: &str| tool[name].as_str().unwrap_or("-").to_string();
        let module = &tool["module"];
        let module =
            format!("{} {}", module["path"].as_str().unwrap_or("-"), module["version"].as_str().unwrap_or("-"));
        match tool["go_program"].as_bool() {
            Some(true) => out.push(format!("  {}  {}  {module}", field("name"), field("go_version"))),
            _ => out.push(format!("  {}  {}", field("name"), field("reason"))),
        }
    }

    if !report.violations.is_empty() {
        out.push(String::new());
        out.push("policy violations".into());
        for v in &report.violations {
            out.push(format!(
                "  {}: {} ({}:{} says {})",
                v.path.display(),
                v.message,
                v.policy_file.display(),
                v.line,
                v.rule
            ));
            out.push(format!("    help: {}", v.hint));
        }
    }
    if !report.errors.is_empty() {
        out.push(String::new());
        out.push("not looked at".into());
        for e in &report.errors {
            out.push(format!("  {}: {}", e.path.display(), e.message));
        }
    }
    out.push(String::new());
    out.push(summary(report));
    out
}

fn version_notes(v: &Version) -> Vec<String> {
    let mut notes = vec![match v.store {
        Place::User => "yours".to_string(),
        Place::System => "system store".into(),
        Place::Link => format!("link -> {} ({})", v.path.display(), v.reports.as_deref().unwrap_or("")),
        Place::Path => "on PATH".into(),
    }];
    if let Some(vulns) = v.vulnerabilities.as_ref().filter(|v| !v.is_empty()) {
        let noun = if vulns.len() == 1 { "vulnerability" } else { "vulnerabilities" };
        let fix = v.fixed_in.as_ref().map_or("no fix in this line".into(), |f| format!("fixed in {f}"));
        notes.push(format!("{} known {noun} ({fix})", vulns.len()));
    }
    if v.end_of_life == Some(true) {
        notes.push("end of life".into());
    }
    if v.policy == Verdict::Refused {
        notes.push("refused by the policy".into());
    }
    notes
}

fn outcome_text(outcome: &Outcome) -> String {
    match (&outcome.toolchain, &outcome.error) {
        (Some(toolchain), _) => {
            let store = match outcome.store {
                Some(Place::System) => " (system store)",
                Some(Place::Link) => " (link)",
                Some(Place::Path) => " (on PATH)",
                _ => "",
            };
            format!("{toolchain}{store}")
        }
        (None, Some(error)) => match &outcome.would_install {
            Some(pick) => format!("{error}; gover install would pick {pick}"),
            None => error.clone(),
        },
        (None, None) => "nothing".into(),
    }
}

fn pin_text(pin: &Pin) -> String {
    let at = pin.line.map(|l| format!(":{l}")).unwrap_or_default();
    let path = format!("{}{at}", pin.path.display());
    let reason = pin.reason.as_deref().unwrap_or("");
    match pin.status {
        PinStatus::Pin if pin.decides => {
            format!("{path}  {} -> {}", pin.requested.as_deref().unwrap_or(""), outcome_text(&pin.outcome))
        }
        PinStatus::Pin => format!(
            "{path}  {} (overridden by {})",
            pin.requested.as_deref().unwrap_or(""),
            pin.outcome.decided_by.as_deref().unwrap_or("another pin")
        ),
        PinStatus::Ignored => format!("{path}  ignored: {reason}"),
        PinStatus::Invalid => format!("{path}  invalid: {reason}"),
        PinStatus::Empty => format!("{path}  empty: {reason}"),
    }
}

fn summary(report: &Report) -> String {
    let count = |status: PinStatus| report.pins.iter().filter(|p| p.status == status).count();
    let missing =
        report.pins.iter().filter(|p| p.status == PinStatus::Pin && p.decides && !p.outcome.installed).count();
    format!(
        "{} versions, {} pins ({} not installed, {} ignored, {} invalid), {} tools, {} policy violations, {} errors",
        report.versions.len(),
        count(PinStatus::Pin),
        missing,
        count(PinStatus::Ignored),
        count(PinStatus::Invalid),
        report.tools.len(),
        report.violations.len(),
        report.errors.len()
    )
}
