//! The one error type of gover and its shim: what failed, why, what to do, and its kind, which
//! decides the exit code. The kinds are the documented exit codes (the table in docs/src/exit-codes.md and
//! `gover --help` are made from, or checked against, [`Kind::ALL`]), so code asks what kind an
//! error is and never compares numbers.
//!
//! Both binaries print an error the same way, through [`Error::render`]:
//! ```text
//! error: cannot install go1.22.10
//!   cause: checksum mismatch for https://…: expected ab…, got cd…
//! help: the mirror may be compromised; unset GOVER_DIST_URL and retry
//! ```

use std::fmt;

/// What went wrong, as far as a script can tell: each kind is one exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Failure,
    Usage,
    NotInstalled,
    NoSuchVersion,
    Network,
    Verification,
    BadPin,
    Environment,
    Policy,
    Crash,
    Interrupted,
    Terminated,
}

impl Kind {
    /// Every kind, in the order of the documented table.
    pub const ALL: [Kind; 12] = [
        Kind::Failure,
        Kind::Usage,
        Kind::NotInstalled,
        Kind::NoSuchVersion,
        Kind::Network,
        Kind::Verification,
        Kind::BadPin,
        Kind::Environment,
        Kind::Policy,
        Kind::Crash,
        Kind::Interrupted,
        Kind::Terminated,
    ];

    pub const fn exit_code(self) -> i32 {
        match self {
            Kind::Failure => 1,
            Kind::Usage => 2,
            Kind::NotInstalled => 3,
            Kind::NoSuchVersion => 4,
            Kind::Network => 5,
            Kind::Verification => 6,
            Kind::BadPin => 7,
            Kind::Environment => 8,
            Kind::Policy => 9,
            // Rust's own code for a panic.
            Kind::Crash => 101,
            // 128 + the signal, as shells report a death by SIGINT and SIGTERM.
            Kind::Interrupted => 130,
            Kind::Terminated => 143,
        }
    }

    /// The kind a gover that exited with `code` failed with, for a command that runs another.
    pub fn from_exit_code(code: i32) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.exit_code() == code)
    }

    /// A few words, for the list in `gover --help`.
    pub const fn meaning(self) -> &'static str {
        match self {
            Kind::Failure => "failure",
            Kind::Usage => "usage",
            Kind::NotInstalled => "not installed",
            Kind::NoSuchVersion => "no such version",
            Kind::Network => "network",
            Kind::Verification => "verification failed",
            Kind::BadPin => "bad pin file",
            Kind::Environment => "unusable environment",
            Kind::Policy => "refused by policy",
            Kind::Crash => "crashed (a bug)",
            Kind::Interrupted | Kind::Terminated => "interrupted",
        }
    }

    /// When it happens, for the documented table (Markdown).
    pub const fn when(self) -> &'static str {
        match self {
            Kind::Failure => "failure without a more specific code; for `gover doctor`, an error-level finding",
            Kind::Usage => "usage: the command line is wrong",
            Kind::NotInstalled => {
                "the requested version is not installed (or `system` was asked for and there is none)"
            }
            Kind::NoSuchVersion => "no release matches the request",
            Kind::Network => {
                "network, server or proxy failure; also no checksums from a source you trust (go.dev's index \
                 out of reach and a `GOVER_DIST_URL` mirror not trusted), or an https URL redirecting to plain http"
            }
            Kind::Verification => "a download or archive failed verification",
            Kind::BadPin => "a pin file, `GOVER_VERSION` or the global default is not a version",
            Kind::Environment => {
                "unusable environment: no HOME, a shim loop, an unwritable GOVER_HOME, changing the system store \
                 without root, go settings that rule out the module proxy (`GOPROXY=off`, `GONOPROXY` matching the \
                 toolchain, a malformed `GOSUMDB`)"
            }
            Kind::Policy => {
                "the administrator's policy (`/etc/gover/policy.toml`) refuses the version, source or setting, or the \
                 policy file itself is unreadable, malformed or not the administrator's"
            }
            Kind::Crash => {
                "gover crashed: a bug in gover, never a verdict on your setup (`error: gover crashed…`, where, \
                 and where to report it)"
            }
            Kind::Interrupted | Kind::Terminated => {
                "`gover install`, `import`, `mirror sync` or `upgrade` stopped by Ctrl-C (SIGINT) or SIGTERM: \
                 nothing half-installed or half-written, the partial download kept; the same command resumes"
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), causes: Vec::new(), hint: None }
    }

    pub fn failure(message: impl Into<String>) -> Error {
        Error::new(Kind::Failure, message)
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(Kind::Usage, message)
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
    pub fn context(mut self, what: impl Into<String>) -> Error {
        let message = std::mem::replace(&mut self.message, what.into());
        self.causes.insert(0, message);
        self
    }

    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }

    /// The text to print on standard error, headed by `label` ("error", or "warning" for a
    /// failure a command goes on after), which the caller colours or not.
    pub fn render(&self, label: &str) -> String {
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

impl std::error::Error for Error {}

/// `text` without the characters a terminal acts on instead of showing: C0 and C1 controls
/// (ESC starts sequences that move the cursor, set the title or write the clipboard,
/// `ESC ] 52`), DEL, and the bidirectional overrides that show text in another order than
/// it is. Line breaks and tabs stay. Messages quote what servers sent (a database summary,
/// an archive's entry names) and paths anyone could have named, so every message passes
/// through here on its way out.
pub fn printable(text: &str) -> String {
    text.chars().filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_bidi_control(c))).collect()
}

/// The embeddings, overrides and isolates of Unicode's bidirectional algorithm, and the marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_with_a_code_of_its_own_and_words() {
        for (i, kind) in Kind::ALL.into_iter().enumerate() {
            // Exhaustive on purpose: a new kind does not compile here until it has its place in ALL.
            let place = match kind {
                Kind::Failure => 0,
                Kind::Usage => 1,
                Kind::NotInstalled => 2,
                Kind::NoSuchVersion => 3,
                Kind::Network => 4,
                Kind::Verification => 5,
                Kind::BadPin => 6,
                Kind::Environment => 7,
                Kind::Policy => 8,
                Kind::Crash => 9,
                Kind::Interrupted => 10,
                Kind::Terminated => 11,
            };
            assert_eq!(place, i, "{kind:?} is out of place in Kind::ALL");
            assert!(!kind.meaning().is_empty() && !kind.when().is_empty(), "{kind:?} is undocumented");
            // 0 is success; above 255 a shell sees the code modulo 256.
            assert!((1..=255).contains(&kind.exit_code()), "{kind:?}");
            let same: Vec<Kind> = Kind::ALL.into_iter().filter(|k| k.exit_code() == kind.exit_code()).collect();
            assert_eq!(same, [kind], "{} is the code of more than one kind", kind.exit_code());
        }
    }

    #[test]
    fn renders_message_causes_and_hint_under_the_label() {
        let err = Error::new(Kind::Network, "cannot fetch\x1b[2J the index")
            .cause("connection refused")
            .hint("check the proxy")
            .context("cannot install go1.22.10");
        assert_eq!(err.exit_code(), 5);
        assert_eq!(
            err.render("warning"),
            "warning: cannot install go1.22.10\n  cause: cannot fetch[2J the index\n  cause: connection refused\n\
             help: check the proxy\n"
        );
    }

    #[test]
    fn drops_what_a_terminal_acts_on() {
        assert_eq!(printable("a\x1b]52;c;ZWNobyBoaQ==\x07b\x1b[2J"), "a]52;c;ZWNobyBoaQ==b[2J");
        assert_eq!(printable("line\n\tnext\r\u{9b}31m\u{7f}"), "line\n\tnext31m");
        assert_eq!(printable("user\u{202e}txt.exe"), "usertxt.exe");
        assert_eq!(printable("go1.22.10 — ünïcode"), "go1.22.10 — ünïcode");
    }
}
