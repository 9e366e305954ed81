//! Applies doctor's fixes without losing anything: rc lines are commented out, never deleted;
//! every touched file is backed up first and written atomically; `gover doctor --undo` puts
//! the last backup back byte for byte.

pub mod alternatives;
pub mod atomic;
pub mod backup;
pub mod comment_out;
pub mod diff;
pub mod go_env_file;
pub mod plan;

use std::io::IsTerminal;
use std::process::Command;

use crate::doctor::{Argv, Finding};
use crate::error::{Error, Result};
use crate::output::{self, out, outln, Output};
use crate::store::Store;
use alternatives::{Dirs, RemovalOutcome};
use backup::{Backup, Restored};
use plan::Plan;

/// How `gover doctor --fix` was asked to run.
pub struct FixOptions {
    pub dry_run: bool,
    pub yes: bool,
    /// Where update-alternatives keeps its state, and the program when installed.
    pub alternatives: Dirs,
}

/// `gover doctor --fix`: shows the plan as a diff, then (with --yes, or after the user
/// agrees on a terminal) backs up and applies it. Without a terminal and without --yes it
/// is a dry run.
pub fn fix(findings: &[Finding], store: &Store, options: &FixOptions, out: Output) -> Result<()> {
    let plan = plan::plan(findings);
    out!(out, Info, "{}", describe(&plan));
    if plan.is_empty() {
        outln!(out, Info, "nothing to fix");
        return Ok(());
    }
    if options.dry_run {
        outln!(out, Info, "dry run: nothing was changed");
        return Ok(());
    }
    if !options.yes {
        if !std::io::stdin().is_terminal() {
            outln!(
                out,
                Info,
                "dry run: nothing was changed (standard input is not a terminal; rerun with --yes to apply)"
            );
            return Ok(());
        }
        if !confirm("Apply these changes?")? {
            outln!(out, Info, "nothing was changed");
            return Ok(());
        }
    }
    apply(&plan, store, options, out)
}

/// The plan for people: a diff per file, then the other changes and what is left to them.
pub fn describe(plan: &Plan) -> String {
    let mut out = describe_files(&plan.files);
    for (name, path) in &plan.alternatives {
        out.push_str(&format!("remove the {name} alternative {}\n", path.display()));
    }
    for command in &plan.repairs {
        out.push_str(&format!("run: {command}\n"));
    }
    for command in &plan.suggestions {
        out.push_str(&format!("suggested: {command}\n"));
    }
    for what in &plan.manual {
        out.push_str(&format!("by hand: {what}\n"));
    }
    out
}

/// File edits as unified diffs, with a word where a link is followed or a file is not writable.
pub fn describe_files(files: &[plan::FileEdit]) -> String {
    let mut out = String::new();
    for file in files {
        if file.target != file.path {
            out.push_str(&format!("# {} is a link; editing its target\n", file.path.display()));
        }
        if let Some(problem) = &file.not_writable {
            out.push_str(&format!("# not changed: {problem}; apply this by hand\n"));
        }
        out.push_str(&diff::unified(&file.target.display().to_string(), &file.old, &file.new));
    }
    out
}

fn confirm(question: &str) -> Result<bool> {
    let answer = output::ask(&format!("{question} [y/N]")).ok_or_else(|| Error::failure("cannot read the answer"))?;
    Ok(matches!(answer.as_str(), "y" | "Y" | "yes"))
}

fn apply(plan: &Plan, store: &Store, options: &FixOptions, out: Output) -> Result<()> {
    let mut backup = Backup::begin(&store.home().backups_dir())?;
    let mut failures = write_files(&plan.files, &mut backup, out);
    for (name, path) in &plan.alternatives {
        match options.alternatives.remove(name, path) {
            Ok(RemovalOutcome::Removed) => outln!(out, Info, "removed the {name} alternative {}", path.display()),
            Ok(RemovalOutcome::Absent) => {}
            Ok(RemovalOutcome::NeedsRoot(command)) => {
                outln!(out, Info, "needs root: run `{command}`");
                failures += 1;
            }
            Err(err) => {
                output::error(&err);
                failures += 1;
            }
        }
    }
    for command in &plan.repairs {
        if let Some(runnable) = permitted(command, options.yes) {
            let (program, args) = runnable.0.split_first().expect("a command has a program");
            match Command::new(program).args(args).status() {
                Ok(s) if s.success() => outln!(out, Info, "ran: {runnable}"),
                _ => {
                    output::warn(format!("`{runnable}` failed"));
                    failures += 1;
                }
            }
        } else {
            outln!(out, Info, "run this yourself: {command}");
        }
    }
    if let Some(dir) = backup.finish()? {
        outln!(out, Info, "backup: {} (undo with `gover doctor --undo`)", dir.display());
        // Shells already running keep what their start-up did.
        outln!(out, Info, "open a new shell (or run `exec $SHELL`) for the changes to take effect");
    }
    if failures > 0 {
        return Err(Error::failure(format!("{failures} fix(es) could not be applied")).hint("see the messages above"));
    }
    Ok(())
}

/// Writes each file's new text into place, backed up first in `backup`; says what changed
/// and returns how many files could not be written.
pub fn write_files(files: &[plan::FileEdit], backup: &mut Backup, out: Output) -> usize {
    let mut failures = 0;
    for file in files {
        if let Some(problem) = &file.not_writable {
            output::warn(format!("{} was not changed: {problem}", file.path.display()));
            failures += 1;
            continue;
        }
        match backup.write(&file.target, &file.new) {
            Ok(()) => outln!(out, Info, "changed {}", file.target.display()),
            Err(err) => {
                output::error(&err);
                failures += 1;
            }
        }
    }
    failures
}

/// What to run for a repair (chown/chmod), when gover may: only with --yes, and only with
/// the right to (`sudo` is dropped when already root; otherwise it is left to the user).
fn permitted(repair: &Argv, yes: bool) -> Option<Argv> {
    if !yes || repair.0.is_empty() {
        return None;
    }
    // SAFETY: geteuid cannot fail and has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    match repair.0.split_first() {
        Some((sudo, rest)) if sudo == "sudo" => root.then(|| Argv(rest.to_vec())),
        _ => Some(repair.clone()),
    }
}

/// `gover doctor --undo`: restores the newest backup. `force` also restores files edited
/// since the fix.
pub fn undo(store: &Store, force: bool, out: Output) -> Result<()> {
    let (dir, report) = backup::undo(&store.home().backups_dir(), force)?;
    let mut kept = 0;
    for item in &report {
        match item {
            Restored::Restored(path) => outln!(out, Info, "restored {}", path.display()),
            Restored::ChangedSince(path) => {
                output::warn(format!("{} changed since gover edited it; left as it is", path.display()));
                kept += 1;
            }
        }
    }
    if kept > 0 {
        return Err(Error::failure(format!("{kept} file(s) from {} were not restored", dir.display()))
            .hint("rerun with --undo --force to restore them anyway (your later edits are lost)"));
    }
    outln!(out, Info, "restored the backup {}", dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_repairs_only_with_yes_and_sudo_only_as_root() {
        let chmod = Argv::new(["chmod", "-R", "u+w", "/x"]);
        assert_eq!(permitted(&chmod, true), Some(chmod.clone()));
        assert_eq!(permitted(&chmod, false), None);
        // SAFETY: geteuid cannot fail.
        let root = unsafe { libc::geteuid() } == 0;
        let sudo = permitted(&Argv::new(["sudo", "chown", "-R", "me:", "/x"]), true);
        assert_eq!(sudo, root.then(|| Argv::new(["chown", "-R", "me:", "/x"])));
    }
}
