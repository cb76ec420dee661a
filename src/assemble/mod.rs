//! Assemble: decide the pages of the site and what each one shows.
//!
//! The result is a list of [`Page`]s (a site path, a template and the values it shows) and a few
//! QR codes are drawn by the templates (the `qr_svg` filter); applying the templates and writing
//! files is the next stage's job.

mod articles;
pub mod charts;
mod feed;
pub mod present;
pub mod sessions;
pub mod trends;
pub mod views;
pub mod weekly;

use std::collections::{BTreeMap, HashSet};

use crate::related::{Related, RelatedAnswers};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::hot;
use crate::model::Site;
use crate::output::{claims::Claim, file_for};
use crate::render::{Document, Rendered};
use views::*;

pub use articles::permalink;

/// One page to produce.
pub struct Page {
    /// Site path: `/trading/locked/` (written as `trading/locked/index.html`) or `/sitemap.xml`.
    pub path: String,
    pub template: &'static str,
    pub values: Values,
    /// What the page is made from, hashed, for pages whose values are all under one name:
    /// a rebuild does not template such a page again when this did not change
    /// (`output::unchanged`). `None`: always templated.
    pub inputs: Option<crate::output::unchanged::Fingerprint>,
}

/// What a page's template sees.
pub enum Values {
    /// Pages that show several values, always templated.
    Context(tera::Context),
    /// One view under one name (`article`, `present`…), made into the templates' values only
    /// when the page is templated: a warm rebuild reuses most pages as they were, and their
    /// values (the HTML of every answer, twice) were a fifth of its time.
    View(&'static str, Box<dyn View>),
}

/// A page's view (`views`), which the templates see under a name.
pub trait View: Send + Sync {
    fn insert_into(&self, name: &'static str, context: &mut tera::Context);
}

impl<T: Serialize + Send + Sync> View for T {
    fn insert_into(&self, name: &'static str, context: &mut tera::Context) {
        context.insert(name, self);
    }
}

impl Page {
    /// A page whose template sees `context`, always templated.
    fn with_context(
        path: impl Into<String>,
        template: &'static str,
        context: tera::Context,
    ) -> Page {
        Page {
            path: path.into(),
            template,
            values: Values::Context(context),
            inputs: None,
        }
    }

    /// The values the template sees.
    pub fn context(&self) -> std::borrow::Cow<'_, tera::Context> {
        match &self.values {
            Values::Context(context) => std::borrow::Cow::Borrowed(context),
            Values::View(name, view) => {
                let mut context = tera::Context::new();
                view.insert_into(name, &mut context);
                std::borrow::Cow::Owned(context)
            }
        }
    }
}

pub struct Assembled {
    /// Values every template sees as `site`.
    pub site: SiteView,
    /// Pages that list or show several answers: home, systems, weeks, sessions, feed, sitemap.
    pub listings: Vec<Page>,
    /// The site path of every page, the answers' pages included. Those are made one answer at a
    /// time by [`Assembled::article_pages`] when they are templated: the values of 10,000
    /// answers' pages (their HTML twice over) need not all be in memory at once.
    pub paths: Vec<String>,
    /// For each article, the sessions that covered it.
    covered_by: Vec<Vec<usize>>,
}

impl Assembled {
    /// The pages of the `index`-th article: the answer, its redirects, its presentation view
    /// and its QR code.
    pub fn article_pages(
        &self,
        site: &Site,
        rendered: &Rendered,
        related: &RelatedAnswers,
        index: usize,
    ) -> Vec<Page> {
        answer_pages(site, rendered, related, index, &self.covered_by[index])
    }
}

/// The pages of the `index`-th article, given the sessions that covered it.
fn answer_pages(
    site: &Site,
    rendered: &Rendered,
    related: &RelatedAnswers,
    index: usize,
    covered_by: &[usize],
) -> Vec<Page> {
    let article = &site.content.articles[index];
    let related = related_links(site, rendered, related.get(article.id.value.as_str()));
    let pages = articles::assemble(
        site,
        article,
        &rendered.articles[index],
        covered_by,
        related,
    );
    debug_assert!(
        pages.iter().map(|p| &p.path).eq(&articles::paths(article)),
        "the paths announced for an article are those of its pages"
    );
    pages
}

/// The QR code of `url` as a file (`…/qr.svg`), drawn by the `qr.svg` template.
fn qr_page(path: String, url: &str, label: &str) -> Page {
    page(
        path,
        "qr.svg",
        "qr",
        serde_json::json!({ "url": url, "label": label }),
    )
}

/// A page whose template sees `view` under `name`, fingerprinted from the view itself
/// (`output::fingerprint`).
fn page(
    path: String,
    template: &'static str,
    name: &'static str,
    view: impl Serialize + Send + Sync + 'static,
) -> Page {
    let inputs = crate::output::fingerprint::of(template, name, &view);
    Page {
        path,
        template,
        values: Values::View(name, Box::new(view)),
        inputs: Some(inputs),
    }
}

pub fn assemble(
    site: &Site,
    rendered: &Rendered,
    asset_urls: BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> Assembled {
    let site_view = site_view(site, asset_urls);
    let listings = listing_pages(site, rendered, Scope::All);

    let mut paths: Vec<String> = listings.iter().map(|p| p.path.clone()).collect();
    for article in &site.content.articles {
        paths.extend(articles::paths(article));
    }
    let assembled = Assembled {
        site: site_view,
        listings,
        paths,
        covered_by: sessions::sessions_by_article(site),
    };
    let known = known_paths(&assembled);
    check_site_links(site, rendered, rendered.all(), &known, diagnostics);
    assembled
}

/// The pages of one answer, for `serve` to redo after an edit.
pub fn article_pages(
    site: &Site,
    rendered: &Rendered,
    related: &RelatedAnswers,
    index: usize,
) -> Vec<Page> {
    let covered_by = sessions::sessions_covering(site, index);
    answer_pages(site, rendered, related, index, &covered_by)
}

/// Which listing pages to assemble.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    All,
    /// Those that can show these answers (by index), after an edit that changed what the
    /// answers say but not which pages the site has.
    Articles(&'a [usize]),
}

impl Scope<'_> {
    fn all(self) -> bool {
        matches!(self, Scope::All)
    }
}

/// The pages that list answers.
pub fn listing_pages(site: &Site, rendered: &Rendered, scope: Scope) -> Vec<Page> {
    let mut pages = Vec::new();
    let changed = |article: usize| match scope {
        Scope::All => true,
        Scope::Articles(changed) => changed.contains(&article),
    };

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
    pages.push(Page::with_context("/", "home.html", home.clone()));
    // The search page offers the hot issues when nothing is found.
    pages.push(Page::with_context("/search/", "search.html", home));

    for (system, intro) in site.content.systems.iter().zip(&rendered.systems) {
        let lists_changed = match scope {
            Scope::All => true,
            Scope::Articles(changed) => changed
                .iter()
                .any(|&i| site.content.articles[i].system == system.key),
        };
        if !lists_changed {
            continue;
        }
        let mut view = system_view(site, rendered, system, intro);
        if let Some(report) = &current {
            let mut hot = weekly::summary(site, rendered, report, usize::MAX);
            let system_url = site.url(&system.path());
            hot.items
                .retain(|item| item.article.url.starts_with(&system_url));
            hot.items.truncate(5);
            view.hot = (!hot.items.is_empty()).then_some(hot);
        }
        pages.push(page(system.path(), "system.html", "system", view));
    }

    weekly_pages(site, rendered, &weeks, &mut pages);
    session_pages(site, rendered, scope, &changed, &mut pages);

    if scope.all() {
        // Offline support: the page shown for a page not saved on the phone, and the web app
        // manifest. The service worker is written last, by `crate::offline`: its cache version
        // is a hash of everything else.
        for (path, template) in [
            ("/404.html", "404.html"),
            ("/robots.txt", "robots.txt"),
            ("/offline/", "offline.html"),
            ("/manifest.webmanifest", "manifest.webmanifest"),
        ] {
            pages.push(Page::with_context(path, template, tera::Context::new()));
        }
    }
    pages.push(page(
        "/sitemap.xml".into(),
        "sitemap.xml",
        "sitemap",
        sitemap(site, &weeks),
    ));
    pages.push(page(
        "/feed.xml".into(),
        "feed.xml",
        "feed",
        feed::feed(site, rendered, &weeks),
    ));
    pages
}

/// The output file of every page with what makes it, for [`crate::output::claims::check`]: a
/// listing page is named by the source that asks for it (a system's `_system.md`, a session
/// file, a weekly note) or else by its template; an answer's pages by the answer, its aliases
/// by their place in its front matter.
pub fn page_claims(site: &Site, assembled: &Assembled) -> Vec<Claim> {
    let mut claims = Vec::with_capacity(assembled.paths.len());
    for page in &assembled.listings {
        let (source, at) = listing_source(site, page);
        claims.push(Claim::new(file_for(&page.path), source, at));
    }
    for article in &site.content.articles {
        let id = &article.id.value;
        let file = format!("content/{}", article.content_path);
        claims.push(Claim::new(
            file_for(&article.path()),
            format!("the answer {id} ({file})"),
            None,
        ));
        for alias in &article.aliases {
            // Aliases in qaportal's own folders are reported by `validate` already.
            if let Ok(path) = crate::validate::normalize_alias(&alias.value)
                && !crate::validate::is_reserved(&path)
            {
                claims.push(Claim::new(
                    file_for(&path),
                    format!("the alias `{}` of {id}", alias.value),
                    Some(alias.span),
                ));
            }
        }
        let link = articles::permalink(article);
        for (path, what) in [
            (link.clone(), "short link"),
            (format!("{link}qr.svg"), "QR code"),
            (format!("{link}present/"), "presentation view"),
        ] {
            claims.push(Claim::new(
                file_for(&path),
                format!("the {what} of {id} ({file})"),
                Some(article.id.span),
            ));
        }
    }
    claims
}

fn listing_source(site: &Site, page: &Page) -> (String, Option<crate::source::Span>) {
    use crate::source::Span;
    let system_page = page.template == "system.html";
    if let Some(system) = site
        .content
        .systems
        .iter()
        .find(|s| system_page && s.path() == page.path)
    {
        return (
            format!("the system page of content/{}/", system.key),
            system.source.map(Span::file_start),
        );
    }
    if let Some(session) = site
        .content
        .sessions
        .iter()
        .find(|s| !system_page && page.path.starts_with(&s.path()))
    {
        return (
            format!("the session content/sessions/{}.md", session.slug),
            Some(Span::file_start(session.source)),
        );
    }
    (format!("qaportal's {} page", page.template), None)
}

/// Every site path the site has, for checking links to site paths.
pub fn known_paths(assembled: &Assembled) -> HashSet<String> {
    assembled.paths.iter().cloned().collect()
}

/// The related answers (`crate::related`), as links with the answers' current titles.
fn related_links(
    site: &Site,
    rendered: &Rendered,
    hits: Option<&Vec<Related>>,
) -> Vec<ArticleLink> {
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
        pages.push(page(weekly::week_path(week), "week.html", "week", view));
        summaries.push(weekly::summary(site, rendered, &report, 3));
    }
    let mut hot = tera::Context::new();
    hot.insert("weeks", &summaries);
    hot.insert("trend", &trends::trend_view(site, weeks));
    hot.insert("searches", &trends::search_weeks(site, weeks));
    pages.push(Page::with_context("/hot/", "hot.html", hot));
    month_pages(site, rendered, weeks, pages);
}

/// `/hot/YYYY-MM/`: every month with tickets.
fn month_pages(
    site: &Site,
    rendered: &Rendered,
    weeks: &[crate::model::IsoWeek],
    pages: &mut Vec<Page>,
) {
    let months = crate::trends::months(site, &site.tickets);
    for (i, &month) in months.iter().enumerate() {
        let report = crate::trends::month_report(site, &site.tickets, month);
        // Newest first, like the weeks.
        let neighbours = (
            months.get(i + 1).copied(),
            i.checked_sub(1).map(|j| months[j]),
        );
        let view = trends::month_view(site, rendered, &report, weeks, neighbours);
        pages.push(page(trends::month_path(month), "month.html", "month", view));
    }
}

fn session_pages(
    site: &Site,
    rendered: &Rendered,
    scope: Scope,
    changed: &dyn Fn(usize) -> bool,
    pages: &mut Vec<Page>,
) {
    let mut links = Vec::with_capacity(site.content.sessions.len());
    for (session, doc) in site.content.sessions.iter().zip(&rendered.sessions) {
        links.push(sessions::session_link(site, session));
        let covers_changed = session
            .articles
            .iter()
            .any(|id| site.by_id.get(&id.value).is_some_and(|&i| changed(i)));
        if !covers_changed {
            continue;
        }
        let view = sessions::session_view(site, rendered, session, doc);
        pages.push(qr_page(
            format!("{}qr.svg", session.path()),
            &view.absolute_url,
            &format!("“{}”的二维码", session.title),
        ));
        pages.push(page(session.path(), "session.html", "session", view));
        let present = present::session_presentation(site, rendered, session);
        pages.push(page(
            format!("{}present/", session.path()),
            "present.html",
            "present",
            present,
        ));
    }
    // The list shows only the sessions' own titles and dates.
    if scope.all() {
        pages.push(page(
            "/sessions/".into(),
            "sessions.html",
            "sessions",
            links,
        ));
    }
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
    for month in crate::trends::months(site, &site.tickets) {
        entries.push(entry(&trends::month_path(month), None));
    }
    for session in &site.content.sessions {
        entries.push(entry(&session.path(), Some(session.date.to_string())));
    }
    entries
}

/// Links to site paths (`[热点](/hot/)`) must name a page or file the site has.
pub fn check_site_links<'a>(
    site: &Site,
    rendered: &Rendered,
    docs: impl Iterator<Item = &'a Document>,
    known: &HashSet<String>,
    diagnostics: &mut Diagnostics,
) {
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
