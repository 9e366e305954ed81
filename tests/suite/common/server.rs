//! An HTTP(S) server on 127.0.0.1 for the download tests: serves a directory and programmed
//! replies, and misbehaves on request (truncated bodies, stalls, a wrong Content-Length,
//! error statuses with Retry-After, redirects, HTML pages), so each failure gover must handle
//! can be produced on demand. One thread per connection, one request per connection.
//!
//! ```ignore
//! let server = Server::https();
//! server.serve_dir(&mirror);
//! server.once("/go.tar.gz", Reply::status(503).header("Retry-After", "0"));
//! server.route("/index.json", Reply::html("<html>Sign in</html>"));
//! ```

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the server sends for one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub fault: Fault,
    /// Answer `Range: bytes=N-` with 206 and the rest (on by default, for 200 replies).
    pub ranges: bool,
}

#[derive(Clone, Debug)]
pub enum Body {
    Bytes(Arc<Vec<u8>>),
    File(PathBuf),
    /// `len` bytes of `byte`, generated as they are sent (a huge body without the memory).
    Repeat {
        byte: u8,
        len: u64,
    },
}

/// A way to break the HTTP exchange after the headers.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    None,
    /// Announce the full Content-Length, send this many body bytes, then close.
    CloseAfter(usize),
    /// Send this many body bytes, then go silent for the duration before closing.
    StallAfter(usize, Duration),
    /// Announce this Content-Length whatever the body's real size (sends the real body).
    ContentLength(u64),
    /// No Content-Length: the body ends when the connection closes, so a short body looks complete.
    NoLength,
    /// Send the body in small pieces with a pause between them (a slow link).
    Trickle {
        chunk: usize,
        pause: Duration,
    },
}

impl Reply {
    pub fn bytes(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: Body::Bytes(Arc::new(body.into())),
            fault: Fault::None,
            ranges: true,
        }
    }

    pub fn file(path: impl Into<PathBuf>) -> Reply {
        Reply { body: Body::File(path.into()), ..Reply::bytes(Vec::new()) }
    }

    /// A body of `len` copies of `byte`.
    pub fn repeat(byte: u8, len: u64) -> Reply {
        Reply { body: Body::Repeat { byte, len }, ..Reply::bytes("") }
    }

    pub fn status(status: u16) -> Reply {
        Reply { status, ..Reply::bytes(format!("status {status}\n")) }
    }

    /// What a captive portal or a proxy's login page looks like.
    pub fn html(page: &str) -> Reply {
        Reply::bytes(page).header("Content-Type", "text/html; charset=utf-8")
    }

    pub fn redirect(location: &str) -> Reply {
        Reply::status(302).header("Location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn fault(mut self, fault: Fault) -> Reply {
        self.fault = fault;
        self
    }

    /// Ignore Range requests and always send the whole body, as some servers do.
    pub fn ignore_range(mut self) -> Reply {
        self.ranges = false;
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    /// Path and query, as sent (for a proxy request: the part after the host).
    pub target: String,
    /// The full URL when the client used the server as an HTTP proxy.
    pub proxied: Option<String>,
    pub headers: Vec<(String, String)>,
}

#[derive(Default)]
struct State {
    dir: Option<PathBuf>,
    routes: HashMap<String, Reply>,
    once: HashMap<String, VecDeque<Reply>>,
    log: Vec<Request>,
    /// The `Proxy-Authorization` a proxied request must carry, else 407.
    proxy_authorization: Option<String>,
}

pub struct Server {
    addr: SocketAddr,
    tls: Option<Tls>,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

struct Tls {
    config: Arc<rustls::ServerConfig>,
    ca_pem: String,
}

impl Server {
    pub fn http() -> Server {
        Server::start(None)
    }

    /// HTTPS with a certificate for 127.0.0.1 and localhost from a fresh test CA; clients
    /// must be told to trust `ca_pem()`.
    pub fn https() -> Server {
        Server::start(Some(Tls::generate(false)))
    }

    /// HTTPS whose certificate, from the same kind of test CA, expired in 2020.
    pub fn https_expired() -> Server {
        Server::start(Some(Tls::generate(true)))
    }

    /// HTTPS with the certificate chain and key of PEM files, such as a self-signed
    /// certificate made by `openssl req -x509`; `ca_pem()` is the certificate itself.
    pub fn https_with_pem(cert: &Path, key: &Path) -> Server {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(cert).unwrap().collect::<Result<_, _>>().unwrap();
        let key = PrivateKeyDer::from_pem_file(key).unwrap();
        let config = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, key).unwrap();
        Server::start(Some(Tls { config: Arc::new(config), ca_pem: std::fs::read_to_string(cert).unwrap() }))
    }

    fn start(tls: Option<Tls>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let config = tls.as_ref().map(|t| t.config.clone());
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (state, config) = (state.clone(), config.clone());
                    std::thread::spawn(move || {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                        let _ = match config {
                            Some(config) => match rustls::ServerConnection::new(config) {
                                Ok(conn) => handle(rustls::StreamOwned::new(conn, stream), &state),
                                Err(_) => Ok(()),
                            },
                            None => handle(stream, &state),
                        };
                    });
                }
            })
        };
        Server { addr, tls, state, stop, thread: Some(thread) }
    }

    /// `http(s)://127.0.0.1:<port><path>`; `path` starts with `/`.
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The test CA's certificate (HTTPS servers only).
    pub fn ca_pem(&self) -> &str {
        &self.tls.as_ref().expect("an HTTPS server").ca_pem
    }

    /// Serves the files of `dir` for any request no route answers (the query is ignored).
    pub fn serve_dir(&self, dir: &Path) {
        self.state.lock().unwrap().dir = Some(dir.to_path_buf());
    }

    /// Answers every request for `target` (path, or path and query) with `reply`.
    pub fn route(&self, target: &str, reply: Reply) {
        self.state.lock().unwrap().routes.insert(target.into(), reply);
    }

    /// Answers the next request for `target` with `reply`; queued replies are used in order
    /// before the route or directory takes over again.
    pub fn once(&self, target: &str, reply: Reply) {
        self.state.lock().unwrap().once.entry(target.into()).or_default().push_back(reply);
    }

    /// As a proxy, answer 407 to requests without these `user:password` credentials, as a
    /// corporate proxy does.
    pub fn proxy_credentials(&self, user_password: &str) {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(user_password);
        self.state.lock().unwrap().proxy_authorization = Some(format!("Basic {encoded}"));
    }

    /// Drops the replies `once` queued and no request used.
    pub fn clear_once(&self) {
        self.state.lock().unwrap().once.clear();
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().log.clone()
    }

    /// How many requests asked for `path` (query ignored).
    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.target.split('?').next() == Some(path)).count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn handle(mut stream: impl Read + Write, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(&mut stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    // The reply depends on the path alone, whatever the method.
    let (Some(_), Some(target)) = (parts.next(), parts.next()) else { return Ok(()) };
    let mut target = target.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    drop(reader);
    let mut proxied = None;
    if let Some(rest) = target.strip_prefix("http://") {
        proxied = Some(target.clone());
        target = rest.find('/').map(|i| rest[i..].to_string()).unwrap_or_else(|| "/".into());
    }
    let range = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("range"))
        .and_then(|(_, value)| value.strip_prefix("bytes=")?.strip_suffix('-')?.parse::<u64>().ok());
    let reply = {
        let mut state = state.lock().unwrap();
        let refused = proxied.is_some()
            && state.proxy_authorization.as_ref().is_some_and(|wanted| {
                !headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("proxy-authorization") && v == wanted)
            });
        state.log.push(Request { target: target.clone(), proxied, headers });
        if refused {
            Reply::status(407).header("Proxy-Authenticate", "Basic realm=\"proxy\"")
        } else {
            pick_reply(&mut state, &target)
        }
    };
    send(&mut stream, reply, range)
}

fn pick_reply(state: &mut State, target: &str) -> Reply {
    let path = target.split('?').next().unwrap_or(target).to_string();
    for key in [target, path.as_str()] {
        if let Some(reply) = state.once.get_mut(key).and_then(|q| q.pop_front()) {
            return reply;
        }
    }
    for key in [target, path.as_str()] {
        if let Some(reply) = state.routes.get(key) {
            return reply.clone();
        }
    }
    let file = state.dir.as_ref().map(|d| d.join(path.trim_start_matches('/')));
    match file {
        Some(file) if file.is_file() && !path.contains("..") => Reply::file(file),
        _ => Reply::status(404),
    }
}

/// Sends `reply`; `range` is the start of a `Range: bytes=N-` request.
fn send(stream: &mut impl Write, mut reply: Reply, range: Option<u64>) -> std::io::Result<()> {
    let mut body: Box<dyn Read> = match &reply.body {
        Body::Bytes(bytes) => Box::new(std::io::Cursor::new(bytes.as_ref().clone())),
        Body::File(path) => Box::new(std::fs::File::open(path)?),
        Body::Repeat { byte, len } => Box::new(std::io::repeat(*byte).take(*len)),
    };
    let full = match &reply.body {
        Body::Bytes(bytes) => bytes.len() as u64,
        Body::File(path) => std::fs::metadata(path)?.len(),
        Body::Repeat { len, .. } => *len,
    };
    let mut len = full;
    if let Some(start) = range.filter(|&start| reply.ranges && reply.status == 200 && start < full) {
        std::io::copy(&mut body.by_ref().take(start), &mut std::io::sink())?;
        reply.status = 206;
        reply.headers.push(("Content-Range".into(), format!("bytes {start}-{}/{full}", full - 1)));
        len = full - start;
    }
    let mut head = format!("HTTP/1.1 {} {}\r\nConnection: close\r\n", reply.status, reason(reply.status));
    match reply.fault {
        Fault::ContentLength(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        Fault::NoLength => {}
        _ => head.push_str(&format!("Content-Length: {len}\r\n")),
    }
    if !reply.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
        head.push_str("Content-Type: application/octet-stream\r\n");
    }
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    match reply.fault {
        Fault::None | Fault::ContentLength(_) | Fault::NoLength => {
            std::io::copy(&mut body, stream)?;
        }
        Fault::CloseAfter(n) => {
            std::io::copy(&mut body.take(n as u64), stream)?;
        }
        Fault::StallAfter(n, pause) => {
            std::io::copy(&mut body.take(n as u64), stream)?;
            stream.flush()?;
            std::thread::sleep(pause);
        }
        Fault::Trickle { chunk, pause } => {
            let mut buf = vec![0; chunk.max(1)];
            loop {
                let n = body.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                stream.write_all(&buf[..n])?;
                stream.flush()?;
                std::thread::sleep(pause);
            }
        }
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        403 => "Forbidden",
        404 => "Not Found",
        407 => "Proxy Authentication Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

impl Tls {
    fn generate(expired: bool) -> Tls {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, KeyUsagePurpose};
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "gover test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let mut leaf_params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        if expired {
            leaf_params.not_before = rcgen::date_time_ymd(2019, 1, 1);
            leaf_params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        }
        let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
            .unwrap();
        Tls { config: Arc::new(config), ca_pem: ca.pem() }
    }
}
