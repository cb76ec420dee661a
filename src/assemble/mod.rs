//! Assemble: decide the pages of the site and what each one shows.
//!
//! The result is a list of [`Page`]s (a site path, a template and the values it shows) and a few
//! generated files (QR codes); applying the templates and writing files is the next stage's job.

mod articles;
mod feed;
pub mod sessions;
pub mod views;
pub mod weekly;

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use search_index::tantivy_index::Hit;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::hot;
use crate::model::Site;
use crate::render::Rendered;
use views::*;

pub use articles::permalink;

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
    /// Files produced without a template (QR codes), by site path.
    pub files: Vec<(String, Vec<u8>)>,
}

/// A page whose template sees `value` under `name`.
fn page(path: String, template: &'static str, name: &'static str, value: &impl Serialize) -> Page {
    let mut context = tera::Context::new();
    context.insert(name, value);
    Page {
        path,
        template,
        context,
    }
}

pub fn assemble(
    site: &Site,
    rendered: &Rendered,
    related: &HashMap<String, Vec<Hit>>,
    asset_urls: BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> Assembled {
    let site_view = site_view(site, asset_urls);
    let mut pages = Vec::with_capacity(site.content.articles.len() * 3 + 64);
    let mut files = Vec::new();

    // The weeks with hot issues, newest first, and the one the home page shows.
    let weeks = hot::weeks(site, &site.tickets);
    let current =
        hot::current_week(site, &site.tickets).map(|w| hot::report(site, &site.tickets, w));

    let mut home = tera::Context::new();
    if let Some(report) = &current {
        home.insert("hot", &weekly::summary(site, rendered, report, 5));
    }
    if let Some(latest) = site.content.sessions.first() {
        home.insert("latest_session", &sessions::session_link(site, latest));
    }
    pages.push(Page {
        path: "/".into(),
        template: "home.html",
        context: home.clone(),
    });
    // The search page offers the hot issues when nothing is found.
    pages.push(Page {
        path: "/search/".into(),
        template: "search.html",
        context: home,
    });

    for (system, intro) in site.content.systems.iter().zip(&rendered.systems) {
        let mut view = system_view(site, rendered, system, intro);
        if let Some(report) = &current {
            let mut hot = weekly::summary(site, rendered, report, usize::MAX);
            let system_url = site.url(&system.path());
            hot.items
                .retain(|item| item.article.url.starts_with(&system_url));
            hot.items.truncate(5);
            view.hot = (!hot.items.is_empty()).then_some(hot);
        }
        pages.push(page(system.path(), "system.html", "system", &view));
    }

    let by_article = sessions::sessions_by_article(site);
    let article_outputs: Vec<articles::ArticleOutput> = site
        .content
        .articles
        .par_iter()
        .zip(&rendered.articles)
        .zip(&by_article)
        .map(|((article, doc), covered_by)| {
            let related = related_links(site, rendered, related.get(article.id.value.as_str()));
            articles::assemble(site, article, doc, covered_by, related)
        })
        .collect();
    for output in article_outputs {
        pages.extend(output.pages);
        files.push(output.qr);
    }

    weekly_pages(site, rendered, &weeks, &mut pages);
    session_pages(site, rendered, &mut pages, &mut files);

    // Offline support: the page shown for a page not saved on the phone, and the web app
    // manifest. The service worker is written last, by `crate::offline`: its cache version is a
    // hash of everything else.
    for (path, template) in [
        ("/404.html", "404.html"),
        ("/offline/", "offline.html"),
        ("/manifest.webmanifest", "manifest.webmanifest"),
    ] {
        pages.push(Page {
            path: path.into(),
            template,
            context: tera::Context::new(),
        });
    }
    pages.push(page(
        "/sitemap.xml".into(),
        "sitemap.xml",
        "sitemap",
        &sitemap(site, &weeks),
    ));
    pages.push(page(
        "/feed.xml".into(),
        "feed.xml",
        "feed",
        &feed::feed(site, rendered, &weeks),
    ));
    pages.push(Page {
        path: "/robots.txt".into(),
        template: "robots.txt",
        context: tera::Context::new(),
    });

    check_site_links(site, rendered, &pages, &files, diagnostics);
    Assembled {
        site: site_view,
        pages,
        files,
    }
}

/// The related answers found by the search index, as links.
fn related_links(site: &Site, rendered: &Rendered, hits: Option<&Vec<Hit>>) -> Vec<ArticleLink> {
    hits.into_iter()
        .flatten()
        .filter_map(|hit| {
            let &i = site.by_id.get(&crate::model::ArticleId(hit.id.clone()))?;
            Some(article_link(
                site,
                &site.content.articles[i],
                &rendered.articles[i],
            ))
        })
        .collect()
}

fn weekly_pages(
    site: &Site,
    rendered: &Rendered,
    weeks: &[crate::model::IsoWeek],
    pages: &mut Vec<Page>,
) {
    let mut summaries = Vec::with_capacity(weeks.len());
    for (i, &week) in weeks.iter().enumerate() {
        let report = hot::report(site, &site.tickets, week);
        // `weeks` is newest first: the next week is the one before in the list.
        let neighbours = (
            weeks.get(i + 1).copied(),
            i.checked_sub(1).map(|j| weeks[j]),
        );
        let view = weekly::week_view(site, rendered, &report, neighbours);
        pages.push(page(weekly::week_path(week), "week.html", "week", &view));
        summaries.push(weekly::summary(site, rendered, &report, 3));
    }
    pages.push(page("/hot/".into(), "hot.html", "weeks", &summaries));
}

fn session_pages(
    site: &Site,
    rendered: &Rendered,
    pages: &mut Vec<Page>,
    files: &mut Vec<(String, Vec<u8>)>,
) {
    let mut links = Vec::with_capacity(site.content.sessions.len());
    for (session, doc) in site.content.sessions.iter().zip(&rendered.sessions) {
        let view = sessions::session_view(site, rendered, session, doc);
        files.push((
            format!("{}qr.svg", session.path()),
            view.qr.clone().into_bytes(),
        ));
        pages.push(page(session.path(), "session.html", "session", &view));
        let present = sessions::session_presentation(site, rendered, session);
        pages.push(page(
            format!("{}present/", session.path()),
            "present.html",
            "present",
            &present,
        ));
        links.push(sessions::session_link(site, session));
    }
    pages.push(page(
        "/sessions/".into(),
        "sessions.html",
        "sessions",
        &links,
    ));
}

fn sitemap(site: &Site, weeks: &[crate::model::IsoWeek]) -> Vec<SitemapEntry> {
    let entry = |path: &str, lastmod: Option<String>| SitemapEntry {
        url: site.absolute_url(path),
        lastmod,
    };
    let mut entries = vec![
        entry("/", None),
        entry("/hot/", None),
        entry("/sessions/", None),
    ];
    for system in &site.content.systems {
        entries.push(entry(&system.path(), None));
    }
    for article in &site.content.articles {
        entries.push(entry(
            &article.path(),
            article.updated.map(|d| d.to_string()),
        ));
    }
    for week in weeks {
        entries.push(entry(&weekly::week_path(*week), None));
    }
    for session in &site.content.sessions {
        entries.push(entry(&session.path(), Some(session.date.to_string())));
    }
    entries
}

/// Links to site paths (`[热点](/hot/)`) must name a page or file the site has.
fn check_site_links(
    site: &Site,
    rendered: &Rendered,
    pages: &[Page],
    files: &[(String, Vec<u8>)],
    diagnostics: &mut Diagnostics,
) {
    let known: HashSet<&str> = pages
        .iter()
        .map(|p| p.path.as_str())
        .chain(files.iter().map(|f| f.0.as_str()))
        .collect();
    let docs = rendered
        .articles
        .iter()
        .chain(&rendered.systems)
        .chain(&rendered.sessions)
        .chain(&rendered.weekly);
    for doc in docs {
        for (path, span) in &doc.site_links {
            let bare = path.split(['#', '?']).next().unwrap_or(path);
            let as_page = if bare.ends_with('/') || bare.contains('.') {
                bare.to_string()
            } else {
                format!("{bare}/")
            };
            let is_asset = rendered.assets.contains(bare.trim_start_matches('/'));
            if known.contains(as_page.as_str()) || is_asset || bare.starts_with("/static/") {
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
