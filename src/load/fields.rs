//! Reading typed fields out of a front matter table, with an error at the right place for every
//! field that is missing, of the wrong type or unknown.
//!
//! Errors are collected, not returned: a file with three bad fields gets three messages.

use std::ops::Range;

use jiff::civil::Date;

use super::frontmatter::{Node, Value};
use crate::diagnostic::Diagnostic;
use crate::model::Located;
use crate::source::{SourceId, Span};

/// The fields of one front matter table (the whole front matter, or a nested table).
pub struct Fields<'d> {
    source: SourceId,
    /// Offset of the front matter text in the file: node ranges are relative to it.
    base: usize,
    entries: Vec<Entry>,
    /// Where "missing field" errors point: the table itself (or the opening fence).
    whole: Span,
    /// Known field names, for the unknown-field message.
    known: &'static [&'static str],
    /// What the table describes, for messages: "an article", "a live session".
    what: &'static str,
    diagnostics: &'d mut Vec<Diagnostic>,
}

struct Entry {
    key: String,
    key_range: Range<usize>,
    value: Node,
    used: bool,
}

impl<'d> Fields<'d> {
    /// Reads the top-level table; a front matter that is not a table (e.g. a bare list) is an
    /// error and yields no fields.
    pub fn new(
        root: Node,
        source: SourceId,
        base: usize,
        whole: Span,
        what: &'static str,
        known: &'static [&'static str],
        diagnostics: &'d mut Vec<Diagnostic>,
    ) -> Fields<'d> {
        let mut fields = Fields {
            source,
            base,
            entries: Vec::new(),
            whole,
            known,
            what,
            diagnostics,
        };
        match root.value {
            Value::Table(entries) => fields.set_entries(entries),
            Value::Null => {}
            other => {
                let span = fields.span(&root.range);
                fields.diagnostics.push(
                    Diagnostic::error(
                        "front-matter",
                        format!(
                            "front matter must be a set of `name: value` fields, found {}",
                            other.kind()
                        ),
                    )
                    .at(span)
                    .label("expected fields here")
                    .help("write one field per line, e.g. `title: 如何重置交易密码`"),
                );
            }
        }
        fields
    }

    fn set_entries(&mut self, entries: Vec<(Node, Node)>) {
        for (key, value) in entries {
            let name = match &key.value {
                Value::Text(t) => t.clone(),
                other => format!("{other:?}"),
            };
            if self.entries.iter().any(|e| e.key == name) {
                self.diagnostics.push(
                    Diagnostic::error("front-matter", format!("field `{name}` is given twice"))
                        .at(self.span(&key.range))
                        .label("second occurrence")
                        .help("keep one of the two lines"),
                );
                continue;
            }
            self.entries.push(Entry {
                key: name,
                key_range: key.range,
                value,
                used: false,
            });
        }
    }

    /// Reports a problem found while interpreting a field's value.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// A byte range of the front matter as a file span.
    pub fn span(&self, range: &Range<usize>) -> Span {
        Span::new(self.source, self.base + range.start..self.base + range.end)
    }

    fn take(&mut self, name: &str) -> Option<Node> {
        let entry = self.entries.iter_mut().find(|e| e.key == name)?;
        entry.used = true;
        match entry.value.value {
            // `summary:` with nothing after it means "not given", not an error.
            Value::Null => None,
            _ => Some(entry.value.clone()),
        }
    }

    fn error(&mut self, message: String, range: &Range<usize>, label: &str, help: String) {
        let span = self.span(range);
        self.diagnostics.push(
            Diagnostic::error("front-matter", message)
                .at(span)
                .label(label)
                .help(help),
        );
    }

    fn type_error(&mut self, name: &str, node: &Node, expected: &str, example: &str) {
        self.error(
            format!("`{name}` must be {expected}, found {}", node.value.kind()),
            &node.range,
            &format!("expected {expected}"),
            format!("write it like `{example}`"),
        );
    }

    /// Text (numbers are accepted as their text: `order: 3`, `title: 2024`).
    pub fn text(&mut self, name: &str) -> Option<Located<String>> {
        let node = self.take(name)?;
        self.node_text(name, &node)
    }

    fn node_text(&mut self, name: &str, node: &Node) -> Option<Located<String>> {
        let text = match &node.value {
            Value::Text(t) => t.clone(),
            Value::Integer(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            _ => {
                self.type_error(name, node, "text", &format!("{name}: 文字"));
                return None;
            }
        };
        Some(Located {
            value: text.trim().to_string(),
            span: self.span(&node.range),
        })
    }

    /// Text that must be present and not empty.
    pub fn required_text(&mut self, name: &str, example: &str) -> Option<Located<String>> {
        // A value of the wrong type was reported by `text`; only absence is reported here.
        let absent = self
            .entries
            .iter()
            .find(|e| e.key == name)
            .is_none_or(|e| e.value.value == Value::Null);
        match self.text(name) {
            Some(text) if !text.value.is_empty() => Some(text),
            Some(text) => {
                self.diagnostics.push(
                    Diagnostic::error("missing-field", format!("`{name}` is empty"))
                        .at(text.span)
                        .label("empty")
                        .help(format!("write it like `{example}`")),
                );
                None
            }
            None => {
                if absent {
                    let what = self.what;
                    self.diagnostics.push(
                        Diagnostic::error(
                            "missing-field",
                            format!("{what} needs a `{name}` field"),
                        )
                        .at(self.whole)
                        .label(format!("no `{name}` in this front matter"))
                        .help(format!("add a line like `{example}`")),
                    );
                }
                None
            }
        }
    }

    /// A list of texts; a single text is accepted as a list of one.
    pub fn text_list(&mut self, name: &str) -> Vec<Located<String>> {
        let Some(node) = self.take(name) else {
            return Vec::new();
        };
        match &node.value {
            Value::List(items) => items
                .iter()
                .filter_map(|item| self.node_text(name, item))
                .collect(),
            Value::Text(_) | Value::Integer(_) => self.node_text(name, &node).into_iter().collect(),
            _ => {
                self.type_error(name, &node, "a list", &format!("{name}: [甲, 乙]"));
                Vec::new()
            }
        }
    }

    pub fn bool(&mut self, name: &str) -> Option<bool> {
        let node = self.take(name)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.type_error(name, &node, "true or false", &format!("{name}: true"));
                None
            }
        }
    }

    pub fn integer(&mut self, name: &str) -> Option<i64> {
        let node = self.take(name)?;
        match node.value {
            Value::Integer(i) => Some(i),
            _ => {
                self.type_error(name, &node, "a whole number", &format!("{name}: 3"));
                None
            }
        }
    }

    pub fn date(&mut self, name: &str) -> Option<Located<Date>> {
        let text = self.text(name)?;
        self.parse_date(name, text)
    }

    pub fn required_date(&mut self, name: &str) -> Option<Located<Date>> {
        let text = self.required_text(name, &format!("{name}: 2024-03-18"))?;
        self.parse_date(name, text)
    }

    fn parse_date(&mut self, name: &str, text: Located<String>) -> Option<Located<Date>> {
        match parse_date(&text.value) {
            Some(date) => Some(Located {
                value: date,
                span: text.span,
            }),
            None => {
                self.diagnostics.push(
                    Diagnostic::error(
                        "invalid-date",
                        format!("`{name}` is not a valid date: `{}`", text.value),
                    )
                    .at(text.span)
                    .label("expected YYYY-MM-DD")
                    .help(format!(
                        "write the date as YYYY-MM-DD, e.g. `{name}: 2024-03-18`"
                    )),
                );
                None
            }
        }
    }

    /// A nested table such as `reviewed: { by: …, on: … }`.
    pub fn table(
        &mut self,
        name: &str,
        known: &'static [&'static str],
        example: &str,
    ) -> Option<Fields<'_>> {
        let node = self.take(name)?;
        if !matches!(node.value, Value::Table(_)) {
            self.type_error(name, &node, "a table", example);
            return None;
        }
        let whole = self.span(&node.range);
        let (source, base, what) = (self.source, self.base, self.what);
        let mut nested = Fields {
            source,
            base,
            entries: Vec::new(),
            whole,
            known,
            what,
            diagnostics: self.diagnostics,
        };
        if let Value::Table(entries) = node.value {
            nested.set_entries(entries);
        }
        Some(nested)
    }

    /// Reports every field that nobody asked for: usually a typo (`catgory`).
    pub fn finish(self) {
        for entry in self.entries.iter().filter(|e| !e.used) {
            let suggestion = closest(&entry.key, self.known);
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean `{s}`? The fields are: {}",
                    self.known.join(", ")
                ),
                None => format!("the fields are: {}", self.known.join(", ")),
            };
            let span = Span::new(
                self.source,
                self.base + entry.key_range.start..self.base + entry.key_range.end,
            );
            self.diagnostics.push(
                Diagnostic::error(
                    "unknown-field",
                    format!("unknown field `{}` in {}", entry.key, self.what),
                )
                .at(span)
                .label("not a known field")
                .help(help),
            );
        }
    }
}

/// `YYYY-MM-DD`, strictly: the team writes dates by hand and a typo must not become another day.
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i16 = text[0..4].parse().ok()?;
    // Dates stay where their week and the weeks around it exist (see `IsoWeek`).
    if !(crate::model::FIRST_YEAR..=crate::model::LAST_YEAR).contains(&year) {
        return None;
    }
    let month = text[5..7].parse().ok()?;
    let day = text[8..10].parse().ok()?;
    Date::new(year, month, day).ok()
}

/// The known name nearest to a misspelt one, if it is near enough to be a typo.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2024-03-18").is_some());
        assert!(parse_date("2024-02-30").is_none());
        assert!(parse_date("2024-3-18").is_none());
        assert!(parse_date("2024/03/18").is_none());
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(
            closest("catgory", &["id", "category", "tags"]),
            Some("category")
        );
        assert_eq!(closest("xyz", &["id", "category", "tags"]), None);
    }
}
