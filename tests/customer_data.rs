//! Customer data, by every route it could be published: the detector measured on a corpus of
//! cases (`tests/customer-data/corpus.toml`), then the binary on sites that put a phone number
//! in a file name, the config, the synonyms, a ticket export and a broken front matter.

mod common;

use common::{CONFIG, TestSite, stderr, stdout};
use qaportal::lint::customer_data::{Kind, Syntax, scan_as};
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    group: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    name: String,
    expect: String,
    #[serde(default)]
    syntax: Option<String>,
    #[serde(default)]
    critical: bool,
    cases: Vec<(String, String)>,
}

/// Floors for the whole corpus. Cases the detector gets wrong stay in the corpus (see the
/// report this test prints), so these are below 1.0.
const PRECISION_FLOOR: f64 = 0.97;
const RECALL_FLOOR: f64 = 0.97;

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Mobile => "mobile",
        Kind::IdNumber => "id",
        Kind::OldIdNumber => "old-id",
        Kind::BankCard => "card",
        Kind::Email => "email",
    }
}

#[test]
fn the_corpus_is_detected_with_high_precision_and_recall() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/customer-data/corpus.toml"),
    )
    .expect("corpus");
    let corpus: Corpus = toml::from_str(&text).expect("corpus is valid TOML");
    let (mut tp, mut fp, mut tn, mut fn_, mut wrong_kind) = (0u32, 0u32, 0u32, 0u32, 0u32);
    let mut failures = Vec::new();
    let mut critical_failures = Vec::new();
    for group in &corpus.group {
        let syntax = match group.syntax.as_deref() {
            None | Some("markdown") => Syntax::Markdown,
            Some("plain") => Syntax::Plain,
            Some(other) => panic!("{}: unknown syntax {other}", group.name),
        };
        for (text, why) in &group.cases {
            let found: Vec<&str> = scan_as(text, syntax)
                .into_iter()
                .map(|f| kind_name(f.kind))
                .collect();
            let ok = match group.expect.as_str() {
                "none" => {
                    if found.is_empty() {
                        tn += 1;
                    } else {
                        fp += 1;
                    }
                    found.is_empty()
                }
                expected => {
                    if found.is_empty() {
                        fn_ += 1;
                        false
                    } else {
                        tp += 1;
                        let right = expected == "any" || found.contains(&expected);
                        wrong_kind += u32::from(!right);
                        right
                    }
                }
            };
            if !ok {
                let line = format!(
                    "  [{}] expected {}, found {:?}: {text:?} ({why})",
                    group.name, group.expect, found
                );
                if group.critical {
                    critical_failures.push(line.clone());
                }
                failures.push(line);
            }
        }
    }
    let precision = f64::from(tp) / f64::from(tp + fp).max(1.0);
    let recall = f64::from(tp) / f64::from(tp + fn_).max(1.0);
    println!(
        "customer data corpus: {} positive, {} negative cases; precision {precision:.3} \
         ({tp} of {} flagged), recall {recall:.3} ({tp} of {} found), {wrong_kind} found as \
         another kind",
        tp + fn_,
        tn + fp,
        tp + fp,
        tp + fn_,
    );
    for line in &failures {
        println!("{line}");
    }
    assert!(
        critical_failures.is_empty(),
        "critical cases failed:\n{}",
        critical_failures.join("\n")
    );
    assert!(
        precision >= PRECISION_FLOOR,
        "precision {precision:.3} < {PRECISION_FLOOR}"
    );
    assert!(
        recall >= RECALL_FLOOR,
        "recall {recall:.3} < {RECALL_FLOOR}"
    );
}

/// The number every route below tries to publish, and how errors must show it.
const PHONE: &str = "13812345678";
const MASKED: &str = "138****5678";

/// Asserts that the full number appears nowhere in what the user sees, however written.
fn assert_never_shown(output: &str) {
    for written in [
        PHONE,
        "138 1234 5678",
        "138-1234-5678",
        "1234 5678",
        "12345678",
    ] {
        assert!(!output.contains(written), "{written} shown in:\n{output}");
    }
}

fn article(id: &str, title: &str, body: &str) -> String {
    format!("---\nid: {id}\ntitle: {title}\ncategory: 咨询类\n---\n\n{body}")
}

#[test]
fn a_phone_number_in_a_file_name_stops_the_build() {
    let site = TestSite::new();
    site.write(
        &format!("content/account/{PHONE}.md"),
        article("KB-0002", "客户来电记录", "正文。\n"),
    );
    let output = site.build();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "error[customer-data]: a mobile number is in a file name: {MASKED} \
             (content/account/{MASKED}.md)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("content/account/{MASKED}.md:1:1")),
        "{err}"
    );
    assert!(err.contains("rename the file or folder"), "{err}");
    assert!(err.contains("[lint] allow"), "{err}");
    assert_never_shown(&err);
    assert!(!site.path("public").exists(), "nothing published");

    // A folder name is published the same way (it is the system's address).
    site.remove(&format!("content/account/{PHONE}.md"));
    site.write(
        &format!("content/{PHONE}/_system.md"),
        "---\ntitle: 客户\n---\n",
    );
    let err = stderr(&site.build());
    assert!(
        err.contains(&format!("content/{MASKED}/_system.md")),
        "{err}"
    );
    assert_never_shown(&err);
}

#[test]
fn a_phone_number_in_the_config_title_stops_the_build() {
    let site = TestSite::new();
    site.write(
        "qaportal.toml",
        CONFIG.replace("测试服务中心", "测试服务中心 138 1234 5678"),
    );
    let output = site.build();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains(&format!("a mobile number is in the text: {MASKED}")),
        "{err}"
    );
    assert!(err.contains("qaportal.toml:1:17"), "{err}");
    assert!(
        err.contains("测试服务中心 138 **** 5678"),
        "the line, masked:\n{err}"
    );
    assert!(err.contains("list it under [lint] allow"), "{err}");
    assert_never_shown(&err);

    // A test account listed under [lint] allow passes, whatever its spacing.
    site.write(
        "qaportal.toml",
        format!(
            "{}\n[lint]\nallow = [\"{PHONE}\"]\n",
            CONFIG.replace("测试服务中心", "测试服务中心 138 1234 5678")
        ),
    );
    site.build_ok();
}

#[test]
fn a_phone_number_in_synonyms_stops_the_build() {
    let site = TestSite::new();
    site.write(
        "synonyms.txt",
        "# 同义词\n找回密码 重置密码\n客服 热线 138-1234-5678\n",
    );
    let output = site.build();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("synonyms.txt:3:7"), "{err}");
    assert!(err.contains("138-****-5678"), "{err}");
    assert_never_shown(&err);

    // The marker on the line before allows a test account.
    site.write(
        "synonyms.txt",
        "找回密码 重置密码\n# qaportal:allow customer-data\n客服 热线 138-1234-5678\n",
    );
    site.build_ok();
}

#[test]
fn a_phone_number_in_a_ticket_question_is_withheld_with_its_place() {
    let site = TestSite::new();
    site.write(
        "data/tickets/w47.csv",
        "time,article,question\n2026-11-17,KB-0001,交易密码忘了\n\
         2026-11-17,KB-0001,我的手机 138 1234 5678 收不到验证码\n",
    );
    let output = site.build_ok();
    let log = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        log.contains(&format!(
            "warning[ticket-customer-data]: 1 client question(s) in data/tickets/ hold customer \
             data (a mobile number: {MASKED})"
        )),
        "{log}"
    );
    assert!(log.contains("data/tickets/w47.csv:3:25"), "{log}");
    assert!(log.contains("[lint] allow"), "{log}");
    assert_never_shown(&log);
    // What the site publishes from its sources (the theme's own scripts hold digits of their own).
    let published: String = common::tree(&site.path("public"))
        .into_iter()
        .filter(|(path, _)| !path.starts_with("static/"))
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert!(!published.contains("5678"), "the question is not published");
    assert!(
        published.contains("\"忘了\""),
        "the clean question is a phrasing"
    );

    // A test account on the allow-list is a phrasing like any other.
    site.write(
        "qaportal.toml",
        format!("{CONFIG}\n[lint]\nallow = [\"138 1234 5678\"]\n"),
    );
    let output = site.build_ok();
    assert!(!stderr(&output).contains("ticket-customer-data"));
}

#[test]
fn a_broken_front_matter_shows_the_number_masked() {
    let site = TestSite::new();
    site.write(
        "content/account/broken.md",
        format!(
            "---\nid: KB-0002\ntitle: 客户 {PHONE}: 无法登录\ncategory: 咨询类\n---\n\n正文。\n"
        ),
    );
    let output = site.build();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("invalid YAML front matter"), "{err}");
    assert!(err.contains("content/account/broken.md:3:"), "{err}");
    assert!(
        err.contains(&format!("title: 客户 {MASKED}: 无法登录")),
        "{err}"
    );
    assert_never_shown(&err);

    let json = stdout(&site.run(&["check", "--as-of", "2026-11-22", "--format", "json"]));
    assert!(json.contains("front-matter"), "{json}");
    assert_never_shown(&json);
}

#[test]
fn numbers_split_by_markup_or_entities_are_caught_and_masked_in_place() {
    let site = TestSite::new();
    site.write(
        "content/account/hidden.md",
        article(
            "KB-0002",
            "客户来电",
            "客户手机 138**1234**5678，备用 &#49;38&nbsp;1234&nbsp;5678。\n",
        ),
    );
    let output = site.build();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.matches("error[customer-data]").count(), 2, "{err}");
    assert!(err.contains("content/account/hidden.md:7:6"), "{err}");
    assert!(
        err.contains("客户手机 138********5678，备用 &#49;38&nbsp;****&nbsp;5678。"),
        "{err}"
    );
}
