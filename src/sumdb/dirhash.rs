//! Go's `h1:` hash of a module (golang.org/x/mod/sumdb/dirhash, Hash1): SHA-256 over the lines
//! `<sha256 hex>  <file name>\n` of every file, sorted by name, written as `h1:<base64>`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};

/// `files` are (name as in the module zip, hex SHA-256 of its content), in any order; no name
/// holds a newline.
pub fn hash1(files: &mut [(String, String)]) -> String {
    files.sort();
    let mut summary = Sha256::new();
    for (name, digest) in files.iter() {
        // The zip unpacker refuses such names (`unpack::check_zip_name`), as go does: a name
        // with a newline would pose as several lines, so several files.
        assert!(!name.contains('\n'), "a file name with a newline reached the h1 hash: {name:?}");
        summary.update(format!("{digest}  {name}\n"));
    }
    format!("h1:{}", B64.encode(summary.finalize()))
}

/// The `/go.mod h1:` of a go.mod file: its content hashed as the single file `go.mod`.
pub fn hash1_go_mod(content: &[u8]) -> String {
    let digest = crate::download::hex(&Sha256::digest(content));
    hash1(&mut [("go.mod".to_string(), digest)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_go_mod_hash() {
        // rsc.io/quote v1.5.2's go.mod and its line in every go.sum that needs it.
        let go_mod = b"module \"rsc.io/quote\"\n\nrequire \"rsc.io/sampler\" v1.3.0\n";
        assert_eq!(hash1_go_mod(go_mod), "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=");
    }

    #[test]
    fn order_does_not_matter_names_do() {
        let a = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".to_string();
        let one = hash1(&mut [("m@v/b".into(), a.clone()), ("m@v/a".into(), a.clone())]);
        let two = hash1(&mut [("m@v/a".into(), a.clone()), ("m@v/b".into(), a.clone())]);
        assert_eq!(one, two);
        assert_ne!(one, hash1(&mut [("m@v/a".into(), a.clone()), ("m@v/c".into(), a)]));
    }
}
