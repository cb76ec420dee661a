//! What templates see: plain serializable records, in the users' words.
//!
//! Templates get only these views (never the model), so that a theme author reads one file to
//! know every name available, and the model can change without breaking themes.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::sessions::SessionLink;
use super::weekly::WeekSummary;
use crate::model::{Article, Category, Site, System};
use crate::render::{Document, Rendered};

/// Site-wide values, available in every template as `site`.
#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub team: String,
    pub base_url: String,
    pub home_url: String,
    pub search_url: String,
    /// Folder of the client search index.
    pub search_index_url: String,
    /// Where the pages report searches (`[search] log = true`): `/search/log`.
    pub search_log_url: Option<String>,
    pub hot_url: String,
    pub sessions_url: String,
    pub feed_url: String,
    pub sitemap_url: String,
    /// The web app manifest (`/manifest.webmanifest`): name, colours, icon for "add to home
    /// screen".
    pub webmanifest_url: String,
    /// Whether pages register the service worker (`[offline] enabled`).
    pub offline: bool,
    /// The service worker, `/sw.js`; its scope is `home_url`.
    pub worker_url: String,
    /// The page the service worker shows for a page not saved on the phone.
    pub offline_url: String,
    pub feedback_url: Option<String>,
    /// `feedback_url` for a search that found no answer: its title is "搜索：" and
    /// [`QUERY_MARK`], which the search page replaces with the query (percent-encoded).
    pub feedback_query_url: Option<String>,
    /// Static file URLs with cache-busting hashes: `site.assets["style.css"]`.
    pub assets: std::collections::BTreeMap<String, String>,
    pub systems: Vec<SystemTile>,
    /// The build's date, `YYYY-MM-DD`.
    pub as_of: String,
}

#[derive(Serialize)]
pub struct SystemTile {
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub url: String,
    pub count: usize,
}

#[derive(Serialize, Clone)]
pub struct CategoryView {
    pub key: &'static str,
    pub label: &'static str,
}

impl From<Category> for CategoryView {
    fn from(c: Category) -> Self {
        CategoryView {
            key: c.key(),
            label: c.label(),
        }
    }
}

/// An article as a line in a list.
#[derive(Serialize, Clone)]
pub struct ArticleLink {
    pub id: String,
    pub title: String,
    pub url: String,
    pub summary: String,
    pub category: CategoryView,
}

#[derive(Serialize)]
pub struct SystemRef {
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct ReviewView {
    pub by: String,
    pub on: String,
}

#[derive(Serialize)]
pub struct HeadingView {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct StepView {
    pub number: u64,
    pub id: String,
    pub text: String,
}

/// An answer page: `article` in `article.html`.
#[derive(Serialize)]
pub struct ArticleView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub absolute_url: String,
    /// The short link `/a/<id>/`.
    pub permalink: String,
    pub permalink_absolute: String,
    pub system: SystemRef,
    pub category: CategoryView,
    pub tags: Vec<String>,
    pub questions: Vec<String>,
    pub summary: String,
    pub updated: Option<String>,
    pub reviewed: Option<ReviewView>,
    pub html: String,
    pub headings: Vec<HeadingView>,
    pub steps: Vec<StepView>,
    pub feedback_url: Option<String>,
    /// Answers about the same thing, found by the search index.
    pub related: Vec<ArticleLink>,
    /// The live sessions that covered this answer, newest first.
    pub sessions: Vec<SessionLink>,
    /// Its tickets in the last 8 weeks with ticket data, when it had any.
    pub tickets: Option<super::trends::TicketHistory>,
    pub qr_url: String,
    pub present_url: String,
}

#[derive(Serialize)]
pub struct CategoryGroup {
    pub key: &'static str,
    pub label: &'static str,
    pub articles: Vec<ArticleLink>,
}

/// A system page: `system` in `system.html`.
#[derive(Serialize)]
pub struct SystemView {
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub intro: String,
    pub groups: Vec<CategoryGroup>,
    /// This system's answers among the current week's hot issues.
    pub hot: Option<WeekSummary>,
}

/// A redirect page: `redirect` in `redirect.html`.
#[derive(Serialize, Clone)]
pub struct RedirectView {
    pub title: String,
    /// For link previews of a short link shared in a chat.
    pub summary: String,
    pub url: String,
    pub absolute_url: String,
}

#[derive(Serialize)]
pub struct SitemapEntry {
    pub url: String,
    pub lastmod: Option<String>,
}

/// The summary shown in lists and link previews: the author's, or the start of the first
/// paragraph.
pub fn summary(article: &Article, doc: &Document) -> String {
    if let Some(summary) = &article.summary {
        return summary.clone();
    }
    let text = doc.first_paragraph.trim();
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

pub fn article_link(site: &Site, article: &Article, doc: &Document) -> ArticleLink {
    ArticleLink {
        id: article.id.value.to_string(),
        title: article.title.clone(),
        url: site.url(&article.path()),
        summary: summary(article, doc),
        category: article.category.into(),
    }
}

pub fn site_view(site: &Site, assets: BTreeMap<String, String>) -> SiteView {
    let config = &site.config;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for article in &site.content.articles {
        *counts.entry(article.system.as_str()).or_default() += 1;
    }
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        team: config.team.clone(),
        base_url: config.base_url.clone(),
        home_url: site.url("/"),
        search_url: site.url("/search/"),
        search_index_url: site.url("/search/"),
        search_log_url: config
            .search
            .log
            .then(|| site.url(&format!("/{}", crate::search_log::beacon::PATH))),
        hot_url: site.url("/hot/"),
        sessions_url: site.url("/sessions/"),
        feed_url: site.url("/feed.xml"),
        sitemap_url: site.absolute_url("/sitemap.xml"),
        webmanifest_url: site.url("/manifest.webmanifest"),
        offline: config.offline.enabled,
        worker_url: site.url("/sw.js"),
        offline_url: site.url("/offline/"),
        feedback_url: config
            .feedback_url
            .as_ref()
            // Not about one answer (those fill in their own): about the help center itself.
            .map(|t| {
                fill_feedback(
                    t,
                    "",
                    &format!("{}（整体反馈）", config.title),
                    &config.base_url,
                )
            }),
        feedback_query_url: config
            .feedback_url
            .as_ref()
            .map(|t| fill_feedback(t, "", &format!("搜索：{QUERY_MARK}"), &config.base_url)),
        assets,
        systems: site
            .content
            .systems
            .iter()
            .map(|s| SystemTile {
                key: s.key.clone(),
                title: s.title.clone(),
                description: s.description.clone(),
                url: site.url(&s.path()),
                count: counts.get(s.key.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        as_of: site.as_of.to_string(),
    }
}

/// Everything but RFC 3986's unreserved characters is encoded in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Fills `{id}`, `{title}` and `{url}` of the feedback link template, URL-encoded.
/// Stands for the query in [`SiteView::feedback_query_url`] (ui.js looks for it encoded).
pub const QUERY_MARK: &str = "{query}";

pub fn fill_feedback(template: &str, id: &str, title: &str, url: &str) -> String {
    let encode = |s: &str| utf8_percent_encode(s, QUERY_VALUE).to_string();
    template
        .replace("{id}", &encode(id))
        .replace("{title}", &encode(title))
        .replace("{url}", &encode(url))
}

pub fn system_view(
    site: &Site,
    rendered: &Rendered,
    system: &System,
    intro: &Document,
) -> SystemView {
    let mut groups: Vec<CategoryGroup> = Category::ALL
        .iter()
        .map(|c| CategoryGroup {
            key: c.key(),
            label: c.label(),
            articles: Vec::new(),
        })
        .collect();
    for (article, doc) in site.content.articles.iter().zip(&rendered.articles) {
        if article.system != system.key {
            continue;
        }
        let index = Category::ALL
            .iter()
            .position(|c| *c == article.category)
            .expect("known category");
        groups[index]
            .articles
            .push(article_link(site, article, doc));
    }
    groups.retain(|g| !g.articles.is_empty());
    SystemView {
        key: system.key.clone(),
        title: system.title.clone(),
        description: system.description.clone(),
        intro: intro.html.clone(),
        groups,
        hot: None,
    }
}
