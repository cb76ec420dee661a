//! The Rust side of the tokenizer contract against the shared vectors (`tests/vectors.json`);
//! `tests/js/tokenizer.test.js` checks the JS side against the same file.
use search_index::tokenizer::{Options, query_terms, tokenize};
use search_index::{Config, SearchDocument, Synonyms, analyze};

fn vectors() -> serde_json::Value {
    serde_json::from_str(include_str!("vectors.json")).expect("vectors.json is JSON")
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tokenize_matches_the_shared_vectors() {
    let v = vectors();
    let cases = v["tokenize"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let opts = match case["options"].as_str().unwrap() {
            "pinyin" => Options::PINYIN,
            "plain" => Options::PLAIN,
            "body" => Options::BODY,
            other => panic!("unknown options {other}"),
        };
        let text = case["text"].as_str().unwrap();
        assert_eq!(
            tokenize(text, opts),
            strings(&case["tokens"]),
            "tokens of {text:?}"
        );
    }
}

#[test]
fn query_terms_match_the_shared_vectors() {
    let v = vectors();
    for case in v["query"].as_array().unwrap() {
        let q = case["query"].as_str().unwrap();
        assert_eq!(query_terms(q), strings(&case["terms"]), "terms of {q:?}");
    }
}

#[test]
fn shards_match_the_shared_vectors() {
    let v = vectors();
    for case in v["shard"].as_array().unwrap() {
        let (term, shards) = (
            case["term"].as_str().unwrap(),
            case["shards"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            search_index::client::shard_of(term, shards) as u64,
            case["shard"].as_u64().unwrap(),
            "{term}"
        );
    }
}

#[test]
fn homophone_typo_shares_pinyin_with_the_intended_text() {
    // 邦 (bang) typed for 帮 (bang): the Han bigrams differ, the pinyin pair is the same.
    let typed = query_terms("邦我查");
    let title = tokenize("帮我查一下", Options::PINYIN);
    assert!(!title.contains(&"邦我".to_string()));
    assert!(typed.contains(&"bang'wo".to_string()) && title.contains(&"bang'wo".to_string()));
}

#[test]
fn pinyin_typed_query_meets_title_pinyin() {
    let title = tokenize("银证转账", Options::PINYIN);
    for t in query_terms("yinzhengzhuanzhang")
        .iter()
        .filter(|t| t.contains('\''))
    {
        assert!(title.contains(t), "{t} not in {title:?}");
    }
    assert!(
        title.contains(&"yzzz".to_string()),
        "initials of a short run"
    );
}

#[test]
fn synonyms_parse_and_expand() {
    let s = Synonyms::parse("# comment\n找回密码 重置密码，忘记密码\n\nlevel2 十档\n").unwrap();
    assert_eq!(s.groups().len(), 2);
    assert_eq!(s.expand("我忘记密码了怎么办"), vec!["找回密码", "重置密码"]);
    assert_eq!(s.expand("level2 看不到"), vec!["十档"]);
    assert!(s.expand("开户").is_empty());
}

#[test]
fn synonyms_expand_the_answer_fields_but_not_the_recorded_phrasings() {
    let config = Config::default();
    let doc = SearchDocument {
        title: "撤单失败".into(),
        questions: vec!["撤单没反应".into()],
        ..SearchDocument::default()
    };
    let syn = Synonyms::parse("撤单 撤销委托\n").unwrap();
    let field = |name: &str| config.fields.iter().position(|f| f.name == name).unwrap();
    let tokens = analyze(&doc, &syn, &config);
    let has = |name: &str, token: &str| tokens[field(name)].iter().any(|t| t == token);
    assert!(has("title", "委托") && has("title", "撤单"));
    assert!(has("questions", "撤单") && !has("questions", "委托"));
}

#[test]
fn synonym_errors_name_their_lines() {
    let errs = Synonyms::parse("找回密码 重置密码\n单独\n重置密码 改密码\n??? 开户\n").unwrap_err();
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3, 4], "{errs:?}");
    assert!(errs[1].message.contains("line 1"), "{}", errs[1]);
    assert!(errs[0].to_string().starts_with("synonyms.txt:2: "));
}
