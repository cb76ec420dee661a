//! What a reader would find empty or what nobody reads: systems without answers, headings with
//! nothing under them (often left from a template), and images under `content/` that no page
//! shows.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::Rendered;
use crate::source::{SourceId, Sources, Span};

const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp"];

pub fn check(site: &Site, rendered: &Rendered, sources: &Sources, diagnostics: &mut Diagnostics) {
    empty_systems(site, diagnostics);
    for article in &site.content.articles {
        let text = &sources.get(article.source).text;
        diagnostics.extend(empty_sections(text, article.body_start, article.source));
    }
    unused_images(site, rendered, diagnostics);
}

fn empty_systems(site: &Site, diagnostics: &mut Diagnostics) {
    for system in &site.content.systems {
        if site.content.articles.iter().any(|a| a.system == system.key) {
            continue;
        }
        let mut diagnostic = Diagnostic::warning(
            "empty-system",
            format!(
                "system {} ({}) has no published answers",
                system.key, system.title
            ),
        )
        .help("add answers to the folder, publish its drafts, or remove the folder");
        if let Some(source) = system.source {
            diagnostic = diagnostic
                .at(Span::file_start(source))
                .label("its page lists nothing");
        }
        diagnostics.push(diagnostic);
    }
}

/// Headings followed directly by a heading of the same or a higher level, or by the end.
pub fn empty_sections(text: &str, body_start: usize, source: SourceId) -> Vec<Diagnostic> {
    let body = &text[body_start..];
    let mut open: Option<(u8, std::ops::Range<usize>, String)> = None;
    let mut heading: Option<(u8, std::ops::Range<usize>, String)> = None;
    let mut found = Vec::new();
    let mut report = |(_, range, title): (u8, std::ops::Range<usize>, String)| {
        found.push(
            Diagnostic::warning("empty-section", format!("section “{title}” is empty"))
                .at(Span::new(
                    source,
                    body_start + range.start..body_start + range.end,
                ))
                .label("nothing under this heading")
                .help("write the section, or remove the heading"),
        );
    };
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                if let Some(previous) = open.take()
                    && (level as u8) <= previous.0
                {
                    report(previous);
                }
                heading = Some((level as u8, range, String::new()));
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                heading.as_mut().expect("checked").2.push_str(&t);
            }
            Event::End(TagEnd::Heading(_)) => {
                open = heading.take().map(|(l, r, t)| (l, r, t.trim().to_string()));
            }
            // Anything else under the heading gives it content.
            _ if heading.is_none() => open = None,
            _ => {}
        }
    }
    if let Some(last) = open {
        report(last);
    }
    found
}

fn unused_images(site: &Site, rendered: &Rendered, diagnostics: &mut Diagnostics) {
    for asset in &site.content.assets {
        let is_image = asset
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        let path = crate::source::display_path(std::path::Path::new(""), asset);
        if is_image && !rendered.assets.contains(&path) {
            diagnostics.push(
                Diagnostic::warning(
                    "unused-image",
                    format!("content/{path} is not shown on any page"),
                )
                .help("link it from an answer (![说明](images/…)) or delete it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty(body: &str) -> Vec<String> {
        empty_sections(body, 0, SourceId::from_index(0))
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn finds_headings_without_content() {
        assert_eq!(
            empty("## 问题描述\n\n## 处理步骤\n\n1. 打开 APP\n\n## 注意事项\n"),
            ["section “问题描述” is empty", "section “注意事项” is empty"]
        );
        assert!(
            empty("## 处理步骤\n\n### 方式一\n\n文字\n").is_empty(),
            "a sub-heading with text is content"
        );
        assert_eq!(
            empty("## 处理步骤\n\n### 方式一\n"),
            ["section “方式一” is empty"]
        );
        assert!(empty("## 问题描述\n\n```mermaid\nflowchart TD\nA-->B\n```\n").is_empty());
    }
}
