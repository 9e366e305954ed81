//! update-alternatives' state, read from its admin directory (`/var/lib/dpkg/alternatives/go`)
//! rather than by running it, so tests can plant their own.

use std::path::PathBuf;

/// One alternatives group (`go`, `gofmt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `auto` or `manual`.
    pub status: String,
    /// The link users run (`/usr/bin/go`).
    pub link: PathBuf,
    /// Followers that switch together with the group (`gofmt` → `/usr/bin/gofmt`).
    pub slaves: Vec<(String, PathBuf)>,
    pub choices: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub path: PathBuf,
    pub priority: i64,
    /// The target of each slave for this choice (`None` when the choice has none).
    pub slaves: Vec<Option<PathBuf>>,
}

/// Parses an admin file: status, link, slave name/link pairs up to an empty line, then per
/// choice its path, priority and one line per slave, up to an empty line.
pub fn parse(content: &str) -> Option<Group> {
    let mut lines = content.lines();
    let status = lines.next()?.trim().to_string();
    let link = PathBuf::from(lines.next()?.trim());
    let mut slaves = Vec::new();
    loop {
        let name = lines.next()?.trim();
        if name.is_empty() {
            break;
        }
        slaves.push((name.to_string(), PathBuf::from(lines.next()?.trim())));
    }
    let mut choices = Vec::new();
    while let Some(path) = lines.next().map(str::trim).filter(|p| !p.is_empty()) {
        let priority = lines.next()?.trim().parse().ok()?;
        let mut targets = Vec::new();
        for _ in 0..slaves.len() {
            let target = lines.next()?.trim();
            targets.push((!target.is_empty()).then(|| PathBuf::from(target)));
        }
        choices.push(Choice { path: PathBuf::from(path), priority, slaves: targets });
    }
    Some(Group { status, link, slaves, choices })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_group_with_a_slave() {
        let text = "auto\n/usr/bin/go\ngofmt\n/usr/bin/gofmt\n\n/usr/lib/go-1.21/bin/go\n121\n\
                    /usr/lib/go-1.21/bin/gofmt\n/usr/lib/go-1.19/bin/go\n50\n\n\n";
        let group = parse(text).unwrap();
        assert_eq!(group.status, "auto");
        assert_eq!(group.link, PathBuf::from("/usr/bin/go"));
        assert_eq!(group.slaves, vec![("gofmt".to_string(), PathBuf::from("/usr/bin/gofmt"))]);
        assert_eq!(group.choices.len(), 2);
        assert_eq!(group.choices[0].slaves, vec![Some(PathBuf::from("/usr/lib/go-1.21/bin/gofmt"))]);
        assert_eq!(
            group.choices[1],
            Choice { path: "/usr/lib/go-1.19/bin/go".into(), priority: 50, slaves: vec![None] }
        );
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("manual\n/usr/bin/go\n\n/x\nnot-a-number\n"), None);
    }
}
