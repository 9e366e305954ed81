//! Service environments: systemd user units and cron jobs start with their own minimal
//! environment, not the shell's, so they need the shims some other way.

use std::path::PathBuf;

use gover_shim::GoverHome;

use super::{Category, Evidence, Facts, Finding, Fix, Severity};
use crate::shell::HookPaths;
use crate::store::Store;

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    // Before gover is set up there is nothing for services to find.
    if !facts.env.gover.shim("go").exists() {
        return out;
    }
    systemd(facts, &mut out);
    cron(facts, &mut out);
    out
}

fn has_shims(path: &str, home: &GoverHome) -> bool {
    std::env::split_paths(path).any(|d| home.is_shims_dir(&d))
}

fn systemd(facts: &Facts, out: &mut Vec<Finding>) {
    let env = facts.env;
    let Some(systemctl) = env.find_program("systemctl") else { return };
    let Some(answer) = env.run(&systemctl, &["--user", "show-environment"], &[]).filter(|o| o.success) else { return };
    let path = answer.stdout.lines().find_map(|l| l.strip_prefix("PATH=")).unwrap_or("");
    if has_shims(path, &env.gover) {
        return;
    }
    // The same drop-in `gover setup --systemd` writes, where it writes it.
    let Some(startup) = &facts.startup_env else { return };
    let paths = HookPaths::new(&env.process, &Store::new(env.gover.clone()), PathBuf::new());
    out.push(
        Finding::new(
            "services.systemd-path",
            Severity::Warning,
            Category::Services,
            "systemd user services do not have gover's shims on PATH: units running go get another go or none",
        )
        .evidence(Evidence::Command {
            command: "systemctl --user show-environment".into(),
            output: format!("PATH={path}"),
        })
        .fix(Fix::WriteFile { file: startup.systemd_dropin(), content: paths.systemd_dropin() }),
    );
}

/// A cron job line: its command, and the PATH cron gives it.
#[derive(Debug, PartialEq, Eq)]
pub struct CronJob {
    pub line: usize,
    pub text: String,
    pub path: String,
}

/// Job lines of a crontab that run a bare `go` or `gofmt`, with the PATH in effect for each
/// (cron's default `/usr/bin:/bin` unless a `PATH=` line set another).
pub fn bare_go_jobs(crontab: &str) -> Vec<CronJob> {
    let mut path = "/usr/bin:/bin".to_string();
    let mut out = Vec::new();
    for (i, raw) in crontab.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let first = line.split_whitespace().next().unwrap_or("");
        if let Some((name, value)) = line.split_once('=').filter(|(n, _)| !n.contains(char::is_whitespace)) {
            if name.trim() == "PATH" {
                path = value.trim().trim_matches('"').to_string();
            }
            continue;
        }
        let fields = if first.starts_with('@') { 1 } else { 5 };
        let command: String = line.split_whitespace().skip(fields).collect::<Vec<_>>().join(" ");
        let runs_go = command.split([';', '&', '|', '(', ')', '`']).any(|segment| {
            let mut words = segment.split_whitespace().skip_while(|w| w.contains('=') || *w == "exec" || *w == "nice");
            matches!(words.next(), Some("go" | "gofmt"))
        });
        if runs_go {
            out.push(CronJob { line: i + 1, text: line.to_string(), path: path.clone() });
        }
    }
    out
}

fn cron(facts: &Facts, out: &mut Vec<Finding>) {
    let env = facts.env;
    let (source, text) = match &env.crontab_file {
        Some(file) => (file.display().to_string(), std::fs::read_to_string(file).unwrap_or_default()),
        None => {
            let Some(crontab) = env.find_program("crontab") else { return };
            let Some(answer) = env.run(&crontab, &["-l"], &[]).filter(|o| o.success) else { return };
            ("crontab -l".to_string(), answer.stdout)
        }
    };
    let shims = env.gover.shims_dir();
    for job in bare_go_jobs(&text) {
        if has_shims(&job.path, &env.gover) {
            continue;
        }
        out.push(
            Finding::new(
                "services.cron-bare-go",
                Severity::Warning,
                Category::Services,
                format!("a cron job runs a bare `go` with PATH={}: it gets the system go or none", job.path),
            )
            .evidence(Evidence::Command { command: source.clone(), output: format!("line {}: {}", job.line, job.text) })
            .fix(Fix::Manual(format!(
                "call {} instead of go (the shim needs no environment), or put PATH={}:/usr/bin:/bin above the job",
                shims.join("go").display(),
                shims.display()
            ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_jobs_running_bare_go() {
        let tab = "# m h dom mon dow command\nMAILTO=me\n0 3 * * * cd /src/app && go build ./...\n\
                   @daily /usr/local/bin/backup\n*/5 * * * * GOFLAGS=-mod=mod go test ./... > /dev/null\n\
                   PATH=/opt/gover/shims:/usr/bin:/bin\n0 4 * * * go vet ./...\n1 1 * * * echo gopher\n";
        let jobs = bare_go_jobs(tab);
        assert_eq!(jobs.iter().map(|j| j.line).collect::<Vec<_>>(), vec![3, 5, 7]);
        assert_eq!(jobs[0].path, "/usr/bin:/bin");
        assert_eq!(jobs[2].path, "/opt/gover/shims:/usr/bin:/bin");
    }
}
