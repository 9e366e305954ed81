//! Go's own configuration, read the way the go command reads it: its settings (the
//! environment, then the go env file) and its module path patterns (GOPRIVATE, GONOSUMDB,
//! GONOPROXY). Doctor checks them; the module-proxy installer obeys them.

pub mod modpattern;
pub mod settings;

use std::path::{Path, PathBuf};

pub use settings::{Setting, SettingOrigin, Settings};

/// An XDG base directory: the variable's value when it is absolute (relative values are
/// ignored, as the spec says), else `fallback` under HOME.
pub fn xdg_dir(value: Option<&str>, home: Option<&Path>, fallback: &str) -> Option<PathBuf> {
    value.map(PathBuf::from).filter(|p| p.is_absolute()).or_else(|| Some(home?.join(fallback)))
}

impl settings::SettingsEnv {
    /// The given environment variables and the user's directories derived from them.
    pub fn from_vars(vars: Vec<(String, String)>) -> settings::SettingsEnv {
        let var = |name: &str| vars.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone());
        let home = var("HOME").map(PathBuf::from);
        let config_home = xdg_dir(var("XDG_CONFIG_HOME").as_deref(), home.as_deref(), ".config");
        let cache_home = xdg_dir(var("XDG_CACHE_HOME").as_deref(), home.as_deref(), ".cache");
        settings::SettingsEnv { vars, home, config_home, cache_home }
    }

    /// The environment of `process`.
    pub fn from_process(process: &gover_shim::Process) -> settings::SettingsEnv {
        settings::SettingsEnv::from_vars(
            process.vars().map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned())).collect(),
        )
    }
}
