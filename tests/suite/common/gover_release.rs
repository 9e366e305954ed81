//! gover's own release files, as `cargo xtask dist` makes them and a release serves them
//! (tests/suite/release_files.rs, tests/suite/action.rs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::server::Server;

/// The output of `cargo xtask dist --test-key` (signed with a key of this machine's, which its
/// install.sh trusts), built on first use; None (the skip recorded) where the
/// tools it needs are missing and cannot be installed here.
pub fn dist() -> Option<&'static Path> {
    static DIST: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = DIST.get_or_init(|| {
        let out = super::bin_dir().parent().unwrap().join("dist");
        let run = Command::new(option_env!("CARGO").unwrap_or("cargo"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["xtask", "dist", "--test-key", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        match err.lines().find_map(|l| l.strip_prefix("error: missing: ")) {
            _ if run.status.success() => Ok(out),
            Some(missing) => Err(format!("cargo xtask dist cannot build the release files: {missing} is missing")),
            None => panic!("cargo xtask dist failed:\n{err}"),
        }
    });
    match built {
        Ok(out) => Some(out),
        Err(why) => {
            super::skip(why);
            None
        }
    }
}

/// A release server: the dist files (install.sh among them) at the root.
pub fn release_server(dir: &Path) -> Server {
    let server = Server::http();
    server.serve_dir(dir);
    server
}
