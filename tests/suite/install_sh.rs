//! install.sh into a temporary HOME (with the already-built binaries, --from-dir), then every
//! way a shell starts must find the shims first and run the pinned version; a second run must
//! leave the startup files byte-identical; implode must remove exactly what install added.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::server::Server;
use common::{snapshot, Sandbox, BASE_PATH};

/// Debian's /etc/skel/.bashrc in short: the header, then the early return for
/// non-interactive shells, then the interactive settings.
const DEBIAN_BASHRC: &str = "# ~/.bashrc: executed by bash(1) for non-login shells.\n\
# see /usr/share/doc/bash/examples/startup-files (in the package bash-doc)\n\
# for examples\n\
\n\
# If not running interactively, don't do anything\n\
case $- in\n    *i*) ;;\n      *) return;;\nesac\n\
\n\
HISTCONTROL=ignoreboth\n\
alias ll='ls -alF'\n";

/// Debian's /etc/skel/.profile in short: it sources .bashrc, then prepends ~/.local/bin.
const DEBIAN_PROFILE: &str = "# ~/.profile: executed by the command interpreter for login shells.\n\
if [ -n \"$BASH_VERSION\" ]; then\n    if [ -f \"$HOME/.bashrc\" ]; then\n\t. \"$HOME/.bashrc\"\n    fi\nfi\n\
if [ -d \"$HOME/.local/bin\" ] ; then\n    PATH=\"$HOME/.local/bin:$PATH\"\nfi\n";

fn install_sh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh")
}

/// install.sh with the already-built binaries, as a user with only HOME and a basic PATH.
fn install_sh_cmd(sb: &Sandbox, from_dir: &Path) -> assert_cmd::Command {
    let mut cmd = sb.startup_shell("sh");
    cmd.arg(install_sh()).arg("--from-dir").arg(from_dir);
    cmd
}

/// Runs install.sh successfully; its standard output.
fn install(sb: &Sandbox, extra: &[&str]) -> String {
    stdout(install_sh_cmd(sb, &common::bin_dir()).args(extra))
}

fn installed_gover(sb: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sb.startup_shell(sb.home.join(".local/bin/gover").to_str().unwrap());
    cmd.env("PATH", format!("{}:{BASE_PATH}", sb.home.join(".local/bin").display()));
    cmd
}

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// A Debian-like HOME with a pinned fake go1.22.10 (and go1.21.13 beside it).
fn debian_home() -> Sandbox {
    let sb = Sandbox::new();
    fs::write(sb.home.join(".bashrc"), DEBIAN_BASHRC).unwrap();
    fs::write(sb.home.join(".profile"), DEBIAN_PROFILE).unwrap();
    sb.fake_version("go1.21.13");
    sb.fake_version("go1.22.10");
    sb.pin("1.22");
    sb
}

fn assert_finds_pinned_shim(sb: &Sandbox, what: &str, output: &str) {
    let shim = sb.shims_dir().join("go");
    let mut lines = output.lines();
    assert_eq!(lines.next(), Some(shim.to_str().unwrap()), "{what}: go is not the shim:\n{output}");
    assert_eq!(lines.next(), Some("go go1.22.10 args=version"), "{what}: wrong version:\n{output}");
}

#[test]
fn every_kind_of_shell_finds_the_shim_and_the_pinned_version() {
    let sb = debian_home();
    let report = install(&sb, &[]);
    assert!(report.contains("added the hook to"), "{report}");
    // Versions are there already: the next step names one rather than a download.
    assert!(report.contains("gover global 1.22.10 && go version"), "install.sh must say what to run next:\n{report}");

    let script = "command -v go; go version";
    for (program, flags) in [("bash", "-lc"), ("bash", "-ic"), ("zsh", "-ic"), ("zsh", "-c"), ("zsh", "-lc")] {
        if !common::require(program) {
            continue;
        }
        let out = stdout(sb.startup_shell(program).args([flags, script]));
        assert_finds_pinned_shim(&sb, &format!("{program} {flags}"), &out);
    }
    // fish has no `command -v` before 3.x's builtin; `command -s` works everywhere.
    if common::require("fish") {
        let out = stdout(sb.startup_shell("fish").args(["-c", "command -s go; go version"]));
        assert_finds_pinned_shim(&sb, "fish -c", &out);
    }
    // dash as a login shell reads only ~/.profile.
    let out = stdout(sb.startup_shell("sh").args(["-lc", script]));
    assert_finds_pinned_shim(&sb, "sh -lc", &out);
}

#[test]
fn ssh_host_go_version_finds_the_shims_despite_the_early_return() {
    let sb = debian_home();
    install(&sb, &[]);
    let bashrc = fs::read_to_string(sb.home.join(".bashrc")).unwrap();
    let hook_at = bashrc.find("# added by gover").unwrap();
    assert!(hook_at < bashrc.find("return;;").unwrap(), "the hook line must precede the early return:\n{bashrc}");
    // What sshd runs for `ssh host cmd`: bash -c, non-interactive, with SSH_CLIENT set, which
    // makes Debian's bash read ~/.bashrc.
    let out = stdout(
        sb.startup_shell("bash").env("SSH_CLIENT", "127.0.0.1 50000 22").args(["-c", "command -v go; go version"]),
    );
    assert_finds_pinned_shim(&sb, "ssh-style bash -c", &out);
}

#[test]
fn a_second_run_leaves_the_startup_files_byte_identical() {
    // Nothing installed yet: the first install becomes the default by itself, no `global`.
    let fresh = install(&Sandbox::new(), &[]);
    assert!(
        fresh.contains("Next: open a new shell") && fresh.contains("\n  gover install latest && go version\n"),
        "{fresh}"
    );
    let sb = debian_home();
    install(&sb, &[]);
    let first = snapshot(&sb.home);
    let report = install(&sb, &[]);
    assert!(report.contains("already has the hook"), "{report}");
    // Run again from a shell the hook set up: nothing to open or load.
    let again = format!("sh {} --from-dir {}", install_sh().display(), common::bin_dir().display());
    let report = stdout(sb.startup_shell("bash").args(["-lc", &again]));
    assert!(report.contains("Next (this shell already has the hook):") && !report.contains("new shell"), "{report}");
    let second = snapshot(&sb.home);
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (path, bytes) in &first {
        assert!(second[path] == *bytes, "{} changed on the second run", path.display());
    }
    // zsh's and fish's files are written only where that shell is installed.
    for (shell, file) in
        [("bash", ".bashrc"), ("sh", ".profile"), ("zsh", ".zshenv"), ("fish", ".config/fish/conf.d/gover.fish")]
    {
        if !common::require(shell) {
            continue;
        }
        let content = fs::read_to_string(sb.home.join(file)).unwrap();
        assert_eq!(content.matches("# added by gover").count(), 1, "{file}:\n{content}");
    }
}

#[test]
fn an_existing_bash_profile_is_respected() {
    let sb = debian_home();
    // bash -l reads this and then not .profile, which is where the hook would otherwise be.
    fs::write(sb.home.join(".bash_profile"), "export FROM_BASH_PROFILE=1\n").unwrap();
    install(&sb, &[]);
    let profile = fs::read_to_string(sb.home.join(".bash_profile")).unwrap();
    assert!(profile.starts_with("export FROM_BASH_PROFILE=1\n") && profile.contains("# added by gover"));
    let out = stdout(sb.startup_shell("bash").args(["-lc", "echo $FROM_BASH_PROFILE; command -v go; go version"]));
    let (first, rest) = out.split_once('\n').unwrap();
    assert_eq!(first, "1");
    assert_finds_pinned_shim(&sb, "bash -lc with .bash_profile", rest);
}

#[test]
fn no_modify_rc_touches_no_startup_file_and_prints_the_lines() {
    let sb = debian_home();
    let before = snapshot(&sb.home);
    let report = install(&sb, &["--no-modify-rc"]);
    assert!(
        report.contains("left alone") && report.contains(". \"$HOME/.local/share/gover/shell/hook.bash\""),
        "{report}"
    );
    for (path, bytes) in &before {
        assert!(fs::read(path).unwrap() == *bytes, "{} changed", path.display());
    }
    assert!(!sb.home.join(".zshenv").exists());
    // The binaries and shims are there all the same.
    assert!(sb.home.join(".local/bin/gover-shim").is_file());
    assert!(sb.shims_dir().join("go").is_file());
}

#[test]
fn bin_dir_can_be_chosen_and_the_shim_sits_beside_gover() {
    let sb = debian_home();
    let by_env = sb.root().join("opt bin");
    install_sh_cmd(&sb, &common::bin_dir()).arg("--no-modify-rc").env("GOVER_INSTALL_DIR", &by_env).assert().success();
    let by_flag = sb.root().join("tools");
    install_sh_cmd(&sb, &common::bin_dir())
        .arg("--no-modify-rc")
        .arg(format!("--bin-dir={}", by_flag.display()))
        .assert()
        .success();
    for bin in [&by_env, &by_flag] {
        assert!(bin.join("gover").is_file() && bin.join("gover-shim").is_file(), "{}", bin.display());
    }
    // The shims are copies of the last installed shim, not of the build's.
    assert_eq!(fs::read(sb.shims_dir().join("go")).unwrap(), fs::read(by_flag.join("gover-shim")).unwrap());
    assert!(!sb.home.join(".local/bin/gover").exists());
}

#[test]
fn install_sh_fails_clearly_without_binaries() {
    let sb = Sandbox::new();
    let out = install_sh_cmd(&sb, &sb.work).assert().failure().get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: no gover in") && err.contains("help:"), "{err}");
    assert!(!sb.home.join(".bashrc").exists());
}

#[test]
fn implode_removes_exactly_what_install_added() {
    let sb = debian_home();
    fs::write(sb.home.join(".zshrc"), "autoload -Uz compinit\ncompinit\n").unwrap();
    // Empty before install, so empty after: it must not be deleted as if gover had made it.
    fs::write(sb.home.join(".zshenv"), "").unwrap();
    // No final newline: the one byte gover would otherwise leave behind.
    fs::write(sb.home.join(".bash_profile"), "export A=1").unwrap();
    fs::remove_dir_all(&sb.gover_home).unwrap();
    // GOVER_HOME's parent too: setup makes it, implode removes it.
    let _ = fs::remove_dir(sb.gover_home.parent().unwrap());
    let before = snapshot(&sb.home);
    let dirs_before = dirs(&sb.home);
    install(&sb, &["--systemd"]);
    let made = [".local/bin", ".config/environment.d", ".config/fish/conf.d"];
    assert!(
        made.iter().all(|d| sb.home.join(d).is_dir() && !dirs_before.contains(&sb.home.join(d))),
        "{dirs_before:?}"
    );
    assert!(sb.home.join(".config/environment.d/50-gover.conf").is_file());
    sb.fake_version("go1.22.10");

    // Not on a terminal and without --yes: it refuses and removes nothing.
    installed_gover(&sb).arg("implode").assert().code(2);
    assert!(sb.gover_home.join("versions/go1.22.10").is_dir());

    let report = stdout(installed_gover(&sb).args(["implode", "--yes"]));
    assert!(report.contains("removed gover's line in") && report.contains(".local/bin/gover"), "{report}");
    let after = snapshot(&sb.home);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "files left or lost");
    for (path, bytes) in &before {
        assert!(after[path] == *bytes, "{} is not as it was before install", path.display());
    }
    assert!(!sb.gover_home.exists());
    assert_eq!(dirs(&sb.home), dirs_before, "directories left: the report was\n{report}");

    // A directory gover made but which holds something else now stays.
    install(&sb, &[]);
    fs::write(sb.home.join(".local/bin/mine"), "").unwrap();
    let report = stdout(installed_gover(&sb).args(["implode", "--yes"]));
    assert!(sb.home.join(".local/bin/mine").is_file() && !report.contains(".local/bin\n"), "{report}");
}

/// A ZDOTDIR that /etc/zsh/zshenv sets is seen by zsh alone: install run from such a zsh puts
/// the line in `$ZDOTDIR/.zshenv`, and implode run later from bash, without ZDOTDIR, must
/// still take it out.
#[test]
fn implode_from_another_shell_removes_the_line_setup_put_under_zdotdir() {
    if !common::require("zsh") {
        return;
    }
    let sb = debian_home();
    let zshenv = sb.write("home/.config/zsh/.zshenv", "setopt nobeep\n");
    stdout(install_sh_cmd(&sb, &common::bin_dir()).env("ZDOTDIR", zshenv.parent().unwrap()));
    let added = fs::read_to_string(&zshenv).unwrap();
    assert!(added.contains("# added by gover"), "{added}");
    let report = stdout(installed_gover(&sb).args(["implode", "--yes"]));
    assert_eq!(fs::read_to_string(&zshenv).unwrap(), "setopt nobeep\n", "implode left the line:\n{report}");
}

/// Every directory below `root`.
fn dirs(root: &Path) -> std::collections::BTreeSet<PathBuf> {
    let mut all = std::collections::BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
                all.insert(entry.path());
            }
        }
    }
    all
}

#[test]
fn implode_asks_on_a_terminal() {
    let sb = debian_home();
    install(&sb, &[]);
    let gover = sb.home.join(".local/bin/gover");
    // `script` gives implode a terminal; the answer "n" keeps everything.
    let mut cmd = sb.startup_shell("script");
    cmd.args(["-qec", &format!("{} implode", gover.display()), "/dev/null"]).write_stdin("n\n");
    let out = cmd.assert().failure().get_output().clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Remove all of this? [y/N]") && text.contains("nothing removed"), "{text}");
    assert!(sb.gover_home.join("versions/go1.22.10").is_dir());
    assert!(fs::read_to_string(sb.home.join(".bashrc")).unwrap().contains("# added by gover"));
}

#[test]
fn implode_refuses_a_gover_home_that_holds_home() {
    let sb = debian_home();
    install(&sb, &[]);
    installed_gover(&sb).args(["implode", "--yes"]).env("GOVER_HOME", &sb.home).assert().code(8);
    assert!(sb.home.join(".bashrc").is_file());
}

#[test]
fn a_user_without_root_installs_and_uses_gover() {
    if unsafe { libc::geteuid() } != 0 {
        common::skip(
            "not root: cannot hand the sandbox to another user (the other tests here run as this ordinary one)",
        );
        return;
    }
    let sb = debian_home();
    // install.sh and the binaries are copied in, since the checkout may sit where uid 65534
    // cannot read (CI clones under /root).
    let dist = sb.root().join("dist");
    fs::create_dir_all(&dist).unwrap();
    for binary in ["gover", "gover-shim"] {
        fs::copy(common::bin_dir().join(binary), dist.join(binary)).unwrap();
    }
    fs::copy(install_sh(), dist.join("install.sh")).unwrap();
    // The sandbox belongs to uid 65534 (nobody), which then runs install.sh and its shells.
    let status = std::process::Command::new("chown").args(["-R", "65534:65534"]).arg(sb.root()).status().unwrap();
    assert!(status.success());
    fs::set_permissions(sb.root(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let as_nobody = |args: &[&str]| {
        let mut cmd = sb.startup_shell("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).args(args);
        cmd
    };
    as_nobody(&["sh", dist.join("install.sh").to_str().unwrap(), "--from-dir", dist.to_str().unwrap()])
        .assert()
        .success();
    let out = stdout(&mut as_nobody(&["bash", "-lc", "command -v go; go version"]));
    assert_finds_pinned_shim(&sb, "bash -lc as nobody", &out);
    use std::os::unix::fs::MetadataExt;
    for file in [".bashrc", ".local/bin/gover", ".local/share/gover/shims/go"] {
        assert_eq!(fs::metadata(sb.home.join(file)).unwrap().uid(), 65534, "{file} is not the user's");
    }
}

#[test]
fn symlinked_dotfiles_stay_links_and_a_broken_one_only_warns() {
    let sb = debian_home();
    let dotfiles = sb.root().join("dotfiles");
    fs::create_dir_all(&dotfiles).unwrap();
    fs::write(dotfiles.join("bashrc"), DEBIAN_BASHRC).unwrap();
    std::os::unix::fs::symlink(dotfiles.join("bashrc"), sb.home.join(".bashrc.tmp")).unwrap();
    fs::rename(sb.home.join(".bashrc.tmp"), sb.home.join(".bashrc")).unwrap();
    // A link whose target is gone (a dotfiles checkout that moved): warn, and carry on.
    std::os::unix::fs::symlink(sb.root().join("gone/zshenv"), sb.home.join(".zshenv")).unwrap();

    let out = install_sh_cmd(&sb, &common::bin_dir()).assert().success().get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: cannot follow the link") && err.contains("add this line to it yourself"), "{err}");
    assert!(fs::symlink_metadata(sb.home.join(".bashrc")).unwrap().file_type().is_symlink());
    assert!(fs::read_to_string(dotfiles.join("bashrc")).unwrap().contains("# added by gover"));
    assert!(fs::read_to_string(sb.home.join(".profile")).unwrap().contains("# added by gover"));
    let out = stdout(sb.startup_shell("bash").args(["-ic", "command -v go; go version"]));
    assert_finds_pinned_shim(&sb, "bash -ic through a symlinked .bashrc", &out);
}

/// One end-to-end case with a real Go release from the test mirror, unpacked where
/// `gover install` would put it: the hook, the shim and the real go agree on version and GOROOT.
#[test]
fn a_real_go_runs_through_the_hook_in_login_and_ssh_shells() {
    let sb = Sandbox::new();
    fs::write(sb.home.join(".bashrc"), DEBIAN_BASHRC).unwrap();
    // A stale GOROOT from an old manual install, exported before the hook runs.
    fs::write(sb.home.join(".profile"), format!("export GOROOT=/usr/local/go-1.19\n{DEBIAN_PROFILE}")).unwrap();
    let root = sb.gover_home.join("versions/go1.22.10");
    fs::create_dir_all(&root).unwrap();
    let archive = common::real_mirror().join("go1.22.10.linux-amd64.tar.gz");
    let status = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&root)
        .arg("--strip-components=1")
        .status()
        .unwrap();
    assert!(status.success());
    sb.pin("1.22");
    install(&sb, &[]);

    let script = "go version; go env GOROOT; echo \"GOROOT in the shell: ${GOROOT-unset}\"";
    let expected = format!("go version go1.22.10 linux/amd64\n{}\nGOROOT in the shell: unset\n", root.display());
    let login = stdout(sb.startup_shell("bash").args(["-lc", script]));
    assert_eq!(login, expected, "bash -lc");
    let ssh = stdout(sb.startup_shell("bash").env("SSH_CLIENT", "127.0.0.1 50000 22").args(["-c", script]));
    assert_eq!(ssh, expected, "ssh-style bash -c");
    if common::require("zsh") {
        let zsh = stdout(sb.startup_shell("zsh").args(["-c", script]));
        assert_eq!(zsh, expected, "zsh -c");
    }
}

/// gover doctor, run the way a user would after install.sh, has nothing to say about PATH, the
/// hook's placement or GOROOT, whichever shell the user logs in with.
#[test]
fn doctor_agrees_with_what_install_sh_set_up() {
    let sb = debian_home();
    // A stand-in whose `go version` looks like a real release, for doctor's version checks.
    common::write_executable(
        &sb.gover_home.join("versions/go1.22.10/bin/go"),
        "#!/bin/sh\necho go version go1.22.10 linux/amd64\n",
    );
    install(&sb, &[]);
    for login_shell in ["/bin/bash", "/usr/bin/zsh", "/usr/bin/fish"] {
        if !common::require(login_shell.rsplit('/').next().unwrap()) {
            continue;
        }
        let out =
            sb.startup_shell("bash").env("SHELL", login_shell).args(["-lc", "gover doctor --json"]).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let ids: Vec<&str> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["id"].as_str())
            .filter(|id| ["path.", "goroot.", "shell."].iter().any(|p| id.starts_with(p)))
            .collect();
        assert!(ids.is_empty(), "SHELL={login_shell}: doctor objects to the set-up: {ids:?}");
    }
}

/// The README's Quickstart, run as written after install.sh, in a new interactive bash, against
/// the real-Go mirror (served on 127.0.0.1): it pins a project directory of its own, not the
/// clone, and `gover shell` switches to a version installed a line earlier.
#[test]
fn the_readme_quickstart_works_as_written() {
    let mirror = common::real_mirror();
    let sb = Sandbox::new();
    fs::write(sb.home.join(".bashrc"), DEBIAN_BASHRC).unwrap();
    fs::write(sb.home.join(".profile"), DEBIAN_PROFILE).unwrap();
    install(&sb, &[]);
    let server = Server::https();
    server.serve_dir(&mirror);
    let ca = sb.write("ca.pem", server.ca_pem());

    let out = sb
        .startup_shell("bash")
        .env("GOVER_INDEX_URL", server.url("/index.json"))
        .env("GOVER_DIST_URL", server.url("/"))
        .env("GOVER_CA_FILE", &ca)
        // Loopback only: no refresh of the vulnerability database from vuln.go.dev.
        .env("GOVER_VULNDB", "off")
        .args(["-ic", &format!("set -e\n{}", readme_quickstart())])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the Quickstart failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let versions: Vec<&str> = stdout.lines().filter(|l| l.starts_with("go version ")).collect();
    assert_eq!(versions.len(), 2, "{stdout}");
    assert!(versions[0].starts_with("go version go1.22.10 "), "the pin: {stdout}");
    assert!(versions[1].starts_with("go version go1.21.13 "), "gover shell: {stdout}");
    assert_eq!(fs::read_to_string(sb.home.join("src/hello/.go-version")).unwrap(), "1.22\n");
    assert_eq!(fs::read_to_string(sb.gover_home.join("global")).unwrap(), "go1.22.10\n", "the first is the default");
    assert!(!sb.work.join(".go-version").exists(), "the Quickstart pinned the directory it started in");
}

/// The shell block of README.md's Quickstart section.
fn readme_quickstart() -> String {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme.split("\n## Quickstart\n").nth(1).expect("README.md has a Quickstart section");
    let section = section.split("\n## ").next().unwrap();
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("```").next());
    block.expect("the Quickstart has a ```sh block").to_string()
}

/// install.sh --prebuilt from `url`, in a sandbox with `path` as PATH.
fn prebuilt_from(sb: &Sandbox, url: &str, path: &str) -> std::process::Output {
    let mut cmd = sb.startup_shell("sh");
    cmd.arg(install_sh()).args(["--prebuilt", "--no-modify-rc"]).env("GOVER_RELEASE_URL", url).env("PATH", path);
    cmd.output().unwrap()
}

/// install.sh failed with exit 1, saying `words` and a hint, and installed nothing.
fn assert_refused(sb: &Sandbox, out: &std::process::Output, words: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(words.iter().all(|w| err.contains(w)) && err.contains("\nhelp: "), "{words:?} in\n{err}");
    assert!(!sb.home.join(".local").exists(), "something was installed");
}

/// A directory of links to every program in /usr/bin but `hidden`, which stand-ins in it may
/// replace: a PATH (with /usr/sbin) on which `hidden` is missing.
fn usr_bin_without(sb: &Sandbox, hidden: &str) -> PathBuf {
    let dir = sb.root().join(format!("bin-without-{hidden}"));
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir("/usr/bin").unwrap().flatten() {
        if entry.file_name() != hidden {
            std::os::unix::fs::symlink(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    dir
}

#[test]
fn an_http_release_url_is_refused_unless_it_is_this_machine() {
    let sb = Sandbox::new();
    // A curl that records that it ran: a refused URL must be refused before any connection.
    let bin = sb.root().join("bin");
    common::write_executable(&bin.join("curl"), "#!/bin/sh\ntouch \"$0.ran\"\nexit 7\n");
    let path = format!("{}:{BASE_PATH}", bin.display());
    for url in [
        "http://releases.gover.invalid/v0.1.0",
        // Each of these names another host than the loopback it starts with.
        "http://127.0.0.1@releases.gover.invalid/",
        "http://127.0.0.1.releases.gover.invalid/",
        "http://localhost:80@releases.gover.invalid/",
        "http://[::1]@releases.gover.invalid/",
        "ftp://releases.gover.invalid/",
        "file:///srv/release",
    ] {
        let out = prebuilt_from(&sb, url, &path);
        let shown = url.trim_end_matches('/');
        assert_refused(&sb, &out, &["GOVER_RELEASE_URL must be an https:// URL (http:// only to this machine)", shown]);
        assert!(!bin.join("curl.ran").exists(), "{url}: curl ran");
    }

    // http to this machine is allowed: the request is made (and the release, with no signature
    // served, refused for that).
    let server = Server::http();
    server.route("/SHA256SUMS", common::server::Reply::bytes("0".repeat(64) + "  gover-0.1.0-x.tar.gz\n"));
    let port = server.addr().port();
    for url in [server.url("/"), format!("http://localhost:{port}")] {
        let out = prebuilt_from(&sb, &url, BASE_PATH);
        assert_refused(&sb, &out, &["SHA256SUMS.sig, the release's signature", "an unsigned release is refused"]);
    }
    assert_eq!(server.hits("/SHA256SUMS"), 2);
}

#[test]
fn without_ssh_keygen_install_sh_refuses_before_downloading_and_says_what_to_install() {
    let sb = Sandbox::new();
    let server = Server::http();
    let bin = usr_bin_without(&sb, "ssh-keygen");
    let out = prebuilt_from(&sb, &server.url("/"), &format!("{}:/usr/sbin", bin.display()));
    assert_refused(
        &sb,
        &out,
        &["cannot check the release's signature: ssh-keygen is not installed", "apt-get install openssh-client"],
    );
    assert!(server.requests().is_empty(), "install.sh downloaded before it could check anything");

    // An ssh-keygen older than OpenSSH 8.1, which has no -Y: named as such, not as a bad signature.
    common::write_executable(
        &bin.join("ssh-keygen"),
        "#!/bin/sh\necho 'ssh-keygen: unknown option -- Y' >&2\necho 'usage: ssh-keygen [-q] [-b bits]' >&2\nexit 1\n",
    );
    server.route("/SHA256SUMS", common::server::Reply::bytes("sums\n"));
    server.route("/SHA256SUMS.sig", common::server::Reply::bytes("signature\n"));
    let out = prebuilt_from(&sb, &server.url("/"), &format!("{}:/usr/sbin", bin.display()));
    assert_refused(
        &sb,
        &out,
        &["this ssh-keygen has no -Y verify (OpenSSH before 8.1)", "install OpenSSH 8.1 or newer"],
    );
}
