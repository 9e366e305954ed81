//! OSV's SEMVER ranges over Go releases. The Go vulnerability database writes Go versions as
//! SemVer (`go1.22.12` is `1.22.12`, `go1.24rc3` is `1.24.0-rc.3`, `go1.20` is `1.20.0`) and
//! starts a line with `1.21.0-0`, which sorts before all of its betas and release candidates.
//! SemVer's pre-release order (`0` < `beta.N` < `rc.N` < none) is Go's own (beta < rc <
//! release), so a Go version is placed among a range's events by converting it to SemVer.
//! Pure: the events come from `osv`, the versions from the shim crate's version type.

use gover_shim::{GoVersion, Pre};
use semver::{BuildMetadata, Prerelease, Version};
use serde::{Deserialize, Serialize};

/// One event of an OSV range, as the database's JSON writes it (`{"fixed": "1.22.12"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(Version),
    Fixed(Version),
    /// Affected up to and including this version (the database rarely uses it; OSV allows it).
    LastAffected(Version),
}

impl Event {
    pub fn version(&self) -> &Version {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) => v,
        }
    }
}

/// A SEMVER range: the versions its events say are affected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// Sorted by version, as OSV evaluates them.
    pub events: Vec<Event>,
}

impl Range {
    pub fn new(mut events: Vec<Event>) -> Range {
        // Stable: an `introduced` and a `fixed` at one version keep the database's order.
        events.sort_by(|a, b| a.version().cmp(b.version()));
        Range { events }
    }

    /// OSV's evaluation: walking the events in order, `introduced` at or below the version
    /// turns it affected, `fixed` at or below (or `last_affected` below) turns it back.
    pub fn contains(&self, version: &Version) -> bool {
        let mut affected = false;
        for event in &self.events {
            match event {
                Event::Introduced(v) if v <= version => affected = true,
                Event::Fixed(v) if v <= version => affected = false,
                Event::LastAffected(v) if v < version => affected = false,
                _ => {}
            }
        }
        affected
    }

    /// The versions the range names as fixes.
    pub fn fixes(&self) -> impl Iterator<Item = &Version> {
        self.events.iter().filter_map(|e| match e {
            Event::Fixed(v) => Some(v),
            _ => None,
        })
    }
}

/// Parses an event's version as OSV writes it: SemVer, or `0` for "since the beginning".
pub fn parse_event_version(text: &str) -> Option<Version> {
    if text == "0" {
        return Some(Version::new(0, 0, 0));
    }
    Version::parse(text).ok()
}

/// A Go release as the database writes it: go1.22.12 -> 1.22.12, go1.24rc3 -> 1.24.0-rc.3,
/// go1.9beta1 -> 1.9.0-beta.1, go1.20 -> 1.20.0.
pub fn to_semver(version: &GoVersion) -> Version {
    let pre = match version.pre {
        Some(Pre::Rc(n)) => Prerelease::new(&format!("rc.{n}")).expect("rc.N is a valid pre-release"),
        Some(Pre::Beta(n)) => Prerelease::new(&format!("beta.{n}")).expect("beta.N is a valid pre-release"),
        None => Prerelease::EMPTY,
    };
    Version {
        major: version.major.into(),
        minor: version.minor.into(),
        patch: version.patch.unwrap_or(0).into(),
        pre,
        build: BuildMetadata::EMPTY,
    }
}

/// The Go release a database version names, if it names one: `1.21.0-0` (the start of a
/// line) and build metadata do not. A first release before 1.21 has no patch number
/// (`1.20.0` is go1.20); from 1.21 on it does (`1.21.0` is go1.21.0).
pub fn to_go(version: &Version) -> Option<GoVersion> {
    // Go's releases start at 1.0; 0.x versions are other modules'.
    if !version.build.is_empty() || version.major == 0 {
        return None;
    }
    let major = u32::try_from(version.major).ok()?;
    let minor = u32::try_from(version.minor).ok()?;
    let patch = u32::try_from(version.patch).ok()?;
    if version.pre.is_empty() {
        let first_without_patch = major == 1 && minor < 21 && patch == 0;
        return Some(GoVersion { major, minor, patch: (!first_without_patch).then_some(patch), pre: None });
    }
    let (stage, n) = version.pre.as_str().split_once('.')?;
    let n: u32 = n.parse().ok()?;
    let pre = match stage {
        "rc" => Pre::Rc(n),
        "beta" => Pre::Beta(n),
        _ => return None,
    };
    (patch == 0).then_some(GoVersion { major, minor, patch: None, pre: Some(pre) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    fn sv(s: &str) -> Version {
        parse_event_version(s).unwrap()
    }

    fn range(events: &[(&str, &str)]) -> Range {
        Range::new(
            events
                .iter()
                .map(|(kind, v)| match *kind {
                    "introduced" => Event::Introduced(sv(v)),
                    "fixed" => Event::Fixed(sv(v)),
                    _ => Event::LastAffected(sv(v)),
                })
                .collect(),
        )
    }

    #[test]
    fn go_names_and_semver_map_both_ways() {
        for (go_name, semver) in [
            ("go1.22.12", "1.22.12"),
            ("go1.24rc3", "1.24.0-rc.3"),
            ("go1.9beta1", "1.9.0-beta.1"),
            ("go1.20", "1.20.0"),
            ("go1.21.0", "1.21.0"),
        ] {
            assert_eq!(to_semver(&go(go_name)).to_string(), semver);
            assert_eq!(to_go(&sv(semver)), Some(go(go_name)), "{semver}");
        }
        for not_a_release in ["1.21.0-0", "1.21.1-rc.1", "1.21.0-alpha.1", "1.21.0+build", "0", "0.36.0"] {
            assert_eq!(to_go(&sv(not_a_release)), None, "{not_a_release}");
        }
    }

    #[test]
    fn the_database_s_real_shapes() {
        // GO-2025-3447: stdlib before 1.22.12, 1.23.0-0 to 1.23.6, and 1.24's rcs before rc3.
        let r = range(&[
            ("introduced", "0"),
            ("fixed", "1.22.12"),
            ("introduced", "1.23.0-0"),
            ("fixed", "1.23.6"),
            ("introduced", "1.24.0-0"),
            ("fixed", "1.24.0-rc.3"),
        ]);
        let hit = |v: &str| r.contains(&to_semver(&go(v)));
        assert!(hit("go1.22.10") && hit("go1.9beta1") && hit("go1.20"));
        assert!(!hit("go1.22.12") && !hit("go1.22.13"));
        assert!(hit("go1.23rc1") && hit("go1.23.0") && hit("go1.23.5") && !hit("go1.23.6"));
        assert!(hit("go1.24rc2") && !hit("go1.24rc3") && !hit("go1.24.0"));
        let last = range(&[("introduced", "1.21.4"), ("last_affected", "1.21.6")]);
        assert!(!last.contains(&sv("1.21.3")) && last.contains(&sv("1.21.6")) && !last.contains(&sv("1.21.7")));
    }
}

/// Property tests: generated versions and ranges, against a reference that orders the
/// database's version text by hand, without the semver crate.
#[cfg(test)]
pub(crate) mod properties {
    use super::*;
    use proptest::prelude::*;

    pub fn go_version() -> impl Strategy<Value = GoVersion> {
        let pre = prop_oneof![
            3 => Just(None),
            1 => (1u32..4).prop_map(|n| Some(Pre::Beta(n))),
            1 => (1u32..5).prop_map(|n| Some(Pre::Rc(n))),
        ];
        (15u32..30, 0u32..14, pre).prop_map(|(minor, patch, pre)| {
            let patch = match (pre, minor) {
                (Some(_), _) => None,
                (None, m) if m < 21 && patch == 0 => None,
                (None, _) => Some(patch),
            };
            GoVersion { major: 1, minor, patch, pre }
        })
    }

    /// Go's order of the database's version text, by hand: (minor, patch, stage, n) where a
    /// line start `-0` is stage 0, beta 1, rc 2 and a release 3.
    fn reference_key(text: &str) -> (u32, u32, u32, u32, u32) {
        if text == "0" {
            return (0, 0, 0, 0, 0);
        }
        let (numbers, pre) = text.split_once('-').unwrap_or((text, ""));
        let parts: Vec<u32> = numbers.split('.').map(|p| p.parse().unwrap()).collect();
        let (stage, n) = match pre.split_once('.') {
            _ if pre.is_empty() => (3, 0),
            Some(("beta", n)) => (1, n.parse().unwrap()),
            Some(("rc", n)) => (2, n.parse().unwrap()),
            _ => (0, 0),
        };
        (parts[0], parts[1], parts[2], stage, n)
    }

    fn go_key(v: &GoVersion) -> (u32, u32, u32, u32, u32) {
        let (stage, n) = match v.pre {
            Some(Pre::Beta(n)) => (1, n),
            Some(Pre::Rc(n)) => (2, n),
            None => (3, 0),
        };
        (v.major, v.minor, v.patch.unwrap_or(0), stage, n)
    }

    /// A range as the database writes them: ascending (introduced, fixed) pairs, the first
    /// possibly from `0`, starts possibly at a line's `-0`, the last possibly open.
    fn database_range() -> impl Strategy<Value = Vec<(bool, String)>> {
        let point = prop_oneof![
            3 => go_version().prop_map(|v| to_semver(&v).to_string()),
            1 => (15u32..30).prop_map(|minor| format!("1.{minor}.0-0")),
        ];
        (prop::collection::vec(point, 0..7), any::<bool>(), any::<bool>()).prop_map(|(mut points, from_zero, open)| {
            points.sort_by_key(|p| reference_key(p));
            points.dedup_by_key(|p| reference_key(p));
            if from_zero {
                points.insert(0, "0".into());
            }
            if open && points.len() % 2 == 0 {
                points.pop();
            }
            points.into_iter().enumerate().map(|(i, p)| (i % 2 == 0, p)).collect()
        })
    }

    proptest! {
        #[test]
        fn containment_matches_the_reference(v in go_version(), events in database_range()) {
            let range = Range::new(
                events
                    .iter()
                    .map(|(introduced, text)| {
                        let version = parse_event_version(text).unwrap();
                        if *introduced { Event::Introduced(version) } else { Event::Fixed(version) }
                    })
                    .collect(),
            );
            let key = go_key(&v);
            let pairs: Vec<_> = events.chunks(2).collect();
            let expected = pairs.iter().any(|pair| {
                let from = reference_key(&pair[0].1);
                let to = pair.get(1).map(|(_, t)| reference_key(t));
                from <= key && to.is_none_or(|to| key < to)
            });
            prop_assert_eq!(range.contains(&to_semver(&v)), expected, "{} in {:?}", v, events);
        }

        #[test]
        fn the_mapping_keeps_go_s_order(a in go_version(), b in go_version()) {
            let expected = if a.same_release(&b) { std::cmp::Ordering::Equal } else { a.cmp(&b) };
            prop_assert_eq!(to_semver(&a).cmp(&to_semver(&b)), expected);
            prop_assert_eq!(to_go(&to_semver(&a)), Some(a.clone()));
        }
    }
}
