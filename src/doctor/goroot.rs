//! GOROOT and versions: where GOROOT is set, whether the go that runs agrees with its own
//! tree, update-alternatives, shell functions and aliases that shadow go, other managers'
//! leftovers, gover's own versions, and pins naming what is not installed.

use std::path::{Path, PathBuf};

use gover_shim::{resolve, ResolveError, Source};

use super::alternatives;
use super::startup::{Kind, Manager, Reads, Shell};
use super::SettingEvidence;
use super::{Category, Evidence, Facts, Finding, Fix, LineRange, Severity};
use crate::goenv::Origin;
use crate::import;

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    std::thread::scope(|scope| {
        // Asking shells takes a few milliseconds each; do it while the rest runs.
        let shells = scope.spawn(|| shell_definitions(facts));
        goroot_settings(facts, &mut out);
        toolchain_consistency(facts, &mut out);
        alternatives_groups(facts, &mut out);
        managers(facts, &mut out);
        gover_versions(facts, &mut out);
        pins(facts, &mut out);
        out.extend(shells.join().unwrap_or_default());
    });
    out
}

fn c(id: &'static str, severity: Severity, title: impl Into<String>) -> Finding {
    Finding::new(id, severity, Category::Goroot, title)
}

/// The root of the go tree a binary belongs to (`…/go/bin/go` → `…/go`).
fn tree_of(binary: &Path) -> Option<PathBuf> {
    Some(binary.parent()?.parent()?.to_path_buf())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// The release `$root/VERSION` names, as text (`go1.22.10`).
fn version_file(root: &Path) -> Option<String> {
    import::version_file(root).map(|v| v.to_string())
}

/// Startup lines exporting `name`, with their files.
fn startup_exports<'f>(facts: &'f Facts, name: &str) -> Vec<(&'f Path, &'f super::startup::Construct)> {
    let mut out = Vec::new();
    for s in &facts.startup {
        for c in &s.constructs {
            if matches!(&c.kind, Kind::Export { name: n, .. } if n == name) {
                out.push((s.file.path.as_path(), c));
            }
        }
    }
    out
}

fn goroot_settings(facts: &Facts, out: &mut Vec<Finding>) {
    let winner = facts.go_on_path.first();
    let env_goroot = facts.env.var("GOROOT").map(PathBuf::from);
    let mut exports = startup_exports(facts, "GOROOT").into_iter();
    if let Some(goroot) = &env_goroot {
        // The shim sets GOROOT itself, so an exported one only matters for a go outside gover.
        let stale = winner.filter(|w| !w.is_shim).and_then(|w| {
            let root = tree_of(w.resolved.as_ref()?)?;
            (!same_dir(&root, goroot) || !goroot.join("bin/go").exists()).then_some(root)
        });
        let first = exports.next();
        let (id, severity, title) = match &stale {
            Some(root) => (
                "goroot.stale-export",
                Severity::Error,
                format!(
                    "GOROOT={} but the go that runs is from {}: it builds against the wrong standard library",
                    goroot.display(),
                    root.display()
                ),
            ),
            // Right for today's go; with gover in use it is a leftover that goes stale.
            None => (
                "goroot.exported",
                if facts.gover_in_use() { Severity::Warning } else { Severity::Info },
                format!(
                    "GOROOT={} is exported; gover sets it per version, and any other go breaks when it goes stale",
                    goroot.display()
                ),
            ),
        };
        let mut finding = c(id, severity, title)
            .evidence(Evidence::Env { name: "GOROOT".into(), value: goroot.display().to_string() });
        if let (Some(w), Some(_)) = (winner, &stale) {
            finding = finding.evidence(w.evidence("go"));
        }
        finding = match first {
            Some((file, construct)) => finding
                .evidence(Evidence::File {
                    path: file.into(),
                    lines: Some(construct.lines),
                    text: Some(construct.text.clone()),
                })
                .fix(Fix::CommentOut { file: file.into(), lines: construct.lines }),
            None => finding.fix(Fix::Manual(
                "find where GOROOT is set (an rc file, /etc/environment, the IDE) and remove it; then `unset GOROOT`"
                    .into(),
            )),
        };
        out.push(finding);
    }
    for (file, construct) in exports {
        out.push(
            c("goroot.startup-export", Severity::Warning, format!("{} exports GOROOT", file.display()))
                .evidence(Evidence::File {
                    path: file.into(),
                    lines: Some(construct.lines),
                    text: Some(construct.text.clone()),
                })
                .fix(Fix::CommentOut { file: file.into(), lines: construct.lines }),
        );
    }
    if let (Some(file), Some(set)) = (&facts.settings.env_file, facts.settings.in_file("GOROOT")) {
        out.push(
            c(
                "goroot.go-env-file",
                Severity::Warning,
                format!("GOROOT={} is persisted in the go env file (go env -w)", set.value),
            )
            .evidence(set.evidence("GOROOT"))
            .fix(Fix::RemoveGoEnvKey { file: file.clone(), key: "GOROOT".into() }),
        );
    }
}

/// For a go outside gover: `go version`, `$GOROOT/VERSION`, `go env GOROOT` and the tree the
/// binary lives in must agree, or the compiler and the standard library are from different
/// releases ("failed to load export data"). gover's own versions are checked on disk.
fn toolchain_consistency(facts: &Facts, out: &mut Vec<Finding>) {
    let Some(winner) = facts.go_on_path.first().filter(|w| !w.is_shim) else { return };
    let Some(resolved) = &winner.resolved else { return };
    let Some(root) = tree_of(resolved) else { return };
    let binary = winner.dir.join("go");
    let Some(output) = facts.env.run(&binary, &["env", "GOROOT", "GOVERSION"], &[]) else { return };
    let mut lines = output.stdout.lines().map(str::trim);
    let (Some(reported_root), Some(reported_version)) = (lines.next(), lines.next()) else { return };
    if !output.success || !reported_root.starts_with('/') || !reported_version.starts_with("go") {
        return;
    }
    let command = Evidence::Command {
        command: format!("{} env GOROOT GOVERSION", binary.display()),
        output: format!("{reported_root}\n{reported_version}"),
    };
    // GOVERSION may carry experiments after the release (`go1.22.10 X:boringcrypto`).
    let reported_release = reported_version.split_whitespace().next().unwrap_or(reported_version);
    let version = version_file(&root);
    if let Some(version) = version.as_ref().filter(|v| *v != reported_release) {
        out.push(
            c(
                "goroot.version-mismatch",
                Severity::Error,
                format!(
                    "{} says {reported_version} but its tree {} holds {version}: a mixed toolchain",
                    binary.display(),
                    root.display()
                ),
            )
            .evidence(winner.evidence("go"))
            .evidence(command.clone())
            .evidence(Evidence::File {
                path: root.join("VERSION"),
                lines: Some(LineRange::line(1)),
                text: Some(version.clone()),
            })
            .fix(Fix::Manual(format!(
                "reinstall the Go in {}, or `gover import` a clean one and remove it",
                root.display()
            ))),
        );
    }
    if facts.env.var("GOROOT").is_none() && !same_dir(Path::new(reported_root), &root) {
        let fix = match facts.settings.get("GOROOT") {
            Some(set) if matches!(set.origin, Origin::File { .. }) => {
                Fix::RemoveGoEnvKey { file: facts.settings.env_file.clone().unwrap_or_default(), key: "GOROOT".into() }
            }
            _ => Fix::Manual(format!("remove {} and reinstall that Go", binary.display())),
        };
        out.push(
            c(
                "goroot.mixed-toolchain",
                Severity::Error,
                format!("{} lives in {} but uses GOROOT {reported_root}", binary.display(), root.display()),
            )
            .evidence(winner.evidence("go"))
            .evidence(command)
            .fix(fix),
        );
    }
}

fn alternatives_groups(facts: &Facts, out: &mut Vec<Finding>) {
    let admin = &facts.env.alternatives_admin;
    let mut current: Vec<(&str, PathBuf)> = Vec::new();
    for name in ["go", "gofmt"] {
        let file = admin.join(name);
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let Some(group) = alternatives::parse(&text) else { continue };
        let link = alternative_link(facts, name);
        let selected = std::fs::read_link(&link).ok();
        for choice in &group.choices {
            if choice.path.exists() {
                continue;
            }
            let is_selected = selected.as_deref() == Some(choice.path.as_path());
            out.push(
                c(
                    "alternatives.missing-target",
                    if is_selected { Severity::Error } else { Severity::Warning },
                    format!("update-alternatives `{name}` offers {}, which does not exist", choice.path.display()),
                )
                .evidence(Evidence::File {
                    path: file.clone(),
                    lines: None,
                    text: Some(format!("{} priority {}", choice.path.display(), choice.priority)),
                })
                .evidence(Evidence::Note {
                    text: if is_selected {
                        format!("it is the current choice: {} -> {}", link.display(), choice.path.display())
                    } else {
                        "not the current choice".into()
                    },
                })
                .fix(Fix::RemoveAlternative { name: name.into(), path: choice.path.clone() }),
            );
        }
        if let Some(target) = &selected {
            if !target.exists() && !group.choices.iter().any(|ch| &ch.path == target) {
                out.push(
                    c(
                        "alternatives.broken-link",
                        Severity::Error,
                        format!("{} points at {}, which does not exist", link.display(), target.display()),
                    )
                    .evidence(Evidence::Note { text: format!("{} -> {}", link.display(), target.display()) })
                    .fix(Fix::Command(format!("sudo update-alternatives --auto {name}"))),
                );
            }
            current.push((name, target.clone()));
        }
    }
    // Separate go and gofmt groups can be switched apart (a gofmt slave of the go group cannot).
    let tree = |tool: &str| current.iter().find(|(n, _)| *n == tool).and_then(|(_, p)| Some((p, tree_of(p)?)));
    if let (Some((go, go_tree)), Some((gofmt, gofmt_tree))) = (tree("go"), tree("gofmt")) {
        if go_tree != gofmt_tree {
            out.push(
                c(
                    "alternatives.mixed-versions",
                    Severity::Warning,
                    format!(
                        "update-alternatives picks go from {} but gofmt from {}",
                        go_tree.display(),
                        gofmt_tree.display()
                    ),
                )
                .evidence(Evidence::Note {
                    text: format!("{} -> {}", alternative_link(facts, "go").display(), go.display()),
                })
                .evidence(Evidence::Note {
                    text: format!("{} -> {}", alternative_link(facts, "gofmt").display(), gofmt.display()),
                })
                .fix(Fix::Command("sudo update-alternatives --config gofmt".into())),
            );
        }
    }
}

fn alternative_link(facts: &Facts, name: &str) -> PathBuf {
    facts.env.alternatives_dir.join(name)
}

/// A manager's leftovers: where it lives and the Go trees it holds.
struct Remnant {
    /// `None` for golang.org/dl's ~/sdk, which `gover import` does not read.
    manager: Option<Manager>,
    root: PathBuf,
    /// Each tree's root and its release (from VERSION).
    trees: Vec<(PathBuf, Option<String>)>,
}

/// What other managers left, found the way `gover import` finds what it can adopt, plus the
/// managers' own directories when they hold no Go any more, and golang.org/dl's ~/sdk.
fn remnants(facts: &Facts) -> Vec<Remnant> {
    let env = facts.env;
    let Some(home) = env.home() else { return Vec::new() };
    let var = |name: &str| env.var(name).map(String::from);
    let places = import::Places { home: home.clone(), var: &var, system_root: PathBuf::from("/") };
    let dir = |name: &str, default: &str| env.var(name).map(PathBuf::from).unwrap_or_else(|| home.join(default));
    let managers = [
        (Manager::Gvm, dir("GVM_ROOT", ".gvm")),
        (Manager::Asdf, dir("ASDF_DATA_DIR", ".asdf").join("plugins/golang")),
        (Manager::Goenv, dir("GOENV_ROOT", ".goenv")),
        (Manager::G, home.join(".g")),
        (Manager::Mise, PathBuf::new()),
    ];
    let mut out = Vec::new();
    for (manager, root) in managers {
        let found = import::find(&places, &[manager]);
        let trees: Vec<(PathBuf, Option<String>)> =
            found.into_iter().map(|f| (f.root, f.version.map(|v| v.to_string()))).collect();
        // mise manages other tools: only its Go installs are leftovers.
        let root = match (manager, trees.first()) {
            (Manager::Mise, Some((tree, _))) => tree.parent().map(Path::to_path_buf).unwrap_or_default(),
            (Manager::Mise, None) => continue,
            _ => root,
        };
        if !trees.is_empty() || root.is_dir() {
            out.push(Remnant { manager: Some(manager), root, trees });
        }
    }
    let sdk = home.join("sdk");
    let trees: Vec<(PathBuf, Option<String>)> = std::fs::read_dir(&sdk)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.join("bin/go").is_file())
        .map(|p| {
            let version = version_file(&p);
            (p, version)
        })
        .collect();
    if !trees.is_empty() {
        let mut trees = trees;
        trees.sort();
        out.push(Remnant { manager: None, root: sdk, trees });
    }
    out
}

fn managers(facts: &Facts, out: &mut Vec<Finding>) {
    let found = remnants(facts);
    for r in &found {
        let name = r.manager.map_or("golang.org/dl", Manager::name);
        let mut finding = c(
            "managers.remnant",
            Severity::Info,
            format!("{name} left {} Go version(s) in {}", r.trees.len(), r.root.display()),
        );
        for (tree, version) in &r.trees {
            let version = version.as_deref().unwrap_or("no VERSION file");
            finding = finding.evidence(Evidence::Note { text: format!("{} ({version})", tree.display()) });
        }
        let fix = if r.trees.is_empty() {
            finding.title = format!("{name} is still installed in {} (holds no Go version)", r.root.display());
            Fix::Manual(format!("remove {} once nothing else uses it", r.root.display()))
        } else if r.manager.is_none() {
            let versions: Vec<&str> = r.trees.iter().filter_map(|(_, v)| v.as_deref()).collect();
            Fix::Manual(format!(
                "gover import does not read ~/sdk: `gover install` {}, then remove {} and the goX.Y.Z wrappers in GOBIN",
                versions.join(" "),
                r.root.display()
            ))
        } else {
            finding.title.push_str(" that `gover import` can adopt");
            Fix::Command(format!("gover import {name}"))
        };
        out.push(finding.fix(fix));
    }
    for s in &facts.startup {
        for construct in &s.constructs {
            let Kind::ManagerInit { manager } = construct.kind else { continue };
            // asdf and mise manage other languages too: only their Go part is in the way.
            let (severity, fix) = match manager {
                Manager::Asdf | Manager::Mise => {
                    if !found.iter().any(|r| r.manager == Some(manager) && !r.trees.is_empty()) {
                        continue;
                    }
                    let how =
                        if manager == Manager::Asdf { "asdf plugin remove golang" } else { "mise uninstall go --all" };
                    (
                        Severity::Info,
                        Fix::Manual(format!("keep this line for your other tools; after `gover import`, run `{how}`")),
                    )
                }
                _ => (Severity::Warning, Fix::CommentOut { file: s.file.path.clone(), lines: construct.lines }),
            };
            out.push(
                c(
                    "managers.init-line",
                    severity,
                    format!(
                        "{} still initialises {} (it puts its own go on PATH)",
                        s.file.path.display(),
                        manager.name()
                    ),
                )
                .evidence(Evidence::File {
                    path: s.file.path.clone(),
                    lines: Some(construct.lines),
                    text: Some(construct.text.clone()),
                })
                .fix(fix),
            );
        }
    }
}

fn gover_versions(facts: &Facts, out: &mut Vec<Finding>) {
    let dir = facts.env.gover.versions_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    names.sort();
    for name in names {
        let Some(version) = gover_shim::GoVersion::parse(&name).filter(|v| v.to_string() == name) else { continue };
        let root = facts.env.gover.version_dir(&version);
        let reinstall = Fix::Command(format!("gover uninstall {name} && gover install {name}"));
        if !gover_shim::resolve::is_executable(&root.join("bin/go")) {
            out.push(
                c("versions.incomplete", Severity::Error, format!("gover's {name} has no runnable bin/go"))
                    .evidence(Evidence::Note {
                        text: format!("{} is missing or not executable", root.join("bin/go").display()),
                    })
                    .fix(reinstall),
            );
            continue;
        }
        match version_file(&root) {
            Some(v) if v == name => {}
            found => out.push(
                c(
                    "versions.version-mismatch",
                    Severity::Error,
                    format!("gover's {name} holds {}", found.as_deref().unwrap_or("no VERSION file")),
                )
                .evidence(Evidence::File { path: root.join("VERSION"), lines: Some(LineRange::line(1)), text: found })
                .fix(reinstall),
            ),
        }
    }
}

fn pins(facts: &Facts, out: &mut Vec<Finding>) {
    let env = facts.env;
    let ctx = env.resolver_context();
    let source_evidence = |source: &Source| match source {
        Source::File { path, line } => {
            Evidence::File { path: path.clone(), lines: Some(LineRange::line(*line)), text: None }
        }
        Source::Global { path } => Evidence::File { path: path.clone(), lines: None, text: None },
        Source::Env => {
            Evidence::Env { name: "GOVER_VERSION".into(), value: env.var("GOVER_VERSION").unwrap_or("").into() }
        }
        Source::Fallback => Evidence::Note { text: "no pin and no global default".into() },
        Source::Argument => Evidence::Note { text: "named on the command line".into() },
    };
    let request = match resolve::request(&ctx) {
        Ok(request) => request,
        Err(err) => {
            let evidence = match &err {
                ResolveError::BadPin { path, error } => Evidence::File {
                    path: path.clone(),
                    lines: (error.line > 0).then(|| LineRange::line(error.line)),
                    text: None,
                },
                _ => Evidence::Note { text: err.to_string() },
            };
            out.push(
                c("versions.bad-pin", Severity::Error, err.to_string())
                    .evidence(evidence)
                    .fix(Fix::Manual(err.hint().unwrap_or_default())),
            );
            return;
        }
    };
    match resolve::toolchain_for(&ctx, &request) {
        Ok(_) => {}
        Err(err @ ResolveError::NotInstalled { .. }) => out.push(
            c("versions.pin-not-installed", Severity::Error, err.to_string())
                .evidence(source_evidence(&request.source))
                .fix(Fix::Command(err.hint().unwrap_or_default())),
        ),
        // With nothing asked for and no go outside gover, `go` has nothing to run; that only
        // matters once gover is in use.
        Err(err @ ResolveError::NoSystemGo { .. }) if request.source.is_pin() || !env.gover.installed().is_empty() => {
            out.push(
                c("versions.nothing-to-run", Severity::Error, err.to_string())
                    .evidence(source_evidence(&request.source))
                    .fix(Fix::Command(err.hint().unwrap_or_default())),
            )
        }
        Err(_) => {}
    }
    // go switches toolchains itself unless GOTOOLCHAIN=local; the shim sets that only when
    // the user has not set GOTOOLCHAIN.
    if !request.source.is_pin() {
        return;
    }
    let Some(set) = facts.settings.get("GOTOOLCHAIN") else { return };
    let pinned_exact = matches!(&request.spec, gover_shim::Spec::Exact(v) if v.to_string() == set.value);
    if set.value == "local" || pinned_exact {
        return;
    }
    let fix = match &set.origin {
        Origin::File { path, .. } => Fix::RemoveGoEnvKey { file: path.clone(), key: "GOTOOLCHAIN".into() },
        _ => match startup_exports(facts, "GOTOOLCHAIN").first() {
            Some((file, construct)) => Fix::CommentOut { file: file.to_path_buf(), lines: construct.lines },
            None => Fix::Manual("unset GOTOOLCHAIN (or set GOTOOLCHAIN=local)".into()),
        },
    };
    out.push(
        c(
            "versions.gotoolchain-switch",
            Severity::Warning,
            format!("GOTOOLCHAIN={} lets go run another toolchain than the pinned {}", set.value, request.spec),
        )
        .evidence(set.evidence("GOTOOLCHAIN"))
        .evidence(source_evidence(&request.source))
        .fix(fix),
    );
}

/// Functions and aliases named go, gofmt or cd, as the user's real shells define them.
fn shell_definitions(facts: &Facts) -> Vec<Finding> {
    let mut shells: Vec<Shell> = facts.env.var("SHELL").and_then(Shell::from_program).into_iter().collect();
    for s in &facts.startup {
        if s.file.reads != Reads::Login && !shells.contains(&s.file.shell) {
            shells.push(s.file.shell);
        }
    }
    let answers: Vec<(Shell, Option<Vec<Definition>>)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            shells.iter().map(|&shell| (shell, scope.spawn(move || ask_shell(facts, shell)))).collect();
        handles.into_iter().map(|(shell, h)| (shell, h.join().ok().flatten())).collect()
    });
    let mut defs: Vec<Definition> = Vec::new();
    for (shell, answer) in answers {
        let found = answer.unwrap_or_else(|| scanned_definitions(facts, shell));
        for d in found {
            if !defs.iter().any(|e| e.name == d.name && e.alias == d.alias && e.file == d.file) {
                defs.push(d);
            }
        }
    }
    defs.into_iter().map(|d| definition_finding(facts, d)).collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Definition {
    shell: Shell,
    name: String,
    alias: bool,
    file: Option<PathBuf>,
    line: Option<usize>,
    /// What the shell printed about it.
    said: String,
}

const MARK: &str = "__gover_doctor__";

fn ask_shell(facts: &Facts, shell: Shell) -> Option<Vec<Definition>> {
    let program = facts.env.find_program(shell.name())?;
    let (args, script): (&[&str], String) = match shell {
        Shell::Bash => (
            &["-ic"],
            format!("echo {MARK}; shopt -s extdebug; declare -F go gofmt cd; alias go gofmt cd 2>/dev/null; true"),
        ),
        Shell::Zsh => (&["-ic"], format!("print {MARK}; whence -v go gofmt cd; true")),
        Shell::Fish => {
            (&["-ic"], format!("echo {MARK}; for f in go gofmt cd; echo \"$f\"; functions --details --verbose $f; end"))
        }
    };
    let mut argv: Vec<&str> = args.to_vec();
    argv.push(&script);
    let output = facts.env.run(&program, &argv, &[])?;
    let text = output.stdout.split_once(MARK)?.1;
    let defs = match shell {
        Shell::Bash => parse_bash(text),
        Shell::Zsh => parse_zsh(text),
        Shell::Fish => parse_fish(text),
    };
    Some(
        defs.into_iter()
            .map(|mut d| {
                d.shell = shell;
                d
            })
            .collect(),
    )
}

fn definition(name: &str, alias: bool, file: Option<PathBuf>, line: Option<usize>, said: &str) -> Definition {
    Definition { shell: Shell::Bash, name: name.into(), alias, file, line, said: said.trim().into() }
}

/// `declare -F` with extdebug prints `go 12 /home/u/.bashrc`; `alias` prints `alias go='…'`.
fn parse_bash(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(rest) = line.strip_prefix("alias ") {
            let name = rest.split('=').next().unwrap_or("");
            out.push(definition(name, true, None, None, line));
        } else if words.len() >= 3 && matches!(words[0], "go" | "gofmt" | "cd") {
            let file = line.splitn(3, ' ').nth(2).map(PathBuf::from);
            out.push(definition(words[0], false, file, words[1].parse().ok(), line));
        }
    }
    out
}

/// `whence -v`: `go is a shell function from /h/.zshrc`, `go is an alias for go1.21`.
fn parse_zsh(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((name, what)) = line.split_once(" is ") else { continue };
        if !matches!(name, "go" | "gofmt" | "cd") {
            continue;
        }
        if what.starts_with("an alias") {
            out.push(definition(name, true, None, None, line));
        } else if let Some(rest) = what.strip_prefix("a shell function") {
            let file = rest.trim().strip_prefix("from ").map(PathBuf::from);
            out.push(definition(name, false, file, None, line));
        }
    }
    out
}

/// `functions --details --verbose f` prints the file (`n/a` when undefined), then whether it
/// was autoloaded, then the line; functions fish ships (its own `cd`) are not the user's.
fn parse_fish(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let name = lines[i].trim();
        if !matches!(name, "go" | "gofmt" | "cd") {
            i += 1;
            continue;
        }
        let file = lines.get(i + 1).map(|s| s.trim()).unwrap_or("n/a");
        let line = lines.get(i + 3).and_then(|s| s.trim().parse().ok());
        let shipped = file.starts_with("/usr/share/fish") || file.starts_with("/usr/local/share/fish");
        if file != "n/a" && !shipped {
            let path = (file.starts_with('/')).then(|| PathBuf::from(file));
            out.push(definition(name, false, path, line, &format!("{name}: {file}")));
        }
        i += 1;
    }
    out
}

/// Without an answer from the shell (not installed, timed out), what its startup files define.
fn scanned_definitions(facts: &Facts, shell: Shell) -> Vec<Definition> {
    let mut out = Vec::new();
    for s in facts.startup.iter().filter(|s| s.file.shell == shell) {
        for construct in &s.constructs {
            let (name, alias) = match &construct.kind {
                Kind::Function { name } => (name, false),
                Kind::Alias { name } => (name, true),
                _ => continue,
            };
            let mut d = definition(name, alias, Some(s.file.path.clone()), Some(construct.line), &construct.text);
            d.shell = shell;
            out.push(d);
        }
    }
    out
}

fn definition_finding(facts: &Facts, d: Definition) -> Finding {
    let (id, severity) = match (d.name.as_str(), d.alias) {
        ("go", false) => ("shell.go-function", Severity::Error),
        ("gofmt", false) => ("shell.gofmt-function", Severity::Error),
        ("cd", false) => ("shell.cd-function", Severity::Warning),
        ("go", true) => ("shell.go-alias", Severity::Error),
        ("gofmt", true) => ("shell.gofmt-alias", Severity::Error),
        _ => ("shell.cd-alias", Severity::Warning),
    };
    let what = if d.alias { "an alias" } else { "a function" };
    let mut finding = c(
        id,
        severity,
        if d.name == "cd" {
            format!("{} has {what} named `cd` (gvm's breaks paths with spaces and other cd hooks)", d.shell.name())
        } else {
            format!("{} has {what} named `{}`, which shadows every {} on PATH", d.shell.name(), d.name, d.name)
        },
    )
    .evidence(Evidence::Command { command: format!("{} -ic …", d.shell.name()), output: d.said.clone() });
    if let Some(file) = &d.file {
        finding =
            finding.evidence(Evidence::File { path: file.clone(), lines: d.line.map(LineRange::line), text: None });
    }
    finding.fix(definition_fix(facts, &d))
}

/// Comment out the construct defining it, or the manager init line that loads the file it
/// comes from (gvm's `cd` lives in ~/.gvm/scripts).
fn definition_fix(facts: &Facts, d: &Definition) -> Fix {
    for s in &facts.startup {
        if d.file.as_ref().is_some_and(|f| f != &s.file.path) {
            continue;
        }
        for construct in &s.constructs {
            let matches = match &construct.kind {
                Kind::Function { name } if !d.alias => {
                    name == &d.name && d.line.is_none_or(|l| construct.lines.contains(l))
                }
                Kind::Alias { name } if d.alias => name == &d.name,
                _ => false,
            };
            if matches {
                return Fix::CommentOut { file: s.file.path.clone(), lines: construct.lines };
            }
        }
    }
    if let Some((file, lines)) = d.file.as_ref().and_then(|file| facts.manager_init_line(file)) {
        return Fix::CommentOut { file, lines };
    }
    let place = d.file.as_ref().map(|f| format!(" in {}", f.display())).unwrap_or_default();
    Fix::Manual(format!("remove the {} `{}`{place}", if d.alias { "alias" } else { "function" }, d.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_answers() {
        let defs = parse_bash("go 12 /h/my rc/.bashrc\ncd 3 /h/.gvm/scripts/functions\nalias go='go1.21'\n");
        assert_eq!(
            defs[0],
            definition("go", false, Some("/h/my rc/.bashrc".into()), Some(12), "go 12 /h/my rc/.bashrc")
        );
        assert_eq!(defs[1].file, Some(PathBuf::from("/h/.gvm/scripts/functions")));
        assert!(defs[2].alias && defs[2].name == "go");
    }

    #[test]
    fn zsh_answers() {
        let defs = parse_zsh("go is a shell function from /h/.zshrc\ngofmt is /usr/bin/gofmt\ncd is a shell builtin\ngo is an alias for go1.21\n");
        assert_eq!(defs.len(), 2);
        assert_eq!(defs[0].file, Some(PathBuf::from("/h/.zshrc")));
        assert!(defs[1].alias);
    }

    #[test]
    fn fish_answers_skip_shipped_functions() {
        let defs = parse_fish("go\n/h/.config/fish/config.fish\nnot-autoloaded\n7\nscope-shadowing\n\ngofmt\nn/a\ncd\n/usr/share/fish/functions/cd.fish\nautoloaded\n1\n");
        assert_eq!(
            defs,
            vec![definition(
                "go",
                false,
                Some("/h/.config/fish/config.fish".into()),
                Some(7),
                "go: /h/.config/fish/config.fish"
            )]
        );
    }
}
