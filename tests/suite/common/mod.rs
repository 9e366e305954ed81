//! The sandbox every integration test runs in: a temporary HOME and GOVER_HOME, a minimal
//! PATH, and the real `gover` and shim binaries.

pub mod debian_root;
pub mod gover_release;
pub mod modproxy;
pub mod releases;
pub mod rig;
pub mod server;
mod skip;
pub mod static_server;
pub mod vulndb;

pub use skip::{require, skip};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

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

/// The mirror of real Go releases that `cargo xtask fixtures` writes (GOVER_TEST_MIRROR
/// names another one).
pub fn real_mirror() -> PathBuf {
    let dir = std::env::var_os("GOVER_TEST_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/gomirror"));
    assert!(
        dir.join("index.json").is_file(),
        "no real-Go mirror at {}; build it with `cargo xtask fixtures` (or run the whole suite with `cargo xtask test`)",
        dir.display()
    );
    dir
}

/// Committed files generated from the code (completions, the book's references) hold what the
/// code makes now: `files` are (path, what the code makes). With GOVER_BLESS on, they are
/// rewritten instead; `regenerate` is the command that does that, for the failure message.
pub fn assert_generated_files_current(what: &str, files: &[(PathBuf, Vec<u8>)], regenerate: &str) {
    let bless = gover_shim::switch::read("GOVER_BLESS", |name| std::env::var_os(name))
        .unwrap_or_else(|bad| panic!("{bad}: {}", bad.hint()));
    let mut stale = Vec::new();
    for (path, fresh) in files {
        if bless {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, fresh).unwrap();
        } else if fs::read(path).ok().as_ref() != Some(fresh) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale {what} (the code changed): {}\nregenerate them with: {regenerate}",
        stale.join(", ")
    );
}

/// `gover` with exactly `env` (nothing inherited from the test process), run in `dir`: how
/// every test starts it, through [`Sandbox::gover`] or its like. A plain process, for tests that
/// spawn it in the background, kill it or read its pipes themselves.
pub fn gover_process<K, V>(env: impl IntoIterator<Item = (K, V)>, dir: &Path) -> std::process::Command
where
    K: AsRef<std::ffi::OsStr>,
    V: AsRef<std::ffi::OsStr>,
{
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gover"));
    cmd.env_clear().envs(env).current_dir(dir);
    cmd
}

/// [`gover_process`] with assert_cmd's assertions.
pub fn gover_command<K, V>(env: impl IntoIterator<Item = (K, V)>, dir: &Path) -> assert_cmd::Command
where
    K: AsRef<std::ffi::OsStr>,
    V: AsRef<std::ffi::OsStr>,
{
    assert_cmd::Command::from_std(gover_process(env, dir))
}

/// Bytes a program printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn stdout(out: &Output) -> String {
    text(&out.stdout)
}

pub fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

/// The text of the `help:` line.
pub fn help(out: &Output) -> String {
    let err = stderr(out);
    err.lines().find_map(|l| l.strip_prefix("help: ")).unwrap_or_else(|| panic!("no help line in:\n{err}")).to_string()
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
    /// The vulnerability database is off (tests must not reach vuln.go.dev); tests of it
    /// point GOVULNDB at a local copy and remove GOVER_VULNDB.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("GOVER_VULNDB".into(), "off".into()),
            ("HOME".into(), self.home.display().to_string()),
            ("GOVER_HOME".into(), self.gover_home.display().to_string()),
            // Not the machine's /usr/local/lib/gover: its versions must not leak into tests.
            ("GOVER_SYSTEM_HOME".into(), self.dir.path().join("system").display().to_string()),
            ("PATH".into(), self.path_with_shims()),
            ("GOVER_SHIM_BINARY".into(), shim_binary().display().to_string()),
            ("LANG".into(), "C.UTF-8".into()),
        ]
    }

    /// `gover` with the sandbox environment (and nothing else), run in `work`.
    pub fn gover(&self) -> assert_cmd::Command {
        gover_command(self.env(), &self.work)
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
            // A hard link, not a copy: copying would hold the new file open for writing in this
            // process (see write_executable).
            fs::hard_link(shim_binary(), &dest).unwrap();
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

/// Writes an executable file. A child process (`sh -c 'cat > file'`) writes the bytes, so this
/// multi-threaded test process never holds the file open for writing: a child forked meanwhile
/// by a test on another thread would inherit that descriptor until its exec, and running the
/// file would then fail with ETXTBSY ("Text file busy").
pub fn write_executable(path: &Path, content: &str) {
    use std::io::Write;
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut child = std::process::Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(content.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "cannot write {}", path.display());
}

impl Sandbox {
    /// `program` (bash, zsh, fish, sh) started the way a new terminal or an ssh session
    /// starts it: only HOME, a basic PATH, TERM and LANG, in `work`. Whatever else it finds
    /// (the shims, GOVER_HOME) has to come from the startup files.
    pub fn startup_shell(&self, program: &str) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(program);
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("PATH", BASE_PATH)
            .env("TERM", "dumb")
            .env("LANG", "C.UTF-8")
            // As in every sandboxed command: no test may ask the public vulnerability database.
            .env("GOVER_VULNDB", "off")
            .current_dir(&self.work);
        cmd
    }

    /// Pins `work` to `spec` with a .go-version file.
    pub fn pin(&self, spec: &str) {
        fs::write(self.work.join(".go-version"), format!("{spec}\n")).unwrap();
    }
}

/// Every regular file under `dir` with its bytes, for before/after comparisons.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else {
                files.insert(entry.path(), fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    files
}

/// A real Go release extracted from the real-Go mirror, once per checkout (under
/// target/test-trees), for tests that plant it where another manager would have put it.
/// Returns its GOROOT; callers copy or hard-link it (`cp -al`), never change it.
pub fn real_go_tree(version: &str) -> PathBuf {
    let trees = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-trees");
    let root = trees.join(version).join("go");
    if root.join("bin/go").is_file() {
        return root;
    }
    fs::create_dir_all(&trees).unwrap();
    let temp = tempfile::Builder::new().prefix(".extract-").tempdir_in(&trees).unwrap();
    let archive = real_mirror().join(format!("{version}.linux-amd64.tar.gz"));
    let status =
        std::process::Command::new("tar").arg("-xzf").arg(&archive).arg("-C").arg(temp.path()).status().unwrap();
    assert!(status.success(), "cannot extract {}", archive.display());
    fs::create_dir(temp.path().join("done")).unwrap();
    fs::rename(temp.path().join("go"), temp.path().join("done/go")).unwrap();
    // Another test may have finished first; either copy will do.
    let _ = fs::rename(temp.path().join("done"), trees.join(version));
    assert!(root.join("bin/go").is_file());
    root
}

impl Sandbox {
    /// A real release in versions/, the way a finished install leaves it (the installer's own
    /// end-to-end test covers the download path). Returns its root.
    pub fn plant_real(&self, version: &str) -> PathBuf {
        let root = self.gover_home.join("versions").join(version);
        link_copy(&real_go_tree(version), &root);
        root
    }
}

/// Copies the directory `from` to `to` with hard links (`cp -al`), creating `to`'s parents.
pub fn link_copy(from: &Path, to: &Path) {
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    let status = std::process::Command::new("cp").arg("-al").arg(from).arg(to).status().unwrap();
    assert!(status.success());
}

impl Sandbox {
    /// `gover doctor <args>` with update-alternatives' state and the crontab read from inside
    /// the sandbox (empty unless a test plants them), and stdin closed like a script's.
    pub fn doctor(&self, args: &[&str]) -> assert_cmd::Command {
        let admin = self.root().join("alternatives/admin");
        let links = self.root().join("alternatives/links");
        fs::create_dir_all(&admin).unwrap();
        fs::create_dir_all(&links).unwrap();
        let crontab = self.root().join("crontab");
        if !crontab.exists() {
            fs::write(&crontab, "").unwrap();
        }
        let mut cmd = self.gover();
        cmd.arg("doctor")
            .args(args)
            .env("GOVER_ALTERNATIVES_ADMIN_DIR", admin)
            .env("GOVER_ALTERNATIVES_DIR", links)
            .env("GOVER_DOCTOR_CRONTAB", crontab)
            .write_stdin("");
        cmd
    }
}

impl Sandbox {
    /// `program` (a real go, or a shim) with only what go needs, all inside the sandbox: HOME, a
    /// basic PATH, GOPATH, the module and build caches (writable, so the sandbox can be removed).
    pub fn go_command(&self, program: &Path) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(program);
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("PATH", BASE_PATH)
            .env("GOPATH", self.root().join("gopath"))
            .env("GOMODCACHE", self.root().join("modcache"))
            .env("GOCACHE", self.root().join("gocache"))
            .env("GOFLAGS", "-modcacherw")
            .current_dir(&self.work);
        cmd
    }
}

/// Runs `program args` with exactly `env` in `dir` under GNU time, and returns its output and
/// its peak resident memory in bytes; past `limit` it is killed and the test fails. GNU time
/// forks the program from its own small process: the peak of a child spawned from this test
/// would include the test's own memory (a vfork child's exec counts the parent's as its own).
/// Callers check `require("time")` first.
pub fn run_measuring_memory(
    program: &Path,
    args: &[&str],
    env: &[(String, String)],
    dir: &Path,
    limit: std::time::Duration,
) -> (std::process::Output, u64) {
    use std::os::unix::process::CommandExt;
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut child = std::process::Command::new("time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(program)
        .args(args)
        .env_clear()
        .envs(env.iter().cloned())
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        // Its own group, so a timeout ends the program too, not only time.
        .process_group(0)
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            // SAFETY: a signal to the process group this function made.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let out = child.wait_with_output().unwrap();
            panic!(
                "{} {args:?} still running after {limit:?}: {}",
                program.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = fs::read_to_string(report.path()).unwrap();
    // The last line: before it, time says how a program it ran ended if not by exit 0.
    let kilobytes: u64 =
        text.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("time said {text:?}"));
    (out, kilobytes * 1024)
}
