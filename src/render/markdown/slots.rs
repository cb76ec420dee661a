//! Trusted markup (diagrams, the link above a long one) that must reach the page untouched by
//! the sanitizer: it is written as a placeholder, sanitized as such, and filled in afterwards.

use pulldown_cmark::Event;

use super::Renderer;

/// Attribute of the placeholder that trusted markup (diagrams) replaces after sanitizing. Its
/// value carries a hash of the whole source file, so that an author cannot type a placeholder
/// that would be replaced: it would have to contain the hash of a text that contains it.
pub const SLOT_ATTRIBUTE: &str = "data-qaportal-slot";

impl Renderer<'_, '_> {
    /// Markup that must reach the page as is, even when the document is sanitized: a
    /// placeholder goes through the sanitizer and is replaced afterwards.
    pub(super) fn trusted(&mut self, html: String) {
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
}

/// Puts each slot's trusted markup in place of its placeholder, in one pass over the HTML (one
/// `replace` per slot was quadratic in the number of diagrams). Only placeholders with the
/// document's own key are filled: one an author typed stays an empty `<div>`.
pub(super) fn fill_slots(html: String, key: u64, slots: &[String]) -> String {
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
