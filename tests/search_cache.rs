//! The caches of the search's analyses (`.qaportal/search-analysis`, `.qaportal/related-terms`):
//! after an answer changes, a rebuild that reuses the other answers' analyses gives the search
//! index and the related answers of a build without any cache, byte for byte, and a damaged
//! cache is not used.

mod common;

use std::collections::BTreeMap;

use common::{TestSite, fresh_build, stderr, tree};

/// An answer of the `account` system; `questions` empty: none in the front matter (its
/// phrasing then stands in from its title).
fn answer(id: &str, title: &str, questions: &[&str], body: &str) -> String {
    let questions = if questions.is_empty() {
        String::new()
    } else {
        format!("questions: [{}]\n", questions.join(", "))
    };
    format!(
        "---\nid: {id}\ntitle: {title}\n{questions}category: 咨询类\ntags: [密码, 账户]\n---\n\n\
         ## 问题描述\n\n{body}\n\n## 处理步骤\n\n携带本人身份证到营业部办理。\n"
    )
}

fn site() -> TestSite {
    let site = TestSite::new();
    site.write("qaportal.toml", common::CONFIG);
    site.write("content/account/_system.md", common::SYSTEM);
    site.write(
        "content/account/q1.md",
        answer(
            "KB-0101",
            "交易密码忘记了怎么办",
            &["密码忘了怎么重置", "交易密码找回"],
            "客户提示交易密码错误，需要重置交易密码。",
        ),
    );
    site.write(
        "content/account/q2.md",
        answer(
            "KB-0102",
            "资金密码如何修改",
            &[],
            "资金密码用于银证转账，可在交易软件中修改资金密码。",
        ),
    );
    site.write(
        "content/account/q3.md",
        answer(
            "KB-0103",
            "账户被冻结怎么解冻",
            &["账户冻结了"],
            "账户因密码多次错误被冻结，次日自动解冻，或到营业部办理。",
        ),
    );
    site.write(
        "content/account/q4.md",
        answer(
            "KB-0104",
            "新股申购额度不足",
            &[],
            "新股申购额度按持有市值计算，Level-2 行情可查看额度。",
        ),
    );
    site
}

fn build_ok(site: &TestSite) {
    let output = site.run(&["build", "--as-of", "2026-11-22"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

fn search_files(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&str, &[u8]> {
    files
        .iter()
        .filter(|(path, _)| path.starts_with("search/"))
        .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
        .collect()
}

/// Builds `site` and checks its output against a build without caches: the search index byte
/// for byte first (the clearer failure), then everything (related answers are on the pages).
fn assert_like_fresh(site: &TestSite) {
    build_ok(site);
    let built = tree(&site.path("public"));
    let expected = fresh_build(site);
    assert!(!search_files(&built).is_empty());
    assert_eq!(search_files(&built), search_files(&expected));
    assert!(built == expected, "the pages differ from a fresh build's");
}

#[test]
fn a_rebuild_after_an_edit_indexes_as_a_build_without_caches() {
    let site = site();
    build_ok(&site);
    for cache in ["search-analysis", "related-terms"] {
        assert!(site.path(".qaportal").join(cache).exists(), "{cache} kept");
    }
    let before = tree(&site.path("public"));

    // The title, the phrasings and the body of one answer change.
    site.write(
        "content/account/q3.md",
        answer(
            "KB-0103",
            "资金账户被冻结怎么解冻",
            &["账户冻结了", "资金账户锁定"],
            "账户因资金密码多次错误被冻结，次日自动解冻。",
        ),
    );
    assert_like_fresh(&site);
    assert_ne!(
        search_files(&before),
        search_files(&tree(&site.path("public"))),
        "the edit changed the index"
    );

    // An answer without phrasings gains some (the stand-in phrasing goes), one is removed.
    site.write(
        "content/account/q4.md",
        answer(
            "KB-0104",
            "新股申购额度不足",
            &["申购额度怎么算"],
            "新股申购额度按持有市值计算。",
        ),
    );
    site.remove("content/account/q1.md");
    assert_like_fresh(&site);
}

#[test]
fn a_damaged_cache_is_not_used() {
    let site = site();
    build_ok(&site);
    let body = "资金密码用于银证转账，也用于修改银行卡。";
    site.write(
        "content/account/q2.md",
        answer("KB-0102", "资金密码如何修改", &[], body),
    );
    // Every byte but the header's damaged in turn would be slow: damage in the middle (the
    // analyses, past the checksum), and cut the end.
    let caches = ["search-analysis", "related-terms"].map(|c| site.path(".qaportal").join(c));
    for cache in &caches {
        let mut bytes = std::fs::read(cache).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        std::fs::write(cache, &bytes).unwrap();
    }
    assert_like_fresh(&site);

    site.write(
        "content/account/q2.md",
        answer("KB-0102", "资金密码如何修改", &[], "资金密码可以在线修改。"),
    );
    for cache in &caches {
        let bytes = std::fs::read(cache).unwrap();
        std::fs::write(cache, &bytes[..bytes.len() - 3]).unwrap();
    }
    assert_like_fresh(&site);

    // A cache that is not one at all.
    for cache in &caches {
        std::fs::write(cache, "not a cache").unwrap();
    }
    site.write(
        "content/account/q2.md",
        answer("KB-0102", "资金密码怎样修改", &[], body),
    );
    assert_like_fresh(&site);
}
