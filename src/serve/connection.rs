//! The preview's HTTP/1.1 transport: a thread per connection, with every resource bounded.
//!
//! tiny_http, used before, read a request line or header without end into memory without
//! limit, had no timeouts, and answered with four shared threads that four slow readers of a
//! large image could hold for as long as they liked. hyper would bring an async runtime for a
//! preview that serves one author's tabs. What the preview needs is small: GET and HEAD, a
//! bounded request head (parsed by httparse, hyper's own parser), keep-alive, responses with a
//! known length or an event stream.
//!
//! Limits: a request head of at most [`MAX_HEAD`] bytes read within [`READ_TIMEOUT`] (else
//! 431 or the connection is closed), each write within [`WRITE_TIMEOUT`] (a reader that stops
//! reading is dropped, its thread freed), at most [`MAX_CONNECTIONS`] connections at once (more
//! get 503 at once). The `Host` header must name this server (see [`Hosts`]): a page of another
//! site that a DNS rebinding points at 127.0.0.1 cannot read the preview.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub const MAX_HEAD: usize = 16 * 1024;
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(20);
pub const MAX_CONNECTIONS: usize = 64;
/// Headers in one request head; browsers send about 15.
pub const MAX_HEADERS: usize = 64;

/// A request as the routes see it.
pub struct Request {
    pub method: String,
    pub target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// The values of a header, case-insensitively by name.
    pub fn header(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a response carries.
pub enum Body {
    Bytes(Vec<u8>),
    /// A file read as it is sent, never whole in memory.
    File(std::path::PathBuf),
    /// An event stream: the route writes to the connection until the page goes away.
    Stream(Stream),
}

/// Writes an event stream to the connection until the page goes away.
pub type Stream = Box<dyn FnOnce(&mut dyn Write) + Send>;

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Reply {
    pub fn new(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Bytes(body),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn text(status: u16, text: &str) -> Reply {
        Reply::new(status, text.as_bytes().to_vec())
            .with("Content-Type", "text/plain; charset=utf-8")
    }
}

/// The names this server answers to: the loopback names, the address it is bound to, the host
/// of the configured base URL; with `--bind 0.0.0.0` (or `::`), any IP address too, since the
/// machine's own addresses are not known in advance.
#[derive(Clone)]
pub struct Hosts {
    names: Vec<String>,
    any_ip: bool,
}

impl Hosts {
    pub fn new(bind: IpAddr, configured: Option<&str>) -> Hosts {
        let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "[::1]".into()];
        names.push(match bind {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        });
        if let Some(host) = configured {
            names.push(host.to_ascii_lowercase());
        }
        Hosts {
            names,
            any_ip: bind.is_unspecified(),
        }
    }

    /// Whether a `Host` header value (`name` or `name:port`) is one of ours.
    pub fn allows(&self, value: &str) -> bool {
        let value = value.trim().to_ascii_lowercase();
        let name = match value.rsplit_once(':') {
            // `[::1]:4000`, `127.0.0.1:4000`, `localhost:4000`; not the colons of a bare IPv6.
            Some((name, port))
                if port.bytes().all(|b| b.is_ascii_digit())
                    && (!name.contains(':') || name.ends_with(']')) =>
            {
                name
            }
            _ => value.as_str(),
        };
        if self.names.iter().any(|n| n == name) {
            return true;
        }
        self.any_ip
            && name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok()
    }
}

pub struct Server {
    listener: TcpListener,
}

impl Server {
    pub fn bind(address: SocketAddr) -> Result<Server, String> {
        let listener =
            TcpListener::bind(address).map_err(|e| format!("cannot listen on {address}: {e}"))?;
        Ok(Server { listener })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// Answers connections on a thread of its own; `route` makes the reply to each request.
    pub fn start(
        &self,
        hosts: Hosts,
        route: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Result<(), String> {
        let listener = self
            .listener
            .try_clone()
            .map_err(|e| format!("cannot listen: {e}"))?;
        let route = Arc::new(route);
        let open = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
                let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
                if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    open.fetch_sub(1, Ordering::SeqCst);
                    let _ = send(
                        &mut stream,
                        Reply::text(503, "too many connections"),
                        false,
                        false,
                    );
                    continue;
                }
                let (route, slots, hosts) = (Arc::clone(&route), Arc::clone(&open), hosts.clone());
                let spawned = std::thread::Builder::new()
                    .name("qaportal-http".into())
                    .spawn(move || {
                        serve_connection(stream, &hosts, &*route);
                        slots.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    // The thread never ran: its slot is free again.
                    open.fetch_sub(1, Ordering::SeqCst);
                }
            }
        });
        Ok(())
    }
}

/// Requests of one connection, in turn, until it closes, times out or misbehaves.
fn serve_connection(stream: TcpStream, hosts: &Hosts, route: &dyn Fn(&Request) -> Reply) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_head(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(status) => {
                let message = if status == 431 {
                    "request head too large"
                } else {
                    "bad request"
                };
                let _ = send(&mut writer, Reply::text(status, message), false, false);
                return;
            }
        };
        let head_only = request.method == "HEAD";
        // A request of another method may carry a body, which is never read: the connection
        // cannot be reused after it.
        let keep_alive = matches!(request.method.as_str(), "GET" | "HEAD")
            && !request
                .header("Connection")
                .any(|v| v.eq_ignore_ascii_case("close"));
        let reply = if !request.header("Host").any(|h| hosts.allows(h)) {
            Reply::text(
                421,
                "this preview answers only to its own address (localhost or the --bind address); \
                 another host name here is refused, so that other sites cannot read it",
            )
        } else if !matches!(request.method.as_str(), "GET" | "HEAD") {
            Reply::text(405, "method not allowed")
        } else {
            route(&request)
        };
        let streaming = matches!(reply.body, Body::Stream(_));
        if send(&mut writer, reply, head_only, keep_alive).is_err() || !keep_alive || streaming {
            return;
        }
    }
}

/// Reads one request head. `Ok(None)`: the client closed the connection (or stayed idle past
/// the timeout) between requests. `Err(status)`: the head is too large or malformed.
fn read_head(reader: &mut BufReader<TcpStream>) -> Result<Option<Request>, u16> {
    let mut head = Vec::with_capacity(1024);
    loop {
        let available = match reader.fill_buf() {
            Ok([]) => return if head.is_empty() { Ok(None) } else { Err(400) },
            Ok(bytes) => bytes,
            Err(_) => return if head.is_empty() { Ok(None) } else { Err(408) },
        };
        let room = MAX_HEAD + 4 - head.len();
        let take = available.len().min(room);
        let before = head.len();
        head.extend_from_slice(&available[..take]);
        // The end of the head may straddle two reads: look a few bytes back.
        let from = before.saturating_sub(3);
        if let Some(end) = head[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            let end = from + end + 4;
            reader.consume(end - before);
            head.truncate(end);
            return parse_head(&head).map(Some).ok_or(400);
        }
        reader.consume(take);
        if head.len() > MAX_HEAD {
            return Err(431);
        }
    }
}

/// Parses a complete request head with httparse (hyper's parser): the request line and the
/// headers, each at most [`MAX_HEADERS`].
fn parse_head(head: &[u8]) -> Option<Request> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut slots);
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return None,
    }
    let headers = parsed
        .headers
        .iter()
        .map(|h| {
            let value = std::str::from_utf8(h.value).ok()?;
            Some((h.name.to_string(), value.trim().to_string()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Request {
        method: parsed.method?.to_string(),
        target: parsed.path?.to_string(),
        headers,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `reply`; files are copied in blocks, each bounded by the write timeout.
fn send(
    writer: &mut TcpStream,
    reply: Reply,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let mut file = None;
    let length = match &reply.body {
        Body::Bytes(bytes) => Some(bytes.len() as u64),
        Body::File(path) => match std::fs::File::open(path) {
            Ok(f) => {
                let length = f.metadata()?.len();
                file = Some(f);
                Some(length)
            }
            Err(_) => Some(0),
        },
        Body::Stream(_) => None,
    };
    if let Some(length) = length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    let close = !keep_alive || length.is_none();
    head.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    writer.write_all(head.as_bytes())?;
    if head_only {
        return writer.flush();
    }
    match reply.body {
        Body::Bytes(bytes) => writer.write_all(&bytes)?,
        Body::File(_) => {
            if let Some(mut file) = file {
                let mut buffer = vec![0u8; 64 * 1024];
                loop {
                    let n = file.read(&mut buffer)?;
                    if n == 0 {
                        break;
                    }
                    writer.write_all(&buffer[..n])?;
                }
            }
        }
        Body::Stream(stream) => {
            // Each event (or the ping every 15 s) is one write, bounded by the write timeout.
            writer.flush()?;
            stream(writer);
        }
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_checked() {
        let local = Hosts::new("127.0.0.1".parse().unwrap(), None);
        for ok in [
            "localhost:4000",
            "127.0.0.1:4000",
            "[::1]:4000",
            "LOCALHOST",
            "127.0.0.1",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example:4000",
            "192.168.1.5:4000",
            "127.0.0.1.evil.example",
            "",
        ] {
            assert!(!local.allows(refused), "{refused}");
        }
        let configured = Hosts::new("127.0.0.1".parse().unwrap(), Some("qa.local"));
        assert!(configured.allows("qa.local:4000"));
        let everywhere = Hosts::new("0.0.0.0".parse().unwrap(), None);
        assert!(everywhere.allows("192.168.1.5:4000"));
        assert!(everywhere.allows("[fe80::1]:4000"));
        assert!(!everywhere.allows("evil.example:4000"));
    }

    #[test]
    fn request_heads_parse() {
        let request =
            parse_head(b"GET /a/?q=1 HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n").unwrap();
        assert_eq!(
            (request.method.as_str(), request.target.as_str()),
            ("GET", "/a/?q=1")
        );
        assert_eq!(request.header("host").collect::<Vec<_>>(), ["localhost"]);
        assert!(parse_head(b"GET /\r\n\r\n").is_none());
        assert!(parse_head(b"GET / HTTP/1.1\r\nno colon\r\n\r\n").is_none());
        assert!(
            parse_head(b"GET / HTTP/1.1\r\nHost: x\r\n").is_none(),
            "incomplete"
        );
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "A: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert!(parse_head(many.as_bytes()).is_none(), "too many headers");
    }
}
