//! The one error type (shared with the shim, which prints it the same way): what failed, why,
//! what to do, and its [`Kind`], which decides the exit code. Here: what gover adds to it, the
//! crash report and the I/O failure.

pub use gover_shim::error::{Error, Kind};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a panic becomes for the user: gover crashed, where (the thread names the doctor check),
/// and that it is a bug to report ([`Kind::Crash`]).
pub fn crash(info: &std::panic::PanicHookInfo) -> Error {
    let payload = info.payload();
    let message =
        payload.downcast_ref::<&str>().copied().or_else(|| payload.downcast_ref::<String>().map(String::as_str));
    let thread = std::thread::current();
    let what = match thread.name() {
        Some("main") | None => "gover crashed".to_string(),
        Some(name) => format!("gover crashed in {name}"),
    };
    let at = info.location().map(|l| format!(" (at {l})")).unwrap_or_default();
    Error::new(Kind::Crash, what).cause(format!("{}{at}", message.unwrap_or("a panic without a message"))).hint(
        format!(
            "this is a bug in gover, not in your setup: please report it at {}/issues with the command \
             you ran and this message",
            env!("CARGO_PKG_REPOSITORY")
        ),
    )
}

/// An I/O failure on `path`, as "cannot <verb> <path>" with the OS error as the cause.
pub fn io(verb: &str, path: &std::path::Path, err: std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let io_kind = err.kind();
    let full = matches!(io_kind, K::StorageFull | K::QuotaExceeded);
    let kind = match io_kind {
        K::PermissionDenied | K::ReadOnlyFilesystem | K::StorageFull | K::QuotaExceeded => Kind::Environment,
        _ => Kind::Failure,
    };
    let out = Error::new(kind, format!("cannot {verb} {}", path.display())).cause(err);
    match io_kind {
        _ if full => {
            out.hint("free some space on that filesystem (df -h shows it), or point GOVER_HOME at a larger one")
        }
        K::ReadOnlyFilesystem => out.hint("that filesystem is mounted read-only (findmnt -T shows it)"),
        K::PermissionDenied => out.hint("check the owner and mode of it and of its directory (ls -ld)"),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body rows of the first table after a heading "Exit codes", if `text` has that heading.
    fn exit_code_rows(text: &str) -> Option<Vec<&str>> {
        let mut lines = text.lines();
        lines.find(|l| l.starts_with('#') && l.trim_start_matches('#').trim() == "Exit codes")?;
        let table = lines.skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|'));
        // The header and the `| --- |` line.
        Some(table.skip(2).collect())
    }

    #[test]
    fn the_documented_exit_codes_are_the_kinds() {
        let mut expected = vec!["| 0 | success |".to_string()];
        expected.extend(Kind::ALL.chunk_by(|a, b| a.when() == b.when()).map(|same| {
            let codes: Vec<String> = same.iter().map(|kind| kind.exit_code().to_string()).collect();
            format!("| {} | {} |", codes.join(", "), same[0].when())
        }));
        // The book's reference chapter is the table's one home; a command's own chapter may
        // list the codes that command gives, which are a subset.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/src/exit-codes.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let rows = exit_code_rows(&text).expect("docs/src/exit-codes.md has an \"Exit codes\" heading");
        assert_eq!(rows, expected, "the exit-code table of {} disagrees with error::Kind", path.display());
    }
}
