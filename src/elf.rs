//! What an ELF header says about a binary. Its interpreter (`PT_INTERP`): official Go
//! releases are static, so a go binary that names one is a distro or custom build, and one
//! whose interpreter is missing cannot start ("No such file or directory" for a file that
//! exists); doctor asks. Its machine (`e_machine`): a Go archive whose `bin/go` is built for
//! another CPU than this one must not be installed; the unpacker asks. Its loaded segments and
//! named sections: where a Go program keeps its build information (src/tools/buildinfo.rs).
//!
//! Every offset and size comes from the file, which may be anything: each is checked against
//! the bytes there are before it is used.

use std::borrow::Cow;
use std::os::unix::fs::FileExt;

const PT_INTERP: u32 = 3;
/// The header bytes [`machine`] needs.
pub const MACHINE_HEADER_LEN: usize = 20;

#[derive(Debug, PartialEq, Eq)]
pub enum ElfError {
    NotElf,
    Truncated,
    /// An address no loaded segment covers.
    Unmapped,
}

/// An ELF file's bytes by offset: all of it in memory, or an open file read where asked (a
/// Go program can be 100 MB; its headers and build information are a few kilobytes).
pub trait Image {
    /// `len` bytes from `offset`, or `Truncated` when the file ends before.
    fn bytes_at(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, ElfError>;
}

impl Image for [u8] {
    fn bytes_at(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, ElfError> {
        file_range(self, offset, len).map(Cow::Borrowed)
    }
}

/// An open file, read with `pread` where asked.
pub struct FileImage {
    file: std::fs::File,
    len: u64,
}

impl FileImage {
    pub fn new(file: std::fs::File) -> std::io::Result<FileImage> {
        Ok(FileImage { len: file.metadata()?.len(), file })
    }
}

impl Image for FileImage {
    fn bytes_at(&self, offset: u64, len: u64) -> Result<Cow<'_, [u8]>, ElfError> {
        // Checked against the file's size before anything is allocated.
        offset.checked_add(len).filter(|&end| end <= self.len).ok_or(ElfError::Truncated)?;
        let mut buf = vec![0u8; usize::try_from(len).map_err(|_| ElfError::Truncated)?];
        self.file.read_exact_at(&mut buf, offset).map_err(|_| ElfError::Truncated)?;
        Ok(Cow::Owned(buf))
    }
}

/// The interpreter path named by the ELF image starting at `bytes[0]`, or `None` for a
/// static binary. `bytes` need only cover the headers and the interpreter string, which
/// linkers put at the front of the file.
pub fn interpreter(bytes: &[u8]) -> Result<Option<String>, ElfError> {
    let Some(header) = program_headers(bytes)?.into_iter().find(|h| h.kind == PT_INTERP) else {
        return Ok(None);
    };
    let raw = bytes.bytes_at(header.offset, header.filesz)?;
    let text = raw.split(|&b| b == 0).next().unwrap_or_default();
    Ok(Some(String::from_utf8_lossy(text).into_owned()))
}

/// A program header: a part of the file (`offset`, `filesz`) and where it is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramHeader {
    pub kind: u32,
    pub flags: u32,
    pub offset: u64,
    pub vaddr: u64,
    pub filesz: u64,
}

pub const PT_LOAD: u32 = 1;
pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;

/// The program headers of the image.
pub fn program_headers<I: Image + ?Sized>(image: &I) -> Result<Vec<ProgramHeader>, ElfError> {
    let (wide, r) = header(image)?;
    let (phoff, phentsize, phnum) = if wide {
        (r.u64(0x20)?, r.u16(0x36)? as u64, r.u16(0x38)? as u64)
    } else {
        (r.u32(0x1c)? as u64, r.u16(0x2a)? as u64, r.u16(0x2c)? as u64)
    };
    (0..phnum)
        .map(|i| {
            let at = table_entry(phoff, phentsize, i)?;
            Ok(if wide {
                ProgramHeader {
                    kind: r.u32(at)?,
                    flags: r.u32(at + 0x04)?,
                    offset: r.u64(at + 0x08)?,
                    vaddr: r.u64(at + 0x10)?,
                    filesz: r.u64(at + 0x20)?,
                }
            } else {
                ProgramHeader {
                    kind: r.u32(at)?,
                    offset: r.u32(at + 0x04)? as u64,
                    vaddr: r.u32(at + 0x08)? as u64,
                    filesz: r.u32(at + 0x10)? as u64,
                    flags: r.u32(at + 0x18)?,
                }
            })
        })
        .collect()
}

/// A section found by name: where it is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    pub addr: u64,
    pub size: u64,
}

/// The most a table of section names is read to: real ones are a few hundred bytes.
const MAX_SECTION_NAMES: u64 = 1 << 20;

/// The section called `name`, when the image has a section table that names one.
pub fn section<I: Image + ?Sized>(image: &I, name: &[u8]) -> Result<Option<Section>, ElfError> {
    let (wide, r) = header(image)?;
    let (shoff, shentsize, shnum, shstrndx) = if wide {
        (r.u64(0x28)?, r.u16(0x3a)? as u64, r.u16(0x3c)? as u64, r.u16(0x3e)? as u64)
    } else {
        (r.u32(0x20)? as u64, r.u16(0x2e)? as u64, r.u16(0x30)? as u64, r.u16(0x32)? as u64)
    };
    // (name offset, addr, file offset, size) of entry `i`.
    let entry = |i: u64| -> Result<(u32, u64, u64, u64), ElfError> {
        let at = table_entry(shoff, shentsize, i)?;
        Ok(if wide {
            (r.u32(at)?, r.u64(at + 0x10)?, r.u64(at + 0x18)?, r.u64(at + 0x20)?)
        } else {
            (r.u32(at)?, r.u32(at + 0x0c)? as u64, r.u32(at + 0x10)? as u64, r.u32(at + 0x14)? as u64)
        })
    };
    // A stripped or odd table (no string table, or extended numbering) names nothing.
    if shnum == 0 || shstrndx >= shnum {
        return Ok(None);
    }
    let (_, _, names_offset, names_size) = entry(shstrndx)?;
    if names_size > MAX_SECTION_NAMES {
        return Ok(None);
    }
    let names = image.bytes_at(names_offset, names_size)?;
    for i in 0..shnum {
        let (name_at, addr, _, size) = entry(i)?;
        let Some(rest) = names.get(name_at as usize..) else { continue };
        if rest.split(|&b| b == 0).next() == Some(name) {
            return Ok(Some(Section { addr, size }));
        }
    }
    Ok(None)
}

/// Up to `max` bytes of the loaded image at virtual address `addr`, as the file holds them:
/// from the segment that covers `addr` to its end in the file at most.
pub fn read_at_address<'a, I: Image + ?Sized>(
    image: &'a I,
    headers: &[ProgramHeader],
    addr: u64,
    max: u64,
) -> Result<Cow<'a, [u8]>, ElfError> {
    let segment = headers
        .iter()
        .find(|h| h.kind == PT_LOAD && addr >= h.vaddr && addr - h.vaddr < h.filesz)
        .ok_or(ElfError::Unmapped)?;
    let into = addr - segment.vaddr;
    let offset = segment.offset.checked_add(into).ok_or(ElfError::Truncated)?;
    image.bytes_at(offset, (segment.filesz - into).min(max))
}

/// `size` bytes of the file from `offset`, or `Truncated` when the file is shorter.
fn file_range(bytes: &[u8], offset: u64, size: u64) -> Result<&[u8], ElfError> {
    let start = usize::try_from(offset).map_err(|_| ElfError::Truncated)?;
    let size = usize::try_from(size).map_err(|_| ElfError::Truncated)?;
    bytes.get(start..start.checked_add(size).ok_or(ElfError::Truncated)?).ok_or(ElfError::Truncated)
}

/// Where entry `i` of a header table starts. Past 2^48 no file reaches, so the field offsets
/// callers add to it cannot overflow.
fn table_entry(table: u64, entry_size: u64, i: u64) -> Result<usize, ElfError> {
    let at = i.checked_mul(entry_size).and_then(|o| o.checked_add(table)).filter(|&at| at < 1 << 48);
    at.and_then(|at| usize::try_from(at).ok()).ok_or(ElfError::Truncated)
}

/// The CPU the ELF image starting at `bytes[0]` is built for (`e_machine`: 62 x86-64,
/// 183 AArch64, ...); `bytes` need only cover the first [`MACHINE_HEADER_LEN`] bytes.
pub fn machine(bytes: &[u8]) -> Result<u16, ElfError> {
    header(bytes)?.1.u16(18)
}

/// Whether the image is 64-bit, and a reader in its byte order.
fn header<I: Image + ?Sized>(image: &I) -> Result<(bool, Reader<'_, I>), ElfError> {
    let bytes = image.bytes_at(0, 16).map_err(|_| ElfError::NotElf)?;
    if &bytes[..4] != b"\x7fELF" {
        return Err(ElfError::NotElf);
    }
    let wide = match bytes[4] {
        1 => false,
        2 => true,
        _ => return Err(ElfError::NotElf),
    };
    let big = match bytes[5] {
        1 => false,
        2 => true,
        _ => return Err(ElfError::NotElf),
    };
    Ok((wide, Reader { image, big }))
}

struct Reader<'a, I: ?Sized> {
    image: &'a I,
    big: bool,
}

impl<I: Image + ?Sized> Reader<'_, I> {
    fn take<const N: usize>(&self, at: usize) -> Result<[u8; N], ElfError> {
        let slice = self.image.bytes_at(at as u64, N as u64)?;
        Ok(slice[..].try_into().expect("slice has N bytes"))
    }
    fn u16(&self, at: usize) -> Result<u16, ElfError> {
        let b = self.take::<2>(at)?;
        Ok(if self.big { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    }
    fn u32(&self, at: usize) -> Result<u32, ElfError> {
        let b = self.take::<4>(at)?;
        Ok(if self.big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }
    fn u64(&self, at: usize) -> Result<u64, ElfError> {
        let b = self.take::<8>(at)?;
        Ok(if self.big { u64::from_be_bytes(b) } else { u64::from_le_bytes(b) })
    }
}

/// Reads the front of `path` (enough for the headers of any real binary) and returns its
/// interpreter; `Err` for files that are not ELF (scripts, wrappers).
pub fn read_interpreter(path: &std::path::Path) -> Result<Option<String>, ElfError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|_| ElfError::NotElf)?;
    let mut front = Vec::new();
    file.take(64 * 1024).read_to_end(&mut front).map_err(|_| ElfError::NotElf)?;
    interpreter(&front)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 image with the given program headers (type, payload).
    fn elf64(big: bool, headers: &[(u32, &[u8])]) -> Vec<u8> {
        let put16 = |v: u16| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let put32 = |v: u32| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let put64 = |v: u64| if big { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2;
        out[5] = if big { 2 } else { 1 };
        out[0x20..0x28].copy_from_slice(&put64(64));
        out[0x36..0x38].copy_from_slice(&put16(56));
        out[0x38..0x3a].copy_from_slice(&put16(headers.len() as u16));
        let data_start = 64 + 56 * headers.len();
        let mut data = Vec::new();
        for (kind, payload) in headers {
            let mut ph = vec![0u8; 56];
            ph[..4].copy_from_slice(&put32(*kind));
            ph[8..16].copy_from_slice(&put64((data_start + data.len()) as u64));
            ph[0x20..0x28].copy_from_slice(&put64(payload.len() as u64));
            out.extend(ph);
            data.extend_from_slice(payload);
        }
        out.extend(data);
        out
    }

    #[test]
    fn finds_the_interpreter() {
        let image = elf64(false, &[(6, b""), (PT_INTERP, b"/lib64/ld-linux-x86-64.so.2\0")]);
        assert_eq!(interpreter(&image).unwrap().as_deref(), Some("/lib64/ld-linux-x86-64.so.2"));
        let image = elf64(true, &[(PT_INTERP, b"/lib/ld.so.1\0")]);
        assert_eq!(interpreter(&image).unwrap().as_deref(), Some("/lib/ld.so.1"));
    }

    #[test]
    fn static_scripts_and_garbage() {
        assert_eq!(interpreter(&elf64(false, &[(1, b"code")])), Ok(None));
        assert_eq!(interpreter(b"#!/bin/sh\necho hi\n"), Err(ElfError::NotElf));
        let mut image = elf64(false, &[(PT_INTERP, b"/lib64/ld-linux-x86-64.so.2\0")]);
        image.truncate(100);
        assert_eq!(interpreter(&image), Err(ElfError::Truncated));
        let mut huge = elf64(false, &[(PT_INTERP, b"x\0")]);
        huge[64 + 0x20..64 + 0x28].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(interpreter(&huge), Err(ElfError::Truncated));
    }

    #[test]
    fn machines() {
        let mut image = elf64(false, &[]);
        image[18..20].copy_from_slice(&183u16.to_le_bytes());
        assert_eq!(machine(&image[..MACHINE_HEADER_LEN]), Ok(183));
        image[5] = 2;
        assert_eq!(machine(&image), Ok(183u16.swap_bytes()), "big-endian images are read as such");
        assert_eq!(machine(&image[..19]), Err(ElfError::Truncated));
        assert_eq!(machine(b"#!/bin/sh\n"), Err(ElfError::NotElf));
        let host = std::fs::read("/bin/sh").unwrap();
        let expected = if cfg!(target_arch = "x86_64") { 62 } else { 183 };
        assert_eq!(machine(&host), Ok(expected), "/bin/sh is built for this machine");
    }

    #[test]
    fn reads_a_real_dynamic_binary() {
        let interp = read_interpreter(std::path::Path::new("/bin/sh")).unwrap().unwrap();
        assert!(std::path::Path::new(&interp).exists(), "{interp}");
    }
}
