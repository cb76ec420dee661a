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
    longest: usize,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_char = HashMap::new();
        let mut syllables = HashSet::new();
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (syllable, chars) = line.split_once(' ').expect("pinyin table line");
            syllables.insert(syllable);
            for c in chars.chars() {
                by_char.insert(c, syllable);
            }
        }
        let longest = syllables.iter().map(|s| s.len()).max().unwrap_or(0);
        Table {
            by_char,
            syllables,
            longest,
        }
    })
}

/// The table without its comment lines: what the browser downloads.
pub fn table_body() -> String {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
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
pub fn segment_syllables(word: &str) -> Option<Vec<&str>> {
    let t = table();
    let n = word.len();
    if n < 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
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
    if best[0] == usize::MAX || best[0] < 2 {
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
        out.push(&word[i..i + len]);
        i += len;
    }
    Some(out)
}
