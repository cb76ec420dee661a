//! Customer data: a mainland resident ID number, a mobile number, a bank card number or an
//! e-mail address in anything the site publishes.
//!
//! Answers are often written from a ticket, and a ticket carries the customer's data: pasting
//! it publishes it to every client manager. The check reads every published string as a reader
//! sees it ([`view`]: entities decoded, markup and invisible characters dropped, Unicode
//! compatibility forms folded), then recognises each kind by its structure ([`numbers`],
//! [`email`]) and tells amounts and order numbers apart by the words around them
//! ([`context`]).
//!
//! The public API is small so that other checks use the same rules: [`scan`] (a plain string,
//! such as a search query) and [`scan_as`] (a file's text in its syntax) list [`Finding`]s,
//! [`contains_customer_data`] says whether there is any, [`mask`] hides them.
//!
//! Test accounts are allowed by a marker on the line or by the site's allow-list (see
//! [`Allowed`]).

pub mod clean;
mod context;
mod email;
mod markup;
mod numbers;
mod published;
mod view;

use std::ops::Range;

pub use published::{check, check_path, withhold_ticket_questions};
pub use view::Syntax;

use crate::config::LintConfig;

/// What authors write to allow the customer data on a line (or on the next line, when the
/// marker stands alone), inside an HTML comment in markdown or a `#` comment in front matter,
/// `qaportal.toml` and `synonyms.txt`.
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
    pub fn describe(self) -> &'static str {
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// Byte range in the text, from its first to its last character as written (separators,
    /// markup and entities in between included).
    pub range: Range<usize>,
    /// The value as a reader reads it: digits (and a check character `X`) without separators,
    /// or the address in lower case.
    pub value: String,
    /// Byte ranges in the text of the characters that [`mask`] hides.
    hidden: Vec<Range<usize>>,
}

impl Finding {
    /// The value with its middle hidden, safe to print: `110105********002X`, `138****5678`,
    /// `z***@qq.com`.
    pub fn masked(&self) -> String {
        match self.kind {
            Kind::Email => {
                let (local, domain) = self.value.split_once('@').unwrap_or((&self.value, ""));
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            kind => {
                let (head, tail) = kept(kind);
                let n = self.value.len();
                let mut out = self.value[..head.min(n)].to_string();
                out.extend(std::iter::repeat_n('*', n.saturating_sub(head + tail)));
                out.push_str(&self.value[n.saturating_sub(tail).max(head.min(n))..]);
                out
            }
        }
    }
}

/// How many digits a masked number keeps at its start and end.
fn kept(kind: Kind) -> (usize, usize) {
    match kind {
        Kind::Mobile => (3, 4),
        _ => (6, 4),
    }
}

/// The customer data in a plain string (a config value, a search query, a ticket question).
pub fn scan(text: &str) -> Vec<Finding> {
    scan_as(text, Syntax::Plain)
}

/// Whether a plain string holds customer data, by the rules of the content lint.
pub fn contains_customer_data(text: &str) -> bool {
    !scan(text).is_empty()
}

/// The customer data in a text written in `syntax`, in order.
pub fn scan_as(text: &str, syntax: Syntax) -> Vec<Finding> {
    thread_local! {
        static VIEW: std::cell::RefCell<view::View> = std::cell::RefCell::default();
    }
    VIEW.with(|view| match view.try_borrow_mut() {
        Ok(mut view) => scan_view(text, syntax, &mut view),
        Err(_) => scan_view(text, syntax, &mut view::View::default()),
    })
}

fn scan_view(text: &str, syntax: Syntax, view: &mut view::View) -> Vec<Finding> {
    view::build_into(view, text, syntax);
    let view = &*view;
    let column_label = |at: usize| match syntax {
        Syntax::Markdown => context::column_header(text, view.spans[at].0 as usize).map_or(
            context::Label::None,
            |header| {
                let words: Vec<char> = header.chars().collect();
                context::label(&words)
            },
        ),
        _ => context::Label::None,
    };
    let emails = email::find(text, view);
    let mut findings: Vec<Finding> = emails
        .into_iter()
        .map(|e| Finding {
            kind: Kind::Email,
            range: view.source(e.chars),
            value: e.value,
            hidden: spans(view, e.local.iter().skip(1)),
        })
        .collect();
    for n in numbers::find(view, &column_label) {
        let range = view.source(n.chars.clone());
        // A number inside an address (`13812345678@139.com`) is the address's.
        if findings.iter().any(|f| {
            f.kind == Kind::Email && f.range.start < range.end && range.start < f.range.end
        }) {
            continue;
        }
        let (head, tail) = kept(n.kind);
        let middle = n.digits.len().saturating_sub(tail);
        let hidden = spans(view, n.digits[head.min(middle)..middle].iter());
        findings.push(Finding {
            kind: n.kind,
            range,
            value: n.value,
            hidden,
        });
    }
    findings.sort_by_key(|f| (f.range.start, f.range.end));
    findings
}

/// The source byte ranges of view characters, each once.
fn spans<'a>(view: &view::View, chars: impl Iterator<Item = &'a usize>) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for &i in chars {
        let (start, end) = view.spans[i];
        let range = start as usize..end as usize;
        if ranges.last() != Some(&range) {
            ranges.push(range);
        }
    }
    ranges
}

/// `text` with the middle of every finding hidden in place: the same length in bytes, so that
/// lines and columns stay where they were (a full-width digit becomes a full-width `＊`).
pub fn mask(text: &str, syntax: Syntax) -> String {
    let findings = scan_as(text, syntax);
    if findings.is_empty() {
        return text.to_string();
    }
    mask_findings(text, &findings)
}

/// `text` with the given findings (of `text`) hidden in place.
pub fn mask_findings(text: &str, findings: &[Finding]) -> String {
    let mut hidden: Vec<&Range<usize>> = findings.iter().flat_map(|f| &f.hidden).collect();
    hidden.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in hidden {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        let original = &text[range.clone()];
        if original.chars().count() == 1 && original.len() == 3 {
            out.push('＊');
        } else {
            out.extend(std::iter::repeat_n('*', original.len()));
        }
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The syntax of a source file, by its name: what a diagnostic quoting it must mask.
pub fn syntax_of(path: &str) -> Syntax {
    if path.ends_with(".md") {
        Syntax::Markdown
    } else if path.ends_with(".toml") {
        Syntax::Toml
    } else {
        Syntax::Plain
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
                continue;
            }
            // Written the way the check reads it: `138 0000 0000`, `１３８…`, `qa＠x.cn`.
            let found = scan(entry);
            if found.is_empty() {
                allowed.values.push(
                    entry
                        .chars()
                        .filter(|c| !matches!(c, ' ' | '-'))
                        .collect::<String>()
                        .to_ascii_uppercase(),
                );
                allowed.values.push(entry.to_ascii_lowercase());
            }
            allowed.values.extend(found.into_iter().map(|f| f.value));
        }
        allowed
    }

    pub fn allows(&self, finding: &Finding) -> bool {
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

#[cfg(test)]
mod tests;
