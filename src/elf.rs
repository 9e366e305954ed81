//! What an ELF header says about a binary. Its interpreter (`PT_INTERP`): official Go
//! releases are static, so a go binary that names one is a distro or custom build, and one
//! whose interpreter is missing cannot start ("No such file or directory" for a file that
//! exists); doctor asks. Its machine (`e_machine`): a Go archive whose `bin/go` is built for
//! another CPU than this one must not be installed; the unpacker asks.

const PT_INTERP: u32 = 3;
/// The header bytes [`machine`] needs.
pub const MACHINE_HEADER_LEN: usize = 20;

#[derive(Debug, PartialEq, Eq)]
pub enum ElfError {
    NotElf,
    Truncated,
}

/// The interpreter path named by the ELF image starting at `bytes[0]`, or `None` for a
/// static binary. `bytes` need only cover the headers and the interpreter string, which
/// linkers put at the front of the file.
pub fn interpreter(bytes: &[u8]) -> Result<Option<String>, ElfError> {
    let (wide, r) = header(bytes)?;
    let (phoff, phentsize, phnum) = if wide {
        (r.u64(0x20)?, r.u16(0x36)? as u64, r.u16(0x38)? as u64)
    } else {
        (r.u32(0x1c)? as u64, r.u16(0x2a)? as u64, r.u16(0x2c)? as u64)
    };
    for i in 0..phnum {
        let at = usize::try_from(phoff + i * phentsize).map_err(|_| ElfError::Truncated)?;
        if r.u32(at)? != PT_INTERP {
            continue;
        }
        let (offset, size) = if wide {
            (r.u64(at + 0x08)?, r.u64(at + 0x20)?)
        } else {
            (r.u32(at + 0x04)? as u64, r.u32(at + 0x10)? as u64)
        };
        let start = usize::try_from(offset).map_err(|_| ElfError::Truncated)?;
        let end =
            start.checked_add(usize::try_from(size).map_err(|_| ElfError::Truncated)?).ok_or(ElfError::Truncated)?;
        let raw = bytes.get(start..end).ok_or(ElfError::Truncated)?;
        let text = raw.split(|&b| b == 0).next().unwrap_or_default();
        return Ok(Some(String::from_utf8_lossy(text).into_owned()));
    }
    Ok(None)
}

/// The CPU the ELF image starting at `bytes[0]` is built for (`e_machine`: 62 x86-64,
/// 183 AArch64, ...); `bytes` need only cover the first [`MACHINE_HEADER_LEN`] bytes.
pub fn machine(bytes: &[u8]) -> Result<u16, ElfError> {
    header(bytes)?.1.u16(18)
}

/// Whether the image is 64-bit, and a reader in its byte order.
fn header(bytes: &[u8]) -> Result<(bool, Reader<'_>), ElfError> {
    if bytes.len() < 16 || &bytes[..4] != b"\x7fELF" {
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
    Ok((wide, Reader { bytes, big }))
}

struct Reader<'a> {
    bytes: &'a [u8],
    big: bool,
}

impl Reader<'_> {
    fn take<const N: usize>(&self, at: usize) -> Result<[u8; N], ElfError> {
        let slice = self.bytes.get(at..at.checked_add(N).ok_or(ElfError::Truncated)?).ok_or(ElfError::Truncated)?;
        Ok(slice.try_into().expect("slice has N bytes"))
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
