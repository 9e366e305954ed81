//! gover's integration tests: one test binary (a test file each would link its own copy of the
//! dependencies, about 30 links per change to src/). Each former test file is a module here,
//! so a test's name starts with its file's: `cargo test --test suite install::` runs
//! tests/suite/install.rs. A new test file goes in this directory and gets its `mod` line below.

mod common;

mod action;
mod ci;
mod containers;
mod docs;
mod doctor;
mod failures;
mod hardening_bombs;
mod hardening_concurrency;
mod hardening_faults;
mod hardening_fs;
mod hardening_kill;
mod hints;
mod import;
mod install;
mod install_real;
mod install_sh;
mod links_prune;
mod migrate;
mod mirror;
mod missing_version;
mod output;
mod policy;
mod process_snapshot;
mod proxy;
mod real_go;
mod reconcile;
mod reconcile_props;
mod release_files;
mod report;
mod shell_completions;
mod shell_hook;
mod shim_calls;
mod stable_names;
mod startup_files;
mod system_store;
mod toolchain_names;
mod tools;
mod upgrade;
mod versions_cli;
mod vulndb;
