//! Everything doctor reads from the machine that is not a plain file: environment variables,
//! the working directory, the uid, where update-alternatives keeps its state, /proc, and the
//! commands it asks (`bash -ic`, `go env`, `systemctl --user`). Gathered in one value so tests
//! and planted environments can supply their own (rustup's `Process`).

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use gover_shim::{Context, GoverHome, Process};

use super::startup::{Kind, StartupShell};
use crate::shell::startup::StartupEnv;
use crate::shell::syntax::Dialect;

pub struct Env {
    /// The environment doctor looks at, with its working directory and uid.
    pub process: Process,
    /// What the shim's resolver sees in it.
    pub context: Context,
    pub gover: GoverHome,
    /// update-alternatives' admin directory (`/var/lib/dpkg/alternatives`).
    pub alternatives_admin: PathBuf,
    /// Where the alternatives' links live (`/etc/alternatives`).
    pub alternatives_dir: PathBuf,
    /// `/proc`, for mountinfo, the umask and the TCP tables.
    pub proc_root: PathBuf,
    /// A file to read instead of `crontab -l`.
    pub crontab_file: Option<PathBuf>,
    /// How long any one command may take.
    pub timeout: Duration,
    /// The administrator's policy, as the command read it.
    pub policy: Option<crate::policy::Policy>,
}

/// What a command printed, when it ran to completion in time.
pub struct Output {
    pub success: bool,
    pub stdout: String,
}

impl Env {
    /// A variable's value, when set and not empty (how go itself reads its settings).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.process.value_str(name)
    }

    pub fn home(&self) -> Option<PathBuf> {
        self.process.home_dir()
    }

    /// The shell doctor was started from, whose PATH it inherited: its parent process when
    /// that is bash, zsh or fish, else the login shell `$SHELL` (the parent is sudo, say, or
    /// a shell that replaced itself with gover).
    pub fn shell(&self) -> Option<StartupShell> {
        self.parent_shell().or_else(|| self.var("SHELL").and_then(StartupShell::from_program))
    }

    fn parent_shell(&self) -> Option<StartupShell> {
        let stat = std::fs::read_to_string(self.proc_root.join("self/stat")).ok()?;
        // The fields follow the command name's closing parenthesis (the name may hold one):
        // the state, then the parent's pid.
        let parent = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?;
        let name = std::fs::read_to_string(self.proc_root.join(parent).join("comm")).ok()?;
        StartupShell::from_program(name.trim())
    }

    /// `$XDG_CONFIG_HOME`, else `~/.config` (relative XDG values are ignored, as the spec says).
    pub fn config_home(&self) -> Option<PathBuf> {
        self.process.xdg_dir("XDG_CONFIG_HOME", ".config")
    }

    /// What decides where the user's shells read their startup files, from this environment.
    /// Without ZDOTDIR here (doctor run from bash, or from a zsh whose ~/.zshenv sets it
    /// without exporting it), the ZDOTDIR ~/.zshenv sets counts: a new zsh reads that file
    /// first, then the rest where it points.
    pub fn startup(&self) -> Option<StartupEnv> {
        let home = self.home()?;
        let mut startup = StartupEnv::from_process(&self.process, home);
        if startup.zdotdir.is_none() {
            startup.zdotdir = self.zdotdir_set_in(&startup.zshenv(|p| p.exists()), &startup.home);
        }
        Some(startup)
    }

    /// The last ZDOTDIR `zshenv` assigns, expanded.
    fn zdotdir_set_in(&self, zshenv: &Path, home: &Path) -> Option<PathBuf> {
        let text = std::fs::read_to_string(zshenv).ok()?;
        let value = super::startup::scan(&text, Dialect::Zsh).into_iter().rev().find_map(|c| match c.kind {
            Kind::ZshDir { value } => Some(value),
            _ => None,
        })?;
        let lookup = |name: &str| match name {
            "HOME" => Some(home.display().to_string()),
            _ => self.var(name).map(String::from),
        };
        super::startup::expand_path(&value, home, lookup)
    }

    /// PATH's entries in order, empty entries (which mean `.`) included as `.`.
    pub fn path_dirs(&self) -> Vec<PathBuf> {
        match self.process.var_os("PATH") {
            Some(path) => std::env::split_paths(path)
                .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p })
                .collect(),
            None => Vec::new(),
        }
    }

    /// The first executable `name` on PATH (or `name` itself when it is a path).
    pub fn find_program(&self, name: &str) -> Option<PathBuf> {
        if name.contains('/') {
            let path = PathBuf::from(name);
            return gover_shim::resolve::is_executable(&path).then_some(path);
        }
        self.path_dirs().into_iter().map(|d| d.join(name)).find(|p| gover_shim::resolve::is_executable(p))
    }

    /// The process umask, from /proc/self/status (reading it with umask(2) would change it).
    pub fn umask(&self) -> Option<u32> {
        let status = std::fs::read_to_string(self.proc_root.join("self/status")).ok()?;
        let line = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
        u32::from_str_radix(line.trim(), 8).ok()
    }

    /// Runs `program args` with this environment (plus `extra`), stdin closed, in a session of
    /// its own: without a controlling terminal an interactive shell (`bash -ic`) does not wait
    /// to take over the user's terminal, and its children die with it on timeout (the session
    /// leader's process group). `None` when it cannot start or does not finish in time.
    pub fn run(&self, program: &Path, args: &[&str], extra: &[(&str, &str)]) -> Option<Output> {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .envs(self.process.vars())
            .envs(extra.iter().copied())
            .current_dir(&self.context.cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // SAFETY: setsid(2) is async-signal-safe, the only kind of call allowed between fork and exec.
        unsafe {
            cmd.pre_exec(|| if libc::setsid() == -1 { Err(std::io::Error::last_os_error()) } else { Ok(()) });
        }
        let mut child = cmd.spawn().ok()?;
        let mut stdout = child.stdout.take()?;
        let reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            // A chatty command cannot make doctor slow or big.
            let _ = (&mut stdout).take(1 << 20).read_to_end(&mut buf);
            buf
        });
        let deadline = std::time::Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if std::time::Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
                _ => break None,
            }
        };
        let Some(status) = status else {
            // SAFETY: kill(2) on the process group we created; no memory is involved.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            return None;
        };
        // Background children of a shell may keep the pipe open; don't wait for them.
        unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
        let stdout = reader.join().ok()?;
        Some(Output { success: status.success(), stdout: String::from_utf8_lossy(&stdout).into_owned() })
    }
}

/// Whether the current user may write `path` (access(2) with W_OK: modes, ACLs and
/// read-only mounts included).
pub fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: a valid NUL-terminated path; access(2) only reads it.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// User `uid`'s name in the password database.
pub fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: a plain struct getpwuid_r(3) fills; `found` ends up null or pointing at it.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, and `buf` for its length.
    let rc = unsafe { libc::getpwuid_r(uid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
    name.to_str().ok().map(String::from)
}
