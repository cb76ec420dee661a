//! Chains of nodes and links, `A --> B & C -->|label| D`, and plain node declarations: the
//! nodes they mention and the edges they make.

use super::{MAX_EDGES, MAX_NODES, Parser, link, node, skip_ws};
use crate::model::{Edge, Node, Shape};
use crate::text::split_label;

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

/// A link read from the source, and the text of its `|label|` if it has one.
type PendingLink = (link::Link, Option<String>);

impl Parser {
    /// `A --> B & C -->|label| D` and plain node declarations.
    pub(super) fn chain(&mut self, s: &[char], mut i: usize, line: usize) {
        let mut previous: Option<Vec<usize>> = None;
        let mut pending: Option<PendingLink> = None;
        loop {
            let Some((group, next)) = self.group(s, i, line) else {
                return;
            };
            i = next;
            if let (Some(prev), Some(link)) = (previous.take(), pending.take())
                && !self.link_all(&prev, &group, link, line, i.min(s.len()) + 1)
            {
                return;
            }
            if i >= s.len() {
                return;
            }
            let Some((link, next)) = self.link(s, i, line) else {
                return;
            };
            i = next;
            previous = Some(group);
            pending = Some(link);
        }
    }

    /// A group of nodes joined with `&`, from `i`. Returns the nodes and where the group ends,
    /// or `None` after an error or a limit.
    fn group(&mut self, s: &[char], mut i: usize, line: usize) -> Option<(Vec<usize>, usize)> {
        let mut group = Vec::new();
        loop {
            i = skip_ws(s, i);
            match node::parse(s, i) {
                Ok((decl, next)) => {
                    group.push(self.node(decl, line));
                    if self.stopped {
                        return None;
                    }
                    i = skip_ws(s, next);
                }
                Err(e) => {
                    let fw = full_width_hint(s.get(e.column - 1));
                    self.error(line, e.column, e.message, fw.as_deref().or(e.hint));
                    return None;
                }
            }
            if s.get(i) == Some(&'&') {
                i += 1;
                continue;
            }
            break;
        }
        Some((group, i))
    }

    /// Adds the edges of one link between two groups. Returns false when a limit was reached
    /// (`column` is where it is reported).
    fn link_all(
        &mut self,
        prev: &[usize],
        group: &[usize],
        (l, label): PendingLink,
        line: usize,
        column: usize,
    ) -> bool {
        // `A & B & … --> C & D & …` links every node on the left to every node on the
        // right: checked before the product is made.
        let added = prev.len().saturating_mul(group.len());
        if self.edges.len().saturating_add(added) > MAX_EDGES {
            self.limit(
                line,
                column,
                format!(
                    "the diagram has more than {MAX_EDGES} links (this line alone makes {added}: {} × {} nodes joined with `&`)",
                    prev.len(),
                    group.len()
                ),
            );
            return false;
        }
        let label = label
            .or(l.text.clone())
            .map(|t| split_label(&t))
            .unwrap_or_default();
        for &a in prev {
            for &b in group {
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
        true
    }

    /// The link at `i` and its `|label|`. Returns them and where the next group starts, or
    /// `None` after an error (including a link with no target).
    fn link(&mut self, s: &[char], mut i: usize, line: usize) -> Option<(PendingLink, usize)> {
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
                            return None;
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
                    return None;
                }
                Some(((l, label), i))
            }
            Ok(None) => {
                let found: String = s[i..].iter().take(12).collect();
                let fw = full_width_hint(s.get(i));
                self.error(line, i + 1, format!("unexpected `{}`", found.trim()),
                    fw.as_deref().or(Some("a line holds nodes joined by links, e.g. `A[开始] --> B{是否通过}`; put text with special characters in quotes: `A[\"...\"]`")));
                None
            }
            Err(e) => {
                self.error(line, i + e.offset + 1, e.message, e.hint);
                None
            }
        }
    }

    /// The node of a declaration or reference: created at its first mention, given the shape
    /// and text of any declaration, and noted as mentioned in the innermost open subgraph.
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
}
