//! Raw HTML in answers: sanitized whatever it holds, and its links and images resolved like
//! markdown's, so that a pasted `<a href="KB-0042">` or `<img src="images/a.png">` works on the
//! published site (under any base path) and one that leads nowhere is an error.

mod common;

use common::{TestSite, stderr};

#[test]
fn raw_html_is_sanitized_by_default_and_configurable() {
    let site = TestSite::new();
    let body = "---\nid: KB-0002\ntitle: HTML\ncategory: 咨询类\n---\n\n<div onclick=\"steal()\">提示<script>alert(1)</script></div>\n\n<details><summary>更多</summary>\n\n内容\n\n</details>\n";
    site.write("content/account/html.md", body);
    site.build_ok();
    let html = site.read("public/account/html/index.html");
    assert!(
        !html.contains("onclick") && !html.contains("alert(1)"),
        "{html}"
    );
    assert!(html.contains("<details><summary>更多</summary>"));

    site.write(
        "qaportal.toml",
        format!("{}[markdown]\nraw_html = \"escape\"\n", common::CONFIG),
    );
    site.build_ok();
    let html = site.read("public/account/html/index.html");
    assert!(html.contains("&lt;div onclick="), "escaped as text");
}

#[test]
fn raw_html_links_and_images_resolve_like_markdown_under_the_base_path() {
    let site = TestSite::new();
    site.write("content/account/images/login.png", b"\x89PNG fake");
    site.write(
        "content/account/raw.md",
        "---\nid: KB-0002\ntitle: HTML\ncategory: 咨询类\n---\n\n\
         <p><a href=\"KB-0001#step-2\">见</a> <a href=\"/hot/\">热点</a> \
         <img src=\"images/login.png\" alt=\"登录页\"> <a href=\"https://example.com/\">外站</a></p>\n\n\
         正文里也可以 <a href=\"KB-0001\">行内链接</a>。\n",
    );
    let output = site.run(&[
        "build",
        "--as-of",
        "2026-11-22",
        "--base-url",
        "https://example.com/help",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = site.read("public/account/raw/index.html");
    for written in [
        "<a href=\"/help/account/reset-password/#step-2\">见</a>",
        "<a href=\"/help/hot/\">热点</a>",
        "<img src=\"/help/account/images/login.png\" alt=\"登录页\">",
        "<a href=\"https://example.com/\">外站</a>",
        "<a href=\"/help/account/reset-password/\">行内链接</a>",
    ] {
        assert!(html.contains(written), "expected {written} in:\n{html}");
    }
    // The image only raw HTML uses is published with the page.
    assert_eq!(
        std::fs::read(site.path("public/account/images/login.png")).unwrap(),
        b"\x89PNG fake"
    );
}

#[test]
fn a_raw_html_link_or_image_that_leads_nowhere_is_an_error_at_its_place() {
    let site = TestSite::new();
    site.write(
        "content/account/raw.md",
        "---\nid: KB-0002\ntitle: HTML\ncategory: 咨询类\n---\n\n\
         <div>\n<a href=\"KB-0999\">坏链接</a>\n<img src=\"images/none.png\">\n\
         <a href=\"KB-0001#no-such-step\">坏锚点</a>\n</div>\n",
    );
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for expected in [
        "no article has the id KB-0999",
        "content/account/raw.md:8:4",
        "missing image",
        "content/account/raw.md:9:6",
        "no-such-step",
    ] {
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }
}

#[test]
fn an_unsafe_raw_html_link_is_reported_once_and_removed() {
    let site = TestSite::new();
    site.write(
        "content/account/raw.md",
        "---\nid: KB-0002\ntitle: HTML\ncategory: 咨询类\n---\n\n<a href=\"javascript:alert(1)\">点我</a>\n",
    );
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("error[unsafe-link]").count(), 1, "{err}");
}
