//! From doctor's findings to changes: the new text of each file (shown as a diff before
//! anything is written), the alternatives to remove, the commands to run, and what is left
//! to the user. Planning reads files but writes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::comment_out::comment_out;
use super::go_env_file;
use super::structure::{lines, Dialect};
use crate::doctor::env::writable;
use crate::doctor::{Finding, Fix, LineRange, Severity};

#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<FileEdit>,
    /// (group, path) pairs to remove.
    pub alternatives: Vec<(String, PathBuf)>,
    pub commands: Vec<String>,
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

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.alternatives.is_empty() && self.commands.is_empty()
    }
}

#[derive(Default)]
struct FileFixes {
    comment: Vec<LineRange>,
    moves: Vec<(LineRange, usize)>,
    append: Vec<String>,
    remove_keys: Vec<String>,
    replace: Option<String>,
}

pub fn dialect_of(path: &Path) -> Dialect {
    if path.extension().is_some_and(|e| e == "fish") {
        Dialect::Fish
    } else {
        Dialect::Posix
    }
}

/// Plans the fixes of `findings`. Notes (`info`) describe choices, not problems, so their
/// suggestions are left alone.
pub fn plan(findings: &[Finding]) -> Plan {
    let mut out = Plan::default();
    let mut per_file: BTreeMap<PathBuf, FileFixes> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.severity > Severity::Info) {
        let Some(fix) = &finding.fix else { continue };
        match fix {
            Fix::CommentOut { file, lines } => per_file.entry(file.clone()).or_default().comment.push(*lines),
            Fix::MoveAbove { file, lines, above } => {
                per_file.entry(file.clone()).or_default().moves.push((*lines, *above))
            }
            Fix::AppendLine { file, line } => per_file.entry(file.clone()).or_default().append.push(line.clone()),
            Fix::WriteFile { file, content } => {
                per_file.entry(file.clone()).or_default().replace = Some(content.clone())
            }
            Fix::RemoveGoEnvKey { file, key } => {
                per_file.entry(file.clone()).or_default().remove_keys.push(key.clone())
            }
            Fix::RemoveAlternative { name, path } => {
                let entry = (name.clone(), path.clone());
                if !out.alternatives.contains(&entry) {
                    out.alternatives.push(entry);
                }
            }
            Fix::Command(command) => {
                if !out.commands.contains(command) {
                    out.commands.push(command.clone());
                }
            }
            Fix::Manual(what) => out.manual.push(format!("{}: {what}", finding.title)),
        }
    }
    for (path, fixes) in per_file {
        let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
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
    let mut targets: std::collections::BTreeSet<usize> = fixes.comment.iter().flat_map(|r| r.start..=r.end).collect();
    targets.extend(fixes.moves.iter().flat_map(|(r, _)| r.start..=r.end));
    let commented = comment_out(&base, dialect_of(target), &targets);
    for m in &commented.manual {
        manual.push(format!("{}:{}: {}", target.display(), m.line, m.reason));
    }
    let original = lines(&base);
    let mut text: Vec<u8> = Vec::with_capacity(commented.text.len());
    for (index, line) in lines(&commented.text).into_iter().enumerate() {
        for (range, _) in fixes.moves.iter().filter(|(_, above)| *above == index + 1) {
            // Only moved when the original could be disabled, so it never runs twice.
            if commented.commented.iter().any(|&(s, e)| s <= range.start && range.end <= e) {
                for moved in &original[range.start - 1..range.end.min(original.len())] {
                    text.extend_from_slice(moved);
                    if !moved.ends_with(b"\n") {
                        text.push(b'\n');
                    }
                }
            }
        }
        text.extend_from_slice(line);
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

/// Why the current user may not replace `path` (the file itself and, for the rename, its
/// directory), or `None` when they may.
fn writable_problem(path: &Path) -> Option<String> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    if path.exists() && !writable(path) {
        return Some(format!("you cannot write {}", path.display()));
    }
    (!writable(dir)).then(|| format!("you cannot write its directory {}", dir.display()))
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
            finding(Fix::Command("sudo chown -R u: /x".into())),
            finding(Fix::Command("sudo chown -R u: /x".into())),
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
        assert_eq!(plan.commands, ["sudo chown -R u: /x"]);
    }

    #[test]
    fn edits_a_symlinked_file_at_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/bashrc");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, "export GOROOT=/x\n").unwrap();
        let link = dir.path().join(".bashrc");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let plan = plan(&[finding(Fix::CommentOut { file: link.clone(), lines: LineRange::line(1) })]);
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
