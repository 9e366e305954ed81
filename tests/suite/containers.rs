//! The container recipes: container/Dockerfile's commands, as written, in Debian 12 roots
//! (no container engine runs here), gover's release from a loopback https server holding
//! `cargo xtask dist`'s files, Go from the real-Go fixture mirror.

use crate::common;

use std::fs;
use std::path::Path;

use common::gover_release::dist;
use common::server::Server;
use common::text;
use common::Sandbox;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A sandbox, the release over https (its CA for CURL_CA_BUNDLE) and the fixture Go mirror;
/// None (the skip recorded) where the release files cannot be built.
fn servers() -> Option<(Sandbox, Server, Server)> {
    let dist = dist()?;
    let release = Server::https();
    release.serve_dir(dist);
    let mirror = Server::http();
    mirror.serve_dir(&common::real_mirror());
    Some((Sandbox::new(), release, mirror))
}

/// One `FROM` stage of a Dockerfile: its instructions, continuation lines joined.
fn stages(dockerfile: &str) -> Vec<Vec<(String, String)>> {
    let joined = dockerfile.replace("\\\n", " ");
    let mut stages: Vec<Vec<(String, String)>> = Vec::new();
    for line in joined.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        if word == "FROM" {
            stages.push(Vec::new());
        }
        stages.last_mut().expect("a Dockerfile starts with FROM").push((word.to_string(), rest.trim().to_string()));
    }
    stages
}

/// A stage's ARGs (a build arg in `build_args` in place of the default), ENVs and RUNs as one
/// shell script, as Docker's `/bin/sh -c` runs each RUN with them set; `extra` is what the
/// build host adds (the test's loopback addresses).
fn stage_script(stage: &[(String, String)], build_args: &[(&str, &str)], extra: &str) -> String {
    // What Docker sets for every RUN of a root stage.
    let mut script =
        format!("cd /\nexport HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n{extra}\n");
    for (word, rest) in stage {
        match word.as_str() {
            "ARG" => {
                let (name, default) = rest.split_once('=').unwrap_or((rest, ""));
                let value =
                    build_args.iter().find(|(n, _)| *n == name).map_or(default.to_string(), |(_, v)| v.to_string());
                script += &format!("export {name}={value}\n");
            }
            "ENV" => script += &format!("export {rest}\n"),
            "RUN" => script += &format!("echo '+ {}'\n(set -e; {rest})\n", rest.replace('\'', "")),
            _ => {}
        }
    }
    script
}

#[test]
fn the_dockerfile_builds_an_image_whose_go_is_the_verified_release_and_nothing_else() {
    let Some((sb, release, mirror)) = servers() else { return };
    let dockerfile = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("container/Dockerfile")).unwrap();
    let stages = stages(&dockerfile);
    assert_eq!(stages.len(), 2, "a build stage and the image");

    // The build stage, with the release's address and the mirror as a user passes them.
    let build = sb.root().join("build-root");
    let release_url = release.url("");
    let args = [
        ("GOVER_VERSION", VERSION),
        ("GO_VERSION", "1.23.9"),
        ("GOVER_RELEASE_URL", release_url.trim_end_matches('/')),
    ];
    let extra = format!(
        "export CURL_CA_BUNDLE=/etc/gover-test/ca.pem GOVER_DIST_URL={} GOVER_INDEX_URL={}",
        mirror.url("/"),
        mirror.url("/index.json")
    );
    let script = stage_script(&stages[0], &args, &extra);
    // The root is made by the first run; the CA goes in before the stage's commands.
    let out = common::debian_root::run(&build, "true");
    assert!(out.status.success(), "{}", text(&out.stderr));
    fs::create_dir_all(build.join("etc/gover-test")).unwrap();
    fs::write(build.join("etc/gover-test/ca.pem"), release.ca_pem()).unwrap();
    let out = common::debian_root::run(&build, &script);
    assert!(out.status.success(), "{script}\n{}\n{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(release.hits("/install.sh"), 1);

    // The image: the COPY --from of the build stage, then its ENV, and go run by a user.
    let image = sb.root().join("image-root");
    let out = common::debian_root::run(&image, "true");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut env = String::new();
    for (word, rest) in &stages[1] {
        match word.as_str() {
            "COPY" => {
                let parts: Vec<&str> = rest.split_whitespace().collect();
                let ["--from=go", from, to] = parts[..] else { panic!("an unexpected COPY: {rest}") };
                let status = std::process::Command::new("cp")
                    .arg("-a")
                    .arg(build.join(from.trim_start_matches('/')))
                    .arg(image.join(to.trim_start_matches('/')))
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            "ENV" => env += &format!("export {rest}\n"),
            "FROM" => {}
            other => panic!("the image stage should only copy and set the environment: {other} {rest}"),
        }
    }
    let check = format!(
        "{env}cd /tmp\nsetpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'go version; go env GOROOT GOTOOLCHAIN'\n\
         if command -v gover || command -v curl; then exit 9; fi"
    );
    let out = common::debian_root::run(&image, &check);
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert!(lines[0].starts_with("go version go1.23.9 linux/"), "{lines:?}");
    assert_eq!(lines[1..], ["/usr/local/go", "local"]);
}

fn feature_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("devcontainer/src/gover")
}

/// The Feature's options as the spec hands them to install.sh: each option's id upper-cased,
/// anything but letters, digits and `_` made `_`, its default unless `set` names it.
fn option_env(feature: &serde_json::Value, set: &[(&str, &str)]) -> String {
    let options = feature["options"].as_object().unwrap();
    let mut env = String::new();
    for (id, option) in options {
        let name: String =
            id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
        let value = set.iter().find(|(n, _)| n == id).map_or(option["default"].as_str().unwrap(), |(_, v)| v);
        env += &format!("export {name}='{value}'\n");
    }
    for (id, _) in set {
        assert!(options.contains_key(*id), "the Feature has no option {id}");
    }
    env
}

/// The published Feature schema (tests/fixtures/schemas, with where it comes from) judges the
/// metadata, offline; what the schema cannot say (the id is the directory's name, the version
/// is gover's) is checked by hand. A copy with an option type the spec does not allow must be
/// refused, so the check can fail.
#[test]
fn the_feature_metadata_passes_the_published_schema() {
    if !common::require("check-jsonschema") {
        return;
    }
    let path = feature_dir().join("devcontainer-feature.json");
    let feature: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(feature["id"], "gover", "the id is the directory's name");
    assert_eq!(feature["version"], VERSION);
    let out = check_feature_schema(&path);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));

    let sb = Sandbox::new();
    let mut broken = feature.clone();
    let (_, option) = broken["options"].as_object_mut().unwrap().iter_mut().next().unwrap();
    option["type"] = "number".into();
    let copy = sb.root().join("devcontainer-feature.json");
    fs::write(&copy, serde_json::to_string(&broken).unwrap()).unwrap();
    assert!(!check_feature_schema(&copy).status.success(), "an option of type number passed the schema");
}

fn check_feature_schema(file: &Path) -> std::process::Output {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas/devContainerFeature.schema.json");
    std::process::Command::new("check-jsonschema")
        .envs(["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"].map(|k| (k, "http://127.0.0.1:9")))
        .args(["--no-cache", "--schemafile"])
        .arg(schema)
        .arg(file)
        .output()
        .unwrap()
}

#[test]
fn shellcheck_finds_nothing_in_the_feature_install_script() {
    if !common::require("shellcheck") {
        return;
    }
    let out = std::process::Command::new("shellcheck").arg(feature_dir().join("install.sh")).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn the_feature_installs_the_version_file_s_go_for_the_remote_user() {
    let Some((sb, release, mirror)) = servers() else { return };
    let feature: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(feature_dir().join("devcontainer-feature.json")).unwrap()).unwrap();
    let root = sb.root().join("feature-root");
    let out = common::debian_root::run(&root, "useradd --create-home dev");
    assert!(out.status.success(), "{}", text(&out.stderr));
    fs::create_dir_all(root.join("etc/gover-test")).unwrap();
    fs::write(root.join("etc/gover-test/ca.pem"), release.ca_pem()).unwrap();
    fs::copy(feature_dir().join("install.sh"), root.join("etc/gover-test/install.sh")).unwrap();
    fs::create_dir_all(root.join("workspace")).unwrap();
    fs::write(root.join("workspace/go.mod"), "module example.com/app\n\ngo 1.21\n\ntoolchain go1.22.10\n").unwrap();

    // The build: the Feature's install.sh as root, with its options and what the spec adds.
    let mirror_url = mirror.url("/");
    let options = option_env(&feature, &[("versionFile", "/workspace/go.mod"), ("mirror", &mirror_url)]);
    let build = format!(
        "export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n\
         export _REMOTE_USER=dev _REMOTE_USER_HOME=/home/dev\n\
         export CURL_CA_BUNDLE=/etc/gover-test/ca.pem GOVER_RELEASE_URL={} GOVER_INDEX_URL={}\n{options}\
         cd /etc/gover-test && ./install.sh",
        release.url("").trim_end_matches('/'),
        mirror.url("/index.json")
    );
    let out = common::debian_root::run(&root, &build);
    assert!(out.status.success(), "{build}\n{}\n{}", text(&out.stdout), text(&out.stderr));

    // The container, used as the remote user with the Feature's containerEnv: the version file's
    // Go by default, and gover can install another for them.
    let mut env = String::from("export PATH=/usr/local/bin:/usr/bin:/bin\n");
    for (name, value) in feature["containerEnv"].as_object().unwrap() {
        env += &format!("export {name}=\"{}\"\n", value.as_str().unwrap().replace("${PATH}", "$PATH"));
    }
    let check = format!(
        "{env}export GOVER_INDEX_URL={} GOVER_DIST_URL={mirror_url}\ncd /home/dev\n\
         setpriv --reuid=dev --regid=dev --init-groups env HOME=/home/dev sh -ec 'go version; gover install --quiet 1.21.13 && gover exec 1.21.13 go version'",
        mirror.url("/index.json")
    );
    let out = common::debian_root::run(&root, &check);
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert!(lines[0].starts_with("go version go1.22.10 linux/"), "{lines:?}");
    assert!(lines.last().unwrap().starts_with("go version go1.21.13 linux/"), "{lines:?}");
}
