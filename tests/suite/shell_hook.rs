//! The hooks `gover init` prints, run by the real shells: shims first on PATH exactly once,
//! however often the hook runs and whatever a later line prepends; no stale GOROOT; the
//! `gover` function that lets `gover shell` change the shell it runs in. Also shellcheck.

use crate::common;

use std::fs;

use common::{Sandbox, BASE_PATH};

fn gover_bin() -> &'static str {
    env!("CARGO_BIN_EXE_gover")
}

/// The hook for `shell`, evaluated the way a user's startup file would with `eval`.
fn eval_hook(shell: &str) -> String {
    match shell {
        "fish" => format!("{} init fish | source", gover_bin()),
        _ => format!("eval \"$({} init {shell})\"", gover_bin()),
    }
}

/// Runs `script` in `shell -c` (interactive with `-i`), in a sandbox with no startup files.
fn run(sb: &Sandbox, shell: &str, interactive: bool, script: &str) -> std::process::Output {
    let mut cmd = sb.startup_shell(shell);
    if shell == "bash" {
        cmd.arg("--norc");
    }
    if interactive {
        cmd.arg("-i");
    }
    cmd.args(["-c", script]).output().unwrap()
}

/// Standard output, without the GOROOT= and GOTOOLCHAIN= lines the fake go prints.
fn stdout_of(sb: &Sandbox, shell: &str, interactive: bool, script: &str) -> String {
    let out = run(sb, shell, interactive, script);
    let text: String = String::from_utf8(out.stdout)
        .unwrap()
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("GOROOT=") && !l.starts_with("GOTOOLCHAIN="))
        .collect();
    assert!(
        out.status.success(),
        "{shell}: {script}\nstdout:\n{text}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn sandbox_with_versions() -> Sandbox {
    let sb = Sandbox::new();
    sb.fake_version("go1.21.13");
    sb.fake_version("go1.22.10");
    sb.pin("1.22");
    sb
}

#[test]
fn shellcheck_passes_on_the_hooks_and_install_sh() {
    if !common::require("shellcheck") {
        return;
    }
    let sb = Sandbox::new();
    for (shell, dialect) in [("sh", "sh"), ("bash", "bash")] {
        let hook = sb.gover().args(["init", shell]).assert().success().get_output().stdout.clone();
        let out = std::process::Command::new("shellcheck")
            .args(["-s", dialect, "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(&hook)?;
                child.wait_with_output()
            })
            .unwrap();
        assert!(out.status.success(), "shellcheck on `gover init {shell}`:\n{}", String::from_utf8_lossy(&out.stdout));
    }
    let root = env!("CARGO_MANIFEST_DIR");
    for (file, dialect) in
        [("src/shell/assets/posix.sh", "sh"), ("install.sh", "sh"), ("bench/hook.sh", "bash"), (".ci/run", "bash")]
    {
        let out =
            std::process::Command::new("shellcheck").args(["-s", dialect, file]).current_dir(root).output().unwrap();
        assert!(out.status.success(), "shellcheck {file}:\n{}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn zsh_and_fish_parse_their_hooks() {
    // shellcheck does not read zsh or fish; their own parsers at least must accept the hooks.
    let sb = Sandbox::new();
    for (shell, check, broken) in [("zsh", "-n", "if then fi {"), ("fish", "--no-execute", "if; end end")] {
        if !common::require(shell) {
            continue;
        }
        let hook = sb.gover().args(["init", shell]).assert().success().get_output().stdout.clone();
        sb.startup_shell(shell).arg(check).write_stdin(hook).assert().success();
        // And it does reject a broken one, so the check above can fail.
        sb.startup_shell(shell).arg(check).write_stdin(broken).assert().failure();
    }
}

#[test]
fn the_hook_puts_the_shims_first_exactly_once_however_often_it_runs() {
    let sb = Sandbox::new();
    let shims = sb.shims_dir().display().to_string();
    // gover's own directory, then the names of the system store's versions (the default
    // store: these shells have no GOVER_SYSTEM_HOME), are appended.
    let system_names = std::path::Path::new(gover_shim::home::SYSTEM_HOME).join("shims");
    let bin = format!("{}:{}", common::bin_dir().display(), system_names.display());
    // The shims already somewhere in the middle, as an older set-up would leave them.
    let start = format!("/first:{shims}:{BASE_PATH}");
    // `go install`'s directory comes right after the shims (GOBIN, else GOPATH's first
    // entry's bin, else ~/go/bin), unless PATH has it already: then it stays where it is.
    let gobin = sb.home.join("go/bin").display().to_string();
    for shell in ["sh", "bash", "zsh"] {
        if !common::require(shell) {
            continue;
        }
        let script =
            format!("PATH='{start}'; {hook}; {hook}; {hook}; printf '%s\\n' \"$PATH\"", hook = eval_hook(shell));
        let path = stdout_of(&sb, shell, false, &script);
        assert_eq!(path.trim_end(), format!("{shims}:{gobin}:/first:{BASE_PATH}:{bin}"), "{shell}");
        let script = format!(
            "PATH='{start}'; GOPATH=/gp:/other; {hook}; printf '%s\\n' \"$PATH\"; GOBIN=/tools; {hook}; printf '%s\\n' \"$PATH\"; \
             PATH='/first:/usr/bin:/late/bin'; GOBIN=/late/bin; {hook}; printf '%s\\n' \"$PATH\"",
            hook = eval_hook(shell)
        );
        let paths = stdout_of(&sb, shell, false, &script);
        let paths: Vec<&str> = paths.lines().collect();
        assert_eq!(paths[0], format!("{shims}:/gp/bin:/first:{BASE_PATH}:{bin}"), "{shell}");
        assert_eq!(paths[1], format!("{shims}:/tools:/gp/bin:/first:{BASE_PATH}:{bin}"), "{shell}");
        assert_eq!(paths[2], format!("{shims}:/first:/usr/bin:/late/bin:{bin}"), "{shell}");
    }
    if !common::require("fish") {
        return;
    }
    let script = format!(
        "set -gx PATH /first {shims} (string split : '{BASE_PATH}'); {hook}; {hook}; string join : $PATH; \
         set -gx GOPATH /gp /other; set -gx PATH /first; {hook}; string join : $PATH",
        hook = eval_hook("fish")
    );
    let paths = stdout_of(&sb, "fish", false, &script);
    let paths: Vec<&str> = paths.lines().collect();
    assert_eq!(paths[0], format!("{shims}:{gobin}:/first:{BASE_PATH}:{bin}"), "fish");
    assert_eq!(paths[1], format!("{shims}:/gp/bin:/first:{bin}"), "fish");
}

#[test]
fn a_line_that_prepends_another_go_after_the_hook_is_undone_before_the_next_prompt() {
    let sb = Sandbox::new();
    let other = sb.root().join("other/bin");
    common::write_executable(&other.join("go"), "#!/bin/sh\necho other go\n");
    let shims = sb.shims_dir().display().to_string();
    let prepend = format!("PATH={}:$PATH", other.display());
    // A real interactive bash and zsh reading commands: each prompt runs the re-check.
    for shell in ["bash", "zsh"] {
        if !common::require(shell) {
            continue;
        }
        let script = format!("{}\n{prepend}\nprintf '%s\\n' \"$PATH\"\n", eval_hook(shell));
        let mut cmd = sb.startup_shell(shell);
        if shell == "bash" {
            cmd.arg("--norc");
        }
        let out = cmd.arg("-i").write_stdin(script).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let path = text.lines().last().unwrap_or_default();
        assert!(path.starts_with(&format!("{shims}:{}:", other.display())), "{shell}: {text}");
        assert_eq!(path.matches(&shims).count(), 1, "{shell}: {path}");
    }
    if !common::require("fish") {
        return;
    }
    // fish emits fish_prompt only on a terminal; emit it as the prompt would.
    let script = format!(
        "{}; set -gx PATH {} $PATH; emit fish_prompt; echo PATH=(string join : $PATH)",
        eval_hook("fish"),
        other.display()
    );
    // An interactive fish may print a greeting and terminal codes first.
    let out = stdout_of(&sb, "fish", true, &script);
    let path = out.split("PATH=").nth(1).unwrap_or_default();
    assert!(path.starts_with(&format!("{shims}:{}:", other.display())), "fish: {path}");
}

#[test]
fn a_stale_goroot_is_unset_and_gover_home_exported() {
    let sb = Sandbox::new();
    for shell in ["sh", "bash", "zsh"] {
        if !common::require(shell) {
            continue;
        }
        let script =
            format!("export GOROOT=/usr/lib/go-1.19; {}; echo \"${{GOROOT-unset}} $GOVER_HOME\"", eval_hook(shell));
        let out = stdout_of(&sb, shell, false, &script);
        assert_eq!(out.trim_end(), format!("unset {}", sb.gover_home.display()), "{shell}");
    }
    if !common::require("fish") {
        return;
    }
    let script =
        format!("set -gx GOROOT /usr/lib/go-1.19; {}; set -q GOROOT; or echo unset $GOVER_HOME", eval_hook("fish"));
    assert_eq!(stdout_of(&sb, "fish", false, &script).trim_end(), format!("unset {}", sb.gover_home.display()));
}

#[test]
fn gover_shell_switches_the_version_in_the_shell_it_runs_in() {
    let sb = sandbox_with_versions();
    for shell in ["sh", "bash", "zsh"] {
        if !common::require(shell) {
            continue;
        }
        let script = format!(
            "{}; go version; gover shell 1.21 && go version && echo \"GOVER_VERSION=$GOVER_VERSION\"; \
             gover shell 1.99; echo \"failed with $?, still $GOVER_VERSION\"; \
             gover shell --unset; go version; echo \"${{GOVER_VERSION-unset}}\"",
            eval_hook(shell)
        );
        let out = stdout_of(&sb, shell, false, &script);
        assert_eq!(
            out,
            "go go1.22.10 args=version\ngo go1.21.13 args=version\nGOVER_VERSION=1.21\n\
             failed with 3, still 1.21\ngo go1.22.10 args=version\nunset\n",
            "{shell}"
        );
    }
    if !common::require("fish") {
        return;
    }
    let script = format!(
        "{}; gover shell 1.21; and go version; and echo GOVER_VERSION=$GOVER_VERSION; \
         gover shell 1.99; echo failed with $status, still $GOVER_VERSION; \
         gover shell --unset; go version; set -q GOVER_VERSION; or echo unset",
        eval_hook("fish")
    );
    assert_eq!(
        stdout_of(&sb, "fish", false, &script),
        "go go1.21.13 args=version\nGOVER_VERSION=1.21\nfailed with 3, still 1.21\ngo go1.22.10 args=version\nunset\n"
    );
}

#[test]
fn gover_shell_latest_and_system() {
    let sb = sandbox_with_versions();
    let system = sb.root().join("usr/bin");
    common::write_executable(&system.join("go"), "#!/bin/sh\necho system go\n");
    let script = format!(
        "{}; PATH=$PATH:{}; gover shell latest; echo $GOVER_VERSION; gover shell system; go version",
        eval_hook("bash"),
        system.display()
    );
    assert_eq!(stdout_of(&sb, "bash", false, &script), "1.22.10\nsystem go\n");
}

#[test]
fn without_the_hook_gover_shell_prints_the_line_and_explains() {
    let sb = sandbox_with_versions();
    let out = sb.gover().args(["shell", "1.21"]).env("SHELL", "/bin/bash").assert().success().get_output().clone();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "export GOVER_VERSION='1.21'\n");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning: this shell has no gover hook, so nothing changed"), "{err}");
    assert!(err.contains("eval \"$(gover init bash)\""), "{err}");
    let out =
        sb.gover().args(["shell", "--unset"]).env("SHELL", "/usr/bin/fish").assert().success().get_output().clone();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "set -eg GOVER_VERSION\n");
    assert!(String::from_utf8(out.stderr).unwrap().contains("gover init fish | source"));
}

#[test]
fn gover_shell_rejects_what_it_cannot_use_and_prints_no_code() {
    let sb = sandbox_with_versions();
    // No release index within reach (as in tests/suite/failures.rs, a reachable one turns this into
    // "no such release" with the nearest one).
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let out = sb
        .gover()
        .env("GOVER_INDEX_URL", format!("http://{dead}/index.json"))
        .env("GOVER_RETRY_DELAY_MS", "1")
        .args(["shell", "--print-for", "bash", "1.99"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("error: go1.99 is not installed") && err.contains("go1.21.13, go1.22.10"), "{err}");
    let out = sb.gover().args(["shell", "--print-for", "bash", "1.2x"]).assert().code(2).get_output().clone();
    assert!(out.stdout.is_empty());
    // No version and no --unset is a usage error, not a silent unset; the usage names both.
    let out = sb.gover().args(["shell"]).assert().code(2).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: gover shell <VERSION|--unset>"), "{out:?}");
}

#[test]
fn the_shim_needs_nothing_from_the_hook() {
    // cron and systemd: an absolute shim path, HOME and nothing else.
    let sb = sandbox_with_versions();
    sb.gover().arg("setup").arg("--no-modify-rc").assert().success();
    let shim =
        String::from_utf8(sb.gover().args(["which", "go", "--shim"]).assert().success().get_output().stdout.clone())
            .unwrap();
    assert_eq!(shim.trim_end(), sb.shims_dir().join("go").display().to_string());
    let out = std::process::Command::new(shim.trim_end())
        .arg("version")
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", "/usr/bin:/bin")
        .current_dir(&sb.work)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().next(), Some("go go1.22.10 args=version"));
    sb.gover().args(["which", "cargo", "--shim"]).assert().code(2);
}

#[test]
fn setup_systemd_writes_an_environment_d_drop_in() {
    let sb = Sandbox::new();
    sb.gover().args(["setup", "--systemd", "--no-modify-rc"]).env("HOME", &sb.home).assert().success();
    let dropin = sb.home.join(".config/environment.d/50-gover.conf");
    let content = fs::read_to_string(&dropin).unwrap();
    // The system store's names (go1.23.9 that root installed) last, as the hook puts them.
    let names = sb.root().join("system/shims");
    let path = format!("PATH={}:${{PATH}}:{}\n", sb.shims_dir().display(), names.display());
    assert!(content.contains(&path), "{content}");
    // systemd's own generator, where installed, is the real judge of the syntax.
    let generator = "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator";
    if std::path::Path::new(generator).exists() {
        let out = std::process::Command::new(generator)
            .env_clear()
            .env("HOME", &sb.home)
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        let env = String::from_utf8(out.stdout).unwrap();
        assert!(env.contains(&format!("PATH={}:/usr/bin:/bin:{}", sb.shims_dir().display(), names.display())), "{env}");
        assert!(env.contains(&format!("GOVER_HOME={}", sb.gover_home.display())), "{env}");
    }
}

#[test]
fn a_gover_home_with_spaces_and_quotes_works_in_every_shell() {
    let sb = Sandbox::new();
    let home = sb.root().join("it's a \"home\" $HOME");
    let shims = home.join("shims");
    for shell in ["sh", "bash", "zsh", "fish"] {
        if !common::require(shell) {
            continue;
        }
        let print = if shell == "fish" {
            "string join : $PATH; echo $GOVER_HOME"
        } else {
            "echo \"$PATH\"; echo \"$GOVER_HOME\""
        };
        let out = sb
            .startup_shell(shell)
            .env("GOVER_HOME", &home)
            .args(["-c", &format!("{}; {print}", eval_hook(shell))])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap_or_default().starts_with(&format!("{}:", shims.display())), "{shell}: {text}");
        assert_eq!(lines.next(), Some(home.to_str().unwrap()), "{shell}");
        assert!(shims.join("go").is_file());
    }
}

#[test]
fn loading_the_hook_runs_no_external_command() {
    // With nothing on PATH, any program the hook tried to start would fail with "not found".
    let sb = Sandbox::new();
    sb.gover().args(["setup", "--no-modify-rc"]).assert().success();
    let hooks = sb.gover_home.join("shell");
    for (shell, args) in [
        ("sh", vec!["-c"]),
        ("bash", vec!["--norc", "-i", "-c"]),
        ("zsh", vec!["-f", "-i", "-c"]),
        ("fish", vec!["--no-config", "-i", "-c"]),
    ] {
        if !common::require(shell) {
            continue;
        }
        let hook = hooks.join(format!("hook.{shell}"));
        let load = if shell == "fish" { "source" } else { "." };
        let program = std::process::Command::new("sh").args(["-c", &format!("command -v {shell}")]).output().unwrap();
        let program = String::from_utf8(program.stdout).unwrap();
        let out = std::process::Command::new(program.trim())
            .env_clear()
            .env("HOME", &sb.home)
            .env("PATH", "/nonexistent")
            .env("TERM", "dumb")
            .args(args)
            .arg(format!("{load} '{}'; echo loaded", hook.display()))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().last(), Some("loaded"), "{shell}: {stderr}");
        assert!(!stderr.contains("not found") && !stderr.contains("Unknown command"), "{shell}: {stderr}");
    }
}

#[test]
fn gover_init_prints_the_hook_even_when_it_cannot_write_gover_home() {
    let sb = Sandbox::new();
    let blocker = sb.write("not-a-dir", "a file where GOVER_HOME's parent should be");
    let out = sb
        .gover()
        .args(["init", "bash"])
        .env("GOVER_HOME", blocker.join("gover"))
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stdout).contains("_gover_path_first"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning:"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Whether a PATH entry is gover's shims directory has one answer everywhere: the resolver
/// skipping the shims for `system`, doctor, and setup's "this shell already has the hook".
/// setup compared the paths as written, so through a symlinked GOVER_HOME (a home on another
/// disk, linked into place) or a relative PATH entry it told a hooked shell to load the hook
/// again.
#[test]
fn every_command_knows_the_shims_directory_by_any_path_to_it() {
    let sb = Sandbox::new();
    let linked = sb.root().join("linked-gover");
    fs::create_dir_all(&sb.gover_home).unwrap();
    std::os::unix::fs::symlink(&sb.gover_home, &linked).unwrap();
    let real_shims = sb.shims_dir().display().to_string();
    let gover = |path: &str, dir: &std::path::Path| {
        let mut cmd = sb.gover();
        cmd.env("GOVER_HOME", &linked).env("PATH", format!("{path}:{BASE_PATH}")).current_dir(dir);
        cmd
    };
    for (path, dir) in [(real_shims.as_str(), &sb.work), ("shims", &sb.gover_home), ("./shims/", &sb.gover_home)] {
        let out = gover(path, dir).args(["setup", "--no-modify-rc"]).assert().success().get_output().clone();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains("Next (this shell already has the hook):"), "PATH={path}:\n{report}");
        let out = gover(path, dir).arg("doctor").write_stdin("").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("are not on PATH"), "PATH={path}:\n{text}");
    }
}
