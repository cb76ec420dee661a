//! The pages of one answer: the answer itself, its short link and old paths (redirects), its
//! presentation view and its QR code.

use super::present::{article_presentation, short_url};
use super::sessions::session_link;
use super::views::*;
use super::{Page, page};
use crate::model::{Article, Site};
use crate::render::Document;
use crate::validate::normalize_alias;

/// The short link of an article: `/a/<id>/`.
pub fn permalink(article: &Article) -> String {
    format!("/a/{}/", article.id.value)
}

/// The site paths of [`assemble`]'s pages, in the same order, without their values.
pub fn paths(article: &Article) -> Vec<String> {
    let mut paths = Vec::with_capacity(4 + article.aliases.len());
    paths.push(article.path());
    for alias in &article.aliases {
        if let Ok(path) = normalize_alias(&alias.value) {
            paths.push(path);
        }
    }
    let permalink = permalink(article);
    paths.push(permalink.clone());
    paths.push(format!("{permalink}qr.svg"));
    paths.push(format!("{permalink}present/"));
    paths
}

pub fn assemble(
    site: &Site,
    article: &Article,
    doc: &Document,
    covered_by: &[usize],
    related: Vec<ArticleLink>,
) -> Vec<Page> {
    let mut pages = Vec::with_capacity(3 + article.aliases.len());
    pages.push(page(
        article.path(),
        "article.html",
        "article",
        article_view(site, article, doc, covered_by, related),
    ));
    let redirect = redirect_view(site, article, doc);
    for alias in &article.aliases {
        if let Ok(path) = normalize_alias(&alias.value) {
            pages.push(page(path, "redirect.html", "redirect", redirect.clone()));
        }
    }
    pages.push(page(
        permalink(article),
        "redirect.html",
        "redirect",
        redirect,
    ));
    let present = article_presentation(site, article, doc);
    pages.push(super::qr_page(
        format!("{}qr.svg", permalink(article)),
        &short_url(site, article),
        &format!("{} 的二维码", article.id.value),
    ));
    pages.push(page(
        format!("{}present/", permalink(article)),
        "present.html",
        "present",
        present,
    ));
    pages
}

fn article_view(
    site: &Site,
    article: &Article,
    doc: &Document,
    covered_by: &[usize],
    related: Vec<ArticleLink>,
) -> ArticleView {
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
        related,
        sessions: covered_by
            .iter()
            .map(|&s| session_link(site, &site.content.sessions[s]))
            .collect(),
        tickets: super::trends::ticket_history(site, article),
        qr_url: site.url(&format!("{}qr.svg", permalink(article))),
        present_url: site.url(&format!("{}present/", permalink(article))),
    }
}

fn redirect_view(site: &Site, article: &Article, doc: &Document) -> RedirectView {
    RedirectView {
        title: article.title.clone(),
        summary: summary(article, doc),
        url: site.url(&article.path()),
        absolute_url: site.absolute_url(&article.path()),
    }
}
