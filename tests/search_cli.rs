//! `qaportal search` in a terminal, over the site's tantivy index.

mod common;

use common::{TestSite, stderr, stdout};

fn site() -> TestSite {
    let site = TestSite::new();
    site.write("content/trading/_system.md", "---\ntitle: 交易\n---\n");
    site.write(
        "content/trading/transfer.md",
        "---\nid: KB-0002\ntitle: 银证转账失败怎么办？\ncategory: 咨询类\nquestions: [钱转不出来]\n---\n\n## 处理步骤\n\n1. 查看转账流水。\n",
    );
    site.write(
        "content/trading/locked.md",
        "---\nid: KB-0003\ntitle: 交易密码被锁定\ncategory: 咨询类\n---\n",
    );
    site
}

#[test]
fn finds_answers_by_chinese_words_pinyin_and_typos() {
    let site = site();
    for query in ["转账失败", "钱转不出来", "zhuanzhang", "银证专帐失败"] {
        let output = site.run(&["search", query, "--limit", "1", "--as-of", "2026-11-22"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            stdout(&output).starts_with(" 1. KB-0002  银证转账失败怎么办？"),
            "{query}: {}",
            stdout(&output)
        );
    }
}

#[test]
fn json_output_and_system_filter() {
    let site = site();
    let output = site.run(&[
        "search",
        "密码",
        "--json",
        "--system",
        "trading",
        "--as-of",
        "2026-11-22",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results["outcome"], "answers", "{results}");
    let hits = &results["hits"];
    let ids: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["KB-0003"],
        "KB-0001 (账户) is about passwords too, but not in 交易"
    );
    assert_eq!(hits[0]["url"], "/trading/locked/");

    let output = site.run(&["search", "密码", "--system", "nosuch"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("the systems are: account, trading"));
}

#[test]
fn the_index_follows_the_content() {
    let site = site();
    let first = site.run(&["search", "港股通", "--as-of", "2026-11-22"]);
    assert!(
        stdout(&first).contains("no answers found"),
        "{}",
        stdout(&first)
    );
    site.write(
        "content/trading/dormant.md",
        "---\nid: KB-0004\ntitle: 港股通怎么开通？\ncategory: 咨询类\n---\n",
    );
    let second = site.run(&["search", "港股通", "--as-of", "2026-11-22"]);
    assert!(
        stdout(&second).contains("KB-0004"),
        "a stale index is rebuilt: {}",
        stdout(&second)
    );
}

#[test]
fn synonyms_are_expanded_at_index_time() {
    let site = site();
    let before = site.run(&[
        "search",
        "资金划拨",
        "--limit",
        "1",
        "--as-of",
        "2026-11-22",
    ]);
    assert!(
        stdout(&before).contains("no answers found"),
        "{}",
        stdout(&before)
    );
    site.write("synonyms.txt", "# 银证转账的说法\n银证转账 资金划拨\n");
    let after = site.run(&[
        "search",
        "资金划拨",
        "--limit",
        "1",
        "--as-of",
        "2026-11-22",
    ]);
    assert!(
        stdout(&after).starts_with(" 1. KB-0002"),
        "{}",
        stdout(&after)
    );
}

#[test]
fn a_bad_synonyms_line_is_reported_with_its_line() {
    let site = site();
    site.write("synonyms.txt", "找回密码 重置密码\n孤零零\n");
    let output = site.build();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("synonyms.txt:2:1"),
        "{}",
        stderr(&output)
    );
}
