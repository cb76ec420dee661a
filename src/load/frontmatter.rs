//! Front matter: finding it in a file and reading it into a tree of values that remember where
//! they were written.
//!
//! YAML (`---`) and TOML (`+++`) are both parsed into the same [`Node`] tree with byte ranges, so
//! that the rules about fields (required, types, unknown names) are written once, in
//! [`super::fields`], and every message about a field can point at it whatever the format.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

impl Format {
    pub fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }
}

/// Where the front matter and the body are in a file's text.
#[derive(Debug)]
pub struct Split {
    pub format: Format,
    /// Byte range of the front matter text, between the fences.
    pub front: Range<usize>,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
}

/// Why a file's front matter could not be found.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// Nothing but white space in the file.
    Empty,
    /// The file does not start with `---` or `+++`.
    Missing,
    /// The opening fence (byte range given) has no closing one.
    Unclosed { format: Format, fence: Range<usize> },
}

/// Finds the front matter at the start of `text`. `start` skips a byte-order mark.
pub fn split(text: &str, start: usize) -> Result<Split, SplitError> {
    let rest = &text[start..];
    if rest.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = Lines { text, pos: start };
    let Some(first) = lines.next() else {
        return Err(SplitError::Empty);
    };
    let format = match text[first.clone()].trim_end() {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => return Err(SplitError::Missing),
    };
    let front_start = lines.pos;
    for line in lines.by_ref() {
        if text[line.clone()].trim_end() == format.fence() {
            return Ok(Split {
                format,
                front: front_start..line.start,
                body_start: lines.pos,
            });
        }
    }
    let fence_end = first.start + 3;
    Err(SplitError::Unclosed {
        format,
        fence: first.start..fence_end,
    })
}

/// Line ranges (without line endings) and the position after each line.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(self.text.len());
        self.pos = (end + 1).min(self.text.len());
        let content_end = if self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some(start..content_end.max(start))
    }
}

/// A front matter value with its byte range in the front matter text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    /// Strings, and TOML dates, which authors write without quotes like YAML's.
    Text(String),
    List(Vec<Node>),
    Table(Vec<(Node, Node)>),
}

impl Value {
    /// The word used in messages: "expected a list, found text".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Integer(_) | Value::Float(_) => "a number",
            Value::Text(_) => "text",
            Value::List(_) => "a list",
            Value::Table(_) => "a table",
        }
    }
}

/// A parse error with its byte offset in the front matter text (when the parser knows it).
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub offset: Option<usize>,
    /// How to fix it, when the mistake is recognised; else the format's general advice.
    pub hint: Option<String>,
}

pub fn parse(format: Format, front: &str) -> Result<Node, ParseError> {
    match format {
        Format::Yaml => parse_yaml(front),
        Format::Toml => parse_toml(front),
    }
}

/// Front matter longer than this is refused before it is parsed: fields are a title, a few
/// phrasings and tags, never pages of text.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// The text all values of one front matter may add up to, aliases expanded: YAML's `*name`
/// repeats a value without writing it again, so 60 aliases of a 1 MB string would otherwise be
/// 60 MB in memory (and more in the copies made from it).
pub const MAX_EXPANDED_BYTES: usize = 256 * 1024;

thread_local! {
    /// Text produced by the YAML being read on this thread, for [`MAX_EXPANDED_BYTES`].
    static EXPANDED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `len` bytes of produced text; an error once the front matter's total is over the
/// limit.
fn expand<E: de::Error>(len: usize) -> Result<(), E> {
    let total = EXPANDED.get().saturating_add(len);
    EXPANDED.set(total);
    if total > MAX_EXPANDED_BYTES {
        return Err(E::custom(format!(
            "the front matter's values add up to more than {} KB (YAML aliases `*name` repeat \
             their anchor's whole value each time)",
            MAX_EXPANDED_BYTES / 1024
        )));
    }
    Ok(())
}

fn parse_yaml(front: &str) -> Result<Node, ParseError> {
    if front.len() > MAX_FRONT_MATTER_BYTES {
        return Err(too_long(front));
    }
    EXPANDED.set(0);
    if front.trim().is_empty() {
        return Ok(Node {
            value: Value::Table(Vec::new()),
            range: 0..0,
        });
    }
    // YAML 1.2 booleans only: with YAML 1.1's, the `on` of `reviewed: { by: …, on: … }` and a
    // tag like `no` would silently become true/false. Ids like `0042` stay text.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 32;
    budget.flow_nesting_limit = 32;
    budget.max_aliases = 1_000;
    budget.max_events = 100_000;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 10_000;
    alias_limits.max_replay_stack_depth = 16;
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        budget: Some(budget),
        alias_limits: alias_limits,
    };
    match serde_saphyr::from_str_with_options::<YamlNode>(front, options) {
        Ok(node) => Ok(node.0),
        Err(error) => {
            // A quoted value missing its closing quote runs on into the next lines, and the
            // parser stops somewhere after it ("invalid indentation in multiline quoted
            // scalar" at the next field): point at the quote that was opened instead.
            if let Some((offset, quote)) = unclosed_quote(front) {
                return Err(ParseError {
                    message: format!("the value opened with {quote} is never closed on its line"),
                    offset: Some(offset),
                    hint: Some(format!(
                        "end the value with a closing {quote} on the same line (inside the \
                         value, write {} as {})",
                        quote,
                        if quote == '"' { "\\\"" } else { "''" }
                    )),
                });
            }
            let offset = error.location().map(|l| {
                let span = l.span();
                span.byte_offset().map(|o| o as usize).unwrap_or_else(|| {
                    line_col_offset(front, l.line() as usize, l.column() as usize)
                })
            });
            Err(ParseError {
                message: yaml_message(&error),
                offset,
                hint: None,
            })
        }
    }
}

/// The first line whose value (after `key: ` or `- `) opens a quote that the line does not
/// close: the byte offset of that quote and the quote.
fn unclosed_quote(front: &str) -> Option<(usize, char)> {
    let mut start = 0;
    for line in front.split_inclusive('\n') {
        let here = start;
        start += line.len();
        let content = line.trim_end();
        let trimmed = content.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        let value_at = if let Some(rest) = trimmed.strip_prefix("- ") {
            content.len() - rest.len()
        } else if let Some(colon) = content.find(": ") {
            colon + 2
        } else {
            continue;
        };
        let value = content[value_at..].trim_start();
        let at = here + content.len() - value.len();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let mut chars = value[1..].chars().peekable();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match (quote, c) {
                ('"', '\\') => {
                    chars.next();
                }
                ('"', '"') => {
                    closed = true;
                    break;
                }
                ('\'', '\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                }
                ('\'', '\'') => {
                    closed = true;
                    break;
                }
                _ => {}
            }
        }
        if !closed {
            return Some((at, quote));
        }
    }
    None
}

/// serde-saphyr's `Display` may append the position and a snippet; we render our own, so keep
/// only the first line, without a trailing position.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 2 column 8: unclosed bracket" – the position is shown by the report itself.
    let first = match (first.starts_with("line "), first.find(": ")) {
        (true, Some(i)) => &first[i + 2..],
        _ => first,
    };
    first.trim_end_matches(['.', ':']).to_string()
}

fn too_long(front: &str) -> ParseError {
    ParseError {
        message: format!(
            "the front matter is {} KB long; at most {} KB is read",
            front.len().div_ceil(1024),
            MAX_FRONT_MATTER_BYTES / 1024
        ),
        offset: Some(0),
        hint: Some(
            "front matter holds short fields (title, phrasings, tags); move long text to the body"
                .into(),
        ),
    }
}

fn parse_toml(front: &str) -> Result<Node, ParseError> {
    if front.len() > MAX_FRONT_MATTER_BYTES {
        return Err(too_long(front));
    }
    match toml::de::DeTable::parse(front) {
        Ok(table) => {
            let range = table.span();
            Ok(Node {
                value: toml_table(table.into_inner()),
                range,
            })
        }
        Err(error) => Err(ParseError {
            message: error.message().trim().trim_end_matches('.').to_string(),
            offset: error.span().map(|s| s.start),
            hint: None,
        }),
    }
}

fn toml_table(table: toml::de::DeTable) -> Value {
    let entries = table
        .into_iter()
        .map(|(key, value)| {
            let key = Node {
                range: key.span(),
                value: Value::Text(key.into_inner().into_owned()),
            };
            (key, toml_node(value))
        })
        .collect();
    Value::Table(entries)
}

fn toml_node(value: toml::Spanned<toml::de::DeValue>) -> Node {
    use toml::de::DeValue;
    let range = value.span();
    let value = match value.into_inner() {
        DeValue::String(s) => Value::Text(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Integer(n),
            Err(_) => Value::Text(i.as_str().to_string()),
        },
        DeValue::Float(f) => f.as_str().parse().map(Value::Float).unwrap_or(Value::Null),
        DeValue::Boolean(b) => Value::Bool(b),
        // Dates are written unquoted in both formats; they are validated as text later.
        DeValue::Datetime(d) => Value::Text(d.to_string()),
        DeValue::Array(items) => Value::List(items.iter().cloned().map(toml_node).collect()),
        DeValue::Table(table) => toml_table(table),
    };
    Node { value, range }
}

fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(0, |(i, _)| i);
        }
        offset += l.len();
    }
    text.len()
}

// --- Deserializing YAML into the tree -------------------------------------------------------
//
// serde-saphyr reports where a value was written when it is deserialized as `Spanned<T>`; every
// node of the tree is read that way, so that children get their ranges too.

struct YamlNode(Node);

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<YamlValue>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Ok(YamlNode(Node {
            value: spanned.value.0,
            range: start..start + len,
        }))
    }
}

struct YamlValue(Value);

impl<'de> Deserialize<'de> for YamlValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(YamlValue)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::custom("number too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        expand(v.len())?;
        Ok(Value::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        expand(v.len())?;
        Ok(Value::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlNode(item)) = seq.next_element()? {
            // An empty value costs memory too: counted as a few bytes each.
            expand::<A::Error>(16)?;
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(YamlNode(key)) = map.next_key()? {
            let YamlNode(value) = map.next_value()?;
            expand::<A::Error>(32)?;
            entries.push((key, value));
        }
        Ok(Value::Table(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_yaml_and_toml_front_matter() {
        let text = "---\ntitle: 开户\n---\nbody";
        let yaml = split(text, 0).unwrap();
        assert_eq!(yaml.format, Format::Yaml);
        assert_eq!(&text[yaml.front.clone()], "title: 开户\n");
        assert_eq!(&text[yaml.body_start..], "body");

        let text = "+++\r\ntitle = \"x\"\r\n+++\r\nbody";
        let toml = split(text, 0).unwrap();
        assert_eq!(toml.format, Format::Toml);
        assert_eq!(&text[toml.body_start..], "body");
    }

    #[test]
    fn reports_missing_unclosed_and_empty() {
        assert_eq!(split(" \n\n", 0).unwrap_err(), SplitError::Empty);
        assert_eq!(split("# title\n", 0).unwrap_err(), SplitError::Missing);
        assert_eq!(
            split("---\ntitle: x\n", 0).unwrap_err(),
            SplitError::Unclosed {
                format: Format::Yaml,
                fence: 0..3
            }
        );
    }

    #[test]
    fn yaml_values_carry_their_ranges() {
        let front = "id: KB-0001\ntags: [甲, 乙]\nreviewed: { by: 王敏, on: 2024-03-01 }\n";
        let node = parse(Format::Yaml, front).unwrap();
        let Value::Table(entries) = node.value else {
            panic!()
        };
        let (key, id) = &entries[0];
        assert_eq!(&front[key.range.clone()], "id");
        assert_eq!(&front[id.range.clone()], "KB-0001");
        let Value::List(tags) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(&front[tags[1].range.clone()], "乙");
    }

    #[test]
    fn yaml_on_and_no_are_text() {
        let node = parse(
            Format::Yaml,
            "reviewed: { by: 王敏, on: 2024-03-01 }\ntags: [no, yes]\n",
        )
        .unwrap();
        let Value::Table(entries) = node.value else {
            panic!()
        };
        let Value::Table(review) = &entries[0].1.value else {
            panic!()
        };
        assert_eq!(review[1].0.value, Value::Text("on".into()));
        let Value::List(tags) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(tags[0].value, Value::Text("no".into()));
    }

    #[test]
    fn toml_dates_become_text() {
        let front = "id = \"KB-0001\"\nupdated = 2024-03-18\nreviewed = { by = \"王敏\", on = 2024-03-20 }\n";
        let node = parse(Format::Toml, front).unwrap();
        let Value::Table(entries) = node.value else {
            panic!()
        };
        let (_, updated) = entries
            .iter()
            .find(|(k, _)| k.value == Value::Text("updated".into()))
            .unwrap();
        assert_eq!(updated.value, Value::Text("2024-03-18".into()));
        assert_eq!(&front[updated.range.clone()], "2024-03-18");
    }

    #[test]
    fn parse_errors_have_offsets() {
        let error = parse(Format::Yaml, "id: KB-1\ntitle: [unclosed\n").unwrap_err();
        assert!(error.offset.is_some(), "{error:?}");
        let error = parse(Format::Toml, "id = \"KB-1\"\ntitle = \n").unwrap_err();
        assert_eq!(error.offset, Some(20), "{error:?}");
    }
}
