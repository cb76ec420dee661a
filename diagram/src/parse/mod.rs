//! Parser for the flowchart subset of Mermaid that help-center answers use.
//!
//! It works statement by statement and keeps going after an error, so an author sees every
//! mistake of a block in one build instead of fixing them one at a time.

mod chain;
mod lines;
mod link;
mod node;
mod subgraph;

use std::collections::HashMap;

use crate::error::DiagramError;
use crate::model::{Direction, Edge, Flowchart, Node, Subgraph};
use subgraph::Open;

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

/// The chart read so far and the errors found, filled in statement by statement.
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

    /// One statement of a line, from `from`: a keyword's, or else a chain of nodes and links.
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
            "end" if skip_ws(s, after) >= s.len() => self.end(line, i),
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

    /// Reports a size limit and stops reading the block.
    fn limit(&mut self, line: usize, column: usize, message: String) {
        self.error(line, column, message, Some(SPLIT_HINT));
        self.stopped = true;
    }

    /// The checks that need the whole block; then the chart, or every error sorted by position.
    fn finish(mut self) -> Result<Flowchart, Vec<DiagramError>> {
        if self.stopped {
            return Err(self.errors);
        }
        self.close_remaining();
        self.check_subgraphs();
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
