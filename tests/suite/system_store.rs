//! The system store (`sudo gover --system install`) on a machine with several users: root
//! installs real Go releases (the local mirror, served over HTTPS on 127.0.0.1) into one
//! root-owned tree; two unprivileged users (uids 65534 and 65533, run with setpriv) each have
//! their own HOME and GOVER_HOME, run the system's versions through their shims beside their
//! own, and can change nothing in it.

use crate::common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::server::Server;

const NOBODY: u32 = 65534;
const OTHER: u32 = 65533;

/// One machine: the system store, a `go` shim on everyone's PATH, the release mirror, and the
/// users' homes, all in one temporary directory every user may enter.
struct Machine {
    dir: tempfile::TempDir,
    server: Server,
}

impl Machine {
    fn new() -> Machine {
        let dir = tempfile::Builder::new().prefix("gover-system-").tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let server = Server::https();
        server.serve_dir(&common::real_mirror());
        fs::write(dir.path().join("ca.pem"), server.ca_pem()).unwrap();
        fs::create_dir(dir.path().join("bin")).unwrap();
        // The shim is `go` by its name, as in every user's GOVER_HOME/shims.
        std::os::unix::fs::symlink(common::shim_binary(), dir.path().join("bin/go")).unwrap();
        Machine { dir, server }
    }

    fn system(&self) -> PathBuf {
        self.dir.path().join("system")
    }

    fn version_dir(&self, version: &str) -> PathBuf {
        self.system().join("versions").join(version)
    }

    /// `uid`'s HOME, which holds its GOVER_HOME, and a work directory, owned by it.
    fn home(&self, uid: u32) -> PathBuf {
        let home = self.dir.path().join(format!("user{uid}"));
        if !home.exists() {
            fs::create_dir_all(home.join("work")).unwrap();
            for dir in [home.clone(), home.join("work")] {
                std::os::unix::fs::chown(&dir, Some(uid), Some(uid)).unwrap();
            }
        }
        home
    }

    fn env(&self, home: &Path) -> Vec<(String, String)> {
        let at = |p: PathBuf| p.display().to_string();
        vec![
            ("HOME".into(), at(home.to_path_buf())),
            ("GOVER_HOME".into(), at(home.join(".local/share/gover"))),
            ("GOVER_SYSTEM_HOME".into(), at(self.system())),
            ("PATH".into(), format!("{}:{}", self.dir.path().join("bin").display(), common::BASE_PATH)),
            ("GOVER_SHIM_BINARY".into(), at(common::shim_binary())),
            ("GOVER_INDEX_URL".into(), self.server.url("/index.json")),
            ("GOVER_DIST_URL".into(), self.server.url("/")),
            ("GOVER_CA_FILE".into(), at(self.dir.path().join("ca.pem"))),
            ("GOVER_VULNDB".into(), "off".into()),
            ("GOVER_AUTO_INSTALL".into(), "0".into()),
            ("LANG".into(), "C.UTF-8".into()),
        ]
    }

    /// `program args` as root, HOME a directory of root's own.
    fn as_root(&self, program: &Path, args: &[&str]) -> Command {
        let home = self.dir.path().join("root");
        fs::create_dir_all(&home).unwrap();
        let mut cmd = Command::new(program);
        cmd.args(args).env_clear().envs(self.env(&home)).current_dir(&home);
        cmd
    }

    /// `program args` as `uid` (no groups), in its work directory unless `cwd` is given.
    fn as_user(&self, uid: u32, program: &Path, args: &[&str]) -> Command {
        let home = self.home(uid);
        let mut cmd = Command::new("setpriv");
        cmd.args([format!("--reuid={uid}"), format!("--regid={uid}"), "--clear-groups".into(), "--".into()])
            .arg(program)
            .args(args)
            .env_clear()
            .envs(self.env(&home))
            .current_dir(home.join("work"));
        cmd
    }

    fn gover(&self, uid: u32, args: &[&str]) -> Output {
        let gover = Path::new(env!("CARGO_BIN_EXE_gover"));
        match uid {
            0 => self.as_root(gover, args),
            uid => self.as_user(uid, gover, args),
        }
        .output()
        .unwrap()
    }

    fn go(&self, uid: u32, args: &[&str]) -> Output {
        self.as_user(uid, &self.dir.path().join("bin/go"), args).output().unwrap()
    }

    /// Pins `uid`'s work directory to `spec`, as that user would.
    fn pin(&self, uid: u32, spec: &str) {
        let out = self.gover(uid, &["use", spec]);
        assert!(out.status.success(), "gover use {spec} as {uid}: {}", text(&out.stderr));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Machine {
    /// A machine, if setpriv can run programs as other uids here (not in every container).
    fn with_users() -> Option<Machine> {
        if !common::require("setpriv") {
            return None;
        }
        let m = Machine::new();
        let probe = m.gover(NOBODY, &["--version"]);
        let can = probe.status.success()
            || common::skip(&format!("cannot run as uid {NOBODY}: {}", text(&probe.stderr).trim()));
        can.then_some(m)
    }

    /// Asserts that `go version` as `uid` runs `version`.
    fn assert_runs(&self, uid: u32, version: &str) {
        let out = self.go(uid, &["version"]);
        let stdout = text(&out.stdout);
        assert!(stdout.starts_with(&format!("go version {version} ")), "{stdout}{}", text(&out.stderr));
    }
}

fn assert_exit(out: &Output, code: i32, needles: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stdout: {}\nstderr: {stderr}", text(&out.stdout));
    for needle in needles {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
}

fn install_system(m: &Machine, version: &str) {
    let out = m.gover(0, &["--system", "install", version]);
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
}

/// Every file and directory of `tree` (symbolic links aside) belongs to root and is writable
/// by root alone; directories are 0755.
fn assert_root_only(tree: &Path) {
    let paths = common::rig::walk(tree).into_iter().map(|(path, _)| path);
    for path in std::iter::once(tree.to_path_buf()).chain(paths) {
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.is_symlink() {
            continue;
        }
        assert_eq!(meta.uid(), 0, "{} belongs to uid {}", path.display(), meta.uid());
        assert_eq!(meta.mode() & 0o022, 0, "{} is writable by others: {:o}", path.display(), meta.mode());
        if meta.is_dir() {
            assert_eq!(meta.mode() & 0o777, 0o755, "{}", path.display());
        }
    }
}

#[test]
fn users_share_system_versions_beside_their_own() {
    let Some(m) = Machine::with_users() else { return };
    // Even with root's umask shutting everyone else out, users can run what it installs.
    let mut install = m.as_root(Path::new("sh"), &["-c", "umask 077 && exec \"$0\" --system install 1.22.10"]);
    let out = install.arg(env!("CARGO_BIN_EXE_gover")).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_root_only(&m.system().join("versions"));
    assert_root_only(&m.system().join("shims"));
    // Nothing per user in it: no global default, no go or gofmt, only the versions' names.
    assert!(!m.system().join("global").exists());
    assert_eq!(
        common::rig::walk(&m.system().join("shims")).into_iter().map(|(path, _)| path).collect::<Vec<_>>(),
        [m.system().join("shims/go1.22.10")]
    );

    // Both users run the one system tree.
    for uid in [NOBODY, OTHER] {
        m.pin(uid, "1.22");
        let out = m.go(uid, &["env", "GOROOT"]);
        assert_eq!(text(&out.stdout), format!("{}\n", m.version_dir("go1.22.10").display()), "{}", text(&out.stderr));
    }
    // Installing it again is no download and no copy of one's own.
    let out = m.gover(NOBODY, &["install", "1.22.10", "1.22"]);
    let said = format!("go1.22.10 is already installed in the system store {}\n", m.system().display());
    assert_eq!(text(&out.stdout), format!("{said}1.22 -> go1.22.10\n{said}"), "{}", text(&out.stderr));
    assert!(!m.home(NOBODY).join(".local/share/gover/versions").exists());
    // One pins a version of its own, which it installs in its own GOVER_HOME: the other is
    // not affected, and keeps running the system's.
    let out = m.gover(OTHER, &["install", "1.21.13"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    m.pin(OTHER, "1.21.13");
    m.assert_runs(OTHER, "go1.21.13");
    m.assert_runs(NOBODY, "go1.22.10");

    // gover list says where each lives.
    let out = m.gover(OTHER, &["list"]);
    let listed = text(&out.stdout);
    assert!(listed.contains("* go1.21.13"), "{listed}");
    assert!(listed.lines().any(|l| l.contains("go1.22.10") && l.contains("system store")), "{listed}");
    assert!(text(&out.stderr).contains(&format!("are in {}, shared by every user", m.system().display())));
    let out = m.gover(OTHER, &["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let system: Vec<(&str, bool)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["version"].as_str().unwrap(), r["system"].as_bool().unwrap()))
        .collect();
    assert_eq!(system, [("go1.21.13", false), ("go1.22.10", true)]);

    // A user whose GOVER_HOME is broken breaks only their own: the other's go runs, and the
    // broken one still gets the system's version.
    fs::remove_dir_all(m.home(OTHER).join(".local/share/gover/versions")).unwrap();
    fs::write(m.home(OTHER).join(".local/share/gover/versions"), "not a directory").unwrap();
    let out = m.go(OTHER, &["version"]);
    assert_exit(&out, 3, &["go1.21.13 is not installed"]);
    m.pin(OTHER, "1.22");
    m.assert_runs(OTHER, "go1.22.10");
    m.assert_runs(NOBODY, "go1.22.10");
}

#[test]
fn users_cannot_change_or_remove_system_versions() {
    let Some(m) = Machine::with_users() else { return };
    install_system(&m, "1.22.10");
    let before = common::rig::walk(&m.system());
    let go_before = fs::read(m.version_dir("go1.22.10").join("bin/go")).unwrap();

    // gover refuses, and says what works.
    let out = m.gover(NOBODY, &["uninstall", "1.22.10"]);
    let system = m.system().display().to_string();
    assert_exit(
        &out,
        8,
        &[&format!("go1.22.10 is in the system store {system}, not in yours"), "only root may change it"],
    );
    assert!(text(&out.stderr).contains("help: run it as root: sudo GOVER_SYSTEM_HOME="), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(" --system uninstall 1.22.10\n"), "{}", text(&out.stderr));
    assert_exit(&m.gover(NOBODY, &["--system", "uninstall", "1.22.10"]), 8, &["cannot change the system store"]);
    assert_exit(&m.gover(NOBODY, &["--system", "install", "1.21.13"]), 8, &["--system install 1.21.13"]);
    assert_exit(
        &m.gover(NOBODY, &["--system", "use", "1.22"]),
        2,
        &["--system works with install, uninstall and list"],
    );

    // Nor can the user write there directly.
    let root = m.version_dir("go1.22.10");
    let sh = Path::new("sh");
    for script in [
        format!("echo x >> {}/bin/go", root.display()),
        format!("rm -rf {}", root.display()),
        format!("mv {} {}/x", root.display(), m.system().join("versions").display()),
        format!("mkdir {}/go1.99.0", m.system().join("versions").display()),
        format!("chmod u+w {}/bin/go", root.display()),
    ] {
        let out = m.as_user(NOBODY, sh, &["-c", &script]).output().unwrap();
        assert!(!out.status.success(), "{script} succeeded");
    }
    assert_eq!(common::rig::walk(&m.system()), before, "the system store changed");
    assert!(fs::read(root.join("bin/go")).unwrap() == go_before, "bin/go changed");

    // A version of the same name in the user's own GOVER_HOME wins for that user alone (their
    // process, their choice); the other user still runs the system's.
    let own = m.home(NOBODY).join(".local/share/gover/versions/go1.22.10/bin");
    let out = m
        .as_user(
            NOBODY,
            sh,
            &[
                "-c",
                &format!(
                    "mkdir -p {0} && printf '#!/bin/sh\\necho mine\\n' > {0}/go && chmod +x {0}/go",
                    own.display()
                ),
            ],
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    for uid in [NOBODY, OTHER] {
        m.pin(uid, "1.22.10");
    }
    assert_eq!(text(&m.go(NOBODY, &["version"]).stdout), "mine\n");
    m.assert_runs(OTHER, "go1.22.10");

    // Root removes it.
    let out = m.gover(0, &["--system", "uninstall", "1.22.10"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!root.exists());
    assert_exit(&m.go(OTHER, &["version"]), 3, &["go1.22.10 is not installed"]);
}

/// An archive's own modes do not decide who may write in the system store: a directory it
/// says is writable by everyone is not (verified archives from go.dev never carry one, but the
/// tree every user runs must not depend on that).
#[test]
fn system_trees_are_writable_by_root_alone_whatever_the_archive_says() {
    let rig = common::rig::Rig::http();
    let mut entries = common::releases::release_entries("go1.22.10");
    entries.push(common::releases::Entry::File { path: "go/pkg/tool.sh".into(), mode: 0o777, data: b"x".to_vec() });
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_path("go/pkg/").unwrap();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_mode(0o777);
    header.set_size(0);
    header.set_cksum();
    tar.append(&header, &[][..]).unwrap();
    // Then the release's own entries, after the directory: its mode is the one unpacked.
    let release = common::releases::tar_gz(&entries);
    let mut rest = tar::Archive::new(flate2::read::GzDecoder::new(&release[..]));
    for entry in rest.entries().unwrap() {
        let mut entry = entry.unwrap();
        let header = entry.header().clone();
        tar.append(&header, &mut entry).unwrap();
    }
    let archive = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &archive).unwrap();
    rig.publish(&[common::releases::IndexEntry::new("go1.22.10", gz.finish().unwrap())]);
    let system = rig.sb.root().join("system");
    rig.gover().env("GOVER_SYSTEM_HOME", &system).args(["--system", "install", "1.22.10"]).assert().success();
    assert_root_only(&system.join("versions"));
}

#[test]
fn a_system_store_others_could_change_is_ignored() {
    let Some(m) = Machine::with_users() else { return };
    install_system(&m, "1.22.10");
    m.pin(NOBODY, "1.22.10");
    let versions = m.system().join("versions");
    for (owner, mode, why) in [
        (OTHER, 0o755, format!("its versions directory belongs to uid {OTHER}, neither root nor you")),
        (0, 0o775, "its versions directory is writable by its group or by every user".to_string()),
    ] {
        std::os::unix::fs::chown(&versions, Some(owner), None).unwrap();
        fs::set_permissions(&versions, fs::Permissions::from_mode(mode)).unwrap();
        assert_exit(&m.go(NOBODY, &["version"]), 3, &["go1.22.10 is not installed"]);
        let out = m.gover(NOBODY, &["list"]);
        assert!(text(&out.stderr).contains(&why), "{}", text(&out.stderr));
        assert!(!text(&out.stdout).contains("go1.22.10"), "{}", text(&out.stdout));
    }
    // The one who owns it may use it: it is theirs to change anyway.
    std::os::unix::fs::chown(&versions, Some(NOBODY), None).unwrap();
    fs::set_permissions(&versions, fs::Permissions::from_mode(0o755)).unwrap();
    m.assert_runs(NOBODY, "go1.22.10");
}

#[test]
fn a_system_install_is_never_seen_half_done() {
    let Some(m) = Machine::with_users() else { return };
    // Written by the user: `gover use` would refuse a version not installed yet.
    let out = m.as_user(NOBODY, Path::new("sh"), &["-c", "echo 1.23.9 > .go-version"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut install = m
        .as_root(Path::new(env!("CARGO_BIN_EXE_gover")), &["--system", "install", "1.23.9"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    loop {
        let done = install.try_wait().unwrap();
        let out = m.go(NOBODY, &["version"]);
        let stdout = text(&out.stdout);
        let stderr = text(&out.stderr);
        let whole = out.status.success() && stdout.starts_with("go version go1.23.9 ");
        let missing = out.status.code() == Some(3) && stderr.contains("go1.23.9 is not installed");
        assert!(whole || missing, "a run saw something else: {stdout}{stderr}");
        seen.push(whole);
        if let Some(status) = done {
            assert!(status.success());
            break;
        }
    }
    assert_eq!(seen.last(), Some(&true), "installed at the end");
    assert!(seen.len() > 2, "the user ran go while root installed ({} runs)", seen.len());
}

/// The login snippet an administrator may enable: a user who never ran `gover setup` gets
/// shims of their own on their first login, and runs the system's versions through them.
#[test]
fn the_profile_snippet_gives_a_new_user_the_system_versions() {
    let Some(m) = Machine::with_users() else { return };
    install_system(&m, "1.22.10");
    m.pin(NOBODY, "1.22");
    let tools = m.dir.path().join("tools");
    fs::create_dir(&tools).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_gover"), tools.join("gover")).unwrap();
    let snippet = Path::new(env!("CARGO_MANIFEST_DIR")).join("profile.d/gover.sh");
    let login = format!(". {}; command -v go; go version", snippet.display());
    for _ in 0..2 {
        let out = m
            .as_user(NOBODY, Path::new("sh"), &["-c", &login])
            .env("PATH", format!("{}:{}", tools.display(), common::BASE_PATH))
            .output()
            .unwrap();
        let shims = m.home(NOBODY).join(".local/share/gover/shims");
        let stdout = text(&out.stdout);
        assert!(
            stdout.starts_with(&format!("{}/go\ngo version go1.22.10 ", shims.display())),
            "{stdout}{}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "", "a login stays quiet");
    }
    // No startup file was touched.
    assert!(!m.home(NOBODY).join(".profile").exists() && !m.home(NOBODY).join(".bashrc").exists());
}

#[test]
fn shellcheck_finds_nothing_in_the_profile_snippet() {
    if !common::require("shellcheck") {
        return;
    }
    let snippet = Path::new(env!("CARGO_MANIFEST_DIR")).join("profile.d/gover.sh");
    let out = Command::new("shellcheck").env("PATH", common::BASE_PATH).arg(snippet).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}

/// `gover doctor` says why a system store is ignored (to the user its versions are just "not
/// installed"), and the fix it names, run as root, makes them usable again.
#[test]
fn doctor_names_an_ignored_system_store_and_the_fix() {
    let Some(m) = Machine::with_users() else { return };
    install_system(&m, "1.22.10");
    m.pin(NOBODY, "1.22.10");
    let versions = m.system().join("versions");
    std::os::unix::fs::chown(&versions, Some(OTHER), None).unwrap();
    fs::set_permissions(&versions, fs::Permissions::from_mode(0o775)).unwrap();
    let untrusted = |cmd: &mut Command| untrusted_findings(cmd.output().unwrap());
    let doctor = |uid| m.as_user(uid, Path::new(env!("CARGO_BIN_EXE_gover")), &["doctor", "--json"]);
    let found = untrusted(&mut doctor(NOBODY));
    assert_eq!(found.len(), 1, "{found:?}");
    let system = m.system().display().to_string();
    assert_eq!(
        found[0]["title"],
        format!(
            "the versions of the system store {system} are ignored: its versions directory belongs to uid {OTHER}, \
             neither root nor you"
        )
    );
    let fix = found[0]["fix"]["command"].as_str().unwrap();
    assert_eq!(fix, format!("sudo chown -R root:root {system} && sudo chmod -R go-w {system}"));
    assert_exit(&m.go(NOBODY, &["version"]), 3, &["go1.22.10 is not installed"]);

    // The administrator runs it (root here has no sudo to drop).
    let out = m.as_root(Path::new("sh"), &["-c", &fix.replace("sudo ", "")]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(untrusted(&mut doctor(NOBODY)), Vec::<serde_json::Value>::new());
    m.assert_runs(NOBODY, "go1.22.10");

    // A relative GOVER_SYSTEM_HOME names no one place: said too, with what to set instead.
    let found = untrusted(doctor(NOBODY).env("GOVER_SYSTEM_HOME", "system"));
    assert_eq!(found.len(), 1, "{found:?}");
    let title = found[0]["title"].as_str().unwrap();
    assert!(title.ends_with("ignored: GOVER_SYSTEM_HOME is a relative path; it must be absolute"), "{title}");
    let fix = found[0]["fix"]["text"].as_str().unwrap();
    assert!(fix.starts_with("set GOVER_SYSTEM_HOME to an absolute path, or unset it"), "{fix}");
}

/// The `versions.system-store-untrusted` findings of a `gover doctor --json` run.
fn untrusted_findings(out: Output) -> Vec<serde_json::Value> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    let findings = report["findings"].as_array().unwrap().iter();
    findings.filter(|f| f["id"] == "versions.system-store-untrusted").cloned().collect()
}

/// Go's own toolchain switch finds the versions root installs by their names (`go1.23.9`):
/// the user's hook, written before root installed anything, has the system store's names on
/// PATH after the user's own, and the shim runs the system's tree. No download (GOPROXY=off),
/// nothing for the user to run; and the name goes when root uninstalls the version.
#[test]
fn go_switches_to_system_versions_by_their_names() {
    let Some(m) = Machine::with_users() else { return };
    // The user sets gover up with a version of their own, before root installs anything.
    let out = m.gover(NOBODY, &["install", "1.21.13"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = m.gover(NOBODY, &["setup", "--no-modify-rc"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let gover_home = m.home(NOBODY).join(".local/share/gover");
    let hook = gover_home.join("shell/hook.sh");
    install_system(&m, "1.23.9");
    let names = m.system().join("shims");

    let module = m.home(NOBODY).join("work/module");
    let out = m
        .as_user(
            NOBODY,
            Path::new("sh"),
            &["-c", "mkdir module && printf 'module m\\n\\ngo 1.21\\n\\ntoolchain go1.23.9\\n' > module/go.mod"],
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shell = |script: &str| {
        let login = format!(". {}; {script}", hook.display());
        m.as_user(NOBODY, Path::new("sh"), &["-c", &login]).env("GOPROXY", "off").output().unwrap()
    };
    let assert_go = |out: &Output, version: &str| {
        let stdout = text(&out.stdout);
        assert!(stdout.starts_with(&format!("go version {version} ")), "{stdout}{}", text(&out.stderr));
    };
    // GOTOOLCHAIN names it: the user's go1.21.13 (their global default) switches to it.
    assert_go(&shell("GOTOOLCHAIN=go1.23.9 go version"), "go1.23.9");
    let out = shell("GOTOOLCHAIN=go1.23.9+path go env GOROOT");
    assert_eq!(text(&out.stdout), format!("{}\n", m.version_dir("go1.23.9").display()), "{}", text(&out.stderr));
    // The module's toolchain line: go (the user's own go1.21.13, run by its name) switches.
    assert_go(&shell(&format!("cd {} && GOTOOLCHAIN=path go1.21.13 version", module.display())), "go1.23.9");
    assert!(!gover_home.join("versions/go1.23.9").exists() && !gover_home.join("shims/go1.23.9").exists());

    assert_root_only(&names);

    // Removed by root: go no longer finds the name, and downloads nothing.
    let out = m.gover(0, &["--system", "uninstall", "1.23.9"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!names.join("go1.23.9").exists());
    let out = shell("GOTOOLCHAIN=go1.23.9+path go version");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("cannot find \"go1.23.9\" in PATH"), "{}", text(&out.stderr));
}
