//! `qaportal serve` against careless and hostile clients and file operations: each case with
//! what the user (or the attacker's page) gets.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{ARTICLE, PATIENCE, Server, TestSite, request};

const PAGE: &str = "/account/reset-password/";

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

#[test]
fn other_host_names_are_refused() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    // A page on attacker.example whose name now resolves to 127.0.0.1 (DNS rebinding).
    let response = request(
        port,
        &format!(
            "GET {PAGE} HTTP/1.1\r\nHost: attacker.example:{port}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(response.status, 421);
    assert!(
        response
            .body_text()
            .contains("this preview answers only to its own address"),
        "{}",
        response.body_text()
    );
    assert!(!response.body_text().contains("交易密码"));
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let response = request(
            port,
            &format!("GET {PAGE} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(response.status, 200, "{host}");
    }
}

#[test]
fn a_request_head_without_end_is_cut_off() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &[]);
    // A request line that never ends: answered 431 after 16 KB, not read on for ever.
    let mut stream = connect(server.port);
    stream.write_all(b"GET /").unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..16 {
        if stream.write_all(&chunk).is_err() {
            break; // the server has closed the connection
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 431 "),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    // A head that stops half-way is closed after the read timeout (10 s).
    let mut idle = connect(server.port);
    idle.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = idle.read_to_end(&mut answer);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // The server still answers.
    assert_eq!(server.get(PAGE, "").status, 200);
}

#[test]
fn slow_readers_of_a_large_image_do_not_freeze_the_preview() {
    let site = TestSite::new();
    // A 40 MB image: more than the socket buffers of 6 connections hold.
    let mut image = vec![0u8; 40 * 1024 * 1024];
    image[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    site.write("content/account/big.png", &image);
    site.write(
        "content/account/reset-password.md",
        ARTICLE.replace("## 处理步骤", "![图](big.png)\n\n## 处理步骤"),
    );
    let server = Server::start(site.root(), &[]);
    // Six readers ask for the image and read nothing.
    let readers: Vec<TcpStream> = (0..6)
        .map(|_| {
            let mut s = connect(server.port);
            s.write_all(b"GET /account/big.png HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    for _ in 0..5 {
        assert_eq!(server.get(PAGE, "").status, 200);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "pages took {:?} while slow readers wait",
        started.elapsed()
    );
    drop(readers);
    // One that reads gets the whole file, streamed.
    let image_back = server.get("/account/big.png", "");
    assert_eq!(image_back.body.len(), image.len());
}

#[test]
fn edits_after_content_is_deleted_and_restored_are_picked_up() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get(PAGE, "").status, 200);

    std::fs::rename(site.path("content"), site.path("content.bak")).unwrap();
    server.wait_stderr("no content folder");
    std::fs::rename(site.path("content.bak"), site.path("content")).unwrap();
    let deadline = Instant::now() + PATIENCE;
    while server.stderr().matches("built the site").count() < 2 {
        assert!(Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }

    // An edit inside the restored folder shows on the next request.
    site.write(
        "content/account/reset-password.md",
        ARTICLE.replace("交易密码忘记了怎么办？", "恢复之后的新标题"),
    );
    let deadline = Instant::now() + PATIENCE;
    loop {
        if server
            .get(PAGE, "")
            .body_text()
            .contains("恢复之后的新标题")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the edit was never picked up:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
