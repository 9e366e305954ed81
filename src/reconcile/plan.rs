//! From doctor's findings to changes: the new text of each file (shown as a diff before
//! anything is written), the alternatives to remove, the commands to run, and what is left
//! to the user. Planning reads files but writes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::comment_out::comment_out;
use super::go_env_file;
use crate::doctor::env::writable;
use crate::doctor::startup::{self, Kind, StartupShell};
use crate::doctor::{Argv, Finding, Fix, LineRange, Severity};
use crate::shell::syntax::{lines, Dialect};

#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<FileEdit>,
    /// (group, path) pairs to remove.
    pub alternatives: Vec<(String, PathBuf)>,
    /// Ownership and mode repairs (chown/chmod), which gover runs with --yes and the right to.
    pub repairs: Vec<Argv>,
    /// Other commands doctor suggests (`gover setup`, `go mod init`): only printed.
    pub suggestions: Vec<String>,
    /// Things only the user can do, each a sentence.
    pub manual: Vec<String>,
}

#[derive(Debug)]
pub struct FileEdit {
    /// The file as doctor named it.
    pub path: PathBuf,
    /// Where the edit happens: a symlink's target (dotfile managers link rc files).
    pub target: PathBuf,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
    /// Why the user cannot write it, when they cannot: reported, never forced.
    pub not_writable: Option<String>,
}

impl FileEdit {
    /// Replacing `old` with `new` in `path`; a symlink is edited at its target.
    pub fn new(path: PathBuf, old: Vec<u8>, new: Vec<u8>) -> FileEdit {
        let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let not_writable = writable_problem(&target);
        FileEdit { path, target, old, new, not_writable }
    }
}

impl Plan {
    /// Whether there is nothing gover itself would change.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.alternatives.is_empty() && self.repairs.is_empty()
    }
}

struct FileFixes {
    /// The file as doctor first named it.
    named: PathBuf,
    comment: Vec<LineRange>,
    moves: Vec<(LineRange, usize)>,
    copies: Vec<LineRange>,
    append: Vec<String>,
    remove_keys: Vec<String>,
    replace: Option<String>,
}

/// The syntax of a startup file, by its name: fish's by extension, zsh's by its name among the
/// shells' startup files (`.zshrc`, `/etc/zsh/zshrc`) or `*.zsh`, else sh's.
pub fn dialect_of(path: &Path) -> Dialect {
    if path.extension().is_some_and(|e| e == "fish") {
        Dialect::Fish
    } else if path.extension().is_some_and(|e| e == "zsh") {
        Dialect::Zsh
    } else {
        StartupShell::of_file(path).map_or(Dialect::Posix, StartupShell::dialect)
    }
}

fn fixes_for<'a>(per_file: &'a mut BTreeMap<PathBuf, FileFixes>, file: &Path) -> &'a mut FileFixes {
    let target = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    per_file.entry(target).or_insert_with(|| FileFixes {
        named: file.to_path_buf(),
        comment: Vec::new(),
        moves: Vec::new(),
        copies: Vec::new(),
        append: Vec::new(),
        remove_keys: Vec::new(),
        replace: None,
    })
}

/// Plans the fixes of `findings`. Notes (`info`) describe choices, not problems, so their
/// suggestions are left alone.
pub fn plan(findings: &[Finding]) -> Plan {
    let mut out = Plan::default();
    // Keyed by the real file, so a symlinked rc file and its target are edited once.
    let mut per_file: BTreeMap<PathBuf, FileFixes> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.severity > Severity::Info) {
        let Some(fix) = &finding.fix else { continue };
        match fix {
            Fix::CommentOut { file, lines } => fixes_for(&mut per_file, file).comment.push(*lines),
            Fix::MoveAbove { file, lines, above } => fixes_for(&mut per_file, file).moves.push((*lines, *above)),
            Fix::CopyToEnd { file, lines } => fixes_for(&mut per_file, file).copies.push(*lines),
            Fix::AppendLine { file, line } => fixes_for(&mut per_file, file).append.push(line.clone()),
            Fix::WriteFile { file, content } => fixes_for(&mut per_file, file).replace = Some(content.clone()),
            Fix::RemoveGoEnvKey { file, key } => fixes_for(&mut per_file, file).remove_keys.push(key.clone()),
            Fix::RemoveAlternative { name, path } => {
                let entry = (name.clone(), path.clone());
                if !out.alternatives.contains(&entry) {
                    out.alternatives.push(entry);
                }
            }
            Fix::Run(argv) => {
                if !out.repairs.contains(argv) {
                    out.repairs.push(argv.clone());
                }
            }
            Fix::Command(command) => {
                if !out.suggestions.contains(command) {
                    out.suggestions.push(command.clone());
                }
            }
            Fix::Manual(what) => out.manual.push(format!("{}: {what}", finding.title)),
        }
    }
    for (target, fixes) in per_file {
        let path = fixes.named.clone();
        let old = match std::fs::read(&target) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                out.manual.push(format!("cannot read {}: {e}; it was left alone", target.display()));
                continue;
            }
        };
        let (new, manual) = edit(&target, &old, &fixes);
        out.manual.extend(manual);
        if new != old {
            let not_writable = writable_problem(&target);
            out.files.push(FileEdit { path, target, old, new, not_writable });
        }
    }
    out
}

/// The file's new text, and the lines left for the user.
fn edit(target: &Path, old: &[u8], fixes: &FileFixes) -> (Vec<u8>, Vec<String>) {
    let mut manual = Vec::new();
    let base = fixes.replace.as_ref().map_or(old.to_vec(), |content| content.clone().into_bytes());
    // Commenting out only prefixes lines, so the original line numbers stay valid for moves.
    let mut targets: BTreeSet<usize> = fixes.comment.iter().flat_map(|r| r.start..=r.end).collect();
    targets.extend(fixes.moves.iter().flat_map(|(r, _)| r.start..=r.end));
    // By the name doctor found it under (`~/.zshrc`), not the target of a dotfile manager's link.
    let dialect = dialect_of(&fixes.named);
    targets.extend(redefinitions(&base, dialect, &targets));
    targets.extend(dependents(&base, dialect, &targets));
    let commented = comment_out(&base, dialect, &targets);
    for m in &commented.manual {
        manual.push(format!("{}:{}: {}", target.display(), m.line, m.reason));
    }
    let original = lines(&base);
    let mut text: Vec<u8> = Vec::with_capacity(commented.text.len());
    let copy = |text: &mut Vec<u8>, range: &LineRange| {
        if !text.is_empty() && !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        for line in &original[range.start - 1..range.end.min(original.len())] {
            text.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                text.push(b'\n');
            }
        }
    };
    for (index, line) in lines(&commented.text).into_iter().enumerate() {
        for (range, _) in fixes.moves.iter().filter(|(_, above)| *above == index + 1) {
            // Only moved when the original could be disabled, so it never runs twice.
            if commented.commented.iter().any(|&(s, e)| s <= range.start && range.end <= e) {
                copy(&mut text, range);
            }
        }
        text.extend_from_slice(line);
    }
    for range in &fixes.copies {
        copy(&mut text, range);
    }
    for key in &fixes.remove_keys {
        text = go_env_file::remove_key(&text, key);
    }
    for line in &fixes.append {
        let present = lines(&text).iter().any(|l| l.trim_ascii() == line.trim().as_bytes());
        if !present {
            if !text.is_empty() && !text.ends_with(b"\n") {
                text.push(b'\n');
            }
            text.extend_from_slice(line.as_bytes());
            text.push(b'\n');
        }
    }
    (text, manual)
}

/// Later lines that put `$NAME/…` in front of PATH where a disabled line set NAME: without
/// it, `export PATH="$GOROOT/bin:$PATH"` becomes `PATH=/bin:$PATH`, and the system's go
/// (`/bin/go` from golang-go) comes first.
fn dependents(text: &[u8], dialect: Dialect, targets: &BTreeSet<usize>) -> Vec<usize> {
    let constructs = startup::scan(&String::from_utf8_lossy(text), dialect);
    let disabled = |c: &startup::Construct| (c.lines.start..=c.lines.end).any(|l| targets.contains(&l));
    let mut names: Vec<(String, usize)> = Vec::new();
    for c in constructs.iter().filter(|c| disabled(c)) {
        if let Kind::Export { name, .. } = &c.kind {
            names.push((name.clone(), c.line));
        }
    }
    constructs
        .iter()
        .filter(|c| match &c.kind {
            Kind::PathEdit { entry, prepend: true } => {
                names.iter().any(|(name, line)| c.line > *line && crate::managers::mentions_variable(entry, name))
            }
            _ => false,
        })
        .flat_map(|c| c.lines.start..=c.lines.end)
        .collect()
}

/// The other definitions of a go/gofmt/cd function or alias being disabled: a shell reports
/// only the last one, and disabling it alone would bring an earlier one back to life.
fn redefinitions(text: &[u8], dialect: Dialect, targets: &BTreeSet<usize>) -> Vec<usize> {
    let constructs = startup::scan(&String::from_utf8_lossy(text), dialect);
    let name_of = |kind: &Kind| match kind {
        Kind::Function { name } | Kind::Alias { name } => Some(name.clone()),
        _ => None,
    };
    let disabled: BTreeSet<String> = constructs
        .iter()
        .filter(|c| (c.lines.start..=c.lines.end).any(|l| targets.contains(&l)))
        .filter_map(|c| name_of(&c.kind))
        .collect();
    constructs
        .iter()
        .filter(|c| name_of(&c.kind).is_some_and(|n| disabled.contains(&n)))
        .flat_map(|c| c.lines.start..=c.lines.end)
        .collect()
}

/// Why the current user may not replace `path` (the file itself and, for the rename, its
/// directory), or `None` when they may.
fn writable_problem(path: &Path) -> Option<String> {
    if path.exists() && !writable(path) {
        return Some(format!("you cannot write {}", path.display()));
    }
    // A new file's directory may not exist yet: then its nearest existing parent decides.
    let dir = path.ancestors().skip(1).find(|d| d.exists()).unwrap_or(Path::new("/"));
    (!writable(dir)).then(|| format!("you cannot write the directory {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Category;
    use std::fs;

    fn finding(fix: Fix) -> Finding {
        Finding::new("test.finding", Severity::Warning, Category::Path, "test").fix(fix)
    }

    #[test]
    fn plans_comments_moves_appends_and_env_keys_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join(".bashrc");
        fs::write(&rc, "case $- in\n  *i*) ;;\n  *) return;;\nesac\nexport GOROOT=/old\neval \"$(gover init bash)\"\n")
            .unwrap();
        let env = dir.path().join("env");
        fs::write(&env, "GOROOT=/old\nGOPROXY=direct\n").unwrap();
        let findings = [
            finding(Fix::CommentOut { file: rc.clone(), lines: LineRange::line(5) }),
            finding(Fix::MoveAbove { file: rc.clone(), lines: LineRange::line(6), above: 1 }),
            finding(Fix::RemoveGoEnvKey { file: env.clone(), key: "GOROOT".into() }),
            finding(Fix::AppendLine { file: dir.path().join("new.conf"), line: "PATH=/s:${PATH}".into() }),
            finding(Fix::Run(Argv::new(["sudo", "chown", "-R", "u:", "/x"]))),
            finding(Fix::Run(Argv::new(["sudo", "chown", "-R", "u:", "/x"]))),
            finding(Fix::Command("gover setup".into())),
        ];
        let plan = plan(&findings);
        assert_eq!(plan.files.len(), 3);
        let rc_edit = plan.files.iter().find(|f| f.path == rc).unwrap();
        assert_eq!(
            String::from_utf8(rc_edit.new.clone()).unwrap(),
            "eval \"$(gover init bash)\"\ncase $- in\n  *i*) ;;\n  *) return;;\nesac\n\
             # gover-disabled: export GOROOT=/old\n# gover-disabled: eval \"$(gover init bash)\"\n"
        );
        let env_edit = plan.files.iter().find(|f| f.path == env).unwrap();
        assert_eq!(env_edit.new, b"GOPROXY=direct\n");
        let created = plan.files.iter().find(|f| f.path.ends_with("new.conf")).unwrap();
        assert_eq!(created.new, b"PATH=/s:${PATH}\n");
        assert_eq!(plan.repairs, [Argv::new(["sudo", "chown", "-R", "u:", "/x"])]);
        assert_eq!(plan.suggestions, ["gover setup"]);
    }

    #[test]
    fn a_prepend_using_a_disabled_variable_goes_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join(".bashrc");
        fs::write(
            &rc,
            "export GOROOT=/usr/local/go\nexport PATH=\"$GOROOT/bin:$PATH\"\nexport PATH=\"$PATH:$GOROOT/misc\"\n",
        )
        .unwrap();
        let plan = plan(&[finding(Fix::CommentOut { file: rc.clone(), lines: LineRange::line(1) })]);
        assert_eq!(
            String::from_utf8(plan.files[0].new.clone()).unwrap(),
            "# gover-disabled: export GOROOT=/usr/local/go\n# gover-disabled: export PATH=\"$GOROOT/bin:$PATH\"\n\
             export PATH=\"$PATH:$GOROOT/misc\"\n",
            "an append of it is harmless and stays"
        );
    }

    #[test]
    fn repeats_the_hook_below_a_manager_line_that_stays() {
        // asdf with other plugins keeps its line; gover's hook runs again after it (a file
        // without a final newline gets one first).
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join(".bashrc");
        fs::write(&rc, "# rc\n. ~/gover-hook.bash # added by gover\n. \"$HOME/.asdf/asdf.sh\"").unwrap();
        let plan = plan(&[finding(Fix::CopyToEnd { file: rc.clone(), lines: LineRange::line(2) })]);
        assert_eq!(
            String::from_utf8(plan.files[0].new.clone()).unwrap(),
            "# rc\n. ~/gover-hook.bash # added by gover\n. \"$HOME/.asdf/asdf.sh\"\n. ~/gover-hook.bash # added by gover\n"
        );
    }

    #[test]
    fn edits_a_symlinked_file_at_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/bashrc");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, "export GOROOT=/x\n").unwrap();
        let link = dir.path().join(".bashrc");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let plan = plan(&[
            finding(Fix::CommentOut { file: link.clone(), lines: LineRange::line(1) }),
            finding(Fix::CommentOut { file: real.clone(), lines: LineRange::line(1) }),
        ]);
        assert_eq!(plan.files.len(), 1, "one file, edited once");
        assert_eq!(plan.files[0].path, link);
        assert_eq!(plan.files[0].target, fs::canonicalize(&real).unwrap());
    }

    #[test]
    fn an_already_fixed_file_plans_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join(".zshrc");
        fs::write(&rc, "# gover-disabled: export GOROOT=/x\n").unwrap();
        let plan = plan(&[finding(Fix::CommentOut { file: rc, lines: LineRange::line(1) })]);
        assert!(plan.is_empty());
    }

    #[test]
    fn notes_are_not_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join("env");
        fs::write(&env, "GOPROXY=direct\n").unwrap();
        let note = Finding::new("modules.goproxy-direct", Severity::Info, Category::Modules, "GOPROXY=direct")
            .fix(Fix::RemoveGoEnvKey { file: env, key: "GOPROXY".into() });
        assert!(plan(&[note]).is_empty());
    }
}
