//! Times the index build of a JSON array of `SearchDocument`s and writes the client index once.
//!
//! `bench_index --docs FILE --out DIR [--runs N] [--tantivy DIR]`
//! Prints min/median/max over N runs of: the client index (tokenize, score, shard, compress) and,
//! with --tantivy, the full-text index (`qaportal search --text`).
use std::path::PathBuf;
use std::time::Instant;

use search_index::tantivy_index::write_index;
use search_index::{ClientOptions, Config, SearchDocument, Synonyms, build_client_index};

fn stats(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{name}: min {:.0} ms, median {:.0} ms, max {:.0} ms ({} runs)",
        ms[0],
        ms[ms.len() / 2],
        ms[ms.len() - 1],
        ms.len()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut docs, mut out, mut runs, mut tantivy) = (None, None, 3usize, None);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--docs" => docs = Some(PathBuf::from(v)),
            "--out" => out = Some(PathBuf::from(v)),
            "--runs" => runs = v.parse().unwrap(),
            "--tantivy" => tantivy = Some(PathBuf::from(v)),
            _ => panic!("unknown argument {a}"),
        }
    }
    let docs: Vec<SearchDocument> =
        serde_json::from_str(&std::fs::read_to_string(docs.unwrap()).unwrap()).unwrap();
    let out = out.expect("--out DIR");
    let (config, syn, opts) = (Config::default(), Synonyms::default(), {
        // Experiments: QAPORTAL_SHARD_POSTINGS, QAPORTAL_MAX_SHARDS, QAPORTAL_FIRST_TIER,
        // QAPORTAL_META_CHUNK, QAPORTAL_GZIP_MIN, QAPORTAL_TAIL_BAND (1: one band per field, as before bands).
        let env = |k: &str, d: usize| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        let d = ClientOptions::default();
        ClientOptions {
            postings_per_shard: env("QAPORTAL_SHARD_POSTINGS", d.postings_per_shard),
            max_shards: env("QAPORTAL_MAX_SHARDS", d.max_shards),
            first_tier: env("QAPORTAL_FIRST_TIER", d.first_tier),
            meta_chunk: env("QAPORTAL_META_CHUNK", d.meta_chunk),
            gzip_min: env("QAPORTAL_GZIP_MIN", d.gzip_min),
            tail_band: std::env::var("QAPORTAL_TAIL_BAND")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d.tail_band),
            ..d
        }
    });
    let mut times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        files = build_client_index(&docs, &syn, &config, &opts);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    stats(&format!("client index, {} articles", docs.len()), times);
    let (mut raw, mut gz, mut br, mut n) = (0, 0, 0, 0);
    for f in &files {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.bytes).unwrap();
        if f.path.ends_with(".gz") {
            gz += f.bytes.len()
        } else if f.path.ends_with(".br") {
            br += f.bytes.len()
        } else {
            raw += f.bytes.len();
            n += 1
        }
    }
    println!("client index: {n} files, {raw} bytes raw, {gz} gzip, {br} brotli");
    if let Some(dir) = tantivy {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            write_index(&dir, &docs).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        stats("full-text index (tantivy)", times);
    }
}
