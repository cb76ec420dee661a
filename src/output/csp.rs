//! A Content-Security-Policy `<meta>` in every HTML page, as defence in depth behind the
//! sanitizer and the URL policy: should anything from author input ever slip into a page, the
//! browser still runs no inline handler, no `javascript:` URL and no script but the site's own,
//! and sends no request to another site.
//!
//! The policy is computed per page after the template is applied: the theme's inline scripts
//! (the search loader, a redirect) are allowed by their SHA-256 hash, so a theme needs nothing
//! special, and an inline script that is not in the template (there is none: bodies are
//! sanitized) would not run. Styles may be inline (`style` attributes of diagrams and table
//! alignment): CSS cannot run script, and every place CSS could fetch from is limited to the
//! site itself. A `<meta>` policy cannot set `frame-ancestors` or reporting; a server may add
//! those as a header.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The directives besides `script-src`.
const POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; \
                      img-src 'self' data:; object-src 'none'; frame-src 'none'; \
                      base-uri 'self'; form-action 'self'";

/// `html` with the policy as the first element of its `<head>` (after `<meta charset>`, which
/// must come first); a page without a `<head>` is returned as it is.
#[cfg(test)]
fn protect(html: String) -> String {
    let mut bytes = html.into_bytes();
    protect_bytes(&mut bytes);
    String::from_utf8(bytes).expect("the policy is inserted between two tags of UTF-8 text")
}

/// [`protect`] in place, on the bytes a template wrote: the page is never copied into a new
/// buffer (at 10,000 answers the pages are half a gigabyte), only its tail moved once.
pub fn protect_bytes(html: &mut Vec<u8>) {
    let Some(at) = insertion_point(html) else {
        return;
    };
    let mut script_src = String::from("script-src 'self'");
    for script in inline_scripts(html) {
        let hash = Sha256::digest(script);
        script_src.push_str(" 'sha256-");
        script_src.push_str(&base64::engine::general_purpose::STANDARD.encode(hash));
        script_src.push('\'');
    }
    let meta = format!(
        "\n<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}; {script_src}\">"
    );
    html.splice(at..at, meta.bytes());
}

/// Just after `<meta charset="…">` if the head starts with it, else just after `<head>`.
fn insertion_point(html: &[u8]) -> Option<usize> {
    let head = tags(html, b"head").next()?;
    let after_head = head + find(&html[head..], b'>')? + 1;
    let rest = &html[after_head..];
    let trimmed = trim_start(rest);
    if starts_with_ignore_case(trimmed, b"<meta charset") {
        let meta = after_head + (rest.len() - trimmed.len());
        return Some(meta + find(&html[meta..], b'>')? + 1);
    }
    Some(after_head)
}

/// `bytes` without its leading white space, as `str::trim_start` (Unicode's) would cut it.
fn trim_start(bytes: &[u8]) -> &[u8] {
    let mut at = 0;
    while let Some(&first) = bytes.get(at) {
        let len = match first {
            0..0x80 => 1,
            0xc0..0xe0 => 2,
            0xe0..0xf0 => 3,
            _ => 4,
        };
        let white = bytes
            .get(at..at + len)
            .and_then(|c| std::str::from_utf8(c).ok())
            .and_then(|c| c.chars().next())
            .is_some_and(char::is_whitespace);
        if !white {
            break;
        }
        at += len;
    }
    &bytes[at..]
}

fn find(bytes: &[u8], byte: u8) -> Option<usize> {
    memchr::memchr(byte, bytes)
}

/// The text of every `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &[u8]) -> Vec<&[u8]> {
    let mut scripts = Vec::new();
    for start in tags(html, b"script") {
        let Some(end_of_tag) = find(&html[start..], b'>').map(|i| start + i + 1) else {
            continue;
        };
        let tag = &html[start..end_of_tag];
        if has_attribute(tag, b"src") {
            continue;
        }
        let body = &html[end_of_tag..];
        let len = tags(body, b"/script").next().unwrap_or(body.len());
        scripts.push(&body[..len]);
    }
    scripts
}

/// Offsets of `<name` (any case) followed by the end of the name.
fn tags<'h>(html: &'h [u8], name: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    memchr::memchr_iter(b'<', html).filter(move |&i| {
        let rest = &html[i + 1..];
        let next = rest.get(name.len()).copied();
        starts_with_ignore_case(rest, name)
            && matches!(
                next,
                Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
            )
    })
}

fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Whether a start tag (`<script src="…">`) has the attribute `name`.
fn has_attribute(tag: &[u8], name: &[u8]) -> bool {
    let lower = tag.to_ascii_lowercase();
    memchr::memmem::find_iter(&lower, name).any(|i| {
        let before = lower[i - 1];
        let after = trim_start(&lower[i + name.len()..]);
        before.is_ascii_whitespace() && after.starts_with(b"=")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(html: &str) -> String {
        let out = protect(html.to_string());
        let start = out.find("content=\"default-src").expect("a policy") + 9;
        out[start..start + out[start..].find('"').unwrap()].to_string()
    }

    #[test]
    fn hashes_inline_scripts_and_nothing_else() {
        let html = "<!doctype html><html><head>\n<meta charset=\"utf-8\">\n<title>x</title>\
                    <script src=\"/static/a.js\"></script></head><body><p>x</p>\
                    <script>var a = 1;</script><SCRIPT type=\"module\">b()</SCRIPT></body></html>";
        let p = policy(html);
        // echo -n 'var a = 1;' | openssl dgst -sha256 -binary | base64
        assert!(
            p.contains("'sha256-+dZ6udsWxNVoGfScAq7t5IIF5UJb4F6RhjbN6oe1p4w='"),
            "{p}"
        );
        assert_eq!(p.matches("'sha256-").count(), 2, "{p}");
        assert!(p.starts_with("default-src 'self';"), "{p}");
        assert!(p.contains("img-src 'self' data:"), "{p}");
        let out = protect(html.to_string());
        assert!(
            out.starts_with("<!doctype html><html><head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\""),
            "{out}"
        );
    }

    #[test]
    fn a_page_without_scripts_allows_only_the_sites_own() {
        let p = policy("<html><head><title>x</title></head><body></body></html>");
        assert!(p.ends_with("script-src 'self'"), "{p}");
    }

    #[test]
    fn leaves_other_documents_alone() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".to_string();
        assert_eq!(protect(svg.clone()), svg);
        // `<header>` is not `<head>`.
        let body = "<header><script>x()</script></header>".to_string();
        assert_eq!(protect(body.clone()), body);
    }
}
