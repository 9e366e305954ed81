//! Signed notes (golang.org/x/mod/sumdb/note): a UTF-8 text ending in a newline, a blank line,
//! then signature lines `— <name> <base64(key hash || signature)>`. The checksum database signs
//! its tree heads this way with an Ed25519 key named in GOSUMDB as
//! `<name>+<key hash, 8 hex digits>+<base64(0x01 || public key)>`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

/// The algorithm byte that starts an Ed25519 key in the note format.
const ALG_ED25519: u8 = 1;
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// The public key a note must be signed with.
#[derive(Clone, Debug)]
pub struct Verifier {
    pub name: String,
    key_hash: u32,
    key: VerifyingKey,
}

impl Verifier {
    /// Parses `<name>+<hash>+<key>` and checks that the hash belongs to the name and key.
    pub fn parse(vkey: &str) -> Result<Verifier, String> {
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(hash), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("{vkey:?} is not a key: expected <name>+<hash>+<key>"));
        };
        if !valid_name(name) {
            return Err(format!("{name:?} is not a valid key name"));
        }
        let key_hash = (hash.len() == 8).then(|| u32::from_str_radix(hash, 16).ok()).flatten();
        let key_hash = key_hash.ok_or_else(|| format!("{hash:?} is not an 8-digit hex key hash"))?;
        let raw = B64.decode(key).map_err(|_| format!("the key {key:?} is not base64"))?;
        let (&alg, public) = raw.split_first().ok_or("the key is empty")?;
        if alg != ALG_ED25519 || public.len() != 32 {
            return Err("the key is not an Ed25519 key".into());
        }
        if hash_of(name, &raw) != key_hash {
            return Err(format!("the key hash {hash} does not match the name and key"));
        }
        let bytes: [u8; 32] = public.try_into().expect("32 bytes, checked above");
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| "the key is not a valid Ed25519 point")?;
        Ok(Verifier { name: name.to_string(), key_hash, key })
    }
}

/// The first four bytes of SHA-256(name, newline, algorithm and key), big-endian.
pub fn hash_of(name: &str, alg_and_key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(alg_and_key);
    let sum = h.finalize();
    u32::from_be_bytes([sum[0], sum[1], sum[2], sum[3]])
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[derive(Debug, PartialEq, Eq)]
pub enum NoteError {
    /// Not a signed note at all.
    Malformed(String),
    /// Well formed, but no signature by the verifier's key.
    UnknownKey(Vec<String>),
    /// A signature by the verifier's key that does not verify.
    BadSignature,
}

impl std::fmt::Display for NoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteError::Malformed(why) => write!(f, "not a signed note: {why}"),
            NoteError::UnknownKey(names) if names.is_empty() => f.write_str("the note carries no signature"),
            NoteError::UnknownKey(names) => {
                write!(f, "the note is signed by another key ({}), not the one in GOSUMDB", names.join(", "))
            }
            NoteError::BadSignature => f.write_str("the note's signature does not verify: it was altered"),
        }
    }
}

/// The text of `msg` once a signature by `verifier` checks out.
pub fn open<'a>(msg: &'a [u8], verifier: &Verifier) -> Result<&'a str, NoteError> {
    let msg = std::str::from_utf8(msg).map_err(|_| NoteError::Malformed("not UTF-8".into()))?;
    let split = msg.rfind("\n\n").ok_or_else(|| NoteError::Malformed("no blank line before the signatures".into()))?;
    let (text, signatures) = (&msg[..split + 1], &msg[split + 2..]);
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("control characters in the text".into()));
    }
    if !signatures.ends_with('\n') {
        return Err(NoteError::Malformed("the signatures do not end in a newline".into()));
    }
    let mut others = Vec::new();
    for line in signatures.lines() {
        let rest = line.strip_prefix(SIGNATURE_PREFIX).ok_or_else(|| NoteError::Malformed(format!("{line:?}")))?;
        let (name, sig) = rest.split_once(' ').ok_or_else(|| NoteError::Malformed(format!("{line:?}")))?;
        let raw = B64.decode(sig).map_err(|_| NoteError::Malformed(format!("{line:?}")))?;
        if raw.len() < 5 || !valid_name(name) {
            return Err(NoteError::Malformed(format!("{line:?}")));
        }
        let hash = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
        if name != verifier.name || hash != verifier.key_hash {
            others.push(format!("{name}+{hash:08x}"));
            continue;
        }
        let signature = Signature::from_slice(&raw[4..]).map_err(|_| NoteError::BadSignature)?;
        return match verifier.key.verify_strict(text.as_bytes(), &signature) {
            Ok(()) => Ok(text),
            Err(_) => Err(NoteError::BadSignature),
        };
    }
    Err(NoteError::UnknownKey(others))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published key of sum.golang.org.
    const GO_KEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

    #[test]
    fn parses_the_public_key_of_sum_golang_org() {
        let v = Verifier::parse(GO_KEY).unwrap();
        assert_eq!((v.name.as_str(), v.key_hash), ("sum.golang.org", 0x033de0ae));
        assert!(Verifier::parse("sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8").is_err());
        assert!(Verifier::parse("sum.golang.org").is_err());
        assert!(Verifier::parse("a b+033de0ae+Ac4z").is_err());
    }

    /// A key pair for `name` from a fixed seed, and its verifier key string.
    fn key(name: &str, seed: u8) -> (ed25519_dalek::SigningKey, String) {
        let signer = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(signer.verifying_key().as_bytes());
        let vkey = format!("{name}+{:08x}+{}", hash_of(name, &raw), B64.encode(&raw));
        (signer, vkey)
    }

    fn sign(text: &str, name: &str, signer: &ed25519_dalek::SigningKey) -> String {
        use ed25519_dalek::Signer;
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(signer.verifying_key().as_bytes());
        let mut sig = hash_of(name, &raw).to_be_bytes().to_vec();
        sig.extend_from_slice(&signer.sign(text.as_bytes()).to_bytes());
        format!("{text}\n\u{2014} {name} {}\n", B64.encode(sig))
    }

    #[test]
    fn signed_by_the_key_or_refused() {
        let (signer, vkey) = key("test.example", 7);
        let v = Verifier::parse(&vkey).unwrap();
        let text = "go.sum database tree\n4\nnBX3B1ijFUpSv8ZeXIZcp5G1A+lvzPiiZPdJBcSgrKA=\n";
        let note = sign(text, "test.example", &signer);
        assert_eq!(open(note.as_bytes(), &v), Ok(text));
        // Altered text, same signature.
        let altered = note.replace("\n4\n", "\n5\n");
        assert_eq!(open(altered.as_bytes(), &v), Err(NoteError::BadSignature));
        // The same name signed with another key: its key hash differs, so it is not ours.
        let (impostor, _) = key("test.example", 8);
        let forged = sign(text, "test.example", &impostor);
        assert!(matches!(open(forged.as_bytes(), &v), Err(NoteError::UnknownKey(_))));
        // Another signer's line beside ours is ignored.
        let (other, _) = key("witness.example", 9);
        let both = format!("{}{}", sign(text, "witness.example", &other), &note[text.len() + 1..]);
        assert_eq!(open(both.as_bytes(), &v), Ok(text));
    }

    #[test]
    fn refuses_what_is_not_a_note() {
        let v = Verifier::parse(GO_KEY).unwrap();
        assert!(matches!(open(b"<html>login</html>", &v), Err(NoteError::Malformed(_))));
        assert!(matches!(open(b"text\n\n", &v), Err(NoteError::Malformed(_))), "no signature at all");
        let other = "text\n\n\u{2014} other.example AAAAAQA=\n";
        assert!(matches!(open(other.as_bytes(), &v), Err(NoteError::UnknownKey(n)) if n == ["other.example+00000001"]));
    }
}
