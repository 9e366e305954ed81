//! The command-line interface: global options and the subcommand tree. Every global option
//! is also a GOVER_* environment variable, so CI can set it once.

use std::path::PathBuf;

use clap::{Args, Parser};
use gover_shim::switch::{self, BadSwitch};

use crate::commands::Command;
use crate::error::Kind;

#[derive(Parser, Debug)]
#[command(
    name = "gover",
    version,
    about = "Install Go releases, switch between them per directory, and fix broken Go setups",
    after_help = exit_codes()
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// Print only errors and what a script needs (no progress bars or notes)
    #[arg(short, long, global = true, env = "GOVER_QUIET", value_parser = on_off("GOVER_QUIET"))]
    pub quiet: bool,
    /// Where versions, shims and settings live [env: GOVER_HOME] [default: ~/.local/share/gover]
    // GOVER_HOME is read by App, not by clap: an exported GOVER_HOME (the hook exports it) would
    // otherwise show up as `--home <DIR>` in every usage line.
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Work on the system store every user of the machine runs versions from (install,
    /// uninstall and list; changing it takes root): GOVER_SYSTEM_HOME, else /usr/local/lib/gover
    #[arg(long, global = true, conflicts_with = "home")]
    pub system: bool,
    /// When go.dev's release index cannot be fetched, trust the checksums of the GOVER_DIST_URL
    /// mirror itself (its index, or its <archive>.sha256 files); each install that relies on
    /// them says so
    #[arg(long, global = true, env = "GOVER_TRUST_MIRROR", value_parser = on_off("GOVER_TRUST_MIRROR"))]
    pub trust_mirror: bool,
}

/// The exit codes for `--help`, one entry per meaning ("130/143 interrupted").
fn exit_codes() -> String {
    let kinds = Kind::ALL.chunk_by(|a, b| a.meaning() == b.meaning()).map(|same| {
        let codes: Vec<String> = same.iter().map(|kind| kind.exit_code().to_string()).collect();
        format!("{} {}", codes.join("/"), same[0].meaning())
    });
    let entries: Vec<String> = std::iter::once("0 ok".to_string()).chain(kinds).collect();
    format!("Exit codes: {}", entries.join(", "))
}

/// An on/off variable read as the shim reads its own (1, true, yes, on; 0, false, no, off, or
/// empty), so `GOVER_QUIET=1` works; the error names the variable and what it takes. On the
/// command line the flag takes no value, so a bad value can only come from the variable.
fn on_off(name: &'static str) -> impl Fn(&str) -> Result<bool, String> + Clone + Send + Sync + 'static {
    move |value| switch::parse(value.as_ref()).ok_or_else(|| BadSwitch { name, value: value.to_string() }.hint())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_each_exit_code_with_its_meaning() {
        assert_eq!(
            exit_codes(),
            "Exit codes: 0 ok, 1 failure, 2 usage, 3 not installed, 4 no such version, 5 network, \
             6 verification failed, 7 bad pin file, 8 unusable environment, 9 refused by policy, \
             101 crashed (a bug), 130/143 interrupted"
        );
    }
}
