//! No script from author input in any page (issue 16), through the binary as authors run it:
//! a site holding every payload that is allowed to build comes out inert, and every payload
//! that is an error stops the build with its place (file:line:col) and how to fix it.
//! `tests/browser/script-payloads.test.mjs` opens the same site in Chromium.

mod common;

use std::path::Path;

use common::{TestSite, stderr};
use qaportal::url_policy;

const FIXTURE: &str = "tests/fixtures/script-payloads";

/// Copies the payload site to a temporary folder (a build writes caches beside its source).
pub fn payload_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

/// Elements that would run, embed or fetch something, or restyle the page, if they reached a
/// page; none of them is in the built-in theme (its scripts are checked apart).
const FORBIDDEN: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "math",
    "template", "video", "audio", "source", "track", "marquee", "textarea", "portal",
];

/// Every attribute a browser reads as a URL, with whether it fetches it as the page loads.
fn url_attribute(tag: &str, attribute: &str, rel: &str) -> Option<bool> {
    let fetched_rel = [
        "stylesheet",
        "icon",
        "preload",
        "prefetch",
        "manifest",
        "preconnect",
    ];
    match attribute {
        "href" if tag == "link" => Some(fetched_rel.iter().any(|r| rel.contains(r))),
        "href" | "action" | "formaction" | "cite" => Some(false),
        "src" | "srcset" | "poster" | "data" | "background" | "ping" | "xlink:href" => Some(true),
        _ => None,
    }
}

/// What a browser would find in one page: no event handler, no element of [`FORBIDDEN`], every
/// URL allowed by the policy (only this site's for what loads), no inline script of ours
/// touched by author input.
fn assert_inert(page: &str, html: &str) {
    assert!(!html.contains("pwnedGlobal"), "{page}: {html}");
    let redirect = html.contains("<meta http-equiv=\"refresh\"");
    let head_end = html.find("</head>").unwrap_or(0);
    for tag in qaportal::markup::start_tags(html) {
        let name = tag.name.as_str();
        assert!(!FORBIDDEN.contains(&name), "{page}: <{name}>");
        let rel = tag
            .attributes
            .iter()
            .find(|(a, _)| a == "rel")
            .map_or(String::new(), |(_, v)| v.to_ascii_lowercase());
        for (attribute, value) in &tag.attributes {
            assert!(
                !attribute.starts_with("on"),
                "{page}: <{name} {attribute}={value:?}>"
            );
            if name == "meta" && attribute == "content" && !redirect {
                assert!(!value.to_ascii_lowercase().contains("url="), "{page}");
            }
            // The theme's empty favicon, which stops browsers asking for /favicon.ico, and the
            // presentation views' QR codes, drawn by the build as inline PNG images.
            if (name == "link" && value == "data:,")
                || (name == "img" && value.starts_with("data:image/png;base64,"))
            {
                continue;
            }
            match url_attribute(name, attribute, &rel) {
                Some(true) => assert!(
                    url_policy::check_resource(value).is_ok(),
                    "{page}: <{name} {attribute}={value:?}> loads from another site"
                ),
                Some(false) => assert!(
                    url_policy::check(value).is_ok(),
                    "{page}: <{name} {attribute}={value:?}>"
                ),
                None => {}
            }
        }
    }
    // The theme's scripts: in the head or at the end of the body, never with author text.
    for (i, _) in html.match_indices("<script") {
        let end = html[i..].find("</script>").map_or(html.len(), |e| i + e);
        let script = &html[i..end];
        assert!(!script.contains("pwned"), "{page}: {script}");
        assert!(
            i < head_end || !html[end..].contains("<main"),
            "{page}: a script before the content"
        );
    }
}

#[test]
fn the_payload_site_builds_and_every_page_is_inert() {
    let site = payload_site();
    let out = site.path().join("public");
    let output = common::qaportal()
        .current_dir(site.path())
        .args(["build", "--as-of", "2026-11-22", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    let mut pages = 0;
    let mut payloads_seen = 0;
    for (path, bytes) in common::tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        if path.ends_with(".html") {
            assert_inert(&path, &text);
            pages += 1;
            payloads_seen += text.matches("pwned").count();
        } else if path.ends_with(".xml") {
            // Feed and sitemap: escaped text, no markup of the author's.
            assert!(
                !text.contains("<script") && !text.contains("<img"),
                "{path}"
            );
        }
    }
    assert!(pages >= 15, "only {pages} pages");
    // The payloads are on the pages, as text: escaping, not dropping, kept what authors wrote.
    assert!(
        payloads_seen >= 40,
        "only {payloads_seen} payloads shown as text"
    );

    let article = std::fs::read_to_string(out.join("account/payloads/index.html")).unwrap();
    for text in [
        "<h1>转账失败&lt;/title&gt;&lt;script&gt;pwned(&#39;article title&#39;)&lt;/script&gt;</h1>",
        // Alt text and titles stay text inside their attribute.
        "alt=\"转账&quot; onerror=&quot;pwned('alt')\"",
        // feedback_url's placeholders are URL-encoded.
        "title=%E8%BD%AC%E8%B4%A6%E5%A4%B1%E8%B4%A5%3C%2Ftitle%3E%3Cscript%3E",
        // The diagram is drawn, its labels escaped.
        "<tspan x=\"162.5\" y=\"30.9\">开始&lt;img src=x</tspan>",
        "<h2 id=\"steps\">处理步骤</h2>",
    ] {
        assert!(article.contains(text), "{text} in {article}");
    }
    // A placeholder typed by the author is not replaced by a diagram.
    assert_eq!(article.matches("class=\"dg\"").count(), 1, "{article}");
    // Every page carries the Content-Security-Policy.
    assert!(
        article
            .contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self';")
    );
}

/// Builds the test site with `relative` written, expecting exit 1 and every `expected` text.
fn fails_with(files: &[(&str, &str)], expected: &[&str]) {
    let site = TestSite::new();
    for (relative, contents) in files {
        site.write(relative, contents);
    }
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "expected errors:\n{err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
}

const ARTICLE_HEAD: &str = "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n";

#[test]
fn heading_attributes_are_errors_in_every_kind_of_document() {
    let heading = "## 标题 {tabindex=0 autofocus onfocus=alert(1)}\n";
    let article = format!("{ARTICLE_HEAD}{heading}");
    let system = format!("---\ntitle: 账户\n---\n\n{heading}");
    let session = "---\ntitle: 直播\ndate: 2026-11-15\narticles: [KB-0001]\n---\n\n### 回顾 {.x onmouseover=alert(1)}\n";
    let weekly = "---\ntitle: 周报\n---\n\n# 本周 {#a\"b}\n";
    let expected = [
        "heading attributes are not published: `tabindex`, `autofocus`, `onfocus`",
        "content/account/bad.md:7:7",
        "content/account/_system.md:5:7",
        "heading attributes are not published: `.x`, `onmouseover`",
        "content/sessions/s.md:7:8",
        "content/weekly/2026-W47.md:5:6",
        "heading anchor `#a\"b` may only hold letters, digits, `-` and `_`",
        "a heading may only name its anchor, e.g. `## 处理步骤 {#steps}`",
    ];
    let files = [
        ("content/account/bad.md", article.as_str()),
        ("content/account/_system.md", system.as_str()),
        ("content/sessions/s.md", session),
        ("content/weekly/2026-W47.md", weekly),
    ];
    fails_with(&files, &expected);
    // Whatever raw_html says: the attributes are not raw HTML.
    let escape = format!("{}[markdown]\nraw_html = \"escape\"\n", common::CONFIG);
    let mut with_escape = files.to_vec();
    with_escape.push(("qaportal.toml", &escape));
    fails_with(&with_escape, &expected);
}

#[test]
fn autolinks_and_disguised_schemes_are_errors() {
    let body = format!(
        "{ARTICLE_HEAD}<javascript:alert(1)> <VBScript:msgbox(1)> <data:text/html,x> <file:///etc/passwd>\n\n\
         [a](java&#9;script:alert(1)) [b](<JaVaScRiPt:alert(1)>) [c](//evil.example.com/x)\n\n\
         ![d](/\\evil.example.com/x.png) ![e](data:image/png;base64,iVBO)\n"
    );
    fails_with(
        &[("content/account/bad.md", &body)],
        &[
            "`javascript:` links are not allowed",
            "content/account/bad.md:7:2",
            "`vbscript:` links are not allowed",
            "content/account/bad.md:7:24",
            "`data:` links are not allowed",
            "`file:` links are not allowed",
            "content/account/bad.md:9:1",
            "content/account/bad.md:9:35",
            "`//evil.example.com/x` starts with `//`, which browsers read as another site's address",
            "`/\\evil.example.com/x.png` contains `\\`, which browsers read as `/`",
            "`data:` images are not allowed",
            "content/account/bad.md:11:6",
            "content/account/bad.md:11:37",
            "pages may only point at http(s)://, mailto: and tel: addresses",
        ],
    );
}

#[test]
fn raw_html_that_would_fetch_from_another_site_is_an_error() {
    let body = format!(
        "{ARTICLE_HEAD}<p>图<img alt=\"x\"\n  src=\"https://evil.example.com/t.png\"></p>\n\n\
         > <img srcset=\"a.png 1x, https://evil.example.com/b.png 2x\">\n\n\
         文字 <video poster=\"//evil.example.com/p.png\"></video> <a href=\"&#106;avascript:alert(1)\">x</a>\n\n\
         <div style=\"background: url('https://evil.example.com/c.png')\">x</div>\n"
    );
    fails_with(
        &[("content/account/bad.md", &body)],
        &[
            "error[external-resource]: `<img src>` loads `https://evil.example.com/t.png` from another site",
            "content/account/bad.md:8:3",
            "pages must not load anything from other sites",
            "save the file next to the article (e.g. images/)",
            "`<img srcset>` loads `https://evil.example.com/b.png` from another site",
            "content/account/bad.md:10:8",
            "`<video poster>`: `//evil.example.com/p.png` starts with `//`",
            "content/account/bad.md:12:11",
            "`<a href>`: `javascript:` URLs are not allowed",
            "content/account/bad.md:12:57",
            "`<div style>` loads `https://evil.example.com/c.png` from another site",
            "content/account/bad.md:14:6",
        ],
    );
}

#[test]
fn a_replay_link_must_pass_the_policy() {
    let session = "---\ntitle: 直播\ndate: 2026-11-15\nreplay: \" javascript:alert(document.cookie)\"\narticles: [KB-0001]\n---\n";
    fails_with(
        &[("content/sessions/s.md", session)],
        &[
            "error[unsafe-url]: replay: `javascript:` links are not allowed",
            "content/sessions/s.md:4:9",
            "the session page links here",
        ],
    );
    let relative =
        "---\ntitle: 直播\ndate: 2026-11-15\nreplay: KB-0001\narticles: [KB-0001]\n---\n";
    fails_with(
        &[("content/sessions/s.md", relative)],
        &["replay link `KB-0001` is not a full address"],
    );
}

#[test]
fn config_urls_and_raw_html_allow_are_errors_at_their_key() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "feedback_url = \"JavaScript:alert('{id}')\"\n",
            &[
                "error[unsafe-url]: feedback_url: `javascript:` URLs are not allowed",
                "qaportal.toml:3:16",
                "this link is on every page",
            ],
        ),
        (
            "feedback_url = \"{title}:alert(1)\"\n",
            &["feedback_url: `{title}:alert(1)`", "qaportal.toml:3:16"],
        ),
        (
            "[markdown]\nraw_html = \"allow\"\n",
            &[
                "`raw_html = \"allow\"` is not supported: it would publish authors' scripts",
                "qaportal.toml:4:12",
                "use \"sanitize\"",
            ],
        ),
        (
            "",
            &["base_url `https://qa.example.com/\"onmouseover=\"x` contains `\\\"`"],
        ),
    ];
    for (i, (extra, expected)) in cases.into_iter().enumerate() {
        let config = if i == 3 {
            "title = \"测试\"\nbase_url = \"https://qa.example.com/\\\"onmouseover=\\\"x\"\n"
                .to_string()
        } else {
            format!("title = \"测试服务中心\"\nbase_url = \"https://qa.example.com/\"\n{extra}")
        };
        fails_with(&[("qaportal.toml", &config)], expected);
    }
}

#[test]
fn files_that_would_run_as_pages_of_the_site_are_errors() {
    let body = format!("{ARTICLE_HEAD}![流程](images/flow.svg)\n\n[说明](files/guide.html)\n");
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">\n\
               <rect width=\"10\" height=\"10\"/>\n\
               <a xlink:href=\"javascript:alert(1)\"><text onclick=\"alert(2)\">x</text></a>\n\
               </svg>\n";
    fails_with(
        &[
            ("content/account/bad.md", &body),
            ("content/account/images/flow.svg", svg),
            (
                "content/account/files/guide.html",
                "<script>alert(1)</script>",
            ),
        ],
        &[
            "error[unsafe-svg]: `<a xlink:href>`: `javascript:` URLs are not allowed",
            "content/account/images/flow.svg:3:1",
            "error[unsafe-svg]: `<text onclick>` is an event handler",
            "content/account/images/flow.svg:3:37",
            "readers who open this image on its own would run or load this",
            "error[unsafe-link]: content/account/files/guide.html would open as a page of this site",
            "content/account/bad.md:9:6",
        ],
    );
}
