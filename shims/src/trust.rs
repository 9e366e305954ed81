//! Whose pin files the resolver obeys.
//!
//! A pin file decides which go runs, and with `GOVER_AUTO_INSTALL=1` what is downloaded, for
//! everyone below it. Anyone on the machine can write in /tmp, so a go.mod planted at the top
//! of it would choose the toolchain of every user (root too) working in a directory under
//! it; go itself ignores that go.mod (golang/go#26708). So the walk obeys a file only when it
//! belongs to the user or root and sits in a directory that belongs to one of them and that
//! other users cannot write to; and it reads nothing in or above a shared temporary directory
//! (sticky and writable by everyone: /tmp, /var/tmp, /dev/shm). A project of the user's own
//! below /tmp is theirs and pins as anywhere else. Checking the directory too matters: in a
//! directory of their own another user can plant a symlink to a file root owns (a go.mod in
//! /usr/lib/go-1.19/src), which the file's owner alone would pass.

use std::fmt;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// The effective uid of this process: the user whose files count.
///
/// std has no call for it and the shim links no crate but std; std links the C library on
/// every unix target, so `geteuid` is there to declare. The alternatives cost more and are
/// less reliable: the owner of /proc/self is root for a process that is not dumpable, and
/// /proc may not be mounted (a chroot, a minimal container).
pub fn effective_uid() -> u32 {
    extern "C" {
        fn geteuid() -> u32;
    }
    // SAFETY: geteuid takes no arguments, cannot fail and only reads the process's
    // credentials; uid_t is a u32 on every target gover ships for.
    unsafe { geteuid() }
}

/// Why a pin file was not obeyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Untrusted {
    /// The file belongs to this uid, neither the user nor root.
    Owner(u32),
    /// Its directory belongs to this uid, which can put anything there.
    DirectoryOwner(u32),
    /// Its directory is writable by every user (without the sticky bit: anyone can replace
    /// any file in it).
    WorldWritable,
    /// Its directory is a shared temporary directory: the walk stops there.
    Shared,
}

/// A pin file the walk found and did not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    pub path: PathBuf,
    pub why: Untrusted,
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        let planted = "so another user may have planted it";
        match &self.why {
            Untrusted::Owner(uid) => write!(f, "{path} belongs to uid {uid}, neither you nor root, {planted}"),
            Untrusted::DirectoryOwner(uid) => {
                write!(f, "{path} is in a directory of uid {uid}, neither you nor root, {planted}")
            }
            Untrusted::WorldWritable => write!(f, "{path} is in a directory every user may write to, {planted}"),
            Untrusted::Shared => {
                let dir = self.path.parent().unwrap_or(&self.path).display();
                write!(f, "{path} is in {dir}, a shared temporary directory (sticky, writable by every user), where no pin file counts, nor above it")
            }
        }
    }
}

/// The owners whose files count: the user and root (who can change anything anyway).
#[derive(Clone, Copy, Debug)]
pub struct Trust {
    uid: u32,
}

impl Trust {
    pub fn new(uid: u32) -> Trust {
        Trust { uid }
    }

    fn trusts(self, owner: u32) -> bool {
        owner == 0 || owner == self.uid
    }

    /// Why the pin files of a directory with this metadata do not count, if they do not.
    pub fn directory(self, meta: &Metadata) -> Option<Untrusted> {
        const STICKY: u32 = 0o1000;
        const OTHERS_WRITE: u32 = 0o002;
        let mode = meta.mode();
        if mode & (STICKY | OTHERS_WRITE) == STICKY | OTHERS_WRITE {
            Some(Untrusted::Shared)
        } else if mode & OTHERS_WRITE != 0 {
            Some(Untrusted::WorldWritable)
        } else if !self.trusts(meta.uid()) {
            Some(Untrusted::DirectoryOwner(meta.uid()))
        } else {
            None
        }
    }

    /// Why a file with this owner does not count, if it does not.
    pub fn file(self, owner: u32) -> Option<Untrusted> {
        (!self.trusts(owner)).then_some(Untrusted::Owner(owner))
    }
}
