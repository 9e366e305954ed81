//! `gover tools` and `gover tools rebuild` with real Go releases (the fixture mirror): a
//! module served from a file-based module proxy, `go install`ed with one Go, listed (its
//! build information checked against `go version -m`), rebuilt with another, and a rebuild
//! that fails leaving the old program as it was; doctor's `tools.built-by-old-go`.

use crate::common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::Sandbox;
use serde_json::Value;

const MODULE: &str = "example.com/hello";
const VERSION: &str = "v1.0.0";

/// A sandbox with go1.22.10 (the global default) and go1.23.9 installed, and a module proxy
/// in a directory that serves example.com/hello v1.0.0.
struct Rig {
    s: Sandbox,
    proxy: PathBuf,
}

impl Rig {
    fn new() -> Rig {
        let s = Sandbox::new();
        s.install_shims();
        s.plant_real("go1.22.10");
        s.plant_real("go1.23.9");
        let proxy = s.root().join("proxy");
        let dir = proxy.join(MODULE).join("@v");
        fs::create_dir_all(&dir).unwrap();
        let go_mod = format!("module {MODULE}\n\ngo 1.21\n");
        let main = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n";
        let mut zip = zip::ZipWriter::new(fs::File::create(dir.join(format!("{VERSION}.zip"))).unwrap());
        for (name, content) in [("go.mod", go_mod.as_str()), ("main.go", main)] {
            zip.start_file(format!("{MODULE}@{VERSION}/{name}"), zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        fs::write(dir.join(format!("{VERSION}.mod")), go_mod).unwrap();
        fs::write(dir.join(format!("{VERSION}.info")), format!("{{\"Version\":\"{VERSION}\"}}\n")).unwrap();
        fs::write(dir.join("list"), format!("{VERSION}\n")).unwrap();
        let rig = Rig { s, proxy };
        rig.gover().args(["global", "1.22.10"]).assert().success();
        rig
    }

    /// What go needs to work offline inside the sandbox: the proxy directory, no checksum
    /// database, and GOPATH (whose bin is the GOBIN) and the module cache in the sandbox. The
    /// build cache is shared by the tests (go locks it): compiling the standard library for
    /// two releases in every test would take minutes.
    fn go_env(&self) -> Vec<(String, String)> {
        let root = self.s.root();
        let build_cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-gocache");
        [
            ("GOPATH", root.join("gopath").display().to_string()),
            ("GOMODCACHE", root.join("modcache").display().to_string()),
            ("GOCACHE", build_cache.display().to_string()),
            ("GOFLAGS", "-modcacherw".into()),
            ("GOPROXY", format!("file://{}", self.proxy.display())),
            ("GOSUMDB", "off".into()),
            ("GOTOOLCHAIN", "local".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn gover(&self) -> assert_cmd::Command {
        let mut cmd = self.s.gover();
        cmd.envs(self.go_env());
        cmd
    }

    fn gobin(&self) -> PathBuf {
        self.s.root().join("gopath/bin")
    }

    fn real_go(&self, version: &str) -> PathBuf {
        self.s.gover_home.join("versions").join(version).join("bin/go")
    }

    /// `go install example.com/hello@v1.0.0` with that release's own go.
    fn install_with(&self, version: &str) {
        let mut cmd = self.s.go_command(&self.real_go(version));
        cmd.envs(self.go_env()).args(["install", &format!("{MODULE}@{VERSION}")]).assert().success();
    }

    /// `go version -m <program>`, the oracle: (go version, path, main module line fields).
    fn go_version_m(&self, program: &Path) -> (String, String, Vec<String>) {
        let out = self.s.go_command(&self.real_go("go1.23.9")).arg("version").arg("-m").arg(program).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let version = text.lines().next().unwrap().rsplit(' ').next().unwrap().to_string();
        let field = |kind: &str| -> Vec<String> {
            let line = text.lines().find(|l| l.trim_start().starts_with(&format!("{kind}\t"))).unwrap();
            line.trim_start().split('\t').skip(1).map(String::from).collect()
        };
        (version, field("path")[0].clone(), field("mod"))
    }

    fn tools_json(&self) -> Value {
        let out = self.gover().args(["tools", "--json"]).assert().success().get_output().stdout.clone();
        serde_json::from_slice(&out).unwrap()
    }
}

fn tool<'a>(listing: &'a Value, name: &str) -> &'a Value {
    listing["tools"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{listing}"))
}

#[test]
fn lists_rebuilds_and_keeps_the_old_program_when_a_rebuild_fails() {
    let rig = Rig::new();
    rig.install_with("go1.22.10");
    let hello = rig.gobin().join("hello");
    // Beside it, what else lands in a bin directory: a script and a C program.
    common::write_executable(&rig.gobin().join("notes.sh"), "#!/bin/sh\necho notes\n");
    fs::copy("/bin/true", rig.gobin().join("true")).unwrap();
    // And a Go program whose build information is damaged: the version string's length, right
    // after the 32-byte header, says 2^64-1.
    let mut damaged = fs::read(&hello).unwrap();
    let header = damaged.windows(14).position(|w| w == b"\xff Go buildinf:").unwrap();
    damaged[header + 32..header + 42].copy_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    fs::write(rig.gobin().join("damaged"), damaged).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(rig.gobin().join("pipe")).status().unwrap().success());

    let listing = rig.tools_json();
    assert_eq!(listing["dirs"][0]["path"], rig.gobin().display().to_string(), "{listing}");
    let entry = tool(&listing, "hello");
    let (go, path, module) = rig.go_version_m(&hello);
    assert_eq!((go.as_str(), path.as_str()), ("go1.22.10", MODULE));
    assert_eq!(entry["go_version"], go);
    assert_eq!(entry["package"], path);
    assert_eq!(entry["module"]["path"], module[0]);
    assert_eq!(entry["module"]["version"], module[1]);
    assert_eq!(entry["module"]["sum"], module[2]);
    assert_eq!(entry["go_installed"], true);
    assert_eq!(entry["rebuild"], format!("{MODULE}@{VERSION}"));
    for other in ["notes.sh", "true", "damaged", "pipe"] {
        assert_eq!(tool(&listing, other)["go_program"], false, "{listing}");
    }
    assert_eq!(tool(&listing, "damaged")["reason"], "damaged Go build information: a string is implausibly long");
    assert_eq!(tool(&listing, "pipe")["reason"], "not a regular file", "a FIFO is not opened for a blocking read");
    let text = rig.gover().arg("tools").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(text).unwrap();
    let line = text.lines().find(|l| l.trim_start().starts_with("hello")).unwrap();
    assert!(line.contains("go1.22.10") && line.contains("example.com/hello v1.0.0"), "{text}");
    assert!(text.contains("notes.sh") && text.contains("a script, not a Go program"), "{text}");

    // Rebuilt with 1.23: the new program says so, and runs.
    rig.gover().args(["tools", "rebuild", "hello", "--with", "1.23"]).assert().success();
    assert_eq!(rig.go_version_m(&hello).0, "go1.23.9");
    let run = std::process::Command::new(&hello).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "hello\n");

    // The module version is gone from the proxy and the module cache: the rebuild fails with
    // go's own words, and the program is byte for byte what it was.
    fs::remove_dir_all(rig.proxy.join(MODULE)).unwrap();
    fs::remove_dir_all(rig.s.root().join("modcache")).unwrap();
    let before = fs::read(&hello).unwrap();
    let out = rig.gover().args(["tools", "rebuild", "--with", "1.22.10"]).assert().code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot rebuild hello") && stderr.contains(&format!("go install {MODULE}@{VERSION} failed")),
        "{stderr}"
    );
    assert!(stderr.contains("not found") || stderr.contains("no such file"), "go's error is shown: {stderr}");
    assert!(stderr.contains("1 tool not rebuilt: hello"), "{stderr}");
    assert_eq!(fs::read(&hello).unwrap(), before);
    let names: Vec<String> =
        fs::read_dir(rig.gobin()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".gover-rebuild")), "no staging left behind: {names:?}");
}

#[test]
fn the_global_default_builds_and_unknown_or_unbuildable_tools_are_named() {
    let rig = Rig::new();
    rig.install_with("go1.23.9");
    let hello = rig.gobin().join("hello");
    rig.gover()
        .args(["tools", "rebuild"])
        .assert()
        .success()
        .stdout(format!("rebuilt hello ({MODULE}@{VERSION}) with go1.22.10\n"));
    assert_eq!(rig.go_version_m(&hello).0, "go1.22.10");

    // A program built from a local directory has no module version to install.
    let local = rig.s.work.join("local");
    fs::create_dir_all(&local).unwrap();
    fs::write(local.join("go.mod"), "module example.com/local\n\ngo 1.21\n").unwrap();
    fs::write(local.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let mut build = rig.s.go_command(&rig.real_go("go1.22.10"));
    build
        .envs(rig.go_env())
        .current_dir(&local)
        .args(["build", "-o"])
        .arg(rig.gobin().join("local"))
        .assert()
        .success();
    let listing = rig.tools_json();
    let why = tool(&listing, "local")["cannot_rebuild"].as_str().unwrap().to_string();
    assert!(why.contains("built from a local directory of example.com/local"), "{why}");
    // Swept up with the rest it is only named; asked for by name it fails the command.
    rig.gover()
        .args(["tools", "rebuild"])
        .assert()
        .success()
        .stderr(predicates::str::contains(format!("skipped local: {why}")));
    let out = rig.gover().args(["tools", "rebuild", "local"]).assert().code(1).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("cannot rebuild local: {why}")));

    let out = rig.gover().args(["tools", "rebuild", "gopls"]).assert().code(3).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no tool named gopls") && stderr.contains("help: gover tools lists"), "{stderr}");
    fs::remove_file(rig.s.gover_home.join("global")).unwrap();
    let out = rig.gover().args(["tools", "rebuild", "hello"]).assert().code(3).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("there is no global default") && stderr.contains("--with"), "{stderr}");
}

#[test]
fn doctor_names_a_tool_built_by_a_go_older_than_the_module_needs_and_its_fix_works() {
    let rig = Rig::new();
    rig.install_with("go1.22.10");
    let project = rig.s.work.join("project");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join("go.mod"), "module example.com/project\n\ngo 1.23.0\n").unwrap();
    let findings = |rig: &Rig| -> Vec<Value> {
        let mut cmd = rig.s.doctor(&["--json"]);
        let out = cmd.envs(rig.go_env()).current_dir(&project).output().unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let all = report["findings"].as_array().unwrap_or_else(|| panic!("{report}")).clone();
        all.into_iter().filter(|f| f["id"] == "tools.built-by-old-go").collect()
    };
    let found = findings(&rig);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0]["title"].as_str().unwrap().contains("hello was built by go1.22.10"), "{found:?}");
    let fix = found[0]["fix"]["command"].as_str().unwrap().to_string();
    assert_eq!(fix, "gover tools rebuild hello --with go1.23.9");
    let words: Vec<&str> = fix.split(' ').skip(1).collect();
    rig.gover().args(&words).current_dir(&project).assert().success();
    assert_eq!(findings(&rig), Vec::<Value>::new(), "the fix cleared it");
}

/// With vulnerability data, a tool reports the known vulnerabilities of the Go that built it,
/// the same ones `gover list` reports for that release, and doctor names it.
#[test]
fn a_tool_built_by_a_vulnerable_go_says_so() {
    let rig = Rig::new();
    rig.install_with("go1.22.10");
    let db = common::vulndb::VulnDb::serve();
    let govulndb = format!("file://{}", db.path().display());
    let with_db = |mut cmd: assert_cmd::Command| {
        cmd.env_remove("GOVER_VULNDB").env("GOVULNDB", &govulndb);
        cmd
    };
    with_db(rig.gover()).args(["list", "--refresh"]).assert().success();
    let out = with_db(rig.gover()).args(["list", "--json"]).assert().success().get_output().stdout.clone();
    let versions: Value = serde_json::from_slice(&out).unwrap();
    let release = versions.as_array().unwrap().iter().find(|v| v["version"] == "go1.22.10").unwrap();
    assert!(!release["vulnerabilities"].as_array().unwrap().is_empty(), "the fixtures know go1.22.10's: {release}");
    let out = with_db(rig.gover()).args(["tools", "--json"]).assert().success().get_output().stdout.clone();
    let listing: Value = serde_json::from_slice(&out).unwrap();
    let hello = tool(&listing, "hello");
    assert_eq!(hello["vulnerabilities"], release["vulnerabilities"]);
    assert_eq!(hello["fixed_in"], release["fixed_in"]);

    let mut doctor = rig.s.doctor(&["--json"]);
    let out = doctor.envs(rig.go_env()).env_remove("GOVER_VULNDB").env("GOVULNDB", &govulndb).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["id"] == "tools.built-by-vulnerable-go").collect();
    assert_eq!(found.len(), 1, "{report}");
    assert!(found[0]["title"].as_str().unwrap().starts_with("hello was built by go1.22.10, which has"), "{report}");
}

/// `go tool NAME` through the shim runs the pinned release's tools. The fixture mirror has no
/// Go 1.24, so the `tool` directive (tools a module lists in go.mod, built by `go tool` into
/// the build cache) is not tested here; what is tested is that the shim hands `go tool` the
/// pinned GOROOT.
#[test]
fn go_tool_through_the_shim_uses_the_pinned_release() {
    let rig = Rig::new();
    let project = rig.s.work.join("pinned");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join(".go-version"), "1.23.9\n").unwrap();
    for (dir, version) in [(&rig.s.work, "go1.22.10"), (&project, "go1.23.9")] {
        let mut cmd = rig.s.shim("go");
        let out = cmd.envs(rig.go_env()).current_dir(dir).args(["tool", "-n", "vet"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let tool = rig.s.gover_home.join("versions").join(version).join("pkg/tool/linux_amd64/vet");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), tool.display().to_string());
    }
}

/// A signal to gover while go builds: gover stops, removes its staging directory, says what
/// happened, and exits 130; the program is as it was. (The "go" here is a stand-in that waits,
/// so the signal lands mid-build every time.)
#[test]
fn ctrl_c_during_a_rebuild_leaves_the_program_and_no_staging() {
    let rig = Rig::new();
    rig.install_with("go1.22.10");
    let hello = rig.gobin().join("hello");
    let before = fs::read(&hello).unwrap();
    let fake = rig.s.root().join("slow-go");
    let pid_file = rig.s.root().join("slow-go.pid");
    common::write_executable(
        &fake.join("go"),
        &format!("#!/bin/sh\necho $$ > '{}'\nexec sleep 60\n", pid_file.display()),
    );
    let staging = || -> Vec<String> {
        let names = fs::read_dir(rig.gobin()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap());
        names.filter(|n| n.starts_with(".gover-rebuild-")).collect()
    };
    let child = common::gover_process(rig.s.env(), &rig.s.work)
        .envs(rig.go_env())
        .env("PATH", format!("{}:{}", fake.display(), rig.s.path_with_shims()))
        .args(["tools", "rebuild", "hello", "--with", "system"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !pid_file.exists() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "the stand-in go never ran");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(staging().len(), 1, "go builds into a staging directory beside the program");
    let kill = std::process::Command::new("kill").arg("-INT").arg(child.id().to_string()).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let go_pid = fs::read_to_string(&pid_file).unwrap();
    let _ = std::process::Command::new("kill").arg(go_pid.trim()).status();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted by Ctrl-C; the rebuild stopped"), "{stderr}");
    assert!(stderr.contains("help: run the same command to rebuild the rest"), "{stderr}");
    assert_eq!(staging(), Vec::<String>::new());
    assert_eq!(fs::read(&hello).unwrap(), before);
}
