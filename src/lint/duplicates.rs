//! Duplicate questions: two answers whose titles or `questions` ask nearly the same thing, which
//! splits search results and leaves one of them unmaintained.
//!
//! A phrasing is compared as the set of character bigrams of its words, once punctuation,
//! spaces and question words (怎么办, 如何, 吗 …) are gone: "交易密码忘了怎么办？" and
//! "交易密码忘记了怎么办" become 交易密码忘 and 交易密码忘记, which share most bigrams; 资金密码忘记
//! shares few with either. Two phrasings whose Dice coefficient reaches [`THRESHOLD`] are
//! near-duplicates.
//!
//! Comparing every pair is quadratic; prefix filtering keeps it linear in practice: with the
//! bigrams of each phrasing sorted rarest first, two sets this similar must share one of the
//! first few, so only phrasings that do are compared.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::source::Sources;

/// Dice similarity from which two phrasings are the same question.
pub const THRESHOLD: f64 = 0.8;

/// Words that every question has; they say nothing about which question it is. Longer ones
/// first, so that 怎么办 goes before 怎么.
const FILLERS: &[&str] = &[
    "怎么办",
    "为什么",
    "怎么样",
    "是什么",
    "怎么",
    "如何",
    "什么",
    "请问",
    "为何",
    "能否",
    "可以",
    "是否",
    "吗",
    "呢",
    "了",
    "的",
    "啊",
];

/// The bigrams of a phrasing, sorted and without repeats; empty when it is too short to judge.
pub fn bigrams(text: &str) -> Vec<String> {
    let mut normalized: String = text
        .chars()
        .map(|c| match c {
            // Full-width Latin letters and digits, as a Chinese input method types them.
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    for filler in FILLERS {
        normalized = normalized.replace(filler, "");
    }
    let chars: Vec<char> = normalized.chars().collect();
    if chars.len() < 4 {
        return Vec::new();
    }
    let mut grams: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    grams
}

/// Dice coefficient of two sorted sets.
pub fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

struct Phrasing<'a> {
    article: usize,
    text: &'a str,
    grams: Vec<String>,
}

/// A warning on the later of two answers that ask the same question, naming the other one.
pub fn check(site: &Site, sources: &Sources, diagnostics: &mut Diagnostics) {
    let articles = &site.content.articles;
    let phrasings: Vec<Phrasing> = articles
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            std::iter::once(a.title.as_str())
                .chain(a.questions.iter().map(String::as_str))
                .map(move |text| Phrasing {
                    article: i,
                    text,
                    grams: bigrams(text),
                })
        })
        .filter(|p| !p.grams.is_empty())
        .collect();

    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for p in &phrasings {
        for g in &p.grams {
            *frequency.entry(g).or_default() += 1;
        }
    }
    // Each phrasing's prefix: its rarest bigrams, as many as a near-duplicate must share one of.
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut reported: HashSet<usize> = HashSet::new();
    for (n, p) in phrasings.iter().enumerate() {
        let mut rare: Vec<&str> = p.grams.iter().map(String::as_str).collect();
        rare.sort_by_key(|g| (frequency[g], *g));
        let size = p.grams.len() as f64;
        let must_share = (THRESHOLD * size / (2.0 - THRESHOLD)).ceil() as usize;
        let prefix = &rare[..(p.grams.len() + 1).saturating_sub(must_share).max(1)];
        // The first earlier phrasing of another answer that is similar enough; an answer is
        // reported once.
        let similar = || {
            prefix
                .iter()
                .flat_map(|g| index.get(g).into_iter().flatten().copied())
                .find(|&c| {
                    let q = &phrasings[c];
                    q.article != p.article && similarity(&p.grams, &q.grams) >= THRESHOLD
                })
        };
        if !reported.contains(&p.article)
            && let Some(other) = similar()
        {
            reported.insert(p.article);
            let (a, b) = (&articles[phrasings[other].article], &articles[p.article]);
            diagnostics.push(
                Diagnostic::warning(
                    "duplicate-question",
                    format!(
                        "{} and {} ask the same question: “{}” and “{}”",
                        a.id.value, b.id.value, phrasings[other].text, p.text
                    ),
                )
                .at(b.id.span)
                .label(format!("near-duplicate of {}", sources.position(a.id.span)))
                .help(
                    "merge the two answers (keep one, add the other's path to its `aliases`), \
                     or word the questions so that a reader can tell them apart",
                ),
            );
        }
        for g in prefix {
            index.entry(g).or_default().push(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn similar(a: &str, b: &str) -> bool {
        similarity(&bigrams(a), &bigrams(b)) >= THRESHOLD
    }

    #[test]
    fn near_duplicate_questions() {
        assert!(similar("交易密码忘了怎么办？", "交易密码忘记了怎么办"));
        assert!(similar("如何 重置 交易密码", "交易密码如何重置？"));
        assert!(similar("ＡＰＰ无法登录怎么办", "app无法登录"));
    }

    #[test]
    fn different_questions() {
        assert!(!similar("交易密码忘了怎么办？", "资金密码忘了怎么办？"));
        assert!(!similar("银证转账失败怎么办", "银证转账限额是多少"));
        assert!(!similar("怎么办", "怎么办"), "too short to judge");
    }
}
