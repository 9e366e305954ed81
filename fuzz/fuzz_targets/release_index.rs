//! The release index (go.dev/dl/?mode=json&include=all, or a mirror's index.json), and what
//! gover asks of it.
#![no_main]

use gover::fuzzing::{Index, Platform};
use gover_shim::Spec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(index) = Index::parse(data) else { return };
    let platform = Platform::from_rust("linux", "x86_64").expect("a platform gover knows");
    for spec in ["latest", "1.22", "1.21.0", "go1.23rc1"] {
        let spec = Spec::parse(spec).expect("a spec");
        let _ = index.pick(&spec, &platform);
        let _ = index.nearest(&spec, &platform, 3);
    }
    // What gover saves of an index (one platform's archives) reads back as the same releases.
    let saved = index.to_json(&platform);
    let again = Index::parse(&saved);
    let kept: Vec<_> = index.available(&platform).map(|r| &r.version).collect();
    if !kept.is_empty() {
        let again = again.expect("a saved index parses");
        assert_eq!(again.available(&platform).map(|r| &r.version).collect::<Vec<_>>(), kept);
    }
});
