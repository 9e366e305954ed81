//! Planning an rc-file edit: comment out the statements on some lines, never delete them,
//! and never leave a block half commented.
//!
//! Each disabled line gets [`MARKER`] at column 0 and keeps every byte it had (indentation,
//! `\r\n`, a missing final newline), so the edit is exactly reversible and a second run can
//! see what is already done.

use std::collections::BTreeSet;

use crate::shell::syntax::{self, Dialect, Node};

/// Prefixed to every line gover disables. A comment in every shell we edit.
pub const MARKER: &[u8] = b"# gover-disabled: ";

#[derive(Debug, PartialEq, Eq)]
pub struct Edit {
    /// The file after the edit (equal to the input when nothing could be done).
    pub text: Vec<u8>,
    /// Commented statements as 1-based inclusive line ranges, in file order.
    pub commented: Vec<(usize, usize)>,
    /// Lines the user has to edit by hand, and why.
    pub manual: Vec<Manual>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Manual {
    pub line: usize,
    pub reason: String,
}

pub fn is_disabled(line: &[u8]) -> bool {
    line.starts_with(MARKER)
}

/// Comments out the statements that contain the `targets` lines (1-based). A target inside a
/// block goes alone when the block keeps a command in that body; when it would leave a body
/// empty, the whole block goes if nothing else lives in it, else the line is left for the
/// user. A target on a block's first line (`go() {`, `if [ -d ~/.gvm ]; then`) takes the
/// whole block. Lines already disabled are left as they are.
pub fn comment_out(text: &[u8], dialect: Dialect, targets: &BTreeSet<usize>) -> Edit {
    let lines = syntax::lines(text);
    let targets: BTreeSet<usize> =
        targets.iter().copied().filter(|&n| n >= 1 && n <= lines.len() && !is_disabled(lines[n - 1])).collect();
    let unchanged = |manual| Edit { text: text.to_vec(), commented: Vec::new(), manual };
    if targets.is_empty() {
        return unchanged(Vec::new());
    }
    let parsed = match syntax::parse(text, dialect) {
        Ok(parsed) => parsed,
        Err(err) => {
            let reason =
                format!("gover cannot follow this file's syntax ({} at line {}); edit it by hand", err.what, err.line);
            return unchanged(targets.iter().map(|&line| Manual { line, reason: reason.clone() }).collect());
        }
    };
    // A heredoc body or a multi-line string is data: a match there is no command to disable.
    let targets: BTreeSet<usize> = targets.difference(&parsed.text_lines).copied().collect();
    let mut planner = Planner { targets: &targets, commented: Vec::new(), manual: Vec::new() };
    for child in &parsed.root.children {
        planner.decide(child);
    }
    let Planner { mut commented, mut manual, .. } = planner;
    commented.sort();
    manual.sort_by_key(|m| m.line);

    let mut out = Vec::with_capacity(text.len() + commented.len() * MARKER.len());
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if !is_disabled(line) && commented.iter().any(|&(s, e)| (s..=e).contains(&number)) {
            out.extend_from_slice(MARKER);
        }
        out.extend_from_slice(line);
    }
    Edit { text: out, commented, manual }
}

struct Planner<'a> {
    targets: &'a BTreeSet<usize>,
    commented: Vec<(usize, usize)>,
    manual: Vec<Manual>,
}

impl Planner<'_> {
    fn targets_in(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        self.targets.range(from..=to).copied()
    }

    /// Targets on the block's own lines (its syntax), not inside one of its statements.
    fn own_targets(&self, node: &Node) -> Vec<usize> {
        self.targets_in(node.start, node.end).filter(|&l| !node.children.iter().any(|c| c.contains(l))).collect()
    }

    /// Whether the whole statement should be commented out.
    fn whole(&self, node: &Node) -> bool {
        if !node.is_block() {
            return self.targets_in(node.start, node.end).next().is_some();
        }
        if self.own_targets(node).contains(&node.start) {
            return true;
        }
        !node.children.is_empty() && node.children.iter().all(|c| self.whole(c))
    }

    fn decide(&mut self, node: &Node) {
        if self.targets_in(node.start, node.end).next().is_none() {
            return;
        }
        if self.whole(node) {
            self.commented.push((node.start, node.end));
            return;
        }
        for line in self.own_targets(node) {
            self.manual.push(Manual {
                line,
                reason: format!(
                    "this line is part of the block on lines {}-{}, which holds other commands; edit it by hand",
                    node.start, node.end
                ),
            });
        }
        // The bodies of the block: its statements between two lines of its own syntax.
        let mut bodies: Vec<Vec<&Node>> = Vec::new();
        let mut previous_end = node.start;
        for child in &node.children {
            let split = bodies.is_empty() || node.structural.range(previous_end..child.start).next().is_some();
            if split {
                bodies.push(Vec::new());
            }
            bodies.last_mut().expect("pushed above").push(child);
            previous_end = child.end;
        }
        for body in bodies {
            if body.iter().all(|c| self.whole(c)) {
                let (first, last) = (body[0].start, body[body.len() - 1].end);
                for line in self.targets_in(first, last).collect::<Vec<_>>() {
                    self.manual.push(Manual {
                        line,
                        reason: format!(
                            "commenting it out would leave the block on lines {}-{} with an empty body, \
                             and the block holds other commands; edit it by hand",
                            node.start, node.end
                        ),
                    });
                }
            } else {
                for child in body {
                    self.decide(child);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::syntax::lines;

    fn run(text: &str, dialect: Dialect, targets: &[usize]) -> (String, Vec<(usize, usize)>, Vec<usize>) {
        let edit = comment_out(text.as_bytes(), dialect, &targets.iter().copied().collect());
        (String::from_utf8(edit.text).unwrap(), edit.commented, edit.manual.iter().map(|m| m.line).collect())
    }

    fn sh(text: &str, targets: &[usize]) -> (String, Vec<(usize, usize)>, Vec<usize>) {
        run(text, Dialect::Posix, targets)
    }

    #[test]
    fn comments_a_simple_line_and_keeps_every_byte() {
        let (text, ranges, manual) = sh("a=1\r\n  export GOROOT=/usr/local/go\r\nb=2", &[2]);
        assert_eq!(text, "a=1\r\n# gover-disabled:   export GOROOT=/usr/local/go\r\nb=2");
        assert_eq!(ranges, vec![(2, 2)]);
        assert!(manual.is_empty());
        let (text, _, _) = sh("export GOROOT=/x", &[1]);
        assert_eq!(text, "# gover-disabled: export GOROOT=/x");
    }

    #[test]
    fn a_second_run_changes_nothing() {
        let (once, _, _) = sh("export GOROOT=/x\n", &[1]);
        let (twice, ranges, manual) = sh(&once, &[1]);
        assert_eq!(once, twice);
        assert!(ranges.is_empty() && manual.is_empty());
    }

    #[test]
    fn takes_continuation_lines_and_heredocs_with_their_command() {
        let text = "export PATH=/usr/local/go/bin:\\\n$PATH\ncat >x <<'EOF'\nexport GOROOT=/y\nEOF\necho done\n";
        assert_eq!(sh(text, &[1]).1, vec![(1, 2)]);
        assert_eq!(sh(text, &[2]).1, vec![(1, 2)]);
        assert_eq!(sh(text, &[3]).1, vec![(3, 5)]);
        assert_eq!(sh(text, &[3, 4]).1, vec![(3, 5)]);
        // Only a heredoc body line: that is text, not a command.
        assert_eq!(sh(text, &[4]).1, vec![]);
        let tabs = "cat <<-END\n\tgo\n\tEND\nx\n";
        assert_eq!(sh(tabs, &[1]).1, vec![(1, 3)]);
    }

    #[test]
    fn comments_an_if_block_whose_only_command_is_targeted() {
        let text =
            "if [ -s \"$HOME/.gvm/scripts/gvm\" ]; then\n  source \"$HOME/.gvm/scripts/gvm\"\nfi\nalias ll='ls -l'\n";
        let (out, ranges, manual) = sh(text, &[2]);
        assert_eq!(ranges, vec![(1, 3)]);
        assert!(manual.is_empty());
        assert!(out.ends_with("# gover-disabled: fi\nalias ll='ls -l'\n"));
    }

    #[test]
    fn comments_one_line_of_a_block_that_keeps_a_body() {
        let text = "if true; then\n  export GOROOT=/x\n  alias ll='ls -l'\nfi\n";
        assert_eq!(sh(text, &[2]).1, vec![(2, 2)]);
    }

    #[test]
    fn reports_a_line_whose_removal_would_empty_one_branch() {
        let text = "if [ -d /a ]; then\n  export GOROOT=/a\nelse\n  echo other\nfi\n";
        let (out, ranges, manual) = sh(text, &[2]);
        assert_eq!(out, text);
        assert!(ranges.is_empty());
        assert_eq!(manual, vec![2]);
    }

    #[test]
    fn reports_a_closing_line_of_a_block_with_other_commands() {
        let text = "case $- in\n  *i*) export GOROOT=/x ;;\n  *) return;;\nesac\n";
        let (out, _, manual) = sh(text, &[2]);
        assert_eq!(out, text);
        assert_eq!(manual, vec![2]);
    }

    #[test]
    fn a_function_header_takes_the_whole_function() {
        let text = "go() {\n  if [ \"$1\" = x ]; then\n    echo }\n  fi\n  command go \"$@\"\n}\nls\n";
        assert_eq!(sh(text, &[1]).1, vec![(1, 6)]);
        let keyword = "function gofmt\n{\n  echo 'a { b'\n}\n";
        assert_eq!(sh(keyword, &[1]).1, vec![(1, 4)]);
        let compact = "cd () { builtin cd \"$@\" && echo; }\nls\n";
        assert_eq!(sh(compact, &[1]).1, vec![(1, 1)]);
    }

    #[test]
    fn nested_blocks_are_handled_from_the_inside() {
        let text = "if [ -n \"$PS1\" ]; then\n  if [ -d ~/.goenv ]; then\n    eval \"$(goenv init -)\"\n  fi\n  PS1='> '\nfi\n";
        assert_eq!(sh(text, &[3]).1, vec![(2, 4)]);
    }

    #[test]
    fn quotes_and_substitutions_spanning_lines() {
        let text =
            "x=\"a\nb\"\nexport GOROOT=\"$(dirname \"$(dirname \"$(readlink -f\n$(command -v go))\")\")\"\ny=1\n";
        assert_eq!(sh(text, &[3]).1, vec![(3, 4)]);
        assert_eq!(sh(text, &[1]).1, vec![(1, 2)]);
        assert_eq!(sh(text, &[2]).1, vec![], "inside a string");
        // A command after the string closes: the statement goes whole.
        assert_eq!(sh("x=\"a\nb\"; export GOROOT=/x\ny=1\n", &[2]).1, vec![(1, 2)]);
    }

    #[test]
    fn words_that_only_look_like_keywords() {
        let text = "echo if then fi\nx='fi'\n# if\nfor done in a; do\n  echo $done\ndone\nexport GOROOT=/x\n";
        assert_eq!(sh(text, &[7]).1, vec![(7, 7)]);
        assert_eq!(sh(text, &[5]).1, vec![(4, 6)]);
    }

    #[test]
    fn an_unbalanced_file_is_left_alone() {
        let text = "if true; then\n  export GOROOT=/x\n";
        let (out, _, manual) = sh(text, &[2]);
        assert_eq!(out, text);
        assert_eq!(manual, vec![2]);
    }

    /// Statements real startup files are made of, and their tricky corners.
    const PIECES: &[&str] = &[
        "export GOROOT=/usr/local/go",
        "# a comment; if then fi {",
        "alias ll='ls -l' # trailing comment",
        "if [ -d ~/.goenv ]; then\n  eval \"$(goenv init -)\"\nfi",
        "if true; then\n  a=1\n  export GOROOT=/x\nelif false; then\n  b=2\nelse\n  c=3\nfi",
        "go() {\n  echo '}'\n  command go \"$@\"\n}",
        "function cd {\n  builtin cd \"$@\" || return\n}",
        "cat <<-EOF >/dev/null\n\tfi }\n\tEOF",
        "X=\"multi\nline $(echo \"(\")\"",
        "export PATH=/a:\\\n/b:$PATH",
        "case \"$1\" in\n  a|b) echo a ;;\n  *)\n    echo other\n    ;;\nesac",
        "while read -r l; do\n  echo \"$l\"\ndone <<'END'\nx\nEND",
        "( cd /tmp && echo sub )",
        "{ echo grouped; echo more; } > /dev/null",
        "for f in ~/.bashrc.d/*; do [ -r \"$f\" ] && . \"$f\"; done",
        "arr=(one two\nthree)",
        "",
    ];

    /// Whether the shell's own syntax check (`bash -n`, `fish --no-execute`) accepts `text`.
    /// Without the shell installed, false: the checks that need it do not run, and the skip is
    /// recorded where `cargo xtask test` lists skips (tests/suite/common/skip.rs does the same for
    /// the integration tests); under CI=true, where every program is installed, it fails.
    fn parses(shell: &str, text: &[u8]) -> bool {
        use std::io::Write;
        let check = if shell == "fish" { "--no-execute" } else { "-n" };
        let spawned = std::process::Command::new(shell)
            .arg(check)
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return record_missing(shell),
            Err(e) => panic!("cannot run {shell}: {e}"),
        };
        child.stdin.take().unwrap().write_all(text).unwrap();
        child.wait().unwrap().success()
    }

    fn record_missing(shell: &str) -> bool {
        use std::io::Write;
        let test = std::thread::current().name().unwrap_or("?").to_string();
        let reason = format!("`{shell}` is not installed");
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"), "{test}: {reason}, and CI=true");
        let file = std::env::var_os("GOVER_TEST_SKIPS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/skipped-tests.txt"));
        let line = format!("gover::{test}\t{reason}\n");
        let written = std::fs::OpenOptions::new().create(true).append(true).open(&file);
        written.and_then(|mut f| f.write_all(line.as_bytes())).expect("record the skip");
        eprintln!("skipped: {test}: {reason}");
        false
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Whatever lines are targeted: only markers are added, a second run changes nothing,
        /// and a file bash could parse still parses.
        #[test]
        fn commenting_out_is_lossless_idempotent_and_keeps_the_file_valid(
            picks in proptest::collection::vec(0..PIECES.len(), 1..8),
            targets in proptest::collection::btree_set(1usize..40, 0..6),
            final_newline: bool,
        ) {
            let mut text = picks.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join("\n");
            if final_newline {
                text.push('\n');
            }
            let edit = comment_out(text.as_bytes(), Dialect::Posix, &targets);
            let out = lines(&edit.text);
            let input = lines(text.as_bytes());
            proptest::prop_assert_eq!(out.len(), input.len());
            for (after, before) in out.iter().zip(&input) {
                proptest::prop_assert!(after == before || after.strip_prefix(MARKER) == Some(before));
            }
            let again = comment_out(&edit.text, Dialect::Posix, &targets);
            proptest::prop_assert_eq!(&again.text, &edit.text);
            if parses("bash", text.as_bytes()) {
                proptest::prop_assert!(
                    parses("bash", &edit.text),
                    "broke the file:\n{}",
                    String::from_utf8_lossy(&edit.text)
                );
            }
        }
    }

    /// Pieces where doctor and the reconciler could read a file differently.
    const DISAGREEMENTS: &[&str] = &[
        "go() {\n  echo }\n  export GOROOT=/in/a/function\n}",
        "x=\"a\nexport GOROOT=/in/a/string\n\"; export GOPATH=/after/a/string",
        "cat <<EOF; export GOFLAGS=-mod=mod\nexport GOROOT=/in/a/heredoc\nfi }\nEOF",
        "[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\" # and a; comment",
        "if [ -d /opt/go ]; then export GOROOT=/opt/go; fi",
        "if true\nthen export GOROOT=/x\nfi",
        "command -v goenv >/dev/null 2>&1 && eval \"$(goenv init -)\"",
        "export GOPATH=\"$HOME/go\"; export PATH=\"$GOPATH/bin:$PATH\"; # g-install: do NOT edit",
        "alias go='go1.21' ll='ls -l'",
        "if [ -n \"$BASH\" ] && [ -s \"$HOME/.gvm/scripts/gvm\" ]; then\n  echo gvm is there\nfi",
        "{ export GOROOT=/in/a/group; } 2>/dev/null",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// What doctor reports as removable, commenting out disables, or hands to the user:
        /// doctor never reports a line the fix cannot act on.
        #[test]
        fn what_doctor_reports_the_fix_disables_or_hands_to_the_user(
            picks in proptest::collection::vec(0..PIECES.len() + DISAGREEMENTS.len(), 1..8),
            fish_picks in proptest::collection::vec(0..FISH_PIECES.len(), 1..6),
            fish: bool,
        ) {
            let (text, dialect) = if fish {
                (fish_picks.iter().map(|&i| FISH_PIECES[i]).collect::<Vec<_>>().join("\n") + "\n", Dialect::Fish)
            } else {
                let piece = |i: usize| if i < PIECES.len() { PIECES[i] } else { DISAGREEMENTS[i - PIECES.len()] };
                (picks.iter().map(|&i| piece(i)).collect::<Vec<_>>().join("\n") + "\n", Dialect::Posix)
            };
            let removable = |text: &[u8]| -> Vec<crate::doctor::startup::Construct> {
                let constructs = crate::doctor::startup::scan(&String::from_utf8_lossy(text), dialect);
                constructs.into_iter().filter(|c| c.is_removable()).collect()
            };
            let targets: BTreeSet<usize> =
                removable(text.as_bytes()).iter().flat_map(|c| c.lines.start..=c.lines.end).collect();
            let edit = comment_out(text.as_bytes(), dialect, &targets);
            for c in removable(&edit.text) {
                proptest::prop_assert!(
                    edit.manual.iter().any(|m| c.lines.contains(m.line)),
                    "still reported after the fix, and not handed to the user: {c:?}\n{}",
                    String::from_utf8_lossy(&edit.text)
                );
            }
        }
    }

    const FISH_PIECES: &[&str] = &[
        "set -gx GOROOT /usr/local/go",
        "# if end",
        "if status is-interactive\n  source (goenv init - | psub)\nelse if test -d /x\n  set -gx GOROOT /x\nelse\n  echo other\nend",
        "function go --wraps go\n  echo 'end'\n  command go $argv\nend",
        "switch (uname)\n  case Linux\n    set -gx PATH /usr/lib/go/bin $PATH\n  case '*'\n    echo other\nend",
        "for p in /a /b\n  fish_add_path $p\nend",
        "begin\n  set -l x \"multi\nline\"\nend",
        "set -gx PATH /usr/local/go/bin \\\n  $PATH",
        "",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(60))]

        #[test]
        fn fish_files_stay_valid(
            picks in proptest::collection::vec(0..FISH_PIECES.len(), 1..6),
            targets in proptest::collection::btree_set(1usize..30, 0..5),
        ) {
            let text = picks.iter().map(|&i| FISH_PIECES[i]).collect::<Vec<_>>().join("\n") + "\n";
            let edit = comment_out(text.as_bytes(), Dialect::Fish, &targets);
            let again = comment_out(&edit.text, Dialect::Fish, &targets);
            proptest::prop_assert_eq!(&again.text, &edit.text);
            if parses("fish", text.as_bytes()) {
                proptest::prop_assert!(parses("fish", &edit.text), "broke the file:\n{}", String::from_utf8_lossy(&edit.text));
            }
        }
    }

    #[test]
    fn fish_blocks() {
        let text = "if status is-interactive\n  source (goenv init - | psub)\nelse if test -d /x\n  set -gx GOROOT /x\nend\nfunction go --wraps go\n  command go $argv\nend\nset -gx PATH /usr/local/go/bin $PATH\n";
        let (_, ranges, manual) = run(text, Dialect::Fish, &[2, 6, 9]);
        assert_eq!(ranges, vec![(6, 8), (9, 9)]);
        assert_eq!(manual, vec![2]);
        let all = run(text, Dialect::Fish, &[2, 4]).1;
        assert_eq!(all, vec![(1, 5)]);
    }
}
