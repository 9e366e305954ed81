//! Real static web servers for a `gover mirror` tree: Debian's nginx and Python's http.server,
//! each on an ephemeral loopback port with its own configuration in a temporary directory,
//! stopped (by its process id) when dropped.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct StaticServer {
    child: Child,
    port: u16,
    _state: tempfile::TempDir,
}

impl StaticServer {
    /// nginx serving `root`, in the foreground, one process, logs and temp files in a temp dir.
    pub fn nginx(root: &Path) -> StaticServer {
        let state = tempfile::Builder::new().prefix("gover-nginx-").tempdir().unwrap();
        for attempt in 0..5 {
            // nginx cannot report an ephemeral port: take a free one and hand it over.
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let s = state.path().display();
            let conf = format!(
                "daemon off;\nmaster_process off;\nworker_processes 1;\npid {s}/nginx.pid;\nerror_log {s}/error.log;\n\
                 events {{ worker_connections 64; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {s}/body;\n  proxy_temp_path {s}/proxy;\n  \
                 fastcgi_temp_path {s}/fastcgi;\n  uwsgi_temp_path {s}/uwsgi;\n  scgi_temp_path {s}/scgi;\n  \
                 types {{ application/json json; application/zip zip; application/gzip gz; text/plain info mod sha256; }}\n  \
                 default_type text/plain;\n  server {{ listen 127.0.0.1:{port}; root {}; }}\n}}\n",
                root.display()
            );
            let conf_path = state.path().join("nginx.conf");
            std::fs::write(&conf_path, conf).unwrap();
            let mut child = Command::new("nginx")
                .env("PATH", super::BASE_PATH)
                .arg("-p")
                .arg(state.path())
                .arg("-e")
                .arg(state.path().join("error.log"))
                .arg("-c")
                .arg(&conf_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("nginx is installed (.ci/run installs Debian's nginx)");
            if wait_for_port(port, &mut child) {
                return StaticServer { child, port, _state: state };
            }
            let _ = child.kill();
            let _ = child.wait();
            assert!(
                attempt < 4,
                "nginx did not start: {}",
                std::fs::read_to_string(state.path().join("error.log")).unwrap_or_default()
            );
        }
        unreachable!()
    }

    /// `python3 -m http.server` serving `root` on a port it picks and reports.
    pub fn python(root: &Path) -> StaticServer {
        let state = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .env("PATH", super::BASE_PATH)
            .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory"])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let port = line.split(" port ").nth(1).and_then(|r| r.split_whitespace().next()).and_then(|p| p.parse().ok());
        let port = port.unwrap_or_else(|| panic!("unexpected http.server banner: {line:?}"));
        assert!(wait_for_port(port, &mut child));
        StaticServer { child, port, _state: state }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn wait_for_port(port: u16, child: &mut Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
