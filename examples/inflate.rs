//! The floor of `gover install` in bench/install.sh: inflating a gzip stream (stdin) with the
//! decoder gover links (flate2, the same features), writing nothing. Not shipped.

use std::io::{self, Read};

fn main() -> io::Result<()> {
    let mut gzip = flate2::read::GzDecoder::new(io::stdin().lock());
    let mut buf = vec![0; 128 << 10];
    while gzip.read(&mut buf)? > 0 {}
    Ok(())
}
