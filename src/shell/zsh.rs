//! zsh: the shared sh hook, then a precmd re-check and completions through fpath.

use super::{posix, render, HookPaths, Shell};

pub const ASSET: &str = include_str!("assets/zsh.zsh");

pub fn hook(paths: &HookPaths) -> String {
    let own = render(ASSET, Shell::Zsh, &[("COMPLETIONS", &paths.completions_dir(Shell::Zsh))]);
    format!("{}\n{own}", posix::hook(paths))
}
