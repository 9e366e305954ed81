//! Pin files from any checkout: .go-version, mise's TOML, .tool-versions, go.mod and go.work's
//! toolchain and go lines.
#![no_main]

use gover_shim::pin::{go_line, PinFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in PinFile::ALL {
        let _ = kind.parse(data);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = go_line(text);
    }
});
