//! The sandbox every integration test runs in: a temporary HOME and GOVER_HOME, a minimal
//! PATH, and the real `gover` and shim binaries.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod releases;
pub mod rig;
pub mod server;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub struct Sandbox {
    dir: tempfile::TempDir,
    /// The sandbox user's HOME.
    pub home: PathBuf,
    /// GOVER_HOME.
    pub gover_home: PathBuf,
    /// A scratch directory for projects.
    pub work: PathBuf,
}

/// The directory cargo put the test binaries in (target/debug).
pub fn bin_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gover")).parent().unwrap().to_path_buf()
}

/// The shim binary built by the `gover-shim` crate, beside `gover`.
pub fn shim_binary() -> PathBuf {
    let shim = bin_dir().join("gover-shim");
    assert!(
        shim.is_file(),
        "{} is missing; run `cargo test --workspace` (or `cargo build --workspace`) first",
        shim.display()
    );
    shim
}

/// The mirror of real Go releases made by ../shared/gomirror/build-mirror (.ci/run builds it).
pub fn real_mirror() -> PathBuf {
    let dir = std::env::var_os("GOVER_TEST_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gomirror"));
    assert!(
        dir.join("index.json").is_file(),
        "no real-Go mirror at {}; build it with ../shared/gomirror/build-mirror {} 1.21.13 1.22.10 1.23.9",
        dir.display(),
        dir.display()
    );
    dir
}

/// The PATH every sandboxed command starts with: the system's basic tools only, so a Go
/// installed on the test machine cannot leak in.
pub const BASE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::Builder::new().prefix("gover-test-").tempdir().unwrap();
        let home = dir.path().join("home");
        let gover_home = home.join(".local/share/gover");
        let work = dir.path().join("work");
        for d in [&home, &work] {
            fs::create_dir_all(d).unwrap();
        }
        Sandbox { dir, home, gover_home, work }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn shims_dir(&self) -> PathBuf {
        self.gover_home.join("shims")
    }

    /// PATH with the shims first, as the hook sets it.
    pub fn path_with_shims(&self) -> String {
        format!("{}:{}", self.shims_dir().display(), BASE_PATH)
    }

    /// The environment a fresh login would have: HOME, GOVER_HOME, PATH with the shims first.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("HOME".into(), self.home.display().to_string()),
            ("GOVER_HOME".into(), self.gover_home.display().to_string()),
            ("PATH".into(), self.path_with_shims()),
            ("GOVER_SHIM_BINARY".into(), shim_binary().display().to_string()),
            ("LANG".into(), "C.UTF-8".into()),
        ]
    }

    /// `gover` with the sandbox environment (and nothing else), run in `work`.
    pub fn gover(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_gover"));
        cmd.env_clear().envs(self.env()).current_dir(&self.work);
        cmd
    }

    /// A shim (`go` or `gofmt`) from GOVER_HOME/shims, with the sandbox environment.
    pub fn shim(&self, tool: &str) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(self.shims_dir().join(tool));
        cmd.env_clear().envs(self.env()).current_dir(&self.work);
        cmd
    }

    /// Puts the shims in place, as `gover install` does, without installing anything.
    pub fn install_shims(&self) {
        fs::create_dir_all(self.shims_dir()).unwrap();
        for tool in ["go", "gofmt"] {
            let dest = self.shims_dir().join(tool);
            let _ = fs::remove_file(&dest);
            fs::copy(shim_binary(), &dest).unwrap();
        }
    }

    /// Plants a fake installed version whose `bin/go` and `bin/gofmt` print their name, their
    /// arguments, GOROOT and GOTOOLCHAIN: fast stand-ins for resolution tests.
    pub fn fake_version(&self, version: &str) -> PathBuf {
        let root = self.gover_home.join("versions").join(version);
        fs::create_dir_all(root.join("bin")).unwrap();
        fs::write(root.join("VERSION"), format!("{version}\ntime 2024-01-01T00:00:00Z\n")).unwrap();
        for tool in ["go", "gofmt"] {
            let script = format!(
                "#!/bin/sh\necho \"{tool} {version} args=$*\"\necho \"GOROOT=$GOROOT\"\necho \"GOTOOLCHAIN=$GOTOOLCHAIN\"\n"
            );
            write_executable(&root.join("bin").join(tool), &script);
        }
        root
    }

    /// Writes `content` to `rel` under the sandbox root, creating parents.
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }
}

pub fn write_executable(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}
