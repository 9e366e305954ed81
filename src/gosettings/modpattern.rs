//! Go's module path patterns (GOPRIVATE, GONOSUMDB, GONOPROXY): a comma-separated list of
//! globs, each matched with `path.Match` against as many leading elements of the module path
//! as the glob has (so `corp.example/*` matches `corp.example/a/b`).

/// Whether any pattern of the comma-separated `patterns` matches a prefix of `target`.
pub fn match_prefix_patterns(patterns: &str, target: &str) -> bool {
    split(patterns).any(|glob| matches_prefix(glob, target))
}

/// The patterns of a list, trimmed, empty ones dropped.
pub fn split(patterns: &str) -> impl Iterator<Item = &str> {
    patterns.split(',').map(str::trim).filter(|p| !p.is_empty())
}

fn matches_prefix(glob: &str, target: &str) -> bool {
    let elements = glob.matches('/').count() + 1;
    let mut prefix_end = None;
    let mut seen = 0;
    for (i, c) in target.char_indices() {
        if c == '/' {
            seen += 1;
            if seen == elements {
                prefix_end = Some(i);
                break;
            }
        }
    }
    let prefix = match prefix_end {
        Some(end) => &target[..end],
        None if seen + 1 == elements => target,
        None => return false,
    };
    path_match(glob, prefix)
}

/// Go's `path.Match`: `*` any run of non-`/`, `?` one non-`/`, `[…]` a class (`^` negates,
/// ranges `a-z`), `\` escapes. A malformed pattern matches nothing.
pub fn path_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n).unwrap_or(false)
}

fn match_from(p: &[char], n: &[char]) -> Option<bool> {
    let Some(&c) = p.first() else { return Some(n.is_empty()) };
    match c {
        '*' => {
            // Try every split of the non-'/' run.
            let mut i = 0;
            loop {
                if match_from(&p[1..], &n[i..])? {
                    return Some(true);
                }
                if i == n.len() || n[i] == '/' {
                    return Some(false);
                }
                i += 1;
            }
        }
        '?' => match n.first() {
            Some(&ch) if ch != '/' => match_from(&p[1..], &n[1..]),
            _ => Some(false),
        },
        '[' => {
            let (matched, rest) = class(&p[1..], n.first().copied())?;
            if matched && n.first().is_some_and(|&ch| ch != '/') {
                match_from(rest, &n[1..])
            } else {
                Some(false)
            }
        }
        '\\' => {
            let &escaped = p.get(1)?;
            if n.first() == Some(&escaped) {
                match_from(&p[2..], &n[1..])
            } else {
                Some(false)
            }
        }
        c => {
            if n.first() == Some(&c) {
                match_from(&p[1..], &n[1..])
            } else {
                Some(false)
            }
        }
    }
}

/// Parses a class after `[`; returns whether `ch` is in it and the pattern after `]`.
/// `None` when the class is malformed.
fn class(p: &[char], ch: Option<char>) -> Option<(bool, &[char])> {
    let (negated, mut p) = match p.first() {
        Some('^') => (true, &p[1..]),
        _ => (false, p),
    };
    let mut matched = false;
    let mut first = true;
    loop {
        let &c = p.first()?;
        if c == ']' && !first {
            return Some((matched != negated, &p[1..]));
        }
        first = false;
        let (lo, rest) = class_char(p)?;
        p = rest;
        let hi = if p.first() == Some(&'-') && p.get(1).is_some_and(|&c| c != ']') {
            let (hi, rest) = class_char(&p[1..])?;
            p = rest;
            hi
        } else {
            lo
        };
        if ch.is_some_and(|ch| lo <= ch && ch <= hi) {
            matched = true;
        }
    }
}

fn class_char(p: &[char]) -> Option<(char, &[char])> {
    match p.first()? {
        '\\' => Some((*p.get(1)?, &p[2..])),
        '-' | ']' => None,
        &c => Some((c, &p[1..])),
    }
}

/// The patterns of `private` that `cover` (an explicitly set GONOSUMDB or GONOPROXY) does not
/// cover: a pattern is covered when it is listed as is, or when `cover` matches it read as
/// a module path (`corp.example` covers `corp.example/team`).
pub fn uncovered<'a>(private: &'a str, cover: &str) -> Vec<&'a str> {
    split(private).filter(|p| !split(cover).any(|c| c == *p) && !match_prefix_patterns(cover, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_match_like_go() {
        assert!(path_match("abc", "abc"));
        assert!(path_match("*", "abc"));
        assert!(!path_match("*", "a/b"));
        assert!(path_match("a*/b", "abc/b"));
        assert!(!path_match("a*b*c*d*e*/f", "axbxcxdxexxx/fff"));
        assert!(path_match("a?c", "abc"));
        assert!(!path_match("a?c", "a/c"));
        assert!(path_match("[a-c]x", "bx"));
        assert!(!path_match("[^a-c]x", "bx"));
        assert!(path_match("[^a-c]x", "dx"));
        assert!(path_match("a\\*b", "a*b"));
        assert!(!path_match("a\\*b", "axb"));
        assert!(!path_match("[a-", "a"), "malformed classes match nothing");
        assert!(!path_match("a[", "a"));
    }

    #[test]
    fn prefix_patterns_match_leading_elements() {
        assert!(match_prefix_patterns("corp.example", "corp.example/a/b"));
        assert!(match_prefix_patterns("*.corp.example", "git.corp.example/x"));
        assert!(match_prefix_patterns("rsc.io/private", "rsc.io/private/quux"));
        assert!(!match_prefix_patterns("rsc.io/private", "rsc.io/public"));
        assert!(!match_prefix_patterns("corp.example/a/b", "corp.example/a"));
        assert!(match_prefix_patterns(" , github.com/org/* ,x", "github.com/org/repo/sub"));
        assert!(!match_prefix_patterns("", "anything"));
    }

    #[test]
    fn coverage_of_goprivate() {
        assert_eq!(uncovered("corp.example,github.com/org/private", "corp.example"), vec!["github.com/org/private"]);
        assert_eq!(uncovered("git.corp.example/team", "*.corp.example"), Vec::<&str>::new());
        assert_eq!(uncovered("*.corp.example", "*.corp.example"), Vec::<&str>::new());
        assert_eq!(uncovered("*.corp.example", "git.corp.example"), vec!["*.corp.example"]);
    }
}
