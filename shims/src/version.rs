//! Go release names (`go1.20`, `go1.21.0`, `go1.21rc2`, `go1.9beta1`), their order, and the
//! version specs users write (`1.22`, `go1.22.10`, `latest`, `stable`, `oldstable`, `system`).
//!
//! Go's naming changed in 1.21: before it the first release of a line had no patch number
//! (`go1.20`), from it on it does (`go1.21.0`). Both order before their `.1` successor and
//! after the line's pre-releases: go1.20 < go1.21rc2 < go1.21.0 < go1.21.1.

use std::cmp::Ordering;
use std::fmt;

/// Longest version text we accept anywhere; real ones are under 16 bytes.
const MAX_LEN: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pre {
    Beta(u32),
    Rc(u32),
}

/// One concrete Go release.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    /// `None` for the first release of a pre-1.21 line (`go1.20`) and for pre-releases.
    pub patch: Option<u32>,
    pub pre: Option<Pre>,
}

impl GoVersion {
    /// Parses a release name, with or without the `go` prefix. Two-component names (`1.20`)
    /// parse as the release `go1.20`; use [`Spec::parse`] for what a user asks for.
    pub fn parse(text: &str) -> Option<GoVersion> {
        if text.len() > MAX_LEN {
            return None;
        }
        let rest = text.strip_prefix("go").unwrap_or(text);
        let (major, rest) = take_number(rest)?;
        let rest = rest.strip_prefix('.')?;
        let (minor, rest) = take_number(rest)?;
        if rest.is_empty() {
            return Some(GoVersion { major, minor, patch: None, pre: None });
        }
        if let Some(rest) = rest.strip_prefix('.') {
            let (patch, rest) = take_number(rest)?;
            return rest.is_empty().then_some(GoVersion { major, minor, patch: Some(patch), pre: None });
        }
        let (pre, rest) = if let Some(rest) = rest.strip_prefix("rc") {
            let (n, rest) = take_number(rest)?;
            (Pre::Rc(n), rest)
        } else if let Some(rest) = rest.strip_prefix("beta") {
            let (n, rest) = take_number(rest)?;
            (Pre::Beta(n), rest)
        } else {
            return None;
        };
        rest.is_empty().then_some(GoVersion { major, minor, patch: None, pre: Some(pre) })
    }

    /// The release a command of this name runs, for a name the way go writes a toolchain it
    /// looks for on PATH (`GOTOOLCHAIN=go1.23.9+path`, a go.mod's `toolchain go1.23.9`, or
    /// `go` + its `go` line with `.0` added from 1.21 on): exactly a release name, `go1.23.9`,
    /// `go1.21rc2`, `go1.20`; never `1.23.9`, `go1.23.09` or `gofmt`, nor `go1.22`, which
    /// from 1.21 on is a language version and no release (go asks for `go1.22.0`).
    pub fn from_command_name(name: &str) -> Option<GoVersion> {
        let version = GoVersion::parse(name.strip_prefix("go")?)?;
        let language_only =
            version.patch.is_none() && version.pre.is_none() && (version.major, version.minor) >= (1, 21);
        (version.to_string() == name && !language_only).then_some(version)
    }

    pub fn is_stable(&self) -> bool {
        self.pre.is_none()
    }

    /// Whether this release belongs to the `major.minor` line (its pre-releases included).
    pub fn in_line(&self, major: u32, minor: u32) -> bool {
        self.major == major && self.minor == minor
    }

    /// `go1.20` and `go1.20.0` name the same release.
    pub fn same_release(&self, other: &GoVersion) -> bool {
        (self.major, self.minor, self.pre, self.patch.unwrap_or(0))
            == (other.major, other.minor, other.pre, other.patch.unwrap_or(0))
    }

    fn order_key(&self) -> (u32, u32, u8, u32, Option<u32>) {
        let (stage, n) = match self.pre {
            Some(Pre::Beta(n)) => (0, n),
            Some(Pre::Rc(n)) => (1, n),
            None => (2, 0),
        };
        (self.major, self.minor, stage, n, self.patch)
    }
}

fn take_number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    // No empty numbers and no leading zeros: "1.022" is not a Go version.
    if end == 0 || (end > 1 && s.starts_with('0')) {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "go{}.{}", self.major, self.minor)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        match self.pre {
            Some(Pre::Rc(n)) => write!(f, "rc{n}"),
            Some(Pre::Beta(n)) => write!(f, "beta{n}"),
            None => Ok(()),
        }
    }
}

/// What a user, a pin file or the global default asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    /// The newest stable release.
    Latest,
    /// actions/setup-go's name for the newest stable release (the same one as `Latest`).
    Stable,
    /// actions/setup-go's `oldstable`: the newest stable release of the line before the
    /// newest stable one's.
    OldStable,
    /// The first `go` on PATH that is not a gover shim.
    System,
    /// `1.22`: the newest release of the 1.22 line.
    Line { major: u32, minor: u32 },
    /// `1.22.10`, `go1.21rc2`: exactly that release.
    Exact(GoVersion),
    /// A toolchain gover did not install, by the name `gover link` gave it (see
    /// [`crate::link`]); never what [`Spec::parse`] returns.
    Link(String),
}

impl Spec {
    pub fn parse(text: &str) -> Option<Spec> {
        match text {
            "latest" => return Some(Spec::Latest),
            "stable" => return Some(Spec::Stable),
            "oldstable" => return Some(Spec::OldStable),
            "system" => return Some(Spec::System),
            _ => {}
        }
        let version = GoVersion::parse(text)?;
        Some(match version {
            GoVersion { major, minor, patch: None, pre: None } => Spec::Line { major, minor },
            exact => Spec::Exact(exact),
        })
    }

    /// Whether the release this names changes as Go releases come out (`latest`, `stable`,
    /// `oldstable`): never worth writing into a pin, and resolved once where it is used.
    pub fn is_moving(&self) -> bool {
        matches!(self, Spec::Latest | Spec::Stable | Spec::OldStable)
    }

    /// Whether `version` could satisfy this spec: the moving names are satisfied by any
    /// stable release, since which one depends on the others ([`Spec::pick`] decides).
    pub fn matches(&self, version: &GoVersion) -> bool {
        match self {
            Spec::Latest | Spec::Stable | Spec::OldStable => version.is_stable(),
            Spec::System | Spec::Link(_) => false,
            Spec::Line { major, minor } => version.in_line(*major, *minor),
            Spec::Exact(exact) => exact.same_release(version),
        }
    }

    /// The best of `candidates` for this spec: the newest match, preferring stable releases
    /// for a line (`1.22` picks go1.22.10 over go1.22rc1, but go1.23rc1 when that is all there is).
    pub fn pick<'a, I>(&self, candidates: I) -> Option<&'a GoVersion>
    where
        I: IntoIterator<Item = &'a GoVersion>,
    {
        let matching = candidates.into_iter().filter(|v| self.matches(v));
        if *self == Spec::OldStable {
            let stable: Vec<&GoVersion> = matching.collect();
            let newest = stable.iter().max()?;
            let (major, minor) = (newest.major, newest.minor);
            return stable.into_iter().filter(|v| (v.major, v.minor) < (major, minor)).max();
        }
        // Release > rc > beta already in the order, so the plain maximum prefers stable.
        matching.max()
    }
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spec::Latest => f.write_str("latest"),
            Spec::Stable => f.write_str("stable"),
            Spec::OldStable => f.write_str("oldstable"),
            Spec::System => f.write_str("system"),
            Spec::Line { major, minor } => write!(f, "{major}.{minor}"),
            Spec::Exact(v) => write!(f, "{}", v.to_string().trim_start_matches("go")),
            Spec::Link(name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parses_every_naming_era() {
        assert_eq!(v("go1.20"), GoVersion { major: 1, minor: 20, patch: None, pre: None });
        assert_eq!(v("go1.21.0").patch, Some(0));
        assert_eq!(v("1.21rc2").pre, Some(Pre::Rc(2)));
        assert_eq!(v("go1.9beta1").pre, Some(Pre::Beta(1)));
        for s in ["go1.20", "go1.21.0", "go1.21rc2", "go1.9beta1", "go1.22.10"] {
            assert_eq!(v(s).to_string(), s);
        }
    }

    #[test]
    fn command_names_are_exact_release_names() {
        for name in ["go1.23.9", "go1.21.0", "go1.21rc2", "go1.20", "go1.9beta1"] {
            assert_eq!(GoVersion::from_command_name(name).map(|v| v.to_string()).as_deref(), Some(name));
        }
        for name in [
            "go",
            "gofmt",
            "1.23.9",
            "gogo1.23.9",
            "go1.23.9.exe",
            "go1.23.09",
            "go1.23.9-custom",
            "go1",
            "go1.21",
            "go1.22",
        ] {
            assert_eq!(GoVersion::from_command_name(name), None, "{name}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "go",
            "1",
            "1.",
            "1.x",
            "1.22.",
            "1.22.1.1",
            "1.22rc",
            "1.22-rc1",
            "01.22",
            "1.022",
            " 1.22",
            "1.22 ",
            "1.22; rm -rf /",
            "go1.22.10\n",
            "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17",
            "99999999999.1",
        ] {
            assert_eq!(GoVersion::parse(s), None, "{s:?} should not parse");
        }
    }

    #[test]
    fn orders_like_go() {
        let order = [
            "go1.9beta1",
            "go1.9rc1",
            "go1.9",
            "go1.9.1",
            "go1.20",
            "go1.20.1",
            "go1.21rc2",
            "go1.21rc3",
            "go1.21.0",
            "go1.21.1",
            "go1.22.9",
            "go1.22.10",
        ];
        for pair in order.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn specs() {
        assert_eq!(Spec::parse("1.22"), Some(Spec::Line { major: 1, minor: 22 }));
        assert_eq!(Spec::parse("go1.22"), Some(Spec::Line { major: 1, minor: 22 }));
        assert_eq!(Spec::parse("go1.22.10"), Some(Spec::Exact(v("go1.22.10"))));
        assert_eq!(Spec::parse("latest"), Some(Spec::Latest));
        assert_eq!(Spec::parse("system"), Some(Spec::System));
        for name in ["stable", "oldstable"] {
            assert_eq!(Spec::parse(name).unwrap().to_string(), name);
        }
        assert_eq!(Spec::parse("1.22.10").unwrap().to_string(), "1.22.10");
        assert_eq!(Spec::parse("1.22").unwrap().to_string(), "1.22");
    }

    #[test]
    fn picks_newest_preferring_stable() {
        let all: Vec<_> =
            ["go1.21.13", "go1.22rc1", "go1.22.0", "go1.22.10", "go1.22.9", "go1.23rc1"].iter().map(|s| v(s)).collect();
        let pick = |s: &str| Spec::parse(s).unwrap().pick(&all).map(|v| v.to_string());
        assert_eq!(pick("1.22").as_deref(), Some("go1.22.10"));
        assert_eq!(pick("1.23").as_deref(), Some("go1.23rc1"));
        assert_eq!(pick("latest").as_deref(), Some("go1.22.10"));
        // The rc of a newer line moves neither: setup-go counts only stable releases.
        assert_eq!(pick("stable").as_deref(), Some("go1.22.10"));
        assert_eq!(pick("oldstable").as_deref(), Some("go1.21.13"));
        assert_eq!(Spec::OldStable.pick(&all[1..]), None);
        assert_eq!(pick("1.20"), None);
        assert_eq!(pick("1.22.9").as_deref(), Some("go1.22.9"));
    }

    #[test]
    fn first_release_names_match_their_dot_zero() {
        let all = vec![v("go1.20"), v("go1.20.1")];
        assert_eq!(Spec::parse("1.20.0").unwrap().pick(&all), Some(&v("go1.20")));
    }
}
