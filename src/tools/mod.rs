//! Programs `go install`ed into the GOBIN every version shares: what each one is (read from
//! its own build information, see [`buildinfo`]), and whether and how it can be built again
//! with another Go. `gover tools` and doctor ask; the rebuild itself is the command's.

pub mod buildinfo;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use buildinfo::BuildInfo;
use gover_shim::GoVersion;
use serde_json::json;

use crate::elf::{FileImage, Image};
use crate::gosettings::Settings;
use crate::vulndb::Knowledge;

/// A directory `go install` writes to, and why it is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolDir {
    pub path: PathBuf,
    /// `GOBIN`, `$GOPATH/bin`, or `$GOPATH/bin on PATH`.
    pub source: &'static str,
}

/// The directories to look in: where `go install` puts programs now (GOBIN, else the first
/// GOPATH entry's bin, else ~/go/bin), and go's default `$GOPATH/bin` as well when GOBIN is
/// elsewhere and PATH still has it (tools installed before GOBIN was set).
pub fn dirs(settings: &Settings, path_var: Option<&OsStr>) -> Vec<ToolDir> {
    let mut out: Vec<ToolDir> = settings.gobin().map(|(path, source)| ToolDir { path, source }).into_iter().collect();
    let on_path: Vec<PathBuf> = path_var.map(|p| std::env::split_paths(p).collect()).unwrap_or_default();
    if let Some(default) = settings.gopath_dirs().into_iter().next().map(|g| g.join("bin")) {
        if on_path.contains(&default) && out.iter().all(|d| d.path != default) {
            out.push(ToolDir { path: default, source: "$GOPATH/bin on PATH" });
        }
    }
    out
}

/// One file in a tool directory.
#[derive(Debug)]
pub struct Tool {
    pub name: String,
    pub path: PathBuf,
    /// What it is, or why it is not a Go program gover can read.
    pub info: Result<BuildInfo, String>,
    /// A symbolic link (read through, but never replaced).
    pub link: bool,
}

/// The files of `dirs`, in order, each name once (the first directory's wins, as on PATH).
/// Hidden files (gover's own rebuild directories among them) and directories are skipped.
pub fn scan(dirs: &[ToolDir]) -> Vec<Tool> {
    let mut out: Vec<Tool> = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir.path) else { continue };
        let mut found: Vec<Tool> = entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = entry.path();
                if name.starts_with('.') || path.is_dir() || out.iter().any(|t| t.name == name) {
                    return None;
                }
                let link = entry.file_type().is_ok_and(|t| t.is_symlink());
                Some(Tool { info: read(&path), name, path, link })
            })
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        out.extend(found);
    }
    out
}

/// The build information of the file at `path`, or why there is none, in words. Only its
/// headers and build information are read, not the whole program.
pub fn read(path: &Path) -> Result<BuildInfo, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let unreadable = |e: std::io::Error| format!("cannot be read: {e}");
    // Non-blocking, so a FIFO planted there cannot hang the listing; fstat then refuses it.
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(unreadable)?;
    if !file.metadata().map_err(unreadable)?.is_file() {
        return Err("not a regular file".into());
    }
    let image = FileImage::new(file).map_err(unreadable)?;
    if image.bytes_at(0, 2).is_ok_and(|start| start[..] == *b"#!") {
        return Err("a script, not a Go program".into());
    }
    buildinfo::read(&image).map_err(|e| match e {
        buildinfo::BuildInfoError::NotElf | buildinfo::BuildInfoError::NotGo => format!("not a Go program ({e})"),
        other => other.to_string(),
    })
}

/// What `go install` needs to build it again (`package@version`), or why it cannot.
pub fn install_target(info: &BuildInfo) -> Result<String, String> {
    let Some(main) = info.main.as_ref().filter(|_| !info.path.is_empty()) else {
        return Err("built outside module mode: it names no module to build again".into());
    };
    if main.version.is_empty() || main.version == "(devel)" {
        return Err(format!(
            "built from a local directory of {}, not from a module version ({})",
            main.path, main.version
        ));
    }
    if let Some(module) = std::iter::once(main).chain(&info.deps).find(|m| m.replace.is_some()) {
        let to = module.replace.as_ref().expect("found by its replacement");
        return Err(format!(
            "built with a replace directive ({} => {}), which go install path@version refuses",
            module.path, to.path
        ));
    }
    if main.sum.is_none() {
        return Err(format!(
            "built from a local checkout of {} (no module hash), not downloaded as {}",
            main.path, main.version
        ));
    }
    Ok(format!("{}@{}", info.path, main.version))
}

/// The `go install` flags that made it as it is and that a rebuild keeps: build tags and
/// -trimpath. (`-ldflags` is not kept: a program installed by path@version has none.)
pub fn install_flags(info: &BuildInfo) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(tags) = info.setting("-tags").filter(|t| !t.is_empty()) {
        out.push(format!("-tags={tags}"));
    }
    if info.setting("-trimpath") == Some("true") {
        out.push("-trimpath".into());
    }
    out
}

/// A program as `gover tools --json` and `gover report --json` show it: what built it, that
/// Go's standing, and whether it can be rebuilt.
pub fn to_json(tool: &Tool, knowledge: &Knowledge, installed: &[GoVersion]) -> serde_json::Value {
    let info = match &tool.info {
        Ok(info) => info,
        Err(why) => return json!({"name": tool.name, "path": tool.path, "go_program": false, "reason": why}),
    };
    let go = info.built_by();
    let status = go.as_ref().map(|v| knowledge.assess(v));
    let target = install_target(info);
    json!({
        "name": tool.name,
        "path": tool.path,
        "go_program": true,
        "go_version": info.go_version,
        "package": Some(&info.path).filter(|p| !p.is_empty()),
        "module": info.main.as_ref().map(|m| json!({"path": m.path, "version": m.version, "sum": m.sum})),
        "go_installed": go.as_ref().map(|v| installed.contains(v)),
        "vulnerabilities": status.as_ref().and_then(|s| s.ids()),
        "fixed_in": status.as_ref().and_then(|s| s.fixed_in.as_ref()).map(|v| v.to_string()),
        "end_of_life": status.as_ref().map(|s| s.end_of_life),
        "rebuild": target.as_ref().ok().filter(|_| !tool.link),
        "cannot_rebuild": why_not(tool, &target),
    })
}

/// Why `tool` cannot be rebuilt, given its install target.
pub fn why_not(tool: &Tool, target: &std::result::Result<String, String>) -> Option<String> {
    match target {
        _ if tool.link => Some("a symbolic link: gover replaces only programs that live in GOBIN".into()),
        Err(why) => Some(why.clone()),
        Ok(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::buildinfo::parse_modinfo;
    use super::*;

    #[test]
    fn what_can_be_built_again() {
        let info = |text: &str| parse_modinfo(text).unwrap();
        let installed =
            info("path\tex.com/m/cmd/x\nmod\tex.com/m\tv1.2.0\th1:a=\nbuild\t-tags=a,b\nbuild\t-trimpath=true\n");
        assert_eq!(install_target(&installed).as_deref(), Ok("ex.com/m/cmd/x@v1.2.0"));
        assert_eq!(install_flags(&installed), ["-tags=a,b", "-trimpath"]);
        for (text, why) in [
            ("", "outside module mode"),
            ("path\tex.com/m\nmod\tex.com/m\t(devel)\t\n", "local directory"),
            ("path\tex.com/m\nmod\tex.com/m\tv1.0.1-0.20240101000000-abcdefabcdef+dirty\t\n", "local checkout"),
            (
                "path\tex.com/m\nmod\tex.com/m\tv1.0.0\th1:a=\ndep\tex.com/d\tv1.0.0\n=>\t../d\t\n",
                "replace directive (ex.com/d => ../d)",
            ),
        ] {
            let err = install_target(&info(text)).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn the_default_gopath_bin_counts_when_on_path() {
        use crate::gosettings::settings::SettingsEnv;
        let settings = |vars: &[(&str, &str)]| {
            Settings::load(SettingsEnv::from_process(&gover_shim::Process::new(vars.iter().copied(), "/", 0)))
        };
        let s = settings(&[("HOME", "/h"), ("GOENV", "off"), ("GOBIN", "/tools")]);
        let paths = |dirs: Vec<ToolDir>| dirs.into_iter().map(|d| d.path).collect::<Vec<_>>();
        assert_eq!(paths(dirs(&s, Some(OsStr::new("/usr/bin")))), [PathBuf::from("/tools")]);
        assert_eq!(
            paths(dirs(&s, Some(OsStr::new("/h/go/bin:/usr/bin")))),
            [PathBuf::from("/tools"), "/h/go/bin".into()]
        );
        let s = settings(&[("HOME", "/h"), ("GOENV", "off")]);
        assert_eq!(paths(dirs(&s, Some(OsStr::new("/h/go/bin")))), [PathBuf::from("/h/go/bin")]);
    }
}
