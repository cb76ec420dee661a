//! SVG files under `content/` are published as they are. Shown with `<img>` they never run
//! script, but opened on their own (a reader's "open image in new tab", a link) they are
//! documents of the site's origin: a `<script>`, an event handler or a `javascript:` link in one
//! would run there, and a reference to another site would be fetched. Such a file is an error at
//! its place; drawings from editors (shapes, text, gradients, embedded PNG or JPEG) pass.

use crate::markup::{StartTagSeen, css_urls, start_tags};
use crate::url_policy;

/// One problem: the line and column (from 1) and what is wrong.
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Elements that run script or embed other documents.
const ACTIVE: &[&str] = &[
    "script",
    "foreignobject",
    "handler",
    "listener",
    "iframe",
    "embed",
    "object",
];

pub fn check(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    for tag in start_tags(text) {
        for message in tag_problems(&tag) {
            let line = (tag.line as usize).clamp(1, lines.len().max(1));
            let line_text = lines.get(line - 1).copied().unwrap_or("");
            let at = line_text
                .to_ascii_lowercase()
                .find(&format!("<{}", tag.name))
                .map_or(0, |i| line_text[..i].chars().count());
            problems.push(Problem {
                line,
                column: at + 1,
                message,
            });
        }
    }
    problems
}

fn tag_problems(tag: &StartTagSeen) -> Vec<String> {
    let name = tag.name.as_str();
    let mut found = Vec::new();
    if ACTIVE.contains(&name) {
        found.push(format!("`<{name}>` would run or embed a document"));
    }
    let animated = tag
        .attributes
        .iter()
        .find(|(a, _)| a == "attributename")
        .map(|(_, v)| v.to_ascii_lowercase());
    for (attribute, value) in &tag.attributes {
        if attribute.starts_with("on") {
            found.push(format!("`<{name} {attribute}>` is an event handler"));
        } else if matches!(attribute.as_str(), "href" | "xlink:href" | "src") {
            if let Some(problem) = reference_problem(name, value) {
                found.push(format!("`<{name} {attribute}>`: {problem}"));
            }
        } else if attribute == "style" {
            found.extend(css_problems(name, value));
        } else if matches!(attribute.as_str(), "to" | "values" | "from")
            && animated
                .as_deref()
                .is_some_and(|a| a.ends_with("href") || a.starts_with("on"))
        {
            found.push(format!(
                "`<{name}>` animates `{}`",
                animated.clone().unwrap_or_default()
            ));
        }
    }
    if let Some(style) = &tag.style_text {
        found.extend(css_problems("style", style));
    }
    found
}

/// A reference the file may hold: a fragment or a file of this site, or an embedded raster
/// image (editors embed photos as `data:image/png;base64,…`).
fn reference_problem(name: &str, url: &str) -> Option<String> {
    let read = url_policy::as_browser_reads(url).to_ascii_lowercase();
    let raster = ["png", "jpeg", "jpg", "gif", "webp"]
        .iter()
        .any(|t| read.starts_with(&format!("data:image/{t};")));
    if raster && name == "image" {
        return None;
    }
    match url_policy::check_resource(url) {
        Ok(_) => None,
        Err(url_policy::Resource::External) => Some(format!(
            "`{url}` is on another site, which readers' browsers would ask for"
        )),
        Err(url_policy::Resource::Unsafe(problem)) => Some(problem.message(url, "URLs")),
    }
}

fn css_problems(name: &str, css: &str) -> Vec<String> {
    css_urls(css)
        .into_iter()
        .filter_map(|url| reference_problem(name, &url).map(|p| format!("CSS `url()`: {p}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(svg: &str) -> Vec<String> {
        check(svg)
            .into_iter()
            .map(|p| format!("{}:{} {}", p.line, p.column, p.message))
            .collect()
    }

    #[test]
    fn a_drawing_passes() {
        let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
                   xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">\n\
                   <defs><linearGradient id=\"g\"/></defs><style>.a{fill:url(#g)}</style>\n\
                   <rect class=\"a\" width=\"10\" height=\"10\" style=\"fill:url(#g)\"/>\
                   <use xlink:href=\"#g\"/><image href=\"data:image/png;base64,iVBORw0KGgo=\"/>\
                   <text>转账 &lt;script&gt;</text></svg>";
        assert_eq!(messages(svg), Vec::<String>::new());
    }

    #[test]
    fn script_handlers_and_other_sites_are_found() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n\
                   <script>alert(1)</script>\n\
                   <rect onclick=\"alert(1)\"/>  <a xlink:href=\"&#106;avascript:alert(1)\"><text>x</text></a>\n\
                   <image href=\"https://evil.example.com/t.png\"/><foreignObject><div/></foreignObject>\n\
                   <set attributeName=\"href\" to=\"javascript:alert(1)\"/>\
                   <style>@import url(https://evil.example.com/s.css);</style>\n\
                   <image href=\"data:text/html;base64,PHNjcmlwdD4=\"/></svg>";
        let found = messages(svg);
        let expected = [
            "2:1 `<script>` would run or embed a document",
            "3:1 `<rect onclick>` is an event handler",
            "3:29 `<a xlink:href>`: `javascript:` URLs are not allowed",
            "4:1 `<image href>`: `https://evil.example.com/t.png` is on another site",
            "4:47 `<foreignobject>` would run or embed a document",
            "5:1 `<set>` animates `href`",
            "5:53 CSS `url()`: `https://evil.example.com/s.css` is on another site",
            "6:1 `<image href>`: `data:` URLs are not allowed",
        ];
        for e in expected {
            assert!(found.iter().any(|f| f.starts_with(e)), "{e} in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }
}
