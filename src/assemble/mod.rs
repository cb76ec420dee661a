//! Assemble: decide the pages of the site and what each one shows.
//!
//! The result is a list of [`Page`]s (a site path, a template and its values); applying the
//! templates and writing files is the next stage's job.

pub mod views;

use std::collections::{BTreeMap, HashSet};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Article, Category, Site};
use crate::render::{Document, Rendered};
use crate::validate::normalize_alias;
use views::*;

/// One page to produce.
pub struct Page {
    /// Site path: `/trading/locked/` (written as `trading/locked/index.html`) or `/sitemap.xml`.
    pub path: String,
    pub template: &'static str,
    pub context: tera::Context,
}

pub struct Assembled {
    /// Values every template sees as `site`.
    pub site: SiteView,
    pub pages: Vec<Page>,
}

pub fn assemble(
    site: &Site,
    rendered: &Rendered,
    asset_urls: BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> Assembled {
    let site_view = site_view(site, asset_urls);
    let mut pages = Vec::with_capacity(site.content.articles.len() * 2 + 16);

    pages.push(Page {
        path: "/".into(),
        template: "home.html",
        context: tera::Context::new(),
    });
    for (system, intro) in site.content.systems.iter().zip(&rendered.systems) {
        pages.push(page(
            system.path(),
            "system.html",
            "system",
            &system_view(site, rendered, system, intro),
        ));
    }
    for (article, doc) in site.content.articles.iter().zip(&rendered.articles) {
        pages.push(page(
            article.path(),
            "article.html",
            "article",
            &article_view(site, article, doc),
        ));
        let redirect = redirect_view(site, article);
        pages.push(page(
            permalink(article),
            "redirect.html",
            "redirect",
            &redirect,
        ));
        for alias in &article.aliases {
            if let Ok(path) = normalize_alias(&alias.value) {
                pages.push(page(path, "redirect.html", "redirect", &redirect));
            }
        }
    }
    pages.push(Page {
        path: "/404.html".into(),
        template: "404.html",
        context: tera::Context::new(),
    });
    pages.push(page(
        "/sitemap.xml".into(),
        "sitemap.xml",
        "sitemap",
        &sitemap(site),
    ));
    pages.push(Page {
        path: "/robots.txt".into(),
        template: "robots.txt",
        context: tera::Context::new(),
    });

    check_site_links(site, rendered, &pages, diagnostics);
    Assembled {
        site: site_view,
        pages,
    }
}

fn page(
    path: String,
    template: &'static str,
    name: &'static str,
    value: &impl serde::Serialize,
) -> Page {
    let mut context = tera::Context::new();
    context.insert(name, value);
    Page {
        path,
        template,
        context,
    }
}

pub fn permalink(article: &Article) -> String {
    format!("/a/{}/", article.id.value)
}

fn site_view(site: &Site, assets: BTreeMap<String, String>) -> SiteView {
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
        sitemap_url: site.absolute_url("/sitemap.xml"),
        feedback_url: config
            .feedback_url
            .as_ref()
            .map(|t| fill_feedback(t, "", "", &config.base_url)),
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
fn fill_feedback(template: &str, id: &str, title: &str, url: &str) -> String {
    let encode = |s: &str| utf8_percent_encode(s, QUERY_VALUE).to_string();
    template
        .replace("{id}", &encode(id))
        .replace("{title}", &encode(title))
        .replace("{url}", &encode(url))
}

fn article_view(site: &Site, article: &Article, doc: &Document) -> ArticleView {
    let system = site.system(&article.system);
    let absolute_url = site.absolute_url(&article.path());
    ArticleView {
        id: article.id.value.to_string(),
        title: article.title.clone(),
        url: site.url(&article.path()),
        permalink: site.url(&permalink(article)),
        permalink_absolute: site.absolute_url(&permalink(article)),
        system: SystemRef {
            title: system.map_or_else(|| article.system.clone(), |s| s.title.clone()),
            url: site.url(&format!("/{}/", article.system)),
        },
        category: article.category.into(),
        tags: article.tags.clone(),
        questions: article.questions.clone(),
        summary: summary(article, doc),
        updated: article.updated.map(|d| d.to_string()),
        reviewed: article.reviewed.as_ref().map(|r| ReviewView {
            by: r.by.clone(),
            on: r.on.to_string(),
        }),
        html: doc.html.clone(),
        headings: doc
            .headings
            .iter()
            .map(|h| HeadingView {
                level: h.level,
                id: h.id.clone(),
                text: h.text.clone(),
            })
            .collect(),
        steps: doc
            .steps
            .iter()
            .map(|s| StepView {
                number: s.number,
                id: s.id.clone(),
                text: s.text.clone(),
            })
            .collect(),
        feedback_url: site
            .config
            .feedback_url
            .as_ref()
            .map(|t| fill_feedback(t, article.id.value.as_str(), &article.title, &absolute_url)),
        absolute_url,
    }
}

fn system_view(
    site: &Site,
    rendered: &Rendered,
    system: &crate::model::System,
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
    }
}

fn redirect_view(site: &Site, article: &Article) -> RedirectView {
    RedirectView {
        title: article.title.clone(),
        url: site.url(&article.path()),
        absolute_url: site.absolute_url(&article.path()),
    }
}

fn sitemap(site: &Site) -> Vec<SitemapEntry> {
    let mut entries = vec![SitemapEntry {
        url: site.absolute_url("/"),
        lastmod: None,
    }];
    for system in &site.content.systems {
        entries.push(SitemapEntry {
            url: site.absolute_url(&system.path()),
            lastmod: None,
        });
    }
    for article in &site.content.articles {
        entries.push(SitemapEntry {
            url: site.absolute_url(&article.path()),
            lastmod: article.updated.map(|d| d.to_string()),
        });
    }
    entries
}

/// Links to site paths (`[热点](/hot/)`) must name a page the site has.
fn check_site_links(
    site: &Site,
    rendered: &Rendered,
    pages: &[Page],
    diagnostics: &mut Diagnostics,
) {
    let known: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let all_docs = rendered
        .articles
        .iter()
        .chain(&rendered.systems)
        .chain(&rendered.sessions)
        .chain(&rendered.weekly);
    for doc in all_docs {
        for (path, span) in &doc.site_links {
            let bare = path.split(['#', '?']).next().unwrap_or(path);
            let with_slash = if bare.ends_with('/') || bare.contains('.') {
                bare.to_string()
            } else {
                format!("{bare}/")
            };
            let is_asset = rendered.assets.contains(bare.trim_start_matches('/'));
            let is_static = bare.starts_with("/static/");
            if known.contains(with_slash.as_str()) || is_asset || is_static {
                continue;
            }
            diagnostics.push(
                Diagnostic::error("broken-link", format!("the site has no page at {bare}"))
                    .at(*span)
                    .label("this link")
                    .help(format!(
                        "link to answers by id ([文字](KB-0042)); site paths are relative to {}",
                        site.config.base_url
                    )),
            );
        }
    }
}
