//! Shell startup files: what their lines do to Go (which files each shell reads is
//! [`crate::shell::startup`]'s table).
//!
//! [`scan`] is a pure function over a file's text, shared with the reconciler (`gover doctor
//! --fix`). It finds the gover hook, Go settings (`export GOROOT=…`), PATH edits that add a Go
//! bin directory, the init lines of other version managers, functions and aliases named
//! go/gofmt/cd, and early `return`s (Debian's `.bashrc` guard). Each construct carries the line
//! where it was found and the range to comment out so the file stays valid: a whole function,
//! or the enclosing `if` block when every statement in it would be commented out (an empty
//! `then` body is a syntax error).
//!
//! The file's shape comes from [`crate::shell::syntax`], the lexer the reconciler edits by:
//! its simple commands (quotes, comments, continuation lines, separators and block syntax
//! such as `if` conditions already dealt with; heredoc bodies and the inner lines of
//! multi-line strings are text, so doctor never reports a line `--fix` rightly leaves alone)
//! and where each block and function starts and ends. Here each command's words are read
//! for what they do to Go.

use std::path::{Path, PathBuf};

use super::LineRange;
/// Other version managers, as `gover import` knows them.
pub use crate::managers::Manager;
/// Which startup files each shell reads, as setup and implode know them too.
pub use crate::shell::startup::{Reads, StartupFile, StartupShell};
use crate::shell::syntax::{self, Block, BlockKind, Dialect};

/// Environment variables that change what go does; an `export` of one is reported.
pub const GO_SETTINGS: [&str; 20] = [
    "GOROOT",
    "GOPATH",
    "GOBIN",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GONOPROXY",
    "GOPRIVATE",
    "GOINSECURE",
    "GOFLAGS",
    "GOTOOLCHAIN",
    "GO111MODULE",
    "GOCACHE",
    "GOMODCACHE",
    "GOENV",
    "GOTMPDIR",
    "CGO_ENABLED",
    "GOOS",
    "GOARCH",
    "GOVER_HOME",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The line `gover init <shell>` wrote (or one putting gover's shims on PATH).
    GoverHook,
    /// `export NAME=value` (or `set -gx NAME value`) of one of [`GO_SETTINGS`].
    Export { name: String, value: String },
    /// A directory a PATH edit adds (as written); `prepend` when it goes before the old PATH.
    PathEdit { entry: String, prepend: bool },
    /// `ZDOTDIR=…` in a zsh file, exported or not: where zsh reads its files after `.zshenv`.
    /// A fact, not a problem.
    ZshDir { value: String },
    /// Another manager's init line (`source ~/.gvm/scripts/gvm`, `eval "$(goenv init -)"`).
    ManagerInit { manager: Manager },
    /// A function named go, gofmt or cd (its whole body).
    Function { name: String },
    /// An alias named go, gofmt or cd.
    Alias { name: String },
    /// A top-level `return`: nothing below it runs in a non-interactive shell. `lines` is
    /// the guard (`case $- in … esac`), so a line can be moved above it.
    EarlyReturn,
    /// `source FILE` / `. FILE` of anything else (so callers can follow `.bashrc` from
    /// `.bash_profile`). The path as written, quotes removed; `guarded` when it runs only
    /// under a condition (inside a block, or after a test on the same line), such as
    /// Debian's `if [ -f ~/.bash_aliases ]; then . ~/.bash_aliases; fi`.
    Source { path: String, guarded: bool },
}

/// Words fish puts before the command they run.
const FISH_PREFIXES: [&str; 5] = ["and", "or", "!", "command", "builtin"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Construct {
    pub kind: Kind,
    /// The line where it was found (the first line of a continued line).
    pub line: usize,
    /// What to comment out (or move) to neutralise it, keeping the file valid.
    pub lines: LineRange,
    /// The text of the line, trimmed.
    pub text: String,
}

impl Construct {
    /// Whether commenting this out is a fix (the hook, early returns and plain `source`
    /// lines are facts, not problems).
    pub fn is_removable(&self) -> bool {
        matches!(
            self.kind,
            Kind::Export { .. }
                | Kind::PathEdit { .. }
                | Kind::ManagerInit { .. }
                | Kind::Function { .. }
                | Kind::Alias { .. }
        )
    }
}

/// Where a command is: the lines it spans, and their text (with comments) for the report.
struct Place {
    range: LineRange,
    text: String,
}

/// The words of a simple command with quotes removed (`$VAR` kept as written).
fn words(segment: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let (mut single, mut double) = (false, false);
    let mut chars = segment.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => {
                single = !single;
                in_word = true;
            }
            '"' if !single => {
                double = !double;
                in_word = true;
            }
            '\\' if !single => {
                if let Some(next) = chars.next() {
                    cur.push(next);
                }
                in_word = true;
            }
            c if c.is_whitespace() && !single && !double => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// A statement directly inside a block: the lines of a command, or a block nested in it.
#[derive(Clone, Copy, Debug)]
enum Statement {
    Line(LineRange),
    Block(usize),
}

struct Scanner {
    dialect: Dialect,
    /// The file's blocks, as the shell syntax lexer (the one `--fix` edits by) found them.
    blocks: Vec<Block>,
    /// The statements directly inside each block.
    statements: Vec<Vec<Statement>>,
    /// The innermost block around the command being read.
    block: Option<usize>,
    found: Vec<(Construct, Option<usize>)>,
}

/// Finds what `content` (a startup file in `dialect`) does to Go. Constructs come in file order.
pub fn scan(content: &str, dialect: Dialect) -> Vec<Construct> {
    let outline = syntax::outline(content.as_bytes(), dialect);
    let text: Vec<&str> = content.lines().collect();
    let place = |start: usize, end: usize| {
        let lines = &text[(start - 1).min(text.len())..end.min(text.len())];
        let last = lines.len().saturating_sub(1);
        let joined: Vec<&str> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i < last { l.strip_suffix('\\').unwrap_or(l) } else { l })
            .collect();
        Place { range: LineRange { start, end }, text: joined.join(" ").trim().to_string() }
    };
    let mut statements = vec![Vec::new(); outline.blocks.len()];
    for (b, block) in outline.blocks.iter().enumerate() {
        if let Some(parent) = block.parent {
            statements[parent].push(Statement::Block(b));
        }
    }
    let mut s = Scanner { dialect, blocks: outline.blocks, statements, block: None, found: Vec::new() };
    for b in 0..s.blocks.len() {
        if let Some(name) = s.reported_function(b) {
            // The whole function; it belongs to the block around it, so an `if` that holds
            // only the function can go whole.
            let (name, block) = (name.to_string(), &s.blocks[b]);
            let (lines, parent) = (LineRange { start: block.start, end: block.end }, block.parent);
            s.record_in(Kind::Function { name }, &place(block.start, block.start), lines, parent);
        }
    }
    for command in &outline.commands {
        s.command_at(command, &place(command.start, command.end));
    }
    s.finish()
}

impl Scanner {
    /// The innermost block around `line` (blocks nest, and an inner one is listed later).
    fn block_at(&self, line: usize) -> Option<usize> {
        self.blocks.iter().rposition(|b| b.contains(line))
    }

    /// What runs only when a function is called is not startup behaviour.
    fn in_function(&self, line: usize) -> bool {
        self.blocks.iter().any(|b| b.contains(line) && matches!(b.kind, BlockKind::Function { .. }))
    }

    /// The name of block `b` if it is a function doctor reports: go, gofmt or cd, defined at
    /// start-up (not inside another function).
    fn reported_function(&self, b: usize) -> Option<&str> {
        let BlockKind::Function { name } = &self.blocks[b].kind else { return None };
        let nested = std::iter::successors(self.blocks[b].parent, |&p| self.blocks[p].parent)
            .any(|p| matches!(self.blocks[p].kind, BlockKind::Function { .. }));
        (matches!(name.as_str(), "go" | "gofmt" | "cd") && !nested).then_some(name.as_str())
    }

    /// Whether the command runs only under a condition: inside a block, or after a test.
    fn guarded(&self, line: &Place) -> bool {
        self.block.is_some() || ["[ ", "[[ ", "test "].iter().any(|t| line.text.contains(t))
    }

    fn record(&mut self, kind: Kind, line: &Place) {
        self.record_in(kind, line, line.range, self.block);
    }

    fn record_in(&mut self, kind: Kind, line: &Place, lines: LineRange, block: Option<usize>) {
        let construct = Construct { kind, line: line.range.start, lines, text: line.text.trim().to_string() };
        if !self.found.iter().any(|(c, _)| c.line == construct.line && c.kind == construct.kind) {
            self.found.push((construct, block));
        }
    }

    fn command_at(&mut self, command: &syntax::Command, line: &Place) {
        self.block = self.block_at(command.start);
        if line.text.contains("g-install") && line.text.contains('#') {
            // stefanmaric/g marks its line with a trailing `# g-install: do NOT edit` comment.
            self.record(Kind::ManagerInit { manager: Manager::G }, line);
        }
        let w = words(&command.text);
        // fish's `and`/`or` prefix the real command.
        let prefixes = if self.dialect == Dialect::Fish {
            w.iter().take_while(|f| FISH_PREFIXES.contains(&f.as_str())).count()
        } else {
            0
        };
        if w.len() == prefixes {
            return;
        }
        self.command(&w[prefixes..], &command.text, line);
        // A command on a line that opens a block is part of the block's syntax, not a
        // statement of its own.
        let opens_block = self.blocks.iter().any(|b| line.range.contains(b.start));
        if !opens_block {
            if let Some(b) = self.block {
                self.statements[b].push(Statement::Line(line.range));
            }
        }
    }

    /// What a command (its words `w`, its code `segment`) does to Go.
    fn command(&mut self, w: &[String], segment: &str, line: &Place) {
        if self.in_function(line.range.start) {
            return;
        }
        // `gover setup`'s line carries its marker comment.
        if crate::shell::rc::has_line(&line.text)
            || segment.contains("gover init")
            || segment.contains("gover/shims")
            || segment.contains("gover env")
        {
            self.record(Kind::GoverHook, line);
            return;
        }
        let first = w[0].as_str();
        if let Some(manager) = Manager::of_setup_line(segment) {
            self.record(Kind::ManagerInit { manager }, line);
            return;
        }
        match (self.dialect, first) {
            (_, "return") => self.record(Kind::EarlyReturn, line),
            (_, "source" | ".") if w.len() > 1 => {
                self.record(Kind::Source { path: w[1].clone(), guarded: self.guarded(line) }, line)
            }
            (_, "alias") => {
                for arg in &w[1..] {
                    let name = arg.split('=').next().unwrap_or("");
                    if matches!(name, "go" | "gofmt" | "cd") {
                        self.record(Kind::Alias { name: name.to_string() }, line);
                        break;
                    }
                }
            }
            (Dialect::Posix | Dialect::Zsh, "export" | "declare" | "typeset" | "readonly") => {
                for arg in w[1..].iter().filter(|a| !a.starts_with('-')) {
                    if let Some((name, value)) = arg.split_once('=') {
                        self.assignment(name, value, line);
                    }
                }
            }
            (Dialect::Posix | Dialect::Zsh, _) if w.iter().all(|a| is_assignment(a)) => {
                for arg in w {
                    let (name, value) = arg.split_once('=').unwrap_or_default();
                    self.assignment(name, value, line);
                }
            }
            (Dialect::Fish, "set") => self.fish_set(&w[1..], line),
            (Dialect::Fish, "fish_add_path") => {
                let append = w.iter().any(|a| a == "-a" || a == "--append");
                for dir in w[1..].iter().filter(|a| !a.starts_with('-')) {
                    self.path_entry(dir, !append, line);
                }
            }
            _ => {}
        }
    }

    fn assignment(&mut self, name: &str, value: &str, line: &Place) {
        if name == "PATH" {
            let entries: Vec<&str> = value.split(':').collect();
            let old = entries.iter().position(|e| matches!(*e, "$PATH" | "${PATH}"));
            for (i, entry) in entries.iter().enumerate() {
                self.path_entry(entry, old.is_none_or(|o| i < o), line);
            }
        } else if GO_SETTINGS.contains(&name) {
            self.record(Kind::Export { name: name.to_string(), value: value.to_string() }, line);
        } else if name == "ZDOTDIR" && self.dialect == Dialect::Zsh {
            self.record(Kind::ZshDir { value: value.to_string() }, line);
        }
    }

    fn fish_set(&mut self, args: &[String], line: &Place) {
        let flags: Vec<&String> = args.iter().take_while(|a| a.starts_with('-')).collect();
        let rest = &args[flags.len()..];
        let Some((name, values)) = rest.split_first() else { return };
        let exported = flags.iter().any(|f| f.starts_with('-') && !f.starts_with("--") && f.contains('x'))
            || flags.iter().any(|f| *f == "--export");
        let prepend_flag = flags.iter().any(|f| *f == "--prepend" || (!f.starts_with("--") && f.contains('p')));
        let append_flag = flags.iter().any(|f| *f == "--append" || (!f.starts_with("--") && f.contains('a')));
        if name == "PATH" || name == "fish_user_paths" {
            let old = values.iter().position(|v| v == "$PATH" || v == "$fish_user_paths");
            for (i, value) in values.iter().enumerate() {
                let prepend = !append_flag && (prepend_flag || old.is_none_or(|o| i < o));
                self.path_entry(value, prepend, line);
            }
        } else if exported && GO_SETTINGS.contains(&name.as_str()) {
            self.record(Kind::Export { name: name.clone(), value: values.join(" ") }, line);
        }
    }

    fn path_entry(&mut self, entry: &str, prepend: bool, line: &Place) {
        if entry.contains("gover/shims") {
            self.record(Kind::GoverHook, line);
        } else if !entry.is_empty() && !matches!(entry, "$PATH" | "${PATH}" | "$fish_user_paths") {
            self.record(Kind::PathEdit { entry: entry.to_string(), prepend }, line);
        }
    }

    /// Widens each removable construct's range to the enclosing blocks whose every statement
    /// would be commented out (an emptied body is a syntax error); an early return's range
    /// is its guard, the outermost block around it.
    fn finish(mut self) -> Vec<Construct> {
        let removable: Vec<LineRange> =
            self.found.iter().filter(|(c, _)| c.is_removable()).map(|(c, _)| c.lines).collect();
        let mut memo = vec![None; self.blocks.len()];
        let mut out = Vec::with_capacity(self.found.len());
        for (mut c, block) in std::mem::take(&mut self.found) {
            let enclosing = std::iter::successors(block, |&b| self.blocks[b].parent);
            if c.kind == Kind::EarlyReturn {
                if let Some(guard) = enclosing.last() {
                    c.lines = LineRange { start: self.blocks[guard].start, end: self.blocks[guard].end };
                }
            } else if c.is_removable() {
                for b in enclosing {
                    if self.blocks[b].kind == BlockKind::Case || !self.covered(b, &removable, &mut memo) {
                        break;
                    }
                    c.lines = LineRange { start: self.blocks[b].start, end: self.blocks[b].end };
                }
            }
            out.push(c);
        }
        out.sort_by_key(|c| c.line);
        out
    }

    /// Whether every statement of block `b` would be commented out.
    fn covered(&self, b: usize, removable: &[LineRange], memo: &mut Vec<Option<bool>>) -> bool {
        if let Some(known) = memo[b] {
            return known;
        }
        let result = if matches!(self.blocks[b].kind, BlockKind::Function { .. }) {
            self.reported_function(b).is_some()
        } else {
            !self.statements[b].is_empty()
                && self.statements[b].iter().all(|s| match *s {
                    Statement::Line(range) => removable.contains(&range),
                    Statement::Block(inner) => self.covered(inner, removable, memo),
                })
        };
        memo[b] = Some(result);
        result
    }
}

/// The file a `source FILE` / `. FILE` line (a manager's, say) reads, as written.
pub fn sourced_file(text: &str) -> Option<String> {
    let w = words(text);
    (matches!(w.first()?.as_str(), "source" | ".") && w.len() > 1).then(|| w[1].clone())
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// `$NAME`, `${NAME}` and `${NAME:-default}` in `text` replaced by `lookup`; `None` when a
/// variable without a default is unknown or the text uses other expansions (`$(…)`).
pub fn expand_vars(text: &str, lookup: impl Fn(&str) -> Option<String> + Copy) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, default, tail) = if let Some(braced) = after.strip_prefix('{') {
            let mut depth = 1;
            let end = braced.char_indices().find_map(|(i, c)| {
                depth += match c {
                    '{' => 1,
                    '}' => -1,
                    _ => 0,
                };
                (depth == 0).then_some(i)
            })?;
            let inner = &braced[..end];
            match inner.split_once(":-").or_else(|| inner.split_once('-')) {
                Some((name, default)) => (name, Some(default), &braced[end + 1..]),
                None => (inner, None, &braced[end + 1..]),
            }
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..end], None, &after[end..])
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        match (lookup(name).filter(|v| !v.is_empty() || default.is_none()), default) {
            (Some(value), _) => out.push_str(&value),
            (None, Some(default)) => out.push_str(&expand_vars(default, lookup)?),
            (None, None) => return None,
        }
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// A path as written in a startup file, `~` and variables expanded (`lookup`); `None` when a
/// variable is unset or the result is not absolute.
pub fn expand_path(written: &str, home: &Path, lookup: impl Fn(&str) -> Option<String> + Copy) -> Option<PathBuf> {
    let text = expand_vars(written, lookup)?;
    let text = match text.strip_prefix("~/") {
        Some(rest) => format!("{}/{rest}", home.display()),
        None => text,
    };
    text.starts_with('/').then(|| PathBuf::from(text))
}

/// PATH entries that hold (or usually hold) a `go` other than gover's.
pub fn looks_like_go_bin(entry: &str) -> bool {
    const MARKS: [&str; 15] = [
        "/go/bin",
        "go/bin",
        "$GOROOT",
        "${GOROOT}",
        "$GOPATH",
        "${GOPATH}",
        "$GOBIN",
        "${GOBIN}",
        "/usr/lib/go",
        ".gvm/",
        ".goenv/",
        ".asdf/",
        "sdk/go",
        "/.g/",
        "/.go/bin",
    ];
    MARKS.iter().any(|m| entry.contains(m)) || entry.contains("mise/installs/go")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(content: &str, dialect: Dialect) -> Vec<(Kind, usize, LineRange)> {
        scan(content, dialect).into_iter().map(|c| (c.kind, c.line, c.lines)).collect()
    }

    fn r(start: usize, end: usize) -> LineRange {
        LineRange { start, end }
    }

    #[test]
    fn finds_exports_path_edits_and_the_hook() {
        let rc = "# ~/.bashrc\nexport GOROOT=/usr/local/go # old\nexport PATH=\"$GOROOT/bin:$PATH\"\n\
                  export PATH=$PATH:$HOME/go/bin\neval \"$(gover init bash)\"\nGOPROXY=off\nFOO=1 go build\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![
                (Kind::Export { name: "GOROOT".into(), value: "/usr/local/go".into() }, 2, r(2, 2)),
                (Kind::PathEdit { entry: "$GOROOT/bin".into(), prepend: true }, 3, r(3, 3)),
                (Kind::PathEdit { entry: "$HOME/go/bin".into(), prepend: false }, 4, r(4, 4)),
                (Kind::GoverHook, 5, r(5, 5)),
                (Kind::Export { name: "GOPROXY".into(), value: "off".into() }, 6, r(6, 6)),
            ]
        );
    }

    #[test]
    fn the_line_gover_setup_writes_is_the_hook() {
        let rc = "if [ -r \"$HOME/.local/share/gover/shell/hook.bash\" ]; then . \"$HOME/.local/share/gover/shell/hook.bash\"; fi # added by gover (gover implode removes it)\n";
        assert_eq!(kinds(rc, Dialect::Posix), vec![(Kind::GoverHook, 1, r(1, 1))]);
        let rc =
            "test -r /g/shell/hook.fish; and source /g/shell/hook.fish # added by gover (gover implode removes it)\n";
        assert_eq!(kinds(rc, Dialect::Fish), vec![(Kind::GoverHook, 1, r(1, 1))]);
    }

    #[test]
    fn comments_and_quotes_hide_nothing_and_invent_nothing() {
        let rc = "# export GOROOT=/x\necho 'export GOROOT=/y'\necho \"a # b\"; export GOSUMDB=off\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![(Kind::Export { name: "GOSUMDB".into(), value: "off".into() }, 3, r(3, 3))]
        );
    }

    #[test]
    fn heredoc_bodies_and_multi_line_strings_are_data() {
        assert_eq!(kinds("cat <<EOF\nexport GOROOT=/x\nEOF\n", Dialect::Posix), vec![]);
        let rc = "cat >/dev/null <<-'END'\n\texport GOPATH=/y\n\tEND\nNOTE=\"two\nexport GOROOT=/in/a/string\n\"\n\
                  X='a\nexport PATH=/usr/local/go/bin:$PATH\n'\nY=$'b\nexport GOSUMDB=off\n'\nexport GOPROXY=off\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![(Kind::Export { name: "GOPROXY".into(), value: "off".into() }, 13, r(13, 13))]
        );
        // Code after the string closes runs.
        let rc = "NOTE=\"two\nlines\"; export GOROOT=/x\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![(Kind::Export { name: "GOROOT".into(), value: "/x".into() }, 2, r(2, 2))]
        );
        let fish = "set -l note \"a\nset -gx GOROOT /x\n\"\nset -gx GOPATH /y\n";
        assert_eq!(
            kinds(fish, Dialect::Fish),
            vec![(Kind::Export { name: "GOPATH".into(), value: "/y".into() }, 4, r(4, 4))]
        );
    }

    #[test]
    fn a_brace_in_a_heredoc_does_not_end_the_function() {
        // The `}` line is the heredoc's text: the function ends at line 6, and the export in
        // it runs only when go is called.
        let rc = "go() {\n  cat <<EOF\n}\nEOF\n  export GOROOT=/x\n}\n";
        assert_eq!(kinds(rc, Dialect::Posix), vec![(Kind::Function { name: "go".into() }, 1, r(1, 6))]);
    }

    #[test]
    fn functions_are_whole_ranges() {
        let rc = "go() {\n  command go \"$@\"\n}\nfunction gofmt {\n  if true; then\n    echo x\n  fi\n}\nother() { export GOROOT=/x; }\ncd () { builtin cd \"$@\"; }\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![
                (Kind::Function { name: "go".into() }, 1, r(1, 3)),
                (Kind::Function { name: "gofmt".into() }, 4, r(4, 8)),
                (Kind::Function { name: "cd".into() }, 10, r(10, 10)),
            ]
        );
    }

    #[test]
    fn blocks_are_where_the_shell_sees_them() {
        // A `}` that is an argument does not end the function, so the export in its body
        // is no startup export.
        let rc = "go() {\n  echo }\n  export GOROOT=/x\n}\nexport GOPATH=/y\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![
                (Kind::Function { name: "go".into() }, 1, r(1, 4)),
                (Kind::Export { name: "GOPATH".into(), value: "/y".into() }, 5, r(5, 5)),
            ]
        );
        // The body's brace on a line of its own.
        let rc = "gofmt ()\n{\n  command gofmt -s \"$@\"\n}\nfunction go() {\n  :\n}\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![
                (Kind::Function { name: "gofmt".into() }, 1, r(1, 4)),
                (Kind::Function { name: "go".into() }, 5, r(5, 7))
            ]
        );
        // An `fi` in a string closes nothing: the block ends at line 4 and holds only the
        // exports, so it goes whole.
        let rc = "if [ -d /opt/go ]; then\n  export GOROOT=/opt/go GOFLAGS='-tags=a\nfi'\nfi\n";
        let found = kinds(rc, Dialect::Posix);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|(_, line, lines)| *line == 2 && *lines == r(1, 4)), "{found:?}");
    }

    #[test]
    fn conditions_are_not_commands_and_groups_are() {
        // The second test of the condition is no gvm init line; the group's export runs.
        let rc = "if [ -n \"$BASH\" ] && [ -s \"$HOME/.gvm/scripts/gvm\" ]; then\n  echo gvm is there\nfi\n\
                  { export GOROOT=/x; } 2>/dev/null\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![(Kind::Export { name: "GOROOT".into(), value: "/x".into() }, 4, r(4, 4))]
        );
    }

    #[test]
    fn if_blocks_widen_only_when_emptied() {
        let rc = "if [ -s \"$HOME/.gvm/scripts/gvm\" ]; then\n  source \"$HOME/.gvm/scripts/gvm\"\nfi\n\
                  if [ -d /opt/go ]; then\n  export GOROOT=/opt/go\n  echo keep\nfi\n\
                  [[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![
                (Kind::ManagerInit { manager: Manager::Gvm }, 2, r(1, 3)),
                (Kind::Export { name: "GOROOT".into(), value: "/opt/go".into() }, 5, r(5, 5)),
                (Kind::ManagerInit { manager: Manager::Gvm }, 8, r(8, 8)),
            ]
        );
    }

    #[test]
    fn nested_blocks_widen_to_the_outermost_emptied_one() {
        let rc = "if [ -n \"$BASH\" ]; then\n  if [ -d ~/.goenv ]; then\n    export GOENV_ROOT=\"$HOME/.goenv\"\n    \
                  eval \"$(goenv init -)\"\n  fi\nfi\n";
        let found = kinds(rc, Dialect::Posix);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|(_, _, lines)| *lines == r(1, 6)), "{found:?}");
    }

    #[test]
    fn debian_guard_is_an_early_return_range() {
        let rc = "# ~/.bashrc\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\nalias ll='ls -l'\n\
                  eval \"$(gover init bash)\"\n";
        assert_eq!(kinds(rc, Dialect::Posix), vec![(Kind::EarlyReturn, 4, r(2, 5)), (Kind::GoverHook, 7, r(7, 7))]);
        let rc = "[ -z \"$PS1\" ] && return\n";
        assert_eq!(kinds(rc, Dialect::Posix), vec![(Kind::EarlyReturn, 1, r(1, 1))]);
        // A return inside a function is not a guard.
        assert_eq!(kinds("f() {\n  return 1\n}\n", Dialect::Posix), vec![]);
    }

    #[test]
    fn continuation_lines_are_one_statement() {
        let rc = "export PATH=/usr/local/go/bin:\\\n$PATH\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![(Kind::PathEdit { entry: "/usr/local/go/bin".into(), prepend: true }, 1, r(1, 2))]
        );
        // The shell removes a backslash-newline: `/b` is an entry of the same word.
        let rc = "export PATH=/a:\\\n/b:$PATH\n";
        assert_eq!(
            kinds(rc, Dialect::Posix),
            vec![
                (Kind::PathEdit { entry: "/a".into(), prepend: true }, 1, r(1, 2)),
                (Kind::PathEdit { entry: "/b".into(), prepend: true }, 1, r(1, 2)),
            ]
        );
    }

    #[test]
    fn manager_lines_and_aliases() {
        let rc = ". \"$HOME/.asdf/asdf.sh\"\neval \"$(goenv init -)\"\neval \"$(mise activate zsh)\"\nalias go='go1.21'\n\
                  export GOPATH=\"$HOME/go\"; export GOROOT=\"$HOME/.go\"; export PATH=\"$GOPATH/bin:$PATH\"; # g-install: do NOT edit\n\
                  . ~/.bashrc\n";
        let found = kinds(rc, Dialect::Posix);
        assert_eq!(found[0].0, Kind::ManagerInit { manager: Manager::Asdf });
        assert_eq!(found[1].0, Kind::ManagerInit { manager: Manager::Goenv });
        assert_eq!(found[2].0, Kind::ManagerInit { manager: Manager::Mise });
        assert_eq!(found[3].0, Kind::Alias { name: "go".into() });
        assert!(found.iter().any(|f| f.0 == Kind::ManagerInit { manager: Manager::G } && f.1 == 5));
        assert!(found.iter().any(|f| f.0 == Kind::Export { name: "GOROOT".into(), value: "$HOME/.go".into() }));
        assert_eq!(found.last().unwrap().0, Kind::Source { path: "~/.bashrc".into(), guarded: false });
    }

    #[test]
    fn fish_config() {
        let rc = "set -gx GOROOT /usr/local/go\nfish_add_path /usr/local/go/bin\nset -gx PATH $PATH ~/go/bin\n\
                  if status is-interactive\n    gover init fish | source\nend\nfunction go\n    command go $argv\nend\n\
                  status --is-interactive; and source (goenv init -|psub)\n";
        assert_eq!(
            kinds(rc, Dialect::Fish),
            vec![
                (Kind::Export { name: "GOROOT".into(), value: "/usr/local/go".into() }, 1, r(1, 1)),
                (Kind::PathEdit { entry: "/usr/local/go/bin".into(), prepend: true }, 2, r(2, 2)),
                (Kind::PathEdit { entry: "~/go/bin".into(), prepend: false }, 3, r(3, 3)),
                (Kind::GoverHook, 5, r(5, 5)),
                (Kind::Function { name: "go".into() }, 7, r(7, 9)),
                (Kind::ManagerInit { manager: Manager::Goenv }, 10, r(10, 10)),
            ]
        );
    }

    #[test]
    fn expands_variables_with_word_boundaries() {
        let lookup = |name: &str| match name {
            "HOME" => Some("/h".to_string()),
            "GOPATH" => Some("/h/go".to_string()),
            _ => None,
        };
        assert_eq!(expand_vars("$HOME/go/bin", lookup).as_deref(), Some("/h/go/bin"));
        assert_eq!(expand_vars("${GOPATH}/bin:$HOME", lookup).as_deref(), Some("/h/go/bin:/h"));
        assert_eq!(expand_vars("$HOMEDIR/bin", lookup), None);
        assert_eq!(expand_vars("${GOPATH:-/x}/bin", lookup).as_deref(), Some("/h/go/bin"));
        assert_eq!(expand_vars("${ASDF_DATA_DIR:-$HOME/.asdf}/shims", lookup).as_deref(), Some("/h/.asdf/shims"));
        assert_eq!(expand_vars("${NOPE:-${HOME}/x}", lookup).as_deref(), Some("/h/x"));
        assert_eq!(expand_vars("$(go env GOPATH)/bin", lookup), None);
        assert_eq!(expand_vars("/usr/local/go/bin", lookup).as_deref(), Some("/usr/local/go/bin"));
    }

    #[test]
    fn a_zsh_files_zdotdir_is_a_fact_not_a_problem() {
        let found = scan("export ZDOTDIR=\"$HOME/.config/zsh\"\n", Dialect::Zsh);
        assert_eq!(found[0].kind, Kind::ZshDir { value: "$HOME/.config/zsh".into() });
        assert!(!found[0].is_removable());
        assert!(scan("ZDOTDIR=/z\n", Dialect::Posix).is_empty());
    }
}
