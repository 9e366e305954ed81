//! The Go versions a test matrix should cover: the oldest a module allows (its `go` line) and
//! the names actions/setup-go knows (`stable`: the newest release; `oldstable`: the newest
//! patch of the line before it), or any version spec, each resolved against the release index
//! to an exact release so every matrix job installs the same thing.

use gover_shim::{GoVersion, Spec};

use crate::error::{Error, Kind, Result};

/// The releases for `minimum` (the newest patch of its line that meets it) and each of
/// `plus`, oldest first, each once. `releases` are the installable ones, in any order.
pub fn versions(minimum: Option<&GoVersion>, plus: &[String], releases: &[GoVersion]) -> Result<Vec<GoVersion>> {
    let mut picked = Vec::new();
    if let Some(min) = minimum {
        let fits =
            |v: &&GoVersion| v.is_stable() && v.in_line(min.major, min.minor) && (*v >= min || v.same_release(min));
        let newest = releases.iter().filter(fits).max().cloned();
        picked.push(newest.ok_or_else(|| missing(&format!("the go line's {min}"), releases))?);
    }
    for name in plus {
        let version = match Spec::parse(name) {
            Some(Spec::System) | None => {
                return Err(Error::usage(format!("{name:?} is not a Go version for a matrix"))
                    .hint("use stable, oldstable, or a version such as 1.22 or 1.22.10"))
            }
            Some(spec) => spec.pick(releases.iter()).cloned(),
        };
        picked.push(version.ok_or_else(|| missing(name, releases))?);
    }
    picked.sort();
    picked.dedup_by(|a, b| a.same_release(b));
    Ok(picked)
}

fn missing(what: &str, releases: &[GoVersion]) -> Error {
    Error::new(Kind::NoSuchVersion, format!("no Go release matches {what}"))
        .cause(format!("the release index lists {} releases for this platform", releases.len()))
        .hint("gover list --remote lists what can be installed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Vec<GoVersion> {
        ["go1.21.0", "go1.21.13", "go1.22.9", "go1.22.10", "go1.23.8", "go1.23.9", "go1.24rc1"]
            .iter()
            .map(|v| GoVersion::parse(v).unwrap())
            .collect()
    }

    fn names(minimum: Option<&str>, plus: &[&str]) -> Result<Vec<String>> {
        let minimum = minimum.map(|m| GoVersion::parse(m).unwrap());
        let plus: Vec<String> = plus.iter().map(|p| p.to_string()).collect();
        Ok(versions(minimum.as_ref(), &plus, &index())?.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn stable_and_oldstable_as_setup_go_defines_them() {
        assert_eq!(names(None, &["stable", "oldstable"]).unwrap(), ["go1.22.10", "go1.23.9"]);
        assert_eq!(names(Some("1.21"), &["stable", "oldstable"]).unwrap(), ["go1.21.13", "go1.22.10", "go1.23.9"]);
    }

    #[test]
    fn the_minimum_is_its_lines_newest_patch_and_duplicates_fold() {
        assert_eq!(names(Some("1.22.0"), &["oldstable", "1.22"]).unwrap(), ["go1.22.10"]);
        assert_eq!(names(Some("1.22.10"), &[]).unwrap(), ["go1.22.10"]);
        assert_eq!(names(None, &["1.24rc1"]).unwrap(), ["go1.24rc1"]);
    }

    #[test]
    fn what_cannot_be_matched_is_an_error() {
        assert_eq!(names(Some("1.30"), &[]).unwrap_err().kind, Kind::NoSuchVersion);
        assert_eq!(names(None, &["1.99"]).unwrap_err().kind, Kind::NoSuchVersion);
        assert_eq!(names(None, &["system"]).unwrap_err().kind, Kind::Usage);
        assert_eq!(names(None, &["newest"]).unwrap_err().kind, Kind::Usage);
    }
}
