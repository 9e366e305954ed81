//! The release index (`https://go.dev/dl/?mode=json&include=all`): parsing it, picking the
//! release a spec asks for, the archive for a platform, and the nearest releases to suggest
//! when nothing matches. Pure: the bytes come from `download`.

use gover_shim::{GoVersion, Spec};
use serde::{Deserialize, Serialize};

/// One file of a release, as the index lists it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct ReleaseFile {
    pub filename: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub arch: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub kind: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct RawRelease {
    version: String,
    #[serde(default)]
    files: Vec<ReleaseFile>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub version: GoVersion,
    pub files: Vec<ReleaseFile>,
}

impl Release {
    /// The `.tar.gz` archive for `platform`, if this release has one.
    pub fn archive_for(&self, platform: &Platform) -> Option<&ReleaseFile> {
        self.files.iter().find(|f| {
            f.kind == "archive"
                && f.os == platform.os
                && f.arch == platform.arch
                && f.filename.ends_with(".tar.gz")
                && f.is_plain()
        })
    }
}

impl ReleaseFile {
    /// Whether its name is a plain file name and its checksum hex digits: both end up in URLs,
    /// file names and messages, so a server cannot put a path or terminal sequences (ESC) there.
    fn is_plain(&self) -> bool {
        let name_ok = !self.filename.starts_with('.')
            && !self.filename.contains(['/', '\\'])
            && crate::output::printable(&self.filename) == self.filename;
        name_ok && self.sha256.bytes().all(|b| b.is_ascii_hexdigit())
    }
}

/// Why the index could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum IndexError {
    /// An HTML page came back: a proxy, a captive portal or a login page answered instead.
    Html,
    /// Not the index's JSON.
    Malformed(String),
}

/// The releases of an index, newest first; entries whose version is not a Go release name
/// are skipped rather than failing the whole index.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub releases: Vec<Release>,
}

impl Index {
    pub fn parse(bytes: &[u8]) -> Result<Index, IndexError> {
        if crate::download::looks_like_html(bytes) {
            return Err(IndexError::Html);
        }
        let raw: Vec<RawRelease> = serde_json::from_slice(bytes).map_err(|e| IndexError::Malformed(e.to_string()))?;
        let mut releases: Vec<Release> =
            raw.into_iter().filter_map(|r| Some(Release { version: canonical(&r.version)?, files: r.files })).collect();
        if releases.is_empty() {
            // Go has shipped releases since 2012: an empty list is a broken server, not news.
            return Err(IndexError::Malformed("it lists no Go releases".into()));
        }
        releases.sort_by(|a, b| b.version.cmp(&a.version));
        releases.dedup_by(|a, b| a.version == b.version);
        Ok(Index { releases })
    }

    /// The index in go.dev's format, with every release but only the archives for `platform`:
    /// what [`Index::parse`] reads back for that platform, in about a fiftieth of the size.
    pub fn to_json(&self, platform: &Platform) -> Vec<u8> {
        let raw: Vec<RawRelease> = self
            .releases
            .iter()
            .map(|r| RawRelease {
                version: r.version.to_string(),
                files: r.archive_for(platform).cloned().into_iter().collect(),
            })
            .collect();
        serde_json::to_vec(&raw).expect("an index serialises")
    }

    /// The release `spec` asks for, among those with an archive for `platform`.
    pub fn pick(&self, spec: &Spec, platform: &Platform) -> Option<&Release> {
        let versions = self.available(platform).map(|r| &r.version);
        let version = spec.pick(versions)?;
        self.releases.iter().find(|r| &r.version == version)
    }

    /// Releases that can be installed on `platform`, newest first.
    pub fn available<'a>(&'a self, platform: &'a Platform) -> impl Iterator<Item = &'a Release> + 'a {
        self.releases.iter().filter(move |r| r.archive_for(platform).is_some())
    }

    /// Up to `n` installable releases closest to what `spec` asked for, oldest first: the
    /// newest of its line when the line exists, else the neighbours on either side of where
    /// it would sort. So `1.22.99` suggests go1.22.8 go1.22.9 go1.22.10, and `1.99` the newest.
    pub fn nearest(&self, spec: &Spec, platform: &Platform, n: usize) -> Vec<GoVersion> {
        let mut all: Vec<&GoVersion> = self.available(platform).map(|r| &r.version).collect();
        all.reverse();
        let (major, minor, wanted) = sort_position(spec);
        let line: Vec<&GoVersion> = all.iter().copied().filter(|v| v.in_line(major, minor) && v.is_stable()).collect();
        let chosen: Vec<&GoVersion> = if line.is_empty() {
            let at = all.partition_point(|v| **v < wanted);
            let from = at.saturating_sub(n.div_ceil(2));
            let to = (from + n).min(all.len());
            all[to.saturating_sub(n)..to].to_vec()
        } else {
            line[line.len().saturating_sub(n)..].to_vec()
        };
        chosen.into_iter().cloned().collect()
    }
}

/// The one of `nearest` (as [`Index::nearest`] found them for `spec`) to suggest: the newest
/// of the line when it has releases, else the first stable one newer than what was asked for (so
/// `1.20`, missing, suggests go1.21.13 rather than the newest release), else the newest.
pub fn suggestion<'a>(nearest: &'a [GoVersion], spec: &Spec) -> Option<&'a GoVersion> {
    let (major, minor, wanted) = sort_position(spec);
    if nearest.iter().any(|v| v.in_line(major, minor)) {
        return nearest.last();
    }
    nearest.iter().find(|v| **v > wanted && v.is_stable()).or(nearest.last())
}

/// Where `spec` would sort among releases, with its line: a line sorts after all its patches,
/// `latest` after everything.
fn sort_position(spec: &Spec) -> (u32, u32, GoVersion) {
    match spec {
        Spec::Exact(v) => (v.major, v.minor, v.clone()),
        Spec::Line { major, minor } => {
            (*major, *minor, GoVersion { major: *major, minor: *minor, patch: Some(u32::MAX), pre: None })
        }
        Spec::Latest | Spec::Stable | Spec::OldStable | Spec::System | Spec::Link(_) => {
            (0, 0, GoVersion { major: u32::MAX, minor: 0, patch: None, pre: None })
        }
    }
}

/// The version name if `text` is one in Go's canonical spelling (`go1.22.10`).
fn canonical(text: &str) -> Option<GoVersion> {
    GoVersion::parse(text).filter(|v| v.to_string() == text)
}

/// An os/arch pair in the index's spelling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub arch: String,
}

impl Platform {
    /// The platform this gover was built for, or None where Go ships no archive we use.
    pub fn host() -> Option<Platform> {
        Platform::from_rust(std::env::consts::OS, std::env::consts::ARCH)
    }

    /// Maps Rust's names for os and arch to Go's.
    pub fn from_rust(os: &str, arch: &str) -> Option<Platform> {
        let os = match os {
            "linux" | "freebsd" => os,
            "macos" => "darwin",
            _ => return None,
        };
        let arch = match arch {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            // Go's only 32-bit ARM archive is for ARMv6 with hardware floats, which ARMv7 runs.
            "arm" => "armv6l",
            "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
            "s390x" => "s390x",
            "riscv64" => "riscv64",
            _ => return None,
        };
        Some(Platform { os: os.into(), arch: arch.into() })
    }

    /// The ELF `e_machine` of this platform's binaries; None where they are not ELF (macOS).
    pub fn elf_machine(&self) -> Option<u16> {
        if self.os == "darwin" {
            return None;
        }
        ELF_MACHINES.iter().find(|(arch, _)| *arch == self.arch).map(|&(_, machine)| machine)
    }

    /// Go's name for the architecture of ELF machine `machine`.
    pub fn arch_of_elf_machine(machine: u16) -> Option<&'static str> {
        ELF_MACHINES.iter().find(|(_, m)| *m == machine).map(|&(arch, _)| arch)
    }
}

/// Go's architectures with ELF releases, and their `e_machine` values.
const ELF_MACHINES: [(&str, u16); 7] =
    [("amd64", 62), ("arm64", 183), ("386", 3), ("armv6l", 40), ("ppc64le", 21), ("s390x", 22), ("riscv64", 243)];

/// The platform a Go archive's name spells (`go1.22.10.linux-arm64.tar.gz` -> `linux-arm64`),
/// if it is named the official way.
pub fn platform_in_filename(filename: &str) -> Option<&str> {
    let (_, platform) = filename.strip_suffix(".tar.gz")?.rsplit_once('.')?;
    platform.contains('-').then_some(platform)
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.os, self.arch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux() -> Platform {
        Platform { os: "linux".into(), arch: "amd64".into() }
    }

    /// An index in go.dev's format with a linux-amd64 archive for each version, plus one
    /// release that only ships for windows.
    fn index(versions: &[&str]) -> Index {
        let mut entries: Vec<String> = versions
            .iter()
            .map(|v| {
                format!(
                    r#"{{"version":"{v}","stable":true,"files":[
                      {{"filename":"{v}.src.tar.gz","os":"","arch":"","version":"{v}","sha256":"00","size":1,"kind":"source"}},
                      {{"filename":"{v}.linux-amd64.tar.gz","os":"linux","arch":"amd64","version":"{v}","sha256":"ab","size":10,"kind":"archive"}},
                      {{"filename":"{v}.linux-amd64.msi","os":"linux","arch":"amd64","sha256":"cd","size":10,"kind":"installer"}}]}}"#
                )
            })
            .collect();
        entries.push(
            r#"{"version":"go1.30.0","stable":true,"files":[{"filename":"go1.30.0.windows-amd64.zip","os":"windows","arch":"amd64","sha256":"ef","size":1,"kind":"archive"}]}"#.into(),
        );
        Index::parse(format!("[{}]", entries.join(",")).as_bytes()).unwrap()
    }

    fn pick(index: &Index, spec: &str) -> Option<String> {
        index.pick(&Spec::parse(spec).unwrap(), &linux()).map(|r| r.version.to_string())
    }

    #[test]
    fn picks_by_spec() {
        let idx = index(&["go1.21rc2", "go1.21.0", "go1.20", "go1.22.9", "go1.22.10", "go1.23rc1", "go1.9beta1"]);
        assert_eq!(pick(&idx, "1.22").as_deref(), Some("go1.22.10"));
        assert_eq!(pick(&idx, "go1.22.9").as_deref(), Some("go1.22.9"));
        assert_eq!(pick(&idx, "1.23rc1").as_deref(), Some("go1.23rc1"));
        assert_eq!(pick(&idx, "1.23").as_deref(), Some("go1.23rc1"));
        assert_eq!(pick(&idx, "latest").as_deref(), Some("go1.22.10"), "latest skips pre-releases and other platforms");
        assert_eq!(pick(&idx, "1.20").as_deref(), Some("go1.20"));
        assert_eq!(pick(&idx, "1.20.0").as_deref(), Some("go1.20"));
        assert_eq!(pick(&idx, "1.21").as_deref(), Some("go1.21.0"));
        assert_eq!(pick(&idx, "1.9beta1").as_deref(), Some("go1.9beta1"));
        assert_eq!(pick(&idx, "1.30"), None, "no linux archive");
        assert_eq!(pick(&idx, "1.22.11"), None);
    }

    #[test]
    fn archive_is_the_platform_tarball() {
        let idx = index(&["go1.22.10"]);
        let file = idx.releases[1].archive_for(&linux()).unwrap();
        assert_eq!(file.filename, "go1.22.10.linux-amd64.tar.gz");
        assert_eq!((file.sha256.as_str(), file.size), ("ab", 10));
        assert_eq!(idx.releases[1].archive_for(&Platform { os: "linux".into(), arch: "arm64".into() }), None);
    }

    #[test]
    fn the_saved_copy_keeps_every_release_and_only_this_platform_s_archives() {
        let idx = index(&["go1.21.13", "go1.22.10"]);
        let saved = Index::parse(&idx.to_json(&linux())).unwrap();
        let names = |i: &Index| i.releases.iter().map(|r| r.version.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&saved), ["go1.30.0", "go1.22.10", "go1.21.13"]);
        let files: Vec<&str> = saved.releases.iter().flat_map(|r| &r.files).map(|f| f.filename.as_str()).collect();
        assert_eq!(files, ["go1.22.10.linux-amd64.tar.gz", "go1.21.13.linux-amd64.tar.gz"]);
        assert_eq!(saved.releases[1].archive_for(&linux()), idx.releases[1].archive_for(&linux()));
    }

    #[test]
    fn sorted_newest_first_skipping_odd_names() {
        let idx = Index::parse(
            br#"[{"version":"go1.21.0","files":[]},{"version":"weekly.2012-03-27","files":[]},
                 {"version":"go1.22.1","files":[]},{"version":"1.22.2","files":[]}]"#,
        )
        .unwrap();
        let names: Vec<String> = idx.releases.iter().map(|r| r.version.to_string()).collect();
        assert_eq!(names, ["go1.22.1", "go1.21.0"]);
    }

    #[test]
    fn html_and_garbage_are_told_apart() {
        assert_eq!(Index::parse(b"\n  <!DOCTYPE html><html>Sign in</html>").unwrap_err(), IndexError::Html);
        assert!(matches!(Index::parse(b"{\"error\":1}"), Err(IndexError::Malformed(_))));
        assert!(matches!(Index::parse(b""), Err(IndexError::Malformed(_))));
        assert_eq!(Index::parse(b"[]").unwrap_err(), IndexError::Malformed("it lists no Go releases".into()));
        assert!(Index::parse(br#"[{"version":"weekly.2012-03-27"}]"#).is_err());
    }

    #[test]
    fn an_archive_named_with_a_path_or_terminal_sequences_is_not_one() {
        let file = |filename: &str, sha256: &str| {
            format!(
                r#"[{{"version":"go1.22.10","files":[{{"filename":"{filename}","os":"linux","arch":"amd64",
                     "sha256":"{sha256}","size":1,"kind":"archive"}}]}}]"#
            )
        };
        let archive = |json: String| Index::parse(json.as_bytes()).unwrap().releases[0].archive_for(&linux()).cloned();
        assert!(archive(file("go1.22.10.linux-amd64.tar.gz", "ab12")).is_some());
        for (name, sha256) in [
            (r"go1.22.10\u001b]52;c;eA==\u0007.linux-amd64.tar.gz", "ab12"),
            ("../../go1.22.10.linux-amd64.tar.gz", "ab12"),
            (r"go1.22.10\u202e.linux-amd64.tar.gz", "ab12"),
            ("go1.22.10.linux-amd64.tar.gz", r"ab\u001b[2J"),
        ] {
            assert_eq!(archive(file(name, sha256)), None, "{name} {sha256}");
        }
    }

    #[test]
    fn nearest_suggestions() {
        let idx = index(&["go1.21.13", "go1.22.8", "go1.22.9", "go1.22.10", "go1.22rc1", "go1.23.9"]);
        let near = |s: &str| -> Vec<String> {
            idx.nearest(&Spec::parse(s).unwrap(), &linux(), 3).iter().map(|v| v.to_string()).collect()
        };
        assert_eq!(near("1.22.99"), ["go1.22.8", "go1.22.9", "go1.22.10"]);
        assert_eq!(near("1.99"), ["go1.22.9", "go1.22.10", "go1.23.9"]);
        assert_eq!(near("1.1"), ["go1.21.13", "go1.22rc1", "go1.22.8"]);
        assert_eq!(near("1.21.99"), ["go1.21.13"]);
        assert!(Index::default().nearest(&Spec::Latest, &linux(), 3).is_empty());

        let suggested = |s: &str| {
            let spec = Spec::parse(s).unwrap();
            suggestion(&idx.nearest(&spec, &linux(), 3), &spec).map(|v| v.to_string())
        };
        assert_eq!(suggested("1.22.99").as_deref(), Some("go1.22.10"));
        assert_eq!(suggested("1.99").as_deref(), Some("go1.23.9"));
        assert_eq!(suggested("1.20").as_deref(), Some("go1.21.13"));
        assert_eq!(suggested("1.21.99").as_deref(), Some("go1.21.13"));
        assert_eq!(suggested("1.22rc9").as_deref(), Some("go1.22.10"));
    }

    #[test]
    fn platforms_of_archives_and_binaries() {
        assert_eq!(platform_in_filename("go1.22.10.linux-arm64.tar.gz"), Some("linux-arm64"));
        assert_eq!(platform_in_filename("go1.23rc1.linux-amd64.tar.gz"), Some("linux-amd64"));
        assert_eq!(platform_in_filename("go.tar.gz"), None);
        assert_eq!(platform_in_filename("go1.22.10.zip"), None);
        let arm64 = Platform { os: "linux".into(), arch: "arm64".into() };
        assert_eq!(arm64.elf_machine(), Some(183));
        assert_eq!(linux().elf_machine(), Some(62));
        assert_eq!(Platform { os: "darwin".into(), arch: "arm64".into() }.elf_machine(), None);
        assert_eq!(Platform::arch_of_elf_machine(62), Some("amd64"));
        assert_eq!(Platform::arch_of_elf_machine(9999), None);
    }

    #[test]
    fn host_platform_names() {
        assert_eq!(Platform::from_rust("linux", "x86_64"), Some(linux()));
        assert_eq!(Platform::from_rust("macos", "aarch64").unwrap().to_string(), "darwin-arm64");
        assert_eq!(Platform::from_rust("linux", "arm").unwrap().arch, "armv6l");
        assert_eq!(Platform::from_rust("windows", "x86_64"), None);
        assert_eq!(Platform::from_rust("linux", "mips"), None);
    }
}

/// Property tests: the index is untrusted input from the network.
#[cfg(test)]
mod properties {
    use super::*;
    use gover_shim::Pre;
    use proptest::prelude::*;

    fn version() -> impl Strategy<Value = GoVersion> {
        let pre = prop_oneof![
            Just(None),
            (1u32..5).prop_map(|n| Some(Pre::Beta(n))),
            (1u32..5).prop_map(|n| Some(Pre::Rc(n)))
        ];
        (1u32..2, 0u32..30, prop::option::of(0u32..15), pre).prop_map(|(major, minor, patch, pre)| GoVersion {
            major,
            minor,
            patch: if pre.is_some() { None } else { patch },
            pre,
        })
    }

    /// One release entry: its version name (sometimes not Go's canonical spelling) and
    /// whether it ships a linux-amd64 archive.
    fn release() -> impl Strategy<Value = (String, bool)> {
        let name = prop_oneof![
            4 => version().prop_map(|v| v.to_string()),
            1 => version().prop_map(|v| v.to_string().trim_start_matches("go").to_string()),
            1 => "[a-z0-9.\\-]{0,12}",
        ];
        (name, any::<bool>())
    }

    fn linux() -> Platform {
        Platform { os: "linux".into(), arch: "amd64".into() }
    }

    fn json(releases: &[(String, bool)]) -> String {
        let entries: Vec<serde_json::Value> = releases
            .iter()
            .map(|(name, archive)| {
                let (os, kind) = if *archive { ("linux", "archive") } else { ("windows", "installer") };
                serde_json::json!({"version": name, "stable": true, "files": [
                    {"filename": format!("{name}.{os}-amd64.tar.gz"), "os": os, "arch": "amd64",
                     "sha256": "ab", "size": 1, "kind": kind}]})
            })
            .collect();
        serde_json::Value::Array(entries).to_string()
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = Index::parse(&bytes);
        }

        #[test]
        fn json_like_soup_never_panics(text in "[\\[\\]{}\",:0-9a-z. \\-]{0,300}") {
            let _ = Index::parse(text.as_bytes());
        }

        /// Against a model: the canonical names, deduplicated, newest first; a spec picks
        /// what Spec::pick picks among those with an archive; odd names are skipped.
        #[test]
        fn parses_like_the_model(releases in prop::collection::vec(release(), 0..25)) {
            let canonical = |name: &str| GoVersion::parse(name).filter(|v| v.to_string() == name);
            let mut expected: Vec<GoVersion> = releases.iter().filter_map(|(n, _)| canonical(n)).collect();
            expected.sort_by(|a, b| b.cmp(a));
            expected.dedup();
            match Index::parse(json(&releases).as_bytes()) {
                Err(e) => prop_assert!(expected.is_empty(), "{e:?}"),
                Ok(index) => {
                    let got: Vec<GoVersion> = index.releases.iter().map(|r| r.version.clone()).collect();
                    prop_assert_eq!(&got, &expected);
                    let host = linux();
                    let installable: Vec<&GoVersion> = index.available(&host).map(|r| &r.version).collect();
                    for spec in [Spec::Latest, Spec::Line { major: 1, minor: 22 }] {
                        let picked = index.pick(&spec, &linux()).map(|r| &r.version);
                        prop_assert_eq!(picked, spec.pick(installable.iter().copied()));
                    }
                    for r in index.available(&linux()) {
                        prop_assert!(r.archive_for(&linux()).is_some_and(|f| f.filename.ends_with(".tar.gz")));
                    }
                    // The copy gover saves reads back as the same releases, installable alike.
                    let saved = Index::parse(&index.to_json(&host)).unwrap();
                    prop_assert_eq!(saved.releases.iter().map(|r| &r.version).collect::<Vec<_>>(), got.iter().collect::<Vec<_>>());
                    let archives = |i: &Index| i.releases.iter().map(|r| r.archive_for(&host).cloned()).collect::<Vec<_>>();
                    prop_assert_eq!(archives(&saved), archives(&index));
                }
            }
        }
    }

    #[test]
    fn huge_numbers_are_skipped_not_overflowed() {
        let index = Index::parse(
            br#"[{"version":"go1.99999999999999999999.1"},{"version":"go4294967296.1"},
                 {"version":"go1.22.18446744073709551616"},{"version":"go1.22rc99999999999"},
                 {"version":"go1.22.10","files":[{"filename":"x","size":18446744073709551615}]}]"#,
        )
        .unwrap();
        let names: Vec<String> = index.releases.iter().map(|r| r.version.to_string()).collect();
        assert_eq!(names, ["go1.22.10"]);
        assert!(Index::parse(br#"[{"version":"go1.22.10","files":[{"size":18446744073709551616}]}]"#).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(Index::parse(deep.as_bytes()), Err(IndexError::Malformed(_))));
        let deep = format!("[{{\"version\":\"go1.22.1\",\"files\":{}{}}}]", "[".repeat(50_000), "]".repeat(50_000));
        assert!(Index::parse(deep.as_bytes()).is_err());
    }
}
