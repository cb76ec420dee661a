//! Related answers: for every answer, the few others a reader of it is most likely to need next,
//! decided from what the site knows of each (its title, its phrasings, its tags, its body, its
//! system and the links its author wrote), and none rather than unrelated ones.
//!
//! Each answer is a tf-idf vector over the search's own terms (search-index's tokenizer, with the
//! site's synonyms, as the search indexes them), its fields weighed by how much they say what the
//! answer is about ([`FIELDS`]). Two answers' similarity is the cosine of their vectors, plus
//! [`LINK_BONUS`] when one links to the other, times [`OTHER_SYSTEM`] when they belong to
//! different systems. An answer lists at most [`LIMIT`] others, at least [`MIN_SIMILARITY`]
//! similar, most similar first (equal scores by id, so builds stay byte-identical).
//!
//! Why not the search index (tantivy's "more like this" until issue 12): its queries were an
//! answer's dozen rarest terms, and a term two answers share by accident (a number, a rare
//! bigram across two words) outweighed everything they shared by meaning. On the judged set
//! (`tests/data/related-judged.tsv`, `tests/related.rs`) it listed 108 answers of which 39 were
//! judged related; see README "Related answers" for the figures of this module.
//!
//! Built for 10,000 answers and more: an answer keeps only its [`TERMS_PER_ANSWER`] heaviest
//! terms (sparse vectors, terms hashed to 64 bits); the candidates of an answer come from an
//! inverted index that leaves out the terms in more than [`MAX_DF_SHARE`] of the answers (their
//! idf is near nothing, and their postings are most of the work), and only the best candidates
//! are scored on their whole vectors; answers are done in parallel (rayon). The result is cached
//! in `.qaportal/related.json` by a fingerprint of everything it depends on.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use search_index::batch::count_then_number;
use search_index::client::{Analyses, Analysis};
use search_index::tokenizer::{QUERY_FILLER_BIGRAMS, STOP_CHARS, TermClass, term_class};
use search_index::{Config, Options, SearchDocument, Synonyms, tokenize};

mod terms;

use terms::{RawTerms, TermIds};

/// One related answer of an answer: its id and how related (the similarity above).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Related {
    pub id: String,
    pub score: f32,
}

/// The related answers of every answer, by id.
pub type RelatedAnswers = HashMap<String, Vec<Related>>;

/// Related answers shown on an answer page, at most.
pub const LIMIT: usize = 5;

/// Below this similarity an answer is not related: a page shows fewer related answers, or none.
/// Judged on the sample: pairs around 0.08 share one generic word (账户, 密码), pairs above 0.12
/// share a subject.
pub const MIN_SIMILARITY: f32 = 0.10;

/// Added to the similarity of two answers when one links to the other: the author said they
/// belong together.
pub const LINK_BONUS: f32 = 0.25;

/// The similarity to an answer of another system is multiplied by this: a reader of an answer
/// about trading more likely needs another trading answer than an equally similar one about
/// funds.
pub const OTHER_SYSTEM: f32 = 0.8;

/// The fields and their weights: the title, the phrasings (the front matter's `questions` and
/// the clients' own words from the tickets) and the tags say what an answer is about; the body
/// mostly says how to fix it, and weighs little.
pub const FIELDS: [(&str, f32); 4] = [
    ("title", 3.0),
    ("questions", 2.0),
    ("tags", 3.0),
    ("body", 0.5),
];

/// Terms kept per answer, the heaviest: enough for what an answer is about, and a bound on the
/// memory and the work per answer whatever the length of its body or the number of its tickets.
pub const TERMS_PER_ANSWER: usize = 64;

/// A term in more than this share of the answers does not generate candidates (it still counts
/// in the similarity of the candidates): its idf is at most ln 20 ≈ 3, against 8 or more for
/// the terms that tell answers apart at 10,000 answers, and its postings would be most of the
/// work. Never fewer than [`MIN_DF_CAP`] answers, so a small site is computed exactly.
pub const MAX_DF_SHARE: f64 = 0.05;
const MIN_DF_CAP: usize = 200;

/// Candidates of an answer scored on their whole vectors, the best by the terms that generate
/// candidates (linked answers are always scored).
const CANDIDATES: usize = 64;

/// A bigram with a function character in it (`的密`, `了吗`) is mostly glue between two words:
/// it counts this much, as in the search's coverage.
const GLUE: f32 = 0.25;

/// An answer as a unit vector: (term hash, weight), sorted by term.
type Vector = Vec<(u64, f32)>;

/// The related answers of every answer of `documents`. `links[i]` are the indices of the
/// answers document `i` links to.
pub fn related(
    documents: &[SearchDocument],
    links: &[Vec<usize>],
    synonyms: &Synonyms,
) -> RelatedAnswers {
    // Each answer's terms with their field-weighed frequencies.
    let mut ids = TermIds::default();
    let raw = terms_of(vec![None; documents.len()], &mut ids, |i| {
        raw_terms(&documents[i], synonyms)
    });
    related_by_terms(documents, raw, &ids, links)
}

/// Each answer's [`raw_terms`] by id of `ids`: `known[i]` when given, else `count(i)`.
fn terms_of(
    mut known: Vec<Option<RawTerms>>,
    ids: &mut TermIds,
    count: impl Fn(usize) -> Vector + Sync,
) -> Vec<RawTerms> {
    let missing: Vec<usize> = (0..known.len()).filter(|&i| known[i].is_none()).collect();
    // Numbered in the answers' order while the next batch is counted: counted from the client
    // index's analyses, numbering is a good part of the work.
    count_then_number(&missing, count, |i, terms| {
        known[i] = Some(ids.number(terms))
    });
    known
        .into_iter()
        .map(|terms| terms.expect("counted above"))
        .collect()
}

/// [`related`] from each answer's terms ([`raw_terms`] of `documents[i]` in `raw[i]`, by id of
/// `ids`).
fn related_by_terms(
    documents: &[SearchDocument],
    raw: Vec<RawTerms>,
    ids: &TermIds,
    links: &[Vec<usize>],
) -> RelatedAnswers {
    let n = documents.len();
    // How many answers have each term.
    let mut df = vec![0u32; ids.len()];
    for terms in &raw {
        for &(id, _) in terms.iter() {
            df[id as usize] += 1;
        }
    }
    let vectors: Vec<Vector> = raw
        .into_par_iter()
        .map(|terms| weigh(&terms, ids, &df, n))
        .collect();
    drop(df);

    // The inverted index of the terms that generate candidates: term → (answer, weight).
    let cap = ((n as f64 * MAX_DF_SHARE) as usize).max(MIN_DF_CAP);
    let mut postings: FxHashMap<u64, Vec<(u32, f32)>> = FxHashMap::default();
    for (i, vector) in vectors.iter().enumerate() {
        for &(term, weight) in vector {
            postings.entry(term).or_default().push((i as u32, weight));
        }
    }
    postings.retain(|_, list| list.len() <= cap);

    let mut linked: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, targets) in links.iter().enumerate() {
        for &j in targets {
            if j != i && j < n {
                linked[i].push(j);
                linked[j].push(i);
            }
        }
    }
    for list in &mut linked {
        list.sort_unstable();
        list.dedup();
    }

    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::new(), Terms::default()),
            |(scores, touched, terms), i| {
                let found = related_of(
                    i, documents, &vectors, &postings, &linked[i], scores, touched, terms,
                );
                (documents[i].id.clone(), found)
            },
        )
        .collect()
}

/// The related answers of answer `i`. `scores` (zero for every answer), `touched` (empty) and
/// `terms` are the thread's scratch space; `scores` and `touched` are left as they were found.
#[allow(clippy::too_many_arguments)]
fn related_of(
    i: usize,
    documents: &[SearchDocument],
    vectors: &[Vector],
    postings: &FxHashMap<u64, Vec<(u32, f32)>>,
    linked: &[usize],
    scores: &mut [f32],
    touched: &mut Vec<u32>,
    terms: &mut Terms,
) -> Vec<Related> {
    for &(term, weight) in &vectors[i] {
        let Some(list) = postings.get(&term) else {
            continue;
        };
        for &(j, other) in list {
            if scores[j as usize] == 0.0 {
                touched.push(j);
            }
            scores[j as usize] += weight * other;
        }
    }
    let mut candidates: Vec<(f32, u32)> = touched
        .drain(..)
        .filter(|&j| j as usize != i)
        .map(|j| (std::mem::take(&mut scores[j as usize]), j))
        .collect();
    scores[i] = 0.0;
    // Only which candidates are best matters (they are scored again below): a partial
    // selection instead of sorting the thousands an answer can touch.
    if candidates.len() > CANDIDATES {
        candidates.select_nth_unstable_by(CANDIDATES - 1, |a, b| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
        });
        candidates.truncate(CANDIDATES);
    }
    let mut chosen: FxHashSet<usize> = candidates.iter().map(|&(_, j)| j as usize).collect();
    chosen.extend(linked.iter().copied());

    let me = &documents[i];
    terms.fill(&vectors[i]);
    let mut found: Vec<Related> = chosen
        .into_iter()
        .filter_map(|j| {
            let mut score = terms.cosine(&vectors[j]);
            debug_assert_eq!(score.to_bits(), cosine(&vectors[i], &vectors[j]).to_bits());
            if linked.binary_search(&j).is_ok() {
                score += LINK_BONUS;
            }
            if documents[j].system != me.system {
                score *= OTHER_SYSTEM;
            }
            (score >= MIN_SIMILARITY).then(|| Related {
                id: documents[j].id.clone(),
                score,
            })
        })
        .collect();
    found.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    found.truncate(LIMIT);
    found
}

/// One answer's vector as a small hash table (open addressing on the term hashes' low bits):
/// scoring the candidates of an answer looks each of their terms up instead of merging two
/// sorted vectors (about half of the related answers' scoring at 10,000 answers).
struct Terms {
    /// (term, weight); a weight of 0 marks a free slot (weights are positive).
    slots: Vec<(u64, f32)>,
    used: Vec<usize>,
}

impl Default for Terms {
    fn default() -> Self {
        Terms {
            // At most TERMS_PER_ANSWER terms: a quarter full at most, so lookups rarely probe.
            slots: vec![(0, 0.0); (TERMS_PER_ANSWER * 4).next_power_of_two()],
            used: Vec::new(),
        }
    }
}

impl Terms {
    fn slot(&self, term: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = term as usize & mask;
        while self.slots[at].1 != 0.0 && self.slots[at].0 != term {
            at = (at + 1) & mask;
        }
        at
    }

    /// Holds `vector` (and nothing else).
    fn fill(&mut self, vector: &Vector) {
        for at in self.used.drain(..) {
            self.slots[at] = (0, 0.0);
        }
        for &(term, weight) in vector {
            let at = self.slot(term);
            self.slots[at] = (term, weight);
            self.used.push(at);
        }
    }

    /// [`cosine`] of the vector held and `other`: the same sum in the same order (the shared
    /// terms in term order), so the same bits.
    fn cosine(&self, other: &Vector) -> f32 {
        let mut sum = 0.0;
        for &(term, weight) in other {
            let (found, mine) = self.slots[self.slot(term)];
            if mine != 0.0 && found == term {
                sum += mine * weight;
            }
        }
        sum
    }
}

/// The dot product of two unit vectors sorted by term.
#[cfg_attr(not(debug_assertions), allow(dead_code))]
fn cosine(a: &Vector, b: &Vector) -> f32 {
    let (mut x, mut y, mut sum) = (0, 0, 0.0);
    while x < a.len() && y < b.len() {
        match a[x].0.cmp(&b[y].0) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => {
                sum += a[x].1 * b[y].1;
                x += 1;
                y += 1;
            }
        }
    }
    sum
}

/// An answer's terms (hashed) with their weight before idf: per field, the field's weight times
/// 1 + ln of the term's count there (a term repeated in a hundred ticket phrasings is not a
/// hundred times as telling), summed over the fields. Bigrams and words only, as the search
/// indexes bodies: single characters and pinyin would relate everything to everything.
fn raw_terms(doc: &SearchDocument, synonyms: &Synonyms) -> Vector {
    let config = Config::default();
    let mut weights: FxHashMap<u64, f32> = FxHashMap::default();
    let positions = field_positions();
    for (k, (_, field_weight)) in FIELDS.into_iter().enumerate() {
        let spec = &config.fields[positions[k]];
        let text = search_index::indexed_text(doc, spec, synonyms, &config);
        let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
        let tokens = tokenize(&text, Options::BODY);
        for token in &tokens {
            *counts.entry(token.as_str()).or_default() += 1;
        }
        add_field(&mut weights, field_weight, counts.into_iter());
    }
    sorted(weights)
}

/// [`raw_terms`] of the answer whose client index analysis is `analysis` (of `analyses`): the
/// same terms with the same counts, without tokenizing the answer a second time (a cold build
/// spent an eighth of its time on it).
/// `positions` are [`field_positions`].
fn raw_terms_of(analyses: &Analyses, analysis: &Analysis, positions: &[usize]) -> Vector {
    let mut weights: FxHashMap<u64, f32> = FxHashMap::default();
    for (k, (_, field_weight)) in FIELDS.into_iter().enumerate() {
        add_field(
            &mut weights,
            field_weight,
            analyses.words(analysis, positions[k]),
        );
    }
    sorted(weights)
}

/// Where each of [`FIELDS`] is in the search's fields (those of a client index analysis).
fn field_positions() -> [usize; FIELDS.len()] {
    let fields = Config::default().fields;
    FIELDS.map(|(name, _)| {
        fields
            .iter()
            .position(|f| f.name == name)
            .expect("a field of the search")
    })
}

/// Adds to `weights` the terms of a field of weight `field_weight` that has each term
/// `count` times: the field's weight times 1 + ln of the count. Fields are added in the
/// order of [`FIELDS`], so that each term's float sum is the same however it was counted.
fn add_field<'a>(
    weights: &mut FxHashMap<u64, f32>,
    field_weight: f32,
    counts: impl Iterator<Item = (&'a str, u32)>,
) {
    for (term, count) in counts {
        let Some(factor) = term_factor(term) else {
            continue;
        };
        let weight = field_weight * factor * (1.0 + (count as f32).ln());
        *weights.entry(hash(term)).or_default() += weight;
    }
}

fn sorted(weights: FxHashMap<u64, f32>) -> Vector {
    let mut terms: Vector = weights.into_iter().collect();
    terms.sort_unstable_by_key(|&(term, _)| term);
    terms
}

/// How much a term counts, or `None` for terms that say nothing of what an answer is about:
/// the bigrams of how users ask (`怎么`, `为什`), single letters and digits.
fn term_factor(term: &str) -> Option<f32> {
    match term_class(term) {
        TermClass::Bigram if QUERY_FILLER_BIGRAMS.contains(&term) => None,
        TermClass::Bigram if term.chars().any(|c| STOP_CHARS.contains(c)) => Some(GLUE),
        TermClass::Word if term.chars().count() < 2 => None,
        TermClass::Char | TermClass::Pinyin => None,
        _ => Some(1.0),
    }
}

fn hash(term: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(term.as_bytes())
}

/// The answer's vector: its terms that another answer has too (`df` by id of `ids`), weighed
/// by idf, the heaviest [`TERMS_PER_ANSWER`] kept and scaled to length 1.
fn weigh(terms: &[(u32, f32)], ids: &TermIds, df: &[u32], n: usize) -> Vector {
    let mut weighed: Vector = terms
        .iter()
        .filter_map(|&(id, weight)| {
            let df = df[id as usize];
            // A term no other answer has relates this one to nothing.
            (df >= 2).then(|| (ids.hash(id), weight * (n as f32 / df as f32).ln()))
        })
        .filter(|&(_, weight)| weight > 0.0)
        .collect();
    // The heaviest first: selected, then only those sorted, since the norm below is summed in
    // this order (a float sum in another order could differ in its last bit).
    let heavier = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if weighed.len() > TERMS_PER_ANSWER {
        weighed.select_nth_unstable_by(TERMS_PER_ANSWER - 1, heavier);
        weighed.truncate(TERMS_PER_ANSWER);
    }
    weighed.sort_unstable_by(heavier);
    let norm = weighed.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    for (_, weight) in &mut weighed {
        *weight /= norm;
    }
    weighed.sort_unstable_by_key(|&(term, _)| term);
    weighed
}

/// For each article of the site, the articles its body links to (by index).
pub fn links(site: &crate::model::Site, rendered: &crate::render::Rendered) -> Vec<Vec<usize>> {
    rendered
        .articles
        .iter()
        .map(|doc| {
            doc.linked
                .iter()
                .filter_map(|id| site.by_id.get(id).copied())
                .collect()
        })
        .collect()
}

/// [`related`] as the last build left it in `.qaportal/related.json`, if it depends on
/// nothing that changed since (most builds: a weekly republish changes a handful of answers,
/// and `serve` rebuilds often). `documents_fingerprint` is [`crate::search::fingerprint`] of
/// the documents and synonyms, which the build hashes once for this cache and the client
/// index's.
pub fn kept(
    root: &Path,
    links: &[Vec<usize>],
    documents_fingerprint: &str,
) -> Option<RelatedAnswers> {
    std::fs::read(cache_path(root))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok())
        .filter(|cache| cache.fingerprint == fingerprint(documents_fingerprint, links))
        .map(|cache| cache.related)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Cache {
    fingerprint: String,
    related: RelatedAnswers,
}

fn cache_path(root: &Path) -> std::path::PathBuf {
    root.join(".qaportal").join("related.json")
}

/// Every answer's terms before idf, counted once for all answers.
pub struct AnswerTerms {
    ids: TermIds,
    raw: Vec<RawTerms>,
    /// The identity to keep them for in `.qaportal/related-terms`, when they changed.
    to_keep: Option<[u8; 16]>,
}

/// [`related`] of `documents` from their terms (of [`terms`], `keys` as given there), kept in
/// `.qaportal/related.json` for the next build ([`kept`]), and the terms, when they changed, in
/// `.qaportal/related-terms` ([`kept_terms`]).
pub fn computed(
    root: &Path,
    documents: &[SearchDocument],
    keys: &[u128],
    links: &[Vec<usize>],
    terms: AnswerTerms,
    documents_fingerprint: &str,
) -> RelatedAnswers {
    if let Some(identity) = terms.to_keep {
        crate::search::write_sealed(
            &terms_path(root),
            TERMS_MAGIC,
            &identity,
            &terms::write(keys, &terms.raw, &terms.ids),
        );
    }
    let cache = Cache {
        fingerprint: fingerprint(documents_fingerprint, links),
        related: related_by_terms(documents, terms.raw, &terms.ids, links),
    };
    // A cache that cannot be written only costs the next build time; written whole, then
    // renamed, so a build stopped halfway leaves no partial cache.
    let json = serde_json::to_vec(&cache).expect("related answers serialize");
    let path = cache_path(root);
    let partial = path.with_extension("partial");
    let _ = std::fs::create_dir_all(path.parent().expect("has a parent"))
        .and_then(|()| std::fs::write(&partial, json))
        .and_then(|()| std::fs::rename(&partial, &path));
    cache.related
}

/// The answers' terms the last build kept in `.qaportal/related-terms` for these `synonyms`
/// (none if it kept none, or for others): read while the client index analyses are, not after.
pub fn kept_terms(root: &Path, synonyms: &Synonyms) -> KeptTerms {
    let identity = crate::search::analyses_identity_of(TERMS_MAGIC, synonyms);
    let (ids, by_key) = std::fs::read(terms_path(root))
        .ok()
        .and_then(|bytes| terms::read(crate::search::read_sealed(&bytes, TERMS_MAGIC, &identity)?))
        .unwrap_or_default();
    KeptTerms {
        identity,
        ids,
        by_key,
    }
}

/// What [`kept_terms`] read: the term ids and each answer's terms by its analysis key.
pub struct KeptTerms {
    identity: [u8; 16],
    ids: TermIds,
    by_key: FxHashMap<u128, RawTerms>,
}

fn terms_path(root: &Path) -> std::path::PathBuf {
    root.join(".qaportal").join("related-terms")
}

/// Each answer's [`raw_terms`], reused from the last build ([`kept_terms`]) for the answers
/// whose texts did not change (keyed by [`crate::search::analysis_key`], `keys[i]` that of
/// answer `i`), the others counted from their client index analyses in `analyses` (made with
/// the synonyms of `kept`): tokenizing every answer was most of the related answers' time
/// after one answer changed, and a second tokenization of every answer an eighth of a cold
/// build.
pub fn terms(kept: KeptTerms, keys: &[u128], analyses: &Analyses) -> AnswerTerms {
    let KeptTerms {
        identity,
        mut ids,
        by_key: mut kept,
    } = kept;
    let reused: Vec<Option<RawTerms>> = keys.iter().map(|key| kept.remove(key)).collect();
    let unchanged = kept.is_empty() && reused.iter().all(Option::is_some);
    drop(kept);
    let positions = field_positions();
    let raw = terms_of(reused, &mut ids, |i| {
        let analysis = analyses.get(keys[i]).expect("every answer analysed");
        raw_terms_of(analyses, analysis, &positions)
    });
    AnswerTerms {
        ids,
        raw,
        // Written by [`computed`], beside the client index's work.
        to_keep: (!unchanged).then_some(identity),
    }
}

/// Version 2: terms by id of a vocabulary of hashes (version 1 repeated each hash).
const TERMS_MAGIC: &[u8] = b"qaportal related terms 2\n";

fn fingerprint(documents_fingerprint: &str, links: &[Vec<usize>]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(documents_fingerprint.as_bytes());
    for targets in links {
        for &j in targets {
            hasher.update(&(j as u64).to_le_bytes());
        }
        hasher.update(b";");
    }
    format!("{:032x}", hasher.digest128())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, system: &str, title: &str, tags: &[&str], body: &str) -> SearchDocument {
        SearchDocument {
            id: id.into(),
            title: title.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            body: body.into(),
            system: system.into(),
            ..Default::default()
        }
    }

    fn site() -> Vec<SearchDocument> {
        vec![
            doc(
                "KB-1",
                "trade",
                "新股申购后怎么查中签",
                &["新股", "中签"],
                "登录后查看中签结果。",
            ),
            doc(
                "KB-2",
                "trade",
                "新股中签后如何缴款",
                &["新股", "中签", "缴款"],
                "中签后缴款。",
            ),
            doc(
                "KB-3",
                "app",
                "换手机登录提示异地登录",
                &["登录"],
                "异地登录需要验证。",
            ),
            doc(
                "KB-4",
                "app",
                "登录时短信验证码收不到",
                &["登录", "验证码"],
                "检查短信拦截。",
            ),
            doc(
                "KB-5",
                "fund",
                "基金赎回多久到账",
                &["基金", "赎回"],
                "赎回资金到账时间。",
            ),
            doc(
                "KB-6",
                "fund",
                "融资融券担保比例",
                &["两融"],
                "维持担保比例。",
            ),
        ]
    }

    #[test]
    fn answers_about_one_subject_relate_and_others_do_not() {
        let docs = site();
        let related = related(&docs, &vec![Vec::new(); docs.len()], &Synonyms::default());
        let ids = |id: &str| -> Vec<String> { related[id].iter().map(|r| r.id.clone()).collect() };
        assert_eq!(ids("KB-1"), ["KB-2"]);
        assert_eq!(ids("KB-2"), ["KB-1"]);
        assert_eq!(ids("KB-3"), ["KB-4"]);
        // Nothing shares a subject with these: no related answers rather than unrelated ones.
        assert!(ids("KB-5").is_empty(), "{:?}", related["KB-5"]);
        assert!(ids("KB-6").is_empty(), "{:?}", related["KB-6"]);
    }

    #[test]
    fn a_link_relates_both_ways_and_another_system_counts_less() {
        let docs = site();
        let mut links = vec![Vec::new(); docs.len()];
        links[4] = vec![5]; // KB-5 links to KB-6
        let found = related(&docs, &links, &Synonyms::default());
        assert_eq!(found["KB-5"][0].id, "KB-6");
        assert_eq!(found["KB-6"][0].id, "KB-5");
        assert!(found["KB-5"][0].score >= LINK_BONUS);

        let mut docs = site();
        let same = related(&docs, &vec![Vec::new(); 6], &Synonyms::default())["KB-1"][0].score;
        docs[1].system = "other".into();
        let other = related(&docs, &vec![Vec::new(); 6], &Synonyms::default())["KB-1"][0].score;
        assert!((other - same * OTHER_SYSTEM).abs() < 1e-6, "{same} {other}");
    }

    #[test]
    fn at_most_the_limit_most_similar_first_ties_by_id() {
        // Nine answers alike, and nine that share nothing (a term in every answer has no idf).
        let docs: Vec<SearchDocument> = (0..18)
            .map(|k| {
                let title = if k < 9 {
                    "新股申购中签查询"
                } else {
                    ""
                };
                doc(&format!("KB-{k:02}"), "trade", title, &[], "")
            })
            .collect();
        let related = related(&docs, &vec![Vec::new(); 18], &Synonyms::default());
        let ids: Vec<&str> = related["KB-04"].iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["KB-00", "KB-01", "KB-02", "KB-03", "KB-05"]);
        assert!(related["KB-09"].is_empty());
    }

    #[test]
    fn terms_counted_from_the_client_analyses_are_those_of_tokenizing() {
        // Latin words with the shape of the pinyin initials of the Han words next to them
        // (`mm` for 密码, `yzzz` for 银证转账): words, which the initials are not.
        let mut docs = site();
        let mut latin = doc(
            "KB-99",
            "trade",
            "密码 mm 银证转账 yzzz 密码",
            &["mm", "转账"],
            "密码 mm mm 银证转账；level-2 行情",
        );
        latin.questions = vec!["密码忘了 mm".into(), "银证转账 yzzz".into()];
        docs.push(latin);
        let synonyms = Synonyms::parse("密码 口令\n转账 划转\n").unwrap();
        let refs: Vec<&SearchDocument> = docs.iter().collect();
        let keys: Vec<u128> = docs.iter().map(crate::search::analysis_key).collect();
        let mut analyses = Analyses::default();
        analyses.update(&refs, &keys, &synonyms, &Config::default());
        let positions = field_positions();
        for (doc, key) in docs.iter().zip(&keys) {
            let analysis = analyses.get(*key).unwrap();
            let bits = |v: Vector| -> Vec<(u64, u32)> {
                v.into_iter().map(|(h, w)| (h, w.to_bits())).collect()
            };
            assert_eq!(
                bits(raw_terms_of(&analyses, analysis, &positions)),
                bits(raw_terms(doc, &synonyms)),
                "{}",
                doc.id
            );
        }
    }

    #[test]
    fn the_cache_is_reused_only_for_the_same_answers_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let docs = site();
        let none = vec![Vec::new(); docs.len()];
        let synonyms = Synonyms::default();
        let hashed = crate::search::fingerprint(&docs, &synonyms);
        let cached = |docs: &[SearchDocument], links: &[Vec<usize>], synonyms: &Synonyms| {
            crate::search::client_files_and_related(dir.path(), docs, links, synonyms, &hashed).1
        };
        let first = cached(&docs, &none, &synonyms);
        // A cache edited by hand (or left by another version) is used only if the fingerprint
        // matches: here it does, so the edit shows.
        let path = dir.path().join(".qaportal/related.json");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("\"KB-2\"", "\"KB-9\"")).unwrap();
        let again = cached(&docs, &none, &synonyms);
        assert_eq!(again["KB-1"][0].id, "KB-9", "the cache was read");
        let mut links = none.clone();
        links[4] = vec![5];
        let linked = cached(&docs, &links, &synonyms);
        assert_eq!(linked["KB-1"], first["KB-1"], "computed again");
        assert_eq!(linked["KB-5"][0].id, "KB-6");
    }
}
