//! The checksum database's hash tiles, checked against a tree head: the input is the tree's
//! size (8 bytes), its root hash (32), then the bytes each tile request is answered with in
//! turn (its width in hashes, 1 byte, then that many 32-byte hashes, as much as is left).
#![no_main]

use gover::fuzzing::{TileSource, Tree, Verified};
use libfuzzer_sys::fuzz_target;

struct Answers<'a>(&'a [u8]);

impl TileSource for Answers<'_> {
    fn tile(&mut self, _level: u32, _index: u64, width: u64) -> Result<Vec<u8>, String> {
        let Some((&claimed, rest)) = self.0.split_first() else { return Err("no more tiles".into()) };
        // Mostly the size asked for, sometimes another, so both the size check and what
        // follows it run.
        let hashes = if claimed == 0 { width } else { u64::from(claimed) };
        let take = rest.len().min((hashes * 32) as usize);
        let (tile, rest) = rest.split_at(take);
        self.0 = rest;
        Ok(tile.to_vec())
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 40 {
        return;
    }
    // Small trees, so the tiles the input holds can be all the tree needs.
    let n = u64::from_le_bytes(data[..8].try_into().expect("8 bytes")) % 100_000;
    let tree = Tree { n, hash: data[8..40].try_into().expect("32 bytes") };
    let mut source = Answers(&data[40..]);
    let Ok(mut verified) = Verified::new(tree, &mut source) else { return };
    for index in [0, n / 2, n.saturating_sub(1), n] {
        let _ = verified.contains(index, b"golang.org/toolchain v0.0.1-go1.22.10.linux-amd64 h1:x=\n");
        let _ = verified.prefix_hash(index);
    }
});
