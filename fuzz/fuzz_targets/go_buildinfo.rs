//! A program in GOBIN: its ELF headers, the Go build information header they lead to (both
//! the inline and the pointer-based format), and the module information lines, then what a
//! rebuild would install.
#![no_main]

use gover::fuzzing::{install_target, parse_modinfo, read_buildinfo};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = read_buildinfo(data) {
        let _ = (info.built_by(), install_target(&info));
    }
    // The lines alone too, so the fuzzer reaches their parser without building an image.
    if let Ok(info) = parse_modinfo(&String::from_utf8_lossy(data)) {
        let _ = install_target(&info);
    }
});
