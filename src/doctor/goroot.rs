//! GOROOT and versions: where GOROOT is set, whether the go that runs agrees with its own
//! tree, update-alternatives, shell functions and aliases that shadow go, other managers'
//! leftovers, gover's own versions, and pins naming what is not installed.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use gover_shim::home::SYSTEM_HOME;
use gover_shim::{resolve, ResolveError, Source};

use super::alternatives;
use super::startup::{Kind, Manager};
use super::SettingEvidence;
use super::{Argv, Category, Evidence, Facts, Finding, Fix, LineRange, Severity};
use crate::gosettings::SettingOrigin;
use crate::import;
use crate::managers::GoSetting;

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    goroot_settings(facts, &mut out);
    toolchain_consistency(facts, &mut out);
    alternatives_groups(facts, &mut out);
    managers(facts, &mut out);
    gover_versions(facts, &mut out);
    ignored_system_store(facts, &mut out);
    broken_links(facts, &mut out);
    pins(facts, &mut out);
    out
}

fn goroot_finding(id: &'static str, severity: Severity, title: impl Into<String>) -> Finding {
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
        // Another manager's shim (goenv's, asdf's) sets GOROOT for the go it runs, so the
        // winner's tree says nothing about staleness; its set-up lines are reported instead.
        let places = facts.places();
        let manager_shim = |w: &&super::OnPath| Manager::owning(&places, &w.dir).is_some();
        let stale = winner.filter(|w| !w.is_shim && !manager_shim(w)).and_then(|w| {
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
        let mut finding = goroot_finding(id, severity, title)
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
            // No line exports it, so a manager's set-up line did (gvm's script, goenv's init,
            // g's env file): the fix that disables that line removes it too.
            None => match goroot_setter(facts) {
                Some((file, construct)) => finding
                    .evidence(Evidence::File {
                        path: file.clone(),
                        lines: Some(construct.lines),
                        text: Some(construct.text.clone()),
                    })
                    .fix(Fix::CommentOut { file, lines: construct.lines }),
                None => finding.fix(Fix::Manual(
                    "find where GOROOT is set (an rc file, /etc/environment, the IDE) and remove it; then `unset GOROOT`"
                        .into(),
                )),
            },
        };
        out.push(finding);
    }
    for (file, construct) in exports {
        out.push(
            goroot_finding("goroot.startup-export", Severity::Warning, format!("{} exports GOROOT", file.display()))
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
            goroot_finding(
                "goroot.go-env-file",
                Severity::Warning,
                format!("GOROOT={} is persisted in the go env file (go env -w)", set.value),
            )
            .evidence(set.evidence("GOROOT"))
            .fix(Fix::RemoveGoEnvKey { file: file.clone(), key: "GOROOT".into() }),
        );
    }
}

/// The set-up line of a manager that exports GOROOT (gvm, goenv, g, asdf-golang, mise), the
/// last one when several do.
fn goroot_setter<'f>(facts: &'f Facts) -> Option<(PathBuf, &'f super::startup::Construct)> {
    let managers = [Manager::Gvm, Manager::Goenv, Manager::G, Manager::Asdf, Manager::Mise];
    let last = |shell| managers.into_iter().flat_map(|m| facts.manager_lines(m, shell)).max_by_key(|(_, c)| c.line);
    // The GOROOT doctor sees was exported by the start-up of the shell it was started from.
    facts.env.shell().and_then(|shell| last(Some(shell))).or_else(|| last(None))
}

/// For a go outside gover: `go version`, `$GOROOT/VERSION`, `go env GOROOT` and the tree the
/// binary lives in must agree, or the compiler and the standard library are from different
/// releases ("failed to load export data"). gover's own versions are checked on disk.
fn toolchain_consistency(facts: &Facts, out: &mut Vec<Finding>) {
    let Some(winner) = facts.go_on_path.first().filter(|w| !w.is_shim) else { return };
    let Some(resolved) = &winner.resolved else { return };
    // Another manager's shim is a script that picks a go elsewhere: its tree and its
    // GOROOT differ by design, and the manager's own findings say what to do.
    if Manager::owning(&facts.places(), &winner.dir).is_some() {
        return;
    }
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
            goroot_finding(
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
                "reinstall the Go in {}: remove the directory, then unpack the {reported_release} release into it \
                 (unpacked over an old tree, an archive leaves the old files beside the new); or remove it and \
                 `gover install {}`",
                root.display(),
                reported_release.trim_start_matches("go")
            ))),
        );
    }
    if facts.env.var("GOROOT").is_none() && !same_dir(Path::new(reported_root), &root) {
        let fix = match facts.settings.get("GOROOT") {
            Some(set) if matches!(set.origin, SettingOrigin::File { .. }) => {
                Fix::RemoveGoEnvKey { file: facts.settings.env_file.clone().unwrap_or_default(), key: "GOROOT".into() }
            }
            // Nothing in the environment or the go env file sets it, so it is built in (a
            // tree moved after it was built, or a distribution's GOROOT_FINAL). Never advise
            // deleting files on a guess: they may be another tool's.
            _ => Fix::Manual(format!(
                "this go has {reported_root} built in as its GOROOT: move its tree back there, or reinstall an \
                 official release in {} (its GOROOT follows where it is unpacked)",
                root.display()
            )),
        };
        out.push(
            goroot_finding(
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
                goroot_finding(
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
                    goroot_finding(
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
                goroot_finding(
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
/// managers' Go directories when they hold no Go any more, and golang.org/dl's ~/sdk.
fn remnants(facts: &Facts) -> Vec<Remnant> {
    let Some(home) = facts.env.home() else { return Vec::new() };
    let places = facts.places();
    let mut out = Vec::new();
    for manager in Manager::SHELL_MANAGERS {
        let trees: Vec<(PathBuf, Option<String>)> =
            import::find(&places, &[manager]).into_iter().map(|f| (f.root, f.version.map(|v| v.to_string()))).collect();
        let go_dir = manager.about().go_dir(&places);
        if !trees.is_empty() {
            let root = manager.about().dirs(&places).into_iter().next().unwrap_or(go_dir);
            out.push(Remnant { manager: Some(manager), root, trees });
        } else if go_dir.is_dir() {
            out.push(Remnant { manager: Some(manager), root: go_dir, trees });
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
    let places = facts.places();
    let installed: Vec<String> = facts.env.gover.installed().iter().map(|v| v.to_string()).collect();
    let found = remnants(facts);
    for r in &found {
        let name = r.manager.map_or("golang.org/dl", Manager::name);
        let mut finding = goroot_finding(
            "managers.remnant",
            Severity::Info,
            format!("{name} left {} Go version(s) in {}", r.trees.len(), r.root.display()),
        );
        for (tree, version) in &r.trees {
            let version = version.as_deref().unwrap_or("no VERSION file");
            finding = finding.evidence(Evidence::Note { text: format!("{} ({version})", tree.display()) });
        }
        let imported = r.trees.iter().all(|(_, v)| v.as_ref().is_some_and(|v| installed.contains(v)));
        let fix = match r.manager {
            None => {
                let versions: Vec<&str> = r.trees.iter().filter_map(|(_, v)| v.as_deref()).collect();
                Fix::Manual(format!(
                    "gover import does not read ~/sdk: `gover install` {}, then remove {} and the goX.Y.Z wrappers in GOBIN",
                    versions.join(" "),
                    r.root.display()
                ))
            }
            Some(manager) if r.trees.is_empty() => {
                finding.title = format!("{name} is still installed in {} (holds no Go version)", r.root.display());
                Fix::Manual(format!("once nothing else uses it: {}", manager.about().removal(&places)))
            }
            Some(manager) if imported => {
                finding.title = format!("{name}'s Go versions in {} are all imported into gover", r.root.display());
                Fix::Manual(format!(
                    "once `gover doctor --fix` has disabled its set-up: {}",
                    manager.about().removal(&places)
                ))
            }
            Some(_) => {
                finding.title.push_str(" that `gover import` can adopt");
                Fix::Command(format!("gover import {name}"))
            }
        };
        out.push(finding.fix(fix));
    }
    let gobin = import::shared_gobin(&places);
    for manager in Manager::SHELL_MANAGERS {
        let tools = import::stray_tools(&places, manager, &gobin);
        if tools.is_empty() {
            continue;
        }
        let names: Vec<String> =
            tools.iter().filter_map(|t| Some(t.file_name()?.to_string_lossy().into_owned())).collect();
        let mut finding = goroot_finding(
            "managers.tools",
            Severity::Warning,
            format!(
                "tools `go install`ed under {} ({}) leave PATH with it; the shared GOBIN {} lacks them",
                manager.name(),
                names.join(", "),
                gobin.display()
            ),
        );
        for tool in &tools {
            finding = finding.evidence(Evidence::Note { text: tool.display().to_string() });
        }
        out.push(finding.fix(Fix::Command(format!("gover import {}", manager.name()))));
    }
    // One finding per manager whose own settings turn its Go off, citing each of its lines.
    let mut turned_off: Vec<(Manager, Finding)> = Vec::new();
    for s in &facts.startup {
        for construct in &s.constructs {
            let Kind::ManagerInit { manager } = construct.kind else { continue };
            let about = manager.about();
            // A manager that is not installed (dotfiles shared between machines, as
            // thoughtbot's put asdf's shims on PATH): the line does nothing to Go here.
            if about.dirs(&places).iter().all(|dir| !dir.exists()) {
                continue;
            }
            let line = Evidence::File {
                path: s.file.path.clone(),
                lines: Some(construct.lines),
                text: Some(construct.text.clone()),
            };
            // asdf and mise may serve other languages: their general set-up stays, gover's
            // hook goes after it so that their shims come behind gover's, and where their own
            // settings can turn Go off, they do (mise, whose hooks put its tools first again
            // at every prompt and `cd`); their Go-only lines go.
            if facts.line_stays(manager, construct) {
                // Without Go left in it (its golang plugin removed, no Go installed or
                // configured), it does no harm.
                let installed = found.iter().any(|r| r.manager == Some(manager));
                let setting = about.go_setting(&places);
                if setting == GoSetting::Off {
                    continue;
                }
                // Its shims on PATH go behind gover's (a mise shim whose Go is off would
                // only pass the call on, a process later).
                if let Some(fix) = hook_after(facts, s, construct).filter(|_| installed) {
                    let title = format!(
                        "{} sets up {} after gover's hook, so its go comes before gover's shims",
                        s.file.path.display(),
                        manager.name()
                    );
                    out.push(
                        goroot_finding("managers.init-line", Severity::Warning, title).evidence(line.clone()).fix(fix),
                    );
                }
                let fix = match setting {
                    GoSetting::Edit { file, content } => Fix::WriteFile { file, content },
                    GoSetting::Manual(what) => Fix::Manual(what),
                    GoSetting::Off | GoSetting::Absent => continue,
                };
                if !installed && about.default_version(&places).is_none() {
                    continue;
                }
                match turned_off.iter_mut().find(|(m, _)| *m == manager) {
                    Some((_, finding)) => finding.evidence.push(line),
                    None => {
                        let title = format!(
                            "{} stays set up for its other tools but still serves Go, so its go comes back in front of gover's shims at each prompt and `cd`",
                            manager.name()
                        );
                        let mut finding = goroot_finding("managers.init-line", Severity::Warning, title).evidence(line);
                        if let Fix::WriteFile { file, .. } = &fix {
                            let text = format!(
                                "the fix turns Go off in {}'s own settings, {}; it keeps serving its other tools",
                                manager.name(),
                                file.display()
                            );
                            finding = finding.evidence(Evidence::Note { text });
                        }
                        turned_off.push((manager, finding.fix(fix)));
                    }
                }
                continue;
            }
            let text = &construct.text;
            let effect = if ["PATH", "init", "activate", "source", ". "].iter().any(|m| text.contains(m)) {
                "it puts its own go first on PATH"
            } else {
                "a variable its set-up uses"
            };
            let title = format!("{} still sets up {} ({effect})", s.file.path.display(), manager.name());
            let fix = Fix::CommentOut { file: s.file.path.clone(), lines: construct.lines };
            out.push(goroot_finding("managers.init-line", Severity::Warning, title).evidence(line).fix(fix));
        }
    }
    out.extend(turned_off.into_iter().map(|(_, finding)| finding));
}

/// For a manager line that stays: gover's hook line repeated at the end of its file (the
/// first may need to stay above Debian's early `return`), or added there when the hook is in
/// another file the shell reads first, unless the hook already runs after it. Run again, the
/// hook moves the shims back to the front.
fn hook_after(facts: &Facts, s: &super::Scanned, construct: &super::startup::Construct) -> Option<Fix> {
    let hooks = || s.constructs.iter().filter(|h| h.kind == Kind::GoverHook);
    if hooks().any(|h| h.line > construct.line) {
        return None;
    }
    if let Some(hook) = hooks().next() {
        return Some(Fix::CopyToEnd { file: s.file.path.clone(), lines: hook.lines });
    }
    let hook = facts
        .startup
        .iter()
        .filter(|o| o.file.shell == s.file.shell)
        .flat_map(|o| o.constructs.iter())
        .find(|h| h.kind == Kind::GoverHook && crate::shell::rc::has_line(&h.text))?;
    Some(Fix::AppendLine { file: s.file.path.clone(), line: hook.text.clone() })
}

fn gover_versions(facts: &Facts, out: &mut Vec<Finding>) {
    let dir = facts.env.gover.versions_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    names.sort();
    for name in names {
        let Some(version) = gover_shim::GoVersion::parse(&name).filter(|v| v.to_string() == name) else { continue };
        let root = facts.env.gover.version_dir(&version);
        let reinstall = reinstall(&name);
        if !gover_shim::resolve::is_executable(&root.join("bin/go")) {
            out.push(
                goroot_finding(
                    "versions.incomplete",
                    Severity::Error,
                    format!("gover's {name} has no runnable bin/go"),
                )
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
                goroot_finding(
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

/// A system store the shim and gover ignore (see `resolve::system_versions`): to the user its
/// versions are simply "not installed", and only the administrator can fix why.
fn ignored_system_store(facts: &Facts, out: &mut Vec<Finding>) {
    let Some(system) = &facts.env.context.system else { return };
    let Err(problem) = resolve::system_versions(system, facts.env.process.uid()) else { return };
    let root = system.root();
    let (seen, fix) = if root.is_absolute() {
        let versions = system.versions_dir();
        let meta =
            std::fs::metadata(&versions).map(|m| format!(": owner uid {}, mode {:o}", m.uid(), m.mode() & 0o7777));
        // The whole store, not versions/ alone: whoever could write it may have left trees,
        // downloads or staging behind that root's next install would use.
        let chown = Argv::new(["sudo", "chown", "-R", "root:root"]).arg(root);
        let chmod = Argv::new(["sudo", "chmod", "-R", "go-w"]).arg(root);
        (format!("{}{}", versions.display(), meta.unwrap_or_default()), Fix::Command(format!("{chown} && {chmod}")))
    } else {
        let fix = format!("set GOVER_SYSTEM_HOME to an absolute path, or unset it (the default is {SYSTEM_HOME})");
        (format!("GOVER_SYSTEM_HOME={}", root.display()), Fix::Manual(fix))
    };
    out.push(
        goroot_finding(
            "versions.system-store-untrusted",
            Severity::Warning,
            format!("the versions of the system store {} are ignored: {problem}", root.display()),
        )
        .evidence(Evidence::Note { text: seen })
        .fix(fix),
    );
}

/// A link (`gover link`) whose tree is gone or whose go no longer runs: go fails wherever it is
/// pinned, and only the user knows where the tree went.
fn broken_links(facts: &Facts, out: &mut Vec<Finding>) {
    for (name, tree) in facts.env.gover.links() {
        let Err(why) = crate::links::check_tree(&tree) else { continue };
        out.push(
            goroot_finding(
                "versions.link-broken",
                Severity::Error,
                format!("the toolchain linked as {name} cannot run: {why}"),
            )
            .evidence(Evidence::Note {
                text: format!("{} -> {}", facts.env.gover.link_path(&name).display(), tree.display()),
            })
            .fix(Fix::Manual(format!(
                "point it at a working tree with gover link --force {name} NEWDIR, or remove the name with gover \
                     uninstall {name}"
            ))),
        );
    }
}

/// Replaces gover's broken copy of a version with a fresh download. `--force` because the
/// version is often the global default (which uninstall otherwise keeps) and nothing can be
/// running from a broken tree; it is missing only until the install right after.
pub(super) fn reinstall(name: &str) -> Fix {
    Fix::Command(format!("gover uninstall --force {name} && gover install {name}"))
}

/// The resolver's hint as a fix: its error help reads "run <command>", and a `command` fix is
/// what the user pastes into a shell, so the "run" goes; a hint that is no command stays prose.
fn hint_fix(err: &ResolveError) -> Fix {
    let hint = err.hint().unwrap_or_default();
    match hint.strip_prefix("run ") {
        Some(command) => Fix::Command(command.into()),
        None => Fix::Manual(hint),
    }
}

fn pins(facts: &Facts, out: &mut Vec<Finding>) {
    let env = facts.env;
    let ctx = &env.context;
    let source_evidence = |source: &Source| Evidence::of_source(source, env);
    let request = match resolve::request(ctx) {
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
                goroot_finding("versions.bad-pin", Severity::Error, err.to_string())
                    .evidence(evidence)
                    .fix(hint_fix(&err)),
            );
            return;
        }
    };
    for ignored in &request.ignored {
        out.push(
            goroot_finding("versions.ignored-pin", Severity::Warning, resolve::ignored_pin_warning(ignored, &request.source))
                .evidence(Evidence::File { path: ignored.path.clone(), lines: None, text: None })
                .fix(Fix::Manual(
                    "if you trust it, pin its version in a directory of your own (gover use <version>) or with GOVER_VERSION"
                        .into(),
                )),
        );
    }
    match resolve::toolchain_for(ctx, &request) {
        Ok(_) => {}
        Err(err @ ResolveError::NotLinked { .. }) => out.push(
            goroot_finding("versions.bad-pin", Severity::Error, err.to_string())
                .evidence(source_evidence(&request.source))
                .fix(hint_fix(&err)),
        ),
        Err(err @ ResolveError::NotInstalled { .. }) => out.push(
            goroot_finding("versions.pin-not-installed", Severity::Error, err.to_string())
                .evidence(source_evidence(&request.source))
                .fix(hint_fix(&err)),
        ),
        // With nothing asked for and no go outside gover, `go` has nothing to run; that only
        // matters once gover is in use.
        Err(err @ ResolveError::NoSystemGo { .. }) if request.source.is_pin() || !env.gover.installed().is_empty() => {
            out.push(
                goroot_finding("versions.nothing-to-run", Severity::Error, err.to_string())
                    .evidence(source_evidence(&request.source))
                    .fix(hint_fix(&err)),
            )
        }
        Err(_) => {}
    }
    pin_below_go_line(facts, &request, &source_evidence(&request.source), out);
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
        SettingOrigin::File { path, .. } => Fix::RemoveGoEnvKey { file: path.clone(), key: "GOTOOLCHAIN".into() },
        _ => match startup_exports(facts, "GOTOOLCHAIN").first() {
            Some((file, construct)) => Fix::CommentOut { file: file.to_path_buf(), lines: construct.lines },
            None => Fix::Manual("unset GOTOOLCHAIN (or set GOTOOLCHAIN=local)".into()),
        },
    };
    out.push(
        goroot_finding(
            "versions.gotoolchain-switch",
            Severity::Warning,
            format!("GOTOOLCHAIN={} lets go run another toolchain than the pinned {}", set.value, request.spec),
        )
        .evidence(set.evidence("GOTOOLCHAIN"))
        .evidence(source_evidence(&request.source))
        .fix(fix),
    );
}

/// A pin (or the global default) that picks a version older than the module's `go` line:
/// go refuses to build with it, so gover runs the newest installed version that satisfies
/// the line instead (or fails, which `versions.pin-not-installed` reports). Worth updating.
fn pin_below_go_line(facts: &Facts, request: &gover_shim::Request, pinned_by: &Evidence, out: &mut Vec<Finding>) {
    let Some(min) = &request.minimum else { return };
    let installed = facts.env.gover.installed();
    let Some(picked) = request.spec.pick(&installed) else { return };
    if min.allows(picked) {
        return;
    }
    let wanted = gover_shim::Spec::Exact(min.version.clone());
    out.push(
        goroot_finding(
            "versions.pin-below-go-line",
            Severity::Warning,
            format!(
                "{} asks for {}, older than the `go {}` line of {}; gover runs a newer installed version instead",
                request.source,
                request.spec,
                wanted,
                min.path.display()
            ),
        )
        .evidence(pinned_by.clone())
        .evidence(Evidence::File { path: min.path.clone(), lines: Some(LineRange::line(min.line)), text: None })
        .fix(Fix::Command(repin_command(&request.source, &min.path, &wanted))),
    );
}

/// The command that pins `wanted` where it takes effect: a `.go-version` (which beats the
/// other pin files of its directory) in the pin file's directory, or for the global default
/// in the module's (GOVER_VERSION has no minimum). `--install` because the version the go
/// line names may not be installed.
fn repin_command(source: &Source, module: &Path, wanted: &gover_shim::Spec) -> String {
    let dir = match source {
        Source::File { path, .. } => path.parent(),
        _ => module.parent(),
    };
    let dir = crate::shell::Shell::Bash.quote(&dir.unwrap_or(Path::new(".")).display().to_string());
    format!("cd {dir} && gover use --install {wanted}")
}
