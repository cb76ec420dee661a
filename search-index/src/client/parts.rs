//! The two lunr indexes ("parts") of the client index and the documents each is built from.
//!
//! Both parts hold every document under the same ref (its position in
//! [`index_order`](super::index_order)), so a document's score is the sum of its lunr scores in
//! the two parts. "answers" (`a`) has the fields that say what an answer is (title, tags,
//! headings, body) with [`Config::bm25`]; "phrasings" (`p`) has only the recorded ways users ask
//! (`questions`), with [`Config::phrasings`]' own BM25 and boost (why: [`crate::Phrasings`]).

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::lunr::{Bm25, LunrDoc};
use crate::{Config, SearchDocument, Synonyms, analyze};

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
    let mut lunr_docs: Vec<LunrDoc> = docs
        .par_iter()
        .enumerate()
        .map(|(n, doc)| LunrDoc {
            reference: n.to_string(),
            fields: analyze(doc, synonyms, config),
        })
        .collect();
    let body = config.fields.iter().position(|f| f.name == "body");
    if let (Some(body), true) = (body, config.body_terms > 0) {
        keep_distinctive_terms(&mut lunr_docs, body, config);
    }
    lunr_docs
}

/// Each part with its lunr documents: the documents of [`lunr_documents`], every one in every
/// part, with only the part's fields.
pub fn part_documents(
    docs: &[&SearchDocument],
    synonyms: &Synonyms,
    config: &Config,
) -> Vec<(Part, Vec<LunrDoc>)> {
    let mut all = lunr_documents(docs, synonyms, config);
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

/// Reduces each document's `field` tokens to the occurrences of its `config.body_terms`
/// highest-scoring terms (lunr's BM25 over the full texts; ties by term).
fn keep_distinctive_terms(docs: &mut [LunrDoc], field: usize, config: &Config) {
    let mut df: FxHashMap<&str, u32> = FxHashMap::default();
    let mut total_len = 0usize;
    for doc in docs.iter() {
        let tokens = &doc.fields[field];
        total_len += tokens.len();
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        for t in tokens {
            if seen.insert(t.as_str()) {
                *df.entry(t.as_str()).or_default() += 1;
            }
        }
    }
    let n = docs.len() as f64;
    let avg = total_len as f64 / n.max(1.0);
    let (k1, b) = (config.bm25.k1, config.bm25.b);
    let keep: Vec<FxHashSet<String>> = docs
        .par_iter()
        .map(|doc| {
            let tokens = &doc.fields[field];
            let mut tf: FxHashMap<&str, u32> = FxHashMap::default();
            for t in tokens {
                *tf.entry(t.as_str()).or_default() += 1;
            }
            let len = tokens.len() as f64;
            let mut scored: Vec<(f64, &str)> = tf
                .into_iter()
                .map(|(term, tf)| {
                    let d = df[term] as f64;
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
                .map(|(_, t)| t.to_string())
                .collect()
        })
        .collect();
    for (doc, keep) in docs.iter_mut().zip(keep) {
        doc.fields[field].retain(|t| keep.contains(t));
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
