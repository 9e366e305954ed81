//! Every line gover writes goes through here (fnm's `outln!` with a level): what a script asked
//! for on standard output, always; what was done, on standard output unless `-q`; notes and
//! progress on standard error unless `-q`; warnings and errors on standard error, always, with
//! `error:`, `warning:` and `note:` coloured only on a terminal and never with NO_COLOR, and
//! text from servers made safe to print.
//!
//! A closed pipe (`gover list | head -1`) only stops the writing: the command still finishes
//! what it was asked to do (an import imports every version, an upgrade moves every pin), so a
//! reader that stopped early never leaves a job half done, and the exit status is the job's.
//! Any other failure to write standard output (a full disk) fails the command once it is done.

use std::fmt::{self, Display};
use std::io::{self, BufRead, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};
// The shim prints errors through the same renderer, so the filter lives beside it.
pub use gover_shim::error::printable;

/// Who a line is for, which decides where it goes and whether `-q` keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// What the command was asked for (a list, a path, JSON, a script): standard output, always.
    Answer,
    /// What was done, for a person ("removed go1.21.13"): standard output, not with `-q`.
    Info,
    /// Progress and asides ("waiting for another gover…"): standard error, not with `-q`.
    Status,
    /// `note:` on standard error, not with `-q`.
    Note,
    /// `help:` on standard error, not with `-q`.
    Help,
}

/// The sink `App` holds; copied into whatever writes on a command's behalf.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    quiet: bool,
    /// Standard output carries a script (`gover ci env`), so what was done goes to standard error.
    reports_on_stderr: bool,
}

/// NO_COLOR is set (and not empty) in gover's environment. Kept here rather than in `Output`
/// because warnings and the final error are printed where no `Output` is at hand.
static NO_COLOR: AtomicBool = AtomicBool::new(false);

impl Output {
    /// The sink for a command run in `process`, whose NO_COLOR turns colour off.
    pub fn new(quiet: bool, process: &gover_shim::Process) -> Output {
        NO_COLOR.store(process.value("NO_COLOR").is_some(), Ordering::Relaxed);
        Output { quiet, reports_on_stderr: false }
    }

    /// The same sink, keeping standard output for the answer alone.
    pub fn reports_on_stderr(self) -> Output {
        Output { reports_on_stderr: true, ..self }
    }

    /// One line at `level` (use `outln!`).
    pub fn line(self, level: Level, text: fmt::Arguments) {
        self.text(level, format_args!("{text}\n"));
    }

    /// Text that ends its own lines: a script, a report, a diff (use `out!`).
    pub fn text(self, level: Level, text: fmt::Arguments) {
        match level {
            Level::Answer => write_stdout(text),
            _ if self.quiet => {}
            Level::Info if self.reports_on_stderr => write_stderr(text),
            Level::Info => write_stdout(text),
            Level::Status => write_stderr(format_args!("{}", printable(&text.to_string()))),
            Level::Note => write_stderr(format_args!("{}: {}", colour("1;36", "note"), printable(&text.to_string()))),
            Level::Help => write_stderr(format_args!("help: {}", printable(&text.to_string()))),
        }
    }

    /// A JSON document on one line, for scripts: always printed.
    pub fn json(self, value: &serde_json::Value) {
        self.line(Level::Answer, format_args!("{value}"));
    }

    /// Whether `-q` was given, for the answer that is shorter under it (`gover -q current`
    /// prints only the version).
    pub fn quiet(self) -> bool {
        self.quiet
    }

    /// Progress bars are for a person watching a terminal, and never with `-q`.
    pub fn shows_progress(self) -> bool {
        !self.quiet && stderr_is_terminal()
    }
}

/// A line at a level through a sink: `outln!(app.out, Info, "removed {version}")`.
macro_rules! outln {
    ($out:expr, $level:ident) => {
        $out.line($crate::output::Level::$level, format_args!(""))
    };
    ($out:expr, $level:ident, $($arg:tt)+) => {
        $out.line($crate::output::Level::$level, format_args!($($arg)+))
    };
}

/// Text that ends its own lines, through a sink: `out!(app.out, Answer, "{script}")`.
macro_rules! out {
    ($out:expr, $level:ident, $($arg:tt)+) => {
        $out.text($crate::output::Level::$level, format_args!($($arg)+))
    };
}

pub(crate) use {out, outln};

/// A warning: printed whatever the level.
pub fn warn(message: impl Display) {
    write_stderr(format_args!("{}: {}\n", colour("1;33", "warning"), printable(&message.to_string())));
}

/// An error, with its causes and hint: printed whatever the level.
pub fn error(err: &Error) {
    write_stderr(format_args!("{}", err.render(&colour("1;31", "error"))));
}

/// An error a command goes on after, as a warning (with its causes and hint).
pub fn warn_error(err: &Error) {
    write_stderr(format_args!("{}", err.render(&colour("1;33", "warning"))));
}

/// Asks `question` on standard error (the caller made sure a person is there) and returns the
/// answer typed, trimmed; `None` when it cannot be read.
pub fn ask(question: &str) -> Option<String> {
    write_stderr(format_args!("{question} "));
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer).ok()?;
    Some(answer.trim().to_string())
}

pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// `label` in the colour of ANSI `code` when standard error is a terminal and NO_COLOR is unset.
pub fn colour(code: &str, label: &str) -> String {
    let plain = NO_COLOR.load(Ordering::Relaxed) || !stderr_is_terminal();
    if plain {
        label.to_string()
    } else {
        format!("\x1b[{code}m{label}\x1b[0m")
    }
}

/// One line of text from a server, as gover keeps it: runs of whitespace (line breaks
/// included) as one space, and nothing a terminal acts on (see [`printable`]).
pub fn one_line(text: &str) -> String {
    printable(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Standard output stopped taking lines: its reader is gone, or writing failed.
static STDOUT_DONE: AtomicBool = AtomicBool::new(false);
/// Why writing standard output failed, other than a closed pipe; reported by [`finish`].
static STDOUT_FAILURE: Mutex<Option<io::Error>> = Mutex::new(None);

/// Once the reader is gone, the rest is dropped rather than written at nobody.
fn write_stdout(text: fmt::Arguments) {
    if STDOUT_DONE.load(Ordering::Relaxed) {
        return;
    }
    if let Err(err) = io::stdout().lock().write_fmt(text) {
        stdout_failed(err);
    }
}

/// Standard error is the last place to say anything, so a failure to write it is dropped.
fn write_stderr(text: fmt::Arguments) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_fmt(text).and_then(|()| stderr.flush());
}

fn stdout_failed(err: io::Error) {
    STDOUT_DONE.store(true, Ordering::Relaxed);
    if err.kind() != io::ErrorKind::BrokenPipe {
        STDOUT_FAILURE.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(err);
    }
}

/// Called by `main` once a command succeeded: writes out what standard output still holds,
/// and turns a failure to write it (other than a closed pipe) into the command's error.
pub fn finish() -> Result<()> {
    if !STDOUT_DONE.load(Ordering::Relaxed) {
        if let Err(err) = io::stdout().lock().flush() {
            stdout_failed(err);
        }
    }
    match STDOUT_FAILURE.lock().unwrap_or_else(|e| e.into_inner()).take() {
        Some(err) => Err(Error::failure("cannot write standard output")
            .cause(err)
            .hint("make room where standard output goes (df -h shows a full disk), or send it elsewhere")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_what_a_terminal_acts_on() {
        assert_eq!(one_line("  Two\nlines,\r\n\x1b[1mbold\x1b[0m\t "), "Two lines, [1mbold[0m");
    }
}
