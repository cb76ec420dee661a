//! The build as a user runs it: what it writes, and that it never loses the previous site.

mod common;

use common::{TestSite, qaportal, stderr, stdout, tree};

#[test]
fn writes_the_expected_pages() {
    let site = TestSite::new();
    let output = site.build_ok();
    assert!(stdout(&output).contains("built "), "{}", stdout(&output));

    let article = site.read("public/account/reset-password/index.html");
    assert!(article.contains("<h1>交易密码忘记了怎么办？</h1>"));
    assert!(
        article.contains("<h2 id=\"处理步骤\">处理步骤</h2>"),
        "Chinese heading anchors"
    );
    assert!(article.contains("<li id=\"step-1\" class=\"step\">打开 APP 点击“忘记密码”。</li>"));
    assert!(article.contains("<li id=\"step-3\" class=\"step\">"));
    assert!(article.contains(">咨询类<"), "category shown");
    assert!(
        article
            .contains("https://itsm.example.com/new?article=KB-0001&amp;title=%E4%BA%A4%E6%98%93"),
        "feedback link with the id and title filled in"
    );
    assert!(article.contains("lang=\"zh-CN\""));

    let system = site.read("public/account/index.html");
    assert!(system.contains("href=\"/account/reset-password/\""));
    assert!(system.contains("咨询类"));

    let home = site.read("public/index.html");
    assert!(home.contains("href=\"/account/\""));
    assert!(
        home.contains("action=\"/search/\""),
        "search box submits to /search/?q="
    );

    assert!(site.path("public/404.html").exists());
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://qa.example.com/account/reset-password/</loc>"));
    let robots = site.read("public/robots.txt");
    assert!(robots.contains("Sitemap: https://qa.example.com/sitemap.xml"));
}

#[test]
fn pages_make_no_external_requests() {
    let site = TestSite::new();
    site.build_ok();
    for (path, bytes) in tree(&site.path("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attribute in ["src=\"http", "href=\"http"] {
            for (i, _) in html.match_indices(attribute) {
                let tag_start = html[..i].rfind('<').unwrap();
                let tag = &html[tag_start..i];
                assert!(
                    tag.starts_with("<a ") || tag.starts_with("<link rel=\"canonical\""),
                    "{path} loads something from another site: {}",
                    &html[tag_start..i + 60.min(html.len() - i)]
                );
            }
        }
    }
}

#[test]
fn permalinks_and_aliases_redirect() {
    let site = TestSite::new();
    site.build_ok();
    for redirect in [
        "public/a/KB-0001/index.html",
        "public/faq/mima.html",
        "public/old/password/index.html",
    ] {
        let html = site.read(redirect);
        assert!(
            html.contains(
                "<meta http-equiv=\"refresh\" content=\"0; url=/account/reset-password/\">"
            ),
            "{redirect}:\n{html}"
        );
        assert!(html.contains(
            "<link rel=\"canonical\" href=\"https://qa.example.com/account/reset-password/\">"
        ));
    }
}

#[test]
fn base_url_with_a_path_prefixes_every_link() {
    let site = TestSite::new();
    let output = site.run(&[
        "build",
        "--as-of",
        "2026-11-22",
        "--base-url",
        "https://example.com/help",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let article = site.read("public/account/reset-password/index.html");
    assert!(article.contains("href=\"/help/account/\""));
    assert!(article.contains("href=\"/help/static/style.css?v="));
    assert!(article.contains("https://example.com/help/a/KB-0001/"));
    let redirect = site.read("public/a/KB-0001/index.html");
    assert!(redirect.contains("url=/help/account/reset-password/"));
}

#[test]
fn bom_and_crlf_files_build_correctly() {
    let site = TestSite::new();
    let text = "\u{feff}---\r\nid: KB-0002\r\ntitle: 带 BOM 和 CRLF 的文件\r\ncategory: 数据类\r\n---\r\n\r\n## 处理步骤\r\n\r\n1. 第一步\r\n2. 第二步\r\n";
    site.write("content/account/windows.md", text);
    site.write(
        "content/account/_system.md",
        "\u{feff}+++\r\ntitle = \"账户\"\r\n+++\r\n",
    );
    site.build_ok();
    let html = site.read("public/account/windows/index.html");
    assert!(html.contains("<h1>带 BOM 和 CRLF 的文件</h1>"));
    assert!(
        html.contains("<li id=\"step-2\" class=\"step\">第二步</li>"),
        "{html}"
    );
    assert!(!html.contains('\u{feff}'));
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = TestSite::new();
    site.build_ok();
    let before = tree(&site.path("public"));

    site.write(
        "content/account/new.md",
        "---\nid: KB-0002\ntitle: 新问题\ncategory: 咨询类\n---\n\n[坏链接](KB-0404)\n",
    );
    let output = site.build();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("was left as it was"));
    assert_eq!(
        tree(&site.path("public")),
        before,
        "public/ must be byte-identical after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The output's lock stays (removing it would let a third build lock a new file while
        // a second one waits on the old).
        .filter(|n| n.contains("public") && n != "public" && n != ".public.lock")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_template_failing_while_pages_are_written_leaves_the_previous_site_untouched() {
    let site = TestSite::new();
    site.build_ok();
    let before = tree(&site.path("public"));

    // Pages are written as their templates are applied: this one fails on an answer's
    // presentation view, after other pages went into the staging folder.
    site.write(
        "qaportal.toml",
        format!("{}theme = \"broken\"\n", common::CONFIG),
    );
    site.write(
        "themes/broken/templates/present.html",
        "{{ present.missing.field }}",
    );
    let output = site.build();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("present.html"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        tree(&site.path("public")),
        before,
        "public/ must be byte-identical after a failed build"
    );

    std::fs::remove_dir_all(site.path("themes")).unwrap();
    site.write("qaportal.toml", common::CONFIG);
    site.build_ok();
    assert_eq!(
        tree(&site.path("public")),
        before,
        "the half-written staging folder is not trusted by the next build"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::new();
    site.run(&["build", "--as-of", "2026-11-22", "--out", "one"]);
    site.run(&["build", "--as-of", "2026-11-22", "--out", "two"]);
    let one = tree(&site.path("one"));
    assert!(one.len() > 5);
    assert_eq!(one, tree(&site.path("two")));
}

#[test]
fn a_successful_build_replaces_the_old_site() {
    let site = TestSite::new();
    site.build_ok();
    site.remove("content/account/reset-password.md");
    site.write(
        "content/account/other.md",
        "---\nid: KB-0002\ntitle: 另一个问题\ncategory: 其他类\n---\n",
    );
    site.build_ok();
    assert!(
        !site.path("public/account/reset-password").exists(),
        "removed answers disappear"
    );
    assert!(site.path("public/account/other/index.html").exists());
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let site = TestSite::new();
    let output = site.run(&["build", "--as-of", "2026-11-22", "--out", "content"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("was not written by qaportal"),
        "{}",
        stderr(&output)
    );
    assert!(site.path("content/account/reset-password.md").exists());
}

#[test]
fn drafts_are_published_only_with_the_flag() {
    let site = TestSite::new();
    site.write(
        "content/account/draft.md",
        "---\nid: KB-0002\ntitle: 草稿\ncategory: 咨询类\ndraft: true\n---\n",
    );
    site.build_ok();
    assert!(!site.path("public/account/draft").exists());
    assert!(!site.read("public/account/index.html").contains("草稿"));
    let output = site.run(&["build", "--as-of", "2026-11-22", "--drafts"]);
    assert!(output.status.success());
    assert!(site.path("public/account/draft/index.html").exists());
}

#[test]
fn links_between_answers_are_rewritten() {
    let site = TestSite::new();
    site.write(
        "content/account/links.md",
        "---\nid: KB-0002\ntitle: 链接\ncategory: 咨询类\n---\n\n见[重置](KB-0001#step-2)、[同一篇](reset-password.md)和[本页](#说明)。\n\n## 说明\n",
    );
    site.build_ok();
    let html = site.read("public/account/links/index.html");
    assert!(
        html.contains("href=\"/account/reset-password/#step-2\""),
        "{html}"
    );
    assert!(html.contains("href=\"/account/reset-password/\""));
    assert!(
        html.contains("href=\"#%E8%AF%B4%E6%98%8E\""),
        "the anchor of 说明, percent-encoded"
    );
}

#[test]
fn images_are_copied() {
    let site = TestSite::new();
    site.write("content/account/images/login.png", b"\x89PNG fake");
    site.write(
        "content/account/img.md",
        "---\nid: KB-0002\ntitle: 图片\ncategory: 咨询类\n---\n\n![登录页](images/login.png)\n",
    );
    site.build_ok();
    assert_eq!(
        std::fs::read(site.path("public/account/images/login.png")).unwrap(),
        b"\x89PNG fake"
    );
    let html = site.read("public/account/img/index.html");
    assert!(
        html.contains("<img src=\"/account/images/login.png\" alt=\"登录页\" loading=\"lazy\">"),
        "{html}"
    );
}

#[test]
fn a_site_theme_overrides_templates_and_static_files() {
    let site = TestSite::new();
    site.write(
        "qaportal.toml",
        format!("{}theme = \"brand\"\n", common::CONFIG),
    );
    site.write(
        "themes/brand/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>品牌 404</p>{% endblock main %}",
    );
    site.write("themes/brand/static/style.css", "body { color: red }");
    site.build_ok();
    assert!(site.read("public/404.html").contains("品牌 404"));
    let css = site.read("public/static/style.css");
    assert!(
        css.ends_with("body { color: red }") && css.contains(".dg-svg"),
        "the theme's CSS, after the diagram styles"
    );
    assert!(
        site.read("public/index.html").contains("按系统查找"),
        "other templates fall back to the built-in theme"
    );
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    qaportal().arg("init").arg(&root).assert().success();
    let entries = || -> std::collections::BTreeSet<String> {
        std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let sources = entries();
    qaportal()
        .current_dir(&root)
        .args(["build", "--as-of", "2026-11-22"])
        .assert()
        .success();
    // Everything a build leaves beside the sources (output, previous output, lock, caches) is
    // ignored by the site's git.
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    for made in entries().difference(&sources) {
        assert!(
            ignored.lines().any(|line| line == format!("/{made}")),
            "{made} is not in .gitignore:\n{ignored}"
        );
    }
    assert!(
        root.join("public/account/reset-trading-password/index.html")
            .exists()
    );
    let again = qaportal().arg("init").arg(&root).output().unwrap();
    assert_eq!(
        again.status.code(),
        Some(2),
        "init refuses a non-empty folder"
    );
}

#[test]
fn new_creates_an_article_with_the_next_free_id() {
    let site = TestSite::new();
    site.write(
        "content/account/second.md",
        "---\nid: KB-0007\ntitle: 第二\ncategory: 咨询类\ndraft: true\n---\n",
    );
    let output = site.run(&["new", "account", "银证转账失败怎么办？"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("KB-0008"), "{}", stdout(&output));
    let text = site.read("content/account/kb-0008.md");
    assert!(text.contains("id: KB-0008\ntitle: 银证转账失败怎么办？\n"));
    assert!(text.contains("draft: true"));
    site.run(&["check", "--as-of", "2026-11-22"]);
    let output = site.run(&["new", "nosuch", "标题"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("the systems are: account"));
}

#[test]
fn source_date_epoch_sets_the_build_date() {
    let site = TestSite::new();
    let one = qaportal()
        .current_dir(site.root())
        .args(["build", "--out", "one"])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(one.status.success());
    let two = qaportal()
        .current_dir(site.root())
        .args(["build", "--out", "two", "--as-of", "2023-11-14"])
        .output()
        .unwrap();
    assert!(two.status.success());
    assert_eq!(tree(&site.path("one")), tree(&site.path("two")));
}

#[test]
fn flowcharts_become_inline_svg() {
    let site = TestSite::new();
    site.write(
        "content/account/flow.md",
        "---\nid: KB-0002\ntitle: 流程\ncategory: 咨询类\n---\n\n## 开户流程\n\n```mermaid\nflowchart LR\n    A([开始]) --> B{资料齐全?}\n    B -->|是| C[提交审核]\n    B -- 否 --> D(补充资料)\n```\n\n<p onclick=\"x()\">原始 HTML 使文章经过清理</p>\n",
    );
    site.build_ok();
    let html = site.read("public/account/flow/index.html");
    assert!(
        html.contains("<div class=\"dg\""),
        "the diagram survives sanitizing"
    );
    assert!(html.contains("role=\"img\""));
    assert!(
        html.contains("<title id=\"kb-0002-d1-title\">开户流程</title>"),
        "titled by the nearest heading"
    );
    assert!(
        html.contains(">提交审核</tspan>") || html.contains(">提交审核</text>"),
        "labels are text"
    );
    assert!(!html.contains("onclick"));
    assert!(!html.contains("```mermaid") && !html.contains("language-mermaid"));
}

/// Builds of one source share its `.qaportal/` caches: two at once (a `serve` beside a `build`,
/// parallel test processes) must both succeed, and agree.
#[test]
fn two_builds_of_one_source_at_once_both_succeed() {
    let site = TestSite::new();
    for round in 0..3 {
        let _ = std::fs::remove_dir_all(site.path(".qaportal"));
        let children: Vec<_> = ["one", "two"]
            .iter()
            .map(|out| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("qaportal"))
                    .current_dir(site.root())
                    .args(["build", "--quiet", "--as-of", "2026-11-22", "--out"])
                    .arg(site.path(&format!("out-{round}-{out}")))
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{}", stderr(&output));
        }
        assert_eq!(
            tree(&site.path(&format!("out-{round}-one"))),
            tree(&site.path(&format!("out-{round}-two")))
        );
    }
}

/// The search index's files after a build: path under its content-named folder → bytes.
fn search_files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("search/manifest.json")).unwrap()).unwrap();
    let base = dir.join("search").join(manifest["base"].as_str().unwrap());
    tree(&base)
}

#[test]
fn after_one_answer_changes_only_changed_search_files_are_written() {
    let site = TestSite::new();
    let answer = |n: usize, extra: &str| {
        format!(
            "---\nid: KB-{n:04}\ntitle: 问题 {n} 转账失败怎么办\ncategory: 咨询类\n---\n\n\
             第 {n} 种情况：银行卡余额不足或超过限额，请核对后重试。{extra}\n"
        )
    };
    // Enough answers for the index to have many shards, some of which the change never touches.
    for n in 2..60 {
        site.write(&format!("content/account/a{n}.md"), answer(n, ""));
    }
    site.build_ok();
    site.build_ok();
    let before = search_files(&site.path("public"));
    site.write(
        "content/account/a7.md",
        answer(7, "如仍失败，请联系营业部开户柜台。"),
    );
    let started = std::time::SystemTime::now();
    // File times tick coarser than the clock: a file written later is stamped after `started`.
    std::thread::sleep(std::time::Duration::from_millis(50));
    site.build_ok();

    let after = search_files(&site.path("public"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.path("public/search/manifest.json")).unwrap())
            .unwrap();
    let base = site
        .path("public/search")
        .join(manifest["base"].as_str().unwrap());
    let written: Vec<&String> = after
        .keys()
        .filter(|path| {
            std::fs::metadata(base.join(path))
                .unwrap()
                .modified()
                .unwrap()
                > started
        })
        .collect();
    let changed: Vec<&String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(!changed.is_empty(), "the answer's terms are in the index");
    assert!(
        changed.len() < after.len(),
        "some shards stay the same (BM25's average length moves others): {} of {}",
        changed.len(),
        after.len()
    );
    assert_eq!(written, changed, "exactly the files whose content changed");

    // And the site is the one a build from nothing gives.
    site.run(&["build", "--as-of", "2026-11-22", "--out", "fresh"]);
    assert_eq!(tree(&site.path("public")), tree(&site.path("fresh")));
}

/// `build --timings`: how many pages the build reused without templating them again.
fn unchanged_pages(output: &std::process::Output) -> usize {
    let stderr = common::stderr(output);
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("unchanged"))
        .unwrap_or_else(|| panic!("no count of unchanged pages in:\n{stderr}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_rebuild_templates_only_pages_whose_inputs_changed_and_gives_the_site_of_a_fresh_build() {
    let site = TestSite::new();
    site.write(
        "content/account/links.md",
        "---\nid: KB-0002\ntitle: 链接\ncategory: 咨询类\n---\n\n见[重置](KB-0001#step-2)。\n",
    );
    for n in 3..12 {
        site.write(
            &format!("content/account/a{n}.md"),
            format!(
                "---\nid: KB-{n:04}\ntitle: 问题 {n}\ncategory: 咨询类\n---\n\n第 {n} 种情况。\n"
            ),
        );
    }
    let build = || {
        let output = site.run(&["build", "--as-of", "2026-11-22", "--timings"]);
        assert!(output.status.success(), "{}", common::stderr(&output));
        output
    };
    let fresh = |name: &str| {
        let output = site.run(&["build", "--as-of", "2026-11-22", "--out", name]);
        assert!(output.status.success(), "{}", common::stderr(&output));
        tree(&site.path(name))
    };
    // The first two builds fill the two folders that take turns; the third finds its pages.
    assert_eq!(unchanged_pages(&build()), 0);
    assert_eq!(unchanged_pages(&build()), 0);
    let third = unchanged_pages(&build());
    assert!(third > 40, "every answer's pages are reused: {third}");

    // A changed title shows on the answer, its redirects and presentation view, and in the
    // lists of answers.
    site.write(
        "content/account/reset-password.md",
        common::ARTICLE.replace("交易密码忘记了怎么办？", "交易密码忘了怎么重置？"),
    );
    let after_edit = unchanged_pages(&build());
    assert!(after_edit < third, "the changed pages are templated again");
    assert!(after_edit > 0, "the others are not: {after_edit}");
    assert_eq!(tree(&site.path("public")), fresh("fresh-1"));
    assert!(
        site.read("public/account/index.html")
            .contains("交易密码忘了怎么重置？")
    );

    // Once more (the other folder, two builds behind), then with a changed template: every
    // page is made with it.
    build();
    assert_eq!(tree(&site.path("public")), fresh("fresh-2"));
    site.write(
        "qaportal.toml",
        format!("{}theme = \"brand\"\n", common::CONFIG),
    );
    site.write(
        "themes/brand/templates/article.html",
        "{% extends \"base.html\" %}{% block main %}<h1>品牌 {{ article.title }}</h1>{% endblock main %}",
    );
    build();
    build();
    assert_eq!(tree(&site.path("public")), fresh("fresh-3"));
    assert!(
        site.read("public/account/a3/index.html")
            .contains("品牌 问题 3")
    );
}

/// A `.gz` beside a theme file or a search index file only where it pays: text of at least a
/// kilobyte (smaller responses fit one packet either way), and then it holds exactly the file.
#[test]
fn precompressed_copies_only_for_text_of_a_kilobyte_or_more() {
    use std::io::Read;
    let site = TestSite::new();
    site.build_ok();
    let files = tree(&site.path("public"));
    let (mut with, mut without) = (0, 0);
    for (path, bytes) in &files {
        if let Some(plain) = path.strip_suffix(".gz") {
            let original = files
                .get(plain)
                .unwrap_or_else(|| panic!("{path} has no file beside it"));
            assert!(
                original.len() >= 1024,
                "{path}: its file is {} bytes",
                original.len()
            );
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut text)
                .unwrap();
            assert_eq!(&text, original, "{path} is not its file compressed");
            with += 1;
        } else if (path.starts_with("static/") || path.starts_with("search/"))
            && [".css", ".js", ".json", ".svg", ".txt"]
                .iter()
                .any(|ext| path.ends_with(ext))
        {
            let expected = bytes.len() >= 1024;
            assert_eq!(
                files.contains_key(&format!("{path}.gz")),
                expected,
                "{path} ({} bytes)",
                bytes.len()
            );
            if !expected {
                without += 1;
            }
        }
    }
    assert!(
        with > 3 && without > 0,
        "{with} with a .gz, {without} without"
    );
}
