//! Live sessions and the presenter's views: `/sessions/`, `/sessions/<slug>/`, and the
//! presentation views of sessions and answers (large type, one answer per screen, QR code in the
//! corner).

use serde::Serialize;

use super::articles::permalink;
use super::views::{ArticleLink, article_link};
use crate::model::{Article, Session, Site};
use crate::render::{Document, Rendered};

#[derive(Serialize, Clone)]
pub struct SessionLink {
    pub title: String,
    pub date: String,
    pub presenter: Option<String>,
    pub url: String,
}

/// A session page: `session` in `session.html`.
#[derive(Serialize)]
pub struct SessionView {
    pub title: String,
    pub date: String,
    pub presenter: Option<String>,
    pub replay: Option<String>,
    pub url: String,
    pub absolute_url: String,
    pub present_url: String,
    pub html: String,
    pub articles: Vec<ArticleLink>,
}

/// One answer on one screen of a presentation.
#[derive(Serialize)]
pub struct Slide {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub system_title: String,
    /// The answer's short link, shown as a QR code and under it.
    pub short_url: String,
    pub steps: Vec<SlideStep>,
}

#[derive(Serialize)]
pub struct SlideStep {
    pub number: u64,
    pub html: String,
    /// The step's short link (the redirect keeps the anchor), shown as a QR code.
    pub short_url: String,
}

/// A presentation: `present` in `present.html`.
#[derive(Serialize)]
pub struct PresentView {
    pub title: String,
    /// Where "leave the presentation" goes.
    pub back_url: String,
    pub slides: Vec<Slide>,
}

pub fn session_link(site: &Site, session: &Session) -> SessionLink {
    SessionLink {
        title: session.title.clone(),
        date: session.date.to_string(),
        presenter: session.presenter.clone(),
        url: site.url(&session.path()),
    }
}

fn covered<'a>(site: &'a Site, session: &'a Session) -> impl Iterator<Item = usize> + 'a {
    session
        .articles
        .iter()
        .filter_map(|id| site.by_id.get(&id.value).copied())
}

pub fn session_view(
    site: &Site,
    rendered: &Rendered,
    session: &Session,
    doc: &Document,
) -> SessionView {
    let absolute_url = site.absolute_url(&session.path());
    SessionView {
        title: session.title.clone(),
        date: session.date.to_string(),
        presenter: session.presenter.clone(),
        replay: session.replay.clone(),
        url: site.url(&session.path()),
        present_url: site.url(&format!("{}present/", session.path())),
        absolute_url,
        html: doc.html.clone(),
        articles: covered(site, session)
            .map(|i| article_link(site, &site.content.articles[i], &rendered.articles[i]))
            .collect(),
    }
}

/// The sessions that covered each article, newest first (sessions are sorted newest first).
pub fn sessions_by_article(site: &Site) -> Vec<Vec<usize>> {
    let mut by_article = vec![Vec::new(); site.content.articles.len()];
    for (s, session) in site.content.sessions.iter().enumerate() {
        for i in covered(site, session) {
            if !by_article[i].contains(&s) {
                by_article[i].push(s);
            }
        }
    }
    by_article
}

/// The sessions that covered one article, newest first.
pub fn sessions_covering(site: &Site, article: usize) -> Vec<usize> {
    site.content
        .sessions
        .iter()
        .enumerate()
        .filter(|(_, session)| covered(site, session).any(|i| i == article))
        .map(|(s, _)| s)
        .collect()
}

pub fn slide(site: &Site, article: &Article, doc: &Document) -> Slide {
    let short = site.absolute_url(&permalink(article));
    Slide {
        id: article.id.value.to_string(),
        title: article.title.clone(),
        summary: super::views::summary(article, doc),
        system_title: site
            .system(&article.system)
            .map_or_else(String::new, |s| s.title.clone()),
        steps: doc
            .steps
            .iter()
            .map(|step| {
                // The short link keeps the step anchor: the redirect page carries it over.
                let url = format!("{short}#{}", step.id);
                SlideStep {
                    number: step.number,
                    html: step.html.clone(),
                    short_url: url,
                }
            })
            .collect(),
        short_url: short,
    }
}

pub fn session_presentation(site: &Site, rendered: &Rendered, session: &Session) -> PresentView {
    PresentView {
        title: session.title.clone(),
        back_url: site.url(&session.path()),
        slides: covered(site, session)
            .map(|i| slide(site, &site.content.articles[i], &rendered.articles[i]))
            .collect(),
    }
}

pub fn article_presentation(site: &Site, article: &Article, doc: &Document) -> PresentView {
    PresentView {
        title: article.title.clone(),
        back_url: site.url(&article.path()),
        slides: vec![slide(site, article, doc)],
    }
}
