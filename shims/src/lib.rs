//! Version resolution shared by the `gover` CLI and its `go`/`gofmt` shim, so the two can
//! never disagree about which Go a directory uses, and the error type both print the same way
//! (with the exit codes, which both document). Standard library only: the shim links
//! this and nothing else, which keeps it small and fast to start.

pub mod dir;
pub mod error;
pub mod home;
pub mod link;
pub mod pin;
pub mod process;
pub mod resolve;
pub mod switch;
pub mod trust;
pub mod version;

pub use error::{Error, Kind};
pub use home::GoverHome;
pub use process::Process;
pub use resolve::{Context, Request, Resolution, ResolveError, Source, Toolchain};
pub use version::{GoVersion, Pre, Spec};
