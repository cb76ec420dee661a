//! Links and images as the page writes them: each destination is classified by the site's
//! [`Resolver`](crate::render::links::Resolver), rewritten to its URL on the site, recorded
//! for the checks that need every document (anchors, site paths, linked answers, published
//! files) and reported here when it goes nowhere.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::{AnchorUse, Events, Renderer, escape_attribute};
use crate::diagnostic::Diagnostic;
use crate::render::links::Target;
use crate::render::raw_html::RawChunk;
use crate::source::Span;
use crate::url_policy::{self, Resource};

impl<'a> Renderer<'a, '_> {
    /// Checks and rewrites a link; returns the destination to write in the page.
    pub(super) fn link(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        range: Range<usize>,
    ) -> CowStr<'a> {
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
    pub(super) fn resolve_raw_links(&mut self, chunk: &RawChunk) {
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

    pub(super) fn image(
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
}
