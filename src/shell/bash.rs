//! bash: the shared sh hook, then a prompt re-check and lazily loaded completions.

use super::{posix, render, HookPaths, Shell};

pub const ASSET: &str = include_str!("assets/bash.bash");

pub fn hook(paths: &HookPaths) -> String {
    let own = render(ASSET, Shell::Bash, &[("COMPLETIONS", &paths.completions_dir(Shell::Bash))]);
    format!("{}\n{own}", posix::hook(paths))
}
