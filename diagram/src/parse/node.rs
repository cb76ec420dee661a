//! A node reference or declaration: `A`, `A[文字]`, `A(文字)`, `A([文字])`, `A{文字}`, …

use crate::model::Shape;

pub struct Decl {
    pub id: String,
    /// 1-based column of the id.
    pub column: usize,
    pub shape: Option<(Shape, String)>,
}

pub struct NodeError {
    pub column: usize,
    pub message: String,
    pub hint: Option<&'static str>,
}

/// Openers, longest first so `([` wins over `(`. `None` marks shapes Mermaid has but the
/// renderer does not draw; they get an error that names a replacement.
const SHAPES: &[(&str, &str, Option<Shape>)] = &[
    ("([", "])", Some(Shape::Stadium)),
    ("((", "))", Some(Shape::Circle)),
    ("[[", "]]", Some(Shape::Subroutine)),
    ("{{", "}}", Some(Shape::Hexagon)),
    ("[(", ")]", None),
    ("[/", "]", None),
    ("[\\", "]", None),
    ("(", ")", Some(Shape::Round)),
    ("[", "]", Some(Shape::Rect)),
    ("{", "}", Some(Shape::Diamond)),
    (">", "]", None),
];

fn starts_with(s: &[char], i: usize, pat: &str) -> bool {
    pat.chars()
        .enumerate()
        .all(|(k, c)| s.get(i + k) == Some(&c))
}

fn is_id_char(s: &[char], i: usize) -> bool {
    match s.get(i) {
        Some(c) if c.is_alphanumeric() || *c == '_' => true,
        // `step-1` is an id; `A-->B` and `A-.->B` are not.
        Some('-') => s
            .get(i + 1)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_'),
        _ => false,
    }
}

pub fn parse(s: &[char], start: usize) -> Result<(Decl, usize), NodeError> {
    let mut i = start;
    while is_id_char(s, i) {
        i += 1;
    }
    if i == start {
        let found: String = s[start..].iter().take(10).collect();
        return Err(NodeError {
            column: start + 1,
            message: if found.is_empty() {
                "expected a node".to_string()
            } else {
                format!("expected a node id, found `{}`", found.trim())
            },
            hint: Some(
                "a node is an id, optionally with a shape: `A`, `A[文字]`, `A(文字)`, `A{判断}`, `A([开始])`",
            ),
        });
    }
    let id: String = s[start..i].iter().collect();
    let mut decl = Decl {
        id,
        column: start + 1,
        shape: None,
    };
    for &(open, close, shape) in SHAPES {
        if !starts_with(s, i, open) {
            continue;
        }
        let text_start = i + open.chars().count();
        let Some(shape) = shape else {
            return Err(NodeError {
                column: i + 1,
                message: format!("the node shape `{open}…{close}` is not supported"),
                hint: Some(
                    "use `[文字]` (step), `(文字)` (rounded), `([文字])` (start/end), `{文字}` (decision), `((文字))`, `[[文字]]` or `{{文字}}`",
                ),
            });
        };
        let (text, end) = read_text(s, text_start, close).ok_or_else(|| NodeError {
            column: i + 1,
            message: format!("`{open}` is never closed: expected `{close}`"),
            hint: Some(
                "close the node text, or put text with brackets in quotes: `A[\"文字(备注)\"]`",
            ),
        })?;
        decl.shape = Some((shape, text));
        i = end;
        break;
    }
    // `:::className` styling is accepted and ignored (colours come from the theme).
    if starts_with(s, i, ":::") {
        i += 3;
        while is_id_char(s, i) {
            i += 1;
        }
    }
    Ok((decl, i))
}

/// Reads a node's text up to `close`. Quoted text (`"…"`, Mermaid's way to allow any character)
/// may contain the closer; Markdown strings ("`…`") lose their backticks.
fn read_text(s: &[char], from: usize, close: &str) -> Option<(String, usize)> {
    let mut i = from;
    while s.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    if s.get(i) == Some(&'"') {
        let q = s[i + 1..].iter().position(|&c| c == '"')?;
        let text: String = s[i + 1..i + 1 + q].iter().collect();
        let mut k = i + q + 2;
        while s.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        if starts_with(s, k, close) {
            let text = text.trim().trim_matches('`').to_string();
            return Some((text, k + close.chars().count()));
        }
        // Not a fully quoted label (`["a" b]`): fall through and read it literally.
    }
    let mut k = from;
    while k < s.len() {
        if starts_with(s, k, close) {
            let text: String = s[from..k].iter().collect();
            return Some((text.trim().to_string(), k + close.chars().count()));
        }
        k += 1;
    }
    None
}
