//! The Go checksum database (sum.golang.org, or the one GOSUMDB names): which database and key
//! (`Database`), looking a module up and proving the answer (`lookup`), and the last tree head
//! gover verified, kept in GOVER_HOME so a log that forks or rewrites history is noticed.
//!
//! The formats are pure: signed notes (`note`), the Merkle log and its tiles (`tlog`), module
//! hashes (`dirhash`). Only `lookup` talks to the network, through the one HTTP client.

pub mod dirhash;
pub mod note;
pub mod tlog;

use std::path::{Path, PathBuf};

use crate::download::Client;
use crate::error::{Error, Kind, Result};
use note::{NoteError, Verifier};
use tlog::{ProofError, TileSource, Tree, Verified};

/// go's default GOSUMDB and its published key.
pub const GO_SUMDB: &str = "sum.golang.org";
const GO_SUMDB_KEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
/// The mirror of sum.golang.org for China, which go knows by name too.
const GO_SUMDB_CN: &str = "sum.golang.google.cn";
/// A lookup answer is a record and a tree head: a few hundred bytes.
const MAX_LOOKUP: u64 = 64 << 10;

/// A checksum database: its name and key, and where it is served.
#[derive(Clone, Debug)]
pub struct Database {
    pub verifier: Verifier,
    /// Base URL without the trailing slash.
    pub url: String,
}

impl Database {
    /// GOSUMDB as go reads it: `off` (None), a known name, or `<name>+<hash>+<key> [URL]`.
    pub fn parse(gosumdb: &str) -> Result<Option<Database>, String> {
        let mut fields = gosumdb.split_whitespace();
        let Some(key) = fields.next() else { return Ok(Some(Database::parse(GO_SUMDB)?.expect("known"))) };
        if key == "off" {
            return Ok(None);
        }
        let url = fields.next();
        if fields.next().is_some() {
            return Err("expected a key and at most one URL".into());
        }
        let (verifier, default_url) = match key {
            GO_SUMDB => (Verifier::parse(GO_SUMDB_KEY)?, format!("https://{GO_SUMDB}")),
            GO_SUMDB_CN => (Verifier::parse(GO_SUMDB_KEY)?, format!("https://{GO_SUMDB_CN}")),
            _ => {
                let verifier = Verifier::parse(key)?;
                let url = format!("https://{}", verifier.name);
                (verifier, url)
            }
        };
        let url = match url {
            Some(u) if u.contains("://") => u.to_string(),
            Some(u) => format!("https://{u}"),
            None => default_url,
        };
        Ok(Some(Database { verifier, url: url.trim_end_matches('/').to_string() }))
    }

    pub fn name(&self) -> &str {
        &self.verifier.name
    }
}

/// Looks `module@version` up in `db` (served at `base`, the database's URL or a proxy's
/// `/sumdb/<name>` path), proves the record is in the signed log and that the log is consistent
/// with the tree head last seen (kept in `state`, a directory under GOVER_HOME), and returns the
/// record's lines (`<module> <version> h1:…`, `<module> <version>/go.mod h1:…`).
pub fn lookup(
    client: &Client,
    db: &Database,
    base: &str,
    state: &Path,
    module: &str,
    version: &str,
) -> Result<Vec<String>> {
    let url = format!("{base}/lookup/{}@{}", escape(module), escape(version));
    let body = client.get_bytes_if_found(&url, MAX_LOOKUP)?.ok_or_else(|| {
        Error::new(Kind::NoSuchVersion, format!("the checksum database {} has no {module}@{version}", db.name()))
            .cause(format!("{url} was not found"))
            .hint(
                "no such release was published for this platform; gover list --remote --all --source proxy lists \
                 those that were",
            )
    })?;
    let failed = |why: String| {
        Error::new(
            Kind::Verification,
            format!("the checksum database {} refused to vouch for {module}@{version}", db.name()),
        )
        .cause(format!("{url}: {why}"))
    };
    if looks_like_html(&body) {
        return Err(Error::new(
            Kind::Network,
            format!("{url} answered with an HTML page, not a checksum database record"),
        )
        .cause("a proxy, captive portal or login page answered instead of the checksum database")
        .hint("log in to the network, set HTTPS_PROXY, or check GOSUMDB and GOPROXY"));
    }
    let (id, data, signed) = parse_record(&body).map_err(|why| failed(why).hint(SERVER_HINT))?;
    let tree = open_tree(signed, &db.verifier).map_err(|why| failed(why).hint(KEY_HINT))?;

    let mut tiles = HttpTiles { client, base };
    let latest = latest_file(state, db);
    let seen = std::fs::read(&latest).ok().and_then(|note| open_tree(&note, &db.verifier).ok());
    if let Some(seen) = seen {
        // Tiles that do not prove anything are the server's fault, like a failed proof of
        // inclusion; tiles that prove another history are a fork.
        let proved = consistent(&seen, &tree, &mut tiles)
            .map_err(|e| proof_error(e, || failed("the proof of consistency failed".into()).hint(SERVER_HINT)))?;
        if !proved {
            return Err(failed(format!(
                "its tree of {} records is not consistent with the tree of {} records gover verified before",
                tree.n, seen.n
            ))
            .cause(format!("the first {} records hash differently in the two trees", tree.n.min(seen.n)))
            .cause("a log that forks or rewrites its history is refused")
            .hint(format!(
                "nothing was installed; if the database was replaced on purpose (a new test database under the same \
                 name), delete {} and try again",
                latest.display()
            )));
        }
    }
    let included = Verified::new(tree, &mut tiles).and_then(|mut v| v.contains(id, data.as_bytes()));
    match included {
        Ok(true) => {}
        Ok(false) => {
            return Err(
                failed(format!("record {id} is not the one the signed log holds at that position")).hint(SERVER_HINT)
            )
        }
        Err(e) => return Err(proof_error(e, || failed("the proof of inclusion failed".into()).hint(SERVER_HINT))),
    }
    if seen.is_none_or(|seen| tree.n > seen.n) {
        // Best effort: without a writable GOVER_HOME the next lookup just proves less.
        let dir = latest.parent().expect("a file under state");
        let _ = crate::store::Store::create_dir(dir).and_then(|()| crate::store::write_atomic(&latest, signed));
    }
    let lines: Vec<String> = data.lines().map(str::to_string).collect();
    let prefix = format!("{module} {version} ");
    if !lines.iter().any(|l| l.starts_with(&prefix)) {
        return Err(failed(format!("the record is about something else: {:?}", lines.first())).hint(SERVER_HINT));
    }
    Ok(lines)
}

const SERVER_HINT: &str =
    "nothing was installed; the checksum database or a proxy in front of it is serving something \
                           other than the signed log; try again later, or report it to whoever runs it";
const KEY_HINT: &str = "nothing was installed; check the key in GOSUMDB (`name+hash+key [url]`); a tree head the key \
                        does not sign is refused";

/// The `h1:` hash `lines` record for `module@version`'s zip.
pub fn zip_hash<'a>(lines: &'a [String], module: &str, version: &str) -> Option<&'a str> {
    let prefix = format!("{module} {version} ");
    lines.iter().find_map(|l| l.strip_prefix(&prefix)).map(str::trim)
}

fn proof_error(e: ProofError, verification: impl FnOnce() -> Error) -> Error {
    match e {
        ProofError::Fetch(why) => Error::new(Kind::Network, "cannot read the checksum database's log")
            .cause(why)
            .hint("check the network and GOSUMDB; nothing was installed"),
        ProofError::Mismatch(why) => verification().cause(why),
    }
}

/// Whether the smaller tree is a prefix of the larger, proved from the larger one's tiles (an
/// error when they prove nothing: unreadable, or not the larger tree's).
fn consistent(a: &Tree, b: &Tree, tiles: &mut impl TileSource) -> Result<bool, ProofError> {
    let (small, big) = if a.n <= b.n { (a, b) } else { (b, a) };
    Ok(Verified::new(*big, tiles)?.prefix_hash(small.n)? == small.hash)
}

fn latest_file(state: &Path, db: &Database) -> PathBuf {
    state.join(db.name()).join("latest")
}

fn open_tree(signed: &[u8], verifier: &Verifier) -> Result<Tree, String> {
    let text = note::open(signed, verifier).map_err(|e| match e {
        NoteError::UnknownKey(_) | NoteError::BadSignature | NoteError::Malformed(_) => format!("its tree head: {e}"),
    })?;
    tlog::parse_tree(text)
}

/// A lookup answer: the record's id, its text, and the signed tree head.
fn parse_record(body: &[u8]) -> Result<(u64, &str, &[u8]), String> {
    let text = std::str::from_utf8(body).map_err(|_| "the answer is not UTF-8".to_string())?;
    let (id, rest) = text.split_once('\n').ok_or("the answer has no record")?;
    let id = id.trim().parse::<u64>().map_err(|_| format!("{id:?} is not a record number"))?;
    let end = rest.find("\n\n").ok_or("the answer has no tree head")?;
    Ok((id, &rest[..end + 1], &rest.as_bytes()[end + 2..]))
}

pub fn looks_like_html(body: &[u8]) -> bool {
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    body[start..].first() == Some(&b'<')
}

/// Module path escaping (golang.org/x/mod/module.EscapePath): an upper-case letter becomes `!`
/// and its lower case, so paths stay unambiguous on case-insensitive file systems.
pub fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Tiles over HTTP. A partial tile the log has since completed is served only whole, so the
/// full tile is asked for next and its first hashes used (as go's client does).
struct HttpTiles<'a> {
    client: &'a Client,
    base: &'a str,
}

impl TileSource for HttpTiles<'_> {
    fn tile(&mut self, level: u32, index: u64, width: u64) -> Result<Vec<u8>, String> {
        let full = 1 << tlog::TILE_HEIGHT;
        let get = |w: u64| {
            let url = format!("{}/{}", self.base, tlog::tile_path(level, index, w));
            self.client.get_bytes(&url, full * 32).map_err(|e| format!("{}: {}", e.message, e.causes.join("; ")))
        };
        match get(width) {
            Ok(bytes) => Ok(bytes),
            Err(first) if width < full => match get(full) {
                Ok(bytes) if bytes.len() as u64 == full * 32 => Ok(bytes[..(width * 32) as usize].to_vec()),
                _ => Err(first),
            },
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gosumdb_values() {
        let db = Database::parse("sum.golang.org").unwrap().unwrap();
        assert_eq!((db.name(), db.url.as_str()), ("sum.golang.org", "https://sum.golang.org"));
        let db = Database::parse("sum.golang.google.cn").unwrap().unwrap();
        assert_eq!((db.name(), db.url.as_str()), ("sum.golang.org", "https://sum.golang.google.cn"));
        assert!(Database::parse("off").unwrap().is_none());
        let key = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
        let db = Database::parse(&format!("{key} http://127.0.0.1:8080/")).unwrap().unwrap();
        assert_eq!(db.url, "http://127.0.0.1:8080");
        let db = Database::parse(&format!("{key} sum.example.com")).unwrap().unwrap();
        assert_eq!(db.url, "https://sum.example.com");
        assert!(Database::parse("sum.example.com").is_err(), "an unknown name needs its key");
        assert!(Database::parse(&format!("{key} a b")).is_err());
    }

    #[test]
    fn records() {
        let body = b"12\ngolang.org/toolchain v1 h1:x=\ngolang.org/toolchain v1/go.mod h1:y=\n\ngo.sum database tree\n";
        let (id, data, note) = parse_record(body).unwrap();
        assert_eq!(id, 12);
        assert_eq!(data, "golang.org/toolchain v1 h1:x=\ngolang.org/toolchain v1/go.mod h1:y=\n");
        assert_eq!(note, b"go.sum database tree\n");
        let lines: Vec<String> = data.lines().map(String::from).collect();
        assert_eq!(zip_hash(&lines, "golang.org/toolchain", "v1"), Some("h1:x="));
        assert!(parse_record(b"<html>").is_err());
        assert!(looks_like_html(b"\n <!doctype html>") && !looks_like_html(b"12\n"));
    }

    #[test]
    fn escapes_upper_case() {
        assert_eq!(escape("github.com/Azure/x"), "github.com/!azure/x");
        assert_eq!(escape("golang.org/toolchain"), "golang.org/toolchain");
    }
}
