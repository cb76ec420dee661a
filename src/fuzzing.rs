//! Entry points for the fuzzers (`fuzz/`, `cargo fuzz`) and the bounded property suite
//! (`tests/fuzz.rs`): each runs one stage on hostile input the way a build does, and
//! [`unsafe_markup`] says whether its HTML could run script. Not part of the stable API.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::source::Sources;

const CONFIG: &str = "title = \"测试\"\nbase_url = \"https://qa.example.com/\"\n";
const SYSTEM: &str = "---\ntitle: 账户\n---\n";
const ARTICLE: &str = "---\nid: KB-0001\ntitle: 示例\ncategory: 咨询类\n---\n\n正文。\n";

/// A site source in a temporary folder whose one article, or ticket export, is replaced by each
/// input: what is run is the build's own loading and rendering, files and all.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

/// What one input produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// HTML of every rendered document (article bodies with their diagrams).
    pub html: Vec<String>,
    /// Search phrasings taken from ticket exports.
    pub phrasings: Vec<String>,
    pub errors: usize,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let sandbox = Sandbox { dir };
        sandbox.write("qaportal.toml", CONFIG.as_bytes());
        sandbox.write("content/account/_system.md", SYSTEM.as_bytes());
        sandbox.write("content/account/fuzz.md", ARTICLE.as_bytes());
        sandbox
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, relative: &str, bytes: &[u8]) {
        let path: PathBuf = self.root().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(path, bytes).expect("a file");
    }

    /// Loads and renders the site with `text` as its one article (front matter, markdown,
    /// diagrams, links).
    pub fn article(&self, text: &[u8]) -> Outcome {
        self.write("content/account/fuzz.md", text);
        let _ = std::fs::remove_file(self.root().join("data/tickets/fuzz.csv"));
        self.run()
    }

    /// Loads the site with `bytes` as its one ticket export.
    pub fn tickets(&self, bytes: &[u8]) -> Outcome {
        self.write("content/account/fuzz.md", ARTICLE.as_bytes());
        self.write("data/tickets/fuzz.csv", bytes);
        self.run()
    }

    fn run(&self) -> Outcome {
        let options = crate::build::Options {
            root: self.root().to_path_buf(),
            out: None,
            base_url: None,
            as_of: jiff::civil::date(2026, 11, 22),
            drafts: false,
            lints: crate::lint::Set::Publish,
            produce: false,
        };
        let mut sources = Sources::default();
        let mut diagnostics = Diagnostics::default();
        let mut outcome = Outcome::default();
        if let Some(site) = crate::build::prepare(&options, &mut sources, &mut diagnostics) {
            let rendered = crate::render::render(&site, &sources, &mut diagnostics, None);
            outcome.html = rendered.all().map(|d| d.html.clone()).collect();
            outcome.phrasings = site.tickets.phrasings.into_values().flatten().collect();
        }
        outcome.errors = diagnostics.error_count();
        outcome
    }
}

/// The first thing in `html` that could run script or leave the site: an event-handler
/// attribute (`on…=`), a `javascript:`/`vbscript:`/`data:`/`file:` URL in an attribute, a
/// `<script>`, `<iframe>`, `<object>` or `<embed>` element. Reads tags the way a browser's
/// tokenizer does for attributes (quoted and unquoted values); text between tags is not
/// markup.
pub fn unsafe_markup(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let start = i + lt;
        i = start + 1;
        let Some(&first) = bytes.get(i) else { break };
        if first == b'!' {
            // Comments and doctypes: no attributes.
            i = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
            continue;
        }
        if !first.is_ascii_alphabetic() {
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(html.len(), |e| i + e);
        let name = html[i..name_end].to_ascii_lowercase();
        if ["script", "iframe", "object", "embed", "frame", "base"].contains(&name.as_str()) {
            return Some(format!("a <{name}> element"));
        }
        i = name_end;
        // Attributes until `>`.
        loop {
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                i += 1;
            }
            match bytes.get(i) {
                None => return None,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            let attr_end = html[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .map_or(html.len(), |e| i + e);
            let attr = html[i..attr_end.max(i + 1).min(html.len())].to_ascii_lowercase();
            i = attr_end.max(i + 1);
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..]
                            .find(q as char)
                            .map_or(html.len(), |e| i + 1 + e);
                        value = html[i + 1..end].to_string();
                        i = (end + 1).min(html.len());
                    }
                    _ => {
                        let end = html[i..]
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .map_or(html.len(), |e| i + e);
                        value = html[i..end].to_string();
                        i = end;
                    }
                }
            }
            if attr.starts_with("on") && attr.len() > 2 {
                return Some(format!("the event-handler attribute {attr}= on <{name}>"));
            }
            if is_url_attribute(&attr) && unsafe_url(&value) {
                return Some(format!("the URL {attr}=\"{value}\" on <{name}>"));
            }
        }
    }
    None
}

fn is_url_attribute(attr: &str) -> bool {
    matches!(
        attr,
        "href" | "src" | "xlink:href" | "action" | "formaction" | "poster" | "srcset" | "data"
    )
}

/// What a browser would run or fetch from elsewhere: a script scheme, whatever its spelling
/// (entities, case, control characters inside).
fn unsafe_url(value: &str) -> bool {
    let decoded = decode_entities(value);
    let squeezed: String = decoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let entity = &rest[1..end];
        let decoded = if let Some(n) = entity.strip_prefix("#x").or(entity.strip_prefix("#X")) {
            u32::from_str_radix(n, 16).ok().and_then(char::from_u32)
        } else if let Some(n) = entity.strip_prefix('#') {
            n.parse().ok().and_then(char::from_u32)
        } else {
            match entity {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_handlers_and_script_urls_however_spelled() {
        assert!(unsafe_markup("<h2 id=x onfocus=alert(1)>t</h2>").is_some());
        assert!(unsafe_markup("<a href=\"jav&#x61;script:alert(1)\">x</a>").is_some());
        assert!(unsafe_markup("<a href='JaVa\tScRiPt:x'>x</a>").is_some());
        assert!(unsafe_markup("<svg><a xlink:href=\"javascript:x\"></a></svg>").is_some());
        assert!(unsafe_markup("<p>onclick=alert(1) javascript:x</p>").is_none());
        assert!(unsafe_markup("<a href=\"https://x/?a=javascript:\" title=\"on\">x</a>").is_none());
        assert!(unsafe_markup("<img src=\"images/a.png\" alt=\"a > b\">").is_none());
    }
}
