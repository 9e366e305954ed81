//! gover's binary: the command line is parsed and run by the library (src/lib.rs), which the
//! fuzz targets share.

fn main() {
    std::process::exit(gover::run());
}
