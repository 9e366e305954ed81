//! Messages for people on standard error: `error:`, `warning:` and `note:` prefixes, colour
//! only on a terminal and never with NO_COLOR.

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
    eprintln!("{}: {message}", colour("1;33", "warning"));
}

pub fn note(message: impl Display) {
    eprintln!("{}: {message}", colour("1;36", "note"));
}
