//! `gover doctor` on planted environments: each finding is reproduced in a sandbox HOME (real
//! bash, zsh and fish answer the function checks), then the test edits the planted file and
//! the finding is gone. The base is a clean setup, which must report nothing.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{write_executable, Sandbox, BASE_PATH};
use serde_json::Value;

const HOOK_BASH: &str =
    "if [ -r \"$GOVER_HOME/shell/hook.bash\" ]; then . \"$GOVER_HOME/shell/hook.bash\"; fi # added by gover (gover implode removes it)\n";
const HOOK_SH: &str =
    "if [ -r \"$GOVER_HOME/shell/hook.sh\" ]; then . \"$GOVER_HOME/shell/hook.sh\"; fi # added by gover (gover implode removes it)\n";
const DEBIAN_GUARD: &str = "# ~/.bashrc: executed by bash(1) for non-login shells.\n\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\n\nHISTCONTROL=ignoreboth\n";

/// A sandbox set up the way a user has it after installing gover: shims, one version as the
/// global default, the hook in .bashrc (above Debian's guard) and .profile, and nothing else.
struct Setup {
    sb: Sandbox,
    env: Vec<(String, String)>,
    cwd: PathBuf,
}

impl Setup {
    fn clean() -> Setup {
        let sb = Sandbox::new();
        sb.install_shims();
        sb.fake_version("go1.22.10");
        fs::write(sb.gover_home.join("global"), "1.22.10\n").unwrap();
        fs::write(sb.home.join(".bashrc"), format!("{HOOK_BASH}{DEBIAN_GUARD}alias ll='ls -l'\n")).unwrap();
        fs::write(sb.home.join(".profile"), format!("PATH=\"$HOME/.local/bin:$PATH\"\n{HOOK_SH}")).unwrap();
        let root = sb.root().to_path_buf();
        fs::create_dir_all(root.join("alternatives/admin")).unwrap();
        fs::create_dir_all(root.join("alternatives/links")).unwrap();
        let mut env = sb.env();
        for (k, v) in [
            ("SHELL", "/bin/bash".to_string()),
            ("GOVER_ALTERNATIVES_ADMIN_DIR", root.join("alternatives/admin").display().to_string()),
            ("GOVER_ALTERNATIVES_DIR", root.join("alternatives/links").display().to_string()),
            ("GOVER_DOCTOR_CRONTAB", root.join("crontab").display().to_string()),
        ] {
            env.push((k.into(), v));
        }
        let cwd = sb.work.clone();
        Setup { sb, env, cwd }
    }

    fn set(&mut self, name: &str, value: impl AsRef<str>) {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.into(), value.as_ref().into()));
    }

    fn set_all(&mut self, vars: &[(&str, &str)]) {
        for (name, value) in vars {
            self.set(name, value);
        }
    }

    fn unset(&mut self, name: &str) {
        self.env.retain(|(k, _)| k != name);
    }

    fn home(&self, rel: &str) -> PathBuf {
        self.sb.home.join(rel)
    }

    fn write_home(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.home(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    fn command(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = common::gover_command(self.env.iter().map(|(k, v)| (k, v)), &self.cwd);
        cmd.args(args);
        cmd
    }

    /// `gover doctor --json`: its exit code and report.
    fn run(&self) -> (i32, Value) {
        report(self.command(&["doctor", "--json"]).output().unwrap())
    }

    /// bash (`-c`, or `-ic` for a new interactive shell) running `script` with the setup's
    /// environment, gover's own directory at the end of PATH as an installed gover would be.
    fn bash(&self, flags: &str, script: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new("bash");
        cmd.env_clear().envs(self.env.iter().map(|(k, v)| (k, v))).current_dir(&self.cwd).args([flags, script]);
        let path = self.env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_str()).unwrap_or_default();
        cmd.env("PATH", format!("{path}:{}", common::bin_dir().display())).stdin(std::process::Stdio::null());
        cmd
    }

    /// Runs a `command` fix exactly as doctor printed it, in bash.
    fn follow(&self, fix: &Value) {
        assert_eq!(fix["kind"], "command", "{fix}");
        let out = self.bash("-c", fix["command"].as_str().unwrap()).output().unwrap();
        assert!(out.status.success(), "{fix} failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// `gover doctor --json` in the bash where `script` (a fix line's shell step) has just run,
    /// its output kept apart from the report.
    fn assert_clean_after(&self, flags: &str, script: &str) {
        let script = format!("{{ :\n{script}\n}} >&2\ngover doctor --json");
        assert_clean(report(self.bash(flags, &script).output().unwrap()));
    }

    /// A release server publishing `versions`, which gover's commands here download from
    /// (kept alive by the returned rig).
    fn serve_releases(&mut self, versions: &[&str]) -> common::rig::Rig {
        let rig = common::rig::Rig::http();
        let releases: Vec<_> = versions
            .iter()
            .map(|v| common::releases::IndexEntry::new(v, common::releases::release_archive(v)))
            .collect();
        rig.publish(&releases);
        for (k, v) in rig.env().into_iter().filter(|(k, _)| k.starts_with("GOVER_") && k.ends_with("_URL")) {
            self.set(&k, v);
        }
        rig
    }

    /// Replaces the fake go1.22.10 with the real release, for fix lines that run go.
    fn real_go(&self) {
        let version = self.sb.gover_home.join("versions/go1.22.10");
        fs::remove_dir_all(&version).unwrap();
        common::link_copy(&common::real_go_tree("go1.22.10"), &version);
    }

    fn findings(&self) -> Vec<Value> {
        self.run().1["findings"].as_array().unwrap().clone()
    }

    /// The one finding with `id`, failing with the whole report when there is not exactly one.
    fn finding(&self, id: &str) -> Value {
        let all = self.findings();
        let matching: Vec<&Value> = all.iter().filter(|f| f["id"] == id).collect();
        assert_eq!(matching.len(), 1, "expected one {id}, got: {}", serde_json::to_string_pretty(&all).unwrap());
        matching[0].clone()
    }

    fn assert_clean(&self) {
        assert_clean(self.run());
    }
}

/// A `gover doctor --json` run's exit code and report.
fn report(out: std::process::Output) -> (i32, Value) {
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap(), report)
}

fn assert_clean((code, report): (i32, Value)) {
    assert_eq!(report["findings"], Value::Array(vec![]), "{}", serde_json::to_string_pretty(&report).unwrap());
    assert_eq!(code, 0);
}

fn ids(findings: &[Value]) -> Vec<String> {
    findings.iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

fn fix_texts(findings: &[Value]) -> Vec<&str> {
    findings.iter().map(|f| f["fix"]["text"].as_str().unwrap()).collect()
}

fn text(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// A check that panics (made to, by the debug build's GOVER_TEST_CRASH_CHECK) fails the whole
/// run with exit 101 and a message naming it, as text and as JSON: never the clean report its
/// missing findings would otherwise add up to.
#[test]
fn a_check_that_crashes_fails_the_run_and_says_which() {
    let mut s = Setup::clean();
    for check in ["shells", "path", "goroot", "permissions", "modules", "services", "vulns"] {
        s.set("GOVER_TEST_CRASH_CHECK", check);
        for args in [&["doctor", "--json"][..], &["doctor"]] {
            let out = s.command(args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(101), "{args:?} {check}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?} {check}: {}", String::from_utf8_lossy(&out.stdout));
            assert!(stderr.starts_with(&format!("error: gover crashed in doctor check `{check}`\n")), "{stderr}");
            assert!(stderr.contains(&format!("  cause: GOVER_TEST_CRASH_CHECK={check} (at src/doctor/")), "{stderr}");
            assert!(stderr.contains("\nhelp: this is a bug in gover") && stderr.contains("/issues"), "{stderr}");
        }
    }
}

#[test]
fn clean_setup_reports_nothing() {
    let s = Setup::clean();
    s.assert_clean();
    let out = s.command(&["doctor"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "No problems found.\n");
    assert!(out.status.success());
    let verbose = s.command(&["doctor", "-v"]).output().unwrap();
    let verbose = String::from_utf8_lossy(&verbose.stdout).into_owned();
    assert!(verbose.contains(&format!("PATH[0] {}", s.sb.shims_dir().display())), "{verbose}");
    assert!(verbose.contains("(gover's shim)"), "{verbose}");
    assert!(verbose.contains(&format!("{} (interactive bash; hook)", s.home(".bashrc").display())), "{verbose}");
}

#[test]
fn json_schema_is_stable() {
    let mut s = Setup::clean();
    s.set("GOROOT", "/opt/old-go");
    s.set("GOSUMDB", "off");
    let (code, report) = s.run();
    assert_eq!(code, 0, "warnings only");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&report), ["findings", "go_on_path", "schema", "startup_files", "summary"]);
    assert_eq!(
        report["startup_files"][0],
        serde_json::json!({"path": s.home(".profile"), "shell": "bash", "reads": "login", "hook": true})
    );
    assert_eq!(keys(&report["startup_files"][1]), ["hook", "path", "reads", "shell"]);
    assert_eq!(report["schema"], 1);
    assert_eq!(keys(&report["summary"]), ["errors", "infos", "warnings"]);
    assert_eq!(keys(&report["go_on_path"][0]), ["dir", "is_shim", "position", "resolved"]);
    let f = &report["findings"][0];
    assert_eq!(keys(f), ["category", "evidence", "fix", "id", "severity", "title"]);
    assert_eq!(f["id"], "goroot.exported");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["category"], "goroot");
    assert_eq!(f["evidence"][0], serde_json::json!({"kind": "env", "name": "GOROOT", "value": "/opt/old-go"}));
    assert_eq!(f["fix"]["kind"], "manual");
    assert_eq!(report["findings"][1]["id"], "modules.gosumdb-off");
    assert_eq!(report["summary"], serde_json::json!({"errors": 0, "warnings": 2, "infos": 0}));
}

#[test]
fn system_go_ahead_of_the_shims() {
    let mut s = Setup::clean();
    // Debian's layout: /usr/bin/go -> ../lib/go-1.19/bin/go.
    let usr = s.sb.root().join("usr");
    write_executable(&usr.join("lib/go-1.19/bin/go"), "#!/bin/sh\n");
    write_executable(&usr.join("lib/go-1.19/bin/gofmt"), "#!/bin/sh\n");
    fs::create_dir_all(usr.join("bin")).unwrap();
    std::os::unix::fs::symlink("../lib/go-1.19/bin/go", usr.join("bin/go")).unwrap();
    std::os::unix::fs::symlink("../lib/go-1.19/bin/gofmt", usr.join("bin/gofmt")).unwrap();
    s.set("PATH", format!("{}:{}", usr.join("bin").display(), s.sb.path_with_shims()));
    let f = s.finding("path.system-go-first");
    assert_eq!(f["severity"], "error");
    assert_eq!(s.finding("path.system-gofmt-first")["severity"], "error");
    assert_eq!(f["evidence"][0]["dir"], usr.join("bin").display().to_string());
    assert_eq!(f["evidence"][0]["resolved"], usr.join("lib/go-1.19/bin/go").display().to_string());
    assert_eq!(f["evidence"][1]["dir"], s.sb.shims_dir().display().to_string());
    assert_eq!(s.run().0, 1, "an error exits 1");
    let out = s.command(&["doctor"]).output().unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.starts_with("PATH and binaries\n  error[path.system-go-first]: `go` runs"), "{human}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("gover doctor found 2 error(s)"));

    // The rc line that prepends it after the hook is named, and is the fix.
    let rc = s.write_home(".bashrc", &format!("{HOOK_BASH}export PATH=\"{}:$PATH\"\n", usr.join("bin").display()));
    let f = s.finding("path.system-go-first");
    assert_eq!(f["fix"], serde_json::json!({"kind": "comment_out", "file": rc, "lines": {"start": 2, "end": 2}}));
    assert_eq!(s.finding("path.prepend-after-hook")["fix"]["lines"]["start"], 2);

    s.write_home(".bashrc", &format!("{HOOK_BASH}# export PATH=\"{}:$PATH\"\n", usr.join("bin").display()));
    s.set("PATH", format!("{}:{}", s.sb.path_with_shims(), usr.join("bin").display()));
    s.assert_clean();
}

#[test]
fn shims_missing_from_path() {
    let mut s = Setup::clean();
    s.set("PATH", BASE_PATH);
    let f = s.finding("path.shims-not-on-path");
    assert_eq!(f["severity"], "error");
    s.set("PATH", s.sb.path_with_shims());
    s.assert_clean();
}

#[test]
fn hook_missing_for_interactive_and_login_shells() {
    let s = Setup::clean();
    s.write_home(".bashrc", DEBIAN_GUARD);
    s.write_home(".profile", "PATH=\"$HOME/.local/bin:$PATH\"\n");
    let found = s.findings();
    assert_eq!(ids(&found), ["path.hook-missing-interactive", "path.hook-missing-login"], "{found:?}");
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(found[1]["severity"], "warning");
    assert_eq!(found[0]["fix"], serde_json::json!({"kind": "command", "command": "gover setup"}));

    // .bash_profile wins over .profile for login bash; sourcing .bashrc from it is enough.
    s.write_home(".bashrc", &format!("{HOOK_BASH}{DEBIAN_GUARD}"));
    s.write_home(".bash_profile", "[ -f ~/.bashrc ] && . ~/.bashrc\n");
    s.assert_clean();
    s.write_home(".bash_profile", "export EDITOR=vi\n");
    assert_eq!(ids(&s.findings()), ["path.hook-missing-login"]);
    fs::remove_file(s.home(".bash_profile")).unwrap();
    s.write_home(".profile", HOOK_SH);
    s.assert_clean();
}

#[test]
fn zsh_and_fish_hooks() {
    let mut s = Setup::clean();
    s.set("SHELL", "/usr/bin/zsh");
    s.write_home(".zshrc", "autoload -U compinit\n");
    assert_eq!(ids(&s.findings()), ["path.hook-missing-interactive", "path.hook-missing-login"]);
    s.write_home(".zshenv", HOOK_SH);
    s.assert_clean();

    s.set("SHELL", "/usr/bin/fish");
    assert_eq!(ids(&s.findings()), ["path.hook-missing-interactive"]);
    s.write_home(
        ".config/fish/conf.d/gover.fish",
        "test -r /g/hook.fish; and source /g/hook.fish # added by gover (gover implode removes it)\n",
    );
    s.assert_clean();
}

#[test]
fn hook_below_debians_early_return() {
    let s = Setup::clean();
    let rc = s.write_home(".bashrc", &format!("{DEBIAN_GUARD}{HOOK_BASH}"));
    let f = s.finding("path.hook-after-return");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["evidence"][0]["lines"], serde_json::json!({"start": 3, "end": 6}));
    assert_eq!(
        f["fix"],
        serde_json::json!({"kind": "move_above", "file": rc, "lines": {"start": 9, "end": 9}, "above": 3})
    );
    s.write_home(".bashrc", &format!("{HOOK_BASH}{DEBIAN_GUARD}"));
    s.assert_clean();
}

#[test]
fn goroot_in_the_environment_a_startup_file_and_the_go_env_file() {
    let mut s = Setup::clean();
    s.set("GOROOT", "/usr/local/go");
    let rc = s.write_home(
        ".bashrc",
        &format!("{HOOK_BASH}if [ -d /usr/local/go ]; then\n  export GOROOT=/usr/local/go\nfi\n"),
    );
    let envfile = s.write_home(".config/go/env", "GOPATH=/tmp/gp\nGOROOT=/usr/lib/go-1.19\n");
    let found = s.findings();
    assert_eq!(ids(&found), ["goroot.exported", "goroot.go-env-file"], "{found:?}");
    assert_eq!(
        found[0]["fix"],
        serde_json::json!({"kind": "comment_out", "file": rc, "lines": {"start": 2, "end": 4}})
    );
    assert_eq!(found[1]["fix"], serde_json::json!({"kind": "remove_go_env_key", "file": envfile, "key": "GOROOT"}));
    assert_eq!(found[1]["evidence"][0]["lines"]["start"], 2);

    s.unset("GOROOT");
    assert_eq!(ids(&s.findings()), ["goroot.go-env-file", "goroot.startup-export"]);
    s.write_home(".bashrc", HOOK_BASH);
    s.write_home(".config/go/env", "GOPATH=/tmp/gp\n");
    s.assert_clean();
}

#[test]
fn a_go_setting_in_a_heredoc_or_a_multi_line_string_is_data() {
    let s = Setup::clean();
    let rc = format!("{HOOK_BASH}cat <<EOF\nexport GOROOT=/x\nEOF\nNOTE=\"two\nexport GOPATH=/in/a/string\n\"\n");
    s.write_home(".bashrc", &rc);
    s.write_home(".zshrc", "cat >/dev/null <<'EOF'\nexport GOROOT=/x\nEOF\n");
    s.assert_clean();
    // In bash a `}` that is an argument does not end a function: the export runs only when
    // the function is called.
    s.write_home(".bashrc", &format!("{HOOK_BASH}greet() {{\n  echo }}\n  export GOROOT=/x\n}}\n"));
    s.assert_clean();
    // The same line as code is reported (so the test above can fail).
    s.write_home(".zshrc", "cat >/dev/null <<'EOF'\nEOF\nexport GOROOT=/x\n");
    assert_eq!(ids(&s.findings()), ["goroot.startup-export"]);
}

/// A go outside gover that answers `go env GOROOT GOVERSION` like the real one.
fn plant_system_go(s: &Setup, root: &Path, version_file: &str, reports: &str) {
    write_executable(
        &root.join("bin/go"),
        &format!("#!/bin/sh\nif [ \"$1\" = env ]; then echo \"${{GOROOT:-{}}}\"; echo {reports}; fi\n", root.display()),
    );
    fs::write(root.join("VERSION"), format!("{version_file}\ntime 2024-01-01T00:00:00Z\n")).unwrap();
    let _ = s;
}

#[test]
fn stale_goroot_and_mixed_toolchains_of_a_system_go() {
    let mut s = Setup::clean();
    let sys = s.sb.root().join("usr/local/go");
    plant_system_go(&s, &sys, "go1.21.13", "go1.21.13");
    let old = s.sb.root().join("usr/lib/go-1.19");
    plant_system_go(&s, &old, "go1.19.8", "go1.19.8");
    // Without gover's shims: the system go is the one that runs.
    s.set("PATH", format!("{}:{BASE_PATH}", sys.join("bin").display()));
    fs::remove_dir_all(s.sb.shims_dir()).unwrap();
    fs::remove_dir_all(s.sb.gover_home.join("versions")).unwrap();
    fs::remove_file(s.sb.gover_home.join("global")).unwrap();
    s.write_home(".bashrc", &format!("export GOROOT={}\nexport PATH=$GOROOT/bin:$PATH\n", old.display()));
    s.set("GOROOT", old.display().to_string());
    let f = s.finding("goroot.stale-export");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["fix"]["lines"], serde_json::json!({"start": 1, "end": 1}));
    assert!(text(&f).contains(&sys.display().to_string()));
    // Set by no startup file (the environment of whatever started the shell): unset it.
    s.write_home(".bashrc", "");
    let fix = s.finding("goroot.stale-export")["fix"].clone();
    assert!(fix["text"].as_str().unwrap().ends_with("then `unset GOROOT`"), "{fix}");
    s.assert_clean_after("-c", "unset GOROOT");

    // A GOROOT that is right for the go that runs, without gover: only a note.
    s.set("GOROOT", sys.display().to_string());
    s.write_home(".bashrc", "");
    assert_eq!(s.finding("goroot.exported")["severity"], "info");
    s.unset("GOROOT");
    s.assert_clean();

    // The binary and its tree disagree: a half-upgraded install.
    fs::write(sys.join("VERSION"), "go1.22.0\n").unwrap();
    let f = s.finding("goroot.version-mismatch");
    assert!(f["title"].as_str().unwrap().contains("go1.21.13"), "{f}");
    assert_eq!(f["evidence"][1]["kind"], "command");
    assert!(f["fix"]["text"].as_str().unwrap().contains("unpack the go1.21.13 release into it"), "{f}");
    assert!(f["fix"]["text"].as_str().unwrap().ends_with("`gover install 1.21.13`"), "{f}");
    // Reinstalled: the directory removed, the release unpacked into it.
    fs::remove_dir_all(&sys).unwrap();
    plant_system_go(&s, &sys, "go1.21.13", "go1.21.13");
    s.assert_clean();

    // go env GOROOT names another tree (a go env -w GOROOT, or a moved install).
    let envfile = s.write_home(".config/go/env", &format!("GOROOT={}\n", old.display()));
    write_executable(
        &sys.join("bin/go"),
        &format!("#!/bin/sh\nif [ \"$1\" = env ]; then echo {}; echo go1.21.13; fi\n", old.display()),
    );
    let f = s.finding("goroot.mixed-toolchain");
    assert_eq!(f["fix"], serde_json::json!({"kind": "remove_go_env_key", "file": envfile, "key": "GOROOT"}));
    // Built in (the tree moved from there): an official release reinstalled in place.
    fs::remove_file(envfile).unwrap();
    let f = s.finding("goroot.mixed-toolchain");
    assert!(f["fix"]["text"].as_str().unwrap().starts_with(&format!("this go has {} built in", old.display())), "{f}");
    plant_system_go(&s, &sys, "go1.21.13", "go1.21.13");
    s.assert_clean();
}

#[test]
fn alternatives_pointing_at_missing_trees() {
    let s = Setup::clean();
    let root = s.sb.root();
    let present = root.join("usr/lib/go-1.21/bin/go");
    write_executable(&present, "#!/bin/sh\n");
    let missing = root.join("usr/lib/go-1.19/bin/go");
    let admin = root.join("alternatives/admin/go");
    fs::write(&admin, format!("auto\n/usr/bin/go\n\n{}\n121\n{}\n50\n\n", present.display(), missing.display()))
        .unwrap();
    std::os::unix::fs::symlink(&missing, root.join("alternatives/links/go")).unwrap();
    let f = s.finding("alternatives.missing-target");
    assert_eq!(f["severity"], "error", "it is the current choice");
    assert_eq!(f["fix"], serde_json::json!({"kind": "remove_alternative", "name": "go", "path": missing}));

    fs::remove_file(root.join("alternatives/links/go")).unwrap();
    std::os::unix::fs::symlink(&present, root.join("alternatives/links/go")).unwrap();
    assert_eq!(s.finding("alternatives.missing-target")["severity"], "warning");

    // gofmt switched separately to another release.
    let gofmt = root.join("usr/lib/go-1.20/bin/gofmt");
    write_executable(&gofmt, "#!/bin/sh\n");
    fs::write(root.join("alternatives/admin/gofmt"), format!("manual\n/usr/bin/gofmt\n\n{}\n20\n\n", gofmt.display()))
        .unwrap();
    std::os::unix::fs::symlink(&gofmt, root.join("alternatives/links/gofmt")).unwrap();
    assert_eq!(s.finding("alternatives.mixed-versions")["severity"], "warning");

    fs::write(&admin, format!("auto\n/usr/bin/go\n\n{}\n121\n\n", present.display())).unwrap();
    fs::remove_file(root.join("alternatives/admin/gofmt")).unwrap();
    s.assert_clean();

    // The link itself points at a tree no choice names any more.
    fs::remove_file(root.join("alternatives/links/go")).unwrap();
    std::os::unix::fs::symlink("/usr/lib/go-1.17/bin/go", root.join("alternatives/links/go")).unwrap();
    assert_eq!(s.finding("alternatives.broken-link")["fix"]["command"], "sudo update-alternatives --auto go");
    fs::remove_file(root.join("alternatives/links/go")).unwrap();
    s.assert_clean();
}

#[test]
fn functions_and_aliases_named_go_as_real_shells_see_them() {
    let mut s = Setup::clean();
    let rc = s.write_home(".bashrc", &format!("{HOOK_BASH}go() {{\n  command go \"$@\"\n}}\n{DEBIAN_GUARD}"));
    let f = s.finding("shell.go-function");
    assert_eq!(f["severity"], "error");
    assert!(text(&f["evidence"]).contains(&format!("go 2 {}", rc.display())), "bash named file and line: {f}");
    assert_eq!(f["fix"], serde_json::json!({"kind": "comment_out", "file": rc, "lines": {"start": 2, "end": 4}}));
    s.write_home(".bashrc", &format!("{HOOK_BASH}{DEBIAN_GUARD}"));
    s.assert_clean();

    if common::require("zsh") {
        zsh_alias_and_function(&mut s);
    }
    if common::require("fish") {
        fish_function(&mut s);
    }
}

fn zsh_alias_and_function(s: &mut Setup) {
    s.set("SHELL", "/usr/bin/zsh");
    s.write_home(".zshenv", HOOK_SH);
    let zshrc = s.write_home(".zshrc", "alias go=go1.21\ngofmt() { command gofmt -s \"$@\" }\n");
    let found = s.findings();
    assert_eq!(ids(&found), ["shell.go-alias", "shell.gofmt-function"], "{found:?}");
    assert!(text(&found[0]["evidence"]).contains("go is an alias for go1.21"));
    assert_eq!(
        found[0]["fix"],
        serde_json::json!({"kind": "comment_out", "file": zshrc, "lines": {"start": 1, "end": 1}})
    );
    assert_eq!(found[1]["fix"]["lines"], serde_json::json!({"start": 2, "end": 2}));
    s.write_home(".zshrc", "");
    s.assert_clean();
}

fn fish_function(s: &mut Setup) {
    s.set("SHELL", "/usr/bin/fish");
    s.write_home(".config/fish/conf.d/gover.fish", "true # added by gover (gover implode removes it)\n");
    // Defined for interactive shells only, as most fish configs do.
    let config = s.write_home(
        ".config/fish/config.fish",
        "if status is-interactive\n    function go\n        command go $argv\n    end\nend\n",
    );
    let f = s.finding("shell.go-function");
    assert!(text(&f["evidence"]).contains(&format!("go: {}", config.display())), "fish was asked: {f}");
    assert_eq!(f["fix"], serde_json::json!({"kind": "comment_out", "file": config, "lines": {"start": 1, "end": 5}}));
    s.write_home(".config/fish/config.fish", "");
    s.assert_clean();
}

#[test]
fn gvm_leftovers_its_cd_function_and_versions() {
    let s = Setup::clean();
    // gvm's cd switches to the version a directory names, after changing to it.
    s.write_home(
        ".gvm/scripts/gvm",
        "cd() {\n  if builtin cd \"$@\"; then\n    [ -f .go-version ] && gvm use \"$(cat .go-version)\"\n  fi\n}\nexport GVM_ROOT=\"$HOME/.gvm\"\n",
    );
    write_executable(&s.home(".gvm/gos/go1.20.14/bin/go"), "#!/bin/sh\n");
    fs::write(s.home(".gvm/gos/go1.20.14/VERSION"), "go1.20.14\n").unwrap();
    let rc = s.write_home(
        ".bashrc",
        &format!("{HOOK_BASH}{DEBIAN_GUARD}[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"\n"),
    );
    let found = s.findings();
    assert_eq!(ids(&found), ["managers.init-line", "shell.cd-function", "managers.remnant"], "{found:?}");
    let init = LineFix { file: rc.clone(), line: 10 };
    assert_eq!(found[0]["fix"], init.json());
    assert_eq!(found[1]["fix"], init.json(), "gvm's cd goes with the line that loads gvm");
    assert_eq!(found[2]["severity"], "info");
    assert!(text(&found[2]).contains("go1.20.14"));
    assert_eq!(found[2]["fix"], serde_json::json!({"kind": "command", "command": "gover import gvm"}));

    s.write_home(
        ".bashrc",
        &format!(
            "{HOOK_BASH}{DEBIAN_GUARD}# [[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"\n"
        ),
    );
    assert_eq!(ids(&s.findings()), ["managers.remnant"]);
    fs::remove_dir_all(s.home(".gvm")).unwrap();
    s.assert_clean();
}

struct LineFix {
    file: PathBuf,
    line: usize,
}

impl LineFix {
    fn json(&self) -> Value {
        serde_json::json!({"kind": "comment_out", "file": self.file, "lines": {"start": self.line, "end": self.line}})
    }
}

#[test]
fn other_managers_trees() {
    let s = Setup::clean();
    write_executable(&s.home(".asdf/installs/golang/1.21.5/go/bin/go"), "#!/bin/sh\n");
    fs::create_dir_all(s.home(".asdf/plugins/golang")).unwrap();
    write_executable(&s.home("sdk/go1.22.1/bin/go"), "#!/bin/sh\n");
    write_executable(&s.home(".goenv/versions/1.20.1/bin/go"), "#!/bin/sh\n");
    write_executable(&s.home(".local/share/mise/installs/go/1.23.0/bin/go"), "#!/bin/sh\n");
    s.write_home(".profile", &format!("{HOOK_SH}. \"$HOME/.asdf/asdf.sh\"\neval \"$(goenv init -)\"\n"));
    let found = s.findings();
    let titles: Vec<&str> = found.iter().map(|f| f["title"].as_str().unwrap()).collect();
    for (manager, version) in
        [("asdf", "1.21.5"), ("golang.org/dl", "go1.22.1"), ("goenv", "1.20.1"), ("mise", "1.23.0")]
    {
        let f =
            found.iter().find(|f| f["id"] == "managers.remnant" && f["title"].as_str().unwrap().starts_with(manager));
        assert!(f.is_some_and(|f| text(f).contains(version)), "{manager}: {titles:?}");
    }
    let inits: Vec<&Value> = found.iter().filter(|f| f["id"] == "managers.init-line").collect();
    assert_eq!(inits.len(), 2, "{titles:?}");
    // asdf serving only Go goes; serving other languages too, it stays and gover's hook
    // moves after it.
    let asdf = inits.iter().find(|f| text(f).contains("asdf.sh")).unwrap();
    assert_eq!(
        asdf["fix"],
        serde_json::json!({"kind": "comment_out", "file": s.home(".profile"), "lines": {"start": 2, "end": 2}})
    );
    let goenv = inits.iter().find(|f| text(f).contains("goenv init")).unwrap();
    assert_eq!(goenv["fix"]["lines"]["start"], 3);
    fs::create_dir_all(s.home(".asdf/plugins/nodejs")).unwrap();
    let asdf =
        s.findings().into_iter().find(|f| f["id"] == "managers.init-line" && text(f).contains("asdf.sh")).unwrap();
    assert_eq!(
        asdf["fix"],
        serde_json::json!({"kind": "copy_to_end", "file": s.home(".profile"), "lines": {"start": 1, "end": 1}})
    );
    // `asdf plugin remove golang`: no Go of asdf's can come first any more.
    fs::remove_dir_all(s.home(".asdf/plugins/golang")).unwrap();
    fs::remove_dir_all(s.home(".asdf/installs/golang")).unwrap();
    assert!(!s.findings().iter().any(|f| f["id"] == "managers.init-line" && text(f).contains("asdf.sh")));
    for dir in [".asdf", "sdk", ".goenv", ".local/share/mise"] {
        fs::remove_dir_all(s.home(dir)).unwrap();
    }
    s.write_home(".profile", HOOK_SH);
    s.assert_clean();
}

#[test]
fn broken_gover_versions() {
    let s = Setup::clean();
    let v = s.sb.fake_version("go1.21.13");
    fs::remove_file(v.join("bin/go")).unwrap();
    let w = s.sb.fake_version("go1.23.9");
    fs::write(w.join("VERSION"), "go1.23.8\n").unwrap();
    let found = s.findings();
    assert_eq!(ids(&found), ["versions.incomplete", "versions.version-mismatch"]);
    assert_eq!(found[0]["fix"]["command"], "gover uninstall --force go1.21.13 && gover install go1.21.13");
    assert!(found[1]["title"].as_str().unwrap().contains("go1.23.8"));
    fs::remove_dir_all(v).unwrap();
    fs::write(w.join("VERSION"), "go1.23.9\n").unwrap();
    s.assert_clean();
}

#[test]
fn pins_naming_what_is_not_installed_and_toolchain_switching() {
    let mut s = Setup::clean();
    let pin = s.sb.work.join("app/.go-version");
    fs::create_dir_all(pin.parent().unwrap()).unwrap();
    fs::write(&pin, "1.23.9\n").unwrap();
    s.cwd = s.sb.work.join("app");
    let f = s.finding("versions.pin-not-installed");
    assert_eq!(
        f["evidence"][0],
        serde_json::json!({"kind": "file", "path": pin, "lines": {"start": 1, "end": 1}, "text": null})
    );
    assert_eq!(f["fix"]["command"], "gover install 1.23.9");
    fs::write(&pin, "1.22\n").unwrap();
    s.assert_clean();

    s.set("GOTOOLCHAIN", "go1.23.1+auto");
    let f = s.finding("versions.gotoolchain-switch");
    assert!(f["title"].as_str().unwrap().contains("pinned 1.22"), "{f}");
    s.set("GOTOOLCHAIN", "local");
    s.assert_clean();

    fs::write(&pin, "1.22; rm -rf /\n").unwrap();
    assert_eq!(s.finding("versions.bad-pin")["severity"], "error");
}

#[test]
fn module_settings_from_the_go_env_file_and_the_environment() {
    let mut s = Setup::clean();
    let envfile = s.write_home(".config/go/env", "GOPROXY=off\nGOSUMDB=off\nGOFLAGS=-insecure -mod=mod\n");
    s.set("GOPRIVATE", "corp.example,github.com/org/private");
    s.set("GONOSUMDB", "corp.example");
    s.set("GONOPROXY", "*.example,github.com/org");
    // Covered by GONOPROXY (`*.example` matches `corp.example`, a prefix pattern covers its
    // subpaths), so only GONOSUMDB is reported.
    let found = s.findings();
    assert_eq!(
        ids(&found),
        ["modules.goflags-insecure", "modules.goprivate-nosumdb", "modules.goproxy-off", "modules.gosumdb-off"],
        "{found:?}"
    );
    assert_eq!(found[0]["fix"], serde_json::json!({"kind": "remove_go_env_key", "file": envfile, "key": "GOFLAGS"}));
    assert!(found[1]["title"].as_str().unwrap().contains("github.com/org/private"));
    assert_eq!(found[2]["evidence"][0]["lines"]["start"], 1);

    // The environment wins over the file.
    s.set("GOPROXY", "direct");
    assert_eq!(s.finding("modules.goproxy-direct")["severity"], "info");
    s.unset("GOPROXY");
    s.write_home(".config/go/env", "GOPROXY=https://proxy.golang.org,direct\n");
    s.set("GONOSUMDB", "corp.example,github.com/org/*");
    s.assert_clean();
    // GOENV names the env file (`go env GOENV`).
    let custom = s.sb.root().join("custom-go-env");
    fs::write(&custom, "GOSUMDB=off\n").unwrap();
    s.set("GOENV", custom.display().to_string());
    assert_eq!(s.finding("modules.gosumdb-off")["fix"]["file"], custom.display().to_string());
    s.set("GOENV", "off");
    s.assert_clean();
    s.unset("GOENV");
    s.set("GONOPROXY", "github.com");
    assert!(s.finding("modules.goprivate-noproxy")["title"].as_str().unwrap().contains("misses corp.example:"));
    s.unset("GONOPROXY");
    s.assert_clean();
}

#[test]
fn tls_proxy_and_preload_variables() {
    let mut s = Setup::clean();
    let pem = s.sb.root().join("ca.pem");
    s.set("SSL_CERT_FILE", pem.display().to_string());
    s.set("HTTPS_PROXY", "http://bob:hunter2@proxy corp:3128");
    s.set("LD_PRELOAD", "/usr/lib/libintercept.so");
    s.set("SSL_CERT_DIR", "/nonexistent/certs");
    let found = s.findings();
    assert_eq!(
        ids(&found),
        ["network.proxy-url", "network.ssl-cert-file", "binary.ld-preload", "network.ssl-cert-dir"]
    );
    assert!(!text(&found[0]).contains("hunter2"), "passwords are not printed");
    fs::write(&pem, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----BEGIN\n").unwrap();
    assert!(s.finding("network.ssl-cert-file")["title"].as_str().unwrap().contains("PEM"));

    let cert = rcgen::generate_simple_self_signed(vec!["proxy.corp".into()]).unwrap();
    fs::write(&pem, cert.cert.pem()).unwrap();
    s.set("HTTPS_PROXY", "proxy.corp:3128");
    s.unset("LD_PRELOAD");
    s.unset("SSL_CERT_DIR");
    s.assert_clean();
}

#[test]
fn a_go_binary_whose_elf_interpreter_is_missing() {
    let s = Setup::clean();
    let original = fs::read("/bin/true").unwrap();
    let interp = b"/lib64/ld-linux-x86-64.so.2";
    let Some(at) = original.windows(interp.len()).position(|w| w == interp) else {
        panic!("/bin/true has no x86-64 glibc interpreter; adjust the test for this platform")
    };
    let mut broken = original.clone();
    broken[at + interp.len() - 1] = b'9';
    let go = s.sb.gover_home.join("versions/go1.22.10/bin/go");
    fs::write(&go, &broken).unwrap();
    let f = s.finding("binary.missing-interpreter");
    assert!(f["title"].as_str().unwrap().contains("/lib64/ld-linux-x86-64.so.9"), "{f}");
    // gover's copy of the version: downloaded afresh.
    let mut s = s;
    let _rig = s.serve_releases(&["go1.22.10"]);
    s.follow(&f["fix"]);
    s.assert_clean();
}

#[test]
fn cgo_without_a_compiler() {
    let mut s = Setup::clean();
    s.set("CGO_ENABLED", "1");
    s.set("CC", "/opt/cross/bin/aarch64-linux-gnu-gcc -O2");
    s.set("PKG_CONFIG", "no-such-pkg-config");
    assert_eq!(ids(&s.findings()), ["cgo.cc-missing", "cgo.pkg-config-missing"]);
    s.unset("CC");
    s.unset("PKG_CONFIG");
    s.set("GOARCH", "riscv64");
    assert_eq!(s.finding("cgo.cross-compiler")["evidence"][0]["name"], "GOARCH");
    s.unset("GOARCH");
    // Only the shims on PATH: no gcc, no clang.
    let bin = s.sb.root().join("onlysh");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink("/bin/sh", bin.join("sh")).unwrap();
    s.set("PATH", format!("{}:{}", s.sb.shims_dir().display(), bin.display()));
    assert_eq!(s.finding("cgo.no-compiler")["severity"], "error");
    s.unset("CGO_ENABLED");
    assert_eq!(s.finding("cgo.no-compiler")["severity"], "info");
    s.set("CGO_ENABLED", "0");
    s.assert_clean();
}

#[test]
fn gopath_project_without_go_mod() {
    let mut s = Setup::clean();
    let project = s.home("go/src/example.com/app/cmd");
    fs::create_dir_all(&project).unwrap();
    s.cwd = project;
    let f = s.finding("modules.gopath-no-gomod");
    assert_eq!(f["fix"]["command"], "go mod init example.com/app/cmd");
    s.write_home("go/src/example.com/app/go.mod", "module example.com/app\n");
    s.assert_clean();
}

#[test]
fn planted_proc_noexec_tmp_umask_and_ports() {
    let mut s = Setup::clean();
    let proc = s.sb.root().join("proc");
    let mountinfo =
        "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n30 22 0:25 / /tmp rw,nosuid,nodev,noexec - tmpfs tmpfs rw\n";
    fs::create_dir_all(proc.join("self")).unwrap();
    fs::create_dir_all(proc.join("sys/net/ipv4")).unwrap();
    fs::create_dir_all(proc.join("net")).unwrap();
    fs::write(proc.join("self/mountinfo"), mountinfo).unwrap();
    fs::write(proc.join("self/status"), "Name:\tgover\nUmask:\t0277\n").unwrap();
    fs::write(proc.join("sys/net/ipv4/ip_local_port_range"), "60000\t60009\n").unwrap();
    let mut tcp = "  sl  local_address rem_address   st\n".to_string();
    for i in 0..6 {
        tcp.push_str(&format!("   {i}: 0100007F:EA6{i} 0100007F:01BB 06 0\n"));
    }
    fs::write(proc.join("net/tcp"), tcp).unwrap();
    s.set("GOVER_DOCTOR_PROC", proc.display().to_string());
    s.set("TMPDIR", "/tmp");
    let found = s.findings();
    // The sandbox's GOCACHE is under /tmp too.
    assert_eq!(
        ids(&found),
        ["permissions.noexec", "permissions.umask", "permissions.noexec", "network.ephemeral-ports"],
        "{found:?}"
    );
    assert_eq!(found[0]["severity"], "error");
    assert!(found[0]["title"].as_str().unwrap().starts_with("TMPDIR (/tmp)"));
    assert!(found[2]["title"].as_str().unwrap().starts_with("GOCACHE"));
    assert_eq!(found[2]["severity"], "warning");
    assert_eq!(found[3]["severity"], "info");
    // The noexec lines followed with a real go: `go env -w` to directories on / (exec).
    let fixes = fix_texts(&found);
    assert!(fixes[0].ends_with("(go env -w GOTMPDIR=…)") && fixes[2].ends_with("(go env -w GOCACHE=…)"), "{fixes:?}");
    s.real_go();
    s.follow(&serde_json::json!({"kind": "command", "command": "go env -w GOTMPDIR=/var/tmp/go-tmp GOCACHE=/var/tmp/go-build"}));
    assert_eq!(ids(&s.findings()), ["permissions.umask", "network.ephemeral-ports"]);
    fs::remove_file(s.home(".config/go/env")).unwrap();

    fs::write(proc.join("self/mountinfo"), mountinfo.replace(",noexec", "")).unwrap();
    fs::write(proc.join("self/status"), "Umask:\t0022\n").unwrap();
    // The range widened as the ports line says (what the sysctl writes).
    assert!(found[3]["fix"]["text"].as_str().unwrap().ends_with("ip_local_port_range=\"15000 65000\")"));
    fs::write(proc.join("sys/net/ipv4/ip_local_port_range"), "15000\t65000\n").unwrap();
    s.assert_clean();

    // A build cache shared with a group (setgid, group-writable) under umask 022.
    let cache = s.home(".cache/go-build");
    fs::create_dir_all(&cache).unwrap();
    fs::set_permissions(&cache, fs::Permissions::from_mode(0o2775)).unwrap();
    let f = s.finding("permissions.umask");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["evidence"][1],
        serde_json::json!({"kind": "owner", "path": cache, "uid": unsafe { libc::getuid() }, "mode": 0o2775})
    );
    fs::write(proc.join("self/status"), "Umask:\t0002\n").unwrap();
    s.assert_clean();
}

#[test]
fn a_default_acl_that_strips_execute_from_new_binaries() {
    if !common::require("setfacl") {
        return;
    }
    let s = Setup::clean();
    let gobin = s.home("go/bin");
    fs::create_dir_all(&gobin).unwrap();
    // version 2; user_obj rw-, group_obj r--, other r--.
    let mut acl = 2u32.to_le_bytes().to_vec();
    for (tag, perm) in [(1u16, 6u16), (4, 4), (0x20, 4)] {
        acl.extend(tag.to_le_bytes());
        acl.extend(perm.to_le_bytes());
        acl.extend(u32::MAX.to_le_bytes());
    }
    let path = std::ffi::CString::new(gobin.display().to_string()).unwrap();
    let set = unsafe {
        libc::setxattr(path.as_ptr(), c"system.posix_acl_default".as_ptr(), acl.as_ptr().cast(), acl.len(), 0)
    };
    if set != 0 {
        common::skip(&format!("this filesystem does not take POSIX ACLs ({})", std::io::Error::last_os_error()));
        return;
    }
    let f = s.finding("permissions.default-acl");
    assert!(f["title"].as_str().unwrap().contains("rw-"), "{f}");
    assert_eq!(f["fix"]["command"], format!("setfacl -k {}", gobin.display()));
    s.follow(&f["fix"]);
    s.assert_clean();
}

#[test]
fn gobin_with_tools_not_on_path() {
    let s = Setup::clean();
    // ~/go/bin is what gover's hook puts after the shims: new shells have it.
    write_executable(&s.home("go/bin/gopls"), "#!/bin/sh\n");
    s.assert_clean();
    // A GOBIN from the go env file (`go env -w GOBIN=…`) the hook does not read.
    let tools = s.home("tools");
    write_executable(&tools.join("gopls"), "#!/bin/sh\n");
    s.write_home(".config/go/env", &format!("GOBIN={}\n", tools.display()));
    let f = s.finding("path.gobin-not-on-path");
    assert_eq!(
        f["fix"],
        serde_json::json!({"kind": "append_line", "file": s.home(".bashrc"), "line": format!("export PATH=\"$PATH:{}\"", tools.display())})
    );
    let mut s = s;
    s.set("PATH", format!("{}:{}", s.sb.path_with_shims(), tools.display()));
    s.assert_clean();
}

#[test]
fn systemd_user_environment_and_cron() {
    let mut s = Setup::clean();
    let fake = s.sb.root().join("fakebin");
    let answer = s.sb.root().join("systemd-env");
    fs::write(&answer, "LANG=C.UTF-8\nPATH=/usr/local/bin:/usr/bin:/bin\n").unwrap();
    write_executable(
        &fake.join("systemctl"),
        &format!("#!/bin/sh\n[ \"$1 $2\" = '--user show-environment' ] && cat '{}'\n", answer.display()),
    );
    s.set("PATH", format!("{}:{}:{BASE_PATH}", s.sb.shims_dir().display(), fake.display()));
    let crontab = s.sb.root().join("crontab");
    fs::write(&crontab, "MAILTO=me\n0 3 * * * cd /src/app && go build ./...\n").unwrap();
    let found = s.findings();
    assert_eq!(ids(&found), ["services.cron-bare-go", "services.systemd-path"], "{found:?}");
    assert!(text(&found[0]).contains("line 2: 0 3 * * * cd /src/app && go build ./..."));
    let dropin = s.home(".config/environment.d/50-gover.conf");
    assert_eq!(found[1]["fix"]["file"], dropin.display().to_string());
    let content = found[1]["fix"]["content"].as_str().unwrap();
    let names = s.sb.root().join("system/shims");
    assert!(
        content.contains(&format!("\nPATH={}:${{PATH}}:{}\n", s.sb.shims_dir().display(), names.display())),
        "{content}"
    );
    // It is what `gover setup --systemd` writes.
    s.sb.gover().args(["setup", "--systemd", "--no-modify-rc"]).assert().success();
    assert_eq!(fs::read_to_string(&dropin).unwrap(), content);
    fs::write(&answer, format!("PATH={}:/usr/bin:/bin\n", s.sb.shims_dir().display())).unwrap();
    // Both ways the cron fix line offers: the shim called by its path, or PATH above the job.
    let fix = found[0]["fix"]["text"].as_str().unwrap();
    let shim = s.sb.shims_dir().join("go");
    assert!(fix.starts_with(&format!("call {} instead of go", shim.display())), "{fix}");
    fs::write(&crontab, format!("MAILTO=me\n0 3 * * * cd /src/app && {} build ./...\n", shim.display())).unwrap();
    s.assert_clean();
    fs::write(
        &crontab,
        format!("PATH={}:/usr/bin:/bin\n0 3 * * * cd /src/app && go build ./...\n", s.sb.shims_dir().display()),
    )
    .unwrap();
    s.assert_clean();
}

/// The sandbox root is 0700 (tempfile); another user needs to walk through it.
fn open_up(s: &Setup) {
    for dir in [s.sb.root(), &s.sb.home, &s.sb.work] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn chown_tree(path: &Path, uid: u32) {
    let status = std::process::Command::new("chown").arg("-R").arg(format!("{uid}:{uid}")).arg(path).status().unwrap();
    assert!(status.success());
}

/// doctor as uid 65534, the way an unprivileged user runs it.
fn run_as_nobody(s: &Setup) -> Vec<Value> {
    let mut cmd = std::process::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_gover"), "doctor", "--json"])
        .env_clear()
        .envs(s.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&s.cwd);
    let out = cmd.output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    report["findings"].as_array().unwrap().clone()
}

#[test]
fn caches_owned_by_root_after_sudo_go() {
    if unsafe { libc::getuid() } != 0 {
        common::skip("planting another owner needs root");
        return;
    }
    let s = Setup::clean();
    open_up(&s);
    // One `sudo go mod download`: root-owned cache inside the user's GOMODCACHE.
    fs::create_dir_all(s.home("go/pkg/mod/cache/download")).unwrap();
    fs::create_dir_all(s.home(".cache/go-build")).unwrap();
    chown_tree(&s.sb.home, 65534);
    chown_tree(&s.home("go/pkg/mod/cache"), 0);
    chown_tree(&s.home(".cache/go-build"), 0);
    let found = run_as_nobody(&s);
    assert_eq!(ids(&found), ["permissions.foreign-owner", "permissions.foreign-owner"], "{found:?}");
    assert_eq!(found[0]["evidence"][0]["uid"], 0);
    let cache = s.home("go/pkg/mod");
    assert!(found.iter().any(|f| f["fix"]["command"] == format!("sudo chown -R nobody: {}", cache.display())));

    // A GOPATH the user owns but cannot write.
    chown_tree(&s.sb.home, 65534);
    fs::set_permissions(s.home("go"), fs::Permissions::from_mode(0o555)).unwrap();
    let found = run_as_nobody(&s);
    assert_eq!(ids(&found), ["permissions.not-writable"], "{found:?}");
    assert_eq!(found[0]["evidence"][0]["mode"], 0o555);
    fs::set_permissions(s.home("go"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run_as_nobody(&s), Vec::<Value>::new());
}

#[test]
fn a_home_that_belongs_to_someone_else() {
    if unsafe { libc::getuid() } != 0 {
        common::skip("planting another owner needs root");
        return;
    }
    let s = Setup::clean();
    open_up(&s);
    // A container user whose HOME is root's: GOCACHE defaults into it and cannot be made.
    let found = run_as_nobody(&s);
    let got = ids(&found);
    assert!(got.contains(&"permissions.home-not-owned".to_string()), "{got:?}");
    assert!(got.contains(&"permissions.not-writable".to_string()), "{got:?}");
    assert!(text(&Value::Array(found)).contains("GOCACHE"));
    chown_tree(&s.sb.home, 65534);
    assert_eq!(run_as_nobody(&s), Vec::<Value>::new());

    // A HOME that does not exist (nobody's /nonexistent): everything go would create there
    // is named in one finding.
    let mut s = s;
    s.set("HOME", s.sb.root().join("nonexistent").display().to_string());
    s.set("GOVER_HOME", s.sb.root().join("nonexistent/.local/share/gover").display().to_string());
    fs::set_permissions(s.sb.root(), fs::Permissions::from_mode(0o555)).unwrap();
    let found = run_as_nobody(&s);
    fs::set_permissions(s.sb.root(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(ids(&found), ["permissions.not-writable", "permissions.home-missing"], "{found:?}");
    for name in ["GOMODCACHE", "GOCACHE", "GOPATH", "GOBIN", "GOVER_HOME"] {
        assert!(found[0]["title"].as_str().unwrap().contains(name), "{name}: {}", found[0]["title"]);
    }
}

#[test]
fn gopath_bin_holding_a_go_ahead_of_the_shims() {
    let mut s = Setup::clean();
    write_executable(&s.home("go/bin/go"), "#!/bin/sh\n");
    s.set("PATH", format!("{}:{}", s.home("go/bin").display(), s.sb.path_with_shims()));
    let f = s.finding("path.system-go-first");
    assert!(f["title"].as_str().unwrap().starts_with("$GOPATH/bin ("), "{f}");
    fs::remove_file(s.home("go/bin/go")).unwrap();
    s.assert_clean();
}

#[test]
fn nothing_to_run_once_gover_is_in_use() {
    let s = Setup::clean();
    fs::remove_file(s.sb.gover_home.join("global")).unwrap();
    let f = s.finding("versions.nothing-to-run");
    assert_eq!(f["fix"]["command"], "gover global 1.22.10", "an installed version, not a download");
    fs::write(s.sb.gover_home.join("global"), "1.22\n").unwrap();
    s.assert_clean();
}

#[test]
fn a_shell_that_hangs_is_given_up_on_and_its_files_read_instead() {
    let s = Setup::clean();
    let rc = s.write_home(".bashrc", &format!("{HOOK_BASH}go() {{ command go \"$@\"; }}\nsleep 30\n"));
    let started = std::time::Instant::now();
    let f = s.finding("shell.go-function");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(f["fix"], serde_json::json!({"kind": "comment_out", "file": rc, "lines": {"start": 2, "end": 2}}));
    s.write_home(".bashrc", HOOK_BASH);
    s.assert_clean();
}

#[test]
fn a_setup_made_by_gover_setup_is_clean() {
    let mut s = Setup::clean();
    // Debian's skeleton files, then what `gover setup` writes into them.
    fs::copy("/etc/skel/.bashrc", s.home(".bashrc")).unwrap();
    fs::copy("/etc/skel/.profile", s.home(".profile")).unwrap();
    s.sb.gover().arg("setup").assert().success();
    // The PATH a new terminal gets from the hook.
    let out = std::process::Command::new("bash")
        .args(["-ic", "echo \"$PATH\""])
        .env_clear()
        .env("HOME", &s.sb.home)
        .env("PATH", BASE_PATH)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let path = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(path.starts_with(&s.sb.shims_dir().display().to_string()), "{path}");
    s.set("PATH", path);
    s.assert_clean();
}

/// F4/F17 with real Go releases: go1.22.10's binary run with go1.21.13's GOROOT exported.
#[test]
fn a_real_go_with_a_stale_goroot() {
    let mut s = Setup::clean();
    let sys = s.sb.root().join("usr/local/go");
    let old = s.sb.root().join("usr/lib/go-1.21");
    common::link_copy(&common::real_go_tree("go1.22.10"), &sys);
    common::link_copy(&common::real_go_tree("go1.21.13"), &old);
    fs::remove_dir_all(s.sb.shims_dir()).unwrap();
    fs::remove_dir_all(s.sb.gover_home.join("versions")).unwrap();
    fs::remove_file(s.sb.gover_home.join("global")).unwrap();
    s.set("PATH", format!("{}:{BASE_PATH}", sys.join("bin").display()));
    s.set("GOROOT", old.display().to_string());
    let f = s.finding("goroot.stale-export");
    assert!(f["title"].as_str().unwrap().contains(&sys.display().to_string()), "{f}");
    s.unset("GOROOT");
    s.assert_clean();

    // A half-upgraded tree: the binary is 1.22.10, VERSION says otherwise (a fresh file, so
    // the shared test tree is not touched).
    fs::remove_file(sys.join("VERSION")).unwrap();
    fs::write(sys.join("VERSION"), "go1.21.13\ntime 2024-08-06T17:36:05Z\n").unwrap();
    let f = s.finding("goroot.version-mismatch");
    assert!(text(&f).contains("go1.22.10"), "go env GOVERSION was asked: {f}");
    fs::remove_file(sys.join("VERSION")).unwrap();
    fs::copy(common::real_go_tree("go1.22.10").join("VERSION"), sys.join("VERSION")).unwrap();
    s.assert_clean();
}

#[test]
fn gvms_go_ahead_of_the_shims_points_at_gvms_init_line() {
    let mut s = Setup::clean();
    let gvm_bin = s.home(".gvm/gos/go1.20.14/bin");
    write_executable(&gvm_bin.join("go"), "#!/bin/sh\n");
    s.write_home(".gvm/scripts/gvm", "export GVM_ROOT=\"$HOME/.gvm\"\n");
    let rc = s.write_home(".bashrc", &format!("{HOOK_BASH}source \"$HOME/.gvm/scripts/gvm\"\n"));
    s.set("PATH", format!("{}:{}", gvm_bin.display(), s.sb.path_with_shims()));
    let f = s.finding("path.system-go-first");
    assert_eq!(f["fix"], LineFix { file: rc, line: 2 }.json());
    s.write_home(".bashrc", HOOK_BASH);
    s.set("PATH", s.sb.path_with_shims());
    fs::remove_dir_all(s.home(".gvm")).unwrap();
    s.assert_clean();
}

#[test]
fn on_a_terminal_the_shells_answer_without_waiting_for_it() {
    let s = Setup::clean();
    let rc = s.write_home(".bashrc", &format!("{HOOK_BASH}go() {{\n  command go \"$@\"\n}}\n{DEBIAN_GUARD}"));
    let report = s.sb.root().join("report.json");
    let cmdline = format!("'{}' doctor --json > '{}'", env!("CARGO_BIN_EXE_gover"), report.display());
    let started = std::time::Instant::now();
    // `script` gives doctor a terminal, as a person running it has.
    let status = std::process::Command::new("script")
        .args(["-qec", &cmdline, "/dev/null"])
        .env_clear()
        .envs(s.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&s.cwd)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    // `bash -ic` sharing the terminal waited to take it over until doctor's 3 s timeout.
    let elapsed = started.elapsed();
    assert!(elapsed < std::time::Duration::from_millis(2500), "doctor took {elapsed:?} on a terminal");
    let report: Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    let found = report["findings"].as_array().unwrap();
    let f = found.iter().find(|f| f["id"] == "shell.go-function").expect("the go function is reported");
    assert!(text(&f["evidence"]).contains(&format!("go 2 {}", rc.display())), "bash itself named file and line: {f}");
}

#[test]
fn mise_serving_node_gets_go_turned_off_in_its_own_settings() {
    // mise's prompt and cd hooks put its go first again after gover's hook: while it stays
    // for node, its own `disable_tools` takes Go away from it, reversibly.
    let mut s = Setup::clean();
    write_executable(&s.home(".local/share/mise/installs/go/1.22.10/bin/go"), "#!/bin/sh\n");
    write_executable(&s.home(".local/share/mise/installs/node/20.11.0/bin/node"), "#!/bin/sh\n");
    let original = "[tools]\ngo = \"1.22.10\"\nnode = \"20\"\n";
    let config = s.write_home(".config/mise/config.toml", original);
    s.write_home(".zshrc", "eval \"$(mise activate zsh)\"\n");
    let f = s.finding("managers.init-line");
    let turned_off = format!("{original}\n[settings]\ndisable_tools = [\"go\"]\n");
    assert_eq!(f["fix"], serde_json::json!({"kind": "write_file", "file": config, "content": turned_off}));
    s.command(&["doctor", "--fix", "--yes"]).assert().success();
    assert_eq!(fs::read_to_string(&config).unwrap(), turned_off);
    assert!(!s.findings().iter().any(|f| f["id"] == "managers.init-line"));
    s.command(&["doctor", "--undo"]).assert().success();
    assert_eq!(fs::read_to_string(&config).unwrap(), original);
    // A form of the setting doctor does not edit is left to the user, who is told where.
    s.write_home(
        ".config/mise/config.toml",
        "[settings]\ndisable_tools = [\n  \"python\",\n]\n[tools]\ngo = \"1.22\"\n",
    );
    let f = s.finding("managers.init-line");
    assert_eq!(f["fix"]["kind"], "manual", "{f}");
    assert!(text(&f["fix"]).contains(&config.display().to_string()), "{f}");
    // The variable turns Go off in every shell that has it.
    s.set("MISE_DISABLE_TOOLS", "python,go");
    assert!(!s.findings().iter().any(|f| f["id"] == "managers.init-line"));
}

#[test]
fn asdf_golang_set_env_lines_and_a_removed_plugin() {
    // asdf-golang's README lines, then `asdf plugin remove golang` (the old advice) before
    // --fix: every shell start fails to source the file, and doctor says so.
    let s = Setup::clean();
    let plugin = s.home(".asdf/plugins/golang");
    s.write_home(".asdf/plugins/golang/set-env.bash", "export GOROOT=\"$HOME/.asdf/installs/golang/1.21.13/go\"\n");
    let rc = s.write_home(
        ".bashrc",
        &format!("{HOOK_BASH}. ${{ASDF_DATA_DIR:-$HOME/.asdf}}/plugins/golang/set-env.bash\nif [ -f ~/.bash_aliases ]; then\n    . ~/.bash_aliases\nfi\n"),
    );
    let f = s.finding("managers.init-line");
    assert_eq!(f["fix"], LineFix { file: rc.clone(), line: 2 }.json(), "a Go-only line of asdf: disabled");
    fs::remove_dir_all(&plugin).unwrap();
    let out = s.sb.startup_shell("bash").args(["-ic", "true"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("No such file or directory"));
    let f = s.finding("path.missing-source");
    assert_eq!(f["fix"], LineFix { file: rc.clone(), line: 2 }.json());
    assert!(f["title"].as_str().unwrap().contains(".asdf/plugins/golang/set-env.bash"), "{f}");
    // The guarded source of a missing ~/.bash_aliases (Debian's) is no finding.
    s.command(&["doctor", "--fix", "--yes"]).assert().success();
    let out = s.sb.startup_shell("bash").args(["-ic", "true"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("No such file"), "{}", String::from_utf8_lossy(&out.stderr));
    fs::remove_dir_all(s.home(".asdf")).unwrap();
    s.assert_clean();
}

#[test]
fn asdf_0_16_shims_are_asdfs_not_a_broken_go() {
    // asdf ≥ 0.16's line puts its shims first; its go shim is a script whose tree is not a
    // Go: never "remove it and reinstall".
    let mut s = Setup::clean();
    let shims = s.home(".asdf/shims");
    write_executable(&shims.join("go"), "#!/bin/sh\necho /elsewhere\necho go1.21.13\n");
    let rc =
        s.write_home(".bashrc", &format!("{HOOK_BASH}export PATH=\"${{ASDF_DATA_DIR:-$HOME/.asdf}}/shims:$PATH\"\n"));
    s.set("PATH", format!("{}:{}", shims.display(), s.sb.path_with_shims()));
    let found = s.findings();
    assert!(!ids(&found).contains(&"goroot.mixed-toolchain".to_string()), "{found:#?}");
    assert!(!text(&Value::Array(found.clone())).contains("reinstall that Go"));
    let f = found.iter().find(|f| f["id"] == "path.system-go-first").unwrap();
    assert_eq!(f["fix"], LineFix { file: rc.clone(), line: 2 }.json());
    let init = found.iter().find(|f| f["id"] == "managers.init-line").unwrap();
    assert_eq!(init["fix"], LineFix { file: rc, line: 2 }.json());
}

#[test]
fn goenv_with_its_shims_in_front_and_goroot_exported() {
    // GOENV_PATH_ORDER=front in ~/.goenvrc puts goenv's shims first; goenv's init exports
    // GOROOT, which its own exec sets right: no stale-GOROOT claim, and the fix names the
    // init line, not the GOENV_ROOT line.
    let mut s = Setup::clean();
    let goenv = s.home(".goenv");
    write_executable(&goenv.join("shims/go"), "#!/bin/sh\necho go\n");
    write_executable(&goenv.join("versions/1.21.13/bin/go"), "#!/bin/sh\n");
    s.write_home(".goenvrc", "GOENV_PATH_ORDER=front\n");
    let rc = s.write_home(
        ".bashrc",
        &format!("{HOOK_BASH}export GOENV_ROOT=\"$HOME/.goenv\"\nexport PATH=\"$GOENV_ROOT/bin:$PATH\"\neval \"$(goenv init -)\"\n"),
    );
    s.set("PATH", format!("{}:{}", goenv.join("shims").display(), s.sb.path_with_shims()));
    s.set("GOROOT", goenv.join("versions/1.21.13").display().to_string());
    let found = s.findings();
    assert!(!ids(&found).contains(&"goroot.stale-export".to_string()), "{found:#?}");
    let f = found.iter().find(|f| f["id"] == "path.system-go-first").unwrap();
    assert_eq!(f["fix"], LineFix { file: rc.clone(), line: 4 }.json());
    // The line using the variable the fix disables goes with it (else PATH=/bin:$PATH).
    let lines: Vec<u64> = found
        .iter()
        .filter(|f| f["id"] == "managers.init-line")
        .map(|f| f["fix"]["lines"]["start"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 4]);
    // GOROOT came from goenv's init: the fix is that line, not "find where GOROOT is set".
    let f = s.finding("goroot.exported");
    assert_eq!(f["fix"], LineFix { file: rc, line: 4 }.json());
}

#[test]
fn a_function_a_zsh_eval_made_is_fixed_in_zsh_files() {
    // The same manager set up in .bashrc and .zshrc: zsh's `cd` function is zsh's finding,
    // fixed in .zshrc; bash names a line of the evaluated text, which is not in .bashrc.
    let s = Setup::clean();
    write_executable(
        &s.home(".local/bin/mise"),
        // A cd that runs more after the builtin (doctor leaves one that only wraps it alone).
        "#!/bin/sh\necho '# a comment'\necho\necho\necho 'cd() { builtin cd \"$@\" && eval \"$(mise hook-env)\"; }'\n",
    );
    let line = "eval \"$(~/.local/bin/mise activate)\"\n";
    let bashrc = s.write_home(".bashrc", &format!("{HOOK_BASH}{line}"));
    let zshrc = s.write_home(".zshrc", line);
    let found = s.findings();
    let cd: Vec<&Value> = found.iter().filter(|f| f["id"] == "shell.cd-function").collect();
    for f in &cd {
        let title = f["title"].as_str().unwrap();
        let rc = if title.starts_with("zsh") { &zshrc } else { &bashrc };
        let file_evidence = f["evidence"].as_array().unwrap().iter().find(|e| e["kind"] == "file").unwrap();
        assert_eq!(file_evidence["path"], rc.display().to_string(), "{f}");
        assert_eq!(f["fix"]["file"], rc.display().to_string(), "{f}");
        let line = if title.starts_with("zsh") { 1 } else { 2 };
        assert_eq!(f["fix"]["lines"]["start"], line, "{f}");
        if title.starts_with("bash") {
            assert_eq!(file_evidence["lines"]["start"], 2, "the eval's line, not the one bash names: {f}");
            assert!(file_evidence["text"].as_str().unwrap().contains("created by this line"), "{f}");
        }
    }
    assert_eq!(cd.len(), 2, "{found:#?}");
}

#[test]
fn a_line_whose_variable_is_unset_puts_a_system_go_first() {
    // `export PATH="$GOENV_ROOT/bin:$PATH"` once GOENV_ROOT's line is gone is
    // `PATH=/bin:$PATH`: the go of /bin (Debian's golang-go) comes first in `bash -ic`.
    // Here the "system" directory is in the sandbox and the variable is another one.
    let s = Setup::clean();
    let sys = s.sb.root().join("usr/bin");
    write_executable(&sys.join("go"), "#!/bin/sh\n");
    let rc = s.write_home(
        ".bashrc",
        &format!("{HOOK_BASH}export PATH=\"{}$TOOLS_ROOT/bin:$PATH\"\n", s.sb.root().join("usr").display()),
    );
    let f = s.finding("path.shell-go-first");
    assert!(f["title"].as_str().unwrap().starts_with("in `bash -ic`, `go` is"), "{f}");
    assert_eq!(f["evidence"][0]["dir"], sys.display().to_string());
    assert_eq!(f["fix"], LineFix { file: rc.clone(), line: 2 }.json());
    s.write_home(".bashrc", HOOK_BASH);
    s.assert_clean();
}

#[test]
fn a_zsh_user_is_sent_to_zshrc() {
    // gvm's line in both .bashrc and .zshrc; doctor runs from zsh ($SHELL), whose PATH has
    // gvm's go first: the fix is .zshrc's line, not .bashrc's.
    let mut s = Setup::clean();
    let gvm_bin = s.home(".gvm/gos/go1.20.14/bin");
    write_executable(&gvm_bin.join("go"), "#!/bin/sh\n");
    s.write_home(".gvm/scripts/gvm", "export GVM_ROOT=\"$HOME/.gvm\"\n");
    let line = "[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"\n";
    s.write_home(".bashrc", &format!("{HOOK_BASH}{line}"));
    let zshrc = s.write_home(".zshrc", &format!("# zsh\n{line}"));
    s.set("SHELL", "/usr/bin/zsh");
    s.set("PATH", format!("{}:{}", gvm_bin.display(), s.sb.path_with_shims()));
    let f = s.finding("path.system-go-first");
    assert_eq!(f["fix"], LineFix { file: zshrc, line: 2 }.json());
}

/// The PATH and GOROOT fix lines that are steps in a shell, taken in real bash: doctor run in
/// that shell afterwards finds nothing.
#[test]
fn path_and_goroot_fix_lines_followed_in_bash() {
    let mut s = Setup::clean();
    // The hook files the clean setup's rc lines source.
    s.sb.gover().arg("setup").assert().success();
    s.assert_clean();

    s.set("PATH", BASE_PATH);
    let fix = s.finding("path.shims-not-on-path")["fix"].clone();
    assert!(fix["text"].as_str().unwrap().contains("run `eval \"$(gover init bash)\"`"), "{fix}");
    s.assert_clean_after("-c", "eval \"$(gover init bash)\"");
    s.assert_clean_after("-ic", "");

    // A go ahead of the shims that no startup line put there (/etc/environment, an IDE).
    let usr = s.sb.root().join("usr");
    write_executable(&usr.join("local/go/bin/go"), "#!/bin/sh\n");
    s.set("PATH", format!("{}:{}", usr.join("local/go/bin").display(), s.sb.path_with_shims()));
    let fix = s.finding("path.system-go-first")["fix"].clone();
    assert!(fix["text"].as_str().unwrap().contains("or start a new shell"), "{fix}");
    s.assert_clean_after("-ic", "");
    s.set("PATH", s.sb.path_with_shims());

    s.set("GOROOT", "/usr/local/go");
    let fix = s.finding("goroot.exported")["fix"].clone();
    assert!(fix["text"].as_str().unwrap().ends_with("then `unset GOROOT`"), "{fix}");
    s.assert_clean_after("-c", "unset GOROOT");
}

/// The version fix lines are commands: each, run as printed against a release server, clears
/// its finding.
#[test]
fn version_fix_commands_run_as_printed() {
    let mut s = Setup::clean();
    let _rig = s.serve_releases(&["go1.21.13", "go1.23.9"]);

    let broken = s.sb.fake_version("go1.21.13");
    fs::remove_file(broken.join("bin/go")).unwrap();
    s.follow(&s.finding("versions.incomplete")["fix"]);
    s.assert_clean();

    let pin = s.sb.work.join("app/.go-version");
    fs::create_dir_all(pin.parent().unwrap()).unwrap();
    fs::write(&pin, "1.23.9\n").unwrap();
    s.cwd = s.sb.work.join("app");
    let fix = s.finding("versions.pin-not-installed")["fix"].clone();
    assert_eq!(fix, serde_json::json!({"kind": "command", "command": "gover install 1.23.9"}));
    s.follow(&fix);
    s.assert_clean();

    s.cwd = s.sb.work.clone();
    fs::remove_file(s.sb.gover_home.join("global")).unwrap();
    let fix = s.finding("versions.nothing-to-run")["fix"].clone();
    assert_eq!(fix["command"], "gover global 1.23.9", "the newest installed version, not a download");
    s.follow(&fix);
    s.assert_clean();
}

/// The clean setup (go1.22.10, past end of life with known vulnerabilities) with the loopback
/// vulnerability database and a release server of the newest patches of three lines; the
/// database and the server live as long as the values returned.
fn with_vulnerability_data() -> (Setup, common::vulndb::VulnDb, common::rig::Rig) {
    let mut s = Setup::clean();
    let db = common::vulndb::VulnDb::serve();
    s.unset("GOVER_VULNDB");
    s.set("GOVULNDB", db.url());
    let rig = s.serve_releases(&["go1.22.10", "go1.25.13", "go1.26.6"]);
    (s, db, rig)
}

/// The security-currency fix lines, run as printed against the loopback vulnerability
/// database and a release server: `gover list --refresh` fetches the data, then the
/// upgrade each vulnerable or end-of-life version's line prints moves its pin off it.
#[test]
fn vulnerability_fix_commands_run_as_printed() {
    let (mut s, _db, _rig) = with_vulnerability_data();

    let fix = s.finding("versions.vulndb-stale")["fix"].clone();
    assert_eq!(fix, serde_json::json!({"kind": "command", "command": "gover list --refresh"}));
    s.follow(&fix);
    let found = s.findings();
    assert_eq!(ids(&found), ["versions.end-of-life", "versions.vulnerable"], "{found:#?}");
    assert_eq!(found[0]["fix"], found[1]["fix"]);
    assert_eq!(found[0]["fix"]["command"], "gover upgrade 1.22 --pins --to 1.26");
    s.follow(&found[0]["fix"]);
    s.assert_clean();

    // Chosen with `gover shell`: the line ends with the `gover shell` of the hook's function.
    s.set("GOVER_VERSION", "1.22.10");
    let fix = s.finding("versions.vulnerable")["fix"].clone();
    assert_eq!(fix["command"], "gover upgrade 1.22 --to 1.26 && gover shell 1.26.6");
    s.assert_clean_after("-c", &format!("eval \"$(gover init bash)\"\n{}", fix["command"].as_str().unwrap()));
    s.unset("GOVER_VERSION");

    // A pin with a fix in its own line stays in that line.
    s.sb.fake_version("go1.26.5");
    fs::create_dir_all(s.sb.work.join("app")).unwrap();
    fs::write(s.sb.work.join("app/.go-version"), "1.26.5\n").unwrap();
    s.cwd = s.sb.work.join("app");
    let fix = s.finding("versions.vulnerable")["fix"].clone();
    assert_eq!(fix["command"], "gover upgrade 1.26 --pins");
    s.follow(&fix);
    s.assert_clean();
}

/// PATH fix lines that are edits (one described, one a line to append), made by hand as a
/// user would: doctor in a new interactive bash then finds nothing.
#[test]
fn path_fix_lines_edited_as_described() {
    let s = Setup::clean();
    s.sb.gover().arg("setup").assert().success();
    // A directory from a command substitution: no line can be named, the files can.
    let opt = s.sb.root().join("opt/bin");
    write_executable(&opt.join("go"), "#!/bin/sh\n");
    let line = format!("PATH=\"$(echo {}):$PATH\"\n", opt.display());
    let rc = s.write_home(".bashrc", &format!("{HOOK_BASH}{line}"));
    let fix = s.finding("path.shell-go-first")["fix"].clone();
    assert_eq!(
        fix["text"],
        format!(
            "in {}, remove the line that puts {} on PATH, or move it above gover's hook; then start a new shell",
            rc.display(),
            opt.display()
        )
    );
    s.write_home(".bashrc", &format!("{line}{HOOK_BASH}"));
    s.assert_clean_after("-ic", "");
    s.write_home(".bashrc", HOOK_BASH);
    s.assert_clean_after("-ic", "");

    // GOBIN from the go env file: the line the fix appends to .bashrc.
    let tools = s.home("tools");
    write_executable(&tools.join("gopls"), "#!/bin/sh\n");
    s.write_home(".config/go/env", &format!("GOBIN={}\n", tools.display()));
    let fix = s.finding("path.gobin-not-on-path")["fix"].clone();
    assert_eq!(fix["file"], rc.display().to_string());
    s.write_home(".bashrc", &format!("{HOOK_BASH}{}\n", fix["line"].as_str().unwrap()));
    s.assert_clean_after("-ic", "");
}

/// A pin below the module's go line: the printed command pins the line's version where the
/// pin in effect lives (the global default, a .go-version), installing it.
/// A bad pin file: made to look the way its line says, in each pin format.
#[test]
fn pin_fix_lines_followed() {
    let mut s = Setup::clean();
    let _rig = s.serve_releases(&["go1.23.0"]);
    let app = s.sb.work.join("app");
    fs::create_dir_all(app.join("sub")).unwrap();
    fs::write(app.join("go.mod"), "module example.com/app\n\ngo 1.23.0\n").unwrap();
    s.cwd = app.join("sub");
    let fix = s.finding("versions.pin-below-go-line")["fix"].clone();
    assert_eq!(fix["command"], format!("cd '{}' && gover use --install 1.23.0", app.display()));
    s.follow(&fix);
    s.assert_clean();

    let pin = app.join("sub/.go-version");
    fs::write(&pin, "1.22.10\n").unwrap();
    let fix = s.finding("versions.pin-below-go-line")["fix"].clone();
    assert_eq!(fix["command"], format!("cd '{}' && gover use --install 1.23.0", app.join("sub").display()));
    s.follow(&fix);
    s.assert_clean();

    // Outside the module, so the version the lines give as the example (installed) is clean.
    s.cwd = s.sb.work.join("other");
    for (name, bad, good) in [
        (".go-version", "1.22; rm -rf /\n", "1.22.10\n"),
        (".tool-versions", "golang 1.22.10; rm -rf /\n", "golang 1.22.10\n"),
        ("mise.toml", "[tools]\ngo = [\"1.22.10\"\n", "[tools]\ngo = \"1.22.10\"\n"),
        (
            "go.mod",
            "module example.com/other\n\ngo 1.22\n\ntoolchain go1.22.x\n",
            "module example.com/other\n\ngo 1.22\n\ntoolchain go1.22.10\n",
        ),
    ] {
        let file = s.cwd.join(name);
        fs::create_dir_all(&s.cwd).unwrap();
        fs::write(&file, bad).unwrap();
        let fix = s.finding("versions.bad-pin")["fix"].clone();
        let text = fix["text"].as_str().unwrap();
        assert!(text.contains(&file.display().to_string()) && text.contains(good.lines().last().unwrap()), "{fix}");
        fs::write(&file, good).unwrap();
        s.assert_clean();
        fs::remove_file(&file).unwrap();
    }
}

/// The module settings' fix lines as shell steps, taken in bash; `go mod init` run with a
/// real go (through the shims) in a GOPATH-era project.
#[test]
fn module_fix_lines_followed() {
    let mut s = Setup::clean();
    s.set_all(&[
        ("GOPROXY", "off"),
        ("GOSUMDB", "off"),
        ("GOFLAGS", "-insecure"),
        ("GOPRIVATE", "corp.example,github.com/org/private"),
        ("GONOSUMDB", "corp.example"),
        ("GONOPROXY", "github.com"),
    ]);
    let found = s.findings();
    let fixes = fix_texts(&found);
    let unset = |name: &str| format!("unset {name} where it is set (CI configuration, /etc/environment, your IDE)");
    assert_eq!(
        fixes,
        [
            unset("GOFLAGS"),
            "add corp.example to GONOPROXY, or unset GONOPROXY so it follows GOPRIVATE".into(),
            "add github.com/org/private to GONOSUMDB, or unset GONOSUMDB so it follows GOPRIVATE".into(),
            unset("GOPROXY"),
            unset("GOSUMDB"),
        ],
        "{found:#?}"
    );
    s.assert_clean_after(
        "-c",
        "unset GOFLAGS GOPROXY GOSUMDB\nexport GONOPROXY=\"$GONOPROXY,corp.example\" \
         GONOSUMDB=\"$GONOSUMDB,github.com/org/private\"",
    );
    s.assert_clean_after("-c", "unset GOFLAGS GOPROXY GOSUMDB GONOPROXY GONOSUMDB");
    for name in ["GOPROXY", "GOSUMDB", "GOFLAGS", "GOPRIVATE", "GONOSUMDB", "GONOPROXY"] {
        s.unset(name);
    }

    s.real_go();
    let project = s.home("go/src/example.com/app/cmd");
    fs::create_dir_all(&project).unwrap();
    s.cwd = project;
    let fix = s.finding("modules.gopath-no-gomod")["fix"].clone();
    s.follow(&fix);
    s.assert_clean();
}

/// The network, cgo, preload and umask fix lines, taken as shell steps in bash (the umask
/// one in .bashrc, read by a new interactive shell started with a umask that breaks builds).
#[test]
fn environment_fix_lines_followed() {
    let mut s = Setup::clean();
    s.set_all(&[
        ("SSL_CERT_FILE", "/nonexistent/ca.pem"),
        ("SSL_CERT_DIR", "/nonexistent/certs"),
        ("HTTPS_PROXY", "http://proxy corp:3128"),
        ("LD_PRELOAD", "/usr/lib/libintercept.so"),
        ("CGO_ENABLED", "1"),
        ("CC", "/opt/cross/bin/aarch64-linux-gnu-gcc -O2"),
        ("PKG_CONFIG", "no-such-pkg-config"),
    ]);
    let found = s.findings();
    assert_eq!(
        ids(&found),
        [
            "cgo.cc-missing",
            "network.proxy-url",
            "network.ssl-cert-file",
            "binary.ld-preload",
            "cgo.pkg-config-missing",
            "network.ssl-cert-dir"
        ],
        "{found:#?}"
    );
    let fixes = fix_texts(&found);
    assert!(fixes[1].starts_with("set HTTPS_PROXY to a URL such as http://proxy.example:3128"), "{fixes:?}");
    assert!(fixes[4].contains("or unset PKG_CONFIG"), "{fixes:?}");
    s.assert_clean_after(
        "-c",
        "export HTTPS_PROXY=http://proxy.example:3128\nunset SSL_CERT_FILE SSL_CERT_DIR LD_PRELOAD PKG_CONFIG\n\
         export CGO_ENABLED=0",
    );
    for name in ["SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "LD_PRELOAD", "CC", "PKG_CONFIG"] {
        s.unset(name);
    }

    s.set("GOARCH", "riscv64");
    let fix = s.finding("cgo.cross-compiler")["fix"]["text"].clone();
    assert_eq!(
        fix,
        "install a cross compiler and point CC at it (apt install gcc-riscv64-linux-gnu, then \
         CC=riscv64-linux-gnu-gcc), or set CGO_ENABLED=0"
    );
    // What the package installs, on PATH.
    let cross = s.sb.root().join("cross");
    write_executable(&cross.join("riscv64-linux-gnu-gcc"), "#!/bin/sh\n");
    s.assert_clean_after("-c", &format!("PATH=\"$PATH:{}\"\nexport CC=riscv64-linux-gnu-gcc", cross.display()));
    s.assert_clean_after("-c", "export CGO_ENABLED=0");
    s.unset("GOARCH");
    s.unset("CGO_ENABLED");

    let umask_0377 =
        |s: &Setup| report(s.bash("-c", "umask 0377; exec bash -ic 'gover doctor --json'").output().unwrap());
    let (_, before) = umask_0377(&s);
    assert_eq!(ids(before["findings"].as_array().unwrap()), ["permissions.umask"], "{before:#}");
    assert_eq!(before["findings"][0]["fix"]["text"], "set a umask such as 022 or 077 in your shell's startup file");
    let rc = fs::read_to_string(s.home(".bashrc")).unwrap();
    s.write_home(".bashrc", &format!("{rc}umask 022\n"));
    assert_clean(umask_0377(&s));
}

/// A vulnerable toolchain line of go.mod: the printed `gover install … && go get toolchain@…`
/// run as printed, the go get by a real go (through the shims) against the loopback module
/// proxy and checksum database; of go.work: `go work edit -toolchain=…`.
#[test]
fn vulnerable_toolchain_line_fixed_with_go_get() {
    let (mut s, _db, _rig) = with_vulnerability_data();
    let proxy = common::modproxy::ModProxy::new(vec![common::modproxy::Toolchain::synthetic("go1.26.6", &[])]);
    for (k, v) in proxy.env() {
        s.set(&k, v);
    }
    s.real_go();
    s.sb.fake_version("go1.26.6");
    fs::write(s.sb.gover_home.join("global"), "1.26.6\n").unwrap();
    let app = s.sb.work.join("app");
    fs::create_dir_all(&app).unwrap();
    fs::write(app.join("go.mod"), "module example.com/app\n\ngo 1.22\n\ntoolchain go1.22.10\n").unwrap();
    s.cwd = app.clone();
    s.follow(&s.finding("versions.vulndb-stale")["fix"]);
    let found = s.findings();
    assert_eq!(ids(&found), ["versions.end-of-life", "versions.vulnerable"], "{found:#?}");
    assert_eq!(found[1]["fix"]["command"], "gover install 1.26.6 && go get toolchain@go1.26.6");
    s.follow(&found[1]["fix"]);
    assert!(fs::read_to_string(app.join("go.mod")).unwrap().ends_with("\ntoolchain go1.26.6\n"));
    s.assert_clean();

    // A workspace's toolchain line is go work edit's (go get would edit a go.mod).
    let ws = s.sb.work.join("ws");
    fs::create_dir_all(ws.join("lib")).unwrap();
    fs::write(ws.join("go.work"), "go 1.22\n\ntoolchain go1.22.10\n\nuse ./lib\n").unwrap();
    fs::write(ws.join("lib/go.mod"), "module example.com/lib\n\ngo 1.22\n").unwrap();
    s.cwd = ws.clone();
    let fix = s.finding("versions.vulnerable")["fix"].clone();
    assert_eq!(fix["command"], "gover install 1.26.6 && go work edit -toolchain=go1.26.6");
    s.follow(&fix);
    assert!(fs::read_to_string(ws.join("go.work")).unwrap().contains("\ntoolchain go1.26.6\n"));
    s.assert_clean();
}

/// permissions.home-missing's two ways: a HOME that exists, or go's directories moved out
/// of the missing one (which used to leave the finding in place); an unusable GOVER_HOME
/// unset.
#[test]
fn home_fix_lines_followed() {
    let mut s = Setup::clean();
    let missing = s.sb.root().join("nonexistent");
    s.set("HOME", missing.display().to_string());
    let fix = s.finding("permissions.home-missing")["fix"]["text"].clone();
    assert_eq!(
        fix,
        "set HOME to a directory you own, or GOMODCACHE, GOCACHE, GOPATH, GOBIN to writable directories outside it"
    );
    s.assert_clean_after("-c", &format!("export HOME='{}'", s.sb.home.display()));
    // Without a HOME gover's hook is not in any startup file, which is reported on its own.
    let elsewhere = s.sb.root().join("go-dirs");
    let script = format!(
        "export GOMODCACHE='{0}/mod' GOCACHE='{0}/cache' GOPATH='{0}/path'\ngover doctor --json",
        elsewhere.display()
    );
    let (_, after) = report(s.bash("-c", &script).output().unwrap());
    let found = ids(after["findings"].as_array().unwrap());
    assert_eq!(found, ["path.hook-missing-interactive", "path.hook-missing-login"]);
    s.set("HOME", s.sb.home.display().to_string());

    // GOVER_HOME naming a file: the hint's last way, unset it (the default is where gover is).
    let file = s.sb.root().join("a-file");
    fs::write(&file, "").unwrap();
    s.set("GOVER_HOME", file.display().to_string());
    let fix = s.finding("permissions.gover-home-unusable")["fix"]["text"].clone();
    assert!(fix.as_str().unwrap().ends_with(", or unset it"), "{fix}");
    s.assert_clean_after("-c", "unset GOVER_HOME");
}

/// An alias and a function made by evals no manager owns: the lines say which files to look
/// in; removing the evals (in a new shell) clears them.
#[test]
fn functions_from_unknown_evals_fixed_by_hand() {
    let s = Setup::clean();
    let rc = s.write_home(
        ".bashrc",
        &format!("{HOOK_BASH}eval \"$(echo 'alias go=true')\"\neval \"$(echo 'gofmt() {{ :; }}')\"\n"),
    );
    let found = s.findings();
    assert_eq!(ids(&found), ["shell.go-alias", "shell.gofmt-function"], "{found:#?}");
    assert_eq!(
        fix_texts(&found),
        [
            format!("remove what defines the alias `go` in {}; then start a new shell", rc.display()),
            format!(
                "remove what defines the function `gofmt` in {} (its definition, or the eval or source line that \
                 makes it); then start a new shell",
                rc.display()
            )
        ]
    );
    s.write_home(".bashrc", HOOK_BASH);
    s.assert_clean();
}
