//! A signed note from the checksum database (sum.golang.org/latest, a lookup's tree head) and
//! the tree head it carries.
#![no_main]

use gover::fuzzing::{open_note, parse_tree, Verifier};
use libfuzzer_sys::fuzz_target;

const GO_SUMDB_KEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

fuzz_target!(|data: &[u8]| {
    let verifier = Verifier::parse(GO_SUMDB_KEY).expect("Go's key parses");
    if let Ok(text) = open_note(data, &verifier) {
        let _ = parse_tree(text);
    }
    // The signature stops random notes early; the tree head's own parser sees every input.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_tree(text);
        let _ = Verifier::parse(text);
    }
});
