//! The checksum database's transparent log (golang.org/x/mod/sumdb/tlog): an RFC 6962 Merkle
//! tree over the records, published as tiles of hashes, and proofs computed from those tiles.
//!
//! A tile of height 8 at level `t` holds up to 256 consecutive hashes of tree level `8t`. Tiles
//! are untrusted input: the partial tiles at the tree's right edge must hash to the signed
//! root, and every full tile must hash to its entry in the tile above, so no hash is used
//! before it is tied to the signed tree head.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub const TILE_HEIGHT: u32 = 8;
const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

/// A record's leaf hash.
pub fn record_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// A signed tree head's content: the number of records and the root hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tree {
    pub n: u64,
    pub hash: Hash,
}

/// Parses the text of a tree head note: `go.sum database tree`, N, base64 root (later lines
/// are allowed and ignored, as go allows them).
pub fn parse_tree(text: &str) -> Result<Tree, String> {
    let mut lines = text.split('\n');
    if lines.next() != Some("go.sum database tree") {
        return Err("not a go.sum database tree head".into());
    }
    let n = lines.next().and_then(|l| l.parse::<u64>().ok()).ok_or("the tree size is not a number")?;
    let hash = lines.next().and_then(|l| B64.decode(l).ok()).and_then(|h| <Hash>::try_from(h).ok());
    let hash = hash.ok_or("the tree hash is not 32 base64 bytes")?;
    if lines.next().is_none() {
        return Err("the tree head is truncated".into());
    }
    Ok(Tree { n, hash })
}

/// The path of a hash tile under the database's URL: `tile/8/<level>/<index>[.p/<width>]`, the
/// index written in groups of three digits, all but the last prefixed with `x`.
pub fn tile_path(level: u32, index: u64, width: u64) -> String {
    let digits = format!("{index:03}");
    let digits = format!("{}{digits}", "0".repeat((3 - digits.len() % 3) % 3));
    let groups: Vec<&str> = digits.as_bytes().chunks(3).map(|c| std::str::from_utf8(c).expect("digits")).collect();
    let (last, rest) = groups.split_last().expect("at least one group");
    let mut path = format!("tile/{TILE_HEIGHT}/{level}/");
    for group in rest {
        path.push_str(&format!("x{group}/"));
    }
    path.push_str(last);
    if width < TILE_WIDTH {
        path.push_str(&format!(".p/{width}"));
    }
    path
}

/// Where tiles come from (the database over HTTP, or a test's map).
pub trait TileSource {
    /// The tile's raw bytes: `width` hashes of 32 bytes.
    fn tile(&mut self, level: u32, index: u64, width: u64) -> Result<Vec<u8>, String>;
}

#[derive(Debug, PartialEq, Eq)]
pub enum ProofError {
    /// A tile could not be fetched.
    Fetch(String),
    /// Tiles that do not hash to the signed tree: corrupted, or from another log.
    Mismatch(String),
}

impl std::fmt::Display for ProofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProofError::Fetch(why) | ProofError::Mismatch(why) => f.write_str(why),
        }
    }
}

/// Hashes of one signed tree, read from tiles and authenticated against its root.
pub struct Verified<'a, S: TileSource> {
    tree: Tree,
    source: &'a mut S,
    /// Authenticated tiles by (level, index).
    tiles: HashMap<(u32, u64), Vec<Hash>>,
}

impl<'a, S: TileSource> Verified<'a, S> {
    /// Fetches the partial tiles at the tree's right edge and checks that they hash to its root.
    pub fn new(tree: Tree, source: &'a mut S) -> Result<Verified<'a, S>, ProofError> {
        let mut verified = Verified { tree, source, tiles: HashMap::new() };
        if tree.n == 0 {
            return Err(ProofError::Mismatch("the tree is empty".into()));
        }
        let mut edge = HashMap::new();
        let mut level = 0;
        while tree.n >> (TILE_HEIGHT * level) > 0 {
            let count = tree.n >> (TILE_HEIGHT * level);
            let width = count % TILE_WIDTH;
            if width > 0 {
                let index = count / TILE_WIDTH;
                edge.insert((level, index), verified.fetch(level, index, width)?);
            }
            level += 1;
        }
        let root = fold(decompose(tree.n).into_iter().map(|(lvl, k)| subtree_of(&edge, lvl, k)))
            .ok_or_else(|| ProofError::Mismatch("the tree is empty".into()))?;
        if root != tree.hash {
            return Err(ProofError::Mismatch(format!(
                "the log's tiles do not hash to the signed tree head (size {}): corrupted or from another log",
                tree.n
            )));
        }
        verified.tiles = edge;
        Ok(verified)
    }

    /// Whether record `index` of the tree is `data`.
    pub fn contains(&mut self, index: u64, data: &[u8]) -> Result<bool, ProofError> {
        if index >= self.tree.n {
            return Err(ProofError::Mismatch(format!("record {index} is not in the tree of size {}", self.tree.n)));
        }
        Ok(self.stored(0, index)? == record_hash(data))
    }

    /// The root hash of the tree's first `n` records, from authenticated hashes.
    pub fn prefix_hash(&mut self, n: u64) -> Result<Hash, ProofError> {
        if n == 0 || n > self.tree.n {
            return Err(ProofError::Mismatch(format!("no prefix of size {n} in a tree of size {}", self.tree.n)));
        }
        let mut hashes = Vec::new();
        for (level, k) in decompose(n) {
            let (t, r) = (level / TILE_HEIGHT, level % TILE_HEIGHT);
            let mut row = Vec::new();
            for i in (k << r)..((k + 1) << r) {
                row.push(self.stored(t, i)?);
            }
            hashes.push(merkle(&row));
        }
        Ok(fold(hashes.into_iter()).expect("n > 0"))
    }

    /// Hash `k` of tree level `8t`, authenticated.
    fn stored(&mut self, t: u32, k: u64) -> Result<Hash, ProofError> {
        let index = k / TILE_WIDTH;
        if let Some(tile) = self.tiles.get(&(t, index)) {
            return tile
                .get((k % TILE_WIDTH) as usize)
                .copied()
                .ok_or_else(|| ProofError::Mismatch(format!("hash {k} of level {t} is beyond the tree")));
        }
        if (index + 1) * TILE_WIDTH > self.tree.n >> (TILE_HEIGHT * t) {
            return Err(ProofError::Mismatch(format!("hash {k} of level {t} is beyond the tree")));
        }
        let tile = self.fetch(t, index, TILE_WIDTH)?;
        let parent = self.stored(t + 1, index)?;
        if merkle(&tile) != parent {
            return Err(ProofError::Mismatch(format!(
                "the tile {} does not hash to its entry in the tile above: corrupted or from another log",
                tile_path(t, index, TILE_WIDTH)
            )));
        }
        let hash = tile[(k % TILE_WIDTH) as usize];
        self.tiles.insert((t, index), tile);
        Ok(hash)
    }

    fn fetch(&mut self, level: u32, index: u64, width: u64) -> Result<Vec<Hash>, ProofError> {
        let bytes = self.source.tile(level, index, width).map_err(ProofError::Fetch)?;
        if bytes.len() as u64 != width * 32 {
            return Err(ProofError::Mismatch(format!(
                "the tile {} has {} bytes, not {}",
                tile_path(level, index, width),
                bytes.len(),
                width * 32
            )));
        }
        Ok(bytes.chunks(32).map(|c| c.try_into().expect("32-byte chunks")).collect())
    }
}

/// The complete subtrees (level, index) that make up records `0..n`, largest first: one per
/// set bit of `n` (RFC 6962's split at the largest power of two, repeated).
fn decompose(n: u64) -> Vec<(u32, u64)> {
    let mut out = Vec::new();
    let mut at = 0u64;
    for level in (0..64).rev() {
        if n - at >= 1 << level {
            out.push((level, at >> level));
            at += 1 << level;
        }
    }
    out
}

/// Subtree `k` of `level` from the edge tiles (the hashes of level 8t below it).
fn subtree_of(tiles: &HashMap<(u32, u64), Vec<Hash>>, level: u32, k: u64) -> Hash {
    let (t, r) = (level / TILE_HEIGHT, level % TILE_HEIGHT);
    let first = k << r;
    let tile = &tiles[&(t, first / TILE_WIDTH)];
    let from = (first % TILE_WIDTH) as usize;
    merkle(&tile[from..from + (1usize << r)])
}

/// The root of a complete subtree over `hashes` (a power of two of them).
fn merkle(hashes: &[Hash]) -> Hash {
    let mut row = hashes.to_vec();
    while row.len() > 1 {
        row = row.chunks(2).map(|pair| node_hash(&pair[0], &pair[1])).collect();
    }
    row[0]
}

/// Combines subtree roots, largest (leftmost) first, into the tree's root.
fn fold(hashes: impl DoubleEndedIterator<Item = Hash>) -> Option<Hash> {
    let mut rev = hashes.rev();
    let last = rev.next()?;
    Some(rev.fold(last, |right, left| node_hash(&left, &right)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6962's MTH, straight from the definition, to check the tile arithmetic against.
    fn mth(leaves: &[Hash]) -> Hash {
        if leaves.len() == 1 {
            return leaves[0];
        }
        let k = leaves.len().next_power_of_two() / 2;
        node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
    }

    /// Tiles of a log of `n` records, served exactly as a checksum database would.
    struct Log {
        levels: Vec<Vec<Hash>>,
        fetched: Vec<String>,
        corrupt: Option<String>,
    }

    impl Log {
        fn new(n: u64) -> Log {
            let mut levels = vec![(0..n).map(|i| record_hash(format!("record {i}\n").as_bytes())).collect::<Vec<_>>()];
            while levels.last().unwrap().len() >= TILE_WIDTH as usize {
                let below = levels.last().unwrap();
                levels.push(below.chunks_exact(TILE_WIDTH as usize).map(merkle).collect());
            }
            Log { levels, fetched: Vec::new(), corrupt: None }
        }

        fn tree(&self) -> Tree {
            Tree { n: self.levels[0].len() as u64, hash: mth(&self.levels[0]) }
        }
    }

    impl TileSource for Log {
        fn tile(&mut self, level: u32, index: u64, width: u64) -> Result<Vec<u8>, String> {
            let path = tile_path(level, index, width);
            self.fetched.push(path.clone());
            let row = self.levels.get(level as usize).ok_or("no such level")?;
            let from = (index * TILE_WIDTH) as usize;
            let hashes = row.get(from..from + width as usize).ok_or("no such tile")?;
            let mut bytes: Vec<u8> = hashes.concat();
            if self.corrupt.as_deref() == Some(path.as_str()) {
                bytes[0] ^= 1;
            }
            Ok(bytes)
        }
    }

    #[test]
    fn tile_paths() {
        assert_eq!(tile_path(0, 0, 256), "tile/8/0/000");
        assert_eq!(tile_path(0, 5, 3), "tile/8/0/005.p/3");
        assert_eq!(tile_path(1, 1234067, 256), "tile/8/1/x001/x234/067");
        assert_eq!(tile_path(2, 1000, 256), "tile/8/2/x001/000");
    }

    #[test]
    fn decomposition_follows_the_bits() {
        assert_eq!(decompose(1), vec![(0, 0)]);
        assert_eq!(decompose(6), vec![(2, 0), (1, 2)]);
        assert_eq!(decompose(7), vec![(2, 0), (1, 2), (0, 6)]);
        assert_eq!(decompose(256), vec![(8, 0)]);
    }

    #[test]
    fn proofs_from_tiles_match_the_definition() {
        for n in [1u64, 2, 3, 255, 256, 257, 300, 513, 65536 + 700] {
            let mut log = Log::new(n);
            let tree = log.tree();
            let mut v = Verified::new(tree, &mut log).unwrap();
            for i in [0, n / 2, n - 1] {
                assert!(v.contains(i, format!("record {i}\n").as_bytes()).unwrap(), "n={n} i={i}");
                assert!(!v.contains(i, b"something else\n").unwrap());
            }
            for m in [1, n / 3 + 1, n - 1, n].into_iter().filter(|&m| m > 0) {
                let expected = mth(&Log::new(m).levels[0]);
                assert_eq!(v.prefix_hash(m).unwrap(), expected, "n={n} m={m}");
            }
        }
    }

    #[test]
    fn a_corrupted_tile_is_caught() {
        // An edge tile: the root does not match.
        let mut log = Log::new(300);
        log.corrupt = Some("tile/8/0/001.p/44".into());
        let tree = log.tree();
        assert!(matches!(Verified::new(tree, &mut log), Err(ProofError::Mismatch(_))));
        // A full tile below the edge: caught when a hash from it is used.
        let mut log = Log::new(300);
        log.corrupt = Some("tile/8/0/000".into());
        let tree = log.tree();
        let mut v = Verified::new(tree, &mut log).unwrap();
        assert!(matches!(v.contains(3, b"record 3\n"), Err(ProofError::Mismatch(_))));
    }

    #[test]
    fn a_rewritten_history_is_not_a_prefix() {
        // The fork the edge tiles alone would miss: old records inside a full tile.
        let old = Log::new(300).tree();
        let mut forked = Log::new(600);
        forked.levels[0][280] = record_hash(b"rewritten\n");
        forked.levels[1] = forked.levels[0].chunks_exact(256).map(merkle).collect();
        let tree = forked.tree();
        let mut v = Verified::new(tree, &mut forked).unwrap();
        assert_ne!(v.prefix_hash(old.n).unwrap(), old.hash);
        let mut honest = Log::new(600);
        let tree = honest.tree();
        assert_eq!(Verified::new(tree, &mut honest).unwrap().prefix_hash(old.n).unwrap(), old.hash);
    }

    #[test]
    fn tree_heads() {
        let text = "go.sum database tree\n4\nnBX3B1ijFUpSv8ZeXIZcp5G1A+lvzPiiZPdJBcSgrKA=\n";
        assert_eq!(parse_tree(text).unwrap().n, 4);
        assert!(parse_tree("go.sum database tree\nfour\nnBX3B1ijFUpSv8ZeXIZcp5G1A+lvzPiiZPdJBcSgrKA=\n").is_err());
        assert!(parse_tree("go.sum database tree\n4\nnBX3\n").is_err());
        assert!(parse_tree("go.sum database tree\n4\nnBX3B1ijFUpSv8ZeXIZcp5G1A+lvzPiiZPdJBcSgrKA=").is_err());
    }
}
