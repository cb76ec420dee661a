//! What the words around a number say it is.
//!
//! An 11-digit number starting 13–19 is a mobile number by its shape, but `当日成交额
//! 13800000000 元` is an amount and `委托编号 15012345678` an order number: the label before a
//! number and the unit after it tell them apart, as they tell the reader.

use super::view::{BREAK, CELL};

/// What the words before a number say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    None,
    /// A person's contact or identity: 手机, 证件号, 卡号, Tel…
    Contact,
    /// A quantity or a document's number: 金额, 成交量, 委托编号, 流水号, orderId…
    Number,
}

/// Labels in Chinese, matched at the end of the words before a number; the longest wins
/// (`证件编号` is an identity, `编号` alone a document number).
const CONTACT: &str = "
    手机 手机号 手机号码 电话 号码 联系 联系人 联系方式 致电 拨打 来电 回电 短信 微信 微信号
    身份证 身份证号 证件 证件号 证件编号 证件号码 卡号 银行卡 借记卡 信用卡 账号 帐号 账户 资金账号
    客户号 邮箱 邮件 电邮 客户 本人 预留 绑定 注册";

/// Documents and records, then amounts and quantities.
const NUMBER: &str = "
    编号 单号 流水 流水号 订单 委托 合同 协议号 序号 序列号 批次 批号 工单 凭证 票据 回单 单据 交易号
    业务号 申请号 受理号 报单 案件号 事件号 工号 文号 条码 运单 快递单 代码 版本 错误码 返回码 端口
    进程 时间戳 邮编
    金额 成交 成交额 成交量 交易额 交易量 数量 余额 总额 资金 资产 市值 本金 利息 费用 手续费 净额 额度
    限额 发生额 营业额 收入 股本 股数 持仓 份额 笔数 次数 人数 户数 合计 总计 共计 累计 总共 约 共 达
    人民币 价格 单价 面值 规模 容量 大小 长度 耗时 访问量 发行量";

/// Parts of ASCII identifiers before a number (`orderId=`, `mobile:`, `Tel`).
const CONTACT_WORDS: &[&str] = &[
    "phone", "mobile", "tel", "cell", "sms", "wechat", "contact", "idcard", "card", "email",
    "mail", "account", "acct",
];
const CONTACT_EXACT: &[&str] = &[
    "mob", "mp", "sj", "dh", "wx", "vx", "id", "idno", "sfz", "m", "t",
];
const NUMBER_WORDS: &[&str] = &[
    "order",
    "entrust",
    "trade",
    "serial",
    "seq",
    "amount",
    "quantity",
    "volume",
    "count",
    "total",
    "balance",
    "price",
    "size",
    "length",
    "byte",
    "port",
    "timestamp",
    "time",
    "version",
    "code",
    "txn",
    "batch",
    "ticket",
    "trace",
    "uuid",
    "hash",
    "isbn",
    "rmb",
    "cny",
    "usd",
    "hkd",
];
const NUMBER_EXACT: &[&str] = &[
    "sn", "no", "ts", "pid", "tid", "v", "ver", "vol", "amt", "cnt", "qty", "num", "ref", "req",
    "len", "sum",
];

fn is_connector(c: char) -> bool {
    matches!(
        c,
        ' ' | '\n'
            | ':'
            | '='
            | '#'
            | '('
            | '['
            | '{'
            | '"'
            | '\''
            | '“'
            | '‘'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '<'
            | '《'
            | '-'
            | '_'
            | '+'
            | '/'
            | '.'
            | ','
            | '、'
            | '为'
            | '是'
            | CELL
    )
}

/// What the words before `start` (a view index) say; stops at the end of the sentence, the
/// block or another number, and crosses at most one table cell.
pub fn before(chars: &[char], start: usize) -> Label {
    before_within(chars, start, 3)
}

/// Joins the numbers of a list (`委托编号：150…、150…`): the list shares the label of its
/// first number.
fn is_list_joiner(c: char) -> bool {
    matches!(c, '、' | ',' | ';' | '/' | ' ' | '和' | '与' | '及' | '或')
}

fn before_within(chars: &[char], start: usize, lists: u8) -> Label {
    let mut from = start;
    let mut cells = 0;
    while from > 0 && start - from < 16 {
        let c = chars[from - 1];
        if c == BREAK
            || c.is_ascii_digit()
            || matches!(c, '。' | '！' | '？' | '；' | ';' | '!' | '?')
        {
            break;
        }
        if c == CELL {
            cells += 1;
            if cells > 1 {
                break;
            }
        }
        from -= 1;
    }
    // Right after another number and a list joiner: the label of that number.
    if lists > 0
        && from > 0
        && chars[from - 1].is_ascii_digit()
        && from < start
        && chars[from..start].iter().all(|&c| is_list_joiner(c))
    {
        let mut previous = from;
        while previous > 0
            && (chars[previous - 1].is_ascii_digit() || matches!(chars[previous - 1], ' ' | '-'))
        {
            previous -= 1;
        }
        return before_within(chars, previous, lists - 1);
    }
    let mut end = start;
    while end > from && is_connector(chars[end - 1]) {
        end -= 1;
    }
    label(&chars[from..end])
}

/// The label that `words` end with.
pub fn label(words: &[char]) -> Label {
    // An ASCII identifier right at the end: `orderId`, `Tel`, `mobile_no`.
    let ascii = words
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
        .count();
    if ascii > 0 {
        let word: String = words[words.len() - ascii..]
            .iter()
            .filter(|c| c.is_ascii_alphabetic())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match ascii_label(&word) {
            Label::None => {}
            found => return found,
        }
    }
    // The rightmost Chinese label, the longest where several end at one place.
    for end in (1..=words.len()).rev() {
        let head = &words[..end];
        let mut best: Option<(usize, Label)> = None;
        for (list, label) in [(CONTACT, Label::Contact), (NUMBER, Label::Number)] {
            for word in list.split_whitespace() {
                let n = word.chars().count();
                if n <= head.len()
                    && head[head.len() - n..].iter().copied().eq(word.chars())
                    && best.is_none_or(|(m, _)| n > m)
                {
                    best = Some((n, label));
                }
            }
        }
        if let Some((_, label)) = best {
            return label;
        }
    }
    Label::None
}

pub fn ascii_label(word: &str) -> Label {
    if word.is_empty() {
        return Label::None;
    }
    let contact = CONTACT_EXACT.contains(&word) || CONTACT_WORDS.iter().any(|w| word.contains(w));
    let number = NUMBER_EXACT.contains(&word) || NUMBER_WORDS.iter().any(|w| word.contains(w));
    match (contact, number) {
        // `mobileNo`, `cardNumber`: the thing counted wins over the word for "number".
        (true, _) => Label::Contact,
        (false, true) => Label::Number,
        (false, false) => Label::None,
    }
}

/// Letters written onto the front of a number (`Tel13812345678`, `KB-13812345678`).
#[derive(Debug, PartialEq, Eq)]
pub enum Glued {
    Nothing,
    /// A contact label such as `Tel`, `mobile`: still a phone number.
    Label,
    /// Any other letters: the digits are part of a code.
    Code,
}

pub fn glued(chars: &[char], start: usize) -> Glued {
    let mut at = start;
    // `KB-…`, `tel_…`: a dash or underscore right after letters glues too.
    if at > 0 && matches!(chars[at - 1], '-' | '_') && at > 1 && chars[at - 2].is_ascii_alphabetic()
    {
        at -= 1;
    }
    let letters = chars[..at]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if letters == 0 {
        return Glued::Nothing;
    }
    let word: String = chars[at - letters..at]
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if word.bytes().all(|b| b.is_ascii_alphabetic()) && ascii_label(&word) == Label::Contact {
        Glued::Label
    } else {
        Glued::Code
    }
}

/// Units and currencies: what follows an amount or a count.
const UNITS: &[(&str, &str)] = &[
    // (unit, characters that make it another word when they follow it)
    ("元", ""),
    ("块", ""),
    ("角", ""),
    ("万", ""),
    ("亿", ""),
    ("股", "东票"),
    ("手", "机续"),
    ("份", ""),
    ("笔", ""),
    ("张", ""),
    ("次", ""),
    ("个", ""),
    ("位", ""),
    ("人", ""),
    ("户", "名口籍"),
    ("台", ""),
    ("件", ""),
    ("条", ""),
    ("倍", ""),
    ("秒", ""),
    ("毫秒", ""),
    ("分钟", ""),
    ("小时", ""),
    ("天", ""),
    ("多", ""),
    ("余", "额"),
    ("字节", ""),
    ("美元", ""),
    ("港元", ""),
    ("港币", ""),
    ("日元", ""),
    ("欧元", ""),
    ("英镑", ""),
    ("人民币", ""),
    ("%", ""),
    ("‰", ""),
];
const ASCII_UNITS: &[&str] = &[
    "cny", "rmb", "usd", "hkd", "yuan", "ms", "kb", "mb", "gb", "tb", "byte", "bytes", "shares",
];

/// Whether a unit or currency follows the number ending at `end` (a view index).
pub fn unit_after(chars: &[char], end: usize) -> bool {
    let mut at = end;
    while at < chars.len() && at - end < 2 && chars[at] == ' ' {
        at += 1;
    }
    // `13800000000（元）`
    if chars.get(at) == Some(&'(') {
        at += 1;
    }
    let rest = &chars[at..chars.len().min(at + 8)];
    for (unit, not_before) in UNITS {
        let n = unit.chars().count();
        if rest.len() >= n
            && rest[..n].iter().copied().eq(unit.chars())
            && !rest.get(n).is_some_and(|c| not_before.contains(*c))
        {
            return true;
        }
    }
    let word: String = rest
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    ASCII_UNITS.contains(&word.as_str())
}

/// Whether a currency sign comes right before the number starting at `start`.
pub fn currency_before(chars: &[char], start: usize) -> bool {
    let mut at = start;
    while at > 0 && start - at < 2 && chars[at - 1] == ' ' {
        at -= 1;
    }
    at > 0 && matches!(chars[at - 1], '¥' | '$' | '€' | '£')
}

/// The header of the table column holding `offset` in a markdown source, when it is in a
/// table's body: `| 委托编号 | 金额 |` says what the numbers under it are.
pub fn column_header(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    if !line.contains('|') {
        return None;
    }
    let column = cells_before(line, offset - line_start);
    // Walk up to the delimiter row (`|---|---|`); the header is the row above it. Past 500
    // rows the header is not looked for, which only means a number has no label from it.
    let mut end = line_start;
    for _ in 0..500 {
        if end == 0 {
            return None;
        }
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let row = text[start..end - 1].trim_end_matches('\r');
        if !row.contains('|') && !is_delimiter_row(row) {
            return None;
        }
        if is_delimiter_row(row) {
            if start == 0 {
                return None;
            }
            let header_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
            let header = text[header_start..start - 1].trim_end_matches('\r');
            return split_cells(header)
                .into_iter()
                .nth(column)
                .map(str::to_string);
        }
        end = start;
    }
    None
}

fn is_delimiter_row(row: &str) -> bool {
    let row = row.trim();
    row.contains('-')
        && row.contains('|')
        && row
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

fn split_cells(row: &str) -> Vec<&str> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    row.split('|').map(str::trim).collect()
}

fn cells_before(line: &str, at: usize) -> usize {
    let trimmed = line.trim_start();
    let lead = usize::from(trimmed.starts_with('|'));
    line[..at].matches('|').count().saturating_sub(lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label_of(text: &str) -> Label {
        let chars: Vec<char> = text.chars().collect();
        before(&chars, chars.len())
    }

    #[test]
    fn labels_before_a_number() {
        assert_eq!(label_of("当日成交额 "), Label::Number);
        assert_eq!(label_of("委托编号为："), Label::Number);
        assert_eq!(label_of("证件编号："), Label::Contact);
        assert_eq!(label_of("客户的手机号，"), Label::Contact);
        assert_eq!(label_of("orderId="), Label::Number);
        assert_eq!(label_of("mobileNo: "), Label::Contact);
        assert_eq!(label_of("请回复 "), Label::None);
        assert_eq!(label_of("| 手机 | "), Label::Contact);
        assert_eq!(label_of("委托编号。客户 "), Label::Contact);
        assert_eq!(label_of("委托编号：15012345678、"), Label::Number);
        assert_eq!(label_of("委托编号 15012345678，手机 "), Label::Contact);
    }

    #[test]
    fn units_after_a_number() {
        let after = |text: &str| unit_after(&text.chars().collect::<Vec<_>>(), 0);
        assert!(after(" 元"));
        assert!(after("股"));
        assert!(after(" CNY"));
        assert!(!after(" 手机无法登录"));
        assert!(!after(" 股东账户"));
        assert!(!after("，请回电"));
    }

    #[test]
    fn column_headers() {
        let text = "| 委托编号 | 金额 |\n|---|---|\n| 15012345678 | 100 |\n";
        let at = text.find("150").unwrap();
        assert_eq!(column_header(text, at).as_deref(), Some("委托编号"));
        let at = text.find("100").unwrap();
        assert_eq!(column_header(text, at).as_deref(), Some("金额"));
        assert_eq!(column_header("手机 13812345678", 7), None);
    }
}
