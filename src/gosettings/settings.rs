//! Go's settings as go itself would see them, without running go: the environment first,
//! then the go env file (`go env -w`), then go's defaults for the directories.

use std::path::PathBuf;

/// One `KEY=VALUE` line of the go env file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFileEntry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// The go env file's entries; like go, a later line for the same key is ignored.
pub fn parse_env_file(content: &str) -> Vec<EnvFileEntry> {
    let mut out: Vec<EnvFileEntry> = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim();
        if key.is_empty() || key.starts_with('#') || out.iter().any(|e| e.key == key) {
            continue;
        }
        out.push(EnvFileEntry { key: key.to_string(), value: value.trim().to_string(), line: i + 1 });
    }
    out
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingOrigin {
    Env,
    File { path: PathBuf, line: usize },
    Default,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub origin: SettingOrigin,
}

pub struct Settings {
    /// The go env file, when there is one (`GOENV=off` means none).
    pub env_file: Option<PathBuf>,
    entries: Vec<EnvFileEntry>,
    vars: Vec<(String, String)>,
    home: Option<PathBuf>,
    cache_home: Option<PathBuf>,
}

/// Where go's settings are read from: the process environment and the user's directories.
pub struct SettingsEnv {
    pub vars: Vec<(String, String)>,
    pub home: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME` or `~/.config`, where the go env file lives by default.
    pub config_home: Option<PathBuf>,
    pub cache_home: Option<PathBuf>,
}

impl Settings {
    pub fn load(sources: SettingsEnv) -> Settings {
        let SettingsEnv { vars, home, config_home, cache_home } = sources;
        let var = |name: &str| vars.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str());
        let env_file = match var("GOENV") {
            Some("off") => None,
            Some(path) => Some(PathBuf::from(path)),
            None => config_home.map(|c| c.join("go/env")),
        };
        let entries = env_file
            .as_deref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|c| parse_env_file(&c))
            .unwrap_or_default();
        Settings { env_file, entries, vars, home, cache_home }
    }

    /// The explicit value: the environment if set and not empty (go's rule), else the env file.
    pub fn get(&self, name: &str) -> Option<Setting> {
        if let Some((_, value)) = self.vars.iter().find(|(k, v)| k == name && !v.is_empty()) {
            return Some(Setting { value: value.clone(), origin: SettingOrigin::Env });
        }
        self.in_file(name)
    }

    /// The go env file's entry for `name`, whatever the environment says.
    pub fn in_file(&self, name: &str) -> Option<Setting> {
        let entry = self.entries.iter().find(|e| e.key == name)?;
        let path = self.env_file.clone()?;
        Some(Setting { value: entry.value.clone(), origin: SettingOrigin::File { path, line: entry.line } })
    }

    /// The value go would use, its default included (for the settings that have one here).
    pub fn effective(&self, name: &str) -> Option<Setting> {
        if let Some(set) = self.get(name) {
            return Some(set);
        }
        let value = match name {
            "GOPATH" => self.home.as_ref()?.join("go"),
            "GOMODCACHE" => first_gopath(&self.effective("GOPATH")?.value)?.join("pkg/mod"),
            "GOCACHE" => self.cache_home.as_ref()?.join("go-build"),
            "GOPROXY" => return Some(default("https://proxy.golang.org,direct")),
            "GOSUMDB" => return Some(default("sum.golang.org")),
            "GOTOOLCHAIN" => return Some(default("auto")),
            _ => return None,
        };
        Some(Setting { value: value.display().to_string(), origin: SettingOrigin::Default })
    }

    /// The directories of GOPATH (a list, like PATH).
    pub fn gopath_dirs(&self) -> Vec<PathBuf> {
        self.effective("GOPATH")
            .map(|s| std::env::split_paths(&s.value).filter(|p| p.is_absolute()).collect())
            .unwrap_or_default()
    }

    /// Where `go install` puts binaries: GOBIN, else the first GOPATH's bin.
    pub fn gobin(&self) -> Option<(PathBuf, &'static str)> {
        match self.get("GOBIN") {
            Some(s) => Some((PathBuf::from(s.value), "GOBIN")),
            None => Some((self.gopath_dirs().into_iter().next()?.join("bin"), "$GOPATH/bin")),
        }
    }
}

fn default(value: &str) -> Setting {
    Setting { value: value.to_string(), origin: SettingOrigin::Default }
}

fn first_gopath(value: &str) -> Option<PathBuf> {
    std::env::split_paths(value).find(|p| p.is_absolute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_lines() {
        let entries = parse_env_file("GOPROXY=off\n# note\nnonsense\nGOSUMDB = off \nGOPROXY=direct\n");
        assert_eq!(
            entries,
            vec![
                EnvFileEntry { key: "GOPROXY".into(), value: "off".into(), line: 1 },
                EnvFileEntry { key: "GOSUMDB".into(), value: "off".into(), line: 4 },
            ]
        );
    }

    fn settings(vars: &[(&str, &str)], file: &str) -> Settings {
        Settings {
            env_file: Some("/c/go/env".into()),
            entries: parse_env_file(file),
            vars: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            home: Some("/h".into()),
            cache_home: Some("/h/.cache".into()),
        }
    }

    #[test]
    fn environment_beats_file_beats_default() {
        let s = settings(&[("GOPROXY", "direct"), ("GOSUMDB", "")], "GOPROXY=off\nGOSUMDB=off\n");
        assert_eq!(s.get("GOPROXY").unwrap().origin, SettingOrigin::Env);
        assert_eq!(s.get("GOSUMDB").unwrap().origin, SettingOrigin::File { path: "/c/go/env".into(), line: 2 });
        assert_eq!(s.effective("GOCACHE").unwrap().value, "/h/.cache/go-build");
        assert_eq!(s.effective("GOMODCACHE").unwrap().value, "/h/go/pkg/mod");
        let s = settings(&[("GOPATH", "/a:/b")], "");
        assert_eq!(s.effective("GOMODCACHE").unwrap().value, "/a/pkg/mod");
        assert_eq!(s.gobin().unwrap(), (PathBuf::from("/a/bin"), "$GOPATH/bin"));
    }
}
