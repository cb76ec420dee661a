//! The rules one by one; `tests/customer_data.rs` measures them on a corpus of cases.

use super::*;
use crate::source::{SourceFile, SourceId};

fn kinds(text: &str) -> Vec<(Kind, String)> {
    scan_as(text, Syntax::Markdown)
        .into_iter()
        .map(|f| (f.kind, f.value))
        .collect()
}

/// A checksum-valid ID number, built from its first 17 digits.
fn with_check(first17: &str) -> String {
    format!(
        "{first17}{}",
        numbers::check_character(first17.as_bytes()) as char
    )
}

#[test]
fn id_numbers_need_a_valid_check_character_region_and_birth_date() {
    let id = with_check("11010519491231002");
    assert_eq!(id, "11010519491231002X");
    assert_eq!(
        kinds(&format!("证件号{id}已过期")),
        [(Kind::IdNumber, id.clone())]
    );
    // The same digits with another check character are not an ID number (nor a card).
    assert_eq!(kinds("证件号110105194912310021已过期"), []);
    assert_eq!(
        kinds(&id.to_ascii_lowercase()),
        [(Kind::IdNumber, id.clone())]
    );
    assert_eq!(kinds(&with_check("11010519491331002")), [], "month 13");
    assert_eq!(kinds(&with_check("99010519491231002")), [], "no region 99");
    let id2 = with_check("44030419900101123");
    for grouped in [
        format!("{} {} {}", &id2[..6], &id2[6..14], &id2[14..]),
        format!(
            "{} {} {} {}",
            &id2[..6],
            &id2[6..10],
            &id2[10..14],
            &id2[14..]
        ),
    ] {
        assert_eq!(
            kinds(&grouped),
            [(Kind::IdNumber, id2.clone())],
            "{grouped}"
        );
    }
}

#[test]
fn old_id_numbers_need_a_region_and_a_birth_date() {
    assert_eq!(
        kinds("旧证件 110105491231002"),
        [(Kind::OldIdNumber, "110105491231002".into())]
    );
    assert_eq!(kinds("110105491331002"), [], "month 13");
    assert_eq!(kinds("910105491231002"), [], "no such region");
    assert_eq!(
        kinds("流水号 110105491231002"),
        [],
        "a serial number by its label"
    );
    assert_eq!(kinds("202311150001234"), [], "a date-based serial");
}

#[test]
fn mobile_numbers_in_the_ways_they_are_written() {
    for text in [
        "13812345678",
        "手机13812345678。",
        "138 1234 5678",
        "138 12345678",
        "138-1234-5678",
        "138.1234.5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "+8613812345678",
        "0086 13812345678",
        "Tel13812345678",
        "Tel:138 1234 5678",
        "１３８１２３４５６７８",
        "138\u{00A0}1234\u{00A0}5678",
        "138\u{3000}1234\u{3000}5678",
        "138\u{2009}1234\u{2009}5678",
        "138\u{200B}1234\u{200B}5678",
        "138—1234—5678",
        "138**1234**5678",
        "&#49;3812345678",
        "&#x31;38&#32;1234&nbsp;5678",
        "138<span>1234</span>5678",
        "[138](#)12345678",
        "`138`12345678",
        "幺三八一二三四五六七八",
    ] {
        assert_eq!(
            kinds(text),
            [(Kind::Mobile, "13812345678".into())],
            "{text}"
        );
    }
    assert_eq!(kinds("12812345678"), [], "no mobile prefix");
    assert_eq!(kinds("14012345678"), [], "140 is not a mobile prefix");
    assert_eq!(kinds("1381234567"), [], "ten digits");
    assert_eq!(kinds("A13812345678"), [], "part of a code");
    assert_eq!(kinds("13812345678abc"), [], "part of a code");
    let two = kinds("13812345678 13987654321");
    assert_eq!(two.len(), 2, "two numbers separated by a space: {two:?}");
}

#[test]
fn amounts_volumes_and_order_numbers_are_not_phones() {
    for text in [
        "当日成交额 13800000000 元",
        "委托编号 15012345678",
        "成交量 13900000000 股",
        "金额 13800000000.00",
        "¥13800000000",
        "13800000000元",
        "orderId=15012345678",
        "| 委托编号 | 金额 |\n|---|---|\n| 15012345678 | 100 |\n",
        "| 委托编号 | 15012345678 |",
    ] {
        assert_eq!(kinds(text), [], "{text}");
    }
    // The label is the one nearest the number.
    assert_eq!(
        kinds("委托编号 15012345678，客户手机 13812345678"),
        [(Kind::Mobile, "13812345678".into())]
    );
}

#[test]
fn bank_cards_need_a_luhn_digit_and_an_issuer() {
    for text in [
        "卡号 6222021234567890128",
        "6222 0212 3456 7890 128",
        "622202 1234567890128",
        "4111111111111111",
    ] {
        assert_eq!(kinds(text).len(), 1, "{text}");
        assert_eq!(kinds(text)[0].0, Kind::BankCard, "{text}");
    }
    assert_eq!(
        kinds("订单号 6222021234567890127"),
        [],
        "fails the Luhn check"
    );
    assert_eq!(
        kinds("1234567890123452"),
        [],
        "Luhn-valid but no issuer starts 12"
    );
    assert_eq!(
        kinds("流水号 6222021234567890128"),
        [],
        "labelled as a serial number"
    );
}

#[test]
fn dates_amounts_and_codes_are_not_customer_data() {
    assert_eq!(
        kinds("2026-11-22 交易日 9:00-16:00，KB-0042，金额 1,000,000.00 元，T+1"),
        []
    );
    assert_eq!(kinds("客服热线 95588，400-820-0000，010-12345678"), []);
}

#[test]
fn email_addresses_and_their_disguises() {
    for text in [
        "发送到 zhangsan@qq.com。",
        "zhangsan＠qq.com",
        "zhangsan @ qq.com",
        "zhangsan[at]qq.com",
        "zhangsan(at)qq[dot]com",
        "zhangsan at qq.com",
        "zhangsan#qq.com",
        "zhangsan艾特qq点com",
        "zhangsan&commat;qq.com",
        "[邮件](mailto:ZhangSan@QQ.com)",
    ] {
        assert_eq!(
            kinds(text),
            [(Kind::Email, "zhangsan@qq.com".into())],
            "{text}"
        );
    }
    for text in [
        "@客户经理 请注意",
        "user@localhost",
        "git clone git@github.com:org/repo.git",
        "deploy@web01:/srv/app",
        "npm i @scope/pkg lodash@4.17.21",
        "![](images/icon@2x.png)",
        "look at example.com",
        "问题 #12 见 qa.example.com",
        "ssh://git@gitlab.example.com/team/repo",
    ] {
        assert_eq!(kinds(text), [], "{text}");
    }
    assert_eq!(
        kinds("13812345678@139.com"),
        [(Kind::Email, "13812345678@139.com".into())],
        "the number is part of the address"
    );
}

#[test]
fn masks_hide_the_middle() {
    let masked = |text: &str| scan(text)[0].masked();
    assert_eq!(masked("11010519491231002X"), "110105********002X");
    assert_eq!(masked("13812345678"), "138****5678");
    assert_eq!(masked("6222021234567890128"), "622202*********0128");
    assert_eq!(masked("zhang.san@163.com"), "z***@163.com");
}

#[test]
fn masks_in_place_keep_everything_else_and_the_length() {
    let md = |text: &str| mask(text, Syntax::Markdown);
    assert_eq!(
        md("证件 110105 19491231 002X。"),
        "证件 110105 ******** 002X。"
    );
    assert_eq!(md("138-1234-5678"), "138-****-5678");
    assert_eq!(md("138**1234**5678"), "138********5678");
    assert_eq!(md("&#49;38&#49;2345678"), "&#49;38********5678");
    assert_eq!(md("１３８１２３４５６７８"), "１３８＊＊＊＊５６７８");
    assert_eq!(md("zhang.san@163.com"), "z********@163.com");
    for text in [
        "&#49;38&#49;2345678",
        "１３８１２３４５６７８",
        "zhangsan＠qq.com",
    ] {
        assert_eq!(md(text).len(), text.len(), "{text}");
    }
}

#[test]
fn markers_and_the_allow_list_allow_test_accounts() {
    let check_text = |text: &str, allow: &[&str]| {
        let file = SourceFile::new("a.md".into(), "a.md".into(), text.into());
        let config = LintConfig {
            allow: allow.iter().map(|s| s.to_string()).collect(),
        };
        check(
            &file,
            SourceId::from_index(0),
            Syntax::Markdown,
            &Allowed::new(&config),
        )
        .len()
    };
    assert_eq!(check_text("测试号 13800000000\n", &[]), 1);
    assert_eq!(
        check_text(
            "测试号 13800000000 <!-- qaportal:allow customer-data -->\n",
            &[]
        ),
        0
    );
    assert_eq!(
        check_text(
            "<!-- qaportal:allow customer-data -->\n测试号 13800000000\n其他 13900000000\n",
            &[]
        ),
        1
    );
    assert_eq!(
        check_text(
            "---\ntags: [13800000000] # qaportal:allow customer-data\n---\n",
            &[]
        ),
        0
    );
    assert_eq!(check_text("测试号 138-0000-0000\n", &["138 0000 0000"]), 0);
    assert_eq!(
        check_text("测试号 138 0000 0000\n", &["１３８００００００００"]),
        0
    );
    assert_eq!(
        check_text("qa@xyzsec.com.cn, li@other.com\n", &["@xyzsec.com.cn"]),
        1
    );
}

#[test]
fn hostile_markup_is_read_in_linear_time() {
    // Each of these would take minutes if a search ran to the end of the file from every
    // position; bounded, they take milliseconds.
    for text in [
        "<a".repeat(50_000),
        "<!--".repeat(25_000),
        "[".repeat(100_000),
        "](".repeat(50_000),
        "1 ".repeat(30_000),
        "| 1 |\n".repeat(10_000),
        "&#".repeat(50_000),
        "a@".repeat(50_000),
    ] {
        let _ = scan_as(&text, Syntax::Markdown);
    }
}
