//! The lints as authors meet them: customer data stops `build`; `check` adds the editorial
//! warnings and `check --review` the review list.

mod common;

use common::{CONFIG, TestSite, stderr, stdout};

/// A checksum-valid resident ID number (GB 11643) and one with the wrong check character.
const ID_NUMBER: &str = "11010519491231002X";
const WRONG_CHECK: &str = "110105194912310021";

fn article(id: &str, title: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\ncategory: 咨询类\nreviewed: {{ by: 王敏, on: 2026-11-01 }}\n---\n\n{body}"
    )
}

fn check_json(site: &TestSite, extra: &[&str]) -> (bool, serde_json::Value) {
    let mut args = vec!["check", "--as-of", "2026-11-22", "--format", "json"];
    args.extend_from_slice(extra);
    let output = site.run(&args);
    let json = serde_json::from_str(&stdout(&output)).expect("JSON output");
    (output.status.success(), json)
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn customer_data_stops_the_build_with_the_masked_value_and_its_place() {
    let site = TestSite::new();
    site.write(
        "content/account/leak.md",
        article(
            "KB-0002",
            "证件过期怎么办？",
            &format!("客户证件号 {ID_NUMBER}，手机 138 1234 5678。\n"),
        ),
    );
    let output = site.build();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains(
            "error[customer-data]: a resident ID number is in the text: 110105********002X"
        ),
        "{err}"
    );
    assert!(
        err.contains("a mobile number is in the text: 138****5678"),
        "{err}"
    );
    assert!(err.contains("content/account/leak.md:8:7"), "{err}");
    // Not even the quoted source line shows the values in full: both are masked in both errors.
    assert!(
        !err.contains(ID_NUMBER) && !err.contains("1234 5678"),
        "{err}"
    );
    assert!(
        err.matches("客户证件号 110105********002X，手机 138 **** 5678。")
            .count()
            >= 2,
        "{err}"
    );
    assert!(!site.path("public").exists(), "nothing published");

    let (ok, json) = check_json(&site, &[]);
    assert!(!ok);
    let problem = &json["problems"][0];
    assert_eq!(problem["code"], "customer-data");
    assert_eq!(
        (problem["line"].as_u64(), problem["column"].as_u64()),
        (Some(8), Some(7))
    );
    assert!(
        !json.to_string().contains(ID_NUMBER),
        "the JSON never shows the full number"
    );
}

#[test]
fn digits_that_are_not_customer_data_pass() {
    let site = TestSite::new();
    site.write(
        "content/account/numbers.md",
        article(
            "KB-0002",
            "委托编号在哪里看？",
            &format!(
                "流水号 {WRONG_CHECK}，订单号 6222021234567890127，热线 95588，2026-11-22。\n"
            ),
        ),
    );
    site.build_ok();
}

#[test]
fn customer_data_in_front_matter_counts_too() {
    let site = TestSite::new();
    site.write(
        "content/account/front.md",
        "---\nid: KB-0002\ntitle: 客户 zhang.san@163.com 无法登录\ncategory: 咨询类\n---\n\n正文。\n",
    );
    let err = stderr(&site.build());
    assert!(
        err.contains("an e-mail address is in the text: z***@163.com"),
        "{err}"
    );
    assert!(err.contains("content/account/front.md:3:11"), "{err}");
}

#[test]
fn test_accounts_are_allowed_by_a_marker_or_the_allow_list() {
    let site = TestSite::new();
    site.write(
        "qaportal.toml",
        format!("{CONFIG}\n[lint]\nallow = [\"139-0000-0000\", \"@xyzsec.com.cn\"]\n"),
    );
    site.write(
        "content/account/test-accounts.md",
        article(
            "KB-0002",
            "测试账号有哪些？",
            "| 账号 | 手机 |\n|---|---|\n| 测试一 | 13800000000 <!-- qaportal:allow customer-data --> |\n| 测试二 | 13900000000 |\n\n\
             <!-- qaportal:allow customer-data -->\n证件号 11010519491231002X\n\n邮件 qa@xyzsec.com.cn\n",
        ),
    );
    site.build_ok();
    let page = site.read("public/account/test-accounts/index.html");
    assert!(page.contains("13800000000"));
    assert!(
        !page.contains("qaportal:allow"),
        "the marker is not published"
    );

    // With raw HTML escaped, the marker would otherwise show as text.
    site.write(
        "qaportal.toml",
        format!("{CONFIG}\n[markdown]\nraw_html = \"escape\"\n[lint]\nallow = [\"13900000000\", \"@xyzsec.com.cn\"]\n"),
    );
    site.build_ok();
    assert!(
        !site
            .read("public/account/test-accounts/index.html")
            .contains("qaportal:allow")
    );
}

#[test]
fn check_warns_about_reviews_duplicates_empty_sections_systems_and_unused_images() {
    let site = TestSite::new();
    site.write(
        "content/account/forgot.md",
        article(
            "KB-0002",
            "交易密码忘了怎么办？",
            "## 问题描述\n\n## 处理步骤\n\n1. 重置。\n",
        ),
    );
    site.write(
        "content/account/fund-password.md",
        article("KB-0003", "资金密码忘了怎么办？", "资金密码。\n"),
    );
    site.write("content/trading/_system.md", "---\ntitle: 交易\n---\n");
    site.write("content/account/images/old.png", b"\x89PNG");
    site.build_ok();

    let (ok, json) = check_json(&site, &[]);
    assert!(ok, "warnings only: {json}");
    let codes = codes(&json);
    for code in [
        "never-reviewed",
        "duplicate-question",
        "empty-section",
        "empty-system",
        "unused-image",
    ] {
        assert!(codes.contains(&code.to_string()), "{code} in {codes:?}");
    }
    let problems = json["problems"].as_array().unwrap();
    let duplicate: Vec<_> = problems
        .iter()
        .filter(|p| p["code"] == "duplicate-question")
        .collect();
    assert_eq!(
        duplicate.len(),
        1,
        "KB-0003 asks another question: {duplicate:?}"
    );
    assert!(
        duplicate[0]["message"]
            .as_str()
            .unwrap()
            .contains("KB-0001 and KB-0002")
    );
    let empty: Vec<_> = problems
        .iter()
        .filter(|p| p["code"] == "empty-section")
        .collect();
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0]["file"], "content/account/forgot.md");
    assert_eq!(empty[0]["line"], 8);
    let reviews: Vec<_> = problems
        .iter()
        .filter(|p| p["code"] == "never-reviewed")
        .collect();
    assert_eq!(reviews.len(), 1, "only KB-0001 has no review");

    // The build does not run the editorial lints.
    assert!(!stderr(&site.build()).contains("warning"));
}

#[test]
fn review_age_follows_as_of_and_the_interval() {
    let site = TestSite::new();
    site.write(
        "content/account/_system.md",
        "---\ntitle: 账户\nowner: 王敏\n---\n",
    );
    site.write(
        "content/account/reviewed.md",
        article("KB-0002", "风险测评过期怎么办？", "正文。\n"),
    );
    let overdue = |as_of: &str| {
        let output = site.run(&["check", "--as-of", as_of, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        codes(&json)
            .iter()
            .filter(|c| *c == "review-overdue")
            .count()
    };
    assert_eq!(overdue("2027-04-30"), 0, "180 days after 2026-11-01");
    assert_eq!(overdue("2027-05-01"), 1, "181 days after");
    site.write(
        "qaportal.toml",
        format!("{CONFIG}\n[review]\ninterval_days = 30\n"),
    );
    assert_eq!(overdue("2026-12-02"), 1);

    let output = site.run(&["check", "--as-of", "2026-12-02", "--review"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("2 answers not reviewed in the last 30 days"),
        "{text}"
    );
    assert!(text.contains("王敏: 2"), "{text}");
    let never = text.find("KB-0001   never reviewed").expect(&text);
    let old = text
        .find("KB-0002   reviewed 2026-11-01 (31 days ago)")
        .expect(&text);
    assert!(never < old, "never reviewed first:\n{text}");

    let (_, json) = check_json(&site, &["--review"]);
    assert_eq!(json["owners"][0]["owner"], "王敏");
    assert_eq!(
        json["owners"][0]["articles"].as_array().unwrap().len(),
        1,
        "as of 2026-11-22 only KB-0001"
    );
}

#[test]
fn the_sample_site_has_review_warnings_but_no_errors() {
    let output = common::qaportal()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--as-of", "2026-11-22", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(output.status.success(), "{json}");
    assert_eq!(json["errors"], 0);
    assert!(codes(&json).iter().any(|c| c == "never-reviewed"));
}
