//! Builds the client index of a bench site made from a corpus's titles (used by
//! `bench/relevance/relevance.js`, which reads the corpora in place and passes their titles in a
//! temporary file).
//!
//! ```text
//! corpus_index --titles FILE --out DIR [--questions FILE] [--synonyms FILE]
//!              [--boost FIELD=X]... [--k1 X] [--b X] [--phrasings-k1 X] [--phrasings-b X]
//!              [--weight CLASS=X]... [--no-pinyin] [--no-unigrams] [--no-initials]
//!              [--tail-band X] [--no-stand-in] [--learned-synonyms] [--learned-min-answers N]
//!              [--learned-min-pmi X] [--learned-per-word N]
//! ```
//! Articles are the lines `id<TAB>title` of `--titles FILE`. `--questions FILE` gives
//! each article its recorded phrasings: lines `gold_id<TAB>phrasing`. `--k1`/`--b` are the BM25
//! of the answers part, `--phrasings-k1`/`--phrasings-b` that of the phrasings part, and
//! `--boost questions=X` is the phrasings part's boost (the client index weighs the phrasings
//! field there, not with the answer fields).
use std::collections::HashMap;
use std::path::PathBuf;

use search_index::{ClientOptions, Config, SearchDocument, Synonyms, build_client_index};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut titles, mut out, mut questions, mut synonyms) = (None, None, None, None);
    let mut config = Config::default();
    let mut client = ClientOptions::default();
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--titles" => titles = Some(PathBuf::from(val())),
            "--out" => out = Some(PathBuf::from(val())),
            "--questions" => questions = Some(PathBuf::from(val())),
            "--synonyms" => synonyms = Some(PathBuf::from(val())),
            "--first-tier" => client.first_tier = val().parse().unwrap(),
            "--tail-band" => client.tail_band = val().parse().unwrap(),
            "--coverage-weight" => config.coverage_weight = val().parse().unwrap(),
            "--k1" => config.bm25.k1 = val().parse().unwrap(),
            "--b" => config.bm25.b = val().parse().unwrap(),
            "--phrasings-k1" => config.phrasings.bm25.k1 = val().parse().unwrap(),
            "--phrasings-b" => config.phrasings.bm25.b = val().parse().unwrap(),
            "--boost" => {
                let v = val();
                let (name, x) = v.split_once('=').expect("--boost FIELD=X");
                if name == config.phrasings.field {
                    config.phrasings.boost = x.parse().unwrap();
                    continue;
                }
                let f = config
                    .fields
                    .iter_mut()
                    .find(|f| f.name == name)
                    .expect("known field");
                f.boost = x.parse().unwrap();
            }
            "--weight" => {
                let v = val();
                let (class, x) = v.split_once('=').expect("--weight CLASS=X");
                let x: f64 = x.parse().unwrap();
                let w = &mut config.weights;
                match class {
                    "char" => w.char = x,
                    "bigram" => w.bigram = x,
                    "word" => w.word = x,
                    "pinyin" => w.pinyin = x,
                    _ => panic!("unknown term class {class}"),
                }
            }
            "--no-pinyin" => config
                .fields
                .iter_mut()
                .for_each(|f| f.options.kind = search_index::tokenizer::Kind::Plain),
            "--no-unigrams" => config
                .fields
                .iter_mut()
                .for_each(|f| f.options.unigrams = false),
            "--learned-synonyms" => config.learned.enabled = true,
            "--no-learned-synonyms" => config.learned.enabled = false,
            "--no-stand-in" => config.phrasings.stand_in = false,
            "--learned-min-answers" => config.learned.min_answers = val().parse().unwrap(),
            "--learned-min-pmi" => config.learned.min_pmi = val().parse().unwrap(),
            "--learned-per-word" => config.learned.per_word = val().parse().unwrap(),
            "--no-pinyin-fallback" => config.weights.pinyin_fallback = false,
            "--no-initials" => config
                .fields
                .iter_mut()
                .for_each(|f| f.options.initials = false),
            _ => panic!("unknown argument {a}"),
        }
    }
    let titles = titles.expect("--titles FILE");
    let out = out.expect("--out DIR");
    let synonyms = match synonyms {
        Some(p) => Synonyms::parse(&std::fs::read_to_string(p).unwrap())
            .unwrap_or_else(|e| panic!("{e:?}")),
        None => Synonyms::default(),
    };
    let mut phrasings: HashMap<String, Vec<String>> = HashMap::new();
    if let Some(q) = questions {
        for line in std::fs::read_to_string(q).unwrap().lines() {
            let (id, text) = line.split_once('\t').expect("gold_id<TAB>phrasing");
            phrasings
                .entry(id.to_string())
                .or_default()
                .push(text.to_string());
        }
    }
    let table = std::fs::read_to_string(titles).unwrap();
    let docs: Vec<SearchDocument> = table
        .lines()
        .map(|line| {
            let (id, title) = line.split_once('\t').unwrap();
            SearchDocument {
                id: id.to_string(),
                title: title.to_string(),
                questions: phrasings.remove(id).unwrap_or_default(),
                url: format!("/faq/{id}/"),
                system: "faq".into(),
                system_title: "常见问题".into(),
                category: "咨询类".into(),
                ..Default::default()
            }
        })
        .collect();
    let files = build_client_index(&docs, &synonyms, &config, &client);
    for f in files.iter().filter(|f| !f.path.ends_with(".gz")) {
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.bytes).unwrap();
    }
}
