//! The one error type: what failed, why, what to do, and the exit code.
//!
//! Printed by `main` as
//! ```text
//! error: cannot install go1.22.10
//!   cause: checksum mismatch for https://…: expected ab…, got cd…
//! help: the mirror may be compromised; unset GOVER_DIST_URL and retry
//! ```

use std::fmt;

pub use gover_shim::exit;
use gover_shim::ResolveError;

#[derive(Clone, Debug)]
pub struct Error {
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
    pub code: i32,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: i32, message: impl Into<String>) -> Error {
        Error { message: message.into(), causes: Vec::new(), hint: None, code }
    }

    pub fn failure(message: impl Into<String>) -> Error {
        Error::new(exit::FAILURE, message)
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(exit::USAGE, message)
    }

    pub fn cause(mut self, cause: impl fmt::Display) -> Error {
        self.causes.push(cause.to_string());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// Prefixes the message with what was being attempted, keeping the old one as the cause.
    pub fn context(self, what: impl Into<String>) -> Error {
        let Error { message, mut causes, hint, code } = self;
        causes.insert(0, message);
        Error { message: what.into(), causes, hint, code }
    }

    /// The text `main` prints on standard error.
    pub fn render(&self) -> String {
        self.render_with(&crate::output::colour("1;31", "error"))
    }

    /// The same text as a `warning:`, for a failure a command goes on after (the
    /// vulnerability data could not be refreshed, but the install still happens).
    pub fn render_warning(&self) -> String {
        self.render_with(&crate::output::colour("1;33", "warning"))
    }

    fn render_with(&self, label: &str) -> String {
        use crate::output::printable;
        let mut out = format!("{label}: {}\n", printable(&self.message));
        for cause in &self.causes {
            out.push_str(&format!("  cause: {}\n", printable(cause)));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("help: {}\n", printable(hint)));
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ResolveError> for Error {
    fn from(err: ResolveError) -> Error {
        let mut out = Error::new(err.exit_code(), err.to_string());
        out.hint = err.hint();
        out
    }
}

/// An I/O failure on `path`, as "cannot <verb> <path>" with the OS error as the cause.
pub fn io(verb: &str, path: &std::path::Path, err: std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let full = matches!(err.kind(), K::StorageFull | K::QuotaExceeded);

    let code = match err.kind() {
        K::PermissionDenied | K::ReadOnlyFilesystem | K::StorageFull | K::QuotaExceeded => exit::ENVIRONMENT,
        _ => exit::FAILURE,
    };
    let kind = err.kind();
    let out = Error::new(code, format!("cannot {verb} {}", path.display())).cause(err);
    match kind {
        _ if full => {
            out.hint("free some space on that filesystem (df -h shows it), or point GOVER_HOME at a larger one")
        }
        K::ReadOnlyFilesystem => out.hint("that filesystem is mounted read-only (findmnt -T shows it)"),
        K::PermissionDenied => out.hint("check the owner and mode of it and of its directory (ls -ld)"),
        _ => out,
    }
}
