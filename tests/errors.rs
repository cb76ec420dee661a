//! Every kind of bad input gets an error naming file:line:col, what is wrong and how to fix it;
//! the build reports all of them and exits 1.

mod common;

use common::{TestSite, stderr};

/// Builds the test site with one extra file and returns stderr, asserting the build failed with
/// exit code 1.
fn fails_with(relative: &str, contents: impl AsRef<[u8]>) -> String {
    let site = TestSite::new();
    site.write(relative, contents);
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected content errors:\n{err}"
    );
    assert!(
        !site.path("public").exists(),
        "a failed first build must not create the output"
    );
    err
}

fn assert_has(err: &str, expected: &[&str]) {
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
}

#[test]
fn malformed_yaml() {
    // The classic: a colon inside an unquoted value.
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 提示: 密码错误\ncategory: 咨询类\n---\n",
    );
    assert_has(
        &err,
        &[
            "invalid YAML front matter: mapping values are not allowed",
            "content/account/bad.md:3:10",
            "title: 提示: 密码错误",
            "put values containing `: `",
        ],
    );
}

#[test]
fn a_quoted_yaml_value_missing_its_closing_quote() {
    // The parser itself stops on the next line ("invalid indentation in multiline quoted
    // scalar" at 4:1); the mistake is the quote opened on line 3.
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: \"交易密码忘了怎么重置\ncategory: 咨询类\n---\n",
    );
    assert_has(
        &err,
        &[
            "the value opened with \" is never closed on its line",
            "content/account/bad.md:3:8",
            "end the value with a closing \" on the same line",
        ],
    );
    assert!(!err.contains("multiline"), "{err}");
    assert!(
        !err.contains("put values containing"),
        "the general hint does not apply: {err}"
    );
    // Single quotes too; a closed value with an escaped quote is fine.
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: '说明 ''A'' 的用法\ntags:\n  - \"a\\\"b\"\ncategory: 咨询类\n---\n",
    );
    assert_has(
        &err,
        &[
            "opened with ' is never closed",
            "content/account/bad.md:3:8",
        ],
    );
}

#[test]
fn malformed_toml() {
    let err = fails_with(
        "content/account/bad.md",
        "+++\nid = \"KB-0002\"\ntitle = 没有引号\n+++\n",
    );
    assert_has(
        &err,
        &[
            "invalid TOML front matter",
            "content/account/bad.md:3:9",
            "text needs quotes",
        ],
    );
}

#[test]
fn unknown_category() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询\n---\n",
    );
    assert_has(
        &err,
        &[
            "unknown category `咨询`",
            "content/account/bad.md:4:11",
            "did you mean `咨询类`?",
        ],
    );
}

#[test]
fn unknown_field_is_named_with_a_suggestion() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\ncatgory: x\n---\n",
    );
    assert_has(
        &err,
        &[
            "unknown field `catgory`",
            "content/account/bad.md:5:1",
            "did you mean `category`?",
        ],
    );
}

#[test]
fn missing_required_field() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ncategory: 咨询类\n---\n",
    );
    assert_has(
        &err,
        &[
            "an article needs a `title` field",
            "content/account/bad.md:1:1",
        ],
    );
}

#[test]
fn duplicate_id() {
    let err = fails_with(
        "content/account/zz-copy.md",
        "---\nid: KB-0001\ntitle: 复制的问题\ncategory: 咨询类\n---\n",
    );
    assert_has(
        &err,
        &[
            "id `KB-0001` is used twice",
            "content/account/zz-copy.md:2:5",
            "also the id of content/account/reset-password.md:2:5",
            "next free number is 0002",
        ],
    );
}

#[test]
fn broken_link() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n见[另一个问题](KB-0099)。\n",
    );
    assert_has(
        &err,
        &[
            "no article has the id KB-0099",
            "content/account/bad.md:7:10",
        ],
    );
}

#[test]
fn an_error_on_a_long_line_quotes_a_window_of_it_with_the_real_column() {
    // Minified HTML or a pasted log: one line of 20,000 characters with a broken link at
    // character 10,009 (the id). The report names the real column and quotes a few dozen characters
    // around the link, not the whole line.
    let before = "甲".repeat(10_000);
    let after = "乙".repeat(10_000);
    let err = fails_with(
        "content/account/bad.md",
        format!(
            "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n{before}[另一个问题](KB-0099){after}\n"
        ),
    );
    assert_has(
        &err,
        &[
            "no article has the id KB-0099",
            "content/account/bad.md:7:10009",
            "…甲甲",
            "[另一个问题](KB-0099)",
            "乙乙…",
        ],
    );
    assert!(err.len() < 4_000, "the long line was quoted whole:\n{err}");
}

#[test]
fn broken_link_by_path() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n见[另一个问题](../trading/none.md)。\n",
    );
    assert_has(
        &err,
        &[
            "no article at content/trading/none.md",
            "content/account/bad.md:7:10",
        ],
    );
}

#[test]
fn broken_anchor() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n见[第 9 步](KB-0001#step-9)。\n",
    );
    assert_has(
        &err,
        &[
            "KB-0001 has no anchor `#step-9`",
            "content/account/bad.md:7:10",
            "it has steps #step-1 to #step-3",
        ],
    );
}

#[test]
fn missing_image() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n![转账页面](images/transfer.png)\n",
    );
    assert_has(
        &err,
        &[
            "missing image",
            "content/account/images/transfer.png",
            "content/account/bad.md:7:9",
        ],
    );
}

#[test]
fn invalid_iso_week() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\nhot: [2017-W31, 2017-W53]\n---\n",
    );
    assert_has(
        &err,
        &[
            "`2017-W53` is not a valid ISO week",
            "content/account/bad.md:5:17",
            "2017 has 52 ISO weeks",
        ],
    );
}

#[test]
fn file_that_is_not_utf8() {
    // "测试" in GBK, as older Windows tools save it.
    let err = fails_with(
        "content/account/bad.md",
        b"---\nid: KB-0002\ntitle: \xb2\xe2\xca\xd4\n---\n",
    );
    assert_has(
        &err,
        &[
            "is not valid UTF-8",
            "content/account/bad.md:3:8",
            "iconv -f GBK -t UTF-8",
        ],
    );
}

#[test]
fn empty_file() {
    let err = fails_with("content/account/bad.md", "");
    assert_has(
        &err,
        &[
            "content/account/bad.md is empty",
            "content/account/bad.md:1:1",
        ],
    );
}

#[test]
fn front_matter_never_closed() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\n\n正文\n",
    );
    assert_has(
        &err,
        &[
            "front matter opened with `---` is never closed",
            "content/account/bad.md:1:1",
        ],
    );
}

#[test]
fn missing_front_matter() {
    let err = fails_with("content/account/bad.md", "# 只有正文\n");
    assert_has(&err, &["has no front matter", "content/account/bad.md:1:1"]);
}

#[test]
fn invalid_date() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\nupdated: 2026-02-30\n---\n",
    );
    assert_has(
        &err,
        &[
            "`updated` is not a valid date: `2026-02-30`",
            "content/account/bad.md:5:10",
        ],
    );
}

#[test]
fn colliding_aliases() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\naliases: [/faq/mima.html]\n---\n",
    );
    assert_has(
        &err,
        &[
            "two pages would be written at /faq/mima.html: the alias `/faq/mima.html` of KB-0002 \
             and the alias `/faq/mima.html` of KB-0001 (content/account/reset-password.md:5:11)",
            "content/account/bad.md:5:11",
        ],
    );
}

#[test]
fn unsafe_link_scheme() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n[点我](javascript:alert(1))\n",
    );
    assert_has(
        &err,
        &[
            "`javascript:` links are not allowed",
            "content/account/bad.md:7:6",
        ],
    );
}

#[test]
fn article_without_system() {
    let err = fails_with(
        "content/trading/x.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n",
    );
    assert_has(
        &err,
        &[
            "content/trading/ has articles but no _system.md",
            "create content/trading/_system.md",
        ],
    );
}

#[test]
fn every_error_is_reported_in_one_run() {
    let site = TestSite::new();
    site.write(
        "content/account/a.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询\n---\n\n[x](KB-0404)\n",
    );
    site.write("content/account/b.md", "");
    site.write("content/account/c.md", "---\nid: KB-0003\ntitle: [\n---\n");
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        err.matches("\nerror[").count() + usize::from(err.starts_with("error[")),
        4,
        "{err}"
    );
    assert!(err.contains("build failed (4 errors)"), "{err}");
}

#[test]
fn usage_errors_exit_with_2() {
    let site = TestSite::new();
    assert_eq!(
        site.run(&["build", "--as-of", "yesterday"]).status.code(),
        Some(2)
    );
    assert_eq!(
        site.run(&["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(site.run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn check_reports_json_for_ci() {
    let site = TestSite::new();
    site.write(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询\n---\n",
    );
    let output = site.run(&["check", "--format", "json", "--as-of", "2026-11-22"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(json["ok"], false);
    // `check` also warns (e.g. answers never reviewed): the error is the one to look at.
    let problem = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["severity"] == "error")
        .expect("an error");
    assert_eq!(problem["file"], "content/account/bad.md");
    assert_eq!(problem["line"], 4);
    assert_eq!(problem["column"], 11);
    assert_eq!(problem["code"], "unknown-category");
    assert!(!site.path("public").exists(), "check writes nothing");
}

#[test]
fn flowchart_syntax_error_points_into_the_markdown_file() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n## 流程\n\n```mermaid\nflowchart TD\n    A[开始] --> B{判断\n    B --> C[结束]\n```\n",
    );
    assert_has(
        &err,
        &[
            "error[diagram]: flowchart: `{` is never closed",
            "content/account/bad.md:11:16",
        ],
    );
}

#[test]
fn only_flowcharts_are_drawn() {
    let err = fails_with(
        "content/account/bad.md",
        "---\nid: KB-0002\ntitle: 测试\ncategory: 咨询类\n---\n\n```mermaid\nsequenceDiagram\n    A->>B: 你好\n```\n",
    );
    assert_has(&err, &["content/account/bad.md:8:1", "flowchart"]);
}
