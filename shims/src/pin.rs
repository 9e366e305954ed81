//! Reading version pins out of the files that carry them: `.go-version`, mise's
//! `mise.toml` family, asdf's `.tool-versions`, and the `toolchain` line of `go.work` /
//! `go.mod` (whose `go` line [`go_line`] reads: a minimum, not a pin).
//!
//! Pin files come from any checkout, so they are untrusted: the parsers accept only
//! version names, reject anything else with the line it was on, and never hand a byte of
//! the file to a shell.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::version::Spec;

/// Pin files are a few bytes; anything larger is not one.
pub const MAX_PIN_FILE: u64 = 64 * 1024;
/// go.mod files can be long (many requires), but the toolchain line is near the top.
pub const MAX_GO_MOD: u64 = 1024 * 1024;
const MAX_LINE: usize = 256;

/// The kinds of file a pin can come from, in the order they are tried within one directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinFile {
    GoVersion,
    /// One of mise's config files, by its path relative to the directory.
    Mise(&'static str),
    ToolVersions,
    GoWork,
    GoMod,
}

/// mise's config files in one directory, in mise's own precedence (the local override
/// first). The last one is also mise's global config when the directory is HOME.
const MISE_FILES: [&str; 8] = [
    "mise.local.toml",
    ".mise.local.toml",
    "mise.toml",
    ".mise.toml",
    ".mise/config.toml",
    "mise/config.toml",
    ".config/mise.toml",
    ".config/mise/config.toml",
];

impl PinFile {
    /// mise reads its own files before `.tool-versions`; gover's `.go-version` comes first.
    pub const ALL: [PinFile; 12] = [
        PinFile::GoVersion,
        PinFile::Mise(MISE_FILES[0]),
        PinFile::Mise(MISE_FILES[1]),
        PinFile::Mise(MISE_FILES[2]),
        PinFile::Mise(MISE_FILES[3]),
        PinFile::Mise(MISE_FILES[4]),
        PinFile::Mise(MISE_FILES[5]),
        PinFile::Mise(MISE_FILES[6]),
        PinFile::Mise(MISE_FILES[7]),
        PinFile::ToolVersions,
        PinFile::GoWork,
        PinFile::GoMod,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            PinFile::GoVersion => ".go-version",
            PinFile::Mise(name) => name,
            PinFile::ToolVersions => ".tool-versions",
            PinFile::GoWork => "go.work",
            PinFile::GoMod => "go.mod",
        }
    }

    fn size_limit(self) -> u64 {
        match self {
            PinFile::GoVersion | PinFile::ToolVersions => MAX_PIN_FILE,
            // A mise config holds settings and tasks besides the tools.
            PinFile::Mise(_) | PinFile::GoWork | PinFile::GoMod => MAX_GO_MOD,
        }
    }

    /// The pin in `content`, if the file names one (a go.mod without a toolchain line, or a
    /// .tool-versions without a go entry, does not).
    pub fn parse(self, content: &[u8]) -> Result<Option<Pin>, PinError> {
        if content.len() as u64 > self.size_limit() {
            return Err(PinError {
                line: 0,
                reason: format!("the file is larger than {} bytes; a pin file holds one version", self.size_limit()),
            });
        }
        let text = std::str::from_utf8(content).map_err(|e| {
            let line = 1 + content[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            PinError { line, reason: "the file is not text (invalid UTF-8)".into() }
        })?;
        // Editors on other systems (Notepad) start UTF-8 files with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match self {
            PinFile::GoVersion => parse_go_version(text),
            PinFile::Mise(_) => parse_mise_toml(text),
            PinFile::ToolVersions => parse_tool_versions(text),
            PinFile::GoWork | PinFile::GoMod => parse_toolchain_line(text),
        }
    }

    /// Reads and parses the file; `Ok(None)` when it does not exist or names no version.
    pub fn read(self, path: &Path) -> Result<Option<Pin>, PinError> {
        match self.load(crate::dir::open_file(path))? {
            Some(content) => self.parse(&content),
            None => Ok(None),
        }
    }

    /// The bytes of a pin file of this kind that was just opened (`opened` is the result of
    /// the open): `None` when it does not exist.
    pub fn load(self, opened: std::io::Result<File>) -> Result<Option<Vec<u8>>, PinError> {
        Opened::new(opened)?.map(|file| self.content(file)).transpose()
    }

    /// The bytes of `file`, at most one byte past the size limit, which is enough for
    /// [`PinFile::parse`] to refuse it.
    pub fn content(self, file: Opened) -> Result<Vec<u8>, PinError> {
        let mut content = Vec::new();
        file.file.take(self.size_limit() + 1).read_to_end(&mut content).map_err(cannot_read)?;
        Ok(content)
    }
}

/// A pin file opened for reading and known to be a regular file, with its owner (both from
/// one `fstat` of the descriptor), before a byte of it is read.
pub struct Opened {
    file: File,
    owner: u32,
}

impl Opened {
    /// `opened` is the result of the open: `None` when the file does not exist. A FIFO,
    /// socket, device or directory is refused by the type of the open descriptor (no window
    /// between a check and the open); it was opened without blocking, so a FIFO cannot hang
    /// the reader.
    pub fn new(opened: std::io::Result<File>) -> Result<Option<Opened>, PinError> {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let file = match opened {
            Ok(file) => file,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
                return Ok(None)
            }
            Err(e) => return Err(cannot_read(e)),
        };
        let meta = file.metadata().map_err(cannot_read)?;
        let kind = meta.file_type();
        let what = if kind.is_file() {
            return Ok(Some(Opened { file, owner: meta.uid() }));
        } else if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a named pipe (FIFO)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_block_device() || kind.is_char_device() {
            "a device"
        } else {
            "not a regular file"
        };
        Err(PinError { line: 0, reason: format!("it is {what}, not a file holding a version") })
    }

    /// The uid that owns the file.
    pub fn owner(&self) -> u32 {
        self.owner
    }
}

fn cannot_read(e: std::io::Error) -> PinError {
    PinError { line: 0, reason: format!("cannot read it: {e}") }
}

/// A version request and the line of the file that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    pub spec: Spec,
    pub line: usize,
}

/// Why a pin file could not be used; `line` is 1-based, 0 for the file as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinError {
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for PinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Lines with their 1-based numbers, CR stripped, each checked for length.
fn lines(text: &str) -> impl Iterator<Item = Result<(usize, &str), PinError>> {
    text.split('\n').enumerate().map(|(i, line)| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.len() > MAX_LINE {
            Err(PinError {
                line: i + 1,
                reason: format!("line is {} bytes long; a version is a few characters", line.len()),
            })
        } else {
            Ok((i + 1, line))
        }
    })
}

fn spec_at(word: &str, line: usize) -> Result<Pin, PinError> {
    pin_at(word, line, Spec::parse)
}

/// [`spec_at`] with its own reading of the word: gover's `.go-version` (and the global
/// default) may name a link, which asdf's, mise's and go's own files may not, since those
/// tools read them too and know no such name.
fn pin_at(word: &str, line: usize, parse: fn(&str) -> Option<Spec>) -> Result<Pin, PinError> {
    match parse(word) {
        // stable/oldstable too: setup-go reads them only in its go-version input, not in
        // .go-version files, and asdf and mise do not know them, so a pin holding one would
        // mean something else, or nothing, to the other tools that read the file.
        Some(spec) if spec.is_moving() => Err(PinError {
            line,
            reason: format!("`{spec}` changes under you; pin a version such as 1.22 (gover use {spec} writes the one it means today)"),
        }),
        Some(spec) => Ok(Pin { spec, line }),
        None => Err(PinError {
            line,
            reason: format!("{} is not a Go version (expected e.g. 1.22, 1.22.10 or go1.22.10)", quoted(word)),
        }),
    }
}

/// Shows untrusted text safely: control characters escaped, long text cut.
fn quoted(word: &str) -> String {
    let shown: String = word.chars().take(40).collect();
    let mut out = format!("{:?}", shown);
    if shown.len() < word.len() {
        out.push('…');
    }
    out
}

fn parse_go_version(text: &str) -> Result<Option<Pin>, PinError> {
    for item in lines(text) {
        let (n, line) = item?;
        // A comment, on its own line or after the version, as in .tool-versions.
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        return pin_at(line, n, crate::link::spec_or_link).map(Some);
    }
    Ok(None)
}

fn parse_tool_versions(text: &str) -> Result<Option<Pin>, PinError> {
    for item in lines(text) {
        let (n, line) = item?;
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let Some(tool) = words.next() else { continue };
        if tool != "golang" && tool != "go" {
            continue;
        }
        // asdf lists fallbacks after the first version; the first one is the request.
        let Some(version) = words.next() else {
            return Err(PinError { line: n, reason: format!("the {tool} entry names no version") });
        };
        if version.starts_with("ref:") || version.starts_with("path:") {
            return Err(PinError {
                line: n,
                reason: format!("asdf's {} form is not supported; name a release such as 1.22.10", quoted(version)),
            });
        }
        return spec_at(version, n).map(Some);
    }
    Ok(None)
}

fn parse_toolchain_line(text: &str) -> Result<Option<Pin>, PinError> {
    for item in lines(text) {
        let (n, line) = item?;
        let line = line.split("//").next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("toolchain") else { continue };
        if !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let name = rest.trim();
        // `toolchain default` means "no preference" to Go itself.
        if name == "default" {
            return Ok(None);
        }
        return spec_at(name, n).map(Some);
    }
    Ok(None)
}

/// The `go` entry of a mise config's `[tools]` table (or `[tools.go]`, or a top-level
/// `tools.go = …`): `"1.22"`, `["1.22", "1.21"]` (the first is the request) or
/// `{ version = "1.22" }`. A small reader, not a TOML parser: anything it cannot read in
/// that entry is an error naming its line, never a silent fallback to another version.
fn parse_mise_toml(text: &str) -> Result<Option<Pin>, PinError> {
    // The table the current line belongs to; `[tools.go]` is the go entry itself.
    let mut table = String::new();
    for item in lines(text) {
        let (n, raw) = item?;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let name = header.split(']').next().unwrap_or("");
            table = name.split('.').map(|part| part.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let key: Vec<&str> = key.split('.').map(|part| part.trim().trim_matches('"')).collect();
        let path = if table.is_empty() { key.join(".") } else { format!("{table}.{}", key.join(".")) };
        let value = strip_toml_comment(value.trim());
        match path.as_str() {
            "tools.go" | "tools.core:go" => return mise_value(value, n).map(Some),
            "tools.go.version" | "tools.core:go.version" => return mise_string(value, n).map(Some),
            _ => {}
        }
    }
    Ok(None)
}

/// A value without its trailing `# comment` (a `#` inside quotes is kept).
fn strip_toml_comment(value: &str) -> &str {
    let mut quote = None;
    for (i, c) in value.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return value[..i].trim_end(),
            _ => {}
        }
    }
    value
}

fn mise_value(value: &str, line: usize) -> Result<Pin, PinError> {
    if let Some(inner) = value.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err(PinError { line, reason: "mise's go array must be on one line".into() });
        };
        let inner = inner.trim();
        if inner.starts_with('{') {
            let end = inner.find('}').map_or(inner.len(), |i| i + 1);
            return mise_value(&inner[..end], line);
        }
        return mise_string(inner.split(',').next().unwrap_or("").trim(), line);
    }
    if let Some(inner) = value.strip_prefix('{') {
        let inner = inner.strip_suffix('}').unwrap_or(inner);
        for field in inner.split(',') {
            if let Some((key, v)) = field.split_once('=') {
                if key.trim().trim_matches('"') == "version" {
                    return mise_string(v.trim(), line);
                }
            }
        }
        return Err(PinError { line, reason: "mise's go table names no version".into() });
    }
    mise_string(value, line)
}

fn mise_string(value: &str, line: usize) -> Result<Pin, PinError> {
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')));
    let Some(version) = unquoted else {
        return Err(PinError { line, reason: format!("{} is not a quoted version", quoted(value)) });
    };
    if let Some((prefix, _)) = version.split_once(':') {
        return Err(PinError {
            line,
            reason: format!("mise's {}: form is not supported; name a release such as 1.22.10", quoted(prefix)),
        });
    }
    spec_at(version, line)
}

/// The `go` directive of a go.mod or go.work: the oldest Go the module builds with (Go's
/// own rule since 1.21), with its line.
pub fn go_line(text: &str) -> Option<(crate::version::GoVersion, usize)> {
    for (i, line) in text.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("go") else { continue };
        if rest.starts_with(char::is_whitespace) {
            return crate::version::GoVersion::parse(rest.trim()).map(|v| (v, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::{GoVersion, Spec};

    fn pin(kind: PinFile, text: &str) -> Result<Option<(String, usize)>, PinError> {
        kind.parse(text.as_bytes()).map(|p| p.map(|p| (p.spec.to_string(), p.line)))
    }

    #[test]
    fn go_version_files() {
        assert_eq!(pin(PinFile::GoVersion, "1.22.10\n").unwrap(), Some(("1.22.10".into(), 1)));
        assert_eq!(pin(PinFile::GoVersion, "# team pin\r\n\r\n  go1.22  \r\n").unwrap(), Some(("1.22".into(), 3)));
        assert_eq!(pin(PinFile::GoVersion, "\n# nothing\n").unwrap(), None);
        assert_eq!(pin(PinFile::GoVersion, "system").unwrap(), Some(("system".into(), 1)));
        // A linked toolchain's name, in gover's own file only.
        assert_eq!(PinFile::GoVersion.parse(b"my-fork\n").unwrap().unwrap().spec, Spec::Link("my-fork".into()));
        assert!(pin(PinFile::ToolVersions, "golang my-fork\n").is_err());
        assert!(pin(PinFile::GoMod, "toolchain my-fork\n").is_err());
        assert_eq!(pin(PinFile::GoVersion, "1.22.10 # the team's pin\n").unwrap(), Some(("1.22.10".into(), 1)));
        assert_eq!(pin(PinFile::GoVersion, "\u{feff}1.22\r\n").unwrap(), Some(("1.22".into(), 1)));
        assert_eq!(pin(PinFile::ToolVersions, "\u{feff}golang 1.22.10\n").unwrap(), Some(("1.22.10".into(), 1)));
    }

    #[test]
    fn garbage_is_an_error_with_its_line() {
        let err = pin(PinFile::GoVersion, "\n1.22; rm -rf /\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.reason.contains("not a Go version"), "{}", err.reason);
        let err = pin(PinFile::GoVersion, &"9".repeat(1_000_000)).unwrap_err();
        assert_eq!(err.line, 0);
        let err = PinFile::GoVersion.parse(b"1.22\n\xff\xfe\x00").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.reason.contains("not text"));
        assert!(pin(PinFile::GoVersion, &"1".repeat(300)).unwrap_err().reason.contains("bytes long"));
        for moving in ["latest", "stable", "oldstable"] {
            assert!(pin(PinFile::GoVersion, moving).is_err());
            assert!(pin(PinFile::ToolVersions, &format!("golang {moving}\n")).is_err());
        }
        assert!(pin(PinFile::GoVersion, "banana split").is_err());
        assert!(pin(PinFile::ToolVersions, "golang banana\n").is_err());
    }

    #[test]
    fn tool_versions() {
        let text = "nodejs 20.1.0\ngolang 1.21.13 1.22.10 # fallback\npython 3.11\n";
        assert_eq!(pin(PinFile::ToolVersions, text).unwrap(), Some(("1.21.13".into(), 2)));
        assert_eq!(pin(PinFile::ToolVersions, "go 1.22").unwrap(), Some(("1.22".into(), 1)));
        assert_eq!(pin(PinFile::ToolVersions, "nodejs 20\n").unwrap(), None);
        assert_eq!(pin(PinFile::ToolVersions, "golang\n").unwrap_err().line, 1);
        assert!(pin(PinFile::ToolVersions, "golang ref:master\n").unwrap_err().reason.contains("not supported"));
    }

    #[test]
    fn mise_tools_table() {
        let mise = PinFile::Mise("mise.toml");
        let text = "[env]\nGO = \"x\"\n\n[tools]\nnode = \"20\"\ngo = \"1.21.13\" # pinned\n";
        assert_eq!(pin(mise, text).unwrap(), Some(("1.21.13".into(), 6)));
        assert_eq!(pin(mise, "[tools]\ngo = ['1.22', \"1.21\"]\n").unwrap(), Some(("1.22".into(), 2)));
        assert_eq!(
            pin(mise, "[tools]\n\"go\" = { version = \"1.23.9\", os = [\"linux\"] }\n").unwrap(),
            Some(("1.23.9".into(), 2))
        );
        assert_eq!(pin(mise, "[tools.go]\nversion = \"1.22.10\"\n").unwrap(), Some(("1.22.10".into(), 2)));
        assert_eq!(pin(mise, "tools.go = \"1.22\"\n").unwrap(), Some(("1.22".into(), 1)));
        assert_eq!(pin(mise, "[tools]\ngo = [{ version = \"1.21\" }]\n").unwrap(), Some(("1.21".into(), 2)));
        // Another table's `go`, and a config without go, pin nothing.
        assert_eq!(pin(mise, "[env]\ngo = \"1.22\"\n[tools]\nnode = \"20\"\n").unwrap(), None);
        // What it cannot read fails with its line.
        assert_eq!(pin(mise, "[tools]\ngo = [\n  \"1.22\",\n]\n").unwrap_err().line, 2);
        assert!(pin(mise, "[tools]\ngo = \"prefix:1.22\"\n").unwrap_err().reason.contains("not supported"));
        assert!(pin(mise, "[tools]\ngo = \"latest\"\n").is_err());
        assert!(pin(mise, "[tools]\ngo = 1.22\n").unwrap_err().reason.contains("quoted"));
    }

    #[test]
    fn go_lines() {
        let v = |s: &str| go_line(s).map(|(v, n)| (v.to_string(), n));
        assert_eq!(v("module x\n\ngo 1.25.0\ntoolchain go1.25.1\n"), Some(("go1.25.0".into(), 3)));
        assert_eq!(v("module x\ngo 1.21 // old\n"), Some(("go1.21".into(), 2)));
        assert_eq!(v("module x\ngodebug x=1\n"), None);
    }

    #[test]
    fn toolchain_lines() {
        let gomod = "module example.com/x\n\ngo 1.22.0\n\ntoolchain go1.22.10 // pinned\n\nrequire x v1\n";
        assert_eq!(pin(PinFile::GoMod, gomod).unwrap(), Some(("1.22.10".into(), 5)));
        assert_eq!(pin(PinFile::GoMod, "module x\ngo 1.22\n").unwrap(), None);
        assert_eq!(pin(PinFile::GoMod, "module x\ntoolchain default\n").unwrap(), None);
        assert_eq!(pin(PinFile::GoWork, "go 1.23\ntoolchain go1.23.9\nuse ./a\n").unwrap(), Some(("1.23.9".into(), 2)));
        assert!(pin(PinFile::GoMod, "toolchain go1.22.0-evil\n").is_err());
        // `toolchainfoo` is not a toolchain directive.
        assert_eq!(pin(PinFile::GoMod, "toolchainfoo go1.2\n").unwrap(), None);
        let exact = PinFile::GoMod.parse(b"toolchain go1.21rc2").unwrap().unwrap();
        assert_eq!(exact.spec, Spec::Exact(GoVersion::parse("go1.21rc2").unwrap()));
    }
}
