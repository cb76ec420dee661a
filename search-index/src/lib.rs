//! qaportal search: the tokenizer contract (`TOKENIZER.md`), the sharded lunr.js client index
//! the browser queries, the same engine in Rust for the terminal ([`engine`]), and a full-text
//! index of the whole texts for authors ([`tantivy_index`], `qaportal search --text`).
//!
//! The generator calls [`build_client_index`] (files to write under the site's output);
//! [`tantivy_index::write_index`] (a folder outside the output) only when an author searches
//! the whole texts.

pub mod batch;
pub mod client;
pub mod engine;
pub mod learned;
pub mod lunr;
pub mod pinyin;
pub mod synonyms;
pub mod tantivy_index;
pub mod tokenizer;
pub mod varint;

pub use client::{ClientOptions, GZIP_MIN_BYTES, OutputFile, build_client_index};
pub use synonyms::{SynonymError, Synonyms};
pub use tokenizer::{Options, QueryWeights, query_terms, tokenize};

use lunr::Bm25;
use tokenizer::normalize;

/// One article as search sees it. `body` is plain text (markdown already rendered and stripped).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchDocument {
    /// Stable id, e.g. `KB-0042`.
    pub id: String,
    pub title: String,
    pub questions: Vec<String>,
    pub tags: Vec<String>,
    pub headings: Vec<String>,
    pub body: String,
    /// Site-relative URL of the article page, e.g. `/trading/level2/`.
    pub url: String,
    /// Folder key of the system, e.g. `trading`.
    pub system: String,
    /// The system's title, e.g. `交易`.
    pub system_title: String,
    /// Chinese category label, e.g. `咨询类`.
    pub category: String,
    pub summary: String,
}

/// A field of the index: its name, its boost (baked into the scores, as in lunr) and which terms
/// its text yields.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    /// The field's name in the lunr index: one letter, as it is repeated in every posting.
    pub key: &'static str,
    pub boost: f64,
    pub options: Options,
}

/// The phrasings part of the client index: the field holding the recorded ways users ask
/// (`questions`) is a lunr index of its own, with its own BM25 parameters, boost, idf and query
/// magnitude; a document's score is its score there plus its score in the index of the other
/// fields.
///
/// Why, measured (bench/relevance, "phrasings" setting, 5-fold cross-validation on the first
/// 5,000 tonghuashun-faq queries): in one index with the other fields (k1 1.2, b 0.75, boost 6)
/// hit@1 was 0.754 and hit@5 0.943; as its own part with k1 3, b 1 and boost 30, 0.784 and
/// 0.953. Likely because phrasings are many short paraphrases piled into one field, unlike the
/// answer fields: full length normalization (b 1) keeps an article with dozens of them from
/// winning on length, and the higher k1 lets a word asked in many of them keep adding. A sweep
/// around these values (k1 2–4, b 0.9–1, boost 15–45) is flat; see search-index/README.md.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phrasings {
    /// Name of the field in [`Config::fields`] that forms the part.
    pub field: &'static str,
    /// The field's boost in the part (the boost in [`Config::fields`] is then not used).
    pub boost: f64,
    pub bm25: Bm25,
    /// On a site where some answers have phrasings, an answer with none gets one that stands in
    /// for them: its title, and the words learned for its title's words
    /// ([`Config::learned`]). Otherwise the phrasings part scores only the answers with
    /// phrasings, and an answer without is outranked by any neighbour whose phrasings share the
    /// query's words (see search-index/README.md, cold start).
    pub stand_in: bool,
}

/// Everything that decides ranking. The client index's manifest carries the query weights, so
/// the browser and the Rust side weigh query terms alike.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub fields: Vec<FieldSpec>,
    /// BM25 of the answer fields (every field but the phrasings).
    pub bm25: Bm25,
    pub phrasings: Phrasings,
    pub weights: QueryWeights,
    /// Body terms kept per article in the client index, the ones with the highest scores (the
    /// body is long and weighs least; the title and phrasings carry most queries); 0 keeps all.
    pub body_terms: usize,
    /// A document's score is multiplied by its coverage of the query (see [`Outcome`]) to this
    /// power: answers with more of the query come first.
    pub coverage_weight: f64,
    pub outcome: Outcome,
    /// Synonyms learned from the site's phrasings (see [`learned`]).
    pub learned: learned::Learned,
}

/// When a search answers (DESIGN §5), from its first result's coverage of the query (the share
/// of the query's terms it has, each weighed by its boost and idf; a term no answer has weighs
/// most; a bigram with a stop character in it, glue between words, a quarter) and the number of
/// the query's words it has (bigrams, Latin words, pinyin: anything but single characters and
/// glue). "answers": coverage `coverage` with one of its words (or a query of single
/// characters), or `coverage_with_words` with `words` of them. A result with none of the
/// query's words is not shown (unless the query has none), and a search left without results
/// has the outcome "none"; otherwise "weak".
///
/// Calibrated on the bench's corpora (bench/relevance, `--setting outcomes`, 1,000 dev queries
/// of each): with 0.3, 0.2 and 2, 91 % of the tonghuashun queries whose gold answer comes first
/// answer (99-100 % on the other corpora), and 10-19 % of the open-domain lcqmc queries against
/// the three domain sites. Requiring the first result's title to match the query both ways (a
/// harmonic mean of both coverages) separated the corpora alike, but failed on real answers
/// with long titles and on answers found by their phrasings or body (`12386`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    pub coverage: f64,
    pub coverage_with_words: f64,
    pub words: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fields: vec![
                FieldSpec {
                    name: "title",
                    key: "t",
                    boost: 10.0,
                    options: Options::PINYIN,
                },
                FieldSpec {
                    name: "questions",
                    key: "q",
                    boost: 6.0,
                    options: Options::PINYIN,
                },
                FieldSpec {
                    name: "tags",
                    key: "k",
                    boost: 4.0,
                    options: Options::PINYIN,
                },
                FieldSpec {
                    name: "headings",
                    key: "h",
                    boost: 2.0,
                    options: Options::PLAIN,
                },
                FieldSpec {
                    name: "body",
                    key: "b",
                    boost: 1.0,
                    options: Options::BODY,
                },
            ],
            bm25: Bm25 { k1: 1.2, b: 0.75 },
            phrasings: Phrasings {
                field: "questions",
                boost: 30.0,
                bm25: Bm25 { k1: 3.0, b: 1.0 },
                stand_in: true,
            },
            weights: QueryWeights::default(),
            body_terms: 48,
            coverage_weight: 0.25,
            outcome: Outcome {
                coverage: 0.3,
                coverage_with_words: 0.2,
                words: 2,
            },
            learned: learned::Learned::default(),
        }
    }
}

/// The texts of `doc` for the field named `name` (title, questions, tags, headings, body).
pub fn field_texts<'a>(doc: &'a SearchDocument, name: &str) -> Vec<&'a str> {
    match name {
        "title" => vec![doc.title.as_str()],
        "questions" => doc.questions.iter().map(String::as_str).collect(),
        "tags" => doc.tags.iter().map(String::as_str).collect(),
        "headings" => doc.headings.iter().map(String::as_str).collect(),
        "body" => vec![doc.body.as_str()],
        other => panic!("unknown search field `{other}`"),
    }
}

/// A field's text with its synonym expansions appended, one piece per line: tokenizing it gives
/// the field's tokens (line breaks separate tokens), for the client index and related answers
/// alike.
pub fn expanded_text(texts: &[&str], synonyms: &Synonyms) -> String {
    let mut out = String::new();
    for text in texts {
        let norm = normalize(text);
        out.push_str(&norm);
        out.push('\n');
        for member in synonyms.expand(&norm) {
            out.push_str(member);
            out.push('\n');
        }
    }
    out
}

/// The text of field `field` of `doc` as indexed by the client index: synonyms expanded,
/// except in the recorded phrasings. Those are already the users' own words for the question;
/// expanding them too spreads each query term over more articles' phrasings. Measured
/// (bench/relevance, "phrasings" setting, 5-fold cross-validation on the first 5,000
/// tonghuashun-faq queries, with bench/relevance/synonyms.txt): hit@1 0.767 with the phrasings
/// expanded, 0.780 without, as with no synonyms at all.
pub fn indexed_text(
    doc: &SearchDocument,
    field: &FieldSpec,
    synonyms: &Synonyms,
    config: &Config,
) -> String {
    let texts = field_texts(doc, field.name);
    if field.name == config.phrasings.field {
        expanded_text(&texts, &Synonyms::default())
    } else {
        expanded_text(&texts, synonyms)
    }
}

/// Tokens of each field of `config` for `doc`, as [`indexed_text`] gives them.
pub fn analyze(doc: &SearchDocument, synonyms: &Synonyms, config: &Config) -> Vec<Vec<String>> {
    config
        .fields
        .iter()
        .map(|f| tokenize(&indexed_text(doc, f, synonyms, config), f.options))
        .collect()
}
