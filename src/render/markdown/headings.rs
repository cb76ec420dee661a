//! Headings: an id that works for Chinese text (unique in the document), the document's list of
//! headings, where the steps section starts, and the attributes that are not published.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{Events, Heading, Renderer};
use crate::render::{sanitize, slug};

impl<'a> Renderer<'a, '_> {
    pub(super) fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        range: Range<usize>,
        events: &mut Events<'a>,
    ) {
        self.check_heading_attributes(id.as_deref(), &classes, &attrs, range);
        let start = self.out.len();
        let mut text = String::new();
        while let Some((event, range)) = events.next() {
            if let Event::End(TagEnd::Heading(_)) = event {
                break;
            }
            if let Event::Text(t) | Event::Code(t) = &event {
                text.push_str(t);
            }
            self.event(event, range, events);
        }
        let inner: Vec<Event<'a>> = self.out.drain(start..).collect();
        let text = text.trim().to_string();
        let wanted = id
            .map(|id| id.to_string())
            .unwrap_or_else(|| slug::slugify(&text));
        let id = slug::unique(&wanted, &self.doc.anchors, &mut self.suffixes);
        self.doc.anchors.insert(id.clone());
        let level_number = level as u8;
        if level_number <= 2 {
            let name = text.trim_end_matches([':', '：']);
            self.in_steps_section = self.settings.steps_headings.iter().any(|h| h == name);
        }
        self.end_block();
        self.doc.headings.push(Heading {
            level: level_number,
            id: id.clone(),
            text,
        });
        // Only the anchor is published: classes and other attributes (`{onfocus=…}`) were
        // reported above.
        self.out.push(Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        self.out.extend(inner);
        self.out.push(Event::End(TagEnd::Heading(level)));
    }

    /// Reports heading attributes other than the anchor (see [`sanitize::heading_attributes`]).
    fn check_heading_attributes(
        &mut self,
        id: Option<&str>,
        classes: &[CowStr<'a>],
        attrs: &[(CowStr<'a>, Option<CowStr<'a>>)],
        range: Range<usize>,
    ) {
        let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
        let keys: Vec<&str> = attrs.iter().map(|(key, _)| key.as_ref()).collect();
        let Some(problem) = sanitize::heading_attributes(id, &classes, &keys) else {
            return;
        };
        // The `{…}` at the end of the heading's first line.
        let source = &self.body[range.clone()];
        let line_end = source.find('\n').unwrap_or(source.len());
        let span = match source[..line_end].rfind('{') {
            Some(open) => {
                let close = source[open..line_end]
                    .find('}')
                    .map_or(line_end, |c| open + c + 1);
                self.span(range.start + open..range.start + close)
            }
            None => self.span(range.start..range.start + line_end),
        };
        self.doc.diagnostics.push(problem.at(span));
    }
}
