//! `qaportal serve` as an author uses it: a browser asks for pages and listens for events while
//! files are saved.

mod common;

use std::collections::BTreeMap;

use common::{ARTICLE, Server, TestSite, request, tree};

const PAGE: &str = "/account/reset-password/";

#[test]
fn serves_the_site_with_the_reload_script_and_the_right_types() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &[]);

    let page = server.get(PAGE, "");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.body_text();
    assert!(html.contains("<h1>交易密码忘记了怎么办？</h1>"));
    assert!(
        html.contains("<script src=\"/__qaportal/reload.js\" data-base=\"/\"></script></body>")
    );

    let css = server.get("/static/style.css?v=1234", "");
    assert_eq!(
        (css.status, css.header("content-type")),
        (200, Some("text/css; charset=utf-8"))
    );
    let qr = server.get("/a/KB-0001/qr.svg", "");
    assert_eq!(qr.header("content-type"), Some("image/svg+xml"));
    let script = server.get("/__qaportal/reload.js", "");
    assert!(script.body_text().contains("EventSource"));

    let folder = server.get("/account", "");
    assert_eq!(
        (folder.status, folder.header("location")),
        (301, Some("/account/"))
    );
    let missing = server.get("/no/such/page/", "");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body_text().contains("reload.js"),
        "the site's 404 page, with the script"
    );
    // The search log's reports sent as image requests are answered with nothing, as the
    // documented web server lines do (the preview keeps no log).
    let beacon = server.get("/search/log?event=search&q=x", "");
    assert_eq!((beacon.status, beacon.body.len()), (204, 0));
}

#[test]
fn an_edit_is_on_the_next_request_and_reloads_open_pages() {
    let site = TestSite::new();
    site.write(
        "content/account/other.md",
        "---\nid: KB-0002\ntitle: 另一个问题\ncategory: 数据类\n---\n\n正文。\n",
    );
    let server = Server::start(site.root(), &[]);
    let events = server.events();

    site.write(
        "content/account/reset-password.md",
        ARTICLE.replace("交易密码忘记了怎么办？", "交易密码忘了怎么重置？"),
    );
    let reload = events.reload_of("account/reset-password/index.html");
    assert_eq!(
        reload["full"], false,
        "an edit of an answer is rebuilt incrementally"
    );
    let changed = reload["changed"].as_array().unwrap();
    // The other answer lists this one among its related answers, but its presentation view
    // and QR code do not show it; neither does this answer's QR code change.
    for unchanged in [
        "a/KB-0002/present/index.html",
        "a/KB-0002/qr.svg",
        "a/KB-0001/qr.svg",
    ] {
        assert!(
            !changed.iter().any(|f| f == unchanged),
            "{unchanged}: {reload}"
        );
    }
    assert!(
        changed
            .iter()
            .any(|f| f == "account/reset-password/index.html"),
        "{reload}"
    );
    assert!(
        changed.iter().any(|f| f == "account/index.html"),
        "the system page lists the title: {reload}"
    );
    assert!(
        server
            .get(PAGE, "")
            .body_text()
            .contains("<h1>交易密码忘了怎么重置？</h1>")
    );

    // Editors that save to a temporary file and rename it over the original.
    let temporary = site.path("content/account/.reset-password.md.swp");
    std::fs::write(
        &temporary,
        ARTICLE.replace("交易密码忘记了怎么办？", "改名保存的标题"),
    )
    .unwrap();
    std::fs::rename(&temporary, site.path("content/account/reset-password.md")).unwrap();
    events.reload_of("account/reset-password/index.html");
    assert!(
        server
            .get(PAGE, "")
            .body_text()
            .contains("<h1>改名保存的标题</h1>")
    );
}

#[test]
fn a_broken_edit_keeps_the_last_good_page_and_shows_the_errors_until_fixed() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &[]);
    let events = server.events();

    let broken = format!("{ARTICLE}\n见[风险测评](KB-0404)。客户手机 13812345678。\n");
    site.write(
        "content/account/reset-password.md",
        broken.replace("交易密码忘记了怎么办？", "改坏了"),
    );
    let problems = events.next("problems");
    let text = problems["text"].as_str().unwrap();
    assert!(
        text.contains("error[broken-link]: no article has the id KB-0404"),
        "{text}"
    );
    assert!(
        text.contains("content/account/reset-password.md:18:9"),
        "{text}"
    );
    assert!(text.contains("138****5678"), "{text}");
    assert_eq!(problems["summary"], "2 errors");
    let page = server.get(PAGE, "").body_text();
    assert!(
        page.contains("<h1>交易密码忘记了怎么办？</h1>"),
        "the last good page stays"
    );

    // A page opened while the build is broken shows the errors at once.
    let later = server.events();
    assert!(
        later.next("problems")["text"]
            .as_str()
            .unwrap()
            .contains("KB-0404")
    );

    site.write(
        "content/account/reset-password.md",
        ARTICLE.replace("交易密码忘记了怎么办？", "修好了"),
    );
    events.reload_of("account/reset-password/index.html");
    later.reload_of("account/reset-password/index.html");
    assert!(server.get(PAGE, "").body_text().contains("<h1>修好了</h1>"));
    server.wait_stderr("still serving the last good site");
}

#[test]
fn new_and_deleted_answers_rebuild_the_whole_site() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write(
        "content/account/new.md",
        "---\nid: KB-0002\ntitle: 新问题\ncategory: 咨询类\n---\n\n新答案。\n",
    );
    events.reload_until(|| server.get("/account/new/", "").status == 200);
    assert!(server.get("/account/", "").body_text().contains("新问题"));
    site.remove("content/account/new.md");
    events.reload_until(|| server.get("/account/new/", "").status == 404);
    assert!(!server.get("/account/", "").body_text().contains("新问题"));
}

#[test]
fn nothing_outside_the_output_is_served() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &[]);
    for path in [
        "/../qaportal.toml",
        "/account/../../qaportal.toml",
        "/%2e%2e/qaportal.toml",
        "/account/%2E%2E%2F%2E%2E%2Fqaportal.toml",
        "/..%5c..%5cqaportal.toml",
        "/%252e%252e/qaportal.toml",
        "/content/account/reset-password.md",
        "/qaportal.toml",
        "../qaportal.toml",
    ] {
        let response = request(
            server.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        );
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: {}",
            response.status
        );
        assert!(
            !response.body_text().contains("base_url"),
            "{path} leaked the config"
        );
    }
}

#[test]
fn precompressed_siblings_are_sent_to_browsers_that_accept_them() {
    let site = TestSite::new();
    site.write(
        "qaportal.toml",
        format!("{}theme = \"t\"\n", common::CONFIG),
    );
    site.write("themes/t/static/app.js", "console.log(1);\n");
    site.write("themes/t/static/app.js.gz", b"\x1f\x8bgzip");
    site.write("themes/t/static/app.js.br", b"brotli");
    let server = Server::start(site.root(), &[]);

    let br = server.get("/static/app.js", "Accept-Encoding: gzip, deflate, br\r\n");
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(
        br.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(br.body, b"brotli");
    let gzip = server.get("/static/app.js", "Accept-Encoding: gzip, br;q=0\r\n");
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    let plain = server.get("/static/app.js", "");
    assert_eq!(
        (plain.header("content-encoding"), plain.body_text().as_str()),
        (None, "console.log(1);\n")
    );
}

#[test]
fn binding_beyond_this_machine_warns() {
    let site = TestSite::new();
    let server = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    assert_eq!(server.get("/", "").status, 200);
    server.wait_stderr("warning: listening on 0.0.0.0");
}

#[test]
fn the_preview_script_and_overlay_never_reach_the_built_site() {
    let site = TestSite::new();
    site.build_ok();
    for (path, bytes) in tree(&site.path("public")) {
        let text = String::from_utf8_lossy(&bytes);
        for needle in ["__qaportal", "qaportal-overlay", "EventSource", "reload.js"] {
            assert!(!text.contains(needle), "{path} contains {needle}");
        }
    }
}

/// Copies the sample knowledge base (content, tickets, config) into a temporary site.
fn sample_site() -> TestSite {
    let site = TestSite::new();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "data"] {
        std::fs::remove_dir_all(site.path(dir)).ok();
        for (relative, bytes) in tree(&repo.join(dir)) {
            site.write(&format!("{dir}/{relative}"), bytes);
        }
    }
    site.write(
        "qaportal.toml",
        std::fs::read(repo.join("qaportal.toml")).unwrap(),
    );
    site
}

#[test]
fn incremental_rebuilds_give_what_a_full_build_gives() {
    let site = sample_site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    let edit = |path: &str, from: &str, to: &str| {
        let text = site.read(path);
        assert!(text.contains(from), "{path} has {from:?}");
        site.write(path, text.replacen(from, to, 1));
        let reload = events.next("reload");
        assert_eq!(reload["full"], false, "{reload}");
    };
    // An answer on a weekly page, in a live session and in the feed: title, date, a step.
    edit(
        "content/app-security/app-crash.md",
        "title: ",
        "title: 改：",
    );
    let updated = site
        .read("content/app-security/app-crash.md")
        .lines()
        .find(|l| l.starts_with("updated: "))
        .unwrap()
        .to_string();
    edit(
        "content/app-security/app-crash.md",
        &updated,
        "updated: 2026-11-20",
    );
    edit(
        "content/app-security/app-crash.md",
        "\n1. ",
        "\n1. 先重启手机。\n1. ",
    );
    // An answer on the home page's hot list.
    edit("content/ipo/allotment-payment.md", "title: ", "title: 改：");

    let port = server.port.to_string();
    let out = site.path("full");
    let output = site.run(&[
        "build",
        "--as-of",
        "2026-11-22",
        "--quiet",
        "--out",
        "full",
        "--base-url",
        &format!("http://127.0.0.1:{port}/"),
    ]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let script = "<script src=\"/__qaportal/reload.js\" data-base=\"/\"></script>";
    let files = tree(&out);
    // The search index follows the pages' reload.
    let manifest = &files["search/manifest.json"];
    let deadline = std::time::Instant::now() + common::PATIENCE;
    while &server.get("/search/manifest.json", "").body != manifest {
        assert!(
            std::time::Instant::now() < deadline,
            "the search index never caught up"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(files.len() > 300);
    for (path, bytes) in files {
        // The service worker's version is a hash of the whole output, taken by full builds
        // only: a preview keeps the worker of its last full build (see src/offline.rs).
        if path == ".qaportal-output" || path == qaportal::offline::WORKER_FILE {
            continue;
        }
        let served = server.get(&format!("/{path}"), "");
        assert_eq!(served.status, 200, "{path}");
        // Related answers are found again by full builds only (see serve::state).
        let (body, bytes) = if path.ends_with(".html") {
            let served = without_related(&served.body_text().replacen(script, "", 1));
            (served, without_related(&String::from_utf8(bytes).unwrap()))
        } else {
            (served.body, bytes)
        };
        assert!(body == bytes, "{path} differs from a full build");
    }
}

#[test]
fn the_index_announces_only_the_files_whose_bytes_changed() {
    let site = sample_site();
    let index_of = |out: &str| -> BTreeMap<String, (String, Vec<u8>)> {
        let output = site.run(&["build", "--as-of", "2026-11-22", "--quiet", "--out", out]);
        assert!(output.status.success(), "{}", common::stderr(&output));
        tree(&site.path(out))
            .into_iter()
            .filter(|(path, _)| path.starts_with("search/") && !path.ends_with(".html"))
            .map(|(path, bytes)| (within_folder(&path).to_string(), (path, bytes)))
            .collect()
    };
    let before = index_of("before");
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    // One answer's body gains a sentence.
    let path = "content/app-security/app-crash.md";
    let text = site.read(path);
    site.write(
        path,
        format!("{text}\n遇到闪退时可以先卸载重装，再清理缓存。\n"),
    );
    let reload = events.reload_of("search/manifest.json");
    let mut announced: Vec<String> = reload["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    announced.sort();

    let after = index_of("after");
    // What really differs: files of the new index whose bytes the old one did not have at the
    // same place in its folder, and files of the old one that are gone.
    let mut expected: Vec<String> = after
        .iter()
        .filter(|(within, (_, bytes))| before.get(*within).map(|(_, b)| b) != Some(bytes))
        .map(|(_, (path, _))| path.clone())
        .chain(
            before
                .iter()
                .filter(|(within, _)| !after.contains_key(*within))
                .map(|(_, (path, _))| path.clone()),
        )
        .collect();
    expected.sort();
    assert_eq!(announced, expected);
    // Every path moved with the folder; the files that only moved are not announced. (On the
    // sample most files do change: lunr stores weights normalised by the fields' average
    // length, which any body edit moves.)
    assert!(
        expected.len() < after.len(),
        "{} of {} files changed",
        expected.len(),
        after.len()
    );
    // The served index is the built one.
    for (path, bytes) in after.values() {
        assert!(&server.get(&format!("/{path}"), "").body == bytes, "{path}");
    }
}

/// A path of the search index without its digest folder (`search/2d5824ca6d2b/t/a.json` →
/// `t/a.json`).
fn within_folder(path: &str) -> &str {
    let relative = path.strip_prefix("search/").unwrap();
    relative.split_once('/').map_or(relative, |(_, rest)| rest)
}

fn without_related(html: &str) -> Vec<u8> {
    let start = "<section aria-labelledby=\"related-heading\">";
    match html.find(start) {
        Some(i) => {
            let end = i + html[i..].find("</section>").unwrap() + "</section>".len();
            format!("{}{}", &html[..i], &html[end..]).into_bytes()
        }
        None => html.as_bytes().to_vec(),
    }
}
