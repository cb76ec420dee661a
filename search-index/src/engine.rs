//! The browser's search engine (`themes/default/static/search/qaportal-search.js`), in Rust, over
//! the same client index files: `qaportal search` in a terminal ranks exactly as the site does
//! (DESIGN §5, "one ranking"). Each step mirrors a function of the JS, named alike; the order of
//! every floating-point sum is the JS's, so scores are equal to the last bit. Where the two
//! languages' logarithm or power may differ in the last bit (coverage), both round.
//! `tests/one_ranking.rs` compares the two on a thousand queries.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::client::decode_docs;
use crate::tokenizer::{
    QUERY_FILLER_BIGRAMS, STOP_CHARS, TermClass, normalize, pinyin_streams, query_terms_with, runs,
    term_class, types_pinyin,
};

/// Characters a lone syllable typed in pinyin stands for (qaportal-search.js
/// LONE_SYLLABLE_CHARS).
const LONE_SYLLABLE_CHARS: usize = 3;

/// A bigram with a stop character in it weighs this much in coverage (GLUE).
const GLUE: f64 = 0.25;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    base: String,
    shards: usize,
    docs: usize,
    meta_chunk: usize,
    parts: Vec<PartSpec>,
    weights: Weights,
    #[serde(default = "yes")]
    pinyin_fallback: bool,
    #[serde(default)]
    coverage_weight: f64,
    outcome: OutcomeSpec,
    systems: Vec<SystemRange>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct PartSpec {
    key: String,
}

#[derive(Debug, Deserialize)]
struct Weights {
    char: f64,
    bigram: f64,
    word: f64,
    pinyin: f64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutcomeSpec {
    coverage: f64,
    coverage_with_words: f64,
    words: usize,
}

#[derive(Debug, Deserialize)]
struct SystemRange {
    key: String,
    title: String,
    start: usize,
    end: usize,
}

/// One part of a shard: its lunr index and tails, as the engine reads them.
#[derive(Debug, Default)]
struct Part {
    fields: Vec<String>,
    /// term -> (its index in the field vectors, its first-tier documents per field).
    terms: HashMap<String, (u64, Vec<Vec<u32>>)>,
    /// "field/ref" -> [index, weight, index, weight, …]
    vectors: HashMap<String, Vec<f64>>,
    /// term -> [(field number, weight, documents)]
    tails: HashMap<String, Vec<(usize, f64, Vec<u32>)>>,
}

impl Part {
    fn parse(json: &Value, tails: Option<&Value>) -> Option<Part> {
        let fields: Vec<String> = json["fields"]
            .as_array()?
            .iter()
            .map(|f| f.as_str().map(str::to_string))
            .collect::<Option<_>>()?;
        let mut vectors = HashMap::new();
        for v in json["fieldVectors"].as_array()? {
            let elements = v[1]
                .as_array()?
                .iter()
                .map(Value::as_f64)
                .collect::<Option<_>>()?;
            vectors.insert(v[0].as_str()?.to_string(), elements);
        }
        let mut terms = HashMap::new();
        for entry in json["invertedIndex"].as_array()? {
            let posting = &entry[1];
            let index = posting["_index"].as_u64()?;
            let mut by_field = Vec::with_capacity(fields.len());
            for field in &fields {
                // JS objects list integer-like keys in ascending order.
                let mut docs: Vec<u32> = posting[field.as_str()]
                    .as_object()?
                    .keys()
                    .map(|r| r.parse().ok())
                    .collect::<Option<_>>()?;
                docs.sort_unstable();
                by_field.push(docs);
            }
            terms.insert(entry[0].as_str()?.to_string(), (index, by_field));
        }
        let mut parsed_tails = HashMap::new();
        if let Some(t) = tails.and_then(Value::as_object) {
            for (term, lists) in t {
                let lists = lists
                    .as_array()?
                    .iter()
                    .map(|l| {
                        Some((
                            l[0].as_u64()? as usize,
                            l[1].as_f64()?,
                            decode_docs(l[2].as_str()?)?,
                        ))
                    })
                    .collect::<Option<_>>()?;
                parsed_tails.insert(term.clone(), lists);
            }
        }
        Some(Part {
            fields,
            vectors,
            terms,
            tails: parsed_tails,
        })
    }

    fn knows(&self, term: &str) -> bool {
        self.terms.contains_key(term)
    }

    /// postingsOf: (doc, weight) of a term, the first tier's field by field, then the tail's.
    fn postings(&self, term: &str) -> Vec<(u32, f64)> {
        let Some((index, by_field)) = self.terms.get(term) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (field, docs) in self.fields.iter().zip(by_field) {
            for doc in docs {
                let w = self
                    .vectors
                    .get(&format!("{field}/{doc}"))
                    .map_or(0.0, |v| element_at(v, *index));
                if w != 0.0 {
                    out.push((*doc, w));
                }
            }
        }
        for (_, weight, docs) in self.tails.get(term).into_iter().flatten() {
            out.extend(docs.iter().map(|&d| (d, *weight)));
        }
        out
    }
}

/// elementAt: the value at `index` in a lunr vector [index, value, …] sorted by index.
fn element_at(vec: &[f64], index: u64) -> f64 {
    let (mut lo, mut hi) = (0i64, (vec.len() / 2) as i64 - 1);
    while lo <= hi {
        let mid = (lo + hi) / 2;
        let at = vec[mid as usize * 2] as u64;
        match at.cmp(&index) {
            std::cmp::Ordering::Equal => return vec[mid as usize * 2 + 1],
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid - 1,
        }
    }
    0.0
}

/// A shard: part key -> part.
type Shard = HashMap<String, Part>;

/// A weighted query term (clausesFor).
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub term: String,
    pub boost: f64,
    /// The clauses that say one thing share a unit (coverage).
    pub unit: String,
    /// The term this clause stands in for: it counts only when the index does not know it.
    pub fallback: Option<String>,
}

/// How well a search answers (DESIGN §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Answers,
    Weak,
    None,
}

/// A ranked document (rank): its number in index order, score, coverage of the query and how
/// many of the query's words it has.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub doc: usize,
    pub score: f64,
    pub coverage: f64,
    pub words: usize,
}

/// rank's answer: the first `limit` documents, how many matched, and what was scored.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranking {
    pub hits: Vec<Ranked>,
    pub total: usize,
    pub query_words: usize,
    pub clauses: Vec<Clause>,
}

/// A result as `qaportal.search()` gives it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub url: String,
    pub system: String,
    pub system_title: String,
    pub category: String,
    pub summary: String,
    pub score: f64,
}

/// search's answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Results {
    pub outcome: Outcome,
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// A problem with the index files.
#[derive(Debug)]
pub struct IndexError(pub String);

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the client search index is unreadable: {}", self.0)
    }
}

impl std::error::Error for IndexError {}

/// The client index (the files under the site's `search/`), read on demand like the browser
/// reads them.
pub struct ClientIndex {
    files: HashMap<String, Vec<u8>>,
    manifest: Manifest,
    shards: Vec<OnceLock<Result<Shard, String>>>,
    pinyin: String,
}

impl ClientIndex {
    /// `files`: path (relative to the index folder, e.g. `manifest.json`, `<hash>/t/3.json`)
    /// and bytes of every file of the index.
    pub fn new(files: HashMap<String, Vec<u8>>) -> Result<ClientIndex, IndexError> {
        let manifest: Manifest = files
            .get("manifest.json")
            .ok_or_else(|| IndexError("no manifest.json".into()))
            .and_then(|b| {
                serde_json::from_slice(b).map_err(|e| IndexError(format!("manifest.json: {e}")))
            })?;
        let pinyin = files
            .get("pinyin.txt")
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let shards = (0..manifest.shards).map(|_| OnceLock::new()).collect();
        Ok(ClientIndex {
            files,
            manifest,
            shards,
            pinyin,
        })
    }

    fn json(&self, path: &str) -> Result<Value, IndexError> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| IndexError(format!("no {path}")))?;
        serde_json::from_slice(bytes).map_err(|e| IndexError(format!("{path}: {e}")))
    }

    fn shard(&self, n: usize) -> Result<&Shard, IndexError> {
        self.shards[n]
            .get_or_init(|| {
                let path = format!("{}t/{n}.json", self.manifest.base);
                let json = self.json(&path).map_err(|e| e.0)?;
                let mut parts = HashMap::new();
                for spec in &self.manifest.parts {
                    let part = Part::parse(&json[spec.key.as_str()], json["tail"].get(&spec.key))
                        .ok_or_else(|| format!("{path}: part {} is malformed", spec.key))?;
                    parts.insert(spec.key.clone(), part);
                }
                Ok(parts)
            })
            .as_ref()
            .map_err(|e| IndexError(e.clone()))
    }

    fn shard_of(&self, term: &str) -> Result<&Shard, IndexError> {
        self.shard(crate::client::shard_of(term, self.manifest.shards))
    }

    /// knows: whether any part knows the term.
    fn knows(&self, term: &str) -> Result<bool, IndexError> {
        Ok(self.shard_of(term)?.values().any(|p| p.knows(term)))
    }

    fn weight(&self, term: &str) -> f64 {
        let w = &self.manifest.weights;
        match term_class(term) {
            TermClass::Char => w.char,
            TermClass::Bigram => w.bigram,
            TermClass::Word => w.word,
            TermClass::Pinyin => w.pinyin,
        }
    }

    /// clausesFor, with the syllable table when `pinyin_words` (typesPinyin: a query with a word
    /// of two letters or more), the readings alone otherwise. The first pass of the JS (without
    /// any reading) is never the last when a pair could matter, see [`ClientIndex::rank`].
    pub fn clauses(&self, query: &str, readings: bool, pinyin_words: bool) -> Vec<Clause> {
        let text = normalize(query);
        let rs = runs(&text);
        let streams = if pinyin_words {
            pinyin_streams(&rs)
        } else {
            Vec::new()
        };
        let mut unit_of: HashMap<&str, String> = HashMap::new();
        for st in &streams {
            for word in &st.words {
                unit_of.insert(word, st.words.join(" "));
            }
        }
        // The pinyin pair of each Han bigram -> the bigram.
        let mut pair_of: HashMap<String, String> = HashMap::new();
        if readings {
            for r in rs.iter().filter(|r| r.han) {
                let chars: Vec<char> = r.text.chars().collect();
                for w in chars.windows(2) {
                    if let (Some(a), Some(b)) = (
                        crate::pinyin::syllable_of(w[0]),
                        crate::pinyin::syllable_of(w[1]),
                    ) {
                        pair_of.insert(format!("{a}'{b}"), w.iter().collect());
                    }
                }
            }
        }
        let mut typed: HashMap<String, String> = HashMap::new();
        for st in &streams {
            for w in st.syllables.windows(2) {
                typed.insert(format!("{}'{}", w[0], w[1]), st.words.join(" "));
            }
        }
        let mut out = Vec::new();
        let mut add = |term: String, unit: Option<String>, fallback: Option<String>| {
            let boost = self.weight(&term);
            out.push(Clause {
                unit: unit.unwrap_or_else(|| term.clone()),
                term,
                boost,
                fallback,
            });
        };
        // Without readings (the JS's first pass, final when no pair could count): no pairs.
        let terms = query_terms_with(query, pinyin_words)
            .into_iter()
            .filter(|t| readings || term_class(t) != TermClass::Pinyin);
        for t in terms {
            match term_class(&t) {
                TermClass::Word => {
                    let unit = unit_of.get(t.as_str()).cloned();
                    add(t, unit, None);
                }
                TermClass::Pinyin => {
                    if let Some(unit) = typed.get(&t) {
                        let unit = unit.clone();
                        add(t, Some(unit), None);
                    } else {
                        let bigram = pair_of.get(&t).cloned();
                        let fallback = bigram.clone().filter(|_| self.manifest.pinyin_fallback);
                        add(t, bigram, fallback);
                    }
                }
                _ => add(t, None, None),
            }
        }
        // A stock code or hotline the index does not know: its first three digits.
        for r in rs.iter().filter(|r| !r.han) {
            if (5..=6).contains(&r.text.len()) && r.text.bytes().all(|b| b.is_ascii_digit()) {
                add(
                    r.text[..3].to_string(),
                    Some(r.text.to_string()),
                    Some(r.text.to_string()),
                );
            }
        }
        // One syllable typed alone, or the start of a word still being typed: the site's most
        // used characters of that reading.
        for st in &streams {
            if st.syllables.len() == 1 && st.words.len() == 1 {
                let word = st.words[0].to_string();
                for c in crate::pinyin::site_chars(&self.pinyin, st.syllables[0])
                    .into_iter()
                    .take(LONE_SYLLABLE_CHARS)
                {
                    add(c.to_string(), Some(word.clone()), Some(word.clone()));
                }
            }
        }
        out
    }

    /// needsPinyin: a word that may be pinyin, or a Han bigram of the query the index does not
    /// know (its pinyin pair may stand in for it).
    fn needs_pinyin(&self, query: &str) -> Result<bool, IndexError> {
        if types_pinyin(query) {
            return Ok(true);
        }
        let text = normalize(query);
        for r in runs(&text).iter().filter(|r| r.han) {
            let chars: Vec<char> = r.text.chars().collect();
            for w in chars.windows(2) {
                let bigram: String = w.iter().collect();
                if !QUERY_FILLER_BIGRAMS.contains(&bigram.as_str()) && !self.knows(&bigram)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// rank: the documents of `system` (all when `None`) for `query`, best first.
    pub fn rank(
        &self,
        query: &str,
        system: Option<&str>,
        limit: usize,
    ) -> Result<Ranking, IndexError> {
        let m = &self.manifest;
        let all = if !m.pinyin_fallback || self.needs_pinyin(query)? {
            self.clauses(query, true, types_pinyin(query))
        } else {
            self.clauses(query, false, false)
        };
        let mut clauses = Vec::with_capacity(all.len());
        for c in all {
            if match &c.fallback {
                Some(target) => !self.knows(target)?,
                None => true,
            } {
                clauses.push(c);
            }
        }
        let range = system.map(|key| {
            m.systems
                .iter()
                .find(|s| s.key == key)
                .map_or((0, 0), |s| (s.start, s.end))
        });
        let mut scores = self.score(&clauses)?;
        let cover = self.coverage(&clauses)?;
        let alpha = m.coverage_weight;
        if alpha != 0.0 {
            for (doc, score) in scores.iter_mut() {
                *score *= round_to(cover.of(*doc).powf(alpha), 1e9);
            }
        }
        let mut hits: Vec<(usize, f64)> = scores
            .into_iter()
            .filter(|(d, _)| range.is_none_or(|(s, e)| *d >= s && *d < e))
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let total = hits.len();
        let hits = hits
            .into_iter()
            .take(limit)
            .map(|(doc, score)| Ranked {
                doc,
                score,
                coverage: cover.of(doc),
                words: cover.words(doc),
            })
            .collect();
        Ok(Ranking {
            hits,
            total,
            query_words: cover.query_words,
            clauses,
        })
    }

    /// score: per document, the sum over the parts of lunr's score in that part.
    fn score(&self, clauses: &[Clause]) -> Result<HashMap<usize, f64>, IndexError> {
        let mut scores: HashMap<usize, f64> = HashMap::new();
        for spec in &self.manifest.parts {
            // The query vector of the part: its known terms, in first-clause order.
            let mut qv: Vec<(&str, f64)> = Vec::new();
            for c in clauses {
                if self.shard_of(&c.term)?[&spec.key].knows(&c.term) {
                    match qv.iter_mut().find(|(t, _)| *t == c.term) {
                        Some(e) => e.1 += c.boost,
                        None => qv.push((&c.term, c.boost)),
                    }
                }
            }
            let mut mag = 0.0;
            for (_, b) in &qv {
                mag += b * b;
            }
            let mag = f64::sqrt(mag);
            for (term, boost) in &qv {
                for (doc, w) in self.shard_of(term)?[&spec.key].postings(term) {
                    *scores.entry(doc as usize).or_insert(0.0) += boost * w / mag;
                }
            }
        }
        Ok(scores)
    }

    /// coverage: each document's share of the query's units, and its number of query words.
    fn coverage(&self, clauses: &[Clause]) -> Result<Coverage, IndexError> {
        struct Unit {
            key: String,
            weight: f64,
            boost: f64,
            docs: Vec<u32>,
        }
        let mut units: Vec<Unit> = Vec::new();
        let n = self.manifest.docs as f64;
        for c in clauses {
            let shard = self.shard_of(&c.term)?;
            let mut docs: Vec<u32> = Vec::new();
            for spec in &self.manifest.parts {
                docs.extend(shard[&spec.key].postings(&c.term).into_iter().map(|p| p.0));
            }
            docs.sort_unstable();
            docs.dedup();
            let df = docs.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let i = match units.iter().position(|u| u.key == c.unit) {
                Some(i) => i,
                None => {
                    units.push(Unit {
                        key: c.unit.clone(),
                        weight: 0.0,
                        boost: 0.0,
                        docs: Vec::new(),
                    });
                    units.len() - 1
                }
            };
            let u = &mut units[i];
            u.boost = u.boost.max(c.boost);
            let glue = if is_glue(&u.key) { GLUE } else { 1.0 };
            u.weight = u.weight.max(u.boost * idf * glue);
            u.docs.extend(docs);
        }
        let mut total = 0.0;
        let mut query_words = 0;
        let mut matched: HashMap<usize, f64> = HashMap::new();
        let mut words: HashMap<usize, usize> = HashMap::new();
        for u in &mut units {
            total += u.weight;
            let word = is_query_word(&u.key);
            if word {
                query_words += 1;
            }
            u.docs.sort_unstable();
            u.docs.dedup();
            for &d in &u.docs {
                *matched.entry(d as usize).or_insert(0.0) += u.weight;
                if word {
                    *words.entry(d as usize).or_insert(0) += 1;
                }
            }
        }
        Ok(Coverage {
            total,
            matched,
            words,
            query_words,
        })
    }

    /// search: the results with their metadata and the outcome.
    pub fn search(
        &self,
        query: &str,
        system: Option<&str>,
        limit: usize,
    ) -> Result<Results, IndexError> {
        let m = &self.manifest;
        let ranking = self.rank(query, system, limit.max(1))?;
        let outcome = self.outcome(&ranking);
        if outcome == Outcome::None {
            return Ok(Results {
                outcome,
                total: 0,
                hits: Vec::new(),
            });
        }
        let chunk = m.meta_chunk.max(1);
        let mut hits = Vec::with_capacity(ranking.hits.len());
        for h in &ranking.hits {
            let path = format!("{}m/{}.json", m.base, h.doc / chunk);
            let rows = self.json(&path)?;
            let row = &rows[h.doc % chunk];
            let text = |i: usize| row[i].as_str().unwrap_or("").to_string();
            let sys = m.systems.iter().find(|s| h.doc >= s.start && h.doc < s.end);
            hits.push(Hit {
                id: text(0),
                title: text(1),
                url: text(2),
                system: sys.map_or_else(String::new, |s| s.key.clone()),
                system_title: sys.map_or_else(String::new, |s| s.title.clone()),
                category: text(3),
                summary: text(4),
                score: h.score,
            });
        }
        Ok(Results {
            outcome,
            total: ranking.total,
            hits,
        })
    }

    /// outcomeOf.
    fn outcome(&self, r: &Ranking) -> Outcome {
        let bar = &self.manifest.outcome;
        if !r.hits.iter().any(|h| h.words > 0 || r.query_words == 0) {
            return Outcome::None;
        }
        let first = &r.hits[0];
        let enough = (first.coverage >= bar.coverage && (first.words > 0 || r.query_words == 0))
            || (first.words >= bar.words && first.coverage >= bar.coverage_with_words);
        if enough {
            Outcome::Answers
        } else {
            Outcome::Weak
        }
    }
}

struct Coverage {
    total: f64,
    matched: HashMap<usize, f64>,
    words: HashMap<usize, usize>,
    query_words: usize,
}

impl Coverage {
    fn of(&self, doc: usize) -> f64 {
        if self.total == 0.0 {
            return 0.0;
        }
        round_to(
            self.matched.get(&doc).copied().unwrap_or(0.0) / self.total,
            1e6,
        )
    }

    fn words(&self, doc: usize) -> usize {
        self.words.get(&doc).copied().unwrap_or(0)
    }
}

/// JS `Math.round(x * scale) / scale` for the non-negative numbers here.
fn round_to(x: f64, scale: f64) -> f64 {
    let y = x * scale;
    let floor = y.floor();
    (if y - floor >= 0.5 { floor + 1.0 } else { floor }) / scale
}

fn is_glue(unit: &str) -> bool {
    term_class(unit) == TermClass::Bigram && unit.chars().any(|c| STOP_CHARS.contains(c))
}

fn is_query_word(unit: &str) -> bool {
    term_class(unit) != TermClass::Char && !is_glue(unit)
}
