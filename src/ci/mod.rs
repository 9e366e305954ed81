//! `gover ci`: what a CI job needs from gover, whatever the runner. Pure: the runners' file
//! formats (`runner`), cache keys (`cache`) and the versions a matrix tests (`matrix`); the
//! command in `commands/ci.rs` resolves and installs through the one resolver and installer
//! and hands the results here. The GitHub Action and the GitLab component only call `gover ci`.

pub mod cache;
pub mod matrix;
pub mod runner;
