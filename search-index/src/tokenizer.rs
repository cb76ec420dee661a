//! The tokenizer contract of `TOKENIZER.md`, index side. `themes/default/static/search/qaportal-search.js`
//! implements the same contract for queries; `tests/vectors.json` is checked against both.
//!
//! Terms live in disjoint namespaces by shape, so no marker is needed:
//! - a Han character or a pair of adjacent Han characters (`账`, `账户`);
//! - a word of Latin letters and/or digits (`level2`, `level`, `2`), which is also the shape of
//!   pinyin initials (`yzzz`), so a user who types initials matches them;
//! - a pinyin syllable pair joined by an apostrophe (`zhang'hu`), the standard pinyin syllable
//!   separator: it never occurs in a word, so pinyin never collides with Latin text.

use unicode_normalization::UnicodeNormalization;

use crate::pinyin::{syllable_of, typed_syllables};

/// Longest Han run (in characters) whose pinyin initials are emitted as one term. Initials are
/// typed for a word (`yzzz` for 银证转账), not for a sentence, and titles are often one long run.
pub const MAX_INITIALS_RUN: usize = 4;

/// Function characters (particles, pronouns, fillers of spoken questions) that are not terms on
/// their own: as single characters they match almost any title and drown the content words of a
/// chatty query ("喂我就是,同花顺打不开了呢"). Bigrams that contain them are kept.
pub const STOP_CHARS: &str =
    "的了吗呢啊吧呀嘛哦哈嗯呃着得地我你他她它们这那个是么请问一下就都也还又把被给和与及或在";

/// Bigrams of a query that say how a user asks, not what about: interrogatives, greetings,
/// demonstratives ("请问一下，这个为什么…"). They are in most titles and most queries, so a match on
/// them outranks a match on the one content word two texts share. Not query terms (nor their
/// pinyin pairs); indexed text keeps them, and their characters stay query terms.
pub const QUERY_FILLER_BIGRAMS: [&str; 15] = [
    "怎么", "么办", "为什", "什么", "如何", "怎样", "是否", "请问", "你好", "一下", "这个", "那个",
    "我想", "想问", "可以",
];

/// Which extra terms a field gets besides characters, bigrams and words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Body text and headings: characters (when asked), bigrams and words only.
    Plain,
    /// Titles, questions, tags and queries: also pinyin syllable pairs and initials.
    Pinyin,
}

/// Options of [`tokenize`]. `unigrams: false` drops single Han characters except a lone one: long
/// texts (body) then cost far fewer postings, and a query's bigrams still match them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub kind: Kind,
    pub unigrams: bool,
    /// With [`Kind::Pinyin`]: also the initials of short Han runs.
    pub initials: bool,
}

impl Options {
    pub const PINYIN: Options = Options {
        kind: Kind::Pinyin,
        unigrams: true,
        initials: true,
    };
    pub const PLAIN: Options = Options {
        kind: Kind::Plain,
        unigrams: true,
        initials: false,
    };
    pub const BODY: Options = Options {
        kind: Kind::Plain,
        unigrams: false,
        initials: false,
    };
}

/// NFKC, then Unicode lower case: full-width `ＬＥＶＥＬ２` and `Level2` become `level2`.
pub fn normalize(text: &str) -> String {
    // Runs of unified ideographs are copied as they are: NFKC and lower case leave them alone,
    // and they neither compose nor change case with their neighbours. Only what lies between
    // (punctuation, Latin words) takes the two passes of table lookups per character, which
    // on whole Chinese answers were a tenth of a cold build's time.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let han = rest.find(|c| !is_unified_han(c)).unwrap_or(rest.len());
        out.push_str(&rest[..han]);
        rest = &rest[han..];
        let other = rest.find(is_unified_han).unwrap_or(rest.len());
        let run = &rest[..other];
        if run.is_ascii() {
            out.extend(run.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(&run.nfkc().collect::<String>().to_lowercase());
        }
        rest = &rest[other..];
    }
    out
}

/// CJK Unified Ideographs and extension A: their own NFKC and lower case.
fn is_unified_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// CJK Unified Ideographs, extension A, compatibility ideographs and the supplementary planes'
/// extensions (B and later).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// Letters and digits that form words: ASCII, Latin-1 and Latin Extended-A/B, Greek, Cyrillic.
/// An explicit list rather than `\p{L}`, which the query side's ES2017 target lacks.
pub fn is_word(c: char) -> bool {
    c.is_ascii_lowercase()
        || c.is_ascii_digit()
        || matches!(c as u32, 0xDF..=0xF6 | 0xF8..=0x24F | 0x370..=0x3FF | 0x400..=0x4FF)
}

/// A maximal run of Han characters or of word characters in normalized text, and the text
/// between the previous run and this one (empty when they touch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run<'a> {
    pub han: bool,
    pub text: &'a str,
    pub sep: &'a str,
}

/// Splits already-normalized text into Han runs and words; everything else separates.
pub fn runs(text: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    // (start byte, is Han) of the run being read; end of the previous run.
    let mut current: Option<(usize, bool)> = None;
    let mut prev_end = 0;
    for (i, c) in text.char_indices() {
        let class = if is_han(c) {
            Some(true)
        } else if is_word(c) {
            Some(false)
        } else {
            None
        };
        if let Some((start, han)) = current {
            if class == Some(han) {
                continue;
            }
            out.push(Run {
                han,
                text: &text[start..i],
                sep: &text[prev_end..start],
            });
            prev_end = i;
        }
        current = class.map(|han| (i, han));
    }
    if let Some((start, han)) = current {
        out.push(Run {
            han,
            text: &text[start..],
            sep: &text[prev_end..start],
        });
    }
    out
}

/// The word a word run is joined to by a hyphen (`level-2`: `level` for `2`), if any.
fn hyphened<'a>(runs: &[Run<'a>], k: usize) -> Option<&'a str> {
    (k > 0 && !runs[k].han && !runs[k - 1].han && runs[k].sep == "-").then(|| runs[k - 1].text)
}

/// Tokens of `text` (normalized here) under the contract, in text order, with repeats: the
/// order and counts are part of the contract, since they give term frequencies and field lengths.
pub fn tokenize(text: &str, opts: Options) -> Vec<String> {
    let mut out = Vec::new();
    tokenize_into(text, opts, &mut out, None);
    out
}

/// [`tokenize`]'s tokens in two lists: the pinyin initials in `initials`, the others in `out`.
/// Initials have the shape of Latin words (`yzzz`): a caller that wants the words of a text (as
/// related answers do) can tell them apart only here. Both lists in text order, with repeats.
pub fn tokenize_apart(text: &str, opts: Options) -> (Vec<String>, Vec<String>) {
    let (mut out, mut initials) = (Vec::new(), Vec::new());
    tokenize_into(text, opts, &mut out, Some(&mut initials));
    (out, initials)
}

fn tokenize_into(
    text: &str,
    opts: Options,
    out: &mut Vec<String>,
    mut initials: Option<&mut Vec<String>>,
) {
    let text = normalize(text);
    let runs = runs(&text);
    for (k, run) in runs.iter().enumerate() {
        if run.han {
            han_tokens(run.text, opts, out, initials.as_deref_mut());
        } else {
            word_tokens(run.text, hyphened(&runs, k), out);
        }
    }
}

fn word_tokens(word: &str, joined_to: Option<&str>, out: &mut Vec<String>) {
    out.push(word.to_string());
    // `level2` also yields `level` and `2`, so `level 2` and `l2`-less spellings still meet.
    let parts = split_letters_digits(word);
    if parts.len() > 1 {
        out.extend(parts.into_iter().map(str::to_string));
    }
    // `level-2` also yields `level2`, as users type it.
    if let Some(previous) = joined_to {
        out.push(format!("{previous}{word}"));
    }
}

fn split_letters_digits(word: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut prev: Option<bool> = None;
    for (i, c) in word.char_indices() {
        let digit = c.is_ascii_digit();
        if prev.is_some_and(|p| p != digit) {
            parts.push(&word[start..i]);
            start = i;
        }
        prev = Some(digit);
    }
    parts.push(&word[start..]);
    parts
}

/// The tokens of a Han run into `out`, its initials into `initials` when given.
fn han_tokens(run: &str, opts: Options, out: &mut Vec<String>, initials: Option<&mut Vec<String>>) {
    let chars: Vec<char> = run.chars().collect();
    let n = chars.len();
    for i in 0..n {
        if (opts.unigrams || n == 1) && !STOP_CHARS.contains(chars[i]) {
            out.push(chars[i].to_string());
        }
        if i + 1 < n {
            out.push([chars[i], chars[i + 1]].iter().collect());
        }
    }
    if opts.kind == Kind::Pinyin {
        let syllables: Vec<Option<&str>> = chars.iter().map(|&c| syllable_of(c)).collect();
        for pair in syllables.windows(2) {
            if let [Some(a), Some(b)] = pair {
                out.push(format!("{a}'{b}"));
            }
        }
        if opts.initials
            && (2..=MAX_INITIALS_RUN).contains(&n)
            && syllables.iter().all(Option::is_some)
        {
            let term = syllables.iter().map(|s| &s.unwrap()[..1]).collect();
            initials.unwrap_or(out).push(term);
        }
    }
}

/// What a query term is, which decides its weight (see [`QueryWeights`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TermClass {
    Char,
    Bigram,
    Word,
    Pinyin,
}

/// Class of a term, read off its shape (the namespaces above).
pub fn term_class(term: &str) -> TermClass {
    let mut chars = term.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), None, _) if is_han(a) => TermClass::Char,
        (Some(a), Some(b), None) if is_han(a) && is_han(b) => TermClass::Bigram,
        _ if term.contains('\'') => TermClass::Pinyin,
        _ => TermClass::Word,
    }
}

/// Query terms: the query's tokens (with pinyin) plus the syllable pairs of the pinyin it types
/// ([`pinyin_streams`]: `kaihu`, `kai hu`, `yinzhengzhuanzhang`), so it meets the titles' pinyin
/// terms. Repeats are kept: a repeated term counts twice, as in lunr's query vectors.
pub fn query_terms(query: &str) -> Vec<String> {
    query_terms_with(query, true)
}

/// [`query_terms`], with the pinyin typed in its words only when `pinyin_words` (the browser
/// reads words as pinyin only with the syllable table, which it fetches for a query with a word
/// of two letters or more: see [`types_pinyin`]).
pub fn query_terms_with(query: &str, pinyin_words: bool) -> Vec<String> {
    let mut out = Vec::new();
    let text = normalize(query);
    let runs = runs(&text);
    for (k, run) in runs.iter().enumerate() {
        if run.han {
            han_query_tokens(run.text, &mut out);
        } else {
            word_tokens(run.text, hyphened(&runs, k), &mut out);
        }
    }
    let streams = if pinyin_words {
        pinyin_streams(&runs)
    } else {
        Vec::new()
    };
    for stream in streams {
        for pair in stream.syllables.windows(2) {
            out.push(format!("{}'{}", pair[0], pair[1]));
        }
    }
    out
}

/// Whether a query has a word that may be pinyin (letters only, two or more): the browser then
/// fetches the syllable table to read it.
pub fn types_pinyin(query: &str) -> bool {
    let text = normalize(query);
    runs(&text)
        .iter()
        .any(|r| !r.han && r.text.len() >= 2 && r.text.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Syllables typed in pinyin in a row, and the words that typed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinyinStream<'a> {
    pub syllables: Vec<&'static str>,
    pub words: Vec<&'a str>,
}

/// The syllables typed in the words of a query, as streams: words separated only by spaces or
/// apostrophes continue a stream (`zhuan zhang shi bai`), so pairs form across them; any other
/// separator, a Han run or a word that is not pinyin ends it. A word may end in a syllable cut
/// short while typing (`zhuanz`, see [`typed_syllables`]); that ends its stream too.
pub fn pinyin_streams<'a>(runs: &[Run<'a>]) -> Vec<PinyinStream<'a>> {
    let mut out: Vec<PinyinStream<'a>> = Vec::new();
    let mut open = false;
    for run in runs {
        let syllables = (!run.han).then(|| typed_syllables(run.text)).flatten();
        let Some(syllables) = syllables else {
            open = false;
            continue;
        };
        let continues =
            open && !run.sep.is_empty() && run.sep.chars().all(|c| matches!(c, ' ' | '\t' | '\''));
        if !continues {
            out.push(PinyinStream {
                syllables: Vec::new(),
                words: Vec::new(),
            });
        }
        let stream = out.last_mut().expect("pushed above");
        open = syllables.concat() == run.text;
        stream.syllables.extend(syllables);
        stream.words.push(run.text);
    }
    out
}

/// [`han_tokens`] of a query's Han run: with pinyin pairs, without initials (initials are for
/// users who type them, as a word), and without [`QUERY_FILLER_BIGRAMS`].
fn han_query_tokens(run: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = run.chars().collect();
    let n = chars.len();
    let bigram = |i: usize| -> String { [chars[i], chars[i + 1]].iter().collect() };
    let filler = |i: usize| QUERY_FILLER_BIGRAMS.contains(&bigram(i).as_str());
    for (i, &c) in chars.iter().enumerate() {
        if !STOP_CHARS.contains(c) {
            out.push(c.to_string());
        }
        if i + 1 < n && !filler(i) {
            out.push(bigram(i));
        }
    }
    for i in 0..n.saturating_sub(1) {
        if let (Some(a), Some(b), false) =
            (syllable_of(chars[i]), syllable_of(chars[i + 1]), filler(i))
        {
            out.push(format!("{a}'{b}"));
        }
    }
}

/// Per-class query-side boosts (lunr clause boosts).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QueryWeights {
    pub char: f64,
    pub bigram: f64,
    pub word: f64,
    pub pinyin: f64,
    /// A pinyin pair spelled by two Han characters of the query counts only when the index does
    /// not know that Han bigram (a homophone typo), not on top of an exact match.
    pub pinyin_fallback: bool,
}

impl Default for QueryWeights {
    fn default() -> Self {
        // Single characters count double: in short titles one shared content character often
        // decides (tuned on the first 5,000 tonghuashun queries: hit@1 0.527 -> 0.548). Words
        // (Latin letters and digits: app, oppo, 688, level2) count double too: a plain BM25 over
        // characters sees such a word as several letters and their pairs, and a word is as
        // specific as a Han bigram or more (bq, dev: APP登陆不上 found 老是登陆不上 first).
        QueryWeights {
            char: 2.0,
            bigram: 1.0,
            word: 2.0,
            pinyin: 1.0,
            pinyin_fallback: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_nfkc_then_lower_case() {
        for text in [
            "开户失败，ＡＢＣ（１２３）怎么办？",
            "Level-2 行情 ΟΔΟΣ 港股通Σ",
            "e\u{301}中\u{301}\u{327}文 ǅ İstanbul ﬁ ㈱ 㐀丽 﨑",
            "",
            "纯中文",
            "ASCII Only",
        ] {
            let reference = text.nfkc().collect::<String>().to_lowercase();
            assert_eq!(normalize(text), reference, "{text}");
        }
    }
}
