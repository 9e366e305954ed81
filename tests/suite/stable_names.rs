//! `stable` and `oldstable`, as actions/setup-go defines them, through the real binaries:
//! picked from a release index that holds pre-releases and several lines, pinned as the
//! version they mean today, resolved among installed versions offline, refused in pin files,
//! and the same answers in `gover ci matrix`.

use crate::common;

use std::fs;

use common::rig::Rig;

/// Three lines, two patches of the newest, and pre-releases of a newer line that neither
/// name may pick.
const RELEASES: [&str; 6] = ["go1.24rc1", "go1.24beta1", "go1.23.9", "go1.23.8", "go1.22.10", "go1.21.13"];

fn stdout(rig: &Rig, args: &[&str]) -> String {
    let out = rig.gover().args(args).output().unwrap();
    assert!(out.status.success(), "gover {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn install_picks_setup_gos_stable_and_oldstable_past_pre_releases() {
    let rig = Rig::serving(&RELEASES);
    rig.gover().args(["install", "oldstable"]).assert().success();
    assert_eq!(rig.listed(), ["go1.22.10"]);
    rig.gover().args(["install", "stable"]).assert().success();
    assert_eq!(rig.listed(), ["go1.22.10", "go1.23.9"]);
    // The matrix gives the same answers from the same index.
    let matrix = stdout(&rig, &["ci", "matrix", "--plus", "stable,oldstable"]);
    assert!(matrix.contains("1.22.10") && matrix.contains("1.23.9"), "{matrix}");
    assert!(!matrix.contains("1.24") && !matrix.contains("1.21"), "{matrix}");
}

#[test]
fn list_remote_marks_what_the_names_mean_today() {
    let rig = Rig::serving(&RELEASES);
    rig.gover().args(["install", "stable"]).assert().success();
    let list = stdout(&rig, &["list", "--remote", "--all"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines,
        [
            "go1.21.13",
            "go1.22.10  (oldstable)",
            "go1.23.8",
            "go1.23.9  (stable, installed)",
            "go1.24beta1",
            "go1.24rc1"
        ]
    );
    // A prefix narrows the list, not what the names mean.
    assert_eq!(stdout(&rig, &["list", "--remote", "1.22"]), "go1.22.10  (oldstable)\n");
    let json: serde_json::Value = serde_json::from_str(&stdout(&rig, &["list", "--remote", "--json"])).unwrap();
    let names: Vec<(&str, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| Some((row["version"].as_str()?, row["name"].as_str()?)))
        .collect();
    assert_eq!(names, [("go1.22.10", "oldstable"), ("go1.23.9", "stable")]);
}

#[test]
fn use_and_global_pin_the_release_the_name_means_today() {
    let rig = Rig::serving(&RELEASES);
    rig.gover().args(["global", "stable", "--install"]).assert().success();
    assert_eq!(stdout(&rig, &["global"]).trim(), "go1.23.9");
    // Only go1.23.9 installed, so no installed version is oldstable: `--install` installs the
    // index's oldstable rather than asking the installed versions again afterwards.
    rig.gover().args(["use", "oldstable", "--install"]).assert().success();
    assert_eq!(
        fs::read_to_string(rig.sb.work.join(".go-version")).unwrap(),
        "1.22.10
"
    );
    assert_eq!(rig.listed(), ["go1.22.10", "go1.23.9"]);
}

#[test]
fn exec_resolves_the_names_among_installed_versions() {
    let rig = Rig::serving(&RELEASES);
    let out = rig.gover().args(["exec", "oldstable", "--", "go", "version"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("error: oldstable is not installed") && stderr.contains("gover install oldstable"),
        "{stderr}"
    );
    rig.gover().args(["install", "1.21", "1.22", "1.24rc1"]).assert().success();
    // Offline, as `latest` is: the newest installed stable line, and the newest of the line
    // before it.
    let exec = |name: &str| stdout(&rig, &["exec", name, "--", "go", "version"]);
    assert_eq!(exec("stable"), "go version go1.22.10 fake/arch\n");
    assert_eq!(exec("oldstable"), "go version go1.21.13 fake/arch\n");
}

#[test]
fn a_pin_file_naming_stable_is_refused_with_a_hint_that_works() {
    let rig = Rig::serving(&RELEASES);
    rig.gover().args(["install", "stable"]).assert().success();
    fs::write(rig.sb.work.join(".go-version"), "stable\n").unwrap();
    let out = rig.gover().arg("current").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("`stable` changes under you") && stderr.contains("gover use stable"), "{stderr}");
    // Following the hint pins the release.
    rig.gover().args(["use", "stable"]).assert().success();
    assert_eq!(fs::read_to_string(rig.sb.work.join(".go-version")).unwrap(), "1.23.9\n");
    assert!(stdout(&rig, &["current"]).contains("go1.23.9"));
}

#[test]
fn ci_env_takes_the_names_as_setup_gos_go_version_input_does() {
    let rig = Rig::serving(&RELEASES);
    let env = stdout(&rig, &["ci", "env", "--format", "shell", "--go-version", "oldstable"]);
    assert!(env.contains(&rig.version_dir("go1.22.10").display().to_string()), "{env}");
    assert_eq!(rig.listed(), ["go1.22.10"]);
}
