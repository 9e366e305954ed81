//! What the user's real shells do at start-up, asked once each, concurrently and bounded by a
//! timeout: `bash -ic` (`declare -F` under extdebug), `zsh -ic` (`whence -v`, with its source
//! trace for an alias's file) and `fish -ic` (`functions --details`) name the functions and
//! aliases that shadow go, gofmt or cd and the file that defined them (a `cd` that only calls
//! the builtin is left alone), and print the PATH their start-up left. A function is reported
//! with the line that made it (the `eval` of a manager's init when the shell names a line
//! that is not in the file), and a PATH whose first go is not gover's shim with the line of
//! that shell's startup files that put it there.

use std::path::{Path, PathBuf};

use super::startup::{Kind, Reads, StartupShell};
use super::{Category, Evidence, Facts, Finding, Fix, LineRange, Severity};

pub fn check(facts: &Facts) -> Vec<Finding> {
    let mut shells: Vec<StartupShell> = facts.env.shell().into_iter().collect();
    for s in &facts.startup {
        if s.file.reads != Reads::Login && !shells.contains(&s.file.shell) {
            shells.push(s.file.shell);
        }
    }
    let answers: Vec<(StartupShell, Option<Answer>)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            shells.iter().map(|&shell| (shell, scope.spawn(move || ask_shell(facts, shell)))).collect();
        handles.into_iter().map(|(shell, h)| (shell, h.join().ok().flatten())).collect()
    });
    let mut defs: Vec<Definition> = Vec::new();
    let mut out = Vec::new();
    for (shell, answer) in answers {
        let found: Vec<Definition> = match answer {
            Some(answer) => {
                if facts.gover_in_use() {
                    out.extend(path_order(facts, shell, &answer));
                }
                let cd_body = answer.cd_body;
                answer.definitions.into_iter().filter(|d| !wraps_builtin_cd(d, cd_body.as_deref())).collect()
            }
            None => {
                scanned_definitions(facts, shell).into_iter().filter(|d| !wraps_builtin_cd(d, Some(&d.said))).collect()
            }
        };
        for d in found {
            if !defs.iter().any(|e| e.name == d.name && e.alias == d.alias && e.file == d.file) {
                defs.push(d);
            }
        }
    }
    out.extend(defs.into_iter().map(|d| definition_finding(facts, d)));
    out
}

/// What one shell said.
struct Answer {
    definitions: Vec<Definition>,
    /// PATH after its start-up.
    path: Vec<PathBuf>,
    /// Its exported variables after start-up, to expand what its startup lines wrote.
    vars: Vec<(String, String)>,
    /// The code of its `cd` function, if it has one.
    cd_body: Option<String>,
}

/// Words in a `cd` alias or function that can change which go runs: PATH and Go's
/// variables, go itself, gvm (whose `cd` switches versions), sourcing and eval.
const MOVES_GO: [&str; 12] =
    ["PATH", "GOROOT", "GOPATH", "GOBIN", "GOTOOLCHAIN", "GOVER_VERSION", "go", "gofmt", "gvm", "source", ".", "eval"];

/// Whether `d`, a `cd` alias or function (`body`: the function's code), only calls the
/// builtin: prezto's `alias cd='nocorrect cd'`, `builtin cd`, a function whose last command is
/// `builtin cd "$@"`, none of them touching [`MOVES_GO`]. Such a `cd` cannot break gover.
fn wraps_builtin_cd(d: &Definition, body: Option<&str>) -> bool {
    if d.name != "cd" {
        return false;
    }
    let code = if d.alias {
        // bash: `alias cd='nocorrect cd'`; zsh: `cd is an alias for nocorrect cd`.
        let value =
            d.said.split_once(" an alias for ").map(|(_, v)| v).or_else(|| d.said.split_once('=').map(|(_, v)| v));
        let Some(value) = value.map(|v| v.trim().trim_matches(['\'', '"'])) else { return false };
        let words: Vec<&str> = value.split_whitespace().skip_while(|w| PREFIXES.contains(w)).collect();
        if words.first() != Some(&"cd") {
            return false;
        }
        value.to_string()
    } else {
        let Some(body) = body else { return false };
        // The last command is the builtin's: what follows it on its line is its arguments.
        let Some((before, after)) = body.rsplit_once("builtin cd") else { return false };
        let (its_line, rest) = after.split_once('\n').unwrap_or((after, ""));
        if !rest.lines().all(|line| matches!(line.trim(), "" | "}" | ";" | "end")) {
            return false;
        }
        // The first line names the function itself.
        format!("{}\n{its_line}", before.split_once('\n').map_or("", |(_, code)| code))
    };
    !code.split(|c: char| c.is_whitespace() || ";&|(){}\"'=$`".contains(c)).any(|word| MOVES_GO.contains(&word))
}

/// Words zsh and bash put before a command without changing what it is.
const PREFIXES: [&str; 4] = ["nocorrect", "noglob", "builtin", "command"];

/// In the PATH `shell` ends up with, the first directory holding a go when it comes before
/// gover's shims (a manager's shims, or `/bin` from a line whose variable is gone).
fn path_order(facts: &Facts, shell: StartupShell, answer: &Answer) -> Option<Finding> {
    let shims = answer.path.iter().position(|d| facts.env.gover.is_shims_dir(d))?;
    let (position, dir) =
        answer.path[..shims].iter().enumerate().find(|(_, d)| gover_shim::resolve::is_executable(&d.join("go")))?;
    // A PATH the shell inherited in that order is `path.system-go-first`'s finding; this one
    // is about what the shell's own start-up did.
    let inherited = facts.env.path_dirs();
    let inherited_shims = inherited.iter().position(|d| facts.env.gover.is_shims_dir(d));
    if inherited.iter().position(|d| d == dir).is_some_and(|at| inherited_shims.is_none_or(|s| at < s)) {
        return None;
    }
    let resolved = std::fs::canonicalize(dir.join("go")).ok();
    let mut finding = Finding::new(
        "path.shell-go-first",
        Severity::Error,
        Category::Path,
        format!("in `{} -ic`, `go` is {}, ahead of gover's shims", shell.name(), dir.join("go").display()),
    )
    .evidence(Evidence::PathEntry {
        position,
        dir: dir.clone(),
        resolved,
        note: Some(format!("PATH of `{} -ic` after its start-up", shell.name())),
    });
    let fix = match line_putting(facts, shell, dir, &answer.vars) {
        Some((file, lines, text)) => {
            finding = finding.evidence(Evidence::File { path: file.clone(), lines: Some(lines), text: Some(text) });
            Fix::CommentOut { file, lines }
        }
        None => Fix::Manual(unattributed_line(facts, shell, dir)),
    };
    Some(finding.fix(fix))
}

/// What to do about a PATH entry no startup line could be matched to (a command
/// substitution, a loop): the files `shell -ic` read, so the user knows where to look, and
/// the two edits that put the shims first again.
fn unattributed_line(facts: &Facts, shell: StartupShell, dir: &Path) -> String {
    let place = startup_files(facts, shell);
    format!(
        "in {place}, remove the line that puts {} on PATH, or move it above gover's hook; then start a new shell",
        dir.display()
    )
}

/// The files `shell -ic` reads, for a line that says where to look.
fn startup_files(facts: &Facts, shell: StartupShell) -> String {
    let files: Vec<String> =
        facts.reading_order(shell, Reads::Interactive).iter().map(|s| s.file.path.display().to_string()).collect();
    match files.as_slice() {
        [] => format!("{}'s system-wide start-up files", shell.name()),
        _ => files.join(", "),
    }
}

/// The startup line of `shell` that put `dir` on PATH: the last prepend that names it (its
/// variables as the shell had them, an unset one empty, as the shell reads it), else the
/// init line of the manager owning it.
fn line_putting(
    facts: &Facts,
    shell: StartupShell,
    dir: &Path,
    vars: &[(String, String)],
) -> Option<(PathBuf, LineRange, String)> {
    let home = facts.env.home()?;
    let lookup = |name: &str| -> Option<String> {
        let value = vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        Some(value.or_else(|| facts.var(name)).unwrap_or_default())
    };
    let same = |written: &str| {
        let Some(text) = super::startup::expand_vars(written, lookup) else { return false };
        let text = text.strip_prefix("~/").map_or(text.clone(), |rest| format!("{}/{rest}", home.display()));
        let path = PathBuf::from(text);
        path == dir || std::fs::canonicalize(&path).ok() == std::fs::canonicalize(dir).ok()
    };
    let files = facts.reading_order(shell, Reads::Interactive);
    let prepend = files.iter().rev().find_map(|s| {
        s.constructs.iter().rev().find_map(|c| match &c.kind {
            Kind::PathEdit { entry, prepend: true } if same(entry) => {
                Some((s.file.path.clone(), c.lines, c.text.clone()))
            }
            _ => None,
        })
    });
    prepend.or_else(|| {
        let (file, lines) = facts.manager_init_line(dir, Some(shell))?;
        let text = facts.scanned(&file)?.constructs.iter().find(|c| c.lines == lines)?.text.clone();
        Some((file, lines, text))
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Definition {
    shell: StartupShell,
    name: String,
    alias: bool,
    file: Option<PathBuf>,
    line: Option<usize>,
    /// What the shell printed about it.
    said: String,
}

const MARK: &str = "__gover_doctor__";
const PATH_MARK: &str = "__gover_doctor_path__";
const CD_MARK: &str = "__gover_doctor_cd__";

fn ask_shell(facts: &Facts, shell: StartupShell) -> Option<Answer> {
    let program = facts.env.find_program(shell.name())?;
    let script = match shell {
        StartupShell::Bash => format!(
            "echo {MARK}; shopt -s extdebug; declare -F go gofmt cd; alias go gofmt cd 2>/dev/null; \
             echo {CD_MARK}; declare -f cd; echo {PATH_MARK}; printf '%s\\n' \"$PATH\"; env; true"
        ),
        StartupShell::Zsh => {
            format!(
                "print {MARK}; whence -v go gofmt cd; print {CD_MARK}; (( $+functions[cd] )) && functions cd; \
                 print {PATH_MARK}; print -r -- \"$PATH\"; env; true"
            )
        }
        StartupShell::Fish => format!(
            "echo {MARK}; for f in go gofmt cd; echo \"$f\"; functions --details --verbose $f; end; \
             echo {CD_MARK}; functions cd; echo {PATH_MARK}; string join : -- $PATH; env"
        ),
    };
    let output = match shell {
        // zsh names no alias's file; its source trace (on standard error, hence sh to join
        // it to the output) lists the files its start-up read, to search for the alias.
        StartupShell::Zsh => {
            let sh = facts.env.find_program("sh")?;
            let joined = "exec \"$0\" -o sourcetrace -ic \"$1\" 2>&1";
            facts.env.run(&sh, &["-c", joined, &program.to_string_lossy(), &script], &[])?
        }
        _ => facts.env.run(&program, &["-ic", &script], &[])?,
    };
    let (trace, text) = output.stdout.split_once(MARK)?;
    let read: Vec<PathBuf> = trace
        .lines()
        .filter_map(|l| Some(PathBuf::from(l.strip_suffix("> <sourcetrace>")?.strip_prefix('+')?.rsplit_once(':')?.0)))
        .collect();
    let (defs, after) = text.split_once(PATH_MARK).unwrap_or((text, ""));
    let (defs, cd_body) = defs.split_once(CD_MARK).unwrap_or((defs, ""));
    let cd_body = Some(cd_body.trim()).filter(|b| !b.is_empty()).map(String::from);
    let mut after = after.trim_start_matches('\n').lines();
    let path = after.next().unwrap_or("").split(':').filter(|d| !d.is_empty()).map(PathBuf::from).collect();
    let vars = after.filter_map(|l| l.split_once('=')).map(|(n, v)| (n.to_string(), v.to_string())).collect();
    let defs = match shell {
        StartupShell::Bash => parse_bash(defs),
        StartupShell::Zsh => parse_zsh(defs),
        StartupShell::Fish => parse_fish(defs),
    };
    let definitions = defs
        .into_iter()
        .map(|mut d| {
            d.shell = shell;
            if d.alias && d.file.is_none() {
                (d.file, d.line) = alias_source(&read, &d.name).unzip();
            }
            d
        })
        .collect();
    Some(Answer { definitions, path, vars, cd_body })
}

/// The last of `files` (in the order the shell read them) with a line defining the alias
/// `name`, and that line: a framework's module file, which no startup file names.
fn alias_source(files: &[PathBuf], name: &str) -> Option<(PathBuf, usize)> {
    let defines = |line: &str| {
        let Some(rest) = line.trim_start().strip_prefix("alias ") else { return false };
        rest.trim_start().trim_start_matches("-- ").starts_with(&format!("{name}="))
    };
    files.iter().rev().find_map(|file| {
        let line = std::fs::read_to_string(file).ok()?.lines().position(defines)?;
        Some((file.clone(), line + 1))
    })
}

fn definition(name: &str, alias: bool, file: Option<PathBuf>, line: Option<usize>, said: &str) -> Definition {
    Definition { shell: StartupShell::Bash, name: name.into(), alias, file, line, said: said.trim().into() }
}

/// `declare -F` with extdebug prints `go 12 /home/u/.bashrc`; `alias` prints `alias go='…'`.
fn parse_bash(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(rest) = line.strip_prefix("alias ") {
            let name = rest.split('=').next().unwrap_or("");
            out.push(definition(name, true, None, None, line));
        } else if words.len() >= 3 && matches!(words[0], "go" | "gofmt" | "cd") {
            let file = line.splitn(3, ' ').nth(2).map(PathBuf::from);
            out.push(definition(words[0], false, file, words[1].parse().ok(), line));
        }
    }
    out
}

/// `whence -v`: `go is a shell function from /h/.zshrc`, `go is an alias for go1.21`.
fn parse_zsh(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((name, what)) = line.split_once(" is ") else { continue };
        if !matches!(name, "go" | "gofmt" | "cd") {
            continue;
        }
        if what.starts_with("an alias") {
            out.push(definition(name, true, None, None, line));
        } else if let Some(rest) = what.strip_prefix("a shell function") {
            let file = rest.trim().strip_prefix("from ").map(PathBuf::from);
            out.push(definition(name, false, file, None, line));
        }
    }
    out
}

/// `functions --details --verbose f` prints the file (`n/a` when undefined), then whether it
/// was autoloaded, then the line; functions fish ships (its own `cd`) are not the user's.
fn parse_fish(text: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let name = lines[i].trim();
        if !matches!(name, "go" | "gofmt" | "cd") {
            i += 1;
            continue;
        }
        let file = lines.get(i + 1).map(|s| s.trim()).unwrap_or("n/a");
        let line = lines.get(i + 3).and_then(|s| s.trim().parse().ok());
        let shipped = file.starts_with("/usr/share/fish") || file.starts_with("/usr/local/share/fish");
        if file != "n/a" && !shipped {
            let path = (file.starts_with('/')).then(|| PathBuf::from(file));
            out.push(definition(name, false, path, line, &format!("{name}: {file}")));
        }
        i += 1;
    }
    out
}

/// Without an answer from the shell (not installed, timed out), what its startup files define.
fn scanned_definitions(facts: &Facts, shell: StartupShell) -> Vec<Definition> {
    let mut out = Vec::new();
    for s in facts.startup.iter().filter(|s| s.file.shell == shell) {
        for construct in &s.constructs {
            let (name, alias) = match &construct.kind {
                Kind::Function { name } => (name, false),
                Kind::Alias { name } => (name, true),
                _ => continue,
            };
            let mut d = definition(name, alias, Some(s.file.path.clone()), Some(construct.line), &construct.text);
            d.shell = shell;
            out.push(d);
        }
    }
    out
}

fn definition_finding(facts: &Facts, d: Definition) -> Finding {
    let (id, severity) = match (d.name.as_str(), d.alias) {
        ("go", false) => ("shell.go-function", Severity::Error),
        ("gofmt", false) => ("shell.gofmt-function", Severity::Error),
        ("cd", false) => ("shell.cd-function", Severity::Warning),
        ("go", true) => ("shell.go-alias", Severity::Error),
        ("gofmt", true) => ("shell.gofmt-alias", Severity::Error),
        _ => ("shell.cd-alias", Severity::Warning),
    };
    let what = if d.alias { "an alias" } else { "a function" };
    let mut finding = Finding::new(
        id,
        severity,
        Category::Goroot,
        if d.name == "cd" {
            format!(
                "{} has {what} named `cd` that does more than change directory (gvm's switches Go versions)",
                d.shell.name()
            )
        } else {
            format!("{} has {what} named `{}`, which shadows every {} on PATH", d.shell.name(), d.name, d.name)
        },
    )
    .evidence(Evidence::Command { command: format!("{} -ic …", d.shell.name()), output: d.said.clone() });
    let defined = defining_construct(facts, &d);
    match (&d.file, defined, evaluated_in(facts, &d)) {
        (Some(file), None, Some(eval)) => {
            // The shell names the file holding an eval, and a line of the evaluated text:
            // the evidence is the eval's line, which is in the file.
            finding = finding.evidence(Evidence::File {
                path: file.clone(),
                lines: Some(eval.lines),
                text: Some(format!("{} (the {what} `{}` is created by this line)", eval.text, d.name)),
            });
        }
        (Some(file), _, _) => {
            // Never a line the file does not have (an eval's text has its own numbering).
            let count = std::fs::read_to_string(file).map_or(0, |text| text.lines().count());
            let line = d.line.filter(|&l| l <= count).map(LineRange::line);
            finding = finding.evidence(Evidence::File { path: file.clone(), lines: line, text: None });
        }
        (None, _, _) => {}
    }
    finding.fix(definition_fix(facts, &d))
}

/// The function or alias construct in the startup files of the definition's shell that
/// defines it (at the line the shell named, when it named one).
fn defining_construct<'f>(facts: &'f Facts, d: &Definition) -> Option<(PathBuf, &'f super::startup::Construct)> {
    let files = facts.startup.iter().filter(|s| s.file.shell == d.shell);
    for s in files.filter(|s| d.file.as_ref().is_none_or(|f| f == &s.file.path)) {
        for construct in &s.constructs {
            let matches = match &construct.kind {
                Kind::Function { name } if !d.alias => {
                    name == &d.name && d.line.is_none_or(|l| construct.lines.contains(l))
                }
                Kind::Alias { name } if d.alias => name == &d.name,
                _ => false,
            };
            if matches {
                return Some((s.file.path.clone(), construct));
            }
        }
    }
    None
}

/// When the shell names a startup file that defines no such function itself, the line of
/// that file whose eval (or sourced script) created it: a manager's init line, else an
/// `eval` line.
fn evaluated_in<'f>(facts: &'f Facts, d: &Definition) -> Option<&'f super::startup::Construct> {
    let scanned = facts.scanned(d.file.as_ref()?)?;
    let inits = scanned.constructs.iter().filter(|c| matches!(c.kind, Kind::ManagerInit { .. }));
    inits
        .clone()
        .rfind(|c| c.text.contains("eval") || c.text.contains("activate"))
        .or_else(|| inits.clone().next_back())
}

/// Comment out the construct defining it, or the line that created it (an eval, a manager's
/// init line that loads the file it comes from: gvm's `cd` lives in ~/.gvm/scripts), in the
/// files of the shell that has it.
fn definition_fix(facts: &Facts, d: &Definition) -> Fix {
    if let Some((file, construct)) = defining_construct(facts, d) {
        return Fix::CommentOut { file, lines: construct.lines };
    }
    if let (Some(file), Some(eval)) = (&d.file, evaluated_in(facts, d)) {
        return Fix::CommentOut { file: file.clone(), lines: eval.lines };
    }
    if let Some((file, lines)) = d.file.as_ref().and_then(|file| facts.manager_init_line(file, Some(d.shell))) {
        return Fix::CommentOut { file, lines };
    }
    let place = match &d.file {
        Some(file) => format!("{} (its definition, or the eval or source line that makes it)", file.display()),
        None => startup_files(facts, d.shell),
    };
    Fix::Manual(format!(
        "remove what defines the {} `{}` in {place}; then start a new shell",
        if d.alias { "alias" } else { "function" },
        d.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cd_that_only_calls_the_builtin_is_harmless() {
        let alias = |said: &str| wraps_builtin_cd(&definition("cd", true, None, None, said), None);
        assert!(
            alias("alias cd='nocorrect cd'") && alias("cd is an alias for nocorrect cd") && alias("alias cd='cd -P'")
        );
        assert!(!alias("alias cd='z'") && !alias("alias cd='cd && . ./.env'"));
        let function =
            |body: &str| wraps_builtin_cd(&definition("cd", false, None, None, "cd 3 /h/.zshrc"), Some(body));
        assert!(function("cd () {\n\tbuiltin cd \"$@\"\n}"));
        assert!(function("cd () \n{ \n    OLDDIRS+=(\"$PWD\");\n    builtin cd \"$@\"\n}"));
        assert!(function("function cd\n    builtin cd $argv\nend"));
        // gvm's switches versions after changing directory; others call what they like after.
        assert!(!function("cd () {\n  if builtin cd \"$@\"; then\n    gvm use \"$(cat .go-version)\"\n  fi\n}"));
        assert!(!function("cd () {\n  builtin cd \"$@\" && autoenv_init\n  ls\n}"));
        assert!(!function("cd () {\n  export PATH=\"$PWD/bin:$PATH\"\n  builtin cd \"$@\"\n}"));
        assert!(!function("cd () {\n  __zsh_like_cd cd \"$@\"\n}"));
        assert!(function("cd () \n{ \n    builtin cd \"$@\" && ls\n}"));
        assert!(!function("cd () \n{ \n    builtin cd \"$@\" && source .env\n}"));
    }

    #[test]
    fn bash_answers() {
        let defs = parse_bash("go 12 /h/my rc/.bashrc\ncd 3 /h/.gvm/scripts/functions\nalias go='go1.21'\n");
        assert_eq!(
            defs[0],
            definition("go", false, Some("/h/my rc/.bashrc".into()), Some(12), "go 12 /h/my rc/.bashrc")
        );
        assert_eq!(defs[1].file, Some(PathBuf::from("/h/.gvm/scripts/functions")));
        assert!(defs[2].alias && defs[2].name == "go");
    }

    #[test]
    fn zsh_answers() {
        let defs = parse_zsh("go is a shell function from /h/.zshrc\ngofmt is /usr/bin/gofmt\ncd is a shell builtin\ngo is an alias for go1.21\n");
        assert_eq!(defs.len(), 2);
        assert_eq!(defs[0].file, Some(PathBuf::from("/h/.zshrc")));
        assert!(defs[1].alias);
    }

    #[test]
    fn fish_answers_skip_shipped_functions() {
        let defs = parse_fish("go\n/h/.config/fish/config.fish\nnot-autoloaded\n7\nscope-shadowing\n\ngofmt\nn/a\ncd\n/usr/share/fish/functions/cd.fish\nautoloaded\n1\n");
        assert_eq!(
            defs,
            vec![definition(
                "go",
                false,
                Some("/h/.config/fish/config.fish".into()),
                Some(7),
                "go: /h/.config/fish/config.fish"
            )]
        );
    }
}
