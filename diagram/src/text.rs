//! Text measurement and line wrapping without a font.
//!
//! The renderer runs at build time and must not depend on which fonts the reader's phone has
//! (PingFang on iOS, Noto/Source Han or a vendor font on Android, anything in WeChat). CJK
//! glyphs are full-width in every one of them, so they are measured as exactly 1 em; Latin is
//! measured with a deliberately generous per-class estimate, so a label measured here is never
//! narrower than it renders. Shapes then add padding on top.

use unicode_width::UnicodeWidthChar;

/// Font size of every label, in px (user units of the SVG at scale 1).
pub const FONT_SIZE: f64 = 14.0;
/// Distance between the baselines of two lines of a label.
pub const LINE_HEIGHT: f64 = 20.0;

/// Estimated advance of one character, in em.
pub fn char_em(c: char) -> f64 {
    match c {
        ' ' | '\u{a0}' => 0.3,
        'i' | 'j' | 'l' | 'f' | 't' | 'r' | 'I' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.32,
        'M' | 'W' | 'm' | 'w' | '@' | '%' => 0.86,
        'A'..='Z' => 0.68,
        '0'..='9' => 0.56,
        'a'..='z' => 0.55,
        c if c.is_ascii() => 0.55,
        c => match c.width() {
            Some(2) => 1.0,
            Some(0) | None => 0.0,
            // Greek, Cyrillic, accented Latin, ¥, ·: slightly wider than plain ASCII.
            _ => 0.62,
        },
    }
}

/// Width of a string in px at [`FONT_SIZE`].
pub fn width(s: &str) -> f64 {
    s.chars().map(char_em).sum::<f64>() * FONT_SIZE
}

/// Full-width characters that may break anywhere (Han, kana, Hangul, full-width punctuation).
fn is_wide(c: char) -> bool {
    c.width() == Some(2)
}

/// Punctuation that must not start a line (kinsoku shori): it sticks to what precedes it.
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』】〕〉”’….,;:?!)]}%·—～".contains(c)
}

/// Punctuation that must not end a line: it sticks to what follows.
fn no_line_end(c: char) -> bool {
    "（《「『【〔〈“‘([{¥$".contains(c)
}

/// An unbreakable piece of a label: one CJK character (with punctuation glued to it) or one
/// Latin word. `space` says whether a space separated it from the previous unit.
#[derive(Debug)]
struct Unit {
    text: String,
    width: f64,
    space: bool,
}

fn units(line: &str) -> Vec<Unit> {
    let breaks = word_breaks(line);
    let mut out: Vec<Unit> = Vec::new();
    let mut space = false;
    let mut glue_next = false;
    for (at, c) in line.char_indices() {
        if c == ' ' {
            space = !out.is_empty();
            glue_next = false;
            continue;
        }
        let attach = match out.last() {
            None => false,
            Some(_) if space => false,
            Some(last) => {
                let after_wide = last.text.chars().last().is_some_and(is_wide);
                glue_next
                    || no_line_start(c)
                    || (!is_wide(c) && !after_wide)
                    // Inside a Chinese word: 系统 is never drawn as 系 / 统.
                    || (is_wide(c) && after_wide && !breaks.contains(&at))
            }
        };
        if attach {
            let last = out.last_mut().expect("checked above");
            last.text.push(c);
            last.width += char_em(c) * FONT_SIZE;
        } else {
            out.push(Unit {
                text: c.to_string(),
                width: char_em(c) * FONT_SIZE,
                space,
            });
        }
        glue_next = no_line_end(c);
        space = false;
    }
    out
}

/// Byte offsets of `line` where a line may break between two Chinese (or Japanese) characters:
/// the word boundaries of ICU's dictionary segmenter (the data browsers use), except between
/// two characters that it could only split one by one. The dictionary does not know every
/// name (启安, a brokerage's own system names) and splits those into single characters: a
/// line never breaks before a single character.
fn word_breaks(line: &str) -> Vec<usize> {
    use icu_segmenter::WordSegmenter;
    use icu_segmenter::options::WordBreakInvariantOptions;
    if !line.chars().any(is_wide) {
        return Vec::new();
    }
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let bounds: Vec<usize> = segmenter.segment_str(line).collect();
    let single_wide = |from: usize, to: usize| {
        let mut chars = line[from..to].chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if is_wide(c))
    };
    let mut breaks = Vec::with_capacity(bounds.len());
    for i in 1..bounds.len().saturating_sub(1) {
        // No break before a lone character: where the dictionary falls back to single
        // characters it is unsure (上|传 is 上传; 港股|通知|识|测试 is 港股通 知识 测试), and a
        // lone character after a word (投资|者, 清晰|的) belongs with it more often than not;
        // nor after one that starts the label (有|负债).
        let glued =
            single_wide(bounds[i], bounds[i + 1]) || (i == 1 && single_wide(bounds[0], bounds[1]));
        if !glued {
            breaks.push(bounds[i]);
        }
    }
    breaks
}

/// Lines of at most `max` px, and whether a unit had to be cut to get them.
fn fill(units: &[Unit], max: f64) -> (Vec<String>, bool) {
    let mut cut = false;
    let space = width(" ");
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0.0;
    for u in units {
        let add = if cur.is_empty() {
            0.0
        } else if u.space {
            space
        } else {
            0.0
        };
        if !cur.is_empty() && cur_w + add + u.width > max + 1e-6 {
            lines.push(std::mem::take(&mut cur));
            cur_w = 0.0;
        } else if !cur.is_empty() && u.space {
            cur.push(' ');
            cur_w += space;
        }
        // A single word longer than the line is cut by characters rather than overflowing.
        if u.width > max + 1e-6 && cur.is_empty() {
            cut = true;
            for c in u.text.chars() {
                let w = char_em(c) * FONT_SIZE;
                if !cur.is_empty() && cur_w + w > max + 1e-6 {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0.0;
                }
                cur.push(c);
                cur_w += w;
            }
            continue;
        }
        cur.push_str(&u.text);
        cur_w += u.width;
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    (lines, cut)
}

/// Wraps each explicit line to at most `max` px, balancing the lines of a paragraph so a label
/// of eleven characters becomes 6 + 5 rather than 10 + 1.
pub fn wrap(lines: &[String], max: f64) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        let us = units(line);
        if us.is_empty() {
            out.push(String::new());
            continue;
        }
        let (greedy, greedy_cut) = fill(&us, max);
        if greedy.len() <= 1 {
            out.extend(greedy);
            continue;
        }
        let n = greedy.len();
        let total: f64 = us.iter().map(|u| u.width).sum();
        let mut target = (total / n as f64).min(max);
        loop {
            // Balanced, but not by cutting a word that the full width keeps whole.
            let (tried, cut) = fill(&us, target);
            let better = tried.len() <= n && (!cut || greedy_cut);
            if better || target >= max {
                out.extend(if better { tried } else { greedy });
                break;
            }
            target = (target + FONT_SIZE / 2.0).min(max);
        }
    }
    out
}

/// Decodes the entity forms an author may use inside a Mermaid label: Mermaid's own `#quot;`,
/// `#35;` and HTML's `&lt;` style.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find(['#', '&']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos + 1..];
        let end = tail.find(';').filter(|&e| e > 0 && e <= 8);
        let decoded = end.and_then(|e| {
            let name = &tail[..e];
            let c = match name {
                "quot" => Some('"'),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some('\u{a0}'),
                "apos" => Some('\''),
                _ if name.starts_with("x") || name.starts_with("#x") => {
                    let hex = name.trim_start_matches('#').trim_start_matches('x');
                    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                }
                _ => name
                    .trim_start_matches('#')
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push_str(&rest[pos..pos + 1]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits a label at `<br>`, `<br/>` and `<br />` (any case), decodes entities and trims lines.
pub fn split_label(raw: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let lower = raw.to_ascii_lowercase();
    let mut start = 0;
    let mut i = 0;
    while let Some(off) = lower[i..].find("<br") {
        let at = i + off;
        let after = &lower[at + 3..];
        let close = after.find('>');
        match close {
            Some(c) if after[..c].trim().trim_end_matches('/').trim().is_empty() => {
                lines.push(&raw[start..at]);
                start = at + 3 + c + 1;
                i = start;
            }
            _ => i = at + 3,
        }
    }
    lines.push(&raw[start..]);
    lines
        .into_iter()
        .flat_map(|l| l.split('\n'))
        .map(|l| decode_entities(l.trim()).trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_is_one_em() {
        assert_eq!(width("开户流程"), 4.0 * FONT_SIZE);
        assert_eq!(width("，"), FONT_SIZE);
    }

    #[test]
    fn wraps_balanced_and_keeps_punctuation() {
        let l = wrap(
            &["提示客户重新上传清晰的证件照片".to_string()],
            9.0 * FONT_SIZE,
        );
        assert_eq!(l, vec!["提示客户重新上传", "清晰的证件照片"]);
        let l = wrap(&["开户完成，短信通知客户".to_string()], 5.0 * FONT_SIZE);
        assert!(l.iter().all(|s| !s.starts_with('，')), "{l:?}");
    }

    #[test]
    fn latin_words_are_not_split() {
        let l = wrap(&["输入 T+1 交易日 ETF 代码".to_string()], 5.0 * FONT_SIZE);
        assert!(l.iter().any(|s| s.contains("T+1")), "{l:?}");
        assert!(l.iter().any(|s| s.contains("ETF")), "{l:?}");
    }

    #[test]
    fn lines_break_between_words_not_inside_them() {
        for (label, width) in [
            ("银行存管系统", 4.0),
            ("启安证券APP提交销户申请", 5.0),
            ("基金公司确认份额", 3.0),
            ("还清两融负债", 4.0),
            ("产品要求合格投资者", 4.0),
            ("港股通知识测试", 5.0),
        ] {
            let lines = wrap(&[label.to_string()], width * FONT_SIZE);
            assert_eq!(lines.concat(), label);
            for pair in lines.windows(2) {
                let (end, start) = (pair[0].chars().last(), pair[1].chars().next());
                for (a, b) in [
                    ('系', '统'),
                    ('基', '金'),
                    ('启', '安'),
                    ('存', '管'),
                    ('两', '融'),
                    ('销', '户'),
                    ('资', '者'),
                    ('知', '识'),
                ] {
                    assert!(
                        (end, start) != (Some(a), Some(b)),
                        "{label} broken inside {a}{b}: {lines:?}"
                    );
                }
            }
        }
        // A word longer than the line is still cut rather than overflowing.
        let lines = wrap(&["中华人民共和国".to_string()], 3.0 * FONT_SIZE);
        assert!(
            lines.iter().all(|l| width(l) <= 3.0 * FONT_SIZE),
            "{lines:?}"
        );
    }

    #[test]
    fn splits_br_and_entities() {
        assert_eq!(
            split_label("甲<br/>乙<BR>丙 #quot;丁#quot;"),
            vec!["甲", "乙", "丙 \"丁\""]
        );
        assert_eq!(split_label("金额<5万"), vec!["金额<5万"]);
        assert_eq!(split_label("#35;1 &lt;2"), vec!["#1 <2"]);
    }
}
