//! Real-world startup files (tests/fixtures/startup: oh-my-zsh's template, prezto's runcoms,
//! bash-it's template, Debian's skeleton), each read with its own shell's rules: after
//! `gover setup`, doctor finds nothing in them; with the Go lines users add, `gover doctor
//! --fix` disables exactly those lines and leaves every file valid for `bash -n` / `zsh -n`;
//! `--undo` puts back every byte. And `gover setup` writes them safely: through a private
//! temporary file that follows no planted symlink, keeping each file's mode and owner.

use crate::common;

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

/// Every file `gover setup` writes in HOME (startup files, the systemd drop-in, the hooks) goes
/// through one private temporary file: created 0600 with O_EXCL|O_NOFOLLOW (never 0666, which
/// left a private .bashrc readable by everyone for a moment), flushed, given the old file's
/// mode, then renamed over it.
#[test]
fn setup_writes_through_a_private_temporary_file() {
    use std::os::unix::fs::PermissionsExt;
    if !common::require("strace") {
        return;
    }
    let sb = sandbox();
    let bashrc = sb.home.join(".bashrc");
    fs::write(&bashrc, "# mine\n").unwrap();
    fs::set_permissions(&bashrc, fs::Permissions::from_mode(0o600)).unwrap();
    let trace = "openat,open,creat,chmod,fchmod,fchmodat,fchown,fsync,rename,renameat,renameat2";
    let calls = common::rig::syscalls(&sb, trace, &sb.env(), &["setup", "--systemd"]);
    let home = sb.home.display().to_string();
    let created: Vec<&String> =
        calls.iter().filter(|l| l.contains("O_CREAT") && l.contains(&format!("\"{home}/"))).collect();
    assert!(!created.is_empty(), "nothing created in HOME:\n{}", calls.join("\n"));
    for line in &created {
        // A lock (GOVER_HOME/locks) holds nothing and is opened by every process taking it: no
        // O_EXCL there, but private and never through a symlink all the same.
        let exclusive = line.contains("O_EXCL") || line.contains("/locks/");
        assert!(
            exclusive && line.contains("O_NOFOLLOW") && line.contains(", 0600)"),
            "a file in HOME created otherwise than 0600 with O_EXCL|O_NOFOLLOW: {line}"
        );
    }
    // For .bashrc: the temporary file, flushed, set to 0600, then renamed over it.
    let temp = created
        .iter()
        .find_map(|l| l.split('"').nth(1).filter(|p| p.contains("/..bashrc.")))
        .unwrap_or_else(|| panic!("no temporary file for .bashrc:\n{}", calls.join("\n")));
    let at = |what: &dyn Fn(&str) -> bool| {
        calls.iter().position(|l| what(l)).unwrap_or_else(|| panic!("missing in:\n{}", calls.join("\n")))
    };
    let open = at(&|l| l.contains(&format!("\"{temp}\"")) && l.contains("O_CREAT"));
    let fsync = at(&|l| {
        l.starts_with(|c: char| c.is_ascii_digit()) && l.contains("fsync(") && l.contains(&format!("<{temp}>"))
    });
    let chmod = at(&|l| l.contains("fchmod(") && l.contains(&format!("<{temp}>")) && l.contains(", 0600)"));
    let rename = at(&|l| {
        l.contains("rename") && l.contains(&format!("\"{temp}\"")) && l.contains(&format!("\"{}\"", bashrc.display()))
    });
    assert!(
        open < chmod && chmod < fsync && fsync < rename,
        "open {open}, fchmod {chmod}, fsync {fsync}, rename {rename}:\n{}",
        calls.join("\n")
    );
    assert_eq!(fs::metadata(&bashrc).unwrap().permissions().mode() & 0o7777, 0o600);
    assert!(fs::read_to_string(&bashrc).unwrap().contains("gover"));
}

/// The temporary file's name is predictable (the file's name and the pid); a symlink planted
/// there is not followed: what it points at is untouched, and .bashrc stays a private file.
#[test]
fn setup_does_not_follow_a_symlink_planted_at_its_temporary_name() {
    use std::os::unix::fs::PermissionsExt;
    let sb = sandbox();
    let bashrc = sb.home.join(".bashrc");
    fs::write(&bashrc, "# mine\n").unwrap();
    fs::set_permissions(&bashrc, fs::Permissions::from_mode(0o600)).unwrap();
    let victim = sb.root().join("victim");
    fs::write(&victim, "untouched\n").unwrap();
    // `exec` keeps the shell's pid, so $$ is the pid gover runs with.
    let script = "ln -s \"$1\" \"$HOME/..bashrc.gover-$$\" && exec \"$2\" setup";
    let out = std::process::Command::new("sh")
        .args(["-c", script, "sh"])
        .arg(&victim)
        .arg(env!("CARGO_BIN_EXE_gover"))
        .env_clear()
        .envs(sb.env())
        .current_dir(&sb.work)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "untouched\n");
    let meta = fs::symlink_metadata(&bashrc).unwrap();
    assert!(meta.file_type().is_file(), "{} is no longer a file of its own", bashrc.display());
    assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
    assert!(fs::read_to_string(&bashrc).unwrap().contains("gover"));
}

/// `sudo gover setup` (root, writing a user's HOME) leaves the user's startup file theirs.
#[test]
fn setup_as_root_keeps_the_owner_of_a_users_startup_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        common::skip("writing a file of another user needs root");
        return;
    }
    let sb = sandbox();
    let bashrc = sb.home.join(".bashrc");
    fs::write(&bashrc, "# mine\n").unwrap();
    fs::set_permissions(&bashrc, fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&bashrc, Some(65534), Some(65534)).unwrap();
    sb.gover().arg("setup").assert().success();
    let meta = fs::metadata(&bashrc).unwrap();
    assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o7777), (65534, 65534, 0o600));
    assert!(fs::read_to_string(&bashrc).unwrap().contains("gover"));
}

/// Where each shell reads its files decides where setup writes the hook and where doctor looks
/// for it; the two must agree, and a real shell started as a new login or terminal would be
/// must find the shims. zsh with `export ZDOTDIR=…` in ~/.zshenv (the usual way to move zsh's
/// files), run from a zsh that exported it: setup writes ~/.zshenv, which every new zsh reads
/// before it knows ZDOTDIR; doctor must read it there too, not only under $ZDOTDIR.
#[test]
fn setup_and_doctor_agree_on_where_each_shell_reads_the_hook() {
    struct Case {
        what: &'static str,
        shell: &'static str,
        files: &'static [(&'static str, &'static str)],
        /// The environment gover runs in, from a shell set up by these files (`~` is HOME).
        env: &'static [(&'static str, &'static str)],
        /// How the real shell is started, as a terminal or a login would (`~` is HOME).
        starts: &'static [&'static [&'static str]],
    }
    let cases = [
        Case {
            what: "zsh, ZDOTDIR set in ~/.zshenv",
            shell: "zsh",
            files: &[(".zshenv", "export ZDOTDIR=\"$HOME/.config/zsh\"\n"), (".config/zsh/.zshrc", "setopt nobeep\n")],
            env: &[("ZDOTDIR", "~/.config/zsh")],
            starts: &[&["-ic"], &["-lc"], &["-c"]],
        },
        Case {
            what: "zsh, ZDOTDIR from the environment",
            shell: "zsh",
            files: &[(".config/zsh/.zshrc", "setopt nobeep\n")],
            env: &[("ZDOTDIR", "~/.config/zsh")],
            starts: &[&["-ic"], &["-lc"]],
        },
        Case {
            what: "bash, a .bash_profile that does not source .bashrc",
            shell: "bash",
            files: &[(".bash_profile", "export EDITOR=vi\n"), (".bashrc", "HISTCONTROL=ignoreboth\n")],
            env: &[],
            starts: &[&["-ic"], &["-lc"]],
        },
        Case {
            what: "fish, XDG_CONFIG_HOME elsewhere",
            shell: "fish",
            files: &[("xdg/fish/config.fish", "set -g fish_greeting\n")],
            env: &[("XDG_CONFIG_HOME", "~/xdg")],
            starts: &[&["-c"], &["-lc"]],
        },
    ];
    for case in cases {
        if !common::require(case.shell) {
            continue;
        }
        let sb = sandbox();
        let home = sb.home.display().to_string();
        let env: Vec<(&str, String)> = case.env.iter().map(|(k, v)| (*k, v.replacen('~', &home, 1))).collect();
        for (name, content) in case.files {
            sb.write(&format!("home/{name}"), content);
        }
        let shell = format!("/usr/bin/{}", case.shell);
        sb.gover().arg("setup").env("SHELL", &shell).envs(env.clone()).assert().success();
        let out = sb.doctor(&["--json"]).env("SHELL", &shell).envs(env.clone()).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let missing: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"].as_str().is_some_and(|id| id.starts_with("path.hook-missing")))
            .collect();
        assert!(missing.is_empty(), "{}: after gover setup, doctor says the hook is missing: {missing:#?}", case.what);
        // The truth: a new shell, started without the variables a set-up shell exports (the
        // environment case keeps them: they came from outside the shell).
        for flags in case.starts {
            let mut cmd = sb.startup_shell(case.shell);
            if case.files.iter().all(|(name, _)| *name != ".zshenv") {
                cmd.envs(env.clone());
            }
            let out = cmd.args(*flags).arg("command -v go").output().unwrap();
            let found = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                found.trim(),
                sb.shims_dir().join("go").display().to_string(),
                "{}: {} {flags:?} does not find the shim: {}",
                case.what,
                case.shell,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// `ZDOTDIR=…` in ~/.zshenv without `export` (or doctor run from bash, which never sees it): a
/// new zsh reads ~/.zshenv, then the rest where it points, so doctor must read
/// `$ZDOTDIR/.zshrc` there, not ~/.zshrc, to see a line that puts another Go first.
#[test]
fn doctor_reads_zsh_files_where_a_zshenv_points_without_exporting() {
    if !common::require("zsh") {
        return;
    }
    let sb = sandbox();
    sb.write("home/.zshenv", "ZDOTDIR=${XDG_CONFIG_HOME:-$HOME/.config}/zsh\n");
    let other = sb.root().join("othergo/bin");
    write_executable(&other.join("go"), "#!/bin/sh\necho other go\n");
    let zshrc = sb.write("home/.config/zsh/.zshrc", &format!("export PATH=\"{}:$PATH\"\n", other.display()));
    sb.gover().arg("setup").env("SHELL", "/usr/bin/zsh").assert().success();
    // The truth: a new terminal's zsh runs the other go (until the hook's check at its first prompt).
    let out = sb.startup_shell("zsh").args(["-ic", "command -v go"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), other.join("go").display().to_string());
    let out = sb.doctor(&["--json"]).env("SHELL", "/usr/bin/zsh").output().unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "path.prepend-after-hook" && f.to_string().contains(&zshrc.display().to_string()));
    assert!(found, "doctor does not see {}: {report:#}", zshrc.display());
}
