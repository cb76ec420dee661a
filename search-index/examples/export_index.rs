//! Writes the client index of a JSON array of `SearchDocument`s, plus `lunr-docs.json` (every
//! lunr document's tokens per field, the field boosts and BM25 parameters) so tests can rebuild
//! the same index with `lunr.Builder`.
//!
//! `export_index --docs FILE --out DIR [--shards N] [--first-tier N] [--synonyms FILE]`
use std::path::PathBuf;

use search_index::client::builder_input;
use search_index::{ClientOptions, Config, SearchDocument, Synonyms, build_client_index};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut docs, mut out, mut shards, mut synonyms) = (None, None, None, Synonyms::default());
    let mut first_tier = ClientOptions::default().first_tier;
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--docs" => docs = Some(PathBuf::from(v)),
            "--out" => out = Some(PathBuf::from(v)),
            "--shards" => shards = Some(v.parse().expect("--shards N")),
            "--first-tier" => first_tier = v.parse().expect("--first-tier N"),
            "--synonyms" => {
                synonyms = Synonyms::parse(&std::fs::read_to_string(v).unwrap())
                    .unwrap_or_else(|e| panic!("{e:?}"))
            }
            _ => panic!("unknown argument {a}"),
        }
    }
    let docs: Vec<SearchDocument> =
        serde_json::from_str(&std::fs::read_to_string(docs.expect("--docs FILE")).unwrap())
            .unwrap();
    let out = out.expect("--out DIR");
    let config = Config::default();
    let opts = ClientOptions {
        shards,
        first_tier,
        ..Default::default()
    };
    for f in build_client_index(&docs, &synonyms, &config, &opts) {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.bytes).unwrap();
    }
    std::fs::write(
        out.join("lunr-docs.json"),
        builder_input(&docs, &synonyms, &config),
    )
    .unwrap();
}
