//! Each document's terms as the client index needs them, kept between builds: after one answer
//! changes, only that answer is tokenized again (issue 13).
//!
//! lunr's scores depend only on each field's term counts and length, so a document's
//! [`Analysis`] is its distinct terms per field with their counts (terms numbered in one
//! [`Vocabulary`]), not its tokens: at 10,000 answers the token lists were hundreds of
//! megabytes. The body keeps all its terms: which ones are distinctive ([`Config::body_terms`])
//! depends on the document frequencies over every body, so they are chosen at each build.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::batch::count_then_number;
use crate::lunr::Vocabulary;
use crate::tokenizer::{tokenize, tokenize_apart};
use crate::varint::{get, put};
use crate::{Config, SearchDocument, Synonyms, indexed_text};

/// Terms (ids of the [`Analyses`]' vocabulary) with their counts, by id.
pub type Counts = Box<[(u32, u32)]>;

/// A document's terms with their counts per field, those of its title for the stand-in
/// phrasing when they differ, and the initials among each field's terms (see [`Analysis`]),
/// before the terms are numbered.
struct Counted {
    fields: Vec<Vec<(String, u32)>>,
    stand_in: Option<Vec<(String, u32)>>,
    initials: Vec<Vec<(String, u32)>>,
}

/// What the client index needs of one document's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Per field of [`Config::fields`]: its terms with their counts (the body: all of them).
    pub fields: Vec<Counts>,
    /// The title as the phrasings field tokenizes it, for the phrasing that stands in for an
    /// answer's missing ones ([`crate::Phrasings::stand_in`]); `None` when those are the title
    /// field's own terms (no synonym expanded in the title).
    pub stand_in: Option<Counts>,
    /// Per field of [`Config::fields`]: how many of its terms' counts in `fields` are pinyin
    /// initials (`yzzz`), which have the shape of Latin words. Related answers count a field's
    /// words and bigrams from the analysis ([`Analyses::words`]) and must not count initials.
    pub initials: Vec<Counts>,
}

/// The analyses of documents, by a key of what they were made from (the caller's hash of the
/// document's analysed fields), with their vocabulary. Valid for one [`Synonyms`] and
/// [`Config`] (and tokenizer): the caller keys a kept copy by those.
#[derive(Clone, Debug, Default)]
pub struct Analyses {
    pub(crate) vocabulary: Vocabulary,
    by_key: FxHashMap<u128, Analysis>,
}

impl Analyses {
    /// Analyses held.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The analysis of the document of `key`, if held.
    pub fn get(&self, key: u128) -> Option<&Analysis> {
        self.by_key.get(&key)
    }

    /// Makes the analyses those of `docs` (`keys[i]` the key of `docs[i]`): the documents not
    /// held yet are analysed (in parallel), those no longer given forgotten. Returns how many
    /// were analysed.
    pub fn update(
        &mut self,
        docs: &[&SearchDocument],
        keys: &[u128],
        synonyms: &Synonyms,
        config: &Config,
    ) -> usize {
        assert_eq!(docs.len(), keys.len(), "one key per document");
        let wanted: FxHashSet<u128> = keys.iter().copied().collect();
        self.by_key.retain(|key, _| wanted.contains(key));
        let mut missing: Vec<usize> = (0..docs.len())
            .filter(|&i| !self.by_key.contains_key(&keys[i]))
            .collect();
        missing.sort_unstable_by_key(|&i| (keys[i], i));
        missing.dedup_by_key(|i| keys[*i]);
        // Counted in parallel a batch at a time, then numbered: the counted terms are owned
        // strings, and those of all 10,000 answers at once were the peak of a cold build
        // (about 100 MB; numbered, they take a fifth of that).
        count_then_number(
            &missing,
            |i| count(docs[i], synonyms, config),
            |i, counted| {
                let analysis = Analysis {
                    fields: counted.fields.into_iter().map(|f| self.number(f)).collect(),
                    stand_in: counted.stand_in.map(|f| self.number(f)),
                    initials: counted
                        .initials
                        .into_iter()
                        .map(|f| self.number(f))
                        .collect(),
                };
                self.by_key.insert(keys[i], analysis);
            },
        );
        missing.len()
    }

    /// The words and bigrams of field `field` (of [`Config::fields`]) of `analysis` with their
    /// counts, as [`Options::BODY`](crate::Options::BODY) tokenizes the field's text: its
    /// terms but the pinyin initials. Other terms (characters, pinyin pairs) may come too, with
    /// the field's own counts: the caller tells them by their shape
    /// ([`crate::tokenizer::term_class`]). Related answers count their terms from this instead
    /// of tokenizing every answer a second time.
    pub fn words<'a>(
        &'a self,
        analysis: &'a Analysis,
        field: usize,
    ) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        let initials = &analysis.initials[field];
        analysis.fields[field].iter().filter_map(move |&(id, n)| {
            // Both sorted by id, and short: initials are a few per title or phrasing.
            let of_initials = initials
                .binary_search_by_key(&id, |&(i, _)| i)
                .map_or(0, |k| initials[k].1);
            (n > of_initials).then(|| (self.vocabulary.term(id), n - of_initials))
        })
    }

    fn number(&mut self, counts: Vec<(String, u32)>) -> Counts {
        let mut numbered: Vec<(u32, u32)> = counts
            .into_iter()
            .map(|(term, n)| (self.vocabulary.id(&term), n))
            .collect();
        numbered.sort_unstable();
        numbered.into()
    }

    /// The analyses as bytes for [`Analyses::read`]: the terms in use, then every analysis
    /// (variable-length integers, term ids as gaps), so 10,000 answers take megabytes, not the
    /// hundreds their tokens would.
    pub fn write(&self, out: &mut Vec<u8>) {
        // Only the terms still in use, numbered afresh: an edited answer's old terms go.
        let mut renumber = vec![u32::MAX; self.vocabulary.len()];
        let mut terms: Vec<u32> = Vec::new();
        let mut entries: Vec<(&u128, &Analysis)> = self.by_key.iter().collect();
        entries.sort_unstable_by_key(|e| *e.0);
        for (_, analysis) in &entries {
            for counts in analysis
                .fields
                .iter()
                .chain(&analysis.stand_in)
                .chain(&analysis.initials)
            {
                for &(id, _) in counts.iter() {
                    if renumber[id as usize] == u32::MAX {
                        renumber[id as usize] = terms.len() as u32;
                        terms.push(id);
                    }
                }
            }
        }
        put(out, terms.len() as u64);
        for &id in &terms {
            let term = self.vocabulary.term(id);
            put(out, term.len() as u64);
            out.extend_from_slice(term.as_bytes());
        }
        put(out, entries.len() as u64);
        let mut renumbered: Vec<(u32, u32)> = Vec::new();
        let mut put_counts = |out: &mut Vec<u8>, counts: &[(u32, u32)]| {
            renumbered.clear();
            renumbered.extend(counts.iter().map(|&(id, n)| (renumber[id as usize], n)));
            renumbered.sort_unstable();
            put(out, renumbered.len() as u64);
            let mut previous = 0;
            for &(id, n) in &renumbered {
                put(out, u64::from(id - previous));
                put(out, u64::from(n));
                previous = id;
            }
        };
        for (key, analysis) in entries {
            out.extend_from_slice(&key.to_le_bytes());
            put(out, analysis.fields.len() as u64);
            for counts in &analysis.fields {
                put_counts(out, counts);
            }
            match &analysis.stand_in {
                None => out.push(0),
                Some(counts) => {
                    out.push(1);
                    put_counts(out, counts);
                }
            }
            for counts in &analysis.initials {
                put_counts(out, counts);
            }
        }
    }

    /// The analyses [`Analyses::write`] wrote, if `bytes` are whole and made for as many fields
    /// as `config` has (`None` for anything else: the caller analyses again).
    pub fn read(bytes: &[u8], config: &Config) -> Option<Analyses> {
        let mut at = 0usize;
        let mut vocabulary = Vocabulary::default();
        let n_terms = get(bytes, &mut at)?;
        for id in 0..n_terms {
            let len = usize::try_from(get(bytes, &mut at)?).ok()?;
            let term = std::str::from_utf8(bytes.get(at..at.checked_add(len)?)?).ok()?;
            at += len;
            // Each term once, or the ids would not be the written ones.
            if u64::from(vocabulary.id(term)) != id {
                return None;
            }
        }
        let n_fields = config.fields.len();
        let counts = |at: &mut usize| -> Option<Counts> {
            let n = usize::try_from(get(bytes, at)?).ok()?;
            // Every pair takes two bytes at least: a damaged length cannot ask for more.
            if n > bytes.len() {
                return None;
            }
            let mut out = Vec::with_capacity(n);
            let mut id = 0u64;
            for k in 0..n {
                let gap = get(bytes, at)?;
                if k > 0 && gap == 0 {
                    return None;
                }
                id = id.checked_add(gap)?;
                if id >= n_terms {
                    return None;
                }
                out.push((id as u32, u32::try_from(get(bytes, at)?).ok()?));
            }
            Some(out.into())
        };
        let n_entries = get(bytes, &mut at)?;
        let mut by_key = FxHashMap::default();
        for _ in 0..n_entries {
            let key = u128::from_le_bytes(bytes.get(at..at + 16)?.try_into().ok()?);
            at += 16;
            if get(bytes, &mut at)? != n_fields as u64 {
                return None;
            }
            let fields = (0..n_fields)
                .map(|_| counts(&mut at))
                .collect::<Option<Vec<_>>>()?;
            let flag = *bytes.get(at)?;
            at += 1;
            let stand_in = match flag {
                0 => None,
                1 => Some(counts(&mut at)?),
                _ => return None,
            };
            let initials = (0..n_fields)
                .map(|_| counts(&mut at))
                .collect::<Option<Vec<_>>>()?;
            by_key.insert(
                key,
                Analysis {
                    fields,
                    stand_in,
                    initials,
                },
            );
        }
        (at == bytes.len() && by_key.len() as u64 == n_entries)
            .then_some(Analyses { vocabulary, by_key })
    }
}

/// A document's terms with their counts per field of `config`, and those of its title as the
/// phrasings field tokenizes it when they differ from the title field's.
fn count(doc: &SearchDocument, synonyms: &Synonyms, config: &Config) -> Counted {
    let counted = |tokens: Vec<String>| -> Vec<(String, u32)> {
        let mut counts: FxHashMap<String, u32> = FxHashMap::default();
        for token in tokens {
            *counts.entry(token).or_default() += 1;
        }
        let mut counts: Vec<(String, u32)> = counts.into_iter().collect();
        counts.sort_unstable();
        counts
    };
    let (fields, initials): (Vec<_>, Vec<_>) = config
        .fields
        .iter()
        .map(|f| {
            let (mut tokens, initials) =
                tokenize_apart(&indexed_text(doc, f, synonyms, config), f.options);
            // The field's terms are all its tokens, the initials among them.
            let of_initials = counted(initials.clone());
            tokens.extend(initials);
            (counted(tokens), of_initials)
        })
        .unzip();
    let stand_in = config
        .fields
        .iter()
        .find(|f| f.name == config.phrasings.field)
        .map(|f| counted(tokenize(&doc.title, f.options)))
        .filter(|title| {
            let field = config.fields.iter().position(|f| f.name == "title");
            field.is_none_or(|f| fields[f] != *title)
        });
    Counted {
        fields,
        stand_in,
        initials,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientOptions, build_client_index, build_client_index_with};

    fn sample() -> Vec<SearchDocument> {
        let mut docs: Vec<SearchDocument> =
            serde_json::from_str(include_str!("../../tests/fixtures/sample-docs.json")).unwrap();
        // Some answers without phrasings: theirs stand in from the title.
        for doc in docs.iter_mut().step_by(3) {
            doc.questions.clear();
        }
        docs
    }

    fn options() -> ClientOptions {
        ClientOptions {
            shards: Some(8),
            first_tier: 2,
            ..Default::default()
        }
    }

    /// Keys as a caller makes them: equal for equal analysed texts.
    fn keys(docs: &[SearchDocument]) -> Vec<u128> {
        docs.iter()
            .map(|d| {
                let text =
                    serde_json::to_string(&(&d.title, &d.questions, &d.tags, &d.headings, &d.body))
                        .unwrap();
                text.bytes().fold(0u128, |h, b| {
                    h.wrapping_mul(0x100_0000_01b3).wrapping_add(b as u128)
                })
            })
            .collect()
    }

    #[test]
    fn kept_analyses_give_the_index_of_a_build_without_them() {
        let synonyms = Synonyms::parse("密码 口令\n转账 划转\n").unwrap();
        for learned in [false, true] {
            let mut config = Config::default();
            config.learned.enabled = learned;
            let mut docs = sample();
            let mut analyses = Analyses::default();
            let refs: Vec<&SearchDocument> = docs.iter().collect();
            let first = build_client_index_with(
                &refs,
                &keys(&docs),
                &mut analyses,
                &synonyms,
                &config,
                &options(),
            );
            assert_eq!(
                first,
                build_client_index(&docs, &synonyms, &config, &options())
            );

            // One answer edited (title, phrasings, body), one gone, one new: the kept
            // analyses, read back from their bytes, give the index of the edited documents.
            docs[1].title.push_str("（交易密码）");
            docs[1].questions.push("口令忘了怎么办".into());
            docs[1].body.push_str("\n转账前请先修改密码。");
            docs.remove(4);
            let mut new = docs[0].clone();
            new.id = "KB-9999".into();
            new.body = "新的答案：银证转账失败".into();
            docs.push(new);
            let mut bytes = Vec::new();
            analyses.write(&mut bytes);
            let mut analyses = Analyses::read(&bytes, &config).expect("whole");
            let refs: Vec<&SearchDocument> = docs.iter().collect();
            let again = build_client_index_with(
                &refs,
                &keys(&docs),
                &mut analyses,
                &synonyms,
                &config,
                &options(),
            );
            assert_eq!(
                analyses.len(),
                docs.len(),
                "the analyses of the documents alone"
            );
            assert_ne!(again, first);
            assert_eq!(
                again,
                build_client_index(&docs, &synonyms, &config, &options()),
                "learned: {learned}"
            );
        }
    }

    #[test]
    fn words_are_the_terms_of_the_body_tokenizer_without_initials() {
        use crate::tokenizer::{TermClass, term_class};
        let mut docs = sample();
        // `mm` is the initials of 密码 and a Latin word here.
        docs[0].title = "密码 mm 银证转账 yzzz 密码".into();
        docs[0].questions = vec!["密码忘了 mm".into()];
        let synonyms = Synonyms::parse("密码 口令\n").unwrap();
        let config = Config::default();
        let refs: Vec<&SearchDocument> = docs.iter().collect();
        let keys = keys(&docs);
        let mut analyses = Analyses::default();
        analyses.update(&refs, &keys, &synonyms, &config);
        let words_only = |counts: Vec<(String, u32)>| -> Vec<(String, u32)> {
            let mut counts: Vec<(String, u32)> = counts
                .into_iter()
                .filter(|(t, _)| matches!(term_class(t), TermClass::Bigram | TermClass::Word))
                .collect();
            counts.sort_unstable();
            counts
        };
        for (doc, key) in docs.iter().zip(&keys) {
            let analysis = analyses.get(*key).unwrap();
            for (f, spec) in config.fields.iter().enumerate() {
                let mut expected: FxHashMap<String, u32> = FxHashMap::default();
                let text = indexed_text(doc, spec, &synonyms, &config);
                for token in tokenize(&text, crate::Options::BODY) {
                    *expected.entry(token).or_default() += 1;
                }
                let words = analyses
                    .words(analysis, f)
                    .map(|(t, n)| (t.to_string(), n))
                    .collect();
                assert_eq!(
                    words_only(words),
                    words_only(expected.into_iter().collect()),
                    "{} {}",
                    doc.id,
                    spec.name
                );
            }
        }
    }

    #[test]
    fn analyses_read_back_only_whole() {
        let config = Config::default();
        let docs = sample();
        let refs: Vec<&SearchDocument> = docs.iter().collect();
        let mut analyses = Analyses::default();
        analyses.update(&refs, &keys(&docs), &Synonyms::default(), &config);
        let mut bytes = Vec::new();
        analyses.write(&mut bytes);
        let read = Analyses::read(&bytes, &config).expect("whole");
        for key in keys(&docs) {
            // Term ids are numbered afresh: compare the terms.
            let terms = |a: &Analyses| -> Vec<Vec<(String, u32)>> {
                let analysis = a.get(key).unwrap();
                analysis
                    .fields
                    .iter()
                    .chain(&analysis.initials)
                    .map(|f| {
                        f.iter()
                            .map(|&(t, n)| (a.vocabulary.term(t).to_string(), n))
                            .collect()
                    })
                    .collect()
            };
            assert_eq!(terms(&read), terms(&analyses));
            assert_eq!(
                read.get(key).unwrap().stand_in.is_some(),
                analyses.get(key).unwrap().stand_in.is_some()
            );
        }
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                Analyses::read(&bytes[..cut], &config).is_none(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Analyses::read(&longer, &config).is_none());
        // Made for another number of fields.
        let mut fewer = config.clone();
        fewer.fields.pop();
        assert!(Analyses::read(&bytes, &fewer).is_none());
    }
}
