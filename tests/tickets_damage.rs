//! Careless ticket exports: a stray quote never silently swallows rows nor publishes other
//! columns, and exports in the encodings Chinese tools write are read.

mod common;

use common::{TestSite, stderr, stdout, tree};

const HEADER: &str = "工单号,提单时间,解决文章,问题描述,处理人\n";

/// 30 tickets for KB-0001 in 2026-W47, handled by 欧阳锋.
fn export() -> String {
    let mut csv = String::from(HEADER);
    for i in 1..=30 {
        csv.push_str(&format!(
            "INC{i:04},2026-11-17 09:00,KB-0001,交易密码忘了怎么办蓝鲸第{i}次,欧阳锋\n"
        ));
    }
    csv
}

/// Every published file as text (the search index's terms are plain JSON).
fn published(site: &TestSite) -> String {
    tree(&site.path("public"))
        .into_values()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect()
}

fn week(site: &TestSite) -> (String, String) {
    let output = site.run(&["week", "2026-W47", "--as-of", "2026-11-20"]);
    (stdout(&output), stderr(&output))
}

#[test]
fn a_stray_quote_is_reported_at_its_line_and_no_row_is_lost() {
    let site = TestSite::new();
    let damaged = export().replacen(
        ",交易密码忘了怎么办蓝鲸第4次",
        ",\"交易密码忘了怎么办蓝鲸第4次",
        1,
    );
    site.write("data/tickets/itsm.csv", &damaged);
    let (out, err) = week(&site);
    assert!(
        out.contains("2026-W47 (2026-11-16 to 2026-11-22): 30 tickets"),
        "{out}\n{err}"
    );
    for expected in [
        "warning[ticket-quote]: a `\"` on line 5 opens a quoted field that runs over the next 26 lines, swallowing 26 rows",
        "data/tickets/itsm.csv:5:1",
        "a `\"` inside a field must be doubled (`\"\"`)",
    ] {
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }

    // Published: the clients' questions only (their words are search terms, as bigrams),
    // never the ticket numbers or the handler column.
    site.build_ok();
    let published = published(&site);
    assert!(published.contains("蓝鲸"), "the questions are phrasings");
    assert!(
        !published.contains("欧阳"),
        "the handler column is never published"
    );
    assert!(
        !published.to_lowercase().contains("inc0005"),
        "ticket numbers are never published"
    );

    // With `strict = true` it stops the build at the same place.
    site.write(
        "qaportal.toml",
        format!("{}[tickets]\nstrict = true\n", common::CONFIG),
    );
    let output = site.build();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[ticket-quote]: a `\"` on line 5"),
        "{err}"
    );
    assert!(err.contains("data/tickets/itsm.csv:5:1"), "{err}");
}

#[test]
fn a_quote_left_open_to_the_end_of_the_file_is_found_too() {
    let site = TestSite::new();
    let damaged = export().replacen(",欧阳锋\nINC0029", ",\"欧阳锋\nINC0029", 1);
    site.write("data/tickets/itsm.csv", &damaged);
    let (out, err) = week(&site);
    assert!(out.contains(": 30 tickets"), "{out}\n{err}");
    assert!(
        err.contains("a `\"` on line 29 opens a quoted field"),
        "{err}"
    );
}

#[test]
fn legitimate_multi_line_questions_are_not_damage() {
    let site = TestSite::new();
    let mut csv = String::from(HEADER);
    csv.push_str("INC0001,2026-11-17 09:00,KB-0001,\"客户说：\n交易密码忘了，怎么办\",王处理\n");
    csv.push_str("INC0002,2026-11-17 09:00,KB-0001,\"密码 \"\"123\"\" 不对\",李处理\n");
    site.write("data/tickets/itsm.csv", &csv);
    let (out, err) = week(&site);
    assert!(out.contains(": 2 tickets"), "{out}\n{err}");
    assert!(!err.contains("ticket-quote"), "{err}");
}

/// The same export as Chinese Windows tools write it: GBK without a byte-order mark (real
/// bytes, as `iconv -t GBK` makes them), UTF-8 with a BOM, and UTF-16 with a BOM.
#[test]
fn gbk_utf8_bom_and_utf16_exports_are_read() {
    // 提单时间,解决文章,问题描述,处理人 / 2026-11-16 09:00,KB-0001,忘记交易密码怎么办,王处理 /
    // 2026-11-17 10:00,KB-0001,交易密码被锁定了,李处理
    let gbk: &[u8] = b"\xcc\xe1\xb5\xa5\xca\xb1\xbc\xe4\x2c\xbd\xe2\xbe\xf6\xce\xc4\xd5\xc2\x2c\xce\xca\xcc\xe2\xc3\xe8\xca\xf6\x2c\xb4\xa6\xc0\xed\xc8\xcb\x0a\x32\x30\x32\x36\x2d\x31\x31\x2d\x31\x36\x20\x30\x39\x3a\x30\x30\x2c\x4b\x42\x2d\x30\x30\x30\x31\x2c\xcd\xfc\xbc\xc7\xbd\xbb\xd2\xd7\xc3\xdc\xc2\xeb\xd4\xf5\xc3\xb4\xb0\xec\x2c\xcd\xf5\xb4\xa6\xc0\xed\x0a\x32\x30\x32\x36\x2d\x31\x31\x2d\x31\x37\x20\x31\x30\x3a\x30\x30\x2c\x4b\x42\x2d\x30\x30\x30\x31\x2c\xbd\xbb\xd2\xd7\xc3\xdc\xc2\xeb\xb1\xbb\xcb\xf8\xb6\xa8\xc1\xcb\x2c\xc0\xee\xb4\xa6\xc0\xed\x0a";
    let text = "提单时间,解决文章,问题描述,处理人\n2026-11-16 09:00,KB-0001,忘记交易密码怎么办,王处理\n2026-11-17 10:00,KB-0001,交易密码被锁定了,李处理\n";
    let mut bom8 = b"\xef\xbb\xbf".to_vec();
    bom8.extend_from_slice(text.as_bytes());
    let mut utf16 = b"\xff\xfe".to_vec();
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    for (name, bytes) in [("gbk", gbk.to_vec()), ("utf8-bom", bom8), ("utf16", utf16)] {
        let site = TestSite::new();
        site.write("data/tickets/itsm.csv", &bytes);
        let (out, err) = week(&site);
        assert!(out.contains(": 2 tickets"), "{name}: {out}\n{err}");
        assert!(!err.contains("warning"), "{name}: {err}");
        site.build_ok();
        assert!(
            published(&site).contains("锁定"),
            "{name}: the question is read"
        );
    }
}
