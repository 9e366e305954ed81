//! The shim binary, driven for real: planted versions whose `go` prints what it received.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let world = World { dir: tempfile::tempdir().unwrap() };
        let shims = world.home().join("shims");
        fs::create_dir_all(&shims).unwrap();
        for tool in ["go", "gofmt"] {
            // A hard link, not a copy, for the reason `script` gives.
            fs::hard_link(env!("CARGO_BIN_EXE_gover-shim"), shims.join(tool)).unwrap();
        }
        world
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("gover")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    /// Writes an executable script through a child process, so no thread of this test process
    /// holds it open for writing while another forks (which makes exec fail with ETXTBSY).
    fn script(&self, path: &Path, body: &str) {
        use std::io::Write;
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut child = Command::new("sh")
            .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
            .arg(path)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("#!/bin/sh\n{body}").as_bytes()).unwrap();
        assert!(child.wait().unwrap().success());
    }

    /// A fake release whose tools print their name, version, GOROOT, GOTOOLCHAIN and args.
    fn install(&self, version: &str) {
        for tool in ["go", "gofmt"] {
            let bin = self.home().join("versions").join(version).join("bin").join(tool);
            self.script(&bin, &format!("echo \"{tool} {version} GOROOT=$GOROOT GOTOOLCHAIN=$GOTOOLCHAIN args=$*\"\n"));
        }
    }

    fn run(&self, tool: &str, cwd: &str, env: &[(&str, &str)]) -> Output {
        let cwd = self.path(cwd);
        fs::create_dir_all(&cwd).unwrap();
        let mut cmd = Command::new(self.home().join("shims").join(tool));
        cmd.env_clear()
            .env("HOME", self.path("home"))
            .env("GOVER_HOME", self.home())
            .env("PATH", format!("{}:/usr/bin:/bin", self.home().join("shims").display()))
            .current_dir(cwd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn stdout(&self, tool: &str, cwd: &str, env: &[(&str, &str)]) -> String {
        let out = self.run(tool, cwd, env);
        assert!(out.status.success(), "shim failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn nested_projects_switch_versions_and_goroot_follows() {
    let w = World::new();
    w.install("go1.21.13");
    w.install("go1.22.10");
    w.install("go1.22.9");
    w.write("p/.go-version", "1.21.13\n");
    w.write("p/sub/.tool-versions", "golang 1.22\n");
    let root = |v: &str| w.home().join("versions").join(v).display().to_string();

    let out = w.stdout("go", "p/a/b", &[("GOROOT", "/stale/goroot")]);
    assert_eq!(out, format!("go go1.21.13 GOROOT={} GOTOOLCHAIN=local args=\n", root("go1.21.13")));
    let out = w.stdout("go", "p/sub/deeper", &[("GOROOT", "/stale/goroot")]);
    assert_eq!(out, format!("go go1.22.10 GOROOT={} GOTOOLCHAIN=local args=\n", root("go1.22.10")));
    let out = w.stdout("gofmt", "p/sub", &[]);
    assert!(out.starts_with("gofmt go1.22.10 "), "{out}");
}

#[test]
fn one_walk_finds_the_pin_the_go_line_above_it_and_empty_pins_on_the_way() {
    let w = World::new();
    w.install("go1.21.13");
    w.install("go1.22.10");
    w.install("go1.23.9");
    let gomod = w.write("m/go.mod", "module example.com/m\n\ngo 1.22.0\n");
    w.write("m/p/.go-version", "1.21.13\n");
    let empty = w.write("m/p/q/.go-version", "# nothing yet\n");
    // The pin is older than the module's go line two directories above it: the newest
    // installed version that satisfies the line runs instead, and no warning is due.
    let out = w.run("go", "m/p", &[]);
    assert_eq!((String::from_utf8_lossy(&out.stdout).split(' ').nth(1), stderr(&out).as_str()), (Some("go1.23.9"), ""));
    // Below the empty pin: the same, with one warning naming it and what decides.
    let out = w.run("go", "m/p/q/r", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.23.9 "));
    assert_eq!(
        stderr(&out),
        format!(
            "warning: {} names no version, so it is skipped and {} decides; write a version in it or delete it\n",
            empty.display(),
            w.path("m/p/.go-version").display()
        )
    );
    // A go line the pin satisfies keeps the pin.
    fs::write(&gomod, "module example.com/m\ngo 1.21\n").unwrap();
    assert!(w.stdout("go", "m/p", &[]).starts_with("go go1.21.13 "));
}

/// A directory its user may search but not list (`chmod 711`, common for home directories on
/// shared machines): its pin is found by name. Root lists anything, so as root the shim runs
/// as uid 65534.
#[test]
fn a_directory_that_can_be_searched_but_not_listed_still_pins() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    w.install("go1.21.13");
    w.write("home/proj/.go-version", "1.21.13\n");
    fs::set_permissions(w.dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(w.path("home"), fs::Permissions::from_mode(0o311)).unwrap();
    fs::set_permissions(w.path("home/proj"), fs::Permissions::from_mode(0o311)).unwrap();
    fs::create_dir_all(w.path("home/proj/sub")).unwrap();
    let id = Command::new("id").arg("-u").output().unwrap();
    let mut cmd = if String::from_utf8_lossy(&id.stdout).trim() == "0" {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(w.home().join("shims/go"));
        cmd
    } else {
        Command::new(w.home().join("shims/go"))
    };
    let out = cmd.env_clear().env("GOVER_HOME", w.home()).current_dir(w.path("home/proj/sub")).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.21.13 "), "{out:?}");
    // So that a user other than root can remove the tree.
    for dir in ["home", "home/proj"] {
        fs::set_permissions(w.path(dir), fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn arguments_pass_through_untouched() {
    let w = World::new();
    w.install("go1.22.10");
    w.write("p/.go-version", "go1.22.10");
    let out = Command::new(w.home().join("shims/go"))
        .args(["build", "-o", "a b", "--", "$(x)"])
        .env_clear()
        .env("GOVER_HOME", w.home())
        .current_dir(w.path("p"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("args=build -o a b -- $(x)"));
}

#[test]
fn user_gotoolchain_is_respected() {
    let w = World::new();
    w.install("go1.22.10");
    w.write("p/.go-version", "1.22.10");
    let out = w.stdout("go", "p", &[("GOTOOLCHAIN", "go1.22.3+auto")]);
    assert!(out.contains("GOTOOLCHAIN=go1.22.3+auto"), "{out}");
}

#[test]
fn env_override_and_global_default() {
    let w = World::new();
    w.install("go1.21.13");
    w.install("go1.23.9");
    w.write("gover/global", "1.23\n");
    assert!(w.stdout("go", "anywhere", &[]).starts_with("go go1.23.9 "));
    w.write("p/.go-version", "1.23.9\n");
    assert!(w.stdout("go", "p", &[("GOVER_VERSION", "1.21")]).starts_with("go go1.21.13 "));
}

#[test]
fn not_installed_names_the_pin_and_the_fix() {
    let w = World::new();
    let pin = w.write("p/.go-version", "1.22\n");
    let out = w.run("go", "p/src", &[]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        format!("error: go1.22 is not installed (requested by {})\nhelp: run gover install 1.22\n", pin.display())
    );
}

#[test]
fn a_pin_that_cannot_be_read_says_why_on_a_cause_line() {
    let w = World::new();
    let pin = w.path("p/.go-version");
    fs::create_dir_all(w.path("p")).unwrap();
    // A link to itself: the open fails with an OS error, as an unreadable file's would.
    std::os::unix::fs::symlink(&pin, &pin).unwrap();
    let out = w.run("go", "p", &[]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        stderr(&out),
        format!(
            "error: cannot use {0}\n  cause: cannot read it: Too many levels of symbolic links (os error 40)\n\
             help: fix or remove {0}; it should hold one version such as 1.22.10\n",
            pin.display()
        )
    );
}

#[test]
fn a_go_line_that_rules_out_the_pin_is_the_cause_of_not_installed() {
    let w = World::new();
    w.install("go1.22.10");
    let pin = w.write("p/.go-version", "1.22\n");
    let gomod = w.write("p/go.mod", "module x\n\ngo 1.23.0\n");
    let expected = format!(
        "error: go1.23.0 is not installed (requested by {0})\n\
         \x20 cause: the go line of {0} rules out go1.22.10, which {1} picks\n\
         help: run gover install 1.23.0\n",
        gomod.display(),
        pin.display()
    );
    let out = w.run("go", "p", &[]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out), expected);
    // An exact pin, which is looked up without listing versions/: the same error.
    w.write("p/.go-version", "1.22.10\n");
    let out = w.run("go", "p", &[]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(3), expected));
}

#[test]
fn a_version_that_cannot_run_says_why_on_a_cause_line() {
    let w = World::new();
    w.install("go1.22.10");
    w.write("p/.go-version", "1.22.10\n");
    let go = w.home().join("versions/go1.22.10/bin/go");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&go, fs::Permissions::from_mode(0o644)).unwrap();
    let out = w.run("go", "p", &[]);
    assert_eq!(out.status.code(), Some(8));
    assert_eq!(
        stderr(&out),
        format!(
            "error: cannot run {}\n  cause: Permission denied (os error 13)\n\
             help: the install looks damaged; run gover uninstall go1.22.10 && gover install go1.22.10\n",
            go.display()
        )
    );
}

#[test]
fn an_error_shows_no_escape_sequence_a_directory_name_carries() {
    let w = World::new();
    // A checkout can name a directory anything; printed raw, this one retitles the terminal.
    let dir = "p/x\x1b]0;pwned\x07y";
    w.write(&format!("{dir}/.go-version"), "banana\n");
    let out = w.run("go", dir, &[]);
    assert_eq!(out.status.code(), Some(7));
    let err = stderr(&out);
    assert!(err.starts_with(&format!("error: cannot use {}", w.path("p/x]0;pwnedy/.go-version").display())), "{err:?}");
    assert!(!err.contains(['\x1b', '\x07']), "{err:?}");
}

#[test]
fn garbage_pins_are_rejected_with_file_and_line() {
    let w = World::new();
    w.install("go1.22.10");
    let marker = w.path("pwned");
    let evil = format!("1.22; touch {}\n", marker.display());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (".go-version", evil.clone().into_bytes(), ", line 1\n  cause: "),
        (".go-version", b"\x7fELF\x02\x01\x01\x00\x00\xff\xfe".to_vec(), "\n  cause: the file is not text"),
        (".go-version", "9".repeat(1_000_000).into_bytes(), "larger than"),
        (".go-version", b"# comment\n1.22.10.7\n".to_vec(), ", line 2\n  cause: \"1.22.10.7\" is not a Go version"),
        (".go-version", b"$(touch /tmp/x)".to_vec(), "is not a Go version"),
        (".tool-versions", b"golang `id`\n".to_vec(), ", line 1\n  cause: "),
        ("go.mod", b"module x\n\ntoolchain go1.22.0-custom\n".to_vec(), ", line 3\n  cause: "),
    ];
    for (name, content, expected) in cases {
        let dir = w.path("bad");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), &content).unwrap();
        let out = w.run("go", "bad", &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(7), "{name}: {err}");
        assert!(err.starts_with(&format!("error: cannot use {}", dir.join(name).display())), "{err}");
        assert!(err.contains(expected), "{name}: expected {expected:?} in {err}");
        assert!(err.len() < 400, "the error echoes too much of the file: {err}");
    }
    assert!(!marker.exists(), "a pin file's content was executed");
}

#[test]
fn system_go_runs_without_any_goroot() {
    let w = World::new();
    let system = w.path("usr/local/go/bin/go");
    w.script(&system, "echo \"system GOROOT=${GOROOT-unset}\"\n");
    let path = format!("{}:{}:/usr/bin:/bin", w.home().join("shims").display(), system.parent().unwrap().display());
    let out = w.stdout("go", "p", &[("PATH", &path), ("GOROOT", "/stale")]);
    assert_eq!(out, "system GOROOT=unset\n");
}

#[test]
fn a_loop_through_the_shims_is_stopped() {
    let w = World::new();
    // A "system" go that is only a wrapper calling `go` again: PATH finds the shim, which
    // picks the wrapper, which calls the shim...
    let wrapper = w.path("wrapper/go");
    w.script(&wrapper, "exec go \"$@\"\n");
    let path = format!("{}:{}:/usr/bin:/bin", w.home().join("shims").display(), wrapper.parent().unwrap().display());
    let out = w.run("go", "p", &[("PATH", &path)]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(stderr(&out).contains("in a loop"), "{}", stderr(&out));
}

#[test]
fn no_version_and_no_system_go() {
    let w = World::new();
    let out = w.run("go", "p", &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("no Go version is selected"), "{}", stderr(&out));
}

#[test]
fn wrong_name_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_gover-shim")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("runs as `go`, `gofmt` or a Go release name such as go1.23.9"), "{}", stderr(&out));
}

/// A directory like /tmp (sticky, writable by everyone): what anyone planted in it, or above
/// it, does not count, and the one file that would have is named once; a project of the
/// user's own below it pins as anywhere.
#[test]
fn a_shared_temporary_directory_stops_the_walk() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    w.install("go1.21.13");
    w.install("go1.22.10");
    w.install("go1.23.9");
    w.write("gover/global", "1.22.10\n");
    w.write(".go-version", "1.21.13\n");
    let planted = w.write("tmp/go.mod", "module planted\n\ngo 1.23.0\n\ntoolchain go1.23.9\n");
    fs::create_dir_all(w.path("tmp/mine")).unwrap();
    fs::create_dir_all(w.path("tmp/unpinned")).unwrap();
    fs::set_permissions(w.path("tmp"), fs::Permissions::from_mode(0o1777)).unwrap();
    let mine = w.write("tmp/mine/.go-version", "1.21.13\n");

    let warning = |decides: String| {
        format!(
            "warning: {} is in {}, a shared temporary directory (sticky, writable by every user), where no pin file \
             counts, nor above it; it is ignored and {decides} decides\n",
            planted.display(),
            w.path("tmp").display(),
        )
    };
    let out = w.run("go", "tmp/unpinned", &[]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.22.10 "), "{out:?}");
    assert_eq!(stderr(&out), warning(format!("the global default {}", w.home().join("global").display())));
    // The user's own project below it: its pin counts; the planted go line is no minimum.
    let out = w.run("go", "tmp/mine", &[]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.21.13 "), "{out:?}");
    assert_eq!(stderr(&out), warning(mine.display().to_string()));
    // Nothing planted: the walk stops there without a word.
    fs::remove_file(&planted).unwrap();
    let out = w.run("go", "tmp/unpinned", &[]);
    assert_eq!(
        (String::from_utf8_lossy(&out.stdout).split(' ').nth(1), stderr(&out).as_str()),
        (Some("go1.22.10"), "")
    );
}

/// Above the pin the walk asks for go.work and go.mod by name, and a directory too big to
/// list is asked by name at any depth: what is there still rules.
#[test]
fn a_go_mod_or_go_work_in_a_huge_directory_above_still_rules() {
    let w = World::new();
    w.install("go1.21.13");
    w.install("go1.22.10");
    w.install("go1.23.9");
    for i in 0..300 {
        w.write(&format!("big/an-entry-of-a-wide-directory-{i}"), "");
    }
    assert!(fs::metadata(w.path("big")).unwrap().len() > 4096, "too small to be asked by name");
    w.write("big/go.mod", "module m\n\ngo 1.23.0\n");
    w.write("big/p/.go-version", "1.22.10\n");
    assert!(w.stdout("go", "big/p/sub", &[]).starts_with("go go1.23.9 "), "the go line above raises the pin");
    // A workspace in a huge directory: its toolchain line, not the module's.
    fs::remove_file(w.path("big/go.mod")).unwrap();
    w.write("big/go.work", "go 1.22.0\n\ntoolchain go1.23.9\n\nuse ./m\n");
    w.write("big/m/go.mod", "module m\n\ngo 1.21\n\ntoolchain go1.21.13\n");
    assert!(w.stdout("go", "big/m/sub", &[]).starts_with("go go1.23.9 "));
    assert!(w.stdout("go", "big/m/sub", &[("GOWORK", "off")]).starts_with("go go1.21.13 "));
    // The pin itself in the huge directory, and the go line of the workspace beside it.
    w.write("big/.go-version", "1.22.10\n");
    w.write("big/go.work", "go 1.23.0\n\nuse ./m\n");
    assert!(w.stdout("go", "big", &[]).starts_with("go go1.23.9 "), "the workspace's go line raises the pin");
    fs::remove_file(w.path("big/go.work")).unwrap();
    assert!(w.stdout("go", "big", &[]).starts_with("go go1.22.10 "));
}

/// An exact pin is run from versions/<version> without listing versions/; when that is not
/// there, the error is that of the listing (a go line that rules it out: above).
#[test]
fn an_exact_pin_that_is_not_installed_says_so() {
    let w = World::new();
    w.install("go1.22.9");
    w.install("go1.23.9");
    let pin = w.write("p/.go-version", "1.22.10\n");
    let out = w.run("go", "p", &[]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        format!(
            "error: go1.22.10 is not installed (requested by {})\nhelp: run gover install 1.22.10\n",
            pin.display()
        )
    );
    w.write("p/.go-version", "1.22.9\n");
    assert!(w.stdout("go", "p", &[]).starts_with("go go1.22.9 "));
}
