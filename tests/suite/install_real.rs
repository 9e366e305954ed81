//! End to end with a real Go release: `gover install` from the local mirror of official
//! archives (target/gomirror, served over HTTPS on 127.0.0.1), then the installed go runs,
//! directly and through the shim.

use crate::common;

use common::server::Server;
use common::Sandbox;
use predicates::prelude::*;

#[test]
fn installs_a_real_release_and_go_runs() {
    let mirror = common::real_mirror();
    let sb = Sandbox::new();
    let server = Server::https();
    server.serve_dir(&mirror);
    let ca = sb.write("ca.pem", server.ca_pem());
    let gover = || {
        let mut cmd = sb.gover();
        cmd.env("GOVER_INDEX_URL", server.url("/index.json"))
            .env("GOVER_DIST_URL", server.url("/"))
            .env("GOVER_CA_FILE", &ca);
        cmd
    };

    gover()
        .args(["install", "1.21"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.21 -> go1.21.13"))
        .stdout(predicate::str::contains("installed go1.21.13"));
    let root = sb.gover_home.join("versions/go1.21.13");

    // The installed tree's own go, and `go` through the shim, both with the right GOROOT.
    let mut direct = assert_cmd::Command::new(root.join("bin/go"));
    direct.env_clear().env("HOME", &sb.home).env("PATH", common::BASE_PATH).arg("version");
    direct.assert().success().stdout(predicate::str::starts_with("go version go1.21.13 "));
    sb.shim("go").arg("version").assert().success().stdout(predicate::str::starts_with("go version go1.21.13 "));
    sb.shim("go").args(["env", "GOROOT"]).assert().success().stdout(format!("{}\n", root.display()));
    sb.shim("gofmt").arg("-l").arg(sb.write("work/x.go", "package x\n")).assert().success();

    // Verified against the real checksum: a second install is a no-op.
    gover().args(["install", "go1.21.13"]).assert().success().stdout("go1.21.13 is already installed\n");
    assert_eq!(server.hits("/go1.21.13.linux-amd64.tar.gz") + server.hits("/go1.21.13.linux-arm64.tar.gz"), 1);
}
