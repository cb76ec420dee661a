//! The client index: lunr.js 2.3.9 shards split by term, metadata chunks, the pinyin table and a
//! manifest, each precompressed. Layout under `ClientOptions::dir` (default `search/`):
//!
//! ```text
//! manifest.json            shard count, fields, query weights, systems, where the rest lives
//! <hash>/t/<n>.json        term shard n: a complete lunr index of the terms hashing to n
//! <hash>/m/<n>.json        metadata of documents n*chunk .. (n+1)*chunk
//! pinyin.txt               the tokenizer's char → pinyin table, for typo-tolerant queries
//! ```
//!
//! `<hash>` is a digest of the content, so everything but the manifest can be cached forever.
//! A query fetches the manifest, the shards of its terms and the metadata of its top results:
//! never the whole index.

use std::collections::BTreeMap;
use std::io::Write as _;

use rayon::prelude::*;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::lunr::{LunrDoc, LunrIndex, push_json_str};
use crate::{Config, SearchDocument, Synonyms, analyze};

/// A file of the client index: path relative to the site's output folder, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Knobs of the client index; [`ClientOptions::default`] is what sites get.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Folder under the output, without slashes at the ends.
    pub dir: String,
    /// Aimed-for number of postings per first-tier shard; the shard count is the power of two
    /// that gets closest. Smaller shards mean fewer bytes per query but more files.
    pub postings_per_shard: usize,
    /// At most this many first-tier shards (a power of two): on big sites, shards then grow
    /// instead of the number of files.
    pub max_shards: usize,
    /// Fixed first-tier shard count instead (tests use 1 to compare the whole index with
    /// lunr.Builder).
    pub shards: Option<usize>,
    /// Postings of a term in the first tier, its highest-scoring ones; the rest go to the second
    /// tier, read only by queries that need more than the best results. A term in thousands of
    /// articles has a tiny idf, and its full list would cost a phone tens of kilobytes.
    pub first_tier: usize,
    /// Aimed-for postings per second-tier shard.
    pub second_tier_postings_per_shard: usize,
    /// Documents per metadata file.
    pub meta_chunk: usize,
    /// Also write `.br` files (brotli quality below) besides `.gz`. Off by default: on these
    /// small JSON files brotli saves a few per cent over gzip at many times the build time.
    pub brotli: Option<u32>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            dir: "search".into(),
            postings_per_shard: 64,
            max_shards: 8192,
            shards: None,
            first_tier: 64,
            second_tier_postings_per_shard: 4096,
            meta_chunk: 8,
            brotli: None,
        }
    }
}

/// Documents in index order: by system, then id. Contiguous systems make the system filter a
/// range of document numbers and keep one system's results in few metadata files.
pub fn index_order(docs: &[SearchDocument]) -> Vec<&SearchDocument> {
    let mut sorted: Vec<&SearchDocument> = docs.iter().collect();
    sorted.sort_by(|a, b| (&a.system, &a.id).cmp(&(&b.system, &b.id)));
    sorted
}

/// The lunr documents (ref = position in [`index_order`], as a decimal string) with their
/// tokens per field of [`Config::fields`]. The body keeps only the occurrences of its
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

/// The lunr documents as `lunr.Builder` input (`{fields, k1, b, docs: [{ref, <field>: [tokens]}]}`):
/// lets tests rebuild the index with lunr itself and compare.
pub fn builder_input(docs: &[SearchDocument], synonyms: &Synonyms, config: &Config) -> String {
    let ordered = index_order(docs);
    let docs: Vec<serde_json::Value> = lunr_documents(&ordered, synonyms, config)
        .into_iter()
        .map(|d| {
            let mut o = serde_json::Map::new();
            o.insert("ref".into(), d.reference.into());
            for (f, tokens) in config.fields.iter().zip(d.fields) {
                o.insert(f.key.into(), tokens.into());
            }
            o.into()
        })
        .collect();
    let fields: Vec<serde_json::Value> = config
        .fields
        .iter()
        .map(|f| serde_json::json!({"name": f.key, "boost": f.boost}))
        .collect();
    serde_json::json!({"fields": fields, "k1": config.bm25.k1, "b": config.bm25.b, "docs": docs})
        .to_string()
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
    let ordered = index_order(docs);
    let lunr_docs = lunr_documents(&ordered, synonyms, config);
    let index = LunrIndex::build(&config.field_boosts(), config.bm25, &lunr_docs);
    let (first, second) = index.split_tiers(opts.first_tier.max(1));
    let shards = opts.shards.unwrap_or_else(|| {
        shard_count(&first, opts.postings_per_shard).min(opts.max_shards.next_power_of_two())
    });
    let overflow_shards = shard_count(&second, opts.second_tier_postings_per_shard);
    let shard_json = shard_files(&first, shards);
    let overflow_json = if second.terms.is_empty() {
        Vec::new()
    } else {
        shard_files(&second, overflow_shards)
    };
    let meta_json = meta_chunks(&ordered, opts.meta_chunk.max(1));
    let pinyin = crate::pinyin::table_body();

    let hash = {
        let mut h = Fnv64::default();
        shard_json
            .iter()
            .chain(&overflow_json)
            .chain(&meta_json)
            .for_each(|s| h.write(s.as_bytes()));
        h.write(pinyin.as_bytes());
        format!("{:012x}", h.0 & 0xffff_ffff_ffff)
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, json) in shard_json.into_iter().enumerate() {
        files.push((format!("{hash}/t/{n}.json"), json.into_bytes()));
    }
    for (n, json) in overflow_json.into_iter().enumerate() {
        files.push((format!("{hash}/x/{n}.json"), json.into_bytes()));
    }
    for (n, json) in meta_json.into_iter().enumerate() {
        files.push((format!("{hash}/m/{n}.json"), json.into_bytes()));
    }
    // Fixed path: the browser fetches it together with the manifest, before knowing the hash.
    files.push(("pinyin.txt".into(), pinyin.into_bytes()));
    files.push((
        "manifest.json".into(),
        manifest(&ordered, config, opts, (shards, overflow_shards), &hash).into_bytes(),
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
            let mut out = vec![OutputFile {
                path: format!("{path}.gz"),
                bytes: gzip(&bytes),
            }];
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

/// The power of two closest to `postings / per_shard` (at least 1, at most 2^14).
fn shard_count(index: &LunrIndex, per_shard: usize) -> usize {
    let total: usize = index.terms.iter().map(|t| t.1.len()).sum();
    total
        .div_ceil(per_shard.max(1))
        .max(1)
        .next_power_of_two()
        .min(1 << 14)
}

/// The JSON of each shard: a complete lunr index of the terms that hash to it.
fn shard_files(index: &LunrIndex, shards: usize) -> Vec<String> {
    let mut by_shard: Vec<Vec<usize>> = vec![Vec::new(); shards];
    for (i, (term, _)) in index.terms.iter().enumerate() {
        by_shard[shard_of(term, shards)].push(i);
    }
    by_shard
        .par_iter()
        .map(|selected| index.to_json(selected))
        .collect()
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
    (shards, overflow_shards): (usize, usize),
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
    let w = &config.weights;
    serde_json::json!({
        "format": 1,
        "lunr": "2.3.9",
        "base": format!("{hash}/"),
        "shards": shards,
        "firstTier": opts.first_tier,
        "overflowShards": overflow_shards,
        "docs": docs.len(),
        "metaChunk": opts.meta_chunk.max(1),
        "fields": config.fields.iter().map(|f| f.key).collect::<Vec<_>>(),
        "weights": {"char": w.char, "bigram": w.bigram, "word": w.word, "pinyin": w.pinyin},
        "pinyinFallback": w.pinyin_fallback,
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
