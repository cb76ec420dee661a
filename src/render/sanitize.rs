//! The sanitizer every rendered document passes before it reaches a page (the whole body, and
//! each step's HTML for the presentation views), whatever the document contains and whatever
//! `[markdown] raw_html` says: authors paste snippets from other tools, and a help site opened
//! inside WeChat must never run a script that came in with one, by any route (raw HTML, heading
//! attributes, link destinations).
//!
//! It is ammonia with one allow-list of elements and attributes ([`ALLOWED`]; documented in
//! docs/authoring.md) and every URL attribute judged by the site's [`url_policy`]: links may go
//! anywhere the policy allows, images only come from this site. Everything else is removed:
//! `<script>` and `<style>` with their content, event handlers, `style` (but table
//! alignment), forms, frames, media, SVG.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::diagnostic::Diagnostic;
use crate::url_policy::{self, Kind};

/// The elements a page body may hold, each with the attributes it may keep (besides
/// [`GLOBAL`], and `class` with the values of [`CLASSES`]). It covers what pulldown-cmark writes and the harmless structure authors paste.
pub const ALLOWED: &[(&str, &[&str])] = &[
    // Text.
    ("p", &[]),
    ("br", &[]),
    ("hr", &[]),
    ("h1", &["id"]),
    ("h2", &["id"]),
    ("h3", &["id"]),
    ("h4", &["id"]),
    ("h5", &["id"]),
    ("h6", &["id"]),
    ("blockquote", &["cite"]),
    ("pre", &[]),
    ("code", &[]),
    ("em", &[]),
    ("strong", &[]),
    ("b", &[]),
    ("i", &[]),
    ("u", &[]),
    ("s", &[]),
    ("del", &["cite", "datetime"]),
    ("ins", &["cite", "datetime"]),
    ("mark", &[]),
    ("small", &[]),
    ("sub", &[]),
    ("sup", &[]),
    ("kbd", &[]),
    ("samp", &[]),
    ("var", &[]),
    ("abbr", &[]),
    ("dfn", &[]),
    ("q", &["cite"]),
    ("cite", &[]),
    ("time", &["datetime"]),
    ("span", &[]),
    ("bdi", &[]),
    ("bdo", &[]),
    ("ruby", &[]),
    ("rt", &[]),
    ("rp", &[]),
    ("wbr", &[]),
    // Links and images (URLs checked below).
    ("a", &["href"]),
    ("img", &["src", "alt", "width", "height", "loading"]),
    // Lists, steps, task lists, footnotes, diagrams' placeholders.
    ("ul", &[]),
    ("ol", &["start", "reversed"]),
    ("li", &["id", "value"]),
    ("dl", &[]),
    ("dt", &[]),
    ("dd", &[]),
    ("input", &["type", "checked", "disabled"]),
    ("div", &["id", super::markdown::SLOT_ATTRIBUTE]),
    ("details", &["open"]),
    ("summary", &[]),
    ("figure", &[]),
    ("figcaption", &[]),
    // Tables.
    ("table", &[]),
    ("caption", &[]),
    ("colgroup", &["span"]),
    ("col", &["span"]),
    ("thead", &[]),
    ("tbody", &[]),
    ("tfoot", &[]),
    ("tr", &[]),
    ("th", &["style", "colspan", "rowspan", "scope"]),
    ("td", &["style", "colspan", "rowspan"]),
];

/// Attributes every allowed element may keep.
pub const GLOBAL: &[&str] = &["title", "lang", "dir"];

/// The classes that survive, per element: the ones our own rendering writes.
const CLASSES: &[(&str, &[&str])] = &[
    ("div", &["footnote-definition"]),
    ("sup", &["footnote-definition-label", "footnote-reference"]),
    ("li", &["step"]),
    ("code", &LANGUAGE_CLASSES),
];

/// The markdown side of the allow-list: `## 标题 {#anchor}` names a heading's anchor (letters,
/// digits, `-`, `_`), and that is all a heading may carry. pulldown-cmark also reads classes and
/// any `key=value` there, which would publish `{tabindex=0 autofocus onfocus=…}` as an event
/// handler that runs as the page opens: those are an error (the renderer drops them, and the
/// sanitizer would too). `None` when the attributes are fine.
pub fn heading_attributes(id: Option<&str>, classes: &[&str], keys: &[&str]) -> Option<Diagnostic> {
    let bad_id = id.filter(|id| {
        id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    });
    if classes.is_empty() && keys.is_empty() && bad_id.is_none() {
        return None;
    }
    let mut names: Vec<String> = classes.iter().map(|c| format!("`.{c}`")).collect();
    names.extend(keys.iter().map(|key| format!("`{key}`")));
    let (message, label) = match bad_id {
        Some(id) if names.is_empty() => (
            format!("heading anchor `#{id}` may only hold letters, digits, `-` and `_`"),
            "this anchor",
        ),
        _ => (
            format!("heading attributes are not published: {}", names.join(", ")),
            "only `{#anchor}` is allowed here",
        ),
    };
    Some(
        Diagnostic::error("heading-attribute", message)
            .label(label)
            .help(
                "a heading may only name its anchor, e.g. `## 处理步骤 {#steps}`; remove the rest",
            ),
    )
}

/// Cleans a document's HTML.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

thread_local! {
    /// The `resolved` map of the [`clean_resolving`] call running on this thread. The filter
    /// of the one shared ammonia builder must be `'static`; building one per document would
    /// cost more than the cleaning.
    static RESOLVED: std::cell::RefCell<HashMap<String, String>> = Default::default();
}

/// Cleans a document's HTML, writing each `<a href>` and `<img src>` whose value is a key of
/// `resolved` with its value instead: raw HTML's links as markdown's would be written. The
/// resolved URL is judged by the same policy as any other.
pub fn clean_resolving(html: &str, resolved: &HashMap<String, String>) -> String {
    if resolved.is_empty() {
        return clean(html);
    }
    RESOLVED.with(|map| map.borrow_mut().clone_from(resolved));
    let cleaned = clean(html);
    RESOLVED.with(|map| map.borrow_mut().clear());
    cleaned
}

fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        let tags: HashSet<&str> = ALLOWED.iter().map(|(tag, _)| *tag).collect();
        let attributes: HashMap<&str, HashSet<&str>> = ALLOWED
            .iter()
            .map(|(tag, attributes)| (*tag, attributes.iter().copied().collect()))
            .collect();
        let classes: HashMap<&str, HashSet<&str>> = CLASSES
            .iter()
            .map(|(tag, classes)| (*tag, classes.iter().copied().collect()))
            .collect();
        b.tags(tags)
            .generic_attributes(GLOBAL.iter().copied().collect())
            .generic_attribute_prefixes(HashSet::new())
            .tag_attributes(attributes)
            .tag_attribute_values(HashMap::new())
            .allowed_classes(classes)
            .attribute_filter(filter)
            .link_rel(None)
            .url_schemes(url_policy::SCHEMES.into());
        b
    })
}

/// The values the allow-list keeps: URLs per the policy, and the few attributes whose values
/// matter.
fn filter<'v>(element: &str, attribute: &str, value: &'v str) -> Option<std::borrow::Cow<'v, str>> {
    if matches!((element, attribute), ("a", "href") | ("img", "src"))
        && let Some(url) = RESOLVED.with(|map| map.borrow().get(value).cloned())
    {
        return allowed(element, attribute, &url).then_some(url.into());
    }
    allowed(element, attribute, value).then_some(value.into())
}

/// Whether the allow-list keeps this value of this attribute.
fn allowed(element: &str, attribute: &str, value: &str) -> bool {
    match (element, attribute) {
        ("a", "href") | (_, "cite") => url_policy::check(value).is_ok(),
        // An image loads as the page opens: only from this site.
        ("img", "src") => matches!(
            url_policy::check(value),
            Ok(Kind::SitePath | Kind::Relative)
        ),
        ("img", "loading") => value == "lazy",
        // Only read-only checkboxes (task lists), never form fields.
        ("input", "type") => value == "checkbox",
        // Table alignment is the only style pulldown-cmark writes.
        ("th" | "td", "style") => [
            "text-align: left",
            "text-align: center",
            "text-align: right",
        ]
        .contains(&value),
        _ => true,
    }
}

const LANGUAGE_CLASSES: [&str; 12] = [
    "language-text",
    "language-sql",
    "language-bash",
    "language-shell",
    "language-json",
    "language-xml",
    "language-yaml",
    "language-python",
    "language-java",
    "language-javascript",
    "language-html",
    "language-ini",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_scripts_and_handlers_keeps_structure() {
        let out = clean(
            "<h2 id=\"a\">标题</h2><p onclick=\"x()\">文字<script>alert(1)</script></p>\
             <a href=\"javascript:alert(1)\">链接</a><details><summary>展开</summary>内容</details>",
        );
        assert!(out.contains("<h2 id=\"a\">标题</h2>"), "{out}");
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("javascript"), "{out}");
        assert!(
            out.contains("<details><summary>展开</summary>内容</details>"),
            "{out}"
        );
    }

    #[test]
    fn keeps_only_checkbox_inputs() {
        let out = clean("<input type=\"checkbox\" disabled=\"\"><input type=\"password\">");
        assert_eq!(out, "<input type=\"checkbox\" disabled=\"\"><input>");
    }

    #[test]
    fn keeps_what_markdown_writes() {
        let html = "<h2 id=\"处理步骤\">处理步骤</h2>\n<ol start=\"2\">\n<li id=\"step-2\" class=\"step\">\
                    <a href=\"/account/x/#step-1\" title=\"提示\">看</a> <code>a</code></li>\n</ol>\n\
                    <pre><code class=\"language-sql\">select 1;</code></pre>\n\
                    <table><thead><tr><th style=\"text-align: center\">列</th></tr></thead></table>\n\
                    <p><img src=\"/account/images/a.png\" alt=\"图\" loading=\"lazy\"></p>\n\
                    <p>脚注<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup></p>\n\
                    <div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup></div>\n\
                    <ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\">\n完成</li></ul>\n\
                    <p><a href=\"mailto:team@example.com\">邮件</a> <a href=\"tel:95555\">电话</a> \
                    <a href=\"https://example.com/\">外站</a></p>";
        let out = clean(html);
        for kept in [
            "<h2 id=\"处理步骤\">",
            "<ol start=\"2\">",
            "<li id=\"step-2\" class=\"step\">",
            "href=\"/account/x/#step-1\"",
            "title=\"提示\"",
            "<code class=\"language-sql\">",
            "<th style=\"text-align: center\">",
            "<img src=\"/account/images/a.png\" alt=\"图\" loading=\"lazy\">",
            "<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>",
            "<div class=\"footnote-definition\" id=\"1\">",
            "type=\"checkbox\"",
            "href=\"mailto:team@example.com\"",
            "href=\"tel:95555\"",
            "href=\"https://example.com/\"",
        ] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
    }

    /// Every payload class through the final HTML: whatever went in, the output holds no
    /// handler, no script URL and nothing fetched from elsewhere.
    #[test]
    fn payloads_come_out_inert() {
        let payloads = [
            "<h2 tabindex=\"0\" autofocus onfocus=\"alert(1)\">x</h2>",
            "<img src=x onerror=alert(1)>",
            "<img src=\"https://evil.example.com/t.png\">",
            "<img src=\"//evil.example.com/t.png\">",
            "<img src=\"/\\evil.example.com/t.png\">",
            "<img srcset=\"https://evil.example.com/t.png 2x\" src=\"a.png\">",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\" java&#9;script:alert(1)\">x</a>",
            "<a href=\"vbscript:x\">x</a>",
            "<a href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\">x</a>",
            "<a href=\"file:///etc/passwd\">x</a>",
            "<a href=\"https://x.example.com/\" ping=\"https://evil.example.com/\">x</a>",
            "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
            "<math><mtext><a href=\"javascript:alert(1)\">x</a></mtext></math>",
            "<video poster=\"https://evil.example.com/p.png\"><source src=\"https://evil.example.com/v.mp4\"></video>",
            "<audio src=\"https://evil.example.com/a.mp3\"></audio>",
            "<iframe src=\"https://evil.example.com/\"></iframe>",
            "<object data=\"https://evil.example.com/o\"></object><embed src=\"https://evil.example.com/e\">",
            "<link rel=\"stylesheet\" href=\"https://evil.example.com/s.css\">",
            "<p style=\"background:url(https://evil.example.com/c.png)\">x</p>",
            "<style>@import 'https://evil.example.com/i.css';</style>",
            "<form action=\"https://evil.example.com/\"><button formaction=\"javascript:alert(1)\">x</button></form>",
            "<base href=\"https://evil.example.com/\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<details open ontoggle=alert(1)>x</details>",
            "<div data-qaportal-slot=\"0\" onmouseover=\"alert(1)\">x</div>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
            "<table><td background=\"https://evil.example.com/b.png\">x</td></table>",
            "<input type=\"image\" src=\"https://evil.example.com/i.png\">",
        ];
        for payload in payloads {
            let out = clean(payload);
            assert_inert(&out, payload);
        }
    }

    /// What a browser would find in `html`: no element but the allowed ones, no handler, no
    /// URL the policy refuses, nothing loaded from elsewhere, no style but table alignment.
    pub fn assert_inert(html: &str, input: &str) {
        for tag in crate::markup::start_tags(html) {
            let allowed = ALLOWED.iter().find(|(name, _)| *name == tag.name);
            let Some((_, attributes)) = allowed else {
                panic!("<{}> kept from {input}: {html}", tag.name);
            };
            for (name, value) in &tag.attributes {
                let class = name == "class"
                    && CLASSES.iter().any(|(t, classes)| {
                        *t == tag.name && value.split(' ').all(|c| classes.contains(&c))
                    });
                assert!(
                    attributes.contains(&name.as_str()) || GLOBAL.contains(&name.as_str()) || class,
                    "{name} kept on <{}> from {input}: {html}",
                    tag.name
                );
                match name.as_str() {
                    "href" | "cite" => assert!(url_policy::check(value).is_ok(), "{html}"),
                    "src" => assert!(url_policy::check_resource(value).is_ok(), "{html}"),
                    "style" => assert!(value.starts_with("text-align: "), "{html}"),
                    _ => {}
                }
            }
        }
        assert!(!html.contains("<script"), "{html}");
    }
}
