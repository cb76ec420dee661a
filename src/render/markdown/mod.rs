//! Markdown to HTML for one document, in one pass over pulldown-cmark's events.
//!
//! On the way it gives headings ids that work for Chinese text, numbers the fix steps
//! (`#step-N`), rewrites and checks links and images, handles raw HTML per the site's policy and
//! collects the plain text for search. Checks that need other documents (the anchor of a link to
//! another answer) are recorded and done by the caller once every document is rendered.
//!
//! The events are dispatched here; each job of the one `Renderer` is an `impl` block in a module
//! of its own: `headings`, `steps`, `links` (and images), `diagram`, `slots` (trusted markup
//! past the sanitizer), and the `nesting` guard that runs before rendering.

mod diagram;
mod headings;
mod links;
mod nesting;
mod slots;
mod steps;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::links::Resolver;
use super::raw_html::RawChunk;
use super::sanitize;
use crate::config::RawHtml;
use crate::diagnostic::Diagnostic;
use crate::model::ArticleId;
use crate::source::{SourceId, Span};
pub use nesting::MAX_NESTING;
use nesting::too_deep;
pub use slots::SLOT_ATTRIBUTE;
use slots::fill_slots;

/// One markdown document to render.
pub struct Input<'a> {
    /// The whole file; ranges in diagnostics are offsets into it.
    pub text: &'a str,
    pub body_start: usize,
    pub source: SourceId,
    /// Folder of the file relative to `content/`, for relative links.
    pub dir: &'a str,
    /// Whether this document has fix steps to number (articles do).
    pub steps: bool,
    /// Prefix of generated ids that must be unique on a page (diagrams), e.g. `kb-0042`.
    pub id_prefix: &'a str,
}

pub struct Settings<'a> {
    pub raw_html: RawHtml,
    pub steps_headings: &'a [String],
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub number: u64,
    pub id: String,
    /// The step's text, plain, for captions.
    pub text: String,
    /// The step's content as HTML (without its `<li>`), for presentation views.
    pub html: String,
}

/// A link to an anchor, checked once all documents are rendered.
#[derive(Debug, Clone)]
pub struct AnchorUse {
    /// `None`: an anchor in the same document.
    pub article: Option<ArticleId>,
    pub anchor: String,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct Document {
    pub html: String,
    pub headings: Vec<Heading>,
    pub steps: Vec<Step>,
    pub anchors: HashSet<String>,
    /// The text without markup, for search and descriptions.
    pub text: String,
    /// The first paragraph's text, the summary when the front matter has none.
    pub first_paragraph: String,
    pub anchor_uses: Vec<AnchorUse>,
    /// The answers this one links to (with or without an anchor), in text order, with
    /// repeats: an explicit link is the author saying two answers belong together
    /// (`crate::related`).
    pub linked: Vec<ArticleId>,
    /// Site paths linked (`/hot/`), checked once all pages are known.
    pub site_links: Vec<(String, Span)>,
    /// Files under `content/` to publish, relative to `content/`.
    pub assets: Vec<String>,
    /// The flowcharts, each drawn for a landscape screen, for the presentation views (the
    /// page's own drawing, in `html`, is laid out for a phone).
    pub diagrams: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn render(input: &Input, settings: &Settings, resolver: &Resolver) -> Document {
    let body = &input.text[input.body_start..];
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if let Some(range) = too_deep(body, options) {
        // Where the too-deep block starts: the whole block may be a megabyte.
        let at = input.body_start + range.start;
        let span = Span::new(input.source, at..at);
        let mut doc = Document::default();
        doc.diagnostics.push(
            Diagnostic::error(
                "too-deep",
                format!(
                    "lists, quotes, emphasis or HTML elements are nested more than {MAX_NESTING} deep here"
                ),
            )
            .at(span)
            .label("nested too deep")
            .help("flatten the structure (an answer reads best with a few levels at most), and close every HTML element you open"),
        );
        return doc;
    }
    let mut renderer = Renderer {
        input,
        settings,
        resolver,
        body,
        doc: Document::default(),
        out: Vec::new(),
        slots: Vec::new(),
        slot_key: xxhash_rust::xxh3::xxh3_64(input.text.as_bytes()),
        html_block: None,
        raw_urls: Default::default(),
        diagrams: 0,
        skips: Vec::new(),
        in_steps_section: false,
        steps_done: false,
        list_depth: 0,
        steps_list: None,
        step_text: None,
        step_start: 0,
        paragraphs: 0,
        in_first_paragraph: false,
        suffixes: std::collections::HashMap::new(),
    };
    let mut events = Parser::new_ext(body, options).into_offset_iter();
    while let Some((event, range)) = events.next() {
        renderer.event(event, range, &mut events);
    }
    renderer.finish()
}

struct Renderer<'a, 'b> {
    input: &'b Input<'b>,
    settings: &'b Settings<'b>,
    resolver: &'b Resolver<'b>,
    body: &'a str,
    doc: Document,
    out: Vec<Event<'a>>,
    /// Trusted markup that must not go through the sanitizer.
    slots: Vec<String>,
    /// Part of every placeholder of `slots`: a hash of the source file.
    slot_key: u64,
    /// The raw HTML block being read, checked when it ends.
    html_block: Option<RawChunk>,
    /// URLs of raw HTML's links and images as written → as published (resolved like markdown's).
    raw_urls: std::collections::HashMap<String, String>,
    /// Diagrams so far, for unique ids.
    diagrams: usize,
    /// Slots for a link to the steps above a long diagram, and the number of headings before it.
    skips: Vec<(usize, usize)>,
    in_steps_section: bool,
    steps_done: bool,
    list_depth: usize,
    /// (depth, next step number) of the list holding the fix steps.
    steps_list: Option<(usize, u64)>,
    /// Text of the step being read.
    step_text: Option<String>,
    /// Where the current step's events start in `out`.
    step_start: usize,
    paragraphs: usize,
    in_first_paragraph: bool,
    /// The next suffix to try for each heading id already taken (`slug::unique`).
    suffixes: std::collections::HashMap<String, usize>,
}

type Events<'a> = pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>;

impl<'a> Renderer<'a, '_> {
    fn span(&self, range: Range<usize>) -> Span {
        let start = self.input.body_start;
        Span::new(self.input.source, start + range.start..start + range.end)
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>, events: &mut Events<'a>) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(level, id, classes, attrs, range, events),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => self.image(dest_url, title, range, events),
            Event::Start(Tag::List(start)) => self.list_start(start),
            Event::End(TagEnd::List(ordered)) => self.list_end(ordered),
            Event::Start(Tag::Item) => self.item_start(),
            Event::End(TagEnd::Item) => self.item_end(),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, range);
                self.out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Paragraph) => {
                self.paragraphs += 1;
                self.in_first_paragraph = self.paragraphs == 1;
                self.out.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                self.in_first_paragraph = false;
                self.end_block();
                self.out.push(Event::End(TagEnd::Paragraph));
            }
            Event::End(end @ (TagEnd::TableCell | TagEnd::BlockQuote(_) | TagEnd::CodeBlock)) => {
                self.end_block();
                self.out.push(Event::End(end));
            }
            Event::Text(text) => {
                self.text(&text);
                self.out.push(Event::Text(text));
            }
            Event::Code(code) => {
                self.text(&code);
                self.out.push(Event::Code(code));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text(" ");
                self.out.push(event);
            }
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(html, range),
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some(RawChunk::default());
                self.out.push(event);
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(chunk) = self.html_block.take() {
                    self.doc
                        .diagnostics
                        .extend(chunk.diagnostics(self.input.source));
                    self.resolve_raw_links(&chunk);
                }
                self.out.push(event);
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                if lang.as_ref() == "mermaid" =>
            {
                self.diagram(range, events)
            }
            other => self.out.push(other),
        }
    }

    /// Records text for search, the summary and the current step.
    fn text(&mut self, text: &str) {
        self.doc.text.push_str(text);
        if self.in_first_paragraph {
            self.doc.first_paragraph.push_str(text);
        }
        if let Some(step) = &mut self.step_text {
            step.push_str(text);
        }
    }

    fn end_block(&mut self) {
        if !self.doc.text.ends_with('\n') {
            self.doc.text.push('\n');
        }
        if let Some(step) = &mut self.step_text
            && !step.is_empty()
            && !step.ends_with(' ')
        {
            step.push(' ');
        }
    }

    fn raw_html(&mut self, html: CowStr<'a>, range: Range<usize>) {
        // Markers for qaportal itself (`<!-- qaportal:allow customer-data -->`) are never
        // published, whatever the raw HTML policy: escaped, they would show as text.
        if is_qaportal_comment(&html) {
            return;
        }
        match self.settings.raw_html {
            RawHtml::Escape => self.out.push(Event::Text(html)),
            // `allow` is refused when the config is read; the sanitizer runs in any case.
            RawHtml::Sanitize | RawHtml::Allow => {
                let start = self.input.body_start + range.start;
                match &mut self.html_block {
                    Some(block) => block.push(&html, start, self.input.text),
                    None => {
                        let mut chunk = RawChunk::default();
                        chunk.push(&html, start, self.input.text);
                        self.doc
                            .diagnostics
                            .extend(chunk.diagnostics(self.input.source));
                        self.resolve_raw_links(&chunk);
                    }
                }
                self.out.push(Event::Html(html));
            }
        }
    }

    fn finish(mut self) -> Document {
        let mut html = String::with_capacity(self.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, std::mem::take(&mut self.out).into_iter());
        let mut slots = std::mem::take(&mut self.slots);
        self.skip_links(&mut slots);
        // Every document is sanitized, raw HTML or not: the HTML of the whole body is what
        // reaches the page, whichever route (markdown, attributes, raw HTML) put it there.
        let finish_html = |html: String| {
            let clean = sanitize::clean_resolving(&html, &self.raw_urls);
            fill_slots(clean, self.slot_key, &slots)
        };
        // Shrunk: the sanitizer's output grows by doubling, and every document's HTML is kept
        // until its pages are written (a fifth of a 10,000-answer build's memory was that
        // spare room).
        self.doc.html = finish_html(html);
        self.doc.html.shrink_to_fit();
        for step in &mut self.doc.steps {
            step.html = finish_html(std::mem::take(&mut step.html));
            step.html.shrink_to_fit();
        }
        self.doc.first_paragraph = self.doc.first_paragraph.trim().to_string();
        self.doc
    }
}

fn is_qaportal_comment(html: &str) -> bool {
    let html = html.trim();
    html.starts_with("<!--")
        && html.ends_with("-->")
        && html[4..].trim_start().starts_with("qaportal:")
}

fn escape_attribute(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => {
                let _ = out.write_char(c);
            }
        }
    }
}
