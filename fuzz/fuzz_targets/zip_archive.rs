//! A toolchain module zip from a module proxy (golang.org/toolchain@v0.0.1-go…), read the way
//! its h1: hash is checked, then unpacked into a temporary directory.
#![no_main]

use gover::fuzzing::{unpack_zip, Limits};
use libfuzzer_sys::fuzz_target;

const PREFIX: &str = "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64";

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let zip = dir.path().join("toolchain.zip");
    std::fs::write(&zip, data).expect("write the input");
    let limits = Limits { bytes: 1 << 20, entries: 1_000 };
    let open = || std::fs::File::open(&zip).expect("open the input");
    let _ = unpack_zip(open(), PREFIX, None, limits, Some(62));
    let root = tempfile::tempdir().expect("a temporary directory");
    let _ = unpack_zip(open(), PREFIX, Some(root.path()), limits, Some(62));
});
