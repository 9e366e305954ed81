//! `gover doctor --fix` and `--undo` through the real binary: conflicting startup lines are
//! commented out (never deleted) after a backup, a second fix changes nothing, doctor stops
//! reporting what was fixed, and undo restores every byte.

use crate::common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use common::Sandbox;
use predicates::prelude::*;

const BASHRC: &str = "# ~/.bashrc\r\ncase $- in\r\n    *i*) ;;\r\n      *) return;;\r\nesac\r\n\
export GOROOT=/usr/local/go\r\n\
[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"\r\n\
if [ -d \"$HOME/.goenv\" ]; then\r\n  export GOENV_ROOT=\"$HOME/.goenv\"\r\n  eval \"$(goenv init -)\"\r\nfi\r\n\
alias ll='ls -l'";

const ZSHRC: &str = "cat > /dev/null <<'EOF'\nexport GOROOT=/in/a/heredoc\nEOF\n\
go() {\n  echo 'wrapped }'\n  command go \"$@\"\n}\nPROMPT='%~ '\n";

const GO_ENV: &str = "GOROOT=/old/go\nGOPROXY=https://proxy.golang.org,direct\n";

struct Planted {
    files: Vec<(PathBuf, &'static str)>,
}

fn plant(sandbox: &Sandbox) -> Planted {
    sandbox.install_shims();
    let files = vec![
        (sandbox.home.join(".bashrc"), BASHRC),
        (sandbox.home.join(".zshrc"), ZSHRC),
        (sandbox.home.join(".config/go/env"), GO_ENV),
        (sandbox.home.join(".config/fish/config.fish"), "set -gx GOROOT /usr/lib/go-1.19\nset -g fish_greeting\n"),
    ];
    for (path, content) in &files {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    fs::set_permissions(&files[0].0, fs::Permissions::from_mode(0o600)).unwrap();
    // The managers the .bashrc sets up are installed (a line for one that is not does nothing).
    for dir in [".gvm/scripts", ".goenv"] {
        fs::create_dir_all(sandbox.home.join(dir)).unwrap();
    }
    Planted { files }
}

fn backups(sandbox: &Sandbox) -> Vec<PathBuf> {
    let Ok(dir) = fs::read_dir(sandbox.gover_home.join("backups")) else { return Vec::new() };
    let mut out: Vec<PathBuf> = dir.map(|e| e.unwrap().path()).collect();
    out.sort();
    out
}

fn text(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

/// A sandbox with the shims in place and `content` as the user's ~/.bashrc.
fn with_bashrc(content: &str) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new();
    sandbox.install_shims();
    let rc = sandbox.home.join(".bashrc");
    fs::write(&rc, content).unwrap();
    (sandbox, rc)
}

/// Gives the whole sandbox to the unprivileged user (uid 65534), keeping it reachable.
fn hand_to_nobody(sandbox: &Sandbox) {
    let status = std::process::Command::new("chown").args(["-R", "65534:65534"]).arg(sandbox.root()).status().unwrap();
    assert!(status.success());
    fs::set_permissions(sandbox.root(), fs::Permissions::from_mode(0o755)).unwrap();
}

/// `gover doctor <args>` run as uid 65534, stdin closed, with the sandbox's alternatives.
fn doctor_as_nobody(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_gover"), "doctor"])
        .args(args)
        .env_clear()
        .envs(sandbox.env())
        .env("GOVER_DOCTOR_CRONTAB", "/dev/null")
        .env("GOVER_ALTERNATIVES_ADMIN_DIR", sandbox.root().join("alternatives/admin"))
        .env("GOVER_ALTERNATIVES_DIR", sandbox.root().join("alternatives/links"))
        .current_dir(&sandbox.work)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn fix_comments_out_backs_up_and_undo_restores_every_byte() {
    let sandbox = Sandbox::new();
    let planted = plant(&sandbox);
    let bashrc = &planted.files[0].0;

    // Without a terminal and without --yes, --fix only shows the diff.
    sandbox
        .doctor(&["--fix"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("--- {}", bashrc.display())))
        .stdout(predicate::str::contains("+# gover-disabled: export GOROOT=/usr/local/go\r\n"))
        .stdout(predicate::str::contains("dry run: nothing was changed"));
    for (path, content) in &planted.files {
        assert_eq!(&text(path), content, "{} changed in a dry run", path.display());
    }
    assert!(backups(&sandbox).is_empty());

    sandbox.doctor(&["--fix", "--yes"]).assert().success().stdout(predicate::str::contains("backup: "));
    let fixed = text(bashrc);
    assert!(fixed.contains("\r\n# gover-disabled: export GOROOT=/usr/local/go\r\n"), "{fixed}");
    assert!(fixed.contains("# gover-disabled: [[ -s"), "{fixed}");
    // The if block held only goenv's lines: it goes whole, so bash still parses the file.
    assert!(fixed.contains("# gover-disabled: if [ -d \"$HOME/.goenv\" ]; then\r\n"), "{fixed}");
    assert!(fixed.contains("# gover-disabled: fi\r\n"), "{fixed}");
    assert!(fixed.ends_with("alias ll='ls -l'"), "everything else is kept byte for byte");
    assert_eq!(fs::metadata(bashrc).unwrap().mode() & 0o777, 0o600, "the mode is kept");
    let zshrc = text(&planted.files[1].0);
    assert!(zshrc.contains("# gover-disabled: go() {\n# gover-disabled:   echo 'wrapped }'\n"), "{zshrc}");
    assert!(zshrc.contains("# gover-disabled: }\n"), "{zshrc}");
    assert!(
        zshrc.starts_with("cat > /dev/null <<'EOF'\nexport GOROOT=/in/a/heredoc\n"),
        "a heredoc body is text: {zshrc}"
    );
    assert_eq!(text(&planted.files[2].0), "GOPROXY=https://proxy.golang.org,direct\n");
    assert!(text(&planted.files[3].0).starts_with("# gover-disabled: set -gx GOROOT"));
    // Both files still parse (bash itself cannot read CRLF, so it checks the LF text).
    let lf = sandbox.root().join("bashrc-lf");
    fs::write(&lf, fixed.replace("\r\n", "\n")).unwrap();
    for (shell, path) in [("bash", &lf), ("zsh", &planted.files[1].0)] {
        if !common::require(shell) {
            continue;
        }
        let check = std::process::Command::new(shell).arg("-n").arg(path).status().unwrap();
        assert!(check.success(), "{} no longer parses", path.display());
    }

    // The backup holds the originals and a manifest naming them.
    let taken = backups(&sandbox);
    assert_eq!(taken.len(), 1);
    let manifest = text(&taken[0].join("manifest.json"));
    for (path, _) in &planted.files {
        assert!(manifest.contains(&path.display().to_string()), "{manifest}");
    }

    // doctor no longer reports what was fixed; a second fix changes nothing.
    let after = sandbox.doctor(&[]).output().unwrap();
    let report = String::from_utf8_lossy(&after.stdout);
    for id in ["managers.init-line", "shell.go-function", "goroot.go-env-file"] {
        assert!(!report.contains(id), "{id} still reported:\n{report}");
    }
    // The heredoc's text is data: doctor does not report it, and the fix rightly left it alone.
    assert!(!report.contains("goroot.startup-export"), "{report}");
    let snapshot: Vec<String> = planted.files.iter().map(|(p, _)| text(p)).collect();
    sandbox.doctor(&["--fix", "--yes"]).assert().success().stdout(predicate::str::contains("nothing to fix"));
    assert_eq!(planted.files.iter().map(|(p, _)| text(p)).collect::<Vec<_>>(), snapshot);
    assert_eq!(backups(&sandbox).len(), 1, "a fix that changes nothing takes no backup");

    sandbox.doctor(&["--undo"]).assert().success().stdout(predicate::str::contains("restored the backup"));
    for (path, content) in &planted.files {
        assert_eq!(fs::read(path).unwrap(), content.as_bytes(), "{} is not restored byte for byte", path.display());
    }
    assert_eq!(fs::metadata(bashrc).unwrap().mode() & 0o777, 0o600);
    sandbox.doctor(&["--undo"]).assert().code(1).stderr(predicate::str::contains("nothing to undo"));
}

#[test]
fn the_go_function_is_gone_from_a_fresh_shell_after_the_fix() {
    let (sandbox, _) = with_bashrc("go() {\n  echo shadowed\n}\n");
    let type_of_go = || {
        let out = std::process::Command::new("bash")
            .args(["-ic", "type -t go"])
            .env_clear()
            .envs(sandbox.env())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(type_of_go(), "function\n");
    sandbox.doctor(&["--fix", "--yes"]).assert().success();
    assert_eq!(type_of_go(), "file\n");
}

#[test]
fn undo_keeps_a_file_edited_since_the_fix_unless_forced() {
    let sandbox = Sandbox::new();
    let planted = plant(&sandbox);
    sandbox.doctor(&["--fix", "--yes"]).assert().success();
    let zshrc = &planted.files[1].0;
    fs::write(zshrc, "# my own edit\n").unwrap();
    sandbox
        .doctor(&["--undo"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("changed since gover edited it"))
        .stderr(predicate::str::contains("--undo --force"));
    assert_eq!(text(zshrc), "# my own edit\n");
    assert_eq!(text(&planted.files[0].0), BASHRC, "the other files are restored");
    sandbox.doctor(&["--undo", "--force"]).assert().success();
    assert_eq!(text(zshrc), ZSHRC);
}

#[test]
fn undo_resumes_once_the_later_edit_is_taken_out() {
    // Fix, append a line to .bashrc, undo (the others come back, .bashrc is kept), take the
    // line out, undo again: .bashrc comes back too, and nothing needs --force.
    let sandbox = Sandbox::new();
    let planted = plant(&sandbox);
    sandbox.doctor(&["--fix", "--yes"]).assert().success();
    let bashrc = &planted.files[0].0;
    let fixed = fs::read(bashrc).unwrap();
    let mut edited = fixed.clone();
    edited.extend_from_slice(b"\nalias gs='git status'\n");
    fs::write(bashrc, &edited).unwrap();
    sandbox
        .doctor(&["--undo"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(".bashrc changed since gover edited it"));
    for (path, content) in &planted.files[1..] {
        assert_eq!(&text(path), content, "{}", path.display());
    }
    fs::write(bashrc, &fixed).unwrap();
    sandbox.doctor(&["--undo"]).assert().success().stderr(predicate::str::contains("changed since").not());
    for (path, content) in &planted.files {
        assert_eq!(&text(path), content, "{}", path.display());
    }
    sandbox.doctor(&["--undo"]).assert().code(1).stderr(predicate::str::contains("nothing to undo"));
}

#[test]
fn a_symlinked_startup_file_is_edited_at_its_target() {
    let sandbox = Sandbox::new();
    sandbox.install_shims();
    let target = sandbox.root().join("dotfiles/bashrc");
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    fs::write(&target, "export GOROOT=/opt/go\n").unwrap();
    let link = sandbox.home.join(".bashrc");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    sandbox
        .doctor(&["--fix", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains("is a link; editing its target"));
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(text(&target), "# gover-disabled: export GOROOT=/opt/go\n");
    sandbox.doctor(&["--undo"]).assert().success();
    assert_eq!(text(&target), "export GOROOT=/opt/go\n");
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn a_block_that_cannot_be_commented_whole_is_left_for_the_user() {
    let content = "if [ -d /opt/go ]; then\n  export GOROOT=/opt/go\nelse\n  export EDITOR=vi\nfi\n";
    let (sandbox, rc) = with_bashrc(content);
    sandbox.doctor(&["--fix", "--yes"]).assert().stdout(predicate::str::contains("by hand:"));
    assert_eq!(text(&rc), content, "never half commented");
}

#[test]
fn a_file_the_user_cannot_write_is_reported_not_forced() {
    let (sandbox, rc) = with_bashrc("export GOROOT=/usr/local/go\n");
    fs::set_permissions(&rc, fs::Permissions::from_mode(0o644)).unwrap();
    // Everything else belongs to the unprivileged user; the rc file stays root's.
    hand_to_nobody(&sandbox);
    std::os::unix::fs::chown(&rc, Some(0), Some(0)).unwrap();
    std::os::unix::fs::chown(&sandbox.home, Some(0), Some(0)).unwrap();
    fs::set_permissions(&sandbox.home, fs::Permissions::from_mode(0o755)).unwrap();

    let out = doctor_as_nobody(&sandbox, &["--fix", "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("# not changed: you cannot write"), "{stdout}");
    assert!(stderr.contains("was not changed"), "{stderr}");
    assert_eq!(text(&rc), "export GOROOT=/usr/local/go\n");
}

#[test]
fn alternatives_for_missing_toolchains_are_removed_in_a_planted_admin_dir() {
    let sandbox = Sandbox::new();
    sandbox.install_shims();
    let admin = sandbox.root().join("alternatives/admin");
    let links = sandbox.root().join("alternatives/links");
    fs::create_dir_all(&admin).unwrap();
    fs::create_dir_all(&links).unwrap();
    let bin = sandbox.root().join("usr/bin");
    fs::create_dir_all(&bin).unwrap();
    let old = sandbox.root().join("usr/lib/go-1.19/bin/go");
    let new = sandbox.root().join("usr/lib/go-1.22/bin/go");
    for go in [&old, &new] {
        common::write_executable(go, "#!/bin/sh\n");
    }
    for (go, priority) in [(&old, "119"), (&new, "122")] {
        let status = std::process::Command::new("update-alternatives")
            .arg("--admindir")
            .arg(&admin)
            .arg("--altdir")
            .arg(&links)
            .args(["--log", "/dev/null", "--install"])
            .arg(bin.join("go"))
            .arg("go")
            .arg(go)
            .arg(priority)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    }
    // The 1.22 toolchain is deleted behind the alternatives system's back.
    fs::remove_dir_all(sandbox.root().join("usr/lib/go-1.22")).unwrap();
    sandbox.doctor(&[]).assert().stdout(predicate::str::contains("alternatives.missing-target"));

    // Another user may not change the alternatives system: they get the exact command.
    hand_to_nobody(&sandbox);
    for dir in [&admin, &links] {
        let status = std::process::Command::new("chown").args(["-R", "0:0"]).arg(dir).status().unwrap();
        assert!(status.success());
    }
    let before = text(&admin.join("go"));
    let out = doctor_as_nobody(&sandbox, &["--fix", "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let sudo = format!(
        "sudo update-alternatives --admindir {} --altdir {} --remove go {}",
        admin.display(),
        links.display(),
        new.display()
    );
    assert!(stdout.contains(&format!("needs root: run `{sudo}`")), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&admin.join("go")), before);

    sandbox
        .doctor(&["--fix", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("removed the go alternative {}", new.display())));
    let state = text(&admin.join("go"));
    assert!(!state.contains("go-1.22") && state.contains("go-1.19"), "{state}");
    assert_eq!(fs::read_link(links.join("go")).unwrap(), old);
    sandbox.doctor(&[]).assert().stdout(predicate::str::contains("alternatives.missing-target").not());
    sandbox.doctor(&["--fix", "--yes"]).assert().success().stdout(predicate::str::contains("nothing to fix"));
}

#[test]
fn permission_repairs_run_only_with_yes_and_the_right_to() {
    let sandbox = Sandbox::new();
    sandbox.install_shims();
    let gopath = sandbox.home.join("go");
    let cache = sandbox.home.join(".cache/go-build");
    fs::create_dir_all(&gopath).unwrap();
    fs::create_dir_all(&cache).unwrap();
    hand_to_nobody(&sandbox);
    // The user's own GOPATH lost its write bit; their build cache belongs to root.
    fs::set_permissions(&gopath, fs::Permissions::from_mode(0o555)).unwrap();
    std::os::unix::fs::chown(&cache, Some(0), Some(0)).unwrap();
    let run = |args: &[&str]| String::from_utf8_lossy(&doctor_as_nobody(&sandbox, args).stdout).into_owned();
    let dry = run(&["--fix"]);
    assert!(dry.contains(&format!("run: chmod u+rwx {}", gopath.display())), "{dry}");
    assert!(dry.contains(&format!("run: sudo chown -R nobody: {}", cache.display())), "{dry}");
    assert_eq!(fs::metadata(&gopath).unwrap().mode() & 0o777, 0o555, "a dry run changes nothing");

    let applied = run(&["--fix", "--yes"]);
    assert!(applied.contains("ran: chmod u+rwx"), "{applied}");
    assert_eq!(fs::metadata(&gopath).unwrap().mode() & 0o700, 0o700);
    // Not root: the chown is left to the user, exactly as printed.
    assert!(applied.contains(&format!("run this yourself: sudo chown -R nobody: {}", cache.display())), "{applied}");
    assert_eq!(fs::metadata(&cache).unwrap().uid(), 0);
}

/// A repair of a path holding `'` and `$(…)` (a GOPATH named so): gover runs the repair on
/// that one path and nothing else, and the command it prints, pasted into bash, does the
/// same. Under `sh -c` with hand-made quotes, the `'` ended the quoting and `touch` ran.
#[test]
fn a_repair_of_a_path_with_quotes_and_substitutions_does_only_what_it_says() {
    let sandbox = Sandbox::new();
    sandbox.install_shims();
    let gopath = sandbox.home.join("go'$(touch INJECTED)'x");
    let marker = sandbox.work.join("INJECTED");
    let go_env = sandbox.home.join(".config/go/env");
    fs::create_dir_all(go_env.parent().unwrap()).unwrap();
    fs::write(&go_env, format!("GOPATH={}\n", gopath.display())).unwrap();
    fs::create_dir_all(&gopath).unwrap();
    hand_to_nobody(&sandbox);
    let lock = || fs::set_permissions(&gopath, fs::Permissions::from_mode(0o555)).unwrap();
    let unlocked = || fs::metadata(&gopath).unwrap().mode() & 0o700 == 0o700;
    lock();

    let dry = String::from_utf8_lossy(&doctor_as_nobody(&sandbox, &["--fix"]).stdout).into_owned();
    let shown = dry.lines().find_map(|l| l.strip_prefix("run: ")).unwrap_or_else(|| panic!("no repair: {dry}"));
    assert!(shown.starts_with("chmod u+rwx '"), "{dry}");
    // Pasted into bash, as the user.
    let pasted = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c", shown])
        .current_dir(&sandbox.work)
        .output()
        .unwrap();
    assert!(pasted.status.success(), "{}", String::from_utf8_lossy(&pasted.stderr));
    assert!(unlocked() && !marker.exists(), "the pasted command did something else");

    lock();
    let applied = String::from_utf8_lossy(&doctor_as_nobody(&sandbox, &["--fix", "--yes"]).stdout).into_owned();
    assert!(applied.contains(&format!("ran: {shown}")), "{applied}");
    assert!(unlocked(), "{applied}");
    assert!(!marker.exists(), "the path's $(…) ran");
}

#[test]
fn on_a_terminal_fix_asks_first() {
    let (sandbox, rc) = with_bashrc("export GOROOT=/x\n");
    // `script` gives gover a terminal on stdin; the answer is typed into it.
    let answer = |reply: &str| {
        let command = format!("{} doctor --fix", env!("CARGO_BIN_EXE_gover"));
        let mut cmd = assert_cmd::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .env_clear()
            .envs(sandbox.env())
            .env("GOVER_DOCTOR_CRONTAB", "/dev/null")
            .current_dir(&sandbox.work)
            .write_stdin(format!("{reply}\n"));
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let declined = answer("n");
    assert!(declined.contains("Apply these changes? [y/N]") && declined.contains("nothing was changed"), "{declined}");
    assert_eq!(text(&rc), "export GOROOT=/x\n");
    let accepted = answer("y");
    assert!(accepted.contains("changed "), "{accepted}");
    assert_eq!(text(&rc), "# gover-disabled: export GOROOT=/x\n");
}

#[test]
fn a_hook_below_debians_early_return_is_moved_above_it() {
    let hook = format!("eval \"$({} init bash)\"", env!("CARGO_BIN_EXE_gover"));
    let content = format!("case $- in\n    *i*) ;;\n      *) return;;\nesac\nalias ll='ls -l'\n{hook}\n");
    let (sandbox, rc) = with_bashrc(&content);
    let shims_on_path = || {
        // What ssh host cmd gets: a non-interactive bash that reads ~/.bashrc.
        let out = sandbox.startup_shell("bash").args(["-c", ". ~/.bashrc; command -v go"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(shims_on_path(), "");
    sandbox.doctor(&["--fix", "--yes"]).assert().success();
    assert_eq!(
        text(&rc),
        format!(
            "{hook}\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\nalias ll='ls -l'\n# gover-disabled: {hook}\n"
        )
    );
    assert_eq!(shims_on_path(), format!("{}\n", sandbox.shims_dir().join("go").display()));
    sandbox.doctor(&[]).assert().stdout(predicate::str::contains("path.hook-after-return").not());
    sandbox.doctor(&["--fix", "--yes"]).assert().stdout(predicate::str::contains("nothing to fix"));
    sandbox.doctor(&["--undo"]).assert().success();
    assert_eq!(text(&rc), content);
}

/// A fix that cannot be applied (a start-up file even root cannot change): the other fixes
/// are made, the summary points at the messages above, which name the file; once it can be
/// written, the same command fixes it.
#[test]
fn a_fix_that_cannot_be_applied_points_at_the_messages_above() {
    let sandbox = Sandbox::new();
    let planted = plant(&sandbox);
    let zshrc = &planted.files[1].0;
    let chattr =
        |flag: &str| std::process::Command::new("chattr").arg(flag).arg(zshrc).status().is_ok_and(|s| s.success());
    if !chattr("+i") {
        common::skip("chattr +i is not supported here");
        return;
    }
    let out = sandbox.doctor(&["--fix", "--yes"]).output().unwrap();
    chattr("-i");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("help: see the messages above"), "{stderr}");
    assert!(stderr.contains(&zshrc.display().to_string()), "the messages above name it: {stderr}");
    assert_eq!(text(zshrc), ZSHRC);
    assert_ne!(text(&planted.files[0].0), BASHRC, "the other fixes are made");
    sandbox.doctor(&["--fix", "--yes"]).assert().success();
    assert_ne!(text(zshrc), ZSHRC);
}
