//! Go's own configuration, read the way the go command reads it: its settings (the
//! environment, then the go env file) and its module path patterns (GOPRIVATE, GONOSUMDB,
//! GONOPROXY). Doctor checks them; the module-proxy installer obeys them.

pub mod modpattern;
pub mod settings;

pub use settings::{Setting, SettingOrigin, Settings};

impl settings::SettingsEnv {
    /// The environment of `process` (values that are not UTF-8 read lossily, as go's settings
    /// are text) and the user's directories derived from it.
    pub fn from_process(process: &gover_shim::Process) -> settings::SettingsEnv {
        settings::SettingsEnv {
            vars: process
                .vars()
                .map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned()))
                .collect(),
            home: process.home_dir(),
            config_home: process.xdg_dir("XDG_CONFIG_HOME", ".config"),
            cache_home: process.xdg_dir("XDG_CACHE_HOME", ".cache"),
        }
    }
}
