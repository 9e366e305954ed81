//! mise (github.com/jdx/mise): `$MISE_DATA_DIR` (default ~/.local/share/mise) holds
//! `installs/go/1.x` trees (bin/go at the top) and `shims/`; mise sets GOBIN to the version's
//! own `bin`, so `go install`ed tools sit beside its go. Versions come from `mise.toml` and
//! its relatives (read as pin files by the shim) and the global `~/.config/mise/config.toml`.
//! It is set up with `eval "$(mise activate bash)"` (zsh alike; fish: `mise activate fish |
//! source`) or, in shims mode, `export PATH="$HOME/.local/share/mise/shims:$PATH"`; its bash
//! and zsh activation defines a `cd` function from inside the eval, and its hooks (zsh's
//! precmd and chpwd, fish's prompt and PWD events, bash's PROMPT_COMMAND) put its tools first
//! on PATH again at every prompt and `cd`: while mise stays for other tools, only its own
//! `disable_tools` setting keeps its go out of the way.

use std::path::PathBuf;

use gover_shim::pin::PinFile;
use gover_shim::Spec;

use super::{children, About, GoSetting, Places};

pub struct Mise;

fn data(places: &Places) -> PathBuf {
    places.dir("MISE_DATA_DIR", || places.xdg("XDG_DATA_HOME", ".local/share").join("mise"))
}

/// Its global config file, which a project's mise.toml cannot hide.
fn config(places: &Places) -> PathBuf {
    places.dir("MISE_GLOBAL_CONFIG_FILE", || {
        places.dir("MISE_CONFIG_DIR", || places.xdg("XDG_CONFIG_HOME", ".config").join("mise")).join("config.toml")
    })
}

/// `text`, a mise config file, with "go" among `[settings] disable_tools` (the same text when
/// it is there); `None` when the setting has a form this line editor leaves to the user: an
/// array over several lines, an inline `settings = {…}` table, top-level `settings.` keys.
fn disable_go(text: &str) -> Option<String> {
    let mut table = String::new();
    let mut after_header = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("").trim();
        if let Some(header) = code.strip_prefix('[') {
            table = header.trim_matches(['[', ']', ' ']).to_string();
            if table == "settings" {
                after_header = Some(at + line.len());
            }
        } else if let Some((key, value)) = code.split_once('=') {
            let key = key.trim();
            if table.is_empty() && (key == "settings" || key.starts_with("settings.")) {
                return None;
            }
            if table == "settings" && key == "disable_tools" {
                let tools = value.trim().strip_prefix('[')?.strip_suffix(']')?;
                if tools.split(',').any(|t| t.trim().trim_matches(['"', '\'']) == "go") {
                    return Some(text.to_string());
                }
                let open = at + line.find('[')? + 1;
                let go = if tools.trim().is_empty() { "\"go\"" } else { "\"go\", " };
                return Some(format!("{}{go}{}", &text[..open], &text[open..]));
            }
        }
        at += line.len();
    }
    let setting = "disable_tools = [\"go\"]\n";
    Some(match after_header {
        Some(end) if text[..end].ends_with('\n') => format!("{}{setting}{}", &text[..end], &text[end..]),
        Some(_) => format!("{text}\n{setting}"),
        None => {
            let gap = if text.is_empty() || text.ends_with("\n\n") {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{text}{gap}[settings]\n{setting}")
        }
    })
}

impl About for Mise {
    fn containers(&self, places: &Places) -> Vec<PathBuf> {
        children(&data(places).join("installs/go"))
    }

    /// Only its Go installs: the rest of its data serves other tools.
    fn dirs(&self, places: &Places) -> Vec<PathBuf> {
        vec![data(places).join("installs/go"), data(places).join("shims")]
    }

    fn is_setup_line(&self, code: &str) -> bool {
        ["mise activate", "rtx activate", "mise/shims"].iter().any(|mark| code.contains(mark))
    }

    fn default_version(&self, places: &Places) -> Option<Spec> {
        Some(PinFile::Mise(".config/mise/config.toml").read(&config(places)).ok()??.spec)
    }

    fn tool_dirs(&self, places: &Places) -> Vec<PathBuf> {
        self.containers(places).iter().map(|v| v.join("bin")).collect()
    }

    fn serves_others(&self, places: &Places) -> bool {
        children(&data(places).join("installs")).iter().any(|p| p.file_name().is_some_and(|n| n != "go"))
    }

    fn go_setting(&self, places: &Places) -> GoSetting {
        // The variable replaces the file's setting in every shell that has it.
        if (places.var)("MISE_DISABLE_TOOLS").is_some_and(|tools| tools.split(',').any(|t| t.trim() == "go")) {
            return GoSetting::Off;
        }
        let file = config(places);
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(String::new()),
            Err(_) => None,
        };
        match text.as_deref().map(|text| (text, disable_go(text))) {
            Some((text, Some(content))) if content == text => GoSetting::Off,
            Some((_, Some(content))) => GoSetting::Edit { file, content },
            _ => GoSetting::Manual(format!("add \"go\" to disable_tools in the [settings] of {}", file.display())),
        }
    }

    fn removal(&self, places: &Places) -> String {
        if self.serves_others(places) {
            "mise uninstall --all go, and remove go from ~/.config/mise/config.toml".into()
        } else {
            format!("mise implode (or rm -rf {})", data(places).display())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::disable_go;

    #[test]
    fn go_joins_disable_tools() {
        let tools = "[tools]\ngo = \"1.22\"\nnode = \"20\"\n";
        assert_eq!(disable_go(tools).unwrap(), format!("{tools}\n[settings]\ndisable_tools = [\"go\"]\n"));
        assert_eq!(disable_go("").unwrap(), "[settings]\ndisable_tools = [\"go\"]\n");
        assert_eq!(
            disable_go("[settings]\nexperimental = true\n[tools]\nnode = \"20\"\n").unwrap(),
            "[settings]\ndisable_tools = [\"go\"]\nexperimental = true\n[tools]\nnode = \"20\"\n"
        );
        assert_eq!(
            disable_go("[settings] # mine\ndisable_tools = [ \"python\" ] # slow\n").unwrap(),
            "[settings] # mine\ndisable_tools = [\"go\",  \"python\" ] # slow\n"
        );
        assert_eq!(disable_go("[settings]\ndisable_tools = []\n").unwrap(), "[settings]\ndisable_tools = [\"go\"]\n");
        // A tool of the same name elsewhere is not the setting.
        assert_eq!(
            disable_go("[tools.python]\ndisable_tools = []\n").unwrap(),
            "[tools.python]\ndisable_tools = []\n\n[settings]\ndisable_tools = [\"go\"]\n"
        );
    }

    #[test]
    fn go_already_off_is_left_alone() {
        let off = "[settings]\ndisable_tools = ['node', 'go']\n";
        assert_eq!(disable_go(off).as_deref(), Some(off));
    }

    #[test]
    fn forms_it_does_not_edit() {
        for text in [
            "[settings]\ndisable_tools = [\n  \"python\",\n]\n",
            "settings = { disable_tools = [\"python\"] }\n",
            "settings.experimental = true\n",
        ] {
            assert_eq!(disable_go(text), None, "{text}");
        }
    }
}
