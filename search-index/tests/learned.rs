//! Synonyms learned from the site's phrasings (src/learned.rs) and the phrasings that stand in
//! for an answer's own when it has none, through the whole client path: the built index, read
//! by the engine that ranks as the site does.

use std::collections::HashMap;

use search_index::engine::ClientIndex;
use search_index::{ClientOptions, Config, SearchDocument, Synonyms, build_client_index};

fn doc(id: &str, title: &str, questions: &[&str]) -> SearchDocument {
    SearchDocument {
        id: id.into(),
        title: title.into(),
        questions: questions.iter().map(|q| q.to_string()).collect(),
        url: format!("/faq/{id}/"),
        system: "faq".into(),
        system_title: "常见问题".into(),
        category: "咨询类".into(),
        ..Default::default()
    }
}

/// Clients say 口令 for 密码 in the phrasings of two answers; a third answer about 密码 has no
/// phrasings yet, and a fourth is about something else with its own phrasings.
fn site() -> Vec<SearchDocument> {
    vec![
        doc(
            "KB-1",
            "修改登录密码",
            &["登录口令怎么改", "口令忘了登不上"],
        ),
        doc(
            "KB-2",
            "重置交易密码",
            &["交易口令不记得了", "口令输错被锁"],
        ),
        doc("KB-3", "找回资金密码", &[]),
        doc("KB-4", "开户需要多久", &["开户要几天", "开户审核多久"]),
        doc("KB-5", "银证转账失败", &["转账不成功", "转账显示失败"]),
    ]
}

fn index(docs: &[SearchDocument], config: &Config) -> ClientIndex {
    let files = build_client_index(
        docs,
        &Synonyms::default(),
        config,
        &ClientOptions::default(),
    );
    let files: HashMap<String, Vec<u8>> = files
        .into_iter()
        .filter(|f| !f.path.ends_with(".gz"))
        .map(|f| (f.path.trim_start_matches("search/").to_string(), f.bytes))
        .collect();
    ClientIndex::new(files).expect("index")
}

fn ids(index: &ClientIndex, query: &str) -> Vec<String> {
    index
        .search(query, None, 10)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn an_answer_without_phrasings_is_found_by_a_neighbours_learned_word() {
    let docs = site();
    let mut on = Config::default();
    on.learned.enabled = true;
    let on = index(&docs, &on);
    // 资金 is in KB-3's title only; 口令 in no title: only the learned pair 密码 -> 口令 joins them.
    assert_eq!(ids(&on, "资金口令")[0], "KB-3");
    assert!(ids(&on, "口令").contains(&"KB-3".to_string()));
    let mut off = Config::default();
    off.learned.enabled = false;
    let off = index(&docs, &off);
    // Without learning, 口令 is known only from KB-1's and KB-2's phrasings.
    let without = ids(&off, "口令");
    assert!(!without.contains(&"KB-3".to_string()), "{without:?}");
}

#[test]
fn an_answer_without_phrasings_competes_on_its_title() {
    let docs = site();
    // 交易 is in KB-2's title and phrasings; 资金密码 only in KB-3's title, which stands in for
    // its phrasings: asked by its own title, KB-3 comes first.
    let on = index(&docs, &Config::default());
    assert_eq!(ids(&on, "找回资金密码")[0], "KB-3");
}

#[test]
fn a_site_without_phrasings_learns_nothing() {
    let docs: Vec<SearchDocument> = site()
        .into_iter()
        .map(|mut d| {
            d.questions.clear();
            d
        })
        .collect();
    let mut on = Config::default();
    on.learned.enabled = true;
    let learned = build_client_index(&docs, &Synonyms::default(), &on, &ClientOptions::default());
    let mut off = Config::default();
    off.learned.enabled = false;
    off.phrasings.stand_in = false;
    let plain = build_client_index(&docs, &Synonyms::default(), &off, &ClientOptions::default());
    assert_eq!(learned, plain, "the same bytes: nothing to learn from");
}
