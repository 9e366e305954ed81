//! `cargo xtask docs`: the book under docs/ (an mdBook) and the README that opens onto it.
//! Regenerates the references made from the code (tests/suite/docs.rs writes them), checks every
//! relative link and `#anchor` without the network, and builds the book when mdbook is
//! installed. The link check is also a test (below), so the suite fails on a broken link.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::system::on_path;
use crate::{project_root, take_flag, Result};

/// The book's sources, relative to the project root.
const SRC: &str = "docs/src";

/// `cargo xtask docs [--check]`
pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let check = take_flag(&mut args, "--check");
    if let Some(other) = args.first() {
        return Err(format!("unknown argument `{other}`\nhelp: run `cargo xtask help`"));
    }
    let root = project_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut references = Command::new(cargo);
    references.args(["test", "--quiet", "--test", "suite", "docs::"]).current_dir(&root);
    if !check {
        references.env("GOVER_BLESS", "1");
    }
    if !references.status().is_ok_and(|s| s.success()) {
        return Err(if check {
            "the generated references are stale, or tests/suite/docs.rs failed\nhelp: run `cargo xtask docs`".into()
        } else {
            "tests/suite/docs.rs failed to write the generated references".into()
        });
    }
    let problems = check_links(&root);
    if !problems.is_empty() {
        return Err(format!("{} broken link(s) in the book or README:\n{}", problems.len(), problems.join("\n")));
    }
    eprintln!("docs: the references are current and every link resolves");
    if !on_path("mdbook") {
        eprintln!("docs: mdbook is not installed, so the book was not built (cargo install mdbook --locked)");
        return Ok(());
    }
    let out = root.join("target/book");
    let built = Command::new("mdbook").arg("build").arg(root.join("docs")).arg("--dest-dir").arg(&out).status();
    if !built.is_ok_and(|s| s.success()) {
        return Err("mdbook build docs failed".into());
    }
    eprintln!("docs: the book is in {}", out.display());
    Ok(())
}

/// Every broken link in README.md and the book, as `file:line: what is wrong`; also a chapter
/// missing from SUMMARY.md and an entry of SUMMARY.md that does not exist.
pub fn check_links(root: &Path) -> Vec<String> {
    let src = root.join(SRC);
    let mut files = vec![root.join("README.md")];
    files.extend(markdown_files(&src));
    let mut problems = Vec::new();
    for file in &files {
        let Ok(page) = Page::read(file) else {
            problems.push(format!("{}: cannot read it", shown(root, file)));
            continue;
        };
        problems.extend(
            page.includes_missing
                .iter()
                .map(|(line, path)| format!("{}:{line}: includes {path}, which does not exist", shown(root, file))),
        );
        for link in &page.links {
            if let Err(problem) = resolve(file, &link.target) {
                problems.push(format!("{}:{}: link to {}: {problem}", shown(root, file), link.line, link.target));
            }
        }
    }
    let summary = src.join("SUMMARY.md");
    let listed: BTreeSet<PathBuf> = match Page::read(&summary) {
        Ok(page) => page.links.iter().map(|l| normalize(&src.join(l.target.split('#').next().unwrap_or("")))).collect(),
        Err(_) => {
            problems.push(format!("{}: missing", shown(root, &summary)));
            BTreeSet::new()
        }
    };
    for chapter in markdown_files(&src).into_iter().filter(|f| *f != summary) {
        if !listed.contains(&normalize(&chapter)) {
            problems.push(format!("{}: not in {SRC}/SUMMARY.md", shown(root, &chapter)));
        }
    }
    problems
}

/// A Markdown file as the book renders it (includes expanded): its links and heading ids.
struct Page {
    links: Vec<Link>,
    anchors: BTreeSet<String>,
    /// `{{#include}}`s naming a file that is not there, with their line.
    includes_missing: Vec<(usize, String)>,
}

struct Link {
    line: usize,
    target: String,
}

impl Page {
    fn read(file: &Path) -> std::io::Result<Page> {
        let text = fs::read_to_string(file)?;
        let dir = file.parent().unwrap_or(Path::new("."));
        let mut page = Page { links: Vec::new(), anchors: BTreeSet::new(), includes_missing: Vec::new() };
        let mut headings = Vec::new();
        let mut in_fence = false;
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
                continue;
            }
            if in_fence {
                continue;
            }
            if let Some(spec) = line.trim().strip_prefix("{{#include ").and_then(|s| s.strip_suffix("}}")) {
                // An included file's headings are this page's, and its links are read from here.
                match include(dir, spec) {
                    Some(included) => {
                        let sub = Page::from_text(&included);
                        headings.extend(sub.0);
                        page.links.extend(sub.1.into_iter().map(|target| Link { line: n, target }));
                    }
                    None => page.includes_missing.push((n, spec.to_string())),
                }
                continue;
            }
            if let Some(heading) = heading(line) {
                headings.push(heading.to_string());
            }
            page.links.extend(links(line).into_iter().map(|target| Link { line: n, target }));
        }
        page.anchors = anchors(&headings);
        Ok(page)
    }

    /// The headings and link targets of included text (no nested includes).
    fn from_text(text: &str) -> (Vec<String>, Vec<String>) {
        let (mut headings, mut targets) = (Vec::new(), Vec::new());
        let mut in_fence = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            } else if !in_fence {
                headings.extend(heading(line).map(str::to_string));
                targets.extend(links(line));
            }
        }
        (headings, targets)
    }
}

/// The text `{{#include path[:start[:end]]}}` puts in the page (lines counted from 1, both
/// ends included, as mdbook counts them); `None` when the file is not there.
fn include(dir: &Path, spec: &str) -> Option<String> {
    let mut parts = spec.split(':');
    let text = fs::read_to_string(dir.join(parts.next()?.trim())).ok()?;
    let bound = |part: Option<&str>| part.and_then(|p| p.trim().parse::<usize>().ok());
    let (start, end) = (parts.next(), parts.next());
    let first = bound(start).unwrap_or(1).max(1);
    let last = match (start, end) {
        (Some(_), Some(end)) => bound(Some(end)).unwrap_or(usize::MAX),
        (Some(s), None) if !s.is_empty() => first,
        _ => usize::MAX,
    };
    Some(text.lines().skip(first - 1).take(last.saturating_sub(first - 1)).collect::<Vec<_>>().join("\n"))
}

/// The text of an ATX heading (`## Title ##` -> `Title`).
fn heading(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches('#');
    let level = line.len() - rest.len();
    ((1..=6).contains(&level) && rest.starts_with(' ')).then(|| rest.trim().trim_end_matches('#').trim())
}

/// The ids mdbook and GitHub give headings: lower case, letters, digits, `-` and `_` kept,
/// spaces made `-`, the rest dropped; a repeated id gets `-1`, `-2`, ….
fn anchors(headings: &[String]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for heading in headings {
        let id: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let mut unique = id.clone();
        let mut n = 0;
        while ids.contains(&unique) {
            n += 1;
            unique = format!("{id}-{n}");
        }
        ids.insert(unique);
    }
    ids
}

/// The targets of the inline links `[text](target)` on a line, outside code spans.
fn links(line: &str) -> Vec<String> {
    let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    for (at, _) in prose.match_indices("](") {
        let rest = &prose[at + 2..];
        if let Some(end) = rest.find(')') {
            let target = rest[..end].split_whitespace().next().unwrap_or("");
            out.push(target.to_string());
        }
    }
    out
}

/// Whether a link from `file` leads somewhere: other sites are not followed; a relative path
/// must exist, and an `#anchor` must be a heading of the Markdown file it names.
fn resolve(file: &Path, target: &str) -> std::result::Result<(), String> {
    if target.contains("://") || target.starts_with("mailto:") {
        return Ok(());
    }
    let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
    let to = if path.is_empty() { file.to_path_buf() } else { file.parent().unwrap_or(Path::new(".")).join(path) };
    if !to.exists() {
        return Err("no such file".into());
    }
    if anchor.is_empty() {
        return Ok(());
    }
    if to.extension().is_none_or(|e| e != "md") {
        return Err("an anchor into a file that is not Markdown".into());
    }
    let page = Page::read(&to).map_err(|e| format!("cannot read it: {e}"))?;
    if page.anchors.contains(anchor) {
        Ok(())
    } else {
        Err(format!("no heading with the id `{anchor}` there"))
    }
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            out.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `path` with `.` and `..` worked out, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root).unwrap_or(file).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_and_the_readme_have_no_broken_links() {
        let problems = check_links(&project_root());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn heading_ids_are_the_ones_mdbook_and_github_make() {
        let ids = anchors(&[
            "`gover mirror`: for fleets and air-gapped networks".into(),
            "Go's settings".into(),
            "Migrating from asdf (asdf-golang)".into(),
            "Results".into(),
            "Results".into(),
        ]);
        let want =
            ["gover-mirror-for-fleets-and-air-gapped-networks", "gos-settings", "migrating-from-asdf-asdf-golang"];
        assert!(want.iter().all(|id| ids.contains(*id)), "{ids:?}");
        assert!(ids.contains("results") && ids.contains("results-1"), "{ids:?}");
    }

    #[test]
    fn links_in_code_are_not_links() {
        assert_eq!(
            links("see [a](a.md#x) and `[b](b.md)`, then [c](https://c.example \"t\")"),
            ["a.md#x", "https://c.example"]
        );
    }

    #[test]
    fn includes_take_mdbooks_line_ranges() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("f.md"), "1\n2\n3\n4\n").unwrap();
        assert_eq!(include(dir.path(), "f.md").unwrap(), "1\n2\n3\n4");
        assert_eq!(include(dir.path(), "f.md:2:").unwrap(), "2\n3\n4");
        assert_eq!(include(dir.path(), "f.md:2:3").unwrap(), "2\n3");
        assert_eq!(include(dir.path(), "f.md:3").unwrap(), "3");
        assert_eq!(include(dir.path(), "f.md::2").unwrap(), "1\n2");
        assert!(include(dir.path(), "gone.md").is_none());
    }

    /// Each kind of breakage in a small book is reported, with its file and line.
    #[test]
    fn broken_links_and_a_summary_out_of_step_are_reported() {
        let root = tempfile::tempdir().unwrap();
        let src = root.path().join(SRC);
        fs::create_dir_all(src.join("part")).unwrap();
        let write = |name: &str, text: &str| fs::write(root.path().join(name), text).unwrap();
        write("README.md", "# Door\n\n[book](docs/src/a.md#second-part) [gone](docs/src/gone.md)\n");
        write("docs/src/SUMMARY.md", "# Summary\n\n- [A](a.md)\n- [Missing](missing.md)\n");
        write(
            "docs/src/a.md",
            "# A\n\n## Second part\n\n[self](#second-part) [bad](#third) [up](../../README.md#door)\n\
             ```sh\n[not](a link)\n```\n{{#include ../../extra.md}}\n",
        );
        write("docs/src/part/orphan.md", "# Orphan\n\n[a](../a.md#nope)\n");
        let problems = check_links(root.path());
        let expected = [
            "README.md:3: link to docs/src/gone.md: no such file",
            "docs/src/a.md:5: link to #third: no heading with the id `third` there",
            "docs/src/a.md:9: includes ../../extra.md, which does not exist",
            "docs/src/SUMMARY.md:4: link to missing.md: no such file",
            "docs/src/part/orphan.md:3: link to ../a.md#nope: no heading with the id `nope` there",
            "docs/src/part/orphan.md: not in docs/src/SUMMARY.md",
        ];
        let mut got = problems.clone();
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want);
    }
}
