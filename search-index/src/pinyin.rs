//! The char → pinyin table of the contract (`data/pinyin.txt`, generated from the `pinyin` crate
//! by `examples/gen_pinyin_table.rs`). The index build ships the same table to the browser, so
//! both sides know exactly the same readings: a character outside it has no pinyin on either side.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The table as generated: comment lines, then `syllable characters` per line.
pub const TABLE: &str = include_str!("../data/pinyin.txt");

struct Table {
    by_char: HashMap<char, &'static str>,
    syllables: HashSet<&'static str>,
    /// The beginnings of syllables (shorter than the syllable).
    prefixes: HashSet<&'static str>,
    longest: usize,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_char = HashMap::new();
        let mut syllables = HashSet::new();
        let mut prefixes = HashSet::new();
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (syllable, chars) = line.split_once(' ').expect("pinyin table line");
            syllables.insert(syllable);
            prefixes.extend((1..syllable.len()).map(|k| &syllable[..k]));
            for c in chars.chars() {
                by_char.insert(c, syllable);
            }
        }
        let longest = syllables.iter().map(|s| s.len()).max().unwrap_or(0);
        Table {
            by_char,
            syllables,
            prefixes,
            longest,
        }
    })
}

/// The table as the browser downloads it (`search/pinyin.txt`): without its comment lines, and
/// after each line's characters, a space and those of them that `used` counts (the site's
/// characters, most used first, ties in character order), when there are any: what a syllable
/// typed alone stands for on this site.
pub fn table_body(used: &HashMap<char, u32>) -> String {
    let mut out = String::new();
    for line in TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        out.push_str(line);
        let (_, chars) = line.split_once(' ').expect("pinyin table line");
        let mut site: Vec<(u32, char)> = chars
            .chars()
            .filter_map(|c| used.get(&c).map(|&n| (n, c)))
            .collect();
        if !site.is_empty() {
            site.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            out.push(' ');
            out.extend(site.iter().map(|&(_, c)| c));
        }
        out.push('\n');
    }
    out
}

/// The site's characters of a syllable in a [`table_body`], most used first.
pub fn site_chars(body: &str, syllable: &str) -> Vec<char> {
    body.lines()
        .find_map(|l| {
            let mut fields = l.split(' ');
            (fields.next() == Some(syllable)).then(|| fields.nth(1).unwrap_or("").chars().collect())
        })
        .unwrap_or_default()
}

/// Every character of the table with its reading, in character order.
pub fn readings() -> Vec<(char, &'static str)> {
    let mut all: Vec<(char, &'static str)> =
        table().by_char.iter().map(|(&c, &s)| (c, s)).collect();
    all.sort_unstable();
    all
}

/// Toneless reading of a Han character (`ü` as `v`), if the table has it.
pub fn syllable_of(c: char) -> Option<&'static str> {
    table().by_char.get(&c).copied()
}

/// Splits a word typed in pinyin into syllables: fewest syllables, and among those the longest
/// first syllable (`xian` stays one syllable, `fangan` is `fang an`). `None` when the word is not
/// made of two or more syllables of the table.
pub fn segment_syllables(word: &str) -> Option<Vec<&'static str>> {
    syllables_of(word).filter(|s| s.len() >= 2)
}

/// The syllables spelling all of `word` (one or more, as [`segment_syllables`] chooses them).
pub fn syllables_of(word: &str) -> Option<Vec<&'static str>> {
    let t = table();
    let n = word.len();
    if n < 1 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    // best[i]: fewest syllables that spell word[i..] (usize::MAX: impossible).
    let mut best = vec![usize::MAX; n + 1];
    best[n] = 0;
    for i in (0..n).rev() {
        for len in 1..=t.longest.min(n - i) {
            if best[i + len] != usize::MAX && t.syllables.contains(&word[i..i + len]) {
                best[i] = best[i].min(best[i + len] + 1);
            }
        }
    }
    if best[0] == usize::MAX {
        return None;
    }
    let mut out = Vec::with_capacity(best[0]);
    let mut i = 0;
    while i < n {
        let len = (1..=t.longest.min(n - i))
            .rev()
            .find(|&len| {
                best[i + len] != usize::MAX
                    && best[i + len] + 1 == best[i]
                    && t.syllables.contains(&word[i..i + len])
            })
            .expect("a segmentation exists");
        out.push(*t.syllables.get(&word[i..i + len]).expect("a syllable"));
        i += len;
    }
    Some(out)
}

/// A word typed in pinyin, perhaps not finished: its syllables ([`syllables_of`]), or else the
/// syllables of its longest start when the rest begins a syllable (`zhuanz`: `zhuan`, then the
/// `z` of zhang…). `None` otherwise.
pub fn typed_syllables(word: &str) -> Option<Vec<&'static str>> {
    if let Some(all) = syllables_of(word) {
        return Some(all);
    }
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let t = table();
    (1..word.len())
        .rev()
        .filter(|&k| t.prefixes.contains(&word[k..]))
        .find_map(|k| syllables_of(&word[..k]))
}
