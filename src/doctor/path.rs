//! PATH and binaries: which `go` wins, whether gover's shims are in front, whether the
//! startup files every kind of shell reads carry the hook, and whether `go install`'s
//! directory is on PATH.

use std::path::{Path, PathBuf};

use super::startup::{looks_like_go_bin, Kind, Reads, StartupShell};
use super::{Category, Evidence, Facts, Finding, Fix, Scanned, Severity};

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    if facts.gover_in_use() {
        shims_first(facts, &mut out);
        hooks(facts, &mut out);
        prepends_after_hook(facts, &mut out);
    }
    gobin_on_path(facts, &mut out);
    missing_sources(facts, &mut out);
    fish_user_paths(facts, &mut out);
    out
}

/// `fish_add_path` (mise's shims-mode line for fish) and goenv's `set -U fish_user_paths`
/// store directories in a universal variable, kept in fish_variables: disabling the line
/// leaves them on every fish's PATH. Entries in another manager's directories are removed
/// from that file (backed up, so `--undo` restores it).
fn fish_user_paths(facts: &Facts, out: &mut Vec<Finding>) {
    let Some(config) = facts.env.config_home().or_else(|| Some(facts.env.home()?.join(".config"))) else { return };
    let file = config.join("fish/fish_variables");
    let Ok(text) = std::fs::read_to_string(&file) else { return };
    let places = facts.places();
    let mut dropped = Vec::new();
    let mut lines_out = Vec::new();
    let mut at = None;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let Some((head, values)) = line.trim_end_matches('\n').split_once("fish_user_paths:") else {
            lines_out.push(line.to_string());
            continue;
        };
        if !head.starts_with("SETUVAR") {
            lines_out.push(line.to_string());
            continue;
        }
        // A manager that stays for other tools keeps its directories, all but Go's.
        let theirs = |dir: &Path| {
            crate::managers::Manager::owning(&places, dir).is_some_and(|m| {
                let about = m.about();
                !about.serves_others(&places) || dir.starts_with(about.go_dir(&places))
            })
        };
        let (keep, drop): (Vec<&str>, Vec<&str>) =
            values.split("\\x1e").partition(|raw| !theirs(Path::new(&fish_unescape(raw))));
        if drop.is_empty() {
            lines_out.push(line.to_string());
            continue;
        }
        at = Some(n + 1);
        dropped.extend(drop.iter().map(|raw| fish_unescape(raw)));
        if !keep.is_empty() {
            lines_out.push(format!("{head}fish_user_paths:{}\n", keep.join("\\x1e")));
        }
    }
    let Some(line) = at else { return };
    out.push(
        Finding::new(
            "path.fish-user-paths",
            Severity::Warning,
            Category::Path,
            format!(
                "fish's universal fish_user_paths keeps another manager's {} on every fish's PATH",
                dropped.join(", ")
            ),
        )
        .evidence(Evidence::File { path: file.clone(), lines: Some(super::LineRange::line(line)), text: None })
        .fix(Fix::WriteFile { file, content: lines_out.concat() }),
    );
}

/// fish_variables writes bytes other than letters, digits and a few marks as `\xNN`.
fn fish_unescape(raw: &str) -> String {
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x') {
            if let Some(b) = raw.get(i + 2..i + 4).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A startup line that sources a file that is not there prints "No such file or directory"
/// at every shell start (asdf-golang's set-env after `asdf plugin remove golang`). A line
/// that tests for the file first (`[ -s f ] && . f`) is fine.
fn missing_sources(facts: &Facts, out: &mut Vec<Finding>) {
    for s in &facts.startup {
        for c in &s.constructs {
            let (path, guarded) = match &c.kind {
                Kind::Source { path, guarded } => (path.clone(), *guarded),
                // A manager's own line (asdf-golang's set-env), unless an `if` around it
                // made its range a block or it tests first.
                Kind::ManagerInit { .. } => match super::startup::sourced_file(&c.text) {
                    Some(path) => (path, c.lines != super::LineRange::line(c.line) || c.text.contains("[ ")),
                    None => continue,
                },
                _ => continue,
            };
            let Some(file) = facts.expand(&path) else { continue };
            if guarded || file.exists() {
                continue;
            }
            out.push(
                Finding::new(
                    "path.missing-source",
                    Severity::Warning,
                    Category::Path,
                    format!("{} sources {}, which does not exist", s.file.path.display(), file.display()),
                )
                .evidence(Evidence::File {
                    path: s.file.path.clone(),
                    lines: Some(c.lines),
                    text: Some(c.text.clone()),
                })
                .fix(Fix::CommentOut { file: s.file.path.clone(), lines: c.lines }),
            );
        }
    }
}

fn shims_first(facts: &Facts, out: &mut Vec<Finding>) {
    let shims = facts.env.gover.shims_dir();
    let shims_on_path = facts.env.path_dirs().iter().any(|d| facts.env.gover.is_shims_dir(d));
    if !shims_on_path {
        let mut finding = Finding::new(
            "path.shims-not-on-path",
            Severity::Error,
            Category::Path,
            format!("gover's shims ({}) are not on PATH, so `go` is not gover's", shims.display()),
        )
        .evidence(Evidence::Env { name: "PATH".into(), value: facts.env.var("PATH").unwrap_or("").into() });
        for go in &facts.go_on_path {
            finding = finding.evidence(go.evidence("go"));
        }
        out.push(finding.fix(Fix::Manual(
            "start a new shell after `gover setup`, or run `eval \"$(gover init bash)\"` (zsh, fish alike) in this one"
                .into(),
        )));
        return;
    }
    for (tool, list, id) in
        [("go", &facts.go_on_path, "path.system-go-first"), ("gofmt", &facts.gofmt_on_path, "path.system-gofmt-first")]
    {
        let Some(winner) = list.first().filter(|w| !w.is_shim) else { continue };
        let gobin = facts.settings.gobin().filter(|(dir, _)| dir == &winner.dir);
        let title = match gobin {
            Some((dir, name)) => {
                format!("{name} ({}) holds a {tool} and comes before gover's shims on PATH", dir.display())
            }
            None => format!("`{tool}` runs {} instead of gover's shim", winner.dir.join(tool).display()),
        };
        let mut finding = Finding::new(id, Severity::Error, Category::Path, title);
        for go in list {
            finding = finding.evidence(go.evidence(tool));
        }
        let current = facts.env.shell();
        let init =
            || facts.manager_init_line(&winner.dir, current).or_else(|| facts.manager_init_line(&winner.dir, None));
        let fix = match prepend_line_for(facts, &winner.dir).or_else(init) {
            Some((file, lines)) => Fix::CommentOut { file, lines },
            // No startup line put it there: something before the shell did (/etc/environment,
            // an IDE); the hook of a new shell puts the shims back in front of it.
            None => Fix::Manual(format!(
                "remove {} from PATH where it is set (/etc/environment, the program that started this shell), or start a new shell: gover's hook puts the shims first",
                winner.dir.display()
            )),
        };
        out.push(finding.fix(fix));
    }
}

/// The startup line that puts `dir` on PATH, if one does.
/// PATH is the one of the shell doctor was started from, so that shell's files are searched
/// first.
fn prepend_line_for(facts: &Facts, dir: &Path) -> Option<(PathBuf, super::LineRange)> {
    let current = facts.env.shell();
    let mut files: Vec<&Scanned> = facts.startup.iter().collect();
    files.sort_by_key(|s| Some(s.file.shell) != current);
    files.into_iter().find_map(|s| {
        s.constructs.iter().find_map(|c| match &c.kind {
            Kind::PathEdit { entry, .. } if facts.expand(entry).as_deref() == Some(dir) => {
                Some((s.file.path.clone(), c.lines))
            }
            _ => None,
        })
    })
}

/// The shells the user runs: the one doctor was started from, `$SHELL`, and any whose startup
/// files already carry the hook.
fn shells_in_use(facts: &Facts) -> Vec<StartupShell> {
    let login = facts.env.var("SHELL").and_then(StartupShell::from_program);
    let mut shells: Vec<StartupShell> = facts.env.shell().into_iter().chain(login).collect();
    shells.dedup();
    for s in &facts.startup {
        if s.constructs.iter().any(|c| c.kind == Kind::GoverHook) && !shells.contains(&s.file.shell) {
            shells.push(s.file.shell);
        }
    }
    shells.sort();
    shells
}

fn has_hook(files: &[&Scanned]) -> bool {
    files.iter().any(|s| s.constructs.iter().any(|c| c.kind == Kind::GoverHook))
}

fn hooks(facts: &Facts, out: &mut Vec<Finding>) {
    for shell in shells_in_use(facts) {
        let kinds: &[(Reads, &'static str, Severity)] = match shell {
            // fish reads the same files for every kind of shell.
            StartupShell::Fish => &[(Reads::Interactive, "path.hook-missing-interactive", Severity::Error)],
            _ => &[
                (Reads::Interactive, "path.hook-missing-interactive", Severity::Error),
                (Reads::Login, "path.hook-missing-login", Severity::Warning),
            ],
        };
        for &(reads, id, severity) in kinds {
            let files = facts.reading_order(shell, reads);
            if has_hook(&files) {
                continue;
            }
            let kind = if reads == Reads::Login { "login" } else { "interactive" };
            let mut finding = Finding::new(
                id,
                severity,
                Category::Path,
                format!("{kind} {} shells never run the gover hook, so they get another go or none", shell.name()),
            );
            if files.is_empty() {
                finding = finding
                    .evidence(Evidence::Note { text: format!("no {kind} startup file of {} exists", shell.name()) });
            }
            for s in files {
                finding = finding.evidence(Evidence::File {
                    path: s.file.path.clone(),
                    lines: None,
                    text: Some("no gover hook".into()),
                });
            }
            out.push(finding.fix(Fix::Command("gover setup".into())));
        }
    }
    // Debian's .bashrc returns early for non-interactive shells (`ssh host go build`).
    for s in facts.startup.iter().filter(|s| s.file.shell == StartupShell::Bash && s.file.reads == Reads::Interactive) {
        let guard = s.constructs.iter().find(|c| c.kind == Kind::EarlyReturn);
        let hook = s.constructs.iter().find(|c| c.kind == Kind::GoverHook);
        if let (Some(guard), Some(hook)) = (guard, hook) {
            if hook.line > guard.line {
                out.push(
                    Finding::new(
                        "path.hook-after-return",
                        Severity::Warning,
                        Category::Path,
                        format!(
                            "the gover hook in {} is below an early `return`, so non-interactive bash (ssh host go …) skips it",
                            s.file.path.display()
                        ),
                    )
                    .evidence(Evidence::File { path: s.file.path.clone(), lines: Some(guard.lines), text: Some(guard.text.clone()) })
                    .evidence(Evidence::File { path: s.file.path.clone(), lines: Some(hook.lines), text: Some(hook.text.clone()) })
                    .fix(Fix::MoveAbove { file: s.file.path.clone(), lines: hook.lines, above: guard.lines.start }),
                );
            }
        }
    }
}

/// Lines that put another Go's bin directory in front of PATH after the hook ran, so that
/// go wins over the shims in the shells that read them.
fn prepends_after_hook(facts: &Facts, out: &mut Vec<Finding>) {
    let mut reported: Vec<(PathBuf, usize)> = Vec::new();
    for shell in shells_in_use(facts) {
        for reads in [Reads::Interactive, Reads::Login] {
            let files = facts.reading_order(shell, reads);
            let mut hook_seen = false;
            for s in files {
                for c in &s.constructs {
                    match &c.kind {
                        Kind::GoverHook => hook_seen = true,
                        Kind::PathEdit { entry, prepend: true } if hook_seen && holds_go(facts, entry) => {
                            let key = (s.file.path.clone(), c.line);
                            if reported.contains(&key) {
                                continue;
                            }
                            reported.push(key);
                            out.push(
                                Finding::new(
                                    "path.prepend-after-hook",
                                    Severity::Warning,
                                    Category::Path,
                                    format!(
                                        "{} puts {entry} before gover's shims after the hook ran",
                                        s.file.path.display()
                                    ),
                                )
                                .evidence(Evidence::File {
                                    path: s.file.path.clone(),
                                    lines: Some(c.lines),
                                    text: Some(c.text.clone()),
                                })
                                .fix(Fix::CommentOut { file: s.file.path.clone(), lines: c.lines }),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

/// Whether a PATH entry as written holds a go: checked on disk when it can be expanded,
/// otherwise guessed from its name (a GOROOT-like entry does, a GOPATH/GOBIN one does not).
fn holds_go(facts: &Facts, entry: &str) -> bool {
    match facts.expand(entry) {
        Some(dir) => gover_shim::resolve::is_executable(&dir.join("go")),
        None => looks_like_go_bin(entry) && !(entry.contains("GOPATH") || entry.contains("GOBIN")),
    }
}

fn gobin_on_path(facts: &Facts, out: &mut Vec<Finding>) {
    let Some((dir, name)) = facts.settings.gobin() else { return };
    let has_tools = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok()).any(|e| gover_shim::resolve::is_executable(&e.path())))
        .unwrap_or(false);
    let real = std::fs::canonicalize(&dir).ok();
    let on_path =
        facts.env.path_dirs().iter().any(|d| *d == dir || (real.is_some() && std::fs::canonicalize(d).ok() == real));
    // gover's hook puts this directory on PATH after the shims when it is the one the hook
    // computes (GOBIN, else GOPATH's first entry's bin, else ~/go/bin; not one from the go
    // env file): shells that run the hook have it.
    let hooked = facts.gover_in_use()
        && facts.startup.iter().any(|s| s.constructs.iter().any(|c| c.kind == Kind::GoverHook))
        && hook_gobin(facts).is_some_and(|d| d == dir);
    if !has_tools || on_path || hooked {
        return;
    }
    let rc = primary_rc(facts);
    let fix = match rc {
        Some((file, StartupShell::Fish)) => {
            Fix::AppendLine { file, line: format!("fish_add_path --append {}", dir.display()) }
        }
        Some((file, _)) => Fix::AppendLine { file, line: format!("export PATH=\"$PATH:{}\"", dir.display()) },
        None => Fix::Manual(format!("add {} to the end of PATH in your shell's startup file", dir.display())),
    };
    out.push(
        Finding::new(
            "path.gobin-not-on-path",
            Severity::Warning,
            Category::Path,
            format!("{name} ({}) is not on PATH: tools from `go install` are \"not found\"", dir.display()),
        )
        .evidence(Evidence::Env { name: "PATH".into(), value: facts.env.var("PATH").unwrap_or("").into() })
        .fix(fix),
    );
}

/// The directory the hook puts after the shims, from this environment as the hook reads it.
fn hook_gobin(facts: &Facts) -> Option<PathBuf> {
    let set = |name: &str| facts.env.var(name).filter(|v| !v.is_empty());
    match (set("GOBIN"), set("GOPATH")) {
        (Some(gobin), _) => Some(PathBuf::from(gobin)),
        (None, Some(gopath)) => Some(PathBuf::from(gopath.split(':').next()?).join("bin")),
        (None, None) => Some(facts.env.home()?.join("go/bin")),
    }
}

/// The startup file interactive shells of the user's current shell read last, where a line
/// added wins.
fn primary_rc(facts: &Facts) -> Option<(PathBuf, StartupShell)> {
    let shell = facts.env.shell().unwrap_or(StartupShell::Bash);
    Some((facts.startup_env.as_ref()?.last_interactive(shell, |p| p.exists()), shell))
}
