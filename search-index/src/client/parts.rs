//! The two lunr indexes ("parts") of the client index and the documents each is built from.
//!
//! Both parts hold every document under the same ref (its position in
//! [`index_order`](super::index_order)), so a document's score is the sum of its lunr scores in
//! the two parts. "answers" (`a`) has the fields that say what an answer is (title, tags,
//! headings, body) with [`Config::bm25`]; "phrasings" (`p`) has only the recorded ways users ask
//! (`questions`), with [`Config::phrasings`]' own BM25 and boost (why: [`crate::Phrasings`]).

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::analysis::{Analysis, Counts};
use crate::lunr::{Bm25, CountedDoc, LunrDoc, Vocabulary};
use crate::tokenizer::tokenize;
use crate::{Config, SearchDocument, Synonyms, analyze, indexed_text};

/// One lunr index of the client index.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Its key in every shard file (`{"a": <lunr index>, "p": <lunr index>}`) and the manifest.
    pub key: &'static str,
    /// Positions in [`Config::fields`] of its fields, in that order.
    pub fields: Vec<usize>,
    /// (lunr field key, boost) of its fields.
    pub boosts: Vec<(&'static str, f64)>,
    pub bm25: Bm25,
}

/// The parts of the client index for `config`: answers, then phrasings.
pub fn parts(config: &Config) -> [Part; 2] {
    let phrasings = config
        .fields
        .iter()
        .position(|f| f.name == config.phrasings.field)
        .unwrap_or_else(|| {
            panic!(
                "the phrasings field `{}` is not a field of the config",
                config.phrasings.field
            )
        });
    let answers: Vec<usize> = (0..config.fields.len())
        .filter(|&i| i != phrasings)
        .collect();
    [
        Part {
            key: "a",
            boosts: answers
                .iter()
                .map(|&i| (config.fields[i].key, config.fields[i].boost))
                .collect(),
            fields: answers,
            bm25: config.bm25,
        },
        Part {
            key: "p",
            fields: vec![phrasings],
            boosts: vec![(config.fields[phrasings].key, config.phrasings.boost)],
            bm25: config.phrasings.bm25,
        },
    ]
}

/// The lunr documents (ref = position in `docs`, as a decimal string) with their tokens per
/// field of [`Config::fields`]. The body keeps only the occurrences of its
/// [`Config::body_terms`] most distinctive terms: the index then is exactly what `lunr.Builder`
/// builds from these tokens, only smaller.
pub fn lunr_documents(
    docs: &[&SearchDocument],
    synonyms: &Synonyms,
    config: &Config,
) -> Vec<LunrDoc> {
    let body = config.fields.iter().position(|f| f.name == "body");
    let Some(body) = body.filter(|_| config.body_terms > 0) else {
        return docs
            .par_iter()
            .enumerate()
            .map(|(n, doc)| LunrDoc {
                reference: n.to_string(),
                fields: analyze(doc, synonyms, config),
            })
            .collect();
    };
    // Two passes over the bodies: the first counts their terms' document frequencies and
    // lengths, the second tokenizes each document again and keeps only its distinctive body
    // terms at once. Holding every body's full token list until the counts were known was
    // most of the peak memory of a 10,000-answer build (hundreds of megabytes); tokenizing
    // twice costs a fraction of that in time.
    let field = &config.fields[body];
    let (df, total_len) = docs
        .par_iter()
        .fold(
            || (FxHashMap::<String, u32>::default(), 0usize),
            |(mut df, len), doc| {
                let tokens = tokenize(&indexed_text(doc, field, synonyms, config), field.options);
                let distinct: FxHashSet<&str> = tokens.iter().map(String::as_str).collect();
                for term in distinct {
                    match df.get_mut(term) {
                        Some(count) => *count += 1,
                        None => {
                            df.insert(term.to_string(), 1);
                        }
                    }
                }
                (df, len + tokens.len())
            },
        )
        .reduce(
            || (FxHashMap::default(), 0),
            |(mut a, a_len), (mut b, b_len)| {
                if a.len() < b.len() {
                    std::mem::swap(&mut a, &mut b);
                }
                for (term, count) in b {
                    *a.entry(term).or_default() += count;
                }
                (a, a_len + b_len)
            },
        );
    let bodies = BodyStats {
        df,
        docs: docs.len() as f64,
        avg: total_len as f64 / (docs.len() as f64).max(1.0),
    };
    docs.par_iter()
        .enumerate()
        .map(|(n, doc)| {
            let mut fields = analyze(doc, synonyms, config);
            let mut tokens = std::mem::take(&mut fields[body]);
            let keep: FxHashSet<String> = bodies
                .distinctive(&tokens, config)
                .into_iter()
                .map(str::to_string)
                .collect();
            tokens.retain(|t| keep.contains(t.as_str()));
            fields[body] = tokens;
            // Every document's tokens are held until both parts are built: the lists' spare
            // room, from growing while tokenizing, was a tenth of a 10,000-answer build's peak.
            for tokens in &mut fields {
                tokens.shrink_to_fit();
            }
            LunrDoc {
                reference: n.to_string(),
                fields,
            }
        })
        .collect()
}

/// Each part with its lunr documents: the documents of [`lunr_documents`], every one in every
/// part, with only the part's fields.
pub fn part_documents(
    docs: &[&SearchDocument],
    synonyms: &Synonyms,
    config: &Config,
) -> Vec<(Part, Vec<LunrDoc>)> {
    let mut all = lunr_documents(docs, synonyms, config);
    stand_in_phrasings(docs, config, &mut all);
    parts(config)
        .into_iter()
        .map(|part| {
            let docs = all
                .iter_mut()
                .map(|d| LunrDoc {
                    reference: d.reference.clone(),
                    // The parts' fields are disjoint: each field's tokens move to one part.
                    fields: part
                        .fields
                        .iter()
                        .map(|&f| std::mem::take(&mut d.fields[f]))
                        .collect(),
                })
                .collect();
            (part, docs)
        })
        .collect()
}

/// Gives every answer without phrasings, on a site where some have them, a phrasing that
/// stands in for them (see [`crate::Phrasings::stand_in`]): the tokens of its title and of the
/// words learned for it ([`crate::learned`]), as the phrasings field tokenizes them.
fn stand_in_phrasings(docs: &[&SearchDocument], config: &Config, all: &mut [LunrDoc]) {
    let Some(field) = config
        .fields
        .iter()
        .position(|f| f.name == config.phrasings.field)
    else {
        return;
    };
    if !config.phrasings.stand_in || docs.iter().all(|d| d.questions.is_empty()) {
        return;
    }
    let pairs = if config.learned.enabled {
        crate::learned::learn(docs, &config.learned)
    } else {
        Default::default()
    };
    let options = config.fields[field].options;
    all.par_iter_mut()
        .zip(docs.par_iter())
        .filter(|(_, doc)| doc.questions.is_empty())
        .for_each(|(lunr_doc, doc)| {
            let mut tokens = tokenize(&doc.title, options);
            // The learned words as they are: their characters and pinyin would match far more
            // than the word does.
            tokens.extend(crate::learned::for_title(&doc.title, &pairs));
            lunr_doc.fields[field] = tokens;
        });
}

/// The body terms' statistics over every document, for choosing each one's distinctive terms.
struct BodyStats {
    /// Documents whose body has the term.
    df: FxHashMap<String, u32>,
    docs: f64,
    /// Average body length, in tokens.
    avg: f64,
}

impl BodyStats {
    /// The `config.body_terms` highest-scoring terms of a body's `tokens` (lunr's BM25 over the
    /// full texts; ties by term).
    fn distinctive<'a>(&self, tokens: &'a [String], config: &Config) -> FxHashSet<&'a str> {
        let (n, avg) = (self.docs, self.avg);
        let (k1, b) = (config.bm25.k1, config.bm25.b);
        let mut tf: FxHashMap<&str, u32> = FxHashMap::default();
        for t in tokens {
            *tf.entry(t.as_str()).or_default() += 1;
        }
        let len = tokens.len() as f64;
        let mut scored: Vec<(f64, &str)> = tf
            .into_iter()
            .map(|(term, tf)| {
                let d = self.df[term] as f64;
                let idf = (1.0 + ((n - d + 0.5) / (d + 0.5)).abs()).ln();
                let tf = tf as f64;
                (
                    idf * (k1 + 1.0) * tf / (k1 * (1.0 - b + b * len / avg) + tf),
                    term,
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(config.body_terms)
            .map(|(_, t)| t)
            .collect()
    }
}

/// [`part_documents`] from the documents' [`Analyses`] (`keys[i]` the key of `docs[i]`, both in
/// index order): the same lunr documents as term counts, without tokenizing anything. The
/// learned words of the stand-in phrasings are numbered in the analyses' vocabulary first.
pub(super) fn counted_part_documents<'a>(
    docs: &[&SearchDocument],
    analysed: &[&'a Analysis],
    vocabulary: &Vocabulary,
    learned: &'a [Option<Counts>],
    config: &Config,
) -> Vec<(Part, Vec<CountedDoc<'a>>)> {
    let body = config
        .fields
        .iter()
        .position(|f| f.name == "body")
        .filter(|_| config.body_terms > 0);
    let stats = body.map(|body| BodyCounts::new(analysed, body, vocabulary.len()));
    let phrasings = config
        .fields
        .iter()
        .position(|f| f.name == config.phrasings.field);
    let title = config.fields.iter().position(|f| f.name == "title");
    let stand_in = config.phrasings.stand_in
        && phrasings.is_some()
        && docs.iter().any(|d| !d.questions.is_empty());
    let mut all: Vec<Vec<Field<'a>>> = analysed
        .par_iter()
        .enumerate()
        .map(|(n, analysis)| {
            let mut fields: Vec<Field<'a>> = analysis
                .fields
                .iter()
                .map(|f| Cow::Borrowed(&f[..]))
                .collect();
            if let (Some(body), Some(stats)) = (body, &stats) {
                fields[body] =
                    Cow::Owned(stats.distinctive(&analysis.fields[body], vocabulary, config));
            }
            if stand_in && docs[n].questions.is_empty() {
                let phrasings = phrasings.expect("checked above");
                let own: &'a [(u32, u32)] = match (&analysis.stand_in, title) {
                    (Some(counts), _) => counts,
                    (None, Some(title)) => &analysis.fields[title],
                    (None, None) => &[],
                };
                fields[phrasings] = match &learned[n] {
                    Some(words) => Cow::Owned(merged(own, words)),
                    None => Cow::Borrowed(own),
                };
            }
            fields
        })
        .collect();
    parts(config)
        .into_iter()
        .map(|part| {
            let docs = all
                .iter_mut()
                .map(|fields| CountedDoc {
                    fields: part
                        .fields
                        .iter()
                        .map(|&f| std::mem::replace(&mut fields[f], Cow::Borrowed(&[])))
                        .collect(),
                })
                .collect();
            (part, docs)
        })
        .collect()
}

/// A field of a counted document: the analysis' own counts, or counts made for this build.
type Field<'a> = Cow<'a, [(u32, u32)]>;

/// The learned words of each document's stand-in phrasing (`None` for a document that has
/// phrasings, or when nothing is learned), numbered in `vocabulary`.
pub(super) fn learned_words(
    docs: &[&SearchDocument],
    vocabulary: &mut Vocabulary,
    config: &Config,
) -> Vec<Option<Counts>> {
    let wanted = config.phrasings.stand_in
        && config.learned.enabled
        && docs.iter().any(|d| !d.questions.is_empty());
    if !wanted {
        return vec![None; docs.len()];
    }
    let pairs = crate::learned::learn(docs, &config.learned);
    docs.iter()
        .map(|doc| {
            if !doc.questions.is_empty() {
                return None;
            }
            let words = crate::learned::for_title(&doc.title, &pairs);
            Some(vocabulary.count(&words).into())
        })
        .collect()
}

/// The counts of `a` and `b` (both by id) added up.
fn merged(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                out.push((x.0, x.1 + y.1));
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                out.push(*x);
                i += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (None, None) => unreachable!(),
        }
    }
    out
}

/// [`BodyStats`] from the bodies' term counts.
struct BodyCounts {
    /// Documents whose body has the term, by term id.
    df: Vec<u32>,
    docs: f64,
    avg: f64,
}

impl BodyCounts {
    fn new(analysed: &[&Analysis], body: usize, terms: usize) -> BodyCounts {
        let mut df = vec![0u32; terms];
        let mut total_len = 0usize;
        for analysis in analysed {
            for &(term, n) in analysis.fields[body].iter() {
                df[term as usize] += 1;
                total_len += n as usize;
            }
        }
        BodyCounts {
            df,
            docs: analysed.len() as f64,
            avg: total_len as f64 / (analysed.len() as f64).max(1.0),
        }
    }

    /// The `config.body_terms` highest-scoring terms of a body (as [`BodyStats::distinctive`]:
    /// the same scores, ties by term), with their counts, by id.
    fn distinctive(
        &self,
        body: &[(u32, u32)],
        vocabulary: &Vocabulary,
        config: &Config,
    ) -> Vec<(u32, u32)> {
        let (n, avg) = (self.docs, self.avg);
        let (k1, b) = (config.bm25.k1, config.bm25.b);
        let len = body.iter().map(|&(_, tf)| tf as f64).sum::<f64>();
        let mut scored: Vec<(f64, u32, u32)> = body
            .iter()
            .map(|&(term, tf)| {
                let d = self.df[term as usize] as f64;
                let idf = (1.0 + ((n - d + 0.5) / (d + 0.5)).abs()).ln();
                let tf_f = tf as f64;
                (
                    idf * (k1 + 1.0) * tf_f / (k1 * (1.0 - b + b * len / avg) + tf_f),
                    term,
                    tf,
                )
            })
            .collect();
        let keep = config.body_terms;
        if scored.len() > keep {
            scored.select_nth_unstable_by(keep - 1, |a, b| {
                b.0.total_cmp(&a.0)
                    .then_with(|| vocabulary.term(a.1).cmp(vocabulary.term(b.1)))
            });
            scored.truncate(keep);
        }
        let mut kept: Vec<(u32, u32)> = scored.into_iter().map(|(_, t, tf)| (t, tf)).collect();
        kept.sort_unstable();
        kept
    }
}

/// What `lunr.Builder` needs to rebuild each part, so tests can compare with lunr itself:
/// `{"parts": [{"key", "fields": [{name, boost}], "k1", "b", "docs": [{ref, <field>: [tokens]}]}]}`.
pub fn builder_input(docs: &[SearchDocument], synonyms: &Synonyms, config: &Config) -> String {
    let ordered = super::index_order(docs);
    let parts: Vec<serde_json::Value> = part_documents(&ordered, synonyms, config)
        .into_iter()
        .map(|(part, docs)| {
            let docs: Vec<serde_json::Value> = docs
                .into_iter()
                .map(|d| {
                    let mut o = serde_json::Map::new();
                    o.insert("ref".into(), d.reference.into());
                    for ((key, _), tokens) in part.boosts.iter().zip(d.fields) {
                        o.insert((*key).into(), tokens.into());
                    }
                    o.into()
                })
                .collect();
            let fields: Vec<serde_json::Value> = part
                .boosts
                .iter()
                .map(|(key, boost)| serde_json::json!({"name": key, "boost": boost}))
                .collect();
            serde_json::json!({"key": part.key, "fields": fields, "k1": part.bm25.k1, "b": part.bm25.b, "docs": docs})
        })
        .collect();
    serde_json::json!({ "parts": parts }).to_string()
}
