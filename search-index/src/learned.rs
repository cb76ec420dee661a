//! Synonyms learned at build time from the site's own phrasings (the `questions` of its answers
//! and its tickets' question texts), so that an answer nobody has asked about yet is found by
//! the words clients use for its neighbours.
//!
//! A phrasing's words are said about its answer's title words: over every phrasing, a pair
//! (title word `t`, phrasing word `w` not in that title) is counted, and kept when it is seen
//! with two answers or more and `w` comes with `t` more than chance (pointwise mutual
//! information above [`Learned::min_pmi`]); each title word keeps its [`Learned::per_word`]
//! best pairs. An answer with no phrasings gets a phrasing that stands in for them (see
//! [`crate::Phrasings::stand_in`]): its title, and with learning on, the learned words of its
//! title's words. General synonym lists measured worse (issue 12: Cilin cost 2.8 points of
//! hit@1); these pairs come from how this site's clients ask. Off by default: in the cold-start
//! bench they gain only where answers have many phrasings (search-index/README.md).

use rustc_hash::{FxHashMap, FxHashSet};

use crate::SearchDocument;
use crate::tokenizer::{QUERY_FILLER_BIGRAMS, STOP_CHARS, is_han, normalize, runs};

/// How pairs are learned (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Learned {
    /// Learn at all (`[search] learned_synonyms` in qaportal.toml).
    pub enabled: bool,
    /// A pair counts when seen with this many answers or more: one answer's phrasings say
    /// something about that answer, not about a word.
    pub min_answers: usize,
    /// Natural logarithm of how much more often than chance the pair must be seen.
    pub min_pmi: f64,
    /// Learned words kept per title word, the most often seen first.
    pub per_word: usize,
}

impl Default for Learned {
    fn default() -> Self {
        Learned {
            // Off: measured in the cold-start setting (bench/relevance, `--setting coldstart`),
            // the learned words gain on tonghuashun but lose on lcqmc, bq and afqmc against
            // the title alone standing in (search-index/README.md).
            enabled: false,
            min_answers: 2,
            min_pmi: 0.5,
            per_word: 4,
        }
    }
}

/// The words of a text for learning: its Han bigrams but those with a stop character or that
/// say how one asks ([`QUERY_FILLER_BIGRAMS`]), and its words of Latin letters or digits.
pub fn words(text: &str) -> FxHashSet<String> {
    let text = normalize(text);
    let mut out = FxHashSet::default();
    for run in runs(&text) {
        if !run.han {
            out.insert(run.text.to_string());
            continue;
        }
        let chars: Vec<char> = run.text.chars().collect();
        for pair in chars.windows(2) {
            if pair.iter().any(|&c| STOP_CHARS.contains(c) || !is_han(c)) {
                continue;
            }
            let bigram: String = pair.iter().collect();
            if !QUERY_FILLER_BIGRAMS.contains(&bigram.as_str()) {
                out.insert(bigram);
            }
        }
    }
    out
}

/// Title word -> learned phrasing words, best first.
pub type Pairs = FxHashMap<String, Vec<String>>;

/// The pairs learned from the phrasings of `docs`.
pub fn learn(docs: &[&SearchDocument], opts: &Learned) -> Pairs {
    // (w, t) -> (phrasings, answers); w -> phrasings with w; t -> phrasings of answers with t.
    let mut pair: FxHashMap<(String, String), (u32, FxHashSet<usize>)> = FxHashMap::default();
    let mut with_w: FxHashMap<String, u32> = FxHashMap::default();
    let mut with_t: FxHashMap<String, u32> = FxHashMap::default();
    let mut phrasings = 0u32;
    for (d, doc) in docs.iter().enumerate() {
        if doc.questions.is_empty() {
            continue;
        }
        let title = words(&doc.title);
        for q in &doc.questions {
            phrasings += 1;
            let said = words(q);
            for t in &title {
                *with_t.entry(t.clone()).or_default() += 1;
            }
            for w in &said {
                *with_w.entry(w.clone()).or_default() += 1;
                if title.contains(w) {
                    continue;
                }
                for t in &title {
                    let e = pair.entry((w.clone(), t.clone())).or_default();
                    e.0 += 1;
                    e.1.insert(d);
                }
            }
        }
    }
    let n = phrasings as f64;
    let mut by_title: FxHashMap<String, Vec<(u32, f64, String)>> = FxHashMap::default();
    for ((w, t), (count, answers)) in pair {
        if answers.len() < opts.min_answers {
            continue;
        }
        let pmi = (count as f64 * n / (with_w[&w] as f64 * with_t[&t] as f64)).ln();
        if pmi >= opts.min_pmi {
            by_title.entry(t).or_default().push((count, pmi, w));
        }
    }
    by_title
        .into_iter()
        .map(|(t, mut ws)| {
            // Most often seen first; then the stronger association; then the word (determinism).
            ws.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
            ws.truncate(opts.per_word);
            (t, ws.into_iter().map(|x| x.2).collect())
        })
        .collect()
}

/// The learned words of a title (of its words' pairs, not in the title), in a fixed order.
pub fn for_title(title: &str, pairs: &Pairs) -> Vec<String> {
    let own = words(title);
    let mut title_words: Vec<&String> = own.iter().collect();
    title_words.sort();
    let mut out: Vec<String> = Vec::new();
    for t in title_words {
        for w in pairs.get(t).into_iter().flatten() {
            if !own.contains(w) && !out.contains(w) {
                out.push(w.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, questions: &[&str]) -> SearchDocument {
        SearchDocument {
            title: title.into(),
            questions: questions.iter().map(|q| q.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn words_skip_glue_and_asking() {
        let mut w: Vec<String> = words("请问怎么修改密码了 App").into_iter().collect();
        w.sort();
        assert_eq!(w, ["app", "修改", "密码", "改密"]);
    }

    #[test]
    fn a_pair_needs_two_answers() {
        let docs = [
            doc("修改登录密码", &["登陆口令忘了", "口令怎么改"]),
            doc("重置交易密码", &["交易口令不记得"]),
            doc("开户流程", &["怎么开户", "开户要多久"]),
            doc("转账失败", &["转账不成功", "银证转账失败"]),
            doc("修改手机号", &["换手机号码"]),
        ];
        let refs: Vec<&SearchDocument> = docs.iter().collect();
        let pairs = learn(&refs, &Learned::default());
        assert!(pairs["密码"].contains(&"口令".to_string()), "{pairs:?}");
        // 手机 -> 号码: one answer only.
        assert!(
            !pairs
                .get("手机")
                .is_some_and(|w| w.contains(&"号码".to_string()))
        );
        assert_eq!(for_title("找回资金密码", &pairs), ["口令"]);
    }
}
