//! The syntax of shell startup files (`.bashrc`, `.zshrc`, `.profile`, `config.fish`), line by
//! line: which lines form one statement (a command with its continuation lines and heredoc
//! bodies, or a whole `if`/`for`/`case`/function block), which lines are a block's own syntax
//! (`if …; then`, `else`, `fi`, `go() {`, `}`), and which lines are data (heredoc bodies, the
//! inner lines of a multi-line string) rather than code.
//!
//! Doctor reads startup files and the reconciler edits them; both take the file's shape from
//! here, so a line doctor reports is a line `gover doctor --fix` can act on. The reconciler
//! needs the shape to comment out a line without breaking the file: a line inside a block can
//! go alone only if the block keeps a body; a block's header or closing line can only go with
//! the whole block. It is a lexer for the parts of sh/bash/zsh and fish that decide where
//! statements start and end (quotes, escapes, `$(…)`, heredocs, keywords in command
//! position), not a full parser; anything it cannot follow is an error, and the caller then
//! leaves the file to the user. A parser crate was tried on the real-world fixtures
//! (tests/fixtures/startup): brush-parser 0.4, bash's grammar, rejects prezto's `.zprofile`
//! (zsh glob qualifiers) and zsh's `go() { echo hi }`, which this lexer reads with zsh's rules.

mod cursor;
mod fish;
mod lexer;
mod posix;

use std::collections::BTreeSet;

use serde::Serialize;

use lexer::Lexer;

/// The syntax a startup file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// sh and bash.
    Posix,
    /// zsh: sh's syntax with zsh's rules where they differ in startup files: a lone `}` closes
    /// a `{` block anywhere on a line (`go() { echo hi }`), `&!` and `&|` end a command in the
    /// background, and `() { … }` is an anonymous function, run at once.
    Zsh,
    Fish,
}

/// One statement (1-based, inclusive line numbers). A simple command has no `structural`
/// lines and no `children`; a block lists the statements of its bodies as `children` and the
/// lines of its own syntax as `structural`. Blank and comment lines belong to neither.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub children: Vec<Node>,
    pub structural: BTreeSet<usize>,
}

impl Node {
    pub fn contains(&self, line: usize) -> bool {
        (self.start..=self.end).contains(&line)
    }

    pub fn is_block(&self) -> bool {
        !self.structural.is_empty() || !self.children.is_empty()
    }
}

/// Where the lexer lost track of the file's syntax, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Unbalanced {
    pub line: usize,
    /// What went wrong there ("if block never closed", "unmatched )").
    pub what: String,
}

/// Splits `text` into lines, each with its terminator (`\n`, `\r\n`, or none at the end).
pub fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// A file's statements, and which of its lines are data rather than code.
#[derive(Debug)]
pub struct Parsed {
    /// The top-level statements, as the children of a node spanning the file.
    pub root: Node,
    /// Lines that are text, never run: heredoc bodies, and lines that start inside a quoted
    /// string unless a command starts on them after the string closes (`b"; export X=1`).
    pub text_lines: BTreeSet<usize>,
}

pub fn parse(text: &[u8], dialect: Dialect) -> Result<Parsed, Unbalanced> {
    let (mut lexer, line_count) = lex(text, dialect);
    let text_lines = std::mem::take(&mut lexer.text_lines);
    Ok(Parsed { root: lexer.finish(line_count)?, text_lines })
}

/// A compound command (1-based, inclusive line numbers), as doctor needs to know them: what
/// runs at start-up and what only when a function is called, and which block a line is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub start: usize,
    pub end: usize,
    /// The index of the enclosing block in [`Outline::blocks`].
    pub parent: Option<usize>,
}

impl Block {
    pub fn contains(&self, line: usize) -> bool {
        (self.start..=self.end).contains(&line)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    If,
    /// `for`, `while`, `until`, `select`.
    Loop,
    /// sh's `case`, fish's `switch`.
    Case,
    /// `{ …; }`, `( … )`, fish's `begin`.
    Group,
    /// A function definition; its body runs only when it is called.
    Function {
        name: String,
    },
}

/// A simple command (`export GOROOT=/x`; `[ -r f ] && . f` is two): its code, without
/// comments, with continued lines joined. Block syntax is none: keywords (`then`, `fi`),
/// conditions (`if [ -d x ]`), `for` lists, `case` words and patterns, function headers, a
/// closed block's redirections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The lines it spans (1-based, inclusive): a multi-line string or `$(…)` widens it.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A file's blocks and commands, as far as the lexer could follow the file: doctor reports
/// on files the reconciler would refuse to edit, so an unbalanced file still has an outline
/// (blocks left open end at the last line; past a point the lexer cannot follow, nothing is
/// known).
#[derive(Debug)]
pub struct Outline {
    /// Every block, an enclosing one before the blocks inside it.
    pub blocks: Vec<Block>,
    /// The simple commands outside `$(…)` and quotes, in file order (none in heredoc bodies
    /// or strings: those are text).
    pub commands: Vec<Command>,
}

pub fn outline(text: &[u8], dialect: Dialect) -> Outline {
    let (mut lexer, line_count) = lex(text, dialect);
    for frame in &lexer.frames {
        if let Some(b) = frame.block {
            lexer.blocks[b].end = line_count;
        }
    }
    if let Some(start) = lexer.open_command.take() {
        lexer.commands.push((start, (line_count, usize::MAX)));
    }
    let all = lines(text);
    let commands = lexer
        .commands
        .iter()
        .map(|&((start, from), (end, to))| {
            let mut code = Vec::new();
            for n in start..=end {
                let line = all[n - 1].strip_suffix(b"\n").unwrap_or(all[n - 1]);
                let to = if n == end { to.min(line.len()) } else { line.len() };
                let from = if n == start { from.min(to) } else { 0 };
                let line = &line[from..to];
                if n < end && lexer.continued_lines.contains(&n) {
                    // A backslash-newline is removed, as the shell does.
                    code.extend_from_slice(line.strip_suffix(b"\\").unwrap_or(line));
                } else {
                    code.extend_from_slice(line);
                    if n < end {
                        code.push(b'\n');
                    }
                }
            }
            Command { start, end, text: String::from_utf8_lossy(code.trim_ascii()).into_owned() }
        })
        .collect();
    Outline { blocks: lexer.blocks, commands }
}

/// Runs the lexer over every line; returns it and the number of lines.
fn lex(text: &[u8], dialect: Dialect) -> (Lexer, usize) {
    let mut lexer = Lexer::new(dialect);
    let all = lines(text);
    for (index, line) in all.iter().enumerate() {
        lexer.line(index + 1, line);
    }
    for &((line, _), _) in &lexer.commands {
        lexer.text_lines.remove(&line);
    }
    (lexer, all.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, dialect: Dialect) -> Vec<(BlockKind, usize, usize, Option<usize>)> {
        outline(text.as_bytes(), dialect).blocks.into_iter().map(|b| (b.kind, b.start, b.end, b.parent)).collect()
    }

    fn function(name: &str) -> BlockKind {
        BlockKind::Function { name: name.into() }
    }

    #[test]
    fn outlines_posix_blocks_and_functions() {
        let text = "if [ -n \"$PS1\" ]; then\n  go() {\n    echo }\n  }\nfi\ncase $- in\n  *i*) ;;\nesac\n\
                    gofmt ()\n{\n  :\n}\nfunction cd() { builtin cd \"$@\"; }\nfor d in a; do ( echo \"$d\" ); done\n";
        assert_eq!(
            blocks(text, Dialect::Posix),
            vec![
                (BlockKind::If, 1, 5, None),
                (function("go"), 2, 4, Some(0)),
                (BlockKind::Case, 6, 8, None),
                (function("gofmt"), 9, 12, None),
                (function("cd"), 13, 13, None),
                (BlockKind::Loop, 14, 14, None),
                (BlockKind::Group, 14, 14, Some(5)),
            ]
        );
    }

    #[test]
    fn outlines_fish_blocks() {
        let text =
            "function go --wraps go\n  command go $argv\nend\nif status is-interactive\n  switch x\n  case y\n  end\n\
                    else if true\nend\nbegin; end\n";
        assert_eq!(
            blocks(text, Dialect::Fish),
            vec![
                (function("go"), 1, 3, None),
                (BlockKind::If, 4, 9, None),
                (BlockKind::Case, 5, 7, Some(1)),
                (BlockKind::Group, 10, 10, None),
            ]
        );
    }

    fn commands(text: &str, dialect: Dialect) -> Vec<(usize, usize, String)> {
        outline(text.as_bytes(), dialect).commands.into_iter().map(|c| (c.start, c.end, c.text)).collect()
    }

    #[test]
    fn splits_simple_commands_without_block_syntax() {
        let text = "[ -r f ] && . f # a; comment\nexport PATH=/a:\\\n$PATH\nx=\"a;\nb\" y=$(a; b) z=`c | d`\n\
                    cmd >/dev/null 2>&1 | tee x; ( cd / )\ncase $- in\n  *i*) echo \"$(x)\";;\nesac\ncat <<EOF\nno; command\nEOF\n";
        assert_eq!(
            commands(text, Dialect::Posix),
            vec![
                (1, 1, "[ -r f ]".to_string()),
                (1, 1, ". f".to_string()),
                (2, 3, "export PATH=/a:$PATH".to_string()),
                (4, 5, "x=\"a;\nb\" y=$(a; b) z=`c | d`".to_string()),
                (6, 6, "cmd >/dev/null 2>&1".to_string()),
                (6, 6, "tee x".to_string()),
                (6, 6, "cd /".to_string()),
                (8, 8, "echo \"$(x)\"".to_string()),
                (10, 10, "cat <<EOF".to_string()),
            ]
        );
        // Keywords, conditions, `for` lists and function headers are the blocks' syntax.
        let text = "if [ -d a ] && [ -s ~/.gvm/scripts/gvm ]; then . a; elif b; then c; else d; fi\n\
                    while read -r l; do e; done < f\nfor x in y z; do g; done\n{ h; } >/dev/null\n\
                    go() { i; }\nfunction cd { j; }\ncase $1 in a) k;; esac\n";
        let found: Vec<String> = commands(text, Dialect::Posix).into_iter().map(|c| c.2).collect();
        assert_eq!(found, [". a", "c", "d", "e", "g", "h", "i", "j", "k"].map(String::from));
        let fish = "status is-interactive; and source (goenv init - | psub) # x\nset -gx PATH \\\n  /a $PATH\n";
        assert_eq!(
            commands(fish, Dialect::Fish),
            vec![
                (1, 1, "status is-interactive".to_string()),
                (1, 1, "and source (goenv init - | psub)".to_string()),
                (2, 3, "set -gx PATH   /a $PATH".to_string()),
            ]
        );
        let fish = "if test -d ~/.gvm; a; else if b; c; else; d; end\nfunction go --wraps go; e; end\n\
                    switch x; case y; f; end\nfor p in q; g; end; begin; h; end\n";
        let found: Vec<String> = commands(fish, Dialect::Fish).into_iter().map(|c| c.2).collect();
        assert_eq!(found, ["a", "c", "d", "e", "f", "g", "h"].map(String::from));
    }

    #[test]
    fn zsh_rules_for_zsh_files() {
        // A lone `}` closes the block anywhere in zsh; in bash it is an argument.
        let text = "go() { echo hi }\nexport GOROOT=/x\n";
        assert!(parse(text.as_bytes(), Dialect::Posix).is_err());
        assert_eq!(
            blocks(text, Dialect::Zsh),
            vec![(function("go"), 1, 1, None)],
            "the function is one line; the export after it runs at start-up"
        );
        assert_eq!(commands(text, Dialect::Zsh), vec![(1, 1, "echo hi".into()), (2, 2, "export GOROOT=/x".into())]);
        // prezto's zlogin: a group sent to the background with `&!`; the next line is its own.
        let text = "{\n  zcompile x\n} &!\nexport PATH=/x:$PATH\n";
        let found: Vec<String> = commands(text, Dialect::Zsh).into_iter().map(|c| c.2).collect();
        assert_eq!(found, ["zcompile x", "export PATH=/x:$PATH"]);
        let text = "sleep 1 &|\nexport A=1\n";
        assert_eq!(commands(text, Dialect::Zsh).len(), 2);
        // An anonymous function runs at once: a group, not a function.
        let text = "() {\n  local x=1\n  export GOROOT=$x\n}\n";
        assert_eq!(blocks(text, Dialect::Zsh), vec![(BlockKind::Group, 1, 4, None)]);
        // `}` as part of a word, or quoted, closes nothing.
        let text = "f() {\n  echo a} '}' \\}\n}\n";
        assert_eq!(blocks(text, Dialect::Zsh), vec![(function("f"), 1, 3, None)]);
    }

    #[test]
    fn text_lines_and_an_unbalanced_file() {
        let text = "cat <<EOF\nfi }\nEOF\nx='a\nb'\ny=\"c\nd\"; e\n";
        assert_eq!(parse(text.as_bytes(), Dialect::Posix).unwrap().text_lines, BTreeSet::from([2, 3, 5]));
        let found: Vec<String> = commands(text, Dialect::Posix).into_iter().map(|c| c.2).collect();
        assert_eq!(found, ["cat <<EOF", "x='a\nb'", "y=\"c\nd\"", "e"].map(String::from));
        let text = "x=1\nif true; then\n  go() {\n";
        assert!(parse(text.as_bytes(), Dialect::Posix).is_err());
        let open: Vec<(usize, usize)> =
            outline(text.as_bytes(), Dialect::Posix).blocks.iter().map(|b| (b.start, b.end)).collect();
        assert_eq!(open, vec![(2, 3), (3, 3)], "open blocks end at the last line");
    }
}
