//! The build information the Go linker leaves in every program it links (what `go version -m`
//! prints): the Go that built it, its main package and module, the modules it was built
//! from, and the build settings. Read from the ELF image alone, so no `go` is needed.
//!
//! Where it is: the `.go.buildinfo` section, else the start of the first writable data
//! segment, holds a 32-byte header aligned to 16: the magic `\xff Go buildinf:`, the pointer
//! size, and flags (bit 0: big-endian; bit 1: the strings follow inline). Go 1.18 and later
//! write the two strings (the Go version, then the module information) right after the
//! header, each a uvarint length and the bytes; older releases write two pointers to Go
//! string headers (data pointer, length) elsewhere in the image. The module information
//! is framed by 16 bytes on each side, and its lines are tab-separated: `path`, `mod`,
//! `dep`, `=>` (a replacement of the module above), `build`.
//!
//! The file is untrusted (anything can sit in GOBIN): every length and address is checked,
//! and a malformed one is an error, never a panic.

use crate::elf::{self, ElfError, Image, ProgramHeader, PF_W, PF_X, PT_LOAD};

const MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER_LEN: usize = 32;
const ALIGN: usize = 16;
/// How far into the data the linker's header is looked for (as go does).
const SEARCH_WINDOW: u64 = 64 * 1024;
/// The most the two strings may take; real ones are a few kilobytes.
const MAX_STRINGS: u64 = 16 << 20;
/// The framing around the module information (cmd/go's infoStart and infoEnd).
const FRAME: usize = 16;

/// What a Go program says about how it was built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildInfo {
    /// `go1.22.10`, maybe with experiments after a space (`go1.22.10 X:loopvar`).
    pub go_version: String,
    /// The main package's import path; empty for a program built outside module mode.
    pub path: String,
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    /// `build` lines, in order: `-tags`, `CGO_ENABLED`, `GOOS`, `vcs`, …
    pub settings: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub path: String,
    pub version: String,
    /// The `h1:` hash, present when the module came from the module cache.
    pub sum: Option<String>,
    pub replace: Option<Box<Module>>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum BuildInfoError {
    /// Not an ELF image (a script, a program for another system, data).
    NotElf,
    /// An ELF image without Go's build information (a C program).
    NotGo,
    /// Go's header is there but something it points at is not.
    Malformed(&'static str),
}

impl std::fmt::Display for BuildInfoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildInfoError::NotElf => f.write_str("not an ELF executable"),
            BuildInfoError::NotGo => f.write_str("an executable without Go build information"),
            BuildInfoError::Malformed(what) => write!(f, "damaged Go build information: {what}"),
        }
    }
}

impl From<ElfError> for BuildInfoError {
    fn from(err: ElfError) -> Self {
        match err {
            ElfError::NotElf => BuildInfoError::NotElf,
            ElfError::Truncated => BuildInfoError::Malformed("the ELF headers point past the end of the file"),
            ElfError::Unmapped => BuildInfoError::Malformed("an address outside every loaded segment"),
        }
    }
}

/// The build information of an ELF image: the whole file in memory, or an open file
/// ([`elf::FileImage`]), of which only the headers and the build information are read.
pub fn read<I: Image + ?Sized>(image: &I) -> Result<BuildInfo, BuildInfoError> {
    let (go_version, modinfo) = raw_strings(image)?;
    let mut info = parse_modinfo(&modinfo)?;
    info.go_version = go_version;
    Ok(info)
}

/// The Go version and the unframed module information.
fn raw_strings<I: Image + ?Sized>(image: &I) -> Result<(String, String), BuildInfoError> {
    let headers = elf::program_headers(image)?;
    let start = match elf::section(image, b".go.buildinfo")? {
        Some(section) => section.addr,
        None => headers
            .iter()
            .find(|h| h.kind == PT_LOAD && h.flags & (PF_X | PF_W) == PF_W)
            .map(|h| h.vaddr)
            .ok_or(BuildInfoError::NotGo)?,
    };
    let window = elf::read_at_address(image, &headers, start, SEARCH_WINDOW).map_err(|_| BuildInfoError::NotGo)?;
    let at = (0..window.len())
        .step_by(ALIGN)
        .find(|&i| window[i..].starts_with(MAGIC) && window.len() - i >= HEADER_LEN)
        .ok_or(BuildInfoError::NotGo)?;
    let header = &window[at..at + HEADER_LEN];
    let (pointer_size, flags) = (header[14], header[15]);
    let strings = Strings { image, headers: &headers, pointer_size, big: flags != 0 };
    let (version, modinfo) = if flags & 2 != 0 {
        let mut next = start.checked_add((at + HEADER_LEN) as u64).ok_or(BuildInfoError::NotGo)?;
        (strings.inline(&mut next)?, strings.inline(&mut next)?)
    } else {
        let second_at = header.get(16 + pointer_size as usize..).unwrap_or_default();
        let (first, second) = (strings.pointer(&header[16..])?, strings.pointer(second_at)?);
        (strings.at_header(first)?, strings.at_header(second)?)
    };
    if version.is_empty() {
        return Err(BuildInfoError::NotGo);
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    // Without the framing (a program built outside module mode) there is no module information.
    let modinfo = match modinfo.len() {
        n if n > 2 * FRAME && modinfo[n - FRAME - 1] == b'\n' => text(&modinfo[FRAME..n - FRAME]),
        _ => String::new(),
    };
    Ok((text(&version), modinfo))
}

/// Reads the two strings, in either format.
struct Strings<'a, I: ?Sized> {
    image: &'a I,
    headers: &'a [ProgramHeader],
    pointer_size: u8,
    big: bool,
}

impl<I: Image + ?Sized> Strings<'_, I> {
    /// `length` bytes at `addr`, all in one segment.
    fn exact(&self, addr: u64, length: u64) -> Result<Vec<u8>, BuildInfoError> {
        if length > MAX_STRINGS {
            return Err(BuildInfoError::Malformed("a string is implausibly long"));
        }
        let string = elf::read_at_address(self.image, self.headers, addr, length)?;
        if (string.len() as u64) < length {
            return Err(BuildInfoError::Malformed("a string runs past its segment"));
        }
        Ok(string.into_owned())
    }

    /// The inline format's string at `*next` (a uvarint length, then the bytes); `*next`
    /// moves past it.
    fn inline(&self, next: &mut u64) -> Result<Vec<u8>, BuildInfoError> {
        let prefix = elf::read_at_address(self.image, self.headers, *next, 10)?;
        let (length, used) = uvarint(&prefix)?;
        let past = || BuildInfoError::Malformed("a string runs past its segment");
        let start = next.checked_add(used).ok_or_else(past)?;
        let string = self.exact(start, length)?;
        // A segment may end past 2^64 in the header's arithmetic, so the end is checked too.
        *next = start.checked_add(length).ok_or_else(past)?;
        Ok(string)
    }

    fn pointer(&self, at: &[u8]) -> Result<u64, BuildInfoError> {
        let bad = BuildInfoError::Malformed("a pointer of a size other than 4 or 8 bytes");
        Ok(match self.pointer_size {
            4 => {
                let b: [u8; 4] = at.get(..4).and_then(|b| b.try_into().ok()).ok_or(bad)?;
                u64::from(if self.big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
            }
            8 => {
                let b: [u8; 8] = at.get(..8).and_then(|b| b.try_into().ok()).ok_or(bad)?;
                if self.big {
                    u64::from_be_bytes(b)
                } else {
                    u64::from_le_bytes(b)
                }
            }
            _ => return Err(bad),
        })
    }

    /// The pointer format's Go string whose header (data pointer, length) is at `addr`.
    fn at_header(&self, addr: u64) -> Result<Vec<u8>, BuildInfoError> {
        let size = u64::from(self.pointer_size);
        let header = elf::read_at_address(self.image, self.headers, addr, 2 * size)?;
        let short = BuildInfoError::Malformed("a string header runs past its segment");
        let (data, length) = (self.pointer(&header)?, self.pointer(header.get(size as usize..).ok_or(short)?)?);
        self.exact(data, length)
    }
}

/// A uvarint at the front of `bytes`: its value and how many bytes it took.
fn uvarint(bytes: &[u8]) -> Result<(u64, u64), BuildInfoError> {
    let mut value: u64 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        if i == 9 && byte > 1 {
            return Err(BuildInfoError::Malformed("a string length overflows 64 bits"));
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i as u64 + 1));
        }
    }
    Err(BuildInfoError::Malformed("a string length runs past the end"))
}

/// The module information's lines, as runtime/debug.ParseBuildInfo reads them.
pub fn parse_modinfo(text: &str) -> Result<BuildInfo, BuildInfoError> {
    let mut info = BuildInfo {
        go_version: String::new(),
        path: String::new(),
        main: None,
        deps: Vec::new(),
        settings: Vec::new(),
    };
    for line in text.lines() {
        let Some((kind, rest)) = line.split_once('\t') else {
            if line.is_empty() {
                continue;
            }
            return Err(BuildInfoError::Malformed("a module information line without a tab"));
        };
        match kind {
            "path" => info.path = rest.to_string(),
            "mod" => info.main = Some(module(rest)?),
            "dep" => info.deps.push(module(rest)?),
            "=>" => {
                let replaced = info.deps.last_mut().or(info.main.as_mut());
                let replaced = replaced.ok_or(BuildInfoError::Malformed("a replacement with no module before it"))?;
                replaced.replace = Some(Box::new(module(rest)?));
            }
            "build" => {
                let (key, value) =
                    rest.split_once('=').ok_or(BuildInfoError::Malformed("a build setting without `=`"))?;
                info.settings.push((unquote(key), unquote(value)));
            }
            _ => {}
        }
    }
    Ok(info)
}

/// `path version [sum]`.
fn module(fields: &str) -> Result<Module, BuildInfoError> {
    let parts: Vec<&str> = fields.split('\t').collect();
    let (path, version, sum) = match parts[..] {
        [path, version] => (path, version, None),
        [path, version, sum] => (path, version, Some(sum.to_string()).filter(|s| !s.is_empty())),
        _ => return Err(BuildInfoError::Malformed("a module line without a path and a version")),
    };
    Ok(Module { path: path.into(), version: version.into(), sum, replace: None })
}

/// A build setting's key or value as cmd/go writes it: quoted (Go syntax) when it holds a
/// space, a tab, a quote or `=`. Only the escapes such text needs are undone; anything else
/// is kept as written.
fn unquote(text: &str) -> String {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else { return text.to_string() };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

impl BuildInfo {
    /// A build setting's value.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The release that built it: `go1.22.10` of `go1.22.10 X:loopvar`.
    pub fn go_release(&self) -> &str {
        self.go_version.split_whitespace().next().unwrap_or_default()
    }

    /// The same as a version, when it names a release (`devel go1.24-abc` does not).
    pub fn built_by(&self) -> Option<gover_shim::GoVersion> {
        gover_shim::GoVersion::parse(self.go_release())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::read`] of bytes in memory.
    fn read(bytes: &[u8]) -> Result<BuildInfo, BuildInfoError> {
        super::read(bytes)
    }

    const MODINFO: &str = "path\texample.com/hello/cmd/hello\n\
        mod\texample.com/hello\tv1.0.0\th1:abc=\n\
        dep\tgolang.org/x/text\tv0.14.0\th1:def=\n\
        dep\texample.com/lib\tv1.2.0\n\
        =>\t../lib\t(devel)\t\n\
        build\t-buildmode=exe\n\
        build\t-ldflags=\"-s -w\"\n\
        build\tCGO_ENABLED=0\n";

    /// An ELF64 little-endian image whose only segment is writable data at 0x1000 holding
    /// `data`, with a `.go.buildinfo` section there when `named`.
    pub(super) fn image(data: &[u8], named: bool) -> Vec<u8> {
        let mut out = vec![0u8; 0x40];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2;
        out[5] = 1;
        out[0x20..0x28].copy_from_slice(&0x40u64.to_le_bytes());
        out[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        out[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes());
        let data_at = 0x40 + 56;
        let mut ph = vec![0u8; 56];
        ph[..4].copy_from_slice(&PT_LOAD.to_le_bytes());
        ph[4..8].copy_from_slice(&(PF_W | 4).to_le_bytes());
        ph[8..16].copy_from_slice(&(data_at as u64).to_le_bytes());
        ph[0x10..0x18].copy_from_slice(&0x1000u64.to_le_bytes());
        ph[0x20..0x28].copy_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend(ph);
        out.extend_from_slice(data);
        if named {
            let names = b"\0.shstrtab\0.go.buildinfo\0";
            let names_at = out.len();
            out.extend_from_slice(names);
            let shoff = out.len();
            let section = |name: u32, addr: u64, offset: u64, size: u64| {
                let mut sh = vec![0u8; 64];
                sh[..4].copy_from_slice(&name.to_le_bytes());
                sh[0x10..0x18].copy_from_slice(&addr.to_le_bytes());
                sh[0x18..0x20].copy_from_slice(&offset.to_le_bytes());
                sh[0x20..0x28].copy_from_slice(&size.to_le_bytes());
                sh
            };
            out.extend(section(0, 0, 0, 0));
            out.extend(section(1, 0, names_at as u64, names.len() as u64));
            out.extend(section(11, 0x1000, data_at as u64, data.len() as u64));
            out[0x28..0x30].copy_from_slice(&(shoff as u64).to_le_bytes());
            out[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
            out[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
            out[0x3e..0x40].copy_from_slice(&1u16.to_le_bytes());
        }
        out
    }

    fn framed(modinfo: &str) -> Vec<u8> {
        let mut out = vec![b'0'; FRAME];
        out.extend_from_slice(modinfo.as_bytes());
        out.extend(vec![b'1'; FRAME]);
        out
    }

    fn uvarint(mut n: u64, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// The Go 1.18+ blob: header, then the two strings inline.
    pub(super) fn inline_blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut blob = MAGIC.to_vec();
        blob.extend([8, 2]);
        blob.resize(HEADER_LEN, 0);
        for s in [version.as_bytes().to_vec(), framed(modinfo)] {
            uvarint(s.len() as u64, &mut blob);
            blob.extend(s);
        }
        blob
    }

    #[test]
    fn reads_the_inline_format() {
        let mut data = vec![0u8; 48];
        data.extend(inline_blob("go1.22.10", MODINFO));
        for named in [true, false] {
            let info = read(&image(&data, named)).unwrap();
            assert_eq!(info.go_version, "go1.22.10");
            assert_eq!(info.path, "example.com/hello/cmd/hello");
            let main = info.main.as_ref().unwrap();
            assert_eq!((main.path.as_str(), main.version.as_str()), ("example.com/hello", "v1.0.0"));
            assert_eq!(main.sum.as_deref(), Some("h1:abc="));
            assert_eq!(info.deps.len(), 2);
            assert_eq!(info.deps[1].replace.as_ref().unwrap().path, "../lib");
            assert_eq!(info.setting("-ldflags"), Some("-s -w"));
            assert_eq!(info.setting("CGO_ENABLED"), Some("0"));
        }
    }

    #[test]
    fn reads_the_pointer_format() {
        // Header at 0x1000, string headers at 0x1020 and 0x1030, the bytes from 0x1040.
        let version = b"go1.17.13";
        let modinfo = framed("path\texample.com/old\nmod\texample.com/old\tv0.1.0\th1:x=\n");
        let mut data = MAGIC.to_vec();
        data.extend([8, 0]);
        data.extend(0x1020u64.to_le_bytes());
        data.extend(0x1030u64.to_le_bytes());
        let modinfo_at = 0x1040 + version.len() as u64;
        for (at, len) in [(0x1040u64, version.len()), (modinfo_at, modinfo.len())] {
            data.extend(at.to_le_bytes());
            data.extend((len as u64).to_le_bytes());
        }
        data.extend(version);
        data.extend(&modinfo);
        let info = read(&image(&data, false)).unwrap();
        assert_eq!(info.go_version, "go1.17.13");
        assert_eq!(info.main.unwrap().version, "v0.1.0");

        let mut outside = data.clone();
        outside[16..24].copy_from_slice(&0xdead_0000u64.to_le_bytes());
        assert_eq!(read(&image(&outside, false)), Err(BuildInfoError::from(ElfError::Unmapped)));
        let mut long = data.clone();
        long[0x28..0x30].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(read(&image(&long, false)), Err(BuildInfoError::Malformed(_))));
        let mut odd = data;
        odd[14] = 3;
        assert!(matches!(read(&image(&odd, false)), Err(BuildInfoError::Malformed(_))));
    }

    #[test]
    fn hostile_and_foreign_files() {
        assert_eq!(read(b"#!/bin/sh\nexec true\n"), Err(BuildInfoError::NotElf));
        assert_eq!(read(&image(&[0u8; 64], true)), Err(BuildInfoError::NotGo));
        // A huge length, a length overflowing 64 bits, and a blob cut anywhere.
        let mut blob = MAGIC.to_vec();
        blob.extend([8, 2]);
        blob.resize(HEADER_LEN, 0);
        let mut huge = blob.clone();
        uvarint(u64::MAX, &mut huge);
        assert!(matches!(read(&image(&huge, true)), Err(BuildInfoError::Malformed(_))));
        let mut overflow = blob.clone();
        overflow.extend([0xff; 10]);
        assert!(matches!(read(&image(&overflow, true)), Err(BuildInfoError::Malformed(_))));
        let whole = image(&inline_blob("go1.22.10", MODINFO), true);
        for cut in 0..whole.len() {
            let _ = read(&whole[..cut]);
        }
        // An empty version is not a Go program; no framing means no module information.
        assert_eq!(read(&image(&inline_blob("", MODINFO), true)), Err(BuildInfoError::NotGo));
        let mut bare = blob;
        uvarint(8, &mut bare);
        bare.extend(b"go1.22.1");
        uvarint(5, &mut bare);
        bare.extend(b"short");
        let info = read(&image(&bare, true)).unwrap();
        assert_eq!((info.go_version.as_str(), info.main), ("go1.22.1", None));
    }

    #[test]
    fn module_information_lines() {
        assert!(matches!(parse_modinfo("=>\tx\tv1\n"), Err(BuildInfoError::Malformed(_))));
        assert!(matches!(parse_modinfo("mod\tonly-a-path\n"), Err(BuildInfoError::Malformed(_))));
        assert!(matches!(parse_modinfo("no tab here\n"), Err(BuildInfoError::Malformed(_))));
        let info = parse_modinfo("path\tcmd/x\nmod\tcmd/x\t(devel)\t\n=>\t/src/x\t\n").unwrap();
        let main = info.main.unwrap();
        assert_eq!((main.version.as_str(), main.sum), ("(devel)", None));
        assert_eq!(main.replace.unwrap().path, "/src/x");
        assert_eq!(unquote(r#""a \"b\"\tc""#), "a \"b\"\tc");
    }

    #[test]
    fn the_fuzz_seeds_read_as_programs() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/go_buildinfo");
        let inline = read(&std::fs::read(seeds.join("inline-go1.22.10")).unwrap()).unwrap();
        assert_eq!((inline.go_version.as_str(), inline.setting("-tags")), ("go1.22.10", Some("netgo")));
        let pointer = read(&std::fs::read(seeds.join("pointer-go1.17.13")).unwrap()).unwrap();
        assert_eq!(pointer.main.unwrap().path, "example.com/old");
    }

    /// Found by the fuzzer: a segment loaded at 0xffffffffffffff00, so the address after the
    /// version string overflowed.
    #[test]
    fn a_segment_at_the_top_of_the_address_space() {
        let input = include_bytes!("../../fuzz/seeds/go_buildinfo/regression-address-overflow");
        assert!(matches!(read(input), Err(BuildInfoError::Malformed(_))));
    }
}
