//! What templates see: plain serializable records, in the users' words.
//!
//! Templates get only these views (never the model), so that a theme author reads one file to
//! know every name available, and the model can change without breaking themes.

use serde::Serialize;

use crate::model::{Article, Category, Site};
use crate::render::Document;

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
    pub sitemap_url: String,
    pub feedback_url: Option<String>,
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
}

/// A redirect page: `redirect` in `redirect.html`.
#[derive(Serialize)]
pub struct RedirectView {
    pub title: String,
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
