//! The bounded fuzz suite that CI runs (seconds, not minutes): hostile documents assembled
//! from fragments of every payload class, run through the build's own stages — front matter,
//! markdown and raw HTML, mermaid diagrams, ticket exports — asserting no panic, bounded
//! time, and no script in any output. The long runs are `cargo fuzz` (fuzz/, see
//! docs/fuzzing.md); this suite keeps the same properties in every CI run.
//!
//! `PROPTEST_CASES` raises the number of cases for a longer local run.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use qaportal::fuzzing::{Sandbox, unsafe_markup};

/// Generous for a debug build on a loaded 2-core machine; the cases are small.
const BUDGET: Duration = Duration::from_secs(20);

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn sandbox() -> &'static std::sync::Mutex<Sandbox> {
    static SANDBOX: OnceLock<std::sync::Mutex<Sandbox>> = OnceLock::new();
    SANDBOX.get_or_init(|| std::sync::Mutex::new(Sandbox::new()))
}

/// Raw HTML and markdown that the sanitizer, the URL policy and the attribute allow-list must
/// neutralise (or turn into an error).
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x61;script:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<div style=\"x\" onmouseover=\"alert(1)\">悬停</div>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=\"javascript:alert(1)\"><button>提交</button></form>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<!-- <img src=x onerror=alert(1)> -->",
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "![图](javascript:alert(1))",
    "[点我](data:text/html,<script>alert(1)</script>)",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "## 标题 {tabindex=0 autofocus onfocus=alert(1)}",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,x>",
];

/// Ordinary markdown, and the structures that once cost time: nesting, long lines, tables.
const MARKDOWN: &[&str] = &[
    "## 处理步骤\n\n1. 第一步。\n2. 第二步。\n",
    "## 问题描述\n\n客户反映**无法登录**。\n",
    "> 引用\n> > 嵌套引用\n",
    "- 列表\n  - 子列表\n    - 子子列表\n",
    "| 列1 | 列2 |\n|---|---|\n| a | b |\n",
    "[链接](KB-0001)\n",
    "[锚点](#step-1)\n",
    "`代码` 和 ```\n代码块\n```\n",
    "<div><div><div>文字</div></div></div>\n",
    "<details><summary>展开</summary>内容</details>\n",
    "脚注[^1]\n\n[^1]: 注释\n",
    "&lt;script&gt; &#x3C;img&#x3E;\n",
    "*a **b *c* b** a*\n",
    "- [ ] 任务\n- [x] 完成\n",
];

/// Mermaid lines: shapes, labels with markup and quotes, links, subgraphs, styling, errors.
const MERMAID: &[&str] = &[
    "A[开始] --> B{是否通过}",
    "B -->|是| C([完成])",
    "B -->|否| D[\"<script>alert(1)</script>\"]",
    "C --> E[\"<img src=x onerror=alert(1)>\"]",
    "E -.-> A",
    "F((\"javascript:alert(1)\")) ==> G>旗帜]",
    "A & B --> F & G",
    "subgraph S1 [子流程]",
    "subgraph S2",
    "end",
    "click A \"javascript:alert(1)\"",
    "style A fill:#f00",
    "classDef x fill:red",
    "accTitle: 标题<script>",
    "accDescr: 描述\" onload=\"alert(1)",
    "H[[子程序]] --- I[(数据库)]",
    "J{{六边形}} --o K",
    "A --> A",
    "%% 注释",
    "L[多行<br>标签] --> M",
];

fn pick(from: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::collection::vec(proptest::sample::select(from), 0..max)
}

fn article(parts: &[&str], mermaid: &[&str], front: &str) -> String {
    let mut text = format!("---\nid: KB-0001\ntitle: 示例\ncategory: 咨询类\n{front}---\n\n");
    for part in parts {
        text.push_str(part);
        text.push_str("\n\n");
    }
    if !mermaid.is_empty() {
        text.push_str("```mermaid\nflowchart TD\n");
        for line in mermaid {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("```\n");
    }
    text
}

/// Renders `text` as the site's one article; fails on a panic (the test fails), on time over
/// the budget, or on script in the HTML of a build that would be published (without errors:
/// a `javascript:` link is an error, and a failed build publishes nothing).
fn check_article(text: &str) -> Result<(), TestCaseError> {
    let sandbox = sandbox().lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let outcome = sandbox.article(text.as_bytes());
    let took = started.elapsed();
    prop_assert!(took < BUDGET, "took {took:?} for:\n{text}");
    if outcome.errors > 0 {
        return Ok(());
    }
    for html in &outcome.html {
        if let Some(problem) = unsafe_markup(html) {
            return Err(TestCaseError::fail(format!(
                "{problem} in the HTML of:\n{text}\n---\n{html}"
            )));
        }
    }
    Ok(())
}

fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("summary: \"<script>alert(1)</script>\"\n".to_string()),
        Just("tags: [a, *b]\n".to_string()),
        Just("base: &a [x, y]\nquestions: *a\n".to_string()),
        Just("aliases: [/index.html, /search/]\n".to_string()),
        Just("hot: [9999-W52, 0000-W01]\nupdated: 9999-12-31\n".to_string()),
        "[a-z: \\[\\]{}&*!|>'\"#\\n-]{0,80}".prop_map(|s| format!("{s}\n")),
    ]
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn articles_render_without_panic_in_bounded_time_and_without_script(
        parts in pick(PAYLOADS, 4),
        markdown in pick(MARKDOWN, 4),
        mermaid in pick(MERMAID, 8),
        front in front_matter(),
        order in proptest::collection::vec(any::<u8>(), 8),
    ) {
        let mut all: Vec<&str> = parts.into_iter().chain(markdown).collect();
        // Interleave the fragments in an order of their own.
        for (i, k) in order.iter().enumerate() {
            if !all.is_empty() {
                let j = *k as usize % all.len();
                let i = i % all.len();
                all.swap(i, j);
            }
        }
        check_article(&article(&all, &mermaid, &front))?;
    }

    #[test]
    fn arbitrary_text_as_an_article_never_panics(text in "\\PC{0,400}") {
        let sandbox = sandbox().lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        let _ = sandbox.article(text.as_bytes());
        prop_assert!(started.elapsed() < BUDGET);
    }

    #[test]
    fn front_matter_parses_without_panic(text in "[a-zA-Z0-9:,\\[\\]{}&*!|>'\" #\\n\\t-]{0,300}") {
        use qaportal::load::frontmatter::{Format, parse};
        let started = Instant::now();
        let _ = parse(Format::Yaml, &text);
        let _ = parse(Format::Toml, &text);
        prop_assert!(started.elapsed() < BUDGET);
    }

    #[test]
    fn diagrams_lay_out_in_bounded_time_without_script(
        lines in pick(MERMAID, 30),
        nodes in 0usize..120,
        seed in any::<u64>(),
    ) {
        let mut source = String::from("flowchart LR\n");
        for line in &lines {
            source.push_str(line);
            source.push('\n');
        }
        // A random graph on top: long links, cycles, fan-in.
        let mut state = seed | 1;
        for i in 0..nodes {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            source.push_str(&format!("N{i} --> N{}\n", state as usize % nodes.max(1)));
        }
        let started = Instant::now();
        let result = qaportal_diagram::render(&source, &qaportal_diagram::Options::default());
        prop_assert!(started.elapsed() < BUDGET, "took {:?}", started.elapsed());
        if let Ok(diagram) = result {
            prop_assert!(unsafe_markup(&diagram.html).is_none(), "{:?} in {}", unsafe_markup(&diagram.html), diagram.html);
        }
    }

    #[test]
    fn ticket_exports_publish_only_the_question_column(
        rows in proptest::collection::vec(
            (
                prop_oneof![Just("2026-11-17 09:00"), Just("2026/11/18"), Just("昨天"), Just("")],
                prop_oneof![Just("KB-0001"), Just("KB-9999"), Just("")],
                prop_oneof![
                    Just("交易密码忘了怎么办"),
                    Just("\"密码,错误\""),
                    Just("\"客户说：\n无法登录\""),
                    Just("带\"引号的问题"),
                    Just("\"没有结束的引号"),
                    Just("银证转账\r\n失败"),
                ],
            ),
            0..40,
        ),
        gbk in any::<bool>(),
    ) {
        let mut csv = String::from("工单号,提单时间,解决文章,问题描述,处理人\n");
        for (i, (time, article, question)) in rows.iter().enumerate() {
            csv.push_str(&format!("INC{i:05},{time},{article},{question},欧阳锋\n"));
        }
        let bytes = if gbk {
            encoding_rs::GBK.encode(&csv).0.into_owned()
        } else {
            csv.clone().into_bytes()
        };
        let sandbox = sandbox().lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        let outcome = sandbox.tickets(&bytes);
        prop_assert!(started.elapsed() < BUDGET);
        for phrasing in &outcome.phrasings {
            prop_assert!(!phrasing.contains("欧阳"), "the handler column was published: {phrasing:?}\n{csv}");
            prop_assert!(!phrasing.contains("INC"), "a ticket number was published: {phrasing:?}\n{csv}");
            prop_assert!(!phrasing.contains('\n') && phrasing.chars().count() <= 200, "{phrasing:?}");
        }
    }
}

/// Every payload class, each alone: none may leave script in a page that would be published.
#[test]
fn every_payload_class_is_neutralised() {
    let mut failures = Vec::new();
    for payload in PAYLOADS {
        if let Err(error) = check_article(&article(&[payload], &[], "")) {
            failures.push(format!("{payload}: {error}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
