//! The client index: two lunr.js 2.3.9 indexes over the same documents ("parts", see
//! [`parts`]: the answers, and the phrasings with their own BM25), split by term into shards
//! that each hold both parts; metadata chunks, the pinyin table and a manifest, each
//! precompressed when at least [`GZIP_MIN_BYTES`]. Layout under `ClientOptions::dir` (default `search/`):
//!
//! ```text
//! manifest.json            shard counts, parts (fields, boosts, BM25), query weights, systems
//! <hash>/t/<n>.json        shard n: {"a": <lunr index>, "p": <lunr index>, "r": {…}, "tail": {…}},
//!                          each part a complete lunr index of the first tiers of that part's
//!                          terms hashing to n; `r` the pinyin readings of the characters
//!                          hashing to n; `tail` the other documents of those terms
//! <hash>/m/<n>.json        metadata of documents n*chunk .. (n+1)*chunk
//! pinyin.txt               the tokenizer's char → pinyin table, for words typed in pinyin
//! ```
//!
//! `<hash>` is a digest of the content, so everything but the manifest can be cached forever.
//! A query fetches the manifest, the shards of its terms and the metadata of its top results:
//! never the whole index.

mod analysis;
mod parts;

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;

use rayon::prelude::*;

use std::fmt::Write as _;

use crate::lunr::{LunrIndex, Tail, push_json_str};
use crate::tokenizer::STOP_CHARS;
use crate::{Config, SearchDocument, Synonyms};

pub use analysis::{Analyses, Analysis, Counts};
pub use parts::{Part, builder_input, lunr_documents, part_documents, parts};

/// A file of the client index: path relative to the site's output folder, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The smallest file of the index written with a `.gz` (and `.br`) beside it: a response under a
/// kilobyte fits one TCP packet compressed or not, and most term shards of a small site are
/// a few hundred bytes (gzip saved them 80 to 350 bytes each), so their siblings doubled the
/// files written for nothing a reader notices. Servers send the file itself when there is no
/// sibling (nginx `gzip_static` falls back to it).
pub const GZIP_MIN_BYTES: usize = 1024;

/// Knobs of the client index; [`ClientOptions::default`] is what sites get.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Folder under the output, without slashes at the ends.
    pub dir: String,
    /// Aimed-for number of postings per first-tier shard; the shard count is the next power of
    /// two. A query reads one shard per term, and most of a shard is other terms' postings, so
    /// smaller shards mean fewer bytes per query, for more files. On the bandwidth bench's 1,000
    /// articles, 32 instead of 64 (8,192 shards instead of 4,096) cut a first query's median
    /// from 38 to 33 kB and its maximum from 83 to 64 kB (the longest queries read 60-70
    /// shards), for a third more cold-build time there (0.7 to 1.05 s on tmpfs). Back to 64 since
    /// shards under [`GZIP_MIN_BYTES`] have no `.gz`: on the same bench (`--runs 1`, 30 first
    /// queries) 4,096 shards instead of 8,192 at 1,000 articles give median 44.2 kB (38.5 with
    /// 32 and every `.gz`), p95 84.6 (67.4), max 90.8 (69.3), inside the 100 kB budget (128:
    /// max 120.5 kB, over it); 10,000 articles stay at `max_shards` either way.
    pub postings_per_shard: usize,
    /// At most this many first-tier shards (a power of two): on big sites, shards then grow
    /// instead of the number of files. On the bench's 10,000 articles, 32,768 shards instead of
    /// 16,384 cut the median from 47 to 41 kB and the maximum from 122 to 97 kB, for 16,384
    /// more small files (and their `.gz`); the cold build's change was within its noise.
    pub max_shards: usize,
    /// Fixed first-tier shard count instead (tests use 1 to compare the whole index with
    /// lunr.Builder).
    pub shards: Option<usize>,
    /// Postings of a term (per part) kept as exact lunr postings, its highest-scoring ones; the
    /// other documents of the term are its tail (see [`LunrIndex::split_tail`]). A term in
    /// thousands of articles would otherwise cost a phone tens of kilobytes.
    pub first_tier: usize,
    /// A tail's band of scores (see [`crate::lunr::TAIL_BAND`]); 1 or less: one band per field.
    pub tail_band: f64,
    /// Documents per metadata file. A query's ten results mostly lie in ten different files:
    /// 4 documents per file instead of 8 save about 5 kB per first query, for twice the files.
    pub meta_chunk: usize,
    /// Also write `.br` files (brotli quality below) besides `.gz`. Off by default: on these
    /// small JSON files brotli saves a few per cent over gzip at many times the build time.
    pub brotli: Option<u32>,
    /// Files smaller than this get no `.gz` (nor `.br`): [`GZIP_MIN_BYTES`].
    pub gzip_min: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            dir: "search".into(),
            postings_per_shard: 64,
            max_shards: 32768,
            shards: None,
            first_tier: 64,
            tail_band: crate::lunr::TAIL_BAND,
            meta_chunk: 4,
            brotli: None,
            gzip_min: GZIP_MIN_BYTES,
        }
    }
}

/// Documents in index order: by system, then id. Contiguous systems make the system filter a
/// range of document numbers and keep one system's results in few metadata files.
pub fn index_order(docs: &[SearchDocument]) -> Vec<&SearchDocument> {
    let docs: Vec<&SearchDocument> = docs.iter().collect();
    index_positions(&docs)
        .into_iter()
        .map(|i| docs[i])
        .collect()
}

/// The positions in `docs` in [index order](index_order).
fn index_positions(docs: &[&SearchDocument]) -> Vec<usize> {
    let mut sorted: Vec<usize> = (0..docs.len()).collect();
    sorted.sort_by(|&a, &b| (&docs[a].system, &docs[a].id).cmp(&(&docs[b].system, &docs[b].id)));
    sorted
}

/// Shard of a term: FNV-1a over its UTF-16 code units (what JavaScript strings index), modulo
/// the shard count.
pub fn shard_of(term: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for unit in term.encode_utf16() {
        h ^= unit as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % shards as u32) as usize
}

/// Builds every file of the client index. Same input, same bytes.
pub fn build_client_index(
    docs: &[SearchDocument],
    synonyms: &Synonyms,
    config: &Config,
    opts: &ClientOptions,
) -> Vec<OutputFile> {
    let docs: Vec<&SearchDocument> = docs.iter().collect();
    // Every document under a key of its own: each is analysed, once.
    let keys: Vec<u128> = (0..docs.len() as u128).collect();
    let mut analyses = Analyses::default();
    build_client_index_with(&docs, &keys, &mut analyses, synonyms, config, opts)
}

/// [`build_client_index`] with the documents' analyses kept in `analyses` (`keys[i]` the key
/// of `docs[i]`, a hash of what [`Analyses`] analyses of it): only the documents whose key it
/// does not hold are analysed, and it is left holding the analyses of `docs` alone. Its
/// analyses must have been made with these `synonyms` and `config`. The same bytes as
/// [`build_client_index`].
pub fn build_client_index_with(
    docs: &[&SearchDocument],
    keys: &[u128],
    analyses: &mut Analyses,
    synonyms: &Synonyms,
    config: &Config,
    opts: &ClientOptions,
) -> Vec<OutputFile> {
    analyses.update(docs, keys, synonyms, config);
    let positions = index_positions(docs);
    let ordered: Vec<&SearchDocument> = positions.iter().map(|&i| docs[i]).collect();
    let learned = parts::learned_words(&ordered, &mut analyses.vocabulary, config);
    let analysed: Vec<&Analysis> = positions
        .iter()
        .map(|&i| analyses.get(keys[i]).expect("analysed above"))
        .collect();
    let refs: Vec<String> = (0..ordered.len()).map(|n| n.to_string()).collect();
    let first_tier = opts.first_tier.max(1);
    // Per part: its key, its first tier (first_tier postings per term) and the tails of the
    // terms with more.
    let vocabulary = &analyses.vocabulary;
    let parts: Vec<BuiltPart<'_>> =
        parts::counted_part_documents(&ordered, &analysed, vocabulary, &learned, config)
            .into_par_iter()
            .map(|(part, docs)| {
                let (first, tails) = LunrIndex::build_counted(
                    &part.boosts,
                    part.bm25,
                    &docs,
                    refs.clone(),
                    vocabulary,
                )
                .split_tail(first_tier, opts.tail_band);
                (part.key, first, tails)
            })
            .collect();
    let shards = opts.shards.unwrap_or_else(|| {
        shard_count(&parts, opts.postings_per_shard).min(opts.max_shards.next_power_of_two())
    });
    let shard_json = shard_files(&parts, shards, &readings_by_shard(shards));
    let meta_json = meta_chunks(&ordered, opts.meta_chunk.max(1));
    let pinyin = crate::pinyin::table_body(&char_use(&ordered));

    let hash = {
        let mut h = Fnv64::default();
        shard_json
            .iter()
            .chain(&meta_json)
            .for_each(|s| h.write(s.as_bytes()));
        h.write(pinyin.as_bytes());
        format!("{:012x}", h.0 & 0xffff_ffff_ffff)
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, json) in shard_json.into_iter().enumerate() {
        files.push((format!("{hash}/t/{n}.json"), json.into_bytes()));
    }
    for (n, json) in meta_json.into_iter().enumerate() {
        files.push((format!("{hash}/m/{n}.json"), json.into_bytes()));
    }
    // Fixed path: the browser fetches it together with the manifest, before knowing the hash.
    files.push(("pinyin.txt".into(), pinyin.into_bytes()));
    files.push((
        "manifest.json".into(),
        manifest(&ordered, config, opts, shards, &hash).into_bytes(),
    ));

    let dir = opts.dir.trim_matches('/');
    files
        .into_par_iter()
        .flat_map_iter(|(path, bytes)| {
            let path = if dir.is_empty() {
                path
            } else {
                format!("{dir}/{path}")
            };
            let mut out = Vec::new();
            if bytes.len() < opts.gzip_min {
                return vec![OutputFile { path, bytes }];
            }
            out.push(OutputFile {
                path: format!("{path}.gz"),
                bytes: gzip(&bytes),
            });
            if let Some(q) = opts.brotli {
                out.push(OutputFile {
                    path: format!("{path}.br"),
                    bytes: brotli(&bytes, q),
                });
            }
            out.insert(0, OutputFile { path, bytes });
            out
        })
        .collect()
}

/// A part of the index: its key, its first tier and the tails of the terms with more postings.
type BuiltPart<'a> = (&'a str, LunrIndex, Vec<(String, Vec<Tail>)>);

/// In how many documents each Han character (other than the stop characters) occurs in a field
/// with pinyin (title, phrasings, tags): a syllable typed alone stands for the site's most used
/// characters of that reading.
fn char_use(docs: &[&SearchDocument]) -> HashMap<char, u32> {
    let mut used: HashMap<char, u32> = HashMap::new();
    for doc in docs {
        let mut seen: Vec<char> = std::iter::once(&doc.title)
            .chain(&doc.questions)
            .chain(&doc.tags)
            .flat_map(|t| t.chars())
            .filter(|&c| crate::tokenizer::is_han(c) && !STOP_CHARS.contains(c))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for c in seen {
            *used.entry(c).or_default() += 1;
        }
    }
    used
}

/// The power of two at or above `postings / per_shard` (at least 1), counting the first-tier
/// postings of every part (a shard holds all parts) and a tail's documents at an eighth of a
/// posting each (a few bytes, against a posting's tens).
fn shard_count(parts: &[BuiltPart<'_>], per_shard: usize) -> usize {
    let postings: usize = parts
        .iter()
        .flat_map(|(_, index, _)| &index.terms)
        .map(|t| t.1.len())
        .sum();
    let tail_docs: usize = parts
        .iter()
        .flat_map(|(_, _, tails)| tails)
        .flat_map(|(_, t)| t)
        .map(|t| t.docs.len())
        .sum();
    (postings + tail_docs / 8)
        .div_ceil(per_shard.max(1))
        .max(1)
        .next_power_of_two()
}

/// Readings of the pinyin table's characters, by the shard of each character as a one-character
/// term; the stop characters, never query terms, are in the manifest instead. A query fetches
/// the shard of each of its other characters anyway, so the readings it needs to spell a
/// mistyped bigram in pinyin come with them: most queries never fetch the whole table (about
/// 9.5 kB gzipped, needed then only for words typed in pinyin).
fn readings_by_shard(shards: usize) -> Vec<Vec<(char, &'static str)>> {
    let mut by_shard = vec![Vec::new(); shards];
    let mut buf = [0u8; 4];
    for (c, syllable) in crate::pinyin::readings() {
        if !STOP_CHARS.contains(c) {
            by_shard[shard_of(c.encode_utf8(&mut buf), shards)].push((c, syllable));
        }
    }
    by_shard
}

/// `{"c":"syllable",…}` (characters in order).
fn push_readings(out: &mut String, readings: &[(char, &str)]) {
    out.push('{');
    let mut buf = [0u8; 4];
    for (i, (c, syllable)) in readings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(out, c.encode_utf8(&mut buf));
        out.push(':');
        push_json_str(out, syllable);
    }
    out.push('}');
}

/// The JSON of each shard: `{"<part key>": <lunr index>, …, "r": {<char>: <syllable>, …},
/// "tail": {"<part key>": {<term>: [[<field>, <weight>, "<docs>"], …], …}}`: each part a
/// complete lunr index of its first-tier terms that hash to the shard (one fetch gives a term in
/// every part), `r` the readings that hash there and `tail` the tails of its terms (see
/// [`encode_docs`]); both omitted when empty.
fn shard_files(
    parts: &[BuiltPart<'_>],
    shards: usize,
    readings: &[Vec<(char, &'static str)>],
) -> Vec<String> {
    // Per part, per shard: the indices of its terms there (in UTF-16 order, as lunr needs), and
    // of its tails.
    let by_shard = |terms: &mut dyn Iterator<Item = &String>| {
        let mut by_shard: Vec<Vec<usize>> = vec![Vec::new(); shards];
        for (i, term) in terms.enumerate() {
            by_shard[shard_of(term, shards)].push(i);
        }
        by_shard
    };
    let selected: Vec<Vec<Vec<usize>>> = parts
        .iter()
        .map(|(_, index, _)| by_shard(&mut index.terms.iter().map(|t| &t.0)))
        .collect();
    let tails: Vec<Vec<Vec<usize>>> = parts
        .iter()
        .map(|(_, _, tails)| by_shard(&mut tails.iter().map(|t| &t.0)))
        .collect();
    (0..shards)
        .into_par_iter()
        .map(|n| {
            let mut out = String::from("{");
            for (p, (key, index, _)) in parts.iter().enumerate() {
                if p > 0 {
                    out.push(',');
                }
                push_json_str(&mut out, key);
                out.push(':');
                out.push_str(&index.to_json(&selected[p][n]));
            }
            if !readings[n].is_empty() {
                out.push_str(",\"r\":");
                push_readings(&mut out, &readings[n]);
            }
            if tails.iter().any(|t| !t[n].is_empty()) {
                out.push_str(",\"tail\":{");
                let mut first_part = true;
                for (p, (key, _, part_tails)) in parts.iter().enumerate() {
                    if tails[p][n].is_empty() {
                        continue;
                    }
                    if !std::mem::take(&mut first_part) {
                        out.push(',');
                    }
                    push_json_str(&mut out, key);
                    out.push_str(":{");
                    for (i, &t) in tails[p][n].iter().enumerate() {
                        let (term, lists) = &part_tails[t];
                        if i > 0 {
                            out.push(',');
                        }
                        push_json_str(&mut out, term);
                        out.push_str(":[");
                        for (j, tail) in lists.iter().enumerate() {
                            if j > 0 {
                                out.push(',');
                            }
                            let _ = write!(out, "[{},{},\"", tail.field, tail.weight);
                            encode_docs(&tail.docs, &mut out);
                            out.push_str("\"]");
                        }
                        out.push(']');
                    }
                    out.push('}');
                }
                out.push('}');
            }
            out.push('}');
            out
        })
        .collect()
}

/// Base-64 digits of the variable-length quantities below (JSON-safe, as in source maps).
const VLQ_DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Ascending document numbers as the gaps between them (the first from -1), each a
/// variable-length quantity of base-64 digits: 5 bits a digit, low bits first, 32 added to every
/// digit but a number's last. A gap under 32 is one character: a common term's documents cost
/// about a byte each (gzip then shrinks the dense ones further).
pub fn encode_docs(docs: &[u32], out: &mut String) {
    let mut prev: i64 = -1;
    for &d in docs {
        let mut gap = (d as i64 - prev) as u64;
        prev = d as i64;
        loop {
            let digit = (gap & 31) as usize;
            gap >>= 5;
            if gap == 0 {
                out.push(VLQ_DIGITS[digit] as char);
                break;
            }
            out.push(VLQ_DIGITS[digit | 32] as char);
        }
    }
}

/// The document numbers of [`encode_docs`]' text (`None` when it is not such a text).
pub fn decode_docs(text: &str) -> Option<Vec<u32>> {
    let mut docs = Vec::new();
    let (mut prev, mut gap, mut shift) = (-1i64, 0u64, 0u32);
    for b in text.bytes() {
        let digit = VLQ_DIGITS.iter().position(|&c| c == b)? as u64;
        gap |= (digit & 31) << shift;
        shift += 5;
        if digit < 32 {
            prev += gap as i64;
            docs.push(u32::try_from(prev).ok()?);
            (gap, shift) = (0, 0);
        } else if shift > 35 {
            return None;
        }
    }
    (shift == 0).then_some(docs)
}

/// `[[id, title, url, category, summary], …]` per chunk of documents.
fn meta_chunks(docs: &[&SearchDocument], chunk: usize) -> Vec<String> {
    docs.chunks(chunk)
        .map(|c| {
            let mut out = String::from("[");
            for (i, d) in c.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                for (j, s) in [&d.id, &d.title, &d.url, &d.category, &d.summary]
                    .iter()
                    .enumerate()
                {
                    if j > 0 {
                        out.push(',');
                    }
                    push_json_str(&mut out, s);
                }
                out.push(']');
            }
            out.push(']');
            out
        })
        .collect()
}

fn manifest(
    docs: &[&SearchDocument],
    config: &Config,
    opts: &ClientOptions,
    shards: usize,
    hash: &str,
) -> String {
    // System key → (title, first doc, end doc); documents are grouped by system.
    let mut systems: BTreeMap<&str, (&str, usize, usize)> = BTreeMap::new();
    for (n, d) in docs.iter().enumerate() {
        systems
            .entry(&d.system)
            .or_insert((&d.system_title, n, n))
            .2 = n + 1;
    }
    let systems: Vec<serde_json::Value> = systems
        .into_iter()
        .map(|(key, (title, start, end))| serde_json::json!({"key": key, "title": title, "start": start, "end": end}))
        .collect();
    let parts: Vec<serde_json::Value> = parts(config)
        .iter()
        .map(|p| {
            serde_json::json!({
                "key": p.key,
                "fields": p.boosts.iter().map(|b| b.0).collect::<Vec<_>>(),
                "boosts": p.boosts.iter().map(|b| b.1).collect::<Vec<_>>(),
                "k1": p.bm25.k1,
                "b": p.bm25.b,
            })
        })
        .collect();
    let w = &config.weights;
    let stop_readings: serde_json::Map<String, serde_json::Value> = STOP_CHARS
        .chars()
        .filter_map(|c| crate::pinyin::syllable_of(c).map(|s| (c.to_string(), s.into())))
        .collect();
    // Format 3: the postings past the first tier are tails in the first-tier shards (format 2
    // had them in second-tier shards, format 1 was one lunr index).
    serde_json::json!({
        "format": 3,
        "lunr": "2.3.9",
        "base": format!("{hash}/"),
        "shards": shards,
        "firstTier": opts.first_tier,
        "docs": docs.len(),
        "metaChunk": opts.meta_chunk.max(1),
        "parts": parts,
        "weights": {"char": w.char, "bigram": w.bigram, "word": w.word, "pinyin": w.pinyin},
        "pinyinFallback": w.pinyin_fallback,
        "coverageWeight": config.coverage_weight,
        "outcome": {
            "coverage": config.outcome.coverage,
            "coverageWithWords": config.outcome.coverage_with_words,
            "words": config.outcome.words,
        },
        "readings": stop_readings,
        "systems": systems,
    })
    .to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    // flate2's header has mtime 0 and no file name: deterministic.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    let mut out = Vec::new();
    // A window just big enough for the file: most files are a few kB, and the encoder clears
    // tables sized by the window for every file.
    let lgwin = (usize::BITS - bytes.len().max(1).leading_zeros()).clamp(10, 22) as i32 + 1;
    let params = brotli::enc::BrotliEncoderParams {
        quality: quality as i32,
        lgwin: lgwin.min(22),
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

#[derive(Default)]
struct Fnv64(u64);

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = 0xcbf2_9ce4_8422_2325;
        }
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
