//! Where the policy is and whether it is the administrator's: `/etc/gover/policy.toml`, or the
//! file `GOVER_POLICY_FILE` names, and either only if root owns it and no one else can write
//! it. That one rule is what keeps a user on a shared machine from escaping the policy: the
//! variable can only point at another file the administrator wrote, never at one of the
//! user's (or at nothing: a file it names must exist).

use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Kind, Result};

pub const SYSTEM_POLICY: &str = "/etc/gover/policy.toml";
/// A policy is a few dozen lines; this stops a device or a huge file from being read whole.
const MAX_POLICY: u64 = 1 << 20;

/// The policy file's path and text, or `None` when there is no policy (no
/// `/etc/gover/policy.toml` and no `GOVER_POLICY_FILE`).
pub fn read(var: impl Fn(&str) -> Option<OsString>) -> Result<Option<(PathBuf, String)>> {
    let named = var("GOVER_POLICY_FILE").filter(|v| !v.is_empty()).map(PathBuf::from);
    let path = named.clone().unwrap_or_else(|| PathBuf::from(SYSTEM_POLICY));
    let file = match fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && named.is_none() => return Ok(None),
        Err(e) => {
            let hint = if named.is_some() {
                "GOVER_POLICY_FILE must name an existing policy file; unset it to use /etc/gover/policy.toml"
            } else {
                "ask the administrator to make /etc/gover/policy.toml readable by everyone (chmod 644)"
            };
            return Err(Error::new(Kind::Policy, format!("cannot read the policy file {}", path.display()))
                .cause(e)
                .hint(hint));
        }
    };
    // The opened file's own metadata: what is read is what was checked.
    let meta = file.metadata().map_err(|e| crate::error::io("read", &path, e))?;
    check_owner(&path, &meta)?;
    let mut text = String::new();
    file.take(MAX_POLICY)
        .read_to_string(&mut text)
        .map_err(|e| Error::new(Kind::Policy, format!("cannot read the policy file {}", path.display())).cause(e))?;
    Ok(Some((path, text)))
}

/// A policy is the administrator's: a regular file root owns, which neither its group nor
/// others can write.
fn check_owner(path: &Path, meta: &fs::Metadata) -> Result<()> {
    let why = if !meta.is_file() {
        Some("it is not a regular file".to_string())
    } else if meta.uid() != 0 {
        Some(format!("it is owned by uid {}, not root", meta.uid()))
    } else if meta.mode() & 0o022 != 0 {
        Some(format!("its group or others can write it (mode {:o})", meta.mode() & 0o777))
    } else {
        None
    };
    match why {
        None => Ok(()),
        Some(why) => Err(Error::new(Kind::Policy, format!("{} is not an administrator's policy", path.display()))
            .cause(why)
            .cause("a policy only counts if only root can change it, so a user cannot write one that allows more")
            .hint(format!("as root: chown root:root {0} && chmod 644 {0}", path.display()))),
    }
}
