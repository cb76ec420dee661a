//! Warm rebuilds: what the caches of `.qaportal/` keep (rendered documents, files found free of
//! customer data) gives the site of a fresh build, and problems are reported as they are.

mod common;

use common::{TestSite, fresh_build, stderr, tree};

const LINKS: &str = "---\nid: KB-0002\ntitle: 链接与图片\ncategory: 咨询类\n---\n\n\
见[重置](KB-0001#step-2)和[另一篇](KB-0003)。\n\n![登录页](images/login.png)\n\n\
<a href=\"KB-0003#说明\">原始链接</a>\n";

const OTHER: &str =
    "---\nid: KB-0003\ntitle: 另一篇\ncategory: 咨询类\n---\n\n## 说明\n\n第三篇。\n";

fn site() -> TestSite {
    let site = TestSite::new();
    site.write(
        "qaportal.toml",
        format!("{}[markdown]\nraw_html = \"sanitize\"\n", common::CONFIG),
    );
    site.write("content/account/links.md", LINKS);
    site.write("content/account/other.md", OTHER);
    site.write("content/account/images/login.png", b"\x89PNG one");
    site
}

/// Builds with `--timings`; the build's output, and how many documents came from the render
/// cache.
fn build(site: &TestSite) -> (std::process::Output, usize) {
    let output = site.run(&["build", "--as-of", "2026-11-22", "--timings"]);
    let stderr = stderr(&output);
    let reused = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("rendered"))
        .map_or(0, |l| l.split_whitespace().nth(1).unwrap().parse().unwrap());
    (output, reused)
}

fn build_ok(site: &TestSite) -> usize {
    let (output, reused) = build(site);
    assert!(output.status.success(), "{}", stderr(&output));
    reused
}

#[test]
fn a_warm_rebuild_after_edits_gives_the_site_of_a_fresh_build() {
    let site = site();
    assert_eq!(build_ok(&site), 0, "nothing to reuse on a first build");
    let reused = build_ok(&site);
    assert!(reused >= 4, "every document is reused: {reused}");
    assert_eq!(tree(&site.path("public")), fresh_build(&site));

    // A body changed: that answer is rendered again, the others are not.
    site.write(
        "content/account/reset-password.md",
        common::ARTICLE.replace("设置新密码。", "设置新的交易密码。"),
    );
    assert_eq!(build_ok(&site), reused - 1);
    assert_eq!(tree(&site.path("public")), fresh_build(&site));
    assert!(
        site.read("public/account/reset-password/index.html")
            .contains("设置新的交易密码。")
    );

    // A link target moved to another system: the unchanged answer linking to it is rendered
    // again with its new address.
    site.write(
        "content/trading/_system.md",
        "---\ntitle: 交易\norder: 2\n---\n",
    );
    site.remove("content/account/other.md");
    site.write("content/trading/other.md", OTHER);
    build_ok(&site);
    assert_eq!(tree(&site.path("public")), fresh_build(&site));
    let links = site.read("public/account/links/index.html");
    assert!(links.contains("href=\"/trading/other/\""), "{links}");

    // An image changed: the new one is published.
    site.write("content/account/images/login.png", b"\x89PNG two");
    build_ok(&site);
    assert_eq!(tree(&site.path("public")), fresh_build(&site));
    assert_eq!(
        std::fs::read(site.path("public/account/images/login.png")).unwrap(),
        b"\x89PNG two"
    );
}

#[test]
fn a_link_target_removed_since_still_fails_at_its_line_and_column() {
    let site = site();
    build_ok(&site);
    assert!(build_ok(&site) > 0);
    let before = tree(&site.path("public"));

    // The answer linking to it is unchanged, and so is its record in the render cache.
    site.remove("content/account/other.md");
    let (output, _) = build(&site);
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("no article has the id KB-0003"), "{errors}");
    assert!(errors.contains("content/account/links.md:7:29"), "{errors}");
    assert_eq!(
        tree(&site.path("public")),
        before,
        "the site stays as it was"
    );

    // Once more: a failed document is not recorded as rendered.
    let (output, _) = build(&site);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("content/account/links.md:7:29"));

    // An image removed: an error too.
    site.write("content/account/other.md", OTHER);
    build_ok(&site);
    site.remove("content/account/images/login.png");
    let (output, _) = build(&site);
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(errors.contains("missing image"), "{errors}");
    assert!(errors.contains("content/account/links.md:9:"), "{errors}");
}

#[test]
fn customer_data_is_reported_by_every_build() {
    let site = site();
    build_ok(&site);
    build_ok(&site);
    // A file recorded as clean gains a mobile number.
    site.write(
        "content/account/other.md",
        OTHER.replace("第三篇。", "客户电话 13812345678。"),
    );
    for _ in 0..2 {
        let (output, _) = build(&site);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output).contains("138****5678"),
            "{}",
            stderr(&output)
        );
    }
    // Allowed by the site's allow-list: the same file passes.
    site.write(
        "qaportal.toml",
        format!(
            "{}[markdown]\nraw_html = \"sanitize\"\n[lint]\nallow = [\"13812345678\"]\n",
            common::CONFIG
        ),
    );
    build_ok(&site);
}

#[test]
fn front_matter_is_read_as_written_by_every_build() {
    let site = site();
    build_ok(&site);
    build_ok(&site);
    assert!(site.path(".qaportal/frontmatter").exists());

    // A title edited: the page shows the new one.
    site.write(
        "content/account/other.md",
        OTHER.replace("另一篇", "第三篇答案"),
    );
    build_ok(&site);
    assert_eq!(tree(&site.path("public")), fresh_build(&site));
    assert!(
        site.read("public/account/other/index.html")
            .contains("第三篇答案")
    );

    // An unknown field is reported by every build; the same front matter behind a longer
    // opening fence (`---` and spaces) gives the same tree from the cache, and the message
    // points at where the field is in this file.
    let unknown = OTHER.replace("咨询类\n", "咨询类\nowner: 张三\n");
    for text in [
        unknown.clone(),
        unknown.clone(),
        unknown.replacen("---\n", "---   \n", 1),
    ] {
        site.write("content/account/other.md", &text);
        let (output, _) = build(&site);
        let errors = stderr(&output);
        assert!(errors.contains("unknown field `owner`"), "{errors}");
        assert!(errors.contains("content/account/other.md:5:1"), "{errors}");
    }

    // Front matter that does not parse fails every build at its line.
    site.write(
        "content/account/other.md",
        OTHER.replace("title: 另一篇", "title: [另一篇"),
    );
    for _ in 0..2 {
        let (output, _) = build(&site);
        assert_eq!(output.status.code(), Some(1));
        let errors = stderr(&output);
        assert!(errors.contains("invalid YAML front matter"), "{errors}");
        assert!(errors.contains("content/account/other.md:"), "{errors}");
    }

    // A damaged cache file is like none.
    site.write("content/account/other.md", OTHER);
    site.write(".qaportal/frontmatter", b"damaged");
    build_ok(&site);
    assert_eq!(tree(&site.path("public")), fresh_build(&site));
}
