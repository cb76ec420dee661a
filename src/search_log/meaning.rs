//! Which searches mean the same: `转账失败`, `转帐失败？`, `请问转账 失败了` and `zhuanzhang shibai`
//! are one search for the team, typed four ways.
//!
//! The key is the query as the search tokenizer sees it (`search-index`'s normalization: NFKC,
//! lower case; Han characters and Latin words; everything else separates), with pinyin folded:
//! each Han character becomes its reading and a word typed in pinyin its syllables, so
//! homophone typos of a pinyin keyboard (帐 for 账) and pinyin itself meet the characters. What
//! says how a user asks rather than what about is left out, as the search leaves it out: the
//! tokenizer's stop characters (的了吗…) and filler words (怎么, 请问, 如何…).

use search_index::pinyin::{segment_syllables, syllable_of};
use search_index::tokenizer::{QUERY_FILLER_BIGRAMS, STOP_CHARS, normalize, runs};

/// The grouping key of a query; empty when nothing is left (the query was only punctuation or
/// filler).
pub fn key(query: &str) -> String {
    let text = normalize(query);
    let mut parts: Vec<String> = Vec::new();
    for run in runs(&text) {
        let (han, run) = (run.han, run.text);
        if han {
            let chars: Vec<char> = run.chars().collect();
            // Characters of a filler bigram go, as do stop characters.
            let mut keep = vec![true; chars.len()];
            for i in 0..chars.len().saturating_sub(1) {
                let pair: String = chars[i..i + 2].iter().collect();
                if QUERY_FILLER_BIGRAMS.contains(&pair.as_str()) {
                    keep[i] = false;
                    keep[i + 1] = false;
                }
            }
            for (&c, keep) in chars.iter().zip(keep) {
                if !keep || STOP_CHARS.contains(c) {
                    continue;
                }
                parts.push(syllable_of(c).map_or_else(|| c.to_string(), str::to_string));
            }
        } else {
            match segment_syllables(run) {
                Some(syllables) => parts.extend(syllables.into_iter().map(str::to_string)),
                None => parts.push(run.to_string()),
            }
        }
    }
    parts.join(" ")
}

/// The query as shown in a report: whitespace runs as one space, trimmed, control and
/// formatting characters (which could rewrite a terminal line or reorder text) dropped.
pub fn tidy(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for word in query.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control() && !is_format(*c)));
    }
    out
}

/// Unicode format characters that change how text displays: bidirectional controls, zero-width
/// characters.
fn is_format(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFEFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_question_share_a_key() {
        let k = key("转账失败");
        assert_eq!(k, "zhuan zhang shi bai");
        for variant in [
            "转帐失败",
            "转账 失败？",
            "请问转账失败了",
            "zhuanzhang shibai",
            "ZhuanZhang失败",
            "转账失败怎么办",
        ] {
            assert_eq!(key(variant), k, "{variant}");
        }
        assert_ne!(key("转账限额"), k);
        assert_eq!(key("Level2 十档"), "level2 shi dang");
        assert_eq!(key("？？"), "");
    }

    #[test]
    fn tidy_drops_what_rewrites_a_terminal() {
        assert_eq!(tidy("  转账\t失败 \u{1b}[2J\u{202e}x "), "转账 失败 [2Jx");
    }
}
