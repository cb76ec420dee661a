//! The block line by line: front matter, the `flowchart` header, accessibility lines
//! (`accTitle`, `accDescr`, which may span lines), and the statements of every other line.

use super::{Parser, skip_ws, word};
use crate::model::Direction;

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

/// An `accDescr {` whose `}` is on a later line: where it opened and the text so far.
struct OpenDescr {
    line: usize,
    column: usize,
    text: String,
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

impl Parser {
    pub(super) fn run(&mut self, source: &str) {
        let lines: Vec<&str> = source.lines().collect();
        let Some(mut n) = self.front_matter(&lines) else {
            return;
        };
        let mut in_descr: Option<OpenDescr> = None;
        while n < lines.len() && !self.stopped {
            let line_no = n + 1;
            let raw = lines[n];
            n += 1;
            let last = n == lines.len();
            if let Some(open) = in_descr.take() {
                in_descr = self.descr_continues(open, raw, last);
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
                in_descr = self.accessibility(&chars, first, &kw, line_no, last);
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

    /// Optional front matter, the way Mermaid takes a diagram title. Returns the index of the
    /// first line after it, or `None` when it is never closed (nothing else is read then).
    fn front_matter(&mut self, lines: &[&str]) -> Option<usize> {
        if lines.first().is_none_or(|l| l.trim() != "---") {
            return Some(0);
        }
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
                Some(end + 2)
            }
            None => {
                self.error(
                    1,
                    1,
                    "front matter opened with `---` is never closed",
                    Some("end it with a second `---` line"),
                );
                None
            }
        }
    }

    /// A line inside an `accDescr {` block: its text up to `}`, or all of it when the block
    /// goes on (the block stays open, returned).
    fn descr_continues(&mut self, open: OpenDescr, raw: &str, last: bool) -> Option<OpenDescr> {
        let OpenDescr {
            line,
            column,
            mut text,
        } = open;
        match raw.find('}') {
            Some(end) => {
                text.push_str(raw[..end].trim());
                self.acc_descr = Some(text.trim().to_string());
                None
            }
            None => {
                if !text.is_empty() && !raw.trim().is_empty() {
                    text.push(' ');
                }
                text.push_str(raw.trim());
                if last {
                    self.error(
                        line,
                        column,
                        "`accDescr {` is never closed",
                        Some("end the description with `}`"),
                    );
                }
                Some(OpenDescr { line, column, text })
            }
        }
    }

    /// `accTitle: …`, `accDescr: …` or `accDescr { …` (`kw` at `first`). Returns the
    /// description block when its `}` is on a later line.
    fn accessibility(
        &mut self,
        chars: &[char],
        first: usize,
        kw: &str,
        line_no: usize,
        last: bool,
    ) -> Option<OpenDescr> {
        let after = skip_ws(chars, first + kw.len());
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
                        if last {
                            self.error(
                                line_no,
                                first + 1,
                                "`accDescr {` is never closed",
                                Some("end the description with `}`"),
                            );
                        }
                        return Some(OpenDescr {
                            line: line_no,
                            column: first + 1,
                            text: rest.trim().to_string(),
                        });
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
        None
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
}
