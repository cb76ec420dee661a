//! The one URL policy: every URL the site writes from author input passes [`check`] first
//! (markdown links and autolinks, images, raw HTML attributes through the sanitizer, a
//! session's `replay`, `feedback_url`, `base_url`).
//!
//! A page may point at `http(s)://` addresses, `mailto:` and `tel:`, paths of this site and
//! relative targets (answer ids, files beside the answer); nothing else. In particular no
//! `javascript:`, `vbscript:`, `data:` or `file:`, which run script or read the reader's disk.
//!
//! The URL is judged as a browser reads it, not as it is written: browsers drop leading and
//! trailing control characters and spaces and every tab and newline inside (so
//! `" java\tscript:"` is `javascript:`), compare schemes case-insensitively, and read `\` as
//! `/` (so `/\host` and `\\host` are another site, like `//host`). Entities (`&#106;avascript:`)
//! are decoded before we see the value: pulldown-cmark decodes them in link destinations and
//! html5ever in attribute values.

use std::borrow::Cow;
use std::fmt;

/// The schemes a page may link to.
pub const SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Where an allowed URL points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `https://…`, `mailto:…`, `tel:…`: another site, or an app on the reader's phone.
    External,
    /// `/hot/`: a path of this site.
    SitePath,
    /// `#step-2`, `?q=…` or nothing: this page.
    SamePage,
    /// `KB-0042`, `images/a.png`, `../trading/x.md`: relative to the page.
    Relative,
}

/// Why a URL may not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// A scheme other than [`SCHEMES`] (lower case, as the browser reads it).
    Scheme(String),
    /// `//host/…`: another site, with the page's scheme.
    ProtocolRelative,
    /// A backslash, which browsers read as `/` (`/\host` is `//host`).
    Backslash,
    /// `https:` without `//host`.
    NoHost(String),
}

impl Unsafe {
    /// The problem, for `what` (plural: "links", "images", "URLs").
    pub fn message(&self, url: &str, what: &str) -> String {
        match self {
            Unsafe::Scheme(scheme) => format!("`{scheme}:` {what} are not allowed"),
            Unsafe::ProtocolRelative => format!(
                "`{}` starts with `//`, which browsers read as another site's address",
                shorten(url)
            ),
            Unsafe::Backslash => format!(
                "`{}` contains `\\`, which browsers read as `/`",
                shorten(url)
            ),
            Unsafe::NoHost(scheme) => format!("`{}` has no host after `{scheme}:`", shorten(url)),
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            Unsafe::Scheme(_) => {
                "pages may only point at http(s)://, mailto: and tel: addresses, paths of this \
                 site (/hot/) and answers by id (KB-0042)"
            }
            Unsafe::ProtocolRelative => {
                "write the full address (https://host/…), or a path of this site with one `/`"
            }
            Unsafe::Backslash => "use `/` in URLs",
            Unsafe::NoHost(_) => "write the full address: https://host/path",
        }
    }
}

impl fmt::Display for Unsafe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsafe::Scheme(scheme) => write!(f, "`{scheme}:` is not an allowed scheme"),
            Unsafe::ProtocolRelative => f.write_str("protocol-relative URL"),
            Unsafe::Backslash => f.write_str("backslash in URL"),
            Unsafe::NoHost(scheme) => write!(f, "no host after `{scheme}:`"),
        }
    }
}

/// Whether `url` may be written in a page, and where it points.
pub fn check(url: &str) -> Result<Kind, Unsafe> {
    let url = as_browser_reads(url);
    if url.contains('\\') {
        return Err(Unsafe::Backslash);
    }
    if let Some((scheme, rest)) = split_scheme(&url) {
        let scheme = scheme.to_ascii_lowercase();
        if !SCHEMES.contains(&scheme.as_str()) {
            return Err(Unsafe::Scheme(scheme));
        }
        if (scheme == "http" || scheme == "https") && !has_host(&url, rest) {
            return Err(Unsafe::NoHost(scheme));
        }
        return Ok(Kind::External);
    }
    if url.starts_with("//") {
        return Err(Unsafe::ProtocolRelative);
    }
    Ok(match url.chars().next() {
        None | Some('#' | '?') => Kind::SamePage,
        Some('/') => Kind::SitePath,
        Some(_) => Kind::Relative,
    })
}

/// Whether a page may load `url` (an image, a video, a style): only from this site.
pub fn check_resource(url: &str) -> Result<Kind, Resource> {
    match check(url) {
        Ok(Kind::External) => Err(Resource::External),
        Ok(kind) => Ok(kind),
        Err(problem) => Err(Resource::Unsafe(problem)),
    }
}

/// Why a page may not load a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// Another site: readers' browsers would send it a request.
    External,
    Unsafe(Unsafe),
}

/// The URL a browser resolves: leading and trailing C0 controls and spaces removed, and every
/// tab and newline inside (the WHATWG URL parser's first steps).
pub fn as_browser_reads(url: &str) -> Cow<'_, str> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    if trimmed.contains(['\t', '\n', '\r']) {
        Cow::Owned(trimmed.replace(['\t', '\n', '\r'], ""))
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// `("https", "//x/y")` of `https://x/y`: a scheme is an ASCII letter followed by letters,
/// digits, `+`, `-` or `.`, then `:` (WHATWG's scheme state).
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then_some((scheme, rest))
}

/// `https:` followed by `//` and a host that parses (`https:evil.com` or `https:/x` are read
/// differently by browsers depending on the page's own scheme: not written by us).
fn has_host(url: &str, rest: &str) -> bool {
    rest.starts_with("//")
        && url::Url::parse(url).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()))
}

/// A URL as quoted in a message: at most 80 characters.
fn shorten(url: &str) -> Cow<'_, str> {
    match url.char_indices().nth(80) {
        Some((i, _)) => Cow::Owned(format!("{}…", &url[..i])),
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(s: &str) -> Result<Kind, Unsafe> {
        Err(Unsafe::Scheme(s.into()))
    }

    #[test]
    fn allows_the_four_schemes_site_paths_and_relative_targets() {
        let allowed = [
            ("https://qa.example.com/a/KB-0001/", Kind::External),
            ("HTTP://qa.example.com", Kind::External),
            ("https://例子.中国/路径?q=转账#第一步", Kind::External),
            (
                "mailto:team@broker.example.com?subject=反馈",
                Kind::External,
            ),
            ("tel:95555", Kind::External),
            ("/hot/2017-W31/", Kind::SitePath),
            ("#step-3", Kind::SamePage),
            ("?q=转账", Kind::SamePage),
            ("", Kind::SamePage),
            ("KB-0042#step-3", Kind::Relative),
            ("images/转账.png", Kind::Relative),
            ("../trading/locked.md", Kind::Relative),
            // Percent-encoded, `:` is data: a relative path on this site.
            ("javascript%3Aalert(1)", Kind::Relative),
            // Full-width letters are not a scheme to a browser either.
            ("ｊａｖａｓｃｒｉｐｔ:alert(1)", Kind::Relative),
        ];
        for (url, kind) in allowed {
            assert_eq!(check(url), Ok(kind), "{url:?}");
        }
    }

    #[test]
    fn rejects_every_other_scheme_however_written() {
        let payloads = [
            ("javascript:alert(1)", "javascript"),
            ("JaVaScRiPt:alert(1)", "javascript"),
            (" javascript:alert(1)", "javascript"),
            ("\u{1}\u{8}javascript:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            ("java\nscript:alert(1)", "javascript"),
            ("j\ra\tv\na\tscript:alert(1)", "javascript"),
            ("javascript:alert(1)\u{0} ", "javascript"),
            ("vbscript:msgbox(1)", "vbscript"),
            ("data:text/html,<script>alert(1)</script>", "data"),
            ("DATA:image/svg+xml;base64,PHN2Zz4=", "data"),
            ("file:///etc/passwd", "file"),
            ("ftp://files.example.com/", "ftp"),
            ("intent://x#Intent;end", "intent"),
            ("weixin://dl/chat", "weixin"),
            ("jar:http://x!/", "jar"),
            ("view-source:https://x", "view-source"),
        ];
        for (url, name) in payloads {
            assert_eq!(check(url), scheme(name), "{url:?}");
        }
    }

    #[test]
    fn rejects_other_sites_in_disguise() {
        for url in [
            "//evil.example.com/x.png",
            " //evil.example.com",
            "/\t/evil.example.com",
        ] {
            assert_eq!(check(url), Err(Unsafe::ProtocolRelative), "{url:?}");
        }
        for url in [
            "/\\evil.example.com",
            "\\\\evil.example.com",
            "https:\\\\evil.example.com",
            "images\\a.png",
        ] {
            assert_eq!(check(url), Err(Unsafe::Backslash), "{url:?}");
        }
        for url in [
            "https:evil.example.com",
            "https:/evil.example.com",
            "http://",
            "https://",
        ] {
            assert!(matches!(check(url), Err(Unsafe::NoHost(_))), "{url:?}");
        }
    }

    #[test]
    fn resources_only_from_this_site() {
        assert_eq!(check_resource("images/a.png"), Ok(Kind::Relative));
        assert_eq!(check_resource("/static/a.png"), Ok(Kind::SitePath));
        assert_eq!(
            check_resource("https://cdn.example.com/a.png"),
            Err(Resource::External)
        );
        assert_eq!(
            check_resource("//cdn.example.com/a.png"),
            Err(Resource::Unsafe(Unsafe::ProtocolRelative))
        );
    }

    #[test]
    fn messages_name_the_scheme_as_the_browser_reads_it() {
        let problem = check("java\tscript:alert(1)").unwrap_err();
        assert_eq!(
            problem.message("java\tscript:alert(1)", "links"),
            "`javascript:` links are not allowed"
        );
        let long = format!("//{}", "a".repeat(200));
        assert!(
            check(&long)
                .unwrap_err()
                .message(&long, "URLs")
                .contains('…')
        );
    }
}
