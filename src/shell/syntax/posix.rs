//! sh, bash and zsh: one method per construct of a line's code (quotes, words, operators,
//! heredocs, function headers) and the keywords that open and close blocks.

use super::cursor::{Cursor, Word};
use super::lexer::{Kind, Lexer};
use super::Dialect;

/// Bytes that end a word in code.
fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

impl Lexer {
    pub(super) fn posix_line(&mut self, number: usize, text: &[u8]) {
        let mut cursor = Cursor::new(number, text);
        while let Some(c) = cursor.peek() {
            match self.top() {
                Kind::Single => self.single_quoted(&mut cursor, c),
                Kind::DollarSingle => self.escaping_quote(&mut cursor, c, b'\''),
                Kind::Backtick => self.escaping_quote(&mut cursor, c, b'`'),
                Kind::Double => self.double_quoted(&mut cursor, c),
                // Code: top-level, a block body, `$(…)` or `${…}`.
                _ => {
                    if !self.posix_code(&mut cursor, c) {
                        break;
                    }
                }
            }
        }
        if let Some(word) = cursor.finish_word() {
            self.posix_word_at(number, &word);
        }
    }

    fn single_quoted(&mut self, cursor: &mut Cursor, c: u8) {
        if c == b'\'' {
            self.frames.pop();
        }
        cursor.bump(1);
    }

    /// `$'…'` and `` `…` ``: quotes in which a backslash escapes the next character, the
    /// closing one too.
    fn escaping_quote(&mut self, cursor: &mut Cursor, c: u8, closing: u8) {
        if c == b'\\' {
            cursor.bump(2);
            return;
        }
        if c == closing {
            self.frames.pop();
        }
        cursor.bump(1);
    }

    fn double_quoted(&mut self, cursor: &mut Cursor, c: u8) {
        match c {
            b'\\' => self.quoted_backslash(cursor),
            b'"' => {
                self.frames.pop();
                cursor.bump(1);
            }
            b'`' => {
                self.push(Kind::Backtick, cursor.line);
                cursor.bump(1);
            }
            b'$' if cursor.peek_at(1) == Some(b'(') => {
                self.push(Kind::Paren, cursor.line);
                self.command_position = true;
                cursor.clear_word();
                cursor.bump(2);
            }
            b'$' if cursor.peek_at(1) == Some(b'{') => {
                self.push(Kind::Param, cursor.line);
                cursor.bump(2);
            }
            _ => cursor.bump(1),
        }
    }

    /// Reads code at `c`; false when the rest of the line is a comment.
    fn posix_code(&mut self, cursor: &mut Cursor, c: u8) -> bool {
        let at_word_start = !cursor.in_word();
        if at_word_start && is_blank(c) {
            cursor.bump(1);
            return true;
        }
        if at_word_start && c == b'#' {
            self.end_command(cursor.line, cursor.pos());
            return false;
        }
        let word = &cursor.word;
        if c == b'(' && !at_word_start && cursor.peek_at(1) == Some(b')') && word.plain && !word.text.contains(&b'=') {
            self.function_parentheses(cursor);
            return true;
        }
        let is_meta =
            is_blank(c) || matches!(c, b';' | b'&' | b'|' | b'<' | b'>' | b')') || (c == b'(' && at_word_start);
        if is_meta {
            if let Some(word) = cursor.finish_word() {
                self.posix_word_at(cursor.line, &word);
            }
            self.posix_operator(cursor, c);
            return true;
        }
        if at_word_start {
            cursor.start_word(self.command_position);
            self.word_starts(cursor.line, cursor.pos());
        }
        self.posix_word_byte(cursor, c);
        if self.top() == Kind::Paren {
            // Inside `$(…)` words are commands of their own.
            cursor.clear_word();
        }
        true
    }

    /// `name()`: a function definition; its body follows.
    fn function_parentheses(&mut self, cursor: &mut Cursor) {
        self.function_name = String::from_utf8_lossy(&cursor.word.text).into_owned();
        self.keyword(false);
        cursor.clear_word();
        self.skip_keyword = false;
        self.function_definition(cursor.line);
        self.command_position = true;
        cursor.bump(2);
    }

    /// A byte of a word in code: a quote or an expansion opens a frame inside the word.
    fn posix_word_byte(&mut self, cursor: &mut Cursor, c: u8) {
        let next = cursor.peek_at(1);
        match c {
            b'\\' => self.backslash(cursor),
            b'\'' => self.open_in_word(cursor, 1, Kind::Single),
            b'"' => self.open_in_word(cursor, 1, Kind::Double),
            b'`' => self.open_in_word(cursor, 1, Kind::Backtick),
            b'$' if next == Some(b'\'') => self.open_in_word(cursor, 2, Kind::DollarSingle),
            b'$' if next == Some(b'(') => {
                self.open_in_word(cursor, 2, Kind::Paren);
                self.command_position = true;
            }
            b'$' if next == Some(b'{') => self.open_in_word(cursor, 2, Kind::Param),
            // `arr=(…)`, extglob `@(…)`, zsh glob qualifiers: inside the word.
            b'(' => self.open_in_word(cursor, 1, Kind::Paren),
            b'}' if self.top() == Kind::Param => {
                self.frames.pop();
                cursor.take(1, true);
            }
            _ => cursor.take(1, true),
        }
    }

    /// The `opener`'s bytes under the cursor open a `kind` frame inside the word.
    fn open_in_word(&mut self, cursor: &mut Cursor, opener: usize, kind: Kind) {
        cursor.take(opener, false);
        self.push(kind, cursor.line);
    }

    /// A word that ended. In zsh a lone `}` closes the `{` block it is in wherever it
    /// stands: the command before it on the line ends there.
    fn posix_word_at(&mut self, number: usize, word: &Word) {
        let zsh_close = self.dialect == Dialect::Zsh && word.plain && word.text == b"}" && self.top() == Kind::Brace;
        if zsh_close && !word.at_command {
            self.end_command(number, word.start);
            self.posix_word(number, &word.text, word.plain, true);
        } else {
            self.posix_word(number, &word.text, word.plain, word.at_command);
        }
    }

    /// Handles the operator (or blank) `c` under the cursor and moves past it.
    fn posix_operator(&mut self, cursor: &mut Cursor, c: u8) {
        let next = cursor.peek_at(1);
        match c {
            b';' => self.semicolon(cursor),
            // zsh's `&!` and `&|`: in the background, disowned; the command ends there.
            b'&' if self.dialect == Dialect::Zsh && matches!(next, Some(b'!' | b'|')) => {
                self.end_command(cursor.line, cursor.pos());
                self.command_position = true;
                cursor.bump(2);
            }
            b'&' | b'|' => self.and_or_pipe(cursor, c),
            b'<' => self.input_redirection(cursor),
            // `2>&1`, `>|file`: a redirection, not a separator.
            b'>' if matches!(next, Some(b'&' | b'|')) => cursor.bump(2),
            b'(' => self.open_parenthesis(cursor),
            b')' => self.close_parenthesis(cursor),
            _ => cursor.bump(1),
        }
    }

    /// `;`, or `;;`, `;&`, `;;&` ending a case arm.
    fn semicolon(&mut self, cursor: &mut Cursor) {
        self.end_command(cursor.line, cursor.pos());
        self.command_position = true;
        if !matches!(cursor.peek_at(1), Some(b';' | b'&')) {
            cursor.bump(1);
            return;
        }
        if let Kind::Case { seen_in, .. } = self.top() {
            self.mark_structural(cursor.line);
            self.set_case(seen_in, true);
        }
        cursor.bump(if cursor.peek_at(2) == Some(b'&') { 3 } else { 2 });
    }

    /// `&&`, `||`, `|&`, `|`, `&`; or `&>`, a redirection.
    fn and_or_pipe(&mut self, cursor: &mut Cursor, c: u8) {
        let next = cursor.peek_at(1);
        let double = next == Some(c) || (c == b'|' && next == Some(b'&'));
        if let Kind::Case { in_pattern: true, .. } = self.top() {
            cursor.bump(1);
            return;
        }
        if c == b'&' && !double && next == Some(b'>') {
            cursor.bump(2);
            return;
        }
        self.end_command(cursor.line, cursor.pos());
        self.command_position = true;
        self.pending_operator = c == b'|' || double;
        cursor.bump(if double { 2 } else { 1 });
    }

    /// `<`, `<&`, `<<<`, or a heredoc: `<<` or `<<-`.
    fn input_redirection(&mut self, cursor: &mut Cursor) {
        let next = cursor.peek_at(1);
        if next == Some(b'<') && cursor.peek_at(2) != Some(b'<') {
            let strip_tabs = cursor.peek_at(2) == Some(b'-');
            cursor.bump(if strip_tabs { 3 } else { 2 });
            self.heredoc(cursor, strip_tabs);
            return;
        }
        cursor.bump(if next == Some(b'&') { 2 } else { 1 });
    }

    /// Reads the delimiter word of a heredoc; its body starts on the next line.
    fn heredoc(&mut self, cursor: &mut Cursor, strip_tabs: bool) {
        while matches!(cursor.peek(), Some(b' ' | b'\t')) {
            cursor.bump(1);
        }
        let mut delimiter = Vec::new();
        let mut quote = None;
        while let Some(c) = cursor.peek() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => delimiter.push(c),
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if c == b'\\' => {
                    delimiter.extend(cursor.peek_at(1));
                    cursor.bump(1);
                }
                None if is_blank(c) || matches!(c, b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')') => break,
                None => delimiter.push(c),
            }
            cursor.bump(1);
        }
        if !delimiter.is_empty() {
            self.announced.push((delimiter, strip_tabs));
        }
        self.command_position = false;
    }

    /// `(` where a word starts: a subshell, a case pattern's, `name ()` or zsh's anonymous
    /// function `() { … }`.
    fn open_parenthesis(&mut self, cursor: &mut Cursor) {
        if let Kind::Case { in_pattern: true, .. } = self.top() {
            cursor.bump(1);
            return;
        }
        let rest = cursor.after();
        let empty = rest.iter().find(|&&b| !matches!(b, b' ' | b'\t')) == Some(&b')');
        // Past the `)` of an empty pair.
        let past_pair = || 2 + rest.iter().position(|&b| b == b')').expect("checked by `empty`");
        if empty && (!self.command_position || self.function_pending) {
            // `name ()`: a function definition.
            if !self.function_pending {
                self.function_name = String::from_utf8_lossy(&self.last_word).into_owned();
            }
            self.keyword(false);
            self.function_definition(cursor.line);
            self.command_position = true;
            cursor.bump(past_pair());
            return;
        }
        // zsh's anonymous function `() { … }` runs at once: its braces are a group.
        if empty && self.dialect == Dialect::Zsh && self.command_position {
            cursor.bump(past_pair());
            return;
        }
        let kind = if self.in_inline() { Kind::Paren } else { Kind::Subshell };
        self.push(kind, cursor.line);
        self.command_position = true;
        cursor.bump(1);
    }

    fn close_parenthesis(&mut self, cursor: &mut Cursor) {
        let line = cursor.line;
        match self.top() {
            Kind::Paren => self.pop(line),
            Kind::Subshell => {
                self.end_command(line, cursor.pos());
                self.pop(line);
                self.after_close = true;
            }
            Kind::Case { seen_in: true, in_pattern: true } => {
                // What was read since the arm began is its pattern, not a command.
                self.open_command = None;
                self.mark_structural(line);
                self.set_case(true, false);
                self.command_position = true;
            }
            _ => self.fail(line, "unmatched )"),
        }
        cursor.bump(1);
    }

    fn set_case(&mut self, seen_in: bool, in_pattern: bool) {
        if let Some(frame) = self.frames.last_mut() {
            frame.kind = Kind::Case { seen_in, in_pattern };
        }
    }

    fn posix_word(&mut self, number: usize, word: &[u8], plain: bool, at_command: bool) {
        self.pending_operator = false;
        self.last_word.clear();
        self.last_word.extend_from_slice(word);
        if self.case_word(number, word, plain) {
            return;
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
        self.posix_keyword(number, word);
    }

    /// A word of a `case` block's header (up to `in`) or of an arm's pattern; true when the
    /// word was one of them.
    fn case_word(&mut self, number: usize, word: &[u8], plain: bool) -> bool {
        let Kind::Case { seen_in, in_pattern } = self.top() else { return false };
        if !seen_in {
            if word == b"in" {
                self.set_case(true, true);
                self.keyword(false);
            }
            return true;
        }
        if in_pattern && plain && word == b"esac" {
            self.close(number);
        }
        in_pattern
    }

    /// A plain word in command position: a keyword opens, continues or closes a block.
    fn posix_keyword(&mut self, number: usize, word: &[u8]) {
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
}
