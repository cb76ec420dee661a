//! Helpers for tests that run the `qaportal` binary on small sites in temporary folders.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub const CONFIG: &str = "title = \"测试服务中心\"\nbase_url = \"https://qa.example.com/\"\n\
feedback_url = \"https://itsm.example.com/new?article={id}&title={title}\"\n";

pub const SYSTEM: &str = "---\ntitle: 账户\ndescription: 账户相关问题。\norder: 1\n---\n";

pub const ARTICLE: &str = "---
id: KB-0001
title: 交易密码忘记了怎么办？
category: 咨询类
aliases: [/faq/mima.html, /old/password]
---

## 问题描述

客户提示交易密码错误。

## 处理步骤

1. 打开 APP 点击“忘记密码”。
2. 完成身份验证。
3. 设置新密码。
";

/// A small valid site: one system, one article.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    pub fn new() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write("qaportal.toml", CONFIG);
        site.write("content/account/_system.md", SYSTEM);
        site.write("content/account/reset-password.md", ARTICLE);
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative)).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Runs `qaportal <args>` in the site folder with a fixed date.
    pub fn run(&self, args: &[&str]) -> Output {
        qaportal()
            .current_dir(self.root())
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("qaportal runs")
    }

    pub fn build(&self) -> Output {
        self.run(&["build", "--as-of", "2026-11-22"])
    }

    /// Builds and fails the test with the output if the build does not succeed.
    pub fn build_ok(&self) -> Output {
        let output = self.build();
        assert!(
            output.status.success(),
            "build failed:\n{}",
            stderr(&output)
        );
        output
    }
}

pub fn qaportal() -> Command {
    Command::cargo_bin("qaportal").expect("binary built")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The site a build of `site`'s source gives without any cache: its `content/` and
/// `qaportal.toml` copied to a fresh folder and built there, to compare a cached build with.
pub fn fresh_build(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().unwrap();
    for (path, bytes) in tree(site.root()) {
        if path.starts_with("content/") || path == "qaportal.toml" {
            let to = copy.path().join(&path);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, bytes).unwrap();
        }
    }
    let output = qaportal()
        .current_dir(copy.path())
        .args(["build", "--as-of", "2026-11-22"])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    tree(&copy.path().join("public"))
}

/// Every file under `dir` with its bytes, to compare whole outputs.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A running `qaportal serve` on a free port, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub port: u16,
    /// What the server printed on stderr, collected by a thread.
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

/// Long enough for a loaded 2-core machine; every wait polls and returns as soon as it can.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

impl Server {
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        use std::io::{BufRead, Read};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qaportal"))
            .current_dir(root)
            .args(["serve", "--port", "0", "--as-of", "2026-11-22"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("qaportal serve starts");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let collected = std::sync::Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n) = err.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                collected
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let (sender, receiver) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = sender.send(line);
            }
        });
        let line = receiver.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!(
                "serve printed no address; stderr:\n{}",
                stderr.lock().unwrap()
            )
        });
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server {
            child,
            port,
            stderr,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until the server has printed `needle` on stderr.
    pub fn wait_stderr(&self, needle: &str) {
        let deadline = std::time::Instant::now() + PATIENCE;
        while !self.stderr().contains(needle) {
            assert!(
                std::time::Instant::now() < deadline,
                "no {needle:?} in:\n{}",
                self.stderr()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// `GET path` with the given extra header lines; (status, headers in lower case, body).
    pub fn get(&self, path: &str, headers: &str) -> Response {
        request(
            self.port,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n"
            ),
        )
    }

    /// Opens the event stream, as an open page does.
    pub fn events(&self) -> Events {
        use std::io::{BufRead, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .write_all(b"GET /__qaportal/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        // The server registers the stream before it answers: once the head is here, no event
        // can be missed.
        let mut reader = std::io::BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::new();
            let mut data = String::new();
            for line in reader.lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data = value.to_string();
                } else if line.is_empty() && !event.is_empty() {
                    let parsed = serde_json::from_str(&data).unwrap_or(serde_json::Value::Null);
                    if sender.send((std::mem::take(&mut event), parsed)).is_err() {
                        break;
                    }
                }
            }
        });
        Events { receiver }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `raw` as is (so that paths are not normalised as a client library would) and reads
/// the response until the server closes the connection.
pub fn request(port: u16, raw: &str) -> Response {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("server listens");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(&bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

/// The events a page receives.
pub struct Events {
    receiver: std::sync::mpsc::Receiver<(String, serde_json::Value)>,
}

impl Events {
    /// The next `reload` event that names `file` among the changed output files.
    pub fn reload_of(&self, file: &str) -> serde_json::Value {
        loop {
            let reload = self.next("reload");
            let changed = reload["changed"].as_array().cloned().unwrap_or_default();
            if reload["full"] == true || changed.iter().any(|f| f == file) {
                return reload;
            }
        }
    }

    /// Waits for `reload` events until `done` holds. One save can arrive as two batches of
    /// file events (a create, then the write), so it can give two reloads: the first one
    /// alone does not say the site is in its final state.
    pub fn reload_until(&self, mut done: impl FnMut() -> bool) {
        while !done() {
            self.next("reload");
        }
    }

    /// The next event named `name`, skipping others.
    pub fn next(&self, name: &str) -> serde_json::Value {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.receiver.recv_timeout(left) {
                Ok((event, data)) if event == name => return data,
                Ok(_) => continue,
                Err(_) => panic!("no `{name}` event"),
            }
        }
    }
}

/// Build options that load, validate and render the site at `root` without writing it, as of
/// the sample's last week with tickets: for tests that look at a build's stages from inside.
pub fn stages_only(root: PathBuf) -> qaportal::build::Options {
    qaportal::build::Options {
        root,
        out: None,
        base_url: None,
        as_of: jiff::civil::date(2026, 11, 22),
        drafts: false,
        lints: qaportal::lint::Set::Publish,
        produce: false,
    }
}
