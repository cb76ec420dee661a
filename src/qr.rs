//! QR codes of absolute URLs, as small SVG, for presenters: the audience of a live session scans
//! the code on the projector to open the answer (or one step of it) on their phone.

use std::fmt::Write as _;

/// Quiet zone around the code, in modules (the standard asks for 4; scanners in practice are
/// fine with 2 on a white page, and the code stays bigger in a corner of the screen).
const MARGIN: usize = 2;

/// The SVG of a QR code of `url`, one unit per module, black on white whatever the page's color
/// scheme (scanners need the contrast). `label` becomes the accessible name.
pub fn svg(url: &str, label: &str) -> String {
    // Error correction M survives a projector's glare and a phone at an angle; URLs here are
    // short, so the code stays at version 3-5.
    let code = fast_qr::QRBuilder::new(url)
        .ecl(fast_qr::ECL::M)
        .build()
        .expect("a URL of a few dozen bytes always fits in a QR code");
    let size = code.size;
    let full = size + 2 * MARGIN;
    let mut path = String::with_capacity(size * size / 2);
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.data[y * size + x].value() {
                x += 1;
                continue;
            }
            // One path segment per horizontal run of dark modules keeps the file small.
            let start = x;
            while x < size && code.data[y * size + x].value() {
                x += 1;
            }
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + MARGIN,
                y + MARGIN,
                x - start,
                x - start
            );
        }
    }
    let mut svg = String::with_capacity(path.len() + 300);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{label}\">\
         <rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        label = escape(label)
    );
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn produces_a_compact_standalone_svg() {
        let svg = svg("https://qa.example.com/a/KB-0042/", "KB-0042 的二维码");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 33 33\""));
        assert!(svg.contains("aria-label=\"KB-0042 的二维码\""));
        assert!(
            svg.len() < 4000,
            "one path segment per run of dark modules: {} bytes",
            svg.len()
        );
    }
}
