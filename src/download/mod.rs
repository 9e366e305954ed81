//! The HTTP side: one client (rustls, the system's CA roots plus the user's, proxies from
//! the environment, timeouts), retries with backoff for transient failures, and a reader that
//! hashes and counts the body as it streams past.

pub mod tls;

use std::ffi::OsString;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use reqwest::blocking::Response;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use self::tls::TrustSettings;
use crate::error::{Error, Kind, Result};
use crate::interrupt;
use crate::output::{self, Output};

/// Retries after the first attempt, for connection failures, timeouts, 429 and 5xx.
const RETRIES: u32 = 3;
/// A server asking for more than this in Retry-After is not waited for: gover gives up at
/// once and says when to try again, instead of hanging for minutes.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// `localhost` is the loopback whatever /etc/hosts says (RFC 6761). A hosts file without it
/// (some containers') leaves it to NSS modules or DNS, which the static (musl) build does not
/// have; port 0 means the URL's.
const LOCALHOST: [SocketAddr; 2] =
    [SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0), SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0)];

const TLS_HINT: &str = "if a proxy or firewall inspects TLS, give gover its CA certificate: \
                        GOVER_CA_FILE=/path/to/ca.pem, or SSL_CERT_FILE / SSL_CERT_DIR (each adds to the system's CAs)";

const READ_TIMEOUT_HINT: &str =
    "the server stopped answering; check the network, or set GOVER_HTTP_TIMEOUT (seconds) higher";

/// Network settings read from the environment once.
#[derive(Clone, Debug, PartialEq)]
pub struct NetSettings {
    /// The certificates to trust besides the system's.
    pub trust: TrustSettings,
    pub connect_timeout: Duration,
    /// Longest silence while waiting for a response or the next bytes of a body.
    pub read_timeout: Duration,
    /// First backoff between retries; doubles each time.
    pub backoff: Duration,
}

impl NetSettings {
    /// `GOVER_CA_FILE`; `GOVER_HTTP_TIMEOUT` (seconds) for the read timeout, `GOVER_RETRY_DELAY_MS`
    /// for the first backoff (tests shorten both).
    pub fn from_env(var: impl Fn(&str) -> Option<OsString>) -> NetSettings {
        let set = |name: &str| var(name).filter(|v| !v.is_empty());
        let number = |name: &str| set(name).and_then(|v| v.to_str()?.trim().parse::<u64>().ok());
        NetSettings {
            trust: TrustSettings {
                ca_file: set("GOVER_CA_FILE").map(PathBuf::from),
                ssl_cert_file: set("SSL_CERT_FILE").map(PathBuf::from),
                ssl_cert_vars: set("SSL_CERT_FILE").is_some() || set("SSL_CERT_DIR").is_some(),
            },
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(number("GOVER_HTTP_TIMEOUT").unwrap_or(30).max(1)),
            backoff: Duration::from_millis(number("GOVER_RETRY_DELAY_MS").unwrap_or(500)),
        }
    }
}

pub struct Client {
    http: reqwest::blocking::Client,
    settings: NetSettings,
    /// Whether a failure to connect is tried again (see [`Client::impatient`]).
    retry_connect: bool,
}

/// How long an [`Client::impatient`] client waits to connect.
const IMPATIENT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Client {
    pub fn new(settings: NetSettings) -> Result<Client> {
        let builder = reqwest::blocking::Client::builder()
            .user_agent(concat!("gover/", env!("CARGO_PKG_VERSION")))
            .resolve_to_addrs("localhost", &LOCALHOST)
            .redirect(redirect_policy())
            .connect_timeout(settings.connect_timeout)
            // The blocking client applies this to each wait: the response, then every read.
            .timeout(settings.read_timeout)
            .use_preconfigured_tls(tls::client_config(&settings.trust)?);
        let http = builder.build().map_err(|e| Error::new(Kind::Network, "cannot set up HTTPS").cause(chain(&e)))?;
        Ok(Client { http, settings, retry_connect: true })
    }

    /// A client for data fetched on the side of another command (the vulnerability
    /// database after an install): a server that cannot be reached is not waited for — one
    /// attempt, 5 s to connect — since a firewall that drops packets would otherwise hold
    /// the command for a minute of retries. A busy server is still retried.
    pub fn impatient(&self) -> Result<Client> {
        let connect_timeout = self.settings.connect_timeout.min(IMPATIENT_CONNECT_TIMEOUT);
        let client = Client::new(NetSettings { connect_timeout, ..self.settings.clone() })?;
        Ok(Client { retry_connect: false, ..client })
    }

    /// GET `url` from byte `offset` on (see [`Client::send_from`]), retrying transient
    /// failures; a response other than 2xx is an error. A server that ignores ranges answers
    /// 200 with the whole file ([`ResumingBody::start`] tells).
    pub fn get_from(&self, url: &str, offset: u64) -> Result<Response> {
        self.get_retrying(url, offset, self.retry_connect, false).map(|r| r.expect("404 and 410 are errors here"))
    }

    /// Like `get_from`, but a 404 or 410 is `None`: "not here", for sources that fall through
    /// to the next one (GOPROXY's lists).
    pub fn get_if_found(&self, url: &str, offset: u64) -> Result<Option<Response>> {
        self.get_retrying(url, offset, self.retry_connect, true)
    }

    /// `retry_connect`: whether failures to connect (timeouts included) are retried; answers
    /// that say the server is busy (429, 5xx) always are. `missing_ok`: 404 and 410 are `None`.
    fn get_retrying(&self, url: &str, offset: u64, retry_connect: bool, missing_ok: bool) -> Result<Option<Response>> {
        warn_if_plain_http(url);
        let mut attempt = 0;
        loop {
            let wait = match self.send_from(url, offset) {
                Ok(response) if response.status().is_success() => {
                    return starts_at(&response, offset).map(|_| Some(response)).map_err(|e| body_error(url, &e))
                }
                Ok(response) if missing_ok && matches!(response.status().as_u16(), 404 | 410) => return Ok(None),
                Ok(response) => {
                    let status = response.status();
                    if attempt >= RETRIES || !transient_status(status) {
                        return Err(status_error(url, status));
                    }
                    match retry_after(&response) {
                        Some(wait) if wait > MAX_RETRY_AFTER => {
                            return Err(
                                status_error(url, status).cause(format!("it asks to retry in {} s", wait.as_secs()))
                            );
                        }
                        Some(wait) => wait,
                        None => self.backoff(attempt),
                    }
                }
                Err(e) => {
                    // A name that does not resolve will not resolve a second later.
                    let transient = (e.is_connect() || e.is_timeout()) && !is_tls(&e) && !is_dns(&e);
                    if attempt >= RETRIES || !retry_connect || !transient {
                        return Err(request_error(url, &e));
                    }
                    self.backoff(attempt)
                }
            };
            attempt += 1;
            std::thread::sleep(wait);
        }
    }

    /// One GET of `url` from byte `offset` on: a `Range` request when `offset` is not 0.
    fn send_from(&self, url: &str, offset: u64) -> reqwest::Result<Response> {
        let mut request = self.http.get(url);
        if offset > 0 {
            request = request.header(reqwest::header::RANGE, format!("bytes={offset}-"));
        }
        request.send()
    }

    /// The whole body of `url`, refusing more than `limit` bytes.
    pub fn get_bytes(&self, url: &str, limit: u64) -> Result<Vec<u8>> {
        read_limited(url, self.get_from(url, 0)?, limit)
    }

    /// [`Client::get_bytes`] for a source that has a fallback: a server that cannot be
    /// reached is not waited for (one attempt); a busy one is still retried.
    pub fn get_bytes_or_fall_back(&self, url: &str, limit: u64) -> Result<Vec<u8>> {
        let response = self.get_retrying(url, 0, false, false)?.expect("404 and 410 are errors here");
        read_limited(url, response, limit)
    }

    /// Like `get_bytes`, with a 404 or 410 as `None` (see `get_if_found`).
    pub fn get_bytes_if_found(&self, url: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        match self.get_if_found(url, 0)? {
            Some(response) => read_limited(url, response, limit).map(Some),
            None => Ok(None),
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.settings.backoff * 2u32.pow(attempt)
    }
}

fn read_limited(url: &str, response: Response, limit: u64) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    response.take(limit + 1).read_to_end(&mut body).map_err(|e| body_error(url, &e))?;
    if body.len() as u64 > limit {
        return Err(Error::new(Kind::Network, format!("{url} sent more than {limit} bytes"))
            .cause(format!("gover reads at most {limit} bytes from it; it kept sending"))
            .hint("check GOVER_INDEX_URL / GOVER_DIST_URL / GOPROXY: this does not look like a Go release server"));
    }
    Ok(body)
}

/// Where in the file a successful answer to a request from `offset` starts: a 206 must start
/// at `offset`; a server that ignores ranges answers 200 with the whole file, from 0.
fn starts_at(response: &Response, offset: u64) -> io::Result<u64> {
    if offset == 0 || response.status() != StatusCode::PARTIAL_CONTENT {
        return Ok(0);
    }
    let start = response
        .headers()
        .get(reqwest::header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(content_range_start);
    match start {
        Some(start) if start == offset => Ok(offset),
        _ => Err(io::Error::other("the server resumed the download at the wrong place")),
    }
}

/// The full length of the file a positioned response belongs to: a 206's Content-Range
/// names it; a 200 carries it all.
fn full_length(response: &Response, offset: u64) -> Option<u64> {
    if response.status() == StatusCode::PARTIAL_CONTENT {
        let range = response.headers().get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
        return range.rsplit('/').next()?.trim().parse().ok().or(response.content_length().map(|n| n + offset));
    }
    response.content_length()
}

fn transient_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT || status.is_server_error()
}

/// Retry-After in seconds (the HTTP-date form is rare for downloads and is treated as absent).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value)
}

fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(secs))
}

/// Plain http is fine on this machine (a local mirror); anywhere else anyone on the path can
/// change what arrives, so say so (the checksum still guards archives, not the index itself).
fn warn_if_plain_http(url: &str) {
    if let Ok(parsed) = reqwest::Url::parse(url) {
        if parsed.scheme() == "http" && !is_loopback(&parsed) {
            output::warn(format!("{url} is plain http: anyone on the network path can alter what it serves"));
        }
    }
}

/// reqwest's default (at most 10 redirects), except that no hop goes from https to plain http
/// off this machine: the first URL's scheme is the user's choice, and the plain-http warning
/// looks only at it, so a downgrade on the way would let anyone on the path alter what
/// arrives (an index, an archive, a checksum-database tile) unseen.
fn redirect_policy() -> reqwest::redirect::Policy {
    let limited = reqwest::redirect::Policy::limited(10);
    reqwest::redirect::Policy::custom(move |attempt| {
        // The last URL asked for is the one that answered with this redirect.
        match attempt.previous().last().and_then(|from| Downgrade::of(from, attempt.url())) {
            Some(downgrade) => attempt.error(downgrade),
            None => limited.redirect(attempt),
        }
    })
}

/// An https URL that redirected to plain http on another machine.
#[derive(Debug, PartialEq, Eq)]
struct Downgrade {
    from: String,
    to: String,
}

impl Downgrade {
    fn of(from: &reqwest::Url, to: &reqwest::Url) -> Option<Downgrade> {
        (from.scheme() == "https" && to.scheme() == "http" && !is_loopback(to))
            .then(|| Downgrade { from: from.to_string(), to: to.to_string() })
    }

    /// The downgrade behind a request's failure, if that is what it is.
    fn behind(e: &reqwest::Error) -> Option<&Downgrade> {
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            if let Some(downgrade) = s.downcast_ref::<Downgrade>() {
                return Some(downgrade);
            }
            source = s.source();
        }
        None
    }
}

impl std::fmt::Display for Downgrade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} redirected to plain http: {}", self.from, self.to)
    }
}

impl std::error::Error for Downgrade {}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// An error and its causes on one line (reqwest hides the useful part in the sources).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

fn is_tls(e: &reqwest::Error) -> bool {
    let text = chain(e).to_lowercase();
    ["certificate", "tls", "handshake", "unknownissuer"].iter().any(|w| text.contains(w))
}

/// The host name could not be resolved (no DNS, no network, or a typo in the URL).
fn is_dns(e: &reqwest::Error) -> bool {
    let text = chain(e).to_lowercase();
    ["dns error", "failed to lookup address", "name or service not known", "name resolution"]
        .iter()
        .any(|w| text.contains(w))
}

/// Why a request failed, in words: a TLS failure as what was wrong with the server or its
/// certificate, since rustls names some refusals only by their Debug text
/// (`Other(OtherError(CaUsedAsEndEntity))`); anything else as the error chain.
fn reason(e: &reqwest::Error) -> String {
    let why = chain(e);
    if !is_tls(e) {
        return why;
    }
    match tls::describe(&why) {
        Some(words) => words.into(),
        None if why.contains("invalid peer certificate") => "the server's certificate was refused".into(),
        None => "the TLS handshake with the server failed".into(),
    }
}

fn request_error(url: &str, e: &reqwest::Error) -> Error {
    if let Some(downgrade) = Downgrade::behind(e) {
        let host = reqwest::Url::parse(&downgrade.from).ok().and_then(|u| u.host_str().map(String::from));
        return Error::new(Kind::Network, format!("cannot download {url}"))
            .cause(format!("{} redirected to {}", downgrade.from, downgrade.to))
            .cause("gover does not follow https to plain http: anyone on the network path could alter what it serves")
            .hint(format!(
                "ask whoever runs {} to redirect to https; if plain http is what you mean, name {} yourself in the \
                 setting that names {url} (GOVER_INDEX_URL, GOVER_DIST_URL, GOPROXY, GOSUMDB or GOVULNDB), and gover \
                 will warn that it is plain http",
                host.unwrap_or_default(),
                downgrade.to
            ));
    }
    let why = reason(e);
    let err = Error::new(Kind::Network, format!("cannot download {url}")).cause(&why);
    if is_dns(e) {
        let host = reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(String::from)).unwrap_or_default();
        err.cause(format!("the name {host} does not resolve: no DNS, no network, or a typo in the URL")).hint(
            "behind a proxy, set HTTPS_PROXY; without access to go.dev, use a mirror: GOVER_DIST_URL=<mirror>/ for \
             the archives and, for the release index (its checksums are then trusted), GOVER_INDEX_URL=<mirror>/index.json \
             (a static mirror, such as a `gover mirror sync` tree) or <mirror>/?mode=json&include=all (a mirror that \
             answers queries as go.dev does)",
        )
    } else if is_tls(e) {
        certificate_hint(err, &why)
    } else if e.is_timeout() {
        err.hint(READ_TIMEOUT_HINT)
    } else if e.is_redirect() {
        err.hint("the server or a proxy keeps redirecting; check HTTPS_PROXY and the URL")
    } else {
        err.hint("check the network connection; behind a proxy set HTTPS_PROXY (and NO_PROXY for local hosts)")
    }
}

/// What to do about a certificate refused for the reason `words` says.
fn certificate_hint(err: Error, words: &str) -> Error {
    if words.contains("expired") || words.contains("not valid yet") {
        err.hint(
            "the server's certificate is out of date: check this machine's clock (date), else the server (or a \
             proxy inspecting TLS) must renew it",
        )
    } else if words.contains("another name") {
        err.hint("check the host name in the URL (GOVER_DIST_URL / GOVER_INDEX_URL): the certificate names another")
    } else if words.contains("not for a server") {
        err.hint(
            "the server needs a certificate made for a server: with no extended key usage, or with serverAuth (openssl \
             req -x509 … -addext extendedKeyUsage=serverAuth)",
        )
    } else if words.contains("self-signed") {
        err.hint(
            "if you trust this server, put its certificate in a PEM file and point GOVER_CA_FILE at it (openssl s_client \
             -showcerts shows it)",
        )
    } else {
        err.hint(TLS_HINT)
    }
}

fn status_error(url: &str, status: StatusCode) -> Error {
    let err =
        Error::new(Kind::Network, format!("cannot download {url}")).cause(format!("the server answered {status}"));
    match status.as_u16() {
        404 | 410 => err.hint("the server does not have it; if GOVER_DIST_URL names a mirror, it may be incomplete"),
        407 => err.hint("the proxy wants credentials: HTTPS_PROXY=http://user:password@proxy:port"),
        401 | 403 => err.hint("the server refused access; check GOVER_DIST_URL / GOVER_INDEX_URL and any proxy"),
        _ => err.hint("the server is failing; try again later, or use a mirror with GOVER_DIST_URL"),
    }
}

/// Whether a body is an HTML page where JSON was asked for: what a proxy, captive portal or
/// login page sends.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// `url` answered with an HTML page instead of `expected` (`the release index`) from `server`;
/// `variable` is the setting that points at that server.
pub fn html_answer(url: &str, expected: &str, server: &str, variable: &str) -> Error {
    Error::new(Kind::Network, format!("{url} answered with an HTML page, not {expected}"))
        .cause(format!("a proxy, captive portal or login page answered instead of {server}"))
        .hint(format!("log in to the network (open any page in a browser), set HTTPS_PROXY, or check {variable}"))
}

/// A body that failed while streaming: the connection dropped, stalled or ended early, or a
/// read stopped for Ctrl-C.
pub fn body_error(url: &str, e: &io::Error) -> Error {
    if let Some(signal) = interrupt::signal() {
        return interrupt::error(signal);
    }
    let err = Error::new(Kind::Network, format!("the download of {url} failed")).cause(chain(e));
    if timed_out(e) {
        err.hint(READ_TIMEOUT_HINT)
    } else {
        err.hint("check the network connection and try again")
    }
}

/// An archive's download that broke off after `bytes`, resumes included: a network failure,
/// and what arrived is kept, so the same command goes on from there.
pub fn broken_download(url: &str, bytes: u64, e: &io::Error) -> Error {
    let err = Error::new(Kind::Network, format!("the download of {url} broke off after {bytes} bytes")).cause(chain(e));
    if timed_out(e) {
        err.hint(format!("{READ_TIMEOUT_HINT}, then run the same command: it resumes from there"))
    } else {
        err.hint("check the network, then run the same command: it resumes from there")
    }
}

fn timed_out(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::TimedOut || chain(e).contains("timed out")
}

/// Passes a body through while hashing and counting it, and remembers a failure of the
/// source so it can be told apart from a corrupt archive further down the pipeline.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    pub bytes: u64,
    pub failure: Option<io::Error>,
    progress: Option<ProgressBar>,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R, progress: Option<ProgressBar>) -> HashingReader<R> {
        HashingReader { inner, hasher: Sha256::new(), bytes: 0, failure: None, progress }
    }

    /// Reads what is left: the gzip trailer and tar padding the unpacker does not need, or
    /// the rest of a body whose archive failed, so the digest covers the whole body.
    pub fn drain(&mut self) -> io::Result<()> {
        io::copy(self, &mut io::sink()).map(|_| ())
    }

    /// The hex digest and length of what has passed so far.
    pub fn digest(&self) -> (String, u64) {
        if let Some(bar) = &self.progress {
            bar.finish_and_clear();
        }
        (hex(&self.hasher.clone().finalize()), self.bytes)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Every install reads through here, so Ctrl-C stops it within one read.
        match interrupt::check().and_then(|()| self.inner.read(buf)) {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                self.bytes += n as u64;
                if let Some(bar) = &self.progress {
                    bar.set_position(self.bytes);
                }
                Ok(n)
            }
            Err(e) => {
                let copy = io::Error::new(e.kind(), e.to_string());
                self.failure = Some(e);
                Err(copy)
            }
        }
    }
}

/// A download body that picks up where it broke off: after a read error, a stall or an early
/// end it asks for the rest (`Range: bytes=N-`). It keeps resuming while each attempt brings
/// new bytes; it gives up after a few attempts in a row that bring none, or when the breaks
/// have gone on for `MAX_RESUMING`. A server that ignores ranges sends it all again and the
/// part already read is skipped, so the reader downstream (hash, gunzip, untar) sees one
/// unbroken stream.
pub struct ResumingBody<'a> {
    client: &'a Client,
    url: String,
    response: Response,
    /// Where in the file the body starts.
    start: u64,
    /// Bytes of the file delivered so far (a body opened at an offset starts there).
    pos: u64,
    /// The full length, when the server announced it.
    len: Option<u64>,
    /// Resumes since the last one that brought bytes, and where that one stood.
    fruitless: u32,
    progress_mark: u64,
    resumes: u32,
    first_break: Option<Instant>,
}

/// However much progress each resume makes, a download that keeps breaking for this long is
/// given up (its partial file is kept for the next run).
const MAX_RESUMING: Duration = Duration::from_secs(15 * 60);

impl<'a> ResumingBody<'a> {
    /// `response` answers a request for `url` from byte `asked` on (`Client::get_from`): a 206
    /// starts there, a 200 (from a server that ignores ranges) at the start of the file.
    pub fn new(client: &'a Client, url: &str, response: Response, asked: u64) -> ResumingBody<'a> {
        let pos = if response.status() == StatusCode::PARTIAL_CONTENT { asked } else { 0 };
        let len = full_length(&response, pos);
        ResumingBody {
            client,
            url: url.into(),
            response,
            start: pos,
            pos,
            len,
            fruitless: 0,
            progress_mark: pos,
            resumes: 0,
            first_break: None,
        }
    }

    /// The length of the whole file, as the server announced it.
    pub fn full_length(&self) -> Option<u64> {
        self.len
    }

    /// Where in the file the body starts: where it was asked to, or 0 when the server sent the
    /// whole file instead (it ignores ranges), which is then a fresh download.
    pub fn start(&self) -> u64 {
        self.start
    }

    fn resume(&mut self, broken: io::Error) -> io::Result<()> {
        if self.pos > self.progress_mark {
            self.fruitless = 0;
            self.progress_mark = self.pos;
        }
        let first_break = *self.first_break.get_or_insert_with(Instant::now);
        let mut last = broken;
        while self.fruitless < RETRIES && first_break.elapsed() < MAX_RESUMING {
            interrupt::check()?;
            std::thread::sleep(self.client.backoff(self.fruitless));
            interrupt::check()?;
            self.fruitless += 1;
            self.resumes += 1;
            match self.reopen() {
                Ok(response) => {
                    self.response = response;
                    return Ok(());
                }
                Err(e) => last = e,
            }
        }
        Err(io::Error::new(
            last.kind(),
            format!(
                "{} (after {} attempts to resume, the last {} without progress)",
                chain(&last),
                self.resumes,
                self.fruitless
            ),
        ))
    }

    fn reopen(&self) -> io::Result<Response> {
        let mut response = self.client.send_from(&self.url, self.pos).map_err(|e| io::Error::other(reason(&e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(io::Error::other(format!("resuming the download, the server answered {status}")));
        }
        // Downstream already has the first bytes: those sent again are dropped.
        let again = self.pos - starts_at(&response, self.pos)?;
        let skipped = io::copy(&mut (&mut response).take(again), &mut io::sink())?;
        if skipped < again {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the download is shorter than before"));
        }
        Ok(response)
    }
}

impl Read for ResumingBody<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.response.read(buf) {
                Ok(0) if !buf.is_empty() && self.len.is_some_and(|len| self.pos < len) => {
                    let len = self.len.unwrap_or_default();
                    let early = format!("the connection closed after {} of {len} bytes", self.pos);
                    self.resume(io::Error::new(io::ErrorKind::UnexpectedEof, early))?;
                }
                Ok(n) => {
                    self.pos += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => self.resume(e)?,
            }
        }
    }
}

/// The first byte position of a `Content-Range: bytes 100-999/1000` header.
fn content_range_start(value: &str) -> Option<u64> {
    let range = value.trim().strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

/// Copies what is read into a cache file on the side. A failed write (a full disk) drops the
/// copy, emptied at once so the unpacked tree can have its space, never the download.
pub struct CacheTee<R> {
    inner: R,
    file: Option<std::fs::File>,
    at_end: bool,
}

impl<R: Read> CacheTee<R> {
    pub fn new(inner: R, file: Option<std::fs::File>) -> CacheTee<R> {
        CacheTee { inner, file, at_end: false }
    }

    /// Whether the cache file holds the whole body.
    pub fn finish(self) -> bool {
        self.at_end && self.file.is_some()
    }
}

impl<R: Read> Read for CacheTee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.at_end |= n == 0 && !buf.is_empty();
        if let Some(file) = &mut self.file {
            if io::Write::write_all(file, &buf[..n]).is_err() {
                // Most likely the disk is full: give the space back to the install itself.
                let _ = file.set_len(0);
                self.file = None;
            }
        }
        Ok(n)
    }
}

/// A bar with bytes, rate and ETA on standard error, only for a person watching a terminal.
pub fn progress_bar(len: Option<u64>, out: Output) -> Option<ProgressBar> {
    if !out.shows_progress() {
        return None;
    }
    let bar = match len {
        Some(len) => ProgressBar::new(len).with_style(
            ProgressStyle::with_template("  {bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
                .expect("the template is valid"),
        ),
        None => ProgressBar::no_length()
            .with_style(ProgressStyle::with_template("  {bytes} {bytes_per_sec}").expect("the template is valid")),
    };
    Some(bar.with_finish(indicatif::ProgressFinish::AndClear))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_env() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v))
        };
        let s = NetSettings::from_env(env(&[("GOVER_HTTP_TIMEOUT", "2"), ("GOVER_CA_FILE", "/ca.pem")]));
        assert_eq!(s.read_timeout, Duration::from_secs(2));
        assert_eq!(s.trust.ca_file, Some(PathBuf::from("/ca.pem")));
        assert!(!s.trust.ssl_cert_vars);
        assert!(NetSettings::from_env(env(&[("SSL_CERT_DIR", "/certs")])).trust.ssl_cert_vars);
        let s = NetSettings::from_env(env(&[("GOVER_HTTP_TIMEOUT", "soon"), ("GOVER_CA_FILE", "")]));
        assert_eq!((s.read_timeout, s.trust.ca_file), (Duration::from_secs(30), None));
    }

    #[test]
    fn retry_after_is_seconds() {
        assert_eq!(parse_retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("86400"), Some(Duration::from_secs(86400)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn content_ranges() {
        assert_eq!(content_range_start("bytes 100-999/1000"), Some(100));
        assert_eq!(content_range_start("bytes 0-0/*"), Some(0));
        assert_eq!(content_range_start("items 1-2/3"), None);
        assert_eq!(content_range_start("bytes */1000"), None);
    }

    #[test]
    fn hashes_what_passes() {
        let mut reader = HashingReader::new(&b"abc"[..], None);
        let mut first = [0u8; 1];
        reader.read_exact(&mut first).unwrap();
        reader.drain().unwrap();
        let (digest, bytes) = reader.digest();
        assert_eq!(bytes, 3);
        assert_eq!(digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn https_never_redirects_to_plain_http_off_this_machine() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        let downgrade = |from: &str, to: &str| Downgrade::of(&url(from), &url(to));
        assert_eq!(
            downgrade("https://go.dev/dl/", "http://dl.google.com/go/x.tar.gz"),
            Some(Downgrade { from: "https://go.dev/dl/".into(), to: "http://dl.google.com/go/x.tar.gz".into() })
        );
        assert!(downgrade("https://mirror.example/", "http://10.0.0.1/x").is_some());
        assert_eq!(downgrade("https://go.dev/dl/", "https://dl.google.com/x"), None);
        assert_eq!(downgrade("http://mirror.example/", "http://other.example/x"), None, "no https to lose");
        assert_eq!(downgrade("https://mirror.example/", "http://127.0.0.1:8080/x"), None, "this machine");
        assert_eq!(downgrade("https://mirror.example/", "http://localhost/x"), None);
    }

    #[test]
    fn loopback_hosts() {
        let lo = |u: &str| is_loopback(&reqwest::Url::parse(u).unwrap());
        assert!(lo("http://127.0.0.1:8080/dl/") && lo("http://localhost/") && lo("http://[::1]/"));
        assert!(!lo("http://go.dev/dl/") && !lo("http://10.0.0.1/"));
    }
}
