//! `/feed.xml`: an Atom feed of the weekly hot-issue pages and the answers updated recently, so
//! that client managers' feed readers (or the team's chat bot) learn what changed.

use jiff::civil::Date;
use serde::Serialize;

use super::views::summary;
use super::weekly::{week_path, week_title};
use crate::model::{IsoWeek, Site};
use crate::render::Rendered;

/// Entries in the feed: enough for a few weeks of changes.
const ENTRIES: usize = 50;

#[derive(Serialize)]
pub struct FeedView {
    pub title: String,
    pub home_url: String,
    pub self_url: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
pub struct FeedEntry {
    pub title: String,
    pub url: String,
    pub updated: String,
    pub summary: String,
}

fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

pub fn feed(site: &Site, rendered: &Rendered, weeks: &[IsoWeek]) -> FeedView {
    let mut entries: Vec<(Date, FeedEntry)> = Vec::new();
    for week in weeks {
        // A week's page is final on its Sunday; the current week's is as of the build.
        let date = week.sunday().min(site.as_of);
        entries.push((
            date,
            FeedEntry {
                title: format!("{}热点问题", week_title(*week)),
                url: site.absolute_url(&week_path(*week)),
                updated: timestamp(date),
                summary: format!("{} 的热点问题排行与工单类别分布。", week_title(*week)),
            },
        ));
    }
    for (article, doc) in site.content.articles.iter().zip(&rendered.articles) {
        if let Some(date) = article.updated.filter(|d| *d <= site.as_of) {
            entries.push((
                date,
                FeedEntry {
                    title: format!("更新：{}", article.title),
                    url: site.absolute_url(&article.path()),
                    updated: timestamp(date),
                    summary: summary(article, doc),
                },
            ));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.url.cmp(&b.1.url)));
    entries.truncate(ENTRIES);
    let updated = entries.first().map_or(site.as_of, |e| e.0);
    FeedView {
        title: site.config.title.clone(),
        home_url: site.absolute_url("/"),
        self_url: site.absolute_url("/feed.xml"),
        updated: timestamp(updated),
        entries: entries.into_iter().map(|(_, e)| e).collect(),
    }
}
