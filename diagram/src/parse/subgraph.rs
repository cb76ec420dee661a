//! Subgraphs: `subgraph id [标题]` opens one, `end` closes it and gives it the nodes it
//! mentioned; at the end of the block, the checks that need every subgraph and node.

use super::{MAX_DEPTH, MAX_SUBGRAPHS, Parser, skip_ws};
use crate::error::DiagramError;
use crate::model::Subgraph;
use crate::text::split_label;

/// A subgraph whose `end` has not been read yet.
pub(super) struct Open {
    index: usize,
    line: usize,
    column: usize,
    /// Nodes mentioned directly inside the block, in order.
    pub mentions: Vec<usize>,
}

impl Parser {
    /// `subgraph` at `column` (0-based), the rest of the statement from `from`.
    pub(super) fn subgraph(&mut self, s: &[char], from: usize, line: usize, column: usize) {
        let i = skip_ws(s, from);
        let Some((id, title)) = self.subgraph_name(s, i, line) else {
            return;
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

    /// The id and title of `subgraph "标题"`, `subgraph id [标题]` or `subgraph 标题` (the title
    /// is then the id too), from `i`. `None` after an error.
    fn subgraph_name(&mut self, s: &[char], i: usize, line: usize) -> Option<(String, String)> {
        let rest: String = s[i..].iter().collect();
        let rest = rest.trim();
        Some(if let Some(q) = rest.strip_prefix('"') {
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
                return None;
            };
            (id, inner.trim().trim_matches('"').to_string())
        } else {
            (rest.to_string(), rest.to_string())
        })
    }

    /// `end` at column `i` (0-based).
    pub(super) fn end(&mut self, line: usize, i: usize) {
        match self.open.pop() {
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
        }
    }

    /// Reports the subgraphs still open at the end of the block.
    pub(super) fn close_remaining(&mut self) {
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
    }

    /// Links to a subgraph's id (which made it a node) and subgraphs without nodes.
    pub(super) fn check_subgraphs(&mut self) {
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
    }
}
