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
pub fn protect(html: String) -> String {
    let Some(at) = insertion_point(&html) else {
        return html;
    };
    let mut script_src = String::from("script-src 'self'");
    for script in inline_scripts(&html) {
        let hash = Sha256::digest(script.as_bytes());
        script_src.push_str(" 'sha256-");
        script_src.push_str(&base64::engine::general_purpose::STANDARD.encode(hash));
        script_src.push('\'');
    }
    let meta = format!(
        "\n<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}; {script_src}\">"
    );
    let mut out = String::with_capacity(html.len() + meta.len());
    out.push_str(&html[..at]);
    out.push_str(&meta);
    out.push_str(&html[at..]);
    out
}

/// Just after `<meta charset="…">` if the head starts with it, else just after `<head>`.
fn insertion_point(html: &str) -> Option<usize> {
    let head = tags(html, "head").next()?;
    let after_head = head + html[head..].find('>')? + 1;
    let rest = &html[after_head..];
    let trimmed = rest.trim_start();
    if starts_with_ignore_case(trimmed, "<meta charset") {
        let meta = after_head + (rest.len() - trimmed.len());
        return Some(meta + html[meta..].find('>')? + 1);
    }
    Some(after_head)
}

/// The text of every `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    for start in tags(html, "script") {
        let Some(end_of_tag) = html[start..].find('>').map(|i| start + i + 1) else {
            continue;
        };
        let tag = &html[start..end_of_tag];
        if has_attribute(tag, "src") {
            continue;
        }
        let body = &html[end_of_tag..];
        let len = tags(body, "/script").next().unwrap_or(body.len());
        scripts.push(&body[..len]);
    }
    scripts
}

/// Offsets of `<name` (any case) followed by the end of the name.
fn tags<'h>(html: &'h str, name: &'h str) -> impl Iterator<Item = usize> + 'h {
    html.match_indices('<').filter_map(move |(i, _)| {
        let rest = &html[i + 1..];
        let next = rest.as_bytes().get(name.len()).copied();
        (starts_with_ignore_case(rest, name)
            && matches!(
                next,
                Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
            ))
        .then_some(i)
    })
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether a start tag (`<script src="…">`) has the attribute `name`.
fn has_attribute(tag: &str, name: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    lower.match_indices(name).any(|(i, _)| {
        let before = lower.as_bytes()[i - 1];
        let after = lower[i + name.len()..].trim_start();
        before.is_ascii_whitespace() && after.starts_with('=')
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
