//! The full-text index: every answer's whole text (title, phrasings, tags, headings, body) in a
//! tantivy index with positions, for an author's `qaportal search --text`: which answers say
//! this phrase, this hotline number, this error code, anywhere in their text.
//!
//! Why tantivy here and not the client index: the client index keeps each body's 48 most
//! distinctive terms and no positions (a phone is to download it), so it cannot tell whether
//! an answer's text holds a phrase at all. A positional inverted index with BM25 is what
//! tantivy is for; the site's search ranking (`engine.rs`) stays the one the pages use.
//!
//! It is not written by a build (issue 12: related answers no longer come from it, and writing it
//! was a large part of a build's index stage): the first `search --text` writes it in a folder
//! the generator chooses outside the published output (`.qaportal/text-index/`), and later ones
//! reopen it while the answers are unchanged.

use std::path::Path;

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, TantivyDocument, Term, doc};

use crate::tokenizer::{Options, tokenize};
use crate::{SearchDocument, field_texts};

/// The fields searched, as [`field_texts`] names them. Unweighted: an author looks for where a
/// text occurs, not for the best answer to a question.
const FIELDS: [&str; 5] = ["title", "questions", "tags", "headings", "body"];

/// The tokens of the full text: the contract's bigrams and words, without single characters
/// (so overlapping bigrams follow each other, one position apart, and a phrase of any length
/// is a run of consecutive positions) and without pinyin or synonyms (the text as written).
const TEXT: Options = Options::BODY;
const TOKENIZER: &str = "qaportal_text";

/// An answer whose text has every part of the query.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub url: String,
    pub system: String,
    pub score: f32,
}

/// An open full-text index.
pub struct TextIndex {
    reader: IndexReader,
    text: Vec<Field>,
    f: Stored,
}

struct Stored {
    id: Field,
    title: Field,
    url: Field,
    system: Field,
}

/// The contract's tokenizer as a tantivy tokenizer.
#[derive(Clone)]
struct ContractTokenizer;

struct VecStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for ContractTokenizer {
    type TokenStream<'a> = VecStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        let tokens = tokenize(text, TEXT)
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                position,
                text,
                ..Default::default()
            })
            .collect();
        VecStream { tokens, next: 0 }
    }
}

fn schema() -> (Schema, Vec<Field>, Stored) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = FIELDS
        .iter()
        .map(|name| {
            b.add_text_field(
                name,
                TextOptions::default().set_indexing_options(indexing.clone()),
            )
        })
        .collect();
    let f = Stored {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title_stored", STORED),
        url: b.add_text_field("url", STORED),
        system: b.add_text_field("system", STRING | STORED),
    };
    (b.build(), text, f)
}

fn register(index: &Index) {
    index.tokenizers().register(TOKENIZER, ContractTokenizer);
}

/// Writes the index of `docs` into `dir` (created, or emptied if it holds an older index).
pub fn write_index(dir: &Path, docs: &[SearchDocument]) -> tantivy::Result<TextIndex> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let (schema, text, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    register(&index);
    // One indexing thread and no merges: documents keep the order they were added in, so equal
    // scores come out in the same order on every run. 64 MB before a new segment is started.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64_000_000)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // Prepared in parallel a chunk at a time, not all at once: the texts of every answer need
    // not be in memory twice.
    for chunk in docs.chunks(256) {
        let prepared: Vec<TantivyDocument> = chunk
            .par_iter()
            .map(|d| {
                let mut td = doc!(
                    f.id => d.id.as_str(), f.title => d.title.as_str(), f.url => d.url.as_str(),
                    f.system => d.system.as_str(),
                );
                for (name, &field) in FIELDS.iter().zip(&text) {
                    // One value per text: a phrase never runs from one phrasing into the next.
                    for piece in field_texts(d, name) {
                        td.add_text(field, piece);
                    }
                }
                td
            })
            .collect();
        for td in prepared {
            writer.add_document(td)?;
        }
    }
    writer.commit()?;
    TextIndex::new(&index, text, f)
}

/// The parts of a query: each `"quoted phrase"` and each other word (between spaces) is a part
/// an answer's text must have.
pub fn query_parts(query: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for (k, piece) in query.split('"').enumerate() {
        if k % 2 == 1 {
            parts.push(piece.trim().to_string());
        } else {
            parts.extend(piece.split_whitespace().map(str::to_string));
        }
    }
    parts.retain(|p| !tokenize(p, TEXT).is_empty());
    parts
}

/// The Han character a part is, when it is a single one: Han text is indexed as bigrams (a
/// lone character as itself only where it stands alone), so `码` must also be looked for as the
/// first or second character of a bigram (`码是`, `证码`) to be found anywhere it is written.
fn lone_han(tokens: &[String]) -> Option<char> {
    let [token] = tokens else { return None };
    let mut chars = token.chars();
    let c = chars.next()?;
    (chars.next().is_none() && crate::tokenizer::is_han(c)).then_some(c)
}

fn lone_han_query(field: Field, han: char) -> Box<dyn Query> {
    let alone = TermQuery::new(
        Term::from_field_text(field, &han.to_string()),
        IndexRecordOption::WithFreqs,
    );
    let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(alone))];
    // A Han character is never a regular-expression operator.
    for pattern in [format!("{han}."), format!(".{han}")] {
        if let Ok(query) = RegexQuery::from_pattern(&pattern, field) {
            any.push((Occur::Should, Box::new(query)));
        }
    }
    Box::new(BooleanQuery::new(any))
}

impl TextIndex {
    fn new(index: &Index, text: Vec<Field>, f: Stored) -> tantivy::Result<TextIndex> {
        Ok(TextIndex {
            reader: index.reader()?,
            text,
            f,
        })
    }

    /// Opens an index written by [`write_index`].
    pub fn open(dir: &Path) -> tantivy::Result<TextIndex> {
        let index = Index::open_in_dir(dir)?;
        register(&index);
        let (_, text, f) = schema();
        TextIndex::new(&index, text, f)
    }

    /// The answers whose text has every part of `query` ([`query_parts`]) in one of its fields,
    /// best first (BM25), optionally only of one system.
    pub fn search(
        &self,
        query: &str,
        system: Option<&str>,
        limit: usize,
    ) -> tantivy::Result<Vec<Hit>> {
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for part in query_parts(query) {
            let tokens = tokenize(&part, TEXT);
            let anywhere: Vec<(Occur, Box<dyn Query>)> = self
                .text
                .iter()
                .map(|&field| {
                    let terms: Vec<Term> = tokens
                        .iter()
                        .map(|t| Term::from_field_text(field, t))
                        .collect();
                    let query: Box<dyn Query> = if let Some(han) = lone_han(&tokens) {
                        lone_han_query(field, han)
                    } else if terms.len() == 1 {
                        Box::new(TermQuery::new(
                            terms.into_iter().next().expect("one term"),
                            IndexRecordOption::WithFreqs,
                        ))
                    } else {
                        Box::new(PhraseQuery::new(terms))
                    };
                    (Occur::Should, query)
                })
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(anywhere))));
        }
        if must.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(s) = system {
            let t = Term::from_field_text(self.f.system, s);
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            ));
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(&BooleanQuery::new(must), &TopDocs::with_limit(limit.max(1)))?;
        let text = |d: &TantivyDocument, f: Field| {
            d.get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        top.into_iter()
            .take(limit)
            .map(|(score, addr)| {
                let d: TantivyDocument = searcher.doc(addr)?;
                Ok(Hit {
                    id: text(&d, self.f.id),
                    title: text(&d, self.f.title),
                    url: text(&d, self.f.url),
                    system: text(&d, self.f.system),
                    score,
                })
            })
            .collect()
    }
}
