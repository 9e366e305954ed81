//! POSIX sh: the hook ~/.profile sources (read by every login shell, including dash and the
//! display manager's), and the shared first half of the bash and zsh hooks.

use super::{render, HookPaths, Shell};

pub const ASSET: &str = include_str!("assets/posix.sh");

pub fn hook(paths: &HookPaths) -> String {
    render(
        ASSET,
        Shell::Sh,
        &[
            ("GOVER_HOME", &paths.gover_home),
            ("SHIMS", &paths.shims),
            ("SYSTEM_NAMES", &paths.system_names),
            ("BIN_DIR", &paths.bin_dir),
        ],
    )
}

/// Single quotes, each embedded `'` written as `'\''`.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `word` as one word of a command line: as it is when no shell gives any of its characters
/// a meaning, else [`quote`]d.
pub fn quote_word(word: &str) -> String {
    let plain = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b));
    if plain {
        word.to_string()
    } else {
        quote(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        assert_eq!(quote("/a b/$x"), "'/a b/$x'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote_word("u+rwx"), "u+rwx");
        assert_eq!(quote_word("/home/me/go"), "/home/me/go");
        assert_eq!(quote_word("/a'$(touch x)'b"), r"'/a'\''$(touch x)'\''b'");
        assert_eq!(quote_word("~/go"), "'~/go'");
        assert_eq!(quote_word(""), "''");
    }
}
