//! Moving pins to a newer release (`gover upgrade --pins`): which pin files a directory has,
//! and the new text of one. Only the version word of the pin's line changes; every other byte
//! (comments, other tools in `.tool-versions`, CRLF, a missing final newline) is kept, so
//! `gover doctor --undo` and a diff both stay exact. Exact pins of a line move to its target;
//! partial pins (`1.22`) already follow the newest installed patch and move only when the
//! line itself changes (`--to`). go.mod and go.work are the project's and never edited here.

use std::path::{Path, PathBuf};

use gover_shim::pin::PinFile;
use gover_shim::{GoVersion, Spec};

/// One line's move: its versions go to `to` (a release of the same line, or of another when
/// the user asked to cross with `--to`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: (u32, u32),
    pub to: GoVersion,
}

impl Move {
    fn crosses(&self) -> bool {
        self.from != (self.to.major, self.to.minor)
    }

    /// The word that replaces `spec` (written as `word`), if this move applies to it.
    fn replacement(&self, spec: &Spec, word: &str) -> Option<String> {
        let prefix = if word.starts_with("go") { "go" } else { "" };
        let to = self.to.to_string();
        let to = to.trim_start_matches("go");
        match spec {
            Spec::Exact(v) if (v.major, v.minor) == self.from && *v < self.to && !v.same_release(&self.to) => {
                Some(format!("{prefix}{to}"))
            }
            Spec::Line { major, minor } if (*major, *minor) == self.from && self.crosses() => {
                Some(format!("{prefix}{}.{}", self.to.major, self.to.minor))
            }
            _ => None,
        }
    }
}

/// The new content of a `.go-version` or `.tool-versions` (`kind`) after `moves`, or `None`
/// when no move applies (or the file does not parse: the resolver reports that elsewhere).
pub fn rewrite(kind: PinFile, content: &[u8], moves: &[Move]) -> Option<Vec<u8>> {
    let pin = kind.parse(content).ok()??;
    let text = std::str::from_utf8(content).ok()?;
    let mut lines: Vec<&str> = text.split('\n').collect();
    let line = lines.get(pin.line - 1)?;
    let (start, word) = version_word(kind, line, &pin.spec)?;
    let new = moves.iter().find_map(|m| m.replacement(&pin.spec, word))?;
    let edited = format!("{}{new}{}", &line[..start], &line[start + word.len()..]);
    lines[pin.line - 1] = &edited;
    Some(lines.join("\n").into_bytes())
}

/// Where the version `spec` is on a pin line, and the word as written.
fn version_word<'a>(kind: PinFile, line: &'a str, spec: &Spec) -> Option<(usize, &'a str)> {
    let words = || line.split_whitespace().map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w));
    match kind {
        PinFile::GoVersion => words().next(),
        // `golang 1.22.10 1.21.13`: the first version is the request.
        PinFile::ToolVersions => words().nth(1),
        // `go = "1.22.10"`, `go = ["1.22.10", "1.21"]`, `go = { version = "1.22.10" }`, or
        // `version = "1.22.10"` in a `[tools.go]` table: the first quoted string after `=`
        // that is the pin, so another option's string (`postinstall = "…"`) is never touched.
        PinFile::Mise(_) => {
            let mut at = line.find('=')? + 1;
            loop {
                let open = at + line[at..].find(['"', '\''])?;
                let quote = &line[open..open + 1];
                let len = line[open + 1..].find(quote)?;
                let word = &line[open + 1..open + 1 + len];
                if Spec::parse(word).as_ref() == Some(spec) {
                    return Some((open + 1, word));
                }
                at = open + len + 2;
            }
        }
        PinFile::GoWork | PinFile::GoMod => None,
    }
}

/// The go command that moves the toolchain line of `file` (a go.mod or a go.work) to
/// `version`, run inside that module or workspace: go.work's line is `go work edit`'s (in
/// workspace mode `go get` edits the module's go.mod, whose toolchain line go then ignores).
pub fn toolchain_line_command(file: &Path, version: &GoVersion) -> String {
    match file.file_name().and_then(|n| n.to_str()) {
        Some("go.work") => format!("go work edit -toolchain={version}"),
        _ => format!("go get toolchain@{version}"),
    }
}

/// The pin files of a directory, by kind, that exist.
pub fn pin_files(dir: &Path) -> Vec<(PinFile, PathBuf)> {
    PinFile::ALL.iter().map(|kind| (*kind, dir.join(kind.file_name()))).filter(|(_, path)| path.is_file()).collect()
}

/// `dir` and every directory below it, skipping hidden ones, symlinks and the usual trees of
/// other people's code (`node_modules`, `vendor`).
pub fn directories_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let skip = name.to_string_lossy().starts_with('.') || name == "node_modules" || name == "vendor";
                if !skip && entry.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(entry.path());
                }
            }
        }
        out.push(dir);
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(v: &str) -> Move {
        let to = GoVersion::parse(v).unwrap();
        Move { from: (to.major, to.minor), to }
    }

    fn moved(kind: PinFile, text: &str, moves: &[Move]) -> Option<String> {
        rewrite(kind, text.as_bytes(), moves).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn mise_pins_move_in_every_form() {
        let m = [to("go1.22.12")];
        let mise = PinFile::Mise("mise.toml");
        for (before, after) in [
            ("[tools]\ngo = \"1.22.10\"\n", "[tools]\ngo = \"1.22.12\"\n"),
            ("[tools]\ngo = ['1.22.10', '1.21']\n", "[tools]\ngo = ['1.22.12', '1.21']\n"),
            ("[tools]\ngo = { version = \"1.22.10\" }\n", "[tools]\ngo = { version = \"1.22.12\" }\n"),
            ("[tools.go]\nversion = \"1.22.10\" # team pin\n", "[tools.go]\nversion = \"1.22.12\" # team pin\n"),
        ] {
            assert_eq!(moved(mise, before, &m).as_deref(), Some(after), "{before}");
        }
        assert_eq!(moved(mise, "[tools]\ngo = \"1.22\"\n", &m), None);
        // Another option's string before the version: only the version moves.
        assert_eq!(
            moved(mise, "[tools]\ngo = { postinstall = \"go install x@1\", version = \"1.22.10\" }\n", &m).as_deref(),
            Some("[tools]\ngo = { postinstall = \"go install x@1\", version = \"1.22.12\" }\n")
        );
    }

    #[test]
    fn only_the_version_word_changes() {
        let m = [to("go1.22.12")];
        assert_eq!(moved(PinFile::GoVersion, "1.22.10\n", &m).as_deref(), Some("1.22.12\n"));
        assert_eq!(
            moved(PinFile::GoVersion, "# team\r\n  go1.22.10  \r\n", &m).as_deref(),
            Some("# team\r\n  go1.22.12  \r\n")
        );
        assert_eq!(moved(PinFile::GoVersion, "1.22.10", &m).as_deref(), Some("1.22.12"));
        assert_eq!(
            moved(PinFile::ToolVersions, "nodejs 20.1.0\ngolang 1.22.10 1.21.13 # ci\n", &m).as_deref(),
            Some("nodejs 20.1.0\ngolang 1.22.12 1.21.13 # ci\n")
        );
        assert_eq!(moved(PinFile::ToolVersions, "golang\t1.22.10\n", &m).as_deref(), Some("golang\t1.22.12\n"));
    }

    #[test]
    fn partial_pins_other_lines_and_newer_pins_stay() {
        let m = [to("go1.22.12")];
        assert_eq!(moved(PinFile::GoVersion, "1.22\n", &m), None, "a partial pin follows by itself");
        assert_eq!(moved(PinFile::GoVersion, "1.21.13\n", &m), None);
        assert_eq!(moved(PinFile::GoVersion, "1.22.12\n", &m), None);
        assert_eq!(moved(PinFile::GoVersion, "system\n", &m), None);
        // A linked toolchain is the user's own tree: upgrade never moves a pin off it.
        assert_eq!(moved(PinFile::GoVersion, "my-fork\n", &m), None);
        assert_eq!(moved(PinFile::GoVersion, "not a version\n", &m), None);
        assert_eq!(moved(PinFile::ToolVersions, "nodejs 20\n", &m), None);
    }

    #[test]
    fn crossing_a_line_moves_partial_pins_too() {
        let m = [Move { from: (1, 22), to: GoVersion::parse("go1.23.9").unwrap() }];
        assert_eq!(moved(PinFile::GoVersion, "1.22\n", &m).as_deref(), Some("1.23\n"));
        assert_eq!(moved(PinFile::GoVersion, "go1.22.10\n", &m).as_deref(), Some("go1.23.9\n"));
        assert_eq!(moved(PinFile::GoVersion, "1.21\n", &m), None);
    }
}
