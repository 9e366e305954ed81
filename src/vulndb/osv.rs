//! One entry of the Go vulnerability database (OSV JSON, `/ID/GO-2025-3447.json`), reduced to
//! what gover asks of it: its id, CVE aliases, summary, and the SEMVER ranges of the modules
//! that are Go itself (`stdlib`, `toolchain`). Pure: the bytes come from `fetch`.

use std::collections::BTreeMap;

use gover_shim::GoVersion;
use serde::{Deserialize, Serialize};

use super::ranges::{self, Event, Range};
use crate::download::looks_like_html;
use crate::output;

/// The database's names for Go itself: the standard library and the go command.
pub const GO_MODULES: [&str; 2] = ["stdlib", "toolchain"];

/// An entry as gover keeps it in its cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `GO-2025-3447`.
    pub id: String,
    /// The entry's own `modified` time, which the index repeats: a changed one is fetched again.
    pub modified: String,
    /// CVE and GHSA ids.
    pub aliases: Vec<String>,
    pub summary: String,
    /// Which of `GO_MODULES` it affects.
    pub modules: Vec<String>,
    pub ranges: Vec<Range>,
}

impl Entry {
    pub fn affects(&self, version: &GoVersion) -> bool {
        let version = ranges::to_semver(version);
        self.ranges.iter().any(|r| r.contains(&version))
    }

    /// The go command itself (build-time code execution), not only programs built with it.
    pub fn affects_toolchain(&self) -> bool {
        self.modules.iter().any(|m| m == "toolchain")
    }

    /// The CVE ids among the aliases.
    pub fn cves(&self) -> impl Iterator<Item = &str> {
        self.aliases.iter().map(String::as_str).filter(|a| a.starts_with("CVE-"))
    }

    /// The entry with only what is safe to print, since `doctor` shows the summary and
    /// aliases: the summary on one line with nothing a terminal acts on (ESC sequences),
    /// and only the aliases that are CVE or GHSA ids (another is dropped: the entry's own id
    /// names it, and an alias is only a cross-reference).
    pub fn sanitized(self) -> Entry {
        let summary = output::one_line(&self.summary);
        let aliases = self.aliases.into_iter().filter(|a| valid_alias(a)).collect();
        Entry { summary, aliases, ..self }
    }
}

#[derive(Deserialize)]
struct RawEntry {
    id: String,
    #[serde(default)]
    modified: String,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    affected: Vec<RawAffected>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: RawPackage,
    #[serde(default)]
    ranges: Vec<RawRange>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<BTreeMap<String, String>>,
}

/// Why bytes are not an entry.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    /// An HTML page: a proxy, captive portal or login page answered.
    Html,
    Malformed(String),
}

/// The entry in `bytes`, which must be the one named `id`. A withdrawn entry, or one that
/// names no Go module, comes back as `None`: it affects no Go release.
pub fn parse(id: &str, bytes: &[u8]) -> Result<Option<Entry>, ParseError> {
    if looks_like_html(bytes) {
        return Err(ParseError::Html);
    }
    let raw: RawEntry = serde_json::from_slice(bytes).map_err(|e| ParseError::Malformed(e.to_string()))?;
    if raw.id != id {
        return Err(ParseError::Malformed(format!("it holds {:?}, not {id}", raw.id)));
    }
    if raw.withdrawn.is_some() {
        return Ok(None);
    }
    let mut modules = Vec::new();
    let mut found = Vec::new();
    for affected in raw.affected.iter().filter(|a| GO_MODULES.contains(&a.package.name.as_str())) {
        if !modules.contains(&affected.package.name) {
            modules.push(affected.package.name.clone());
        }
        for range in affected.ranges.iter().filter(|r| r.kind == "SEMVER") {
            found.push(parse_range(range)?);
        }
    }
    if modules.is_empty() {
        return Ok(None);
    }
    let summary = if raw.summary.trim().is_empty() { first_sentence(&raw.details) } else { raw.summary };
    let entry = Entry { id: raw.id, modified: raw.modified, aliases: raw.aliases, summary, modules, ranges: found };
    Ok(Some(entry.sanitized()))
}

fn parse_range(range: &RawRange) -> Result<Range, ParseError> {
    let mut events = Vec::new();
    for event in &range.events {
        for (kind, text) in event {
            let version = ranges::parse_event_version(text)
                .ok_or_else(|| ParseError::Malformed(format!("{text:?} is not a SemVer version")))?;
            events.push(match kind.as_str() {
                "introduced" => Event::Introduced(version),
                "fixed" => Event::Fixed(version),
                "last_affected" => Event::LastAffected(version),
                // `limit` only narrows git ranges; SEMVER ranges never carry it.
                _ => continue,
            });
        }
    }
    Ok(Range::new(events))
}

fn first_sentence(text: &str) -> String {
    let line = text.split(". ").next().unwrap_or("").trim();
    line.chars().take(120).collect()
}

/// Whether `id` is a database id (`GO-2025-3447`): safe in a URL and a file name.
pub fn valid_id(id: &str) -> bool {
    let mut parts = id.split('-');
    let digits =
        |p: Option<&str>, min: usize| p.is_some_and(|p| p.len() >= min && p.bytes().all(|b| b.is_ascii_digit()));
    parts.next() == Some("GO") && digits(parts.next(), 4) && digits(parts.next(), 4) && parts.next().is_none()
}

/// Whether `alias` is a CVE id (`CVE-2025-22866`) or a GitHub advisory id
/// (`GHSA-xxxx-xxxx-xxxx`), the aliases the Go database gives.
pub fn valid_alias(alias: &str) -> bool {
    if let Some(rest) = alias.strip_prefix("CVE-") {
        let digits = |p: &str, min: usize| p.len() >= min && p.bytes().all(|b| b.is_ascii_digit());
        return rest.split_once('-').is_some_and(|(year, n)| year.len() == 4 && digits(year, 4) && digits(n, 4));
    }
    let Some(rest) = alias.strip_prefix("GHSA-") else { return false };
    let parts: Vec<&str> = rest.split('-').collect();
    parts.len() == 3
        && parts.iter().all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = r#"{
      "schema_version": "1.3.1", "id": "GO-2025-3447", "modified": "0001-01-01T00:00:00Z",
      "aliases": ["CVE-2025-22866"], "summary": "Timing sidechannel for P-256 on ppc64le in crypto/internal/nistec",
      "affected": [
        {"package": {"name": "stdlib", "ecosystem": "Go"},
         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.22.12"},
           {"introduced": "1.23.0-0"}, {"fixed": "1.23.6"}, {"introduced": "1.24.0-0"}, {"fixed": "1.24.0-rc.3"}]}]},
        {"package": {"name": "golang.org/x/net", "ecosystem": "Go"},
         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.36.0"}]}]}
      ]}"#;

    #[test]
    fn keeps_only_go_s_own_modules() {
        let entry = parse("GO-2025-3447", ENTRY.as_bytes()).unwrap().unwrap();
        assert_eq!(entry.modules, ["stdlib"]);
        assert_eq!(entry.ranges.len(), 1, "the x/net range is another module's");
        assert_eq!(entry.cves().collect::<Vec<_>>(), ["CVE-2025-22866"]);
        let v = |s: &str| GoVersion::parse(s).unwrap();
        assert!(entry.affects(&v("go1.22.10")) && !entry.affects(&v("go1.22.12")) && entry.affects(&v("go1.24rc2")));
        assert!(!entry.affects_toolchain());
    }

    #[test]
    fn refuses_what_is_not_the_entry_asked_for() {
        assert_eq!(parse("GO-2025-3447", b"\n<!DOCTYPE html><p>Sign in</p>"), Err(ParseError::Html));
        assert!(matches!(parse("GO-2025-3447", b"{\"id\": 1"), Err(ParseError::Malformed(_))));
        assert!(
            matches!(parse("GO-2025-0001", ENTRY.as_bytes()), Err(ParseError::Malformed(m)) if m.contains("GO-2025-3447"))
        );
        let bad = ENTRY.replace("1.22.12", "one.two");
        assert!(matches!(parse("GO-2025-3447", bad.as_bytes()), Err(ParseError::Malformed(_))));
        let withdrawn = ENTRY.replace("\"aliases\"", "\"withdrawn\": \"2025-01-01T00:00:00Z\", \"aliases\"");
        assert_eq!(parse("GO-2025-3447", withdrawn.as_bytes()), Ok(None));
        let other = ENTRY.replace("\"stdlib\"", "\"golang.org/x/crypto\"");
        assert_eq!(parse("GO-2025-3447", other.as_bytes()), Ok(None));
    }

    #[test]
    fn keeps_only_what_is_safe_to_print() {
        let hostile = ENTRY
            .replace(
                r#""CVE-2025-22866""#,
                r#""CVE-2025-22866", "GHSA-vvgc-356p-c3xw", "CVE-2025-1\u001b]52;c;eA==\u0007", "x\u009b2J""#,
            )
            .replace("Timing sidechannel", r#"\u001b]52;c;ZWNobyBoaQ==\u0007Timing\r\n\u202esidechannel"#);
        let entry = parse("GO-2025-3447", hostile.as_bytes()).unwrap().unwrap();
        assert_eq!(entry.aliases, ["CVE-2025-22866", "GHSA-vvgc-356p-c3xw"]);
        assert_eq!(
            entry.summary,
            "]52;c;ZWNobyBoaQ==Timing sidechannel for P-256 on ppc64le in crypto/internal/nistec"
        );
    }

    #[test]
    fn aliases() {
        assert!(valid_alias("CVE-2025-22866") && valid_alias("CVE-2021-1234") && valid_alias("GHSA-vvgc-356p-c3xw"));
        for bad in [
            "",
            "CVE-2025-123",
            "CVE-25-1234",
            "CVE-2025-1234 ",
            "GHSA-vvgc-356p",
            "GHSA-VVGC-356P-C3XW",
            "PYSEC-2024-1",
        ] {
            assert!(!valid_alias(bad), "{bad}");
        }
    }

    #[test]
    fn ids() {
        assert!(valid_id("GO-2025-3447") && valid_id("GO-2021-0067") && valid_id("GO-2026-12345"));
        for bad in ["", "GO-2025", "GO-2025-34", "go-2025-3447", "GO-2025-3447/../x", "GO-25-3447", "GO-2025-3447-1"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
