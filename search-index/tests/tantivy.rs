//! The full-text index (tantivy) behind `qaportal search --text`: whole texts, phrases, as
//! written.
use search_index::SearchDocument;
use search_index::tantivy_index::{TextIndex, query_parts, write_index};

fn docs() -> Vec<SearchDocument> {
    serde_json::from_str(include_str!("fixtures/sample-docs.json")).unwrap()
}

fn ids(idx: &TextIndex, query: &str, system: Option<&str>) -> Vec<String> {
    let mut ids: Vec<String> = idx
        .search(query, system, 20)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn finds_phrases_anywhere_in_the_whole_text() {
    let dir = tempfile::tempdir().unwrap();
    let idx = write_index(&dir.path().join("text"), &docs()).unwrap();
    // Deep in a body, as written: one answer has it.
    assert_eq!(ids(&idx, "联系客服人工见证", None), ["KB-0002"]);
    // The same words not next to each other are not the phrase.
    assert!(ids(&idx, "客服见证", None).is_empty());
    // Each part must occur; a "quoted phrase" is one part.
    assert_eq!(ids(&idx, "身份证 银行卡", None), ["KB-0001"]);
    assert_eq!(ids(&idx, "\"身份证号在登录页\"", None), ["KB-0003"]);
    assert!(ids(&idx, "身份证 闪退", None).is_empty());
    // Latin and numbers as search normalizes them: full width, upper case.
    assert_eq!(ids(&idx, "ＬＥＶＥＬ-2", None), ["KB-0006"]);
    assert_eq!(ids(&idx, "交易日", None).len(), 5);
    assert_eq!(ids(&idx, "交易日", Some("trading")), ["KB-0007"]);
    // A single Han character is found inside the words it is part of (indexed as bigrams).
    // 证 as the second character (身份证, 见证, 银证) and as the first (证券).
    assert_eq!(
        ids(&idx, "证", None),
        ["KB-0001", "KB-0002", "KB-0003", "KB-0004", "KB-0005"]
    );
    assert_eq!(ids(&idx, "证 见证", None), ["KB-0001", "KB-0002"]);
    assert_eq!(ids(&idx, "闪", None), ["KB-0011"]);
    assert!(ids(&idx, "", None).is_empty());
    assert!(ids(&idx, "xyzzy", None).is_empty());
}

#[test]
fn reopens_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    write_index(dir.path(), &docs()).unwrap();
    let idx = TextIndex::open(dir.path()).unwrap();
    let hit = &idx.search("升级到最新版本", None, 5).unwrap()[0];
    assert_eq!((hit.id.as_str(), hit.system.as_str()), ("KB-0011", "app"));
    assert_eq!(hit.title, "手机应用打不开或闪退怎么办？");
}

#[test]
fn query_parts_keep_quoted_phrases_whole() {
    assert_eq!(
        query_parts("95521 \"请 联系客服\"  错误码"),
        ["95521", "请 联系客服", "错误码"]
    );
    assert!(query_parts("  ，。 ").is_empty());
}
