//! The tantivy side: same tokenizer and weights as the client, for the terminal and related answers.
use search_index::tantivy_index::{SearchIndex, write_index};
use search_index::{Config, SearchDocument, Synonyms};

fn docs() -> Vec<SearchDocument> {
    serde_json::from_str(include_str!("fixtures/sample-docs.json")).unwrap()
}

#[test]
fn finds_the_expected_article_first_and_filters_by_system() {
    let dir = tempfile::tempdir().unwrap();
    let idx = write_index(
        &dir.path().join("search"),
        &docs(),
        &Synonyms::default(),
        &Config::default(),
    )
    .unwrap();
    let first =
        |q: &str, s: Option<&str>| idx.search(q, s, 5).unwrap().first().map(|h| h.id.clone());
    assert_eq!(
        first("邦我查为什么看不到十档", None).as_deref(),
        Some("KB-0006")
    );
    assert_eq!(first("新股申购显示0股", None).as_deref(), Some("KB-0007"));
    assert_eq!(first("kaihu", None).as_deref(), Some("KB-0001"));
    assert_eq!(first("银行卡钱没少", None).as_deref(), Some("KB-0004"));
    let hits = idx.search("开户", Some("bank-transfer"), 10).unwrap();
    assert!(hits.iter().all(|h| h.system == "bank-transfer"), "{hits:?}");
    assert!(idx.search("xyzzy", None, 10).unwrap().is_empty());
    let hit = &idx.search("十档", None, 1).unwrap()[0];
    assert_eq!(
        (hit.url.as_str(), hit.category.as_str()),
        ("/trading/kb-0006/", "程序类")
    );
}

#[test]
fn synonyms_are_expanded_at_index_time() {
    let dir = tempfile::tempdir().unwrap();
    let syn = Synonyms::parse("撤单 撤销委托 撤回订单\n").unwrap();
    let idx = write_index(dir.path(), &docs(), &syn, &Config::default()).unwrap();
    assert_eq!(idx.search("撤回订单", None, 1).unwrap()[0].id, "KB-0008");
}

#[test]
fn related_answers_exclude_the_article_and_reopen_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    write_index(
        dir.path(),
        &docs(),
        &Synonyms::default(),
        &Config::default(),
    )
    .unwrap();
    let idx = SearchIndex::open(dir.path(), &Config::default()).unwrap();
    let related = idx.related("KB-0004", 5).unwrap();
    assert!(!related.is_empty() && related.len() <= 5);
    assert!(related.iter().all(|h| h.id != "KB-0004"));
    assert_eq!(
        related[0].id, "KB-0005",
        "the other bank-transfer answer: {related:?}"
    );
    let all = idx.related_all(5).unwrap();
    assert_eq!(all.len(), 12);
    assert_eq!(all["KB-0004"], related);
    assert!(idx.related("KB-9999", 5).unwrap().is_empty());
}
