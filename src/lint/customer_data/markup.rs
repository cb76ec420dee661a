//! What markdown and HTML hide from a reader: character references, escapes, tags, comments
//! and link targets, with the bytes they take.

use std::cell::OnceCell;
use std::ops::Range;

use rustc_hash::FxHashMap;

/// `\uXXXX`, `\UXXXXXXXX` or `\xXX` at the start of `text`: the character and the bytes used.
pub fn escape(text: &str) -> Option<(char, usize)> {
    let digits = match text.as_bytes().get(1)? {
        b'u' => 4,
        b'U' => 8,
        b'x' => 2,
        _ => return None,
    };
    let hex = text.get(2..2 + digits)?;
    let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
    Some((c, 2 + digits))
}

/// An HTML character reference at the start of `text` (`&#49;`, `&#x31;`, `&commat;`): what
/// it stands for and the bytes it takes.
pub fn entity(text: &str) -> Option<(Vec<char>, usize)> {
    let semi = text.bytes().take(34).position(|b| b == b';')?;
    let name = &text[1..semi];
    let used = semi + 1;
    if let Some(number) = name.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        let c = char::from_u32(value)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        return Some((vec![c], used));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (first, second) = markup5ever::data::NAMED_ENTITIES.get(&text[1..used])?;
    if *first == 0 {
        return None;
    }
    let chars = [*first, *second]
        .into_iter()
        .filter(|&c| c != 0)
        .filter_map(char::from_u32)
        .collect();
    Some((chars, used))
}

/// A tag, a comment, a declaration or an autolink at `<`.
pub struct Tag {
    pub len: usize,
    /// Inline tags (and comments) do not separate what is around them.
    pub inline: bool,
}

/// Where the constructs of a markdown body end. Brackets and parentheses are matched once, in
/// one pass; tags and comments find their end through cursors that only move forward, as the
/// view asks about positions in order. So every question costs amortized constant time, and a
/// file of `<a<a<a…`, `[[[[…` or `<!--<!--…` is read in linear time.
pub struct Marks<'a> {
    text: &'a str,
    range: Range<usize>,
    /// The closing `)` or `]` of each matched `(` and `[`, by position: made when a bracket
    /// is first asked about (many answers have no link).
    closes: OnceCell<FxHashMap<usize, usize>>,
    next_gt: Cursor,
    next_comment_end: Cursor,
    next_blank: Cursor,
}

/// The last search of a cursor: from where, and what it found (`usize::MAX`: nothing).
type Cursor = Option<(usize, usize)>;

/// Nesting deeper than this is not a link anyone writes.
const MAX_NESTING: usize = 32;

impl<'a> Marks<'a> {
    pub fn new(text: &'a str, range: Range<usize>) -> Marks<'a> {
        Marks {
            text,
            range,
            closes: OnceCell::new(),
            next_gt: None,
            next_comment_end: None,
            next_blank: None,
        }
    }

    fn closes(&self) -> &FxHashMap<usize, usize> {
        self.closes.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut closes = FxHashMap::default();
            let mut brackets: Vec<usize> = Vec::new();
            let mut parens: Vec<usize> = Vec::new();
            let mut i = self.range.start;
            while i < self.range.end {
                match bytes[i] {
                    // Most bytes: Chinese text, letters, digits.
                    b if b >= 0x80 || b.is_ascii_alphanumeric() => {}
                    b'\\' => i += 1,
                    b'[' if brackets.len() < MAX_NESTING => brackets.push(i),
                    b'(' if parens.len() < MAX_NESTING => parens.push(i),
                    b']' => {
                        if let Some(open) = brackets.pop() {
                            closes.insert(open, i);
                        }
                    }
                    b')' => {
                        if let Some(open) = parens.pop() {
                            closes.insert(open, i);
                        }
                    }
                    b'\n' if blank_line_at(bytes, i) => {
                        brackets.clear();
                        parens.clear();
                    }
                    _ => {}
                }
                i += 1;
            }
            closes
        })
    }

    /// The tag, comment or autolink starting at the `<` at `at`.
    pub fn tag(&mut self, at: usize) -> Option<Tag> {
        let end = self.range.end;
        let text = &self.text[at..end];
        let bytes = text.as_bytes();
        if text.starts_with("<!--") {
            let close = next(
                &mut self.next_comment_end,
                self.text,
                at + 4,
                end,
                |t, i| t[i..].starts_with(b"-->"),
            )?;
            return Some(Tag {
                len: close + 3 - at,
                inline: true,
            });
        }
        let first = *bytes.get(1)?;
        if !(first.is_ascii_alphabetic() || matches!(first, b'/' | b'!' | b'?')) {
            return None;
        }
        // Tags end at `>`, within a bounded length and not across a blank line.
        let gt = next(&mut self.next_gt, self.text, at, end, |t, i| t[i] == b'>')?;
        let blank = next(&mut self.next_blank, self.text, at, end, blank_line_at);
        if gt - at > 4096 || blank.is_some_and(|b| b < gt) {
            return None;
        }
        let end = gt - at;
        let name: String = text[1..end]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        // An autolink (`<https://…>`, `<a@b.cn>`) is shown as its text.
        let autolink =
            text[1..end].contains([':', '@']) && !text[1..end].contains(char::is_whitespace);
        Some(Tag {
            len: end + 1,
            inline: autolink || INLINE_TAGS.contains(&name.as_str()),
        })
    }

    /// Whether the `[` at `at` opens a link or an image: its `]` is followed by a target.
    pub fn opens_link(&self, at: usize) -> bool {
        self.closes()
            .get(&at)
            .is_some_and(|&close| matches!(self.text.as_bytes().get(close + 1), Some(b'(' | b'[')))
    }

    /// The end (after the closing character) of the link target `(…)` or label `[…]` that
    /// starts at `at`.
    pub fn link_target(&self, at: usize) -> Option<usize> {
        let close = *self.closes().get(&at)?;
        (close - at <= 4096).then_some(close + 1)
    }
}

/// The first position from `from` where `found` holds, through a cursor that remembers the last
/// answer: asked in increasing order, every byte is looked at once.
fn next(
    cursor: &mut Cursor,
    text: &str,
    from: usize,
    end: usize,
    found: impl Fn(&[u8], usize) -> bool,
) -> Option<usize> {
    let at = match *cursor {
        // Nothing between the last search's start and what it found: still the answer.
        Some((searched, at)) if searched <= from && from <= at => at,
        _ => {
            let bytes = text.as_bytes();
            let at = (from..end).find(|&i| found(bytes, i)).unwrap_or(usize::MAX);
            *cursor = Some((from, at));
            at
        }
    };
    (at < end).then_some(at)
}

/// Whether the `\n` at `i` is followed by a blank line.
fn blank_line_at(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'\n'
        && bytes[i + 1..]
            .iter()
            .find(|&&b| !matches!(b, b' ' | b'\t' | b'\r'))
            .is_none_or(|&b| b == b'\n')
}

const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
    "sup", "time", "tt", "u", "var", "wbr",
];
