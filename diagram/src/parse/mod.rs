//! Parser for the flowchart subset of Mermaid that help-center answers use.
//!
//! It works statement by statement and keeps going after an error, so an author sees every
//! mistake of a block in one build instead of fixing them one at a time.

mod link;
mod node;

use std::collections::HashMap;

use crate::error::DiagramError;
use crate::model::{Direction, Edge, Flowchart, Node, Shape, Subgraph};
use crate::text::split_label;

/// Mermaid diagram types other than flowcharts, recognised only to say clearly that they are
/// not supported (rather than "syntax error on line 1").
const OTHER_TYPES: &[&str] = &[
    "sequenceDiagram",
    "classDiagram",
    "classDiagram-v2",
    "stateDiagram",
    "stateDiagram-v2",
    "erDiagram",
    "gantt",
    "pie",
    "journey",
    "gitGraph",
    "mindmap",
    "timeline",
    "quadrantChart",
    "requirementDiagram",
    "C4Context",
    "C4Container",
    "C4Component",
    "C4Dynamic",
    "C4Deployment",
    "sankey-beta",
    "sankey",
    "xychart-beta",
    "xychart",
    "block-beta",
    "block",
    "packet-beta",
    "packet",
    "architecture-beta",
    "kanban",
    "radar-beta",
    "treemap-beta",
    "zenuml",
];

/// Limits that keep one block's cost bounded (a build must never hang on one diagram) and
/// far above what a readable help-center flowchart needs (the sample's largest has 14 nodes).
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;
pub const MAX_NODES: usize = 300;
pub const MAX_EDGES: usize = 600;
pub const MAX_SUBGRAPHS: usize = 60;
pub const MAX_DEPTH: usize = 8;

const SPLIT_HINT: &str = "split the process into several smaller diagrams (one per stage), or describe part of it as a numbered list";

pub fn parse(source: &str) -> Result<Flowchart, Vec<DiagramError>> {
    let mut p = Parser::default();
    if source.len() > MAX_SOURCE_BYTES {
        p.error(
            1,
            1,
            format!(
                "the diagram is {} KB long; a diagram may be at most {} KB",
                source.len().div_ceil(1024),
                MAX_SOURCE_BYTES / 1024
            ),
            Some(SPLIT_HINT),
        );
        return Err(p.errors);
    }
    p.run(source);
    p.finish()
}

struct Open {
    index: usize,
    line: usize,
    column: usize,
    /// Nodes mentioned directly inside the block, in order.
    mentions: Vec<usize>,
}

#[derive(Default)]
struct Parser {
    errors: Vec<DiagramError>,
    direction: Option<Direction>,
    nodes: Vec<Node>,
    /// Column of each node's first mention, for messages about it.
    node_columns: Vec<usize>,
    node_ids: HashMap<String, usize>,
    edges: Vec<Edge>,
    subgraphs: Vec<Subgraph>,
    subgraph_ids: HashMap<String, usize>,
    open: Vec<Open>,
    acc_title: Option<String>,
    acc_descr: Option<String>,
    /// A limit was reached: the rest of the block is not read (its errors would only repeat).
    stopped: bool,
}

/// Splits a line into statements at `;`, except inside quotes and brackets.
fn statements(line: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, &c) in line.iter().enumerate() {
        match c {
            '"' => quoted = !quoted,
            '[' | '(' | '{' if !quoted => depth += 1,
            ']' | ')' | '}' if !quoted => depth = (depth - 1).max(0),
            ';' if !quoted && depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, line.len()));
    out
}

/// Chinese input methods type full-width punctuation; Mermaid's syntax needs ASCII. Names the
/// character to type instead when that is the likely mistake.
fn full_width_hint(c: Option<&char>) -> Option<String> {
    let ascii = match c? {
        '（' => '(',
        '）' => ')',
        '【' => '[',
        '】' => ']',
        '［' => '[',
        '］' => ']',
        '｛' => '{',
        '｝' => '}',
        '｜' => '|',
        '－' => '-',
        '—' => '-',
        '＞' => '>',
        '＜' => '<',
        '；' => ';',
        '：' => ':',
        '＆' => '&',
        '＝' => '=',
        '“' | '”' => '"',
        _ => return None,
    };
    Some(format!(
        "`{}` is a full-width character: Mermaid syntax needs the ASCII `{ascii}` (switch the input method to half-width, or quote the text: `A[\"…\"]`)",
        c?
    ))
}

fn skip_ws(s: &[char], mut i: usize) -> usize {
    while i < s.len() && s[i].is_whitespace() {
        i += 1;
    }
    i
}

fn word(s: &[char], i: usize) -> String {
    s[i..]
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '-')
        .collect()
}

impl Parser {
    fn error(
        &mut self,
        line: usize,
        column: usize,
        message: impl Into<String>,
        hint: Option<&str>,
    ) {
        let mut e = DiagramError::new(line, column, message);
        if let Some(h) = hint {
            e = e.hint(h);
        }
        self.errors.push(e);
    }

    fn run(&mut self, source: &str) {
        let lines: Vec<&str> = source.lines().collect();
        let mut n = 0;
        // Optional front matter, the way Mermaid takes a diagram title.
        if lines.first().is_some_and(|l| l.trim() == "---") {
            match lines.iter().skip(1).position(|l| l.trim() == "---") {
                Some(end) => {
                    for l in &lines[1..=end] {
                        if let Some(t) = l.trim().strip_prefix("title:") {
                            let t = t.trim().trim_matches(['"', '\'']).trim();
                            if !t.is_empty() {
                                self.acc_title = Some(t.to_string());
                            }
                        }
                    }
                    n = end + 2;
                }
                None => {
                    self.error(
                        1,
                        1,
                        "front matter opened with `---` is never closed",
                        Some("end it with a second `---` line"),
                    );
                    return;
                }
            }
        }
        let mut in_descr: Option<(usize, usize, String)> = None;
        while n < lines.len() && !self.stopped {
            let line_no = n + 1;
            let raw = lines[n];
            n += 1;
            if let Some((start, col, mut text)) = in_descr.take() {
                match raw.find('}') {
                    Some(end) => {
                        text.push_str(raw[..end].trim());
                        self.acc_descr = Some(text.trim().to_string());
                    }
                    None => {
                        if !text.is_empty() && !raw.trim().is_empty() {
                            text.push(' ');
                        }
                        text.push_str(raw.trim());
                        in_descr = Some((start, col, text));
                        if n == lines.len() {
                            self.error(
                                start,
                                col,
                                "`accDescr {` is never closed",
                                Some("end the description with `}`"),
                            );
                        }
                    }
                }
                continue;
            }
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with("%%") {
                continue;
            }
            let chars: Vec<char> = raw.chars().collect();
            if self.direction.is_none() {
                if !self.header(&chars, line_no) {
                    return;
                }
                continue;
            }
            let first = skip_ws(&chars, 0);
            let kw = word(&chars, first);
            if kw == "accTitle" || kw == "accDescr" {
                let after = skip_ws(&chars, first + kw.len());
                match chars.get(after) {
                    Some(':') => {
                        let v: String = chars[after + 1..].iter().collect();
                        let v = v.trim().to_string();
                        if kw == "accTitle" {
                            self.acc_title = Some(v)
                        } else {
                            self.acc_descr = Some(v)
                        }
                    }
                    Some('{') if kw == "accDescr" => {
                        let rest: String = chars[after + 1..].iter().collect();
                        match rest.find('}') {
                            Some(end) => self.acc_descr = Some(rest[..end].trim().to_string()),
                            None => {
                                in_descr = Some((line_no, first + 1, rest.trim().to_string()));
                                if n == lines.len() {
                                    self.error(
                                        line_no,
                                        first + 1,
                                        "`accDescr {` is never closed",
                                        Some("end the description with `}`"),
                                    );
                                }
                            }
                        }
                    }
                    _ => self.error(
                        line_no,
                        after + 1,
                        format!("expected `:` after `{kw}`"),
                        Some("write `accTitle: 标题` or `accDescr: 说明`"),
                    ),
                }
                continue;
            }
            for (a, b) in statements(&chars) {
                self.statement(&chars[..b], a, line_no);
            }
        }
        if self.direction.is_none() && self.errors.is_empty() {
            self.error(
                1,
                1,
                "the diagram is empty",
                Some("start it with `flowchart TD` and add nodes and links"),
            );
        }
    }

    /// Reads `flowchart TD` / `graph LR`. Returns false when the block is not a flowchart,
    /// in which case nothing else is worth reporting.
    fn header(&mut self, s: &[char], line: usize) -> bool {
        let i = skip_ws(s, 0);
        let kw = word(s, i);
        if kw != "flowchart" && kw != "graph" && kw != "flowchart-elk" {
            if OTHER_TYPES.contains(&kw.as_str()) {
                self.error(line, i + 1, format!("`{kw}` diagrams are not supported: only flowcharts (`flowchart` or `graph`) are rendered"),
                    Some("draw the process as `flowchart TD`, or describe it as a numbered list"));
            } else {
                self.error(line, i + 1, format!("expected `flowchart` or `graph` at the start of the diagram, found `{}`", s[i..].iter().collect::<String>().trim()),
                    Some("start the block with `flowchart TD` (top to bottom) or `flowchart LR` (left to right)"));
            }
            return false;
        }
        let j = skip_ws(s, i + kw.len());
        let dir = word(s, j);
        let direction = match dir.as_str() {
            "TD" | "TB" | "" => Direction::TopDown,
            "BT" => Direction::BottomUp,
            "LR" => Direction::LeftRight,
            "RL" => Direction::RightLeft,
            _ => {
                self.error(
                    line,
                    j + 1,
                    format!("unknown direction `{dir}`"),
                    Some("use TD, TB, BT, LR or RL"),
                );
                Direction::TopDown
            }
        };
        self.direction = Some(direction);
        let k = skip_ws(s, j + dir.len());
        if k < s.len() {
            if s[k] == ';' {
                for (a, b) in statements(s).into_iter().filter(|(a, _)| *a > k) {
                    self.statement(&s[..b], a, line);
                }
            } else {
                self.error(
                    line,
                    k + 1,
                    "unexpected text after the diagram header",
                    Some("put nodes and links on the following lines"),
                );
            }
        }
        true
    }

    fn statement(&mut self, s: &[char], from: usize, line: usize) {
        let i = skip_ws(s, from);
        if i >= s.len() || self.stopped {
            return;
        }
        let kw = word(s, i);
        let after = i + kw.chars().count();
        let ends_word = s.get(after).is_none_or(|c| c.is_whitespace());
        match kw.as_str() {
            "subgraph" if ends_word => self.subgraph(s, after, line, i),
            "end" if skip_ws(s, after) >= s.len() => match self.open.pop() {
                // As in Mermaid, a block claims the nodes it mentions when it closes, so a node
                // mentioned in a nested block belongs to the innermost one, and the first
                // block to close wins between siblings.
                Some(open) => {
                    for n in open.mentions {
                        if self.nodes[n].parent.is_none() {
                            self.nodes[n].parent = Some(open.index);
                        }
                    }
                }
                None => self.error(
                    line,
                    i + 1,
                    "`end` without an open `subgraph`",
                    Some("remove this line, or add the `subgraph` it should close"),
                ),
            },
            "direction" if ends_word => {} // per-subgraph direction: accepted, the chart's direction is used
            "classDef" | "class" | "style" | "linkStyle" if ends_word => {
                // Colours come from the site's light/dark theme; explicit styling is ignored so
                // a diagram never turns unreadable in the other colour scheme.
            }
            "click" | "callback" if ends_word => self.error(
                line,
                i + 1,
                "interactive `click` is not supported: diagrams are static images",
                Some("link to the answer in the text below the diagram instead"),
            ),
            _ => self.chain(s, i, line),
        }
    }

    fn subgraph(&mut self, s: &[char], from: usize, line: usize, column: usize) {
        let i = skip_ws(s, from);
        let rest: String = s[i..].iter().collect();
        let rest = rest.trim();
        let (id, title) = if let Some(q) = rest.strip_prefix('"') {
            let t = q.trim_end().trim_end_matches('"');
            (
                format!("subgraph-{}", self.subgraphs.len() + 1),
                t.to_string(),
            )
        } else if let Some(open) = rest.find('[') {
            let id = rest[..open].trim().to_string();
            let inner = rest[open + 1..].trim_end();
            let Some(inner) = inner.strip_suffix(']') else {
                self.error(
                    line,
                    i + rest[..open].chars().count() + 1,
                    "subgraph title opened with `[` is never closed",
                    Some("write `subgraph id [标题]`"),
                );
                return;
            };
            (id, inner.trim().trim_matches('"').to_string())
        } else {
            (rest.to_string(), rest.to_string())
        };
        if id.is_empty() {
            self.error(
                line,
                column + 1,
                "`subgraph` needs a name",
                Some("write `subgraph 银行端` or `subgraph bank [银行端]`"),
            );
            return;
        }
        if self.subgraph_ids.contains_key(&id) {
            self.error(
                line,
                i + 1,
                format!("subgraph `{id}` is defined twice"),
                Some("give each subgraph its own id"),
            );
            return;
        }
        if self.open.len() >= MAX_DEPTH {
            self.limit(
                line,
                column + 1,
                format!("subgraphs are nested more than {MAX_DEPTH} deep here"),
            );
            return;
        }
        if self.subgraphs.len() >= MAX_SUBGRAPHS {
            self.limit(
                line,
                column + 1,
                format!("the diagram has more than {MAX_SUBGRAPHS} subgraphs"),
            );
            return;
        }
        let index = self.subgraphs.len();
        self.subgraphs.push(Subgraph {
            id: id.clone(),
            title: split_label(&title),
            parent: self.open.last().map(|o| o.index),
            line,
        });
        self.subgraph_ids.insert(id, index);
        self.open.push(Open {
            index,
            line,
            column: column + 1,
            mentions: Vec::new(),
        });
    }

    /// `A --> B & C -->|label| D` and plain node declarations.
    fn chain(&mut self, s: &[char], mut i: usize, line: usize) {
        let mut previous: Option<Vec<usize>> = None;
        let mut pending: Option<(link::Link, Option<String>)> = None;
        loop {
            // A group of nodes joined with `&`.
            let mut group = Vec::new();
            loop {
                i = skip_ws(s, i);
                match node::parse(s, i) {
                    Ok((decl, next)) => {
                        group.push(self.node(decl, line));
                        if self.stopped {
                            return;
                        }
                        i = skip_ws(s, next);
                    }
                    Err(e) => {
                        let fw = full_width_hint(s.get(e.column - 1));
                        self.error(line, e.column, e.message, fw.as_deref().or(e.hint));
                        return;
                    }
                }
                if s.get(i) == Some(&'&') {
                    i += 1;
                    continue;
                }
                break;
            }
            if let (Some(prev), Some((l, label))) = (previous.take(), pending.take()) {
                // `A & B & … --> C & D & …` links every node on the left to every node on the
                // right: checked before the product is made.
                let added = prev.len().saturating_mul(group.len());
                if self.edges.len().saturating_add(added) > MAX_EDGES {
                    self.limit(
                        line,
                        i.min(s.len()) + 1,
                        format!(
                            "the diagram has more than {MAX_EDGES} links (this line alone makes {added}: {} × {} nodes joined with `&`)",
                            prev.len(),
                            group.len()
                        ),
                    );
                    return;
                }
                let label = label
                    .or(l.text.clone())
                    .map(|t| split_label(&t))
                    .unwrap_or_default();
                for &a in &prev {
                    for &b in &group {
                        self.edges.push(Edge {
                            from: a,
                            to: b,
                            label: label.clone(),
                            stroke: l.stroke,
                            head_start: l.head_start,
                            head_end: l.head_end,
                            length: l.length,
                        });
                    }
                }
            }
            if i >= s.len() {
                return;
            }
            match link::parse(&s[i..]) {
                Ok(Some((l, used))) => {
                    i = skip_ws(s, i + used);
                    let mut label = None;
                    if s.get(i) == Some(&'|') {
                        match s[i + 1..].iter().position(|&c| c == '|') {
                            Some(end) => {
                                label = Some(
                                    s[i + 1..i + 1 + end]
                                        .iter()
                                        .collect::<String>()
                                        .trim()
                                        .trim_matches('"')
                                        .to_string(),
                                );
                                i += end + 2;
                            }
                            None => {
                                self.error(
                                    line,
                                    i + 1,
                                    "edge label opened with `|` is never closed",
                                    Some("write the label as `-->|文字|`"),
                                );
                                return;
                            }
                        }
                    }
                    if skip_ws(s, i) >= s.len() {
                        self.error(
                            line,
                            s.len() + 1,
                            "the link has no target node",
                            Some("write the node the link goes to after the arrow"),
                        );
                        return;
                    }
                    previous = Some(group);
                    pending = Some((l, label));
                }
                Ok(None) => {
                    let found: String = s[i..].iter().take(12).collect();
                    let fw = full_width_hint(s.get(i));
                    self.error(line, i + 1, format!("unexpected `{}`", found.trim()),
                        fw.as_deref().or(Some("a line holds nodes joined by links, e.g. `A[开始] --> B{是否通过}`; put text with special characters in quotes: `A[\"...\"]`")));
                    return;
                }
                Err(e) => {
                    self.error(line, i + e.offset + 1, e.message, e.hint);
                    return;
                }
            }
        }
    }

    fn node(&mut self, decl: node::Decl, line: usize) -> usize {
        let index = match self.node_ids.get(&decl.id) {
            Some(&k) => k,
            None if self.nodes.len() >= MAX_NODES => {
                self.limit(
                    line,
                    decl.column,
                    format!("the diagram has more than {MAX_NODES} nodes"),
                );
                // Stands for the node: nothing after a limit is drawn.
                0
            }
            None => {
                let k = self.nodes.len();
                self.nodes.push(Node {
                    id: decl.id.clone(),
                    label: vec![decl.id.clone()],
                    shape: Shape::Rect,
                    parent: None,
                    line,
                });
                self.node_columns.push(decl.column);
                self.node_ids.insert(decl.id, k);
                k
            }
        };
        if let Some((shape, text)) = decl.shape {
            let node = &mut self.nodes[index];
            node.shape = shape;
            let label = split_label(&text);
            if label.iter().any(|l| !l.is_empty()) {
                node.label = label;
            }
        }
        if let Some(open) = self.open.last_mut() {
            open.mentions.push(index);
        }
        index
    }

    /// Reports a size limit and stops reading the block.
    fn limit(&mut self, line: usize, column: usize, message: String) {
        self.error(line, column, message, Some(SPLIT_HINT));
        self.stopped = true;
    }

    fn finish(mut self) -> Result<Flowchart, Vec<DiagramError>> {
        if self.stopped {
            return Err(self.errors);
        }
        for open in std::mem::take(&mut self.open).into_iter().rev() {
            // Claim its nodes anyway, so the only message is the missing `end`.
            for &n in &open.mentions {
                if self.nodes[n].parent.is_none() {
                    self.nodes[n].parent = Some(open.index);
                }
            }
            let id = self.subgraphs[open.index].id.clone();
            self.error(
                open.line,
                open.column,
                format!("`subgraph {id}` is never closed"),
                Some("add a line `end` after its last node"),
            );
        }
        for (k, node) in self.nodes.iter().enumerate() {
            if self.subgraph_ids.contains_key(&node.id) {
                self.errors.push(
                    DiagramError::new(
                        node.line,
                        self.node_columns[k],
                        format!(
                            "`{}` is a subgraph: links to or from a subgraph are not supported",
                            node.id
                        ),
                    )
                    .hint("link to a node inside the subgraph instead"),
                );
            }
        }
        let mut has_nodes = vec![false; self.subgraphs.len()];
        for node in &self.nodes {
            let mut p = node.parent;
            while let Some(g) = p {
                has_nodes[g] = true;
                p = self.subgraphs[g].parent;
            }
        }
        for (g, sg) in self.subgraphs.iter().enumerate() {
            if !has_nodes[g] {
                self.errors.push(
                    DiagramError::new(sg.line, 1, format!("subgraph `{}` has no nodes", sg.id))
                        .hint("put at least one node between `subgraph` and `end`, or remove it"),
                );
            }
        }
        if self.errors.is_empty() && self.nodes.is_empty() {
            self.errors.push(
                DiagramError::new(1, 1, "the flowchart has no nodes")
                    .hint("add nodes and links, e.g. `A[开始] --> B[结束]`"),
            );
        }
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| (e.line, e.column));
            return Err(self.errors);
        }
        Ok(Flowchart {
            direction: self.direction.unwrap_or(Direction::TopDown),
            nodes: self.nodes,
            edges: self.edges,
            subgraphs: self.subgraphs,
            acc_title: self.acc_title,
            acc_descr: self.acc_descr,
        })
    }
}
