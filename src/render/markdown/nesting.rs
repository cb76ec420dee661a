//! The nesting guard: documents nested deeper than a reader can follow are refused before they
//! are rendered, because the HTML parsers after us take time in proportion to depth × size.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};

/// How deep markdown containers (lists, quotes, emphasis, links) and raw HTML elements may be
/// nested in one document. Deeper documents are refused before they are rendered: HTML
/// parsers (the sanitizer's, browsers') take time in proportion to depth × size on them
/// (100,000 nested `<div>`s took 37 s), and no reader follows more than a few levels.
pub const MAX_NESTING: usize = 64;

/// Where the document first nests deeper than [`MAX_NESTING`], in one linear pass.
pub(super) fn too_deep(body: &str, options: Options) -> Option<Range<usize>> {
    let mut depth = 0usize;
    let mut html_depth = 0usize;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html)
                if html_nesting(html, &mut html_depth, MAX_NESTING.saturating_sub(depth)) =>
            {
                return Some(range);
            }
            _ => {}
        }
        if depth + html_depth > MAX_NESTING {
            return Some(range);
        }
    }
    None
}

/// Updates the depth of open raw HTML elements with the tags of `html`; true as soon as it goes
/// over `limit`. Void elements and those whose end tag may be left out (`<p>`, `<li>`, …) do
/// not count.
fn html_nesting(html: &str, depth: &mut usize, limit: usize) -> bool {
    const NOT_NESTING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
        "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
    ];
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        i += lt + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let name_len = bytes[start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..start + name_len].to_ascii_lowercase();
        let end = html[start..].find('>').map_or(html.len(), |e| start + e);
        let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
        i = end.min(html.len());
        if NOT_NESTING.contains(&name.as_str()) || self_closing {
            continue;
        }
        if closing {
            *depth = depth.saturating_sub(1);
        } else {
            *depth += 1;
            if *depth > limit {
                return true;
            }
        }
    }
    false
}
