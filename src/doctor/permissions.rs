//! Permissions and caches: go's directories (GOMODCACHE, GOCACHE, GOPATH, GOBIN) and
//! GOVER_HOME must belong to the user and be writable; the build cache and temp directory must
//! allow executing; default ACLs and the umask must leave new files usable; HOME must be the
//! user's own.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::env::{user_name, writable};
use super::{Argv, Category, Evidence, Facts, Finding, Fix, Severity};

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let dirs = go_dirs(facts);
    for (name, dir) in dirs.iter().filter(|(_, d)| d.exists()) {
        ownership(facts, name, dir, &mut out);
    }
    uncreatable(&dirs, &mut out);
    noexec(facts, &mut out);
    for (name, dir) in dirs.iter().filter(|(n, _)| matches!(*n, "GOBIN" | "GOPATH" | "GOCACHE" | "GOMODCACHE")) {
        default_acl(facts, name, dir, &mut out);
    }
    umask(facts, &dirs, &mut out);
    home(facts, &dirs, &mut out);
    gover_home(facts, &mut out);
    out
}

fn permissions_finding(id: &'static str, severity: Severity, title: impl Into<String>) -> Finding {
    Finding::new(id, severity, Category::Permissions, title)
}

/// The directories go and gover write, each once.
fn go_dirs(facts: &Facts) -> Vec<(&'static str, PathBuf)> {
    let s = &facts.settings;
    let mut out: Vec<(&'static str, PathBuf)> = Vec::new();
    let mut add = |name: &'static str, dir: PathBuf| {
        if dir.is_absolute() && !out.iter().any(|(_, d)| *d == dir) {
            out.push((name, dir));
        }
    };
    if let Some(cache) = s.effective("GOMODCACHE") {
        add("GOMODCACHE", cache.value.into());
    }
    // GOCACHE=off disables the cache (and most builds with it); nothing to write.
    if let Some(cache) = s.effective("GOCACHE").filter(|c| c.value != "off") {
        add("GOCACHE", cache.value.into());
    }
    for dir in s.gopath_dirs() {
        add("GOPATH", dir);
    }
    if let Some((dir, _)) = s.gobin() {
        add("GOBIN", dir);
    }
    add("GOVER_HOME", facts.env.gover.root().to_path_buf());
    out
}

fn owner(path: &Path) -> Evidence {
    let meta = std::fs::metadata(path).ok();
    Evidence::Owner {
        path: path.to_path_buf(),
        uid: meta.as_ref().map(|m| m.uid()).unwrap_or(u32::MAX),
        mode: meta.map(|m| m.mode() & 0o7777).unwrap_or(0),
    }
}

/// Gives `path` back to user `uid` (and the user's login group, `name:`; by number when the
/// password database has no name for it).
fn chown(uid: u32, path: &Path) -> Fix {
    let owner = user_name(uid).map_or(uid.to_string(), |name| format!("{name}:"));
    Fix::Run(Argv::new(["sudo", "chown", "-R", &owner]).arg(path))
}

/// Directories that do not exist yet (go creates them on first use) but whose nearest
/// existing parent is not writable: one finding per such parent, naming every directory it
/// blocks. A parent already reported as not writable is not reported again.
fn uncreatable(dirs: &[(&'static str, PathBuf)], out: &mut Vec<Finding>) {
    let mut blocked: Vec<(PathBuf, Vec<(&str, &Path)>)> = Vec::new();
    for (name, dir) in dirs.iter().filter(|(_, d)| !d.exists()) {
        let Some(parent) = dir.ancestors().skip(1).find(|a| a.exists()) else { continue };
        if writable(parent) {
            continue;
        }
        match blocked.iter_mut().find(|(p, _)| p == parent) {
            Some((_, names)) => names.push((name, dir)),
            None => blocked.push((parent.to_path_buf(), vec![(name, dir)])),
        }
    }
    for (parent, names) in blocked {
        let reported =
            out.iter().any(|f| f.evidence.iter().any(|e| matches!(e, Evidence::Owner { path, .. } if *path == parent)));
        if reported {
            continue;
        }
        let list: Vec<String> = names.iter().map(|(name, dir)| format!("{name} ({})", dir.display())).collect();
        out.push(
            permissions_finding(
                "permissions.not-writable",
                Severity::Error,
                format!("{} cannot be created: {} is not writable", list.join(", "), parent.display()),
            )
            .evidence(owner(&parent))
            .fix(Fix::Manual(format!(
                "create them as their owner, or point {} at directories you own",
                names.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ))),
        );
    }
}

fn ownership(facts: &Facts, name: &str, dir: &Path, out: &mut Vec<Finding>) {
    let uid = facts.env.process.uid();
    let Ok(meta) = std::fs::metadata(dir) else { return };
    // One `sudo go mod download` leaves root-owned directories inside a user's cache.
    let mut foreign = (meta.uid() != uid).then(|| dir.to_path_buf());
    if foreign.is_none() && name == "GOMODCACHE" {
        foreign = ["cache", "cache/download"]
            .iter()
            .map(|sub| dir.join(sub))
            .find(|d| std::fs::metadata(d).is_ok_and(|m| m.uid() != uid));
    }
    if uid != 0 {
        if let Some(path) = foreign {
            out.push(
                permissions_finding(
                    "permissions.foreign-owner",
                    Severity::Error,
                    format!(
                        "{name} ({}) belongs to another user (uid {}), e.g. after `sudo go …`",
                        path.display(),
                        std::fs::metadata(&path).map(|m| m.uid()).unwrap_or(0)
                    ),
                )
                .evidence(owner(&path))
                .fix(chown(uid, dir)),
            );
            return;
        }
    }
    if !writable(dir) && read_only_mount(dir) {
        // chmod cannot help on a read-only mount.
        out.push(
            permissions_finding(
                "permissions.not-writable",
                Severity::Error,
                format!("{name} ({}) is on a read-only filesystem", dir.display()),
            )
            .evidence(owner(dir))
            .fix(Fix::Manual(format!(
                "{} shows the read-only mount; remount it read-write, or point {name} at a writable place",
                Argv::new(["findmnt", "-T"]).arg(dir)
            ))),
        );
    } else if !writable(dir) {
        out.push(
            permissions_finding(
                "permissions.not-writable",
                Severity::Error,
                format!("{name} ({}) is not writable by you", dir.display()),
            )
            .evidence(owner(dir))
            .fix(Fix::Run(Argv::new(["chmod", "u+rwx"]).arg(dir))),
        );
    }
}

/// Whether `path` is on a filesystem mounted read-only.
fn read_only_mount(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: a valid NUL-terminated path and a plain struct statvfs(2) fills.
    let mut fs: libc::statvfs = unsafe { std::mem::zeroed() };
    unsafe { libc::statvfs(c.as_ptr(), &mut fs) == 0 && fs.f_flag & libc::ST_RDONLY != 0 }
}

/// A GOVER_HOME that is a file, a relative path, or below a file: nothing gover does can work.
fn gover_home(facts: &Facts, out: &mut Vec<Finding>) {
    let home = &facts.env.gover;
    if let Some(problem) = home.problem() {
        out.push(
            permissions_finding(
                "permissions.gover-home-unusable",
                Severity::Error,
                format!("GOVER_HOME={} cannot be used: {problem}", home.root().display()),
            )
            .evidence(Evidence::Env { name: "GOVER_HOME".into(), value: home.root().display().to_string() })
            .fix(Fix::Manual(gover_shim::resolve::BAD_HOME_HINT.into())),
        );
    }
}

/// A mount from /proc/self/mountinfo: where it is and its per-mount options.
#[derive(Debug, PartialEq, Eq)]
pub struct Mount {
    pub point: PathBuf,
    pub options: String,
}

/// The mount holding `path` (the longest mount point that is a prefix of it).
pub fn mount_for(mountinfo: &str, path: &Path) -> Option<Mount> {
    mountinfo
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let point = PathBuf::from(unescape_octal(fields.get(4)?));
            let options = fields.get(5)?.to_string();
            path.starts_with(&point).then_some(Mount { point, options })
        })
        // Later lines are mounted over earlier ones at the same point.
        .fold(None, |best: Option<Mount>, m| match best {
            Some(b) if b.point.components().count() > m.point.components().count() => Some(b),
            _ => Some(m),
        })
}

/// mountinfo escapes space, tab, newline and backslash as `\040` and friends.
fn unescape_octal(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 3 < bytes.len() && bytes[i + 1..i + 4].iter().all(|b| (b'0'..=b'7').contains(b)) {
            let code = u8::from_str_radix(&field[i + 1..i + 4], 8).unwrap_or(b'?');
            out.push(code);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn noexec(facts: &Facts, out: &mut Vec<Finding>) {
    let Ok(mountinfo) = std::fs::read_to_string(facts.env.proc_root.join("self/mountinfo")) else { return };
    let tmp = facts
        .settings
        .get("GOTMPDIR")
        .map(|s| ("GOTMPDIR", PathBuf::from(s.value)))
        .or_else(|| facts.env.var("TMPDIR").map(|t| ("TMPDIR", PathBuf::from(t))))
        .unwrap_or(("the temp directory", PathBuf::from("/tmp")));
    let mut dirs = vec![(tmp.0, tmp.1, Severity::Error, "go test and go run execute the binaries they build there")];
    if let Some(cache) = facts.settings.effective("GOCACHE").filter(|c| c.value != "off") {
        dirs.push((
            "GOCACHE",
            cache.value.into(),
            Severity::Warning,
            "go run and go tool execute cached binaries from it",
        ));
    }
    for (name, dir, severity, why) in dirs {
        let existing = dir.ancestors().find(|a| a.exists()).map(Path::to_path_buf).unwrap_or(dir.clone());
        let real = std::fs::canonicalize(&existing).unwrap_or(existing);
        let Some(mount) = mount_for(&mountinfo, &real) else { continue };
        if mount.options.split(',').any(|o| o == "noexec") {
            let fix = if name == "GOCACHE" {
                "set GOCACHE to a directory on a filesystem mounted without noexec (go env -w GOCACHE=…)"
            } else {
                "set GOTMPDIR to a directory on a filesystem mounted without noexec (go env -w GOTMPDIR=…)"
            };
            out.push(
                permissions_finding(
                    "permissions.noexec",
                    severity,
                    format!("{name} ({}) is on a noexec mount: {why}", dir.display()),
                )
                .evidence(Evidence::File {
                    path: facts.env.proc_root.join("self/mountinfo"),
                    lines: None,
                    text: Some(format!("{} {}", mount.point.display(), mount.options)),
                })
                .fix(Fix::Manual(fix.into())),
            );
        }
    }
}

/// One entry of a POSIX ACL as the kernel stores it in `system.posix_acl_*` (tag, perm, id).
#[derive(Debug, PartialEq, Eq)]
pub struct AclEntry {
    pub tag: u16,
    pub perm: u16,
    pub id: u32,
}

pub const ACL_USER_OBJ: u16 = 0x01;
pub const ACL_USER: u16 = 0x02;
pub const ACL_MASK: u16 = 0x10;

/// Parses the xattr value: a little-endian u32 version (2), then 8-byte entries.
pub fn parse_acl(bytes: &[u8]) -> Option<Vec<AclEntry>> {
    let (header, rest) = bytes.split_at_checked(4)?;
    if u32::from_le_bytes(header.try_into().ok()?) != 2 || rest.len() % 8 != 0 {
        return None;
    }
    Some(
        rest.chunks_exact(8)
            .map(|e| AclEntry {
                tag: u16::from_le_bytes([e[0], e[1]]),
                perm: u16::from_le_bytes([e[2], e[3]]),
                id: u32::from_le_bytes([e[4], e[5], e[6], e[7]]),
            })
            .collect(),
    )
}

/// What a default ACL leaves the owner (or the named entry for `uid`) on new files, when
/// that is less than rwx.
pub fn acl_restricts(entries: &[AclEntry], uid: u32) -> Option<u16> {
    let mask = entries.iter().find(|e| e.tag == ACL_MASK).map(|e| e.perm).unwrap_or(7);
    let owner = entries.iter().find(|e| e.tag == ACL_USER_OBJ).map(|e| e.perm).unwrap_or(7);
    let named = entries.iter().find(|e| e.tag == ACL_USER && e.id == uid).map(|e| e.perm & mask);
    [Some(owner), named].into_iter().flatten().find(|perm| perm & 7 != 7)
}

fn read_default_acl(dir: &Path) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let name = c"system.posix_acl_default";
    let mut buf = vec![0u8; 1024];
    // SAFETY: valid C strings and a buffer of the length passed.
    let n = unsafe { libc::getxattr(path.as_ptr(), name.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    (n > 0).then(|| {
        buf.truncate(n as usize);
        buf
    })
}

fn default_acl(facts: &Facts, name: &str, dir: &Path, out: &mut Vec<Finding>) {
    let Some(entries) = read_default_acl(dir).and_then(|b| parse_acl(&b)) else { return };
    let Some(perm) = acl_restricts(&entries, facts.env.process.uid()) else { return };
    let rwx = |p: u16| {
        format!(
            "{}{}{}",
            if p & 4 != 0 { 'r' } else { '-' },
            if p & 2 != 0 { 'w' } else { '-' },
            if p & 1 != 0 { 'x' } else { '-' }
        )
    };
    out.push(
        permissions_finding(
            "permissions.default-acl",
            Severity::Warning,
            format!(
                "the default ACL of {name} ({}) gives new files only {}: binaries and cache entries become unusable",
                dir.display(),
                rwx(perm)
            ),
        )
        .evidence(Evidence::Note {
            text: format!("system.posix_acl_default on {}: {} entries", dir.display(), entries.len()),
        })
        .fix(Fix::Command(Argv::new(["setfacl", "-k"]).arg(dir).to_string())),
    );
}

fn umask(facts: &Facts, dirs: &[(&'static str, PathBuf)], out: &mut Vec<Finding>) {
    let Some(mask) = facts.env.umask() else { return };
    let evidence = Evidence::Command { command: "umask".into(), output: format!("{mask:04o}") };
    if mask & 0o300 != 0 {
        out.push(
            permissions_finding("permissions.umask", Severity::Error, format!("umask {mask:04o} takes write or execute permission from your own new files: builds and caches fail"))
                .evidence(evidence)
                .fix(Fix::Manual("set a umask such as 022 or 077 in your shell's startup file".into())),
        );
        return;
    }
    // A group-shared cache (setgid, group-writable) needs a umask that keeps group write.
    if mask & 0o020 != 0 {
        for (name, dir) in dirs {
            let Ok(meta) = std::fs::metadata(dir) else { continue };
            if meta.mode() & 0o2020 == 0o2020 {
                out.push(
                    permissions_finding("permissions.umask", Severity::Warning, format!("{name} ({}) is shared with its group, but umask {mask:04o} makes new entries unwritable for the others", dir.display()))
                        .evidence(evidence.clone())
                        .evidence(owner(dir))
                        .fix(Fix::Manual("use umask 002 for the users sharing it".into())),
                );
            }
        }
    }
}

/// A HOME that is not the user's (a container user with HOME=/root, or root under `sudo`
/// with the user's HOME): go's default caches land in someone else's directory.
fn home(facts: &Facts, dirs: &[(&'static str, PathBuf)], out: &mut Vec<Finding>) {
    let Some(home) = facts.env.home() else { return };
    // Only go's directories under HOME make it matter; moving them all out is a fix too.
    let under: Vec<&str> = dirs.iter().filter(|(_, dir)| dir.starts_with(&home)).map(|(name, _)| *name).collect();
    if under.is_empty() {
        return;
    }
    let move_out =
        format!("set HOME to a directory you own, or {} to writable directories outside it", under.join(", "));
    let Ok(meta) = std::fs::metadata(&home) else {
        out.push(
            permissions_finding(
                "permissions.home-missing",
                Severity::Warning,
                format!("HOME={} does not exist: go's default directories live there", home.display()),
            )
            .evidence(Evidence::Env { name: "HOME".into(), value: home.display().to_string() })
            .evidence(Evidence::Note { text: format!("under it: {}", under.join(", ")) })
            .fix(Fix::Manual(move_out)),
        );
        return;
    };
    if meta.uid() == facts.env.process.uid() {
        return;
    }
    let title = if facts.env.process.uid() == 0 {
        format!(
            "running as root with HOME={} (uid {}): go leaves root-owned files in that user's caches",
            home.display(),
            meta.uid()
        )
    } else {
        format!(
            "HOME={} belongs to uid {}, not you (uid {}): go's default caches there are not yours",
            home.display(),
            meta.uid(),
            facts.env.process.uid()
        )
    };
    let finding = permissions_finding("permissions.home-not-owned", Severity::Warning, title)
        .evidence(owner(&home))
        .evidence(Evidence::Note { text: format!("under it: {}", under.join(", ")) });
    out.push(finding.fix(Fix::Manual(if facts.env.process.uid() == 0 {
        "use `sudo -H` (or sudo -i) so root gets its own HOME".into()
    } else {
        move_out
    })));
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
        30 22 0:25 / /tmp rw,nosuid,nodev,noexec shared:5 - tmpfs tmpfs rw\n\
        31 22 0:26 / /home/u/my\\040cache rw,noexec - tmpfs tmpfs rw\n\
        32 30 0:27 / /tmp/exec rw - tmpfs tmpfs rw\n";

    #[test]
    fn finds_the_mount_holding_a_path() {
        assert_eq!(mount_for(MOUNTINFO, Path::new("/tmp/x")).unwrap().point, PathBuf::from("/tmp"));
        assert!(mount_for(MOUNTINFO, Path::new("/tmp/x")).unwrap().options.contains("noexec"));
        assert_eq!(mount_for(MOUNTINFO, Path::new("/tmp/exec/y")).unwrap().point, PathBuf::from("/tmp/exec"));
        assert_eq!(mount_for(MOUNTINFO, Path::new("/tmpfoo")).unwrap().point, PathBuf::from("/"));
        assert_eq!(
            mount_for(MOUNTINFO, Path::new("/home/u/my cache/go-build")).unwrap().point,
            PathBuf::from("/home/u/my cache")
        );
    }

    fn acl(entries: &[(u16, u16, u32)]) -> Vec<u8> {
        let mut out = 2u32.to_le_bytes().to_vec();
        for (tag, perm, id) in entries {
            out.extend(tag.to_le_bytes());
            out.extend(perm.to_le_bytes());
            out.extend(id.to_le_bytes());
        }
        out
    }

    #[test]
    fn default_acls_that_cripple_new_files() {
        let none = u32::MAX;
        let fine = parse_acl(&acl(&[(ACL_USER_OBJ, 7, none), (0x04, 5, none), (0x20, 5, none)])).unwrap();
        assert_eq!(acl_restricts(&fine, 1000), None);
        let no_exec = parse_acl(&acl(&[(ACL_USER_OBJ, 6, none), (0x04, 5, none), (0x20, 0, none)])).unwrap();
        assert_eq!(acl_restricts(&no_exec, 1000), Some(6));
        let masked = parse_acl(&acl(&[(ACL_USER_OBJ, 7, none), (ACL_USER, 7, 1000), (ACL_MASK, 5, none)])).unwrap();
        assert_eq!(acl_restricts(&masked, 1000), Some(5));
        assert_eq!(acl_restricts(&masked, 1001), None);
        assert_eq!(parse_acl(&[1, 0, 0, 0]), None);
        assert_eq!(parse_acl(&[2, 0, 0, 0, 1]), None);
    }
}
