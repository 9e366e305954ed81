//! Planning edits of a user's startup file: add gover's one line, or remove it again. Pure
//! functions over the file's text, so "a second run changes nothing" and "implode restores
//! the file byte for byte" are unit-tested here.

/// Tags every line gover adds; implode removes exactly the lines that carry it.
pub const MARKER: &str = "# added by gover (gover implode removes it)";

/// What identifies a gover line, also in lines an older gover wrote with other wording.
const TAG: &str = "# added by gover";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Below the file's opening comment block, so above Debian's "return when not
    /// interactive" guard near the top of .bashrc: `ssh host go version` runs it too.
    Top,
    /// At the end, after the file's own PATH edits (~/.profile prepends ~/.local/bin).
    End,
}

pub fn has_line(content: &str) -> bool {
    content.lines().any(|l| l.contains(TAG))
}

/// The 1-based number of the first gover line.
pub fn line_number(content: &str) -> Option<usize> {
    content.lines().position(|l| l.contains(TAG)).map(|i| i + 1)
}

/// `content` with `line` in it: unchanged (`None`) when exactly that line is already there;
/// an older gover line is replaced in place, with its copies (`gover doctor --fix` repeats
/// the hook after a manager line that stays), and any other gover lines dropped.
pub fn add_line(content: &str, line: &str, placement: Placement) -> Option<String> {
    if has_line(content) {
        let mut first: Option<&str> = None;
        let mut out = String::with_capacity(content.len());
        for piece in content.split_inclusive('\n') {
            let (text, end) = piece.strip_suffix('\n').map_or((piece, ""), |t| (t, "\n"));
            if !text.contains(TAG) {
                out.push_str(piece);
            } else if first.is_none_or(|f| f == text || text == line) {
                first = first.or(Some(text));
                out.push_str(line);
                out.push_str(end);
            }
        }
        return (out != content).then_some(out);
    }
    let at = match placement {
        Placement::Top => after_leading_comments(content),
        Placement::End => content.len(),
    };
    let mut out = String::with_capacity(content.len() + line.len() + 2);
    out.push_str(&content[..at]);
    if at == content.len() && !content.is_empty() && !content.ends_with('\n') {
        // No final newline: the line goes after one and gets none itself, so removing
        // "\n<line>" restores the file exactly.
        out.push('\n');
        out.push_str(line);
    } else {
        out.push_str(line);
        out.push('\n');
        out.push_str(&content[at..]);
    }
    Some(out)
}

/// `content` without gover's lines, the exact inverse of `add_line`; `None` if it has none.
pub fn remove_lines(content: &str) -> Option<String> {
    if !has_line(content) {
        return None;
    }
    let mut out = String::with_capacity(content.len());
    for piece in content.split_inclusive('\n') {
        if !piece.contains(TAG) {
            out.push_str(piece);
        } else if !piece.ends_with('\n') && out.ends_with('\n') {
            // The unterminated last line add_line wrote after a newline of its own.
            out.pop();
        }
    }
    Some(out)
}

/// The byte offset after the opening run of `#` lines (a shebang, the usual header).
fn after_leading_comments(content: &str) -> usize {
    let mut at = 0;
    for piece in content.split_inclusive('\n') {
        if !piece.starts_with('#') || !piece.ends_with('\n') {
            break;
        }
        at += piece.len();
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "if [ -r x ]; then . x; fi # added by gover (gover implode removes it)";
    const DEBIAN: &str = "# ~/.bashrc: executed by bash(1)\n# for examples\n\n# If not running interactively\n\
                          case $- in\n    *i*) ;;\n      *) return;;\nesac\nalias ll='ls -l'\n";

    #[test]
    fn top_goes_below_the_header_and_above_the_guard() {
        let out = add_line(DEBIAN, LINE, Placement::Top).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[2], LINE);
        assert!(out.find(LINE).unwrap() < out.find("return").unwrap());
    }

    #[test]
    fn adding_twice_changes_nothing_and_removal_restores_the_bytes() {
        for original in [DEBIAN, "", "export A=1", "export A=1\n", "# only a comment\n", "# no newline"] {
            for placement in [Placement::Top, Placement::End] {
                let once = add_line(original, LINE, placement).unwrap();
                assert_eq!(add_line(&once, LINE, placement), None, "{original:?}");
                assert_eq!(once.matches(LINE).count(), 1);
                assert_eq!(remove_lines(&once).as_deref(), Some(original), "{original:?} {placement:?}");
            }
        }
    }

    #[test]
    fn end_appends_and_keeps_a_missing_final_newline_reversible() {
        assert_eq!(add_line("a\n", LINE, Placement::End).unwrap(), format!("a\n{LINE}\n"));
        assert_eq!(add_line("a", LINE, Placement::End).unwrap(), format!("a\n{LINE}"));
        assert_eq!(add_line("", LINE, Placement::End).unwrap(), format!("{LINE}\n"));
    }

    #[test]
    fn an_older_line_is_replaced_in_place() {
        let old = "a\nsource /old/hook # added by gover\nb\n# added by gover twice\n";
        assert_eq!(add_line(old, LINE, Placement::End).unwrap(), format!("a\n{LINE}\nb\n"));
        // The copy doctor --fix puts after a manager line that stays is kept, and updated.
        let copied = format!("a\n{LINE}\n. ~/.asdf/asdf.sh\n{LINE}\n");
        assert_eq!(add_line(&copied, LINE, Placement::Top), None);
        let older = "a\nsource /old/hook # added by gover\n. ~/.asdf/asdf.sh\nsource /old/hook # added by gover\n";
        assert_eq!(add_line(older, LINE, Placement::Top).unwrap(), copied);
    }

    #[test]
    fn removal_leaves_lines_without_the_marker() {
        let content = format!("# gover is great\nexport PATH=/x:$PATH\n{LINE}\n");
        assert_eq!(remove_lines(&content).unwrap(), "# gover is great\nexport PATH=/x:$PATH\n");
        assert_eq!(remove_lines("nothing here\n"), None);
        assert_eq!(line_number(&content), Some(3));
    }
}
