//! Messages for people on standard error: `error:`, `warning:` and `note:` prefixes, colour
//! only on a terminal and never with NO_COLOR; text from servers made safe to print.

use std::fmt::Display;
use std::io::IsTerminal;

pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// `label` in the colour of ANSI `code` when standard error is a terminal and NO_COLOR is unset.
pub fn colour(code: &str, label: &str) -> String {
    let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) || !stderr_is_terminal();
    if plain {
        label.to_string()
    } else {
        format!("\x1b[{code}m{label}\x1b[0m")
    }
}

pub fn warn(message: impl Display) {
    eprintln!("{}: {}", colour("1;33", "warning"), printable(&message.to_string()));
}

pub fn note(message: impl Display) {
    eprintln!("{}: {}", colour("1;36", "note"), printable(&message.to_string()));
}

/// `text` without the characters a terminal acts on instead of showing: C0 and C1 controls
/// (ESC starts sequences that move the cursor, set the title or write the clipboard,
/// `ESC ] 52`), DEL, and the bidirectional overrides that show text in another order than
/// it is. Line breaks and tabs stay. Messages quote what servers sent (a database summary,
/// an archive's entry names), so every message passes through here on its way out.
pub fn printable(text: &str) -> String {
    text.chars().filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_bidi_control(c))).collect()
}

/// One line of text from a server, as gover keeps it: runs of whitespace (line breaks
/// included) as one space, and nothing a terminal acts on (see [`printable`]).
pub fn one_line(text: &str) -> String {
    printable(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The embeddings, overrides and isolates of Unicode's bidirectional algorithm, and the marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_what_a_terminal_acts_on() {
        assert_eq!(printable("a\x1b]52;c;ZWNobyBoaQ==\x07b\x1b[2J"), "a]52;c;ZWNobyBoaQ==b[2J");
        assert_eq!(printable("line\n\tnext\r\u{9b}31m\u{7f}"), "line\n\tnext31m");
        assert_eq!(printable("user\u{202e}txt.exe"), "usertxt.exe");
        assert_eq!(printable("go1.22.10 — ünïcode"), "go1.22.10 — ünïcode");
        assert_eq!(one_line("  Two\nlines,\r\n\x1b[1mbold\x1b[0m\t "), "Two lines, [1mbold[0m");
    }
}
