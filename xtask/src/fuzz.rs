//! `cargo xtask fuzz [TARGET] [--time S]`: coverage-guided fuzzing of the parsers of untrusted
//! input (the targets in fuzz/fuzz_targets) with cargo-fuzz and libFuzzer, one target after the
//! other, each for S seconds, then a table of executions, coverage and crashes for
//! RELIABILITY.md. A crash fails the run and names the input that caused it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::dist::{cargo, run_checked};
use crate::system::{apt_install, on_path};
use crate::{project_root, take_option, Result};

/// The cargo-fuzz release these flags are written for.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// How the targets are built: optimised, with debug assertions (an integer overflow is a crash,
/// as in a debug build), and without a sanitizer. The code under test is safe Rust, where
/// AddressSanitizer finds nothing a panic would not, at half the executions; and without one
/// cargo-fuzz passes no -Z flag, so a stable toolchain builds the targets.
const BUILD: [&str; 4] = ["--release", "--debug-assertions", "--sanitizer", "none"];

/// Seconds per target when --time is not given.
const DEFAULT_SECONDS: u64 = 60;

/// Inputs in the repository that seed a target besides fuzz/seeds/<target>: real files.
const SEEDS: &[(&str, &str)] =
    &[("shell_startup", "tests/fixtures/startup"), ("osv_entry", "tests/fixtures/vulndb/osv")];

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let seconds = match take_option(&mut args, "--time")? {
        Some(s) => s.parse::<u64>().ok().filter(|&s| s > 0).ok_or_else(|| {
            format!("--time {s}: not a number of seconds\nhelp: cargo xtask fuzz [TARGET] [--time SECONDS]")
        })?,
        None => DEFAULT_SECONDS,
    };
    ensure_tools()?;
    let root = project_root();
    let all = targets(&root)?;
    let chosen = match args.as_slice() {
        [] => all,
        [one] if all.contains(one) => vec![one.clone()],
        [one] => return Err(format!("no fuzz target `{one}`\nhelp: the targets are {}", all.join(", "))),
        more => {
            return Err(format!(
                "one target at most, not {}\nhelp: cargo xtask fuzz [TARGET] [--time SECONDS]",
                more.join(" ")
            ))
        }
    };
    // The targets fuzz the dependency versions gover ships: the fuzz crate's lock starts as the
    // workspace's, and cargo adds libfuzzer-sys to it.
    let lock = root.join("fuzz/Cargo.lock");
    std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| format!("cannot write {}: {e}", lock.display()))?;
    run_checked(Command::new(cargo()).current_dir(&root).args(["fuzz", "build"]).args(BUILD))?;
    let mut runs = Vec::new();
    for target in &chosen {
        eprintln!("fuzz: {target} for {seconds} s");
        runs.push(fuzz(&root, target, seconds)?);
    }
    println!("{}", table(&runs));
    let crashed: Vec<String> =
        runs.iter().filter_map(|r| r.crash.as_ref().map(|c| format!("{}: {}", r.target, c.display()))).collect();
    if crashed.is_empty() {
        return Ok(());
    }
    Err(format!(
        "crashes found:\n  {}\nhelp: `cargo fuzz run {} TARGET INPUT` replays one; fix it and add the input to a regression test",
        crashed.join("\n  "),
        BUILD.join(" ")
    ))
}

/// One target's run, from libFuzzer's final statistics.
#[derive(Debug, Default, PartialEq)]
struct Stats {
    target: String,
    seconds: u64,
    executions: u64,
    /// Coverage counters (edges) hit, and features (libFuzzer's finer measure).
    coverage: u64,
    features: u64,
    corpus: u64,
    /// The input that crashed the target, as libFuzzer saved it.
    crash: Option<PathBuf>,
}

fn fuzz(root: &Path, target: &str, seconds: u64) -> Result<Stats> {
    // New inputs go to the first directory (kept between runs, not in git); the others seed.
    let corpus = root.join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let mut seeds = vec![root.join("fuzz/seeds").join(target)];
    seeds.extend(SEEDS.iter().filter(|(t, _)| *t == target).map(|(_, dir)| root.join(dir)));
    seeds.retain(|dir| dir.is_dir());
    let out = Command::new(cargo())
        .current_dir(root)
        .args(["fuzz", "run"])
        .args(BUILD)
        .arg(target)
        .arg(&corpus)
        .args(&seeds)
        .args(["--", &format!("-max_total_time={seconds}"), "-print_final_stats=1"])
        .output()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    let mut stats = parse_stats(target, &log);
    stats.seconds = seconds;
    if !out.status.success() {
        let crash =
            log.lines().find_map(|l| l.split("Test unit written to ").nth(1)).map(|p| root.join("fuzz").join(p.trim()));
        match crash {
            Some(path) => stats.crash = Some(path),
            None => return Err(format!("cargo fuzz run {target} failed ({}):\n{log}", out.status)),
        }
    }
    Ok(stats)
}

/// Reads libFuzzer's log: `stat::number_of_executed_units: N` (with -print_final_stats=1) and
/// the last status line, `#N  DONE  cov: C ft: F corp: K/…`.
fn parse_stats(target: &str, log: &str) -> Stats {
    let field = |line: &str, name: &str| -> Option<u64> {
        let mut words = line.split_whitespace();
        words.find(|w| *w == name)?;
        words.next()?.split('/').next()?.parse().ok()
    };
    let status = log.lines().rev().find(|l| l.starts_with('#') && l.contains(" cov: ")).unwrap_or_default();
    Stats {
        target: target.to_string(),
        executions: log.lines().find_map(|l| field(l, "stat::number_of_executed_units:")).unwrap_or(0),
        coverage: field(status, "cov:").unwrap_or(0),
        features: field(status, "ft:").unwrap_or(0),
        corpus: field(status, "corp:").unwrap_or(0),
        ..Stats::default()
    }
}

/// A Markdown table, as RELIABILITY.md records it.
fn table(runs: &[Stats]) -> String {
    let mut out = String::from(
        "| target | time (s) | executions | exec/s | coverage (edges) | features | corpus | crashes |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
    );
    for r in runs {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.target,
            r.seconds,
            r.executions,
            r.executions / r.seconds.max(1),
            r.coverage,
            r.features,
            r.corpus,
            if r.crash.is_some() { "1" } else { "0" }
        ));
    }
    out
}

fn targets(root: &Path) -> Result<Vec<String>> {
    let list = run_checked(Command::new(cargo()).current_dir(root).args(["fuzz", "list"]))?;
    Ok(list.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
}

/// cargo-fuzz, and a C++ compiler for libFuzzer (libfuzzer-sys compiles it), installed where
/// they are missing.
fn ensure_tools() -> Result<()> {
    if !on_path("c++") && !apt_install(&["g++"]) {
        return Err("no C++ compiler (c++) to build libFuzzer\nhelp: sudo apt-get install g++".into());
    }
    if Command::new(cargo()).args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    eprintln!("fuzz: installing cargo-fuzz {CARGO_FUZZ_VERSION} (cargo install)");
    run_checked(Command::new(cargo()).args(["install", "--locked", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION]))
        .map(drop)
        .map_err(|e| format!("{e}\nhelp: cargo install --locked cargo-fuzz --version {CARGO_FUZZ_VERSION}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzers_final_statistics() {
        let log = "INFO: Seed: 1\n#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #123456\tDONE   cov: 1234 ft: 5678 corp: 90/12Kb lim: 4096 exec/s: 2057 rss: 60Mb\n\
                   Done 123456 runs in 61 second(s)\nstat::number_of_executed_units: 123456\n\
                   stat::average_exec_per_sec:     2023\n";
        let stats = parse_stats("pin_files", log);
        assert_eq!(
            stats,
            Stats {
                target: "pin_files".into(),
                executions: 123456,
                coverage: 1234,
                features: 5678,
                corpus: 90,
                ..Stats::default()
            }
        );
    }
}
