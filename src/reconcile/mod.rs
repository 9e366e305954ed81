//! Applies doctor's fixes without losing anything: rc lines are commented out, never deleted;
//! every touched file is backed up first and written atomically; `gover doctor --undo` puts
//! the last backup back byte for byte.

pub mod alternatives;
pub mod atomic;
pub mod backup;
pub mod comment_out;
pub mod diff;
pub mod go_env_file;
pub mod structure;
