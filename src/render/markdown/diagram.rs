//! ```` ```mermaid ```` blocks: drawn at build time as inline SVG, for a phone (the page) and
//! for a slide (the presentation views), with a link past a long one to the steps.

use std::ops::Range;

use pulldown_cmark::{Event, TagEnd};

use super::{Events, Renderer, escape_attribute};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// A diagram taller than this (CSS px, as drawn for a phone) gets a link above it to the steps
/// that follow: about half a phone's screen.
const LONG_DIAGRAM: f64 = 400.0;
/// The room a diagram has on a slide (CSS px at 1920×1080, see `present.css`).
const SLIDE_DIAGRAM: (f64, f64) = (1824.0, 930.0);

impl<'a> Renderer<'a, '_> {
    /// A ```` ```mermaid ```` block, drawn at build time as inline SVG.
    pub(super) fn diagram(&mut self, range: Range<usize>, events: &mut Events<'a>) {
        let mut source = String::new();
        for (event, _) in events.by_ref() {
            match event {
                Event::Text(text) => source.push_str(&text),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        self.diagrams += 1;
        // Laid out for a phone (the page) and for a slide (the presentation views).
        let options = qaportal_diagram::Options {
            id_prefix: format!("{}-d{}", self.input.id_prefix, self.diagrams),
            title: self.doc.headings.last().map(|h| h.text.clone()),
            ..Default::default()
        };
        match qaportal_diagram::render(&source, &options) {
            Ok(diagram) => {
                self.doc.text.push_str(&diagram.description);
                self.end_block();
                if diagram.height > LONG_DIAGRAM {
                    // Filled in by `finish` when a steps section follows.
                    self.skips.push((self.slots.len(), self.doc.headings.len()));
                    self.trusted(String::new());
                }
                self.trusted(diagram.html);
                let slide = qaportal_diagram::Options {
                    fit: qaportal_diagram::Fit::Screen {
                        width: SLIDE_DIAGRAM.0,
                        height: SLIDE_DIAGRAM.1,
                    },
                    ..options
                };
                if let Ok(drawn) = qaportal_diagram::render(&source, &slide) {
                    self.doc.diagrams.push(drawn.html);
                }
            }
            Err(errors) => {
                // Lines of the block count from the line after the opening fence.
                let file = self.input.text;
                let fence_start = self.input.body_start + range.start;
                let fence_line = file[..fence_start].matches('\n').count() + 1;
                for error in errors {
                    let line = fence_line + error.line;
                    let offset = line_offset(file, line, error.column);
                    let mut diagnostic =
                        Diagnostic::error("diagram", format!("flowchart: {}", error.message))
                            .at(Span::new(self.input.source, offset..offset))
                            .label("in this mermaid block");
                    if let Some(hint) = error.hint {
                        diagnostic = diagnostic.help(hint);
                    }
                    self.doc.diagnostics.push(diagnostic);
                }
            }
        }
    }

    /// Fills the slot above each long diagram with a link to the steps section after it, when
    /// one follows; otherwise the slot stays empty.
    pub(super) fn skip_links(&self, slots: &mut [String]) {
        for &(slot, headings_before) in &self.skips {
            let steps = self.doc.headings[headings_before..].iter().find(|h| {
                h.level <= 2
                    && self
                        .settings
                        .steps_headings
                        .iter()
                        .any(|s| s == h.text.trim_end_matches([':', '：']))
            });
            if let Some(heading) = steps {
                let mut link = String::from("<p class=\"jump\"><a href=\"#");
                escape_attribute(&mut link, &heading.id);
                link.push_str("\">↓ 跳过流程图，看");
                escape_attribute(&mut link, &heading.text);
                link.push_str("</a></p>");
                slots[slot] = link;
            }
        }
    }
}

/// Byte offset of a 1-based line and column (in characters) of `text`, clamped to the text.
fn line_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}
