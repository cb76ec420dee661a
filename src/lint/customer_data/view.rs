//! The text as a reader sees it, with the place in the source of every character.
//!
//! A number is customer data when a reader can read it, whatever the source says: entities
//! (`&#49;38…`), emphasis or tags between the digits (`138**1234**5678`), full-width digits and
//! `＠`, no-break, ideographic or thin spaces, zero-width characters. The view undoes all of
//! that in one pass: every source character becomes zero, one or a few characters of the view,
//! each remembering the byte range it came from, so that a finding in the view points back at
//! the source (for `file:line:col`) and can be masked there.
//!
//! What a page publishes without showing it (a link's target, a tag's attributes, a comment) is
//! appended after the text as segments of its own, so that it is checked too without gluing
//! onto the text around it.

use std::ops::Range;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use super::markup::{Marks, entity, escape};

/// Ends a block (paragraph, block tag, segment): nothing is read across it.
pub const BREAK: char = '\u{0}';
/// Between two cells of a table row: it separates numbers, but a label in one cell (`| 手机 |
/// 138… |`) still says what the next one holds.
pub const CELL: char = '\u{1}';

/// How the source is written, which decides what a reader sees of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// Text shown as it is: a config value, a file name, a ticket question, a search query.
    Plain,
    /// A `qaportal.toml`: plain text with TOML's `\u` escapes.
    Toml,
    /// A markdown file: front matter (YAML or TOML, with `\u` escapes), then CommonMark with
    /// raw HTML and entities.
    Markdown,
}

/// The normalized text and, for each of its characters, the source byte range it came from.
#[derive(Default)]
pub struct View {
    pub chars: Vec<char>,
    pub spans: Vec<(u32, u32)>,
}

impl View {
    pub fn source(&self, chars: Range<usize>) -> Range<usize> {
        let start = self.spans[chars.start].0 as usize;
        let end = self.spans[chars.end - 1].1 as usize;
        start..end.max(start)
    }

    fn emit(&mut self, c: char, span: (u32, u32)) {
        self.chars.push(c);
        self.spans.push(span);
    }

    /// Adds `c` as a reader sees it: normalized, or nothing when it is invisible.
    fn push(&mut self, c: char, span: (u32, u32)) {
        if c.is_ascii() {
            match c {
                '\r' => {}
                '\t' => self.emit(' ', span),
                _ => self.emit(c, span),
            }
            return;
        }
        match classify(c) {
            Class::Keep => self.emit(c, span),
            Class::Invisible => {}
            Class::As(to) => self.emit(to, span),
            Class::Decompose => {
                let mut any = false;
                decompose_compatible(c, |d| {
                    if is_combining_mark(d) {
                        return;
                    }
                    any = true;
                    match classify(d) {
                        Class::As(to) => self.emit(to, span),
                        Class::Invisible => {}
                        _ => self.emit(d, span),
                    }
                });
                if !any {
                    self.emit(c, span);
                }
            }
        }
    }

    fn push_break(&mut self, at: usize) {
        if self.chars.last() != Some(&BREAK) {
            self.emit(BREAK, (at as u32, at as u32));
        }
    }
}

enum Class {
    Keep,
    Invisible,
    As(char),
    /// Unicode compatibility decomposition (the K of NFKC): full-width forms, no-break and
    /// other spaces, circled and mathematical digits, ligatures.
    Decompose,
}

fn classify(c: char) -> Class {
    match c {
        // Han characters and Chinese punctuation, the bulk of the text, are their own normal
        // form.
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{3001}'..='\u{301B}'
        | '\u{301D}'..='\u{303F}'
        | '\u{2018}'..='\u{201F}' => Class::Keep,
        // Invisible: zero-width spaces and joiners, soft hyphen, direction marks, word joiner,
        // variation selectors, byte-order mark, Hangul fillers, tag characters.
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{E0000}'..='\u{E007F}' => Class::Invisible,
        // Dashes and what Chinese input methods type for one (`——`, `～`, `ー`).
        '\u{2010}'..='\u{2015}'
        | '\u{2043}'
        | '\u{2212}'
        | '\u{23AF}'
        | '\u{2500}'
        | '\u{2501}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{301C}'
        | '\u{30FC}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{FF5E}' => Class::As('-'),
        // Middle dots and bullets written between groups of digits.
        '\u{00B7}' | '\u{2022}' | '\u{2024}' | '\u{2219}' | '\u{22C5}' | '\u{30FB}'
        | '\u{FE52}' | '\u{FF0E}' | '\u{FF65}' => Class::As('.'),
        '\u{1680}' | '\u{3000}' => Class::As(' '),
        '\u{2028}' | '\u{2029}' | '\u{0085}' => Class::As('\n'),
        // The ideographic full stop ends a sentence; its half-width form is the same.
        '\u{FF61}' => Class::As('。'),
        // Full-width forms of ASCII (`１`, `＠`, `：`, `（`): what NFKC gives, without a lookup,
        // as Chinese text is full of them.
        '\u{FF01}'..='\u{FF5E}' => {
            Class::As(char::from_u32(c as u32 - 0xFEE0).expect("an ASCII character"))
        }
        _ => Class::Decompose,
    }
}

/// The view of `text` written in `syntax`.
#[cfg(test)]
pub fn build(text: &str, syntax: Syntax) -> View {
    let mut view = View::default();
    build_into(&mut view, text, syntax);
    view
}

/// The view of `text` written in `syntax`, into `view` (whose buffers are reused: a build
/// reads thousands of files).
pub fn build_into(view: &mut View, text: &str, syntax: Syntax) {
    view.chars.clear();
    view.spans.clear();
    let mut builder = Builder {
        text,
        view: std::mem::take(view),
        hidden: Vec::new(),
    };
    match syntax {
        Syntax::Plain => builder.plain(0..text.len(), false),
        Syntax::Toml => builder.plain(0..text.len(), true),
        Syntax::Markdown => {
            let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
            let body = match front_matter_end(text, bom) {
                Some(end) => {
                    builder.plain(bom..end, true);
                    builder.view.push_break(end);
                    end
                }
                None => bom,
            };
            builder.markdown(body..text.len());
        }
    }
    let hidden = std::mem::take(&mut builder.hidden);
    for range in hidden {
        builder.view.push_break(range.start);
        builder.url(range);
    }
    chinese_numerals(&mut builder.view);
    *view = builder.view;
}

/// Where the front matter (between `---` or `+++` lines at the very start) ends, after its
/// closing fence line.
fn front_matter_end(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    let fence = ["---", "+++"].into_iter().find(|f| {
        rest.strip_prefix(f)
            .is_some_and(|r| r.trim_start_matches([' ', '\t', '\r']).starts_with('\n'))
    })?;
    let mut pos = start + rest.find('\n')? + 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == fence {
            return Some((end + 1).min(text.len()));
        }
        pos = end + 1;
    }
    None
}

struct Builder<'a> {
    text: &'a str,
    view: View,
    /// Source ranges published but not shown in the flow of the text (link targets, tags).
    hidden: Vec<Range<usize>>,
}

fn span(range: Range<usize>) -> (u32, u32) {
    (range.start as u32, range.end as u32)
}

impl Builder<'_> {
    /// Text shown as written; with `escapes`, `\uXXXX` and `\xXX` (YAML, TOML) are decoded.
    fn plain(&mut self, range: Range<usize>, escapes: bool) {
        let text = self.text;
        let mut i = range.start;
        while i < range.end {
            let c = text[i..].chars().next().expect("in range");
            let len = c.len_utf8();
            if escapes
                && c == '\\'
                && let Some((decoded, used)) = escape(&text[i..range.end])
            {
                self.view.push(decoded, span(i..i + used));
                i += used;
                continue;
            }
            if !transparent(c) {
                self.view.push(c, span(i..i + len));
            }
            i += len;
        }
    }

    /// CommonMark with raw HTML as a reader of the page sees it.
    fn markdown(&mut self, range: Range<usize>) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut marks = Marks::new(text, range.clone());
        let mut i = range.start;
        while i < range.end {
            if bytes[i] >= 0x80 {
                // Chinese text, the bulk: no markup is written with it.
                let c = text[i..].chars().next().expect("in range");
                let len = c.len_utf8();
                self.view.push(c, span(i..i + len));
                i += len;
                continue;
            }
            let c = bytes[i] as char;
            let len = 1;
            match c {
                '\n' => {
                    // A blank line ends the paragraph.
                    let next = text[i + 1..range.end]
                        .find(|c: char| c != ' ' && c != '\t' && c != '\r')
                        .map(|k| i + 1 + k);
                    if next.is_none_or(|n| bytes[n] == b'\n') {
                        self.view.push_break(i);
                        i = next.map_or(range.end, |n| n + 1);
                        continue;
                    }
                    self.view.emit('\n', span(i..i + 1));
                    i += 1;
                    continue;
                }
                '&' => {
                    if let Some((decoded, used)) = entity(&text[i..range.end]) {
                        for d in decoded {
                            self.view.push(d, span(i..i + used));
                        }
                        i += used;
                        continue;
                    }
                }
                // Mermaid's own character references in diagram labels: `#49;` is `1`.
                '#' if bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_digit() || *b == b'x') =>
                {
                    let name = bytes[i + 1..range.end]
                        .iter()
                        .take(10)
                        .take_while(|b| b.is_ascii_alphanumeric())
                        .count();
                    let as_html = format!("&#{};", &text[i + 1..i + 1 + name]);
                    if bytes.get(i + 1 + name) == Some(&b';')
                        && let Some((decoded, used)) = entity(&as_html)
                    {
                        for d in decoded {
                            self.view.push(d, span(i..i + used - 1));
                        }
                        i += used - 1;
                        continue;
                    }
                }
                '\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                    // A backslash escape shows the character after it.
                    let after = bytes[i + 1] as char;
                    if !transparent(after) {
                        self.view.emit(after, span(i..i + 2));
                    }
                    i += 2;
                    continue;
                }
                '<' => {
                    if let Some(tag) = marks.tag(i) {
                        if tag.inline {
                            // `<span>`, `<b>`, `<!-- -->` between digits do not separate them.
                        } else {
                            self.view.push_break(i);
                        }
                        self.hidden.push(i + 1..i + tag.len - 1);
                        i += tag.len;
                        continue;
                    }
                }
                ']' => {
                    // A link's target is published but not shown where the link text is.
                    if let Some(end) = marks.link_target(i + 1) {
                        self.hidden.push(i + 2..end - 1);
                        i = end;
                        continue;
                    }
                }
                '|' => {
                    self.view.emit(CELL, span(i..i + 1));
                    i += 1;
                    continue;
                }
                _ => {}
            }
            // The brackets of a link's text are not shown.
            let link_text = c == '[' && marks.opens_link(i);
            if !(transparent(c) || link_text) {
                self.view.push(c, span(i..i + len));
            }
            i += len;
        }
    }

    /// A link target or a tag: percent escapes and entities decoded.
    fn url(&mut self, range: Range<usize>) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = range.start;
        while i < range.end {
            if bytes[i] == b'%' {
                let mut decoded = Vec::new();
                let mut j = i;
                while j + 3 <= range.end
                    && bytes[j] == b'%'
                    && let Some(b) = text
                        .get(j + 1..j + 3)
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    decoded.push(b);
                    j += 3;
                }
                if j > i {
                    for c in String::from_utf8_lossy(&decoded).chars() {
                        self.view.push(c, span(i..j));
                    }
                    i = j;
                    continue;
                }
            }
            if bytes[i] == b'&'
                && let Some((decoded, used)) = entity(&text[i..range.end])
            {
                for d in decoded {
                    self.view.push(d, span(i..i + used));
                }
                i += used;
                continue;
            }
            let c = text[i..].chars().next().expect("in range");
            if c == '\n' {
                self.view.push_break(i);
            } else {
                self.view.push(c, span(i..i + c.len_utf8()));
            }
            i += c.len_utf8();
        }
    }
}

/// Markup that a reader does not see: emphasis, strikethrough, code span marks.
fn transparent(c: char) -> bool {
    matches!(c, '*' | '~' | '`')
}

/// Phone numbers dictated in Chinese numerals (`幺三八一二三四五六七八`): a run of at least 11
/// of them is a number, never prose, and becomes ASCII digits.
fn chinese_numerals(view: &mut View) {
    let numeral = |c: char| -> Option<char> {
        Some(match c {
            '〇' | '零' | '洞' => '0',
            '一' | '幺' | '壹' => '1',
            '二' | '两' | '贰' => '2',
            '三' | '叁' => '3',
            '四' | '肆' => '4',
            '五' | '伍' => '5',
            '六' | '陆' => '6',
            '七' | '柒' | '拐' => '7',
            '八' | '捌' => '8',
            '九' | '玖' => '9',
            _ => return None,
        })
    };
    let chars = &mut view.chars;
    let mut i = 0;
    while i < chars.len() {
        if numeral(chars[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let mut count = 0;
        let mut end = i;
        while i < chars.len() {
            if numeral(chars[i]).is_some() {
                count += 1;
                i += 1;
                end = i;
            } else if matches!(chars[i], ' ' | '-')
                && i + 1 < chars.len()
                && numeral(chars[i + 1]).is_some()
            {
                i += 1;
            } else {
                break;
            }
        }
        if count >= 11 {
            for c in &mut chars[start..end] {
                if let Some(d) = numeral(*c) {
                    *c = d;
                }
            }
        }
        i = end.max(start + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(text: &str, syntax: Syntax) -> String {
        build(text, syntax)
            .chars
            .into_iter()
            .map(|c| match c {
                BREAK => '¦',
                CELL => '|',
                c => c,
            })
            .collect()
    }

    #[test]
    fn markup_and_entities_are_read_through() {
        assert_eq!(seen("138**1234**5678", Syntax::Markdown), "13812345678");
        assert_eq!(
            seen("&#49;38&#x31;2345678", Syntax::Markdown),
            "13812345678"
        );
        assert_eq!(seen("a&commat;b&period;cn", Syntax::Markdown), "a@b.cn");
        assert_eq!(
            seen("138<span>1234</span>5678", Syntax::Markdown),
            "13812345678¦span¦/span"
        );
        assert_eq!(seen("[138](x)12345678", Syntax::Markdown), "13812345678¦x");
        assert_eq!(seen("`138`12345678", Syntax::Markdown), "13812345678");
        assert_eq!(seen("a\\*b", Syntax::Markdown), "ab");
        assert_eq!(seen("138<br>12345678", Syntax::Markdown), "138¦12345678¦br");
        assert_eq!(seen("| 138 | 1234 |", Syntax::Markdown), "| 138 | 1234 |");
        assert_eq!(seen("a\n\nb", Syntax::Markdown), "a¦b");
        assert_eq!(seen("a\nb", Syntax::Markdown), "a\nb");
    }

    #[test]
    fn unicode_forms_are_normalized() {
        assert_eq!(
            seen("１３８\u{3000}１２３４\u{00A0}5678", Syntax::Plain),
            "138 1234 5678"
        );
        assert_eq!(
            seen("138\u{200B}1234\u{2009}5678", Syntax::Plain),
            "1381234 5678"
        );
        assert_eq!(seen("138—1234·5678", Syntax::Plain), "138-1234.5678");
        assert_eq!(seen("zhangsan＠qq．com", Syntax::Plain), "zhangsan@qq.com");
        assert_eq!(seen("幺三八一二三四五六七八", Syntax::Plain), "13812345678");
        assert_eq!(seen("一二三", Syntax::Plain), "一二三");
    }

    #[test]
    fn front_matter_escapes_are_decoded() {
        assert_eq!(
            seen(
                "---\ntitle: \"\\u0031\\u00338\"\n---\n正文",
                Syntax::Markdown
            ),
            "---\ntitle: \"138\"\n---\n¦正文"
        );
    }

    #[test]
    fn every_character_points_at_its_source() {
        let text = "手机&#49;38**1234**５678";
        let view = build(text, Syntax::Markdown);
        let digits: String = view.chars.iter().filter(|c| c.is_ascii_digit()).collect();
        assert_eq!(digits, "13812345678");
        let first = view.chars.iter().position(|c| *c == '1').unwrap();
        assert_eq!(&text[view.source(first..first + 1)], "&#49;");
        let last = view.chars.len();
        assert_eq!(&text[view.source(first..last)], "&#49;38**1234**５678");
    }
}
