//! Exit codes, shared by `gover` and the shim; documented in docs/src/exit-codes.md.

/// Any failure without a more specific code.
pub const FAILURE: i32 = 1;
/// The command line is wrong.
pub const USAGE: i32 = 2;
/// The requested version is not installed (or there is no system go for `system`).
pub const NOT_INSTALLED: i32 = 3;
/// No release matches the request.
pub const NO_SUCH_VERSION: i32 = 4;
/// The network, a server or a proxy failed.
pub const NETWORK: i32 = 5;
/// A download or an archive failed verification.
pub const VERIFICATION: i32 = 6;
/// A pin file, GOVER_VERSION or the global default is not a version.
pub const BAD_PIN: i32 = 7;
/// The environment is unusable: no HOME, a shim loop, an unwritable GOVER_HOME.
pub const ENVIRONMENT: i32 = 8;
/// gover crashed (a panic: a bug); the message says where. Rust's own code for a panic.
pub const CRASH: i32 = 101;
