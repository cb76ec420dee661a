//! Mermaid's link (edge) syntax: `-->`, `---`, `-.->`, `==>`, `~~~`, heads `<`, `o`, `x`,
//! longer arrows (`--->`), and text written inside the link (`-- 是 -->`, `-. 否 .->`).

use crate::model::{Head, Stroke};

#[derive(Debug, PartialEq)]
pub struct Link {
    pub stroke: Stroke,
    pub head_start: Head,
    pub head_end: Head,
    pub length: usize,
    /// Text written inside the link (`-- text -->`), as opposed to `-->|text|`.
    pub text: Option<String>,
}

/// Why a link could not be read: a message and the column offset (0-based, relative to the
/// start of the link) where it went wrong.
#[derive(Debug, PartialEq)]
pub struct LinkError {
    pub offset: usize,
    pub message: String,
    pub hint: Option<&'static str>,
}

fn count(s: &[char], from: usize, c: char) -> usize {
    s[from..].iter().take_while(|&&x| x == c).count()
}

/// An `o` or `x` right after the dashes is a head only if a node id does not continue there
/// (`--oB` is ambiguous in Mermaid too; `--o B` is a circle head).
fn head_at(s: &[char], i: usize) -> Option<Head> {
    let head = match s.get(i) {
        Some('>') => return Some(Head::Arrow),
        Some('o') => Head::Circle,
        Some('x') => Head::Cross,
        _ => return None,
    };
    match s.get(i + 1) {
        None => Some(head),
        Some(c) if c.is_whitespace() || *c == '|' || *c == ';' => Some(head),
        _ => None,
    }
}

/// Tries to read a link starting at `s[0]`. `Ok(None)` means "this is not a link at all";
/// on success returns the link and the number of characters consumed.
pub fn parse(s: &[char]) -> Result<Option<(Link, usize)>, LinkError> {
    let mut i = 0;
    let mut head_start = Head::None;
    match (s.first(), s.get(1)) {
        (Some('<'), Some('-' | '=' | '.')) => {
            head_start = Head::Arrow;
            i = 1;
        }
        (Some('o'), Some('-' | '=')) => {
            head_start = Head::Circle;
            i = 1;
        }
        (Some('x'), Some('-' | '=')) => {
            head_start = Head::Cross;
            i = 1;
        }
        _ => {}
    }
    let body = match s.get(i) {
        Some(&c @ ('-' | '=' | '~')) => c,
        _ => return Ok(None),
    };
    let n = count(s, i, body);
    let err = |offset: usize, message: &str, hint: Option<&'static str>| LinkError {
        offset,
        message: message.to_string(),
        hint,
    };
    if body == '~' {
        if n < 3 {
            return Err(err(i, "an invisible link is written `~~~`", None));
        }
        return Ok(Some((
            link(Stroke::Invisible, Head::None, Head::None, n - 2, None),
            i + n,
        )));
    }
    let stroke = if body == '=' {
        Stroke::Thick
    } else {
        Stroke::Normal
    };
    let j = i + n;
    // Dotted: `-.->`, `-..->`, `-.-`, or `-. text .->`.
    if body == '-' && n == 1 && s.get(j) == Some(&'.') {
        let dots = count(s, j, '.');
        let k = j + dots;
        if s.get(k) == Some(&'-') {
            let end = head_at(s, k + 1);
            let used = k + 1 + usize::from(end.is_some());
            return Ok(Some((
                link(
                    Stroke::Dotted,
                    head_start,
                    end.unwrap_or(Head::None),
                    dots,
                    None,
                ),
                used,
            )));
        }
        return inline_text(s, j + 1, Stroke::Dotted, head_start, &['.', '-'], i);
    }
    if n == 1 {
        return Err(err(
            i,
            &format!("`{body}` alone is not a link"),
            Some("write a link as `-->` (arrow), `---` (line), `-.->` (dotted) or `==>` (thick)"),
        ));
    }
    if let Some(h) = head_at(s, j) {
        return Ok(Some((link(stroke, head_start, h, n - 1, None), j + 1)));
    }
    if n >= 3 {
        return Ok(Some((link(stroke, head_start, Head::None, n - 2, None), j)));
    }
    // Exactly two: the start of `-- text -->` or `== text ==>`.
    inline_text(s, j, stroke, head_start, &[body, body], i)
}

fn link(
    stroke: Stroke,
    head_start: Head,
    head_end: Head,
    length: usize,
    text: Option<String>,
) -> Link {
    Link {
        stroke,
        head_start,
        head_end,
        length: length.max(1),
        text,
    }
}

/// Reads `text` up to the closing part of a link that carries its text inline.
fn inline_text(
    s: &[char],
    from: usize,
    stroke: Stroke,
    head_start: Head,
    closer: &[char],
    start: usize,
) -> Result<Option<(Link, usize)>, LinkError> {
    let body = closer[1];
    let mut k = from;
    while k + 1 < s.len() {
        if s[k] == closer[0] && s[k + 1] == closer[1] {
            let text: String = s[from..k].iter().collect();
            let text = text.trim().to_string();
            // The closing part: the dots or dashes, then an optional head.
            let mut e = k + 1;
            if stroke == Stroke::Dotted {
                e = k + 2;
            } else {
                e += count(s, e, body);
            }
            let run = if stroke == Stroke::Dotted { 1 } else { e - k };
            let head = head_at(s, e);
            if head.is_none() && run < 3 && stroke != Stroke::Dotted {
                k += 1;
                continue;
            }
            let used = e + usize::from(head.is_some());
            let length = if head.is_some() {
                run.saturating_sub(1)
            } else {
                run.saturating_sub(2)
            };
            if text.is_empty() {
                return Ok(Some((
                    link(stroke, head_start, head.unwrap_or(Head::None), length, None),
                    used,
                )));
            }
            return Ok(Some((
                link(
                    stroke,
                    head_start,
                    head.unwrap_or(Head::None),
                    length,
                    Some(text),
                ),
                used,
            )));
        }
        k += 1;
    }
    let shown: String = closer.iter().collect();
    Err(LinkError {
        offset: start,
        message: format!("link text is never closed: expected `{shown}>` after it"),
        hint: Some("write `A -- 文字 --> B` or `A -->|文字| B`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Link, usize) {
        let v: Vec<char> = s.chars().collect();
        parse(&v).unwrap().unwrap()
    }

    #[test]
    fn plain_links() {
        let (l, n) = p("--> B");
        assert_eq!(
            (l.stroke, l.head_end, l.length, n),
            (Stroke::Normal, Head::Arrow, 1, 3)
        );
        let (l, n) = p("---B");
        assert_eq!((l.head_end, n), (Head::None, 3));
        let (l, _) = p("---->B");
        assert_eq!(l.length, 3);
        let (l, n) = p("-.->B");
        assert_eq!((l.stroke, l.head_end, n), (Stroke::Dotted, Head::Arrow, 4));
        let (l, n) = p("==>B");
        assert_eq!((l.stroke, n), (Stroke::Thick, 3));
        let (l, _) = p("<--> B");
        assert_eq!((l.head_start, l.head_end), (Head::Arrow, Head::Arrow));
        let (l, _) = p("--o B");
        assert_eq!(l.head_end, Head::Circle);
        let (l, _) = p("~~~ B");
        assert_eq!(l.stroke, Stroke::Invisible);
    }

    #[test]
    fn inline_text_links() {
        let (l, n) = p("-- 是 --> B");
        assert_eq!(l.text.as_deref(), Some("是"));
        assert_eq!(n, 8);
        let (l, _) = p("-. 否 .-> B");
        assert_eq!((l.text.as_deref(), l.stroke), (Some("否"), Stroke::Dotted));
        let (l, _) = p("== 通过 ==> B");
        assert_eq!((l.text.as_deref(), l.stroke), (Some("通过"), Stroke::Thick));
        let (l, _) = p("-- a-b --- B");
        assert_eq!((l.text.as_deref(), l.head_end), (Some("a-b"), Head::None));
    }

    #[test]
    fn broken_links() {
        let v: Vec<char> = "-- 是 B".chars().collect();
        assert!(parse(&v).is_err());
        let v: Vec<char> = "- B".chars().collect();
        assert!(parse(&v).is_err());
        let v: Vec<char> = "B".chars().collect();
        assert_eq!(parse(&v), Ok(None));
    }
}
