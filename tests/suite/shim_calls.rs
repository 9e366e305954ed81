//! What the shim asks the kernel for on its way to the real go, traced with strace: the
//! overhead of every `go` call is counted in system calls (BENCHMARKS.md), and these keep
//! the ones that were taken out from coming back.

use crate::common;

use common::Sandbox;

/// The shim's system calls from its start to the exec of the real go: strace's lines for
/// `calls` (always with execve, which ends them), fds shown with their paths.
fn shim_calls(sb: &Sandbox, cwd: &std::path::Path, calls: &str) -> Vec<String> {
    let trace = sb.root().join("trace");
    let status = std::process::Command::new("strace")
        .arg("-y")
        .arg("-o")
        .arg(&trace)
        .arg("-e")
        .arg(format!("trace=execve,{calls}"))
        .arg(sb.shims_dir().join("go"))
        .arg("version")
        .env_clear()
        .envs(sb.env())
        .current_dir(cwd)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let lines: Vec<String> = std::fs::read_to_string(trace).unwrap().lines().map(str::to_owned).collect();
    // The first execve is the shim's own; the next one is the real go's.
    let end = lines.iter().skip(1).position(|l| l.starts_with("execve(")).expect("the shim execs go") + 1;
    lines[1..end].to_vec()
}

/// Above the pin only go.work and go.mod still count, asked for by name: a wide directory
/// such as a shared /tmp is no longer read entry by entry at every call; an exact pin opens
/// its version without listing versions/; and Rust's start-up, which reads /proc/self/maps,
/// is not run.
#[test]
fn the_shim_lists_only_the_directories_up_to_the_pin() {
    if !common::require("strace") {
        return;
    }
    let sb = Sandbox::new();
    sb.install_shims();
    sb.fake_version("go1.22.10");
    sb.write("work/p/.go-version", "1.22.10\n");
    let cwd = sb.work.join("p/sub");
    std::fs::create_dir_all(&cwd).unwrap();
    let calls = shim_calls(&sb, &cwd, "getdents64,openat");
    let listed: Vec<&str> = calls
        .iter()
        .filter(|l| l.starts_with("getdents64(") && !l.ends_with("= 0"))
        .filter_map(|l| l.split_once('<')?.1.split_once('>').map(|(path, _)| path))
        .collect();
    let shown = |p: std::path::PathBuf| p.display().to_string();
    assert_eq!(listed, [shown(cwd.clone()), shown(sb.work.join("p"))], "{}", calls.join("\n"));
    assert!(!calls.iter().any(|l| l.contains("/proc/self/maps")), "{}", calls.join("\n"));
    // The same pin, still resolved and run.
    let out = sb.shim("go").current_dir(&cwd).arg("version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("go go1.22.10 args=version"), "{out:?}");
}

/// An exact pin the system store serves costs what it costs from the user's own store, plus
/// the system store's one trust check (a stat of its versions/) and the lookup of the
/// version there: neither store's versions/ is listed.
#[test]
fn an_exact_pin_from_the_system_store_costs_two_calls_more() {
    if !common::require("strace") {
        return;
    }
    let sb = Sandbox::new();
    sb.install_shims();
    sb.write("work/.go-version", "1.22.10\n");
    let own = sb.fake_version("go1.22.10");
    // The used-stamp, written on the first run only, is not what is counted.
    let _ = shim_calls(&sb, &sb.work, "all");
    let from_own = shim_calls(&sb, &sb.work, "all");
    // The same tree, now the system store's alone.
    let system = sb.root().join("system/versions");
    std::fs::create_dir_all(&system).unwrap();
    std::fs::rename(&own, system.join("go1.22.10")).unwrap();
    let _ = shim_calls(&sb, &sb.work, "all");
    let from_system = shim_calls(&sb, &sb.work, "all");
    let out = sb.shim("go").current_dir(&sb.work).arg("version").output().unwrap();
    let goroot = format!("GOROOT={}\n", system.join("go1.22.10").display());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&goroot), "{out:?}");
    let lists_versions = |l: &&String| l.starts_with("getdents64(") && l.contains("versions>");
    assert!(!from_system.iter().any(|l| lists_versions(&l)), "{}", from_system.join("\n"));
    assert_eq!(
        from_system.len(),
        from_own.len() + 2,
        "own:\n{}\n\nsystem:\n{}",
        from_own.join("\n"),
        from_system.join("\n")
    );
}
