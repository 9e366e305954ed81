//! Names for toolchains gover did not install (`gover link my-fork /opt/go-fork`): a gotip
//! build, a distribution's go, a fork. A link is a symbolic link `GOVER_HOME/links/<name>`
//! to the tree, so resolving one is one `readlink`, and removing one never reaches the tree.
//!
//! What a name may be, and why:
//! - 1 to 64 characters of `a-z A-Z 0-9 . _ -`, starting with a letter: it is a file name in
//!   links/ (no `/`, never `.` or `..`), and a word in pin files, shell lines and
//!   `gover exec NAME -- …`, so it needs no quoting anywhere;
//! - nothing [`Spec::parse`] reads (`1.22`, `go1.22.10`, `latest`, `stable`, `oldstable`,
//!   `system`): a pin then always means one thing, and a link can never hide a release;
//! - not `go` or `gofmt`: `gover exec go version` runs the program go.

use crate::version::Spec;

const MAX_NAME: usize = 64;

/// The words a link can never be named, besides what parses as a version.
const RESERVED: [&str; 2] = ["go", "gofmt"];

/// Why `name` cannot name a link, if it cannot.
pub fn name_problem(name: &str) -> Option<String> {
    if Spec::parse(name).is_some() {
        return Some("it already means a Go version; a link needs a name of its own".into());
    }
    if RESERVED.contains(&name) {
        return Some(format!("it is the name of a Go tool, so `gover exec {name}` would be ambiguous"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.is_empty()
        || name.len() > MAX_NAME
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !name.chars().all(allowed)
    {
        return Some(format!(
            "a link's name starts with a letter and holds at most {MAX_NAME} letters, digits, `.`, `_` or `-`"
        ));
    }
    None
}

/// What `text` asks for where a link may be named (`.go-version`, the global default,
/// GOVER_VERSION): a version, else a link by that name. The version is tried first, so a
/// pin that parses costs nothing more than before.
pub fn spec_or_link(text: &str) -> Option<Spec> {
    Spec::parse(text).or_else(|| name_problem(text).is_none().then(|| Spec::Link(text.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for good in ["my-fork", "gotip", "fips.1_22", "Go-Microsoft", "a"] {
            assert_eq!(name_problem(good), None, "{good}");
            assert_eq!(spec_or_link(good), Some(Spec::Link(good.into())));
        }
        for bad in [
            "",
            "1.22",
            "go1.22.10",
            "latest",
            "stable",
            "oldstable",
            "system",
            "go",
            "gofmt",
            "a/b",
            ".",
            "..",
            ".hidden",
            "-x",
            "9lives",
            "my fork",
            "x;rm",
            "é",
        ] {
            assert!(name_problem(bad).is_some(), "{bad:?} should be refused");
        }
        assert!(name_problem(&"a".repeat(65)).is_some());
        assert_eq!(spec_or_link("1.22"), Spec::parse("1.22"));
        assert_eq!(spec_or_link("1.22; rm -rf /"), None);
    }
}
