//! On/off environment variables (GOVER_QUIET, GOVER_AUTO_INSTALL, GOVER_VULNDB): the usual
//! spellings, read the same way by the CLI and the shim, so `GOVER_QUIET=1` and
//! `GOVER_AUTO_INSTALL=true` both work and a typo is an error, never a silent "off".

use std::ffi::OsStr;
use std::fmt;

/// What the value of a switch means, ignoring case: on for 1, true, yes or on; off for 0,
/// false, no, off, or nothing (`GOVER_QUIET=` is as if it were unset); `None` for anything else.
pub fn parse(value: &OsStr) -> Option<bool> {
    let value = value.to_str()?.trim().to_ascii_lowercase();
    match value.as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "" | "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The switch `name` in an environment: off when unset.
pub fn read(name: &'static str, var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<bool, BadSwitch> {
    match var(name) {
        None => Ok(false),
        Some(value) => parse(&value).ok_or_else(|| BadSwitch { name, value: value.to_string_lossy().into_owned() }),
    }
}

/// A switch set to something that is neither on nor off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadSwitch {
    pub name: &'static str,
    pub value: String,
}

impl BadSwitch {
    /// The values it takes, for the `help:` line.
    pub fn hint(&self) -> String {
        format!("set {} to {SPELLINGS}", self.name)
    }
}

/// The spellings [`parse`] accepts, as error messages name them.
const SPELLINGS: &str = "1, true, yes or on, or to 0, false, no or off (or unset it)";

impl fmt::Display for BadSwitch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?} is neither on nor off", self.name, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn takes_the_usual_spellings_in_any_case() {
        for on in ["1", "true", "TRUE", "yes", "Yes", "on", " 1 "] {
            assert_eq!(parse(OsStr::new(on)), Some(true), "{on:?}");
        }
        for off in ["", "0", "false", "False", "no", "NO", "off"] {
            assert_eq!(parse(OsStr::new(off)), Some(false), "{off:?}");
        }
        for bad in ["2", "y", "maybe", "ture", "-1"] {
            assert_eq!(parse(OsStr::new(bad)), None, "{bad:?}");
        }
    }

    #[test]
    fn an_unset_switch_is_off_and_a_bad_one_is_named() {
        fn env(value: Option<&'static str>) -> impl Fn(&str) -> Option<OsString> {
            move |_| value.map(OsString::from)
        }
        assert_eq!(read("GOVER_QUIET", env(None)), Ok(false));
        assert_eq!(read("GOVER_QUIET", env(Some("yes"))), Ok(true));
        let err = read("GOVER_QUIET", env(Some("maybe"))).unwrap_err();
        assert_eq!(err.to_string(), "GOVER_QUIET=\"maybe\" is neither on nor off");
        assert_eq!(err.hint(), "set GOVER_QUIET to 1, true, yes or on, or to 0, false, no or off (or unset it)");
    }
}
