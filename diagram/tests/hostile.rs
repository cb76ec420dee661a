//! Diagrams are inserted into pages after the sanitizer (as trusted markup), so every label,
//! title, description and id from the author must come out as text: no element, attribute or
//! URL of the author's making.

use qaportal_diagram::{Options, render};

const PAYLOADS: [&str; 6] = [
    "<img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "&lt;svg onload=alert(1)&gt;",
];

/// The elements and attributes the diagram writer uses; anything else came from input.
const ELEMENTS: [&str; 13] = [
    "div", "svg", "title", "desc", "g", "rect", "text", "tspan", "path", "polygon", "circle",
    "ellipse", "line",
];
const ATTRIBUTES: [&str; 34] = [
    "class",
    "id",
    "tabindex",
    "role",
    "aria-labelledby",
    "xmlns",
    "viewBox",
    "width",
    "height",
    "style",
    "font-size",
    "x",
    "y",
    "rx",
    "ry",
    "cx",
    "cy",
    "r",
    "d",
    "points",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "paint-order",
    "text-anchor",
    "data-id",
    "x1",
    "y1",
    "x2",
    "y2",
    "dominant-baseline",
];

/// Checks the structure of `html`: as text is escaped, every `<` opens one of our tags and
/// every `"` delimits one of our attribute values.
fn assert_only_our_markup(html: &str, source: &str) {
    for piece in html.split('<').skip(1) {
        let (tag, _text) = piece.split_once('>').expect("every tag closes");
        let tag = tag.trim_end_matches('/');
        if let Some(name) = tag.strip_prefix('/') {
            assert!(ELEMENTS.contains(&name), "</{name}> from {source}");
            continue;
        }
        let name = tag.split(' ').next().unwrap();
        assert!(ELEMENTS.contains(&name), "<{name}> from {source}:\n{html}");
        let attributes = &tag[name.len()..];
        let parts: Vec<&str> = attributes.split('"').collect();
        assert!(
            parts.len() % 2 == 1,
            "unbalanced quotes in <{tag}> from {source}"
        );
        for pair in parts.chunks(2).filter(|p| p.len() == 2) {
            let attribute = pair[0].trim().trim_end_matches('=');
            assert!(
                ATTRIBUTES.contains(&attribute),
                "attribute {attribute:?} in <{tag}> from {source}"
            );
            assert!(!pair[1].contains(['<', '>']), "{tag}");
        }
    }
}

#[test]
fn every_author_string_comes_out_as_text() {
    let mut drawn = 0;
    for payload in PAYLOADS {
        let quoted = payload.replace('"', "#quot;");
        let sources = [
            format!("graph TD\n  A[\"{quoted}\"] -->|\"{quoted}\"| B{{\"{quoted}\"}}"),
            format!("graph LR\n  subgraph S [\"{quoted}\"]\n    A --> B\n  end"),
            format!("graph TD\n  accTitle: {payload}\n  accDescr: {payload}\n  A --> B"),
            format!("---\ntitle: \"{quoted}\"\n---\ngraph TD\n  A --> B"),
        ];
        for source in sources {
            let options = Options {
                title: Some(payload.into()),
                description: Some(payload.into()),
                id_prefix: payload.into(),
                ..Default::default()
            };
            match render(&source, &options) {
                Ok(diagram) => {
                    assert_only_our_markup(&diagram.html, &source);
                    drawn += 1;
                }
                // A label the parser refuses never reaches a page.
                Err(errors) => assert!(!errors.is_empty()),
            }
        }
    }
    assert!(
        drawn >= 3 * PAYLOADS.len(),
        "only {drawn} diagrams were drawn"
    );
}
