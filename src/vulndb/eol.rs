//! End of life by Go's release policy: each major release is supported until there are two
//! newer major releases (go1.22 loses support when go1.24.0 comes out). A "major release" is
//! a line (1.22) with a stable release; betas and release candidates of a newer line do not
//! count. Pure: the releases come from the release index gover last fetched.

use gover_shim::GoVersion;

/// Whether `version`'s line is past end of life, given the releases known to exist.
pub fn end_of_life<'a>(version: &GoVersion, known: impl IntoIterator<Item = &'a GoVersion>) -> bool {
    let line = (version.major, version.minor);
    let mut newer: Vec<(u32, u32)> =
        known.into_iter().filter(|k| k.is_stable()).map(|k| (k.major, k.minor)).filter(|l| *l > line).collect();
    newer.sort_unstable();
    newer.dedup();
    newer.len() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vulndb::ranges::properties::go_version;
    use proptest::prelude::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    #[test]
    fn two_newer_major_releases_end_support() {
        let known: Vec<GoVersion> = ["go1.21.13", "go1.22.0", "go1.22.10", "go1.23rc1"].iter().map(|s| v(s)).collect();
        assert!(!end_of_life(&v("go1.21.13"), &known), "go1.23 is only a release candidate");
        let known: Vec<GoVersion> = known.into_iter().chain([v("go1.23.0")]).collect();
        assert!(end_of_life(&v("go1.21.13"), &known));
        assert!(end_of_life(&v("go1.21rc2"), &known));
        assert!(!end_of_life(&v("go1.22.10"), &known) && !end_of_life(&v("go1.24rc1"), &known));
        assert!(end_of_life(&v("go1.20"), &known));
    }

    proptest! {
        /// Against the policy read the other way round: the two newest lines with a stable
        /// release, and any line at or above the older of them, are supported.
        #[test]
        fn matches_the_supported_lines(version in go_version(), index in prop::collection::vec(go_version(), 0..40)) {
            let mut stable_lines: Vec<(u32, u32)> =
                index.iter().filter(|r| r.pre.is_none()).map(|r| (r.major, r.minor)).collect();
            stable_lines.sort_unstable_by(|a, b| b.cmp(a));
            stable_lines.dedup();
            let line = (version.major, version.minor);
            let supported = stable_lines.len() < 2 || line >= stable_lines[1];
            prop_assert_eq!(end_of_life(&version, &index), !supported);
        }
    }
}
