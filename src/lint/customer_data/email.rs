//! E-mail addresses in the view of a text, as written and as disguised.
//!
//! Besides `zhangsan@qq.com` (and `zhangsan＠qq．com`, which the view already made plain),
//! people write `zhangsan @ qq.com`, `zhangsan[at]qq.com`, `zhangsan#qq.com` ("replace # with
//! @"), `zhangsan at qq dot com`, `zhangsan艾特qq点com`. The looser the disguise, the more the
//! domain must look like a mailbox provider, so that English prose (`look at example.com`) and
//! the non-address uses of `@` (`git@host:repo`, `@mentions`, `@scope/pkg`, `icon@2x.png`,
//! `pkg@1.2.3`) are not taken for addresses.

use std::ops::Range;

use super::view::View;

pub struct Found {
    pub chars: Range<usize>,
    /// View indices of the local part, which masking hides but for its first character.
    pub local: Vec<usize>,
    pub value: String,
}

/// How strongly the separator says "this is an address".
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    /// `@` written against both parts.
    Plain,
    /// `@` with spaces around it, or `艾特`: the domain needs a well-known top-level domain.
    Loose,
    /// `[at]`, `(at)`: written to disguise an address.
    Disguised,
    /// ` at `, `#`: also ordinary words and signs; the domain must be a mailbox provider or
    /// disguised too.
    Word,
}

pub fn find(text: &str, view: &View) -> Vec<Found> {
    let chars = &view.chars;
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((at, len)) = separator(chars, i) else {
            i += 1;
            continue;
        };
        if let Some(f) = address(text, view, i, i + len, at) {
            i = f.chars.end;
            found.push(f);
        } else {
            i += len;
        }
    }
    found
}

fn lower_eq(chars: &[char], at: usize, word: &str) -> bool {
    let n = word.chars().count();
    chars.len() >= at + n
        && chars[at..at + n]
            .iter()
            .zip(word.chars())
            .all(|(c, w)| c.to_ascii_lowercase() == w)
}

/// An `@` or one of its disguises at `i`: its kind and length.
fn separator(chars: &[char], i: usize) -> Option<(At, usize)> {
    let next_is_a = || matches!(chars.get(i + 1), Some('a' | 'A'));
    match chars[i] {
        '@' => {
            let spaced =
                chars.get(i.wrapping_sub(1)) == Some(&' ') || chars.get(i + 1) == Some(&' ');
            Some((if spaced { At::Loose } else { At::Plain }, 1))
        }
        '[' | '(' | '{' | '【' | '<' if next_is_a() => {
            let close = match chars[i] {
                '[' => ']',
                '(' => ')',
                '{' => '}',
                '【' => '】',
                _ => '>',
            };
            (lower_eq(chars, i + 1, "at") && chars.get(i + 3) == Some(&close))
                .then_some((At::Disguised, 4))
        }
        ' ' if next_is_a() => {
            let word = lower_eq(chars, i + 1, "at") && chars.get(i + 3) == Some(&' ');
            word.then_some((At::Word, 4))
        }
        '#' => Some((At::Word, 1)),
        '艾' => (chars.get(i + 1) == Some(&'特')).then_some((At::Loose, 2)),
        _ => None,
    }
}

fn is_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn address(text: &str, view: &View, at_start: usize, at_end: usize, at: At) -> Option<Found> {
    let chars = &view.chars;
    // The local part, right before the separator (after spaces around a loose `@`).
    let mut end = at_start;
    if matches!(at, At::Loose | At::Disguised) {
        while end > 0 && at_start - end < 2 && chars[end - 1] == ' ' {
            end -= 1;
        }
    }
    let mut start = end;
    while start > 0 && end - start < 64 && is_local(chars[start - 1]) {
        start -= 1;
    }
    while start < end && matches!(chars[start], '.' | '_' | '-' | '+') {
        start += 1;
    }
    if start == end || !chars[start..end].iter().any(char::is_ascii_alphanumeric) {
        return None;
    }
    // `ssh://git@host/…`, `https://user@host`: the user of a URL, not a mailbox.
    if start >= 2 && chars[start - 2..start] == ['/', '/'] {
        return None;
    }
    let local: String = chars[start..end]
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // `git@host`: the user every Git server logs in; `xxx@…`: a placeholder; `support@…`: the
    // firm's own role mailbox, not a customer's.
    if local == "git"
        || local.bytes().all(|b| b == b'x')
        || ROLE_MAILBOXES.contains(&local.as_str())
    {
        return None;
    }
    // `z***@qq.com`: a masked address (the view drops the stars, the source has them).
    let written = text.get(view.source(start..end).start..view.spans[at_start].0 as usize);
    if written.is_some_and(|w| w.contains("***")) {
        return None;
    }
    // The domain: labels joined by dots, plain or disguised.
    let mut i = at_end;
    if matches!(at, At::Loose | At::Disguised) {
        while i < chars.len() && i - at_end < 2 && chars[i] == ' ' {
            i += 1;
        }
    }
    let mut labels: Vec<String> = Vec::new();
    let mut disguised_dot = false;
    let mut domain_end = i;
    loop {
        let label_start = i;
        while i < chars.len()
            && i - label_start < 63
            && (chars[i].is_ascii_alphanumeric() || chars[i] == '-')
        {
            i += 1;
        }
        if i == label_start {
            break;
        }
        let label: String = chars[label_start..i]
            .iter()
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if label.starts_with('-') || label.ends_with('-') {
            break;
        }
        labels.push(label);
        domain_end = i;
        match dot(chars, i) {
            Some((len, disguised))
                if chars.get(i + len).is_some_and(char::is_ascii_alphanumeric) =>
            {
                disguised_dot |= disguised;
                i += len;
            }
            _ => break,
        }
    }
    if labels.len() < 2 {
        return None;
    }
    let domain = labels.join(".");
    let tld = labels.last().expect("two labels");
    if !(2..=24).contains(&tld.len()) || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    if FILE_EXTENSIONS.contains(&tld.as_str()) || reserved(&labels) {
        return None;
    }
    // `git@github.com:org/repo.git`, `deploy@10.0.0.1:/srv`: a host to log in to.
    if chars.get(domain_end) == Some(&':')
        && chars
            .get(domain_end + 1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '~' | '/' | '.' | '_' | '-'))
    {
        return None;
    }
    let mailbox = MAILBOX_PROVIDERS.contains(&domain.as_str());
    let accepted = match at {
        At::Plain | At::Disguised => !disguised_dot || at == At::Disguised || mailbox,
        At::Loose => COMMON_TLDS.contains(&tld.as_str()) && (!disguised_dot || mailbox),
        At::Word => mailbox || (disguised_dot && COMMON_TLDS.contains(&tld.as_str())),
    };
    if !accepted {
        return None;
    }
    Some(Found {
        chars: start..domain_end,
        local: (start..end).collect(),
        value: format!("{local}@{domain}"),
    })
}

/// Domains reserved for examples (RFC 2606, 6761), private networks' names (`.local`, `.lan`)
/// and placeholders (`xx.com`): documentation or machines, never a customer's mailbox.
fn reserved(labels: &[String]) -> bool {
    let n = labels.len();
    let second = &labels[n - 2];
    matches!(
        labels[n - 1].as_str(),
        "test"
            | "example"
            | "invalid"
            | "localhost"
            | "local"
            | "internal"
            | "lan"
            | "corp"
            | "home"
            | "intranet"
    ) || (second == "example" && matches!(labels[n - 1].as_str(), "com" | "net" | "org"))
        || labels[..n - 1].iter().all(|l| l.bytes().all(|b| b == b'x'))
}

/// A dot between labels at `i`: its length and whether it is disguised.
fn dot(chars: &[char], i: usize) -> Option<(usize, bool)> {
    // ` (dot) `: a bracketed disguise may have spaces around it.
    if chars.get(i) == Some(&' ')
        && let Some((len, true)) = dot(chars, i + 1).filter(|_| chars.get(i + 1) != Some(&' '))
        && len == 5
    {
        let space_after = usize::from(chars.get(i + 1 + len) == Some(&' '));
        return Some((1 + len + space_after, true));
    }
    match chars.get(i)? {
        '.' => Some((1, false)),
        '。' | '点' => Some((1, true)),
        '[' | '(' | '{' => {
            let close = match chars[i] {
                '[' => ']',
                '(' => ')',
                _ => '}',
            };
            (lower_eq(chars, i + 1, "dot") && chars.get(i + 4) == Some(&close)).then_some((5, true))
        }
        ' ' => {
            (lower_eq(chars, i + 1, "dot") && chars.get(i + 4) == Some(&' ')).then_some((5, true))
        }
        _ => None,
    }
}

/// Mailboxes of a role, which organisations have and customers do not.
const ROLE_MAILBOXES: &[&str] = &[
    "support",
    "service",
    "services",
    "customerservice",
    "help",
    "helpdesk",
    "info",
    "contact",
    "noreply",
    "no-reply",
    "donotreply",
    "admin",
    "administrator",
    "webmaster",
    "postmaster",
    "hostmaster",
    "abuse",
    "security",
    "kefu",
    "hr",
    "sales",
    "feedback",
    "ir",
    "press",
    "media",
    "marketing",
    "office",
    "ops",
    "it",
    "team",
    "jobs",
    "careers",
    "compliance",
    "legal",
    "privacy",
];

/// Where mainland customers have their mailboxes.
const MAILBOX_PROVIDERS: &[&str] = &[
    "qq.com",
    "vip.qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "188.com",
    "vip.163.com",
    "vip.126.com",
    "sina.com",
    "sina.cn",
    "vip.sina.com",
    "sohu.com",
    "139.com",
    "wo.cn",
    "189.cn",
    "21cn.com",
    "tom.com",
    "aliyun.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "gmail.com",
    "yahoo.com",
    "yahoo.com.cn",
    "icloud.com",
    "me.com",
];

const COMMON_TLDS: &[&str] = &[
    "com", "cn", "net", "org", "edu", "gov", "info", "biz", "io", "co", "me", "cc", "tv", "hk",
    "tw", "mo", "sg", "jp", "kr", "us", "uk", "de", "fr", "ca", "au", "top", "xyz", "vip", "club",
    "site", "online", "tech", "shop", "app", "dev", "email", "mobi", "name", "pro", "asia", "wang",
    "ltd", "work", "link", "live", "cloud", "xin",
];

/// Names such as `icon@2x.png` end in a file type, not a top-level domain.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "heic", "js", "mjs",
    "cjs", "ts", "tsx", "jsx", "css", "scss", "less", "md", "markdown", "html", "htm", "xhtml",
    "txt", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "json", "xml", "yml", "yaml",
    "toml", "ini", "cfg", "conf", "log", "zip", "gz", "tgz", "tar", "rar", "exe", "dll", "so",
    "dylib", "apk", "ipa", "dmg", "msi", "sh", "bat", "py", "rb", "go", "rs", "java", "class",
    "jar", "war", "mp3", "mp4", "mov", "avi", "wav", "map", "lock", "sql", "db", "bak", "tmp",
    "vue", "wasm",
];
