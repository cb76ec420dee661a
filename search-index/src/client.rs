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
    /// Aimed-for number of postings per term shard; the shard count is the power of two that
    /// gets closest. Smaller shards mean fewer bytes per query but more files.
    pub postings_per_shard: usize,
    /// Fixed shard count instead (tests use 1 to compare the whole index with lunr.Builder).
    pub shards: Option<usize>,
    /// Documents per metadata file.
    pub meta_chunk: usize,
    /// Also write `.br` files (brotli quality below) besides `.gz`.
    pub brotli: Option<u32>,
    /// Keep at most this many postings per term, the highest-scoring ones (static index pruning):
    /// a term in thousands of articles has a tiny idf, and its full list would cost a phone tens
    /// of kilobytes. `None` keeps everything (the index then equals lunr.Builder's exactly).
    pub max_postings: Option<usize>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            dir: "search".into(),
            postings_per_shard: 1500,
            shards: None,
            meta_chunk: 32,
            brotli: Some(9),
            max_postings: Some(256),
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
/// tokens per field of [`Config::fields`].
pub fn lunr_documents(
    docs: &[&SearchDocument],
    synonyms: &Synonyms,
    config: &Config,
) -> Vec<LunrDoc> {
    docs.par_iter()
        .enumerate()
        .map(|(n, doc)| LunrDoc {
            reference: n.to_string(),
            fields: analyze(doc, synonyms, config),
        })
        .collect()
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
                o.insert(f.name.into(), tokens.into());
            }
            o.into()
        })
        .collect();
    let fields: Vec<serde_json::Value> = config
        .fields
        .iter()
        .map(|f| serde_json::json!({"name": f.name, "boost": f.boost}))
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
    let mut index = LunrIndex::build(&config.field_boosts(), config.bm25, &lunr_docs);
    if let Some(cap) = opts.max_postings {
        index.prune(cap);
    }

    let total: usize = index.terms.iter().map(|t| t.1.len()).sum();
    let shards = opts.shards.unwrap_or_else(|| {
        let want = total.div_ceil(opts.postings_per_shard.max(1)).max(1);
        want.next_power_of_two().min(1 << 14)
    });
    let mut by_shard: Vec<Vec<usize>> = vec![Vec::new(); shards];
    for (i, (term, _)) in index.terms.iter().enumerate() {
        by_shard[shard_of(term, shards)].push(i);
    }
    let shard_json: Vec<String> = by_shard.par_iter().map(|sel| index.to_json(sel)).collect();
    let meta_json = meta_chunks(&ordered, opts.meta_chunk.max(1));
    let pinyin = crate::pinyin::table_body();

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
    let w = &config.weights;
    serde_json::json!({
        "format": 1,
        "lunr": "2.3.9",
        "base": format!("{hash}/"),
        "shards": shards,
        "docs": docs.len(),
        "metaChunk": opts.meta_chunk.max(1),
        "fields": config.fields.iter().map(|f| f.name).collect::<Vec<_>>(),
        "weights": {"char": w.char, "bigram": w.bigram, "word": w.word, "pinyin": w.pinyin},
        "pinyinFallback": w.pinyin_fallback,
        "systems": systems,
    })
    .to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    // flate2's header has mtime 0 and no file name: deterministic.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: quality as i32,
        lgwin: 22,
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
