//! The go env file (`go env GOENV`, written by `go env -w`): removing a key as `go env -u`
//! does, leaving every other byte of the file as it was.

use crate::shell::syntax::lines;

/// `text` without the lines that set `key` (`KEY=VALUE`, spaces around the key allowed, as
/// go reads them). Comments and other keys are untouched.
pub fn remove_key(text: &[u8], key: &str) -> Vec<u8> {
    lines(text)
        .into_iter()
        .filter(|line| {
            let Some(eq) = line.iter().position(|&b| b == b'=') else { return true };
            line[..eq].trim_ascii() != key.as_bytes()
        })
        .flatten()
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_every_line_of_the_key_only() {
        let text = b"GOPROXY=https://proxy.golang.org,direct\r\nGOROOT=/usr/local/go\n# GOROOT=/x\nGOROOTX=1\n GOROOT =/old\nGOSUMDB=off";
        assert_eq!(
            remove_key(text, "GOROOT"),
            b"GOPROXY=https://proxy.golang.org,direct\r\n# GOROOT=/x\nGOROOTX=1\nGOSUMDB=off".to_vec()
        );
        assert_eq!(remove_key(b"GOROOT=/x", "GOROOT"), b"".to_vec());
        assert_eq!(remove_key(b"A=1\n", "GOROOT"), b"A=1\n".to_vec());
    }
}
