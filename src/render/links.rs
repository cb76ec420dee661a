//! What a link or image in an article points at, and whether that exists.

use std::cell::RefCell;
use std::collections::HashSet;

use crate::model::{ArticleId, Site};
use crate::url_policy;

/// A link destination, classified.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `https://…`, `mailto:…`, `tel:…`: left as written.
    External,
    /// Another answer, by id (`KB-0042#step-3`) or by source path (`../x/y.md#step-3`).
    Article {
        id: ArticleId,
        anchor: Option<String>,
    },
    /// `#anchor` in the same page.
    Local { anchor: String },
    /// `/hot/`: a page of the site, checked once all pages are known.
    SitePath { path: String },
    /// A file under `content/` (image, PDF), path relative to `content/`.
    Asset { path: String },
}

/// Why a destination cannot be used; the text is shown to the author.
#[derive(Debug, PartialEq, Eq)]
pub struct LinkError {
    pub code: &'static str,
    pub message: String,
    pub help: String,
}

fn error(code: &'static str, message: String, help: impl Into<String>) -> LinkError {
    LinkError {
        code,
        message,
        help: help.into(),
    }
}

pub struct Resolver<'a> {
    pub site: &'a Site,
    /// Files under `content/` that are not markdown, relative to `content/`.
    pub assets: &'a HashSet<String>,
    /// Every destination resolved so far, as written: a document's HTML depends on the site
    /// only through them, so the render cache (`cache.rs`) reuses it while each resolves to
    /// what it did.
    pub resolved: RefCell<Vec<String>>,
}

impl Resolver<'_> {
    /// Classifies `dest` as written in a document whose folder (relative to `content/`) is `dir`.
    pub fn resolve(&self, dest: &str, dir: &str) -> Result<Target, LinkError> {
        self.resolved.borrow_mut().push(dest.to_string());
        self.classify(dest, dir)
    }

    /// What `dest` resolves to and the URL a page gets for it, hashed: the same hash, the same
    /// HTML and the same errors for the document that wrote it (an answer deleted, a file
    /// removed or an answer moved to another system each change it).
    pub fn outcome(&self, dest: &str, dir: &str) -> u64 {
        let site = self.site;
        let target = self.classify(dest, dir);
        let url = match &target {
            Ok(Target::Article { id, .. }) => site.article(id).map(|a| site.url(&a.path())),
            Ok(Target::SitePath { path }) => Some(site.url(path)),
            Ok(Target::Asset { path }) => Some(site.url(&format!("/{path}"))),
            _ => None,
        };
        xxhash_rust::xxh3::xxh3_64(format!("{target:?}\n{url:?}").as_bytes())
    }

    fn classify(&self, dest: &str, dir: &str) -> Result<Target, LinkError> {
        let dest = dest.trim();
        if dest.is_empty() {
            return Err(error(
                "broken-link",
                "link has no destination".into(),
                "write the target in the parentheses: [文字](KB-0042)",
            ));
        }
        match url_policy::check(dest) {
            Err(problem) => {
                return Err(error(
                    "unsafe-link",
                    problem.message(dest, "links"),
                    problem.help(),
                ));
            }
            Ok(url_policy::Kind::External) => return Ok(Target::External),
            Ok(_) => {}
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            return Ok(Target::Local {
                anchor: percent_decode(anchor),
            });
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((path, anchor)) => (path, Some(percent_decode(anchor))),
            None => (dest, None),
        };
        if ArticleId::is_valid(path) {
            return self.article_by_id(ArticleId(path.to_string()), anchor);
        }
        if let Some(site_path) = path.strip_prefix('/') {
            return Ok(Target::SitePath {
                path: format!("/{site_path}"),
            });
        }
        let path = percent_decode(path.split('?').next().unwrap_or(path));
        let Some(relative) = join(dir, &path) else {
            return Err(error(
                "broken-link",
                format!("`{dest}` points outside content/"),
                "link to files inside content/, relative to this file",
            ));
        };
        if relative.ends_with(".md") {
            return match self.site.by_content_path.get(&relative) {
                Some(&i) => Ok(Target::Article {
                    id: self.site.content.articles[i].id.value.clone(),
                    anchor,
                }),
                None => Err(error(
                    "broken-link",
                    format!("no article at content/{relative}"),
                    "check the path (it is relative to this file), or link by id: [文字](KB-0042)",
                )),
            };
        }
        if self.assets.contains(&relative) {
            if opens_as_a_page(&relative) {
                return Err(error(
                    "unsafe-link",
                    format!(
                        "content/{relative} would open as a page of this site, where its scripts would run"
                    ),
                    "publish documents as PDF and pictures as PNG, JPEG or SVG, or link to where the page lives (https://…)",
                ));
            }
            return Ok(Target::Asset { path: relative });
        }
        if ArticleId::is_valid(&path.to_ascii_uppercase()) {
            return Err(error(
                "broken-link",
                format!("`{path}` is not an article id"),
                format!("ids are upper case: {}", path.to_ascii_uppercase()),
            ));
        }
        Err(error(
            "broken-link",
            format!("no file at content/{relative}"),
            "put the file there, or fix the path (it is relative to this file)",
        ))
    }

    fn article_by_id(&self, id: ArticleId, anchor: Option<String>) -> Result<Target, LinkError> {
        if self.site.by_id.contains_key(&id) {
            return Ok(Target::Article { id, anchor });
        }
        if self.site.unpublished.contains(&id) {
            return Err(error(
                "broken-link",
                format!("{id} is a draft and is not published"),
                "publish it (remove `draft: true`) or remove the link; build with --drafts to preview",
            ));
        }
        Err(error(
            "broken-link",
            format!("no article has the id {id}"),
            "check the id; `qaportal search <words>` finds an article's id",
        ))
    }
}

/// Files that browsers open as documents able to run script (SVG files are checked when they
/// are read, see `load::svg`).
fn opens_as_a_page(path: &str) -> bool {
    const ACTIVE: &[&str] = &[
        "html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "xml", "xsl", "xslt", "svgz", "js",
        "mjs", "swf", "hta", "php",
    ];
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    ACTIVE.iter().any(|a| a.eq_ignore_ascii_case(extension))
}

/// `dir` + a relative `path`, normalised; `None` if it climbs out of `content/`.
pub fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Authors sometimes paste encoded links (`%E6%AD%A5`); anchors and paths are compared decoded.
pub fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', high, low]) => hex(*high).zip(hex(*low)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(
            join("trading", "../account/x.md"),
            Some("account/x.md".into())
        );
        assert_eq!(
            join("trading", "images/a.png"),
            Some("trading/images/a.png".into())
        );
        assert_eq!(join("trading", "../../etc/passwd"), None);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("%E5%A4%84%E7%90%86"), "处理");
        assert_eq!(percent_decode("step-1"), "step-1");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%é%"), "%é%");
    }
}
