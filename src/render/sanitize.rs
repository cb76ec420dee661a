//! Raw HTML in articles is cleaned with ammonia: authors paste snippets from other tools, and a
//! help site opened inside WeChat must never run a script that came in with one.

use std::sync::OnceLock;

/// Cleans one article's HTML. Only called for articles that contain raw HTML: everything else
/// pulldown-cmark escaped already, and skipping the HTML parser keeps big builds fast.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // What our own markdown rendering emits must survive: heading and step anchors, footnotes,
        // task-list checkboxes, code language classes, lazy images, and diagram slots.
        b.add_tags(["input"])
            .add_tag_attributes("h1", ["id"])
            .add_tag_attributes("h2", ["id"])
            .add_tag_attributes("h3", ["id"])
            .add_tag_attributes("h4", ["id"])
            .add_tag_attributes("h5", ["id"])
            .add_tag_attributes("h6", ["id"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("div", ["id", super::markdown::SLOT_ATTRIBUTE])
            .add_tag_attributes("img", ["loading"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .add_allowed_classes("div", ["footnote-definition"])
            .add_allowed_classes("sup", ["footnote-definition-label", "footnote-reference"])
            .add_allowed_classes("code", LANGUAGE_CLASSES)
            .add_allowed_classes("li", ["step"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                // Only read-only checkboxes (task lists), never form fields.
                ("input", "type") if value != "checkbox" => None,
                // Table alignment is the only style pulldown-cmark writes.
                ("th" | "td", "style") => {
                    let allowed = [
                        "text-align: left",
                        "text-align: center",
                        "text-align: right",
                    ];
                    allowed.contains(&value).then(|| value.into())
                }
                _ => Some(value.into()),
            })
            .link_rel(None)
            .url_schemes(["http", "https", "mailto", "tel"].into());
        b
    })
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
}
