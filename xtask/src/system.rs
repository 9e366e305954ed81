//! The machine xtask runs on: which programs it has, whether it may install more.

use std::process::Command;

pub fn on_path(program: &str) -> bool {
    Command::new("sh").args(["-c", "command -v \"$1\" >/dev/null", "sh", program]).status().is_ok_and(|s| s.success())
}

pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Installs Debian `packages` with apt-get as root or through passwordless sudo; otherwise
/// says why not; whether they are installed now.
pub fn apt_install(packages: &[&str]) -> bool {
    let list = packages.join(" ");
    if !on_path("apt-get") {
        eprintln!("not installing {list}: no apt-get here (install them with your package manager)");
        return false;
    }
    let root = is_root();
    let sudo = !root && Command::new("sudo").args(["-n", "true"]).output().is_ok_and(|o| o.status.success());
    if !root && !sudo {
        eprintln!("not installing {list}: not root and no passwordless sudo");
        return false;
    }
    eprintln!("installing {list} with apt-get");
    let apt = |args: &[&str]| {
        let mut cmd = if sudo { Command::new("sudo") } else { Command::new("env") };
        if sudo {
            cmd.args(["-n", "env"]);
        }
        cmd.args(["DEBIAN_FRONTEND=noninteractive", "apt-get", "-qq"]).args(args);
        cmd.status().is_ok_and(|s| s.success())
    };
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(packages);
    let installed = apt(&["update"]) && apt(&args);
    if !installed {
        eprintln!("apt-get could not install {list}");
    }
    installed
}
