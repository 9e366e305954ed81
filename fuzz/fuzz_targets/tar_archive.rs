//! A release archive's tar stream (after gunzip), unpacked into a temporary directory with
//! every check an install makes.
#![no_main]

use gover::fuzzing::{unpack, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let root = tempfile::tempdir().expect("a temporary directory");
    // Small limits, so an input that claims gigabytes is refused before it costs the run.
    let limits = Limits { bytes: 1 << 20, entries: 1_000 };
    let _ = unpack(data, root.path(), limits, Some(62));
});
