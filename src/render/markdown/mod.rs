//! Markdown to HTML for one document, in one pass over pulldown-cmark's events.
//!
//! On the way it gives headings ids that work for Chinese text, numbers the fix steps
//! (`#step-N`), rewrites and checks links and images, handles raw HTML per the site's policy and
//! collects the plain text for search. Checks that need other documents (the anchor of a link to
//! another answer) are recorded and done by the caller once every document is rendered.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use super::links::{Resolver, Target};
use super::raw_html::RawChunk;
use super::{sanitize, slug};
use crate::config::RawHtml;
use crate::diagnostic::Diagnostic;
use crate::model::ArticleId;
use crate::source::{SourceId, Span};
use crate::url_policy::{self, Resource};

/// A diagram taller than this (CSS px, as drawn for a phone) gets a link above it to the steps
/// that follow: about half a phone's screen.
const LONG_DIAGRAM: f64 = 400.0;
/// The room a diagram has on a slide (CSS px at 1920×1080, see `present.css`).
const SLIDE_DIAGRAM: (f64, f64) = (1824.0, 930.0);

/// Attribute of the placeholder that trusted markup (diagrams) replaces after sanitizing. Its
/// value carries a hash of the whole source file, so that an author cannot type a placeholder
/// that would be replaced: it would have to contain the hash of a text that contains it.
pub const SLOT_ATTRIBUTE: &str = "data-qaportal-slot";

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

/// How deep markdown containers (lists, quotes, emphasis, links) and raw HTML elements may be
/// nested in one document. Deeper documents are refused before they are rendered: HTML
/// parsers (the sanitizer's, browsers') take time in proportion to depth × size on them
/// (100,000 nested `<div>`s took 37 s), and no reader follows more than a few levels.
pub const MAX_NESTING: usize = 64;

/// Where the document first nests deeper than [`MAX_NESTING`], in one linear pass.
fn too_deep(body: &str, options: Options) -> Option<Range<usize>> {
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
            Event::Start(Tag::List(start)) => {
                self.list_depth += 1;
                if self.steps_list.is_none()
                    && self.in_steps_section
                    && !self.steps_done
                    && self.input.steps
                    && let Some(first) = start
                {
                    self.steps_list = Some((self.list_depth, first));
                }
                self.out.push(Event::Start(Tag::List(start)));
            }
            Event::End(TagEnd::List(ordered)) => {
                if self
                    .steps_list
                    .is_some_and(|(depth, _)| depth == self.list_depth)
                {
                    self.steps_list = None;
                    self.steps_done = true;
                }
                self.list_depth -= 1;
                self.out.push(Event::End(TagEnd::List(ordered)));
            }
            Event::Start(Tag::Item) => match &mut self.steps_list {
                Some((depth, next)) if *depth == self.list_depth => {
                    let number = *next;
                    *next += 1;
                    let id = format!("step-{number}");
                    self.out.push(Event::Html(
                        format!("<li id=\"{id}\" class=\"step\">").into(),
                    ));
                    self.doc.anchors.insert(id.clone());
                    self.doc.steps.push(Step {
                        number,
                        id,
                        text: String::new(),
                        html: String::new(),
                    });
                    self.step_text = Some(String::new());
                    self.step_start = self.out.len();
                }
                _ => self.out.push(Event::Start(Tag::Item)),
            },
            Event::End(TagEnd::Item) => {
                if self
                    .steps_list
                    .is_some_and(|(depth, _)| depth == self.list_depth)
                    && let (Some(text), Some(step)) =
                        (self.step_text.take(), self.doc.steps.last_mut())
                {
                    step.text = text.trim().to_string();
                    pulldown_cmark::html::push_html(
                        &mut step.html,
                        self.out[self.step_start..].iter().cloned(),
                    );
                }
                self.end_block();
                self.out.push(Event::End(TagEnd::Item));
            }
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

    fn heading(
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

    /// Checks and rewrites a link; returns the destination to write in the page.
    fn link(&mut self, link_type: LinkType, dest: CowStr<'a>, range: Range<usize>) -> CowStr<'a> {
        // `<x@example.com>`: the address is written after `mailto:`, and CommonMark allows no
        // character in it that could change that.
        if link_type == LinkType::Email {
            return dest;
        }
        let span = self.dest_span(&dest, range);
        // `<https://…>` is written as it is.
        if link_type == LinkType::Autolink && self.resolver.resolve(&dest, self.input.dir).is_ok() {
            return dest;
        }
        self.link_url(&dest, span).map(CowStr::from).unwrap_or(dest)
    }

    /// The URL a link is written with (`None`: as the author wrote it); a link that resolves
    /// to nothing is reported at `span`.
    fn link_url(&mut self, dest: &str, span: Span) -> Option<String> {
        match self.resolver.resolve(dest, self.input.dir) {
            Ok(target) => self.target_url(target, span),
            Err(error) => {
                self.doc.diagnostics.push(
                    Diagnostic::error(error.code, error.message)
                        .at(span)
                        .label("this link")
                        .help(error.help),
                );
                None
            }
        }
    }

    /// Resolves the links and images of a piece of raw HTML like markdown's own: `KB-0042`, a
    /// path relative to the article, a site path (under the site's base path); an image is
    /// published with the page. The sanitizer writes the resolved URLs (see `raw_urls`). URLs
    /// the policy refuses or that load from another site were reported by the chunk's check.
    fn resolve_raw_links(&mut self, chunk: &RawChunk) {
        for (link, span) in chunk.links(self.input.source) {
            let resolved = if link.image {
                let local = matches!(
                    url_policy::check_resource(&link.url),
                    Ok(url_policy::Kind::SitePath | url_policy::Kind::Relative)
                );
                local.then(|| self.image_src(&link.url, span))
            } else if url_policy::check(&link.url).is_ok() {
                self.link_url(&link.url, span)
            } else {
                None
            };
            if let Some(url) = resolved.filter(|url| *url != link.url) {
                self.raw_urls.insert(link.url, url);
            }
        }
    }

    /// The URL to write for a resolved target; `None` keeps the destination as written.
    fn target_url(&mut self, target: Target, span: Span) -> Option<String> {
        let site = self.resolver.site;
        match target {
            Target::External => None,
            Target::Local { anchor } => {
                self.doc.anchor_uses.push(AnchorUse {
                    article: None,
                    anchor: anchor.clone(),
                    span,
                });
                Some(format!("#{anchor}"))
            }
            Target::Article { id, anchor } => {
                let mut url = site.url(&site.article(&id)?.path());
                self.doc.linked.push(id.clone());
                if let Some(anchor) = anchor {
                    url.push('#');
                    url.push_str(&anchor);
                    self.doc.anchor_uses.push(AnchorUse {
                        article: Some(id),
                        anchor,
                        span,
                    });
                }
                Some(url)
            }
            Target::SitePath { path } => {
                let url = site.url(&path);
                self.doc.site_links.push((path, span));
                Some(url)
            }
            Target::Asset { path } => {
                let url = site.url(&format!("/{path}"));
                self.doc.assets.push(path);
                Some(url)
            }
        }
    }

    /// The destination inside the link's source, for a precise error position.
    fn dest_span(&self, dest: &str, range: Range<usize>) -> Span {
        let source = &self.body[range.clone()];
        match source.rfind(dest) {
            Some(i) if !dest.is_empty() => self.span(range.start + i..range.start + i + dest.len()),
            _ => self.span(range),
        }
    }

    fn image(
        &mut self,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        range: Range<usize>,
        events: &mut Events<'a>,
    ) {
        let mut alt = String::new();
        let mut depth = 0;
        for (event, _) in events.by_ref() {
            match event {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) if depth == 0 => break,
                Event::End(TagEnd::Image) => depth -= 1,
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
        }
        let span = self.dest_span(&dest, range);
        let src = self.image_src(&dest, span);
        let mut html = String::from("<img src=\"");
        escape_attribute(&mut html, &src);
        html.push_str("\" alt=\"");
        escape_attribute(&mut html, alt.trim());
        if !title.is_empty() {
            html.push_str("\" title=\"");
            escape_attribute(&mut html, &title);
        }
        html.push_str("\" loading=\"lazy\">");
        self.out.push(Event::InlineHtml(html.into()));
    }

    /// The URL an image's `src` is written with: its file's place on the site, recorded to be
    /// published; a problem with it is reported at `span`.
    fn image_src(&mut self, dest: &str, span: Span) -> String {
        let resolved = match url_policy::check_resource(dest) {
            Err(Resource::Unsafe(problem)) => Err(problem),
            _ => Ok(self.resolver.resolve(dest, self.input.dir)),
        };
        match resolved {
            Err(problem) => {
                self.doc.diagnostics.push(
                    Diagnostic::error("unsafe-link", problem.message(dest, "images"))
                        .at(span)
                        .label("this image")
                        .help(problem.help()),
                );
                String::new()
            }
            Ok(Ok(Target::Asset { path })) => {
                self.doc.assets.push(path.clone());
                self.resolver.site.url(&format!("/{path}"))
            }
            Ok(Ok(Target::External)) => {
                self.doc.diagnostics.push(
                    Diagnostic::error("external-image", format!("image `{dest}` is on another site"))
                        .at(span)
                        .label("pages must not load anything from other sites")
                        .help("save the image next to the article (e.g. images/) and link it by its relative path"),
                );
                dest.to_string()
            }
            Ok(Ok(_)) => {
                self.doc.diagnostics.push(
                    Diagnostic::error("missing-image", format!("`{dest}` is not an image file"))
                        .at(span)
                        .label("expected the path of an image file")
                        .help("images are relative to the article: ![说明](images/transfer.png)"),
                );
                dest.to_string()
            }
            Ok(Err(error)) => {
                let message = error
                    .message
                    .replace("no file at", "missing image: no file at");
                self.doc.diagnostics.push(
                    Diagnostic::error("missing-image", message)
                        .at(span)
                        .label("this image")
                        .help(
                            "put the image at that path (relative to the article), or fix the path",
                        ),
                );
                dest.to_string()
            }
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

    /// A ```` ```mermaid ```` block, drawn at build time as inline SVG.
    fn diagram(&mut self, range: Range<usize>, events: &mut Events<'a>) {
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

    /// Markup that must reach the page as is, even when the document is sanitized: a
    /// placeholder goes through the sanitizer and is replaced afterwards.
    fn trusted(&mut self, html: String) {
        let placeholder = self.placeholder(self.slots.len());
        self.slots.push(html);
        self.out.push(Event::Html(placeholder.into()));
    }

    fn placeholder(&self, n: usize) -> String {
        format!(
            "<div {SLOT_ATTRIBUTE}=\"{:016x}-{n}\"></div>",
            self.slot_key
        )
    }

    fn finish(mut self) -> Document {
        let mut html = String::with_capacity(self.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
        let mut slots = std::mem::take(&mut self.slots);
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

/// Puts each slot's trusted markup in place of its placeholder, in one pass over the HTML (one
/// `replace` per slot was quadratic in the number of diagrams). Only placeholders with the
/// document's own key are filled: one an author typed stays an empty `<div>`.
fn fill_slots(html: String, key: u64, slots: &[String]) -> String {
    if slots.is_empty() {
        return html;
    }
    let open = format!("<div {SLOT_ATTRIBUTE}=\"{key:016x}-");
    let mut out = String::with_capacity(html.len() + slots.iter().map(String::len).sum::<usize>());
    let mut rest = html.as_str();
    while let Some(at) = rest.find(&open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        let filled = after.split_once("\"></div>").and_then(|(n, tail)| {
            let markup = slots.get(n.parse::<usize>().ok()?)?;
            Some((markup, tail))
        });
        match filled {
            Some((markup, tail)) => {
                out.push_str(markup);
                rest = tail;
            }
            None => {
                out.push_str(&open);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_qaportal_comment(html: &str) -> bool {
    let html = html.trim();
    html.starts_with("<!--")
        && html.ends_with("-->")
        && html[4..].trim_start().starts_with("qaportal:")
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
