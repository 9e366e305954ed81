//! The rule docs/src/contributing/architecture.md states: nothing in gover or the shim reads the
//! process's environment or working directory but the snapshot (shims/src/process.rs), taken
//! once in each main and handed down, so what a command decides depends only on what it was
//! given, and tests and doctor can give it another environment.

use std::path::{Path, PathBuf};

/// Calls that read the environment or the working directory (`dirs::` reads the XDG variables).
const READS: [&str; 7] =
    ["env::var(", "env::var_os(", "env::vars(", "env::vars_os(", "env::current_dir(", "env::home_dir(", "dirs::"];

/// Files that read it anyway, with the reason.
const ALLOWED: [(&str, &str); 2] = [
    ("shims/src/process.rs", "the snapshot itself"),
    ("src/dist/unpack.rs", "GOVER_TEST_CRASH_UNPACK, a fault tests inject, read by debug builds only"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_reads_the_environment_but_the_process_snapshot() {
    let top = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&top.join("src"), &mut files);
    rust_files(&top.join("shims/src"), &mut files);
    assert!(files.len() > 50, "the sources were not found under {}", top.display());
    let mut found = Vec::new();
    for file in files {
        let name = file.strip_prefix(top).unwrap().to_str().unwrap().to_string();
        if ALLOWED.iter().any(|(allowed, _)| *allowed == name) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests, at the end of a file, may set up whatever they test.
        let code = text.find("#[cfg(test)]\nmod ").map_or(text.as_str(), |at| &text[..at]);
        for (number, line) in code.lines().enumerate() {
            if !line.trim_start().starts_with("//") && READS.iter().any(|read| line.contains(read)) {
                found.push(format!("{name}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "read the environment from the App's or the shim's `Process` instead (gover_shim::Process):\n{}",
        found.join("\n")
    );
}
