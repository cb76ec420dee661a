//! The preview's HTTP side: files from memory, the reload script, and the event stream that
//! tells open pages to reload or to show the build's errors.
//!
//! The transport (connections, limits, the `Host` check) is in [`super::connection`]; this
//! module decides what each request gets.
//!
//! Only the output's own files can be served: a request path is decoded, refused with 400
//! when it has `..`, `.`, a backslash or a NUL, and then looked up in the output's map of files;
//! nothing is ever opened by a path taken from a request.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use percent_encoding::percent_decode_str;

use super::connection::{Body, Hosts, Reply, Request};
use super::state::{Files, Served};

/// Where the preview's own endpoints live; no site path starts with it.
pub const PREFIX: &str = "/__qaportal/";
const SCRIPT: &str = include_str!("reload.js");

/// What the request threads share with the rebuild loop.
pub struct Shared {
    pub files: Arc<RwLock<Files>>,
    /// The base path of the site's URLs (`/` or `/help/`).
    base_path: String,
    /// The open event streams.
    streams: Mutex<Vec<Sender<String>>>,
    /// The current build's errors as an event, sent to pages that connect while it fails.
    problems: Mutex<Option<String>>,
}

impl Shared {
    pub fn new(base_path: String) -> Shared {
        Shared {
            files: Arc::new(RwLock::new(Files::new())),
            base_path,
            streams: Mutex::new(Vec::new()),
            problems: Mutex::new(None),
        }
    }

    /// Tells every open page that these output files changed; pages showing one reload.
    pub fn reload(&self, changed: &[String], full: bool) {
        *self.problems.lock().expect("not poisoned") = None;
        let data = serde_json::json!({ "changed": changed, "full": full });
        self.send(&format!("event: reload\ndata: {data}\n\n"));
    }

    /// Shows the build's errors over every open page, and over pages opened until it is fixed.
    pub fn fail(&self, summary: &str, text: &str) {
        let data = serde_json::json!({ "summary": summary, "text": text });
        let event = format!("event: problems\ndata: {data}\n\n");
        *self.problems.lock().expect("not poisoned") = Some(event.clone());
        self.send(&event);
    }

    fn send(&self, event: &str) {
        let mut streams = self.streams.lock().expect("not poisoned");
        // A stream whose page went away has dropped its receiver.
        streams.retain(|stream| stream.send(event.to_string()).is_ok());
    }
}

/// A bound server; requests are answered once [`Server::start`] is called.
pub struct Server {
    server: super::connection::Server,
}

impl Server {
    pub fn bind(address: SocketAddr) -> Result<Server, String> {
        Ok(Server {
            server: super::connection::Server::bind(address)?,
        })
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    pub fn start(&self, shared: &Arc<Shared>, hosts: Hosts) -> Result<(), String> {
        let shared = Arc::clone(shared);
        self.server
            .start(hosts, move |request| handle(request, &shared))
    }
}

fn handle(request: &Request, shared: &Arc<Shared>) -> Reply {
    let path = request.target.split(['?', '#']).next().unwrap_or("");
    if path == format!("{PREFIX}events") {
        return events(shared);
    }
    if path == format!("{PREFIX}reload.js") {
        return Reply::new(200, SCRIPT.as_bytes().to_vec())
            .with("Content-Type", "text/javascript; charset=utf-8")
            .with("Cache-Control", "no-store");
    }
    match resolve(path, &shared.base_path) {
        Err(status) => plain(status),
        Ok(key) => file_response(request, shared, &key, path),
    }
}

fn plain(status: u16) -> Reply {
    let text = match status {
        400 => "bad request",
        _ => "not found",
    };
    Reply::new(status, text.as_bytes().to_vec()).with("Content-Type", "text/plain; charset=utf-8")
}

/// The output file a request path names, or the status to answer with.
pub fn resolve(path: &str, base_path: &str) -> Result<String, u16> {
    if !path.starts_with('/') {
        return Err(400);
    }
    let decoded = percent_decode_str(path).decode_utf8().map_err(|_| 400u16)?;
    if decoded.contains(['\\', '\0'])
        || decoded
            .split('/')
            .any(|segment| segment == ".." || segment == ".")
    {
        return Err(400);
    }
    let relative = decoded
        .strip_prefix(base_path)
        .or_else(|| (format!("{decoded}/") == base_path).then_some(""))
        .ok_or(404u16)?;
    if relative.is_empty() || relative.ends_with('/') {
        Ok(format!("{relative}index.html"))
    } else {
        Ok(relative.to_string())
    }
}

fn file_response(request: &Request, shared: &Shared, key: &str, path: &str) -> Reply {
    let files = shared.files.read().expect("not poisoned");
    if files.is_empty() {
        // No build has succeeded yet: a page that shows the errors and waits for the fix.
        drop(files);
        return html_response(
            500,
            b"<!doctype html><meta charset=\"utf-8\"><title>qaportal</title><body></body>",
            &shared.base_path,
        );
    }
    let accepts = |encoding: &str| {
        request
            .header("Accept-Encoding")
            .flat_map(|value| value.split(','))
            .any(|e| {
                let mut parts = e.split(';');
                let name = parts.next().unwrap_or("").trim();
                let refused =
                    parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                name == encoding && !refused
            })
    };
    let Some(served) = files.get(key) else {
        // `/trading` for the folder `/trading/`.
        if files.contains_key(&format!("{key}/index.html")) {
            return Reply::new(301, Vec::new()).with("Location", format!("{path}/"));
        }
        return match files.get("404.html") {
            Some(page) => html_response(404, &bytes(page), &shared.base_path),
            None => plain(404),
        };
    };
    let content_type = mime(key);
    if key.ends_with(".html") {
        return html_response(200, &bytes(served), &shared.base_path);
    }
    // Precompressed siblings (`.br`, `.gz`) when the browser takes them.
    for (encoding, suffix) in [("br", ".br"), ("gzip", ".gz")] {
        if accepts(encoding)
            && let Some(compressed) = files.get(&format!("{key}{suffix}"))
        {
            return body(compressed)
                .with("Content-Type", content_type)
                .with("Content-Encoding", encoding)
                .with("Vary", "Accept-Encoding")
                .with("Cache-Control", "no-cache");
        }
    }
    body(served)
        .with("Content-Type", content_type)
        .with("Cache-Control", "no-cache")
}

/// A file of the output as a reply: from memory, or streamed from the site source (images and
/// attachments, possibly large).
fn body(served: &Served) -> Reply {
    match served {
        Served::Bytes(bytes) => Reply::new(200, bytes.to_vec()),
        Served::File(path) => Reply {
            status: 200,
            headers: Vec::new(),
            body: Body::File(path.clone()),
        },
    }
}

fn bytes(served: &Served) -> Vec<u8> {
    match served {
        Served::Bytes(bytes) => bytes.to_vec(),
        Served::File(path) => std::fs::read(path).unwrap_or_default(),
    }
}

/// An HTML page with the reload script, which only the preview adds.
fn html_response(status: u16, html: &[u8], base_path: &str) -> Reply {
    let script = format!("<script src=\"{PREFIX}reload.js\" data-base=\"{base_path}\"></script>");
    let mut body = html.to_vec();
    let at = find_last(&body, b"</body>").unwrap_or(body.len());
    body.splice(at..at, script.into_bytes());
    Reply::new(status, body)
        .with("Content-Type", "text/html; charset=utf-8")
        .with("Cache-Control", "no-cache")
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn mime(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Server-sent events: the response stays open and gets an event per rebuild.
fn events(shared: &Arc<Shared>) -> Reply {
    let (sender, receiver) = channel();
    if let Some(problems) = shared.problems.lock().expect("not poisoned").clone() {
        let _ = sender.send(problems);
    }
    shared.streams.lock().expect("not poisoned").push(sender);
    Reply {
        status: 200,
        headers: vec![
            ("Content-Type", "text/event-stream".into()),
            ("Cache-Control", "no-store".into()),
        ],
        body: Body::Stream(Box::new(move |writer: &mut dyn Write| {
            if writer
                .write_all(b"retry: 1000\n\n")
                .and_then(|()| writer.flush())
                .is_ok()
            {
                stream(writer, &receiver);
            }
        })),
    }
}

fn stream(writer: &mut dyn Write, receiver: &Receiver<String>) {
    loop {
        let event = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event,
            // A comment now and then finds out when the page went away.
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if writer
            .write_all(event.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_output_files() {
        assert_eq!(resolve("/", "/"), Ok("index.html".into()));
        assert_eq!(resolve("/trading/", "/"), Ok("trading/index.html".into()));
        assert_eq!(
            resolve("/static/style.css", "/"),
            Ok("static/style.css".into())
        );
        assert_eq!(resolve("/%E5%9B%BE.png", "/"), Ok("图.png".into()));
        assert_eq!(
            resolve("/help/trading/", "/help/"),
            Ok("trading/index.html".into())
        );
        assert_eq!(resolve("/help", "/help/"), Ok("index.html".into()));
        assert_eq!(resolve("/trading/", "/help/"), Err(404));
    }

    #[test]
    fn traversal_is_refused() {
        for path in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a\\..\\b",
            "/a/./b",
            "/%00",
            "x",
            "/%ff",
        ] {
            assert_eq!(resolve(path, "/"), Err(400), "{path}");
        }
        // Decoded once only: what is left is a name no output file has.
        assert_eq!(resolve("/%252e%252e/x", "/"), Ok("%2e%2e/x".into()));
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let response = html_response(200, b"<html><body><p>x</p></body></html>", "/");
        let Body::Bytes(body) = response.body else {
            panic!("a page is bytes")
        };
        let body = String::from_utf8(body).unwrap();
        assert!(body.ends_with("<p>x</p><script src=\"/__qaportal/reload.js\" data-base=\"/\"></script></body></html>"), "{body}");
    }
}
