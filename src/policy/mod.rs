//! The administrator's policy (`/etc/gover/policy.toml`): which Go versions may be installed
//! and used, where toolchains may come from, and the fleet's default download settings.
//! Parsed once when a command starts ([`Policy::load`]); commands then only ask it questions
//! ([`Policy::permit`], [`Policy::source`]). A refusal is [`Kind::Policy`], naming the file and
//! line of the rule and what it allows. Anything the parser does not understand is an error,
//! never an allow: a misspelt key must not lift a rule.
//!
//! The shim does not read the policy: it would cost a file read and a TOML parse on every `go`
//! run. What the shim installs goes through `gover install`, which does; `gover doctor` reports
//! pins and the global default that the policy refuses.

mod file;

use std::cell::LazyCell;
use std::ffi::OsString;
use std::path::PathBuf;

use gover_shim::{GoVersion, Spec};
use serde::Deserialize;
use toml::Spanned;

use crate::dist::SourceChoice;
use crate::error::{Error, Kind, Result};
use crate::vulndb::Knowledge;

/// A rule's value and the line of the policy file that set it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule<T> {
    value: T,
    line: usize,
}

/// One entry of `allowed`: a spec (`1.22`, `1.22.10`, `system`: any Go gover did not install)
/// or a floor (`>=1.22.3`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Allowed {
    Spec(Spec),
    AtLeast(GoVersion),
}

impl Allowed {
    fn parse(text: &str) -> Option<Allowed> {
        match text.strip_prefix(">=") {
            Some(floor) => GoVersion::parse(floor.trim()).map(Allowed::AtLeast),
            None => match Spec::parse(text)? {
                spec @ (Spec::Line { .. } | Spec::Exact(_) | Spec::System) => Some(Allowed::Spec(spec)),
                _ => None,
            },
        }
    }

    fn permits(&self, toolchain: Option<&GoVersion>) -> bool {
        match (self, toolchain) {
            (Allowed::Spec(Spec::System), None) => true,
            (Allowed::Spec(spec), Some(version)) => spec.matches(version),
            (Allowed::AtLeast(floor), Some(version)) => version >= floor,
            _ => false,
        }
    }
}

/// How vulnerable a version may be. The Go vulnerability database scores nothing (no CVSS, no
/// severity), so the one distinction it offers is where the flaw is: in the go command itself
/// (code that runs when building: `toolchain`) or anywhere in Go, standard library included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    Toolchain,
    Any,
}

/// Where toolchains may come from, as `--source` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Dl,
    Proxy,
}

/// A download setting the policy gives: a default (the user's environment wins) or a
/// requirement (a different value in the environment is refused).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Setting {
    var: &'static str,
    value: String,
    line: usize,
    required: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub path: PathBuf,
    allowed: Option<Rule<Vec<Allowed>>>,
    /// The floor of each line (`1.22` must be at least go1.22.10).
    minimum: Vec<Rule<GoVersion>>,
    end_of_life: Option<Rule<()>>,
    vulnerable: Option<Rule<Threshold>>,
    origins: Option<Rule<Vec<Origin>>>,
    /// `trust-mirror = false`: --trust-mirror is refused.
    no_trust_mirror: Option<Rule<()>>,
    settings: Vec<Setting>,
}

/// A release the policy refuses: what, the rule (and its line in [`Policy::path`]) that
/// refuses it, anything else worth knowing, and what to do instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub what: String,
    pub line: usize,
    pub rule: String,
    pub causes: Vec<String>,
    pub hint: String,
}

impl Refusal {
    fn new(what: String, line: usize, rule: String) -> Refusal {
        Refusal { what, line, rule, causes: Vec::new(), hint: String::new() }
    }

    fn cause(mut self, cause: impl Into<String>) -> Refusal {
        self.causes.push(cause.into());
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Refusal {
        self.hint = hint.into();
        self
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    versions: RawVersions,
    #[serde(default)]
    sources: RawSources,
    #[serde(default)]
    defaults: RawUrls,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawVersions {
    allowed: Option<Spanned<Vec<Spanned<String>>>>,
    minimum: Option<Vec<Spanned<String>>>,
    refuse_end_of_life: Option<Spanned<bool>>,
    refuse_vulnerable: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSources {
    allow: Option<Spanned<Vec<Spanned<String>>>>,
    trust_mirror: Option<Spanned<bool>>,
    // As in RawUrls: serde's flatten would lose the spans (and the unknown keys).
    dist_url: Option<Spanned<String>>,
    index_url: Option<Spanned<String>>,
    goproxy: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawUrls {
    dist_url: Option<Spanned<String>>,
    index_url: Option<Spanned<String>>,
    goproxy: Option<Spanned<String>>,
}

impl Policy {
    /// The policy in force, or none; a policy that cannot be read or parsed is an error.
    pub fn load(var: impl Fn(&str) -> Option<OsString>) -> Result<Option<Policy>> {
        let Some((path, text)) = file::read(var)? else { return Ok(None) };
        Policy::parse(path, &text).map(Some)
    }

    fn parse(path: PathBuf, text: &str) -> Result<Policy> {
        let line_of = |span: std::ops::Range<usize>| text[..span.start.min(text.len())].matches('\n').count() + 1;
        let invalid = |line: usize, what: String| {
            Error::new(Kind::Policy, format!("{}:{line}: {what}", path.display()))
                .cause("a policy gover cannot read is not applied in part: every command refuses until it is fixed")
                .hint(format!("ask the administrator (root) to fix line {line} of {}", path.display()))
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, line_of);
            invalid(line, e.message().trim().to_string())
        })?;
        let mut policy = Policy { path: path.clone(), ..Policy::default() };

        if let Some(allowed) = raw.versions.allowed {
            let line = line_of(allowed.span());
            let entries = allowed.into_inner();
            if entries.is_empty() {
                return Err(invalid(line, "`allowed` is empty, which would refuse every version".into()));
            }
            let value = entries
                .into_iter()
                .map(|entry| {
                    Allowed::parse(entry.get_ref()).ok_or_else(|| {
                        invalid(
                            line_of(entry.span()),
                            format!(
                                "{:?} is not an allowed version: write a line (1.22), a release (1.22.10), a floor \
                                 (>=1.22.3) or system",
                                entry.get_ref()
                            ),
                        )
                    })
                })
                .collect::<Result<_>>()?;
            policy.allowed = Some(Rule { value, line });
        }
        for entry in raw.versions.minimum.into_iter().flatten() {
            let line = line_of(entry.span());
            let version = match GoVersion::parse(entry.get_ref()) {
                Some(v @ GoVersion { patch: Some(_), pre: None, .. }) => v,
                _ => {
                    return Err(invalid(
                        line,
                        format!(
                            "{:?} is not a minimum patch: write the lowest release of a line, e.g. 1.22.10",
                            entry.get_ref()
                        ),
                    ))
                }
            };
            if policy.minimum.iter().any(|m| m.value.in_line(version.major, version.minor)) {
                return Err(invalid(line, format!("a second minimum for {}.{}", version.major, version.minor)));
            }
            policy.minimum.push(Rule { value: version, line });
        }
        if let Some(eol) = raw.versions.refuse_end_of_life.filter(|b| *b.get_ref()) {
            policy.end_of_life = Some(Rule { value: (), line: line_of(eol.span()) });
        }
        if let Some(threshold) = raw.versions.refuse_vulnerable {
            let line = line_of(threshold.span());
            let value = match threshold.get_ref().as_str() {
                "none" => None,
                "toolchain" => Some(Threshold::Toolchain),
                "any" => Some(Threshold::Any),
                other => {
                    return Err(invalid(
                        line,
                        format!("refuse-vulnerable = {other:?}: write \"none\", \"toolchain\" or \"any\""),
                    ))
                }
            };
            policy.vulnerable = value.map(|value| Rule { value, line });
        }
        let RawSources { allow, trust_mirror, dist_url, index_url, goproxy } = raw.sources;
        if let Some(allow) = allow {
            let line = line_of(allow.span());
            let value: Vec<Origin> = allow
                .into_inner()
                .into_iter()
                .map(|origin| match origin.get_ref().as_str() {
                    "dl" => Ok(Origin::Dl),
                    "proxy" => Ok(Origin::Proxy),
                    other => Err(invalid(
                        line_of(origin.span()),
                        format!("{other:?} is not a source: write \"dl\" (the download site) or \"proxy\" (the module proxy)"),
                    )),
                })
                .collect::<Result<_>>()?;
            if value.is_empty() {
                return Err(invalid(line, "`allow` is empty, which would refuse every install".into()));
            }
            policy.origins = Some(Rule { value, line });
        }
        if let Some(trust) = trust_mirror.filter(|b| !*b.get_ref()) {
            policy.no_trust_mirror = Some(Rule { value: (), line: line_of(trust.span()) });
        }
        let required = RawUrls { dist_url, index_url, goproxy };
        for (urls, required) in [(required, true), (raw.defaults, false)] {
            let RawUrls { dist_url, index_url, goproxy } = urls;
            for (var, value) in [("GOVER_DIST_URL", dist_url), ("GOVER_INDEX_URL", index_url), ("GOPROXY", goproxy)] {
                let Some(value) = value else { continue };
                let line = line_of(value.span());
                let value = value.into_inner().trim().to_string();
                if value.is_empty() {
                    return Err(invalid(line, format!("the value for {var} is empty")));
                }
                policy.settings.push(Setting { var, value, line, required });
            }
        }
        Ok(policy)
    }

    fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.path.display())
    }

    fn refusal(&self, what: String, line: usize, rule: String) -> Error {
        Error::new(Kind::Policy, what).cause(format!("the policy ({}) says: {rule}", self.at(line)))
    }

    /// Whether the policy lets a release be installed or used (`None`: a Go gover did not
    /// install, the system go or a linked tree, which `allowed` must list as `system`);
    /// `knowledge` is loaded only when the policy refuses end-of-life or vulnerable versions.
    pub fn permit_version<F: FnOnce() -> Knowledge>(
        &self,
        version: Option<&GoVersion>,
        knowledge: &LazyCell<Knowledge, F>,
    ) -> Result<()> {
        self.refusal_of(version, knowledge).map_or(Ok(()), |refusal| Err(self.error(refusal)))
    }

    /// The error a refusal is to a command: what is refused, the rule with its file and line.
    pub fn error(&self, refusal: Refusal) -> Error {
        let Refusal { what, line, rule, causes, hint } = refusal;
        causes.into_iter().fold(self.refusal(what, line, rule), Error::cause).hint(hint)
    }

    /// Why the policy refuses a release (as [`Policy::permit_version`]), as data: for
    /// reports that list every refusal rather than stop at one.
    pub fn refusal_of<F: FnOnce() -> Knowledge>(
        &self,
        version: Option<&GoVersion>,
        knowledge: &LazyCell<Knowledge, F>,
    ) -> Option<Refusal> {
        let name =
            version.map_or("a Go gover did not install (the system go, or a gover link)".into(), GoVersion::to_string);
        if let Some(allowed) = self.allowed.as_ref().filter(|a| !a.value.iter().any(|e| e.permits(version))) {
            let list: Vec<String> = allowed.value.iter().map(describe).collect();
            return Some(
                Refusal::new(
                    format!("{name} is not allowed here"),
                    allowed.line,
                    format!("allowed = {}", list.join(", ")),
                )
                .hint(format!("use one of those: gover install {}", suggestion(&allowed.value))),
            );
        }
        let version = version?;
        if let Some(floor) = self.minimum.iter().find(|m| m.value.in_line(version.major, version.minor)) {
            if version < &floor.value {
                let line = format!("{}.{}", version.major, version.minor);
                return Some(
                    Refusal::new(
                        format!("{version} is below the minimum patch of {line}"),
                        floor.line,
                        format!("{line} must be at least {}", floor.value),
                    )
                    .hint(format!("gover install {line} installs its newest patch")),
                );
            }
        }
        if self.end_of_life.is_none() && self.vulnerable.is_none() {
            return None;
        }
        let status = knowledge.assess(version);
        let newest = knowledge.newest_stable().map(|v| format!("{}.{}", v.major, v.minor));
        let upgrade = newest.map_or("gover install latest".into(), |line| format!("gover install {line}"));
        if let Some(rule) = &self.end_of_life {
            if status.end_of_life {
                return Some(
                    Refusal::new(
                        format!("{version} is past end of life"),
                        rule.line,
                        "refuse-end-of-life = true (Go fixes only its two newest major releases)".into(),
                    )
                    .hint(upgrade),
                );
            }
        }
        let rule = self.vulnerable.as_ref()?;
        let Some(entries) = &status.vulnerabilities else {
            return Some(
                Refusal::new(
                    format!("cannot tell whether {version} has known vulnerabilities"),
                    rule.line,
                    format!("refuse-vulnerable = {:?}", threshold_name(rule.value)),
                )
                .cause("there is no copy of the Go vulnerability database in GOVER_HOME yet")
                .hint("gover list --refresh fetches it (GOVULNDB names a copy of the database)"),
            );
        };
        let counted: Vec<&str> = entries
            .iter()
            .filter(|e| rule.value == Threshold::Any || e.affects_toolchain())
            .map(|e| e.id.as_str())
            .collect();
        if counted.is_empty() {
            return None;
        }
        let fixed = match &status.fixed_in {
            Some(fixed) => format!("gover install {} (fixes them all)", Spec::Exact(fixed.clone())),
            None => upgrade,
        };
        let (what, rule_text) = match rule.value {
            Threshold::Toolchain => ("in the go command", "refuse-vulnerable = \"toolchain\""),
            Threshold::Any => ("", "refuse-vulnerable = \"any\""),
        };
        Some(
            Refusal::new(
                format!("{version} has known vulnerabilities{}{what}", if what.is_empty() { "" } else { " " }),
                rule.line,
                rule_text.into(),
            )
            .cause(format!("the Go vulnerability database lists {}", counted.join(", ")))
            .hint(fixed),
        )
    }

    /// Whether a verdict needs the vulnerability data (end of life is judged from it too).
    pub fn needs_vulnerability_data(&self) -> bool {
        self.end_of_life.is_some() || self.vulnerable.is_some()
    }

    /// The source `choice` becomes under the policy: `auto` keeps to the allowed sources; a
    /// source the policy does not allow is refused, as is installing without the checksum
    /// database when the module proxy is the only source allowed.
    pub fn source(&self, choice: SourceChoice, insecure_no_sumdb: bool) -> Result<SourceChoice> {
        let Some(rule) = &self.origins else { return Ok(choice) };
        let allows = |o: Origin| rule.value.contains(&o);
        let names: Vec<&str> = rule.value.iter().map(|o| origin_name(*o)).collect();
        let refused = |flag: &str| {
            self.refusal(format!("{flag} is not allowed here"), rule.line, format!("allow = {}", names.join(", ")))
        };
        if insecure_no_sumdb && !allows(Origin::Dl) {
            return Err(refused("--insecure-no-sumdb")
                .cause("the module proxy is allowed only with the checksum database vouching for what it serves")
                .hint("drop --insecure-no-sumdb, and unset GOSUMDB=off / GONOSUMDB if they are set"));
        }
        match choice {
            SourceChoice::Auto if !allows(Origin::Dl) => Ok(SourceChoice::Proxy),
            SourceChoice::Auto if !allows(Origin::Proxy) => Ok(SourceChoice::Dl),
            SourceChoice::Dl if !allows(Origin::Dl) => Err(refused("--source dl").hint("--source proxy")),
            SourceChoice::Proxy if !allows(Origin::Proxy) => Err(refused("--source proxy").hint("--source dl")),
            other => Ok(other),
        }
    }

    /// Whether installs may fetch the release index from the download site (`gover upgrade`
    /// only installs from there).
    pub fn require_download_site(&self, command: &str) -> Result<()> {
        self.source(SourceChoice::Dl, false).map(|_| ()).map_err(|err| {
            Error::new(
                Kind::Policy,
                format!("{command} installs from the download site, which the policy does not allow"),
            )
            .cause(err.causes.join("; "))
            .hint("gover install 1.22 installs the newest 1.22.x from the module proxy")
        })
    }

    /// Refuses --trust-mirror when the policy says the mirror's own checksums never count.
    pub fn check_trust_mirror(&self, trust_mirror: bool) -> Result<()> {
        match &self.no_trust_mirror {
            Some(rule) if trust_mirror => Err(self
                .refusal("--trust-mirror is not allowed here".into(), rule.line, "trust-mirror = false".into())
                .hint("unset GOVER_TRUST_MIRROR and drop --trust-mirror: checksums come from the release index")),
            _ => Ok(()),
        }
    }

    /// The download settings to put in this process's environment: each default the user has
    /// not set (`explicit` says whether they have, the go env file counting for GOPROXY), and
    /// each requirement; a requirement the user set otherwise is refused.
    pub fn environment(&self, explicit: impl Fn(&str) -> Option<String>) -> Result<Vec<(&'static str, String)>> {
        let mut out = Vec::new();
        for setting in &self.settings {
            match explicit(setting.var) {
                Some(theirs)
                    if setting.required
                        && theirs.trim().trim_end_matches('/') != setting.value.trim_end_matches('/') =>
                {
                    return Err(self
                        .refusal(
                            format!("{}={theirs} is not allowed here", setting.var),
                            setting.line,
                            format!("{} must be {}", setting.var, setting.value),
                        )
                        .hint(format!("unset {} (the policy sets it)", setting.var)));
                }
                Some(_) if !setting.required => {}
                _ => out.push((setting.var, setting.value.clone())),
            }
        }
        Ok(out)
    }
}

fn describe(entry: &Allowed) -> String {
    match entry {
        Allowed::Spec(spec) => spec.to_string(),
        Allowed::AtLeast(floor) => format!(">={}", floor.to_string().trim_start_matches("go")),
    }
}

/// A spec the hint can offer from `allowed`: the newest line or release it names.
fn suggestion(allowed: &[Allowed]) -> String {
    let versions = allowed.iter().filter_map(|entry| match entry {
        Allowed::Spec(Spec::Line { major, minor }) => {
            Some(GoVersion { major: *major, minor: *minor, patch: None, pre: None })
        }
        Allowed::Spec(Spec::Exact(v)) | Allowed::AtLeast(v) => Some(v.clone()),
        Allowed::Spec(_) => None,
    });
    match versions.max() {
        Some(v) if v.patch.is_some() && allowed.contains(&Allowed::Spec(Spec::Exact(v.clone()))) => {
            v.to_string().trim_start_matches("go").to_string()
        }
        Some(v) => format!("{}.{}", v.major, v.minor),
        None => "system".into(),
    }
}

fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Dl => "dl",
        Origin::Proxy => "proxy",
    }
}

fn threshold_name(threshold: Threshold) -> &'static str {
    match threshold {
        Threshold::Toolchain => "toolchain",
        Threshold::Any => "any",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Policy> {
        Policy::parse(PathBuf::from("/etc/gover/policy.toml"), text)
    }

    fn v(text: &str) -> GoVersion {
        GoVersion::parse(text).unwrap()
    }

    fn permit(policy: &Policy, version: &str) -> Result<()> {
        policy
            .permit_version(Some(&v(version)), &LazyCell::new(|| unreachable!("no rule here needs vulnerability data")))
    }

    #[test]
    fn allowed_lines_releases_and_floors() {
        let policy = parse("[versions]\nallowed = [\"1.22\", \"1.21.13\", \">=1.24.2\"]\n").unwrap();
        for ok in ["go1.22.0", "go1.22.10", "go1.21.13", "go1.24.2", "go1.25.0"] {
            assert!(permit(&policy, ok).is_ok(), "{ok}");
        }
        for refused in ["go1.21.12", "go1.23.9", "go1.24.1"] {
            let err = permit(&policy, refused).unwrap_err();
            assert_eq!(err.kind, Kind::Policy);
            assert_eq!(err.causes, ["the policy (/etc/gover/policy.toml:2) says: allowed = 1.22, 1.21.13, >=1.24.2"]);
            assert_eq!(err.hint.as_deref(), Some("use one of those: gover install 1.24"));
        }
        assert!(policy.permit_version(None, &LazyCell::new(|| unreachable!())).is_err(), "system is not listed");
    }

    #[test]
    fn minimum_patch_per_line() {
        let policy = parse("[versions]\nminimum = [\n  \"1.21.13\",\n  \"1.22.10\",\n]\n").unwrap();
        assert!(permit(&policy, "go1.22.10").is_ok());
        assert!(permit(&policy, "go1.23.0").is_ok(), "a line without a minimum");
        let err = permit(&policy, "go1.22.9").unwrap_err();
        assert_eq!(err.message, "go1.22.9 is below the minimum patch of 1.22");
        assert_eq!(err.causes, ["the policy (/etc/gover/policy.toml:4) says: 1.22 must be at least go1.22.10"]);
    }

    #[test]
    fn what_it_cannot_read_is_an_error_with_its_line() {
        for (text, line, says) in [
            ("[versions]\nalowed = [\"1.22\"]\n", 2, "unknown field `alowed`"),
            ("[version]\n", 1, "unknown field `version`"),
            ("[versions]\nallowed = [\"1.22\", \"1.x\"]\n", 2, "\"1.x\" is not an allowed version"),
            ("[versions]\nallowed = []\n", 2, "`allowed` is empty"),
            ("[versions]\n\nminimum = [\"1.22\"]\n", 3, "\"1.22\" is not a minimum patch"),
            ("[versions]\nrefuse-vulnerable = \"high\"\n", 2, "refuse-vulnerable = \"high\""),
            ("[sources]\nallow = [\"mirror\"]\n", 2, "\"mirror\" is not a source"),
            ("[sources]\ntrust-mirror = \"no\"\n", 2, "invalid type"),
            ("[defaults]\ngoproxy = \"\"\n", 2, "the value for GOPROXY is empty"),
            ("[versions\n", 1, ""),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.kind, Kind::Policy, "{text}");
            assert!(err.message.starts_with(&format!("/etc/gover/policy.toml:{line}: ")), "{text}: {}", err.message);
            assert!(err.message.contains(says), "{text}: {}", err.message);
        }
    }

    #[test]
    fn the_books_example_is_a_policy() {
        let chapter = include_str!("../../docs/src/policy.md");
        let example = chapter.split("```toml\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
        let policy = parse(example).unwrap_or_else(|e| panic!("{}", e.render("error")));
        assert_eq!(policy.settings.len(), 3);
        assert_eq!(permit(&policy, "go1.21.13").unwrap_err().message, "go1.21.13 is not allowed here");
        assert_eq!(permit(&policy, "go1.22.9").unwrap_err().message, "go1.22.9 is below the minimum patch of 1.22");
    }

    #[test]
    fn sources_and_settings() {
        let policy = parse(
            "[sources]\nallow = [\"proxy\"]\ntrust-mirror = false\ngoproxy = \"https://proxy.corp\"\n\n[defaults]\n\
             dist-url = \"https://mirror.corp/go/\"\n",
        )
        .unwrap();
        assert_eq!(policy.source(SourceChoice::Auto, false).unwrap(), SourceChoice::Proxy);
        assert!(policy.source(SourceChoice::Dl, false).is_err());
        assert!(policy.source(SourceChoice::Proxy, true).is_err());
        assert!(policy.check_trust_mirror(true).is_err() && policy.check_trust_mirror(false).is_ok());
        let none = |_: &str| None;
        assert_eq!(
            policy.environment(none).unwrap(),
            [("GOPROXY", "https://proxy.corp".to_string()), ("GOVER_DIST_URL", "https://mirror.corp/go/".to_string())]
        );
        // The user's own dist URL stands (a default); a GOPROXY of their own is refused (a requirement).
        let theirs = |name: &str| Some(format!("https://mine/{name}"));
        let err = policy.environment(theirs).unwrap_err();
        assert_eq!(err.message, "GOPROXY=https://mine/GOPROXY is not allowed here");
        let same = |name: &str| (name == "GOPROXY").then(|| "https://proxy.corp/".to_string());
        assert_eq!(policy.environment(same).unwrap().len(), 2);
    }
}
