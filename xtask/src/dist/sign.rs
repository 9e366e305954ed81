//! SHA256SUMS's signature, `SHA256SUMS.sig`, made with `ssh-keygen -Y sign`, which install.sh
//! checks with `ssh-keygen -Y verify` against the public key it carries: OpenSSH 8.1 or newer is
//! on nearly every Linux, so users need no new tool (minisign would be one).
//!
//! A release is signed with gover's release key (`--sign-key`), whose public half is the one
//! install.sh carries; signing with another key is refused, since every install.sh would then
//! refuse the release. A build for tests (`--test-key`) is signed with a key made for it, and its
//! install.sh carries that key instead: what it ships must never be published.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::run_checked;
use crate::Result;

/// What the signature is for, as ssh-keygen's `-n`: a signature made for another purpose (a git
/// commit, a file signed with the same key) is not a release's.
const NAMESPACE: &str = "gover-release";

/// How install.sh's line holding the release key starts.
const KEY_LINE: &str = "release_key='";

/// The key `cargo xtask dist` signs with.
pub enum SigningKey {
    /// gover's release key: a private key file, or its `.pub` with the private half in
    /// ssh-agent or on a security key.
    Release(PathBuf),
    /// A key for test builds, made on first use; install.sh is shipped trusting it.
    Test(PathBuf),
}

impl SigningKey {
    fn file(&self) -> &Path {
        match self {
            SigningKey::Release(path) | SigningKey::Test(path) => path,
        }
    }
}

/// The key for test builds, kept in `target_dir` (made when first used).
pub fn test_key(target_dir: &Path) -> SigningKey {
    SigningKey::Test(target_dir.join("release-test-key"))
}

/// install.sh as it ships when signed with `key`: as it is for the release key, else carrying
/// the test key's public half.
pub fn install_sh_for(install_sh: &str, key: &SigningKey) -> Result<String> {
    match key {
        SigningKey::Release(_) => Ok(install_sh.to_string()),
        SigningKey::Test(path) => with_release_key(install_sh, &make_test_key(path)?),
    }
}

/// The public half of the test key at `key`, made with ssh-keygen when it is not there yet.
fn make_test_key(key: &Path) -> Result<String> {
    let public = key.with_extension("pub");
    if !public.is_file() {
        let _ = fs::remove_file(key);
        run_checked(
            Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", "gover test release key", "-f"])
                .arg(key),
        )?;
    }
    let text = fs::read_to_string(&public).map_err(|e| format!("cannot read {}: {e}", public.display()))?;
    Ok(text.trim().to_string())
}

/// `install_sh` with `public_key` as its release key.
fn with_release_key(install_sh: &str, public_key: &str) -> Result<String> {
    let old = release_key(install_sh)?;
    Ok(install_sh.replacen(&format!("{KEY_LINE}{old}'"), &format!("{KEY_LINE}{public_key}'"), 1))
}

/// The public key install.sh checks signatures against (its one `release_key='…'` line).
fn release_key(install_sh: &str) -> Result<&str> {
    let mut keys = install_sh.lines().filter_map(|l| l.trim_start().strip_prefix(KEY_LINE)?.strip_suffix('\''));
    match (keys.next(), keys.next()) {
        (Some(key), None) => Ok(key),
        _ => Err(format!("install.sh must have exactly one line `{KEY_LINE}<public key>'`")),
    }
}

/// Writes `sums`'s signature by `key` beside it (`SHA256SUMS.sig`) and checks it the way
/// install.sh will, with the key the shipped `install_sh` carries; returns the signature's path.
pub fn sign(sums: &Path, key: &SigningKey, install_sh: &str) -> Result<PathBuf> {
    let signature = sums.with_extension("sig");
    let input = fs::File::open(sums).map_err(|e| format!("cannot read {}: {e}", sums.display()))?;
    let output = fs::File::create(&signature).map_err(|e| format!("cannot create {}: {e}", signature.display()))?;
    // Signing standard input: with a file argument ssh-keygen asks before overwriting its .sig.
    run_checked(
        Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
            .arg(key.file())
            .stdin(input)
            .stdout(output),
    )
    .map_err(|e| format!("cannot sign {} with {}: {e}", sums.display(), key.file().display()))?;
    // A signature install.sh refuses is not left where it could be uploaded.
    verify(sums, &signature, release_key(install_sh)?).inspect_err(|_| drop(fs::remove_file(&signature))).map_err(
        |why| match key {
            SigningKey::Release(file) => format!(
                "{} is not gover's release key: install.sh would refuse this release ({why})\n\
             help: sign with the key whose public half is install.sh's release_key (docs/src/contributing/release-files.md), \
             or build for tests with --test-key instead of --sign-key",
                file.display()
            ),
            SigningKey::Test(_) => why,
        },
    )?;
    Ok(signature)
}

/// Whether `signature` is `public_key`'s signature of `sums`, as install.sh asks ssh-keygen.
fn verify(sums: &Path, signature: &Path, public_key: &str) -> Result<()> {
    let allowed = tempfile::NamedTempFile::new().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    fs::write(allowed.path(), format!("{NAMESPACE} namespaces=\"{NAMESPACE}\" {public_key}\n"))
        .map_err(|e| format!("cannot write {}: {e}", allowed.path().display()))?;
    let input = fs::File::open(sums).map_err(|e| format!("cannot read {}: {e}", sums.display()))?;
    let checked = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-I", NAMESPACE, "-n", NAMESPACE, "-f"])
        .arg(allowed.path())
        .arg("-s")
        .arg(signature)
        .stdin(input)
        .output()
        .map_err(|e| format!("cannot run ssh-keygen: {e}"))?;
    if !checked.status.success() {
        // ssh-keygen says why on either stream, or on neither.
        let said = [&checked.stderr, &checked.stdout].map(|b| String::from_utf8_lossy(b).trim().replace('\n', "; "));
        let why = said.into_iter().find(|s| !s.is_empty()).unwrap_or_else(|| "no reason given".into());
        return Err(format!("ssh-keygen -Y verify refused the signature: {why}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_release_key_is_read_from_and_written_into_install_sh() {
        let real = include_str!("../../../install.sh");
        assert!(release_key(real).is_ok_and(|k| k.starts_with("ssh-ed25519 ")), "install.sh carries one key");
        let test = with_release_key(real, "ssh-ed25519 AAAAtest test key").unwrap();
        assert_eq!(release_key(&test).unwrap(), "ssh-ed25519 AAAAtest test key");
        assert_eq!(test.len() + release_key(real).unwrap().len(), real.len() + "ssh-ed25519 AAAAtest test key".len());
        assert!(release_key("echo\n").is_err());
        assert!(release_key("  release_key='a'\n  release_key='b'\n").is_err());
    }
}
