//! A pinned version that is not installed, through the real shim: with GOVER_AUTO_INSTALL on
//! it is installed with a line saying which file asked and how to turn that off; unset, `go`
//! asks once on a terminal (in a real pseudo-terminal here) and never in a script.

use crate::common;

use common::rig::Rig;
use common::stderr;

/// Runs `argv` on a new pseudo-terminal (its stdin, stdout and stderr), types `typed` once the
/// question `[Y/n] ` appears, and passes on everything the terminal showed (typed text echoed
/// included, line ends as `\n`) and the exit code. Gives up after a minute: a prompt that
/// waits for more input than a line would hang the test.
const ON_A_TERMINAL: &str = r#"
import os, pty, signal, sys
typed, argv = sys.argv[1].encode(), sys.argv[2:]
signal.alarm(60)
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
shown, sent = b"", False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:  # EIO: every process on the terminal has closed it
        break
    if not chunk:
        break
    shown += chunk
    if not sent and b"[Y/n] " in shown:
        os.write(fd, typed)
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(shown.decode().replace("\r\n", "\n"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

struct Missing {
    rig: Rig,
}

impl Missing {
    /// go1.22.10 pinned in the work directory, published by the release server, not installed.
    fn new() -> Missing {
        let rig = Rig::serving(&["go1.22.10"]);
        rig.sb.install_shims();
        rig.sb.pin("1.22.10");
        Missing { rig }
    }

    /// The shims, then gover (which the shim runs to install), then the basic tools.
    fn env(&self) -> Vec<(String, String)> {
        let mut env = self.rig.env();
        let path =
            format!("{}:{}:{}", self.rig.sb.shims_dir().display(), common::bin_dir().display(), common::BASE_PATH);
        env.retain(|(name, _)| name != "PATH");
        env.push(("PATH".into(), path));
        env
    }

    /// `sh -c script` on a pseudo-terminal, typing `typed` at the question.
    fn on_a_terminal(&self, script: &str, typed: &str, extra: &[(&str, &str)]) -> (String, Option<i32>) {
        let out = assert_cmd::Command::new("python3")
            .env_clear()
            .envs(self.env())
            .envs(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .current_dir(&self.rig.sb.work)
            .args(["-c", ON_A_TERMINAL, typed, "sh", "-c", script])
            .output()
            .unwrap();
        assert!(out.stderr.is_empty(), "the terminal driver failed: {}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8(out.stdout).unwrap(), out.status.code())
    }

    fn pin_file(&self) -> std::path::PathBuf {
        self.rig.sb.work.join(".go-version")
    }

    /// What the shim says when it does not install: today's error and hint, nothing else.
    fn refusal(&self) -> String {
        format!(
            "error: go1.22.10 is not installed (requested by {})\nhelp: run gover install 1.22.10\n",
            self.pin_file().display()
        )
    }

    fn installed(&self) -> bool {
        self.rig.version_dir("go1.22.10").join("bin/go").is_file()
    }

    fn downloads(&self) -> usize {
        self.rig.server.requests().len()
    }
}

const QUESTION: &str = "go1.22.10 is pinned by ./.go-version but not installed; install it now? [Y/n] ";

#[test]
fn auto_install_says_which_file_asked_and_how_to_turn_it_off() {
    let m = Missing::new();
    let shim = |value: &str| {
        let mut cmd = m.rig.sb.shim("go");
        cmd.envs(m.env()).env("GOVER_AUTO_INSTALL", value).arg("version");
        cmd
    };
    // Following "set it to 0": nothing is installed, today's error.
    shim("0").assert().code(3).stdout("").stderr(m.refusal());
    assert_eq!(m.downloads(), 0);
    let out = shim("1").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "gover: go1.22.10 is pinned by ./.go-version but not installed; installing it because GOVER_AUTO_INSTALL \
             is on (set it to 0 to turn this off)\n"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "go version go1.22.10 fake/arch\n");
    assert!(m.installed());
}

#[test]
fn a_terminal_is_asked_once_and_an_empty_answer_installs() {
    if !common::require("python3") {
        return;
    }
    let m = Missing::new();
    let (shown, code) = m.on_a_terminal("go version", "\n", &[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.starts_with(&format!("{QUESTION}\n")), "{shown}");
    assert_eq!(shown.matches("[Y/n]").count(), 1, "{shown}");
    assert!(shown.contains("installed go1.22.10"), "{shown}");
    assert!(shown.contains("go version go1.22.10 fake/arch\n"), "{shown}");
    assert!(m.installed());
}

#[test]
fn no_or_the_end_of_input_at_the_question_installs_nothing() {
    if !common::require("python3") {
        return;
    }
    let m = Missing::new();
    for (typed, echoed) in [("n\n", "n\n"), ("no\n", "no\n"), ("\u{4}", "\n")] {
        let (shown, code) = m.on_a_terminal("go version", typed, &[]);
        assert_eq!(code, Some(3), "{typed:?}: {shown}");
        assert_eq!(shown, format!("{QUESTION}{echoed}{}", m.refusal()), "{typed:?}");
    }
    assert!(!m.installed());
    assert_eq!(m.downloads(), 0);
}

#[test]
fn no_question_without_a_terminal_on_both_stdin_and_stderr_or_with_auto_install_off() {
    if !common::require("python3") {
        return;
    }
    let m = Missing::new();
    // A script: no terminal at all.
    m.rig.sb.shim("go").envs(m.env()).arg("version").write_stdin("y\n").assert().code(3).stdout("").stderr(m.refusal());
    // On a terminal, with stdin from elsewhere, or stderr to a file.
    let (shown, code) = m.on_a_terminal("go version </dev/null", "\n", &[]);
    assert_eq!((shown.as_str(), code), (m.refusal().as_str(), Some(3)));
    let log = m.rig.sb.root().join("stderr.log");
    let script = format!("go version 2>'{}'", log.display());
    let (shown, code) = m.on_a_terminal(&script, "\n", &[]);
    assert_eq!((shown.as_str(), code), ("", Some(3)));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), m.refusal());
    // GOVER_AUTO_INSTALL=0 turns the question off too.
    let (shown, code) = m.on_a_terminal("go version", "\n", &[("GOVER_AUTO_INSTALL", "0")]);
    assert_eq!((shown.as_str(), code), (m.refusal().as_str(), Some(3)));
    assert!(!m.installed());
    assert_eq!(m.downloads(), 0);
}
