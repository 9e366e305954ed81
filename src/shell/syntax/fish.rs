//! fish: one method per construct of a line's code (quotes, words, separators, `(…)`) and
//! the keywords of its blocks, all closed by `end`.

use super::cursor::Cursor;
use super::lexer::{Kind, Lexer};
use super::BlockKind;

impl Lexer {
    pub(super) fn fish_line(&mut self, number: usize, text: &[u8]) {
        let mut cursor = Cursor::new(number, text);
        while let Some(c) = cursor.peek() {
            match self.top() {
                Kind::Single | Kind::Double => self.fish_quoted(&mut cursor, c),
                _ => {
                    if !self.fish_code(&mut cursor, c) {
                        break;
                    }
                }
            }
        }
        if let Some(word) = cursor.finish_word() {
            self.fish_word(number, &word.text, word.plain, word.at_command);
        }
    }

    /// Inside `'…'` or `"…"`: a backslash escapes in both; `$(…)` expands in the second.
    fn fish_quoted(&mut self, cursor: &mut Cursor, c: u8) {
        let closing = if self.top() == Kind::Single { b'\'' } else { b'"' };
        match c {
            b'\\' => self.quoted_backslash(cursor),
            b'$' if closing == b'"' && cursor.peek_at(1) == Some(b'(') => {
                self.push(Kind::Paren, cursor.line);
                self.command_position = true;
                cursor.clear_word();
                cursor.bump(2);
            }
            _ => {
                if c == closing {
                    self.frames.pop();
                }
                cursor.bump(1);
            }
        }
    }

    /// Reads code at `c`; false when the rest of the line is a comment.
    fn fish_code(&mut self, cursor: &mut Cursor, c: u8) -> bool {
        let at_word_start = !cursor.in_word();
        if at_word_start && matches!(c, b' ' | b'\t' | b'\r') {
            cursor.bump(1);
            return true;
        }
        if at_word_start && c == b'#' {
            self.end_command(cursor.line, cursor.pos());
            return false;
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b';' | b'&' | b'|' | b')') {
            if let Some(word) = cursor.finish_word() {
                self.fish_word(cursor.line, &word.text, word.plain, word.at_command);
            }
            self.fish_separator(cursor, c);
            return true;
        }
        if at_word_start {
            cursor.start_word(self.command_position);
            self.word_starts(cursor.line, cursor.pos());
        }
        match c {
            b'\\' => self.backslash(cursor),
            b'\'' | b'"' => {
                cursor.take(1, false);
                self.push(if c == b'\'' { Kind::Single } else { Kind::Double }, cursor.line);
            }
            b'(' => {
                // A command substitution; its first word is read as not plain, so no
                // keyword opens a block inside it.
                cursor.clear_word();
                cursor.word.plain = false;
                self.push(Kind::Paren, cursor.line);
                self.command_position = true;
                cursor.bump(1);
            }
            _ => cursor.take(1, true),
        }
        true
    }

    /// A blank, `;`, `&`, `&&`, `|`, `||` or the `)` closing a command substitution.
    fn fish_separator(&mut self, cursor: &mut Cursor, c: u8) {
        if matches!(c, b';' | b'&' | b'|') {
            self.end_command(cursor.line, cursor.pos());
        }
        match c {
            b';' => self.command_position = true,
            b'&' | b'|' => {
                let double = cursor.peek_at(1) == Some(c);
                self.command_position = true;
                self.pending_operator = c == b'|' || double;
                if double {
                    cursor.bump(1);
                }
            }
            b')' => match self.top() {
                Kind::Paren => self.pop(cursor.line),
                _ => self.fail(cursor.line, "unmatched )"),
            },
            _ => {}
        }
        cursor.bump(1);
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
        self.fish_keyword(number, word);
    }

    /// A plain word in command position: a keyword opens, continues or closes a block.
    fn fish_keyword(&mut self, number: usize, word: &[u8]) {
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
