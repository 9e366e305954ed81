//! The two renderings of one diagnosis: text for people (grouped by category) and JSON for
//! CI (a stable schema, versioned by `schema`).

use serde::Serialize;

use super::startup::{Kind, Reads, StartupShell};
use super::{Category, Evidence, Finding, Fix, LineRange, OnPath, Scanned, Severity};

/// Bumped when a field is removed or changes meaning (adding one does not).
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
pub struct Report<'a> {
    pub schema: u32,
    pub summary: Summary,
    pub findings: &'a [Finding],
    /// Every go on PATH, in order: the first one runs.
    pub go_on_path: Vec<PathGo>,
    /// The startup files that exist, which shell reads each and when, and whether it has the
    /// gover hook.
    pub startup_files: Vec<StartupSummary>,
}

#[derive(Serialize)]
pub struct StartupSummary {
    pub path: std::path::PathBuf,
    pub shell: StartupShell,
    pub reads: Reads,
    pub hook: bool,
}

fn startup_summary(startup: &[Scanned]) -> Vec<StartupSummary> {
    startup
        .iter()
        .map(|s| StartupSummary {
            path: s.file.path.clone(),
            shell: s.file.shell,
            reads: s.file.reads,
            hook: s.constructs.iter().any(|c| c.kind == Kind::GoverHook),
        })
        .collect()
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Serialize)]
pub struct PathGo {
    pub position: usize,
    pub dir: std::path::PathBuf,
    pub resolved: Option<std::path::PathBuf>,
    pub is_shim: bool,
}

pub fn summary(findings: &[Finding]) -> Summary {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    Summary { errors: count(Severity::Error), warnings: count(Severity::Warning), infos: count(Severity::Info) }
}

pub fn json(findings: &[Finding], go_on_path: &[OnPath], startup: &[Scanned]) -> String {
    let report = Report {
        schema: SCHEMA,
        summary: summary(findings),
        findings,
        go_on_path: go_on_path
            .iter()
            .map(|g| PathGo {
                position: g.position,
                dir: g.dir.clone(),
                resolved: g.resolved.clone(),
                is_shim: g.is_shim,
            })
            .collect(),
        startup_files: startup_summary(startup),
    };
    serde_json::to_string_pretty(&report).expect("findings serialize") + "\n"
}

fn evidence_line(e: &Evidence) -> String {
    match e {
        Evidence::File { path, lines, text } => {
            let at = lines.map(|l| format!(":{l}")).unwrap_or_default();
            match text {
                Some(text) => format!("{}{at}: {text}", path.display()),
                None => format!("{}{at}", path.display()),
            }
        }
        Evidence::PathEntry { position, dir, resolved, note } => {
            let mut line = format!("PATH[{position}] {}", dir.display());
            if let Some(r) = resolved {
                line.push_str(&format!(" -> {}", r.display()));
            }
            if let Some(n) = note {
                line.push_str(&format!(" ({n})"));
            }
            line
        }
        Evidence::Env { name, value } => format!("{name}={value}"),
        Evidence::Owner { path, uid, mode } => format!("{} owner uid {uid}, mode {mode:04o}", path.display()),
        Evidence::Command { command, output } => format!("$ {command}: {}", output.trim().replace('\n', " | ")),
        Evidence::Note { text } => text.clone(),
        Evidence::Vulnerabilities { version, vulnerabilities, fixed_in, end_of_life } => {
            let ids = match vulnerabilities {
                None => "no vulnerability data".to_string(),
                Some(ids) => format!("{} known vulnerabilities (gover list --json lists them)", ids.len()),
            };
            let fixed = fixed_in.as_ref().map(|f| format!("; all fixed in {f}")).unwrap_or_default();
            let eol = if *end_of_life { "; end of life" } else { "" };
            format!("{version}: {ids}{fixed}{eol}")
        }
        Evidence::Advisory { id, aliases, summary } if aliases.is_empty() => format!("{id}: {summary}"),
        Evidence::Advisory { id, aliases, summary } => format!("{id} ({}): {summary}", aliases.join(", ")),
    }
}

fn line_words(lines: &LineRange) -> String {
    if lines.start == lines.end {
        format!("line {lines}")
    } else {
        format!("lines {lines}")
    }
}

fn fix_line(fix: &Fix) -> String {
    match fix {
        Fix::CommentOut { file, lines } => {
            format!("comment out {} {} (gover doctor --fix)", file.display(), line_words(lines))
        }
        Fix::MoveAbove { file, lines, above } => {
            format!("move {} {} above line {above} (gover doctor --fix)", file.display(), line_words(lines))
        }
        Fix::CopyToEnd { file, lines } => {
            format!("repeat {} {} at its end (gover doctor --fix)", file.display(), line_words(lines))
        }
        Fix::AppendLine { file, line } => format!("add `{line}` to {}", file.display()),
        Fix::WriteFile { file, content } if content.trim().lines().nth(1).is_none() => {
            format!("write {} containing `{}`", file.display(), content.trim())
        }
        // A whole file (mise's settings, fish's universal variables) reads best as a diff.
        Fix::WriteFile { file, .. } => {
            format!("change {} (gover doctor --fix; --dry-run shows the diff)", file.display())
        }
        Fix::RemoveGoEnvKey { key, .. } => format!("go env -u {key}"),
        Fix::RemoveAlternative { name, path } => format!("sudo update-alternatives --remove {name} {}", path.display()),
        Fix::Command(command) => command.clone(),
        Fix::Run(argv) => argv.to_string(),
        Fix::Manual(text) => text.clone(),
    }
}

/// The human report: findings grouped by category, worst first, each with its evidence and
/// fix; a one-line verdict when there is nothing to say.
pub fn text(findings: &[Finding], go_on_path: &[OnPath], startup: &[Scanned], verbose: bool) -> String {
    let mut out = String::new();
    if verbose {
        out.push_str("go on PATH, in order (the first one runs):\n");
        if go_on_path.is_empty() {
            out.push_str("  (none)\n");
        }
        for g in go_on_path {
            out.push_str(&format!("  {}\n", evidence_line(&g.evidence("go"))));
        }
        out.push_str("\nstartup files (who reads them; whether they run the gover hook):\n");
        if startup.is_empty() {
            out.push_str("  (none)\n");
        }
        for s in startup_summary(startup) {
            let reads = match s.reads {
                Reads::Always => "every",
                Reads::Login => "login",
                Reads::Interactive => "interactive",
                Reads::Logout => "logout",
            };
            let hook = if s.hook { "hook" } else { "no hook" };
            out.push_str(&format!("  {} ({reads} {}; {hook})\n", s.path.display(), s.shell.name()));
        }
        out.push('\n');
    }
    for category in Category::ALL {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.category == category).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("{}\n", category.title()));
        for f in group {
            out.push_str(&format!("  {}[{}]: {}\n", f.severity.label(), f.id, f.title));
            for e in &f.evidence {
                out.push_str(&format!("      {}\n", evidence_line(e)));
            }
            if let Some(fix) = &f.fix {
                out.push_str(&format!("    fix: {}\n", fix_line(fix)));
            }
        }
        out.push('\n');
    }
    let s = summary(findings);
    if findings.is_empty() {
        out.push_str("No problems found.\n");
    } else {
        out.push_str(&format!("{} error(s), {} warning(s), {} note(s)\n", s.errors, s.warnings, s.infos));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_groups_by_category_with_evidence_and_fix() {
        let findings = vec![
            Finding::new("path.system-go-first", Severity::Error, Category::Path, "`go` runs /usr/bin/go")
                .evidence(Evidence::PathEntry {
                    position: 0,
                    dir: "/usr/bin".into(),
                    resolved: Some("/usr/lib/go-1.19/bin/go".into()),
                    note: None,
                })
                .fix(Fix::CommentOut { file: "/h/.bashrc".into(), lines: LineRange { start: 3, end: 5 } }),
            Finding::new("modules.gosumdb-off", Severity::Warning, Category::Modules, "GOSUMDB=off")
                .evidence(Evidence::Env { name: "GOSUMDB".into(), value: "off".into() }),
        ];
        let text = text(&findings, &[], &[], false);
        assert_eq!(
            text,
            "PATH and binaries\n  error[path.system-go-first]: `go` runs /usr/bin/go\n      PATH[0] /usr/bin -> /usr/lib/go-1.19/bin/go\n    \
             fix: comment out /h/.bashrc lines 3-5 (gover doctor --fix)\n\nModules and network\n  warning[modules.gosumdb-off]: GOSUMDB=off\n      \
             GOSUMDB=off\n\n1 error(s), 1 warning(s), 0 note(s)\n"
        );
        assert_eq!(super::text(&[], &[], &[], false), "No problems found.\n");
    }
}
