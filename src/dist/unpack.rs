//! Safe extraction of a release archive's `go/` tree, or of a toolchain module zip, into a
//! staging directory.
//!
//! Archives come from the network, so every entry is checked before anything is written
//! (`check_entry`, pure): no absolute paths, no `..`, nothing outside `go/`, no devices or
//! fifos, links only to places inside the tree. While writing, nothing is ever written
//! through a symlink, and at the end every symlink is resolved for real and must land inside.

use std::cell::Cell;
use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;

use gover_shim::GoVersion;

use crate::elf;

/// The top-level folder of every Go release archive; it becomes the version's GOROOT.
const TOP: &str = "go";
/// Far more than any Go release unpacks to (about 250 MB), far less than a disk: whatever the
/// archive's size, nothing unpacks to more.
const MAX_UNPACKED: u64 = 4 << 30;
/// Go releases unpack to about 3.2 times their compressed size; a gzip bomb to hundreds of
/// times. Ten times leaves a wide margin.
const MAX_RATIO: u64 = 10;
/// Small archives may unpack to this much whatever their ratio.
const MIN_UNPACKED: u64 = 16 << 20;
/// A release has about 10,000 entries; millions of empty files would exhaust the inodes.
const MAX_ENTRIES: u64 = 100_000;
/// The most one entry's metadata may take: its PAX extended header and GNU long name and link
/// name, which the tar crate reads whole into memory before it hands the entry out (and the
/// extension blocks of a sparse file). Go's own are a path of a few hundred bytes at most;
/// without a bound, one 600 MiB PAX header that gzip squeezes into 611 kB takes 600 MiB of memory.
const MAX_METADATA: u64 = 1 << 20;
/// The most of a zip the zip crate may read to list its entries, all of which it keeps in
/// memory (a name, extra fields and a comment of up to 64 kB each, and about 600 bytes of its
/// own per entry), trying every end record the file holds. Go's toolchain zips list about
/// 10,000 entries in 1.3 MB; 3 MiB of the smallest entries (60,000) take about 40 MB.
const MAX_CENTRAL_DIRECTORY: u64 = 3 << 20;

/// How much one archive may unpack to, so a gzip bomb (huge data, or countless empty files)
/// stops early with a clear error instead of filling the disk. `bytes` bounds both what is
/// written and what is read after decompression (the tar stream, headers included; every
/// zip entry, directories too), so data nothing writes cannot keep it busy either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub bytes: u64,
    pub entries: u64,
}

impl Limits {
    /// For an archive of `compressed` bytes (unknown: only the absolute caps apply).
    pub fn for_archive(compressed: Option<u64>) -> Limits {
        let bytes = compressed.map_or(MAX_UNPACKED, |c| c.saturating_mul(MAX_RATIO).clamp(MIN_UNPACKED, MAX_UNPACKED));
        Limits { bytes, entries: MAX_ENTRIES }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    HardLink,
    /// Metadata entries (pax headers) that carry no file.
    Meta,
    /// Devices, fifos and anything else a Go release never contains.
    Special,
}

impl Kind {
    fn of(header: tar::EntryType) -> Kind {
        use tar::EntryType as T;
        match header {
            T::Regular | T::Continuous | T::GNUSparse => Kind::File,
            T::Directory => Kind::Dir,
            T::Symlink => Kind::Symlink,
            T::Link => Kind::HardLink,
            T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => Kind::Meta,
            _ => Kind::Special,
        }
    }
}

/// What to do with one archive entry; paths are relative to the staging root.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    Skip,
    Dir(PathBuf),
    File(PathBuf),
    Symlink { path: PathBuf, target: PathBuf },
    HardLink { path: PathBuf, target: PathBuf },
}

/// Decides what an entry becomes, or why it is refused.
pub fn check_entry(path: &Path, kind: Kind, link: Option<&Path>) -> Result<Plan, String> {
    if kind == Kind::Meta {
        return Ok(Plan::Skip);
    }
    if kind == Kind::Special {
        return Err("device files, fifos and sockets are not allowed".into());
    }
    let rel = inside_top(path)?;
    if rel.as_os_str().is_empty() {
        return match kind {
            Kind::Dir => Ok(Plan::Skip),
            _ => Err(format!("{TOP}/ itself must be a directory")),
        };
    }
    match kind {
        Kind::Dir => Ok(Plan::Dir(rel)),
        Kind::File => Ok(Plan::File(rel)),
        Kind::Symlink => {
            let target = link.ok_or("a symlink without a target")?;
            if target.is_absolute() {
                return Err(format!("a symlink to the absolute path {}", target.display()));
            }
            // Relative to the link's own directory, it must stay inside the root.
            let base = rel.parent().unwrap_or(Path::new(""));
            normalize(&base.join(target)).ok_or_else(|| format!("a symlink pointing outside: {}", target.display()))?;
            Ok(Plan::Symlink { path: rel, target: target.to_path_buf() })
        }
        Kind::HardLink => {
            let target = link.ok_or("a hard link without a target")?;
            // Hard link targets name another entry of the archive.
            let target = inside_top(target).map_err(|e| format!("a hard link to {}: {e}", target.display()))?;
            if target.as_os_str().is_empty() {
                return Err("a hard link to the root".into());
            }
            Ok(Plan::HardLink { path: rel, target })
        }
        Kind::Meta | Kind::Special => unreachable!("handled above"),
    }
}

/// `path` below `go/`, relative to it; only plain names allowed (a leading `./` is tolerated).
fn inside_top(path: &Path) -> Result<PathBuf, String> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err("`..` in the path".into()),
            Component::RootDir | Component::Prefix(_) => return Err("an absolute path".into()),
        }
    }
    match parts.split_first() {
        Some((top, rest)) if *top == TOP => Ok(rest.iter().collect()),
        _ => Err(format!("outside the archive's {TOP}/ folder")),
    }
}

/// Resolves `.` and `..` lexically; None when `..` climbs above the start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out.iter().collect())
}

#[derive(Debug)]
pub enum UnpackError {
    /// The archive tried something unsafe; `entry` is its path in the archive.
    Unsafe { entry: String, reason: String },
    /// The archive could not be read (corrupt gzip or tar, or the source failed).
    Read(io::Error),
    /// Writing into the staging directory failed.
    Write { path: PathBuf, error: io::Error },
    /// A program in `bin/` is built for ELF machine `machine`, not the expected one.
    Machine { entry: String, machine: u16 },
}

/// How much data one [`Chunks`] message carries, and how many may wait between two threads of
/// [`unpack_gzip`]: the memory between them is bounded (a few hundred KiB), and when the
/// unpacker stops (done, refused, failed) the threads before it are at most that far ahead.
const CHUNK: usize = 128 << 10;
const CHUNKS_IN_FLIGHT: usize = 4;

/// [`unpack`] of the gzip stream `compressed`, on three threads: one reads `compressed` (and
/// whatever it does as it is read: receiving, hashing, caching), this one only inflates, and a
/// third parses the tar and writes the files. Inflating is the one step that cannot be split,
/// so it gets a core to itself: everything else fits on the other one. The unpacker's result
/// is the result; a panic in a thread goes on up here. `compressed` is not read to its end when
/// the unpacker stops early.
pub fn unpack_gzip(
    compressed: impl Read + Send,
    root: &Path,
    limits: Limits,
    machine: Option<u16>,
) -> Result<(), UnpackError> {
    let (compressed_sender, compressed_chunks) = Chunks::channel();
    let (inflated_sender, mut inflated_chunks) = Chunks::channel();
    inflated_chunks.crash_at = crash_point();
    std::thread::scope(|scope| {
        let unpacker = spawn(scope, "the unpacker", move || unpack(inflated_chunks, root, limits, machine));
        let reader = spawn(scope, "the reader", move || compressed_sender.send_all(compressed));
        inflated_sender.send_all(flate2::bufread::GzDecoder::new(compressed_chunks));
        join(reader);
        join(unpacker)
    })
}

fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    // The panic hook names the thread in its crash report.
    std::thread::Builder::new().name(name.into()).spawn_scoped(scope, work).expect("the system can start a thread")
}

/// What the thread returned; its panic goes on up here.
fn join<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Reads from `source` until `buf` is full or the stream ends; how much `buf` holds.
fn fill(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// GOVER_TEST_CRASH_UNPACK=<bytes> makes the unpacker panic once it has read that much of the
/// tar stream, so a test can show that a crashed unpacker fails the install and leaves nothing
/// a later run would take for a version. Only debug builds (what `cargo test` drives) read it:
/// nothing in a user's environment can make a release build crash here.
fn crash_point() -> Option<u64> {
    cfg!(debug_assertions).then(|| std::env::var("GOVER_TEST_CRASH_UNPACK").ok()?.parse().ok()).flatten()
}

/// The sending side of [`Chunks`]: a stream cut into chunks, the buffers reused once read.
struct ChunkSender {
    full: mpsc::SyncSender<io::Result<Vec<u8>>>,
    empty: mpsc::Receiver<Vec<u8>>,
}

impl ChunkSender {
    /// Sends `source` to the [`Chunks`] until it ends, fails, or the receiving side stops (it
    /// has its result and needs nothing more).
    fn send_all(self, mut source: impl Read) {
        loop {
            // Buffers come back once read, so at most CHUNKS_IN_FLIGHT + 2 exist.
            let mut chunk: Vec<u8> = self.empty.try_recv().unwrap_or_default();
            chunk.resize(CHUNK, 0);
            // One read, not a full chunk: from a slow download, what has arrived is unpacked
            // now, as when one thread did it all. (From a fast one, a read fills most of it.)
            let read = loop {
                match source.read(&mut chunk) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    read => break read,
                }
            };
            // A failure or an empty chunk ends the stream.
            let last = !matches!(read, Ok(n) if n > 0);
            let message = read.map(|n| {
                chunk.truncate(n);
                chunk
            });
            if self.full.send(message).is_err() || last {
                break;
            }
        }
    }
}

/// The receiving side of a stream cut into chunks by a [`ChunkSender`] on another thread, each
/// chunk given back once read. An empty chunk is the end of the stream; the sender gone without
/// one (it failed) is an error, never a shorter stream.
struct Chunks {
    full: mpsc::Receiver<io::Result<Vec<u8>>>,
    empty: mpsc::Sender<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
    ended: bool,
    read: u64,
    crash_at: Option<u64>,
}

impl Chunks {
    fn channel() -> (ChunkSender, Chunks) {
        let (full, receive) = mpsc::sync_channel(CHUNKS_IN_FLIGHT);
        let (give_back, empty) = mpsc::channel();
        let chunks =
            Chunks { full: receive, empty: give_back, chunk: Vec::new(), at: 0, ended: false, read: 0, crash_at: None };
        (ChunkSender { full, empty }, chunks)
    }
}

impl io::BufRead for Chunks {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at == self.chunk.len() && !self.ended {
            let next = match self.full.recv() {
                Ok(next) => next?,
                Err(mpsc::RecvError) => return Err(io::Error::other("the stream stopped before its end")),
            };
            self.ended = next.is_empty();
            let _ = self.empty.send(std::mem::replace(&mut self.chunk, next));
            self.at = 0;
        }
        Ok(&self.chunk[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
        self.read += n as u64;
        if let Some(at) = self.crash_at.filter(|&at| self.read >= at) {
            panic!("GOVER_TEST_CRASH_UNPACK={at}");
        }
    }
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = io::BufRead::fill_buf(self)?;
        let n = buf.len().min(available.len());
        buf[..n].copy_from_slice(&available[..n]);
        io::BufRead::consume(self, n);
        Ok(n)
    }
}

/// Extracts the `go/` tree of the tar stream `reader` into `root` (an empty directory).
/// With `machine` (an ELF `e_machine`), an ELF program in `bin/` built for another machine
/// stops the unpacking before that program is written: another platform's Go is refused at
/// its first binary.
pub fn unpack(reader: impl Read, root: &Path, limits: Limits, machine: Option<u16>) -> Result<(), UnpackError> {
    let meter = Meter::new(limits.bytes);
    let mut archive = tar::Archive::new(Metered { inner: reader, meter: &meter });
    let mut writer = Writer::new(root, limits, machine);
    let mut entries = archive.entries().map_err(UnpackError::Read)?;
    let mut previous: Option<String> = None;
    for count in 0.. {
        // Everything the tar crate reads to hand out the next entry is its metadata.
        let next = meter.within(MAX_METADATA, || entries.next());
        let Some(entry) = next else { break };
        let mut entry = entry.map_err(|e| {
            let at = previous.as_ref().map_or("at the start".to_string(), |p| format!("after {p}"));
            meter.explain(UnpackError::Read(e), &at)
        })?;
        let path = entry.path().map_err(UnpackError::Read)?.into_owned();
        let name = path.display().to_string();
        let unsafe_entry = |reason: String| UnpackError::Unsafe { entry: name.clone(), reason };
        if count >= limits.entries {
            return Err(unsafe_entry(format!("the archive has more than {} entries", limits.entries)));
        }
        let link = entry.link_name().map_err(UnpackError::Read)?.map(|l| l.into_owned());
        let kind = Kind::of(entry.header().entry_type());
        // A global PAX header reaches here (the tar crate reads only the per-entry ones).
        if kind == Kind::Meta && entry.size() > MAX_METADATA {
            return Err(unsafe_entry(metadata_too_big()));
        }
        let plan = check_entry(&path, kind, link.as_deref()).map_err(unsafe_entry)?;
        let mode = entry.header().mode().map_err(UnpackError::Read)?;
        writer.apply(plan, mode, &mut entry).map_err(|e| meter.explain(e.at(&name), &name))?;
        // What was not written (a skipped entry's data) is read here, under the archive's
        // budget, not while the next entry's metadata is read under its own.
        io::copy(&mut entry, &mut io::sink()).map_err(|e| meter.explain(UnpackError::Read(e), &name))?;
        previous = Some(name);
    }
    writer.check_symlinks()
}

/// Read from the archive ([`Meter`]) or written from it ([`Writer`]), the same budget.
fn over_budget(limit: u64) -> String {
    format!("the archive unpacks to more than {limit} bytes (a gzip or zip bomb?)")
}

fn metadata_too_big() -> String {
    format!("its metadata (PAX or GNU long-name headers) takes more than {MAX_METADATA} bytes")
}

/// Counts the bytes an archive decompresses to as they are read, and stops it past its budget
/// (`Limits::bytes`), and past a smaller one while the tar crate or the zip crate reads what it
/// keeps whole in memory (one entry's metadata, a zip's central directory): a gzip bomb or a
/// huge header ends early, with the memory and the time of a few reads.
struct Meter {
    read: Cell<u64>,
    limit: u64,
    /// Where the budget of the read under way ends ([`Meter::within`]).
    window_end: Cell<Option<u64>>,
    exceeded: Cell<Option<Exceeded>>,
}

#[derive(Clone, Copy)]
enum Exceeded {
    Total,
    Window,
}

impl Meter {
    fn new(limit: u64) -> Meter {
        Meter { read: Cell::new(0), limit, window_end: Cell::new(None), exceeded: Cell::new(None) }
    }

    /// Runs `read` (of an entry's metadata, or of a zip's central directory), allowing it
    /// `budget` bytes.
    fn within<T>(&self, budget: u64, read: impl FnOnce() -> T) -> T {
        self.window_end.set(Some(self.read.get().saturating_add(budget)));
        let result = read();
        self.window_end.set(None);
        result
    }

    fn end(&self) -> u64 {
        self.window_end.get().map_or(self.limit, |end| end.min(self.limit))
    }

    fn count(&self, n: usize) -> io::Result<()> {
        self.read.set(self.read.get() + n as u64);
        if self.read.get() <= self.end() {
            return Ok(());
        }
        let what = if self.read.get() > self.limit { Exceeded::Total } else { Exceeded::Window };
        self.exceeded.set(Some(what));
        Err(io::Error::other("the archive is over its budget"))
    }

    /// A failure of the entry named `entry`, in words when it came from exceeding a budget (a
    /// window here is a tar entry's metadata; `unpack_zip` explains its directory's itself).
    fn explain(&self, error: UnpackError, entry: &str) -> UnpackError {
        let reason = match (self.exceeded.get(), &error) {
            (Some(Exceeded::Total), UnpackError::Read(_)) => over_budget(self.limit),
            (Some(Exceeded::Window), UnpackError::Read(_)) => metadata_too_big(),
            _ => return error,
        };
        UnpackError::Unsafe { entry: entry.to_string(), reason }
    }
}

/// A reader counted by a [`Meter`].
struct Metered<'m, R> {
    inner: R,
    meter: &'m Meter,
}

impl<R: io::Seek> io::Seek for Metered<'_, R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte past the budget is enough to know it is exceeded.
        let room = self.meter.end().saturating_sub(self.meter.read.get()).saturating_add(1);
        let len = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..len])?;
        self.meter.count(n)?;
        Ok(n)
    }
}

enum WriteError {
    Unsafe(String),
    Machine(u16),
    Read(io::Error),
    Io(PathBuf, io::Error),
}

impl WriteError {
    /// The failure of the archive entry named `entry`.
    fn at(self, entry: &str) -> UnpackError {
        match self {
            WriteError::Unsafe(reason) => UnpackError::Unsafe { entry: entry.to_string(), reason },
            WriteError::Read(error) => UnpackError::Read(error),
            WriteError::Io(path, error) => UnpackError::Write { path, error },
            WriteError::Machine(machine) => UnpackError::Machine { entry: entry.to_string(), machine },
        }
    }
}

struct Writer<'a> {
    root: &'a Path,
    /// Directories known to be real directories under root (not symlinks).
    dirs: HashSet<PathBuf>,
    symlinks: Vec<PathBuf>,
    written: u64,
    limit: u64,
    /// The ELF machine the programs in `bin/` must be built for.
    machine: Option<u16>,
    /// One copy buffer for every file of the archive.
    buf: Vec<u8>,
}

impl<'a> Writer<'a> {
    fn new(root: &'a Path, limits: Limits, machine: Option<u16>) -> Writer<'a> {
        Writer {
            root,
            dirs: HashSet::new(),
            symlinks: Vec::new(),
            written: 0,
            limit: limits.bytes,
            machine,
            buf: vec![0; 64 * 1024],
        }
    }

    fn apply(&mut self, plan: Plan, mode: u32, data: &mut impl Read) -> Result<(), WriteError> {
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |e| WriteError::Io(path, e)
        };
        match plan {
            Plan::Skip => {}
            Plan::Dir(rel) => {
                let dest = self.prepare(&rel, true)?;
                fs::set_permissions(&dest, fs::Permissions::from_mode((mode & 0o777) | 0o700))
                    .map_err(io_err(&dest))?;
            }
            Plan::File(rel) => {
                let head = self.check_machine(&rel, data)?;
                let dest = self.prepare(&rel, false)?;
                let file = fs::OpenOptions::new().write(true).create_new(true).mode(mode & 0o777).open(&dest);
                let mut file = created(&rel, &dest, file)?;
                self.written += head.len() as u64;
                file.write_all(&head).map_err(io_err(&dest))?;
                // Whole buffers: a small file (most of a Go tree) is one write, whatever the
                // reads its data came in.
                loop {
                    let n = fill(data, &mut self.buf).map_err(WriteError::Read)?;
                    self.written += n as u64;
                    if self.written > self.limit {
                        return Err(WriteError::Unsafe(over_budget(self.limit)));
                    }
                    file.write_all(&self.buf[..n]).map_err(io_err(&dest))?;
                    if n < self.buf.len() {
                        break;
                    }
                }
            }
            Plan::Symlink { path, target } => {
                let dest = self.prepare(&path, false)?;
                created(&path, &dest, std::os::unix::fs::symlink(&target, &dest))?;
                self.symlinks.push(dest);
            }
            Plan::HardLink { path, target } => {
                let source = self.root.join(&target);
                let is_file = fs::symlink_metadata(&source).map(|m| m.is_file()).unwrap_or(false);
                if !is_file || !self.dirs_are_real(&target) {
                    return Err(WriteError::Unsafe(format!(
                        "a hard link to {}, which is not a file extracted before it",
                        target.display()
                    )));
                }
                let dest = self.prepare(&path, false)?;
                created(&path, &dest, fs::hard_link(&source, &dest))?;
            }
        }
        Ok(())
    }

    /// For a program in `bin/`, reads the front of its data (returned, to be written first) and
    /// refuses it if it is an ELF image for another machine than the expected one.
    fn check_machine(&self, rel: &Path, data: &mut impl Read) -> Result<Vec<u8>, WriteError> {
        let mut head = Vec::new();
        let Some(expected) = self.machine.filter(|_| rel.parent() == Some(Path::new("bin"))) else {
            return Ok(head);
        };
        data.take(elf::MACHINE_HEADER_LEN as u64).read_to_end(&mut head).map_err(WriteError::Read)?;
        match elf::machine(&head) {
            Ok(found) if found != expected => Err(WriteError::Machine(found)),
            _ => Ok(head),
        }
    }

    /// Makes sure `rel`'s parent directories exist as real directories (never writing
    /// through a symlink) and, for a directory, creates it; returns the full path. Anything else
    /// fails to be created if its name is taken ([`created`]): asking first would cost a system
    /// call per file.
    fn prepare(&mut self, rel: &Path, is_dir: bool) -> Result<PathBuf, WriteError> {
        let dest = self.root.join(rel);
        let parents: Vec<&Path> = rel.ancestors().skip(1).filter(|p| !p.as_os_str().is_empty()).collect();
        for parent in parents.into_iter().rev() {
            self.real_dir(parent)?;
        }
        if is_dir {
            match fs::create_dir(&dest) {
                Ok(()) => {
                    self.dirs.insert(rel.to_path_buf());
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match fs::symlink_metadata(&dest) {
                    Ok(meta) if meta.is_dir() => {}
                    _ => return Err(appears_twice(rel)),
                },
                Err(e) => return Err(WriteError::Io(dest, e)),
            }
        }
        Ok(dest)
    }

    fn real_dir(&mut self, rel: &Path) -> Result<(), WriteError> {
        if self.dirs.contains(rel) {
            return Ok(());
        }
        let full = self.root.join(rel);
        match fs::create_dir(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match fs::symlink_metadata(&full) {
                Ok(meta) if meta.is_dir() => {}
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(WriteError::Unsafe(format!(
                        "it would be written through the symlink {}",
                        rel.display()
                    )));
                }
                _ => return Err(WriteError::Unsafe(format!("{} is a file, not a directory", rel.display()))),
            },
            Err(e) => return Err(WriteError::Io(full, e)),
        }
        self.dirs.insert(rel.to_path_buf());
        Ok(())
    }

    fn dirs_are_real(&self, rel: &Path) -> bool {
        rel.ancestors().skip(1).filter(|p| !p.as_os_str().is_empty()).all(|p| self.dirs.contains(p))
    }

    /// Lexically every link stayed inside; resolved for real (a link through another link,
    /// `a -> b/..` with `b -> .`), each must still land inside the root.
    fn check_symlinks(&self) -> Result<(), UnpackError> {
        let root =
            fs::canonicalize(self.root).map_err(|error| UnpackError::Write { path: self.root.to_path_buf(), error })?;
        for link in &self.symlinks {
            if let Ok(real) = fs::canonicalize(link) {
                if !real.starts_with(&root) {
                    let rel = link.strip_prefix(self.root).unwrap_or(link);
                    return Err(UnpackError::Unsafe {
                        entry: Path::new(TOP).join(rel).display().to_string(),
                        reason: format!("a symlink that resolves outside the tree, to {}", real.display()),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The result of creating `rel` (at `dest`) with `O_EXCL` semantics: a name already taken (by
/// an earlier entry: the staging directory starts empty) is the archive's fault.
fn created<T>(rel: &Path, dest: &Path, result: io::Result<T>) -> Result<T, WriteError> {
    result.map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => appears_twice(rel),
        _ => WriteError::Io(dest.to_path_buf(), e),
    })
}

fn appears_twice(rel: &Path) -> WriteError {
    WriteError::Unsafe(format!("{} appears twice in the archive", rel.display()))
}

/// Where a module zip entry goes: the path under `<prefix>/` (a nested `_go.mod` back to
/// `go.mod`: a module zip may hold go.mod only at its root, so Go's release tooling renames the
/// others), `None` for a directory entry, or why it is refused.
pub fn check_zip_name(name: &str, prefix: &str) -> Result<Option<PathBuf>, String> {
    let rel = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .ok_or_else(|| format!("outside the module's {prefix}/ folder"))?;
    let (rel, is_dir) = match rel.strip_suffix('/') {
        Some(dir) => (dir, true),
        None => (rel, false),
    };
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts {
        match *part {
            "" if !is_dir || parts.len() > 1 => return Err("an empty path element".into()),
            "." | ".." => return Err(format!("`{part}` in the path")),
            p if p.contains(['\\', '\0']) => return Err("a backslash or NUL in the path".into()),
            // go's module paths exclude control characters; a newline would also make the
            // name's line in the `h1:` hash stand for several files.
            p if p.chars().any(|c| c.is_ascii_control()) => return Err("a control character in the path".into()),
            _ => {}
        }
    }
    if is_dir {
        return Ok(None);
    }
    let mut path: PathBuf = parts.iter().collect();
    if path.file_name().is_some_and(|f| f == "_go.mod") {
        path.set_file_name("go.mod");
    }
    Ok(Some(path))
}

/// go makes these executable after unpacking a toolchain zip (which carries no modes).
fn toolchain_mode(rel: &Path) -> u32 {
    if rel.starts_with("bin") || rel.starts_with("pkg/tool") {
        0o755
    } else {
        0o644
    }
}

/// Extracts the toolchain module zip `file` (entries under `prefix/`, regular files only) into
/// `root` (or only reads it, with None), and returns each file's name in the zip with the hex
/// SHA-256 of its content, the input of its `h1:` hash. `machine` as for [`unpack`].
pub fn unpack_zip(
    file: fs::File,
    prefix: &str,
    root: Option<&Path>,
    limits: Limits,
    machine: Option<u16>,
) -> Result<Vec<(String, String)>, UnpackError> {
    // The zip itself is on disk, bounded by its download: only the directory needs a budget.
    let directory = Meter::new(u64::MAX);
    let mut archive = directory
        .within(MAX_CENTRAL_DIRECTORY, || {
            zip::ZipArchive::new(Metered { inner: io::BufReader::new(file), meter: &directory })
        })
        .map_err(|e| match directory.exceeded.get() {
            Some(_) => UnpackError::Unsafe {
                entry: prefix.to_string(),
                reason: format!(
                    "its central directory (the list of entries) takes more than {MAX_CENTRAL_DIRECTORY} bytes"
                ),
            },
            None => UnpackError::Read(io::Error::other(e)),
        })?;
    if archive.len() as u64 > limits.entries {
        return Err(UnpackError::Unsafe {
            entry: prefix.to_string(),
            reason: format!("the zip has more than {} entries", limits.entries),
        });
    }
    let mut writer = root.map(|root| Writer::new(root, limits, machine));
    // Every entry is read, directories too (go's dirhash counts them), so all count.
    let meter = Meter::new(limits.bytes);
    let mut hashes = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| UnpackError::Read(io::Error::other(e)))?;
        let name = std::str::from_utf8(entry.name_raw())
            .map_err(|_| UnpackError::Unsafe {
                entry: format!("entry {i}"),
                reason: "a name that is not UTF-8".into(),
            })?
            .to_string();
        let unsafe_entry = |reason: String| UnpackError::Unsafe { entry: name.clone(), reason };
        let rel = check_zip_name(&name, prefix).map_err(unsafe_entry)?;
        // Names ending in `/` are the directories; a mode can still claim a link.
        let link = entry.is_symlink();
        let mut reader = crate::download::HashingReader::new(Metered { inner: entry, meter: &meter }, None);
        let drain = |reader: &mut crate::download::HashingReader<_>| {
            reader.drain().map_err(|e| meter.explain(UnpackError::Read(e), &name))
        };
        let Some(rel) = rel else {
            // A directory entry writes nothing, but go's dirhash counts every entry of the zip.
            drain(&mut reader)?;
            hashes.push((name, reader.digest().0));
            continue;
        };
        if link {
            return Err(unsafe_entry("only regular files are allowed in a module zip".into()));
        }
        match writer.as_mut() {
            Some(writer) => writer
                .apply(Plan::File(rel.clone()), toolchain_mode(&rel), &mut reader)
                .map_err(|e| meter.explain(e.at(&name), &name))?,
            None => drain(&mut reader)?,
        }
        hashes.push((name, reader.digest().0));
    }
    Ok(hashes)
}

/// The unpacked tree must be the release it claims to be: `bin/go` executable and `VERSION`'s
/// first line naming the version (archives from a mirror could hold anything).
pub fn check_tree(root: &Path, version: &GoVersion) -> Result<(), String> {
    let go = root.join("bin/go");
    match fs::metadata(&go) {
        Ok(meta) if meta.is_file() && meta.permissions().mode() & 0o111 != 0 => {}
        Ok(_) => return Err("bin/go is not an executable file".into()),
        Err(_) => return Err("the archive has no bin/go".into()),
    }
    let text = fs::read_to_string(root.join("VERSION")).map_err(|_| "the archive has no VERSION file".to_string())?;
    let first = text.lines().next().unwrap_or("").trim();
    if first != version.to_string() {
        return Err(format!("its VERSION file says {first:?}, not {version}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, kind: Kind, link: Option<&str>) -> Result<Plan, String> {
        check_entry(Path::new(path), kind, link.map(Path::new))
    }

    #[test]
    fn plain_entries_land_under_the_root() {
        assert_eq!(check("go/bin/go", Kind::File, None), Ok(Plan::File("bin/go".into())));
        assert_eq!(check("./go/src/", Kind::Dir, None), Ok(Plan::Dir("src".into())));
        assert_eq!(check("go/", Kind::Dir, None), Ok(Plan::Skip));
        assert_eq!(check("pax_global_header", Kind::Meta, None), Ok(Plan::Skip));
    }

    #[test]
    fn refuses_escapes() {
        for (path, kind) in [
            ("/etc/passwd", Kind::File),
            ("go/../../x", Kind::File),
            ("go/src/../../x", Kind::File),
            ("other/file", Kind::File),
            ("go", Kind::File),
            ("go/dev/null", Kind::Special),
        ] {
            assert!(check(path, kind, None).is_err(), "{path} should be refused");
        }
    }

    #[test]
    fn links_must_stay_inside() {
        assert_eq!(
            check("go/lib/link", Kind::Symlink, Some("../src/x")),
            Ok(Plan::Symlink { path: "lib/link".into(), target: "../src/x".into() })
        );
        assert!(check("go/lib/link", Kind::Symlink, Some("../../outside")).is_err());
        assert!(check("go/link", Kind::Symlink, Some("/etc")).is_err());
        assert!(check("go/link", Kind::Symlink, None).is_err());
        assert_eq!(
            check("go/a", Kind::HardLink, Some("go/bin/go")),
            Ok(Plan::HardLink { path: "a".into(), target: "bin/go".into() })
        );
        assert!(check("go/a", Kind::HardLink, Some("/etc/shadow")).is_err());
        assert!(check("go/a", Kind::HardLink, Some("go/../x")).is_err());
        assert!(check("go/a", Kind::HardLink, Some("go")).is_err());
    }

    #[test]
    fn limits_follow_the_archive_size() {
        let real_go = Limits::for_archive(Some(66_564_443));
        assert!(real_go.bytes > 213_770_240, "go1.22.10 unpacks to 213,770,240 bytes");
        assert_eq!(Limits::for_archive(Some(1000)).bytes, MIN_UNPACKED);
        assert_eq!(Limits::for_archive(Some(u64::MAX)).bytes, MAX_UNPACKED);
        assert_eq!(Limits::for_archive(None).bytes, MAX_UNPACKED);
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Some(PathBuf::from("a/c")));
        assert_eq!(normalize(Path::new("a/../..")), None);
    }
}

/// Property tests: whatever entries an archive holds, nothing lands outside the root, and an
/// accepted tree has no link that resolves outside it.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Raw {
        File(String),
        Dir(String),
        Symlink(String, String),
        HardLink(String, String),
    }

    fn path() -> impl Strategy<Value = String> {
        let part = prop_oneof![Just("go"), Just("go"), Just(".."), Just("."), Just("a"), Just("b"), Just("bin")];
        (any::<bool>(), prop::collection::vec(part, 1..5))
            .prop_map(|(absolute, parts)| format!("{}{}", if absolute { "/" } else { "" }, parts.join("/")))
    }

    fn entry() -> impl Strategy<Value = Raw> {
        prop_oneof![
            path().prop_map(Raw::File),
            path().prop_map(Raw::Dir),
            (path(), path()).prop_map(|(p, t)| Raw::Symlink(p, t)),
            (path(), path()).prop_map(|(p, t)| Raw::HardLink(p, t)),
        ]
    }

    /// A tar of `entries` with the names written raw, as a hostile archiver would.
    fn tar(entries: &[Raw]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for entry in entries {
            let (name, kind, link) = match entry {
                Raw::File(p) => (p, tar::EntryType::Regular, None),
                Raw::Dir(p) => (p, tar::EntryType::Directory, None),
                Raw::Symlink(p, t) => (p, tar::EntryType::Symlink, Some(t)),
                Raw::HardLink(p, t) => (p, tar::EntryType::Link, Some(t)),
            };
            let data: &[u8] = if kind == tar::EntryType::Regular { b"data" } else { b"" };
            let mut header = tar::Header::new_ustar();
            header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            if let Some(link) = link {
                header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
            }
            header.set_entry_type(kind);
            header.set_mode(0o755);
            header.set_size(data.len() as u64);
            header.set_cksum();
            builder.append(&header, data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn nothing_escapes_the_root(entries in prop::collection::vec(entry(), 1..10)) {
            let outer = tempfile::tempdir().unwrap();
            let root = outer.path().join("root");
            fs::create_dir(&root).unwrap();
            let result = unpack(&tar(&entries)[..], &root, Limits::for_archive(None), None);
            let beside: Vec<_> = fs::read_dir(outer.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
            prop_assert_eq!(beside, vec![std::ffi::OsString::from("root")], "written beside the root");
            if result.is_ok() {
                let real_root = fs::canonicalize(&root).unwrap();
                let mut stack = vec![root.clone()];
                while let Some(dir) = stack.pop() {
                    for e in fs::read_dir(&dir).unwrap() {
                        let e = e.unwrap();
                        let kind = e.file_type().unwrap();
                        if kind.is_dir() {
                            stack.push(e.path());
                        } else if kind.is_symlink() {
                            if let Ok(real) = fs::canonicalize(e.path()) {
                                prop_assert!(real.starts_with(&real_root), "{:?} -> {:?}", e.path(), real);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_program_for_another_machine_is_refused_before_it_is_written() {
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        elf[18..20].copy_from_slice(&62u16.to_le_bytes());
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in [("go/VERSION", &b"go1.22.10\n"[..]), ("go/bin/gofmt", b"#!/bin/sh\n"), ("go/bin/go", &elf)]
        {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o755);
            header.set_cksum();
            builder.append_data(&mut header, name, data).unwrap();
        }
        let archive = builder.into_inner().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let err = unpack(&archive[..], dir.path(), Limits::for_archive(None), Some(183)).unwrap_err();
        assert!(matches!(err, UnpackError::Machine { ref entry, machine: 62 } if entry == "go/bin/go"), "{err:?}");
        assert!(!dir.path().join("bin/go").exists(), "the foreign program must not be written");
        let dir = tempfile::tempdir().unwrap();
        unpack(&archive[..], dir.path(), Limits::for_archive(None), Some(62)).unwrap();
        assert_eq!(fs::read(dir.path().join("bin/go")).unwrap(), elf, "the header is written back in front");
    }

    /// Reading, inflating and untarring on three threads ends as one thread did, whole or
    /// damaged anywhere (the unpacker sees a failure of the inflater at the same entry).
    #[test]
    fn three_threads_end_as_one() {
        let files: Vec<Raw> = (0..300).map(|i| Raw::File(format!("go/f{i}"))).collect();
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        // Incompressible data, 3 MB: many chunks.
        let mut seed = 1u64;
        let data: Vec<u8> = (0..3 << 20)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, "go/data", &data[..]).unwrap();
        let mut archive = builder.into_inner().unwrap();
        archive.truncate(archive.len() - 1024);
        archive.extend_from_slice(&tar(&files));
        gzip.write_all(&archive).unwrap();
        let whole = gzip.finish().unwrap();
        let limits = Limits::for_archive(None);
        /// A download that breaks off where the archive is cut (within its data: past the tar's
        /// end, whether the unpacker sees the break depends on how far the reads got ahead).
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("the connection broke"))
            }
        }
        let cuts = [whole.len() / 2, 100, 10, 0];
        let ends = cuts.iter().flat_map(|&cut| [(cut, false), (cut, true)]);
        for (cut, broken) in ends.chain([(whole.len(), false), (whole.len() - 9, false)]) {
            let source = || -> Box<dyn Read + Send + '_> {
                match broken {
                    true => Box::new(whole[..cut].chain(Broken)),
                    false => Box::new(&whole[..cut]),
                }
            };
            let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            let single = unpack(flate2::read::GzDecoder::new(source()), one.path(), limits, None);
            let threaded = unpack_gzip(source(), two.path(), limits, None);
            assert_eq!(format!("{single:?}"), format!("{threaded:?}"), "cut at {cut}, broken: {broken}");
            assert_eq!(fs::read_dir(one.path()).unwrap().count(), fs::read_dir(two.path()).unwrap().count());
        }
    }

    #[test]
    fn the_limits_stop_an_archive() {
        let files: Vec<Raw> = (0..5).map(|i| Raw::File(format!("go/f{i}"))).collect();
        let dir = tempfile::tempdir().unwrap();
        let err = unpack(&tar(&files)[..], dir.path(), Limits { bytes: 1 << 20, entries: 3 }, None).unwrap_err();
        assert!(matches!(err, UnpackError::Unsafe { ref reason, .. } if reason.contains("more than 3 entries")));
        let dir = tempfile::tempdir().unwrap();
        let err = unpack(&tar(&files)[..], dir.path(), Limits { bytes: 10, entries: 100 }, None).unwrap_err();
        assert!(matches!(err, UnpackError::Unsafe { ref reason, .. } if reason.contains("more than 10 bytes")));
        // The budget counts the tar stream, headers included.
        let archive = tar(&files);
        let dir = tempfile::tempdir().unwrap();
        unpack(&archive[..], dir.path(), Limits { bytes: archive.len() as u64, entries: 5 }, None).unwrap();
    }

    #[test]
    fn zip_names() {
        let p = "golang.org/toolchain@v0.0.1-go1.23.9.linux-amd64";
        let check = |name: &str| check_zip_name(name, p);
        assert_eq!(check(&format!("{p}/bin/go")), Ok(Some("bin/go".into())));
        assert_eq!(check(&format!("{p}/src/cmd/_go.mod")), Ok(Some("src/cmd/go.mod".into())));
        assert_eq!(check(&format!("{p}/src/_go.mod.txt")), Ok(Some("src/_go.mod.txt".into())));
        assert_eq!(check(&format!("{p}/src/")), Ok(None));
        // Go's own tree has a file whose name is not ASCII.
        assert!(check(&format!("{p}/test/fixedbugs/issue27836.dir/Äfoo.go")).is_ok());
        for bad in [
            format!("{p}/../x"),
            format!("{p}/src/../../x"),
            format!("{p}//etc/passwd"),
            format!("{p}/a\\b"),
            format!("{p}/src/a\nb"),
            format!("{p}/src/a\rb/"),
            p.to_string(),
            format!("{p}x/bin/go"),
            "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64/bin/go".to_string(),
            "/etc/passwd".to_string(),
        ] {
            assert!(check(&bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(toolchain_mode(Path::new("pkg/tool/linux_amd64/compile")), 0o755);
        assert_eq!(toolchain_mode(Path::new("bin/gofmt")), 0o755);
        assert_eq!(toolchain_mode(Path::new("pkg/include/x.h")), 0o644);
    }
}
