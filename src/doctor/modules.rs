//! Modules and network: proxy and checksum-database settings, GOPRIVATE coverage, TLS and
//! proxy variables, a hijacked process (LD_PRELOAD, a missing ELF interpreter), cgo without
//! a compiler, a GOPATH-era project, and ephemeral-port exhaustion.

use std::path::{Path, PathBuf};

use gover_shim::resolve;

use super::startup::Kind;
use super::SettingEvidence;
use super::{Argv, Category, Evidence, Facts, Finding, Fix, Severity};
use crate::elf;
use crate::gosettings::{modpattern, Setting, SettingOrigin};

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    proxy_settings(facts, &mut out);
    goprivate(facts, &mut out);
    tls_and_proxies(facts, &mut out);
    hijacks(facts, &mut out);
    cgo(facts, &mut out);
    gopath_project(facts, &mut out);
    ports(facts, &mut out);
    out
}

fn modules_finding(id: &'static str, severity: Severity, title: impl Into<String>) -> Finding {
    Finding::new(id, severity, Category::Modules, title)
}

/// How to undo a setting: drop it from the go env file, comment out the startup line that
/// exports it, or unset it by hand.
fn unset_fix(facts: &Facts, name: &str, set: &Setting) -> Fix {
    if let SettingOrigin::File { path, .. } = &set.origin {
        return Fix::RemoveGoEnvKey { file: path.clone(), key: name.into() };
    }
    for s in &facts.startup {
        for c in &s.constructs {
            if matches!(&c.kind, Kind::Export { name: n, .. } if n == name) {
                return Fix::CommentOut { file: s.file.path.clone(), lines: c.lines };
            }
        }
    }
    Fix::Manual(format!("unset {name} where it is set (CI configuration, /etc/environment, your IDE)"))
}

fn proxy_settings(facts: &Facts, out: &mut Vec<Finding>) {
    let s = &facts.settings;
    if let Some(proxy) = s.get("GOPROXY") {
        let entries: Vec<&str> = proxy.value.split([',', '|']).map(str::trim).filter(|e| !e.is_empty()).collect();
        if entries.first() == Some(&"off") {
            out.push(
                modules_finding("modules.goproxy-off", Severity::Warning, "GOPROXY=off: go cannot download any module")
                    .evidence(proxy.evidence("GOPROXY"))
                    .fix(unset_fix(facts, "GOPROXY", &proxy)),
            );
        } else if !entries.is_empty() && entries.iter().all(|e| *e == "direct") {
            out.push(
                modules_finding(
                    "modules.goproxy-direct",
                    Severity::Info,
                    "GOPROXY=direct: every module is fetched from its VCS (needs git and access to every host)",
                )
                .evidence(proxy.evidence("GOPROXY"))
                .fix(unset_fix(facts, "GOPROXY", &proxy)),
            );
        }
    }
    if let Some(sumdb) = s.get("GOSUMDB").filter(|v| v.value == "off") {
        out.push(
            modules_finding(
                "modules.gosumdb-off",
                Severity::Warning,
                "GOSUMDB=off: downloaded modules are not verified, and toolchain downloads fail",
            )
            .evidence(sumdb.evidence("GOSUMDB"))
            .fix(unset_fix(facts, "GOSUMDB", &sumdb)),
        );
    }
    if let Some(flags) = s
        .get("GOFLAGS")
        .filter(|f| f.value.split_whitespace().any(|w| w.trim_start_matches('-').starts_with("insecure")))
    {
        out.push(
            modules_finding(
                "modules.goflags-insecure",
                Severity::Error,
                "GOFLAGS has -insecure, which go no longer knows: every go command fails to parse GOFLAGS",
            )
            .evidence(flags.evidence("GOFLAGS"))
            .fix(unset_fix(facts, "GOFLAGS", &flags)),
        );
    }
}

fn goprivate(facts: &Facts, out: &mut Vec<Finding>) {
    let s = &facts.settings;
    let Some(private) = s.get("GOPRIVATE") else { return };
    for (name, id, why) in [
        (
            "GONOSUMDB",
            "modules.goprivate-nosumdb",
            "their paths go to the public checksum database (leaked, then 404/410)",
        ),
        ("GONOPROXY", "modules.goprivate-noproxy", "they are fetched through the public proxy, which cannot see them"),
    ] {
        // Go defaults these to GOPRIVATE only when they are unset.
        let Some(cover) = s.get(name) else { continue };
        let missing = modpattern::uncovered(&private.value, &cover.value);
        if missing.is_empty() {
            continue;
        }
        out.push(
            modules_finding(
                id,
                Severity::Warning,
                format!("{name} is set, so it replaces GOPRIVATE for it, and misses {}: {why}", missing.join(",")),
            )
            .evidence(private.evidence("GOPRIVATE"))
            .evidence(cover.evidence(name))
            .fix(Fix::Manual(format!("add {} to {name}, or unset {name} so it follows GOPRIVATE", missing.join(",")))),
        );
    }
}

/// `user:secret@host` → `user:***@host`, so evidence never prints a password.
fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((auth, host)) if auth.contains(':') => {
            let (user, _) = auth.rsplit_once(':').unwrap_or((auth, ""));
            format!("{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// Whether a proxy variable holds a usable URL; like go, a value without a scheme means
/// `http://value`.
pub fn proxy_url_ok(value: &str) -> bool {
    let parsed = if value.contains("://") {
        url::Url::parse(value).ok().filter(|u| matches!(u.scheme(), "http" | "https" | "socks5" | "socks5h"))
    } else {
        url::Url::parse(&format!("http://{value}")).ok()
    };
    parsed.is_some_and(|u| u.host_str().is_some_and(|h| !h.is_empty()))
}

fn tls_and_proxies(facts: &Facts, out: &mut Vec<Finding>) {
    let env = facts.env;
    if let Some(file) = env.var("SSL_CERT_FILE") {
        let evidence = Evidence::Env { name: "SSL_CERT_FILE".into(), value: file.into() };
        let problem = match std::fs::read(file) {
            Err(e) => Some(format!("cannot be read: {e}")),
            Ok(bytes) => {
                use rustls::pki_types::pem::PemObject;
                let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&bytes).collect::<Result<Vec<_>, _>>();
                match certs {
                    Ok(certs) if !certs.is_empty() => None,
                    Ok(_) => Some("holds no PEM certificate".into()),
                    Err(e) => Some(format!("is not valid PEM: {e:?}")),
                }
            }
        };
        if let Some(problem) = problem {
            out.push(
                modules_finding(
                    "network.ssl-cert-file",
                    Severity::Error,
                    format!("SSL_CERT_FILE={file} {problem}: every HTTPS download fails"),
                )
                .evidence(evidence)
                .fix(Fix::Manual("point SSL_CERT_FILE at a PEM bundle (your proxy's CA included), or unset it".into())),
            );
        }
    }
    if let Some(dirs) = env.var("SSL_CERT_DIR") {
        for dir in dirs.split(':').filter(|d| !d.is_empty() && !Path::new(d).is_dir()) {
            out.push(
                modules_finding(
                    "network.ssl-cert-dir",
                    Severity::Warning,
                    format!("SSL_CERT_DIR names {dir}, which is not a directory"),
                )
                .evidence(Evidence::Env { name: "SSL_CERT_DIR".into(), value: dirs.into() })
                .fix(Fix::Manual("fix or unset SSL_CERT_DIR".into())),
            );
        }
    }
    for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        let Some(value) = env.var(name) else { continue };
        if !proxy_url_ok(value) {
            out.push(
                modules_finding("network.proxy-url", Severity::Error, format!("{name} is not a usable proxy URL"))
                    .evidence(Evidence::Env { name: name.into(), value: redact(value) })
                    .fix(Fix::Manual(format!("set {name} to a URL such as http://proxy.example:3128, or unset it"))),
            );
        }
    }
}

/// The real binary `go` runs here: a go outside gover, or the version the shim would pick.
/// The go binary that runs here, and its gover version when it is one of gover's.
fn go_that_runs(facts: &Facts) -> Option<(PathBuf, Option<gover_shim::GoVersion>)> {
    let winner = facts.go_on_path.first()?;
    if !winner.is_shim {
        return Some((winner.resolved.clone()?, None));
    }
    let env = facts.env;
    let ctx = &env.context;
    let toolchain = resolve::resolve(ctx).ok()?.toolchain;
    let version = toolchain.version().cloned();
    Some((toolchain.binary("go"), version))
}

fn hijacks(facts: &Facts, out: &mut Vec<Finding>) {
    if let Some(preload) = facts.env.var("LD_PRELOAD") {
        out.push(
            modules_finding(
                "binary.ld-preload",
                Severity::Warning,
                "LD_PRELOAD is set: a library intercepts calls of every program, go and its tools included",
            )
            .evidence(Evidence::Env { name: "LD_PRELOAD".into(), value: preload.into() })
            .fix(Fix::Manual(
                "unset LD_PRELOAD where it is set (a startup file, /etc/environment, a unit's Environment=) unless you \
                 know why it is there"
                    .into(),
            )),
        );
    }
    let Some((go, version)) = go_that_runs(facts) else { return };
    if let Ok(Some(interp)) = elf::read_interpreter(&go) {
        if !Path::new(&interp).exists() {
            out.push(
                modules_finding(
                    "binary.missing-interpreter",
                    Severity::Error,
                    format!(
                        "{} needs the ELF interpreter {interp}, which this system lacks: it cannot start",
                        go.display()
                    ),
                )
                .evidence(Evidence::Note { text: format!("PT_INTERP of {}: {interp}", go.display()) })
                .fix(match version {
                    Some(version) => super::goroot::reinstall(&version.to_string()),
                    None => {
                        Fix::Manual("replace that go with an official (static) release: gover install <version>".into())
                    }
                }),
            );
        }
    }
}

fn host_goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

/// How to build cgo code for `goos`/`goarch` from this machine: for Linux targets, the
/// Debian cross compiler package and the CC it installs (their names follow GNU triples).
fn cross_compiler_fix(goos: &str, goarch: &str) -> String {
    let triple = match goarch {
        "amd64" => Some("x86_64-linux-gnu"),
        "arm64" => Some("aarch64-linux-gnu"),
        "arm" => Some("arm-linux-gnueabihf"),
        "386" => Some("i686-linux-gnu"),
        "riscv64" => Some("riscv64-linux-gnu"),
        "ppc64le" => Some("powerpc64le-linux-gnu"),
        "s390x" => Some("s390x-linux-gnu"),
        _ => None,
    };
    match triple.filter(|_| goos == "linux") {
        Some(t) => format!(
            "install a cross compiler and point CC at it (apt install gcc-{t}, then CC={t}-gcc), or set CGO_ENABLED=0"
        ),
        None => format!("point CC at a C compiler for {goos}/{goarch}, or set CGO_ENABLED=0"),
    }
}

fn cgo(facts: &Facts, out: &mut Vec<Finding>) {
    let s = &facts.settings;
    let env = facts.env;
    let enabled = s.get("CGO_ENABLED");
    if enabled.as_ref().is_some_and(|e| e.value == "0") {
        return;
    }
    let cc = s.get("CC");
    let program = |set: &Setting| set.value.split_whitespace().next().unwrap_or("").to_string();
    if let Some(cc) = &cc {
        if env.find_program(&program(cc)).is_none() {
            out.push(
                modules_finding(
                    "cgo.cc-missing",
                    Severity::Error,
                    format!("CC={} names a program that is not installed: cgo builds fail", cc.value),
                )
                .evidence(cc.evidence("CC"))
                .fix(Fix::Manual(
                    "install that compiler, point CC at one that is installed, or set CGO_ENABLED=0".into(),
                )),
            );
        }
    } else if env.find_program("gcc").is_none() && env.find_program("clang").is_none() {
        let (severity, title) = match &enabled {
            Some(_) => {
                (Severity::Error, "CGO_ENABLED=1 but there is no C compiler (gcc, clang): cgo builds fail".to_string())
            }
            None => (
                Severity::Info,
                "no C compiler (gcc, clang): go builds with cgo off, so packages that need cgo do not build"
                    .to_string(),
            ),
        };
        let mut finding = modules_finding("cgo.no-compiler", severity, title);
        if let Some(e) = &enabled {
            finding = finding.evidence(e.evidence("CGO_ENABLED"));
        }
        out.push(finding.fix(Fix::Manual("install gcc (apt install gcc), or set CGO_ENABLED=0".into())));
    }
    if let Some(pkg) = s.get("PKG_CONFIG") {
        if env.find_program(&program(&pkg)).is_none() {
            out.push(
                modules_finding(
                    "cgo.pkg-config-missing",
                    Severity::Warning,
                    format!("PKG_CONFIG={} names a program that is not installed", pkg.value),
                )
                .evidence(pkg.evidence("PKG_CONFIG"))
                .fix(Fix::Manual(
                    "install that program, point PKG_CONFIG at one that is installed, or unset PKG_CONFIG (go then \
                     runs pkg-config from PATH)"
                        .into(),
                )),
            );
        }
    }
    let cross = [("GOARCH", host_goarch()), ("GOOS", std::env::consts::OS)]
        .into_iter()
        .find_map(|(name, host)| s.get(name).filter(|v| v.value != host).map(|v| (name, v)));
    if let (Some((name, target)), Some(on), None) = (cross, enabled.filter(|e| e.value == "1"), cc) {
        let goos = s.get("GOOS").map_or(std::env::consts::OS.into(), |v| v.value);
        let goarch = s.get("GOARCH").map_or(host_goarch().into(), |v| v.value);
        out.push(
            modules_finding(
                "cgo.cross-compiler",
                Severity::Warning,
                format!(
                    "a cgo cross build ({name}={}) with no CC: the host's compiler cannot build for it",
                    target.value
                ),
            )
            .evidence(target.evidence(name))
            .evidence(on.evidence("CGO_ENABLED"))
            .fix(Fix::Manual(cross_compiler_fix(&goos, &goarch))),
        );
    }
}

/// A project under GOPATH/src without go.mod: module mode says "cannot find main module".
fn gopath_project(facts: &Facts, out: &mut Vec<Finding>) {
    if facts.settings.get("GO111MODULE").is_some_and(|v| v.value == "off") {
        return;
    }
    let cwd = &facts.env.context.cwd;
    for gopath in facts.settings.gopath_dirs() {
        let src = gopath.join("src");
        let Ok(rel) = cwd.strip_prefix(&src) else { continue };
        if rel.as_os_str().is_empty() {
            continue;
        }
        if cwd.ancestors().any(|d| d.join("go.mod").is_file() || d.join("go.work").is_file()) {
            return;
        }
        out.push(
            modules_finding(
                "modules.gopath-no-gomod",
                Severity::Warning,
                format!(
                    "{} is a GOPATH-era project without go.mod: go says \"cannot find main module\"",
                    cwd.display()
                ),
            )
            .evidence(Evidence::Note { text: format!("inside {} and no go.mod up to /", src.display()) })
            .fix(Fix::Command(Argv::new(["go", "mod", "init"]).arg(rel).to_string())),
        );
        return;
    }
}

/// TIME_WAIT sockets against the ephemeral port range; informational.
fn ports(facts: &Facts, out: &mut Vec<Finding>) {
    let proc_root = &facts.env.proc_root;
    let Ok(range) = std::fs::read_to_string(proc_root.join("sys/net/ipv4/ip_local_port_range")) else { return };
    let bounds: Vec<u32> = range.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    let [low, high] = bounds[..] else { return };
    let size = high.saturating_sub(low) + 1;
    let time_wait: usize = ["net/tcp", "net/tcp6"]
        .iter()
        .filter_map(|t| std::fs::read_to_string(proc_root.join(t)).ok())
        .map(|table| count_time_wait(&table))
        .sum();
    if time_wait as u32 * 2 > size {
        out.push(
            modules_finding("network.ephemeral-ports", Severity::Info, format!("{time_wait} sockets in TIME_WAIT against {size} ephemeral ports: parallel downloads may fail to connect"))
                .evidence(Evidence::File { path: proc_root.join("sys/net/ipv4/ip_local_port_range"), lines: None, text: Some(range.trim().into()) })
                .fix(Fix::Manual("TIME_WAIT sockets close within 60 s: wait, or widen the range (sudo sysctl -w net.ipv4.ip_local_port_range=\"15000 65000\")".into())),
        );
    }
}

/// Rows of /proc/net/tcp whose state column is 06 (TIME_WAIT).
pub fn count_time_wait(table: &str) -> usize {
    table.lines().skip(1).filter(|l| l.split_whitespace().nth(3) == Some("06")).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_like_go_reads_them() {
        assert!(proxy_url_ok("http://proxy.corp:3128"));
        assert!(proxy_url_ok("proxy.corp:3128"));
        assert!(proxy_url_ok("http://user:pa%40ss@proxy.corp:3128"));
        assert!(proxy_url_ok("socks5://127.0.0.1:1080"));
        assert!(!proxy_url_ok("http://"));
        assert!(!proxy_url_ok("http://proxy corp:80"));
        assert!(!proxy_url_ok("://x"));
    }

    #[test]
    fn cross_compilers_by_target() {
        assert!(cross_compiler_fix("linux", "arm64")
            .contains("apt install gcc-aarch64-linux-gnu, then CC=aarch64-linux-gnu-gcc"));
        assert_eq!(
            cross_compiler_fix("darwin", "arm64"),
            "point CC at a C compiler for darwin/arm64, or set CGO_ENABLED=0"
        );
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("http://bob:hunter2@proxy:3128"), "http://bob:***@proxy:3128");
        assert_eq!(redact("http://proxy:3128"), "http://proxy:3128");
    }

    #[test]
    fn counts_time_wait_rows() {
        let table = "  sl  local_address rem_address   st tx_queue\n   0: 0100007F:1F90 00000000:0000 0A 0\n   1: 0100007F:A1B2 0100007F:1F90 06 0\n   2: 0100007F:A1B3 0100007F:1F90 06 0\n";
        assert_eq!(count_time_wait(table), 2);
    }
}
