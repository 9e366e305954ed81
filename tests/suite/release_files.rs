//! The release files of `cargo xtask dist`, used the ways users get them: the static binaries
//! run with no C library at all and resolve names without glibc's NSS; install.sh installs
//! the tarball for this machine from a release server without cargo, after checking the
//! signature of SHA256SUMS, and refuses a tampered or unsigned release; the .deb installs with
//! apt and works for another user; the aarch64 build runs a real arm64 Go under qemu-user and
//! refuses an amd64 archive.
//!
//! The files are built once per run by `cargo xtask dist --test-key` itself, as a release is
//! (signed with the test key, which the install.sh it ships trusts instead of gover's release
//! key): the test builds no cheaper variant, since one without LTO costs as much CPU time (see
//! .ci/run). The tests that need root (a chroot, a private /etc/hosts, apt, binfmt_misc)
//! report a skip where they cannot run.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::gover_release::{dist, release_server};
use common::releases::sha256_hex;
use common::server::{Reply, Server};
use common::text;
use common::{Sandbox, BASE_PATH};

const X86_64: &str = "x86_64-unknown-linux-musl";
const AARCH64: &str = "aarch64-unknown-linux-musl";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The key `cargo xtask dist --test-key` signs with (in the target directory).
fn test_key() -> PathBuf {
    common::bin_dir().parent().unwrap().join("release-test-key")
}

/// Signs `dir`'s SHA256SUMS with `key` into SHA256SUMS.sig, as `cargo xtask dist` does.
fn sign(dir: &Path, key: &Path) {
    let out = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "gover-release", "-f"])
        .arg(key)
        .stdin(fs::File::open(dir.join("SHA256SUMS")).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    fs::write(dir.join("SHA256SUMS.sig"), out.stdout).unwrap();
}

/// The public key on install.sh's `release_key='…'` line.
fn release_key(install_sh: &str) -> &str {
    let line = install_sh.lines().find_map(|l| l.trim_start().strip_prefix("release_key='")).unwrap();
    line.strip_suffix('\'').unwrap()
}

fn tarball(triple: &str) -> PathBuf {
    dist().expect("built").join(format!("gover-{VERSION}-{triple}.tar.gz"))
}

/// The tarball of `triple`, unpacked into `into`; the folder holding gover and gover-shim.
fn unpack(triple: &str, into: &Path) -> PathBuf {
    fs::create_dir_all(into).unwrap();
    let status = Command::new("tar").arg("-xzf").arg(tarball(triple)).arg("-C").arg(into).status().unwrap();
    assert!(status.success());
    into.join(format!("gover-{VERSION}-{triple}"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// `program` with the sandbox's environment, minus the test build's shim (a release gover
/// uses the shim beside it), in the sandbox's project directory.
fn in_sandbox(sb: &Sandbox, program: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear().envs(sb.env().into_iter().filter(|(k, _)| k != "GOVER_SHIM_BINARY")).current_dir(&sb.work);
    cmd
}

/// The release gover in `bin`, in the sandbox.
fn static_gover(sb: &Sandbox, bin: &Path) -> Command {
    in_sandbox(sb, &bin.join("gover"))
}

#[test]
fn the_release_files_are_complete_and_the_binaries_run_without_a_c_library() {
    let Some(dist) = dist() else { return };
    let sums = fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    let listed: Vec<(&str, &str)> = sums.lines().map(|l| l.split_once("  ").unwrap()).collect();
    let mut names: Vec<&str> = listed.iter().map(|(_, name)| *name).collect();
    names.sort();
    let expected = [
        format!("gover-{VERSION}-{AARCH64}.tar.gz"),
        format!("gover-{VERSION}-{X86_64}.tar.gz"),
        format!("gover_{VERSION}-1_amd64.deb"),
        format!("gover_{VERSION}-1_arm64.deb"),
        "install.sh".to_string(),
    ];
    assert_eq!(names, expected, "{sums}");
    for (digest, name) in listed {
        assert_eq!(sha256_hex(&fs::read(dist.join(name)).unwrap()), digest, "{name}");
    }
    // The shipped install.sh is the repository's, but for the key it trusts: the test key's.
    let shipped = fs::read_to_string(dist.join("install.sh")).unwrap();
    let ours = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh")).unwrap();
    let test_public = fs::read_to_string(test_key().with_extension("pub")).unwrap();
    assert_eq!(release_key(&shipped), test_public.trim());
    assert_eq!(shipped.replace(release_key(&shipped), release_key(&ours)), ours);
    assert!(fs::read_to_string(dist.join("SHA256SUMS.sig")).unwrap().starts_with("-----BEGIN SSH SIGNATURE-----\n"));

    let sb = Sandbox::new();
    for triple in [X86_64, AARCH64] {
        let listing = Command::new("tar").arg("-tzf").arg(tarball(triple)).output().unwrap();
        let top = format!("gover-{VERSION}-{triple}/");
        let mut entries: Vec<String> =
            text(&listing.stdout).lines().map(|l| l.strip_prefix(&top).unwrap_or(l).to_string()).collect();
        entries.sort();
        assert_eq!(
            entries,
            [
                "",
                "LICENSE-APACHE",
                "LICENSE-MIT",
                "README.md",
                "completions/",
                "completions/_gover",
                "completions/gover.bash",
                "completions/gover.fish",
                "gover",
                "gover-shim",
                "profile.d/",
                "profile.d/gover.sh"
            ],
            "{triple}"
        );
        let bin = unpack(triple, &sb.root().join(triple));
        assert_eq!(fs::read(bin.join("completions/gover.bash")).unwrap(), fs::read("completions/gover.bash").unwrap());
    }

    // A root holding nothing but the two binaries: no loader, no libc, no /etc.
    if !is_root() {
        common::skip("not root: cannot chroot into an empty root to show the binaries are static");
        return;
    }
    let bin = sb.root().join(X86_64).join(format!("gover-{VERSION}-{X86_64}"));
    let out = Command::new("/usr/sbin/chroot").arg(&bin).args(["/gover", "--version"]).env_clear().output().unwrap();
    assert_eq!(text(&out.stdout), format!("gover {VERSION}\n"), "{}", text(&out.stderr));
    // The shim, as `go` with no version anywhere: it runs and explains (exit 3, not a loader error).
    fs::hard_link(bin.join("gover-shim"), bin.join("go")).unwrap();
    let out = Command::new("/usr/sbin/chroot")
        .arg(&bin)
        .args(["/go", "version"])
        .env_clear()
        .env("HOME", "/")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).starts_with("error: "), "{}", text(&out.stderr));
}

#[test]
fn the_static_gover_resolves_names_from_etc_hosts_and_localhost() {
    if dist().is_none() {
        return;
    }
    if !is_root() {
        common::skip("not root: cannot give gover a private /etc/hosts (unshare --mount)");
        return;
    }
    let sb = Sandbox::new();
    let bin = unpack(X86_64, &sb.root().join("bin"));
    let server = Server::http();
    server.route("/index.json", Reply::bytes(fs::read(common::real_mirror().join("index.json")).unwrap()));
    let port = server.addr().port();
    // Neither glibc's NSS (the binary has no glibc) nor the hosts file knows localhost here.
    let hosts = sb.write("hosts", "127.0.0.1 releases.gover.test\n");
    for host in ["releases.gover.test", "localhost"] {
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\""])
            .arg(&hosts)
            .arg(bin.join("gover"))
            .args(["list", "--remote"]);
        let gover = static_gover(&sb, &bin);
        cmd.env_clear().envs(gover.get_envs().map(|(k, v)| (k, v.unwrap()))).current_dir(&sb.work);
        cmd.env("GOVER_INDEX_URL", format!("http://{host}:{port}/index.json"));
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{host}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("go1.22.10"), "{host}: {}", text(&out.stdout));
    }
    assert_eq!(server.hits("/index.json"), 2);
}

/// `curl -fsSL <server>/install.sh | sh` as a user without cargo (the sandbox's basic PATH).
fn curl_pipe_sh(sb: &Sandbox, server: &Server) -> std::process::Output {
    let mut sh = sb.startup_shell("sh");
    sh.args(["-c", "curl -fsSL \"$GOVER_RELEASE_URL/install.sh\" | sh"]);
    sh.env("GOVER_RELEASE_URL", server.url(""));
    sh.output().unwrap()
}

#[test]
fn install_sh_without_cargo_installs_the_verified_release_for_this_machine() {
    let Some(dist) = dist() else { return };
    assert!(
        !BASE_PATH.split(':').any(|d| Path::new(d).join("cargo").exists()),
        "cargo is on the sandbox PATH; this test needs a user without it"
    );
    let sb = Sandbox::new();
    let server = release_server(dist);
    let out = curl_pipe_sh(&sb, &server);
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stderr).contains(&format!("gover-{VERSION}-{X86_64}.tar.gz")), "{}", text(&out.stderr));
    let bin = unpack(X86_64, &sb.root().join("release"));
    for binary in ["gover", "gover-shim"] {
        let installed = sb.home.join(".local/bin").join(binary);
        assert!(fs::read(&installed).unwrap() == fs::read(bin.join(binary)).unwrap(), "{}", installed.display());
    }
    // Installed like a source install: setup ran, so a login shell finds the shims.
    assert!(fs::read_to_string(sb.home.join(".bashrc")).unwrap().contains("# added by gover"));
    sb.fake_version("go1.22.10");
    sb.pin("1.22");
    let out = sb.startup_shell("bash").args(["-lc", "gover --version; go version"]).output().unwrap();
    let gover_line = format!("gover {VERSION}");
    assert_eq!(
        text(&out.stdout).lines().take(2).collect::<Vec<_>>(),
        [gover_line.as_str(), "go go1.22.10 args=version"]
    );

    // From a clone, --prebuilt downloads too, even where cargo could build. The clone's
    // install.sh is the shipped one (which trusts the test key), beside a workspace's manifests.
    let sb = Sandbox::new();
    let clone = sb.root().join("clone");
    fs::create_dir_all(clone.join("shims")).unwrap();
    for manifest in ["Cargo.toml", "shims/Cargo.toml"] {
        fs::write(clone.join(manifest), "").unwrap();
    }
    fs::copy(dist.join("install.sh"), clone.join("install.sh")).unwrap();
    let mut sh = sb.startup_shell("sh");
    sh.arg(clone.join("install.sh")).args(["--prebuilt", "--no-modify-rc"]);
    sh.env("GOVER_RELEASE_URL", server.url("/")).env("PATH", format!("{}:{BASE_PATH}", common::bin_dir().display()));
    let out = sh.output().unwrap();
    assert!(out.status.success() && text(&out.stderr).contains("downloading"), "{}", text(&out.stderr));
    assert_eq!(fs::read(sb.home.join(".local/bin/gover")).unwrap(), fs::read(bin.join("gover")).unwrap());

    // The repository's install.sh trusts gover's release key, not the test key: it refuses
    // this release, as it would any other build served at GOVER_RELEASE_URL.
    let sb = Sandbox::new();
    let mut sh = sb.startup_shell("sh");
    sh.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh")).args(["--prebuilt", "--no-modify-rc"]);
    let out = sh.env("GOVER_RELEASE_URL", server.url("/")).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is not signed by gover's release key"), "{}", text(&out.stderr));
    assert!(!sb.home.join(".local").exists(), "something was installed");
}

/// A copy of the release files in the sandbox, served as a release; the path of this machine's
/// tarball in it.
fn release_copy(sb: &Sandbox, dist: &Path) -> (Server, PathBuf, PathBuf) {
    let release = sb.root().join("release");
    fs::create_dir(&release).unwrap();
    for entry in fs::read_dir(dist).unwrap().flatten() {
        fs::copy(entry.path(), release.join(entry.file_name())).unwrap();
    }
    let tarball = release.join(format!("gover-{VERSION}-{X86_64}.tar.gz"));
    (release_server(&release), release, tarball)
}

/// install.sh from `server` failed with exit 1 and `words`, and left HOME untouched.
fn refused(sb: &Sandbox, server: &Server, words: &[&str]) {
    let out = curl_pipe_sh(sb, server);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(words.iter().all(|w| err.contains(w)) && err.contains("\nhelp: "), "{words:?} in\n{err}");
    assert!(!sb.home.join(".local").exists(), "something was installed");
    assert_eq!(fs::read_dir(&sb.home).unwrap().count(), 0, "HOME was touched");
}

#[test]
fn install_sh_refuses_a_tampered_tarball_and_installs_nothing() {
    let Some(dist) = dist() else { return };
    let sb = Sandbox::new();
    let (server, release, target) = release_copy(&sb, dist);
    let mut bytes = fs::read(&target).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    fs::write(&target, bytes).unwrap();
    refused(&sb, &server, &["failed verification", "nothing was installed"]);

    // A release without this machine's tarball: said so, nothing installed either.
    fs::write(release.join("SHA256SUMS"), "").unwrap();
    sign(&release, &test_key());
    refused(&sb, &server, &[&format!("lists no gover release for {X86_64}")]);
}

/// What a host serving the release files can do when it is not the signer: change a tarball
/// and SHA256SUMS together, which agree with each other. The signature refuses it before the
/// tarball is fetched; so it does a signature by another key, and a release without one.
#[test]
fn install_sh_refuses_a_consistent_tampered_release_without_the_keys_signature() {
    let Some(dist) = dist() else { return };
    let sb = Sandbox::new();
    let (server, release, target) = release_copy(&sb, dist);
    let name = target.file_name().unwrap().to_str().unwrap().to_string();
    let mut bytes = fs::read(&target).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    fs::write(&target, &bytes).unwrap();
    let sums = fs::read_to_string(release.join("SHA256SUMS")).unwrap();
    let recomputed: String = sums
        .lines()
        .map(|l| {
            if l.ends_with(&format!("  {name}")) {
                format!("{}  {name}\n", sha256_hex(&bytes))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(recomputed, sums);
    fs::write(release.join("SHA256SUMS"), &recomputed).unwrap();
    let not_signed =
        ["SHA256SUMS from", "is not signed by gover's release key", "nothing was installed", "do not install from"];
    refused(&sb, &server, &not_signed);
    assert_eq!(server.hits(&format!("/{name}")), 0, "the tarball was fetched before the signature was checked");

    // Signed, but by a key of the tamperer's own.
    let other = sb.root().join("other-key");
    let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&other).status().unwrap();
    assert!(made.success());
    sign(&release, &other);
    refused(&sb, &server, &not_signed);

    // No signature at all.
    fs::remove_file(release.join("SHA256SUMS.sig")).unwrap();
    refused(&sb, &server, &["SHA256SUMS.sig", "an unsigned release is refused", "nothing was installed"]);
    assert_eq!(server.hits(&format!("/{name}")), 0);
}

/// Removes the package when dropped, so a failing test leaves no /usr/bin/gover behind.
struct InstalledDeb;

impl Drop for InstalledDeb {
    fn drop(&mut self) {
        let _ = apt(&["remove", "-y", "gover"]);
    }
}

fn apt(args: &[&str]) -> std::process::Output {
    Command::new("apt-get")
        .args(["-q", "-o", "DPkg::Lock::Timeout=300"])
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .unwrap()
}

/// `program args` as user nobody, with only `home` and a basic PATH.
fn as_nobody(home: &Path, script: &str, extra: &[(&str, String)]) -> std::process::Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-lc", script])
        .env_clear()
        .env("HOME", home)
        .env("PATH", BASE_PATH)
        .env("LANG", "C.UTF-8")
        .envs(extra.iter().map(|(k, v)| (k, v)))
        .current_dir(home)
        .output()
        .unwrap()
}

#[test]
fn the_deb_gives_every_user_a_working_gover_and_its_removal_leaves_their_versions() {
    let Some(dist) = dist() else { return };
    if !is_root() || !Path::new("/usr/bin/apt-get").exists() {
        common::skip("needs root and apt-get to install the .deb");
        return;
    }
    if Path::new("/usr/bin/gover").exists() {
        common::skip("/usr/bin/gover exists already: not replacing another gover on this machine");
        return;
    }
    let deb = dist.join(format!("gover_{VERSION}-1_amd64.deb"));
    let guard = InstalledDeb;
    let out = apt(&["install", "-y", deb.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    for file in [
        "/usr/bin/gover",
        "/usr/libexec/gover/gover-shim",
        "/usr/share/bash-completion/completions/gover",
        "/usr/share/zsh/vendor-completions/_gover",
        "/usr/share/fish/vendor_completions.d/gover.fish",
    ] {
        assert!(Path::new(file).is_file(), "{file} is missing");
    }

    // Another user, with their own HOME: setup, an install, and go through the shims.
    let sb = Sandbox::new();
    let chown =
        |path: &Path| assert!(Command::new("chown").arg("-R").arg("65534:65534").arg(path).status().unwrap().success());
    fs::set_permissions(sb.root(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    chown(&sb.home);
    let server = Server::http();
    server.serve_dir(&common::real_mirror());
    let mirror = [("GOVER_INDEX_URL", server.url("/index.json")), ("GOVER_DIST_URL", server.url("/"))];
    let out = as_nobody(&sb.home, "gover setup && gover install 1.22", &mirror);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let out = as_nobody(&sb.home, "command -v go; go version", &[]);
    let shim = sb.gover_home.join("shims/go");
    assert_eq!(
        text(&out.stdout),
        format!("{}\ngo version go1.22.10 linux/amd64\n", shim.display()),
        "{}",
        text(&out.stderr)
    );

    drop(guard);
    assert!(!Path::new("/usr/bin/gover").exists(), "apt remove left /usr/bin/gover");
    // The user's versions and shims are theirs: still there, and go still runs.
    assert!(sb.gover_home.join("versions/go1.22.10/bin/go").is_file());
    let out = as_nobody(&sb.home, "go version", &[]);
    assert_eq!(text(&out.stdout), "go version go1.22.10 linux/amd64\n", "{}", text(&out.stderr));
}

/// Makes the kernel run arm64 programs through qemu-user, as binfmt_misc entry `qemu-aarch64`
/// with the F flag (as installing qemu-user-static does on a machine with binfmt_misc mounted) (the interpreter is opened once, so it also serves programs started in
/// another mount namespace or chroot, and the shim's execve of an arm64 go); Err says why not.
fn arm64_emulation() -> Result<(), String> {
    let entry = Path::new("/proc/sys/fs/binfmt_misc/qemu-aarch64");
    let ready = || {
        fs::read_to_string(entry).is_ok_and(|e| {
            e.starts_with("enabled") && e.lines().any(|l| l.strip_prefix("flags: ").is_some_and(|f| f.contains('F')))
        })
    };
    if ready() {
        return Ok(());
    }
    if !is_root() {
        return Err("arm64 emulation is not registered with binfmt_misc, and only root can register it".into());
    }
    let Ok(format) = fs::read_to_string("/usr/share/binfmts/qemu-aarch64") else {
        return Err("qemu-user-static is not installed (no /usr/share/binfmts/qemu-aarch64)".into());
    };
    if !Path::new("/proc/sys/fs/binfmt_misc/register").exists() {
        let mounted =
            Command::new("mount").args(["-t", "binfmt_misc", "binfmt_misc", "/proc/sys/fs/binfmt_misc"]).output();
        if !mounted.as_ref().is_ok_and(|o| o.status.success()) {
            return Err(format!("cannot mount binfmt_misc: {}", mounted.map(|o| text(&o.stderr)).unwrap_or_default()));
        }
    }
    // binfmt-support's way; where its import never reached the kernel (binfmt_misc was not
    // mounted when the package was installed), the entry written directly from the package's
    // own description of the format.
    let _ = Command::new("update-binfmts").args(["--enable", "qemu-aarch64"]).output();
    if ready() {
        return Ok(());
    }
    let field = |name: &str| format.lines().find_map(|l| l.strip_prefix(name)).unwrap_or_default().trim().to_string();
    let entry = format!(":qemu-aarch64:M:0:{}:{}:/usr/bin/qemu-aarch64-static:F", field("magic "), field("mask "));
    let written = fs::write("/proc/sys/fs/binfmt_misc/register", entry);
    if !ready() {
        return Err(format!("cannot register qemu-aarch64 with binfmt_misc: {written:?}"));
    }
    Ok(())
}

/// A sandbox with the aarch64 release unpacked, and the folder of its gover; None (the skip
/// recorded) where arm64 programs cannot run here.
fn arm64_release() -> Option<(Sandbox, PathBuf)> {
    dist()?;
    if let Err(why) = arm64_emulation() {
        common::skip(&why);
        return None;
    }
    let sb = Sandbox::new();
    let bin = unpack(AARCH64, &sb.root().join("bin"));
    Some((sb, bin))
}

/// `gover install spec` by the release gover in `bin`, from `server` (index at /index.json,
/// archives under `dist_path`).
fn install_from(sb: &Sandbox, bin: &Path, server: &Server, dist_path: &str, spec: &str) -> std::process::Output {
    static_gover(sb, bin)
        .args(["install", spec])
        .env("GOVER_INDEX_URL", server.url("/index.json"))
        .env("GOVER_DIST_URL", server.url(dist_path))
        .output()
        .unwrap()
}

#[test]
fn the_arm64_build_installs_and_runs_a_real_arm64_go_under_qemu() {
    let Some((sb, bin)) = arm64_release() else { return };
    let mirror = common::real_mirror();
    let index = fs::read_to_string(mirror.join("index.json")).unwrap();
    assert!(
        index.contains("go1.22.10.linux-arm64.tar.gz"),
        "the fixture mirror has no arm64 go1.22.10: cargo xtask fixtures"
    );
    let server = Server::http();
    server.serve_dir(&mirror);
    let out = install_from(&sb, &bin, &server, "/", "1.22");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(server.hits("/go1.22.10.linux-arm64.tar.gz"), 1, "gover on arm64 must pick the arm64 archive");
    // The shims are the aarch64 shim, which execs the arm64 go: both through qemu.
    assert_eq!(fs::read(sb.shims_dir().join("go")).unwrap(), fs::read(bin.join("gover-shim")).unwrap());
    let out = in_sandbox(&sb, &sb.shims_dir().join("go")).arg("version").output().unwrap();
    assert_eq!(text(&out.stdout), "go version go1.22.10 linux/arm64\n", "{}", text(&out.stderr));
}

#[test]
fn the_arm64_build_refuses_an_amd64_archive() {
    let Some((sb, bin)) = arm64_release() else { return };
    let amd64 = common::real_mirror().join("go1.22.10.linux-amd64.tar.gz");
    let digest = sha256_hex(&fs::read(&amd64).unwrap());
    let size = fs::metadata(&amd64).unwrap().len();
    let index = |filename: &str| {
        format!(
            r#"[{{"version":"go1.22.10","stable":true,"files":[{{"filename":"{filename}","os":"linux","arch":"arm64","version":"go1.22.10","sha256":"{digest}","size":{size},"kind":"archive"}}]}}]"#
        )
    };
    let server = Server::http();
    server.route("/dl/go1.22.10.linux-amd64.tar.gz", Reply::file(&amd64));
    server.route("/dl/go1.22.10.linux-arm64.tar.gz", Reply::file(&amd64));
    let nothing_installed = || {
        for dir in ["versions", "staging"] {
            let left: Vec<_> = fs::read_dir(sb.gover_home.join(dir)).into_iter().flatten().flatten().collect();
            assert!(left.is_empty(), "{dir}: {left:?}");
        }
    };

    // An index that lists the amd64 archive for arm64: refused by its name, never downloaded.
    server.route("/index.json", Reply::bytes(index("go1.22.10.linux-amd64.tar.gz")));
    let out = install_from(&sb, &bin, &server, "/dl/", "1.22.10");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(err.contains("named for linux-amd64; this machine is linux-arm64"), "{err}");
    assert_eq!(server.hits("/dl/go1.22.10.linux-amd64.tar.gz"), 0);
    nothing_installed();

    // The amd64 archive under the arm64 name, with its own checksum: refused at bin/go,
    // before that program is written; the staging tree goes.
    server.route("/index.json", Reply::bytes(index("go1.22.10.linux-arm64.tar.gz")));
    let out = install_from(&sb, &bin, &server, "/dl/", "1.22.10");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(err.contains("go/bin/go is built for amd64; this machine is linux-arm64"), "{err}");
    assert!(err.contains("help: nothing was installed"), "{err}");
    nothing_installed();
}
