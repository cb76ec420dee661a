//! What the author is told about raw HTML before the sanitizer cleans it: a URL that breaks the
//! [`url_policy`] (`<a href="javascript:…">`), and anything that would make readers' browsers
//! fetch from another site (`<img src="https://…">`, `srcset`, `<video poster>`, `<link>`,
//! CSS `url()`), are errors at their place in the file, like the same link or image in markdown.
//!
//! The sanitizer removes all of this from the page anyway (and more: scripts, event handlers,
//! styles are dropped silently, as documented); this pass only finds what to report, with
//! [`markup`](crate::markup)'s tokenizer, which decodes entities and reads quotes exactly as a
//! browser does.

use crate::diagnostic::Diagnostic;
use crate::markup::{css_urls, start_tags};
use crate::source::{SourceId, Span};
use crate::url_policy::{self, Resource};

/// One problem in a piece of raw HTML.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset in the checked text: the attribute's name, or the tag.
    pub offset: usize,
    pub problem: Problem,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    /// A URL the policy refuses, in `<tag attribute>`.
    Unsafe {
        tag: String,
        attribute: String,
        url: String,
        problem: url_policy::Unsafe,
    },
    /// A resource from another site, which the page would fetch.
    External {
        tag: String,
        attribute: String,
        url: String,
    },
}

/// Checks one piece of raw HTML (a block, or an inline tag).
pub fn check(text: &str) -> Vec<Finding> {
    if !text.contains('<') {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let lower = text.to_ascii_lowercase();
    for (tag_at, tag) in located_tags(text, &lower) {
        for (attribute, value) in &tag.attributes {
            let offset = attribute_offset(&lower, tag_at, attribute);
            for (url, fetched) in urls(&tag.name, attribute, value, &tag.attributes) {
                let problem = if fetched {
                    match url_policy::check_resource(&url) {
                        Ok(_) => continue,
                        Err(Resource::External) => Problem::External {
                            tag: tag.name.clone(),
                            attribute: attribute.clone(),
                            url,
                        },
                        Err(Resource::Unsafe(problem)) => Problem::Unsafe {
                            tag: tag.name.clone(),
                            attribute: attribute.clone(),
                            url,
                            problem,
                        },
                    }
                } else {
                    match url_policy::check(&url) {
                        Ok(_) => continue,
                        Err(problem) => Problem::Unsafe {
                            tag: tag.name.clone(),
                            attribute: attribute.clone(),
                            url,
                            problem,
                        },
                    }
                };
                findings.push(Finding { offset, problem });
            }
        }
        if let Some(style) = &tag.style_text {
            for url in css_urls(style) {
                let problem = match url_policy::check_resource(&url) {
                    Ok(_) => continue,
                    Err(Resource::External) => Problem::External {
                        tag: "style".into(),
                        attribute: "url()".into(),
                        url,
                    },
                    Err(Resource::Unsafe(problem)) => Problem::Unsafe {
                        tag: "style".into(),
                        attribute: "url()".into(),
                        url,
                        problem,
                    },
                };
                findings.push(Finding {
                    offset: tag_at,
                    problem,
                });
            }
        }
    }
    findings
}

/// A link or an image that raw HTML puts on the page (`<a href>`, `<img src>`: the only URL
/// attributes the sanitizer keeps), to be resolved like its markdown equivalent: `KB-0042`, a
/// path relative to the article, a site path under the site's base path.
#[derive(Debug, PartialEq, Eq)]
pub struct RawLink {
    pub image: bool,
    /// The URL as the browser reads it (entities decoded).
    pub url: String,
    /// Byte offset of the attribute's name in the checked text.
    offset: usize,
}

/// The links and images of one piece of raw HTML.
pub fn links(text: &str) -> Vec<RawLink> {
    if !text.contains('<') {
        return Vec::new();
    }
    let mut links = Vec::new();
    let lower = text.to_ascii_lowercase();
    for (tag_at, tag) in located_tags(text, &lower) {
        let image = match tag.name.as_str() {
            "a" => false,
            "img" => true,
            _ => continue,
        };
        let wanted = if image { "src" } else { "href" };
        // A browser keeps the first of repeated attributes, and so does the tokenizer.
        if let Some((attribute, url)) = tag.attributes.iter().find(|(name, _)| name == wanted) {
            links.push(RawLink {
                image,
                url: url.clone(),
                offset: attribute_offset(&lower, tag_at, attribute),
            });
        }
    }
    links
}

/// The start tags of `text`, each with the byte offset of its `<` (found in `lower`, the text
/// in ASCII lower case).
fn located_tags(text: &str, lower: &str) -> Vec<(usize, crate::markup::StartTagSeen)> {
    let mut cursor = 0;
    start_tags(text)
        .into_iter()
        .map(|tag| {
            // Tags come in order: each is the next `<name` in the text.
            let tag_at = lower[cursor..]
                .find(&format!("<{}", tag.name))
                .map_or(cursor, |i| cursor + i);
            cursor = (tag_at + 1).min(text.len());
            (tag_at, tag)
        })
        .collect()
}

/// Byte offset of `attribute`'s name in the tag starting at `tag_at` (the tag's when not
/// found), in `lower`, the checked text in ASCII lower case.
fn attribute_offset(lower: &str, tag_at: usize, attribute: &str) -> usize {
    lower[tag_at..]
        .find(attribute)
        .map_or(tag_at, |i| tag_at + i)
}

/// A piece of raw HTML as pulldown-cmark hands it over (an inline tag, or the lines of an HTML
/// block without the `>` or indentation of their container), with where each part starts in
/// the file.
#[derive(Default)]
pub struct RawChunk {
    text: String,
    /// (offset in `text`, offset in the file) of each part.
    parts: Vec<(usize, usize)>,
}

impl RawChunk {
    pub fn push(&mut self, html: &str, start: usize, file: &str) {
        // The event's range may include a container's prefix: find where the text begins.
        let source = file.get(start..).unwrap_or("");
        let start = start + source.find(html).filter(|&i| i < 8).unwrap_or(0);
        self.parts.push((self.text.len(), start));
        self.text.push_str(html);
    }

    /// The links and images of the chunk, each with the place of its attribute in the file.
    pub fn links(&self, source: SourceId) -> Vec<(RawLink, Span)> {
        links(&self.text)
            .into_iter()
            .map(|link| {
                let attribute = if link.image { "src" } else { "href" };
                let tag = if link.image { "img" } else { "a" };
                let span = self.span(source, link.offset, attribute, tag);
                (link, span)
            })
            .collect()
    }

    /// The place in the file of the attribute named at `at` (or of the tag's name).
    fn span(&self, source: SourceId, at: usize, attribute: &str, tag: &str) -> Span {
        let rest = &self.text[at..];
        let len = if rest.len() >= attribute.len()
            && rest.as_bytes()[..attribute.len()].eq_ignore_ascii_case(attribute.as_bytes())
        {
            attribute.len()
        } else {
            tag.len() + 1
        };
        let start = self.source_offset(at);
        let end = self.source_offset(at + len.min(rest.len())).max(start);
        Span::new(source, start..end)
    }

    /// The file offset of `offset` in `text`.
    fn source_offset(&self, offset: usize) -> usize {
        let i = self.parts.partition_point(|&(at, _)| at <= offset).max(1) - 1;
        let (at, start) = self.parts.get(i).copied().unwrap_or((0, 0));
        start + (offset - at)
    }

    /// What the sanitizer would remove from the chunk because it is dangerous rather than
    /// merely unsupported, as errors at their place in the file: URLs the policy refuses, and
    /// resources from other sites.
    pub fn diagnostics(&self, source: SourceId) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for finding in check(&self.text) {
            let (tag, attribute, diagnostic) = match finding.problem {
                Problem::Unsafe {
                    tag,
                    attribute,
                    url,
                    problem,
                } => {
                    let message =
                        format!("`<{tag} {attribute}>`: {}", problem.message(&url, "URLs"));
                    let diagnostic = Diagnostic::error("unsafe-link", message)
                        .label("this attribute")
                        .help(problem.help());
                    (tag, attribute, diagnostic)
                }
                Problem::External {
                    tag,
                    attribute,
                    url,
                } => {
                    let message = format!("`<{tag} {attribute}>` loads `{url}` from another site");
                    let diagnostic = Diagnostic::error("external-resource", message)
                        .label("pages must not load anything from other sites")
                        .help(
                            "save the file next to the article (e.g. images/) and use its relative \
                             path; in markdown: ![说明](images/transfer.png)",
                        );
                    (tag, attribute, diagnostic)
                }
            };
            let span = self.span(source, finding.offset, &attribute, &tag);
            diagnostics.push(diagnostic.at(span));
        }
        diagnostics
    }
}

/// The URLs in one attribute, each with whether the browser fetches it (rather than navigating
/// to it when clicked).
fn urls(
    tag: &str,
    attribute: &str,
    value: &str,
    attributes: &[(String, String)],
) -> Vec<(String, bool)> {
    let one = |fetched: bool| vec![(value.to_string(), fetched)];
    match attribute {
        // Followed when clicked or submitted: any allowed URL, other sites included.
        "href" if matches!(tag, "a" | "area") => one(false),
        "action" | "formaction" | "cite" | "longdesc" => one(false),
        // Fetched as the page loads (or, for `ping`, silently on a click).
        "href" | "xlink:href" | "src" | "poster" | "data" | "codebase" | "classid" | "archive"
        | "background" | "lowsrc" | "dynsrc" | "manifest" | "ping" | "icon" => one(true),
        "srcset" | "imagesrcset" => value
            .split(',')
            .filter_map(|candidate| candidate.split_whitespace().next())
            .map(|url| (url.to_string(), true))
            .collect(),
        "style" => css_urls(value).into_iter().map(|u| (u, true)).collect(),
        // `<meta http-equiv="refresh" content="0; url=…">` navigates by itself.
        "content" if tag == "meta" => {
            let refresh = attributes
                .iter()
                .any(|(n, v)| n == "http-equiv" && v.eq_ignore_ascii_case("refresh"));
            let lower = value.to_ascii_lowercase();
            match lower.find("url=") {
                Some(i) if refresh => vec![(value[i + 4..].trim().to_string(), false)],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(html: &str) -> Vec<String> {
        check(html)
            .into_iter()
            .map(|f| match f.problem {
                Problem::Unsafe {
                    tag,
                    attribute,
                    problem,
                    ..
                } => format!("unsafe {tag} {attribute} {problem} @{}", f.offset),
                Problem::External {
                    tag,
                    attribute,
                    url,
                } => {
                    format!("external {tag} {attribute} {url} @{}", f.offset)
                }
            })
            .collect()
    }

    #[test]
    fn finds_unsafe_links_however_encoded() {
        for html in [
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
            "<A HREF=' JaVa&Tab;ScRiPt:alert(1)'>x</A>",
            "<a\nhref=javascript:alert(1)>x</a>",
        ] {
            let found = problems(html);
            assert_eq!(found.len(), 1, "{html}: {found:?}");
            assert!(
                found[0].starts_with("unsafe a href `javascript:`"),
                "{html}: {found:?}"
            );
        }
        assert!(
            problems("<a href=\"https://example.com/\">x</a><a href=\"KB-0042\">y</a>").is_empty()
        );
    }

    #[test]
    fn finds_everything_that_would_fetch_from_another_site() {
        let html = "<p>前文</p>\n<img src=\"https://evil.example.com/a.png\">\
                    <img srcset=\"a.png 1x, https://evil.example.com/b.png 2x\">\
                    <video poster=\"//evil.example.com/p.png\"><source src=\"https://evil.example.com/v.mp4\"></video>\
                    <link rel=stylesheet href=\"https://evil.example.com/s.css\">\
                    <p style=\"background: url('https://evil.example.com/c.png')\">x</p>\
                    <style>@import \"https://evil.example.com/i.css\"; p { background: url(https://evil.example.com/d.png) }</style>\
                    <object data=\"https://evil.example.com/o.swf\"></object><iframe src=\"https://evil.example.com/\"></iframe>";
        let found = problems(html);
        let expected = [
            "external img src https://evil.example.com/a.png",
            "external img srcset https://evil.example.com/b.png",
            "unsafe video poster protocol-relative URL",
            "external source src https://evil.example.com/v.mp4",
            "external link href https://evil.example.com/s.css",
            "external p style https://evil.example.com/c.png",
            "external style url() https://evil.example.com/d.png",
            "external style url() https://evil.example.com/i.css",
            "external object data https://evil.example.com/o.swf",
            "external iframe src https://evil.example.com/",
        ];
        for e in expected {
            assert!(found.iter().any(|f| f.starts_with(e)), "{e} in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        // Positions point at the attribute.
        let img = found
            .iter()
            .find(|f| f.starts_with("external img src"))
            .unwrap();
        assert!(
            img.ends_with(&format!("@{}", html.find("src=").unwrap())),
            "{img}"
        );
    }

    #[test]
    fn local_resources_and_text_are_fine() {
        assert!(
            problems("<img src=\"images/a.png\" alt=\"x\"><img src=\"/static/b.png\">").is_empty()
        );
        // Inside a textarea or a script, tags are text: nothing is fetched from there.
        assert!(
            problems("<textarea><img src=\"https://x.example.com/a.png\"></textarea>").is_empty()
        );
        assert!(problems("没有标签的文字").is_empty());
    }

    #[test]
    fn meta_refresh_is_a_navigation() {
        let found =
            problems("<meta http-equiv=\"refresh\" content=\"0; url=javascript:alert(1)\">");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("unsafe meta content"), "{found:?}");
    }
}
