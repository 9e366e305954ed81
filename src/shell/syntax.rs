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

use std::collections::BTreeSet;

use serde::Serialize;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Root,
    If,
    Loop,
    Case {
        seen_in: bool,
        in_pattern: bool,
    },
    Brace,
    Subshell,
    /// fish's function/if/while/for/begin/switch, all closed by `end`.
    FishBlock {
        switch: bool,
    },
    // Inline frames: inside one word, never blocks of their own.
    Single,
    DollarSingle,
    Double,
    Backtick,
    /// `$(…)`, `(…)` inside a word, `$((…))`; fish's `(…)`.
    Paren,
    /// `${…}`
    Param,
}

impl Kind {
    fn is_quote(self) -> bool {
        matches!(self, Kind::Single | Kind::DollarSingle | Kind::Double | Kind::Backtick)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Root => "file",
            Kind::If => "if block",
            Kind::Loop => "loop",
            Kind::Case { .. } => "case block",
            Kind::Brace => "{ } block",
            Kind::Subshell => "( ) subshell",
            Kind::FishBlock { .. } => "block",
            Kind::Single | Kind::DollarSingle => "single quote",
            Kind::Double => "double quote",
            Kind::Backtick => "backquote",
            Kind::Paren => "parenthesis",
            Kind::Param => "${ }",
        }
    }
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    /// Inside a word (a quote, `$(…)`) or nested in such a frame: no structure of its own.
    inline: bool,
    opened_at: usize,
    children: Vec<Node>,
    structural: BTreeSet<usize>,
    /// The statement being read in this frame's body: its first line and the blocks closed
    /// inside it so far.
    current: Option<Node>,
    /// This frame's entry in [`Lexer::blocks`] (frames with structure, but the root).
    block: Option<usize>,
}

impl Frame {
    fn new(kind: Kind, inline: bool, line: usize) -> Frame {
        Frame {
            kind,
            inline,
            opened_at: line,
            children: Vec::new(),
            structural: BTreeSet::new(),
            current: None,
            block: None,
        }
    }
}

struct Lexer {
    dialect: Dialect,
    frames: Vec<Frame>,
    /// Heredoc delimiters announced on the current line (with `<<-` tab stripping).
    announced: Vec<(Vec<u8>, bool)>,
    /// Heredoc bodies still to read, in order.
    bodies: Vec<(Vec<u8>, bool)>,
    command_position: bool,
    /// The line ended in `&&`, `||` or `|`.
    pending_operator: bool,
    /// A backslash escaped the newline.
    continued: bool,
    /// `name()` or `function name` was read and the body has not started.
    function_pending: bool,
    /// The name of that function, and the line its definition starts on (`go ()` may have
    /// its `{` on the next line).
    function_name: String,
    function_start: usize,
    /// The last word read (sh): the name, when `()` follows it after a space.
    last_word: Vec<u8>,
    /// fish: the function block whose name is the next word.
    naming: Option<usize>,
    /// sh: the next word names a function (after `function`) or a loop variable, so it is no
    /// keyword. fish: the last word was `else`, so an `if` continues the block.
    skip_keyword: bool,
    error: Option<Unbalanced>,
    text_lines: BTreeSet<usize>,
    blocks: Vec<Block>,
    /// Where the command being read starts (line, byte), outside quotes and `$(…)`.
    open_command: Option<(usize, usize)>,
    /// The words being read are a block's header (`if`/`while` conditions, a `for` list, the
    /// word of a `case`, a fish function's name and options), no command of their own.
    header: bool,
    /// A block was just closed: what follows up to the next separator redirects it
    /// (`done < file`), no command of its own.
    after_close: bool,
    /// Each command's start and end (line, byte).
    commands: Vec<((usize, usize), (usize, usize))>,
    /// Lines ending in a backslash that continues them.
    continued_lines: BTreeSet<usize>,
}

impl Lexer {
    fn new(dialect: Dialect) -> Lexer {
        Lexer {
            dialect,
            frames: vec![Frame::new(Kind::Root, false, 0)],
            announced: Vec::new(),
            bodies: Vec::new(),
            command_position: true,
            pending_operator: false,
            continued: false,
            function_pending: false,
            function_name: String::new(),
            function_start: 0,
            last_word: Vec::new(),
            naming: None,
            skip_keyword: false,
            error: None,
            text_lines: BTreeSet::new(),
            blocks: Vec::new(),
            open_command: None,
            header: false,
            after_close: false,
            commands: Vec::new(),
            continued_lines: BTreeSet::new(),
        }
    }

    fn top(&self) -> Kind {
        self.frames.last().expect("the root frame is never popped").kind
    }

    /// The innermost frame that has structure: statements of the current line belong to it.
    fn block_index(&self) -> usize {
        self.frames.iter().rposition(|f| !f.inline).expect("the root frame has structure")
    }

    fn in_inline(&self) -> bool {
        self.frames.last().is_some_and(|f| f.inline)
    }

    /// Content was seen on `line`: the current statement has started, if it had not.
    fn content(&mut self, line: usize) {
        let i = self.block_index();
        let frame = &mut self.frames[i];
        if frame.current.is_none() {
            frame.current = Some(Node { start: line, end: line, ..Node::default() });
        }
    }

    fn push(&mut self, kind: Kind, line: usize) {
        let inline = kind.is_quote() || matches!(kind, Kind::Paren | Kind::Param) || self.in_inline();
        let mut frame = Frame::new(kind, inline, line);
        if !inline {
            self.content(line);
            let function = std::mem::take(&mut self.function_pending);
            frame.structural.insert(line);
            let kind = match kind {
                Kind::If => BlockKind::If,
                Kind::Loop => BlockKind::Loop,
                Kind::Case { .. } | Kind::FishBlock { switch: true } => BlockKind::Case,
                Kind::Brace | Kind::Subshell if function => {
                    BlockKind::Function { name: std::mem::take(&mut self.function_name) }
                }
                // fish_word names its blocks once they are pushed.
                _ => BlockKind::Group,
            };
            let start = if function { self.function_start } else { line };
            let parent = self.frames.iter().rev().find_map(|f| f.block);
            frame.block = Some(self.blocks.len());
            self.blocks.push(Block { kind, start, end: line, parent });
        }
        self.frames.push(frame);
    }

    /// A word starts at (`line`, `at`): a command starts there unless one is being read.
    fn word_starts(&mut self, line: usize, at: usize) {
        self.content(line);
        self.pending_operator = false;
        if !self.in_inline() && self.open_command.is_none() {
            self.open_command = Some((line, at));
        }
    }

    /// The command being read (outside quotes and `$(…)`) ends before (`line`, `at`).
    fn end_command(&mut self, line: usize, at: usize) {
        if self.in_inline() {
            return;
        }
        if let Some(start) = self.open_command.take().filter(|_| !self.header && !self.after_close) {
            self.commands.push((start, (line, at)));
        }
        self.after_close = false;
        if self.dialect == Dialect::Fish {
            // A fish block's header is the rest of its first command.
            self.header = false;
        }
    }

    /// The word just read is a keyword, not (the start of) a command; what follows is a
    /// block's header when `header`.
    fn keyword(&mut self, header: bool) {
        self.open_command = None;
        self.header = header;
    }

    /// A backslash at `body[i]`, in code: it continues the line when it is the last
    /// character, else it escapes the next one, which joins the word. Returns the index
    /// after them.
    fn backslash(&mut self, body: &[u8], i: usize, word: &mut Vec<u8>, plain: &mut bool) -> usize {
        if i + 1 == body.len() {
            self.continued = true;
            return i + 1;
        }
        *plain = false;
        word.extend_from_slice(&body[i..i + 2]);
        i + 2
    }

    /// A function definition starts on `line`, unless one already started.
    fn function_definition(&mut self, line: usize) {
        if !self.function_pending {
            self.function_start = line;
        }
        self.function_pending = true;
    }

    fn mark_structural(&mut self, line: usize) {
        if let Some(frame) = self.frames.last_mut().filter(|f| !f.inline) {
            frame.structural.insert(line);
        }
    }

    fn pop(&mut self, line: usize) {
        let mut frame = self.frames.pop().expect("pop only above the root");
        if frame.inline {
            return;
        }
        if let Some(b) = frame.block {
            self.blocks[b].end = line;
        }
        frame.structural.insert(line);
        if let Some(pending) = frame.current.take() {
            // A statement that shares a line with the block's closing syntax (`echo; }`).
            frame.structural.extend(pending.start..=line);
        }
        let i = self.block_index();
        let parent = self.frames[i].current.as_mut().expect("a block opens inside a statement");
        parent.children.extend(frame.children);
        parent.structural.extend(frame.structural);
    }

    fn fail(&mut self, line: usize, what: &'static str) {
        if self.error.is_none() {
            self.error = Some(Unbalanced { line, what: what.to_string() });
        }
    }

    fn line(&mut self, number: usize, text: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if !self.bodies.is_empty() || self.top().is_quote() {
            self.text_lines.insert(number);
        }
        if let Some((delimiter, strip_tabs)) = self.bodies.first().cloned() {
            let mut body = text.strip_suffix(b"\n").unwrap_or(text);
            body = body.strip_suffix(b"\r").unwrap_or(body);
            if strip_tabs {
                while let Some(rest) = body.strip_prefix(b"\t") {
                    body = rest;
                }
            }
            if body == delimiter.as_slice() {
                self.bodies.remove(0);
            }
            self.end_of_line(number);
            return;
        }
        self.continued = false;
        match self.dialect {
            Dialect::Posix | Dialect::Zsh => self.posix_line(number, text),
            Dialect::Fish => self.fish_line(number, text),
        }
        if self.continued {
            self.continued_lines.insert(number);
        } else {
            self.end_command(number, usize::MAX);
        }
        self.bodies.append(&mut self.announced);
        if !self.continued && !self.top().is_quote() && !self.pending_operator {
            self.command_position = true;
            self.skip_keyword = false;
        }
        self.end_of_line(number);
    }

    /// Completes the current statement when nothing keeps it open past this line.
    fn end_of_line(&mut self, number: usize) {
        let open = self.in_inline()
            || !self.bodies.is_empty()
            || self.continued
            || self.pending_operator
            || self.function_pending;
        if open {
            return;
        }
        let i = self.block_index();
        let frame = &mut self.frames[i];
        let Some(mut node) = frame.current.take() else { return };
        node.end = number;
        if (node.start..=number).any(|l| frame.structural.contains(&l)) {
            // It shares a line with the block's own syntax (`then echo hi`): it goes with the block.
            frame.structural.extend(node.start..=number);
        } else {
            frame.children.push(node);
        }
    }

    fn finish(mut self, last_line: usize) -> Result<Node, Unbalanced> {
        if let Some(err) = self.error.take() {
            return Err(err);
        }
        if !self.bodies.is_empty() {
            return Err(Unbalanced { line: last_line, what: "heredoc without its end line".into() });
        }
        if self.frames.len() > 1 {
            let frame = self.frames.last().expect("checked above");
            return Err(Unbalanced { line: frame.opened_at, what: format!("{} never closed", frame.kind.name()) });
        }
        let root = self.frames.pop().expect("the root frame");
        if let Some(node) = root.current {
            return Err(Unbalanced { line: node.start, what: "statement continued past the end of the file".into() });
        }
        Ok(Node { start: 1, end: last_line.max(1), children: root.children, structural: BTreeSet::new() })
    }

    // ---- sh, bash, zsh ----

    fn posix_line(&mut self, number: usize, text: &[u8]) {
        let body = text.strip_suffix(b"\n").unwrap_or(text);
        let mut i = 0;
        let mut word: Vec<u8> = Vec::new();
        // Whether the word being read is plain text (so it may be a keyword).
        let mut plain = true;
        let mut word_at_command = false;
        let mut word_start = 0;
        while i < body.len() {
            let c = body[i];
            match self.top() {
                Kind::Single => {
                    if c == b'\'' {
                        self.frames.pop();
                    }
                    i += 1;
                    continue;
                }
                // Quotes in which a backslash escapes the next character, the closing one too.
                kind @ (Kind::DollarSingle | Kind::Backtick) => {
                    let closing = if kind == Kind::Backtick { b'`' } else { b'\'' };
                    if c == b'\\' {
                        i += 2;
                    } else {
                        if c == closing {
                            self.frames.pop();
                        }
                        i += 1;
                    }
                    continue;
                }
                Kind::Double => {
                    match c {
                        b'\\' if i + 1 == body.len() => {
                            self.continued = true;
                            i += 1;
                        }
                        b'\\' => i += 2,
                        b'"' => {
                            self.frames.pop();
                            i += 1;
                        }
                        b'`' => {
                            self.push(Kind::Backtick, number);
                            i += 1;
                        }
                        b'$' if body.get(i + 1) == Some(&b'(') => {
                            self.push(Kind::Paren, number);
                            self.command_position = true;
                            word.clear();
                            plain = true;
                            i += 2;
                        }
                        b'$' if body.get(i + 1) == Some(&b'{') => {
                            self.push(Kind::Param, number);
                            i += 2;
                        }
                        _ => i += 1,
                    }
                    continue;
                }
                _ => {}
            }
            // Code: top-level, a block body, `$(…)` or `${…}`.
            let at_word_start = word.is_empty();
            if at_word_start && matches!(c, b' ' | b'\t' | b'\r') {
                i += 1;
                continue;
            }
            if at_word_start && c == b'#' {
                self.end_command(number, i);
                break;
            }
            if c == b'(' && !at_word_start && body.get(i + 1) == Some(&b')') && plain && !word.contains(&b'=') {
                // `name()`: a function definition; its body follows.
                self.function_name = String::from_utf8_lossy(&word).into_owned();
                self.keyword(false);
                word.clear();
                self.skip_keyword = false;
                self.function_definition(number);
                self.command_position = true;
                i += 2;
                continue;
            }
            let is_meta = matches!(c, b' ' | b'\t' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b')')
                || (c == b'(' && at_word_start);
            if is_meta {
                if !word.is_empty() {
                    self.posix_word_at(number, &word, plain, word_at_command, word_start);
                    word.clear();
                    plain = true;
                }
                i = self.posix_operator(number, body, i);
                continue;
            }
            if at_word_start {
                word_at_command = self.command_position;
                word_start = i;
                self.word_starts(number, i);
            }
            match c {
                b'\\' => i = self.backslash(body, i, &mut word, &mut plain),
                b'\'' => {
                    plain = false;
                    word.push(c);
                    self.push(Kind::Single, number);
                    i += 1;
                }
                b'"' => {
                    plain = false;
                    word.push(c);
                    self.push(Kind::Double, number);
                    i += 1;
                }
                b'`' => {
                    plain = false;
                    word.push(c);
                    self.push(Kind::Backtick, number);
                    i += 1;
                }
                b'$' if body.get(i + 1) == Some(&b'\'') => {
                    plain = false;
                    word.extend_from_slice(b"$'");
                    self.push(Kind::DollarSingle, number);
                    i += 2;
                }
                b'$' if body.get(i + 1) == Some(&b'(') => {
                    plain = false;
                    word.extend_from_slice(b"$(");
                    self.push(Kind::Paren, number);
                    self.command_position = true;
                    i += 2;
                }
                b'$' if body.get(i + 1) == Some(&b'{') => {
                    plain = false;
                    word.extend_from_slice(b"${");
                    self.push(Kind::Param, number);
                    i += 2;
                }
                b'(' => {
                    // `arr=(…)`, extglob `@(…)`, zsh glob qualifiers: inside the word.
                    plain = false;
                    word.push(c);
                    self.push(Kind::Paren, number);
                    i += 1;
                }
                b'}' if self.top() == Kind::Param => {
                    self.frames.pop();
                    word.push(c);
                    i += 1;
                }
                _ => {
                    word.push(c);
                    i += 1;
                }
            }
            if self.top() == Kind::Paren {
                // Inside `$(…)` words are commands of their own.
                word.clear();
                plain = true;
            }
        }
        if !word.is_empty() {
            self.posix_word_at(number, &word, plain, word_at_command, word_start);
        }
    }

    /// A word that started at byte `start`. In zsh a lone `}` closes the `{` block it is in
    /// wherever it stands: the command before it on the line ends there.
    fn posix_word_at(&mut self, number: usize, word: &[u8], plain: bool, at_command: bool, start: usize) {
        let zsh_close = self.dialect == Dialect::Zsh && plain && word == b"}" && self.top() == Kind::Brace;
        if zsh_close && !at_command {
            self.end_command(number, start);
            self.posix_word(number, word, plain, true);
        } else {
            self.posix_word(number, word, plain, at_command);
        }
    }

    /// Handles the operator at `body[i]`; returns the index after it.
    fn posix_operator(&mut self, number: usize, body: &[u8], i: usize) -> usize {
        let c = body[i];
        let next = body.get(i + 1).copied();
        match c {
            b' ' | b'\t' | b'\r' => i + 1,
            b';' => {
                self.end_command(number, i);
                let case_end = next == Some(b';') || next == Some(b'&');
                if case_end {
                    if let Kind::Case { seen_in, .. } = self.top() {
                        self.mark_structural(number);
                        self.set_case(seen_in, true);
                    }
                    self.command_position = true;
                    return if body.get(i + 2) == Some(&b'&') { i + 3 } else { i + 2 };
                }
                self.command_position = true;
                i + 1
            }
            // zsh's `&!` and `&|`: in the background, disowned; the command ends there.
            b'&' if self.dialect == Dialect::Zsh && matches!(next, Some(b'!' | b'|')) => {
                self.end_command(number, i);
                self.command_position = true;
                i + 2
            }
            b'&' | b'|' => {
                let double = next == Some(c) || (c == b'|' && next == Some(b'&'));
                if let Kind::Case { in_pattern: true, .. } = self.top() {
                    return i + 1;
                }
                if c == b'&' && !double && matches!(next, Some(b'>')) {
                    return i + 2;
                }
                self.end_command(number, i);
                self.command_position = true;
                self.pending_operator = c == b'|' || double;
                if double {
                    i + 2
                } else {
                    i + 1
                }
            }
            b'<' => {
                if next == Some(b'<') && body.get(i + 2) != Some(&b'<') {
                    let strip_tabs = body.get(i + 2) == Some(&b'-');
                    let start = if strip_tabs { i + 3 } else { i + 2 };
                    return self.heredoc(body, start, strip_tabs);
                }
                if next == Some(b'&') {
                    return i + 2;
                }
                i + 1
            }
            // `2>&1`, `>|file`: a redirection, not a separator.
            b'>' if matches!(next, Some(b'&' | b'|')) => i + 2,
            b'>' => i + 1,
            b'(' => {
                if let Kind::Case { in_pattern: true, .. } = self.top() {
                    return i + 1;
                }
                // `name ()`: a function definition.
                let rest = &body[i + 1..];
                let after_space = rest.iter().position(|b| !matches!(b, b' ' | b'\t')).map(|p| rest[p]);
                if (!self.command_position || self.function_pending) && after_space == Some(b')') {
                    let close = i + 1 + rest.iter().position(|&b| b == b')').expect("found above");
                    if !self.function_pending {
                        self.function_name = String::from_utf8_lossy(&self.last_word).into_owned();
                    }
                    self.keyword(false);
                    self.function_definition(number);
                    self.command_position = true;
                    return close + 1;
                }
                // zsh's anonymous function `() { … }` runs at once: its braces are a group.
                if self.dialect == Dialect::Zsh && self.command_position && after_space == Some(b')') {
                    return i + 1 + rest.iter().position(|&b| b == b')').expect("found above") + 1;
                }
                let kind = if self.in_inline() { Kind::Paren } else { Kind::Subshell };
                self.push(kind, number);
                self.command_position = true;
                i + 1
            }
            b')' => {
                match self.top() {
                    Kind::Paren => self.pop(number),
                    Kind::Subshell => {
                        self.end_command(number, i);
                        self.pop(number);
                        self.after_close = true;
                    }
                    Kind::Case { seen_in: true, in_pattern: true } => {
                        // What was read since the arm began is its pattern, not a command.
                        self.open_command = None;
                        self.mark_structural(number);
                        self.set_case(true, false);
                        self.command_position = true;
                    }
                    _ => self.fail(number, "unmatched )"),
                }
                i + 1
            }
            _ => i + 1,
        }
    }

    fn set_case(&mut self, seen_in: bool, in_pattern: bool) {
        if let Some(frame) = self.frames.last_mut() {
            frame.kind = Kind::Case { seen_in, in_pattern };
        }
    }

    /// Reads the delimiter word of a heredoc starting at `body[start]`.
    fn heredoc(&mut self, body: &[u8], start: usize, strip_tabs: bool) -> usize {
        let mut i = start;
        while i < body.len() && matches!(body[i], b' ' | b'\t') {
            i += 1;
        }
        let mut delimiter = Vec::new();
        let mut quote = None;
        while i < body.len() {
            let c = body[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => delimiter.push(c),
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if c == b'\\' => {
                    if let Some(&n) = body.get(i + 1) {
                        delimiter.push(n);
                    }
                    i += 1;
                }
                None if matches!(c, b' ' | b'\t' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')') => break,
                None => delimiter.push(c),
            }
            i += 1;
        }
        if !delimiter.is_empty() {
            self.announced.push((delimiter, strip_tabs));
        }
        self.command_position = false;
        i
    }

    fn posix_word(&mut self, number: usize, word: &[u8], plain: bool, at_command: bool) {
        self.pending_operator = false;
        self.last_word.clear();
        self.last_word.extend_from_slice(word);
        if let Kind::Case { seen_in, in_pattern } = self.top() {
            if !seen_in {
                if word == b"in" {
                    self.set_case(true, true);
                    self.keyword(false);
                }
                return;
            }
            if in_pattern {
                if plain && word == b"esac" {
                    self.close(number);
                }
                return;
            }
        }
        if self.skip_keyword {
            self.skip_keyword = false;
            if self.function_pending {
                // `function name`: the body (or `()`) follows.
                self.function_name = String::from_utf8_lossy(word).into_owned();
                self.keyword(false);
                self.command_position = true;
            }
            return;
        }
        if !(plain && at_command) {
            self.command_position = false;
            return;
        }
        match word {
            b"if" | b"while" | b"until" => {
                self.push(if word == b"if" { Kind::If } else { Kind::Loop }, number);
                self.keyword(true);
                self.command_position = true;
            }
            b"for" | b"select" => {
                self.push(Kind::Loop, number);
                self.keyword(true);
                self.command_position = false;
                self.skip_keyword = true;
            }
            b"case" => {
                self.push(Kind::Case { seen_in: false, in_pattern: false }, number);
                self.keyword(true);
                self.command_position = false;
            }
            b"then" | b"elif" | b"else" if self.top() == Kind::If => {
                self.mark_structural(number);
                self.keyword(word == b"elif");
                self.command_position = true;
            }
            b"do" if self.top() == Kind::Loop => {
                self.mark_structural(number);
                self.keyword(false);
                self.command_position = true;
            }
            b"fi" if self.top() == Kind::If => self.close(number),
            b"done" if self.top() == Kind::Loop => self.close(number),
            b"esac" if matches!(self.top(), Kind::Case { .. }) => self.close(number),
            b"}" if self.top() == Kind::Brace => self.close(number),
            b"{" => {
                self.push(Kind::Brace, number);
                self.keyword(false);
                self.command_position = true;
            }
            b"function" => {
                self.function_definition(number);
                self.keyword(false);
                self.skip_keyword = true;
                self.command_position = false;
            }
            b"!" | b"time" | b"then" | b"do" | b"else" => self.command_position = true,
            b"fi" | b"done" | b"esac" | b"elif" => self.fail(number, "closing keyword outside its block"),
            _ => {
                // `NAME=value cmd`: still in command position after an assignment.
                let assignment = word.iter().position(|&b| b == b'=').is_some_and(|eq| {
                    eq > 0 && word[..eq].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'+')
                });
                self.command_position = assignment;
            }
        }
    }

    fn close(&mut self, number: usize) {
        self.pop(number);
        self.keyword(false);
        self.after_close = true;
        self.command_position = false;
    }

    // ---- fish ----

    fn fish_line(&mut self, number: usize, text: &[u8]) {
        let body = text.strip_suffix(b"\n").unwrap_or(text);
        let mut i = 0;
        let mut word: Vec<u8> = Vec::new();
        let mut plain = true;
        let mut word_at_command = false;
        while i < body.len() {
            let c = body[i];
            match self.top() {
                Kind::Single | Kind::Double => {
                    let closing = if self.top() == Kind::Single { b'\'' } else { b'"' };
                    match c {
                        b'\\' if i + 1 == body.len() => {
                            self.continued = true;
                            i += 1;
                        }
                        b'\\' => i += 2,
                        b'$' if closing == b'"' && body.get(i + 1) == Some(&b'(') => {
                            self.push(Kind::Paren, number);
                            self.command_position = true;
                            word.clear();
                            plain = true;
                            i += 2;
                        }
                        _ => {
                            if c == closing {
                                self.frames.pop();
                            }
                            i += 1;
                        }
                    }
                    continue;
                }
                _ => {}
            }
            let at_word_start = word.is_empty();
            if at_word_start && matches!(c, b' ' | b'\t' | b'\r') {
                i += 1;
                continue;
            }
            if at_word_start && c == b'#' {
                self.end_command(number, i);
                break;
            }
            if matches!(c, b' ' | b'\t' | b'\r' | b';' | b'&' | b'|' | b')') {
                if !word.is_empty() {
                    self.fish_word(number, &word, plain, word_at_command);
                    word.clear();
                    plain = true;
                }
                if matches!(c, b';' | b'&' | b'|') {
                    self.end_command(number, i);
                }
                match c {
                    b';' => self.command_position = true,
                    b'&' | b'|' => {
                        let double = body.get(i + 1) == Some(&c);
                        self.command_position = true;
                        self.pending_operator = c == b'|' || double;
                        if double {
                            i += 1;
                        }
                    }
                    b')' => match self.top() {
                        Kind::Paren => self.pop(number),
                        _ => self.fail(number, "unmatched )"),
                    },
                    _ => {}
                }
                i += 1;
                continue;
            }
            if at_word_start {
                word_at_command = self.command_position;
                self.word_starts(number, i);
            }
            match c {
                b'\\' => i = self.backslash(body, i, &mut word, &mut plain),
                b'\'' | b'"' => {
                    plain = false;
                    word.push(c);
                    self.push(if c == b'\'' { Kind::Single } else { Kind::Double }, number);
                    i += 1;
                }
                b'(' => {
                    plain = false;
                    word.clear();
                    self.push(Kind::Paren, number);
                    self.command_position = true;
                    i += 1;
                }
                _ => {
                    word.push(c);
                    i += 1;
                }
            }
        }
        if !word.is_empty() {
            self.fish_word(number, &word, plain, word_at_command);
        }
    }

    /// Sets the kind of the fish block just pushed (all of them are closed by `end`).
    fn name_fish_block(&mut self, kind: BlockKind) {
        if let Some(b) = self.frames.last().and_then(|f| f.block) {
            self.blocks[b].kind = kind;
        }
    }

    fn fish_word(&mut self, number: usize, word: &[u8], plain: bool, at_command: bool) {
        self.pending_operator = false;
        if let Some(b) = self.naming.take() {
            self.blocks[b].kind = BlockKind::Function { name: String::from_utf8_lossy(word).into_owned() };
            self.command_position = false;
            return;
        }
        let after_else = std::mem::take(&mut self.skip_keyword);
        if !(plain && at_command) {
            self.command_position = false;
            return;
        }
        if after_else && word == b"if" {
            self.keyword(true);
            self.command_position = true;
            return;
        }
        let in_block = matches!(self.top(), Kind::FishBlock { .. });
        match word {
            b"if" | b"while" | b"begin" => {
                self.push(Kind::FishBlock { switch: false }, number);
                self.name_fish_block(match word {
                    b"if" => BlockKind::If,
                    b"while" => BlockKind::Loop,
                    _ => BlockKind::Group,
                });
                self.keyword(word != b"begin");
                self.command_position = true;
            }
            b"for" => {
                self.push(Kind::FishBlock { switch: false }, number);
                self.name_fish_block(BlockKind::Loop);
                self.keyword(true);
                self.command_position = false;
            }
            b"function" => {
                self.push(Kind::FishBlock { switch: false }, number);
                self.naming = self.frames.last().and_then(|f| f.block);
                self.keyword(true);
                self.command_position = false;
            }
            b"switch" => {
                self.push(Kind::FishBlock { switch: true }, number);
                self.keyword(true);
                self.command_position = false;
            }
            b"else" if in_block => {
                self.mark_structural(number);
                self.keyword(false);
                // `else if`: the `if` continues this block rather than opening one.
                self.command_position = true;
                self.skip_keyword = true;
            }
            b"case" if self.top() == (Kind::FishBlock { switch: true }) => {
                self.mark_structural(number);
                self.keyword(true);
                self.command_position = false;
            }
            b"end" if in_block => self.close(number),
            b"end" | b"else" | b"case" => self.fail(number, "closing keyword outside its block"),
            b"and" | b"or" | b"not" | b"!" | b"command" | b"builtin" | b"time" => self.command_position = true,
            _ => self.command_position = false,
        }
    }
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
