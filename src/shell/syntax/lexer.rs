//! The lexer's state across lines: the frames it is inside (blocks, quotes, `$(…)`), the
//! statements and blocks found so far, and what the dialects share. posix.rs and fish.rs read
//! a line's code.

use std::collections::BTreeSet;

use super::cursor::Cursor;
use super::{Block, BlockKind, Dialect, Node, Unbalanced};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
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
    pub(super) fn is_quote(self) -> bool {
        matches!(self, Kind::Single | Kind::DollarSingle | Kind::Double | Kind::Backtick)
    }

    pub(super) fn name(self) -> &'static str {
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
pub(super) struct Frame {
    pub(super) kind: Kind,
    /// Inside a word (a quote, `$(…)`) or nested in such a frame: no structure of its own.
    pub(super) inline: bool,
    pub(super) opened_at: usize,
    pub(super) children: Vec<Node>,
    pub(super) structural: BTreeSet<usize>,
    /// The statement being read in this frame's body: its first line and the blocks closed
    /// inside it so far.
    pub(super) current: Option<Node>,
    /// This frame's entry in [`Lexer::blocks`] (frames with structure, but the root).
    pub(super) block: Option<usize>,
}

impl Frame {
    pub(super) fn new(kind: Kind, inline: bool, line: usize) -> Frame {
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

pub(super) struct Lexer {
    pub(super) dialect: Dialect,
    pub(super) frames: Vec<Frame>,
    /// Heredoc delimiters announced on the current line (with `<<-` tab stripping).
    pub(super) announced: Vec<(Vec<u8>, bool)>,
    /// Heredoc bodies still to read, in order.
    pub(super) bodies: Vec<(Vec<u8>, bool)>,
    pub(super) command_position: bool,
    /// The line ended in `&&`, `||` or `|`.
    pub(super) pending_operator: bool,
    /// A backslash escaped the newline.
    pub(super) continued: bool,
    /// `name()` or `function name` was read and the body has not started.
    pub(super) function_pending: bool,
    /// The name of that function, and the line its definition starts on (`go ()` may have
    /// its `{` on the next line).
    pub(super) function_name: String,
    pub(super) function_start: usize,
    /// The last word read (sh): the name, when `()` follows it after a space.
    pub(super) last_word: Vec<u8>,
    /// fish: the function block whose name is the next word.
    pub(super) naming: Option<usize>,
    /// sh: the next word names a function (after `function`) or a loop variable, so it is no
    /// keyword. fish: the last word was `else`, so an `if` continues the block.
    pub(super) skip_keyword: bool,
    pub(super) error: Option<Unbalanced>,
    pub(super) text_lines: BTreeSet<usize>,
    pub(super) blocks: Vec<Block>,
    /// Where the command being read starts (line, byte), outside quotes and `$(…)`.
    pub(super) open_command: Option<(usize, usize)>,
    /// The words being read are a block's header (`if`/`while` conditions, a `for` list, the
    /// word of a `case`, a fish function's name and options), no command of their own.
    pub(super) header: bool,
    /// A block was just closed: what follows up to the next separator redirects it
    /// (`done < file`), no command of its own.
    pub(super) after_close: bool,
    /// Each command's start and end (line, byte).
    pub(super) commands: Vec<((usize, usize), (usize, usize))>,
    /// Lines ending in a backslash that continues them.
    pub(super) continued_lines: BTreeSet<usize>,
}

impl Lexer {
    pub(super) fn new(dialect: Dialect) -> Lexer {
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

    pub(super) fn top(&self) -> Kind {
        self.frames.last().expect("the root frame is never popped").kind
    }

    /// The innermost frame that has structure: statements of the current line belong to it.
    pub(super) fn block_index(&self) -> usize {
        self.frames.iter().rposition(|f| !f.inline).expect("the root frame has structure")
    }

    pub(super) fn in_inline(&self) -> bool {
        self.frames.last().is_some_and(|f| f.inline)
    }

    /// Content was seen on `line`: the current statement has started, if it had not.
    pub(super) fn content(&mut self, line: usize) {
        let i = self.block_index();
        let frame = &mut self.frames[i];
        if frame.current.is_none() {
            frame.current = Some(Node { start: line, end: line, ..Node::default() });
        }
    }

    pub(super) fn push(&mut self, kind: Kind, line: usize) {
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
    pub(super) fn word_starts(&mut self, line: usize, at: usize) {
        self.content(line);
        self.pending_operator = false;
        if !self.in_inline() && self.open_command.is_none() {
            self.open_command = Some((line, at));
        }
    }

    /// The command being read (outside quotes and `$(…)`) ends before (`line`, `at`).
    pub(super) fn end_command(&mut self, line: usize, at: usize) {
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
    pub(super) fn keyword(&mut self, header: bool) {
        self.open_command = None;
        self.header = header;
    }

    /// A backslash in code: it continues the line when it is the last character, else it
    /// escapes the next one, which joins the word.
    pub(super) fn backslash(&mut self, cursor: &mut Cursor) {
        if cursor.at_last_byte() {
            self.continued = true;
            cursor.bump(1);
        } else {
            cursor.take(2, false);
        }
    }

    /// A backslash inside quotes: it continues the line when it is the last character, else
    /// the next one is quoted text too.
    pub(super) fn quoted_backslash(&mut self, cursor: &mut Cursor) {
        if cursor.at_last_byte() {
            self.continued = true;
            cursor.bump(1);
        } else {
            cursor.bump(2);
        }
    }

    /// A function definition starts on `line`, unless one already started.
    pub(super) fn function_definition(&mut self, line: usize) {
        if !self.function_pending {
            self.function_start = line;
        }
        self.function_pending = true;
    }

    pub(super) fn mark_structural(&mut self, line: usize) {
        if let Some(frame) = self.frames.last_mut().filter(|f| !f.inline) {
            frame.structural.insert(line);
        }
    }

    pub(super) fn pop(&mut self, line: usize) {
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

    pub(super) fn fail(&mut self, line: usize, what: &'static str) {
        if self.error.is_none() {
            self.error = Some(Unbalanced { line, what: what.to_string() });
        }
    }

    pub(super) fn line(&mut self, number: usize, text: &[u8]) {
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
    pub(super) fn end_of_line(&mut self, number: usize) {
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

    pub(super) fn finish(mut self, last_line: usize) -> Result<Node, Unbalanced> {
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

    /// A keyword closed the innermost block (`fi`, `done`, `}`, fish's `end`).
    pub(super) fn close(&mut self, number: usize) {
        self.pop(number);
        self.keyword(false);
        self.after_close = true;
        self.command_position = false;
    }
}
