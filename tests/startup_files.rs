//! Real-world startup files (tests/fixtures/startup: oh-my-zsh's template, prezto's runcoms,
//! bash-it's template, Debian's skeleton), each read with its own shell's rules: after
//! `gover setup`, doctor finds nothing in them; with the Go lines users add, `gover doctor
//! --fix` disables exactly those lines and leaves every file valid for `bash -n` / `zsh -n`;
//! `--undo` puts back every byte.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{write_executable, Sandbox};

/// Each framework's files: the fixture, and where in HOME it goes.
const SETS: [(&str, &[(&str, &str)]); 4] = [
    ("oh-my-zsh", &[("ohmyzsh.zshrc", ".zshrc")]),
    (
        "prezto",
        &[
            ("prezto.zshenv", ".zshenv"),
            ("prezto.zprofile", ".zprofile"),
            ("prezto.zshrc", ".zshrc"),
            ("prezto.zlogin", ".zlogin"),
            ("prezto.zlogout", ".zlogout"),
        ],
    ),
    ("bash-it", &[("bash-it.bashrc", ".bashrc")]),
    ("debian", &[("debian.bashrc", ".bashrc"), ("debian.profile", ".profile"), ("debian.bash_logout", ".bash_logout")]),
];

fn fixture(name: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/startup").join(name)).unwrap()
}

fn is_zsh(home_name: &str) -> bool {
    home_name.starts_with(".z")
}

/// `bash -n` or `zsh -n` on `file`, by its name; None when that shell is missing (skipped).
fn syntax_error(file: &Path) -> Option<String> {
    let shell = if is_zsh(&file.file_name().unwrap().to_string_lossy()) { "zsh" } else { "bash" };
    if !common::require(shell) {
        return None;
    }
    let out = std::process::Command::new(shell).arg("-n").arg(file).output().unwrap();
    (!out.status.success()).then(|| format!("{shell} -n {}: {}", file.display(), String::from_utf8_lossy(&out.stderr)))
}

/// A sandbox with a version installed and the shims first on PATH, as after a real set-up.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.install_shims();
    sb.fake_version("go1.22.10");
    fs::write(sb.gover_home.join("global"), "1.22.10\n").unwrap();
    sb
}

fn plant(sb: &Sandbox, files: &[(&str, &str)], edit: impl Fn(&str, String) -> String) -> Vec<(PathBuf, String)> {
    files
        .iter()
        .map(|(name, home_name)| {
            let path = sb.home.join(home_name);
            let content = edit(home_name, fixture(name));
            fs::write(&path, &content).unwrap();
            (path, content)
        })
        .collect()
}

fn doctor_json(sb: &Sandbox) -> serde_json::Value {
    let out = sb.doctor(&["--json"]).env("SHELL", "/bin/bash").output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn doctor_finds_nothing_in_real_startup_files_set_up_by_gover() {
    for (set, files) in SETS {
        let sb = sandbox();
        let planted = plant(&sb, files, |_, text| text);
        sb.gover().arg("setup").assert().success();
        let findings = doctor_json(&sb)["findings"].clone();
        for (path, _) in &planted {
            let shown = path.display().to_string();
            let about: Vec<&serde_json::Value> =
                findings.as_array().unwrap().iter().filter(|f| f.to_string().contains(&shown)).collect();
            assert!(about.is_empty(), "{set}: doctor reports {shown}: {about:#?}");
            if let Some(error) = syntax_error(path) {
                panic!("{set}: after gover setup: {error}");
            }
        }
    }
}

/// The Go lines users add: a GOROOT export inside the file's first `then` block (or at the
/// top), and at the end another Go first on PATH and, in the interactive file, a `go`
/// function in the file's own style (zsh's closes with a `}` on the same line, no `;`).
fn add_go_lines(home_name: &str, text: String, sdk: &Path) -> String {
    if home_name.ends_with("logout") {
        // Runs as the session ends: nothing in it can affect a go.
        return text;
    }
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let then = |l: &String| !l.trim_start().starts_with('#') && l.trim_end().ends_with("then");
    let at = lines.iter().position(then).map_or(0, |i| i + 1);
    lines.insert(at, "  export GOROOT=/usr/lib/go-1.19".into());
    lines.push(format!("export PATH={}:$PATH", sdk.display()));
    if [".zshrc", ".bashrc"].contains(&home_name) {
        lines.push(if is_zsh(home_name) { "go() { command go \"$@\" }" } else { "go() { command go \"$@\"; }" }.into());
    }
    lines.join("\n") + "\n"
}

#[test]
fn fix_disables_only_the_go_lines_keeps_each_file_valid_and_undo_restores_every_byte() {
    for (set, files) in SETS {
        let sb = sandbox();
        let sdk = sb.home.join("sdk/go1.19/bin");
        write_executable(&sdk.join("go"), "#!/bin/sh\necho go version go1.19 linux/amd64\n");
        let planted = plant(&sb, files, |home_name, text| add_go_lines(home_name, text, &sdk));
        // The hook first, as install.sh puts it: the PATH line below it is then what breaks it.
        sb.gover().arg("setup").assert().success();
        let planted: Vec<(PathBuf, String)> =
            planted.into_iter().map(|(path, _)| (path.clone(), fs::read_to_string(&path).unwrap())).collect();
        let fixed = sb.doctor(&["--fix", "--yes"]).env("SHELL", "/bin/bash").output().unwrap();
        let log = String::from_utf8_lossy(&fixed.stdout).into_owned() + &String::from_utf8_lossy(&fixed.stderr);
        for (path, before) in &planted {
            let after = fs::read_to_string(path).unwrap();
            if let Some(error) = syntax_error(path) {
                panic!("{set}: after --fix: {error}\n{after}");
            }
            let lines: Vec<&str> = before.lines().collect();
            for (i, (old, new)) in lines.iter().zip(after.lines()).enumerate() {
                // A PATH line above the hook (setup appends it to .zshenv) is harmless: the hook
                // puts the shims in front again.
                let above_hook = lines[i..].iter().any(|l| l.contains("# added by gover"));
                let ours = old.contains("GOROOT=/usr/lib/go-1.19")
                    || (old.contains(&sdk.display().to_string()) && !above_hook)
                    || old.starts_with("go() {");
                if ours {
                    assert_eq!(new, format!("# gover-disabled: {old}"), "{set}: {}\n{log}", path.display());
                } else {
                    assert_eq!(new, *old, "{set}: a line of the framework's own changed in {}", path.display());
                }
            }
        }
        sb.doctor(&["--undo"]).assert().success();
        for (path, before) in &planted {
            assert_eq!(&fs::read_to_string(path).unwrap(), before, "{set}: --undo of {}", path.display());
        }
    }
}

/// Popular set-ups with the files their startup files load, written in the constructs of
/// their own sources (tests/fixtures/startup/README.md): personal dotfiles that put asdf's
/// shims on PATH on a machine without asdf, prezto's `alias cd='nocorrect cd'`, oh-my-zsh's
/// directory aliases, a bash `cd` that lists after the builtin. None of it changes which go
/// runs, so doctor reports none of it, and `--fix` leaves every byte as it was.
const LOADED: [(&str, &[(&str, &str)]); 4] = [
    (
        "personal dotfiles",
        &[
            ("dotfiles.zshrc", ".zshrc"),
            ("dotfiles.path.zsh", ".zsh/configs/post/path.zsh"),
            ("dotfiles.function.zsh", ".zsh/functions/g"),
        ],
    ),
    (
        "prezto and its utility module",
        &[
            ("prezto.zshenv", ".zshenv"),
            ("prezto.zprofile", ".zprofile"),
            ("prezto.zshrc", ".zshrc"),
            ("prezto.init.zsh", ".zprezto/init.zsh"),
            ("prezto.utility.zsh", ".zprezto/modules/utility/init.zsh"),
        ],
    ),
    (
        "oh-my-zsh and its lib",
        &[
            ("ohmyzsh.zshrc", ".zshrc"),
            ("ohmyzsh.init.zsh", ".oh-my-zsh/oh-my-zsh.sh"),
            ("ohmyzsh.directories.zsh", ".oh-my-zsh/lib/directories.zsh"),
        ],
    ),
    ("bash-it and a listing cd", &[("bash-it.bashrc", ".bashrc"), ("bash-it.init.bash", ".bash_it/bash_it.sh")]),
];

#[test]
fn what_popular_set_ups_load_draws_no_false_finding_and_fix_leaves_it_alone() {
    for (set, files) in LOADED {
        let sb = sandbox();
        for (name, home_name) in files {
            let path = sb.home.join(home_name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, fixture(name)).unwrap();
        }
        sb.gover().arg("setup").assert().success();
        let before = common::snapshot(&sb.home);
        let findings = doctor_json(&sb)["findings"].as_array().unwrap().clone();
        let false_ones: Vec<&serde_json::Value> = findings
            .iter()
            .filter(|f| {
                ["shell.cd-alias", "shell.cd-function", "managers.init-line"].contains(&f["id"].as_str().unwrap())
                    || files
                        .iter()
                        .any(|(_, home_name)| f.to_string().contains(&*sb.home.join(home_name).to_string_lossy()))
            })
            .collect();
        assert!(false_ones.is_empty(), "{set}: {false_ones:#?}");
        sb.doctor(&["--fix", "--yes"]).env("SHELL", "/bin/bash").output().unwrap();
        let after = common::snapshot(&sb.home);
        for (name, home_name) in files {
            let path = sb.home.join(home_name);
            assert!(after[&path] == before[&path], "{set}: --fix changed {name} ({})", path.display());
        }
    }
}

/// A `cd` alias that does more than the builtin, defined in a framework's module (no startup
/// file names it): zsh's source trace finds the module, and the finding and its fix name it
/// and its line, not the startup files.
#[test]
fn a_cd_alias_in_a_framework_module_is_reported_with_the_module() {
    if !common::require("zsh") {
        return;
    }
    let sb = sandbox();
    let (_, files) = LOADED[1];
    for (name, home_name) in files {
        let path = sb.home.join(home_name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, fixture(name).replace("alias cd='nocorrect cd'", "alias cd='autoenv_cd'")).unwrap();
    }
    sb.gover().arg("setup").assert().success();
    let module = sb.home.join(".zprezto/modules/utility/init.zsh");
    let findings = doctor_json(&sb)["findings"].as_array().unwrap().clone();
    let f = findings.iter().find(|f| f["id"] == "shell.cd-alias").unwrap_or_else(|| panic!("{findings:#?}"));
    let file = f["evidence"].as_array().unwrap().iter().find(|e| e["kind"] == "file").unwrap();
    assert_eq!(file["path"], module.display().to_string(), "{f}");
    let line = fixture("prezto.utility.zsh").lines().position(|l| l.starts_with("alias cd=")).unwrap() + 1;
    assert_eq!(file["lines"]["start"], line, "{f}");
    let fix = f["fix"]["text"].as_str().unwrap();
    assert!(fix.contains(&module.display().to_string()) && !fix.contains(".zshenv"), "{fix}");
}
