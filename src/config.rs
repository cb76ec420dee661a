//! `qaportal.toml`: the site's settings.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceId, Sources, Span};

pub const CONFIG_FILE: &str = "qaportal.toml";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site name shown in the header and the browser tab.
    #[serde(default = "default_title")]
    pub title: String,
    /// One sentence under the title on the home page and in link previews.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at; QR codes, the sitemap and the feed use it.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// Order of the systems on the home page, by folder name; systems not listed follow, by their
    /// `order` field.
    #[serde(default)]
    pub systems: Vec<String>,
    /// Name of a theme under `themes/` that overrides the built-in one.
    #[serde(default)]
    pub theme: Option<String>,
    /// The "still unsolved?" link on every answer. `{id}`, `{title}` and `{url}` are replaced,
    /// URL-encoded.
    #[serde(default)]
    pub feedback_url: Option<String>,
    /// Who answers the feedback, shown next to the link.
    #[serde(default = "default_team")]
    pub team: String,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub review: ReviewConfig,
    #[serde(default)]
    pub tickets: TicketsConfig,
    #[serde(default)]
    pub lint: LintConfig,
    #[serde(default)]
    pub offline: OfflineConfig,
    #[serde(default)]
    pub search: SearchConfig,
}

/// `[search]`: what the site learns from its users' searches.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Pages report each search and each answer opened from its results to
    /// `<base>search/log?…`, a request the web server logs and answers with nothing (see
    /// docs/search-log.md). Off by default: the site makes no request it does not need.
    #[serde(default)]
    pub log: bool,
    /// Queries after which a user opened an answer and searched no more become phrasings of that
    /// answer, read from `data/search-logs/`.
    #[serde(default)]
    pub learn_from_log: bool,
    /// A query teaches search only when it led to the same answer on this many distinct days,
    /// so that one user cannot.
    #[serde(default = "default_learn_min_days")]
    pub learn_min_days: u32,
    /// Synonyms learned at build time from the answers' phrasings (`questions` and tickets),
    /// given to answers that have none yet. Off by default: in the relevance bench's cold-start
    /// setting they gained on one corpus and lost on three (search-index/README.md).
    #[serde(default)]
    pub learned_synonyms: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            log: false,
            learn_from_log: false,
            learn_min_days: default_learn_min_days(),
            learned_synonyms: false,
        }
    }
}

fn default_learn_min_days() -> u32 {
    3
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineConfig {
    /// Pages register a service worker that keeps the site usable without a network. Turned
    /// off, `/sw.js` becomes a worker that removes itself and its caches from phones that
    /// installed an earlier one.
    #[serde(default = "default_true")]
    pub enabled: bool,
}

impl Default for OfflineConfig {
    fn default() -> Self {
        OfflineConfig { enabled: true }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Values that look like customer data but are the team's test accounts: ID, mobile and
    /// bank card numbers (spaces and dashes ignored), e-mail addresses, or `@domain` for every
    /// address of a domain.
    #[serde(default)]
    pub allow: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketsConfig {
    /// Malformed ticket rows, unknown articles and systems fail the build instead of being
    /// skipped with a warning.
    #[serde(default)]
    pub strict: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// What to do with raw HTML in articles.
    #[serde(default)]
    pub raw_html: RawHtml,
    /// Headings whose numbered list holds the fix steps (each step gets `#step-N`).
    #[serde(default = "default_steps_headings")]
    pub steps_headings: Vec<String>,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            raw_html: RawHtml::default(),
            steps_headings: default_steps_headings(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Keep safe tags and attributes; drop scripts, styles, event handlers.
    #[default]
    Sanitize,
    /// Show the HTML as text.
    Escape,
    /// Formerly: publish raw HTML unchecked. Refused when the config is read: no author input
    /// may put script in a page, so every page body is sanitized.
    Allow,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// An answer not confirmed by its owner for this many days gets a warning.
    #[serde(default = "default_review_interval")]
    pub interval_days: u32,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            interval_days: default_review_interval(),
        }
    }
}

fn default_title() -> String {
    "QA 服务中心".into()
}
fn default_language() -> String {
    "zh-CN".into()
}
fn default_team() -> String {
    "事件处理组".into()
}
fn default_steps_headings() -> Vec<String> {
    ["处理步骤", "操作步骤", "解决步骤", "解决方法"]
        .map(String::from)
        .to_vec()
}
fn default_review_interval() -> u32 {
    180
}
fn default_true() -> bool {
    true
}

impl Config {
    /// Path part of `base_url`, always ending in `/`: `/` or `/help/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// `https://qa.example.com` of `https://qa.example.com/help/`: joined with a link as written
    /// in a page (which carries the base path), it gives the absolute URL.
    pub fn origin(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        match self.base_url[after_scheme..].find('/') {
            Some(i) => &self.base_url[..after_scheme + i],
            None => &self.base_url,
        }
    }

    /// `base_url` without a trailing slash, to join with site paths (which start with `/`
    /// relative to the base path).
    pub fn absolute_url(&self, site_path: &str) -> String {
        let base = self.base_url.trim_end_matches('/');
        format!("{base}{site_path}")
    }
}

/// The largest `qaportal.toml` read: settings are a few kilobytes.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads and checks `qaportal.toml`. Problems are reported as diagnostics on the file.
pub fn load(root: &Path, sources: &mut Sources) -> Result<(Config, SourceId), Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let read = crate::source::read_at_most(&path, MAX_CONFIG_BYTES);
    let text = match read.map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            return Err(vec![
                Diagnostic::error("config", format!("{CONFIG_FILE} is not valid UTF-8"))
                    .help("save it as UTF-8"),
            ]);
        }
        Err(crate::source::ReadProblem::TooLarge) => {
            return Err(vec![
                Diagnostic::error(
                    "config",
                    format!(
                        "{CONFIG_FILE} holds more than {}, far more than any site's settings",
                        crate::load::human_size(MAX_CONFIG_BYTES)
                    ),
                )
                .help("is this the right file? qaportal.toml holds a few dozen lines of settings"),
            ]);
        }
        Err(crate::source::ReadProblem::Io(error)) => {
            return Err(vec![
                Diagnostic::error("config", format!("cannot read {}: {error}", path.display())).help(
                    "run qaportal in a site folder (one with qaportal.toml), pass --root <folder>, \
                     or create a site with `qaportal init <folder>`",
                ),
            ]);
        }
    };
    let id = sources.add(SourceFile::new(path, CONFIG_FILE.into(), text));
    let text = &sources.get(id).text;
    let mut config: Config = toml::from_str(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        vec![
            Diagnostic::error(
                "config",
                format!("invalid {CONFIG_FILE}: {}", error.message().trim()),
            )
            .at(Span::new(id, span))
            .label("here")
            .help("see the settings in README.md"),
        ]
    })?;
    let mut problems = Vec::new();
    if let Err(message) = check_base_url(&config.base_url) {
        let span = key_span(id, text, "base_url");
        problems.push(
            Diagnostic::error("config", message)
                .at(span)
                .label("not an absolute http(s) URL")
                .help("write the address the site is published at, e.g. base_url = \"https://qa.example.com/\""),
        );
    }
    if config.markdown.raw_html == RawHtml::Allow {
        problems.push(
            Diagnostic::error(
                "config",
                "`raw_html = \"allow\"` is not supported: it would publish authors' scripts",
            )
            .at(key_span(id, text, "raw_html"))
            .label("every page is sanitized")
            .help(
                "use \"sanitize\" (the default: safe HTML is kept, scripts, event handlers and \
                 styles are removed) or \"escape\" (raw HTML is shown as text)",
            ),
        );
    }
    if let Some(template) = &config.feedback_url
        && let Err((message, help)) = check_feedback_url(template)
    {
        problems.push(
            Diagnostic::error("unsafe-url", format!("feedback_url: {message}"))
                .at(key_span(id, text, "feedback_url"))
                .label("this link is on every page")
                .help(help),
        );
    }
    if !config.base_url.ends_with('/') {
        config.base_url.push('/');
    }
    if problems.is_empty() {
        Ok((config, id))
    } else {
        Err(problems)
    }
}

/// Path part of a base URL, always ending in `/`: `/` or `/help/`.
pub fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or("", |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// Every link, QR code, sitemap and feed entry starts with `base_url`: longer ones make QR
/// codes that do not fit or scan.
pub const MAX_BASE_URL_CHARS: usize = 300;

/// `base_url` is written into every page (links, scripts, the service worker), so it holds only
/// characters that mean the same in a URL, an HTML attribute and a JavaScript string.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let length = url.chars().count();
    if length > MAX_BASE_URL_CHARS {
        return Err(format!(
            "base_url is {length} characters long; at most {MAX_BASE_URL_CHARS} are allowed \
             (QR codes of its links must stay small enough to scan)"
        ));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("base_url `{url}` has no host name"));
    }
    if let Some(c) = url
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || "-._~:/%@[]!$()*+,;=".contains(c)))
    {
        return Err(format!(
            "base_url `{url}` contains `{}`: write it as a plain address (non-ASCII letters \
             percent-encoded, no quotes, spaces, backslashes, `?`, `#` or `&`)",
            c.escape_default()
        ));
    }
    crate::url_policy::check(url).map_err(|problem| format!("base_url: {problem}"))?;
    Ok(())
}

/// `feedback_url` must be a link the policy allows, and its placeholders may only fill in the
/// address after its scheme and host (or after a site path's first `/`): an article titled
/// `javascript` must not turn `{title}:alert(1)` into a script.
fn check_feedback_url(template: &str) -> Result<(), (String, &'static str)> {
    use crate::url_policy::{Kind, check};
    let unsafe_url =
        |problem: crate::url_policy::Unsafe| (problem.message(template, "URLs"), problem.help());
    // The part before the first placeholder decides where the link goes.
    let first = template.find('{').unwrap_or(template.len());
    let fixed = &template[..first];
    let complete = match check(fixed).map_err(unsafe_url)? {
        Kind::External if first == template.len() => true,
        Kind::External => match fixed.split_once("://") {
            Some((_, rest)) => rest.contains(['/', '?']),
            None => true,
        },
        Kind::SitePath => fixed.len() > 1 || first == template.len(),
        _ => false,
    };
    if !complete {
        return Err(if first < template.len() {
            (
                format!("`{template}` has a placeholder before its address is complete"),
                "start it with the fixed address, e.g. \
                 feedback_url = \"https://itsm.example.com/new?article={id}&title={title}\"",
            )
        } else {
            (
                format!("`{template}` is not an absolute address or a path of this site"),
                "write the full address (https://…, mailto:…) or a path of this site starting with /",
            )
        });
    }
    let sample = template
        .replace("{id}", "KB-0001")
        .replace("{title}", "x")
        .replace("{url}", "x");
    check(&sample).map_err(unsafe_url)?;
    Ok(())
}

/// Where a message about a top-level key points: its value, or the file's start.
fn key_span(id: SourceId, text: &str, key: &str) -> Span {
    locate_key(text, key)
        .map(|r| Span::new(id, r))
        .unwrap_or(Span::file_start(id))
}

/// Byte range of the value of a top-level `key = value` line, for messages about it.
fn locate_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let start = offset + (line.len() - value.trim_start().len());
            let end = offset + line.trim_end().len();
            return Some(start..end.max(start));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base_url: &str) -> Config {
        toml::from_str(&format!("base_url = \"{base_url}\"")).unwrap()
    }

    #[test]
    fn base_path_comes_from_base_url() {
        assert_eq!(config("https://qa.example.com").base_path(), "/");
        assert_eq!(config("https://example.com/help/").base_path(), "/help/");
        assert_eq!(config("https://example.com/help").base_path(), "/help/");
        assert_eq!(
            config("https://example.com/help/").origin(),
            "https://example.com"
        );
        assert_eq!(
            config("http://localhost:8000").origin(),
            "http://localhost:8000"
        );
    }

    #[test]
    fn offline_is_on_unless_turned_off() {
        assert!(config("https://qa.example.com/").offline.enabled);
        let off: Config =
            toml::from_str("base_url = \"https://qa.example.com/\"\n[offline]\nenabled = false")
                .unwrap();
        assert!(!off.offline.enabled);
        let typo = toml::from_str::<Config>(
            "base_url = \"https://qa.example.com/\"\n[offline]\nenable = false",
        );
        assert!(typo.is_err(), "unknown keys are rejected");
    }

    #[test]
    fn base_url_must_be_absolute() {
        assert!(check_base_url("https://qa.example.com/").is_ok());
        assert!(check_base_url("http://localhost:4000/help/").is_ok());
        assert!(check_base_url("https://[::1]:8080/").is_ok());
        assert!(check_base_url("qa.example.com").is_err());
        assert!(check_base_url("https:///x").is_err());
    }

    #[test]
    fn base_url_holds_nothing_that_breaks_out_of_an_attribute_or_a_script() {
        for url in [
            "https://qa.example.com/\" onmouseover=\"alert(1)",
            "https://qa.example.com/'+alert(1)+'",
            "https://qa.example.com/<script>",
            "https://qa.example.com/\\",
            "https://qa.example.com/\u{2028}",
            "https://qa.example.com/help/?x=1",
            "https://qa.example.com/#x",
            "https://qa.example.com/ a",
            "https://qa.example.com/帮助/",
            "https://qa.example.com/a&b",
        ] {
            assert!(check_base_url(url).is_err(), "{url:?}");
        }
    }

    #[test]
    fn feedback_url_is_checked_before_filling() {
        for ok in [
            "https://itsm.example.com/new?article={id}&title={title}",
            "https://itsm.example.com/{id}",
            "mailto:team@example.com?subject={title}",
            "/feedback/?from={url}",
            "https://itsm.example.com/",
            "https://itsm.example.com",
        ] {
            assert!(check_feedback_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JAVA\tSCRIPT:alert('{id}')",
            "data:text/html,x",
            "{title}:alert(1)",
            "java{id}script:alert(1)",
            "https://{title}.example.com/",
            "//evil.example.com/{id}",
            "{url}",
            "feedback",
        ] {
            assert!(check_feedback_url(bad).is_err(), "{bad}");
        }
    }
}
