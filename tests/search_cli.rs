//! `qaportal search` in a terminal, over the client index the site searches (search-index engine.rs).

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

/// Issue 12 "one ranking": over the sample knowledge base, `qaportal search --queries` and the
/// site's own engine (qaportal-search.js in node over the built `search/` files) give the same
/// outcome, total and top 10 for every query: the ticket questions and titles, whole and cut
/// short as while typing, and pinyin, codes and off-topic questions.
#[test]
fn the_terminal_ranks_as_the_site_does() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let built = common::qaportal()
        .current_dir(repo)
        .args(["build", "--quiet", "--as-of", "2026-11-22", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));

    let mut queries: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(repo.join("data/tickets")).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("itsm-")
        {
            continue;
        }
        let mut reader = csv::Reader::from_path(&path).unwrap();
        for row in reader.records() {
            let question = row.unwrap()[5].to_string();
            // And its start, as the box searches while it is typed.
            queries.push(question.chars().take(5).collect());
            queries.push(question);
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("search/manifest.json")).unwrap())
            .unwrap();
    let base = out.join("search").join(manifest["base"].as_str().unwrap());
    for entry in std::fs::read_dir(base.join("m")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let rows: Vec<serde_json::Value> =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            for row in rows {
                let title: Vec<char> = row[1].as_str().unwrap().chars().collect();
                queries.push(title.iter().collect());
                queries.push(title.iter().take(4).collect());
                queries.push(title.iter().skip(title.len().saturating_sub(7)).collect());
            }
        }
    }
    queries.extend(
        [
            "kai hu",
            "zhuan zhang shi bai",
            "kai",
            "zhuanz",
            "yzzz",
            "688买不了",
            "600519",
            "95521",
            "12386",
            "level-2",
            "天气预报",
            "期货开户",
            "美股怎么开户",
            "xyzzyqwerty",
        ]
        .map(String::from),
    );
    assert!(queries.len() >= 1000, "{} queries", queries.len());
    let file = dir.path().join("queries.txt");
    std::fs::write(&file, queries.join("\n")).unwrap();

    let terminal = common::qaportal()
        .current_dir(repo)
        .args([
            "search",
            "--limit",
            "10",
            "--as-of",
            "2026-11-22",
            "--queries",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(terminal.status.success(), "{}", stderr(&terminal));
    let site = std::process::Command::new("node")
        .arg(repo.join("tests/site_search.mjs"))
        .arg(&out)
        .arg(&file)
        .arg("10")
        .output()
        .expect("node (v20) runs the site's search engine");
    assert!(site.status.success(), "{}", stderr(&site));

    let terminal: Vec<serde_json::Value> = stdout(&terminal)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let site: Vec<serde_json::Value> = stdout(&site)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(terminal.len(), site.len());
    let mut answered = 0;
    for (t, s) in terminal.iter().zip(&site) {
        let ids: Vec<&serde_json::Value> = t["results"]["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| &h["id"])
            .collect();
        let site_ids: Vec<&serde_json::Value> = s["ids"].as_array().unwrap().iter().collect();
        assert_eq!(t["query"], s["query"]);
        assert_eq!(ids, site_ids, "top 10 of {}", t["query"]);
        assert_eq!(t["results"]["outcome"], s["outcome"], "{}", t["query"]);
        assert_eq!(t["results"]["total"], s["total"], "{}", t["query"]);
        answered += usize::from(s["outcome"] == "answers");
    }
    // Not vacuous: most of these queries find answers.
    assert!(answered * 2 > site.len(), "{answered} of {}", site.len());
}

/// `--text` (the full-text index, tantivy): words and phrases anywhere in the whole texts, as
/// written, where the site's search (which keeps 48 body terms per answer) cannot look; written
/// on first use, rewritten when an answer changes.
#[test]
fn text_search_finds_words_and_phrases_anywhere_in_the_texts() {
    let site = site();
    // Deep in a long body, after many other terms: the client index keeps only the body's most
    // distinctive terms.
    let filler: String = (0..120)
        .map(|k| format!("第{k}步说明各种情况的处理办法与注意事项。"))
        .collect();
    site.write(
        "content/trading/hotline.md",
        format!(
            "---\nid: KB-0004\ntitle: 委托失败怎么办？\ncategory: 咨询类\n---\n\n{filler}\n\n仍有疑问请拨打客服热线 95521 转人工，报错误码 E1002。\n"
        ),
    );
    let text = |args: &[&str]| {
        let mut all = vec!["search", "--text", "--as-of", "2026-11-22"];
        all.extend_from_slice(args);
        let output = site.run(&all);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let out = text(&["95521"]);
    assert!(out.starts_with(" 1. KB-0004  委托失败怎么办？"), "{out}");
    assert!(out.contains("客服热线 【95521】 转人工"), "{out}");
    assert_eq!(out.matches(". KB-").count(), 1, "{out}");
    // As search normalizes text: full width, upper case; every part must occur.
    assert!(text(&["ｅ１００２"]).contains("KB-0004"));
    assert!(text(&["\"拨打客服热线\" E1002"]).contains("KB-0004"));
    assert!(text(&["\"热线客服\""]).starts_with("no answer's text has"));
    assert!(text(&["95521 锁定"]).starts_with("no answer's text has"));
    // Titles and phrasings are text too; --system and --json.
    let json: serde_json::Value =
        serde_json::from_str(&text(&["转账", "--json", "--system", "trading"])).unwrap();
    assert_eq!(json[0]["id"], "KB-0002");
    assert_eq!(json[0]["excerpt"], "…银证【转账】失败怎么办？…");
    assert!(site.path(".qaportal/text-index/fingerprint").exists());
    // An edit is searched at once: the index is rewritten for the new texts.
    site.write(
        "content/trading/locked.md",
        "---\nid: KB-0003\ntitle: 交易密码被锁定\ncategory: 咨询类\n---\n\n请拨打 95521。\n",
    );
    assert_eq!(text(&["95521"]).matches(". KB-").count(), 2);
    // A build does not write it.
    let fresh = TestSite::new();
    fresh.write("content/trading/_system.md", "---\ntitle: 交易\n---\n");
    fresh.build_ok();
    assert!(!fresh.path(".qaportal/text-index").exists());
    assert!(!fresh.path(".qaportal/search").exists());
}
