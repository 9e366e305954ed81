//! One line of a startup file, read byte by byte, with the word being read on it.

/// A position in one line's text (its terminator removed), and the word the lexer is
/// gathering there: words decide keywords, function names and heredoc delimiters.
pub(super) struct Cursor<'a> {
    /// The line's number in the file (1-based).
    pub line: usize,
    body: &'a [u8],
    pos: usize,
    pub word: Word,
}

/// The word being read: its bytes as written (quotes and escapes included).
#[derive(Default)]
pub(super) struct Word {
    pub text: Vec<u8>,
    /// No quote, escape or expansion in it, so it may be a keyword.
    pub plain: bool,
    /// It started where a command may start.
    pub at_command: bool,
    /// The byte it started at.
    pub start: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(line: usize, text: &'a [u8]) -> Cursor<'a> {
        let body = text.strip_suffix(b"\n").unwrap_or(text);
        Cursor { line, body, pos: 0, word: Word { plain: true, ..Word::default() } }
    }

    /// The byte under the cursor, or none past the end of the line.
    pub fn peek(&self) -> Option<u8> {
        self.peek_at(0)
    }

    /// The byte `ahead` bytes after the cursor.
    pub fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.body.get(self.pos + ahead).copied()
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The text after the byte under the cursor.
    pub fn after(&self) -> &'a [u8] {
        &self.body[self.pos + 1..]
    }

    pub fn bump(&mut self, count: usize) {
        self.pos += count;
    }

    /// The byte under the cursor is the line's last (a backslash there continues the line).
    pub fn at_last_byte(&self) -> bool {
        self.pos + 1 == self.body.len()
    }

    pub fn in_word(&self) -> bool {
        !self.word.text.is_empty()
    }

    /// A word starts under the cursor.
    pub fn start_word(&mut self, at_command: bool) {
        self.word.at_command = at_command;
        self.word.start = self.pos;
    }

    /// Adds the next `count` bytes to the word and moves past them; `plain` is false when
    /// they quote, escape or expand.
    pub fn take(&mut self, count: usize, plain: bool) {
        let end = (self.pos + count).min(self.body.len());
        self.word.text.extend_from_slice(&self.body[self.pos..end]);
        self.word.plain &= plain;
        self.pos += count;
    }

    /// Forgets the word read so far: what follows starts a new one.
    pub fn clear_word(&mut self) {
        self.word.text.clear();
        self.word.plain = true;
    }

    /// The word read so far, if any; the next one starts empty.
    pub fn finish_word(&mut self) -> Option<Word> {
        if !self.in_word() {
            return None;
        }
        let word = std::mem::replace(&mut self.word, Word { plain: true, ..Word::default() });
        Some(word)
    }
}
