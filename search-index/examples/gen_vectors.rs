//! Prints test vectors for `tests/vectors.json` from the Rust tokenizer, for review before they
//! are committed: `cargo run -p search-index --example gen_vectors > search-index/tests/vectors.json`.
//! Both `tests/tokenizer.rs` and `tests/js/tokenizer.test.js` then hold the two sides to them.
use search_index::tokenizer::{Options, query_terms, tokenize};

fn main() {
    let texts: &[(&str, &str)] = &[
        ("pinyin", "银证转账后银行卡余额与证券账户对不上怎么办？"),
        ("pinyin", "购买的Level2用不了怎么办"),
        ("pinyin", "ＬＥＶＥＬ２ 十档行情"),
        ("pinyin", "帮我查"),
        ("pinyin", "开户"),
        ("pinyin", "新股申购显示0股"),
        ("pinyin", "的"),
        ("pinyin", "[机构]卡里有钱,为什么会扣款失败"),
        ("pinyin", "绿色通道"),
        ("pinyin", "𠀀字 test-case 3.14"),
        ("plain", "处理步骤"),
        ("plain", "Ⅻ ① ｶﾀｶﾅ café Ωμέγα Привет"),
        ("body", "客户经理在手机上打开资讯页面，显示空白。"),
        ("body", "点击“我的”→“设置”。"),
    ];
    let queries = [
        "邦我查为什么看不到十档",
        "新股申购显示0股",
        "kaihu",
        "yinzhengzhuanzhang",
        "xian",
        "level2 l2",
        "yzzz",
        "帐户被锁",
        "请问一下这个为什么怎么办",
        "可以",
    ];
    println!("{{\n  \"tokenize\": [");
    for (i, (opts, text)) in texts.iter().enumerate() {
        let o = match *opts {
            "pinyin" => Options::PINYIN,
            "plain" => Options::PLAIN,
            _ => Options::BODY,
        };
        let tokens = serde_json::to_string(&tokenize(text, o)).unwrap();
        let sep = if i + 1 < texts.len() { "," } else { "" };
        println!(
            "    {{\"options\": \"{opts}\", \"text\": {}, \"tokens\": {tokens}}}{sep}",
            serde_json::to_string(text).unwrap()
        );
    }
    println!("  ],\n  \"query\": [");
    for (i, q) in queries.iter().enumerate() {
        let terms = serde_json::to_string(&query_terms(q)).unwrap();
        let sep = if i + 1 < queries.len() { "," } else { "" };
        println!(
            "    {{\"query\": {}, \"terms\": {terms}}}{sep}",
            serde_json::to_string(q).unwrap()
        );
    }
    println!("  ],\n  \"shard\": [");
    let terms = ["账户", "𠀀字", "zhang'hu", "level2"];
    for (i, t) in terms.iter().enumerate() {
        let sep = if i + 1 < terms.len() { "," } else { "" };
        let n = search_index::client::shard_of(t, 1024);
        println!(
            "    {{\"term\": {}, \"shards\": 1024, \"shard\": {n}}}{sep}",
            serde_json::to_string(t).unwrap()
        );
    }
    println!("  ]\n}}");
}
