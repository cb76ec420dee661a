//! Syntax errors: every error of a block, each with its line and column inside the block, a
//! message and a hint.

use qaportal_diagram::{DiagramError, Options, render};

fn errors(src: &str) -> Vec<DiagramError> {
    match render(src, &Options::default()) {
        Ok(_) => panic!("expected errors for:\n{src}"),
        Err(e) => e,
    }
}

fn one(src: &str) -> DiagramError {
    let e = errors(src);
    assert_eq!(e.len(), 1, "{e:#?}");
    e.into_iter().next().unwrap()
}

#[track_caller]
fn at(e: &DiagramError, line: usize, column: usize, needle: &str) {
    assert_eq!((e.line, e.column), (line, column), "{e}");
    assert!(
        e.message.contains(needle),
        "message {:?} lacks {needle:?}",
        e.message
    );
    assert!(e.hint.is_some(), "{e} has no hint");
}

#[test]
fn other_diagram_types_are_refused_clearly() {
    let e = one("sequenceDiagram\n  客户->>券商: 申请");
    at(
        &e,
        1,
        1,
        "`sequenceDiagram` diagrams are not supported: only flowcharts",
    );
    let e = one("%% 注释\n\n  gantt\n  title 计划");
    at(&e, 3, 3, "`gantt` diagrams are not supported");
    let e = one("flowchat TD\n A-->B");
    at(&e, 1, 1, "expected `flowchart` or `graph`");
}

#[test]
fn bad_direction() {
    at(
        &one("flowchart XY\n A-->B"),
        1,
        11,
        "unknown direction `XY`",
    );
}

#[test]
fn unclosed_edge_label_and_shape_are_both_reported() {
    let e = errors(
        "flowchart TD\n  A[开始] --> B{审核}\n  B -->|是 C[通过]\n  B --> D[[驳回\n  D --> E",
    );
    assert_eq!(e.len(), 2, "{e:#?}");
    at(&e[0], 3, 8, "edge label opened with `|` is never closed");
    at(&e[1], 4, 10, "`[[` is never closed: expected `]]`");
}

#[test]
fn columns_count_characters_not_bytes() {
    // Five Chinese characters and a space before the broken link: column 7, not byte 17.
    let e = one("graph LR\n中文节点名 - 结束");
    at(&e, 2, 7, "`-` alone is not a link");
}

#[test]
fn unclosed_subgraph_points_at_its_start() {
    let e = one("flowchart TD\n  A --> B\n  subgraph 银行端\n    C[扣款] --> D[记账]\n  B --> C");
    at(&e, 3, 3, "`subgraph 银行端` is never closed");
    assert_eq!(
        e.hint.as_deref(),
        Some("add a line `end` after its last node")
    );
}

#[test]
fn stray_end() {
    at(
        &one("flowchart TD\n  A --> B\n  end"),
        3,
        3,
        "`end` without an open `subgraph`",
    );
}

#[test]
fn links_to_subgraphs_are_refused() {
    let e = one("flowchart TD\n  subgraph 银行端\n    C[扣款]\n  end\n  A[发起] --> 银行端");
    at(&e, 5, 13, "`银行端` is a subgraph");
}

#[test]
fn empty_subgraph() {
    let e = one("flowchart TD\n  A --> B\n  subgraph 空分组\n  end");
    at(&e, 3, 1, "subgraph `空分组` has no nodes");
}

#[test]
fn link_without_target_and_stray_text() {
    let e = errors("flowchart LR\n  A -->\n  B --> C ?\n  -- 文字 --> D");
    assert_eq!(e.len(), 3, "{e:#?}");
    at(&e[0], 2, 8, "the link has no target node");
    at(&e[1], 3, 11, "unexpected `?`");
    at(&e[2], 4, 3, "expected a node id");
}

#[test]
fn unclosed_inline_link_text() {
    at(
        &one("flowchart TD\n  A -- 是 B"),
        2,
        5,
        "link text is never closed",
    );
}

#[test]
fn unsupported_shapes_and_click() {
    let e = errors("flowchart TD\n  A[(数据库)] --> B\n  click B \"https://example.com\"");
    assert_eq!(e.len(), 2, "{e:#?}");
    at(&e[0], 2, 4, "the node shape `[(…)]` is not supported");
    at(&e[1], 3, 3, "interactive `click` is not supported");
}

#[test]
fn empty_blocks() {
    at(&one(""), 1, 1, "the diagram is empty");
    at(&one("%% 只有注释\n"), 1, 1, "the diagram is empty");
    at(
        &one("flowchart TD\n%% 还没写\n"),
        1,
        1,
        "the flowchart has no nodes",
    );
}

#[test]
fn unclosed_front_matter_and_description() {
    at(
        &one("---\ntitle: 开户\nflowchart TD\n A-->B"),
        1,
        1,
        "front matter opened with `---` is never closed",
    );
    at(
        &one("flowchart TD\n  accDescr {\n  说明文字\n  A --> B"),
        2,
        3,
        "`accDescr {` is never closed",
    );
}

#[test]
fn display_is_line_col_message_hint() {
    let e = one("flowchart TD\n  A -->");
    assert_eq!(
        e.to_string(),
        "2:8: the link has no target node (hint: write the node the link goes to after the arrow)"
    );
}

#[test]
fn accepted_syntax_variants() {
    let ok = [
        "graph TD;A-->B;B-->C",
        "flowchart TB\n  A & B --> C & D",
        "flowchart LR\n  A -- 是 --> B\n  A -. 否 .-> C\n  A == 主 ==> D",
        "flowchart TD\n  A[\"含有[括号]和(圆括号)的文字\"] --> B",
        "flowchart TD\n  A:::warn --> B\n  classDef warn fill:#f00\n  style A fill:#0f0\n  linkStyle 0 stroke:#00f",
        "flowchart TD\n  subgraph S1 [分组]\n    direction LR\n    A --> B\n  end",
        "flowchart TD\n  step-1[第一步] --> step-2[第二步]",
        "flowchart TD\n  开始 --> 结束",
        "flowchart TD\n  accDescr {\n    多行\n    说明\n  }\n  A --> B",
    ];
    for src in ok {
        render(src, &Options::default()).unwrap_or_else(|e| panic!("{src}\n{e:#?}"));
    }
}

#[test]
fn full_width_punctuation_gets_a_hint() {
    let e = one("flowchart TD\n  A（圆角） --> B");
    at(&e, 2, 4, "unexpected `（圆角）");
    assert!(
        e.hint
            .as_deref()
            .unwrap()
            .contains("full-width character: Mermaid syntax needs the ASCII `(`"),
        "{e}"
    );
    let e = one("flowchart TD\n  A --> ｜是｜ B");
    at(&e, 2, 9, "expected a node id");
    assert!(e.hint.as_deref().unwrap().contains("ASCII `|`"), "{e}");
}
