//! What every command gets: the store and the process's view of the world (rustup's
//! `Process`), gathered once so commands take their environment as a value.

use std::cell::LazyCell;
use std::path::Path;

use gover_shim::resolve::{empty_pin_warning, ignored_pin_warning, request, toolchain_for, Installed};
use gover_shim::{Context, GoVersion, GoverHome, Process, Request, Resolution, ResolveError, Source, Spec, Toolchain};

use crate::error::{Error, Kind, Result};
use crate::gosettings::{self, Settings};
use crate::output::Output;
use crate::policy::Policy;
use crate::store::Store;
use crate::vulndb::Knowledge;

pub struct App {
    /// The process's environment, working directory and uid, taken once at the start.
    pub process: Process,
    pub store: Store,
    /// Where every line goes (`outln!`), at the level `-q` chose.
    pub out: Output,
    /// --trust-mirror (GOVER_TRUST_MIRROR): the user accepts the download mirror's own checksums.
    pub trust_mirror: bool,
    /// Builds the whole clap tree, for the completion scripts. main hands it down so that
    /// nothing below main imports `cli`, which imports the commands.
    pub cli: fn() -> clap::Command,
    /// The administrator's policy (`/etc/gover/policy.toml`), if there is one.
    pub policy: Option<Policy>,
    /// GOVER_HOME or --home named the home (else it is the default place).
    chosen_home: bool,
}

/// Which store the command works on.
#[derive(Clone, Copy, Debug)]
pub enum HomeArg<'a> {
    /// The user's: `--home` if given, else GOVER_HOME or the default place.
    User(Option<&'a Path>),
    /// `--system`: the store every user shares.
    System,
}

impl App {
    pub fn new(
        mut process: Process,
        home_arg: HomeArg,
        out: Output,
        trust_mirror: bool,
        cli: fn() -> clap::Command,
    ) -> Result<App> {
        let home = match home_arg {
            HomeArg::User(Some(dir)) => GoverHome::new(dir),
            HomeArg::User(None) => GoverHome::locate(&process).ok_or_else(|| {
                Error::new(Kind::Environment, "cannot find where gover keeps its files")
                    .cause("neither GOVER_HOME nor HOME is set")
                    .hint("set GOVER_HOME=/path/to/gover-home")
            })?,
            HomeArg::System => {
                // What root makes there is for every user to read and for nobody else to
                // change, whatever umask sudo or root's shell passed on (0077 would hide it
                // from users, 0002 would let root's group change it).
                // SAFETY: umask only sets this process's file-creation mask; it cannot fail.
                unsafe { libc::umask(0o022) };
                GoverHome::locate_system(&process)
            }
        };
        crate::vulndb::setting(&process).map_err(|bad| Error::usage(bad.to_string()).hint(bad.hint()))?;
        let (store, chosen) = match home_arg {
            HomeArg::User(arg) => (Store::new(home), arg.is_some() || process.value("GOVER_HOME").is_some()),
            // Only what it is is checked: users list it without being able to create it.
            HomeArg::System => (Store::system(home), false),
        };
        let policy = Policy::load(|name| process.var(name))?;
        if let Some(policy) = &policy {
            policy.check_trust_mirror(trust_mirror)?;
            let settings = Settings::load(gosettings::settings::SettingsEnv::from_process(&process));
            for (name, value) in policy.environment(|name| settings.get(name).map(|s| s.value))? {
                // Before any thread starts; through the environment, the fleet's settings reach
                // every reader of them in gover (the download client, go's settings) and the
                // commands it runs (`gover exec`, the `gover install` of `use --install`).
                process.set_var(name, &value);
                std::env::set_var(name, value);
            }
        }
        Ok(App { process, store, out, trust_mirror, cli, policy, chosen_home: chosen })
    }

    /// Whether the policy lets `toolchain` be installed or used here.
    pub fn permit(&self, toolchain: &Toolchain) -> Result<()> {
        self.permit_version(toolchain.version())
    }

    /// As [`App::permit`], for a release (`None`: a Go gover did not install).
    pub fn permit_version(&self, version: Option<&GoVersion>) -> Result<()> {
        match &self.policy {
            Some(policy) => {
                let knowledge = LazyCell::new(|| Knowledge::load(&self.process, &self.store, &self.store.installed()));
                policy.permit_version(version, &knowledge)
            }
            None => Ok(()),
        }
    }

    /// An unusable home (a file, a relative path, a place nothing can be created) is exit 8
    /// before a command looks at it, so none of them reports "nothing installed" instead.
    /// The default place (under HOME) is only checked for what it is; whether it can be
    /// created is doctor's to judge (`permissions.home-missing`).
    pub fn check_home(&self) -> Result<()> {
        let home = self.store.home();
        let uncreatable = || uncreatable(home.root()).filter(|_| self.chosen_home);
        match home.problem().or_else(uncreatable) {
            Some(problem) => Err(ResolveError::BadHome { root: home.root().to_path_buf(), problem }.into()),
            None => Ok(()),
        }
    }

    /// The resolver's view of this process: working directory, GOVER_VERSION, PATH, GOWORK.
    pub fn context(&self) -> Result<Context> {
        Ok(Context::new(&self.process, self.store.home().clone(), self.system_home())?)
    }
}

/// Why a GOVER_HOME that does not exist yet could never be created: the nearest existing
/// parent is read-only to this user, or a kernel filesystem (/proc, /sys) that holds no files.
fn uncreatable(root: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let parent = root.ancestors().find(|p| p.exists())?;
    if parent == root {
        return None;
    }
    let c_path = std::ffi::CString::new(parent.as_os_str().as_bytes()).ok()?;
    // SAFETY: c_path is a valid NUL-terminated string and `fs` a plain struct statfs fills.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    let kernel = unsafe { libc::statfs(c_path.as_ptr(), &mut fs) } == 0
        && [libc::PROC_SUPER_MAGIC, libc::SYSFS_MAGIC].contains(&(fs.f_type as _));
    // SAFETY: as above; access only reads the path.
    let writable = unsafe { libc::access(c_path.as_ptr(), libc::W_OK | libc::X_OK) } == 0;
    match (kernel, writable) {
        (true, _) => Some(format!("it cannot be created: {} is a kernel filesystem", parent.display())),
        (false, false) => Some(format!("it cannot be created: {} is not writable by you", parent.display())),
        _ => None,
    }
}

impl App {
    /// The version in use here and what selected it, warning about pin files on the way that
    /// were empty or that another user could have written.
    pub fn resolve(&self) -> Result<Resolution> {
        let request = self.request()?;
        Ok(Resolution { toolchain: toolchain_for(&self.context()?, &request)?, request })
    }

    /// What this directory asks for, before looking at what is installed.
    pub fn request(&self) -> Result<Request> {
        let request = request(&self.context()?)?;
        for ignored in &request.ignored {
            crate::output::warn(ignored_pin_warning(ignored, &request.source));
        }
        for path in &request.empty_pins {
            crate::output::warn(empty_pin_warning(path, &request.source));
        }
        Ok(request)
    }

    /// The same app writing through `out`.
    pub fn with_output(&self, out: Output) -> App {
        App {
            process: self.process.clone(),
            store: self.store.clone(),
            out,
            cli: self.cli,
            chosen_home: self.chosen_home,
            policy: self.policy.clone(),
            trust_mirror: self.trust_mirror,
        }
    }

    /// A version, or the name of a toolchain `gover link` made, as `use`, `global`, `exec` and
    /// `shell` take it. A name nothing is linked as is refused as no version, never written
    /// into a pin.
    pub fn parse_choice(&self, text: &str) -> Result<Spec> {
        match parse_spec(text) {
            Err(_) if self.is_link(text) => Ok(Spec::Link(text.to_string())),
            other => other,
        }
    }

    /// Whether `text` is the name of a link (checked as a name first, so `../x` reads nothing).
    pub fn is_link(&self, text: &str) -> bool {
        gover_shim::link::name_problem(text).is_none() && self.store.home().linked(text).is_some()
    }

    /// The system store whose versions this user runs beside their own; None when the command
    /// works on it (`--system`).
    pub fn system_home(&self) -> Option<GoverHome> {
        (!self.store.is_system()).then(|| GoverHome::locate_system(&self.process))
    }

    /// Installed versions, oldest first, each with its tree: the store's own and, unless it is
    /// the system store, the system store's (see [`gover_shim::resolve::installed`]).
    pub fn installed(&self) -> Vec<Installed> {
        let system = self.system_home();
        let mut all = gover_shim::resolve::installed(self.store.home(), system.as_ref(), self.process.uid());
        all.sort_by(|a, b| a.version.cmp(&b.version));
        all
    }

    /// The installed toolchain for a version named on the command line.
    pub fn toolchain(&self, spec: &Spec) -> Result<Toolchain> {
        let request = Request::named(spec.clone(), Source::Argument);
        Ok(toolchain_for(&self.context()?, &request)?)
    }
}

/// A version spec from the command line, or a usage error that shows what one looks like.
pub fn parse_spec(text: &str) -> Result<Spec> {
    Spec::parse(text).ok_or_else(|| {
        Error::usage(format!("{text:?} is not a Go version"))
            .hint("versions look like 1.22 (newest 1.22.x), 1.22.10, go1.23rc1, latest, stable, oldstable or system")
    })
}
