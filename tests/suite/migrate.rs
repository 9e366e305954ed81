//! Migrating from gvm, goenv, asdf, mise and g as their users would: each manager laid out
//! the way it lays itself out (its directories, its default, a tool `go install`ed under
//! it, its own pin file in a project), set up with the exact lines its README has users add
//! to their startup files, Go (real releases) installed through it; then gover installed
//! with `gover setup`, `gover import <manager>` and `gover doctor --fix --yes`. Afterwards a
//! new `bash -ic`, `bash -lc`, `zsh -ic` and `fish -c` must all run gover's shim, the pinned
//! version in the project, the manager's old default outside it, and the tool, with the
//! shims first on PATH and nothing on stderr; `--undo` is byte-exact; and once the manager
//! is removed as doctor advises, shells start cleanly and doctor finds nothing wrong.
//!
//! The managers' own scripts are small stand-ins with the effects of the real ones (PATH,
//! GOROOT, GOPATH/GOBIN, functions), written from their sources; mise is the real binary
//! from the npm registry.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{link_copy, real_go_tree, write_executable, Sandbox, BASE_PATH};
use serde_json::Value;

const PINNED: &str = "go1.22.10";
const DEFAULT: &str = "go1.21.13";
const TOOL: &str = "hello-tool";

/// One manager's set-up: what it put on disk and in which startup files.
struct Setup {
    manager: &'static str,
    /// Startup files (relative to HOME) and the lines the manager's README adds to them.
    rc: Vec<(&'static str, String)>,
    /// The project's pin file, in the manager's own format.
    pin: (&'static str, &'static str),
    /// What doctor says to remove once gover has taken over (relative to HOME).
    remove: Vec<&'static str>,
    /// The manager also serves another language (asdf with nodejs): its set-up stays, gover's
    /// hook runs after it, and that language's `node` keeps running.
    others: bool,
}

/// Plants a real Go release at `dest` (hard links).
fn plant_go(version: &str, dest: &Path) {
    link_copy(&real_go_tree(version), dest);
}

fn plant_tool(dir: &Path) {
    write_executable(&dir.join(TOOL), "#!/bin/sh\necho hello from tool\n");
}

/// gvm: trees in ~/.gvm/gos, a package set (GOPATH) per version whose bin gets tools, the
/// default environment `gvm use --default` writes, and the script the installer's line
/// sources (it exports that environment and overrides cd). gvm has no pin file and no fish
/// support: the project uses gover's .go-version.
fn gvm(sb: &Sandbox) -> Setup {
    let root = sb.home.join(".gvm");
    plant_go(DEFAULT, &root.join("gos").join(DEFAULT));
    plant_go(PINNED, &root.join("gos").join(PINNED));
    plant_tool(&root.join(format!("pkgsets/{DEFAULT}/global/bin")));
    let gvm_root = root.display();
    fs::create_dir_all(root.join("environments")).unwrap();
    fs::write(
        root.join("environments/default"),
        format!(
            "export GVM_ROOT; GVM_ROOT=\"{gvm_root}\"\nexport gvm_go_name; gvm_go_name=\"{DEFAULT}\"\n\
             export gvm_pkgset_name; gvm_pkgset_name=\"global\"\nexport GOROOT; GOROOT=\"$GVM_ROOT/gos/{DEFAULT}\"\n\
             export GOPATH; GOPATH=\"$GVM_ROOT/pkgsets/{DEFAULT}/global\"\n\
             export PATH; PATH=\"${{GVM_ROOT}}/pkgsets/{DEFAULT}/global/bin:${{GVM_ROOT}}/gos/{DEFAULT}/bin:${{GVM_ROOT}}/bin:${{PATH}}\"\n"
        ),
    )
    .unwrap();
    fs::create_dir_all(root.join("scripts")).unwrap();
    fs::write(
        root.join("scripts/gvm"),
        "export GVM_ROOT=\"$HOME/.gvm\"\ncd() { builtin cd \"$@\"; }\n. \"$GVM_ROOT/environments/default\"\n",
    )
    .unwrap();
    let line = "[[ -s \"$HOME/.gvm/scripts/gvm\" ]] && source \"$HOME/.gvm/scripts/gvm\"\n".to_string();
    Setup {
        manager: "gvm",
        rc: vec![(".bashrc", line.clone()), (".zshrc", line)],
        pin: (".go-version", "1.22.10\n"),
        remove: vec![".gvm"],
        others: false,
    }
}

/// goenv's `init -` as a stand-in prints it: its shims first on PATH, GOENV_ROOT, and (its
/// GOROOT/GOPATH management) GOROOT and GOPATH=~/go/<version> for the global version.
fn plant_goenv(sb: &Sandbox) -> PathBuf {
    let root = sb.home.join(".goenv");
    plant_go(DEFAULT, &root.join("versions/1.21.13"));
    plant_go(PINNED, &root.join("versions/1.22.10"));
    fs::write(root.join("version"), "1.21.13\n").unwrap();
    plant_tool(&sb.home.join("go/1.21.13/bin"));
    write_executable(
        &root.join("bin/goenv"),
        "#!/bin/sh\n[ \"$1\" = init ] || exit 0\nroot=${GOENV_ROOT:-$HOME/.goenv}\nv=$(cat \"$root/version\")\n\
         if [ \"$(cat /proc/$PPID/comm)\" = fish ]; then\n\
         echo \"set -gx GOENV_SHELL fish; set -gx PATH $root/shims \\$PATH; set -gx GOROOT $root/versions/$v; set -gx GOPATH $HOME/go/$v\"\n\
         else\n\
         echo \"export GOENV_SHELL=sh; export PATH=\\\"$root/shims:\\$PATH\\\"; export GOROOT=$root/versions/$v; export GOPATH=$HOME/go/$v\"\n\
         echo 'goenv() { command goenv \"$@\"; }'\nfi\n",
    );
    write_executable(
        &root.join("shims/go"),
        "#!/bin/sh\nroot=${GOENV_ROOT:-$HOME/.goenv}\nexec \"$root/versions/$(cat \"$root/version\")/bin/go\" \"$@\"\n",
    );
    root
}

/// goenv 2.x in bash, as its INSTALL.md has Ubuntu users add it to ~/.bashrc, with the two
/// optional lines its README shows for GOROOT/GOPATH management.
fn goenv2(sb: &Sandbox) -> Setup {
    plant_goenv(sb);
    let lines = "export GOENV_ROOT=\"$HOME/.goenv\"\nexport PATH=\"$GOENV_ROOT/bin:$PATH\"\neval \"$(goenv init -)\"\n\
                 export PATH=\"$GOROOT/bin:$PATH\"\nexport PATH=\"$PATH:$GOPATH/bin\"\n";
    Setup {
        manager: "goenv",
        rc: vec![(".bashrc", lines.into())],
        pin: (".go-version", "1.22.10\n"),
        remove: vec![".goenv"],
        others: false,
    }
}

/// goenv 3 (the Go rewrite): the Shell Setup section's lines for zsh and fish.
fn goenv3(sb: &Sandbox) -> Setup {
    plant_goenv(sb);
    Setup {
        manager: "goenv",
        rc: vec![
            (
                ".zshrc",
                "export GOENV_ROOT=\"$HOME/.goenv\"\nexport PATH=\"$GOENV_ROOT/bin:$PATH\"\neval \"$(goenv init -)\"\n"
                    .into(),
            ),
            (
                ".config/fish/config.fish",
                "set -Ux GOENV_ROOT $HOME/.goenv\nset -U fish_user_paths $GOENV_ROOT/bin $fish_user_paths\n\
                 status --is-interactive; and goenv init - | source\n"
                    .into(),
            ),
        ],
        pin: (".go-version", "1.22.10\n"),
        remove: vec![".goenv"],
        others: false,
    }
}

/// asdf with asdf-golang: trees in installs/golang/<v>/go, the golang plugin with its set-env
/// scripts (GOROOT, GOPATH=…/packages, GOBIN=…/bin of the current version; the zsh one as a
/// precmd hook), a go shim, the global ~/.tool-versions. `legacy` is 0.15 (asdf.sh), else
/// ≥ 0.16 (the shims PATH line).
fn asdf(sb: &Sandbox, legacy: bool) -> Setup {
    let data = sb.home.join(".asdf");
    plant_go(DEFAULT, &data.join("installs/golang/1.21.13/go"));
    plant_go(PINNED, &data.join("installs/golang/1.22.10/go"));
    plant_tool(&data.join("installs/golang/1.21.13/bin"));
    fs::write(sb.home.join(".tool-versions"), "golang 1.21.13\n").unwrap();
    write_executable(
        &data.join("shims/go"),
        "#!/usr/bin/env bash\n# asdf-plugin: golang 1.21.13\n# asdf-plugin: golang 1.22.10\n\
         exec \"$HOME/.asdf/installs/golang/1.21.13/go/bin/go\" \"$@\"\n",
    );
    let plugin = data.join("plugins/golang");
    let env =
        "GOROOT=\"$HOME/.asdf/installs/golang/1.21.13/go\"; GOPATH=\"$HOME/.asdf/installs/golang/1.21.13/packages\"; \
               GOBIN=\"$HOME/.asdf/installs/golang/1.21.13/bin\"";
    fs::create_dir_all(&plugin).unwrap();
    fs::write(
        plugin.join("set-env.bash"),
        format!("asdf_update_golang_env() {{\n  export {env}\n}}\nasdf_update_golang_env\n"),
    )
    .unwrap();
    fs::write(
        plugin.join("set-env.zsh"),
        format!("asdf_update_golang_env() {{\n  export {env}\n}}\nautoload -U add-zsh-hook\nadd-zsh-hook precmd asdf_update_golang_env\nasdf_update_golang_env\n"),
    )
    .unwrap();
    fs::write(
        plugin.join("set-env.fish"),
        "function asdf_update_golang_env --on-event fish_prompt\n  set -gx GOROOT $HOME/.asdf/installs/golang/1.21.13/go\n  \
         set -gx GOBIN $HOME/.asdf/installs/golang/1.21.13/bin\nend\nasdf_update_golang_env\n",
    )
    .unwrap();
    let (bash, zsh, fish) = if legacy {
        fs::write(
            data.join("asdf.sh"),
            "export ASDF_DIR=\"$HOME/.asdf\"\nexport PATH=\"${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$ASDF_DIR/bin:$PATH\"\n",
        )
        .unwrap();
        fs::write(data.join("asdf.fish"), "set -gx ASDF_DIR $HOME/.asdf\nset -gx PATH $HOME/.asdf/shims $PATH\n")
            .unwrap();
        fs::create_dir_all(data.join("completions")).unwrap();
        fs::write(data.join("completions/asdf.bash"), "complete -W 'install list' asdf\n").unwrap();
        (
            ". \"$HOME/.asdf/asdf.sh\"\n. \"$HOME/.asdf/completions/asdf.bash\"\n. ${ASDF_DATA_DIR:-$HOME/.asdf}/plugins/golang/set-env.bash\n",
            ". \"$HOME/.asdf/asdf.sh\"\nfpath=(${ASDF_DIR}/completions $fpath)\n. ${ASDF_DATA_DIR:-$HOME/.asdf}/plugins/golang/set-env.zsh\n",
            "source ~/.asdf/asdf.fish\n. ~/.asdf/plugins/golang/set-env.fish\n",
        )
    } else {
        (
            "export PATH=\"${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH\"\n. ${ASDF_DATA_DIR:-$HOME/.asdf}/plugins/golang/set-env.bash\n",
            "export PATH=\"${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH\"\n. ${ASDF_DATA_DIR:-$HOME/.asdf}/plugins/golang/set-env.zsh\n",
            "if test -z $ASDF_DATA_DIR\n    set _asdf_shims \"$HOME/.asdf/shims\"\nelse\n    set _asdf_shims \"$ASDF_DATA_DIR/shims\"\nend\n\
             if not contains $_asdf_shims $PATH\n    set -gx --prepend PATH $_asdf_shims\nend\nset --erase _asdf_shims\n\
             . ~/.asdf/plugins/golang/set-env.fish\n",
        )
    };
    Setup {
        manager: "asdf",
        rc: vec![(".bashrc", bash.into()), (".zshrc", zsh.into()), (".config/fish/config.fish", fish.into())],
        pin: (".tool-versions", "golang 1.22.10\n"),
        remove: vec![".asdf"],
        others: false,
    }
}

/// The real mise from the npm registry (`@jdxcode/mise-linux-x64` or `-arm64`), installed once
/// per checkout under target/test-tools; `None` (the skip recorded) when npm cannot provide it.
fn real_mise() -> Option<PathBuf> {
    let package = match std::env::consts::ARCH {
        "x86_64" => "@jdxcode/mise-linux-x64",
        "aarch64" => "@jdxcode/mise-linux-arm64",
        other => {
            common::skip(&format!("mise publishes no npm package for {other}"));
            return None;
        }
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/mise");
    let bin = dir.join("node_modules").join(package).join("bin/mise");
    if bin.is_file() {
        return Some(bin);
    }
    if !common::require("npm") {
        return None;
    }
    fs::create_dir_all(dir.parent().unwrap()).unwrap();
    let temp = tempfile::Builder::new().prefix(".mise-").tempdir_in(dir.parent().unwrap()).unwrap();
    let out = std::process::Command::new("npm")
        .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
        .arg(temp.path())
        .arg(package)
        .output()
        .unwrap();
    if !out.status.success() {
        common::skip(&format!("npm could not install {package}: {}", String::from_utf8_lossy(&out.stderr)));
        return None;
    }
    // Another test may have finished first; either copy will do.
    let _ = fs::rename(temp.path(), &dir);
    bin.is_file().then_some(bin)
}

/// mise: real binary at ~/.local/bin/mise (where its installer puts it), trees in
/// installs/go/<v> with bin/go at the top, tools beside go (mise sets GOBIN to the version's
/// bin), the global default in ~/.config/mise/config.toml. `shims` is shims mode.
fn mise(sb: &Sandbox, shims: bool) -> Option<Setup> {
    let real = real_mise()?;
    let mise = sb.home.join(".local/bin/mise");
    fs::create_dir_all(mise.parent().unwrap()).unwrap();
    fs::copy(&real, &mise).unwrap();
    let data = sb.home.join(".local/share/mise");
    plant_go(DEFAULT, &data.join("installs/go/1.21.13"));
    plant_go(PINNED, &data.join("installs/go/1.22.10"));
    plant_tool(&data.join("installs/go/1.21.13/bin"));
    fs::create_dir_all(sb.home.join(".config/mise")).unwrap();
    fs::write(sb.home.join(".config/mise/config.toml"), "[tools]\ngo = \"1.21.13\"\n").unwrap();
    let (bash, zsh, fish, pin) = if shims {
        // `mise reshim` makes each shim a link to mise itself.
        fs::create_dir_all(data.join("shims")).unwrap();
        for tool in ["go", "gofmt", TOOL] {
            std::os::unix::fs::symlink(&mise, data.join("shims").join(tool)).unwrap();
        }
        let line = "export PATH=\"$HOME/.local/share/mise/shims:$PATH\"\n";
        (line, line, "fish_add_path ~/.local/share/mise/shims\n", (".mise.toml", "[tools.go]\nversion = \"1.22.10\"\n"))
    } else {
        (
            "eval \"$(~/.local/bin/mise activate bash)\"\n",
            "eval \"$(~/.local/bin/mise activate zsh)\"\n",
            "~/.local/bin/mise activate fish | source\n",
            ("mise.toml", "[tools]\ngo = \"1.22.10\"\n"),
        )
    };
    Some(Setup {
        manager: "mise",
        rc: vec![(".bashrc", bash.into()), (".zshrc", zsh.into()), (".config/fish/config.fish", fish.into())],
        pin,
        remove: vec![".local/share/mise", ".local/bin/mise", ".config/mise"],
        others: false,
    })
}

/// voidint/g: trees in ~/.g/versions/<v>/go, ~/.g/go linking the one in use, the env file
/// its installer writes and the line it appends to .bashrc and .zshrc. g has no pin file and
/// no fish support.
fn g(sb: &Sandbox) -> Setup {
    let root = sb.home.join(".g");
    plant_go(DEFAULT, &root.join("versions/1.21.13/go"));
    plant_go(PINNED, &root.join("versions/1.22.10/go"));
    std::os::unix::fs::symlink(root.join("versions/1.21.13/go"), root.join("go")).unwrap();
    fs::write(
        root.join("env"),
        "#!/bin/sh\n# g shell setup\nexport GOROOT=\"${HOME}/.g/go\"\nexport PATH=\"${HOME}/.g/bin:${GOROOT}/bin:$PATH\"\n\
         export G_MIRROR=https://golang.google.cn/dl/\n",
    )
    .unwrap();
    // g leaves GOPATH alone: tools are in go's default ~/go/bin, which gover shares.
    plant_tool(&sb.home.join("go/bin"));
    let line = "[ -s \"${HOME}/.g/env\" ] && \\. \"${HOME}/.g/env\"  # g shell setup\n".to_string();
    Setup {
        manager: "g",
        rc: vec![(".bashrc", line.clone()), (".zshrc", line)],
        pin: (".go-version", "1.22.10\n"),
        remove: vec![".g"],
        others: false,
    }
}

/// Debian's ~/.profile: login bash reads .bashrc through it.
const PROFILE: &str = "# ~/.profile\nif [ -n \"$BASH_VERSION\" ]; then\n    if [ -f \"$HOME/.bashrc\" ]; then\n\
                       . \"$HOME/.bashrc\"\n    fi\nfi\nif [ -d \"$HOME/bin\" ] ; then\n    PATH=\"$HOME/bin:$PATH\"\nfi\n";

struct Migration {
    sb: Sandbox,
    setup: Setup,
    project: PathBuf,
    outside: PathBuf,
}

impl Migration {
    /// The user's machine before gover: the manager's files and lines, then gover installed
    /// the way install.sh does it.
    fn new(make: impl FnOnce(&Sandbox) -> Option<Setup>) -> Option<Migration> {
        for shell in ["zsh", "fish"] {
            if !common::require(shell) {
                return None;
            }
        }
        let sb = Sandbox::new();
        let setup = make(&sb)?;
        fs::write(
            sb.home.join(".bashrc"),
            "# ~/.bashrc\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\nHISTSIZE=1000\n",
        )
        .unwrap();
        fs::write(sb.home.join(".profile"), PROFILE).unwrap();
        for (file, lines) in &setup.rc {
            let path = sb.home.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            let mut text = fs::read_to_string(&path).unwrap_or_default();
            text.push_str(lines);
            fs::write(&path, text).unwrap();
        }
        let project = sb.work.join("project");
        fs::create_dir_all(&project).unwrap();
        fs::write(project.join(setup.pin.0), setup.pin.1).unwrap();
        if setup.manager == "mise" {
            // The user ran mise in the project before, so trusted its config, which mise's
            // shims refuse to read otherwise.
            let trust = sb
                .startup_shell(&sb.home.join(".local/bin/mise").display().to_string())
                .args(["trust", "--quiet"])
                .arg(project.join(setup.pin.0))
                .output()
                .unwrap();
            assert!(trust.status.success(), "mise trust: {}", String::from_utf8_lossy(&trust.stderr));
        }
        let outside = sb.root().join("outside");
        fs::create_dir_all(&outside).unwrap();
        sb.gover().arg("setup").assert().success();
        Some(Migration { sb, setup, project, outside })
    }

    fn doctor(&self, args: &[&str]) -> std::process::Output {
        self.sb.doctor(args).output().unwrap()
    }

    fn findings(&self) -> Vec<Value> {
        let out = self.doctor(&["--json"]);
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        json["findings"].as_array().unwrap().clone()
    }

    /// The findings of `gover doctor` typed in a new interactive `shell` (with `env` besides),
    /// whose PATH it inherits; `; true` makes the shell fork for it, as at a prompt, instead
    /// of replacing itself.
    fn findings_at_prompt(&self, shell: &str, env: &[(&str, &str)]) -> Vec<Value> {
        let root = self.sb.root();
        let out = self
            .sb
            .startup_shell(shell)
            .envs(env.iter().copied())
            .args(["-ic", "gover doctor --json; true"])
            .env("GOVER_ALTERNATIVES_ADMIN_DIR", root.join("alternatives/admin"))
            .env("GOVER_ALTERNATIVES_DIR", root.join("alternatives/links"))
            .env("GOVER_DOCTOR_CRONTAB", root.join("crontab"))
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
        });
        json["findings"].as_array().unwrap().clone()
    }

    /// The startup files and mise's settings, for byte-exact comparisons.
    fn rc_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<PathBuf> =
            [".bashrc", ".profile", ".zshrc", ".zshenv", ".config/fish/config.fish", ".config/mise/config.toml"]
                .iter()
                .map(|f| self.sb.home.join(f))
                .filter(|p| p.exists())
                .collect();
        files.sort();
        files.into_iter().map(|p| (p.clone(), fs::read(&p).unwrap())).collect()
    }

    /// Runs the same checks in each new shell the user may open; returns what each printed.
    fn check_shells(&self, when: &str) {
        // gvm and g have no fish support: their fish users get gover's conf.d hook alone.
        let shells = [("bash", "-ic"), ("bash", "-lc"), ("zsh", "-ic"), ("fish", "-c")];
        let (project, outside) = (self.project.display(), self.outside.display());
        let versions = self.sb.gover_home.join("versions");
        for (shell, flag) in shells {
            // Below Debian's guard in .bashrc, asdf's line never ran in a login bash -c.
            let others = self.setup.others && flag != "-lc";
            let node = if others { "; node" } else { "" };
            let script = if shell == "fish" {
                format!(
                    "echo go=(command -v go); echo path=(string join : $PATH); cd '{project}'; and go version; and go env GOROOT; \
                     cd '{outside}'; and go version; {TOOL}{node}"
                )
            } else {
                format!(
                    "echo go=$(command -v go); echo path=$PATH; cd '{project}' && go version && go env GOROOT; \
                     cd '{outside}' && go version; {TOOL}{node}"
                )
            };
            let out = self.sb.startup_shell(shell).args([flag, &script]).output().unwrap();
            let what = format!("{} {when}, `{shell} {flag}`", self.setup.manager);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr: Vec<&str> = std::str::from_utf8(&out.stderr)
                .unwrap()
                .lines()
                // bash -i without a terminal says so; that is not the start-up's doing.
                .filter(|l| {
                    !l.starts_with("bash: cannot set terminal process group")
                        && *l != "bash: no job control in this shell"
                })
                .collect();
            assert!(stderr.is_empty(), "{what}: stderr {stderr:?}\nstdout {stdout}");
            let lines: Vec<&str> = stdout.lines().collect();
            assert_eq!(lines.len(), if others { 7 } else { 6 }, "{what}: {stdout}");
            if others {
                assert_eq!(lines[6], "node v20.11.0", "{what}: the other language still runs");
            }
            assert_eq!(lines[0], format!("go={}", self.sb.shims_dir().join("go").display()), "{what}");
            self.check_path(lines[1].strip_prefix("path=").unwrap(), &what);
            assert_eq!(lines[2], format!("go version {PINNED} linux/amd64"), "{what}: the project's own pin");
            assert_eq!(lines[3], versions.join(PINNED).display().to_string(), "{what}");
            assert_eq!(lines[4], format!("go version {DEFAULT} linux/amd64"), "{what}: the manager's default");
            assert_eq!(lines[5], "hello from tool", "{what}");
        }
    }

    /// The same in each shell as the user has it, at a real prompt in a terminal (tmux): a
    /// manager's hooks run at each `cd` and before each prompt (zsh's chpwd and precmd, fish's
    /// PWD and prompt events, bash's PROMPT_COMMAND), which `-ic` runs only in part. After a
    /// `cd` into the project and one more prompt, `go` is gover's shim running the pin, and
    /// the manager's other language still runs; back outside, the old default.
    fn check_prompts(&self, when: &str) {
        if !common::require("tmux") {
            return;
        }
        let (project, outside) = (self.project.display(), self.outside.display());
        // Without stdin, so that a node the manager no longer serves (a system one) cannot
        // wait at its prompt.
        let node = if self.setup.others { "node < /dev/null >> $out 2>&1; " } else { "" };
        for shell in ["bash", "zsh", "fish"] {
            let what = format!("{} {when}, a {shell} prompt", self.setup.manager);
            let out = self.sb.root().join(format!("prompt-{shell}.txt"));
            let socket = self.sb.root().join(format!("tmux-{shell}"));
            let tmux = |args: &[&str]| {
                let out = std::process::Command::new("tmux").arg("-S").arg(&socket).args(args).output().unwrap();
                assert!(out.status.success(), "{what}: tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
                String::from_utf8_lossy(&out.stdout).into_owned()
            };
            let (home, work) = (self.sb.home.display().to_string(), self.sb.work.display().to_string());
            let env =
                ["env", "-i", &format!("HOME={home}"), &format!("PATH={BASE_PATH}"), "TERM=screen", "LANG=C.UTF-8"];
            let mut start = vec!["-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", "-c", &work];
            start.extend(env);
            start.extend([shell, "-i"]);
            tmux(&start);
            let out_var =
                if shell == "fish" { format!("set out {}", out.display()) } else { format!("out={}", out.display()) };
            // `cd` and go on one line (the manager's `cd` hooks have just run), then after a
            // new prompt (its prompt hooks too).
            let go = "command -v go >> $out; go version >> $out 2>&1";
            for keys in [
                out_var.as_str(),
                &format!("cd '{project}'; {go}"),
                "",
                &format!("{go}; {node}cd '{outside}'; go version >> $out 2>&1; echo end >> $out"),
            ] {
                tmux(&["send-keys", "-t", "0", "-l", keys]);
                tmux(&["send-keys", "-t", "0", "Enter"]);
            }
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            let said = loop {
                let said = fs::read_to_string(&out).unwrap_or_default();
                if said.ends_with("end\n") || std::time::Instant::now() > deadline {
                    break said;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            };
            let screen = tmux(&["capture-pane", "-p", "-t", "0"]);
            tmux(&["kill-server"]);
            let in_project =
                [self.sb.shims_dir().join("go").display().to_string(), format!("go version {PINNED} linux/amd64")];
            let mut expected = [in_project.clone(), in_project].concat();
            if self.setup.others {
                expected.push("node v20.11.0".into());
            }
            expected.extend([format!("go version {DEFAULT} linux/amd64"), "end".into()]);
            assert_eq!(said.lines().collect::<Vec<_>>(), expected, "{what}; the terminal showed:\n{screen}");
        }
    }

    /// The shims first (after a manager that stays, no go before them); the system's entries
    /// in their order; nothing of the old manager.
    fn check_path(&self, path: &str, what: &str) {
        let entries: Vec<&str> = path.split(':').collect();
        let shims = self.sb.shims_dir().display().to_string();
        let before = entries.iter().position(|e| *e == shims).unwrap_or_else(|| panic!("{what}: no shims in {path}"));
        if self.setup.others {
            let go = entries[..before].iter().find(|e| Path::new(e).join("go").exists());
            assert_eq!(go, None, "{what}: a go before gover's shims: {path}");
        } else {
            assert_eq!(before, 0, "{what}: {path}");
        }
        let base: Vec<&str> = BASE_PATH.split(':').collect();
        let kept: Vec<&str> = entries.iter().copied().filter(|e| base.contains(e)).collect();
        let mut expected = base.clone();
        expected.dedup();
        assert_eq!(
            kept.iter().fold(Vec::new(), |mut v, e| {
                if !v.contains(e) {
                    v.push(*e)
                }
                v
            }),
            expected,
            "{what}: {path}"
        );
        for dir in [".gvm", ".goenv", ".asdf", ".local/share/mise", ".g/"] {
            // A manager serving other languages keeps its directories on PATH, all but Go's.
            let dir = match dir {
                ".asdf" if self.setup.others => ".asdf/installs/golang",
                ".local/share/mise" if self.setup.others => ".local/share/mise/installs/go",
                _ => dir,
            };
            let dir = self.sb.home.join(dir).display().to_string();
            assert!(!entries.iter().any(|e| e.starts_with(&dir)), "{what}: {dir} is still on PATH: {path}");
        }
    }

    /// Every file:line doctor cites is in the file, and says what doctor quotes.
    fn check_evidence(&self, findings: &[Value]) {
        for f in findings {
            for e in f["evidence"].as_array().unwrap() {
                let (Some(path), Some(start)) = (e["path"].as_str(), e["lines"]["start"].as_u64()) else { continue };
                let Ok(text) = fs::read_to_string(path) else { continue };
                let lines: Vec<&str> = text.lines().collect();
                let end = e["lines"]["end"].as_u64().unwrap() as usize;
                assert!(end <= lines.len(), "{}: cites {path}:{start}-{end}, which has {} lines", f["id"], lines.len());
                if let Some(quoted) = e["text"].as_str() {
                    let cited = lines[start as usize - 1..end].join(" ");
                    let first = quoted.split(" (the ").next().unwrap();
                    let first_word = first.split_whitespace().next().unwrap_or("");
                    assert!(cited.contains(first_word), "{}: {path}:{start} is {cited:?}, not {quoted:?}", f["id"]);
                }
            }
        }
    }

    fn run(self) {
        let m = self.setup.manager;
        // doctor on the setup as it is names the manager, with evidence in the files.
        let before = self.findings();
        self.check_evidence(&before);
        let titles: Vec<&str> = before.iter().map(|f| f["title"].as_str().unwrap()).collect();
        assert!(
            before.iter().any(|f| f["id"] == "managers.init-line" && {
                let title = f["title"].as_str().unwrap();
                title.contains(&format!("sets up {m}")) || title.starts_with(&format!("{m} stays set up"))
            }),
            "{m}: {titles:?}"
        );
        assert!(before
            .iter()
            .any(|f| f["id"] == "managers.remnant" && f["fix"]["command"] == format!("gover import {m}")));
        // Tools under the manager's own directories are named (g's are in ~/go/bin already).
        let tools = before.iter().find(|f| f["id"] == "managers.tools");
        if m != "g" {
            assert!(tools.is_some_and(|f| f["title"].as_str().unwrap().contains(TOOL)), "{m}: {titles:?}");
        }

        let out = self.sb.gover().args(["import", m]).output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{m}: {said}{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            said.contains(&format!("imported {DEFAULT} from {m}"))
                && said.contains(&format!("imported {PINNED} from {m}")),
            "{said}"
        );
        assert!(said.contains(&format!("set the global default to {DEFAULT} ({m}'s default)")), "{said}");
        let tool_was_shared = self.sb.home.join("go/bin").join(TOOL).exists() && !said.contains("carried");
        assert!(said.contains(&format!("carried the tool {m}")) || tool_was_shared, "{said}");
        // Nothing left to import, so no advice to.
        let listed = self.sb.gover().arg("import").output().unwrap();
        assert!(!String::from_utf8_lossy(&listed.stderr).contains("gover import <manager>"));
        // Hints name what is installed rather than a download.
        let again = self.sb.gover().arg("setup").output().unwrap();
        let again = String::from_utf8_lossy(&again.stdout);
        assert!(again.contains("\n  go version\n") && !again.contains("install latest"), "{again}");
        let imported = self.findings();
        let remnant = imported.iter().find(|f| f["id"] == "managers.remnant").unwrap();
        assert_eq!(remnant["fix"]["kind"], "manual", "{m}: imported already, so how to remove it: {remnant}");
        assert!(!imported.iter().any(|f| f["id"] == "managers.tools"), "{m}: the tools are carried over");

        let original = self.rc_files();
        let out = self.doctor(&["--fix", "--yes"]);
        let fixed = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{m}: {fixed}{}", String::from_utf8_lossy(&out.stderr));
        assert!(fixed.contains("open a new shell"), "{fixed}");
        // The manager's own files (g's ~/.g/env, gvm's scripts) are its; the user's lines go.
        for changed in fixed.lines().filter_map(|l| l.strip_prefix("changed ")) {
            for dir in &self.setup.remove {
                assert!(!Path::new(changed).starts_with(self.sb.home.join(dir)), "{m}: --fix edited {changed}");
            }
        }
        assert!(!fixed.contains("find where GOROOT is set"), "{fixed}");
        self.check_shells("after doctor --fix");

        // --undo puts every file back byte for byte; a second --fix does the same again.
        let fixed_files = self.rc_files();
        // The fix only comments out (or moves) lines the user had: it adds none of its own.
        for ((path, before), (_, after)) in original.iter().zip(&fixed_files) {
            let before = String::from_utf8_lossy(before);
            for line in String::from_utf8_lossy(after).lines() {
                let kept = line.strip_prefix("# gover-disabled: ").unwrap_or(line);
                // gover's hook, moved or added after a manager line that stays.
                let hook = self.setup.others && line.contains("# added by gover");
                // mise keeps serving node with Go turned off in its own settings.
                let setting = self.setup.others && ["", "[settings]", "disable_tools = [\"go\"]"].contains(&line);
                assert!(
                    hook || setting || before.lines().any(|l| l == kept),
                    "{m}: --fix added {line:?} to {}",
                    path.display()
                );
            }
        }
        assert!(self.doctor(&["--undo"]).status.success());
        assert_eq!(self.rc_files(), original, "{m}: --undo is byte-exact");
        assert!(self.doctor(&["--fix", "--yes"]).status.success());
        assert_eq!(self.rc_files(), fixed_files, "{m}: --fix again");
        // After the undo checks: an interactive fish rewrites its universal variables, which
        // a fix may have edited.
        self.check_prompts("after doctor --fix");

        // The old manager removed as doctor advises: shells start cleanly, nothing is wrong.
        for dir in &self.setup.remove {
            let path = self.sb.home.join(dir);
            if path.is_dir() {
                fs::remove_dir_all(&path).unwrap();
            } else {
                fs::remove_file(&path).unwrap();
            }
        }
        self.check_shells("with the manager removed");
        // doctor as the user runs it: from a new shell, whose PATH has the shared GOBIN.
        let after = self.findings_at_prompt("bash", &[]);
        let wrong: Vec<&Value> = after.iter().filter(|f| f["severity"] != "info").collect();
        assert!(wrong.is_empty(), "{m}: {wrong:#?}");
    }
}

#[test]
fn from_gvm() {
    if let Some(m) = Migration::new(|sb| Some(gvm(sb))) {
        m.run();
    }
}

#[test]
fn from_goenv_2_in_bash() {
    if let Some(m) = Migration::new(|sb| Some(goenv2(sb))) {
        m.run();
    }
}

#[test]
fn from_goenv_3_in_zsh_and_fish() {
    if let Some(m) = Migration::new(|sb| Some(goenv3(sb))) {
        m.run();
    }
}

#[test]
fn from_asdf_0_15_with_asdf_golang() {
    if let Some(m) = Migration::new(|sb| Some(asdf(sb, true))) {
        m.run();
    }
}

#[test]
fn from_asdf_0_16_with_asdf_golang() {
    if let Some(m) = Migration::new(|sb| Some(asdf(sb, false))) {
        m.run();
    }
}

#[test]
fn from_asdf_serving_other_languages() {
    if let Some(m) = Migration::new(|sb| {
        let mut setup = asdf(sb, true);
        let data = sb.home.join(".asdf");
        fs::create_dir_all(data.join("plugins/nodejs")).unwrap();
        write_executable(&data.join("installs/nodejs/20.11.0/bin/node"), "#!/bin/sh\necho node v20.11.0\n");
        write_executable(
            &data.join("shims/node"),
            "#!/bin/sh\nexec \"$HOME/.asdf/installs/nodejs/20.11.0/bin/node\" \"$@\"\n",
        );
        // `asdf plugin remove golang`, which doctor advises when asdf serves more than Go.
        setup.remove = vec![".asdf/plugins/golang", ".asdf/installs/golang", ".asdf/shims/go"];
        setup.others = true;
        Some(setup)
    }) {
        m.run();
    }
}

#[test]
fn from_mise_activate() {
    if let Some(m) = Migration::new(|sb| mise(sb, false)) {
        m.run();
    }
}

/// mise serving node as well: its activation stays for node, and its hooks (zsh's chpwd and
/// precmd, fish's PWD and prompt events, bash's PROMPT_COMMAND) run at every `cd` and
/// prompt, so only mise itself can stop putting its go first.
fn mise_with_node(sb: &Sandbox, shims: bool) -> Option<Setup> {
    let mut setup = mise(sb, shims)?;
    let data = sb.home.join(".local/share/mise");
    write_executable(&data.join("installs/node/20.11.0/bin/node"), "#!/bin/sh\necho node v20.11.0\n");
    fs::write(sb.home.join(".config/mise/config.toml"), "[tools]\ngo = \"1.21.13\"\nnode = \"20.11.0\"\n").unwrap();
    // `mise uninstall --all go`, which doctor advises when mise serves more than Go (it
    // removes the go shims too).
    setup.remove = vec![".local/share/mise/installs/go"];
    if shims {
        std::os::unix::fs::symlink(sb.home.join(".local/bin/mise"), data.join("shims/node")).unwrap();
        setup.remove.extend([".local/share/mise/shims/go", ".local/share/mise/shims/gofmt"]);
    }
    setup.others = true;
    Some(setup)
}

#[test]
fn from_mise_serving_other_languages() {
    if let Some(m) = Migration::new(|sb| mise_with_node(sb, false)) {
        m.run();
    }
}

#[test]
fn from_mise_shims_mode_serving_other_languages() {
    if let Some(m) = Migration::new(|sb| mise_with_node(sb, true)) {
        m.run();
    }
}

#[test]
fn from_mise_shims_mode() {
    if let Some(m) = Migration::new(|sb| mise(sb, true)) {
        m.run();
    }
}

/// `gover doctor` typed at a zsh prompt, by a user whose login shell is bash: what it sees is
/// zsh's PATH and GOROOT, so the lines it blames are zsh's.
#[test]
fn doctor_started_from_zsh_blames_zsh_lines() {
    let Some(m) = Migration::new(|sb| mise(sb, false)) else { return };
    let findings = m.findings_at_prompt("zsh", &[("SHELL", "/bin/bash")]);
    let zshrc = m.sb.home.join(".zshrc").display().to_string();
    for id in ["path.system-go-first", "goroot.exported"] {
        let f = findings.iter().find(|f| f["id"] == id).unwrap_or_else(|| panic!("no {id}: {findings:#?}"));
        assert_eq!(f["fix"]["file"], zshrc.as_str(), "{id}: {f:#}");
    }
}

#[test]
fn from_g() {
    if let Some(m) = Migration::new(|sb| Some(g(sb))) {
        m.run();
    }
}
