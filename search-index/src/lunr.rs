//! A lunr.js 2.3.9 index computed in Rust, and its serialization (whole or split by term).
//!
//! Scores replicate `lunr.Builder` exactly (same BM25 formula, same operation order, same
//! rounding to three decimals, idf counting a document once per field it has the term in), so an
//! index loaded with `lunr.Index.load` ranks like one built by `lunr.Builder` from the same tokens;
//! `tests/js/lunr.test.js` checks that with the real package.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write;
use std::sync::Arc;

/// BM25 parameters as in lunr (`builder.k1()`, `builder.b()`); lunr's defaults are 1.2 and 0.75.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bm25 {
    pub k1: f64,
    pub b: f64,
}

/// One document as lunr sees it: a ref and, per field, its tokens (repeats count).
pub struct LunrDoc {
    pub reference: String,
    pub fields: Vec<Vec<String>>,
}

/// One document as counts: per field, its distinct terms (ids of a [`Vocabulary`]) with how
/// often each occurs; a field's length is the sum of its counts.
pub struct CountedDoc<'a> {
    pub fields: Vec<Cow<'a, [(u32, u32)]>>,
}

/// Terms by number, so that the documents of an index hold numbers rather than strings.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    terms: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl Vocabulary {
    /// The id of `term`, added if new.
    pub fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).expect("fewer than 2^32 terms");
        let term: Arc<str> = term.into();
        self.terms.push(Arc::clone(&term));
        self.ids.insert(term, id);
        id
    }

    /// The term of `id`.
    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// `tokens` as distinct term ids with their counts, by id.
    pub fn count(&mut self, tokens: &[String]) -> Vec<(u32, u32)> {
        let mut counts: HashMap<u32, u32> = HashMap::default();
        for t in tokens {
            *counts.entry(self.id(t)).or_default() += 1;
        }
        let mut counts: Vec<(u32, u32)> = counts.into_iter().collect();
        counts.sort_unstable();
        counts
    }
}

/// (field number, doc number) of a field vector.
type FieldRef = (u8, u32);

/// (field number, doc number, score) of one term.
pub type Posting = (u8, u32, f64);

/// Some of the postings of a term in one field beyond its first tier: the documents
/// (ascending), all at `weight`, the mean of their scores. A term's tail in a field is cut into
/// such bands of near-equal scores (see [`LunrIndex::split_tail`]): they differ only by term
/// frequency and field length, and all are below every first-tier score of the term.
#[derive(Clone, Debug, PartialEq)]
pub struct Tail {
    pub field: u8,
    pub weight: f64,
    pub docs: Vec<u32>,
}

/// The computed index: every term's postings with their final (boosted, rounded) scores.
pub struct LunrIndex {
    pub fields: Vec<String>,
    pub refs: Vec<String>,
    /// Terms in UTF-16 order (the order `lunr.TokenSet.Builder` requires), with postings sorted
    /// by (field, doc).
    pub terms: Vec<(String, Vec<Posting>)>,
}

/// Compares strings by UTF-16 code units, as JavaScript's `<` does (differs from Rust's order
/// for characters above U+FFFF against U+E000..U+FFFF).
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// JavaScript's `Math.round(x * 1000) / 1000` for the non-negative scores lunr stores
/// (`Math.round` rounds halves up; `x - floor(x)` is exact, unlike `floor(x + 0.5)`).
fn round3(x: f64) -> f64 {
    let y = x * 1000.0;
    let floor = y.floor();
    (if y - floor >= 0.5 { floor + 1.0 } else { floor }) / 1000.0
}

/// How far apart the scores of one band of a tail may be: a band ends at the first score below
/// its highest divided by this. One weight for a whole tail (as before) lost the length
/// normalization among a common term's documents: in short titles most of a query's
/// characters are common ones, and their tails decided among the documents outside every first
/// tier. Measured (bench/relevance, titles, dev queries): bq hit@5 0.284 with one weight per
/// field, against 0.291 with every posting exact; see search-index/README.md for the bands.
pub const TAIL_BAND: f64 = 1.1;

/// The bands of one field's tail postings (sorted by score, highest first), each a [`Tail`]
/// at the mean score of its documents (documents ascending).
fn bands(postings: &[Posting], ratio: f64) -> Vec<Tail> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < postings.len() {
        // A ratio of 1 or less: the whole field in one band.
        let floor = if ratio > 1.0 {
            postings[start].2 / ratio
        } else {
            f64::NEG_INFINITY
        };
        let end = start
            + postings[start..]
                .iter()
                .take_while(|p| p.2 >= floor)
                .count()
                .max(1);
        let band = &postings[start..end];
        let mut docs: Vec<u32> = band.iter().map(|p| p.1).collect();
        docs.sort_unstable();
        out.push(Tail {
            field: band[0].0,
            weight: round3(band.iter().map(|p| p.2).sum::<f64>() / band.len() as f64),
            docs,
        });
        start = end;
    }
    out
}

impl LunrIndex {
    /// Computes the index like `lunr.Builder` with `fields` (name, boost) and `bm25`.
    pub fn build(fields: &[(&str, f64)], bm25: Bm25, docs: &[LunrDoc]) -> LunrIndex {
        // Only each field's term counts and length matter to lunr's scores: the tokens are
        // counted, and the index computed from the counts as the client index does.
        let mut vocabulary = Vocabulary::default();
        let counted: Vec<CountedDoc<'_>> = docs
            .iter()
            .map(|doc| {
                assert_eq!(
                    doc.fields.len(),
                    fields.len(),
                    "a document must give tokens for every field"
                );
                CountedDoc {
                    fields: doc
                        .fields
                        .iter()
                        .map(|tokens| vocabulary.count(tokens).into())
                        .collect(),
                }
            })
            .collect();
        let refs: Vec<String> = docs.iter().map(|d| d.reference.clone()).collect();
        LunrIndex::build_counted(fields, bm25, &counted, refs, &vocabulary)
    }

    /// [`LunrIndex::build`] from each document's term counts per field (term ids of
    /// `vocabulary`): the same index, without the token lists.
    pub fn build_counted(
        fields: &[(&str, f64)],
        bm25: Bm25,
        docs: &[CountedDoc<'_>],
        refs: Vec<String>,
        vocabulary: &Vocabulary,
    ) -> LunrIndex {
        let n_docs = docs.len();
        let n_fields = fields.len();
        // Per (doc, field): its length in tokens; per field: total length for the average.
        let lens: Vec<Vec<u32>> = docs
            .iter()
            .map(|doc| {
                assert_eq!(
                    doc.fields.len(),
                    n_fields,
                    "a document must give terms for every field"
                );
                doc.fields
                    .iter()
                    .map(|terms| terms.iter().map(|&(_, n)| n).sum())
                    .collect()
            })
            .collect();
        let mut totals = vec![0usize; n_fields];
        for per_field in &lens {
            for (f, &len) in per_field.iter().enumerate() {
                totals[f] += len as usize;
            }
        }
        let avg: Vec<f64> = totals.iter().map(|&t| t as f64 / n_docs as f64).collect();

        // Every term's postings in one array (terms by id, each one's postings by field, then
        // doc): counted first, then filled, instead of a growing list per term.
        let mut starts = vec![0u32; vocabulary.len() + 1];
        for doc in docs {
            for terms in &doc.fields {
                for &(term, _) in terms.iter() {
                    starts[term as usize + 1] += 1;
                }
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut flat = vec![(0u8, 0u32, 0u32); starts[vocabulary.len()] as usize];
        for f in 0..n_fields {
            for (d, doc) in docs.iter().enumerate() {
                for &(term, count) in doc.fields[f].iter() {
                    let at = &mut next[term as usize];
                    flat[*at as usize] = (f as u8, d as u32, count);
                    *at += 1;
                }
            }
        }
        let mut terms: Vec<(String, Vec<Posting>)> = (0..vocabulary.len())
            .filter(|&t| starts[t] < starts[t + 1])
            .map(|t| {
                let list = &flat[starts[t] as usize..starts[t + 1] as usize];
                // lunr.idf: a document counts once per field that has the term.
                let df = list.len() as f64;
                let x = (n_docs as f64 - df + 0.5) / (df + 0.5);
                let idf = (1.0 + x.abs()).ln();
                let scored = list
                    .iter()
                    .map(|&(f, d, tf)| {
                        let (k1, b) = (bm25.k1, bm25.b);
                        let tf = tf as f64;
                        let len = lens[d as usize][f as usize] as f64;
                        // Same expression and order as lunr.Builder#createFieldVectors.
                        let mut score = idf * ((k1 + 1.0) * tf)
                            / (k1 * (1.0 - b + b * (len / avg[f as usize])) + tf);
                        score *= fields[f as usize].1;
                        (f, d, round3(score))
                    })
                    .collect();
                (vocabulary.term(t as u32).to_string(), scored)
            })
            .collect();
        terms.sort_unstable_by(|a, b| cmp_utf16(&a.0, &b.0));
        LunrIndex {
            fields: fields.iter().map(|(name, _)| name.to_string()).collect(),
            refs,
            terms,
        }
    }

    /// Splits the postings of every term into its `cap` highest-scoring ones (the first tier,
    /// exact) and the rest, kept as [`Tail`]s per field: which documents, at one weight per band
    /// of scores within `ratio` of the band's highest (see [`TAIL_BAND`]). A query then reads
    /// every document of a common term for a few bytes each, instead of a lunr posting each
    /// (tens of bytes) or none (a document outside the first tier then lost the term's weight,
    /// and short documents won: on 12,088 lcqmc titles, hit@1 0.720 against 0.861 with every
    /// posting read; with the tails, 0.866).
    pub fn split_tail(self, cap: usize, ratio: f64) -> (LunrIndex, Vec<(String, Vec<Tail>)>) {
        let mut first = Vec::with_capacity(self.terms.len());
        let mut tails = Vec::new();
        for (term, mut postings) in self.terms {
            if postings.len() > cap {
                // Highest score first; ties by field, then doc, so the split is deterministic.
                postings.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
                let mut rest = postings.split_off(cap);
                // The first tier kept the whole list's capacity: at 10,000 answers the common
                // terms' lists are most of the postings, and the first tiers are held until
                // every shard is written.
                postings.shrink_to_fit();
                postings.sort_unstable_by_key(|&(f, d, _)| (f, d));
                // By field, then score (highest first): each field's bands in turn.
                rest.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(a.1.cmp(&b.1)));
                let tail = rest
                    .chunk_by(|a, b| a.0 == b.0)
                    .flat_map(|field| bands(field, ratio))
                    .collect();
                tails.push((term.clone(), tail));
            }
            first.push((term, postings));
        }
        let first = LunrIndex {
            fields: self.fields,
            refs: self.refs,
            terms: first,
        };
        (first, tails)
    }

    /// Serializes the terms `selected` (indices into `self.terms`, in UTF-16 order) as one
    /// lunr 2.3.9 index: every posting lists every field, `_index` numbers the selected terms
    /// from 0, and each field vector holds that field's scores for the selected terms, sorted by
    /// term index. With all terms selected this is the whole index; with a subset it is a shard
    /// that answers exactly like the whole index for queries whose terms are all in it.
    pub fn to_json(&self, selected: &[usize]) -> String {
        let mut out = String::with_capacity(64 + selected.len() * 48);
        out.push_str("{\"version\":\"2.3.9\",\"fields\":[");
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_str(&mut out, f);
        }
        out.push_str("],\"fieldVectors\":[");
        // (field, doc) → [(term index, score)], in (field, doc) order for determinism.
        let mut vectors: Vec<(FieldRef, Vec<(usize, f64)>)> = Vec::new();
        let mut slot: HashMap<(u8, u32), usize> = HashMap::default();
        for (ti, &t) in selected.iter().enumerate() {
            for &(f, d, score) in &self.terms[t].1 {
                let i = *slot.entry((f, d)).or_insert_with(|| {
                    vectors.push(((f, d), Vec::new()));
                    vectors.len() - 1
                });
                vectors[i].1.push((ti, score));
            }
        }
        vectors.sort_unstable_by_key(|v| v.0);
        for (i, ((f, d), elements)) in vectors.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("[\"");
            out.push_str(&self.fields[*f as usize]);
            out.push('/');
            out.push_str(&self.refs[*d as usize]);
            out.push_str("\",[");
            // Terms were visited in increasing index order, so elements are already sorted.
            for (j, (ti, score)) in elements.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{ti},{score}");
            }
            out.push_str("]]");
        }
        out.push_str("],\"invertedIndex\":[");
        for (ti, &t) in selected.iter().enumerate() {
            let (term, postings) = &self.terms[t];
            if ti > 0 {
                out.push(',');
            }
            out.push('[');
            push_json_str(&mut out, term);
            let _ = write!(out, ",{{\"_index\":{ti}");
            let mut p = postings.iter().peekable();
            for (f, name) in self.fields.iter().enumerate() {
                out.push_str(",\"");
                out.push_str(name);
                out.push_str("\":{");
                let mut first = true;
                while let Some(&&(pf, d, _)) = p.peek() {
                    if pf as usize != f {
                        break;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    out.push('"');
                    out.push_str(&self.refs[d as usize]);
                    out.push_str("\":{}");
                    p.next();
                }
                out.push('}');
            }
            out.push_str("}]");
        }
        out.push_str("],\"pipeline\":[]}");
        out
    }
}

/// Appends `s` as a JSON string (escaping only what JSON requires; Chinese stays UTF-8).
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
