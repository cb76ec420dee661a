//! `synonyms.txt`: one group of interchangeable terms per line, expanded at index time: a field
//! that contains one member also gets the tokens of the other members, so a query for any of them
//! finds it (the recorded phrasings excepted, see [`crate::indexed_text`]). Queries are not
//! expanded, so the browser never needs the list.

use std::collections::HashMap;
use std::fmt;

use crate::tokenizer::{Options, normalize, tokenize};

/// A problem in `synonyms.txt`, with its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynonymError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for SynonymError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "synonyms.txt:{}: {}", self.line, self.message)
    }
}

impl std::error::Error for SynonymError {}

/// Parsed synonym groups. Members are normalized (NFKC, lower case) like the text they are
/// looked up in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// First character of a member → (group, member) indices: lets [`Synonyms::expand`] scan a
    /// text once instead of searching it for every member.
    by_first: HashMap<char, Vec<(usize, usize)>>,
    /// Also learn synonyms from the site's phrasings (`[search] learned_synonyms`, see
    /// [`crate::learned`]): the site's own word lists travel together.
    learned: bool,
}

impl Synonyms {
    /// These groups, and whether the build learns more from the site's phrasings.
    pub fn with_learned(mut self, learned: bool) -> Synonyms {
        self.learned = learned;
        self
    }

    /// Whether the build learns synonyms from the site's phrasings.
    pub fn learned(&self) -> bool {
        self.learned
    }

    /// Parses the file's text. Terms are separated by whitespace or commas (ASCII or full-width);
    /// `#` starts a comment line. Every error is reported, not just the first.
    pub fn parse(text: &str) -> Result<Synonyms, Vec<SynonymError>> {
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut groups = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let mut group: Vec<String> = Vec::new();
            for term in content.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
            {
                if term.is_empty() {
                    continue;
                }
                let norm = normalize(term);
                if tokenize(&norm, Options::PLAIN).is_empty() {
                    errors.push(SynonymError {
                        line,
                        message: format!("`{term}` has no letters, digits or Chinese characters, so it can never match; remove it"),
                    });
                } else if let Some(first) = seen.get(&norm) {
                    errors.push(SynonymError {
                        line,
                        message: format!("`{term}` is already in the group on line {first}; a term may belong to one group only, so merge the two lines"),
                    });
                } else {
                    seen.insert(norm.clone(), line);
                    group.push(norm);
                }
            }
            if group.len() == 1 && errors.last().is_none_or(|e| e.line != line) {
                errors.push(SynonymError {
                    line,
                    message: "a group needs at least two terms separated by spaces, e.g. `找回密码 重置密码`".into(),
                });
            }
            if group.len() >= 2 {
                groups.push(group);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut by_first: HashMap<char, Vec<(usize, usize)>> = HashMap::new();
        for (g, members) in groups.iter().enumerate() {
            for (m, member) in members.iter().enumerate() {
                let first = member.chars().next().expect("members are not empty");
                by_first.entry(first).or_default().push((g, m));
            }
        }
        Ok(Synonyms {
            groups,
            by_first,
            learned: false,
        })
    }

    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The members to add to a field whose normalized text is `text`: for each group with a
    /// member in the text, the group's other members that are not in it, in file order.
    pub fn expand(&self, text: &str) -> Vec<&str> {
        if self.groups.is_empty() {
            return Vec::new();
        }
        let mut present = vec![Vec::new(); self.groups.len()];
        for (i, c) in text.char_indices() {
            let Some(candidates) = self.by_first.get(&c) else {
                continue;
            };
            for &(g, m) in candidates {
                if text[i..].starts_with(self.groups[g][m].as_str()) && !present[g].contains(&m) {
                    present[g].push(m);
                }
            }
        }
        let mut out = Vec::new();
        for (g, found) in present.iter().enumerate() {
            if found.is_empty() {
                continue;
            }
            for (m, member) in self.groups[g].iter().enumerate() {
                if !found.contains(&m) {
                    out.push(member.as_str());
                }
            }
        }
        out
    }
}
