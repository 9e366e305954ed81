//! POSIX sh: the hook ~/.profile sources (read by every login shell, including dash and the
//! display manager's), and the shared first half of the bash and zsh hooks.

use super::{render, HookPaths, Shell};

pub const ASSET: &str = include_str!("assets/posix.sh");

pub fn hook(paths: &HookPaths) -> String {
    render(ASSET, Shell::Sh, &[("GOVER_HOME", &paths.gover_home), ("SHIMS", &paths.shims), ("BIN_DIR", &paths.bin_dir)])
}

/// Single quotes, each embedded `'` written as `'\''`.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        assert_eq!(quote("/a b/$x"), "'/a b/$x'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
