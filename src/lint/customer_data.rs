//! Customer data: a mainland resident ID number, a mobile number, a bank card number or an
//! e-mail address written into an answer.
//!
//! Answers are often written from a ticket, and a ticket carries the customer's data: pasting
//! it publishes it to every client manager. Each kind is recognised by its structure, not by its
//! length alone, so that order numbers, dates and amounts pass: ID numbers need a real birth
//! date (and, for the 18-digit form, a valid check character), bank cards a valid Luhn check
//! digit, mobile numbers a mobile prefix.
//!
//! The whole file is scanned as written (front matter, text, link targets), since all of it can
//! reach a page or a URL. Test accounts are allowed by a marker on the line or by the site's
//! allow-list (see [`Allowed`]).

use std::ops::Range;

use crate::config::LintConfig;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceId, Span};

/// What authors write to allow the customer data on a line (or on the next line, when the
/// marker stands alone), inside an HTML comment in markdown or a `#` comment in front matter.
pub const MARKER: &str = "qaportal:allow customer-data";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    IdNumber,
    OldIdNumber,
    Mobile,
    BankCard,
    Email,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::IdNumber => "a resident ID number",
            Kind::OldIdNumber => "a 15-digit resident ID number",
            Kind::Mobile => "a mobile number",
            Kind::BankCard => "a bank card number",
            Kind::Email => "an e-mail address",
        }
    }
}

/// Customer data found in a text.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// Byte range in the text, separators included.
    pub range: Range<usize>,
    /// The value without separators (digits, an upper-case `X`), or the address in lower case.
    pub value: String,
}

impl Finding {
    /// The value with its middle hidden, safe to print in logs: `110105********1234`.
    pub fn masked(&self) -> String {
        let keep = |head: usize, tail: usize| {
            let chars: Vec<char> = self.value.chars().collect();
            let head = head.min(chars.len());
            let tail = tail.min(chars.len() - head);
            let mut out: String = chars[..head].iter().collect();
            out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
            out.extend(&chars[chars.len() - tail..]);
            out
        };
        match self.kind {
            Kind::IdNumber | Kind::OldIdNumber | Kind::BankCard => keep(6, 4),
            Kind::Mobile => keep(3, 4),
            Kind::Email => {
                let (local, domain) = self.value.split_once('@').unwrap_or((&self.value, ""));
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
        }
    }

    /// `original` (the finding's text, separators included) with the same characters hidden
    /// as in [`Finding::masked`], every other byte kept: what an error's source snippet shows.
    pub fn masked_in_place(&self, original: &str) -> String {
        let (head, tail) = match self.kind {
            Kind::IdNumber | Kind::OldIdNumber | Kind::BankCard => (6, 4),
            Kind::Mobile => (3, 4),
            // The first character of the local part; the domain is kept below.
            Kind::Email => (1, 0),
        };
        let at = match self.kind {
            Kind::Email => original.find('@').unwrap_or(original.len()),
            _ => original.len(),
        };
        let hidden = original[..at]
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .count();
        let mut seen = 0;
        let mut out = String::with_capacity(original.len());
        for (i, c) in original.char_indices() {
            if i < at && c.is_ascii_alphanumeric() {
                seen += 1;
                let keep = seen <= head || seen > hidden.saturating_sub(tail);
                out.push(if keep { c } else { '*' });
            } else if i < at && self.kind == Kind::Email && seen >= 1 {
                // Dots and other characters of the local part say something too.
                out.push('*');
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// The site's allow-list: test accounts the team may show.
pub struct Allowed {
    values: Vec<String>,
    domains: Vec<String>,
}

impl Allowed {
    pub fn new(config: &LintConfig) -> Allowed {
        let mut allowed = Allowed {
            values: Vec::new(),
            domains: Vec::new(),
        };
        for entry in &config.allow {
            let entry = entry.trim();
            if let Some(domain) = entry.strip_prefix('@') {
                allowed.domains.push(domain.to_ascii_lowercase());
            } else if entry.contains('@') {
                allowed.values.push(entry.to_ascii_lowercase());
            } else {
                allowed.values.push(normalize_number(entry));
            }
        }
        allowed
    }

    fn allows(&self, finding: &Finding) -> bool {
        if self.values.contains(&finding.value) {
            return true;
        }
        finding.kind == Kind::Email
            && finding
                .value
                .rsplit_once('@')
                .is_some_and(|(_, domain)| self.domains.iter().any(|d| d == domain))
    }
}

fn normalize_number(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Errors for the customer data in one file that neither a marker nor the allow-list allows.
pub fn check(file: &SourceFile, source: SourceId, allowed: &Allowed) -> Vec<Diagnostic> {
    find(&file.text)
        .into_iter()
        .filter(|f| !allowed.allows(f) && !marked(file, f.range.start))
        .map(|f| {
            let what = f.kind.describe();
            Diagnostic::error(
                "customer-data",
                format!("{what} is in the text: {}", f.masked()),
            )
            .at(Span::new(source, f.range.clone()))
            .shown_as(f.masked_in_place(&file.text[f.range.clone()]))
            .label(format!("{what}: do not publish customer data"))
            .help(format!(
                "replace it with the team's test data; if it is a test account, add \
                 `<!-- {MARKER} -->` at the end of the line (`# {MARKER}` in front matter), \
                 or list it under [lint] allow in qaportal.toml"
            ))
        })
        .collect()
}

/// Whether the line of `offset`, or a line just before it holding only the marker, allows it.
fn marked(file: &SourceFile, offset: usize) -> bool {
    let line = file.line_index(offset);
    let text = |line: usize| file.line_range(line).map(|r| &file.text[r]);
    if text(line).is_some_and(|t| t.contains(MARKER)) {
        return true;
    }
    line > 0 && text(line - 1).is_some_and(is_marker_line)
}

fn is_marker_line(line: &str) -> bool {
    let line = line.trim();
    let inner = line
        .strip_prefix("<!--")
        .and_then(|l| l.strip_suffix("-->"))
        .or_else(|| line.strip_prefix('#'));
    inner.is_some_and(|i| i.trim() == MARKER)
}

/// Every ID, mobile and bank card number and e-mail address in `text`.
pub fn find(text: &str) -> Vec<Finding> {
    let mut findings = numbers(text);
    findings.extend(emails(text));
    findings.sort_by_key(|f| f.range.start);
    findings
}

/// A digit of a number as typed: ASCII, or full width from a Chinese input method.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// A run of digit groups such as `6222 0212 3456 7890` or `138-0013-8000`.
struct Run {
    /// Digits of each group with their byte range.
    groups: Vec<(String, Range<usize>)>,
    /// A check character `X` right after the last group.
    x: Option<Range<usize>>,
    /// Written right after `+`, as in `+86 138…`.
    after_plus: bool,
}

fn numbers(text: &str) -> Vec<Finding> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let is_word = |i: usize| chars.get(i).is_some_and(|(_, c)| c.is_ascii_alphanumeric());
    let mut findings = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i].1).is_none()
            || (i > 0 && (is_word(i - 1) || digit(chars[i - 1].1).is_some()))
        {
            i += 1;
            continue;
        }
        let after_plus = i > 0 && chars[i - 1].1 == '+';
        let mut groups = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            let mut digits = String::new();
            while let Some(d) = chars.get(j).and_then(|(_, c)| digit(*c)) {
                digits.push(d);
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |(b, _)| *b);
            groups.push((digits, chars[start].0..end));
            // One space or dash between two groups continues the number.
            let separated = chars.get(j).is_some_and(|(_, c)| matches!(c, ' ' | '-'))
                && chars.get(j + 1).is_some_and(|(_, c)| digit(*c).is_some());
            if !separated {
                break;
            }
            j += 1;
        }
        let mut x = None;
        if chars.get(j).is_some_and(|(_, c)| matches!(c, 'X' | 'x')) {
            let start = chars[j].0;
            x = Some(start..start + 1);
            j += 1;
        }
        // Part of a longer word (`A12345678901`, `13800138000abc`): not a number on its own.
        if !is_word(j) {
            let run = Run {
                groups,
                x,
                after_plus,
            };
            findings.extend(classify(&run));
        }
        i = j.max(i + 1);
    }
    findings
}

/// The findings in a run: the run as one number when its grouping fits a kind, else each group.
fn classify(run: &Run) -> Vec<Finding> {
    let lengths: Vec<usize> = run.groups.iter().map(|g| g.0.len()).collect();
    let all: String = run.groups.iter().map(|g| g.0.as_str()).collect();
    let last = run.groups.last().expect("a run has a group");
    let range = run.groups[0].1.start..run.x.as_ref().map_or(last.1.end, |x| x.end);
    let whole = run.groups.len() == 1;
    if run.x.is_some() {
        // Only an ID number ends in X.
        let fits = whole || lengths == [6, 8, 3];
        return if fits && all.len() == 17 && id_number(&format!("{all}X")) {
            vec![Finding {
                kind: Kind::IdNumber,
                range: range.clone(),
                value: format!("{all}X"),
            }]
        } else {
            Vec::new()
        };
    }
    let kind = match all.len() {
        18 if (whole || lengths == [6, 8, 4]) && id_number(&all) => Some(Kind::IdNumber),
        15 if whole && old_id_number(&all) => Some(Kind::OldIdNumber),
        11 if (whole || lengths == [3, 4, 4]) && mobile(&all) => Some(Kind::Mobile),
        16..=19 if (whole || grouped_by_four(&lengths)) && luhn(&all) => Some(Kind::BankCard),
        _ => None,
    };
    if let Some(kind) = kind {
        return vec![Finding {
            kind,
            range: range.clone(),
            value: all,
        }];
    }
    // `+86 138 0013 8000`, `+8613800138000`: the country code is not part of the number.
    if run.after_plus
        && all.len() == 13
        && all.starts_with("86")
        && mobile(&all[2..])
        && (whole || lengths[0] == 2)
    {
        let start = if whole {
            range.start + 2
        } else {
            run.groups[1].1.start
        };
        return vec![Finding {
            kind: Kind::Mobile,
            range: start..range.end,
            value: all[2..].to_string(),
        }];
    }
    if whole {
        return Vec::new();
    }
    // Numbers that only happen to be separated by one space: each on its own.
    run.groups
        .iter()
        .filter_map(|(digits, range)| {
            let single = Run {
                groups: vec![(digits.clone(), range.clone())],
                x: None,
                after_plus: false,
            };
            classify(&single).pop()
        })
        .collect()
}

/// `6222 0212 3456 7890 123`: groups of four, the last one shorter.
fn grouped_by_four(lengths: &[usize]) -> bool {
    let (last, rest) = lengths.split_last().expect("a run has a group");
    rest.iter().all(|&l| l == 4) && (1..=4).contains(last)
}

/// Mainland mobile numbers: 11 digits starting 13–19.
fn mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// GB 11643: six digits of region, the birth date `YYYYMMDD`, three of sequence and a check
/// character (ISO 7064 MOD 11-2).
fn id_number(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && valid_region(b[0])
        && check_character(&b[..17]) == b[17]
        && birth_date(&id[6..14])
}

/// The check character of the first 17 digits of an ID number.
fn check_character(digits: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize]
}

/// The first generation (before 1999): region, `YYMMDD` of the 1900s, three of sequence.
fn old_id_number(id: &str) -> bool {
    id.len() == 15 && valid_region(id.as_bytes()[0]) && birth_date(&format!("19{}", &id[6..12]))
}

/// Region codes start with 1–8 (6 and 7 for the northwest and Taiwan, 8 for Hong Kong and
/// Macau residence permits).
fn valid_region(first: u8) -> bool {
    (b'1'..=b'8').contains(&first)
}

fn birth_date(yyyymmdd: &str) -> bool {
    let number = |r: Range<usize>| yyyymmdd.get(r).and_then(|s| s.parse::<i16>().ok());
    match (number(0..4), number(4..6), number(6..8)) {
        (Some(year), Some(month), Some(day)) => {
            (1900..=2100).contains(&year)
                && jiff::civil::Date::new(year, month as i8, day as i8).is_ok()
        }
        _ => false,
    }
}

/// The Luhn check digit of payment cards.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn emails(text: &str) -> Vec<Finding> {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let mut findings = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let start = start + (text[start..at].len() - text[start..at].trim_start_matches('.').len());
        let after = &text[at + 1..];
        let length = after.find(|c: char| !domain(c)).unwrap_or(after.len());
        let host = after[..length].trim_end_matches(['.', '-']);
        let tld = host.rsplit('.').next().unwrap_or("");
        if start == at
            || !host.contains('.')
            || tld.len() < 2
            || !tld.chars().all(|c| c.is_ascii_alphabetic())
        {
            continue;
        }
        let end = at + 1 + host.len();
        findings.push(Finding {
            kind: Kind::Email,
            range: start..end,
            value: text[start..end].to_ascii_lowercase(),
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        find(text).into_iter().map(|f| (f.kind, f.value)).collect()
    }

    /// A checksum-valid ID number, built from its first 17 digits.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_character(first17.as_bytes()) as char)
    }

    #[test]
    fn id_numbers_need_a_valid_check_character_and_birth_date() {
        let id = with_check("11010519491231002");
        assert_eq!(id, "11010519491231002X");
        assert_eq!(
            kinds(&format!("证件号{id}已过期")),
            [(Kind::IdNumber, id.clone())]
        );
        // The same digits with another check character are not an ID number (nor a card).
        assert_eq!(kinds("证件号110105194912310021已过期"), []);
        let lower = id.to_ascii_lowercase();
        assert_eq!(kinds(&lower), [(Kind::IdNumber, id.clone())]);
        // A valid check character but a birth date that does not exist.
        let bad_date = with_check("11010519491331002");
        assert_eq!(kinds(&bad_date), []);
        let id2 = with_check("44030419900101123");
        assert_eq!(
            kinds(&format!("{} {} {}", &id2[..6], &id2[6..14], &id2[14..])).len(),
            1
        );
    }

    #[test]
    fn old_id_numbers_need_a_birth_date() {
        assert_eq!(
            kinds("旧证件 110105491231002"),
            [(Kind::OldIdNumber, "110105491231002".into())]
        );
        assert_eq!(kinds("流水号 110105491331002"), [], "month 13");
        assert_eq!(kinds("流水号 910105491231002"), [], "no such region");
    }

    #[test]
    fn mobile_numbers_in_the_ways_they_are_written() {
        for text in [
            "13812345678",
            "手机13812345678。",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(
                kinds(text),
                [(Kind::Mobile, "13812345678".into())],
                "{text}"
            );
        }
        assert_eq!(kinds("12812345678"), [], "no mobile prefix");
        assert_eq!(kinds("1381234567"), [], "ten digits");
        assert_eq!(kinds("A13812345678"), [], "part of a code");
        let two = kinds("13812345678 13987654321");
        assert_eq!(two.len(), 2, "two numbers separated by a space: {two:?}");
    }

    #[test]
    fn bank_cards_need_a_valid_luhn_digit() {
        assert_eq!(
            kinds("卡号 6222021234567890128"),
            [(Kind::BankCard, "6222021234567890128".into())]
        );
        assert_eq!(
            kinds("卡号 6222 0212 3456 7890 128"),
            [(Kind::BankCard, "6222021234567890128".into())]
        );
        assert_eq!(
            kinds("4111111111111111"),
            [(Kind::BankCard, "4111111111111111".into())]
        );
        // An order number of the same length that fails the Luhn check.
        assert_eq!(kinds("订单号 6222021234567890127"), []);
        assert_eq!(kinds("委托编号 2026112200001234"), []);
    }

    #[test]
    fn dates_amounts_and_ids_are_not_customer_data() {
        assert_eq!(
            kinds("2026-11-22 交易日 9:00-16:00，KB-0042，金额 1,000,000.00 元，T+1"),
            []
        );
        assert_eq!(kinds("客服热线 95588，400-820-0000"), []);
    }

    #[test]
    fn email_addresses() {
        assert_eq!(
            kinds("发送到 zhang.san@example.com。"),
            [(Kind::Email, "zhang.san@example.com".into())]
        );
        assert_eq!(
            kinds("[邮件](mailto:Li@Example.COM)"),
            [(Kind::Email, "li@example.com".into())]
        );
        assert_eq!(kinds("@客户经理 请注意"), []);
        assert_eq!(kinds("user@localhost"), []);
    }

    #[test]
    fn masks_hide_the_middle() {
        let masked = |text: &str| find(text)[0].masked();
        assert_eq!(masked("11010519491231002X"), "110105********002X");
        assert_eq!(masked("13812345678"), "138****5678");
        assert_eq!(masked("6222021234567890128"), "622202*********0128");
        assert_eq!(masked("zhang.san@example.com"), "z***@example.com");
    }

    #[test]
    fn masks_in_place_keep_separators_and_length() {
        let in_place = |text: &str| {
            let f = &find(text)[0];
            f.masked_in_place(&text[f.range.clone()])
        };
        assert_eq!(in_place("110105 19491231 002X"), "110105 ******** 002X");
        assert_eq!(in_place("138-1234-5678"), "138-****-5678");
        assert_eq!(in_place("zhang.san@example.com"), "z********@example.com");
    }

    #[test]
    fn markers_and_the_allow_list_allow_test_accounts() {
        let check_text = |text: &str, allow: &[&str]| {
            let file = SourceFile::new("a.md".into(), "a.md".into(), text.into());
            let config = LintConfig {
                allow: allow.iter().map(|s| s.to_string()).collect(),
            };
            check(&file, SourceId::from_index(0), &Allowed::new(&config)).len()
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
            check_text("tags: [13800000000] # qaportal:allow customer-data\n", &[]),
            0
        );
        assert_eq!(check_text("测试号 138-0000-0000\n", &["138 0000 0000"]), 0);
        assert_eq!(
            check_text(
                "qa@broker.example.com, x@other.com\n",
                &["@broker.example.com"]
            ),
            1
        );
    }
}
