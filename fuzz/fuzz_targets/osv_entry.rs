//! An OSV entry of the Go vulnerability database (vuln.go.dev/ID/<id>.json).
#![no_main]

use gover::fuzzing::parse_osv;
use gover_shim::GoVersion;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // gover asks for one id and checks the entry names it: take the id the input names, so the
    // parser gets past that check.
    let id = serde_json::from_slice::<serde_json::Value>(data)
        .ok()
        .and_then(|v| v.get("id")?.as_str().map(String::from))
        .unwrap_or_default();
    let Ok(Some(entry)) = parse_osv(&id, data) else { return };
    for version in ["go1.20", "go1.21.0", "go1.22.10", "go1.23rc1"] {
        let _ = entry.affects(&GoVersion::parse(version).expect("a version"));
    }
    let _ = entry.affects_toolchain();
    let _ = entry.cves().count();
});
