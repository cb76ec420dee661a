//! Markup as a browser reads it: html5ever's tokenizer gives the start tags of a piece of HTML
//! (or SVG) with entities decoded, quotes resolved and the text of `<script>`, `<style>` and
//! `<textarea>` read as text, which is what the checks of raw HTML and SVG files need (a
//! hand-written scanner would miss `&#106;avascript:` or an unquoted value).

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// The start tags of `text` as a browser's tokenizer reads them: names and attribute names in
/// lower case, attribute values with entities decoded.
pub fn start_tags(text: &str) -> Vec<StartTagSeen> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.tags.take()
}

/// The targets of `url(…)`, `image-set("…")` and `@import "…"` in a style sheet or a `style`
/// attribute. CSS escapes and comments are not decoded: the sanitizer drops every style but
/// table alignment anyway, and the pages' Content-Security-Policy blocks other sites.
pub fn css_urls(css: &str) -> Vec<String> {
    let lower = css.to_ascii_lowercase();
    let mut found = Vec::new();
    for pattern in ["url(", "image-set(", "@import"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(pattern) {
            let start = from + i + pattern.len();
            let rest = css[start..].trim_start();
            let url = match rest.chars().next() {
                Some(quote @ ('"' | '\'')) => rest[1..].split(quote).next().unwrap_or(""),
                _ => rest
                    .split(|c: char| c == ')' || c == ';' || c.is_whitespace())
                    .next()
                    .unwrap_or(""),
            };
            if !url.is_empty() && !url.starts_with("url(") {
                found.push(url.to_string());
            }
            from = start;
        }
    }
    found
}

/// A start tag as the tokenizer read it.
pub struct StartTagSeen {
    pub name: String,
    /// The line (from 1) where the tokenizer read it.
    pub line: u64,
    pub attributes: Vec<(String, String)>,
    /// The text of a `<style>` element.
    pub style_text: Option<String>,
}

#[derive(Default)]
struct Sink {
    tags: RefCell<Vec<StartTagSeen>>,
    in_style: RefCell<bool>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        match token {
            TagToken(tag) if tag.kind == StartTag => {
                let name = tag.name.to_string();
                let attributes = tag
                    .attrs
                    .iter()
                    .map(|a| {
                        let name = match &a.name.prefix {
                            Some(prefix) => format!("{prefix}:{}", a.name.local),
                            None => a.name.local.to_string(),
                        };
                        (name.to_ascii_lowercase(), a.value.to_string())
                    })
                    .collect();
                *self.in_style.borrow_mut() = name == "style";
                self.tags.borrow_mut().push(StartTagSeen {
                    line,
                    style_text: (name == "style").then(String::new),
                    name: name.clone(),
                    attributes,
                });
                // The elements whose content is text to a browser, not markup.
                match name.as_str() {
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                }
            }
            Token::CharacterTokens(text) if *self.in_style.borrow() => {
                if let Some(StartTagSeen {
                    style_text: Some(style),
                    ..
                }) = self.tags.borrow_mut().last_mut()
                {
                    style.push_str(&text);
                }
                TokenSinkResult::Continue
            }
            TagToken(_) => {
                *self.in_style.borrow_mut() = false;
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}
