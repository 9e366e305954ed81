//! Shell startup files (~/.bashrc, ~/.zshrc, config.fish…): the lexer that finds where each
//! statement starts and ends, and doctor's scan of what they do to Go.
#![no_main]

use gover::fuzzing::{outline, parse_shell, scan_startup_file, Dialect};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for dialect in [Dialect::Posix, Dialect::Zsh, Dialect::Fish] {
        let _ = parse_shell(data, dialect);
        let _ = outline(data, dialect);
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = scan_startup_file(text, dialect);
        }
    }
});
