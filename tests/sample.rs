//! The sample knowledge base in `content/` builds into the help site the README promises.

mod common;

use std::path::Path;

use common::{qaportal, stderr, tree};

fn build_sample(out: &Path) {
    let output = qaportal()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "--as-of", "2026-11-22", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the sample site must build:\n{}",
        stderr(&output)
    );
}

#[test]
fn the_sample_knowledge_base_builds_into_a_complete_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_sample(&out);
    let files = tree(&out);
    let read = |path: &str| {
        String::from_utf8(
            files
                .get(path)
                .unwrap_or_else(|| panic!("{path} missing"))
                .clone(),
        )
        .unwrap()
    };

    let home = read("index.html");
    let systems = home.matches("class=\"tile\"").count();
    assert!(
        systems >= 10,
        "at least 10 systems on the home page, found {systems}"
    );
    for title in [
        "开户",
        "三方存管/银证转账",
        "融资融券",
        "新股申购",
        "APP 登录与安全",
    ] {
        assert!(home.contains(title), "home lists {title}");
    }

    let articles = files
        .keys()
        .filter(|p| {
            p.ends_with("/index.html") && p.matches('/').count() == 2 && !p.starts_with("a/")
        })
        .count();
    assert!(articles >= 60, "at least 60 answers, found {articles}");

    let transfer = read("bank-transfer/index.html");
    for category in ["咨询类", "数据类"] {
        assert!(
            transfer.contains(category),
            "system page groups by category: {category}"
        );
    }

    // An answer with numbered steps and a short link.
    let permalink = read("a/KB-0001/index.html");
    let target = permalink
        .split("url=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let page = read(&format!("{}index.html", target.trim_start_matches('/')));
    assert!(page.contains("id=\"step-1\""));
    assert!(page.contains("仍未解决？"));

    // An old path of the previous help center keeps working.
    assert!(read("faq/kaihu/101.html").contains(&format!("url={target}")));

    // Drafts are not published.
    assert!(
        !files.keys().any(|p| p.starts_with("a/KB-0046/")),
        "KB-0046 is a draft"
    );
}

#[test]
fn the_sample_site_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    build_sample(&dir.path().join("one"));
    build_sample(&dir.path().join("two"));
    assert_eq!(tree(&dir.path().join("one")), tree(&dir.path().join("two")));
}
