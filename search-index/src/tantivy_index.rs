//! The tantivy index: same tokenizer, same synonyms, same field boosts and query weights as the
//! client index. It serves `qaportal search` in a terminal and computes "related answers" at build
//! time. It lives in a folder the generator chooses outside the published output (e.g.
//! `.qaportal/search/`): it is never sent to phones.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, TantivyDocument, Term, doc};

use crate::tokenizer::{
    Options, TermClass, is_han, normalize, query_terms, runs, term_class, tokenize,
};
use crate::{Config, SearchDocument, Synonyms, indexed_text};

/// A search result.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub url: String,
    pub system: String,
    pub category: String,
    pub summary: String,
    pub score: f32,
}

/// An open tantivy index with the fields of [`Config`].
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    config: Config,
    text_fields: Vec<Field>,
    f: Stored,
}

struct Stored {
    id: Field,
    title: Field,
    url: Field,
    system: Field,
    category: Field,
    summary: Field,
    related_query: Field,
}

/// The contract's tokenizer as a tantivy tokenizer.
#[derive(Clone)]
struct ContractTokenizer(Options);

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
        let tokens = tokenize(text, self.0)
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

fn tokenizer_name(o: Options) -> String {
    format!("qaportal_{:?}_{}_{}", o.kind, o.unigrams, o.initials).to_lowercase()
}

fn schema(config: &Config) -> (Schema, Vec<Field>, Stored) {
    let mut b = Schema::builder();
    let text_fields = config
        .fields
        .iter()
        .map(|f| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(&tokenizer_name(f.options))
                .set_index_option(IndexRecordOption::WithFreqs);
            b.add_text_field(
                f.name,
                TextOptions::default().set_indexing_options(indexing),
            )
        })
        .collect();
    let f = Stored {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title_stored", STORED),
        url: b.add_text_field("url", STORED),
        system: b.add_text_field("system", STRING | STORED),
        category: b.add_text_field("category", STORED),
        summary: b.add_text_field("summary", STORED),
        related_query: b.add_text_field("related_query", STORED),
    };
    (b.build(), text_fields, f)
}

fn register(index: &Index, config: &Config) {
    for f in &config.fields {
        index
            .tokenizers()
            .register(&tokenizer_name(f.options), ContractTokenizer(f.options));
    }
}

/// Writes the index of `docs` into `dir` (created, or emptied if it holds an older index).
pub fn write_index(
    dir: &Path,
    docs: &[SearchDocument],
    synonyms: &Synonyms,
    config: &Config,
) -> tantivy::Result<SearchIndex> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let (schema, text_fields, f) = schema(config);
    let index = Index::create_in_dir(dir, schema)?;
    register(&index, config);
    // One indexing thread and no merges: the segments, and so the order in which equal scores
    // come out (by document address), are then the same on every build. With several threads
    // the related answers of a cold build differed from the next one's where scores tie.
    //
    // A memory budget of 64 MB: past it the writer starts a new segment, in the same order, so
    // equal scores still come out in the order the documents were added. 200 MB held most of a
    // 10,000-answer build's peak memory for no gain in speed.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64_000_000)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // Prepared in parallel a chunk at a time, not all at once: the texts of every answer with
    // their synonyms are tens of megabytes that need not be in memory together.
    for chunk in docs.chunks(256) {
        let prepared: Vec<TantivyDocument> = chunk
            .par_iter()
            .map(|d| {
                let mut td = doc!(
                    f.id => d.id.as_str(), f.title => d.title.as_str(), f.url => d.url.as_str(),
                    f.system => d.system.as_str(), f.category => d.category.as_str(),
                    f.summary => d.summary.as_str(),
                    f.related_query => related_query_text(d),
                );
                for (spec, &field) in config.fields.iter().zip(&text_fields) {
                    td.add_text(field, indexed_text(d, spec, synonyms, config));
                }
                td
            })
            .collect();
        for td in prepared {
            writer.add_document(td)?;
        }
    }
    writer.commit()?;
    let reader = index.reader()?;
    Ok(SearchIndex {
        index,
        reader,
        config: config.clone(),
        text_fields,
        f,
    })
}

/// Phrasings that go into the "related answers" query: the first ones (the front matter's,
/// then the most frequent clients' words); hundreds of ticket phrasings would only add noise and
/// time.
const RELATED_PHRASINGS: usize = 3;

/// Terms of a "related answers" query: the article's rarest bigrams and words.
const RELATED_TERMS: usize = 12;

/// What "related answers" search for: the article's title, first phrasings and tags.
fn related_query_text(d: &SearchDocument) -> String {
    let mut parts = vec![d.title.as_str()];
    parts.extend(
        d.questions
            .iter()
            .take(RELATED_PHRASINGS)
            .map(String::as_str),
    );
    parts.extend(d.tags.iter().map(String::as_str));
    parts.join("\n")
}

impl SearchIndex {
    /// Opens an index written by [`write_index`] with the same `config`.
    pub fn open(dir: &Path, config: &Config) -> tantivy::Result<SearchIndex> {
        let index = Index::open_in_dir(dir)?;
        register(&index, config);
        let (_, text_fields, f) = schema(config);
        let reader = index.reader()?;
        Ok(SearchIndex {
            index,
            reader,
            config: config.clone(),
            text_fields,
            f,
        })
    }

    /// Ranked hits for `query`, optionally only from one system.
    pub fn search(
        &self,
        query: &str,
        system: Option<&str>,
        limit: usize,
    ) -> tantivy::Result<Vec<Hit>> {
        self.search_excluding(query, system, limit, None)
    }

    /// The `limit` articles most related to article `id` (never itself).
    pub fn related(&self, id: &str, limit: usize) -> tantivy::Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let found = searcher.search(
            &TermQuery::new(
                Term::from_field_text(self.f.id, id),
                IndexRecordOption::Basic,
            ),
            &TopDocs::with_limit(1),
        )?;
        let Some(&(_, addr)) = found.first() else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = doc
            .get_first(self.f.related_query)
            .and_then(|v| v.as_str())
            .unwrap_or("");
        // Bigrams and words only, in the fields that say what an answer is about: single
        // characters and pinyin would make every answer "related", and the body adds little
        // but time (this runs for every article of every build).
        let mut terms = tokenize(text, Options::BODY);
        terms.sort();
        terms.dedup();
        let about: Vec<(Field, f32)> = self
            .config
            .fields
            .iter()
            .zip(&self.text_fields)
            .filter(|(spec, _)| ["title", "questions", "tags"].contains(&spec.name))
            .map(|(spec, &field)| (field, spec.boost as f32))
            .collect();
        // Only the most distinctive shared terms (fewest articles): they say what this answer is about,
        // and their short posting lists keep a build's thousands of these queries fast.
        let mut rarity = Vec::with_capacity(terms.len());
        for term in terms {
            let mut df = 0;
            for &(field, _) in &about {
                df += searcher.doc_freq(&Term::from_field_text(field, &term))?;
            }
            rarity.push((df, term));
        }
        // A term only this article has relates it to nothing.
        rarity.retain(|(df, _)| *df >= 2);
        rarity.sort();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (_, term) in rarity.into_iter().take(RELATED_TERMS) {
            for &(field, boost) in &about {
                let q = TermQuery::new(
                    Term::from_field_text(field, &term),
                    IndexRecordOption::WithFreqs,
                );
                should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
        }
        self.top_hits(should, None, limit, Some(id))
    }

    /// Related answers of every article, computed in parallel: id → hits.
    pub fn related_all(&self, limit: usize) -> tantivy::Result<HashMap<String, Vec<Hit>>> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::new();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(64)?;
            for d in 0..segment.max_doc() {
                let doc: TantivyDocument = store.get(d)?;
                if let Some(id) = doc.get_first(self.f.id).and_then(|v| v.as_str()) {
                    ids.push(id.to_string());
                }
            }
        }
        ids.into_par_iter()
            .map(|id| Ok((id.clone(), self.related(&id, limit)?)))
            .collect()
    }

    fn search_excluding(
        &self,
        query: &str,
        system: Option<&str>,
        limit: usize,
        exclude: Option<&str>,
    ) -> tantivy::Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let w = &self.config.weights;
        let alt = pinyin_sources(query);
        // Term → summed weight (a repeated query term counts again, as in the client engine).
        let mut weights: Vec<(String, f32)> = Vec::new();
        for term in query_terms(query) {
            let weight = match term_class(&term) {
                TermClass::Char => w.char,
                TermClass::Bigram => w.bigram,
                TermClass::Word => w.word,
                TermClass::Pinyin => w.pinyin,
            } as f32;
            if w.pinyin_fallback
                && let Some(bigram) = alt.get(&term)
                && self.known(&searcher, bigram)?
            {
                continue;
            }
            match weights.iter_mut().find(|(t, _)| *t == term) {
                Some(e) => e.1 += weight,
                None => weights.push((term, weight)),
            }
        }
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, weight) in &weights {
            for (spec, &field) in self.config.fields.iter().zip(&self.text_fields) {
                let q = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), weight * spec.boost as f32)),
                ));
            }
        }
        self.top_hits(should, system, limit, exclude)
    }

    /// The best `limit` documents matching any of `should`, optionally of one system, never
    /// `exclude`.
    fn top_hits(
        &self,
        should: Vec<(Occur, Box<dyn Query>)>,
        system: Option<&str>,
        limit: usize,
        exclude: Option<&str>,
    ) -> tantivy::Result<Vec<Hit>> {
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        if let Some(s) = system {
            let t = Term::from_field_text(self.f.system, s);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            ));
        }
        if let Some(id) = exclude {
            let t = Term::from_field_text(self.f.id, id);
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            ));
        }
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit.max(1)),
        )?;
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
                    category: text(&d, self.f.category),
                    summary: text(&d, self.f.summary),
                    score,
                })
            })
            .collect()
    }

    fn known(&self, searcher: &tantivy::Searcher, term: &str) -> tantivy::Result<bool> {
        for &field in &self.text_fields {
            if searcher.doc_freq(&Term::from_field_text(field, term))? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// Pinyin pair → the Han bigram of the query that spells it (for the pinyin fallback).
fn pinyin_sources(query: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let text = normalize(query);
    for (han, run) in runs(&text) {
        if !han {
            continue;
        }
        let chars: Vec<char> = run.chars().filter(|&c| is_han(c)).collect();
        for pair in chars.windows(2) {
            if let (Some(a), Some(b)) = (
                crate::pinyin::syllable_of(pair[0]),
                crate::pinyin::syllable_of(pair[1]),
            ) {
                out.insert(format!("{a}'{b}"), pair.iter().collect());
            }
        }
    }
    out
}
