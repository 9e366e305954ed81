//! `gover import`: Go trees planted where gvm, asdf and goenv put them are adopted without a
//! download and then run through the shim in a fresh interactive bash.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{write_executable, Sandbox};
use predicates::prelude::*;

/// A stand-in Go tree whose bin/go answers `go version` like the real one and otherwise
/// prints the GOROOT it was run with.
fn plant_fake(root: &Path, version: &str) {
    fs::create_dir_all(root.join("bin")).unwrap();
    fs::write(root.join("VERSION"), format!("{version}\ntime 2024-01-01T00:00:00Z\n")).unwrap();
    for tool in ["go", "gofmt"] {
        write_executable(
            &root.join("bin").join(tool),
            &format!(
                "#!/bin/sh\nif [ \"$1\" = version ]; then echo \"go version {version} linux/amd64\"; exit 0; fi\n\
                 echo \"{tool} {version} GOROOT=$GOROOT\"\n"
            ),
        );
    }
}

/// `go <args>` run by a fresh interactive bash in `dir`: only HOME and a basic PATH, so the
/// shims come from the hook in ~/.bashrc, as in a new terminal.
fn bash_go(sandbox: &Sandbox, dir: &Path, args: &str) -> String {
    let out =
        sandbox.startup_shell("bash").args(["-ic", &format!("cd '{}' && go {args}", dir.display())]).output().unwrap();
    assert!(out.status.success(), "bash -ic failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn text(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

fn project(sandbox: &Sandbox, name: &str, pin: &str) -> PathBuf {
    let dir = sandbox.work.join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(".go-version"), format!("{pin}\n")).unwrap();
    dir
}

#[test]
fn gvm_asdf_and_goenv_trees_are_adopted_and_run_through_the_shim() {
    let sandbox = Sandbox::new();
    let gvm = sandbox.home.join(".gvm/gos/go1.21.13");
    let asdf = sandbox.home.join(".asdf/installs/golang/1.22.10/go");
    let goenv = sandbox.home.join(".goenv/versions/1.23.9");
    plant_fake(&gvm, "go1.21.13");
    common::link_copy(&common::real_go_tree("go1.22.10"), &asdf);
    plant_fake(&goenv, "go1.23.9");
    // gvm's init script overrides cd and puts its own go first, like the real one.
    fs::create_dir_all(sandbox.home.join(".gvm/scripts")).unwrap();
    fs::write(
        sandbox.home.join(".gvm/scripts/gvm"),
        "cd() { builtin cd \"$@\"; }\nexport GOROOT=\"$HOME/.gvm/gos/go1.21.13\"\nexport PATH=\"$GOROOT/bin:$PATH\"\n",
    )
    .unwrap();
    let bashrc = sandbox.home.join(".bashrc");
    let hook = format!("eval \"$({} init bash)\"", env!("CARGO_BIN_EXE_gover"));
    fs::write(
        &bashrc,
        format!(
            "[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"\n\
             export GOENV_ROOT=\"$HOME/.goenv\"\n{hook}\n"
        ),
    )
    .unwrap();

    // Listing changes nothing.
    sandbox
        .gover()
        .arg("import")
        .assert()
        .success()
        .stdout(predicate::str::contains("gvm     go1.21.13    importable"))
        .stdout(predicate::str::contains("asdf    go1.22.10    importable"))
        .stdout(predicate::str::contains("goenv   go1.23.9     importable"));
    sandbox
        .gover()
        .args(["import", "--all", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("would import go1.22.10 from asdf"));
    assert!(!sandbox.gover_home.join("versions").exists());

    sandbox.gover().args(["import", "gvm"]).assert().success().stdout(predicate::str::contains("imported go1.21.13"));
    let versions: Vec<String> = fs::read_dir(sandbox.gover_home.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(versions, ["go1.21.13"]);
    sandbox
        .gover()
        .args(["import", "--all"])
        .assert()
        .success()
        .stdout(predicate::str::contains("go1.21.13 is already installed"))
        .stdout(predicate::str::contains("imported go1.22.10 from asdf"))
        .stdout(predicate::str::contains("imported go1.23.9 from goenv"));
    // A second run finds nothing left to do.
    sandbox.gover().args(["import", "--all"]).assert().success().stdout(predicate::str::contains("imported").not());
    // Each adopted version has its Go toolchain name among the shims, for go's own switch.
    for version in ["go1.21.13", "go1.22.10", "go1.23.9"] {
        assert!(sandbox.gover_home.join("shims").join(version).is_file(), "{version}");
    }

    // gvm's init still runs; doctor --fix disables it, then the old managers can go: the
    // adopted trees are gover's own now.
    let type_of_cd = || {
        let out = sandbox.startup_shell("bash").args(["-ic", "type -t cd"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(type_of_cd(), "function\n");
    sandbox.doctor(&["--fix", "--yes"]).assert().success();
    assert!(text(&bashrc).starts_with("# gover-disabled: [[ -s \"$HOME/.gvm/scripts/gvm\" ]]"), "{}", text(&bashrc));
    assert_eq!(type_of_cd(), "builtin\n");
    for dir in [".gvm", ".asdf", ".goenv"] {
        fs::remove_dir_all(sandbox.home.join(dir)).unwrap();
    }
    let versions = sandbox.gover_home.join("versions");
    let out = bash_go(&sandbox, &project(&sandbox, "a", "1.21"), "env");
    assert_eq!(out, format!("go go1.21.13 GOROOT={}\n", versions.join("go1.21.13").display()));
    let real = project(&sandbox, "b", "1.22.10");
    assert_eq!(bash_go(&sandbox, &real, "version"), "go version go1.22.10 linux/amd64\n");
    assert_eq!(bash_go(&sandbox, &real, "env GOROOT"), format!("{}\n", versions.join("go1.22.10").display()));
    assert!(bash_go(&sandbox, &project(&sandbox, "c", "1.23"), "build").starts_with("go go1.23.9 GOROOT="));
    // By name, whatever the directory pins.
    let out = sandbox.startup_shell("bash").args(["-ic", "go1.22.10 version"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "go version go1.22.10 linux/amd64\n");
}

#[test]
fn move_moves_the_tree_and_versions_filter() {
    let sandbox = Sandbox::new();
    let goenv = sandbox.home.join(".goenv/versions");
    plant_fake(&goenv.join("1.20.1"), "go1.20.1");
    plant_fake(&goenv.join("1.21.0"), "go1.21.0");
    sandbox
        .gover()
        .args(["import", "goenv", "1.21", "--move"])
        .assert()
        .success()
        .stdout(predicate::str::contains("imported go1.21.0 from goenv"))
        .stdout(predicate::str::contains("moved"));
    assert!(!goenv.join("1.21.0").exists());
    assert!(goenv.join("1.20.1/bin/go").is_file(), "only the version asked for is taken");
    assert!(sandbox.gover_home.join("versions/go1.21.0/bin/go").is_file());
    assert!(!sandbox.gover_home.join("versions/go1.20.1").exists());
    sandbox.gover().args(["import", "goenv", "nonsense"]).assert().code(2);
}

#[test]
fn a_tree_whose_go_disagrees_with_its_version_file_is_refused() {
    let sandbox = Sandbox::new();
    let liar = sandbox.home.join(".gvm/gos/go1.22.1");
    plant_fake(&liar, "go1.21.0");
    fs::write(liar.join("VERSION"), "go1.22.1\n").unwrap();
    let broken = sandbox.home.join(".gvm/gos/go1.20");
    plant_fake(&broken, "go1.20");
    write_executable(&broken.join("bin/go"), "#!/bin/sh\necho 'cannot find GOROOT' >&2\nexit 2\n");
    plant_fake(&sandbox.home.join(".gvm/gos/go1.19"), "go1.19");
    sandbox
        .gover()
        .args(["import", "gvm"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("imported go1.19 from gvm"))
        .stderr(predicate::str::contains("bin/go reports go1.21.0, VERSION says go1.22.1"))
        .stderr(predicate::str::contains("cannot find GOROOT"))
        .stderr(predicate::str::contains("could not import go1.20, go1.22.1"));
    let versions: Vec<_> = fs::read_dir(sandbox.gover_home.join("versions")).unwrap().collect();
    assert_eq!(versions.len(), 1);
    let staging = sandbox.gover_home.join("staging");
    assert_eq!(fs::read_dir(staging).map(|d| d.count()).unwrap_or(0), 0, "nothing is left in staging");
}

#[test]
fn a_global_default_the_user_set_is_kept_and_the_managers_named() {
    let sandbox = Sandbox::new();
    plant_fake(&sandbox.home.join(".gvm/gos/go1.21.13"), "go1.21.13");
    fs::create_dir_all(sandbox.home.join(".gvm/environments")).unwrap();
    fs::write(sandbox.home.join(".gvm/environments/default"), "export gvm_go_name; gvm_go_name=\"go1.21.13\"\n")
        .unwrap();
    sandbox.fake_version("go1.22.10");
    fs::write(sandbox.gover_home.join("global"), "1.22.10\n").unwrap();
    sandbox.gover().args(["import", "gvm"]).assert().success().stdout(predicate::str::contains(
        "kept gover's global default; gvm's was 1.21.13 (gover global 1.21.13 to take it)",
    ));
    assert_eq!(text(&sandbox.gover_home.join("global")), "1.22.10\n");
    // Once they agree, nothing is said.
    fs::write(sandbox.gover_home.join("global"), "1.21\n").unwrap();
    sandbox.gover().args(["import", "gvm"]).assert().success().stdout(predicate::str::contains("global default").not());
}
