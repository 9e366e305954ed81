//! Property: over generated startup files (comments, quotes, heredocs, blocks, functions,
//! continuation lines, CRLF, no final newline), `gover doctor --fix --yes` leaves a file bash
//! still parses, a second fix changes nothing, and `--undo` restores every byte.

use crate::common;

use std::fs;

use common::Sandbox;
use proptest::prelude::*;

/// Pieces of real startup files: harmless ones and ones doctor wants disabled.
const PIECES: &[&str] = &[
    "# a comment with 'quotes' and export GOROOT=/in/a/comment",
    "alias ll='ls -l'",
    "export EDITOR=vim",
    "PS1='\\u@\\h:\\w\\$ '",
    "export GOROOT=/usr/local/go",
    "export PATH=/usr/local/go/bin:$PATH",
    "[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"",
    "eval \"$(goenv init -)\"",
    "if [ -d \"$HOME/.goenv\" ]; then\n  export GOENV_ROOT=\"$HOME/.goenv\"\n  eval \"$(goenv init -)\"\nfi",
    "if [ -f ~/.bash_aliases ]; then\n  . ~/.bash_aliases\n  export GOROOT=/opt/go\nfi",
    "if [ -n \"$X\" ]; then\n  export GOROOT=/a\nelse\n  echo b\nfi",
    "go() {\n  echo 'wrapped }'\n  command go \"$@\"\n}",
    "function gofmt {\n  command gofmt -s \"$@\"\n}",
    "cat > /dev/null <<'EOF'\nexport GOROOT=/in/a/heredoc\nEOF",
    "NOTE=\"two\nexport GOROOT=/in/a/string\n\"",
    "export PATH=\"$HOME/sdk/go1.21/bin:\\\n$PATH\"",
    "case $- in\n  *i*) ;;\n  *) return;;\nesac",
    "for d in /opt/a /opt/b; do\n  PATH=\"$d:$PATH\"\ndone",
    "",
];

fn startup_file() -> impl Strategy<Value = (String, bool)> {
    (prop::collection::vec((0..PIECES.len(), any::<bool>()), 1..10), any::<bool>(), any::<bool>()).prop_map(
        |(picks, crlf, final_newline)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text: String =
                picks.iter().map(|&(i, _)| PIECES[i].replace('\n', eol)).collect::<Vec<_>>().join(eol);
            if final_newline {
                text.push_str(eol);
            }
            (text, crlf)
        },
    )
}

fn bash_parses(path: &std::path::Path) -> bool {
    std::process::Command::new("bash")
        .arg("-n")
        .arg(path)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn fix_then_undo_gives_back_every_byte((text, crlf) in startup_file()) {
        let sandbox = Sandbox::new();
        sandbox.install_shims();
        let rc = sandbox.home.join(".bashrc");
        let zshrc = sandbox.home.join(".zshrc");
        fs::write(&rc, &text).unwrap();
        fs::write(&zshrc, &text).unwrap();
        let parsed_before = bash_parses(&rc);

        let fix = sandbox.doctor(&["--fix", "--yes"]).output().unwrap();
        prop_assert!(fix.status.success(), "{}", String::from_utf8_lossy(&fix.stderr));
        let fixed = [fs::read(&rc).unwrap(), fs::read(&zshrc).unwrap()];
        if !crlf && parsed_before {
            prop_assert!(bash_parses(&rc), "the fix broke the file:\n{}", String::from_utf8_lossy(&fixed[0]));
        }
        // Every line is still there, at most behind the marker.
        for file in &fixed {
            let stripped = String::from_utf8(file.clone()).unwrap().replace("# gover-disabled: ", "");
            prop_assert_eq!(&stripped, &text);
        }

        let again = sandbox.doctor(&["--fix", "--yes"]).output().unwrap();
        prop_assert!(again.status.success());
        if !crlf {
            // (With CRLF the shells themselves choke on the file, so what doctor learns from a
            // live shell can change once a broken line is disabled.)
            prop_assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to fix"));
            prop_assert_eq!(&[fs::read(&rc).unwrap(), fs::read(&zshrc).unwrap()], &fixed);
        }

        // Undo, as many times as there are backups, gives back the original bytes.
        for _ in 0..3 {
            if !sandbox.doctor(&["--undo"]).output().unwrap().status.success() {
                break;
            }
        }
        prop_assert_eq!(fs::read(&rc).unwrap(), text.as_bytes());
        prop_assert_eq!(fs::read(&zshrc).unwrap(), text.as_bytes());
    }
}
