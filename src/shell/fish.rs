//! fish: its own hook (fish is not POSIX), sourced from a conf.d file.

use super::{render, HookPaths, Shell};

pub const ASSET: &str = include_str!("assets/fish.fish");

pub fn hook(paths: &HookPaths) -> String {
    render(
        ASSET,
        Shell::Fish,
        &[
            ("GOVER_HOME", &paths.gover_home),
            ("SHIMS", &paths.shims),
            ("SYSTEM_NAMES", &paths.system_names),
            ("BIN_DIR", &paths.bin_dir),
            ("COMPLETIONS", &paths.completions_dir(Shell::Fish)),
        ],
    )
}

/// Single quotes; inside them fish gives `\` meaning only before `'` and `\`.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        assert_eq!(quote("/a b/$x"), "'/a b/$x'");
        assert_eq!(quote(r"it's a \ "), r"'it\'s a \\ '");
    }
}
