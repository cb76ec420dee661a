//! Live sessions: `/sessions/`, `/sessions/<slug>/` (the decks are in `present.rs`).

use serde::Serialize;

use super::views::{ArticleLink, article_link};
use crate::model::{Session, Site};
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
