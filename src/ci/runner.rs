//! The environment a job's later steps need, in each runner's format: GitHub's `$GITHUB_ENV`
//! and `$GITHUB_PATH` files, a GitLab dotenv report, or POSIX shell for `eval`.

use crate::error::{Error, Result};
use crate::shell::posix::quote_word;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines for $GITHUB_ENV and $GITHUB_PATH (written there when they are set)
    Github,
    /// A dotenv file for `artifacts:reports:dotenv`
    Gitlab,
    /// POSIX shell for `eval`
    Shell,
}

impl Format {
    /// The runner this job runs on, from the variables each sets in every job.
    pub fn detect(var: impl Fn(&str) -> Option<String>) -> Format {
        if var("GITHUB_ACTIONS").as_deref() == Some("true") {
            Format::Github
        } else if var("GITLAB_CI").as_deref() == Some("true") {
            Format::Gitlab
        } else {
            Format::Shell
        }
    }
}

/// Variables to set and directories to put first on PATH, the first listed first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exports {
    pub vars: Vec<(&'static str, String)>,
    pub path: Vec<String>,
}

impl Exports {
    /// `$GITHUB_ENV` lines: `NAME=value`, or the delimiter form for a value with a line break
    /// (GitHub's rule), with a delimiter that occurs nowhere in the value.
    pub fn github_env(&self) -> String {
        self.vars.iter().map(|(name, value)| github_assignment(name, value)).collect()
    }

    /// `$GITHUB_PATH` lines. The runner puts each line it reads before the ones read earlier,
    /// so the directory that must come first is written last.
    pub fn github_path(&self) -> Result<String> {
        self.path.iter().rev().map(|dir| Ok(format!("{}\n", one_line("$GITHUB_PATH", "PATH", dir)?))).collect()
    }

    /// A dotenv report: `NAME=value` lines, PATH in full (`inherited` after gover's
    /// directories), since a later job takes the values as they are. GitLab reads no quotes and
    /// refuses line breaks and spaces in a value, so those are errors here rather than a
    /// report GitLab rejects or misreads.
    pub fn dotenv(&self, inherited: &str) -> Result<String> {
        let path = self.path.iter().map(String::as_str).chain([inherited].into_iter().filter(|p| !p.is_empty()));
        let path = ("PATH", path.collect::<Vec<_>>().join(":"));
        let mut out = String::new();
        for (name, value) in self.vars.iter().map(|(n, v)| (*n, v.as_str())).chain([(path.0, path.1.as_str())]) {
            let value = one_line("a GitLab dotenv report", name, value)?;
            if value.contains([' ', '\t']) {
                return Err(unrepresentable("a GitLab dotenv report", name, value, "it contains a space"));
            }
            out += &format!("{name}={value}\n");
        }
        Ok(out)
    }

    /// `export` lines for `eval`, PATH keeping whatever the shell has after gover's directories.
    pub fn shell(&self) -> String {
        let mut out: String =
            self.vars.iter().map(|(name, value)| format!("export {name}={}\n", quote_word(value))).collect();
        let dirs: Vec<String> = self.path.iter().map(|dir| quote_word(dir)).collect();
        out += &format!("export PATH={}:\"$PATH\"\n", dirs.join(":"));
        out
    }
}

/// One `NAME=value` of GitHub's environment-file format (`$GITHUB_ENV`, `$GITHUB_OUTPUT`).
pub fn github_assignment(name: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    let delimiter = (0..).map(|n| format!("ghadelimiter_{n}")).find(|d| !value.contains(d.as_str())).expect("some n");
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

fn one_line<'a>(target: &str, name: &str, value: &'a str) -> Result<&'a str> {
    match value.contains(['\n', '\r']) {
        true => Err(unrepresentable(target, name, value, "it contains a line break")),
        false => Ok(value),
    }
}

fn unrepresentable(target: &str, name: &str, value: &str, why: &str) -> Error {
    Error::failure(format!("{name} cannot be written to {target}"))
        .cause(format!("its value {value:?}: {why}"))
        .hint("point GOVER_HOME at a directory whose path has no spaces or line breaks, e.g. GOVER_HOME=/opt/gover")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exports(root: &str) -> Exports {
        Exports {
            vars: vec![("GOROOT", format!("{root}/versions/go1.22.10")), ("GOTOOLCHAIN", "local".into())],
            path: vec![format!("{root}/versions/go1.22.10/bin"), format!("{root}/shims")],
        }
    }

    #[test]
    fn github_files() {
        let e = exports("/g");
        assert_eq!(e.github_env(), "GOROOT=/g/versions/go1.22.10\nGOTOOLCHAIN=local\n");
        // Read back by prepending line by line, bin ends up before the shims.
        assert_eq!(e.github_path().unwrap(), "/g/shims\n/g/versions/go1.22.10/bin\n");
    }

    #[test]
    fn github_multiline_values_use_a_delimiter_not_in_the_value() {
        assert_eq!(github_assignment("A", "x\ny"), "A<<ghadelimiter_0\nx\ny\nghadelimiter_0\n");
        assert_eq!(
            github_assignment("A", "ghadelimiter_0\nEVIL=1"),
            "A<<ghadelimiter_1\nghadelimiter_0\nEVIL=1\nghadelimiter_1\n"
        );
        assert!(exports("/a\nb").github_path().is_err());
    }

    #[test]
    fn dotenv_refuses_what_gitlab_cannot_read() {
        let text = exports("/g").dotenv("/usr/bin:/bin").unwrap();
        assert_eq!(
            text,
            "GOROOT=/g/versions/go1.22.10\nGOTOOLCHAIN=local\nPATH=/g/versions/go1.22.10/bin:/g/shims:/usr/bin:/bin\n"
        );
        assert!(exports("/my home").dotenv("").unwrap_err().causes[0].contains("space"));
        assert!(exports("/g").dotenv("/a b").is_err());
        assert!(exports("/a\nb").dotenv("").is_err());
    }

    #[test]
    fn shell_quotes_each_value() {
        let text = exports("/it's $x").shell();
        assert!(text.starts_with("export GOROOT='/it'\\''s $x/versions/go1.22.10'\n"), "{text}");
        assert!(text.ends_with("export PATH='/it'\\''s $x/versions/go1.22.10/bin':'/it'\\''s $x/shims':\"$PATH\"\n"));
    }

    #[test]
    fn detects_the_runner() {
        let env = |pairs: &'static [(&str, &str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        assert_eq!(Format::detect(env(&[("GITHUB_ACTIONS", "true")])), Format::Github);
        assert_eq!(Format::detect(env(&[("GITLAB_CI", "true")])), Format::Gitlab);
        assert_eq!(Format::detect(env(&[])), Format::Shell);
    }
}
